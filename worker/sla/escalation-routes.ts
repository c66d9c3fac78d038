// /api/escalations: the supervisors' queue with notes and resolution, one escalation, manual escalation
// of a conversation (/api/conversations/:id/escalate) and escalation metrics.
//
// Who may do what with escalations: managers see and resolve every escalation; staff see, annotate and
// resolve the escalations of conversations they can see (their own, their teams', unassigned), and may
// escalate those conversations by hand. The personal role has no access.
import { Hono, type Context } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { canSeeConversation } from '../auth/principal';
import { fromBase64Url, toBase64Url, utf8 } from '../crypto/bytes';
import { toListItem, visibility } from '../conversations/list';
import type { Conversation } from '../conversations/model';
import { actorOf } from '../conversations/routes';
import { conversationStub } from '../conversations/service';
import { newId } from '../db/ids';
import type { WorkspaceScope } from '../db/scope';
import { Problem } from '../http/problem';
import { valid } from '../http/validate';
import { DEFAULT_METRICS_WINDOW_MS, escalationMetrics } from './metrics';
import { EscalateBody, MetricsQuery, NoteBody, QueueQuery, ResolveBody } from './schemas';

const reader = requireRole('manager', 'staff');

type Row = Record<string, unknown>;

export const escalationRoutes = new Hono<AppEnv>();

// ---- metrics ----

escalationRoutes.get(
  '/escalations/metrics',
  describeRoute({
    tags: ['escalations'],
    summary: 'Escalation rate, time to resolve (p50/p90), re-escalations and triggers over a window',
    description: '`from`/`to` in epoch ms (default: the last 30 days). Counts escalation episodes that started in the window.',
  }),
  reader,
  valid('query', MetricsQuery),
  async (c) => {
    const q = c.req.valid('query');
    const to = q.to ?? Date.now();
    const from = q.from ?? to - DEFAULT_METRICS_WINDOW_MS;
    if (from >= to) throw Problem.badRequest('query.from', 'must be before `to`');
    return c.json(await escalationMetrics(c.get('scope'), from, to));
  },
);

// ---- the escalation queue ----

function escalationOf(r: Row) {
  return {
    id: String(r.e_id),
    conversationId: String(r.e_conversation_id),
    pathId: (r.e_path_id as string | null) ?? null,
    pathName: (r.e_path_name as string | null) ?? null,
    trigger: String(r.e_trigger),
    reason: String(r.e_reason),
    level: Number(r.e_level),
    startedAt: Number(r.e_started_at),
    resolvedAt: (r.e_resolved_at as number | null) ?? null,
    resolution: (r.e_resolution as string | null) ?? null,
    resolvedBy: (r.e_resolved_by as string | null) ?? null,
  };
}

/** One statement for queue rows: the episode, the conversation's list row (as GET /api/conversations shows it) and the notes count. */
const QUEUE_SELECT = `SELECT c.*, ct.name AS contact_name, ct.email AS contact_email, ct.phone AS contact_phone, ct.avatar_url AS contact_avatar_url,
    (SELECT count(*) FROM message_search m WHERE m.conversation_id = c.id AND m.inbound = 1 AND m.seq > coalesce(r.last_read_seq, 0)) AS unread_count,
    e.id AS e_id, e.conversation_id AS e_conversation_id, e.path_id AS e_path_id, e.path_name AS e_path_name, e."trigger" AS e_trigger, e.reason AS e_reason,
    e.level AS e_level, e.started_at AS e_started_at, e.resolved_at AS e_resolved_at, e.resolution AS e_resolution, e.resolved_by AS e_resolved_by,
    (SELECT count(*) FROM escalation_notes n WHERE n.escalation_id = e.id) AS notes_count
  FROM escalations e
    JOIN conversations c ON c.id = e.conversation_id AND c.workspace_id = ?1
    JOIN contacts ct ON ct.id = c.contact_id
    LEFT JOIN conversation_reads r ON r.conversation_id = c.id AND r.user_id = ?2
  WHERE e.workspace_id = ?1`;

