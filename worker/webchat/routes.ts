// The web chat channel's visitor side: /widget/api/session, messages and the visitor socket.
// A website token names the inbox; a signed visitor token names the contact; optional identity
// verification ties a visitor to the website's own user id (identifierHash = HMAC-SHA256(secret, id)).
import { availability } from '../business-hours/calendars';
import { workspaceCalendar } from '../routing/config';
import { visitorExternalId } from '../conversations/idempotency';
import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import { hmacSha256, timingSafeEqual, toHex } from '../crypto/bytes';
import { decryptJson } from '../crypto/secrets';
import { newId } from '../db/ids';
import { Problem } from '../http/problem';
import { surveyById } from '../csat/surveys';
import { surveyToken } from '../csat/token';
import { Email } from '../http/schemas';
import { valid } from '../http/validate';
import { withFileUrls } from '../files/attachments';
import { conversationStub, deliverInbound, threadScope } from '../conversations/service';
import type { SocketAuthor } from '../conversations/socket-protocol';
import { workspaceSettings } from '../workspaces/settings';
import { htmlResponse, pageHeaders, withHeaders } from '../http/security-headers';
import { isSameOrigin } from '../http/origin-check';
import { allowedOrigins, frameAncestors, originAllowed } from './allowed-origins';
import { DEMO_STYLE, demoPageHtml } from './demo-page';
import { countNewVisitor, visitorAddress } from './session-throttle';
import { ABSORBED_AT_SQL, readVisitor, signVisitor, tokenStanding, type TokenContact, type VisitorClaims } from './visitor-token';
import { pageReferral } from '../channels/referral';
import { storeFirstContext } from '../ingest/consumer';
import { parseTags } from '../ingest/contacts';

type WidgetEnv = { Bindings: Env; Variables: { visitor: VisitorClaims } };

const SessionBody = v.object({
  websiteToken: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  visitorToken: v.optional(v.pipe(v.string(), v.maxLength(2000))),
  identifier: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200))),
  identifierHash: v.optional(v.pipe(v.string(), v.maxLength(200))),
  name: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200))),
  email: v.optional(Email),
  /** The host page and its referrer (the loader's location.href and document.referrer): a campaign or outside visit is kept as the contact's referral. */
  page: v.optional(v.object({ url: v.pipe(v.string(), v.maxLength(2000)), referrer: v.optional(v.pipe(v.string(), v.maxLength(2000))) })),
});
const MessageBody = v.object({
  text: v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(10_000)),
  clientId: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
});

type InboxSettings = { greeting?: string; color?: string; allowedOrigins?: unknown; requireVerifiedIdentity?: boolean };

/** An inbox that requires identity verification refuses anonymous visitors. */
function refuseAnonymous(settings: InboxSettings): void {
  if (!settings.requireVerifiedIdentity) return;
  const message = 'this chat is for signed-in users of the website: send identifier and identifierHash';
  throw new Problem(403, 'Forbidden', message, [{ field: 'identifierHash', message }]);
}

/**
 * A browser request from a page of a site the inbox does not allow (its Origin) is refused. The chat
 * frame itself runs on our origin, and only allowed sites can show it (frame-ancestors, below).
 */
function refuseForeignPage(req: Request, settings: InboxSettings): void {
  const origin = req.headers.get('origin');
  if (origin === null || isSameOrigin(origin, req.url, req.headers.get('host'))) return;
  if (originAllowed(origin, allowedOrigins(settings))) return;
  const message = 'this website may not embed the chat (see the inbox setting allowedOrigins)';
  throw new Problem(403, 'Forbidden', `Origin ${origin.slice(0, 100)}: ${message}`, [{ field: 'Origin', message }]);
}

type InboxRow = { id: string; workspace_id: string; name: string; enabled: number; config_encrypted: string; settings: string };

async function inboxByToken(env: Env, websiteToken: string): Promise<InboxRow | null> {
  return env.DB.prepare(`SELECT id, workspace_id, name, enabled, config_encrypted, settings FROM inboxes WHERE website_token = ? AND channel = 'webchat'`)
    .bind(websiteToken)
    .first<InboxRow>();
}

/** The thread scope of the visitor's inbox (workspace settings are cached per isolate: usually no read). */
async function visitorScope(env: Env, claims: Pick<VisitorClaims, 'ws' | 'inb'>): Promise<string> {
  return threadScope(await workspaceSettings(env, claims.ws), claims.inb);
}

/** The conversation the visitor is in (the contact's current one in this inbox), if any. */
async function currentConversation(env: Env, claims: Pick<VisitorClaims, 'ws' | 'inb' | 'ct'>): Promise<string | null> {
  const scope = await visitorScope(env, claims);
  return env.DB.prepare(`SELECT conversation_id FROM contact_threads WHERE workspace_id = ? AND contact_id = ? AND scope = ?`)
    .bind(claims.ws, claims.ct, scope)
    .first<string>('conversation_id');
}

