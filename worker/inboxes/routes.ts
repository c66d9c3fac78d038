// /api/inboxes: create, list, read, update and disable inboxes. Credentials in `config` are
// encrypted at rest; only managers can read them back, and only when they ask to reveal them.
import { forgetInbox } from '../ingest/inboxes';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { randomToken } from '../crypto/bytes';
import { decryptJson, encryptJson } from '../crypto/secrets';
import { newId } from '../db/ids';
import { inboxes } from '../db/schema';
import { Problem } from '../http/problem';
import { Name } from '../http/schemas';
import { valid } from '../http/validate';
import { normalizeOriginPattern } from '../webchat/allowed-origins';
import { rateProblem } from '../broadcasts/rate';
import { CHANNEL_KEYS } from './channels';
import { bumpRevision, normalizeTags } from '../kb/articles';

const Config = v.record(v.pipe(v.string(), v.maxLength(100)), v.union([v.string(), v.number(), v.boolean(), v.null()]));
const Settings = v.object({
  greeting: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(500)))),
  color: v.optional(v.nullable(v.pipe(v.string(), v.regex(/^#[0-9a-fA-F]{6}$/, 'must be a #rrggbb colour')))),
  // Sites that may embed the web chat (worker/webchat/allowed-origins.ts); they go into a CSP header, so
  // only well-formed origins are taken, stored in canonical form.
  allowedOrigins: v.optional(
    v.pipe(
      v.array(v.pipe(v.string(), v.maxLength(200), v.check((s) => normalizeOriginPattern(s) !== null, 'must be an origin such as https://www.example.com or https://*.example.com'))),
      v.maxLength(50),
    ),
  ),
  // Web chat: refuse anonymous visitors; every session must carry the site's identifierHash.
  requireVerifiedIdentity: v.optional(v.boolean()),
  // Broadcasts: messages per second this inbox sends (null: the channel's default); the bound for its
  // channel is checked by the route (worker/broadcasts/rate.ts).
  // Suggestions and the assistant in this inbox draw only on knowledge-base articles carrying one of
  // these tags (a workspace of several businesses or brands, an inbox each); absent or empty: all.
  knowledgeTags: v.optional(v.pipe(v.array(v.pipe(v.string('must be a tag'), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(50, 'must be at most 50 characters'))), v.maxLength(20, 'must list at most 20 tags'))),
  broadcastRate: v.optional(v.nullable(v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1'), v.maxValue(1000, 'must be at most 1000')))),
});

/** Settings as stored: allowed origins in canonical form, the broadcast rate within the channel's bound (else 400). */
function canonicalSettings<T extends { allowedOrigins?: string[]; broadcastRate?: number | null; knowledgeTags?: string[] }>(settings: T, channel: string): T {
  const rate = rateProblem(channel, settings.broadcastRate);
  if (rate) throw Problem.badRequest('settings.broadcastRate', rate);
  let out = settings;
  if (out.allowedOrigins) out = { ...out, allowedOrigins: out.allowedOrigins.map((o) => normalizeOriginPattern(o)!) };
  // Tags as articles store them (worker/kb/articles.ts normalizeTags): lower case, trimmed, no repeats.
  if (out.knowledgeTags) out = { ...out, knowledgeTags: normalizeTags(out.knowledgeTags) };
  return out;
}
const CreateBody = v.object({ channel: v.picklist(CHANNEL_KEYS, `must be one of ${CHANNEL_KEYS.join(', ')}`), name: Name, config: v.optional(Config, {}), settings: v.optional(Settings, {}) });
const UpdateBody = v.object({ name: v.optional(Name), config: v.optional(Config), settings: v.optional(Settings), enabled: v.optional(v.boolean()) });

export const inboxRoutes = new Hono<AppEnv>();

type InboxRow = typeof inboxes.$inferSelect;

/** What any agent may see of an inbox: never the credentials, only which keys are set. */
async function inboxJson(env: Env, row: InboxRow, reveal: boolean) {
  const config = await decryptJson<Record<string, unknown>>(env.ENCRYPTION_KEY, row.configEncrypted);
  return {
    id: row.id,
    channel: row.channel,
    name: row.name,
    enabled: row.enabled,
    settings: row.settings,
    websiteToken: row.websiteToken,
    configuredKeys: Object.keys(config).sort(),
    ...(reveal ? { config } : {}),
    createdAt: row.createdAt,
  };
}

inboxRoutes.get('/', describeRoute({ tags: ['inboxes'], summary: 'List inboxes' }), async (c) => {
  const rows = await c.get('scope').list(inboxes);
  return c.json({ items: await Promise.all(rows.map((r) => inboxJson(c.env, r, false))) });
});

inboxRoutes.post('/', describeRoute({ tags: ['inboxes'], summary: 'Create an inbox' }), requireRole('manager'), valid('json', CreateBody), async (c) => {
  const body = c.req.valid('json');
  const id = newId('inb');
  const config = { ...body.config };
  // Web chat inboxes get a public website token and a secret for identity verification.
  const websiteToken = body.channel === 'webchat' ? `wt_${randomToken(18)}` : null;
  if (body.channel === 'webchat' && !config.identitySecret) config.identitySecret = randomToken(32);
  await c.get('scope').insert(inboxes, {
    id,
    channel: body.channel,
    name: body.name,
    configEncrypted: await encryptJson(c.env.ENCRYPTION_KEY, config),
    websiteToken,
    settings: canonicalSettings(body.settings, body.channel),
    enabled: true,
  });
  return c.json(await inboxJson(c.env, (await c.get('scope').find(inboxes, id))!, true), 201);
});

inboxRoutes.get('/:id', describeRoute({ tags: ['inboxes'], summary: 'One inbox; managers may ?reveal=true the credentials' }), async (c) => {
  const row = await c.get('scope').find(inboxes, c.req.param('id'));
  if (!row) throw Problem.notFound('Inbox');
  const reveal = c.req.query('reveal') === 'true';
  const p = c.get('principal');
  // Credentials are administration: a manager's session, or a key with the admin scope (a read key must not mint identity hashes).
  if (reveal && (p.role !== 'manager' || !p.scopes.includes('admin'))) throw Problem.forbidden('Only managers (and keys with the admin scope) can see inbox credentials');
  return c.json(await inboxJson(c.env, row, reveal));
});

inboxRoutes.patch('/:id', describeRoute({ tags: ['inboxes'], summary: 'Update or disable an inbox (config keys merge; null removes one)' }), requireRole('manager'), valid('json', UpdateBody), async (c) => {
  const scope = c.get('scope');
  const row = await scope.find(inboxes, c.req.param('id'));
  if (!row) throw Problem.notFound('Inbox');
  const body = c.req.valid('json');
  const set: Partial<InboxRow> = {};
  if (body.name !== undefined) set.name = body.name;
  if (body.enabled !== undefined) set.enabled = body.enabled;
  if (body.settings !== undefined) set.settings = { ...row.settings, ...canonicalSettings(body.settings, row.channel) };
  if (body.config !== undefined) {
    const merged: Record<string, unknown> = { ...(await decryptJson<Record<string, unknown>>(c.env.ENCRYPTION_KEY, row.configEncrypted)), ...body.config };
    for (const [k, val] of Object.entries(merged)) if (val === null) delete merged[k];
    set.configEncrypted = await encryptJson(c.env.ENCRYPTION_KEY, merged);
  }
  // Other knowledge tags change which articles the inbox's suggestions draw on: cached suggestions
  // were drawn from the old set, so the AI revision moves on and they are recomputed when next read.
  // Moved first: if the update then fails, a needless recompute is the cost, never a stale cache.
  const tags = (x: Record<string, unknown> | null | undefined) => JSON.stringify(x?.knowledgeTags ?? []);
  if (set.settings && tags(set.settings) !== tags(row.settings)) await bumpRevision(scope).run();
  await scope.update(inboxes, row.id, set);
  forgetInbox(row.id);
  return c.json(await inboxJson(c.env, (await scope.find(inboxes, row.id))!, false));
});

inboxRoutes.post('/:id/disable', describeRoute({ tags: ['inboxes'], summary: 'Disable an inbox (its webhooks answer 403)' }), requireRole('manager'), async (c) => {
  if (!(await c.get('scope').update(inboxes, c.req.param('id'), { enabled: false }))) throw Problem.notFound('Inbox');
  forgetInbox(c.req.param('id'));
  return c.body(null, 204);
});
