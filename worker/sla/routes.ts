// The SLA, auto-status and escalation API: policies and paths in priority order (managers write, staff
// read), workspace auto-status settings, the supervisors' escalation queue with notes and resolution,
// manual escalation of a conversation, and escalation metrics. Every config write bumps the workspace's
// config version and re-applies it to the live conversations in the background (reapply.ts).
//
// Who may do what with escalations: managers see and resolve every escalation; staff see, annotate and
// resolve the escalations of conversations they can see (their own, their teams', unassigned), and may
// escalate those conversations by hand. The personal role has no access.
import { Hono, type Context } from 'hono';
import { describeRoute } from 'hono-openapi';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { canSeeConversation } from '../auth/principal';
import { fromBase64Url, toBase64Url, utf8 } from '../crypto/bytes';
import { toListItem, visibility } from '../conversations/list';
import type { Conversation } from '../conversations/model';
import { actorOf } from '../conversations/routes';
import { conversationStub } from '../conversations/service';
import { newId } from '../db/ids';
import { positionStatements } from '../db/ordering';
import type { WorkspaceScope } from '../db/scope';
import { Problem } from '../http/problem';
import { valid } from '../http/validate';
import { DEFAULT_METRICS_WINDOW_MS, escalationMetrics } from './metrics';
import { DEFAULT_AUTO_STATUS, type AutoStatusSettings, type EscalationAction, type EscalationPath, type SlaPolicy } from './model';
import { configChanged } from './reapply';
import {
  AutoStatusBody,
  EscalateBody,
  EscalationPathBody,
  EscalationPathPatch,
  MetricsQuery,
  NoteBody,
  OrderBody,
  QueueQuery,
  ResolveBody,
  SlaPolicyBody,
  SlaPolicyPatch,
} from './schemas';
import type * as v from 'valibot';

export const slaRoutes = new Hono<AppEnv>();

const manager = requireRole('manager');
const reader = requireRole('manager', 'staff');

type Row = Record<string, unknown>;
const json = <T>(x: unknown): T => (typeof x === 'string' ? JSON.parse(x) : x) as T;

/** Each id's index as its position (scope.prepare binds the workspace as ?1). */

function checkOrder(ids: string[], current: string[], what: string): void {
  if (ids.length !== current.length || new Set(ids).size !== ids.length || ids.some((id) => !current.includes(id))) {
    throw Problem.badRequest('ids', `must list every ${what} of the workspace exactly once`);
  }
}

async function nextPosition(scope: WorkspaceScope, table: 'sla_policies' | 'escalation_paths'): Promise<number> {
  const row = await scope.prepare(`SELECT coalesce(max(position) + 1, 0) AS p FROM ${table} WHERE workspace_id = ?`).first<{ p: number }>();
  return row?.p ?? 0;
}

/** Which of `ids` exist in this workspace's `table`. */
async function existing(scope: WorkspaceScope, table: 'inboxes' | 'teams' | 'users', ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const extra = table === 'users' ? ' AND disabled = 0' : '';
  const rows = await scope.prepare(`SELECT id FROM ${table} WHERE workspace_id = ?1${extra} AND id IN (${ids.map(() => '?').join(', ')})`, ...ids).all<{ id: string }>();
  return new Set(rows.results.map((r) => r.id));
}

// ---- SLA policies ----

function policyOf(r: Row): SlaPolicy {
  const cond = json<Partial<SlaPolicy['conditions']>>(r.conditions ?? '{}');
  return {
    id: String(r.id),
    name: String(r.name),
    enabled: Number(r.enabled) === 1,
    position: Number(r.position),
    conditions: { priorities: cond.priorities ?? [], channels: cond.channels ?? [], inboxIds: cond.inboxIds ?? [], teamIds: cond.teamIds ?? [], contactTags: cond.contactTags ?? [] },
    targets: {
      firstResponse: (r.first_response_ms as number | null) ?? null,
      nextResponse: (r.next_response_ms as number | null) ?? null,
      resolution: (r.resolution_ms as number | null) ?? null,
    },
    businessHours: Number(r.business_hours) === 1,
    countPending: Number(r.count_pending) === 1,
    countSnoozed: Number(r.count_snoozed) === 1,
    warningPct: Number(r.warning_pct),
  };
}

