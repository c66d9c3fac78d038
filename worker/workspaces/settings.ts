// Workspace settings with their defaults, read through a short per-isolate cache.

export interface WorkspaceSettings {
  /** 'contact': one open conversation per contact across inboxes; 'contact_inbox': per contact and inbox. */
  conversationGrouping: 'contact' | 'contact_inbox';
  /** An inbound message reopens a closed conversation within this many hours; later it starts a new one. */
  reopenWindowHours: number;
}

const cache = new Map<string, { value: WorkspaceSettings; until: number }>();

export function withDefaults(env: Env, raw: Record<string, unknown> | null | undefined): WorkspaceSettings {
  const r = raw ?? {};
  return {
    conversationGrouping: r.conversationGrouping === 'contact' ? 'contact' : 'contact_inbox',
    reopenWindowHours: typeof r.reopenWindowHours === 'number' ? r.reopenWindowHours : Number(env.REOPEN_WINDOW_HOURS ?? 72),
  };
}

export async function workspaceSettings(env: Env, workspaceId: string): Promise<WorkspaceSettings> {
  const hit = cache.get(workspaceId);
  if (hit && hit.until > Date.now()) return hit.value;
  const row = await env.DB.prepare(`SELECT settings FROM workspaces WHERE id = ?`).bind(workspaceId).first<{ settings: string }>();
  const value = withDefaults(env, row ? (JSON.parse(row.settings) as Record<string, unknown>) : null);
  cache.set(workspaceId, { value, until: Date.now() + 10_000 });
  return value;
}

/** Settings read along with something else (the inbox loader joins them): cache them as if read here. */
export function rememberSettings(env: Env, workspaceId: string, raw: Record<string, unknown> | null): WorkspaceSettings {
  const value = withDefaults(env, raw);
  cache.set(workspaceId, { value, until: Date.now() + 10_000 });
  return value;
}

export function forgetSettings(workspaceId: string): void {
  cache.delete(workspaceId);
}
