// Cross-site request forgery guard for the session cookie. A browser attaches the cookie to requests
// that other sites start (forms, fetches, WebSocket handshakes), but it always names the page that
// started them in `Origin`. A Bearer token or ?access_token= cannot be attached by another site, so
// only cookie-authenticated requests that change state (or open a socket) are checked.
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { SESSION_COOKIE } from '../auth/session';
import { Problem } from './problem';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether `origin` is the origin the request was sent to. The Host header counts too: behind a proxy
 * that keeps it (vite's dev server) the URL the Worker sees can differ, and a page on another site
 * cannot choose the Host of a request its browser sends here.
 */
export function isSameOrigin(origin: string, requestUrl: string, host: string | null): boolean {
  const url = new URL(requestUrl);
  if (origin === url.origin) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file:) and garbage are never ours
  }
  return parsed.protocol === url.protocol && !!host && parsed.host === host.toLowerCase();
}

/** Whether the request carries its credential in the session cookie (the Bearer header wins, as in requireAuth). */
export function authenticatesByCookie(req: Request, cookie: string | undefined): boolean {
  if (req.headers.get('authorization')?.toLowerCase().startsWith('bearer ')) return false;
  return !!cookie;
}

/** Whether the request can change state: any method but GET/HEAD/OPTIONS, and every WebSocket upgrade. */
export function changesState(req: Request): boolean {
  return !SAFE_METHODS.has(req.method) || req.headers.get('upgrade')?.toLowerCase() === 'websocket';
}

/**
 * 403 for a cookie-authenticated, state-changing request whose Origin is present and not ours. A
 * request without Origin comes from a non-browser client (which has the cookie only if it was given it).
 */
export const refuseCrossOriginCookies = createMiddleware(async (c, next) => {
  const req = c.req.raw;
  const origin = req.headers.get('origin');
  if (origin !== null && changesState(req) && authenticatesByCookie(req, getCookie(c, SESSION_COOKIE)) && !isSameOrigin(origin, req.url, req.headers.get('host'))) {
    const message = 'another site may not use the session cookie; send requests from the app or use a Bearer token';
    throw new Problem(403, 'Forbidden', `Origin ${origin.slice(0, 100)}: ${message}`, [{ field: 'Origin', message }]);
  }
  await next();
});
