// /api/saved-replies: canned responses with categories, per-channel variants and merge fields; the
// composer's `/` picker lists them and renders one for the open conversation. Workspace replies are
// managed by managers; anyone who writes replies (managers and staff) may keep personal ones, which
// only their owner sees and changes.
import { asc, desc, eq, isNull, or, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import { visibleConversation } from '../ai/conversation-context';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { newId } from '../db/ids';
import { savedReplies } from '../db/schema';
import { Problem } from '../http/problem';
import { isUniqueViolation } from '../kb/articles';
import { valid } from '../http/validate';
import { mergeContext } from './context';
import { checkFields, FIELDS, renderFields } from './merge-fields';

const ReplyText = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(5000));
const Channel = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_-]{0,39}$/, 'must be a channel name'));
const Fields = {
  name: v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(120)),
  shortcut: v.nullable(v.pipe(v.string(), v.trim(), v.toLowerCase(), v.regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be letters, digits, - or _ (no spaces)'))),
  category: v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(60))),
  text: ReplyText,
  variants: v.pipe(v.record(Channel, ReplyText), v.check((r) => Object.keys(r).length <= 20, 'at most 20 channel variants')),
};
const CreateBody = v.object({
  name: Fields.name,
  text: Fields.text,
  shortcut: v.optional(Fields.shortcut),
  category: v.optional(Fields.category),
  variants: v.optional(Fields.variants),
  /** true: only you see and use it (staff may create only personal replies). */
  personal: v.optional(v.boolean(), false),
});
const PatchBody = v.pipe(
  v.partial(v.object(Fields)),
  v.check((b) => Object.keys(b).length > 0, 'the body must change at least one field'),
);
const ListQuery = v.object({
  q: v.optional(v.pipe(v.string(), v.maxLength(100))),
  category: v.optional(v.pipe(v.string(), v.maxLength(60))),
  channel: v.optional(Channel),
});
const RenderBody = v.object({ conversationId: v.optional(v.string()), channel: v.optional(Channel) });
/** A sample conversation's fill: either a conversation the caller can see, or the caller's own values only. */
const PreviewBody = v.object({ text: ReplyText, conversationId: v.optional(v.string()), channel: v.optional(Channel) });

export const replyRoutes = new Hono<AppEnv>();
const editor = requireRole('manager', 'staff');

type Row = typeof savedReplies.$inferSelect;

/** The reply as the API returns it; with a channel, `text` is that channel's variant. */
function replyJson(r: Row, channel?: string) {
  const { workspaceId: _ws, ownerUserId, ...rest } = r;
  return { ...rest, personal: ownerUserId !== null, text: (channel && r.variants[channel]) || r.text, channel: channel && r.variants[channel] ? channel : null };
}

/** Workspace replies and the caller's own personal ones (someone else's personal reply does not exist for them). */
const visibleTo = (userId: string) => or(isNull(savedReplies.ownerUserId), eq(savedReplies.ownerUserId, userId));

async function visibleReply(c: Context<AppEnv>, id: string): Promise<Row> {
  const row = await c.get('scope').find(savedReplies, id);
  if (!row || (row.ownerUserId !== null && row.ownerUserId !== c.get('principal').userId)) throw Problem.notFound('Saved reply');
  return row;
}

/** A workspace reply is the managers' to change; a personal one its owner's (visibleReply checked that). */
async function changeableReply(c: Context<AppEnv>, id: string): Promise<Row> {
  const row = await visibleReply(c, id);
  if (row.ownerUserId === null && c.get('principal').role !== 'manager') throw Problem.forbidden('Workspace saved replies are managed by managers; yours are the personal ones');
  return row;
}

function checkTemplates(body: { text?: string; variants?: Record<string, string> }) {
  const problems = body.text ? checkFields(body.text) : [];
  if (problems.length) throw Problem.badRequest('text', problems.join('; '));
  for (const [channel, text] of Object.entries(body.variants ?? {})) {
    const p = checkFields(text);
    if (p.length) throw Problem.badRequest(`variants.${channel}`, p.join('; '));
  }
}

function uniqueShortcut(err: unknown): never {
  if (isUniqueViolation(err)) throw Problem.conflict('Another saved reply uses this shortcut', 'shortcut');
  throw err;
}

