// /api/conversations: list and search, start, read, change, messages, events, read position,
// bulk actions and the agent WebSocket. The ConversationDO is the truth for a single conversation.
import { Hono, type Context } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { canSeeConversation, type Principal } from '../auth/principal';
import { contacts, contactIdentities, inboxes, teams, users } from '../db/schema';
import { Problem } from '../http/problem';
import { Cursor, Limit, TagName, Timestamp } from '../http/schemas';
import { valid } from '../http/validate';
import { withFileUrls, AttachmentInput, checkAttachments } from '../files/attachments';
import { prepareEmailReply } from '../email/compose';
import { countViews } from './counts';
import { listConversations, SLA_FILTERS, type SlaFilter } from './list';
import { PRIORITIES, STATUSES, type Actor, type Conversation } from './model';
import { agentStub, workspaceStub } from '../routing/stubs';
import { requireRole } from '../auth/middleware';
import { deletionStatements } from './delete';
import { conversationStub, startConversation } from './service';
import { scheduleMessage } from '../follow-ups/routes';
import type { SocketAuthor } from './socket-protocol';
import type { ConversationPatch } from './state';
import { eq } from 'drizzle-orm';
import { assignedContact } from '../contacts/reach';
import { BULK_LIMIT } from './bulk-limit';
import { EXPORT_FORMATS, exportStream } from './export';
import { MAX_MENTIONS, mentionable, mentionProblems, mentionsOf, recordMentions } from '../notifications/mentions';

const csv = <T extends string>(values: readonly T[], field: string) =>
  v.optional(
    v.pipe(
      v.string(),
      v.transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
      v.check((xs) => xs.every((x) => (values as readonly string[]).includes(x)), `${field} must be one of ${values.join(', ')}`),
    ),
  );
const time = v.optional(
  v.pipe(
    v.string(),
    v.transform((s) => (/^\d+$/.test(s) ? Number(s) : Date.parse(s))),
    v.number('must be epoch milliseconds or an ISO date'),
    v.check((n) => Number.isFinite(n), 'must be epoch milliseconds or an ISO date'),
  ),
);

/** `status=all` (the app's "All" tab, as its URLs say it) is no status filter; otherwise statuses, comma-separated. */
const statusParam = v.optional(
  v.pipe(
    v.string(),
    v.transform((s) => (s.trim() === 'all' ? [] : s.split(',').map((x) => x.trim()).filter(Boolean))),
    v.check((xs) => xs.every((x) => (STATUSES as readonly string[]).includes(x)), `status must be all, or one or more of ${STATUSES.join(', ')}`),
  ),
);

const ListQuery = v.object({
  status: statusParam,
  /** One channel or a comma list (any of them). */
  channel: v.optional(v.pipe(v.string(), v.transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)), v.maxLength(50, 'at most 50 channels'))),
  inboxId: v.optional(v.string()),
  /** me, unassigned, others (assigned, not to me), an agent's id or e-mail. */
  assignee: v.optional(v.pipe(v.string(), v.minLength(1))),
  teamId: v.optional(v.string()),
  /** One tag or a comma list: all of them, or any of them with tagMode=any. */
  tag: v.optional(v.pipe(v.string(), v.transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)), v.maxLength(20, 'at most 20 tags'))),
  tagMode: v.optional(v.picklist(['any', 'all'], 'must be any or all')),
  priority: csv(PRIORITIES, 'priority'),
  unread: v.optional(v.picklist(['true', 'false'])),
  updatedAfter: time,
  updatedBefore: time,
  closedAfter: time,
  /** Created in [createdAfter, createdBefore). */
  createdAfter: time,
  createdBefore: time,
  /** Last message in [activityAfter, activityBefore) (updatedAfter/updatedBefore: any change). */
  activityAfter: time,
  activityBefore: time,
  contactId: v.optional(v.string()),
  /** SLA state: breached, warning, breaching_soon (warning, or due within the hour), ok; comma lists allowed. */
  sla: csv(SLA_FILTERS, 'sla'),
  escalated: v.optional(v.picklist(['true', 'false'])),
  flagged: v.optional(v.picklist(['true', 'false'])),
  /** Archived conversations are left out unless archived=true or `q` searches. */
  archived: v.optional(v.picklist(['true', 'false'])),
  q: v.optional(v.pipe(v.string(), v.maxLength(500))),
  sort: v.optional(v.picklist(['recent', 'oldest', 'priority', 'waiting', 'channel', 'assignee', 'sla']), 'recent'),
  cursor: Cursor,
  limit: Limit,
});

