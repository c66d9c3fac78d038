// Notification preferences: for each kind of news, which channels carry it. Stored per agent in D1
// (notification_preferences, id = the user's id); what is not stored takes the defaults below, so a
// kind added later reaches people until they say otherwise.
import { eq } from 'drizzle-orm';
import type { WorkspaceScope } from '../db/scope';
import { notificationPreferences } from '../db/schema';

export const NOTIFY_KINDS = ['new_conversation', 'assigned', 'customer_replied', 'mention', 'sla_warning', 'escalation'] as const;
export const NOTIFY_CHANNELS = ['in_app', 'sound', 'browser', 'push', 'email'] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];
export type NotifyChannelName = (typeof NOTIFY_CHANNELS)[number];
export type Preferences = Record<NotifyKind, Record<NotifyChannelName, boolean>>;

/** In-app and sound on (quiet for customer replies); browser pop-ups need the browser's permission first; push off until a push provider is wired (nothing sends it yet); e-mail only for escalations. */
export function defaultPreferences(): Preferences {
  const p = {} as Preferences;
  for (const k of NOTIFY_KINDS) {
    p[k] = { in_app: true, sound: k !== 'customer_replied', browser: false, push: false, email: k === 'escalation' };
  }
  return p;
}

/** Stored values over the defaults; unknown keys in storage are dropped. */
export function withDefaults(stored: Partial<Record<string, Partial<Record<string, boolean>>>> | null | undefined): Preferences {
  const p = defaultPreferences();
  for (const k of NOTIFY_KINDS) for (const ch of NOTIFY_CHANNELS) {
    const v = stored?.[k]?.[ch];
    if (typeof v === 'boolean') p[k][ch] = v;
  }
  return p;
}

/** Kinds of notification that are not in the preference table (AI alerts, follow-ups, webhooks) map to the nearest one that is. */
export function preferenceKind(kind: string): NotifyKind | null {
  if ((NOTIFY_KINDS as readonly string[]).includes(kind)) return kind as NotifyKind;
  if (kind === 'alert') return 'escalation';
  return null;
}

export function wants(p: Preferences, kind: string, channel: NotifyChannelName): boolean {
  const k = preferenceKind(kind);
  return k === null ? channel === 'in_app' || channel === 'sound' : p[k][channel];
}

export async function loadPreferences(scope: WorkspaceScope, userId: string): Promise<Preferences> {
  const row = await scope.find(notificationPreferences, userId);
  return withDefaults(row?.prefs);
}

/** A stored preferences row (or none) as the whole table with defaults. */
export function preferencesFrom(stored: string | null): Preferences {
  return withDefaults(stored ? (JSON.parse(stored) as Record<string, Record<string, boolean>>) : undefined);
}

/** Save a change (a partial table) over what the person has now; returns the whole result. */
export async function savePreferences(scope: WorkspaceScope, userId: string, change: Partial<Record<NotifyKind, Partial<Record<NotifyChannelName, boolean>>>>): Promise<Preferences> {
  const current = await loadPreferences(scope, userId);
  for (const [k, chans] of Object.entries(change)) for (const [ch, on] of Object.entries(chans ?? {})) current[k as NotifyKind][ch as NotifyChannelName] = on as boolean;
  const now = Date.now();
  const existing = await scope.find(notificationPreferences, userId);
  if (existing) await scope.db.update(notificationPreferences).set({ prefs: current, updatedAt: now }).where(scope.where(notificationPreferences, eq(notificationPreferences.id, userId)));
  else await scope.insert(notificationPreferences, { id: userId, prefs: current, updatedAt: now });
  return current;
}
