// WorkspaceDO: one per workspace. Holds every agent tab's live socket (GET /api/live) and pushes
// conversation list changes, presence and personal notifications to the agents who may see them.
// It is also the single place routing decisions are serialized: the roster (presence from the
// AgentDOs, load, capacity, skills), the assignments that make up each agent's load, the team queues
// and round-robin cursors live in its SQLite (workspace-store.ts); the decisions are the pure core in
// worker/routing. A decision and its reservation happen in one synchronous section, so concurrent
// arrivals never exceed anyone's capacity and never assign one conversation twice.
import { DurableObject } from 'cloudflare:workers';
import { canSeeConversation } from '../worker/auth/principal';
import { refusedUpgrade, SocketRights } from '../worker/auth/socket-rights';
import { RecentRevocations, revokes, type Revocation } from '../worker/auth/socket-revocation';
import type { Conversation, ConversationEventType, Priority } from '../worker/conversations/model';
import type { LiveIdentity } from '../worker/conversations/socket-protocol';
import { countKey, type CountKey } from '../worker/conversations/view-counts';
import { conversationStub } from '../worker/conversations/service';
import { countedToward, LOAD_STATUSES, observe, pendingOutcome, priorAnswer, released } from '../worker/routing/assignments';
import { loadAssignedConversations, loadRoutingContact, loadWorkspaceRouting, type WorkspaceRouting } from '../worker/routing/config';
import { decide, directDecision, type Decided, type DecideInput } from '../worker/routing/decide';
import { anyoneFree, planDrain } from '../worker/routing/drain';
import type { AgentView, Presence, RouteRequest, RoutingDecision, RoutingSample } from '../worker/routing/model';
import type { PresenceSnapshot } from '../worker/routing/presence';
import type { LiveFrame, NotificationKind } from '../worker/presence/live-protocol';
import { needsContact, type RoutingFacts, type RoutingRule, type RuleActions, type RuleMatch } from '../worker/routing/rules';
import { agentStub } from '../worker/routing/stubs';
import { WorkspaceStore } from './workspace-store';

/** What a live socket carries: who it is, which tab (connection), when it last reported activity. */
interface LiveAttachment extends LiveIdentity {
  connId?: string;
  activeAt?: number;
}

/** Refresh the routing configuration this often even when nobody says it changed. */
const CONFIG_TTL_MS = 5 * 60_000;
/** A reservation the conversation has not confirmed within this long is checked with the conversation. */
const PENDING_CHECK_MS = 30_000;
/** Live list updates wait this long to merge (a new conversation's created, received and routed changes become one frame). */
const FANOUT_BATCH_MS = 25;
/** The longest a new conversation's first list frame waits for its routing decision. */
const ROUTING_HOLD_MS = 1000;
/** Socket sends per slice of a fan-out batch before letting waiting requests run. */
const FANOUT_CHUNK = 400;
/** Activity frames are forwarded to the AgentDO at most this often per tab (unless the agent is away). */
const ACTIVITY_FORWARD_MS = 15_000;

