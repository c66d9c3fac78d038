// ConversationDO: one per conversation, the single writer of its state and messages. It applies the
// pure transitions from worker/conversations/state.ts, persists them with an outbox row in the same
// SQLite transaction, fans events out to the sockets watching the thread, and projects into D1.
import { DurableObject } from 'cloudflare:workers';
import { canSeeConversation, type Principal } from '../worker/auth/principal';
import type { Actor, Attachment, Conversation, ConversationEvent, DeliveryStatus, Message } from '../worker/conversations/model';
import { projectionStatements, type MessageIndexRow, type OutboxEntry } from '../worker/conversations/projection';
import type { ClientFrame, ServerFrame, Viewer, VisitorConversation } from '../worker/conversations/socket-protocol';
import {
  acceptsInbound,
  applyMessage,
  applyPatch,
  createConversation,
  nextDeliveryStatus,
  TransitionError,
  wake,
  type ConversationPatch,
  type NewConversation,
  type PendingEvent,
  type Transition,
} from '../worker/conversations/state';
import { newId } from '../worker/db/ids';
import { routingTransition, routingTrigger } from '../worker/routing/apply';
import type { RoutingDecision } from '../worker/routing/model';
import type { DeliverJob } from '../worker/ingest/jobs';
import { ConversationStore } from './conversation-store';
import { SocketRoom, type SocketIdentity } from './socket-room';

const OUTBOX_RETRY_MS = 2_000;
const OUTBOX_MAX_RETRY_MS = 5 * 60_000;
const OUTBOX_BATCH = 200;

export interface IncomingMessage {
  /** Provider message id or client id: the same id never makes a second message. */
  externalId?: string | null;
  direction: 'inbound' | 'outbound';
  author: Actor;
  text: string;
  attachments?: Attachment[];
  isInternalNote?: boolean;
  /** Initial delivery status for outbound messages (channels that deliver asynchronously start at 'queued'). */
  status?: DeliveryStatus;
  /** An agent's reply that must not go out while another agent holds the thread's reply lock (is typing a reply). */
  replyLock?: { userId: string };
  /** The agent sending through the API: refused unless their role may see this conversation (one call, not two). */
  viewer?: Pick<Principal, 'workspaceId' | 'userId' | 'role' | 'teamIds'>;
  createdAt?: number;
}

export type UpdateResult = { ok: true; conversation: Conversation } | { ok: false; field: string; message: string };

export type MessageResult =
  | { ok: true; message: Message; conversation: Conversation; duplicate: boolean }
  | { ok: false; reason: 'not_found' | 'closed' | 'forbidden' }
  | { ok: false; reason: 'locked'; holder: Viewer };

export type RoutingResult = { ok: true; conversation: Conversation } | { ok: false; reason: 'not_found' | 'closed' | 'assignee_changed'; conversation: Conversation | null };

