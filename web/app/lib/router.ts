// A small history-API router: the location is a signal; links navigate without reloading.
import { computed, signal } from '@preact/signals';

export const location$ = signal({ path: window.location.pathname, search: window.location.search });

export const query = computed(() => new URLSearchParams(location$.value.search));

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const url = new URL(to, window.location.origin);
  if (url.pathname === location$.value.path && url.search === location$.value.search) return;
  if (opts.replace) history.replaceState(null, '', url.pathname + url.search);
  else history.pushState(null, '', url.pathname + url.search);
  location$.value = { path: url.pathname, search: url.search };
}

window.addEventListener('popstate', () => {
  location$.value = { path: window.location.pathname, search: window.location.search };
});

/** Same-origin link clicks are handled here, so every <a href="/…"> is a client-side navigation. */
document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element).closest?.('a');
  if (!a || a.target || a.hasAttribute('download')) return;
  const href = a.getAttribute('href');
  if (!href || !href.startsWith('/') || href.startsWith('//') || href.startsWith('/api/') || href.startsWith('/demo')) return;
  e.preventDefault();
  navigate(href);
});

/** Replace some query parameters of the current location (null removes one). */
export function withParams(changes: Record<string, string | null>, path = location$.value.path): string {
  const params = new URLSearchParams(location$.value.search);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === '') params.delete(k);
    else params.set(k, v);
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}
