// The visitor's chat state: one session, at most one current conversation, its messages and the
// messages we are still sending. REST is the source of truth; the socket only makes it live, so any
// doubt about a gap is settled by refetching `after` the last sequence number seen.
import { batch, computed, effect, signal } from '@preact/signals';
import type { Message, Status } from '../../../worker/conversations/model';
import type { ServerFrame } from '../../../worker/conversations/socket-protocol';
import type { Identity, PageVisit } from '../bridge';
import { ApiError, createSession, fetchMessages, fetchSurveyToken, sendMessage, type Inbox, type Session } from './api';
import { embedded, tellHost } from './host';
import { LiveSocket, type SocketState } from './socket';
import { load, save } from './storage';

/** A message the server has not confirmed yet. Its clientId is reused on retry, which makes retries idempotent. */
export interface Outgoing {
  clientId: string;
  text: string;
  state: 'sending' | 'failed';
  error?: string;
}

export const phase = signal<'starting' | 'ready' | 'failed'>('starting');
export const failure = signal('');
export const inbox = signal<Inbox | null>(null);
/** Whether the team is in (its business hours) and when it is back, as the session last said. */
export const availability = signal<{ open: boolean; nextOpenAt: number | null } | null>(null);
export const messages = signal<Message[]>([]);
export const outbox = signal<Outgoing[]>([]);
/** Name of whoever on the team is typing right now. */
export const typing = signal<string | null>(null);
export const conversationStatus = signal<Status | null>(null);
export const connection = signal<SocketState>('offline');
/** Whether the loader shows the panel; a frame opened on its own is always shown. */
export const panelOpen = signal(!embedded);

const conversationId = signal<string | null>(null);
const pageVisible = signal(document.visibilityState === 'visible');
/** Highest seq of the current conversation the visitor has had on screen. */
const readSeq = signal(0);

export const unread = computed(() => {
  const current = conversationId.value;
  const seen = readSeq.value;
  return messages.value.filter(
    (m) => m.conversationId === current && m.seq > seen && m.direction === 'outbound' && m.authorType !== 'system',
  ).length;
});

// Agents may stop typing without the "stopped" frame ever arriving.
const TYPING_TIMEOUT_MS = 8_000;
// How often we tell agents the visitor is still typing, and how long a pause means they stopped.
const TYPING_REFRESH_MS = 3_000;
const TYPING_IDLE_MS = 4_000;

let websiteToken = '';
let identity: Identity = {};
let visitorToken: string | null = null;
let contactId: string | null = null;
/** Highest event seq seen for the current conversation: the `after` of the next catch-up. */
let lastSeq = 0;
let pendingSession: Promise<Session> | null = null;
let agentTypingTimer: ReturnType<typeof setTimeout> | undefined;
let visitorTypingTimer: ReturnType<typeof setTimeout> | undefined;
let visitorTypingSentAt = 0;

const tokenKey = () => `parley:v:${websiteToken}`;
const readKey = () => `parley:r:${websiteToken}`;

const socket = new LiveSocket({
  url: () =>
    `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/widget/api/ws?token=${encodeURIComponent(visitorToken ?? '')}`,
  onFrame,
  onState: (state) => (connection.value = state),
  beforeReconnect: catchUp,
});

export async function start(websiteTokenParam: string, nextIdentity: Identity): Promise<void> {
  websiteToken = websiteTokenParam;
  identity = nextIdentity;
  visitorToken ??= load(tokenKey());
  phase.value = 'starting';
  if (!websiteToken) {
    failure.value = 'This chat link is missing its website token.';
    phase.value = 'failed';
    return;
  }
  try {
    // A request still in flight was sent with the previous identity; ours must follow it, not join it.
    await pendingSession?.catch(() => undefined);
    const session = await openSession();
    if (session.conversationId) await catchUp();
    phase.value = 'ready';
  } catch (error) {
    failure.value = failureText(error);
    phase.value = 'failed';
  }
}