const Text = v.pipe(v.string(), v.maxLength(10_000, 'must be at most 10000 characters'));
const StartBody = v.object({ contactId: v.string(), inboxId: v.string(), text: v.pipe(Text, v.trim(), v.minLength(1, 'must not be empty')), clientId: v.optional(v.pipe(v.string(), v.maxLength(200))) });

/** An assignee or team id: null clears it; an empty string is refused (it was stored as an assignee nobody is). */
const RefId = v.pipe(v.string(), v.minLength(1, 'must not be empty (null clears it)'), v.maxLength(100));

const PatchBody = v.pipe(
  v.object({
    status: v.optional(v.picklist(STATUSES)),
    snoozeUntil: v.optional(v.nullable(Timestamp)),
    assigneeId: v.optional(v.nullable(RefId)),
    teamId: v.optional(v.nullable(RefId)),
    tags: v.optional(v.pipe(v.array(TagName), v.maxLength(50))),
    priority: v.optional(v.picklist(PRIORITIES)),
    subject: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(300)))),
    closingNote: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(5000)))),
    summary: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(5000)))),
    /** Set or clear the flag an AI alert rule or an escalation raised. */
    flagged: v.optional(v.boolean()),
    /** true: close (if needed) and archive; false: take out of the archive (it stays closed). */
    archived: v.optional(v.boolean()),
  }),
  v.check((b) => Object.keys(b).length > 0, 'the body must change at least one field'),
);

const Addresses = v.pipe(v.array(v.pipe(v.string(), v.trim(), v.maxLength(320), v.email('must be e-mail addresses'))), v.maxLength(20, 'at most 20 addresses'));
const EmailOptions = v.object({
  subject: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(300, 'must be at most 300 characters'))),
  cc: v.optional(Addresses),
  bcc: v.optional(Addresses),
  /** Sanitized to the e-mail allowlist (worker/email/sanitize.ts) before it is stored or sent. */
  html: v.optional(v.pipe(v.string(), v.maxLength(100_000, 'must be at most 100000 characters'))),
});

const MessageBody = v.pipe(
  v.object({
    text: v.optional(Text, ''),
    attachments: v.optional(v.pipe(v.array(AttachmentInput), v.maxLength(10)), []),
    isInternalNote: v.optional(v.boolean(), false),
    clientId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
    /** Send a reply even though another agent holds the reply lock (is typing a reply in this thread). */
    force: v.optional(v.boolean(), false),
    /** Send later: schedule the message for this time (worker/follow-ups). */
    sendAt: v.optional(Timestamp),
    /** E-mail conversations only: the reply's subject, copies and HTML alternative (worker/email/compose.ts). */
    email: v.optional(EmailOptions),
    /** Internal notes only: the agents the note mentions (worker/notifications/mentions.ts). */
    mentions: v.optional(v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(100))), v.maxLength(MAX_MENTIONS)), []),
  }),
  v.forward(
    v.check((b) => b.text.trim().length > 0 || b.attachments.length > 0, 'a message needs text or an attachment'),
    ['text'],
  ),
  v.forward(
    v.check((b) => b.mentions.length === 0 || b.isInternalNote, 'only internal notes mention agents'),
    ['mentions'],
  ),
  v.forward(
    v.check((b) => b.mentions.length === 0 || b.sendAt === undefined, 'a scheduled message cannot mention agents'),
    ['mentions'],
  ),
);

const MessagesQuery = v.object({
  after: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(0))),
  before: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(0))),
  limit: Limit,
});

