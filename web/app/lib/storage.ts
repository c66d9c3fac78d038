// localStorage with JSON and without throwing (private windows, full quota): drafts, unsent
// messages and preferences survive reloads.
export function load<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(`parley:${key}`);
    return raw === null ? fallback : (JSON.parse(raw) as T);
  } catch {
    return fallback;
  }
}

export function save(key: string, value: unknown): void {
  try {
    if (value === undefined || value === null) localStorage.removeItem(`parley:${key}`);
    else localStorage.setItem(`parley:${key}`, JSON.stringify(value));
  } catch {
    // Storage is full or unavailable: the app still works, it only forgets across reloads.
  }
}

export function remove(key: string): void {
  save(key, null);
}
