// Credentials → Principal. Sessions are JWTs (HS256, JWT_SECRET) naming a row in `sessions`, so
// logout revokes them; API keys are `pk_<id>.<secret>` with only the secret's SHA-256 stored.
import { sign, verify } from 'hono/jwt';
import { sha256Hex, randomToken, timingSafeEqual } from '../crypto/bytes';
import { newId } from '../db/ids';
import { API_SCOPES, type ApiScope, type Principal, type Role } from './principal';

export const SESSION_COOKIE = 'parley_session';
export const SESSION_TTL_MS = 7 * 24 * 3600_000;

/** Principals resolved in this isolate in the last few seconds; revocation takes effect within the TTL. */
const cache = new Map<string, { principal: Principal; until: number }>();
const CACHE_TTL_MS = 5_000;

export async function createSession(env: Env, user: { id: string; workspaceId: string }): Promise<{ token: string; expiresAt: number }> {
  const id = newId('ses');
  const expiresAt = Date.now() + SESSION_TTL_MS;
  await env.DB.prepare(`INSERT INTO sessions (id, user_id, workspace_id, expires_at) VALUES (?, ?, ?, ?)`).bind(id, user.id, user.workspaceId, expiresAt).run();
  const token = await sign({ sub: user.id, ws: user.workspaceId, sid: id, exp: Math.floor(expiresAt / 1000) }, env.JWT_SECRET, 'HS256');
  return { token, expiresAt };
}

/** Drop this isolate's cached principals that match (revocation, disabling, role or team changes). */
export function forgetPrincipals(match: (p: Principal) => boolean): void {
  for (const [credential, hit] of cache) if (match(hit.principal)) cache.delete(credential);
}

export async function revoke(env: Env, principal: Principal): Promise<void> {
  if (principal.via === 'session') await env.DB.prepare(`DELETE FROM sessions WHERE id = ?`).bind(principal.credentialId).run();
  else await env.DB.prepare(`UPDATE api_keys SET revoked_at = ? WHERE id = ?`).bind(Date.now(), principal.credentialId).run();
  // The cache is keyed by the credential string, not its id: evict by id (after the row changed).
  forgetPrincipals((p) => p.credentialId === principal.credentialId);
}

/** End every session of a user (disabled, password reset), or every one but `except` (a password change keeps the session making it). */
export async function revokeUserSessions(env: Env, userId: string, except?: string): Promise<void> {
  await env.DB.prepare(`DELETE FROM sessions WHERE user_id = ? AND id != ?`).bind(userId, except ?? '').run();
  forgetPrincipals((p) => p.userId === userId && p.via === 'session' && p.credentialId !== except);
}

/** Revoke every API key of a user (a password reset: one may have been minted from a stolen session). */
export async function revokeUserKeys(env: Env, userId: string): Promise<void> {
  await env.DB.prepare(`UPDATE api_keys SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`).bind(Date.now(), userId).run();
  forgetPrincipals((p) => p.userId === userId && p.via === 'api_key');
}

export async function createApiKey(
  env: Env,
  user: { id: string; workspaceId: string },
  name: string,
  scopes: readonly ApiScope[] = ['read', 'write'],
  expiresAt: number | null = null,
): Promise<{ id: string; key: string }> {
  const id = newId('key');
  const secret = randomToken(32);
  await env.DB.prepare(`INSERT INTO api_keys (id, workspace_id, user_id, name, secret_hash, scopes, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
    .bind(id, user.workspaceId, user.id, name, await sha256Hex(secret), JSON.stringify(scopes), expiresAt)
    .run();
  return { id, key: `pk_${id}.${secret}` };
}

type UserRow = { id: string; workspace_id: string; name: string; email: string; role: Role; disabled: number; team_ids: string | null };

const USER_COLUMNS = `u.id, u.workspace_id, u.name, u.email, u.role, u.disabled,
  (SELECT group_concat(team_id) FROM team_members WHERE user_id = u.id) AS team_ids`;

/** Resolve a bearer credential (session JWT or API key). Null when it is not valid (any more). */
export async function authenticate(env: Env, credential: string): Promise<Principal | null> {
  const hit = cache.get(credential);
  if (hit && hit.until > Date.now()) return hit.principal;
  const principal = credential.startsWith('pk_') ? await fromApiKey(env, credential) : await fromJwt(env, credential);
  if (principal) cache.set(credential, { principal, until: Date.now() + CACHE_TTL_MS });
  if (cache.size > 10_000) cache.clear();
  return principal;
}

async function fromJwt(env: Env, token: string): Promise<Principal | null> {
  let payload: { sid?: string };
  try {
    payload = (await verify(token, env.JWT_SECRET, 'HS256')) as { sid?: string };
  } catch {
    return null;
  }
  if (!payload.sid) return null;
  const row = await env.DB.prepare(`SELECT ${USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ? AND s.expires_at > ?`)
    .bind(payload.sid, Date.now())
    .first<UserRow>();
  return row && !row.disabled ? toPrincipal(row, payload.sid, 'session', API_SCOPES) : null;
}

async function fromApiKey(env: Env, key: string): Promise<Principal | null> {
  const match = /^pk_(key_[0-9A-Z]+)\.([A-Za-z0-9_-]+)$/.exec(key);
  if (!match) return null;
  const [, id, secret] = match;
  const row = await env.DB.prepare(
    `SELECT ${USER_COLUMNS}, k.secret_hash, k.scopes FROM api_keys k JOIN users u ON u.id = k.user_id
     WHERE k.id = ?1 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?2)`,
  )
    .bind(id, Date.now())
    .first<UserRow & { secret_hash: string; scopes: string }>();
  if (!row || row.disabled || !timingSafeEqual(await sha256Hex(secret), row.secret_hash)) return null;
  await env.DB.prepare(`UPDATE api_keys SET last_used_at = ? WHERE id = ?`).bind(Date.now(), id).run();
  return toPrincipal(row, id, 'api_key', parseScopes(row.scopes));
}

function parseScopes(raw: string): ApiScope[] {
  try {
    const list = JSON.parse(raw) as unknown;
    return Array.isArray(list) ? API_SCOPES.filter((s) => list.includes(s)) : [];
  } catch {
    return [];
  }
}

function toPrincipal(row: UserRow, credentialId: string, via: Principal['via'], scopes: readonly ApiScope[]): Principal {
  return {
    userId: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    email: row.email,
    role: row.role,
    teamIds: row.team_ids ? row.team_ids.split(',') : [],
    credentialId,
    via,
    scopes,
  };
}
