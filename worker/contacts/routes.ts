// /api/contacts: list and search, one contact with identities, conversations and timeline,
// create, update, and merge (identities, conversations and timeline move; the merge is recorded).
import { reachableContacts, requireContactReach } from './reach';
import { desc, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { compileFilter, FilterError, parseFilter, pointerField, type Filter } from '../audiences/filter';
import { requireRole } from '../auth/middleware';
import { closeContactSockets } from '../auth/socket-revocation';
import { CLOSE } from '../conversations/socket-protocol';
import { actorOf } from '../conversations/routes';
import { toListItem } from '../conversations/list';
import { conversationStub } from '../conversations/service';
import { normalizeTags } from '../conversations/state';
import { fromBase64Url, toBase64Url, utf8 } from '../crypto/bytes';
import { newId } from '../db/ids';
import { contactIdentities, contacts } from '../db/schema';
import { Problem } from '../http/problem';
import { Cursor, Email, Limit, TagName } from '../http/schemas';
import { valid } from '../http/validate';
import { normalizePhone } from './phone';
import { applySubscriptionEdits, customerOptOutConflict, subscriptionsJson } from './subscriptions';

const Phone = v.pipe(v.string(), v.trim(), v.regex(/^\+?[\d\s().-]{5,25}$/, 'must be a phone number'), v.transform(normalizePhone));
export const Language = v.pipe(v.string(), v.trim(), v.toLowerCase(), v.regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/, 'must be a language tag such as en or pt-br'));
export const Country = v.pipe(v.string(), v.trim(), v.toUpperCase(), v.regex(/^[A-Z]{2}$/, 'must be an ISO 3166 two-letter country code'));
export const City = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100));
const Attributes = v.record(v.pipe(v.string(), v.maxLength(100)), v.union([v.string(), v.number(), v.boolean(), v.null()]));
const Identity = v.object({ channel: v.pipe(v.string(), v.minLength(1), v.maxLength(40)), externalId: v.pipe(v.string(), v.minLength(1), v.maxLength(300)), inboxId: v.optional(v.string()) });

/** Per channel: a status, or { status } ('unknown' forgets what was said). The source is recorded as 'agent' (or 'api' for API keys). */
const SubscriptionEdit = v.pipe(
  v.union([v.picklist(['subscribed', 'unsubscribed', 'unknown']), v.object({ status: v.picklist(['subscribed', 'unsubscribed', 'unknown']) })], 'must be subscribed, unsubscribed or unknown (or { status })'),
  v.transform((x) => (typeof x === 'string' ? x : x.status)),
);
const Subscriptions = v.pipe(
  v.record(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_-]{0,39}$/, 'must be a channel name')), SubscriptionEdit),
  v.check((r) => Object.keys(r).length <= 20, 'at most 20 channels'),
);
const ContactFields = {
  name: v.optional(v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(200)))),
  email: v.optional(v.nullable(Email)),
  phone: v.optional(v.nullable(Phone)),
  avatarUrl: v.optional(v.nullable(v.pipe(v.string(), v.url('must be a URL'), v.maxLength(1000)))),
  tags: v.optional(v.pipe(v.array(TagName), v.maxLength(50))),
  attributes: v.optional(Attributes),
  subscriptions: v.optional(Subscriptions),
  blocked: v.optional(v.boolean()),
  language: v.optional(v.nullable(Language)),
  country: v.optional(v.nullable(Country)),
  city: v.optional(v.nullable(City)),
};
const CreateBody = v.object({ ...ContactFields, identities: v.optional(v.pipe(v.array(Identity), v.maxLength(20)), []) });
const UpdateBody = v.pipe(
  v.object(ContactFields),
  v.check((b) => Object.keys(b).length > 0, 'the body must change at least one field'),
);
const MergeBody = v.object({ sourceId: v.string() });
const ListQuery = v.object({
  q: v.optional(v.pipe(v.string(), v.maxLength(200))),
  tag: v.optional(v.string()),
  /** An audience filter as JSON (worker/audiences/filter.ts): what the contacts page filters by, and what its export sends. */
  filter: v.optional(v.pipe(v.string(), v.maxLength(20_000))),
  cursor: Cursor,
  limit: Limit,
});

/** D1 refuses a statement with more bound parameters than this. */
const D1_MAX_PARAMS = 100;