async function listPolicies(scope: WorkspaceScope): Promise<SlaPolicy[]> {
  const rows = await scope.prepare(`SELECT * FROM sla_policies WHERE workspace_id = ? ORDER BY position, created_at, id`).all<Row>();
  return rows.results.map(policyOf);
}

async function findPolicy(scope: WorkspaceScope, id: string): Promise<SlaPolicy> {
  const row = await scope.prepare(`SELECT * FROM sla_policies WHERE workspace_id = ? AND id = ?`, id).first<Row>();
  if (!row) throw Problem.notFound('SLA policy');
  return policyOf(row);
}

/** Inboxes and teams a policy names must exist in this workspace; the error names the field. */
async function checkPolicyRefs(scope: WorkspaceScope, cond: SlaPolicy['conditions']): Promise<void> {
  for (const [field, table] of [
    ['inboxIds', 'inboxes'],
    ['teamIds', 'teams'],
  ] as const) {
    const known = await existing(scope, table, cond[field]);
    const bad = cond[field].findIndex((id) => !known.has(id));
    if (bad >= 0) throw Problem.badRequest(`conditions.${field}.${bad}`, `no such ${table === 'inboxes' ? 'inbox' : 'team'} in this workspace`);
  }
}

function writePolicy(scope: WorkspaceScope, p: Omit<SlaPolicy, 'position'>, position: number | null) {
  const values = [
    p.name,
    p.enabled ? 1 : 0,
    JSON.stringify(p.conditions),
    p.targets.firstResponse,
    p.targets.nextResponse,
    p.targets.resolution,
    p.businessHours ? 1 : 0,
    p.countPending ? 1 : 0,
    p.countSnoozed ? 1 : 0,
    p.warningPct,
  ];
  if (position !== null) {
    return scope.prepare(
      `INSERT INTO sla_policies (workspace_id, name, enabled, conditions, first_response_ms, next_response_ms, resolution_ms, business_hours, count_pending, count_snoozed, warning_pct, id, position)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)`,
      ...values,
      p.id,
      position,
    );
  }
  return scope.prepare(
    `UPDATE sla_policies SET name = ?2, enabled = ?3, conditions = ?4, first_response_ms = ?5, next_response_ms = ?6, resolution_ms = ?7, business_hours = ?8,
       count_pending = ?9, count_snoozed = ?10, warning_pct = ?11, updated_at = ?13 WHERE workspace_id = ?1 AND id = ?12`,
    ...values,
    p.id,
    Date.now(),
  );
}

slaRoutes.get('/sla/policies', describeRoute({ tags: ['sla'], summary: 'SLA policies in priority order (the first enabled match applies)' }), reader, async (c) => {
  return c.json({ items: await listPolicies(c.get('scope')) });
});

slaRoutes.post('/sla/policies', describeRoute({ tags: ['sla'], summary: 'Add an SLA policy (last in order)' }), manager, valid('json', SlaPolicyBody), async (c) => {
  const scope = c.get('scope');
  const body = c.req.valid('json');
  await checkPolicyRefs(scope, body.conditions);
  const id = newId('sla');
  await writePolicy(scope, { id, ...body }, await nextPosition(scope, 'sla_policies')).run();
  await configChanged(c);
  return c.json(await findPolicy(scope, id), 201);
});

// Registered before /sla/policies/:id so "order" is never taken for an id.
slaRoutes.put('/sla/policies/order', describeRoute({ tags: ['sla'], summary: 'Reorder the SLA policies: every policy id, in the new order' }), manager, valid('json', OrderBody), async (c) => {
  const scope = c.get('scope');
  const { ids } = c.req.valid('json');
  checkOrder(ids, (await listPolicies(scope)).map((p) => p.id), 'policy');
  await scope.d1.batch(positionStatements(scope, 'sla_policies', ids));
  await configChanged(c);
  return c.json({ items: await listPolicies(scope) });
});

