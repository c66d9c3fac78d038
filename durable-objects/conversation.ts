// ConversationDO: one per conversation, the single writer of its state and messages. A shell: the
// transitions are pure (worker/conversations/state.ts, append.ts), and so are the automation that joins
// every commit (worker/sla/automate.ts) and what a commit records (worker/conversations/commit.ts).
// Each input — a message, a patch, a timer — is one commit: one SQLite transaction holding the state,
// the message, the events and their outbox rows. After it, the thread's sockets get the events, the
// WorkspaceDO the list update (conversation-live.ts), and the outbox drain takes projection, replies
// and the event stream out (conversation-outbox.ts). Its other mechanisms are modules beside it: the
// sockets (conversation-sockets.ts), the router client (conversation-routing.ts), the automation I/O
// (conversation-automation.ts), follow-ups (conversation-follow-ups.ts) and the timers with the one
// alarm (conversation-timers.ts) over the store (conversation-store.ts).
import { DurableObject } from 'cloudflare:workers';
import { canSeeConversation } from '../worker/auth/principal';
import type { Revocation } from '../worker/auth/socket-revocation';
import { closedToo, draftMessage, historyAt } from '../worker/conversations/append';
import type { IncomingMessage, MessageResult, RoutingResult, UpdateResult } from '../worker/conversations/inputs';
import type { Actor, Conversation, DeliveryStatus, Message } from '../worker/conversations/model';
import { idempotencyKey } from '../worker/conversations/idempotency';
import { assembleCommit } from '../worker/conversations/commit';
import { foldReceipts, type ReceiptInput } from '../worker/conversations/delivery-status';
import type { CloseCode, ServerEvent, Viewer } from '../worker/conversations/socket-protocol';
import { applyPatch, createConversation, TransitionError, type ConversationPatch, type NewConversation, type Transition } from '../worker/conversations/state';
import { csatTransition, type CsatInput } from '../worker/csat/record';
import { routingTransition } from '../worker/routing/apply';
import type { RoutingDecision } from '../worker/routing/model';
import { agentStub } from '../worker/routing/stubs';
import type { EscalationTrigger } from '../worker/sla/model';
import type { ScheduledItem, ScheduledKind, ScheduleInput } from '../worker/follow-ups/schedule';
import { ConversationAutomation, type EscalateResult } from './conversation-automation';
import { ConversationFollowUps, type ScheduleResult } from './conversation-follow-ups';
import { LiveNotifier } from './conversation-live';
import { OutboxDrain, OUTBOX_RETRY_MS } from './conversation-outbox';
import { RouterClient } from './conversation-routing';
import { ConversationSockets } from './conversation-sockets';
import { settle } from './settle';
import { ConversationStore } from './conversation-store';
import { TimerSchedule } from './conversation-timers';

