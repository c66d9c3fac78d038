// /api/users: the people of the workspace, their role, skills, languages, capacity and teams.
// Everyone may read (agent pickers need it); managers change. A change reaches the router at once.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { hashPassword } from '../auth/password';
import { afterPasswordChange } from '../auth/password-change';
import { forgetPrincipals, revokeUserSessions } from '../auth/session';
import { REVOKED, revokeSockets } from '../auth/socket-revocation';
import { ROLES } from '../auth/principal';
import { newId } from '../db/ids';
import { signedFileUrl } from '../files/attachments';
import { users } from '../db/schema';
import { Problem } from '../http/problem';
import { Email, Name, Password } from '../http/schemas';
import { valid } from '../http/validate';
import { syncRouter } from '../routing/sync';
import { setMembership, teamIdsByUser } from '../teams/membership';

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
export const userRoutes = new Hono<AppEnv>();

type UserRow = typeof users.$inferSelect;
function userJson(u: UserRow, teamIds: string[]) {
  return { id: u.id, email: u.email, name: u.name, role: u.role, skills: u.skills, languages: u.languages, capacity: u.capacity, avatarUrl: u.avatarUrl, avatarHue: u.avatarHue, disabled: u.disabled, teamIds, createdAt: u.createdAt };
}

/** A picture uploaded in the profile (R2) is served through a signed URL, minted per answer. */
async function withAvatar(env: Env, u: UserRow, json: ReturnType<typeof userJson>) {
  return u.avatarKey ? { ...json, avatarUrl: await signedFileUrl(env, u.avatarKey) } : json;
}

userRoutes.get('/', describeRoute({ tags: ['users'], summary: 'Users of the workspace' }), async (c) => {
  const [rows, teamMap] = await Promise.all([c.get('scope').list(users), teamIdsByUser(c)]);
  return c.json({ items: await Promise.all(rows.map((u) => withAvatar(c.env, u, userJson(u, teamMap.get(u.id) ?? [])))) });
});

userRoutes.post('/', describeRoute({ tags: ['users'], summary: 'Add a user' }), requireRole('manager'), valid('json', CreateUser), async (c) => {
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
  await syncRouter(c.env, scope.workspaceId);
  return c.json(userJson((await scope.find(users, id))!, body.teamIds ?? []), 201);
});

userRoutes.patch('/:id', describeRoute({ tags: ['users'], summary: 'Change a user (role, skills, capacity, teams, password, disabled)' }), requireRole('manager'), valid('json', UpdateUser), async (c) => {
  const scope = c.get('scope');
  const id = c.req.param('id');
  const body = c.req.valid('json');
  const user = await scope.find(users, id);
  if (!user) throw Problem.notFound('User');
  if (id === c.get('principal').userId && (body.role && body.role !== 'manager' || body.disabled)) {
    throw Problem.badRequest(body.role ? 'role' : 'disabled', 'you cannot demote or disable yourself');
  }
  const { teamIds, password, ...rest } = body;
  const teamsBefore = teamIds ? ((await teamIdsByUser(c)).get(id) ?? []) : [];
  await scope.update(users, id, { ...rest, ...(password ? { passwordHash: await hashPassword(password) } : {}) });
  if (teamIds) await setMembership(scope, teamIds.map((teamId) => ({ teamId, userId: id })), { userId: id }, 'teamIds');
  // A reset password ends every session of the user but the one making the change (a manager resetting their own).
  const me = c.get('principal');
  const keep = id === me.userId && me.via === 'session' ? me.credentialId : undefined;
  if (body.disabled) await revokeUserSessions(c.env, id);
  // Role, teams and disabling decide what their existing credentials may do: no stale cached principal.
  forgetPrincipals((p) => p.userId === id);
  // Their open sockets carry the old rights: closed with the reason (the app reconnects after a role or team change).
  const rightsChanged = (body.role !== undefined && body.role !== user.role) || (teamIds !== undefined && !sameSet(teamIds, teamsBefore));
  if (body.disabled) await revokeSockets(c.env, scope.workspaceId, REVOKED.disabled(id));
  // A manager setting someone else's password is a reset (that user may have lost control); their own, a change.
  if (password) await afterPasswordChange(c.env, { id, workspaceId: scope.workspaceId }, keep, id === me.userId ? 'change' : 'reset');
  if (!body.disabled && rightsChanged) await revokeSockets(c.env, scope.workspaceId, REVOKED.rights(id));
  await syncRouter(c.env, scope.workspaceId);
  return c.json(userJson((await scope.find(users, id))!, (await teamIdsByUser(c)).get(id) ?? []));
});

function sameSet(a: string[], b: string[]): boolean {
  const x = new Set(a);
  return x.size === new Set(b).size && b.every((id) => x.has(id));
}
