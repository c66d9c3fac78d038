// The per-tab live socket (GET /api/live): list updates, presence and personal notifications.
// When it is not available the list falls back to polling, and notifications are derived from the
// changes the poll sees, so the app is correct without it.
import { signal } from '@preact/signals';
import { contactName } from '../lib/format';
import { ReconnectingSocket, type SocketState } from '../lib/socket';
import type { ContactRef, ListItem } from '../lib/types';
import type { CountKey } from '../../../worker/conversations/view-counts';
import { applyCountsFrame, conversationChanged, removeConversation, firstPollDone, knownItem, liveConnected, onConversationChange, poll, pollBaseline, refreshCounts } from './inbox';
import { closeThread, threadId } from './thread';
import { notify, syncServerNotifications } from './notify';
import { toast } from './toast';
import { navigate } from '../lib/router';
import { listHref } from './route';
import { api, errorText } from '../lib/api';
import { checkSession, me, myId, presence, presenceKnown, type Presence } from './session';

type LiveFrame =
  | { t: 'hello'; users: { userId: string; name: string; status: Presence }[] }
  | { t: 'conversation'; conversation: Partial<ListItem> & { id: string; lastCustomerSeq?: number } }
  | { t: 'presence'; userId: string; status: Presence }
  | { t: 'notification'; kind: 'assigned' | 'new_conversation' | 'escalation' | 'alert' | 'followup' | 'mention' | 'customer_replied' | 'sla_warning'; conversationId: string; title: string; body: string; at: number; sound?: boolean; browser?: boolean }
  | { t: 'counts'; id: string; before: CountKey | null; after: CountKey | null }
  | { t: 'removed'; id: string }
  | { t: 'pong' }
  /** Changes to closed conversations (a broadcast's), gathered: applied in order. */
  | { t: 'batch'; frames: LiveFrame[] };

export const liveState = signal<SocketState>('stopped');
let socket: ReconnectingSocket | null = null;
let retryLater: ReturnType<typeof setTimeout> | undefined;
/** Conversations this tab just assigned itself: no notification for our own action. */
const selfAssigned = new Map<string, number>();

export function noteSelfAssign(id: string): void {
  selfAssigned.set(id, Date.now());
}

export function startLive(): void {
  stopLive();
  socket = new ReconnectingSocket({
    path: '/api/live',
    // Until the server has the route, three refusals in a row mean "not here": poll instead, ask again later.
    maxFailuresBeforeFirstOpen: 3,
    onState(state) {
      liveState.value = state;
      liveConnected.value = state === 'live';
      presenceKnown.value = state === 'live';
      if (state === 'stopped' && me.value) retryLater = setTimeout(startLive, 120_000);
    },
    onEnded() {
      // Revoked, disabled or a new role: /me says which (a 401 signs this tab out; a new role reloads the directory).
      void checkSession();
    },
    onOpen(reconnect) {
      // Whatever changed while we were away comes in through one poll.
      // Counts too: frames missed while the socket was down moved them.
      if (reconnect) {
        void poll();
        void refreshCounts();
      }
    },
    onFrame(raw) {
      applyFrame(raw as LiveFrame);
    },
  });
  socket.start();
}

function applyFrame(frame: LiveFrame): void {
  switch (frame.t) {
    case 'batch':
      for (const f of frame.frames) applyFrame(f);
      return;
    case 'hello': {
      const next: Record<string, Presence> = {};
      for (const u of frame.users ?? []) next[u.userId] = u.status;
      presence.value = next;
      return;
    }
    case 'presence':
      presence.value = { ...presence.value, [frame.userId]: frame.status };
      return;
    case 'conversation':
      conversationChanged(withUnread(frame.conversation), 'live');
      return;
    case 'counts':
      applyCountsFrame(frame.before, frame.after);
      return;
    case 'removed':
      removeConversation(frame.id);
      if (threadId.value === frame.id) {
        closeThread();
        navigate(listHref());
        toast('This conversation was deleted', 'info');
      }
      return;
    case 'notification':
      if (frame.kind === 'new_conversation') void newConversationNews(frame);
      else notify({ kind: frame.kind, conversationId: frame.conversationId, title: frame.title, body: frame.body, at: frame.at ?? Date.now() }, frame.sound === undefined ? undefined : { sound: frame.sound, browser: frame.browser });
      return;
  }
}