/** A bulk call names its conversations (`ids`) or the list they are in (`filter`: the list endpoint's query, status included). */
const BulkBody = v.object({
  ids: v.optional(v.pipe(v.array(v.string()), v.minLength(1, 'at least one id'), v.maxLength(BULK_LIMIT, `at most ${BULK_LIMIT} ids`))),
  filter: v.optional(v.record(v.pipe(v.string(), v.maxLength(40)), v.pipe(v.string(), v.maxLength(500)))),
  action: v.picklist(['close', 'reopen', 'assign', 'team', 'tag', 'untag', 'snooze', 'priority', 'status', 'archive', 'unarchive', 'delete']),
  assigneeId: v.optional(v.nullable(RefId)),
  /** action "team": the team to assign them to; null takes them out of their team. */
  teamId: v.optional(v.nullable(RefId)),
  tags: v.optional(v.array(TagName)),
  snoozeUntil: v.optional(Timestamp),
  priority: v.optional(v.picklist(PRIORITIES)),
  status: v.optional(v.picklist(STATUSES)),
});

export const conversationRoutes = new Hono<AppEnv>();

export function actorOf(p: Principal): Actor {
  return { type: 'agent', id: p.userId, name: p.name };
}

/** The conversation if it exists in the caller's workspace and their role may see it. */
async function visible(c: Context<AppEnv>, id: string) {
  const p = c.get('principal');
  const view = await conversationStub(c.env, p.workspaceId, id).view(p.userId);
  if (!view) throw Problem.notFound('Conversation');
  if (!canSeeConversation(p, view)) throw Problem.forbidden('This conversation is not assigned to you or your teams');
  return view;
}

conversationRoutes.get(
  '/',
  describeRoute({
    tags: ['conversations'],
    summary: 'List and search conversations',
    description:
      'Filters combine with AND. `q` accepts words, "quoted phrases", phone:, email:, assigned:, tag:, channel:, status:. Archived conversations are left out unless `archived=true` or `q` is given. `sort=sla`: earliest SLA deadline first.',
  }),
  valid('query', ListQuery),
  async (c) => {
    const q = c.req.valid('query');
    const bool = (x: 'true' | 'false' | undefined) => (x === undefined ? undefined : x === 'true');
    const result = await listConversations(c.get('scope'), c.get('principal'), {
      ...q,
      unread: q.unread === 'true',
      escalated: bool(q.escalated),
      flagged: bool(q.flagged),
      archived: bool(q.archived),
      sla: q.sla as SlaFilter[] | undefined,
      limit: q.limit ?? 50,
    });
    return c.json(result);
  },
);

const CountsQuery = v.object({
  ...v.omit(ListQuery, ['sort', 'cursor', 'limit']).entries,
  /** The agent's midnight, epoch ms or ISO: `today` counts conversations updated since. Default: midnight UTC. */
  since: time,
  /** Also count the list these filters describe (the open list's status tabs). */
  list: v.optional(v.picklist(['true', 'false'])),
});

conversationRoutes.get(
  '/counts',
  describeRoute({
    tags: ['conversations'],
    summary: 'Counts of every navigation view at once',
    description:
      'Per status, for all, today, mine, unassigned, unread, sla:breaching_soon, sla:breached, escalated, team:<id> and channel:<channel>, as the caller may see them; with `list=true`, also the list the other filters describe; `saved`: per saved view that filters only on status, channels, team, me/unassigned/others, breached/breaching soon or escalated (others get no count). Live changes arrive as `counts` frames on the list socket.',
  }),
  valid('query', CountsQuery),
  async (c) => {
    // `since` and `list` are the request's, not the list's filters (an unknown field would cost the list
    // its kept tallies: worker/conversations/tallies.ts).
    const { since, list: withList, ...q } = c.req.valid('query');
    const bool = (x: 'true' | 'false' | undefined) => (x === undefined ? undefined : x === 'true');
    const midnightUtc = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    const result = await countViews(c.get('scope'), c.get('principal'), {
      since: since ?? midnightUtc,
      list:
        withList === 'true'
          ? { ...q, status: undefined, unread: q.unread === 'true', escalated: bool(q.escalated), flagged: bool(q.flagged), archived: bool(q.archived), sla: q.sla as SlaFilter[] | undefined }
          : undefined,
    });
    return c.json(result);
  },
);

