// /api/users, /api/teams, /api/tags, /api/workspace: the people, their teams, the tag list and the
// workspace's own settings. Everyone may read (agent pickers need it); managers change.
import { forgetLoadedInboxes } from '../ingest/inboxes';
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { requireAuth, requireRole } from '../auth/middleware';
import { hashPassword } from '../auth/password';
import { forgetPrincipals } from '../auth/session';
import { ROLES } from '../auth/principal';
import { newId } from '../db/ids';
import { tags, teams, users, workspaces } from '../db/schema';
import { Problem } from '../http/problem';
import { Email, Name, Password, TagName } from '../http/schemas';
import { valid } from '../http/validate';
import { workspaceStub } from '../routing/stubs';
import { configChanged } from '../sla/reapply';
import { forgetSettings } from '../workspaces/settings';

const StringList = v.pipe(v.array(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(60))), v.maxLength(50));
const UserFields = {
  name: v.optional(Name),
  role: v.optional(v.picklist(ROLES)),
  skills: v.optional(StringList),
  languages: v.optional(StringList),
  capacity: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000))),
  teamIds: v.optional(v.array(v.string())),
};
const CreateUser = v.object({ ...UserFields, email: Email, name: Name, password: Password, role: v.picklist(ROLES) });
const UpdateUser = v.object({ ...UserFields, password: v.optional(Password), disabled: v.optional(v.boolean()) });
const TeamBody = v.object({ name: Name, memberIds: v.optional(v.array(v.string())) });
const TeamUpdate = v.object({ name: v.optional(Name), memberIds: v.optional(v.array(v.string())) });
const TagBody = v.object({ name: TagName, color: v.optional(v.nullable(v.pipe(v.string(), v.regex(/^#[0-9a-fA-F]{6}$/, 'must be a #rrggbb colour')))) });
const Hhmm = v.pipe(v.string(), v.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM'));
const WorkspaceBody = v.object({
  name: v.optional(Name),
  timezone: v.optional(v.pipe(v.string(), v.check(validTimeZone, 'must be an IANA time zone, e.g. Europe/Madrid'))),
  businessHours: v.optional(v.nullable(v.record(v.picklist(['0', '1', '2', '3', '4', '5', '6']), v.array(v.tuple([Hhmm, Hhmm]))))),
  settings: v.optional(
    v.object({
      conversationGrouping: v.optional(v.picklist(['contact', 'contact_inbox'])),
      reopenWindowHours: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(24 * 365))),
    }),
  ),
});

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const userRoutes = new Hono<AppEnv>();
for (const path of ['/users', '/users/*', '/teams', '/teams/*', '/tags', '/tags/*', '/workspace']) userRoutes.use(path, requireAuth);

type UserRow = typeof users.$inferSelect;
function userJson(u: UserRow, teamIds: string[]) {
  return { id: u.id, email: u.email, name: u.name, role: u.role, skills: u.skills, languages: u.languages, capacity: u.capacity, avatarUrl: u.avatarUrl, disabled: u.disabled, teamIds, createdAt: u.createdAt };
}

async function teamIdsByUser(c: { get(k: 'scope'): AppEnv['Variables']['scope'] }): Promise<Map<string, string[]>> {
  const rows = await c.get('scope').prepare(`SELECT user_id, team_id FROM team_members WHERE workspace_id = ?`).all<{ user_id: string; team_id: string }>();
  const map = new Map<string, string[]>();
  for (const r of rows.results) map.set(r.user_id, [...(map.get(r.user_id) ?? []), r.team_id]);
  return map;
}

/** Replace a user's team memberships (or a team's members), checking every id belongs here. */
async function setMembership(scope: AppEnv['Variables']['scope'], pairs: { teamId: string; userId: string }[], clear: { userId?: string; teamId?: string }, field: string) {
  for (const [i, pair] of pairs.entries()) {
    if (clear.userId && !(await scope.find(teams, pair.teamId))) throw Problem.badRequest(`${field}.${i}`, 'no such team in this workspace');
    if (clear.teamId && !(await scope.find(users, pair.userId))) throw Problem.badRequest(`${field}.${i}`, 'no such user in this workspace');
  }
  const del = clear.userId
    ? scope.prepare(`DELETE FROM team_members WHERE workspace_id = ? AND user_id = ?`, clear.userId)
    : scope.prepare(`DELETE FROM team_members WHERE workspace_id = ? AND team_id = ?`, clear.teamId);
  await scope.d1.batch([del, ...pairs.map((pr) => scope.prepare(`INSERT OR IGNORE INTO team_members (workspace_id, team_id, user_id) VALUES (?, ?, ?)`, pr.teamId, pr.userId))]);
}

userRoutes.get('/users', describeRoute({ tags: ['users'], summary: 'Users of the workspace' }), async (c) => {
  const [rows, teamMap] = await Promise.all([c.get('scope').list(users), teamIdsByUser(c)]);
  return c.json({ items: rows.map((u) => userJson(u, teamMap.get(u.id) ?? [])) });
});

userRoutes.post('/users', describeRoute({ tags: ['users'], summary: 'Add a user' }), requireRole('manager'), valid('json', CreateUser), async (c) => {
  const scope = c.get('scope');
  const body = c.req.valid('json');
  if (await c.env.DB.prepare(`SELECT 1 FROM users WHERE email = ?`).bind(body.email).first()) throw Problem.conflict('A user with this e-mail already exists', 'email');
  const id = newId('usr');
  await scope.insert(users, {
    id,
    email: body.email,
    name: body.name,
    role: body.role,
    passwordHash: await hashPassword(body.password),
    skills: body.skills ?? [],
    languages: body.languages ?? [],
    capacity: body.capacity ?? 10,
  });
  if (body.teamIds) await setMembership(scope, body.teamIds.map((teamId) => ({ teamId, userId: id })), { userId: id }, 'teamIds');
  return c.json(userJson((await scope.find(users, id))!, body.teamIds ?? []), 201);
});

userRoutes.patch('/users/:id', describeRoute({ tags: ['users'], summary: 'Change a user (role, skills, capacity, teams, password, disabled)' }), requireRole('manager'), valid('json', UpdateUser), async (c) => {
  const scope = c.get('scope');
  const id = c.req.param('id');
  const body = c.req.valid('json');
  const user = await scope.find(users, id);
  if (!user) throw Problem.notFound('User');
  if (id === c.get('principal').userId && (body.role && body.role !== 'manager' || body.disabled)) {
    throw Problem.badRequest(body.role ? 'role' : 'disabled', 'you cannot demote or disable yourself');
  }
  const { teamIds, password, ...rest } = body;
  await scope.update(users, id, { ...rest, ...(password ? { passwordHash: await hashPassword(password) } : {}) });
  if (teamIds) await setMembership(scope, teamIds.map((teamId) => ({ teamId, userId: id })), { userId: id }, 'teamIds');
  if (body.disabled) await c.env.DB.prepare(`DELETE FROM sessions WHERE user_id = ?`).bind(id).run();
  // Role, teams and disabling decide what their existing credentials may do: no stale cached principal.
  forgetPrincipals((p) => p.userId === id);
  return c.json(userJson((await scope.find(users, id))!, (await teamIdsByUser(c)).get(id) ?? []));
});

userRoutes.get('/teams', describeRoute({ tags: ['teams'], summary: 'Teams with their members' }), async (c) => {
  const scope = c.get('scope');
  const [rows, members] = await Promise.all([
    scope.list(teams),
    scope.prepare(`SELECT team_id AS teamId, user_id AS userId FROM team_members WHERE workspace_id = ?`).all<{ teamId: string; userId: string }>(),
  ]);
  return c.json({
    items: rows.map((t) => ({ id: t.id, name: t.name, memberIds: members.results.filter((m) => m.teamId === t.id).map((m) => m.userId), createdAt: t.createdAt })),
  });
});

userRoutes.post('/teams', describeRoute({ tags: ['teams'], summary: 'Create a team' }), requireRole('manager'), valid('json', TeamBody), async (c) => {
  const scope = c.get('scope');
  const body = c.req.valid('json');
  if ((await scope.list(teams, eq(teams.name, body.name))).length) throw Problem.conflict('A team with this name exists', 'name');
  const id = newId('team');
  await scope.insert(teams, { id, name: body.name });
  if (body.memberIds) {
    await setMembership(scope, body.memberIds.map((userId) => ({ teamId: id, userId })), { teamId: id }, 'memberIds');
    forgetPrincipals((p) => p.workspaceId === scope.workspaceId);
  }
  return c.json({ id, name: body.name, memberIds: body.memberIds ?? [] }, 201);
});

userRoutes.patch('/teams/:id', describeRoute({ tags: ['teams'], summary: 'Rename a team or replace its members' }), requireRole('manager'), valid('json', TeamUpdate), async (c) => {
  const scope = c.get('scope');
  const id = c.req.param('id');
  const body = c.req.valid('json');
  if (!(await scope.find(teams, id))) throw Problem.notFound('Team');
  if (body.name) await scope.update(teams, id, { name: body.name });
  if (body.memberIds) {
    await setMembership(scope, body.memberIds.map((userId) => ({ teamId: id, userId })), { teamId: id }, 'memberIds');
    forgetPrincipals((p) => p.workspaceId === scope.workspaceId);
  }
  return c.json({ ok: true });
});

userRoutes.delete('/teams/:id', describeRoute({ tags: ['teams'], summary: 'Delete a team (its conversations keep their assignees)' }), requireRole('manager'), async (c) => {
  const scope = c.get('scope');
  const id = c.req.param('id');
  if (!(await scope.find(teams, id))) throw Problem.notFound('Team');
  await scope.d1.batch([scope.prepare(`DELETE FROM team_members WHERE workspace_id = ? AND team_id = ?`, id), scope.prepare(`DELETE FROM teams WHERE workspace_id = ? AND id = ?`, id)]);
  forgetPrincipals((p) => p.workspaceId === scope.workspaceId);
  return c.body(null, 204);
});

userRoutes.get('/tags', describeRoute({ tags: ['tags'], summary: 'The workspace tag list' }), async (c) => {
  return c.json({ items: (await c.get('scope').list(tags)).map(({ workspaceId: _w, ...t }) => t) });
});

userRoutes.post('/tags', describeRoute({ tags: ['tags'], summary: 'Add a tag' }), requireRole('manager', 'staff'), valid('json', TagBody), async (c) => {
  const scope = c.get('scope');
  const body = c.req.valid('json');
  const name = body.name.toLowerCase();
  if ((await scope.list(tags, eq(tags.name, name))).length) throw Problem.conflict('This tag exists', 'name');
  const id = newId('tag');
  await scope.insert(tags, { id, name, color: body.color ?? null });
  return c.json({ id, name, color: body.color ?? null }, 201);
});

userRoutes.delete('/tags/:id', describeRoute({ tags: ['tags'], summary: 'Remove a tag from the list' }), requireRole('manager'), async (c) => {
  const res = await c.get('scope').prepare(`DELETE FROM tags WHERE workspace_id = ? AND id = ?`, c.req.param('id')).run();
  if (res.meta.changes === 0) throw Problem.notFound('Tag');
  return c.body(null, 204);
});

userRoutes.patch('/workspace', describeRoute({ tags: ['workspace'], summary: 'Workspace name, time zone, business hours and settings' }), requireRole('manager'), valid('json', WorkspaceBody), async (c) => {
  const scope = c.get('scope');
  const body = c.req.valid('json');
  const ws = await c.env.DB.prepare(`SELECT settings FROM workspaces WHERE id = ?`).bind(scope.workspaceId).first<{ settings: string }>();
  const settings = { ...(JSON.parse(ws?.settings ?? '{}') as Record<string, unknown>), ...(body.settings ?? {}) };
  await scope.db
    .update(workspaces)
    .set({
      ...(body.name ? { name: body.name } : {}),
      ...(body.timezone ? { timezone: body.timezone } : {}),
      ...(body.businessHours !== undefined ? { businessHours: body.businessHours as Record<string, [string, string][]> | null } : {}),
      settings,
    })
    .where(eq(workspaces.id, scope.workspaceId));
  forgetSettings(scope.workspaceId);
  forgetLoadedInboxes();
  // The workspace calendar drives business-hours SLA deadlines and routing conditions: both re-read it.
  if (body.timezone || body.businessHours !== undefined) {
    await workspaceStub(c.env, scope.workspaceId).configChanged(scope.workspaceId);
    await configChanged(c);
  }
  return c.json({ ok: true, settings });
});