export const widgetRoutes = new Hono<WidgetEnv>();

widgetRoutes.post('/session', valid('json', SessionBody), async (c) => {
  const body = c.req.valid('json');
  const inbox = await inboxByToken(c.env, body.websiteToken);
  if (!inbox || !inbox.enabled) throw Problem.unauthorized('Unknown or disabled website token');
  const inboxSettings = JSON.parse(inbox.settings || '{}') as InboxSettings;
  refuseForeignPage(c.req.raw, inboxSettings);
  const ws = inbox.workspace_id;
  let contactId: string | null = null;
  let verified = false;

  if (body.identifier !== undefined || body.identifierHash !== undefined) {
    if (!body.identifier || !body.identifierHash) throw Problem.badRequest(body.identifier ? 'identifierHash' : 'identifier', 'identifier and identifierHash go together');
    const config = await decryptJson<{ identitySecret?: string }>(c.env.ENCRYPTION_KEY, inbox.config_encrypted);
    const expected = config.identitySecret ? toHex(await hmacSha256(config.identitySecret, body.identifier)) : '';
    if (!expected || !timingSafeEqual(expected, body.identifierHash.toLowerCase())) throw Problem.unauthorized('identifierHash does not match the identifier');
    verified = true;
    contactId = await c.env.DB.prepare(`SELECT contact_id FROM contact_identities WHERE workspace_id = ? AND channel = 'webchat' AND external_id = ?`)
      .bind(ws, `user:${body.identifier}`)
      .first<string>('contact_id');
    if (!contactId) {
      const throttled = await countNewVisitor(c.env.DB, inbox.id, visitorAddress(c.req.raw));
      if (throttled) return throttled;
      contactId = await createVisitorContact(c.env, ws, inbox.id, `user:${body.identifier}`, body.name, body.email);
    }
  } else {
    // Resuming: a token of this inbox that still stands (not revoked; unverified ones not merged away).
    const claims = await readVisitor(c.env, body.visitorToken);
    const contact = claims && claims.inb === inbox.id && claims.ws === ws ? await tokenContact(c.env, claims) : null;
    if (claims && contact && tokenStanding(claims, contact) === 'ok') {
      if (!claims.vf) refuseAnonymous(inboxSettings);
      contactId = claims.ct;
      verified = claims.vf;
    } else {
      refuseAnonymous(inboxSettings);
      const throttled = await countNewVisitor(c.env.DB, inbox.id, visitorAddress(c.req.raw));
      if (throttled) return throttled;
      // The name and e-mail typed here are the visitor's word only: they go on this new contact and
      // never match it to (or merge it with) another one.
      contactId = await createVisitorContact(c.env, ws, inbox.id, `anon:${newId('v')}`, body.name, body.email);
    }
  }
  // The contact the token is issued for. Follow merges (only verified visitors get this far with a
  // merged contact): the visitor continues as the surviving contact.
  const issued = await c.env.DB.prepare(
    `SELECT coalesce(m.id, c.id) AS id, coalesce(m.widget_session_epoch, c.widget_session_epoch) AS epoch
     FROM contacts c LEFT JOIN contacts m ON m.id = c.merged_into AND m.workspace_id = c.workspace_id
     WHERE c.id = ? AND c.workspace_id = ?`,
  )
    .bind(contactId, ws)
    .first<{ id: string; epoch: number }>();
  if (issued) contactId = issued.id;
  if (body.name || body.email) {
    await c.env.DB.prepare(`UPDATE contacts SET name = coalesce(?, name), email = coalesce(?, email), updated_at = ? WHERE id = ? AND workspace_id = ?`)
      .bind(body.name ?? null, body.email ?? null, Date.now(), contactId, ws)
      .run();
  }
  const referral = body.page ? pageReferral(contactId!, body.page) : null;
  if (referral) await storeFirstContext(c.env, { workspaceId: ws, channel: 'webchat' }, contactId!, referral);
  const claims = { ws, inb: inbox.id, ct: contactId, vf: verified, gen: issued?.epoch ?? 0 };
  const visitorToken = await signVisitor(c.env, claims);
  return c.json({
    visitorToken,
    contactId,
    conversationId: await currentConversation(c.env, claims),
    inbox: { id: inbox.id, name: inbox.name, greeting: inboxSettings.greeting ?? null, color: inboxSettings.color ?? null },
    // The workspace's business hours: the widget says when the team will reply while it is closed.
    availability: availability(await workspaceCalendar(c.env, ws), Date.now()),
  });
});