conversationRoutes.post(
  '/',
  describeRoute({ tags: ['conversations'], summary: 'Start a conversation from the agent side' }),
  valid('json', StartBody),
  async (c) => {
    const p = c.get('principal');
    const scope = c.get('scope');
    const body = c.req.valid('json');
    const contact = await scope.find(contacts, body.contactId);
    if (!contact || contact.mergedInto) throw Problem.badRequest('contactId', 'no such contact in this workspace');
    // The personal role reaches only its own conversations' contacts (worker/contacts/reach.ts): starting a
    // conversation must not be a way to reach anyone else's customer.
    if (p.role === 'personal' && !(await assignedContact(scope, p.userId, contact.id))) {
      throw Problem.badRequest('contactId', 'no such contact in this workspace');
    }
    const inbox = await scope.find(inboxes, body.inboxId);
    if (!inbox) throw Problem.badRequest('inboxId', 'no such inbox in this workspace');
    if (!inbox.enabled) throw Problem.badRequest('inboxId', 'this inbox is disabled');
    const identity = await scope.db
      .select({ id: contactIdentities.id })
      .from(contactIdentities)
      .where(scope.where(contactIdentities, eq(contactIdentities.contactId, contact.id), eq(contactIdentities.channel, inbox.channel)))
      .limit(1);
    if (identity.length === 0) throw Problem.badRequest('contactId', `the contact has no ${inbox.channel} identity to write to`);
    const res = await startConversation(
      c.env,
      { workspaceId: p.workspaceId, contactId: contact.id, inboxId: inbox.id, channel: inbox.channel },
      { direction: 'outbound', author: actorOf(p), text: body.text, externalId: body.clientId ?? null, status: inbox.channel === 'webchat' ? 'sent' : 'queued' },
      p.role === 'manager' ? null : p.userId,
    );
    return c.json({ conversation: res.conversation, message: res.message, duplicate: res.duplicate }, res.duplicate ? 200 : 201);
  },
);

conversationRoutes.get('/:id', describeRoute({ tags: ['conversations'], summary: 'One conversation with your unread count' }), async (c) => {
  const view = await visible(c, c.req.param('id'));
  const contact = await c.get('scope').find(contacts, view.contactId);
  return c.json({ ...view, contact: contact ?? null });
});

conversationRoutes.patch(
  '/:id',
  describeRoute({ tags: ['conversations'], summary: 'Change status, snooze, assignee, team, tags, priority, subject, closing note, flag, archive' }),
  valid('json', PatchBody),
  async (c) => {
    const p = c.get('principal');
    const id = c.req.param('id');
    await visible(c, id);
    const patch = c.req.valid('json') as ConversationPatch;
    await checkPatch(c, patch);
    const updated = await applyChange(c.env, p, id, patch);
    return c.json(updated);
  },
);

/** Validate references and role limits of a change before it reaches the conversation. */
async function checkPatch(c: Context<AppEnv>, patch: ConversationPatch) {
  const p = c.get('principal');
  const scope = c.get('scope');
  if (p.role === 'personal' && (patch.assigneeId !== undefined || patch.teamId !== undefined)) {
    throw Problem.forbidden('The personal role cannot reassign conversations');
  }
  if (patch.assigneeId) {
    const user = await scope.find(users, patch.assigneeId);
    if (!user || user.disabled) throw Problem.badRequest('assigneeId', 'no such active user in this workspace');
  }
  if (patch.teamId && !(await scope.find(teams, patch.teamId))) throw Problem.badRequest('teamId', 'no such team in this workspace');
}

async function applyChange(env: Env, p: Principal, id: string, patch: ConversationPatch): Promise<Conversation> {
  const res = await conversationStub(env, p.workspaceId, id).update(patch, actorOf(p));
  if (!res) throw Problem.notFound('Conversation');
  if (!res.ok) throw Problem.badRequest(res.field, res.message);
  return res.conversation;
}

const ResolveBody = v.optional(
  v.object({
    /** The closing note: kept as an internal note in the thread and as the conversation's closingNote. Empty: resolve without one. */
    note: v.optional(v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(5000, 'must be at most 5000 characters')))),
    /** Makes the note idempotent: a retried resolve does not add it twice. */
    clientId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
  }),
  {},
);

