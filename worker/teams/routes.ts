// /api/teams: teams and their members. Everyone may read; managers change. A change reaches the router
// at once (its load-balancing and team rules work on memberships). Team routing settings: routing/routes.ts.
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { forgetPrincipals } from '../auth/session';
import { REVOKED, revokeSockets } from '../auth/socket-revocation';
import { newId } from '../db/ids';
import { teams } from '../db/schema';
import { Problem } from '../http/problem';
import { Name } from '../http/schemas';
import { valid } from '../http/validate';
import { syncRouter } from '../routing/sync';
import { setMembership } from './membership';

const TeamBody = v.object({ name: Name, memberIds: v.optional(v.array(v.string())) });
const TeamUpdate = v.object({ name: v.optional(Name), memberIds: v.optional(v.array(v.string())) });
export const teamRoutes = new Hono<AppEnv>();

teamRoutes.get('/', describeRoute({ tags: ['teams'], summary: 'Teams with their members' }), async (c) => {
  const scope = c.get('scope');
  const [rows, members] = await Promise.all([
    scope.list(teams),
    scope.prepare(`SELECT team_id AS teamId, user_id AS userId FROM team_members WHERE workspace_id = ?`).all<{ teamId: string; userId: string }>(),
  ]);
  return c.json({
    items: rows.map((t) => ({ id: t.id, name: t.name, memberIds: members.results.filter((m) => m.teamId === t.id).map((m) => m.userId), createdAt: t.createdAt })),
  });
});

teamRoutes.post('/', describeRoute({ tags: ['teams'], summary: 'Create a team' }), requireRole('manager'), valid('json', TeamBody), async (c) => {
  const scope = c.get('scope');
  const body = c.req.valid('json');
  if ((await scope.list(teams, eq(teams.name, body.name))).length) throw Problem.conflict('A team with this name exists', 'name');
  const id = newId('team');
  await scope.insert(teams, { id, name: body.name });
  if (body.memberIds) {
    await setMembership(scope, body.memberIds.map((userId) => ({ teamId: id, userId })), { teamId: id }, 'memberIds');
    forgetPrincipals((p) => p.workspaceId === scope.workspaceId);
    // The members' open sockets carry their teams before this one (reconnected with 4409 to see it live).
    await Promise.all([...new Set(body.memberIds)].map((userId) => revokeSockets(c.env, scope.workspaceId, REVOKED.rights(userId))));
  }
  await syncRouter(c.env, scope.workspaceId);
  return c.json({ id, name: body.name, memberIds: body.memberIds ?? [] }, 201);
});

teamRoutes.patch('/:id', describeRoute({ tags: ['teams'], summary: 'Rename a team or replace its members' }), requireRole('manager'), valid('json', TeamUpdate), async (c) => {
  const scope = c.get('scope');
  const id = c.req.param('id');
  const body = c.req.valid('json');
  if (!(await scope.find(teams, id))) throw Problem.notFound('Team');
  if (body.name && (await scope.list(teams, eq(teams.name, body.name))).some((t) => t.id !== id)) throw Problem.conflict('A team with this name exists', 'name');
  if (body.name) await scope.update(teams, id, { name: body.name });
  if (body.memberIds) {
    const before = await membersOf(scope, id);
    await setMembership(scope, body.memberIds.map((userId) => ({ teamId: id, userId })), { teamId: id }, 'memberIds');
    forgetPrincipals((p) => p.workspaceId === scope.workspaceId);
    // Who joined or left: their open sockets carry the old teams (closed with 4409; the app reconnects).
    const after = new Set(body.memberIds);
    const changed = [...before.filter((u) => !after.has(u)), ...[...after].filter((u) => !before.includes(u))];
    await Promise.all(changed.map((userId) => revokeSockets(c.env, scope.workspaceId, REVOKED.rights(userId))));
  }
  await syncRouter(c.env, scope.workspaceId);
  return c.json({ ok: true });
});

teamRoutes.delete('/:id', describeRoute({ tags: ['teams'], summary: 'Delete a team (its conversations keep their assignees)' }), requireRole('manager'), async (c) => {
  const scope = c.get('scope');
  const id = c.req.param('id');
  if (!(await scope.find(teams, id))) throw Problem.notFound('Team');
  const members = await membersOf(scope, id);
  await scope.d1.batch([scope.prepare(`DELETE FROM team_members WHERE workspace_id = ? AND team_id = ?`, id), scope.prepare(`DELETE FROM teams WHERE workspace_id = ? AND id = ?`, id)]);
  forgetPrincipals((p) => p.workspaceId === scope.workspaceId);
  await Promise.all(members.map((userId) => revokeSockets(c.env, scope.workspaceId, REVOKED.rights(userId))));
  await syncRouter(c.env, scope.workspaceId);
  return c.body(null, 204);
});

async function membersOf(scope: AppEnv['Variables']['scope'], teamId: string): Promise<string[]> {
  const rows = await scope.prepare(`SELECT user_id FROM team_members WHERE workspace_id = ? AND team_id = ?`, teamId).all<{ user_id: string }>();
  return rows.results.map((r) => r.user_id);
}
