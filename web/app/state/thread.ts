// The open conversation: its state, messages and system events, the socket that keeps them live
// (with a refetch by sequence number whenever a gap shows), viewers, typing and collisions, and the
// outbox of replies that are sending or failed (kept across reloads; retries reuse the clientId).
import { batch, computed, signal } from '@preact/signals';
import { api, ApiError, errorText } from '../lib/api';
import { CLOSE } from '../../../worker/conversations/socket-protocol';
import { ReconnectingSocket, type SocketState } from '../lib/socket';
import { load, save } from '../lib/storage';
import type { Attachment, Conversation, ConversationEvent, ContactRef, ListItem, ReplyEmail, ServerFrame, ThreadMessage, Viewer } from '../lib/types';
import { mergeMessage } from './message-merge';
import { patchItem, refreshCountsSoon, slaColumns } from './inbox';
import { me, myId } from './session';
import { toast } from './toast';

export type OpenConversation = Conversation & { unreadCount?: number; lastReadSeq?: number; contact: (ContactRef & { blocked?: boolean }) | null };
type WireEvent = ConversationEvent & { message?: ThreadMessage; conversation?: Conversation };

export const threadId = signal<string | null>(null);
export const conversation = signal<OpenConversation | null>(null);
export const messages = signal<ThreadMessage[]>([]);
export const systemEvents = signal<ConversationEvent[]>([]);
export const outbox = signal<ThreadMessage[]>([]);
export const hasMoreBefore = signal(false);
export const loadingBefore = signal(false);
export const threadState = signal<'idle' | 'loading' | 'error'>('idle');
export const threadError = signal('');
export const viewers = signal<Viewer[]>([]);
export const typing = signal<{ id: string; name: string; note: boolean; contact: boolean }[]>([]);
export const collision = signal<{ other: Viewer; reason: 'viewing' | 'typing' } | null>(null);
export const socketState = signal<SocketState>('stopped');
/** Bumped when new messages arrive, so the view can keep the bottom in sight. */
export const arrivals = signal(0);

export const otherViewers = computed(() => viewers.value.filter((v) => v.userId !== myId.value));

let socket: ReconnectingSocket | null = null;
let lastSeq = 0;
let catchingUp: Promise<void> | null = null;
let generation = 0;
const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();

const PAGE = 50;

export function closeThread(): void {
  generation++;
  socket?.stop();
  socket = null;
  stopTyping();
  batch(() => {
    threadId.value = null;
    conversation.value = null;
    messages.value = [];
    systemEvents.value = [];
    outbox.value = [];
    viewers.value = [];
    typing.value = [];
    collision.value = null;
    threadState.value = 'idle';
    socketState.value = 'stopped';
  });
}

export async function openThread(id: string): Promise<void> {
  if (threadId.value === id) return;
  closeThread();
  const gen = generation;
  threadId.value = id;
  threadState.value = 'loading';
  lastSeq = 0;
  try {
    const [conv, page] = await Promise.all([
      api<OpenConversation>(`/conversations/${id}`),
      api<{ items: ThreadMessage[]; hasMore: boolean; seq: number }>(`/conversations/${id}/messages`, { query: { limit: PAGE } }),
    ]);
    if (gen !== generation) return;
    const first = page.items[0]?.seq ?? 1;
    batch(() => {
      conversation.value = conv;
      messages.value = page.items;
      hasMoreBefore.value = page.hasMore;
      lastSeq = Math.max(page.seq, ...page.items.map((m) => m.seq));
      threadState.value = 'idle';
      outbox.value = load<ThreadMessage[]>(outboxKey(id), []).map((m) => ({ ...m, local: 'sending' as const }));
    });
    arrivals.value++;
    void loadSystemEvents(first - 1, gen);
    startSocket(id, gen);
    markRead();
    // Replies that never got confirmed (a reload, a crash) go again: the clientId makes it safe.
    for (const m of outbox.value) void deliver(id, m);
  } catch (err) {
    if (gen !== generation) return;
    threadError.value = err instanceof ApiError && err.status === 404 ? 'This conversation does not exist or you cannot see it.' : errorText(err);
    threadState.value = 'error';
  }
}