conversationRoutes.post(
  '/:id/resolve',
  describeRoute({
    tags: ['conversations'],
    summary: 'Resolve with an optional closing note',
    description:
      'Adds the note as an internal note (by you, idempotent with clientId), then closes the conversation with the note as its closingNote. Without a note it is the same as PATCH {status: "closed"}. Whether the app asks for a note is the workspace setting `closingNotePrompt` (PATCH /api/workspace; default on); the prompt is prefilled with the conversation summary (GET or POST /conversations/{id}/summary).',
  }),
  valid('json', ResolveBody),
  async (c) => {
    const p = c.get('principal');
    const id = c.req.param('id');
    await visible(c, id);
    const body = c.req.valid('json');
    const text = body.note?.trim() || null;
    let note = null;
    if (text) {
      const res = await conversationStub(c.env, p.workspaceId, id).addMessage(
        {
          direction: 'outbound',
          author: actorOf(p),
          text,
          isInternalNote: true,
          externalId: body.clientId ? `closing-note:${body.clientId}` : null,
          viewer: { workspaceId: p.workspaceId, userId: p.userId, role: p.role, teamIds: p.teamIds },
        },
        0,
      );
      if (!res.ok && res.reason === 'forbidden') throw Problem.forbidden('This conversation is not assigned to you or your teams');
      if (!res.ok) throw Problem.notFound('Conversation');
      note = res.message;
    }
    const conversation = await applyChange(c.env, p, id, { status: 'closed', ...(text ? { closingNote: text } : {}) });
    return c.json({ conversation, note });
  },
);

conversationRoutes.get(
  '/:id/messages',
  describeRoute({ tags: ['conversations'], summary: 'Messages by sequence number (before/after cursors)' }),
  valid('query', MessagesQuery),
  async (c) => {
    const p = c.get('principal');
    const view = await visible(c, c.req.param('id'));
    const q = c.req.valid('query');
    const limit = q.limit ?? 50;
    const items = await conversationStub(c.env, p.workspaceId, view.id).messages({ after: q.after, before: q.before, limit: limit + 1, includeNotes: true });
    // Forward pages drop the extra row at the end, backward pages at the start.
    const more = items.length > limit;
    const page = more ? (q.after !== undefined ? items.slice(0, limit) : items.slice(1)) : items;
    // Notes written since the object stores mentions carry them; only the others are looked up in D1.
    const mentions = await mentionsOf(c.get('scope'), page.filter((m) => m.isInternalNote && !m.mentions).map((m) => m.id));
    const withMentions = page.map((m) => (mentions.has(m.id) ? { ...m, mentions: mentions.get(m.id)! } : m));
    return c.json({ items: await withFileUrls(c.env, withMentions), hasMore: more, seq: view.seq });
  },
);

conversationRoutes.post(
  '/:id/messages',
  describeRoute({
    tags: ['conversations'],
    summary: 'Reply or add an internal note; clientId makes it idempotent',
    description:
      'With sendAt: schedules the message instead (201 {scheduledMessage}); see /conversations/{id}/scheduled-messages. On an e-mail conversation `email` sets the reply\'s subject (default "Re: " and the thread\'s), cc, bcc (up to 20 addresses each) and an HTML alternative of the text (sanitized); the stored message carries the headers it is sent with (`message.email`).',
  }),
  valid('json', MessageBody),
  async (c) => {
    const p = c.get('principal');
    const body = c.req.valid('json');
    const { mentions, ...rest } = body;
    if (body.email && body.sendAt !== undefined) throw Problem.badRequest('email', 'e-mail replies with a subject, copies or formatting cannot be scheduled yet');
    if (body.sendAt !== undefined) return scheduleMessage(c, { ...rest, text: body.text.trim(), sendAt: body.sendAt });
    await checkAttachments(c.env, p.workspaceId, body.attachments);
    const mentionIds = [...new Set(mentions)];
    if (mentionIds.length > 0) {
      // The caller's own right first: who can see a conversation is only said to someone who can.
      const view = await visible(c, c.req.param('id'));
      const problems = mentionProblems(mentionIds, await mentionable(c.get('scope'), view));
      if (problems.length) throw new Problem(422, 'Cannot mention', problems.map((x) => x.message).join('; '), problems);
    }
    let clientId = body.clientId ?? null;
    let email = null;
    if (body.email) {
      if (body.isInternalNote) throw Problem.badRequest('email', 'e-mail fields apply to replies, not internal notes');
      const conv = await visible(c, c.req.param('id'));
      if (conv.channel !== 'email') throw Problem.badRequest('email', 'this conversation is not on e-mail');
      // The options are found by client id: a reply without one gets its own.
      clientId ??= `em_${crypto.randomUUID()}`;
      email = await prepareEmailReply(c.env, conv, clientId, body.email);
    }
    // The object checks the caller's visibility itself: one round trip on the hottest write path.
    const res = await conversationStub(c.env, p.workspaceId, c.req.param('id')).addMessage(
      {
        direction: 'outbound',
        author: actorOf(p),
        text: body.text.trim(),
        attachments: body.attachments,
        isInternalNote: body.isInternalNote,
        externalId: clientId,
        replyLock: body.force ? undefined : { userId: p.userId },
        email,
        ...(mentionIds.length ? { mentions: mentionIds } : {}),
        viewer: { workspaceId: p.workspaceId, userId: p.userId, role: p.role, teamIds: p.teamIds },
      },
      0,
    );
    if (!res.ok && res.reason === 'forbidden') throw Problem.forbidden('This conversation is not assigned to you or your teams');
    if (!res.ok && res.reason === 'locked') {
      throw new Problem(409, 'Reply lock held', `${res.holder.name} is writing a reply in this conversation; send with force: true to send anyway`, [
        { field: 'force', message: `${res.holder.name} (${res.holder.userId}) holds the reply lock` },
      ]);
    }
    if (!res.ok) throw Problem.notFound('Conversation');
    const [message] = await withFileUrls(c.env, [res.message]);
    if (mentionIds.length > 0) {
      const m = res.message;
      await recordMentions(c.env, c.get('scope'), { conversationId: m.conversationId, messageId: m.id, text: m.text, contactId: res.conversation.contactId, createdAt: m.createdAt }, { id: p.userId, name: p.name }, mentionIds);
    }
    return c.json({ message: mentionIds.length ? { ...message, mentions: mentionIds } : message, duplicate: res.duplicate }, res.duplicate ? 200 : 201);
  },
);

