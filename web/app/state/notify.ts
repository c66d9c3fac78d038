// The notification centre: new conversations, assignments, mentions, replies, SLA warnings and
// escalations, from the live socket (or derived from polling without it), with optional browser
// notifications and a sound, plus the unread tab title. What reaches the agent, and how, follows their
// preferences kept on the server (GET/PUT /api/me/notification-preferences): the server sends only
// what they want in-app and says on each frame whether to ring and pop up; the app applies the same
// table to what it derives itself (new conversations).
import { computed, effect, signal } from '@preact/signals';
import { api } from '../lib/api';
import { DEDUPE_WINDOW_MS } from '../../../worker/notifications/dedupe';
import { load, save } from '../lib/storage';
import { unreadTotal } from './inbox';
import { me } from './session';

export interface AppNotification {
  id: string;
  /** The server's personal feed adds other kinds (e.g. routing, SLA alerts). */
  kind: 'assigned' | 'new_conversation' | (string & {});
  conversationId: string | null;
  /** The entry's id in the server feed (GET /api/me/notifications), once known. */
  serverId?: number;
  title: string;
  body: string;
  at: number;
  read: boolean;
}

export interface NotifyPrefs {
  newConversation: boolean;
  assigned: boolean;
  sound: boolean;
  browser: boolean;
}

/** The server's table: kind → channel → on (worker/notifications/preferences.ts). */
export type ServerPrefs = Record<string, Record<'in_app' | 'sound' | 'browser' | 'push' | 'email', boolean>>;
export const serverPrefs = signal<ServerPrefs | null>(null);

export async function loadServerPrefs(): Promise<void> {
  try {
    serverPrefs.value = (await api<{ preferences: ServerPrefs }>('/me/notification-preferences')).preferences;
  } catch {
    // Without them the app's defaults apply; the server still filters what it sends.
  }
}

export async function saveServerPrefs(change: Record<string, Partial<Record<string, boolean>>>): Promise<void> {
  serverPrefs.value = (await api<{ preferences: ServerPrefs }>('/me/notification-preferences', { method: 'PUT', json: { preferences: change } })).preferences;
}

/** Browser pop-ups need the browser's permission, asked once when any kind turns them on. */
export const browserAllowed = signal(typeof Notification !== 'undefined' && Notification.permission === 'granted');

/** The table's answer for one kind and channel; kinds outside it (AI alerts, follow-ups) count as escalations. */
function wanted(kind: string, channel: 'in_app' | 'sound' | 'browser'): boolean {
  const table = serverPrefs.value;
  const row = table?.[kind] ?? table?.[kind === 'alert' ? 'escalation' : ''];
  if (row) return row[channel];
  const p = prefs.value;
  if (channel === 'in_app') return kind === 'assigned' ? p.assigned : kind === 'new_conversation' ? p.newConversation : true;
  return channel === 'sound' ? p.sound : p.browser;
}

export const prefs = signal<NotifyPrefs>({ newConversation: true, assigned: true, sound: true, browser: false, ...load<Partial<NotifyPrefs>>('prefs:notify', {}) });
export function setPrefs(change: Partial<NotifyPrefs>): void {
  prefs.value = { ...prefs.value, ...change };
  save('prefs:notify', prefs.value);
}

const key = () => `notifications:${me.value?.user.id ?? 'anon'}`;
export const notifications = signal<AppNotification[]>([]);
export const unseen = computed(() => notifications.value.filter((n) => !n.read).length);
/** Unread mentions, for the Mentions view's count in the rail. */
export const unreadMentions = computed(() => notifications.value.filter((n) => n.kind === 'mention' && !n.read).length);

effect(() => {
  if (me.value) {
    notifications.value = load<AppNotification[]>(key(), []);
    void syncServerNotifications();
    void loadServerPrefs();
  }
});

/**
 * `channels`: what the server said this agent wants for this news (its live frames carry it); news the
 * app derives itself is checked against the preference table here.
 */