async function loadSystemEvents(after: number, gen: number): Promise<void> {
  try {
    const res = await api<{ items: WireEvent[] }>(`/conversations/${threadId.value}/events`, { query: { after: Math.max(0, after), limit: 200 } });
    if (gen !== generation) return;
    addSystemEvents(res.items.filter((e) => !e.type.startsWith('message.')));
  } catch {
    // System lines are context only; the messages are already on screen.
  }
}

function addSystemEvents(events: ConversationEvent[]): void {
  if (events.length === 0) return;
  const have = new Set(systemEvents.value.map((e) => e.seq));
  const add = events.filter((e) => !have.has(e.seq)).map(({ seq, type, at, actor, data }) => ({ seq, type, at, actor, data }));
  if (add.length) systemEvents.value = [...systemEvents.value, ...add].sort((a, b) => a.seq - b.seq);
}

export async function loadEarlier(): Promise<void> {
  const id = threadId.value;
  const first = messages.value[0]?.seq;
  if (!id || !first || loadingBefore.value || !hasMoreBefore.value) return;
  const gen = generation;
  loadingBefore.value = true;
  try {
    const page = await api<{ items: ThreadMessage[]; hasMore: boolean }>(`/conversations/${id}/messages`, { query: { before: first, limit: PAGE } });
    if (gen !== generation) return;
    const have = new Set(messages.value.map((m) => m.id));
    batch(() => {
      messages.value = [...page.items.filter((m) => !have.has(m.id)), ...messages.value];
      hasMoreBefore.value = page.hasMore;
    });
    void loadSystemEvents((page.items[0]?.seq ?? first) - 1, gen);
  } catch (err) {
    toast(`Could not load earlier messages: ${errorText(err)}`, 'error');
  } finally {
    loadingBefore.value = false;
  }
}

function startSocket(id: string, gen: number): void {
  socket = new ReconnectingSocket({
    path: `/api/conversations/${encodeURIComponent(id)}/ws`,
    onState(state) {
      if (gen === generation) socketState.value = state;
      if (state !== 'live' && gen === generation) typing.value = [];
    },
    onFrame(frame) {
      if (gen === generation) onFrame(frame as ServerFrame, id, gen);
    },
    onEnded(code) {
      // 4403: reassigned out of what this user may see; the session's end (4401) reaches the live socket too.
      if (code === CLOSE.forbidden && gen === generation) toast('This conversation is no longer visible to you', 'error');
    },
  });
  socket.start();
}

function onFrame(frame: ServerFrame, id: string, gen: number): void {
  switch (frame.t) {
    case 'hello':
      viewers.value = frame.viewers ?? [];
      if ('contactId' in frame.conversation) setConversation(frame.conversation);
      // Anything that happened while we were not connected is fetched by sequence number.
      if (frame.seq > lastSeq) void catchUp(id, gen);
      return;
    case 'event': {
      const e = frame.event as WireEvent;
      if (e.seq <= lastSeq) return;
      if (e.seq > lastSeq + 1) {
        void catchUp(id, gen);
        return;
      }
      applyEvent(e);
      return;
    }
    case 'typing': {
      const a = frame.actor;
      const key = `${a.type}:${a.id}`;
      if (a.type === 'agent' && a.id === myId.value) return;
      clearTimeout(typingTimers.get(key));
      const rest = typing.value.filter((t) => t.id !== key);
      if (frame.typing) {
        typing.value = [...rest, { id: key, name: a.name ?? (a.type === 'contact' ? 'The customer' : 'Someone'), note: frame.note, contact: a.type === 'contact' }];
        // A "stopped typing" frame can be lost; typing never lasts forever.
        typingTimers.set(key, setTimeout(() => (typing.value = typing.value.filter((t) => t.id !== key)), 8000));
      } else typing.value = rest;
      return;
    }
    case 'viewers': {
      viewers.value = frame.viewers;
      const c = collision.value;
      if (c) {
        const still = frame.viewers.find((v) => v.userId === c.other.userId);
        collision.value = still ? { other: still, reason: still.typing ? 'typing' : c.reason === 'typing' ? 'viewing' : c.reason } : null;
      }
      return;
    }
    case 'collision':
      if (frame.other.userId !== myId.value) collision.value = { other: frame.other, reason: frame.reason };
      return;
    default:
      return;
  }
}

