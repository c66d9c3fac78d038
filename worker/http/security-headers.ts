// Response headers for the HTML we serve (the agent app, the widget frame, the demo, docs and dev
// pages) and for every other response the Worker answers outside /api (which has its own set).
//
// The content security policy allows scripts and styles from our own origin only. A page with inline
// blocks names them by SHA-256 hash, computed from the page's own template constants — never from the
// rendered response, which would bless whatever an injection put there too.
import { createMiddleware } from 'hono/factory';

export interface PagePolicy {
  /** Exact text of the page's own inline <script> blocks (each is allowed by its hash). */
  scripts?: readonly string[];
  /** Exact text of the page's own inline <style> blocks. */
  styles?: readonly string[];
  /** Who may frame the page: CSP sources, or ["'none'"]. */
  frameAncestors?: readonly string[];
  /** What the page may frame itself (the demo embeds the widget frame). */
  frameSrc?: readonly string[];
}

const hashes = new Map<string, string>();

/** `'sha256-…'` for a CSP source list; memoised (the inputs are a handful of template constants). */
export async function sha256Source(text: string): Promise<string> {
  let source = hashes.get(text);
  if (!source) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
    source = `'sha256-${btoa(String.fromCharCode(...digest))}'`;
    hashes.set(text, source);
  }
  return source;
}

/**
 * The policy. Styles from our origin only, like scripts: Preact applies `style` props through the
 * CSSOM (element.style), which CSP does not govern, so the app needs no 'unsafe-inline' for them.
 * Images may come from any https origin: contacts' avatars are the providers' URLs.
 */
export async function contentSecurityPolicy(policy: PagePolicy = {}): Promise<string> {
  const scripts = await Promise.all((policy.scripts ?? []).map(sha256Source));
  const styles = await Promise.all((policy.styles ?? []).map(sha256Source));
  return [
    `default-src 'self'`,
    `script-src 'self' ${scripts.join(' ')}`.trim(),
    `style-src 'self' ${styles.join(' ')}`.trim(),
    `img-src 'self' data: blob: https:`,
    `media-src 'self' blob:`,
    `font-src 'self' data:`,
    `connect-src 'self'`,
    `frame-src ${(policy.frameSrc ?? ["'none'"]).join(' ')}`,
    // The agent app's service worker (/sw.js: push and the offline shell), same origin only.
    `worker-src 'self'`,
    `object-src 'none'`,
    `base-uri 'none'`,
    `form-action 'self'`,
    `frame-ancestors ${(policy.frameAncestors ?? ["'none'"]).join(' ')}`,
  ].join('; ');
}

/** What every page and file outside /api carries: no MIME sniffing, no cross-site Referer, HSTS on https. */
export function baseHeaders(requestUrl: string): Record<string, string> {
  const headers: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
  };
  // Only on https: a browser ignores it on http anyway, and local development runs on http.
  if (new URL(requestUrl).protocol === 'https:') headers['strict-transport-security'] = 'max-age=31536000';
  return headers;
}

/** The headers of an HTML page under `policy`; `X-Frame-Options` backs frame-ancestors 'none' for old browsers. */
export async function pageHeaders(requestUrl: string, policy: PagePolicy = {}): Promise<Record<string, string>> {
  const headers: Record<string, string> = { ...baseHeaders(requestUrl), 'content-security-policy': await contentSecurityPolicy(policy) };
  if (!policy.frameAncestors || policy.frameAncestors.join(' ') === "'none'") headers['x-frame-options'] = 'DENY';
  return headers;
}

/** `res` with `headers` set (a copy: responses from the assets binding or fetch have immutable headers). */
export function withHeaders(res: Response, headers: Record<string, string>): Response {
  const copy = new Response(res.body, res);
  for (const [name, value] of Object.entries(headers)) copy.headers.set(name, value);
  return copy;
}

/** An HTML response of ours under `policy`. */
export async function htmlResponse(requestUrl: string, html: string, policy: PagePolicy = {}, status = 200): Promise<Response> {
  return new Response(html, { status, headers: { 'content-type': 'text/html; charset=UTF-8', ...(await pageHeaders(requestUrl, policy)) } });
}

/**
 * The last word on every response outside /api: base headers everywhere, and any HTML that did not
 * bring its own policy (the agent app's index.html from the assets binding) gets the strictest one:
 * no inline code, framed by no one. Socket upgrades pass untouched (a 101's headers are immutable).
 */
export const securityHeaders = createMiddleware(async (c, next) => {
  await next();
  const res = c.res;
  if (res.status === 101 || res.webSocket) return;
  const headers = baseHeaders(c.req.url);
  const html = res.headers.get('content-type')?.toLowerCase().startsWith('text/html');
  if (html && !res.headers.has('content-security-policy')) Object.assign(headers, await pageHeaders(c.req.url));
  const missing = Object.entries(headers).filter(([name]) => !res.headers.has(name));
  if (missing.length) c.res = withHeaders(res, Object.fromEntries(missing));
});
