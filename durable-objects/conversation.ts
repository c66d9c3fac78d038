// ConversationDO: one per conversation, the single writer of its state and messages. It applies the
// pure transitions from worker/conversations/state.ts, persists them with an outbox row in the same
// SQLite transaction, fans events out to the sockets watching the thread, and projects into D1.
// Its timers (snooze, SLA warning/breach, auto-status, escalation levels, routing retry, outbox retry)
// are rows of one schedule table; the single alarm is always armed at the earliest. The SLA state is
// reconciled inside every commit with the workspace's cached automation config (worker/sla/config.ts).
import { DurableObject } from 'cloudflare:workers';
import { canSeeConversation, type Principal } from '../worker/auth/principal';
import { PRIORITY_RANK, type Actor, type Attachment, type Conversation, type ConversationEvent, type DeliveryStatus, type Message } from '../worker/conversations/model';
import { projectionStatements, type AlertRow, type EscalationRow, type MessageIndexRow, type OutboxEntry } from '../worker/conversations/projection';
import type { ClientFrame, ServerFrame, Viewer, VisitorConversation } from '../worker/conversations/socket-protocol';
import {
  acceptsInbound,
  applyMessage,
  applyPatch,
  createConversation,
  nextDeliveryStatus,
  systemActor,
  TransitionError,
  wake,
  type ConversationPatch,
  type NewConversation,
  type PendingEvent,
  type Transition,
} from '../worker/conversations/state';
import { newId } from '../worker/db/ids';
import type { EventJob } from '../worker/events/consumer';
import { toParleyEvent, type ParleyEvent } from '../worker/events/model';
import { routingTransition, routingTrigger } from '../worker/routing/apply';
import type { RoutingDecision } from '../worker/routing/model';
import type { DeliverJob } from '../worker/ingest/jobs';
import { sentimentAnalyzer } from '../worker/ai/sentiment';
import { ALERT_WINDOW, evaluateConversationAlerts } from '../worker/sla/alerts';
import { autoStatusTransition, nextAutoStatusAt } from '../worker/sla/auto-status';
import { automationConfig, loadContactTags, peekAutomationConfig, type AutomationConfig } from '../worker/sla/config';
import { matchPolicy, reconcileSla, slaCalendar } from '../worker/sla/deadlines';
import { isLocalAction, localActionPatch, notifyPeople, runRemoteAction, type ActionResult } from '../worker/sla/effects';
import { dueEscalationLevels, matchEscalationPath, resolveEscalation, startEscalation } from '../worker/sla/escalation';
import type { AlertAction, EscalationPath, EscalationState, EscalationTrigger } from '../worker/sla/model';
import { ConversationStore } from './conversation-store';
import { SocketRoom, type SocketIdentity } from './socket-room';

const OUTBOX_RETRY_MS = 2_000;
const OUTBOX_MAX_RETRY_MS = 5 * 60_000;
const OUTBOX_BATCH = 200;
/** A routing call that failed its quick attempts is retried by alarm, backing off up to the cap. */
const ROUTE_RETRY_MS = 5_000;
const ROUTE_MAX_RETRY_MS = 5 * 60_000;
/** After this many failed retries (about an hour at the cap) the request is dropped and logged: the conversation stays unassigned in the lists. */
const ROUTE_MAX_FAILURES = 16;
/** How long a message waits for the router before it is stored without a decision (routing then follows by retry). */
const ROUTE_ASK_TIMEOUT_MS = 2_000;
/** When the automation config cannot be loaded at an escalation's due time, look again this much later. */
const CONFIG_RETRY_MS = 5_000;
/** Contact tags read from D1 are reused this long by alert evaluations (every inbound message). */
const TAGS_TTL_MS = 30_000;

const escalationActor: Actor = { type: 'system', id: null, name: 'Escalation' };
const alertActor: Actor = { type: 'system', id: null, name: 'AI alerts' };