/** Fetch every event after the last one we applied; one runs at a time. */
function catchUp(id: string, gen: number): Promise<void> {
  if (catchingUp) return catchingUp;
  catchingUp = (async () => {
    try {
      for (let i = 0; i < 50; i++) {
        const res = await api<{ items: WireEvent[]; seq: number }>(`/conversations/${id}/events`, { query: { after: lastSeq, limit: 200 } });
        if (gen !== generation) return;
        for (const e of res.items) if (e.seq > lastSeq) applyEvent(e);
        if (res.items.length < 200 || lastSeq >= res.seq) break;
      }
    } catch {
      // Next hello or event tries again.
    } finally {
      catchingUp = null;
    }
  })();
  return catchingUp;
}

function applyEvent(e: WireEvent): void {
  lastSeq = Math.max(lastSeq, e.seq);
  if (e.conversation) setConversation(e.conversation);
  if (e.type === 'message.created' || e.type === 'message.received') {
    if (e.message) addMessage(e.message);
    return;
  }
  if (e.type === 'message.status') {
    const id = (e.data.messageId as string) ?? e.message?.id;
    messages.value = messages.value.map((m) => (m.id === id ? mergeMessage(m, { ...m, status: (e.data.status as ThreadMessage['status']) ?? m.status, statusReason: (e.data.reason as string | null) ?? null }) : m));
    return;
  }
  addSystemEvents([e]);
}

export function setConversation(c: Conversation): void {
  const prev = conversation.value;
  if (!prev || prev.id !== c.id) return;
  conversation.value = { ...prev, ...c, contact: prev.contact };
  const { id, status, priority, assigneeId, teamId, tags, snoozeUntil, lastActivityAt, lastMessagePreview, seq, updatedAt, waitingSince, subject } = c;
  patchItem(id, { status, priority, assigneeId, teamId, tags, snoozeUntil, lastActivityAt, lastMessagePreview, seq, updatedAt, waitingSince, subject, unreadCount: 0, ...slaColumns(c) } as Partial<ListItem>);
}


function addMessage(m: ThreadMessage): void {
  const list = messages.value;
  const at = list.findIndex((x) => x.id === m.id);
  if (at >= 0) messages.value = list.map((x) => (x.id === m.id ? mergeMessage(x, m) : x));
  else {
    const next = [...list, m].sort((a, b) => a.seq - b.seq);
    messages.value = next;
  }
  // Only my own message confirms my pending one: client ids are unique per author, not per thread.
  if (m.externalId && m.authorType === 'agent' && m.authorId === myId.value) dropLocal(m.externalId);
  arrivals.value++;
  // Socket frames carry no signed file links; fetch the message over REST for them.
  if (m.attachments.some((a) => !a.url)) void refreshMessage(m.seq);
  if (m.direction === 'inbound') markRead();
}


async function refreshMessage(seq: number): Promise<void> {
  const id = threadId.value;
  if (!id) return;
  try {
    const res = await api<{ items: ThreadMessage[] }>(`/conversations/${id}/messages`, { query: { after: seq - 1, limit: 1 } });
    const fresh = res.items[0];
    if (fresh && threadId.value === id) messages.value = messages.value.map((m) => (m.id === fresh.id ? mergeMessage(m, fresh) : m));
  } catch {
    // The attachment shows without a link until the next load.
  }
}

// ---- Reading ----