export class ConversationDO extends DurableObject<Env> {
  #store: ConversationStore;
  #state: Conversation | null;
  #sockets: ConversationSockets;
  #timers: TimerSchedule;
  #outbox: OutboxDrain;
  #live: LiveNotifier;
  #router: RouterClient;
  #automation: ConversationAutomation;
  #followUps: ConversationFollowUps;
  #appending: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new ConversationStore(ctx.storage.sql);
    this.#state = this.#store.loadState();
    const state = () => this.#state;
    const markRead = (userId: string, seq?: number) => void this.markRead(userId, seq);
    // An agent's socket gone: their AgentDO forgets that this object holds one (revocations stop coming here).
    this.#sockets = new ConversationSockets(ctx, env, { state, addMessage: (input) => this.addMessage(input, Number.MAX_SAFE_INTEGER), markRead }, (who, since) => {
      const id = this.#state?.id;
      if (id) void agentStub(env, who.workspaceId, who.userId).conversationSocketClosed(id, who.credentialId, since).catch(() => undefined);
    });
    const rearm = () => this.#timers.arm();
    const applyRouting = (d: RoutingDecision) => this.applyRouting(d);
    this.#router = new RouterClient({ env, store: this.#store, state, applyRouting, transaction: (fn) => ctx.storage.transactionSync(fn), rearm });
    this.#live = new LiveNotifier((workspaceId) => this.#router.workspace(workspaceId));
    this.#outbox = new OutboxDrain({ store: this.#store, env, state, rearm });
    this.#timers = new TimerSchedule(ctx.storage, this.#store, this.#outbox);
    // Automation and follow-ups change the conversation only through its commit and its append.
    const writers = {
      env,
      store: this.#store,
      state,
      commit: (t: Transition, message?: Message, write?: () => void) => this.#commit(t, message, write),
      addMessage: (input: IncomingMessage, reopenWindowMs: number) => this.addMessage(input, reopenWindowMs),
    };
    this.#automation = new ConversationAutomation({ ...writers, applyRouting });
    this.#followUps = new ConversationFollowUps(writers);
  }

  /** Create the conversation (idempotent: a second call returns the existing state). */
  async create(init: NewConversation, actor: Actor | null): Promise<Conversation> {
    if (!this.#state) this.#commit(createConversation(init, Date.now(), actor));
    return this.#state!;
  }

  /** Deliver an inbound message, creating the conversation if this object is new: creation, message and routing are one commit. */
  async receive(init: NewConversation, input: IncomingMessage, reopenWindowMs: number): Promise<MessageResult> {
    return this.#serially(() => this.#append(input, reopenWindowMs, init));
  }

  /**
   * Start a conversation with its first message (an agent's or a broadcast's): creation and message are
   * one commit; with `closeAs`, closing it too (a broadcast's new conversation must not fill the open
   * queue). On an object that exists already it appends, idempotent on the message's external id.
   */
  async start(init: NewConversation, input: IncomingMessage, closeAs: Actor | null): Promise<MessageResult> {
    return this.#serially(() => this.#append(input, Number.MAX_SAFE_INTEGER, init, closeAs));
  }

  /** Append a message (customer, agent, AI, bot, system); `reopenWindowMs` decides whether an inbound one may reopen a closed conversation. */
  async addMessage(input: IncomingMessage, reopenWindowMs: number): Promise<MessageResult> {
    return this.#serially(() => this.#append(input, reopenWindowMs, null));
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

  /** Resolves once the background work this object started has finished (tests and benchmarks wait on it instead of sleeping). */
  async settled(): Promise<void> {
    const inFlight = () => [this.#appending, this.#router.running, this.#outbox.running, this.#live.sending, ...this.#automation.pending];
    await settle(inFlight, () => this.#outbox.busy || this.#automation.loading);
  }

  /** Apply a change (status, snooze, assignee, team, tags, priority, subject, closing note, summary). */
  async update(patch: ConversationPatch, actor: Actor | null): Promise<UpdateResult | null> {
    if (!this.#state) return null;
    let changed: boolean;
    try {
      const t = applyPatch(this.#state, patch, Date.now(), actor);
      changed = t.events.length > 0;
      this.#commit(t);
    } catch (err) {
      // Invalid changes come back as data: error classes do not survive the RPC boundary.
      if (err instanceof TransitionError) return { ok: false, field: err.field, message: err.message };
      throw err;
    }
    return { ok: true, conversation: this.#state, changed };
  }

  /** The other agent composing a reply in this thread right now (their socket says typing, not a note), if any. */
  replyLockHolder(userId: string): Viewer | null {
    return this.#sockets.room.viewers().find((v) => v.userId !== userId && v.typing && !v.note) ?? null;
  }

  /** Apply a routing decision (the router's, a transfer or a take-over) with its `conversation.routed` event. */
  async applyRouting(decision: RoutingDecision): Promise<RoutingResult> {
    if (!this.#state) return { ok: false, reason: 'not_found', conversation: null };
    const t = routingTransition(this.#state, decision, Date.now());
    if (typeof t === 'string') return { ok: false, reason: t, conversation: this.#state };
    this.#commit(t);
    return { ok: true, conversation: this.#state };
  }

  /** A CSAT response (a survey's or a manager's): onto the state, with its `csat.submitted` event. */
  async recordCsat(input: CsatInput): Promise<Conversation | null> {
    if (!this.#state) return null;
    this.#commit(csatTransition(this.#state, input, Date.now()));
    return this.#state;
  }

  // ---- follow-ups and scheduled messages (worker/follow-ups) ----

  /** Schedule a follow-up or a message to send later (the route checked the caller may see this conversation). */
  async schedule(input: ScheduleInput): Promise<ScheduleResult> {
    return this.#followUps.schedule(input);
  }

  // Not `scheduled`: that name is the runtime's cron handler, never an RPC method.
  scheduledItems(kind: ScheduledKind): ScheduledItem[] {
    return this.#followUps.list().filter((i) => i.kind === kind);
  }

  async cancelScheduled(id: string, kind: ScheduledKind, actor: Actor): Promise<ScheduleResult> {
    return this.#followUps.cancel(id, kind, actor);
  }

  async editScheduled(id: string, patch: { text?: string; sendAt?: number }, actor: Actor): Promise<ScheduleResult> {
    return this.#followUps.edit(id, patch, actor);
  }

  /** Contact merge: this conversation now belongs to another contact. */
  async moveToContact(contactId: string, actor: Actor | null): Promise<Conversation | null> {
    const state = this.#state;
    if (!state || state.contactId === contactId) return state;
    this.#commit({ state: { ...state, contactId, updatedAt: Date.now() }, events: [{ type: 'conversation.updated', actor, data: { contactId, previousContactId: state.contactId } }] });
    return this.#state;
  }

  /** The workspace's automation config changed (version bumped): reload it if ours is older, re-match the policy, re-arm the timers. */
  async reapplyAutomation(version: number): Promise<Conversation | null> {
    await this.#automation.reapply(version);
    return this.#state;
  }

  /** Start an escalation path by hand (or from an API caller): the explicit path, else the first that matches the trigger. */
  async escalate(input: { trigger: EscalationTrigger; reason: string; pathId?: string | null; actor: Actor | null }): Promise<EscalateResult> {
    return this.#automation.escalate(input);
  }

  /** A supervisor resolves the live escalation (with an optional note); closing the conversation resolves it too. */
  async resolveEscalation(actor: Actor, note: string | null) {
    return this.#automation.resolve(actor, note);
  }

  /** One delivery status for an outbound message (the OUTBOUND consumer's sent or failed mark): updateDeliveries with one. */
  updateDelivery(input: ReceiptInput): DeliveryStatus | null {
    return this.updateDeliveries([input])[input.messageId] ?? null;
  }

  /**
   * The receipts one INGEST batch brought for this conversation's messages, in order (matched to our
   * message ids in D1): each that moves a status forward is applied, all of them in one commit (one
   * transaction, one outbox drain, the events in one EVENTS batch); out-of-order receipts never move a
   * status back. Returns every named message's status after them (null: no such message), which the
   * consumer keeps to stop stale receipts before this object.
   */
  updateDeliveries(inputs: ReceiptInput[]): Record<string, DeliveryStatus | null> {
    const state = this.#state;
    const { events, writes, statuses } = foldReceipts(inputs, (id) => (state ? this.#store.messageById(id, state.id) : null));
    if (state && events.length) {
      const now = Date.now();
      this.#commit({ state: { ...state }, events }, undefined, () => writes.forEach((w) => this.#store.setMessageStatus(w.id, w.status, w.reason, now)));
    }
    return statuses;
  }

  messages(opts: { after?: number; before?: number; limit: number; includeNotes: boolean }): Message[] {
    return this.#state ? this.#store.listMessages(this.#state.id, opts) : [];
  }

  /** Events after a sequence number: how a client that missed socket frames catches up. */
  events(after: number, limit: number, includeNotes: boolean): ServerEvent[] {
    if (!this.#state) return [];
    return this.#store.listEvents(after, limit).flatMap((e) => {
      const full = this.#store.withMessage(e, this.#state!.id);
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
    this.#outbox.kick();
    return this.#store.unreadFor(userId);
  }

  /** "Mark as unread" for one agent: their read position moves back before the latest customer message. */
  markUnread(userId: string): { lastReadSeq: number; unread: number } {
    if (!this.#state) return { lastReadSeq: 0, unread: 0 };
    this.ctx.storage.transactionSync(() => {
      const target = this.#store.markUnread(userId);
      // `reset`: the projection sets this position as is (reads otherwise only move forward there).
      if (target !== null) this.#store.enqueue('read', { userId, seq: target, reset: true });
    });
    this.#outbox.kick();
    return this.#store.unreadFor(userId);
  }

  /**
   * Deletes the conversation: every message, event, timer and pending outbox row of this object. The
   * caller removes the D1 rows after this returns (worker/conversations/delete.ts): a projection write
   * already in flight lands first, and none starts after, since the state is gone.
   */
  async destroy(): Promise<Conversation | null> {
    const state = this.#state;
    if (!state) return null;
    this.#state = null;
    await Promise.resolve(this.#outbox.running).catch(() => undefined);
    this.#sockets.room.closeAll(4404, 'Conversation deleted');
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.#store.reset();
    return state;
  }

  // ---- sockets (conversation-sockets.ts) ----

  /** WebSocket upgrade; the Worker has authenticated the caller and passes who it is. */
  async fetch(request: Request): Promise<Response> {
    return this.#sockets.upgrade(request);
  }

  async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    return this.#sockets.message(ws, raw);
  }

  async webSocketClose(ws: WebSocket): Promise<void> {
    this.#sockets.room.leave(ws);
  }

  async webSocketError(ws: WebSocket): Promise<void> {
    this.#sockets.room.leave(ws);
  }

  /** From the Worker: a user's session ended, they were disabled, or their role changed. Returns the sockets closed. */
  revokeSockets(r: Revocation): number {
    return this.#sockets.revoke(r);
  }

  /** From the Worker: the contact was blocked; their widget sockets close and their frames are refused. */
  closeVisitorSockets(contactId: string, code: CloseCode, reason: string): number {
    return this.#sockets.closeVisitors(contactId, code, reason);
  }

  // ---- timers (conversation-timers.ts) ----

  async alarm(): Promise<void> {
    const jobs = this.#state ? { automation: (now: number) => this.#automation.runTimers(now), route: () => this.#router.retryDue(), followUps: (now: number) => this.#followUps.runDue(now) } : null;
    await this.#timers.fire(jobs);
  }

  // ---- the message path ----

  /** Messages are appended one at a time: an append may wait for the router, and the next must see its result. */
  #serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#appending.then(fn, fn);
    this.#appending = run.catch(() => undefined);
    return run;
  }

  async #append(input: IncomingMessage, reopenWindowMs: number, init: NewConversation | null, closeAs: Actor | null = null): Promise<MessageResult> {
    if (this.#state && input.viewer && !canSeeConversation(input.viewer, this.#state)) return { ok: false, reason: 'forbidden' };
    if (this.#state && input.externalId) {
      // Only the same author's earlier message is a repeat: another author's is never echoed back.
      const existing = this.#store.messageByIdempotencyKey(idempotencyKey(input.author, input.externalId), this.#state.id);
      if (existing) return { ok: true, message: existing, conversation: this.#state, duplicate: true };
    }
    let draft = this.#draft(input, reopenWindowMs, init);
    if (!draft.ok) return draft;
    // Whose tags came with the message (the sender's, or as the caller names them: a broadcast's recipient's):
    // kept only when they are this conversation's contact's (an e-mail reply-all from a colleague reaches the
    // thread too; a contact merge can move a thread between a broadcast's read and its append).
    const sender = input.author.type === 'contact' ? input.author.id : null;
    const tagsOf = sender ?? input.contactTagsOf ?? null;
    if (input.contactTags && tagsOf === draft.transition.state.contactId) this.#automation.knowTags(tagsOf, input.contactTags);
    // A new or reopened conversation asks the router first, so the decision lands in this same commit.
    const routed = await this.#router.decide(draft, () => this.#draft(input, reopenWindowMs, init));
    if (!routed.draft.ok) return routed.draft;
    draft = routed.draft;
    let transition = draft.transition;
    if (closeAs && transition.state.status !== 'closed') transition = closedToo(transition, closeAs);
    // Arrival time, not the provider's timestamp: the messaging windows count from when we heard from them.
    const activity = input.activity && input.direction === 'inbound' && sender ? { contactId: sender, channel: transition.state.channel, inboxId: input.activity.inboxId, at: Date.now() } : null;
    // Imported history is dated by its own messages, events included: analytics facts (first response,
    // resolution) then measure the history as it happened, not the moment it was imported.
    this.#commit(transition, draft.message, activity ? () => this.#store.enqueue('activity', activity) : undefined, input.history ? historyAt(input, Date.now()) : undefined);
    if (draft.message.direction === 'inbound') this.#followUps.customerReplied();
    if (routed.later) void this.#router.request(routed.later, draft.message.text);
    return { ok: true, message: draft.message, conversation: this.#state!, duplicate: false };
  }

  #draft(input: IncomingMessage, reopenWindowMs: number, init: NewConversation | null) {
    return draftMessage(input, { state: this.#state, init, reopenWindowMs, now: Date.now(), lockHolder: (u) => this.replyLockHolder(u), visitorHere: this.#sockets.room.hasVisitor() });
  }

  /**
   * Persist a transition (and optionally a new message and a write of the caller's) in one transaction
   * with its events and outbox rows, then broadcast, notify the workspace and drain the outbox. The
   * automation that follows from the transition (SLA clocks, escalation start/resolution) joins it.
   */
  #commit(transition: Transition, message?: Message, extraWrite?: () => void, at = Date.now()): void {
    const previous = this.#state;
    const auto = this.#automation.apply(previous, transition, at);
    const commit = assembleCommit({ previous, state: auto.state, events: auto.events, message, wrote: !!extraWrite, at });
    if (!commit) {
      this.#state = auto.state;
      // Nothing to record, but a new config may still move the timers (say, auto-status settings).
      this.#timers.transaction(() => this.#automation.persist(auto.state, auto.config, auto.vipPending));
      this.#timers.arm();
      this.#automation.committed(previous, auto.state, undefined);
      return;
    }
    const { next, events, stream, rows } = commit;
    this.#timers.transaction(() => {
      if (message) this.#store.insertMessage(message);
      extraWrite?.();
      for (const [i, e] of events.entries()) {
        this.#store.appendEvent(e);
        // The event stream: sent to EVENTS by the drain after the projection lands.
        this.#store.enqueue('event', stream[i]);
      }
      for (const r of rows) this.#store.enqueue(r.kind, r.payload);
      this.#store.saveState(next);
      this.#automation.persist(next, auto.config, auto.vipPending);
      if (rows.length > 0 && this.#store.timer('outbox') === null) this.#store.setTimer('outbox', Date.now() + OUTBOX_RETRY_MS);
    });
    this.#state = next;
    this.#timers.arm();
    // Reassigned out of someone's view: their sockets close before any event of the new state goes out.
    if (previous && (previous.assigneeId !== next.assigneeId || previous.teamId !== next.teamId)) this.#sockets.room.enforceVisibility(next);
    events.forEach((e, i) => this.#sockets.room.broadcastEvent(this.#store.withMessage(e, next.id, message), next, i === events.length - 1));
    if (events.some((e) => e.type !== 'message.status')) this.#live.notify(next, events, previous);
    this.#outbox.kick();
    this.#automation.committed(previous, next, message);
  }

}
