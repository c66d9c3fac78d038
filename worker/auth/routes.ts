// /api/auth/* and /api/me, /api/api-keys: signup, login, logout, the caller, programmatic keys.
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { newId } from '../db/ids';
import { Problem } from '../http/problem';
import { Email, Name, Password } from '../http/schemas';
import { valid } from '../http/validate';
import { hashPassword, verifyPassword } from './password';
import { checkLogin, clearPair, clientAddress, DEVICE_COOKIE, deviceCookie, isKnownDevice, loginKeys, recordFailure } from './rate-limit';
import { API_SCOPES, type ApiScope } from './principal';
import { createApiKey, createSession, forgetPrincipals, revoke, SESSION_COOKIE, SESSION_TTL_MS } from './session';
import { REVOKED, revokeSockets } from './socket-revocation';

const SignupBody = v.object({ workspaceName: Name, name: Name, email: Email, password: Password });
const LoginBody = v.object({ email: Email, password: v.pipe(v.string(), v.minLength(1, 'is required'), v.maxLength(200)) });
const ApiKeyBody = v.object({
  name: Name,
  /** Default read and write; admin (manager-only settings) must be asked for, by a manager. */
  scopes: v.optional(v.pipe(v.array(v.picklist(API_SCOPES as ApiScope[], 'must be read, write or admin')), v.minLength(1, 'needs at least one scope'), v.maxLength(3))),
  /** Days until the key stops working; omitted: it works until revoked. */
  expiresInDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(730))),
});

/** Sign-up and login: the only /api routes a caller reaches without credentials (mounted before the auth middleware). */
export const publicAuthRoutes = new Hono<AppEnv>();
/** The signed-in caller: logout, who am I, API keys. */
export const authRoutes = new Hono<AppEnv>();

function signupMode(env: Env): 'open' | 'first-only' | 'closed' {
  if (env.ENVIRONMENT === 'development') return 'open';
  return env.SIGNUP === 'open' || env.SIGNUP === 'closed' ? env.SIGNUP : 'first-only';
}

