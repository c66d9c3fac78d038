// Which websites may embed an inbox's chat: the inbox setting `allowedOrigins`, a list of origins
// ("https://www.example.com") or subdomain wildcards ("https://*.example.com"). Empty allows any site.
// The list is enforced twice: the chat frame's frame-ancestors (the browser refuses to show it on any
// other site) and the session endpoint, which refuses a browser request from another site's page.

/**
 * The canonical form of one entry ("https://Example.com/" → "https://example.com"), or null when it is
 * not an http(s) origin: only these may go into a CSP header, where `;`, `,` or spaces would let an
 * entry add directives of its own.
 */
export function normalizeOriginPattern(input: string): string | null {
  const text = input.trim();
  const wildcard = /^(https?):\/\/\*\.(.+)$/i.exec(text);
  let url: URL;
  try {
    // URL() would take "*" as part of a host name; parse the rest and put the wildcard back.
    url = new URL(wildcard ? `${wildcard[1]}://${wildcard[2]}` : text);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return null;
  if (!/^[a-z0-9.-]+(:\d+)?$/.test(url.host) || (!url.hostname.includes('.') && url.hostname !== 'localhost')) return null;
  return wildcard ? `${url.protocol}//*.${url.host}` : url.origin;
}

/** The valid entries of a stored list (older rows may hold anything). */
export function allowedOrigins(settings: { allowedOrigins?: unknown }): string[] {
  const list = Array.isArray(settings.allowedOrigins) ? settings.allowedOrigins : [];
  return list.flatMap((entry) => {
    const origin = typeof entry === 'string' ? normalizeOriginPattern(entry) : null;
    return origin ? [origin] : [];
  });
}

/** Whether a page of `origin` may embed the chat under `patterns` (an empty list allows any site). */
export function originAllowed(origin: string, patterns: readonly string[]): boolean {
  if (patterns.length === 0) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return patterns.some((pattern) => {
    if (!pattern.includes('://*.')) return pattern === url.origin;
    const [scheme, rest] = pattern.split('://*.');
    // "*.example.com" matches a subdomain at any depth, not example.com itself (as in CSP).
    return url.protocol === `${scheme}:` && url.host.endsWith(`.${rest}`);
  });
}

/** The chat frame's frame-ancestors: any site when the list is empty, else our own pages and the list. */
export function frameAncestors(patterns: readonly string[]): string[] {
  return patterns.length === 0 ? ['*'] : ["'self'", ...patterns];
}