const queueItem = (r: Row) => ({ escalation: escalationOf(r), conversation: toListItem(r), notesCount: Number(r.notes_count ?? 0) });

escalationRoutes.get(
  '/escalations',
  describeRoute({
    tags: ['escalations'],
    summary: 'The escalation queue, newest first (state: active, resolved or all; keyset cursor)',
    description: 'Managers see every escalation; staff those of conversations they can see.',
  }),
  reader,
  valid('query', QueueQuery),
  async (c) => {
    const p = c.get('principal');
    const q = c.req.valid('query');
    const limit = q.limit ?? 50;
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.state === 'active') where.push('e.resolved_at IS NULL');
    if (q.state === 'resolved') where.push('e.resolved_at IS NOT NULL');
    const visible = visibility(p);
    if (visible.length) {
      where.push(`(${visible.map((x) => x.sql).join(' OR ')})`);
      params.push(...visible.flatMap((x) => x.params));
    }
    if (q.cursor) {
      where.push('(e.started_at, e.id) < (?, ?)');
      params.push(...decodeCursor(q.cursor));
    }
    const rows = await c
      .get('scope')
      .prepare(`${QUEUE_SELECT}${where.map((w) => ` AND ${w}`).join('')} ORDER BY e.started_at DESC, e.id DESC LIMIT ${limit + 1}`, p.userId, ...params)
      .all<Row>();
    const more = rows.results.length > limit;
    const page = rows.results.slice(0, limit);
    const last = page[page.length - 1];
    return c.json({ items: page.map(queueItem), nextCursor: more && last ? encodeCursor([Number(last.e_started_at), String(last.e_id)]) : null });
  },
);

/** The episode with its conversation, if the caller may see that conversation (404 otherwise, and across workspaces). */
async function visibleEscalation(c: Context<AppEnv>): Promise<Row> {
  const p = c.get('principal');
  const row = await c.get('scope').prepare(`${QUEUE_SELECT} AND e.id = ?`, p.userId, c.req.param('id')).first<Row>();
  if (!row) throw Problem.notFound('Escalation');
  if (!canSeeConversation(p, { workspaceId: String(row.workspace_id), assigneeId: (row.assignee_id as string | null) ?? null, teamId: (row.team_id as string | null) ?? null })) {
    throw Problem.forbidden('This conversation is not assigned to you or your teams');
  }
  return row;
}

async function notesOf(scope: WorkspaceScope, escalationId: string) {
  const rows = await scope
    .prepare(`SELECT id, author_id, author_name, text, created_at FROM escalation_notes WHERE workspace_id = ? AND escalation_id = ? ORDER BY created_at, id`, escalationId)
    .all<Row>();
  return rows.results.map((r) => ({ id: String(r.id), authorId: (r.author_id as string | null) ?? null, authorName: (r.author_name as string | null) ?? null, text: String(r.text), createdAt: Number(r.created_at) }));
}

escalationRoutes.get('/escalations/:id', describeRoute({ tags: ['escalations'], summary: 'One escalation with its conversation and notes' }), reader, async (c) => {
  const row = await visibleEscalation(c);
  return c.json({ ...queueItem(row), notes: await notesOf(c.get('scope'), String(row.e_id)) });
});

