// /api/escalations/paths: escalation paths in priority order (triggers, conditions, levels with their
// actions); managers write, staff read. A write bumps the config version and re-applies it.
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
import {  type EscalationAction, type EscalationPath } from './model';
import { configChanged } from './reapply';
import { EscalationPathBody, EscalationPathPatch, OrderBody } from './schemas';
import type * as v from 'valibot';

const manager = requireRole('manager');
const reader = requireRole('manager', 'staff');

type Row = Record<string, unknown>;
const json = <T>(x: unknown): T => (typeof x === 'string' ? JSON.parse(x) : x) as T;

export const escalationPathRoutes = new Hono<AppEnv>();

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

const PATHS: OrderedList<EscalationPath> = { table: 'escalation_paths', noun: 'path', title: 'Escalation path', list: listPaths, changed: configChanged };

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
  const workflowIds = new Set(levels.flatMap((l) => l.actions.flatMap((a) => (a.type === 'workflow' ? [a.workflowId] : []))));
  const [users, teams, workflows] = await Promise.all([existing(scope, 'users', [...userIds]), existing(scope, 'teams', [...teamIds]), existingWorkflows(scope, [...workflowIds])]);
  levels.forEach((level, i) =>
    level.actions.forEach((a, j) => {
      const at = `levels.${i}.actions.${j}`;
      if (a.type === 'reassign' && a.to === 'agent' && !users.has(a.userId)) throw Problem.badRequest(`${at}.userId`, 'no such active user in this workspace');
      if (a.type === 'reassign' && a.to === 'team' && !teams.has(a.teamId)) throw Problem.badRequest(`${at}.teamId`, 'no such team in this workspace');
      if (a.type === 'notify') {
        const bad = a.recipients.userIds.findIndex((id) => !users.has(id));
        if (bad >= 0) throw Problem.badRequest(`${at}.recipients.userIds.${bad}`, 'no such active user in this workspace');
      }
      if (a.type === 'workflow' && !workflows.has(a.workflowId)) throw Problem.badRequest(`${at}.workflowId`, 'no such workflow in this workspace');
    }),
  );
  return levels.map((level, i) => ({ delayMs: level.delayMs, name: level.name || `Level ${i + 1}`, actions: level.actions as EscalationAction[] }));
}

async function existingWorkflows(scope: WorkspaceScope, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await scope.prepare(`SELECT id FROM workflows WHERE workspace_id = ?1 AND deleted_at IS NULL AND id IN (${ids.map(() => '?').join(', ')})`, ...ids).all<{ id: string }>();
  return new Set(rows.results.map((r) => r.id));
}

escalationPathRoutes.get('/paths', describeRoute({ tags: ['escalations'], summary: 'Escalation paths in priority order' }), reader, async (c) => {
  return c.json({ items: await listPaths(c.get('scope')) });
});

escalationPathRoutes.post('/paths', describeRoute({ tags: ['escalations'], summary: 'Add an escalation path (last in order)' }), manager, valid('json', EscalationPathBody), async (c) => {
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

escalationPathRoutes.put('/paths/order', describeRoute({ tags: ['escalations'], summary: 'Reorder the escalation paths: every path id, in the new order' }), manager, valid('json', OrderBody), async (c) => {
  return reorder(c, PATHS, c.req.valid('json').ids);
});

escalationPathRoutes.get('/paths/:id', describeRoute({ tags: ['escalations'], summary: 'One escalation path' }), reader, async (c) => {
  return c.json(await findPath(c.get('scope'), c.req.param('id')));
});

escalationPathRoutes.patch('/paths/:id', describeRoute({ tags: ['escalations'], summary: 'Change an escalation path (triggers, conditions and levels are replaced as sent)' }), manager, valid('json', EscalationPathPatch), async (c) => {
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

escalationPathRoutes.delete('/paths/:id', describeRoute({ tags: ['escalations'], summary: 'Delete an escalation path (running escalations on it finish their current level)' }), manager, (c) =>
  removeFrom(c, PATHS, c.req.param('id')),
);