/** A new conversation is news about someone: the customer's name from the list, else from the API. */
async function newConversationNews(frame: { conversationId: string; body: string; at: number }): Promise<void> {
  let who = knownItem(frame.conversationId)?.contact;
  if (!who) {
    try {
      who = (await api<{ contact: ContactRef | null }>(`/conversations/${frame.conversationId}`)).contact;
    } catch {
      who = null;
    }
  }
  notify({ kind: 'new_conversation', conversationId: frame.conversationId, title: `New conversation from ${contactName(who)}`, body: frame.body, at: frame.at ?? Date.now() });
}

/**
 * Live frames carry the conversation, not this agent's unread count: a newer customer message than we
 * knew of counts as one more unread (the open thread reads it at once; polls bring exact counts).
 */
function withUnread(c: Partial<ListItem> & { id: string; lastCustomerSeq?: number }): Partial<ListItem> & { id: string } {
  const prev = knownItem(c.id) as (ListItem & { lastCustomerSeq?: number }) | undefined;
  if (c.id === threadId.value) return { ...c, unreadCount: 0 };
  const before = prev?.lastCustomerSeq ?? (prev ? prev.seq : undefined);
  const newer = c.lastCustomerSeq !== undefined && before !== undefined ? c.lastCustomerSeq > before : c.lastMessageDirection === 'inbound' && (c.lastActivityAt ?? 0) > (prev?.lastActivityAt ?? 0);
  return newer ? { ...c, unreadCount: (prev?.unreadCount ?? 0) + 1 } : c;
}

/**
 * Tell the server this tab is in use (presence), at most once a minute; while we show as away (idle),
 * activity goes within seconds so the agent comes back online. Only a frame that went out counts.
 */
let lastActive = 0;
function active(): void {
  const away = presence.value[myId.value] === 'away';
  if (!away && Date.now() - lastActive < 60_000) return;
  if (away && Date.now() - lastActive < 10_000) return;
  if (socket?.send({ t: 'active' })) lastActive = Date.now();
}

/** The user's own away/online choice (PUT /api/me/presence); the live socket confirms it to everyone. */
export async function setMyPresence(status: 'online' | 'away'): Promise<void> {
  try {
    const res = await api<{ status: Presence }>('/me/presence', { method: 'PUT', json: { status } });
    presence.value = { ...presence.value, [myId.value]: res.status };
    if (res.status === 'online') lastActive = Date.now();
    toast(res.status === 'away' ? 'You are away: no new conversations are routed to you' : 'You are online', 'success');
  } catch (err) {
    toast(`Could not change your status: ${errorText(err)}`, 'error');
  }
}
for (const type of ['keydown', 'pointerdown', 'focus']) window.addEventListener(type, active, { passive: true, capture: true });

export function stopLive(): void {
  clearTimeout(retryLater);
  socket?.stop();
  socket = null;
  liveState.value = 'stopped';
  liveConnected.value = false;
}

// Without the live socket, notifications come from what the poll sees change.
onConversationChange((item, previous) => {
  if (liveConnected.value || !firstPollDone.value) return;
  const who = contactName(item.contact);
  if (!previous) {
    if (!(item.createdAt > pollBaseline)) return;
    notify({ kind: 'new_conversation', conversationId: item.id, title: `New conversation from ${who}`, body: item.lastMessagePreview ?? '', at: item.createdAt ?? Date.now() });
    return;
  }
  if (item.assigneeId && item.assigneeId === myId.value && previous.assigneeId !== item.assigneeId) {
    const mine = selfAssigned.get(item.id);
    if (mine && Date.now() - mine < 30_000) return;
    notify({ kind: 'assigned', conversationId: item.id, title: `Assigned to you: ${who}`, body: item.lastMessagePreview ?? '', at: item.updatedAt ?? Date.now() });
  }
});