async function createVisitorContact(env: Env, ws: string, inboxId: string, externalId: string, name?: string, email?: string): Promise<string> {
  const id = newId('ct');
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare(`INSERT INTO contacts (id, workspace_id, name, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`).bind(id, ws, name || null, email ?? null, now, now),
    env.DB.prepare(`INSERT INTO contact_identities (id, workspace_id, contact_id, channel, external_id, inbox_id) VALUES (?, ?, ?, 'webchat', ?, ?)`).bind(newId('cid'), ws, id, externalId, inboxId),
  ]);
  return id;
}

/** The row of the contact a token was issued for, as tokenStanding reads it. */
function tokenContact(env: Env, claims: VisitorClaims) {
  return env.DB.prepare(`SELECT c.merged_into, c.widget_session_epoch, ${ABSORBED_AT_SQL} FROM contacts c WHERE c.id = ? AND c.workspace_id = ?`).bind(claims.ct, claims.ws).first<TokenContact>();
}

/**
 * The visitor's contact (following a merge for a verified token: one issued before it names the
 * merged-away contact) and whether the inbox their token names still takes messages, with what a
 * message needs next — the contact's tags and its current conversation for `scope` (null: none) — so
 * the message path makes no second read for them. One query. Null when the token no longer stands:
 * revoked, or unverified and its contact merged away.
 */
async function visitorContact(env: Env, claims: VisitorClaims, scope: string | null = null) {
  const row = await env.DB.prepare(
    `SELECT coalesce(m.id, c.id) AS id, coalesce(m.name, c.name) AS name, coalesce(m.blocked, c.blocked) AS blocked,
       coalesce(m.tags, c.tags) AS tags, c.merged_into, c.widget_session_epoch, ${ABSORBED_AT_SQL},
       coalesce((SELECT i.enabled FROM inboxes i WHERE i.id = ?3 AND i.workspace_id = ?2), 0) AS inbox_enabled,
       (SELECT i.settings FROM inboxes i WHERE i.id = ?3 AND i.workspace_id = ?2) AS inbox_settings,
       (SELECT t.conversation_id FROM contact_threads t WHERE t.workspace_id = ?2 AND t.contact_id = coalesce(m.id, c.id) AND t.scope = ?4) AS thread_id
     FROM contacts c LEFT JOIN contacts m ON m.id = c.merged_into AND m.workspace_id = c.workspace_id
     WHERE c.id = ?1 AND c.workspace_id = ?2`,
  )
    .bind(claims.ct, claims.ws, claims.inb, scope)
    .first<{ id: string; name: string | null; blocked: number; tags: string | null; inbox_enabled: number; inbox_settings: string | null; thread_id: string | null } & TokenContact>();
  if (!row || tokenStanding(claims, row) !== 'ok') return null;
  // An inbox that now requires verification no longer serves its anonymous visitors' tokens.
  if (!claims.vf) refuseAnonymous(JSON.parse(row.inbox_settings || '{}') as InboxSettings);
  return row;
}

/** Bearer visitor token (header) for REST; ?token= for the socket, which cannot send headers. */
async function requireVisitor(c: Context<WidgetEnv>, next: () => Promise<void>) {
  const header = c.req.header('authorization');
  const token = header?.toLowerCase().startsWith('bearer ') ? header.slice(7) : c.req.query('token');
  const claims = await readVisitor(c.env, token);
  if (!claims) throw Problem.unauthorized('A valid visitor token is required');
  c.set('visitor', claims);
  await next();
}

widgetRoutes.get('/messages', requireVisitor, valid('query', v.object({ after: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(0))) })), async (c) => {
  const token = c.get('visitor');
  const contact = await visitorContact(c.env, token, await visitorScope(c.env, token));
  if (!contact) throw Problem.unauthorized('This visitor token was revoked or no longer applies; start a new session');
  const claims = { ...token, ct: contact.id };
  const conversationId = contact.thread_id;
  if (!conversationId) return c.json({ conversationId: null, seq: 0, items: [] });
  const stub = conversationStub(c.env, claims.ws, conversationId);
  const after = c.req.valid('query').after;
  const items = await stub.messages({ after: after ?? 0, limit: 500, includeNotes: false });
  const state = await stub.state();
  return c.json({ conversationId, seq: state?.seq ?? 0, items: await withFileUrls(c.env, items) });
});