conversationRoutes.get(
  '/:id/events',
  describeRoute({ tags: ['conversations'], summary: 'Events after a sequence number: the gap refetch after a socket drop' }),
  valid('query', v.object({ after: v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(0)), limit: Limit })),
  async (c) => {
    const p = c.get('principal');
    const view = await visible(c, c.req.param('id'));
    const q = c.req.valid('query');
    const items = await conversationStub(c.env, p.workspaceId, view.id).events(q.after, q.limit ?? 200, true);
    return c.json({ items, seq: view.seq });
  },
);

conversationRoutes.post(
  '/:id/read',
  describeRoute({ tags: ['conversations'], summary: 'Move your read position (to the latest event by default)' }),
  valid('json', v.optional(v.object({ seq: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))) }), {})),
  async (c) => {
    const p = c.get('principal');
    const view = await visible(c, c.req.param('id'));
    return c.json(await conversationStub(c.env, p.workspaceId, view.id).markRead(p.userId, c.req.valid('json').seq));
  },
);

conversationRoutes.post(
  '/:id/unread',
  describeRoute({
    tags: ['conversations'],
    summary: 'Mark as unread, for you only',
    description:
      'Moves your read position back to just before the latest customer message, so the conversation counts as unread (with one unread message) in your lists, counts and other devices; other agents\' read positions are untouched. Reading it again (POST /read, or opening it) clears it. Without any customer message there is nothing to be unread: the answer then says `unread: 0`.',
  }),
  async (c) => {
    const p = c.get('principal');
    const view = await visible(c, c.req.param('id'));
    return c.json(await conversationStub(c.env, p.workspaceId, view.id).markUnread(p.userId));
  },
);

conversationRoutes.delete(
  '/:id',
  describeRoute({
    tags: ['conversations'],
    summary: 'Delete a conversation (managers)',
    description:
      'Removes the conversation with its messages, notes, events and everything derived from it (search, tags, read positions, AI, SLA, CSAT and workflow records, and its analytics facts, taken out of the report rollups in the same write); the contact stays. An audit entry keeps who deleted which conversation and when. Open lists drop it live (a `removed` frame on the list socket). 204 on success.',
  }),
  requireRole('manager'),
  async (c) => {
    const p = c.get('principal');
    const view = await visible(c, c.req.param('id'));
    if (!(await removeConversation(c.env, p, view.id))) throw Problem.notFound('Conversation');
    return c.body(null, 204);
  },
);