let readTimer: ReturnType<typeof setTimeout> | undefined;
/** Tell the server we have read up to the latest event (debounced; only while the tab is visible). */
export function markRead(): void {
  const id = threadId.value;
  if (!id) return;
  patchItem(id, { unreadCount: 0 });
  clearTimeout(readTimer);
  readTimer = setTimeout(() => {
    if (document.visibilityState !== 'visible' || threadId.value !== id) return;
    const seq = lastSeq;
    if (!socket?.send({ t: 'read', seq })) void api(`/conversations/${id}/read`, { json: { seq } }).catch(() => {});
    refreshCountsSoon(2500);
  }, 400);
}
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && threadId.value) markRead();
});

// ---- Sending ----

const outboxKey = (id: string) => `outbox:${me.value?.user.id}:${id}`;

function persistOutbox(id: string): void {
  if (threadId.value !== id) return;
  save(outboxKey(id), outbox.value.length ? outbox.value.map(({ local: _l, localError: _e, ...m }) => m) : null);
}

function dropLocal(clientId: string): void {
  if (!outbox.value.some((m) => m.externalId === clientId)) return;
  outbox.value = outbox.value.filter((m) => m.externalId !== clientId);
  if (threadId.value) persistOutbox(threadId.value);
}

function newClientId(): string {
  return crypto.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** Optimistic send: the message shows at once, the server confirms it (or it is marked failed). */
/** `force`: send even though another agent holds the reply lock (the user confirmed). */
export function send(text: string, note: boolean, attachments: Attachment[] = [], force = false, email?: ReplyEmail, mentions: string[] = []): void {
  const id = threadId.value;
  const conv = conversation.value;
  const user = me.value?.user;
  if (!id || !conv || !user) return;
  const clientId = newClientId();
  const local: ThreadMessage = {
    id: `local:${clientId}`,
    conversationId: id,
    seq: Number.MAX_SAFE_INTEGER,
    direction: note ? 'internal' : 'outbound',
    authorType: 'agent',
    authorId: user.id,
    authorName: user.name,
    text,
    attachments,
    isInternalNote: note,
    externalId: clientId,
    channel: conv.channel,
    status: 'queued',
    statusReason: null,
    createdAt: Date.now(),
    updatedAt: Date.now(),
    local: 'sending',
    ...(email && !note ? { compose: email, email: { from: null, to: [], cc: email.cc ?? [], bcc: email.bcc, subject: email.subject ?? null } } : {}),
    ...(note && mentions.length ? { mentions } : {}),
  };
  outbox.value = [...outbox.value, local];
  persistOutbox(id);
  arrivals.value++;
  stopTyping();
  void deliver(id, local, 0, force);
}

async function deliver(id: string, m: ThreadMessage, attempt = 0, force = false): Promise<void> {
  try {
    const res = await api<{ message: ThreadMessage }>(`/conversations/${id}/messages`, {
      json: { text: m.text, attachments: m.attachments.map(({ key, name, contentType, size }) => ({ key, name, contentType, size })), isInternalNote: m.isInternalNote, clientId: m.externalId, ...(force ? { force: true } : {}), ...(m.compose ? { email: m.compose } : {}), ...(m.mentions?.length ? { mentions: m.mentions } : {}) },
    });
    if (threadId.value !== id) return;
    addMessage(res.message);
  } catch (err) {
    if (threadId.value !== id) return;
    if (err instanceof ApiError && err.retryable && attempt < 2) {
      setTimeout(() => void deliver(id, m, attempt + 1, force), 1000 * 2 ** attempt);
      return;
    }
    // Reply lock: another agent is writing a reply; the message waits for "Send anyway" (force).
    const lock = err instanceof ApiError && err.status === 409 ? err.field('force') : undefined;
    if (lock !== undefined) {
      const holder = /^(.*) \([^)]*\) holds/.exec(lock)?.[1] ?? 'Another agent';
      outbox.value = outbox.value.map((x) => (x.externalId === m.externalId ? { ...x, local: 'locked', localError: `${holder} is replying` } : x));
      return;
    }
    outbox.value = outbox.value.map((x) => (x.externalId === m.externalId ? { ...x, local: 'failed', localError: errorText(err) } : x));
  }
}