replyRoutes.get(
  '/',
  describeRoute({ tags: ['saved replies'], summary: 'Saved replies (most used first); `channel` picks each reply’s variant for that channel', description: '`q` matches the shortcut, name and text.' }),
  valid('query', ListQuery),
  async (c) => {
    const scope = c.get('scope');
    const q = c.req.valid('query');
    const term = q.q?.trim().toLowerCase().replace(/^\//, '');
    const rows = await scope.db
      .select()
      .from(savedReplies)
      .where(
        scope.where(
          savedReplies,
          visibleTo(c.get('principal').userId),
          q.category ? eq(savedReplies.category, q.category) : undefined,
          term
            ? sql`(instr(lower(coalesce(${savedReplies.shortcut}, '')), ${term}) > 0 OR instr(lower(${savedReplies.name}), ${term}) > 0 OR instr(lower(${savedReplies.text}), ${term}) > 0)`
            : undefined,
        ),
      )
      .orderBy(term ? sql`(lower(coalesce(${savedReplies.shortcut}, '')) = ${term}) DESC` : asc(savedReplies.category), desc(savedReplies.usageCount), asc(savedReplies.name))
      .limit(500);
    const categories = [...new Set(rows.map((r) => r.category).filter((x): x is string => Boolean(x)))].sort();
    return c.json({ items: rows.map((r) => replyJson(r, q.channel)), categories });
  },
);

replyRoutes.get('/fields', describeRoute({ tags: ['saved replies'], summary: 'The merge fields templates may use' }), (c) =>
  c.json({
    syntax: '{{namespace.key}} or {{namespace.key|fallback}}',
    fields: FIELDS,
    open: ['contact (any contact attribute)', 'reservation (any reservation field)', 'order (any order field)'],
  }),
);

replyRoutes.post('/', describeRoute({ tags: ['saved replies'], summary: 'Create a saved reply' }), editor, valid('json', CreateBody), async (c) => {
  const scope = c.get('scope');
  const body = c.req.valid('json');
  const me = c.get('principal');
  if (!body.personal && me.role !== 'manager') throw Problem.forbidden('Workspace saved replies are managed by managers; create a personal one (personal: true)');
  checkTemplates(body);
  const id = newId('srp');
  const now = Date.now();
  await scope
    .insert(savedReplies, {
      id,
      name: body.name,
      text: body.text,
      shortcut: body.shortcut ?? null,
      category: body.category ?? null,
      variants: body.variants ?? {},
      createdBy: me.userId,
      ownerUserId: body.personal ? me.userId : null,
      createdAt: now,
      updatedAt: now,
    })
    .catch(uniqueShortcut);
  return c.json(replyJson((await scope.find(savedReplies, id))!), 201);
});

replyRoutes.post(
  '/preview',
  describeRoute({
    tags: ['saved replies'],
    summary: 'Fill an unsaved reply text for a sample conversation (the editor’s preview)',
    description: 'Without `conversationId` only your own and the workspace’s values fill in. Does not count as a use.',
  }),
  editor,
  valid('json', PreviewBody),
  async (c) => {
    const scope = c.get('scope');
    const body = c.req.valid('json');
    checkTemplates({ text: body.text });
    const conversation = body.conversationId ? await visibleConversation(c, body.conversationId) : null;
    const rendered = renderFields(body.text, await mergeContext(scope, c.get('principal'), conversation));
    return c.json({ text: rendered.text, missing: rendered.missing });
  },
);

replyRoutes.get('/:id', describeRoute({ tags: ['saved replies'], summary: 'One saved reply' }), async (c) => {
  return c.json(replyJson(await visibleReply(c, c.req.param('id'))));
});

replyRoutes.patch('/:id', describeRoute({ tags: ['saved replies'], summary: 'Change a saved reply (variants replace the whole map)' }), editor, valid('json', PatchBody), async (c) => {
  const scope = c.get('scope');
  const id = c.req.param('id');
  const body = c.req.valid('json');
  await changeableReply(c, id);
  checkTemplates(body);
  const ok = await scope.update(savedReplies, id, { ...body, updatedAt: Date.now() }).catch(uniqueShortcut);
  if (!ok) throw Problem.notFound('Saved reply');
  return c.json(replyJson((await scope.find(savedReplies, id))!));
});

replyRoutes.delete('/:id', describeRoute({ tags: ['saved replies'], summary: 'Delete a saved reply' }), editor, async (c) => {
  await changeableReply(c, c.req.param('id'));
  const res = await c.get('scope').prepare(`DELETE FROM saved_replies WHERE workspace_id = ?1 AND id = ?2`, c.req.param('id')).run();
  if (res.meta.changes === 0) throw Problem.notFound('Saved reply');
  return c.body(null, 204);
});

replyRoutes.post(
  '/:id/render',
  describeRoute({
    tags: ['saved replies'],
    summary: 'Render a saved reply for a conversation: its channel variant with merge fields filled',
    description: '`missing` lists fields without a value (rendered empty) for the agent to fill in. Counts as a use.',
  }),
  valid('json', RenderBody),
  async (c) => {
    const scope = c.get('scope');
    const body = c.req.valid('json');
    const row = await visibleReply(c, c.req.param('id'));
    const conversation = body.conversationId ? await visibleConversation(c, body.conversationId) : null;
    const channel = body.channel ?? conversation?.channel;
    const template = (channel && row.variants[channel]) || row.text;
    const rendered = renderFields(template, await mergeContext(scope, c.get('principal'), conversation));
    await scope.prepare(`UPDATE saved_replies SET usage_count = usage_count + 1, last_used_at = ?3 WHERE workspace_id = ?1 AND id = ?2`, row.id, Date.now()).run();
    return c.json({ id: row.id, channel: channel && row.variants[channel] ? channel : null, text: rendered.text, missing: rendered.missing });
  },
);