function failureText(error: unknown): string {
  if (error instanceof ApiError && error.status === 401) return 'Chat is not available on this website.';
  // The inbox requires identity verification (or does not allow this site): the site has to sign the visitor in.
  if (error instanceof ApiError && error.status === 403) return 'Please sign in to the website to chat with us.';
  if (error instanceof ApiError && error.status === 429) return 'Too many new chats from your network right now. Please try again in a few minutes.';
  return 'We could not connect to the chat. Please check your connection and try again.';
}

/** Called when the site identifies the visitor after the chat has started (e.g. after logging in). */
export function identify(nextIdentity: Identity): Promise<void> {
  if (JSON.stringify(nextIdentity) === JSON.stringify(identity)) return Promise.resolve();
  return start(websiteToken, nextIdentity);
}

export function retryStart(): Promise<void> {
  return start(websiteToken, identity);
}

export function send(text: string): void {
  const item: Outgoing = { clientId: randomId(), text, state: 'sending' };
  outbox.value = [...outbox.value, item];
  stopTyping();
  void deliver(item);
}

export function retry(clientId: string): void {
  const item = outbox.value.find((o) => o.clientId === clientId);
  if (!item || item.state === 'sending') return;
  const again: Outgoing = { ...item, state: 'sending', error: undefined };
  outbox.value = outbox.value.map((o) => (o === item ? again : o));
  void deliver(again);
}

/** Call on every keystroke in the composer; agents see "typing" without a frame per key. */
export function noteTyping(): void {
  const now = Date.now();
  if (now - visitorTypingSentAt > TYPING_REFRESH_MS && socket.send({ t: 'typing', typing: true })) {
    visitorTypingSentAt = now;
  }
  clearTimeout(visitorTypingTimer);
  visitorTypingTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
}

function stopTyping(): void {
  clearTimeout(visitorTypingTimer);
  if (visitorTypingSentAt) socket.send({ t: 'typing', typing: false });
  visitorTypingSentAt = 0;
}

async function deliver(item: Outgoing): Promise<void> {
  try {
    const result = await withToken((token) => sendMessage(token, item.text, item.clientId));
    batch(() => {
      adopt(result.conversationId);
      merge([result.message]);
      // merge() already drops it when the server echoes the clientId as externalId; this covers the rest.
      outbox.value = outbox.value.filter((o) => o.clientId !== item.clientId);
    });
  } catch (error) {
    const reason = error instanceof ApiError && error.status >= 400 && error.status < 500 ? error.message : undefined;
    outbox.value = outbox.value.map((o) =>
      o.clientId === item.clientId ? { ...o, state: 'failed', error: reason } : o,
    );
  }
}

let page: PageVisit | null = null;

/** The host page (from the loader's init): sent with the session so a campaign visit is remembered. */
export function setPage(p: PageVisit | null): void {
  page = p;
}

/** One session request at a time: several calls can hit an expired token at once. */
function openSession(): Promise<Session> {
  pendingSession ??= createSession(websiteToken, visitorToken, identity, page)
    .then((session) => {
      if (contactId && session.contactId !== contactId) forgetConversation();
      contactId = session.contactId;
      visitorToken = session.visitorToken;
      save(tokenKey(), session.visitorToken);
      inbox.value = session.inbox;
      availability.value = session.availability ?? null;
      return session;
    })
    .finally(() => (pendingSession = null));
  return pendingSession;
}

/** Runs an authenticated call, renewing the session once if the visitor token was rejected. */
async function withToken<T>(request: (token: string) => Promise<T>): Promise<T> {
  if (!visitorToken) await openSession();
  try {
    return await request(visitorToken!);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    await openSession();
    return request(visitorToken!);
  }
}

/** A survey's signed link token, by this visitor's own token. */
export function surveyToken(surveyId: string): Promise<string> {
  return withToken((token) => fetchSurveyToken(token, surveyId)).then((r) => r.token);
}