escalationRoutes.post('/escalations/:id/notes', describeRoute({ tags: ['escalations'], summary: 'Add a note to an escalation' }), reader, valid('json', NoteBody), async (c) => {
  const p = c.get('principal');
  const row = await visibleEscalation(c);
  const note = { id: newId('esn'), authorId: p.userId, authorName: p.name, text: c.req.valid('json').text, createdAt: Date.now() };
  await c
    .get('scope')
    .prepare(`INSERT INTO escalation_notes (workspace_id, id, escalation_id, author_id, author_name, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, note.id, row.e_id, note.authorId, note.authorName, note.text, note.createdAt)
    .run();
  return c.json(note, 201);
});

escalationRoutes.post(
  '/escalations/:id/resolve',
  describeRoute({ tags: ['escalations'], summary: 'Resolve an escalation (with an optional note): its remaining levels are cancelled' }),
  reader,
  valid('json', ResolveBody),
  async (c) => {
    const p = c.get('principal');
    const row = await visibleEscalation(c);
    if (row.e_resolved_at !== null) throw Problem.conflict('This escalation is already resolved');
    // The object is the truth: the projection may lag, so only its live episode can be resolved.
    const state = await conversationStub(c.env, p.workspaceId, String(row.e_conversation_id)).state();
    if (!state) throw Problem.notFound('Conversation');
    const live = state.escalation;
    if (!live || live.id !== row.e_id || live.resolvedAt !== null) throw Problem.conflict('This escalation is no longer active on its conversation');
    const note = c.req.valid('json').note || null;
    const res = await conversationStub(c.env, p.workspaceId, state.id).resolveEscalation(actorOf(p), note);
    if (!res.ok) throw res.reason === 'not_found' ? Problem.notFound('Conversation') : Problem.conflict('This escalation is no longer active on its conversation');
    // The note reaches escalation_notes with the episode's projection (worker/conversations/projection.ts).
    return c.json({ conversation: res.conversation });
  },
);

// ---- manual escalation ----

/** The conversation if the caller may see it (404 across workspaces, 403 otherwise). */
async function visibleConversation(c: Context<AppEnv>): Promise<Conversation> {
  const p = c.get('principal');
  const state = await conversationStub(c.env, p.workspaceId, c.req.param('id')!).state();
  if (!state) throw Problem.notFound('Conversation');
  if (!canSeeConversation(p, state)) throw Problem.forbidden('This conversation is not assigned to you or your teams');
  return state;
}

escalationRoutes.post(
  '/conversations/:id/escalate',
  describeRoute({
    tags: ['escalations'],
    summary: 'Escalate a conversation by hand (on `pathId`, or the first enabled path for manual escalation that matches)',
    description: '409 when an escalation is already active; 422 naming pathId when no escalation path applies.',
  }),
  reader,
  valid('json', EscalateBody),
  async (c) => {
    const p = c.get('principal');
    const body = c.req.valid('json');
    const conversation = await visibleConversation(c);
    if (body.pathId) {
      const path = await c.get('scope').prepare(`SELECT id FROM escalation_paths WHERE workspace_id = ? AND id = ?`, body.pathId).first();
      if (!path) throw Problem.badRequest('pathId', 'no such escalation path in this workspace');
    }
    const res = await conversationStub(c.env, p.workspaceId, conversation.id).escalate({ trigger: 'manual', reason: body.reason, pathId: body.pathId, actor: actorOf(p) });
    if (res.ok) return c.json({ conversation: res.conversation });
    if (res.reason === 'not_found') throw Problem.notFound('Conversation');
    if (res.reason === 'already_escalated') throw Problem.conflict('This conversation is already escalated; resolve that escalation first');
    const detail = body.pathId ? 'this escalation path is disabled or does not apply to this conversation' : 'no enabled escalation path for manual escalation applies to this conversation';
    throw new Problem(422, 'No escalation path', `pathId: ${detail}`, [{ field: 'pathId', message: detail }]);
  },
);

// ---- cursors ----

function encodeCursor(values: [number, string]): string {
  return toBase64Url(utf8(JSON.stringify(values)));
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const values = JSON.parse(new TextDecoder().decode(fromBase64Url(cursor))) as unknown;
    if (Array.isArray(values) && values.length === 2 && typeof values[0] === 'number' && typeof values[1] === 'string') return [values[0], values[1]];
  } catch {
    // fall through
  }
  throw Problem.badRequest('query.cursor', 'is not a cursor this endpoint issued');
}