/** Deletes one conversation (the caller's right to was checked): its object's storage, its D1 rows with the audit entry, and it leaves open lists. */
async function removeConversation(env: Env, p: Principal, id: string): Promise<boolean> {
  const gone = await conversationStub(env, p.workspaceId, id).destroy();
  if (!gone) return false;
  await env.DB.batch(deletionStatements(env.DB, gone, { userId: p.userId, name: p.name }, Date.now()));
  await workspaceStub(env, p.workspaceId).conversationRemoved(gone);
  return true;
}

conversationRoutes.get('/:id/ws', describeRoute({ tags: ['conversations'], summary: 'WebSocket: live events, typing, viewers' }), async (c) => {
  if (c.req.header('upgrade') !== 'websocket') throw new Problem(426, 'Upgrade required', 'Connect with a WebSocket');
  const p = c.get('principal');
  const view = await visible(c, c.req.param('id'));
  const who: SocketAuthor = { kind: 'agent', userId: p.userId, name: p.name, role: p.role, teamIds: p.teamIds, workspaceId: p.workspaceId, credentialId: p.credentialId, via: p.via };
  // Recorded before the socket exists, so a revocation from now on reaches this conversation.
  await agentStub(c.env, p.workspaceId, p.userId).conversationSocketOpened(view.id, { credentialId: p.credentialId, via: p.via });
  const headers = new Headers(c.req.raw.headers);
  headers.set('x-parley-identity', JSON.stringify(who));
  return conversationStub(c.env, p.workspaceId, view.id).fetch(new Request(c.req.url, { headers }));
});

conversationRoutes.post(
  '/bulk',
  describeRoute({
    tags: ['conversations'],
    summary: 'Close, reopen, archive, unarchive, assign to an agent or a team, tag, untag, snooze, set priority or delete up to 1000 conversations',
    description:
      'Name them with `ids`, or with `filter` (the list endpoint\'s query parameters, as an object) to act on every conversation that list shows you, up to 1000. Each result carries `previous` (status, snoozeUntil, assigneeId, teamId, priority, tags) so the change can be undone. `team` sets `teamId` (null: no team; not for the personal role). `delete` (managers only) removes them as DELETE /conversations/{id} does, each with its audit entry; it cannot be undone. POST /conversations/bulk/export downloads them instead.',
  }),
  valid('json', BulkBody),
  async (c) => {
    const p = c.get('principal');
    const body = c.req.valid('json');
    if (body.action === 'delete' && p.role !== 'manager') throw Problem.forbidden('Only managers delete conversations');
    const patchFor = bulkPatch(body);
    await checkPatch(c, patchFor(null));
    const ids = [...new Set(body.ids ?? (await matchingIds(c, body.filter)))];
    // `previous`: what the change replaced, per conversation, so the app can offer Undo.
    const results: { id: string; ok: boolean; status: number; error?: string; previous?: BulkPrevious }[] = new Array(ids.length);
    // A bounded number of conversations in flight: fast, without flooding the objects or subrequests.
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const i = next++;
        const id = ids[i];
        try {
          const stub = conversationStub(c.env, p.workspaceId, id);
          const view = await stub.view(p.userId);
          if (!view) results[i] = { id, ok: false, status: 404, error: 'not found' };
          else if (!canSeeConversation(p, view)) results[i] = { id, ok: false, status: 403, error: 'not visible to you' };
          else if (body.action === 'delete') {
            results[i] = (await removeConversation(c.env, p, id)) ? { id, ok: true, status: 204 } : { id, ok: false, status: 404, error: 'not found' };
          } else {
            await applyChange(c.env, p, id, patchFor(view));
            results[i] = { id, ok: true, status: 200, previous: { status: view.status, snoozeUntil: view.snoozeUntil, assigneeId: view.assigneeId, teamId: view.teamId, priority: view.priority, tags: view.tags } };
          }
        } catch (err) {
          const status = err instanceof Problem ? err.status : 500;
          results[i] = { id, ok: false, status, error: err instanceof Problem ? (err.detail ?? err.title) : String(err) };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(16, ids.length) }, worker));
    const succeeded = results.filter((r) => r.ok).length;
    return c.json({ succeeded, failed: results.length - succeeded, results });
  },
);