export class WorkspaceDO extends DurableObject<Env> {
  #store: WorkspaceStore;
  #workspaceId: string | null;
  #routing: WorkspaceRouting | null = null;
  #loadedAt = 0;
  #loading: Promise<void> | null = null;
  #alarmAt: number | null;
  #fanout = new Map<string, { conversation: Conversation; created: boolean; routed: boolean; assigned: boolean; previousAssigneeId: string | null; before: CountKey | null; at: number; readyAt: number }>();
  #fanoutRunning = false;
  #fanoutTimer: ReturnType<typeof setTimeout> | null = null;
  #fanoutDue = 0;
  #rights: SocketRights;
  #revocations = new RecentRevocations();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new WorkspaceStore(ctx.storage.sql);
    this.#workspaceId = this.#store.meta('workspace_id');
    const at = this.#store.meta('alarm_at');
    this.#alarmAt = at ? Number(at) : null;
    this.#rights = new SocketRights(env.DB);
  }

  // ---- live sockets ----

  /** A live socket for one agent tab. The AgentDO hears of it first and answers with the presence that follows. */
  async fetch(request: Request): Promise<Response> {
    if (request.headers.get('Upgrade') !== 'websocket') return new Response('Expected a WebSocket upgrade', { status: 426 });
    const who = JSON.parse(request.headers.get('x-parley-identity') ?? 'null') as LiveIdentity | null;
    if (!who) return new Response('Missing identity', { status: 400 });
    // The Worker's principal may be seconds old, and a revocation may arrive during the awaits below: either refuses.
    const mark = this.#revocations.mark();
    const denied = await this.#rights.check({ kind: 'agent', ...who }, { fresh: true });
    if (denied) return refusedUpgrade(denied);
    await this.#ready(who.workspaceId);
    if (!this.#store.roster.has(who.userId)) await this.#reload();
    const connId = crypto.randomUUID();
    const snap = await agentStub(this.env, who.workspaceId, who.userId).tabOpened({ workspaceId: who.workspaceId, userId: who.userId, name: who.name }, connId, this.#routing!.presence);
    this.#applyPresence(snap);
    const revoked = this.#revocations.since(mark, who);
    if (revoked) {
      const closed = await agentStub(this.env, who.workspaceId, who.userId).tabClosed(connId);
      if (closed) this.#applyPresence(closed);
      return refusedUpgrade(revoked.code);
    }
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1], [who.userId]);
    pair[1].serializeAttachment({ ...who, connId } satisfies LiveAttachment);
    send(pair[1], { t: 'hello', users: this.online() });
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    if (typeof raw !== 'string') return;
    if (raw.includes('"ping"')) return send(ws, { t: 'pong' });
    if (!raw.includes('"active"')) return;
    const who = ws.deserializeAttachment() as LiveAttachment;
    // Activity writes presence: only while the credential and the user are still good.
    const denied = await this.#rights.check({ kind: 'agent', ...who });
    if (denied) return void this.#expel(ws, denied, 'No longer allowed');
    if (ws.readyState !== WebSocket.OPEN) return;
    const now = Date.now();
    const away = this.#store.roster.get(who.userId)?.status !== 'online';
    if (!who.connId || (!away && who.activeAt && now - who.activeAt < ACTIVITY_FORWARD_MS)) return;
    ws.serializeAttachment({ ...who, activeAt: now } satisfies LiveAttachment);
    const snap = await agentStub(this.env, who.workspaceId, who.userId).tabActive(who.connId);
    if (snap) this.#applyPresence(snap);
  }

  async webSocketClose(ws: WebSocket): Promise<void> {
    await this.#left(ws);
  }

  async webSocketError(ws: WebSocket): Promise<void> {
    await this.#left(ws);
  }

  async #left(ws: WebSocket): Promise<void> {
    const who = ws.deserializeAttachment() as LiveAttachment;
    try {
      ws.close(1000, 'bye');
    } catch {
      // already closed
    }
    if (!who.connId) return;
    const snap = await agentStub(this.env, who.workspaceId, who.userId).tabClosed(who.connId);
    if (snap) this.#applyPresence(snap);
  }

  /** From the Worker: a session ended, the user was disabled or their role changed. Their tabs close with the code; returns how many. */
  async revokeSockets(r: Revocation): Promise<number> {
    this.#revocations.add(r);
    const hit = this.ctx.getWebSockets(r.userId).filter((ws) => ws.readyState === WebSocket.OPEN && revokes(r, ws.deserializeAttachment() as LiveAttachment));
    await Promise.all(hit.map((ws) => this.#expel(ws, r.code, r.reason)));
    return hit.length;
  }

  /** Close a tab whose rights ended; presence learns the tab is gone now, not when (or if) the close handshake ends. */
  async #expel(ws: WebSocket, code: number, reason: string): Promise<void> {
    const who = ws.deserializeAttachment() as LiveAttachment;
    // Its close handler, if it runs, finds no tab left to close.
    if (who.connId) ws.serializeAttachment({ ...who, connId: undefined } satisfies LiveAttachment);
    try {
      ws.close(code, reason);
    } catch {
      // already closing
    }
    if (!who.connId) return;
    const snap = await agentStub(this.env, who.workspaceId, who.userId).tabClosed(who.connId);
    if (snap) this.#applyPresence(snap);
  }

  /** A personal notification (escalation, AI alert) to these agents' open tabs (one call for all); their AgentDO feeds keep it for later. Returns the tabs reached. */
  pushNotification(
    userIds: string[],
    n: { kind: NotificationKind; conversationId: string | null; title: string; body: string; at: number },
    channels: Record<string, { sound: boolean; browser: boolean }> = {},
  ): number {
    let reached = 0;
    for (const userId of new Set(userIds)) {
      const sockets = this.ctx.getWebSockets(userId).filter((ws) => ws.readyState === WebSocket.OPEN);
      for (const ws of sockets) send(ws, { t: 'notification', ...n, ...channels[userId] });
      reached += sockets.length;
    }
    return reached;
  }

  /** The tabs (connection ids) an agent has open here: AgentDO checks its own list against it. */
  liveConnections(userId: string): string[] {
    return this.ctx
      .getWebSockets(userId)
      .filter((ws) => ws.readyState === WebSocket.OPEN)
      .map((ws) => (ws.deserializeAttachment() as LiveAttachment).connId ?? '');
  }

  /** Who is online or away right now. */
  online(): { userId: string; name: string; status: Presence }[] {
    return this.#store
      .agents()
      .filter((a) => a.status !== 'offline')
      .map((a) => ({ userId: a.userId, name: a.name, status: a.status }));
  }

  /** From an AgentDO: presence changed by its own timers (idle, grace) or the agent's choice. */
  presenceChanged(snap: PresenceSnapshot): void {
    this.#remember(snap.workspaceId);
    this.#applyPresence(snap);
  }

  #applyPresence(snap: PresenceSnapshot): void {
    const previous = this.#store.setPresence(snap.userId, snap.status, snap.since, snap.version);
    if (previous === null) return;
    this.#broadcast({ t: 'presence', userId: snap.userId, name: snap.name, status: snap.status });
    if (snap.status === 'offline') this.#scheduleReroutes(snap.userId);
    else this.#store.cancelReroutes({ userId: snap.userId });
    if (snap.status === 'online') this.#drain();
  }

  // ---- conversation changes ----

  /** Called by ConversationDOs after they change: fan the new state out, and keep loads and queues current. */
  async conversationChanged(conversation: Conversation, eventTypes: ConversationEventType[], previousAssigneeId: string | null, before: CountKey | null = null): Promise<void> {
    this.#queueFanout(conversation, eventTypes, previousAssigneeId, before);
    this.#remember(conversation.workspaceId);
    const row = this.#store.assignment(conversation.id);
    // "Assigned to you" news (naming the customer, never for one's own action, by preference) comes from
    // the event stream: worker/notifications/subscriber.ts.
    if (this.#store.applyObservation(conversation, observe(conversation, eventTypes.includes('conversation.routed'), row))) this.#drain();
  }

  /**
   * Live list updates go out in short batches, after the requests already waiting (routing decisions
   * first): changes to one conversation within a batch merge into one frame per socket, and a large
   * batch yields between chunks so a burst of fan-out never holds a decision back for long. A new,
   * unassigned conversation the router is deciding on waits (briefly) for the decision, so agents get
   * one frame with its assignee rather than an "unassigned" flash followed by a second frame.
   */
  #queueFanout(conversation: Conversation, types: ConversationEventType[], previousAssigneeId: string | null, before: CountKey | null): void {
    const prev = this.#fanout.get(conversation.id);
    const created = (prev?.created ?? false) || types.includes('conversation.created');
    const routed = (prev?.routed ?? false) || types.includes('conversation.routed');
    const hold = created && !routed && conversation.assigneeId === null && this.#routing?.config.configured === true;
    const now = Date.now();
    const entry = {
      conversation,
      created,
      routed,
      assigned: (prev?.assigned ?? false) || types.includes('conversation.assigned'),
      previousAssigneeId: prev ? prev.previousAssigneeId : previousAssigneeId,
      // Counts move from the state before the first merged change to the latest one.
      before: prev ? prev.before : before,
      at: prev?.at ?? now,
      readyAt: hold ? (prev?.readyAt ?? now + ROUTING_HOLD_MS) : now,
    };
    this.#fanout.set(conversation.id, entry);
    if (!this.#fanoutRunning) this.#scheduleFanout(hold ? entry.readyAt - now : FANOUT_BATCH_MS);
  }

  #scheduleFanout(delay: number): void {
    const due = Date.now() + Math.max(0, delay);
    if (this.#fanoutTimer && this.#fanoutDue <= due) return;
    if (this.#fanoutTimer) clearTimeout(this.#fanoutTimer);
    this.#fanoutDue = due;
    this.#fanoutTimer = setTimeout(() => void this.#flushFanout(), Math.max(0, delay));
  }

  async #flushFanout(): Promise<void> {
    this.#fanoutTimer = null;
    this.#fanoutRunning = true;
    try {
      for (;;) {
        const now = Date.now();
        const batch = [...this.#fanout.values()].filter((e) => e.readyAt <= now);
        if (batch.length === 0) break;
        for (const e of batch) this.#fanout.delete(e.conversation.id);
        const sockets = this.ctx
          .getWebSockets()
          .filter((ws) => ws.readyState === WebSocket.OPEN)
          .map((ws) => ({ ws, who: ws.deserializeAttachment() as LiveIdentity }));
        let sent = 0;
        for (const { conversation: c, created, before, at } of batch) {
          const frame = JSON.stringify({ t: 'conversation', conversation: c } satisfies LiveFrame);
          const after = countKey(c);
          // A counts frame has three shapes (both sides, before only, after only): encode each once per
          // change, not once per socket.
          const countsFrames = new Map<string, string>();
          const countsFrame = (b: CountKey | null, a: CountKey | null): string => {
            const key = `${b ? 1 : 0}${a ? 1 : 0}`;
            let f = countsFrames.get(key);
            if (!f) countsFrames.set(key, (f = JSON.stringify({ t: 'counts', id: c.id, before: b, after: a } satisfies LiveFrame)));
            return f;
          };
          for (const { ws, who } of sockets) {
            // Counts first, to everyone who saw it before or sees it now (one that left an agent's view
            // takes its count with it); each side only as far as this agent may see it.
            const sawBefore = before !== null && canSeeConversation(who, { workspaceId: c.workspaceId, assigneeId: before.assigneeId, teamId: before.teamId });
            const seesNow = canSeeConversation(who, c);
            if (sawBefore || seesNow) trySend(ws, countsFrame(sawBefore ? before : null, seesNow ? after : null));
            if (!seesNow) continue;
            trySend(ws, frame);
            if (created && c.assigneeId === null) {
              // New and unassigned is news for everyone who can see it; one already routed is its assignee's alone.
              send(ws, { t: 'notification', kind: 'new_conversation', conversationId: c.id, title: 'New conversation', body: c.lastMessagePreview ?? '', at });
            }
          }
          sent += sockets.length;
          if (sent >= FANOUT_CHUNK) {
            sent = 0;
            await new Promise((r) => setTimeout(r, 0));
          }
        }
      }
    } finally {
      this.#fanoutRunning = false;
      const held = [...this.#fanout.values()].map((e) => e.readyAt);
      if (held.length > 0) this.#scheduleFanout(Math.min(...held) - Date.now());
    }
  }

  // ---- routing ----

  /**
   * Decide who takes a conversation that arrived (or reopened) unassigned, reserving the agent at once.
   * Null: routing is not configured. `unavailable`: the routing config could not be loaded (said as data,
   * not thrown across the RPC boundary; the caller retries).
   */
  async route(req: RouteRequest): Promise<RoutingDecision | null | { unavailable: string }> {
    const c = req.conversation;
    let contact: RoutingFacts['contact'] = null;
    try {
      await this.#ready(c.workspaceId);
      if (this.#routing!.config.configured && needsContact(this.#routing!.config.rules)) contact = await loadRoutingContact(this.env, c.workspaceId, c.contactId);
    } catch (err) {
      return { unavailable: err instanceof Error ? err.message : String(err) };
    }
    if (!this.#routing!.config.configured) return null;
    // From here on no await: choose and reserve in one synchronous section. A retried request gets the same answer.
    const prior = priorAnswer(c, this.#store.assignment(c.id), () => this.#store.queued(c.id));
    if (prior !== undefined) return prior;
    const facts: RoutingFacts = { channel: c.channel, inboxId: c.inboxId, text: req.text, priority: c.priority, contact, now: Date.now() };
    const d = decide(this.#input({ conversationId: c.id, trigger: req.trigger, facts }));
    this.#commitDecision(c, d);
    return d.decision;
  }

  /** Transfer to an agent (direct) or a team (routed by the team's mode, or queued), with a note. */
  async transfer(req: { conversation: Conversation; toUserId?: string; toTeamId?: string | null; note: string | null; by: { id: string; name: string } }): Promise<RoutingDecision> {
    const c = req.conversation;
    await this.#ready(c.workspaceId);
    const now = Date.now();
    if (req.toUserId) {
      const teamId = req.toTeamId === undefined ? c.teamId : req.toTeamId;
      const d = directDecision(c, this.#store.roster.get(req.toUserId) ?? null, { userId: req.toUserId, trigger: 'transfer', by: req.by, note: req.note, teamId, teamName: this.#teamName(teamId), now });
      this.#commitDecision(c, { decision: d, target: null, cursor: null, match: null });
      return d;
    }
    const d = decide(
      this.#input({
        conversationId: c.id,
        trigger: 'transfer',
        facts: { channel: c.channel, inboxId: c.inboxId, text: '', priority: c.priority, contact: null, now },
        forceTeam: { teamId: req.toTeamId ?? null },
        exclude: c.assigneeId ? new Set([c.assigneeId]) : undefined,
        expectAssigneeId: c.assigneeId,
        by: req.by,
        note: req.note,
      }),
    );
    this.#commitDecision(c, d);
    return d.decision;
  }

  /** An agent takes the conversation over (from a bot, the AI, or a colleague). */
  async takeover(req: { conversation: Conversation; by: { id: string; name: string }; from: string | null }): Promise<RoutingDecision> {
    const c = req.conversation;
    await this.#ready(c.workspaceId);
    const d = directDecision(c, this.#store.roster.get(req.by.id) ?? null, { userId: req.by.id, trigger: 'takeover', by: req.by, note: null, teamId: c.teamId, teamName: this.#teamName(c.teamId), now: Date.now(), from: req.from });
    this.#commitDecision(c, { decision: d, target: null, cursor: null, match: null });
    return d;
  }

  /** A manager deleted the conversation: its assignment is freed and every list that showed it drops it (with its count). */
  conversationRemoved(c: Conversation): void {
    this.#fanout.delete(c.id);
    if (this.#store.deleteAssignment(c.id)) this.#drain();
    const removed = JSON.stringify({ t: 'removed', id: c.id } satisfies LiveFrame);
    const counts = JSON.stringify({ t: 'counts', id: c.id, before: countKey(c), after: null } satisfies LiveFrame);
    for (const ws of this.ctx.getWebSockets()) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (!canSeeConversation(ws.deserializeAttachment() as LiveIdentity, c)) continue;
      trySend(ws, counts);
      trySend(ws, removed);
    }
  }

  /** The conversation refused a decision (it moved on): free the reservation and take its state as the truth. */
  release(conversationId: string, state: Conversation | null): void {
    if (!this.#store.assignment(conversationId)?.pendingSince) return;
    const row = released(conversationId, state);
    const freed = row ? this.#store.putAssignment(row) : this.#store.deleteAssignment(conversationId);
    if (freed) this.#drain();
  }

  /** "Which rule would match and who would get it", without assigning anyone. Draft rules and defaults replace the saved ones. */
  async tryRouting(workspaceId: string, sample: RoutingSample, draft?: { rules?: RoutingRule[]; defaults?: RuleActions }): Promise<{ match: RuleMatch | null; decision: RoutingDecision }> {
    await this.#ready(workspaceId);
    const config = { ...this.#routing!.config, ...(draft?.rules ? { rules: draft.rules } : {}), ...(draft?.defaults ? { defaults: draft.defaults } : {}) };
    const facts: RoutingFacts = { channel: sample.channel, inboxId: sample.inboxId, text: sample.text, priority: sample.priority, contact: sample.contact, now: sample.at ?? Date.now() };
    const d = decide({ ...this.#input({ conversationId: 'sample', trigger: 'test', facts }), config });
    return { match: d.match, decision: d.decision };
  }

  /** The roster for the agent picker: presence, load, capacity, skills. */
  async agents(workspaceId: string): Promise<AgentView[]> {
    await this.#ready(workspaceId);
    return this.#store.agents().map(({ presenceVersion: _v, ...a }) => a);
  }

  /** Conversations waiting for an agent, most urgent first. */
  async waiting(workspaceId: string): Promise<{ conversationId: string; teamId: string | null; priorityRank: number; waitingSince: number; reason: string }[]> {
    await this.#ready(workspaceId);
    return this.#store.queue(500).map((q) => ({ conversationId: q.conversationId, teamId: q.target.teamId, priorityRank: q.priorityRank, waitingSince: q.waitingSince, reason: q.decision.reason }));
  }

  /** Rules, team settings or calendars changed (routing routes call this): reload them now. */
  async configChanged(workspaceId: string): Promise<void> {
    this.#remember(workspaceId);
    await this.#reload();
  }

  /** Users or teams changed in D1: reload the roster profiles (capacity, skills, teams) and mirror them to the AgentDOs. */
  async syncRoster(workspaceId: string): Promise<void> {
    this.#remember(workspaceId);
    await this.#reload();
  }

  /** Timers: offline re-routes that are due, and reservations a conversation never confirmed. */
  async alarm(): Promise<void> {
    const now = Math.max(Date.now(), this.#alarmAt ?? 0);
    this.#alarmAt = null;
    this.#store.setMeta('alarm_at', null);
    if (!this.#workspaceId) return;
    await this.#ready(this.#workspaceId);
    for (const r of this.#store.dueReroutes(now)) this.#reroute(r.conversationId, r.userId, now);
    const stale = this.#store.pendingBefore(now - PENDING_CHECK_MS);
    await Promise.all(
      stale.map(async (row) => {
        const state = await conversationStub(this.env, this.#workspaceId!, row.conversationId).state();
        const fresh = this.#store.assignment(row.conversationId);
        if (!fresh?.pendingSince) return;
        const outcome = pendingOutcome(fresh, state);
        if (outcome.kind === 'confirm') this.#store.putAssignment(outcome.row);
        else this.release(row.conversationId, state);
      }),
    );
    this.#armAlarm(true);
  }

  // ---- internals ----

  #input(partial: Omit<DecideInput, 'config' | 'roster' | 'cursor'>): DecideInput {
    return { ...partial, config: this.#routing!.config, roster: this.#store.agents(), cursor: (key) => this.#store.cursor(key) };
  }

  /** Persist a decision's effects on the roster and queues (synchronous: the reservation is the decision). */
  #commitDecision(c: Pick<Conversation, 'id' | 'teamId' | 'status' | 'priority' | 'seq' | 'waitingSince' | 'createdAt'>, d: Decided): void {
    const now = d.decision.at;
    if (d.cursor) this.#store.setCursor(d.cursor[0], d.cursor[1]);
    if (d.decision.outcome === 'assigned') {
      this.#store.dequeue(c.id);
      this.#store.reserve(c, d.decision, now);
      // The unconfirmed-reservation check: an alarm already due by then covers it (it re-arms when it fires).
      if (this.#alarmAt === null || this.#alarmAt > Date.now() + PENDING_CHECK_MS) this.#armAlarm();
    } else if (d.decision.outcome === 'queued' && d.target) {
      this.#store.enqueue(c, d.target, d.decision, now);
    }
  }

  /** Assign waiting conversations, most urgent and longest waiting first, while anyone can take one (worker/routing/drain.ts). */
  #drain(): void {
    if (!this.#routing || !this.#workspaceId) return;
    const roster = this.#store.agents();
    if (!anyoneFree(roster) || this.#store.queueSize() === 0) return;
    const now = Date.now();
    const picks = planDrain({ queue: this.#store.queue(), roster, cursor: (key) => this.#store.cursor(key), countedToward: (id) => countedToward(this.#store.assignment(id)), now });
    for (const p of picks) {
      if (p.cursor) this.#store.setCursor(p.cursor[0], p.cursor[1]);
      this.#store.dequeue(p.conversation.id);
      this.#store.reserve(p.conversation, p.decision, now);
    }
    if (picks.length > 0 && (this.#alarmAt === null || this.#alarmAt > now + PENDING_CHECK_MS)) this.#armAlarm();
    for (const p of picks) void this.#apply(p.decision);
  }

  /** Re-route one conversation whose assignee is (still) offline, per the team's setting. */
  #reroute(conversationId: string, userId: string, now: number): void {
    this.#store.cancelReroutes({ conversationId });
    const row = this.#store.assignment(conversationId);
    const agent = this.#store.roster.get(userId);
    if (!row || row.userId !== userId || !LOAD_STATUSES.has(row.status) || agent?.status !== 'offline') return;
    const conv = { id: conversationId, teamId: row.teamId, status: row.status as Conversation['status'], priority: row.priority as Priority, seq: row.seq, waitingSince: now, createdAt: now };
    const d = decide(
      this.#input({
        conversationId,
        trigger: 'offline',
        facts: { channel: '', inboxId: '', text: '', priority: conv.priority, contact: null, now },
        forceTeam: { teamId: row.teamId },
        exclude: new Set([userId]),
        expectAssigneeId: userId,
      }),
    );
    // Nobody can take it now: it leaves the offline agent and waits in the team queue.
    if (d.decision.outcome !== 'assigned') this.#store.deleteAssignment(conversationId);
    this.#commitDecision(conv, d);
    void this.#apply(d.decision);
  }

  #scheduleReroutes(userId: string): void {
    const now = Date.now();
    for (const row of this.#store.assignmentsOf(userId)) {
      const delay = row.teamId ? this.#routing?.config.teams.get(row.teamId)?.routing.offlineRerouteMs : null;
      if (delay === null || delay === undefined) continue;
      this.#store.scheduleReroute(row.conversationId, userId, now + delay);
    }
    this.#armAlarm();
  }

  /** Hand a decision the WorkspaceDO made itself (queue, re-route) to the conversation. */
  async #apply(d: RoutingDecision): Promise<void> {
    try {
      const res = await conversationStub(this.env, this.#workspaceId!, d.conversationId).applyRouting(d);
      if (!res.ok) this.release(d.conversationId, res.conversation);
    } catch (err) {
      // The reservation stays pending; the alarm checks it with the conversation later.
      console.warn(`routing ${d.conversationId}: applying the decision failed: ${String(err)}`);
    }
  }

  /** Keep the single alarm on the earliest of: a due re-route, the oldest unconfirmed reservation's check. */
  #armAlarm(force = false): void {
    const pending = this.#store.oldestPending();
    const times = [this.#store.nextReroute(), pending === null ? null : pending + PENDING_CHECK_MS].filter((x): x is number => x !== null);
    const next = times.length ? Math.min(...times) : null;
    if (!force && next !== null && this.#alarmAt !== null && this.#alarmAt <= next) return;
    if (next === this.#alarmAt) return;
    this.#alarmAt = next;
    this.#store.setMeta('alarm_at', next === null ? null : String(next));
    if (next === null) void this.ctx.storage.deleteAlarm();
    else void this.ctx.storage.setAlarm(next);
  }

  #teamName(teamId: string | null): string | null {
    return teamId ? (this.#routing!.config.teams.get(teamId)?.name ?? null) : null;
  }

  #remember(workspaceId: string): void {
    if (this.#workspaceId === workspaceId) return;
    this.#workspaceId = workspaceId;
    this.#store.setMeta('workspace_id', workspaceId);
  }

  /** Routing configuration and roster loaded (from D1 the first time; refreshed in the background when old). */
  async #ready(workspaceId: string): Promise<void> {
    this.#remember(workspaceId);
    if (this.#routing) {
      if (Date.now() - this.#loadedAt > CONFIG_TTL_MS) void this.#reload().catch((err) => console.warn(`routing config refresh failed: ${String(err)}`));
      return;
    }
    await this.#reload();
  }

  #reload(): Promise<void> {
    this.#loading ??= (async () => {
      try {
        const workspaceId = this.#workspaceId!;
        const firstLoad = this.#store.meta('bootstrapped') === null;
        const [routing, assigned] = await Promise.all([loadWorkspaceRouting(this.env, workspaceId), firstLoad ? loadAssignedConversations(this.env, workspaceId) : Promise.resolve([])]);
        this.#routing = routing;
        this.#loadedAt = Date.now();
        const changed = new Set(this.#store.syncProfiles(routing.profiles));
        if (firstLoad) {
          // A workspace that had conversations before routing existed: their assignees' loads come from the D1 index.
          for (const r of assigned) if (!this.#store.assignment(r.conversationId)) this.#store.putAssignment(r);
          this.#store.setMeta('bootstrapped', String(Date.now()));
        }
        for (const p of routing.profiles) {
          if (!changed.has(p.userId)) continue;
          void agentStub(this.env, workspaceId, p.userId)
            .profile({ workspaceId, userId: p.userId, name: p.name }, { capacity: p.capacity, skills: p.skills, languages: p.languages })
            .catch(() => {});
        }
        if (changed.size > 0) this.#drain();
      } finally {
        this.#loading = null;
      }
    })();
    return this.#loading;
  }

  #broadcast(frame: LiveFrame, except?: WebSocket): void {
    const data = JSON.stringify(frame);
    for (const ws of this.ctx.getWebSockets()) if (ws !== except) trySend(ws, data);
  }
}

function send(ws: WebSocket, frame: LiveFrame): void {
  trySend(ws, JSON.stringify(frame));
}

function trySend(ws: WebSocket, data: string): void {
  try {
    ws.send(data);
  } catch {
    // closed; its close handler tidies up
  }
}