slaRoutes.get('/sla/policies/:id', describeRoute({ tags: ['sla'], summary: 'One SLA policy' }), reader, async (c) => {
  return c.json(await findPolicy(c.get('scope'), c.req.param('id')));
});

slaRoutes.patch('/sla/policies/:id', describeRoute({ tags: ['sla'], summary: 'Change an SLA policy (conditions and targets are replaced as sent)' }), manager, valid('json', SlaPolicyPatch), async (c) => {
  const scope = c.get('scope');
  const current = await findPolicy(scope, c.req.param('id'));
  const body = c.req.valid('json');
  const defined = Object.fromEntries(Object.entries(body).filter(([, x]) => x !== undefined)) as Partial<SlaPolicy>;
  const next = { ...current, ...defined };
  if (body.conditions) await checkPolicyRefs(scope, next.conditions);
  await writePolicy(scope, next, null).run();
  await configChanged(c);
  return c.json(await findPolicy(scope, current.id));
});

slaRoutes.delete('/sla/policies/:id', describeRoute({ tags: ['sla'], summary: 'Delete an SLA policy' }), manager, async (c) => {
  const scope = c.get('scope');
  const res = await scope.prepare(`DELETE FROM sla_policies WHERE workspace_id = ? AND id = ?`, c.req.param('id')).run();
  if (res.meta.changes === 0) throw Problem.notFound('SLA policy');
  await configChanged(c);
  return c.body(null, 204);
});

// ---- auto-status settings ----

async function readAutomation(scope: WorkspaceScope): Promise<AutoStatusSettings> {
  const r = await scope.prepare(`SELECT * FROM workspace_automation WHERE workspace_id = ?`).first<Row>();
  if (!r) return DEFAULT_AUTO_STATUS;
  const ap = json<Partial<AutoStatusSettings['autoPriority']>>(r.auto_priority ?? '{}');
  return {
    pendingAfterMs: (r.pending_after_ms as number | null) ?? null,
    autoCloseAfterMs: (r.auto_close_after_ms as number | null) ?? null,
    autoCloseMessage: (r.auto_close_message as string | null) || null,
    archiveAfterMs: (r.archive_after_ms as number | null) ?? null,
    autoPriority: { enabled: ap.enabled ?? DEFAULT_AUTO_STATUS.autoPriority.enabled, vipTags: ap.vipTags ?? DEFAULT_AUTO_STATUS.autoPriority.vipTags },
  };
}

slaRoutes.get('/automation/settings', describeRoute({ tags: ['sla'], summary: 'Auto-status (pending, auto-close, archive) and auto-priority settings' }), reader, async (c) => {
  return c.json(await readAutomation(c.get('scope')));
});

slaRoutes.put(
  '/automation/settings',
  describeRoute({ tags: ['sla'], summary: 'Change the auto-status and auto-priority settings (fields not sent keep their value; null turns a rule off)' }),
  manager,
  valid('json', AutoStatusBody),
  async (c) => {
    const scope = c.get('scope');
    const body = c.req.valid('json');
    const defined = Object.fromEntries(Object.entries(body).filter(([, x]) => x !== undefined)) as Partial<AutoStatusSettings>;
    const next = { ...(await readAutomation(scope)), ...defined };
    if (next.autoCloseMessage === '') next.autoCloseMessage = null;
    await scope
      .prepare(
        `INSERT INTO workspace_automation (workspace_id, pending_after_ms, auto_close_after_ms, auto_close_message, archive_after_ms, auto_priority, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(workspace_id) DO UPDATE SET pending_after_ms = excluded.pending_after_ms, auto_close_after_ms = excluded.auto_close_after_ms,
           auto_close_message = excluded.auto_close_message, archive_after_ms = excluded.archive_after_ms, auto_priority = excluded.auto_priority, updated_at = excluded.updated_at`,
        next.pendingAfterMs,
        next.autoCloseAfterMs,
        next.autoCloseMessage,
        next.archiveAfterMs,
        JSON.stringify(next.autoPriority),
        Date.now(),
      )
      .run();
    await configChanged(c);
    return c.json(await readAutomation(scope));
  },
);