export function retrySend(clientId: string, force = false): void {
  const id = threadId.value;
  const m = outbox.value.find((x) => x.externalId === clientId);
  if (!id || !m) return;
  outbox.value = outbox.value.map((x) => (x.externalId === clientId ? { ...x, local: 'sending', localError: undefined } : x));
  void deliver(id, m, 0, force);
}

/** Another agent holding the reply lock (typing a reply, not a note) in the open thread, if any. */
export const replyLockHolder = computed(() => otherViewers.value.find((v) => v.typing && !v.note) ?? null);

export function discardSend(clientId: string): void {
  dropLocal(clientId);
}

// ---- Typing ----

let typingOn = false;
let typingNote = false;
let typingIdle: ReturnType<typeof setTimeout> | undefined;
let typingSentAt = 0;

/** The composer calls this on every keystroke; we tell the room at most every 3 s. */
export function noteTyping(note: boolean): void {
  clearTimeout(typingIdle);
  typingIdle = setTimeout(stopTyping, 4000);
  if (!typingOn || typingNote !== note || Date.now() - typingSentAt > 3000) {
    typingOn = true;
    typingNote = note;
    typingSentAt = Date.now();
    socket?.send({ t: 'typing', typing: true, note });
  }
}

export function stopTyping(): void {
  clearTimeout(typingIdle);
  if (!typingOn) return;
  typingOn = false;
  socket?.send({ t: 'typing', typing: false, note: typingNote });
}

// ---- Changes to the conversation ----

/** PATCH the conversation, showing the change at once and undoing it if the server refuses. */
export async function patchConversation(patch: Partial<Conversation> & { closingNote?: string | null }, label: string): Promise<boolean> {
  const id = threadId.value;
  const before = conversation.value;
  if (!id || !before) return false;
  conversation.value = { ...before, ...patch };
  patchItem(id, patch as Partial<ListItem>);
  try {
    const updated = await api<Conversation>(`/conversations/${id}`, { method: 'PATCH', json: patch });
    if (threadId.value === id) setConversation(updated);
    toast(label, 'success');
    return true;
  } catch (err) {
    if (threadId.value === id) conversation.value = before;
    patchItem(id, before as unknown as Partial<ListItem>);
    toast(`Could not ${label.toLowerCase()}: ${errorText(err)}`, 'error');
    return false;
  }
}

/** Archive (closing it if needed) or take out of the archive; the server's answer says the new status. */
export async function setArchived(archived: boolean): Promise<boolean> {
  const id = threadId.value;
  if (!id) return false;
  try {
    const updated = await api<Conversation>(`/conversations/${id}`, { method: 'PATCH', json: { archived } });
    if (threadId.value === id) setConversation(updated);
    patchItem(id, { status: updated.status, archivedAt: updated.archivedAt ?? null } as Partial<ListItem>);
    refreshCountsSoon(1500);
    toast(archived ? 'Conversation archived' : 'Taken out of the archive', 'success');
    return true;
  } catch (err) {
    toast(`Could not ${archived ? 'archive' : 'take out of the archive'}: ${errorText(err)}`, 'error');
    return false;
  }
}

/** Update the open conversation's contact after the sidebar edits it. */
export function setContact(contact: ContactRef & { blocked?: boolean }): void {
  const c = conversation.value;
  if (c && c.contactId === contact.id) conversation.value = { ...c, contact: { ...c.contact, ...contact } };
  patchItem(c?.id ?? '', { contact: { id: contact.id, name: contact.name, email: contact.email, phone: contact.phone, avatarUrl: contact.avatarUrl } });
}

/** Every message of the conversation, oldest first (for downloads). */
export async function allMessages(id: string): Promise<ThreadMessage[]> {
  const out: ThreadMessage[] = [];
  let after = 0;
  for (let i = 0; i < 500; i++) {
    const page = await api<{ items: ThreadMessage[]; hasMore: boolean }>(`/conversations/${id}/messages`, { query: { after, limit: 200 } });
    out.push(...page.items);
    if (!page.hasMore || page.items.length === 0) break;
    after = page.items[page.items.length - 1].seq;
  }
  return out;
}