/** A compiled audience filter (`?` placeholders over `contacts c`) as a drizzle condition on this query's contacts. */
function audienceCondition(workspaceId: string, raw: string): SQL {
  let filter: Filter;
  try {
    filter = parseFilter(JSON.parse(raw));
  } catch (e) {
    if (e instanceof FilterError) throw Problem.badRequest(pointerField('filter', e.pointer), `${e.message} (at /filter${e.pointer})`);
    throw Problem.badRequest('filter', 'must be an audience filter as JSON');
  }
  const compiled = compileFilter(filter, Date.now());
  const parts = compiled.sql.split('?');
  const cond = sql.empty();
  parts.forEach((part, i) => {
    cond.append(sql.raw(part));
    if (i < compiled.params.length) cond.append(sql`${compiled.params[i]}`);
  });
  return sql`${contacts.id} IN (SELECT c.id FROM contacts c WHERE c.workspace_id = ${workspaceId} AND ${cond})`;
}

export const contactRoutes = new Hono<AppEnv>();

type ContactRow = typeof contacts.$inferSelect;
export function contactJson(c: ContactRow) {
  const { workspaceId: _ws, subscriptions, ...rest } = c;
  return { ...rest, subscriptions: subscriptionsJson(subscriptions) };
}

contactRoutes.get(
  '/',
  describeRoute({
    tags: ['contacts'],
    summary: 'List and search contacts (name, e-mail, phone; ?tag=; ?filter=<audience filter JSON>)',
    description: 'Most recently updated first, keyset pages (nextCursor). Each item carries `channels`: the channels it has an identity on. The personal role sees only contacts of conversations assigned to it.',
  }), valid('query', ListQuery), async (c) => {
  const scope = c.get('scope');
  const q = c.req.valid('query');
  const limit = q.limit ?? 50;
  let after: [number, string] | null = null;
  if (q.cursor) {
    try {
      after = JSON.parse(new TextDecoder().decode(fromBase64Url(q.cursor))) as [number, string];
    } catch {
      // handled below
    }
    if (!Array.isArray(after) || after.length !== 2 || typeof after[0] !== 'number' || typeof after[1] !== 'string') {
      throw Problem.badRequest('cursor', 'is not a cursor this endpoint issued');
    }
  }
  const term = q.q?.trim();
  const query = scope.db
    .select()
    .from(contacts)
    .where(
      scope.where(
        contacts,
        isNull(contacts.mergedInto),
        reachableContacts(c.get('principal')),
        // instr(), not LIKE: D1 refuses LIKE patterns over 50 bytes, and input must not act as a wildcard.
        term
          ? or(
              sql`instr(lower(${contacts.name}), lower(${term})) > 0`,
              sql`instr(${contacts.email}, ${term.toLowerCase()}) > 0`,
              // Digits only for a term that reads as a phone number: "Suite 4B" must not match every phone with a 4.
              sql`instr(${contacts.phone}, ${/^[+\d\s().-]+$/.test(term) && /\d/.test(term) ? term.replace(/\D/g, '') : term}) > 0`,
            )
          : undefined,
        q.tag ? sql`instr(${contacts.tags}, ${JSON.stringify(q.tag.toLowerCase())}) > 0` : undefined,
        q.filter ? audienceCondition(scope.workspaceId, q.filter) : undefined,
        // A row value binds the cursor's time once: every value saved here is room for the filter's own.
        after ? sql`(${contacts.updatedAt}, ${contacts.id}) < (${after[0]}, ${after[1]})` : undefined,
      ),
    )
    .orderBy(desc(contacts.updatedAt), desc(contacts.id))
    .limit(limit + 1);
  // What binds around a filter (workspace, reach, search, tag, cursor, limit) leaves it MAX_PARAMS values
  // (worker/audiences/filter.ts); should that ever stop adding up, the caller hears which field to
  // shorten instead of D1 refusing the statement with a 500.
  const bound = query.toSQL().params.length;
  if (bound > D1_MAX_PARAMS) throw Problem.badRequest('filter', `with the search, tag and page this filter needs ${bound} bound values, over the ${D1_MAX_PARAMS} a query may have: merge conditions on one field into an in/hasAny list`);
  const rows = await query;
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  // The channels each contact has an identity on (the list's channel icons): one read for the page.
  const idents = page.length
    ? await scope
        .prepare(`SELECT DISTINCT contact_id AS contactId, channel FROM contact_identities WHERE workspace_id = ? AND contact_id IN (SELECT value FROM json_each(?)) ORDER BY channel`, JSON.stringify(page.map((r) => r.id)))
        .all<{ contactId: string; channel: string }>()
    : { results: [] };
  const channelsOf = new Map<string, string[]>();
  for (const r of idents.results) channelsOf.set(r.contactId, [...(channelsOf.get(r.contactId) ?? []), r.channel]);
  return c.json({
    items: page.map((r) => ({ ...contactJson(r), channels: channelsOf.get(r.id) ?? [] })),
    nextCursor: rows.length > limit && last ? toBase64Url(utf8(JSON.stringify([last.updatedAt, last.id]))) : null,
  });
});