// The web chat rating card's survey link. The survey message the team sees names the survey only (a
// signed link there would let an agent answer for the customer); the visitor it was sent to gets the
// signed token here, by their own visitor token.
widgetRoutes.get('/csat/:surveyId', requireVisitor, valid('param', v.object({ surveyId: v.pipe(v.string(), v.regex(/^csv_[0-9A-Za-z]{10,40}$/, 'must be a survey id')) })), async (c) => {
  const token = c.get('visitor');
  const contact = await visitorContact(c.env, token);
  if (!contact) throw Problem.unauthorized('This visitor token was revoked or no longer applies; start a new session');
  const survey = await surveyById(c.env.DB, c.req.valid('param').surveyId);
  if (!survey || survey.workspaceId !== token.ws || (survey.contactId !== contact.id && survey.contactId !== token.ct)) throw Problem.notFound('Survey');
  return c.json({ token: await surveyToken(c.env.JWT_SECRET, survey) });
});

widgetRoutes.post('/messages', requireVisitor, valid('json', MessageBody), async (c) => {
  const token = c.get('visitor');
  const body = c.req.valid('json');
  const contact = await visitorContact(c.env, token, await visitorScope(c.env, token));
  if (!contact) throw Problem.unauthorized('This visitor token was revoked or no longer applies; start a new session');
  const claims = { ...token, ct: contact.id };
  if (contact.blocked) throw Problem.forbidden('This conversation is closed');
  if (!contact.inbox_enabled) throw Problem.forbidden('This chat is disabled');
  // The lookup's thread pointer and tags go along, as the INGEST consumer's sender lookup does: the
  // path reads neither again, and a new conversation need not load the tags and commit a second time.
  const res = await deliverInbound(
    c.env,
    { workspaceId: claims.ws, contactId: claims.ct, inboxId: claims.inb, channel: 'webchat' },
    { direction: 'inbound', author: { type: 'contact', id: claims.ct, name: contact.name }, text: body.text, externalId: visitorExternalId(body.clientId), contactTags: parseTags(contact.tags) },
    contact.thread_id,
  );
  return c.json({ conversationId: res.conversationId, message: res.message, duplicate: res.duplicate }, res.duplicate ? 200 : 201);
});

widgetRoutes.get('/ws', requireVisitor, async (c) => {
  if (c.req.header('upgrade') !== 'websocket') throw new Problem(426, 'Upgrade required', 'Connect with a WebSocket');
  const token = c.get('visitor');
  const contact = await visitorContact(c.env, token, await visitorScope(c.env, token));
  if (!contact) throw Problem.unauthorized('This visitor token was revoked or no longer applies; start a new session');
  if (contact.blocked || !contact.inbox_enabled) throw Problem.forbidden('This conversation is closed');
  const claims = { ...token, ct: contact.id };
  const conversationId = contact.thread_id;
  if (!conversationId) throw Problem.notFound('Conversation');
  const headers = new Headers(c.req.raw.headers);
  headers.set('x-parley-identity', JSON.stringify({ kind: 'visitor', contactId: claims.ct, name: contact.name, workspaceId: claims.ws, token: { contactId: token.ct, gen: token.gen, verified: token.vf, iat: token.iat } } satisfies SocketAuthor));
  return conversationStub(c.env, claims.ws, conversationId).fetch(new Request(c.req.url, { headers }));
});

/**
 * GET /widget/frame.html?websiteToken=…: the chat frame from the assets, with a policy that lets only
 * the inbox's allowed origins (and our own pages, such as /demo) frame it. An unknown token gets our
 * own pages only; the frame then says the chat is not available.
 */
export async function widgetFrame(c: Context<{ Bindings: Env }>): Promise<Response> {
  const token = c.req.query('websiteToken');
  const [res, inbox] = await Promise.all([c.env.ASSETS.fetch(c.req.raw), token ? inboxByToken(c.env, token) : null]);
  const ancestors = inbox ? frameAncestors(allowedOrigins(JSON.parse(inbox.settings || '{}') as InboxSettings)) : ["'self'"];
  return withHeaders(res, await pageHeaders(c.req.url, { frameAncestors: ancestors }));
}

/** /demo: a sample website with the widget embedded (the first web chat inbox, or ?token=). */
export async function demoPage(c: Context<{ Bindings: Env }>): Promise<Response> {
  let token = c.req.query('token') ?? null;
  if (!token && c.env.ENVIRONMENT === 'development') {
    token = await c.env.DB.prepare(`SELECT website_token FROM inboxes WHERE channel = 'webchat' AND enabled = 1 ORDER BY created_at LIMIT 1`).first<string>('website_token');
  }
  if (!token) throw Problem.notFound('Demo page (pass ?token=<website token>)');
  // It embeds the chat frame from our origin; its inline style block is allowed by hash.
  return htmlResponse(c.req.url, demoPageHtml(token, new URL(c.req.url).origin), { styles: [DEMO_STYLE], frameSrc: ["'self'"] });
}
