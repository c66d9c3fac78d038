// Authentication and authorization as middleware: a route handler only sees a caller it may serve.
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { database, WorkspaceScope } from '../db/scope';
import { Problem } from '../http/problem';
import type { Role } from './principal';
import { authenticate, SESSION_COOKIE } from './session';

/** Bearer header, the session cookie, or (WebSocket upgrades only: browsers cannot set headers) ?access_token=. */
function credentialOf(req: Request, cookie: string | undefined): string | null {
  const header = req.headers.get('authorization');
  if (header?.toLowerCase().startsWith('bearer ')) return header.slice(7).trim();
  if (cookie) return cookie;
  if (req.headers.get('upgrade') === 'websocket') return new URL(req.url).searchParams.get('access_token');
  return null;
}

export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const credential = credentialOf(c.req.raw, getCookie(c, SESSION_COOKIE));
  if (!credential) throw Problem.unauthorized();
  const principal = await authenticate(c.env, credential);
  if (!principal) throw Problem.unauthorized('The token is invalid, expired or revoked');
  // An API key reads with `read` and changes anything with `write` (manager-only settings also need `admin`: requireRole).
  const needs = SAFE_METHODS.has(c.req.method) ? 'read' : 'write';
  if (!principal.scopes.includes(needs)) throw Problem.forbidden(`This API key lacks the ${needs} scope`);
  c.set('principal', principal);
  c.set('scope', new WorkspaceScope(database(c.env.DB), c.env.DB, principal.workspaceId));
  await next();
});

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function requireRole(...roles: Role[]) {
  const managerOnly = roles.length === 1 && roles[0] === 'manager';
  return createMiddleware<AppEnv>(async (c, next) => {
    const p = c.get('principal');
    if (!roles.includes(p.role)) throw Problem.forbidden(`This needs the ${roles.join(' or ')} role`);
    // Workspace administration through a key needs a key made for it, not just a manager's key.
    if (managerOnly && !p.scopes.includes('admin')) throw Problem.forbidden('This API key lacks the admin scope');
    await next();
  });
}