type RouteRetry = { trigger: 'created' | 'reopened'; text: string; failures: number };

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
  /** Imported history (the demo seed, migrations): the conversation is dated by this message's createdAt, so SLA clocks count from then. */
  history?: boolean;
  /** The contact's tags as the sender lookup read them: the object then reads none of its own. */
  contactTags?: string[];
  /** Record the contact's channel activity (the messaging windows) with this message's projection. */
  activity?: { inboxId: string };
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
  /** The contact's tags (segment for SLA policies, escalation paths, alert rules), as last read from D1. */
  #contactTags: { contactId: string; tags: string[] } | null;
  /** The conversation (re)opened and the VIP escalation check waits for the contact's tags and the config. */
  #vipPending: boolean;
  /** The automation config being (re)loaded in the background, if it is. */
  #configLoading: Promise<void> | null = null;
  #tagsLoading: Promise<string[]> | null = null;
  #tagsLoadedAt = 0;
  /** Tags learnt from the caller, saved with the next commit. */
  #tagsDirty = false;
  #alerting: Promise<void> = Promise.resolve();
  #appending: Promise<unknown> = Promise.resolve();
  #liveDone: Promise<void> = Promise.resolve();
  #routing: Promise<void> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new ConversationStore(ctx.storage.sql);
    this.#state = this.#store.loadState();
    this.#room = new SocketRoom(ctx);
    this.#contactTags = this.#store.meta('contact_tags');
    this.#vipPending = this.#store.meta<boolean>('vip_pending') ?? false;
  }

  /** Create the conversation (idempotent: a second call returns the existing state). */
  async create(init: NewConversation, actor: Actor | null): Promise<Conversation> {
    if (this.#state) return this.#state;
    this.#commit(createConversation(init, Date.now(), actor));
    return this.#state!;
  }

  /**
   * Deliver a message, creating the conversation first if this object is new. Inbound paths use this:
   * whoever claimed the contact's thread pointer, the first message to arrive creates the conversation
   * (creation, message and routing are one commit).
   */
  async receive(init: NewConversation, input: IncomingMessage, reopenWindowMs: number): Promise<MessageResult> {
    return this.#serially(() => this.#append(input, reopenWindowMs, init));
  }

  state(): Conversation | null {
    return this.#state;
  }

  /**
   * Resolves once the work this object started in the background has finished: appends waiting for the
   * router, routing retries, alert evaluation, the outbox drain, list fan-out and config/tag loads. Tests
   * and benchmarks wait on it instead of sleeping.
   */
  async settled(): Promise<void> {
    for (let round = 0; round < 50; round++) {
      await Promise.all([this.#appending, this.#routing, this.#alerting, this.#flushing, this.#liveDone, this.#tagsLoading, this.#configLoading].map((p) => Promise.resolve(p).catch(() => undefined)));
      // A macrotask: what those settled may have scheduled (an alert after a commit) gets to start.
      await new Promise((r) => setTimeout(r, 0));
      if (!this.#flushing && !this.#liveSending && !this.#tagsLoading && !this.#configLoading && !this.#flushAgain) return;
    }
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
    return this.#serially(() => this.#append(input, reopenWindowMs, null));
  }

  /** Messages are appended one at a time: an append may wait for the router, and the next must see its result. */
  #serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#appending.then(fn, fn);
    this.#appending = run.catch(() => undefined);
    return run;
  }

  async #append(input: IncomingMessage, reopenWindowMs: number, init: NewConversation | null): Promise<MessageResult> {
    if (!this.#state && !init) return { ok: false, reason: 'not_found' };
    if (this.#state && input.viewer && !canSeeConversation(input.viewer, this.#state)) return { ok: false, reason: 'forbidden' };
    if (this.#state && input.externalId) {
      const existing = this.#store.messageByExternalId(input.externalId, this.#state.id);
      if (existing) return { ok: true, message: existing, conversation: this.#state, duplicate: true };
    }
    let draft = this.#draft(input, reopenWindowMs, init);
    if (!draft.ok) return draft;
    if (input.contactTags) this.#knowTags(draft.transition.state.contactId, input.contactTags);

    // A new or reopened conversation asks the router first, so the decision lands in this same commit.
    const trigger = routingTrigger(this.#state, draft.transition.state, draft.message);
    let decision: RoutingDecision | null = null;
    let routeLater = false;
    if (trigger) {
      const base = this.#state;
      try {
        decision = await this.#ask(draft.transition.state, trigger, draft.message.text);
      } catch (err) {
        console.warn(`conversation ${draft.transition.state.id}: routing failed (${String(err)}); retrying after the commit`);
        routeLater = true;
      }
      // Something else was committed while the router answered (an agent's change): build on it.
      if (this.#state !== base) {
        draft = this.#draft(input, reopenWindowMs, init);
        if (!draft.ok) return draft;
      }
    }
    let transition = draft.transition;
    if (decision) {
      const routed = routingTransition(transition.state, decision, Date.now());
      if (typeof routed === 'string') {
        void this.#workspace(transition.state.workspaceId)
          .release(decision.conversationId, this.#state)
          .catch((err) => console.warn(`conversation ${transition.state.id}: release failed (${String(err)})`));
      } else transition = { state: routed.state, events: [...transition.events, ...routed.events] };
    }
    // Arrival time, not the provider's timestamp: the messaging windows count from when we heard from them.
    const activity = input.activity && input.direction === 'inbound' ? { contactId: transition.state.contactId, channel: transition.state.channel, inboxId: input.activity.inboxId, at: Date.now() } : null;
    this.#commit(transition, draft.message, activity ? () => this.#store.enqueue('activity', activity) : undefined);
    if (routeLater && trigger) void this.#route(trigger, draft.message.text);
    return { ok: true, message: draft.message, conversation: this.#state!, duplicate: false };
  }

  /** The message and the transition it makes (on a new conversation: its creation first), or why it is refused. */
  #draft(input: IncomingMessage, reopenWindowMs: number, init: NewConversation | null): { ok: true; message: Message; transition: Transition } | Extract<MessageResult, { ok: false }> {
    const now = Date.now();
    const created = this.#state ? null : createConversation(init!, historyAt(input, now), input.author);
    const state = this.#state ?? created!.state;
    if (input.direction === 'inbound' && !acceptsInbound(state, now, { reopenWindowMs })) return { ok: false, reason: 'closed' };
    const isNote = input.isInternalNote === true;
    if (input.replyLock && !isNote && input.direction === 'outbound') {
      const holder = this.replyLockHolder(input.replyLock.userId);
      if (holder) return { ok: false, reason: 'locked', holder };
    }
    // Web chat delivers over the visitor's socket: a reply with the visitor connected is delivered as it is stored.
    const webchatVisitorHere = !isNote && input.direction === 'outbound' && state.channel === 'webchat' && this.#room.hasVisitor();
    const seq = state.seq + (created?.events.length ?? 0) + 1;
    const message: Message = {
      id: newId('msg'),
      conversationId: state.id,
      seq,
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
    const t = applyMessage(
      state,
      { id: message.id, direction: message.direction, authorType: message.authorType, text: message.text, isInternalNote: isNote, hasAttachments: message.attachments.length > 0 },
      message.seq,
      historyAt(input, now),
      input.author,
    );
    return { ok: true, message, transition: created ? { state: t.state, events: [...created.events, ...t.events] } : t };
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

  // ---- SLAs, escalations, auto-status (worker/sla) ----

  /** The workspace's automation config changed (version bumped): reload it if ours is older, re-match the policy, re-arm the timers. */
  async reapplyAutomation(version: number): Promise<Conversation | null> {
    if (!this.#state) return null;
    await automationConfig(this.env, this.#state.workspaceId, version);
    await this.#refreshContactTags();
    this.#commit({ state: this.#state, events: [] });
    return this.#state;
  }

  /** Start an escalation path by hand (or from an API caller): the explicit path, else the first that matches the trigger. */
  async escalate(input: { trigger: EscalationTrigger; reason: string; pathId?: string | null; actor: Actor | null }): Promise<
    { ok: true; conversation: Conversation } | { ok: false; reason: 'not_found' | 'already_escalated' | 'no_path' }
  > {
    if (!this.#state) return { ok: false, reason: 'not_found' };
    if (isLive(this.#state.escalation)) return { ok: false, reason: 'already_escalated' };
    const config = await automationConfig(this.env, this.#state.workspaceId);
    const tags = this.#tagsOf(this.#state) ?? (await this.#refreshContactTags());
    const state = this.#state;
    if (isLive(state.escalation)) return { ok: false, reason: 'already_escalated' };
    const path = matchEscalationPath(config.paths, input.trigger, { priority: state.priority, channel: state.channel, contactTags: tags }, input.pathId ?? null);
    if (!path) return { ok: false, reason: 'no_path' };
    this.#commit(started(state, path, input.trigger, input.reason, input.actor ?? systemActor, Date.now()));
    return { ok: true, conversation: this.#state };
  }

  /** A supervisor resolves the live escalation (with an optional note); closing the conversation resolves it too. */
  async resolveEscalation(actor: Actor, note: string | null): Promise<{ ok: true; conversation: Conversation } | { ok: false; reason: 'not_found' | 'not_escalated' }> {
    const state = this.#state;
    if (!state) return { ok: false, reason: 'not_found' };
    if (!isLive(state.escalation)) return { ok: false, reason: 'not_escalated' };
    const now = Date.now();
    this.#commit({
      state: { ...state, escalation: resolveEscalation(state.escalation, now), updatedAt: now },
      events: [{ type: 'escalation.resolved', actor, data: { id: state.escalation.id, resolution: 'manual', note } }],
    });
    return { ok: true, conversation: this.#state! };
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
    // that is not due; a pending outbox is always worth another try, and the alarm is always re-armed.
    try {
      if (this.#state) await this.#runTimers(now);
    } finally {
      if (this.#store.outboxSize() > 0) {
        this.#kickFlush();
        await this.#flushing;
      }
      this.#armAlarm();
    }
  }

  async #runTimers(now: number): Promise<void> {
    const state = this.#state!;
    // The config is needed only by the automation timers; a snooze, route or outbox alarm does without it.
    const needsConfig = (['sla', 'auto_status', 'escalation'] as const).some((k) => {
      const at = this.#store.timer(k);
      return at !== null && at <= now;
    });
    const config = needsConfig
      ? await automationConfig(this.env, state.workspaceId).catch((err) => {
          console.warn(`conversation ${state.id}: automation config unavailable (${String(err)})`);
          return peekAutomationConfig(state.workspaceId)?.config ?? null;
        })
      : (peekAutomationConfig(state.workspaceId)?.config ?? null);
    try {
      // The commit reconciles the SLA clocks at `now`: warnings and breaches that are due fire here.
      this.#commit(wake(this.#state!, now));
      // Rules measured from the same instant can be due together (pending, then closed): apply each in turn.
      for (let step = 0; config && step < 3; step++) if (!(await this.#autoStatus(config, now))) break;
      await this.#escalationLevels(config, Date.now());
      const routeAt = this.#store.timer('route');
      if (routeAt !== null && routeAt <= now) await this.#retryRoute();
    } finally {
      // Every timer handled above has moved past `now`; one that has not would re-fire at once, forever.
      // Without the config nothing could be handled: look again shortly instead.
      for (const kind of ['sla', 'auto_status', 'escalation', 'snooze'] as const) {
        const at = this.#store.timer(kind);
        if (at === null || at >= now) continue;
        const retry = !config && kind !== 'snooze';
        if (!retry) console.warn(`conversation ${this.#state?.id}: ${kind} timer ${at} did not move; dropped`);
        this.#store.setTimer(kind, retry ? now + CONFIG_RETRY_MS : null);
      }
    }
  }

  /**
   * Persist a transition (and optionally a new message) atomically, then broadcast and project. The
   * automation that follows from it (SLA clocks, escalation start/resolution) joins the same commit.
   */
  #commit(transition: Transition, message?: Message, extraWrite?: () => void): void {
    const at = Date.now();
    const previous = this.#state;
    const auto = this.#automate(previous, transition, at);
    // Only a commit with nothing else to record needs the (costly) deep comparison.
    const bare = auto.events.length === 0 && !message && !extraWrite;
    if (bare && (auto.state === previous || JSON.stringify(auto.state) === JSON.stringify(previous))) {
      this.#state = auto.state;
      // Nothing to record, but a new config may still move the timers (say, auto-status settings).
      this.#transaction(() => {
        this.#saveTags();
        this.#syncTimers(auto.state, auto.config, auto.vipPending);
      });
      this.#armAlarm();
      this.#kickAutomationLoads(auto.state);
      return;
    }
    const previousAssigneeId = this.#state?.assigneeId ?? null;
    let seq = this.#state?.seq ?? 0;
    const events: ConversationEvent[] = auto.events.map((e: PendingEvent) => ({ seq: ++seq, type: e.type, actor: e.actor, data: e.data, at }));
    const next: Conversation = { ...auto.state, seq };
    const range = { first: events[0]?.seq ?? seq, last: seq };
    this.#transaction(() => {
      if (message) this.#store.insertMessage(message);
      extraWrite?.();
      this.#saveTags();
      for (const e of events) {
        this.#store.appendEvent(e);
        // The event stream: each event with its envelope, sent to EVENTS by the outbox drain after the projection lands.
        this.#store.enqueue('event', toParleyEvent(next, e, range, previous?.tags ?? null, message));
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
      // A delivery receipt changes no column of the D1 row but its sequence number: project only that.
      const receiptOnly = !message && events.length > 0 && events.every((e) => e.type === 'message.status');
      // The sentiment score alone is not part of the D1 row: no projection round trip for it.
      const projected = !receiptOnly && (events.length > 0 || !!message || !!extraWrite || JSON.stringify({ ...previous, sentiment: null }) !== JSON.stringify({ ...next, sentiment: null }));
      if (receiptOnly) this.#store.enqueue('seq', { seq: next.seq, updatedAt: next.updatedAt });
      if (projected) {
        this.#store.enqueue('projection', next);
        if ((previous?.tags ?? []).join('\n') !== next.tags.join('\n')) this.#store.enqueue('tags', { tags: next.tags });
      }
      if (next.escalation && JSON.stringify(next.escalation) !== JSON.stringify(previous?.escalation ?? null)) this.#store.enqueue('escalation', escalationRow(next.escalation, events, at));
      this.#syncTimers(next, auto.config, auto.vipPending);
      if ((projected || receiptOnly) && this.#store.timer('outbox') === null) this.#store.setTimer('outbox', at + OUTBOX_RETRY_MS);
    });
    this.#state = next;
    this.#armAlarm();
    for (const e of events) this.#room.broadcastEvent(this.#hydrate(e, message), next);
    if (events.some((e) => e.type !== 'message.status')) this.#notifyWorkspace(next, events, previousAssigneeId);
    this.#kickFlush();
    // After the acknowledgement, never before it: AI alert rules on a customer message, or on an SLA that turned warning/breached.
    if (message?.direction === 'inbound') this.#scheduleAlerts();
    else if (next.sla && next.sla.status !== 'ok' && next.sla.status !== previous?.sla?.status) this.#scheduleAlerts();
    this.#kickAutomationLoads(next);
  }

  /** Contact tags learnt from a caller are saved inside the commit's transaction. */
  #saveTags(): void {
    if (!this.#tagsDirty) return;
    this.#store.setMeta('contact_tags', this.#contactTags);
    this.#tagsDirty = false;
  }

  /** A storage transaction; if it throws (and rolls back), the store's in-memory schedule is re-read. */
  #transaction(fn: () => void): void {
    try {
      this.ctx.storage.transactionSync(fn);
    } catch (err) {
      this.#store.reloadTimers();
      throw err;
    }
  }

  /** The state's timers in the schedule (inside the commit's transaction). */
  #syncTimers(next: Conversation, config: AutomationConfig | null, vipPending: boolean): void {
    this.#store.setTimer('snooze', next.status === 'snoozed' ? next.snoozeUntil : null);
    this.#store.setTimer('sla', next.sla?.nextWakeAt ?? null);
    this.#store.setTimer('escalation', isLive(next.escalation) ? next.escalation.nextLevelAt : null);
    // Without the config (not loaded, or D1 away) the alarm comes back shortly to load it and set these
    // properly: a commit during a D1 blip never loses its SLA clock or auto-status timer.
    if (config) this.#store.setTimer('auto_status', nextAutoStatusAt(next, config.autoStatus));
    else {
      const retryAt = Date.now() + CONFIG_RETRY_MS;
      this.#store.setTimer('auto_status', Math.min(this.#store.timer('auto_status') ?? retryAt, retryAt));
      if (!next.sla?.nextWakeAt) this.#store.setTimer('sla', retryAt);
    }
    if (vipPending !== this.#vipPending) {
      this.#store.setMeta('vip_pending', vipPending || null);
      this.#vipPending = vipPending;
    }
  }

  /**
   * The automation a transition implies, applied on top of it (pure functions, the cached config):
   * closing resolves the live escalation; the SLA policy is (re)matched and its clocks reconciled at
   * `now`; a breach starts the 'breach' escalation path; a (re)opened conversation of a VIP contact
   * starts the 'vip' path once the contact's tags are known.
   */
  #automate(previous: Conversation | null, t: Transition, now: number): Transition & { config: AutomationConfig | null; vipPending: boolean } {
    let state = t.state;
    const events = [...t.events];
    const opened = events.some((e) => e.type === 'conversation.created' || (e.type === 'conversation.status_changed' && e.data.from === 'closed' && e.data.to === 'open'));
    let vipPending = this.#vipPending || opened;
    if (state.status === 'closed' && previous?.status !== 'closed' && isLive(state.escalation)) {
      state = { ...state, escalation: resolveEscalation(state.escalation, now) };
      events.push({ type: 'escalation.resolved', actor: t.events[0]?.actor ?? systemActor, data: { id: state.escalation!.id, resolution: 'closed', note: null } });
    }
    const config = peekAutomationConfig(state.workspaceId)?.config ?? null;
    if (!config) return { state, events, config, vipPending };
    const tags = this.#tagsOf(state);
    // Unknown tags would match as "no tags": the wrong policy (applied, then re-applied) or a missed path.
    // Wait for them (the load's follow-up commit applies; until then the alarm retries like a missing config).
    if (tags === null && usesContactTags(config)) return { state, events, config: null, vipPending };
    const facts = { priority: state.priority, channel: state.channel, contactTags: tags ?? [] };
    const policy = matchPolicy(config.policies, { ...facts, inboxId: state.inboxId, teamId: state.teamId });
    const calendar = policy ? slaCalendar(policy, config.calendars, state.teamId) : config.calendars.workspace;
    const sla = reconcileSla({ prev: previous, next: state, policy, calendar, now });
    if (JSON.stringify(sla.sla) !== JSON.stringify(state.sla ?? null)) state = { ...state, sla: sla.sla };
    events.push(...sla.events);
    const breach = sla.events.find((e) => e.type === 'sla.breached');
    if (breach && !isLive(state.escalation) && state.status !== 'closed') {
      const path = matchEscalationPath(config.paths, 'breach', facts);
      if (path) ({ state } = pushEvents(events, started(state, path, 'breach', `SLA breached: ${String(breach.data.target)}`, systemActor, now)));
    }
    if (vipPending && tags !== null) {
      vipPending = false;
      const path = !isLive(state.escalation) && state.status !== 'closed' ? matchEscalationPath(config.paths, 'vip', facts) : null;
      if (path) ({ state } = pushEvents(events, started(state, path, 'vip', `VIP contact (${tags.join(', ')})`, systemActor, now)));
    }
    return { state, events, config, vipPending };
  }

  /** Config not cached (or old) and contact tags unknown are loaded in the background, then re-applied by a follow-up commit. */
  #kickAutomationLoads(state: Conversation): void {
    const peek = peekAutomationConfig(state.workspaceId);
    if ((!peek || !peek.fresh) && !this.#configLoading) {
      this.#configLoading = automationConfig(this.env, state.workspaceId)
        .then((config) => {
          // A reload of the same version changes nothing: no commit for it.
          if (this.#state && (!peek || config.version !== peek.config.version)) this.#commit({ state: this.#state, events: [] });
        })
        .catch((err) => console.warn(`conversation ${state.id}: automation config load failed (${String(err)})`))
        .finally(() => {
          this.#configLoading = null;
        });
    }
    if (this.#tagsOf(state) === null) void this.#refreshContactTags().catch((err) => console.warn(`conversation ${state.id}: contact tags load failed (${String(err)})`));
  }

  #tagsOf(state: Conversation): string[] | null {
    return this.#contactTags?.contactId === state.contactId ? this.#contactTags.tags : null;
  }

  /** Read the contact's tags from D1; when they changed, a follow-up commit re-matches policy and paths. */
  #refreshContactTags(): Promise<string[]> {
    this.#tagsLoading ??= (async () => {
      try {
        const { workspaceId, contactId } = this.#state!;
        const tags = await loadContactTags(this.env, workspaceId, contactId);
        this.#tagsLoadedAt = Date.now();
        const before = this.#contactTags;
        const same = before?.contactId === contactId && before.tags.join('\n') === tags.join('\n');
        if (!same) {
          this.#contactTags = { contactId, tags };
          this.#store.setMeta('contact_tags', this.#contactTags);
          if (this.#state) this.#commit({ state: this.#state, events: [] });
        }
        return tags;
      } finally {
        this.#tagsLoading = null;
      }
    })();
    return this.#tagsLoading;
  }

  /** Auto-status at the alarm: pending / closed (sending the closing message first, through the channel) / archived. */
  async #autoStatus(config: AutomationConfig, now: number): Promise<boolean> {
    const state = this.#state!;
    const r = autoStatusTransition(state, config.autoStatus, now);
    if (r.events.length === 0) return false;
    if (r.closingMessage) {
      const sent = await this.addMessage({ externalId: `auto-close:${state.id}:${state.seq}`, direction: 'outbound', author: systemActor, text: r.closingMessage }, 0);
      if (!sent.ok) console.warn(`conversation ${state.id}: closing message refused (${sent.reason})`);
    }
    // The rule was decided on the state before the closing message; carry over only what it changed.
    const current = this.#state!;
    const changes: Partial<Conversation> = {};
    for (const key of Object.keys(r.state) as (keyof Conversation)[]) if (r.state[key] !== state[key]) (changes as Record<string, unknown>)[key] = r.state[key];
    this.#commit({ state: { ...current, ...changes }, events: r.events });
    return true;
  }

  /**
   * Run the escalation levels that are due, one at a time: first a commit that claims the level (its
   * escalation state and the conversation's own changes: priority, tags, flag, unassign), then the
   * actions that reach out (reassign to an agent or team, notify, workflow), then the `escalation.level`
   * event carrying every action's result. A retry after a failure in between never runs a level twice.
   */
  async #escalationLevels(config: AutomationConfig | null, now: number): Promise<void> {
    const esc = this.#state?.escalation;
    if (!isLive(esc) || esc.nextLevelAt === null || esc.nextLevelAt > now) return;
    if (!config) {
      this.#store.setTimer('escalation', now + CONFIG_RETRY_MS);
      return;
    }
    const path = config.paths.find((p) => p.id === esc.pathId);
    if (!path) {
      // The path was deleted meanwhile: the escalation stays open for a person, with no more levels.
      this.#commit({ state: { ...this.#state!, escalation: { ...esc, nextLevelAt: null } }, events: [] });
      return;
    }
    const due = dueEscalationLevels(esc, path, now);
    if (due.levels.length === 0) {
      // The path lost levels since the episode started: save that nothing further is due (else the timer stays in the past).
      if (due.state !== esc) this.#commit({ state: { ...this.#state!, escalation: due.state }, events: [] });
      return;
    }
    let dueAt = esc.nextLevelAt;
    for (const [i, { index, level }] of due.levels.entries()) {
      const current = this.#state!;
      if (current.escalation?.id !== esc.id || current.escalation.resolvedAt !== null) return;
      // Each level's state, with the following level timed from this one's due time (the path's timeline).
      const following = path.levels[index + 1];
      const nextLevelAt = i === due.levels.length - 1 ? due.state.nextLevelAt : following ? dueAt + following.delayMs : null;
      dueAt = nextLevelAt ?? dueAt;
      const escalation: EscalationState = { ...current.escalation, level: index + 1, nextLevelAt };
      const { patch, results: local } = localActionPatch(current, level.actions);
      const t = applyPatch(current, patch, now, escalationActor);
      this.#commit({ state: { ...t.state, escalation }, events: t.events });
      const title = `Escalated: ${level.name}`;
      const body = `${path.name}: ${esc.reason}`;
      const results: ActionResult[] = [];
      for (const [k, action] of level.actions.entries()) {
        results[k] = isLocalAction(action)
          ? local.get(k)!
          : await runRemoteAction(action, { env: this.env, conversation: this.#state!, applyRouting: (d) => this.applyRouting(d), title, body, kind: 'escalation' });
      }
      this.#commit({ state: this.#state!, events: [{ type: 'escalation.level', actor: escalationActor, data: { id: esc.id, level: index + 1, name: level.name, actions: level.actions, results } }] });
    }
  }

  // ---- AI alert rules ----

  /** Alert evaluations run one at a time, after the message was acknowledged (a macrotask: the RPC result goes out first). */
  #scheduleAlerts(): void {
    this.#alerting = this.#alerting.then(() => new Promise((r) => setTimeout(r, 0))).then(() => this.#evaluateAlerts()).catch((err) => console.warn(`conversation ${this.#state?.id}: alert rules failed (${String(err)})`));
  }

  /**
   * Sentiment of the latest customer messages, the workspace's alert rules and auto-prioritization.
   * Each rule fires at most once per customer message; its hit is an `alert.fired` event, projected to
   * ai_alerts, and its actions apply: flag / set_priority (never lowers) / escalate in the same commit,
   * notify after it.
   */
  async #evaluateAlerts(): Promise<void> {
    if (!this.#state) return;
    const config = await automationConfig(this.env, this.#state.workspaceId);
    // Nothing reads the score without a rule or auto-prioritization: no model calls for it.
    if (config.alertRules.length === 0 && !config.autoStatus.autoPriority.enabled) return;
    const known = this.#tagsOf(this.#state!);
    const tags = known !== null && Date.now() - this.#tagsLoadedAt < TAGS_TTL_MS ? known : await this.#refreshContactTags();
    const recent = this.#store.recentCustomerTexts(ALERT_WINDOW);
    if (recent.length === 0) return;
    const before = this.#state;
    const result = await evaluateConversationAlerts(sentimentAnalyzer(this.env), config.alertRules, config.autoStatus.autoPriority, {
      channel: before.channel,
      priority: before.priority,
      contactTags: tags,
      slaStatus: before.sla?.status ?? null,
      recentCustomerTexts: recent.map((r) => r.text),
    });
    const messageSeq = recent[recent.length - 1].seq;
    const now = Date.now();
    const current = this.#state;
    const hits = result.hits.filter((h) => !this.#store.alertFired(h.ruleId, messageSeq));
    const sentiment = result.sentiment.at(-1)?.score ?? current.sentiment ?? null;
    const actions: AlertAction[] = hits.flatMap((h) => h.actions);
    const { patch } = localActionPatch(current, actions.filter(isLocalAction));
    const t = applyPatch({ ...current, sentiment }, patch, now, alertActor);
    const events: PendingEvent[] = hits.map((h) => ({ type: 'alert.fired', actor: alertActor, data: { ruleId: h.ruleId, ruleName: h.ruleName, reasons: h.reasons, actions: h.actions, messageSeq } }));
    events.push(...t.events);
    let state = t.state;
    if (result.priority && PRIORITY_RANK[result.priority.priority] > PRIORITY_RANK[state.priority]) {
      state = { ...state, priority: result.priority.priority, updatedAt: now };
      events.push({ type: 'conversation.updated', actor: alertActor, data: { priority: result.priority.priority, reason: 'auto_priority', reasons: result.priority.reasons } });
    }
    const escalate = actions.find((a): a is Extract<AlertAction, { type: 'escalate' }> => a.type === 'escalate');
    if (escalate && !isLive(state.escalation) && state.status !== 'closed') {
      const path = matchEscalationPath(config.paths, 'alert', { priority: state.priority, channel: state.channel, contactTags: tags }, escalate.pathId ?? null);
      const hit = hits.find((h) => h.actions.includes(escalate))!;
      if (path) ({ state } = pushEvents(events, started(state, path, 'alert', `Alert: ${hit.ruleName}`, alertActor, now)));
    }
    const rows: AlertRow[] = hits.map((h) => ({ id: newId('alr'), ruleId: h.ruleId, ruleName: h.ruleName, reasons: h.reasons, sentiment, messageSeq, createdAt: now }));
    // No hits: no extra write, so a message that fires nothing costs no second projection.
    const write = rows.length
      ? () => {
          for (const r of rows) {
            this.#store.markAlertFired(r.ruleId, r.messageSeq);
            this.#store.enqueue('alert', r);
          }
        }
      : undefined;
    this.#commit({ state, events }, undefined, write);
    for (const h of hits) {
      for (const a of h.actions) {
        if (a.type !== 'notify') continue;
        const r = await notifyPeople(this.env, this.#state!, a.recipients, ['in_app', 'browser'], { kind: 'alert', title: `Alert: ${h.ruleName}`, body: h.reasons.join('; ') });
        if (!r.ok) console.warn(`conversation ${this.#state?.id}: alert ${h.ruleName} notify: ${r.detail}`);
      }
    }
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
    const workspace = this.#workspace(state.workspaceId);
    this.#liveDone = (async () => {
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
  async #route(trigger: 'created' | 'reopened', text: string, failures = 0): Promise<void> {
    const run = this.#routing.then(() => this.#routeNow(trigger, text, failures));
    this.#routing = run.catch(() => undefined);
    return run;
  }

  async #routeNow(trigger: 'created' | 'reopened', text: string, failures: number): Promise<void> {
    // The first try gets three quick attempts; a retry by alarm is one attempt.
    const attempts = failures === 0 ? 3 : 1;
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        if (!this.#state || this.#state.assigneeId !== null || this.#state.status === 'closed') return this.#setRouteRetry(null);
        const decision = await this.#ask(this.#state, trigger, text);
        if (decision) {
          const res = await this.applyRouting(decision);
          if (!res.ok) await this.#workspace(this.#state!.workspaceId).release(decision.conversationId, res.conversation);
        }
        this.#setRouteRetry(null);
        return;
      } catch (err) {
        console.warn(`conversation ${this.#state?.id}: routing failed (${String(err)})`);
        if (attempt < attempts - 1) await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
    }
    // The router is still unreachable: keep the request and retry it by alarm rather than drop it, up to a cap.
    if (failures + 1 >= ROUTE_MAX_FAILURES) {
      console.error(`conversation ${this.#state?.id}: routing gave up after ${failures + 1} failed attempts; left unassigned`);
      return this.#setRouteRetry(null);
    }
    this.#setRouteRetry({ trigger, text, failures: failures + 1 });
  }

  /** The workspace router's decision for this conversation (null: routing is not configured). Bounded in time. */
  async #ask(conversation: Conversation, trigger: 'created' | 'reopened', text: string): Promise<RoutingDecision | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the router did not answer within ${ROUTE_ASK_TIMEOUT_MS} ms`)), ROUTE_ASK_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.#workspace(conversation.workspaceId).route({ conversation, text, trigger }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  #workspace(workspaceId: string) {
    return this.env.WORKSPACES.get(this.env.WORKSPACES.idFromName(workspaceId));
  }

  /** Contact tags handed in by the sender lookup: remembered (and saved when they changed) without a read. */
  #knowTags(contactId: string, tags: string[]): void {
    this.#tagsLoadedAt = Date.now();
    const before = this.#contactTags;
    if (before?.contactId === contactId && before.tags.join('\n') === tags.join('\n')) return;
    this.#contactTags = { contactId, tags };
    this.#tagsDirty = true;
  }

  #setRouteRetry(retry: RouteRetry | null): void {
    if (retry === null && this.#store.timer('route') === null && this.#store.meta('route_retry') === null) return;
    const at = retry ? Date.now() + Math.min(ROUTE_RETRY_MS * 2 ** (retry.failures - 1), ROUTE_MAX_RETRY_MS) : null;
    this.ctx.storage.transactionSync(() => {
      this.#store.setMeta('route_retry', retry);
      this.#store.setTimer('route', at);
    });
    this.#armAlarm();
  }

  /** The routing retry timer: ask again unless someone took the conversation (or it closed) meanwhile. */
  async #retryRoute(): Promise<void> {
    const retry = this.#store.meta<RouteRetry>('route_retry');
    const state = this.#state;
    if (!retry || !state || state.assigneeId !== null || state.status === 'closed') return this.#setRouteRetry(null);
    this.#store.setTimer('route', null);
    await this.#route(retry.trigger, retry.text, retry.failures);
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
      const state = this.#state;
      const stream = entries.flatMap((e) => (e.kind === 'event' ? [asParleyEvent(state, e.payload)] : []));
      try {
        // Sends first: a retried flush may hand a job over twice, and the OUTBOUND consumer is idempotent by message id.
        for (let i = 0; i < deliveries.length; i += 50) await this.env.OUTBOUND.sendBatch(deliveries.slice(i, i + 50).map((body) => ({ body, contentType: 'json' as const })));
        const statements = projectionStatements(this.env.DB, state, entries);
        if (statements.length) await this.env.DB.batch(statements);
        // Events after the projection, so a subscriber that reads D1 finds the row as the event left it.
        for (const chunk of eventChunks(stream)) await this.env.EVENTS.sendBatch(chunk.map((event) => ({ body: { event } satisfies EventJob, contentType: 'json' as const })));
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

/** An outbox event row as the stream carries it (rows written before the stream existed hold bare events). */
function asParleyEvent(state: Conversation, e: ParleyEvent | ConversationEvent): ParleyEvent {
  return 'id' in e ? e : toParleyEvent(state, e, { first: e.seq, last: e.seq }, null);
}

/** Queue batches hold at most 100 messages and 256 KB: chunk the events under both. */
function eventChunks(events: ParleyEvent[]): ParleyEvent[][] {
  const chunks: ParleyEvent[][] = [];
  let current: ParleyEvent[] = [];
  let bytes = 0;
  for (const e of events) {
    const size = JSON.stringify(e).length + 100;
    if (current.length === 100 || (current.length > 0 && bytes + size > 200_000)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

function isLive(e: EscalationState | null | undefined): e is EscalationState {
  return !!e && e.resolvedAt === null;
}

/** The transition that starts an escalation path (its levels run on the 'escalation' timer). */
function started(state: Conversation, path: EscalationPath, trigger: EscalationTrigger, reason: string, actor: Actor, now: number): Transition {
  const escalation = startEscalation(path, trigger, reason, newId('esc'), now);
  return {
    state: { ...state, escalation, updatedAt: now },
    events: [{ type: 'escalation.started', actor, data: { id: escalation.id, pathId: path.id, pathName: path.name, trigger, reason, nextLevelAt: escalation.nextLevelAt } }],
  };
}

/** Append a transition's events to `events` and return it (for `({ state } = pushEvents(events, t))`). */
function pushEvents(events: PendingEvent[], t: Transition): Transition {
  events.push(...t.events);
  return t;
}

/** Whether any enabled SLA policy or escalation path has a contact-tag condition (then unknown tags must not match as none). */
export function usesContactTags(config: Pick<AutomationConfig, 'policies' | 'paths'>): boolean {
  return config.policies.some((p) => p.enabled && p.conditions.contactTags.length > 0) || config.paths.some((p) => p.enabled && p.conditions.contactTags.length > 0);
}

/** The D1 row of an escalation episode; how it ended comes from this commit's `escalation.resolved` event. */
function escalationRow(e: EscalationState, events: ConversationEvent[], at: number): EscalationRow {
  const resolved = events.find((x) => x.type === 'escalation.resolved' && x.data.id === e.id);
  const note = typeof resolved?.data.note === 'string' && resolved.data.note.trim() ? resolved.data.note : null;
  return {
    id: e.id,
    pathId: e.pathId,
    pathName: e.pathName,
    trigger: e.trigger,
    reason: e.reason,
    level: e.level,
    startedAt: e.startedAt,
    resolvedAt: e.resolvedAt,
    resolution: resolved ? String(resolved.data.resolution) : null,
    resolvedBy: resolved?.actor?.id ?? null,
    note: note ? { id: newId('esn'), authorId: resolved!.actor?.id ?? null, authorName: resolved!.actor?.name ?? null, text: note } : null,
    updatedAt: at,
  };
}

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

/** When a message happened to its conversation: its own createdAt for imported history, else now. */
function historyAt(input: IncomingMessage, now: number): number {
  return input.history && input.createdAt !== undefined ? Math.min(input.createdAt, now) : now;
}