function issueCookie(c: Parameters<typeof setCookie>[0], token: string) {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure: new URL(c.req.url).protocol === 'https:',
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

/** Create a workspace with its first manager. Used by signup and by the demo seed. */
export async function createWorkspace(env: Env, input: { workspaceName: string; name: string; email: string; password: string; timezone?: string }) {
  const existing = await env.DB.prepare(`SELECT 1 FROM users WHERE email = ?`).bind(input.email).first();
  if (existing) throw Problem.conflict('An account with this e-mail already exists', 'email');
  const workspaceId = newId('ws');
  const userId = newId('usr');
  const passwordHash = await hashPassword(input.password);
  await env.DB.batch([
    env.DB.prepare(`INSERT INTO workspaces (id, name, timezone, settings) VALUES (?, ?, ?, '{}')`).bind(workspaceId, input.workspaceName, input.timezone ?? 'UTC'),
    env.DB.prepare(`INSERT INTO users (id, workspace_id, email, name, password_hash, role) VALUES (?, ?, ?, ?, ?, 'manager')`).bind(
      userId,
      workspaceId,
      input.email,
      input.name,
      passwordHash,
    ),
  ]);
  return { workspaceId, userId };
}

publicAuthRoutes.post(
  '/signup',
  describeRoute({ tags: ['auth'], summary: 'Create a workspace and its first manager', responses: { 201: { description: 'Signed up; returns a session token' } } }),
  valid('json', SignupBody),
  async (c) => {
    const mode = signupMode(c.env);
    if (mode === 'closed') throw Problem.forbidden('Sign-up is closed on this deployment');
    if (mode === 'first-only' && (await c.env.DB.prepare(`SELECT 1 FROM workspaces LIMIT 1`).first())) {
      throw Problem.forbidden('Sign-up is closed: this deployment already has its workspace');
    }
    const body = c.req.valid('json');
    const { workspaceId, userId } = await createWorkspace(c.env, body);
    const { token } = await createSession(c.env, { id: userId, workspaceId });
    issueCookie(c, token);
    return c.json({ token, user: { id: userId, workspaceId, name: body.name, email: body.email, role: 'manager' } }, 201);
  },
);

publicAuthRoutes.post(
  '/login',
  describeRoute({ tags: ['auth'], summary: 'Log in with e-mail and password', responses: { 200: { description: '{token, user}; also sets an HttpOnly cookie' } } }),
  valid('json', LoginBody),
  async (c) => {
    const { email, password } = c.req.valid('json');
    const keys = loginKeys(email.toLowerCase(), clientAddress(c.env, c.req.raw));
    await checkLogin(c.env.DB, keys, await isKnownDevice(c.env, email.toLowerCase(), getCookie(c, DEVICE_COOKIE)));
    const user = await c.env.DB.prepare(`SELECT id, workspace_id, name, email, role, password_hash, disabled FROM users WHERE email = ?`)
      .bind(email)
      .first<{ id: string; workspace_id: string; name: string; email: string; role: string; password_hash: string; disabled: number }>();
    // Verify against a dummy hash when the user is unknown, so timing does not reveal which e-mails exist.
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    if (!user || !ok || user.disabled) {
      await recordFailure(c.env.DB, keys);
      throw Problem.unauthorized('Wrong e-mail or password');
    }
    await clearPair(c.env.DB, keys);
    // This browser has now proved it knows the account: guessing elsewhere will not slow it down.
    setCookie(c, DEVICE_COOKIE, await deviceCookie(c.env, email.toLowerCase()), {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/api/auth',
      secure: new URL(c.req.url).protocol === 'https:',
      maxAge: 180 * 24 * 3600,
    });
    const { token } = await createSession(c.env, { id: user.id, workspaceId: user.workspace_id });
    issueCookie(c, token);
    return c.json({ token, user: { id: user.id, workspaceId: user.workspace_id, name: user.name, email: user.email, role: user.role } });
  },
);

const DUMMY_HASH = 'pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

authRoutes.post('/auth/logout', describeRoute({ tags: ['auth'], summary: 'Revoke the current session' }), async (c) => {
  const p = c.get('principal');
  await revoke(c.env, p);
  // The sockets this session opened end with it (4401).
  await revokeSockets(c.env, p.workspaceId, REVOKED.logout(p.userId, p.credentialId));
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
  return c.body(null, 204);
});

authRoutes.get('/me', describeRoute({ tags: ['auth'], summary: 'The caller, their workspace and teams' }), async (c) => {
  const p = c.get('principal');
  const ws = await c.env.DB.prepare(`SELECT id, name, timezone, business_hours, settings FROM workspaces WHERE id = ?`).bind(p.workspaceId).first<Record<string, unknown>>();
  return c.json({
    user: { id: p.userId, name: p.name, email: p.email, role: p.role, teamIds: p.teamIds, workspaceId: p.workspaceId },
    workspace: ws && {
      id: ws.id,
      name: ws.name,
      timezone: ws.timezone,
      businessHours: ws.business_hours ? JSON.parse(String(ws.business_hours)) : null,
      settings: JSON.parse(String(ws.settings ?? '{}')),
    },
  });
});

authRoutes.get('/api-keys', describeRoute({ tags: ['auth'], summary: 'Your API keys (managers see all of the workspace)' }), async (c) => {
  const p = c.get('principal');
  const all = p.role === 'manager';
  const rows = await c
    .get('scope')
    .prepare(
      `SELECT id, user_id AS userId, name, scopes, created_at AS createdAt, expires_at AS expiresAt, last_used_at AS lastUsedAt, revoked_at AS revokedAt
       FROM api_keys WHERE workspace_id = ? ${all ? '' : 'AND user_id = ?'} ORDER BY created_at DESC`,
      ...(all ? [] : [p.userId]),
    )
    .all();
  return c.json({ items: rows.results.map((r) => ({ ...r, scopes: JSON.parse(String((r as { scopes: string }).scopes)) as string[] })) });
});

authRoutes.post(
  '/api-keys',
  describeRoute({ tags: ['auth'], summary: 'Create an API key acting as you; the key is shown once' }),
  valid('json', ApiKeyBody),
  async (c) => {
    const p = c.get('principal');
    // A leaked key must not be able to mint its own successors.
    if (p.via === 'api_key') throw Problem.forbidden('API keys are created from a signed-in session, not with another key');
    const body = c.req.valid('json');
    const scopes = API_SCOPES.filter((s) => (body.scopes ?? ['read', 'write']).includes(s));
    if (scopes.includes('admin') && p.role !== 'manager') throw Problem.badRequest('scopes', 'admin needs the manager role');
    const expiresAt = body.expiresInDays ? Date.now() + body.expiresInDays * 86_400_000 : null;
    const { id, key } = await createApiKey(c.env, { id: p.userId, workspaceId: p.workspaceId }, body.name, scopes, expiresAt);
    return c.json({ id, name: body.name, scopes, expiresAt, key }, 201);
  },
);

authRoutes.delete('/api-keys/:id', describeRoute({ tags: ['auth'], summary: 'Revoke an API key' }), async (c) => {
  const p = c.get('principal');
  const id = c.req.param('id');
  // Everyone may revoke their own keys; managers any key of the workspace (through a key: one with the admin scope).
  const anyKey = p.role === 'manager' && p.scopes.includes('admin');
  const owner = await c
    .get('scope')
    .prepare(`UPDATE api_keys SET revoked_at = ?2 WHERE workspace_id = ?1 AND id = ?3 AND (?4 IS NULL OR user_id = ?4) RETURNING user_id`, Date.now(), id, anyKey ? null : p.userId)
    .first<string>('user_id');
  if (!owner) throw Problem.notFound('API key');
  forgetPrincipals((k) => k.via === 'api_key' && k.credentialId === id);
  await revokeSockets(c.env, p.workspaceId, REVOKED.keyRevoked(owner, id));
  return c.body(null, 204);
});