const BulkExportBody = v.object({
  ...v.pick(BulkBody, ['ids', 'filter']).entries,
  format: v.optional(v.picklist(EXPORT_FORMATS, 'must be csv or json'), 'csv'),
});

conversationRoutes.post(
  '/bulk/export',
  describeRoute({
    tags: ['conversations'],
    summary: 'Download up to 1000 conversations as CSV or JSON',
    description:
      'Name them with `ids` or `filter` as for POST /conversations/bulk. One row per conversation you may see, with the columns of the analytics conversations export (GET /analytics/export.csv?report=conversations), streamed as an attachment; conversations out of your sight or deleted are left out.',
  }),
  valid('json', BulkExportBody),
  async (c) => {
    const p = c.get('principal');
    const body = c.req.valid('json');
    const ids = [...new Set(body.ids ?? (await matchingIds(c, body.filter)))];
    const day = new Date().toISOString().slice(0, 10);
    return new Response(exportStream(c.env.DB, p, ids, body.format), {
      headers: {
        'content-type': body.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="parley-conversations-${day}.${body.format}"`,
        'cache-control': 'no-store',
      },
    });
  },
);

type BulkPrevious = Pick<Conversation, 'status' | 'snoozeUntil' | 'assigneeId' | 'teamId' | 'priority' | 'tags'>;

/**
 * "Select all N matching": the ids of up to BULK_LIMIT conversations the list filter finds, as the caller
 * sees them (the list's own visibility), in the list's order. One of `ids` or `filter` is required.
 */
async function matchingIds(c: Context<AppEnv>, filter: Record<string, string> | undefined): Promise<string[]> {
  if (!filter) throw Problem.badRequest('ids', 'give the conversations (ids) or the list they are in (filter)');
  const parsed = v.safeParse(ListQuery, filter);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const key = issue.path?.map((x) => String(x.key)).join('.') ?? '';
    throw Problem.badRequest(`filter${key ? `.${key}` : ''}`, issue.message);
  }
  const q = parsed.output;
  const bool = (x: 'true' | 'false' | undefined) => (x === undefined ? undefined : x === 'true');
  const page = await listConversations(c.get('scope'), c.get('principal'), {
    ...q,
    cursor: undefined,
    unread: q.unread === 'true',
    escalated: bool(q.escalated),
    flagged: bool(q.flagged),
    archived: bool(q.archived),
    sla: q.sla as SlaFilter[] | undefined,
    limit: BULK_LIMIT,
  });
  if (page.items.length === 0) throw Problem.badRequest('filter', 'no conversation matches this filter');
  return page.items.map((i) => i.id);
}

function bulkPatch(body: v.InferOutput<typeof BulkBody>): (current: Conversation | null) => ConversationPatch {
  const need = <T>(value: T | undefined, field: string): T => {
    if (value === undefined) throw Problem.badRequest(field, `is required for action "${body.action}"`);
    return value;
  };
  switch (body.action) {
    case 'close':
      return () => ({ status: 'closed' });
    case 'reopen':
      return () => ({ status: 'open' });
    case 'archive':
      return () => ({ archived: true });
    case 'unarchive':
      return () => ({ archived: false });
    case 'status':
      return () => ({ status: need(body.status, 'status'), ...(body.status === 'snoozed' ? { snoozeUntil: need(body.snoozeUntil, 'snoozeUntil') } : {}) });
    case 'assign': {
      const assigneeId = need(body.assigneeId, 'assigneeId');
      return () => ({ assigneeId });
    }
    case 'team': {
      const teamId = need(body.teamId, 'teamId');
      return () => ({ teamId });
    }
    case 'delete':
      return () => ({});
    case 'snooze': {
      const until = need(body.snoozeUntil, 'snoozeUntil');
      return () => ({ status: 'snoozed', snoozeUntil: until });
    }
    case 'priority': {
      const priority = need(body.priority, 'priority');
      return () => ({ priority });
    }
    case 'tag':
    case 'untag': {
      const tags = need(body.tags, 'tags').map((t) => t.toLowerCase());
      return (cur) => {
        if (!cur) return { tags };
        return { tags: body.action === 'tag' ? [...cur.tags, ...tags] : cur.tags.filter((t) => !tags.includes(t)) };
      };
    }
  }
}
