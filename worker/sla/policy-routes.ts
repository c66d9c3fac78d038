// /api/sla/policies: SLA policies in priority order (the first enabled match applies); managers write,
// staff read. Every write bumps the workspace's config version and re-applies it to live conversations.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { newId } from '../db/ids';
import { existingIds as existing, nextPosition } from '../db/ordering';
import type { WorkspaceScope } from '../db/scope';
import { Problem } from '../http/problem';
import { valid } from '../http/validate';
import { removeFrom, reorder, type OrderedList } from '../http/ordered-list';
import {  type SlaPolicy } from './model';
import { configChanged } from './reapply';
import { OrderBody, SlaPolicyBody, SlaPolicyPatch } from './schemas';

const manager = requireRole('manager');
const reader = requireRole('manager', 'staff');

type Row = Record<string, unknown>;
const json = <T>(x: unknown): T => (typeof x === 'string' ? JSON.parse(x) : x) as T;

export const slaPolicyRoutes = new Hono<AppEnv>();

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

const POLICIES: OrderedList<SlaPolicy> = { table: 'sla_policies', noun: 'policy', title: 'SLA policy', list: listPolicies, changed: configChanged };

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

slaPolicyRoutes.get('/policies', describeRoute({ tags: ['sla'], summary: 'SLA policies in priority order (the first enabled match applies)' }), reader, async (c) => {
  return c.json({ items: await listPolicies(c.get('scope')) });
});

slaPolicyRoutes.post('/policies', describeRoute({ tags: ['sla'], summary: 'Add an SLA policy (last in order)' }), manager, valid('json', SlaPolicyBody), async (c) => {
  const scope = c.get('scope');
  const body = c.req.valid('json');
  await checkPolicyRefs(scope, body.conditions);
  const id = newId('sla');
  await writePolicy(scope, { id, ...body }, await nextPosition(scope, 'sla_policies')).run();
  await configChanged(c);
  return c.json(await findPolicy(scope, id), 201);
});

// Registered before /sla/policies/:id so "order" is never taken for an id.
slaPolicyRoutes.put('/policies/order', describeRoute({ tags: ['sla'], summary: 'Reorder the SLA policies: every policy id, in the new order' }), manager, valid('json', OrderBody), async (c) => {
  return reorder(c, POLICIES, c.req.valid('json').ids);
});

slaPolicyRoutes.get('/policies/:id', describeRoute({ tags: ['sla'], summary: 'One SLA policy' }), reader, async (c) => {
  return c.json(await findPolicy(c.get('scope'), c.req.param('id')));
});

slaPolicyRoutes.patch('/policies/:id', describeRoute({ tags: ['sla'], summary: 'Change an SLA policy (conditions and targets are replaced as sent)' }), manager, valid('json', SlaPolicyPatch), async (c) => {
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

slaPolicyRoutes.delete('/policies/:id', describeRoute({ tags: ['sla'], summary: 'Delete an SLA policy' }), manager, (c) => removeFrom(c, POLICIES, c.req.param('id')));
