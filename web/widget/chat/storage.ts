// What the frame remembers between page loads: the visitor token and how far the visitor has read.
// Browsers often deny a third-party frame any storage (Chrome with third-party cookies blocked, private
// modes). Then the loader keeps these values in the site's own storage for us, so a visitor still finds
// their conversation after a reload.
import { tellHost } from './host';

let hostCopy: Record<string, string> = {};

/** The values the loader kept for us, received with `init`. */
export function restoreFromHost(saved: Record<string, string>): void {
  hostCopy = saved;
}

export function load(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return hostCopy[key] ?? null;
  }
}

export function save(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    hostCopy = { ...hostCopy, [key]: value };
    tellHost({ type: 'persist', saved: hostCopy });
  }
}