// ---- escalation paths ----

function pathOf(r: Row): EscalationPath {
  const cond = json<Partial<EscalationPath['conditions']>>(r.conditions ?? '{}');
  return {
    id: String(r.id),
    name: String(r.name),
    enabled: Number(r.enabled) === 1,
    position: Number(r.position),
    triggers: json<EscalationPath['triggers']>(r.triggers ?? '[]'),
    conditions: { priorities: cond.priorities ?? [], channels: cond.channels ?? [], contactTags: cond.contactTags ?? [] },
    levels: json<EscalationPath['levels']>(r.levels ?? '[]'),
  };
}

async function listPaths(scope: WorkspaceScope): Promise<EscalationPath[]> {
  const rows = await scope.prepare(`SELECT * FROM escalation_paths WHERE workspace_id = ? ORDER BY position, created_at, id`).all<Row>();
  return rows.results.map(pathOf);
}

async function findPath(scope: WorkspaceScope, id: string): Promise<EscalationPath> {
  const row = await scope.prepare(`SELECT * FROM escalation_paths WHERE workspace_id = ? AND id = ?`, id).first<Row>();
  if (!row) throw Problem.notFound('Escalation path');
  return pathOf(row);
}

type LevelInput = v.InferOutput<typeof EscalationPathBody>['levels'][number];

/** Levels as stored: a default name, and every user/team an action names must exist here (the error names the field). */
async function checkLevels(scope: WorkspaceScope, levels: LevelInput[]): Promise<EscalationPath['levels']> {
  const userIds = new Set<string>();
  const teamIds = new Set<string>();
  for (const level of levels) {
    for (const a of level.actions) {
      if (a.type === 'reassign' && a.to === 'agent') userIds.add(a.userId);
      if (a.type === 'reassign' && a.to === 'team') teamIds.add(a.teamId);
      if (a.type === 'notify') a.recipients.userIds.forEach((id) => userIds.add(id));
    }
  }
  const [users, teams] = await Promise.all([existing(scope, 'users', [...userIds]), existing(scope, 'teams', [...teamIds])]);
  levels.forEach((level, i) =>
    level.actions.forEach((a, j) => {
      const at = `levels.${i}.actions.${j}`;
      if (a.type === 'reassign' && a.to === 'agent' && !users.has(a.userId)) throw Problem.badRequest(`${at}.userId`, 'no such active user in this workspace');
      if (a.type === 'reassign' && a.to === 'team' && !teams.has(a.teamId)) throw Problem.badRequest(`${at}.teamId`, 'no such team in this workspace');
      if (a.type === 'notify') {
        const bad = a.recipients.userIds.findIndex((id) => !users.has(id));
        if (bad >= 0) throw Problem.badRequest(`${at}.recipients.userIds.${bad}`, 'no such active user in this workspace');
      }
      // Workflows are not built yet: no id can name one, so a workflow action would silently do nothing.
      if (a.type === 'workflow') throw Problem.badRequest(`${at}.workflowId`, 'no such workflow in this workspace');
    }),
  );
  return levels.map((level, i) => ({ delayMs: level.delayMs, name: level.name || `Level ${i + 1}`, actions: level.actions as EscalationAction[] }));
}

slaRoutes.get('/escalations/paths', describeRoute({ tags: ['escalations'], summary: 'Escalation paths in priority order' }), reader, async (c) => {
  return c.json({ items: await listPaths(c.get('scope')) });
});