/** Fetches whatever the visitor missed; also how a (re)started conversation picks up its history. */
async function catchUp(): Promise<void> {
  const after = lastSeq;
  const page = await withToken((token) => fetchMessages(token, after));
  if (page.conversationId !== conversationId.value) {
    adopt(page.conversationId);
    // Our `after` belonged to another conversation; the new one is fetched from the start.
    if (after > 0) return catchUp();
  }
  merge(page.items);
  lastSeq = Math.max(lastSeq, page.seq);
}

/** Makes `id` the current conversation, which is the one the socket follows. */
function adopt(id: string | null): void {
  if (id === conversationId.value) return;
  socket.stop();
  conversationId.value = id;
  conversationStatus.value = null;
  lastSeq = 0;
  const [readConversation, seq] = (load(readKey()) ?? '').split(' ');
  readSeq.value = id && readConversation === id ? Number(seq) || 0 : 0;
  if (id) {
    socket.start();
    tellHost({ type: 'active' });
  }
}

/** Another contact now (the site identified someone else): nothing of the previous one may show. */
function forgetConversation(): void {
  batch(() => {
    adopt(null);
    messages.value = [];
    outbox.value = [];
    typing.value = null;
  });
}

/** Adds or updates messages, deduplicated by id, and settles the outgoing ones they confirm. */
function merge(items: Message[]): void {
  if (!items.length) return;
  const byId = new Map(messages.value.map((m) => [m.id, m]));
  let teamSpoke = false;
  for (const m of items) {
    if (m.isInternalNote || m.direction === 'internal') continue;
    const known = byId.get(m.id);
    if (!known || m.updatedAt >= known.updatedAt) byId.set(m.id, m);
    if (!known && m.direction === 'outbound') teamSpoke = true;
  }
  const confirmed = new Set(items.map((m) => m.externalId));
  batch(() => {
    messages.value = [...byId.values()].sort((a, b) =>
      // seq orders a conversation exactly; across conversations (a closed one, then a new one) time does.
      a.conversationId === b.conversationId ? a.seq - b.seq : a.createdAt - b.createdAt,
    );
    if (outbox.value.some((o) => confirmed.has(o.clientId))) {
      outbox.value = outbox.value.filter((o) => !confirmed.has(o.clientId));
    }
    if (teamSpoke) typing.value = null;
  });
}

function onFrame(frame: ServerFrame): void {
  switch (frame.t) {
    case 'hello':
      conversationStatus.value = frame.conversation.status;
      // Events may have happened between our last fetch and this connection.
      if (frame.seq > lastSeq) catchUp().catch(() => undefined);
      break;
    case 'event': {
      const { event } = frame;
      if (event.message) merge([event.message]);
      if (event.conversation) conversationStatus.value = event.conversation.status;
      lastSeq = Math.max(lastSeq, event.seq);
      break;
    }
    case 'typing':
      if (frame.actor.type === 'contact') break;
      clearTimeout(agentTypingTimer);
      typing.value = frame.typing ? frame.actor.name || 'Someone' : null;
      if (frame.typing) agentTypingTimer = setTimeout(() => (typing.value = null), TYPING_TIMEOUT_MS);
      break;
    // Sends go over REST, so acks and errors for socket sends never concern us; pong only proves liveness.
  }
}

// Whatever reaches the screen while the panel is open and the page visible counts as read.
effect(() => {
  const current = conversationId.value;
  if (!current || !panelOpen.value || !pageVisible.value) return;
  let latest = readSeq.peek();
  for (const m of messages.value) if (m.conversationId === current && m.seq > latest) latest = m.seq;
  if (latest === readSeq.peek()) return;
  readSeq.value = latest;
  save(readKey(), `${current} ${latest}`);
});

document.addEventListener('visibilitychange', () => {
  pageVisible.value = document.visibilityState === 'visible';
  if (pageVisible.value) socket.wake();
});
window.addEventListener('online', () => socket.wake());

function randomId(): string {
  // crypto.randomUUID needs a secure context; a frame served over plain http on a LAN address is not one.
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}