export function notify(n: Omit<AppNotification, 'id' | 'read'>, channels?: { sound?: boolean; browser?: boolean }): void {
  if (!channels && !wanted(n.kind, 'in_app')) return;
  // The same event can reach us twice (live frame and the poll that covers a reconnect), and quick
  // repeats (three customer messages) are one piece of news: the entry takes the latest words, quietly.
  // The window is the server feed's own (worker/notifications/dedupe.ts), so tab and feed agree.
  const same = notifications.value.findIndex((x) => x.kind === n.kind && x.conversationId === n.conversationId && Math.abs(x.at - n.at) < DEDUPE_WINDOW_MS);
  if (same >= 0) {
    const prev = notifications.value[same];
    if (prev.title !== n.title || prev.body !== n.body) {
      notifications.value = notifications.value.map((x, i) => (i === same ? { ...x, title: n.title, body: n.body } : x));
      save(key(), notifications.value);
    }
    return;
  }
  const item: AppNotification = { ...n, id: `${n.kind}:${n.conversationId}:${n.at}`, read: false };
  notifications.value = [item, ...notifications.value].slice(0, 50);
  save(key(), notifications.value);
  const sound = channels?.sound ?? wanted(n.kind, 'sound');
  const browser = channels?.browser ?? wanted(n.kind, 'browser');
  if (sound) chime();
  if (browser && 'Notification' in window && Notification.permission === 'granted' && document.visibilityState !== 'visible') {
    try {
      const shown = new Notification(n.title, { body: n.body, tag: item.id });
      shown.onclick = () => {
        window.focus();
        window.dispatchEvent(new CustomEvent('parley:open', { detail: n.conversationId }));
      };
    } catch {
      // Some browsers only allow notifications from a service worker.
    }
  }
}

export function markAllSeen(): void {
  const unreadOnServer = notifications.value.some((n) => n.serverId !== undefined && !n.read);
  notifications.value = notifications.value.map((n) => ({ ...n, read: true }));
  save(key(), notifications.value);
  if (unreadOnServer) void api('/me/notifications/read', { json: {} }).catch(() => {});
}

interface ServerNotification {
  id: number;
  kind: string;
  conversationId: string | null;
  title: string;
  body: string;
  at: number;
  readAt: number | null;
}

/**
 * Merge the personal feed the server keeps (AgentDO: assignments, transfers with their note) into the
 * centre: an entry replaces the local one for the same event (same kind and conversation, within a
 * minute), so a transfer reads "Alex transferred a conversation to you" rather than "Assigned to you".
 */
export async function syncServerNotifications(): Promise<void> {
  if (!me.value) return;
  let items: ServerNotification[];
  try {
    items = (await api<{ items: ServerNotification[] }>('/me/notifications', { query: { limit: 30 } })).items;
  } catch {
    return; // the local centre still works
  }
  let list = notifications.value;
  let fresh = 0;
  for (const s of [...items].reverse()) {
    const item: AppNotification = { id: `srv:${s.id}`, serverId: s.id, kind: s.kind, conversationId: s.conversationId, title: s.title, body: s.body, at: s.at, read: s.readAt !== null };
    const at = list.findIndex((x) => x.serverId === s.id || (x.serverId === undefined && x.kind === s.kind && x.conversationId === s.conversationId && Math.abs(x.at - s.at) < 60_000));
    if (at >= 0) list = list.map((x, i) => (i === at ? { ...item, read: item.read || x.read } : x));
    else {
      list = [item, ...list];
      if (!item.read) fresh++;
    }
  }
  notifications.value = list.sort((a, b) => b.at - a.at).slice(0, 50);
  save(key(), notifications.value);
  // Only news chimes: not what was already waiting when the app opened.
  if (fresh && synced && wanted('assigned', 'sound')) chime();
  synced = true;
}
let synced = false;

export function clearNotifications(): void {
  notifications.value = [];
  save(key(), []);
}

export async function enableBrowserNotifications(on: boolean): Promise<boolean> {
  if (!on) {
    setPrefs({ browser: false });
    return true;
  }
  if (!('Notification' in window)) return false;
  const perm = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
  setPrefs({ browser: perm === 'granted' });
  browserAllowed.value = perm === 'granted';
  return perm === 'granted';
}

let audio: AudioContext | null = null;
/** Two short sine notes, made on the fly: no audio file to download. */
export function chime(): void {
  try {
    audio ??= new AudioContext();
    const t = audio.currentTime;
    for (const [i, freq] of [880, 1320].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      osc.type = 'sine';
      gain.gain.setValueAtTime(0.0001, t + i * 0.12);
      gain.gain.exponentialRampToValueAtTime(0.15, t + i * 0.12 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + i * 0.12 + 0.25);
      osc.connect(gain).connect(audio.destination);
      osc.start(t + i * 0.12);
      osc.stop(t + i * 0.12 + 0.3);
    }
  } catch {
    // No audio (autoplay policy before the first interaction): the centre still shows it.
  }
}

// The tab title carries the unread count, so a background tab still says there is work.
effect(() => {
  const n = unreadTotal.value;
  const ws = me.value?.workspace?.name;
  document.title = `${n > 0 ? `(${n}) ` : ''}${ws ? `${ws} · ` : ''}Parley`;
});