export class ConversationDO extends DurableObject<Env> {
  #store: ConversationStore;
  #state: Conversation | null;
  #room: SocketRoom;
  #alarmAt: number | null = null;
  #flushing: Promise<void> | null = null;
  #flushAgain = false;
  #outboxFailures = 0;
  #live: { state: Conversation; types: Set<ConversationEvent['type']>; previousAssigneeId: string | null } | null = null;
  #liveSending = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new ConversationStore(ctx.storage.sql);
    this.#state = this.#store.loadState();
    this.#room = new SocketRoom(ctx);
  }

  /** Create the conversation (idempotent: a second call returns the existing state). */
  async create(init: NewConversation, actor: Actor | null): Promise<Conversation> {
    if (this.#state) return this.#state;
    this.#commit(createConversation(init, Date.now(), actor));
    return this.#state!;
  }

  /**
   * Deliver a message, creating the conversation first if this object is new. Inbound paths use this:
   * whoever claimed the contact's thread pointer, the first message to arrive creates the conversation.
   */
  async receive(init: NewConversation, input: IncomingMessage, reopenWindowMs: number): Promise<MessageResult> {
    if (!this.#state) this.#commit(createConversation(init, Date.now(), input.author));
    return this.addMessage(input, reopenWindowMs);
  }

  state(): Conversation | null {
    return this.#state;
  }

  /** State plus the reader's unread count and read position. */
  view(userId: string): (Conversation & { unreadCount: number; lastReadSeq: number }) | null {
    if (!this.#state) return null;
    const { unread, lastReadSeq } = this.#store.unreadFor(userId);
    return { ...this.#state, unreadCount: unread, lastReadSeq };
  }

  /**
   * Append a message: inbound from the customer, or outbound/note from an agent, AI, bot or the system.
   * `reopenWindowMs` decides whether an inbound message may reopen a closed conversation.
   */
  async addMessage(input: IncomingMessage, reopenWindowMs: number): Promise<MessageResult> {
    const state = this.#state;
    if (!state) return { ok: false, reason: 'not_found' };
    if (input.viewer && !canSeeConversation(input.viewer, state)) return { ok: false, reason: 'forbidden' };
    if (input.externalId) {
      const existing = this.#store.messageByExternalId(input.externalId, state.id);
      if (existing) return { ok: true, message: existing, conversation: state, duplicate: true };
    }
    const now = Date.now();
    if (input.direction === 'inbound' && !acceptsInbound(state, now, { reopenWindowMs })) return { ok: false, reason: 'closed' };

    const isNote = input.isInternalNote === true;
    if (input.replyLock && !isNote && input.direction === 'outbound') {
      const holder = this.replyLockHolder(input.replyLock.userId);
      if (holder) return { ok: false, reason: 'locked', holder };
    }
    // Web chat delivers over the visitor's socket: a reply with the visitor connected is delivered as it is stored.
    const webchatVisitorHere = !isNote && input.direction === 'outbound' && state.channel === 'webchat' && this.#room.hasVisitor();
    const message: Message = {
      id: newId('msg'),
      conversationId: state.id,
      seq: state.seq + 1,
      direction: isNote ? 'internal' : input.direction,
      authorType: input.author.type,
      authorId: input.author.id,
      authorName: input.author.name,
      text: input.text,
      attachments: input.attachments ?? [],
      isInternalNote: isNote,
      externalId: input.externalId ?? null,
      channel: state.channel,
      // Web chat is delivered by this object; every other channel's reply is queued for its provider.
      status: isNote || input.direction === 'inbound' || webchatVisitorHere ? 'delivered' : (input.status ?? (state.channel === 'webchat' ? 'sent' : 'queued')),
      statusReason: null,
      createdAt: input.createdAt ?? now,
      updatedAt: now,
    };
    const transition = applyMessage(
      state,
      { id: message.id, direction: message.direction, authorType: message.authorType, text: message.text, isInternalNote: isNote, hasAttachments: message.attachments.length > 0 },
      message.seq,
      now,
      input.author,
    );
    this.#commit(transition, message);
    return { ok: true, message, conversation: this.#state!, duplicate: false };
  }

  /** Apply a change (status, snooze, assignee, team, tags, priority, subject, closing note, summary). */
  async update(patch: ConversationPatch, actor: Actor | null): Promise<UpdateResult | null> {
    if (!this.#state) return null;
    try {
      this.#commit(applyPatch(this.#state, patch, Date.now(), actor));
    } catch (err) {
      // Invalid changes come back as data: error classes do not survive the RPC boundary.
      if (err instanceof TransitionError) return { ok: false, field: err.field, message: err.message };
      throw err;
    }
    return { ok: true, conversation: this.#state };
  }

  /** The other agent composing a reply in this thread right now (their socket says typing, not a note), if any. */
  replyLockHolder(userId: string): Viewer | null {
    return this.#room.viewers().find((v) => v.userId !== userId && v.typing && !v.note) ?? null;
  }

  /** Apply a routing decision (the router's, a transfer or a take-over) with its `conversation.routed` event. */
  async applyRouting(decision: RoutingDecision): Promise<RoutingResult> {
    if (!this.#state) return { ok: false, reason: 'not_found', conversation: null };
    const t = routingTransition(this.#state, decision, Date.now());
    if (typeof t === 'string') return { ok: false, reason: t, conversation: this.#state };
    this.#commit(t);
    return { ok: true, conversation: this.#state };
  }

  /** Contact merge: this conversation now belongs to another contact. */
  async moveToContact(contactId: string, actor: Actor | null): Promise<Conversation | null> {
    const state = this.#state;
    if (!state) return null;
    if (state.contactId === contactId) return state;
    const now = Date.now();
    this.#commit({
      state: { ...state, contactId, updatedAt: now },
      events: [{ type: 'conversation.updated', actor, data: { contactId, previousContactId: state.contactId } }],
    });
    return this.#state;
  }

  /** A delivery receipt for an outbound message, by our id or the provider's. Out-of-order receipts never move a status back. */
  updateDelivery(input: { messageId?: string; externalId?: string; status: DeliveryStatus; reason?: string | null }): Message | null {
    const state = this.#state;
    if (!state) return null;
    const message = input.messageId ? this.#store.messageById(input.messageId, state.id) : this.#store.messageByExternalId(input.externalId ?? '', state.id);
    if (!message) return null;
    const next = nextDeliveryStatus(message.status, input.status);
    if (!next) return message;
    const now = Date.now();
    const updated: Message = { ...message, status: next, statusReason: next === 'failed' ? (input.reason ?? null) : null, updatedAt: now };
    this.#commit({ state: { ...state }, events: [{ type: 'message.status', actor: null, data: { messageId: message.id, status: next, reason: updated.statusReason } }] }, undefined, () =>
      this.#store.setMessageStatus(message.id, next, updated.statusReason, now),
    );
    return updated;
  }

  messages(opts: { after?: number; before?: number; limit: number; includeNotes: boolean }): Message[] {
    return this.#state ? this.#store.listMessages(this.#state.id, opts) : [];
  }

  /** Events after a sequence number: how a client that missed socket frames catches up. */
  events(after: number, limit: number, includeNotes: boolean): ServerEvent[] {
    if (!this.#state) return [];
    return this.#store.listEvents(after, limit).flatMap((e) => {
      const full = this.#hydrate(e);
      return includeNotes || !full.message?.isInternalNote ? [full] : [];
    });
  }

  markRead(userId: string, seq?: number): { lastReadSeq: number; unread: number } {
    const state = this.#state;
    if (!state) return { lastReadSeq: 0, unread: 0 };
    const target = Math.min(seq ?? state.seq, state.seq);
    this.ctx.storage.transactionSync(() => {
      if (this.#store.markRead(userId, target)) this.#store.enqueue('read', { userId, seq: target });
    });
    this.#kickFlush();
    return this.#store.unreadFor(userId);
  }

  /** WebSocket upgrade; the Worker has authenticated the caller and passes who it is. */
  async fetch(request: Request): Promise<Response> {
    if (request.headers.get('Upgrade') !== 'websocket') return new Response('Expected a WebSocket upgrade', { status: 426 });
    const state = this.#state;
    if (!state) return new Response('No such conversation', { status: 404 });
    const who = JSON.parse(request.headers.get('x-parley-identity') ?? 'null') as SocketIdentity | null;
    if (!who) return new Response('Missing identity', { status: 400 });
    const pair = new WebSocketPair();
    this.#room.accept(pair[1], who);
    this.#room.send(pair[1], { t: 'hello', seq: state.seq, conversation: who.kind === 'agent' ? state : visitorView(state), viewers: who.kind === 'agent' ? this.#room.viewers() : undefined });
    if (who.kind === 'agent') this.#room.announceViewer(pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    const who = this.#room.identity(ws);
    let frame: ClientFrame;
    try {
      frame = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw)) as ClientFrame;
    } catch {
      return this.#room.send(ws, { t: 'error', status: 400, title: 'Frames must be JSON' });
    }
    switch (frame.t) {
      case 'ping':
        return this.#room.send(ws, { t: 'pong' });
      case 'typing':
        return this.#room.typing(ws, frame.typing === true, frame.note === true);
      case 'read':
        if (who.kind === 'agent') this.markRead(who.userId, Number(frame.seq) || undefined);
        return;
      case 'message': {
        const text = typeof frame.text === 'string' ? frame.text.trim() : '';
        const clientId = typeof frame.clientId === 'string' ? frame.clientId.slice(0, 200) : '';
        if (!clientId) return this.#room.send(ws, { t: 'error', status: 400, title: 'clientId is required' });
        if (!text || text.length > 10_000) return this.#room.send(ws, { t: 'error', clientId, status: 400, title: 'text must be 1 to 10000 characters' });
        const result = await this.addMessage(
          who.kind === 'visitor'
            ? { externalId: clientId, direction: 'inbound', author: { type: 'contact', id: who.contactId, name: who.name }, text }
            : {
                externalId: clientId,
                direction: 'outbound',
                author: { type: 'agent', id: who.userId, name: who.name },
                text,
                isInternalNote: frame.isInternalNote === true,
                replyLock: frame.force === true ? undefined : { userId: who.userId },
              },
          // A visitor writing into an open widget always reaches the conversation they are looking at.
          Number.MAX_SAFE_INTEGER,
        );
        if (!result.ok && result.reason === 'locked') return this.#room.send(ws, { t: 'error', clientId, status: 409, title: `${result.holder.name} is replying`, detail: 'Send again with force: true to send anyway', lock: result.holder });
        if (!result.ok) return this.#room.send(ws, { t: 'error', clientId, status: 409, title: `Conversation is ${result.reason}` });
        this.#room.typing(ws, false, false);
        return this.#room.send(ws, { t: 'ack', clientId, message: result.message, duplicate: result.duplicate });
      }
      default:
        return this.#room.send(ws, { t: 'error', status: 400, title: 'Unknown frame type' });
    }
  }

  async webSocketClose(ws: WebSocket): Promise<void> {
    this.#room.leave(ws);
  }

  async webSocketError(ws: WebSocket): Promise<void> {
    this.#room.leave(ws);
  }

  async alarm(): Promise<void> {
    this.#alarmAt = null;
    const now = Date.now();
    // Each timer's transition checks its own due time, so an early or forced alarm changes nothing
    // that is not due; a pending outbox is always worth another try.
    if (this.#state) this.#commit(wake(this.#state, now));
    if (this.#store.outboxSize() > 0) {
      this.#kickFlush();
      await this.#flushing;
    }
    this.#armAlarm();
  }

  /** Persist a transition (and optionally a new message) atomically, then broadcast and project. */
  #commit(transition: Transition, message?: Message, extraWrite?: () => void): void {
    if (transition.events.length === 0 && !message) {
      this.#state = transition.state;
      return;
    }
    const at = Date.now();
    const previous = this.#state;
    const previousAssigneeId = this.#state?.assigneeId ?? null;
    let seq = this.#state?.seq ?? 0;
    const events: ConversationEvent[] = transition.events.map((e: PendingEvent) => ({ seq: ++seq, type: e.type, actor: e.actor, data: e.data, at }));
    const next: Conversation = { ...transition.state, seq };
    this.ctx.storage.transactionSync(() => {
      if (message) this.#store.insertMessage(message);
      extraWrite?.();
      for (const e of events) {
        this.#store.appendEvent(e);
        this.#store.enqueue('event', e);
      }
      if (message) this.#store.enqueue('message', {
          messageId: message.id,
          body: message.text,
          seq: message.seq,
          inbound: message.direction === 'inbound',
          isNote: message.isInternalNote,
          createdAt: message.createdAt,
        } satisfies MessageIndexRow);
      // A reply stored as 'queued' goes to its provider through OUTBOUND, enqueued with the message itself.
      if (message && needsDelivery(message)) this.#store.enqueue('deliver', deliverJob(next, message));
      this.#store.saveState(next);
      this.#store.enqueue('projection', next);
      this.#store.setTimer('snooze', next.status === 'snoozed' ? next.snoozeUntil : null);
      if (this.#store.timer('outbox') === null) this.#store.setTimer('outbox', at + OUTBOX_RETRY_MS);
    });
    this.#state = next;
    this.#armAlarm();
    for (const e of events) this.#room.broadcastEvent(this.#hydrate(e, message), next);
    if (events.some((e) => e.type !== 'message.status')) this.#notifyWorkspace(next, events, previousAssigneeId);
    const routing = routingTrigger(previous, next, message);
    if (routing) this.#route(routing, message!.text);
    this.#kickFlush();
  }

  /**
   * Tell the WorkspaceDO (agents' list sockets) about the new state. Coalesced: while one call is in
   * flight, later changes merge into the next. Live updates only; lists reload the truth over REST.
   */
  #notifyWorkspace(state: Conversation, events: ConversationEvent[], previousAssigneeId: string | null): void {
    if (this.#live) {
      this.#live.state = state;
      for (const e of events) this.#live.types.add(e.type);
    } else {
      this.#live = { state, types: new Set(events.map((e) => e.type)), previousAssigneeId };
    }
    if (this.#liveSending) return;
    this.#liveSending = true;
    const workspace = this.env.WORKSPACES.get(this.env.WORKSPACES.idFromName(state.workspaceId));
    void (async () => {
      try {
        while (this.#live) {
          const { state: s, types, previousAssigneeId: prev } = this.#live;
          this.#live = null;
          await workspace.conversationChanged(s, [...types], prev);
        }
      } catch (err) {
        console.warn(`conversation ${state.id}: live update failed: ${String(err)}`);
      } finally {
        this.#liveSending = false;
      }
    })();
  }

  /**
   * Ask the workspace's router who takes this conversation and apply the answer. The message is
   * already stored and acknowledged; routing follows at once (a few attempts if the router is unreachable).
   */
  #route(trigger: 'created' | 'reopened', text: string): void {
    const workspace = this.env.WORKSPACES.get(this.env.WORKSPACES.idFromName(this.#state!.workspaceId));
    void (async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          const decision = await workspace.route({ conversation: this.#state!, text, trigger });
          if (!decision) return;
          const res = await this.applyRouting(decision);
          if (!res.ok) await workspace.release(decision.conversationId, res.conversation);
          return;
        } catch (err) {
          console.warn(`conversation ${this.#state?.id}: routing failed (${String(err)})`);
          await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
        }
      }
    })();
  }

  #hydrate(e: ConversationEvent, known?: Message): ServerEvent {
    const messageId = typeof e.data.messageId === 'string' ? e.data.messageId : null;
    if (!messageId) return e;
    const message = known?.id === messageId && e.type !== 'message.status' ? known : this.#store.messageById(messageId, this.#state!.id);
    return message ? { ...e, message } : e;
  }

  /** Start a flush unless one is running; a running one loops once more to pick up new rows. */
  #kickFlush(): void {
    if (this.#flushing) {
      this.#flushAgain = true;
      return;
    }
    this.#flushing = this.#flushNow().finally(() => {
      this.#flushing = null;
    });
  }

  async #flushNow(): Promise<void> {
    do {
      this.#flushAgain = false;
      const rows = this.#store.outbox(OUTBOX_BATCH);
      if (rows.length === 0 || !this.#state) break;
      const entries = rows.filter((r) => r.kind !== 'deliver').map((r) => ({ kind: r.kind, payload: JSON.parse(r.payload) }) as OutboxEntry);
      const deliveries = rows.filter((r) => r.kind === 'deliver').map((r) => JSON.parse(r.payload) as DeliverJob);
      try {
        // Sends first: a retried flush may hand a job over twice, and the OUTBOUND consumer is idempotent by message id.
        for (let i = 0; i < deliveries.length; i += 50) await this.env.OUTBOUND.sendBatch(deliveries.slice(i, i + 50).map((body) => ({ body, contentType: 'json' as const })));
        const statements = projectionStatements(this.env.DB, this.#state, entries);
        if (statements.length) await this.env.DB.batch(statements);
      } catch (err) {
        // D1 is unavailable or refused the batch: keep the rows and retry by alarm with backoff.
        this.#outboxFailures++;
        const delay = Math.min(OUTBOX_RETRY_MS * 2 ** (this.#outboxFailures - 1), OUTBOX_MAX_RETRY_MS);
        console.warn(`conversation ${this.#state.id}: projection failed (${String(err)}); retry in ${delay} ms`);
        this.#store.setTimer('outbox', Date.now() + delay);
        this.#armAlarm();
        return;
      }
      this.#outboxFailures = 0;
      this.#store.dropOutbox(rows[rows.length - 1].id);
      if (rows.length === OUTBOX_BATCH) this.#flushAgain = true;
    } while (this.#flushAgain);
    if (this.#store.outboxSize() === 0) {
      this.#store.setTimer('outbox', null);
      this.#armAlarm();
    }
  }

  /** Keep the single alarm on the earliest timer in the schedule. */
  #armAlarm(): void {
    const next = this.#store.nextTimer();
    if (next === this.#alarmAt) return;
    this.#alarmAt = next;
    if (next === null) void this.ctx.storage.deleteAlarm();
    else void this.ctx.storage.setAlarm(next);
  }
}

export type ServerEvent = ConversationEvent & { message?: Message };

/** Outbound replies on provider channels start 'queued' and are handed to the OUTBOUND queue; notes and web chat never are. */
function needsDelivery(m: Message): boolean {
  return m.direction === 'outbound' && !m.isInternalNote && m.channel !== 'webchat' && m.status === 'queued';
}

function deliverJob(c: Conversation, m: Message): DeliverJob {
  return {
    kind: 'deliver',
    workspaceId: c.workspaceId,
    conversationId: c.id,
    contactId: c.contactId,
    inboxId: c.inboxId,
    channel: c.channel,
    messageId: m.id,
    clientId: m.externalId,
    text: m.text,
    attachments: m.attachments,
    authorName: m.authorName,
  };
}

export function visitorView(c: Conversation): VisitorConversation {
  return { id: c.id, status: c.status, seq: c.seq };
}

export type { ServerFrame, Viewer };
