// The app's theme before any script runs: the Worker sets data-theme on <html> from a cookie that
// mirrors the user's saved choice (worker/users/profile.ts sets it), so a dark-theme user on a light
// system never sees a light first paint. The CSS keys its dark tokens off data-theme as well as the
// system preference (vite.config.ts: themeAttribute).
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
export const THEME_COOKIE = 'parley_theme';

export function themeFromCookie(header: string | null): Theme | null {
  const m = header ? /(?:^|;\s*)parley_theme=(light|dark|system)(?:;|$)/.exec(header) : null;
  return m ? (m[1] as Theme) : null;
}

/**
 * The app's shell from the static assets with the saved theme set on <html>. The shell now differs by
 * cookie, so a page load never revalidates against a copy cached under another theme (no 304, no
 * ETag); other files pass untouched.
 */
export async function appShell(assets: Fetcher, req: Request): Promise<Response> {
  const page = req.method === 'GET' && (req.headers.get('accept') ?? '').includes('text/html');
  if (!page) return assets.fetch(req);
  const headers = new Headers(req.headers);
  headers.delete('if-none-match');
  headers.delete('if-modified-since');
  const res = await assets.fetch(new Request(req, { headers }));
  if (!res.headers.get('content-type')?.toLowerCase().startsWith('text/html')) return res;
  const out = new Response(res.body, res);
  out.headers.delete('etag');
  out.headers.delete('last-modified');
  out.headers.set('cache-control', 'no-cache');
  out.headers.set('vary', 'Cookie');
  const theme = themeFromCookie(req.headers.get('cookie'));
  if (!theme || theme === 'system') return out;
  return new HTMLRewriter()
    .on('html', {
      element(el) {
        el.setAttribute('data-theme', theme);
      },
    })
    .transform(out);
}