contactRoutes.post('/', describeRoute({ tags: ['contacts'], summary: 'Create a contact (optionally with channel identities)' }), valid('json', CreateBody), async (c) => {
  const scope = c.get('scope');
  const body = c.req.valid('json');
  // Blocking drops a sender's messages: not for the personal role, on a new contact either (a pre-made identity would block its sender).
  if (c.get('principal').role === 'personal' && body.blocked) throw Problem.forbidden('The personal role cannot block contacts');
  const id = newId('ct');
  const now = Date.now();
  for (const [i, ident] of body.identities.entries()) {
    const taken = await scope.db
      .select({ id: contactIdentities.id })
      .from(contactIdentities)
      .where(scope.where(contactIdentities, eq(contactIdentities.channel, ident.channel), eq(contactIdentities.externalId, ident.externalId)))
      .limit(1);
    if (taken.length) throw Problem.conflict('this channel identity already belongs to another contact', `identities.${i}.externalId`);
  }
  await scope.insert(contacts, {
    id,
    name: body.name ?? null,
    email: body.email ?? null,
    phone: body.phone ?? null,
    avatarUrl: body.avatarUrl ?? null,
    tags: normalizeTags(body.tags ?? []),
    attributes: body.attributes ?? {},
    subscriptions: applySubscriptionEdits({}, body.subscriptions ?? {}, c.get('principal').via === 'api_key' ? 'api' : 'agent', now),
    blocked: body.blocked ?? false,
    language: body.language ?? null,
    country: body.country ?? null,
    city: body.city ?? null,
    createdAt: now,
    updatedAt: now,
  });
  for (const ident of body.identities) {
    await scope.insert(contactIdentities, { id: newId('cid'), contactId: id, channel: ident.channel, externalId: ident.externalId, inboxId: ident.inboxId ?? null });
  }
  return c.json(contactJson((await scope.find(contacts, id))!), 201);
});

contactRoutes.get('/:id', describeRoute({ tags: ['contacts'], summary: 'A contact with identities, conversations and activity timeline' }), requireContactReach, async (c) => {
  const scope = c.get('scope');
  const p = c.get('principal');
  const contact = await scope.find(contacts, c.req.param('id'));
  if (!contact) throw Problem.notFound('Contact');
  const [identities, convs, timeline, merges] = await scope.d1.batch<Record<string, unknown>>([
    scope.prepare(`SELECT id, channel, external_id AS externalId, inbox_id AS inboxId, created_at AS createdAt FROM contact_identities WHERE workspace_id = ? AND contact_id = ? ORDER BY created_at`, contact.id),
    scope.prepare(
      `SELECT c.*, 0 AS unread_count FROM conversations c WHERE c.workspace_id = ?1 AND c.contact_id = ?2
         AND (?3 = 'manager' OR (?3 = 'personal' AND c.assignee_id = ?4)
              OR (?3 = 'staff' AND (c.assignee_id IS NULL OR c.assignee_id = ?4 OR c.team_id IN (SELECT team_id FROM team_members WHERE user_id = ?4))))
       ORDER BY c.last_activity_at DESC LIMIT 100`,
      contact.id,
      p.role,
      p.userId,
    ),
    scope.prepare(
      `SELECT e.conversation_id AS conversationId, e.seq, e.type, e.actor_type AS actorType, e.actor_id AS actorId, e.data, e.at
       FROM analytics_events e WHERE e.workspace_id = ?1 AND e.conversation_id IN (SELECT id FROM conversations WHERE workspace_id = ?1 AND contact_id = ?2)
       ORDER BY e.at DESC LIMIT 100`,
      contact.id,
    ),
    scope.prepare(`SELECT source_id AS sourceId, target_id AS targetId, by_user_id AS byUserId, created_at AS at FROM contact_merges WHERE workspace_id = ? AND (target_id = ? OR source_id = ?2)`, contact.id),
  ]);
  return c.json({
    ...contactJson(contact),
    identities: identities.results,
    conversations: convs.results.map(toListItem),
    timeline: [
      ...timeline.results.map((e) => ({ ...e, at: Number(e.at), data: JSON.parse(String(e.data)) as unknown })),
      ...merges.results.map((m) => ({ type: 'contact.merged', at: Number(m.at), actorType: 'agent', actorId: m.byUserId, data: { sourceId: m.sourceId, targetId: m.targetId } })),
    ].sort((a, b) => b.at - a.at),
  });
});