slaRoutes.post('/escalations/paths', describeRoute({ tags: ['escalations'], summary: 'Add an escalation path (last in order)' }), manager, valid('json', EscalationPathBody), async (c) => {
  const scope = c.get('scope');
  const body = c.req.valid('json');
  const levels = await checkLevels(scope, body.levels);
  const id = newId('esp');
  await scope
    .prepare(
      `INSERT INTO escalation_paths (workspace_id, id, name, enabled, position, triggers, conditions, levels) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      body.name,
      body.enabled ? 1 : 0,
      await nextPosition(scope, 'escalation_paths'),
      JSON.stringify(body.triggers),
      JSON.stringify(body.conditions),
      JSON.stringify(levels),
    )
    .run();
  await configChanged(c);
  return c.json(await findPath(scope, id), 201);
});

slaRoutes.put('/escalations/paths/order', describeRoute({ tags: ['escalations'], summary: 'Reorder the escalation paths: every path id, in the new order' }), manager, valid('json', OrderBody), async (c) => {
  const scope = c.get('scope');
  const { ids } = c.req.valid('json');
  checkOrder(ids, (await listPaths(scope)).map((p) => p.id), 'path');
  await scope.d1.batch(positionStatements(scope, 'escalation_paths', ids));
  await configChanged(c);
  return c.json({ items: await listPaths(scope) });
});

slaRoutes.get('/escalations/paths/:id', describeRoute({ tags: ['escalations'], summary: 'One escalation path' }), reader, async (c) => {
  return c.json(await findPath(c.get('scope'), c.req.param('id')));
});

slaRoutes.patch('/escalations/paths/:id', describeRoute({ tags: ['escalations'], summary: 'Change an escalation path (triggers, conditions and levels are replaced as sent)' }), manager, valid('json', EscalationPathPatch), async (c) => {
  const scope = c.get('scope');
  const current = await findPath(scope, c.req.param('id'));
  const body = c.req.valid('json');
  const levels = body.levels ? await checkLevels(scope, body.levels) : current.levels;
  const next = {
    ...current,
    name: body.name ?? current.name,
    enabled: body.enabled ?? current.enabled,
    triggers: body.triggers ?? current.triggers,
    conditions: body.conditions ?? current.conditions,
    levels,
  };
  await scope
    .prepare(
      `UPDATE escalation_paths SET name = ?2, enabled = ?3, triggers = ?4, conditions = ?5, levels = ?6, updated_at = ?7 WHERE workspace_id = ?1 AND id = ?8`,
      next.name,
      next.enabled ? 1 : 0,
      JSON.stringify(next.triggers),
      JSON.stringify(next.conditions),
      JSON.stringify(next.levels),
      Date.now(),
      current.id,
    )
    .run();
  await configChanged(c);
  return c.json(await findPath(scope, current.id));
});

slaRoutes.delete('/escalations/paths/:id', describeRoute({ tags: ['escalations'], summary: 'Delete an escalation path (running escalations on it finish their current level)' }), manager, async (c) => {
  const scope = c.get('scope');
  const res = await scope.prepare(`DELETE FROM escalation_paths WHERE workspace_id = ? AND id = ?`, c.req.param('id')).run();
  if (res.meta.changes === 0) throw Problem.notFound('Escalation path');
  await configChanged(c);
  return c.body(null, 204);
});

// ---- metrics ----

slaRoutes.get(
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

slaRoutes.get(
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

slaRoutes.get('/escalations/:id', describeRoute({ tags: ['escalations'], summary: 'One escalation with its conversation and notes' }), reader, async (c) => {
  const row = await visibleEscalation(c);
  return c.json({ ...queueItem(row), notes: await notesOf(c.get('scope'), String(row.e_id)) });
});

slaRoutes.post('/escalations/:id/notes', describeRoute({ tags: ['escalations'], summary: 'Add a note to an escalation' }), reader, valid('json', NoteBody), async (c) => {
  const p = c.get('principal');
  const row = await visibleEscalation(c);
  const note = { id: newId('esn'), authorId: p.userId, authorName: p.name, text: c.req.valid('json').text, createdAt: Date.now() };
  await c
    .get('scope')
    .prepare(`INSERT INTO escalation_notes (workspace_id, id, escalation_id, author_id, author_name, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, note.id, row.e_id, note.authorId, note.authorName, note.text, note.createdAt)
    .run();
  return c.json(note, 201);
});

slaRoutes.post(
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

slaRoutes.post(
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
