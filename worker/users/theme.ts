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

/** The app's HTML with the theme set on <html>; anything else, or no explicit theme, passes untouched. */
export function withTheme(req: Request, res: Response): Response {
  const theme = themeFromCookie(req.headers.get('cookie'));
  if (!theme || theme === 'system' || !res.headers.get('content-type')?.toLowerCase().startsWith('text/html')) return res;
  return new HTMLRewriter()
    .on('html', {
      element(el) {
        el.setAttribute('data-theme', theme);
      },
    })
    .transform(res);
}