contactRoutes.patch('/:id', describeRoute({ tags: ['contacts'], summary: 'Update a contact' }), requireContactReach, valid('json', UpdateBody), async (c) => {
  const scope = c.get('scope');
  const body = c.req.valid('json');
  const now = Date.now();
  const set: Partial<ContactRow> = { ...body, updatedAt: now } as Partial<ContactRow>;
  if (body.tags) set.tags = normalizeTags(body.tags);
  if (c.get('principal').role === 'personal' && body.blocked !== undefined) throw Problem.forbidden('The personal role cannot block contacts');
  if (body.subscriptions) {
    const current = await scope.find(contacts, c.req.param('id'));
    if (!current) throw Problem.notFound('Contact');
    const conflict = customerOptOutConflict(current.subscriptions, body.subscriptions);
    if (conflict) throw Problem.conflict(conflict.reason, `subscriptions.${conflict.channel}`);
    set.subscriptions = applySubscriptionEdits(current.subscriptions, body.subscriptions, c.get('principal').via === 'api_key' ? 'api' : 'agent', now);
  }
  if (!(await scope.update(contacts, c.req.param('id'), set))) throw Problem.notFound('Contact');
  // A blocked contact's open widget sockets end now (their further frames are refused by the object too).
  if (body.blocked === true) await closeContactSockets(c.env, scope.workspaceId, c.req.param('id'));
  return c.json(contactJson((await scope.find(contacts, c.req.param('id')))!));
});

contactRoutes.post(
  '/:id/merge',
  describeRoute({ tags: ['contacts'], summary: 'Merge sourceId into this contact', description: 'Identities, conversations and timeline move to this contact; the source is marked merged.' }),
  requireRole('manager', 'staff'),
  valid('json', MergeBody),
  async (c) => {
    const scope = c.get('scope');
    const p = c.get('principal');
    const targetId = c.req.param('id');
    const { sourceId } = c.req.valid('json');
    if (sourceId === targetId) throw Problem.badRequest('sourceId', 'cannot merge a contact into itself');
    const [target, source] = await Promise.all([scope.find(contacts, targetId), scope.find(contacts, sourceId)]);
    if (!target || target.mergedInto) throw Problem.notFound('Contact');
    if (!source || source.mergedInto) throw Problem.badRequest('sourceId', 'no such (unmerged) contact in this workspace');

    const convIds = (await scope.prepare(`SELECT id FROM conversations WHERE workspace_id = ? AND contact_id = ?`, sourceId).all<{ id: string }>()).results.map((r) => r.id);
    // Conversations first: each object is the writer of its own contact reference and re-projects itself.
    for (const id of convIds) await conversationStub(c.env, p.workspaceId, id).moveToContact(targetId, actorOf(p));
    const identities = await scope.list(contactIdentities, eq(contactIdentities.contactId, sourceId));
    // Visitor sockets of both sides end while the thread pointers still name them; reconnecting re-checks the
    // token, and unverified tokens of either side no longer stand (the contact_merges row: visitor-token.ts).
    await Promise.all([closeContactSockets(c.env, p.workspaceId, sourceId, CLOSE.rightsChanged), closeContactSockets(c.env, p.workspaceId, targetId, CLOSE.rightsChanged)]);
    await scope.d1.batch([

      scope.prepare(`UPDATE contact_identities SET contact_id = ?2 WHERE workspace_id = ?1 AND contact_id = ?3`, targetId, sourceId),
      // The target keeps its own current threads; the source's move over where the target has none.
      scope.prepare(
        `UPDATE OR IGNORE contact_threads SET contact_id = ?2 WHERE workspace_id = ?1 AND contact_id = ?3`,
        targetId,
        sourceId,
      ),
      scope.prepare(`DELETE FROM contact_threads WHERE workspace_id = ?1 AND contact_id = ?2`, sourceId),
      scope.prepare(
        `UPDATE contacts SET name = coalesce(name, ?3), email = coalesce(email, ?4), phone = coalesce(phone, ?5), avatar_url = coalesce(avatar_url, ?6),
           tags = ?7, attributes = ?8, updated_at = ?9 WHERE workspace_id = ?1 AND id = ?2`,
        targetId,
        source.name,
        source.email,
        source.phone,
        source.avatarUrl,
        JSON.stringify(normalizeTags([...target.tags, ...source.tags])),
        JSON.stringify({ ...source.attributes, ...target.attributes }),
        Date.now(),
      ),
      scope.prepare(`UPDATE contacts SET merged_into = ?2, updated_at = ?3 WHERE workspace_id = ?1 AND id = ?4`, targetId, Date.now(), sourceId),
      scope.prepare(
        `INSERT INTO contact_merges (id, workspace_id, source_id, target_id, by_user_id, details) VALUES (?2, ?1, ?3, ?4, ?5, ?6)`,
        newId('mrg'),
        sourceId,
        targetId,
        p.userId,
        JSON.stringify({ identities: identities.map((i) => i.id), conversations: convIds }),
      ),
    ]);
    return c.json({ contact: contactJson((await scope.find(contacts, targetId))!), moved: { identities: identities.length, conversations: convIds.length } });
  },
);


