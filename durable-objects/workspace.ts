// WorkspaceDO: one per workspace, named by its id. Two jobs, each a module: the live socket hub
// (live-hub.ts: agent tabs, presence they feed, batched list fan-out, notifications) and the router,
// this file — the single place routing decisions are serialized. The roster (presence from the
// AgentDOs, load, capacity, skills), the assignments that make up each agent's load, the team queues
// and round-robin cursors live in its SQLite (workspace-store.ts); the decisions and the bookkeeping
// are the pure core in worker/routing (decide.ts, assignments.ts, drain.ts), the configuration is read
// from D1 by worker/routing/config.ts. A decision and its reservation happen in one synchronous
// section, so concurrent arrivals never exceed anyone's capacity and never assign one conversation twice.
import { DurableObject } from 'cloudflare:workers';
import type { Revocation } from '../worker/auth/socket-revocation';
import type { Conversation, ConversationEventType, Priority } from '../worker/conversations/model';
import type { CountKey } from '../worker/conversations/view-counts';
import { conversationStub } from '../worker/conversations/service';
import type { NotificationKind } from '../worker/presence/live-protocol';
import { countedToward, LOAD_STATUSES, observe, pendingOutcome, priorAnswer, released } from '../worker/routing/assignments';
import { loadAssignedConversations, loadRoutingContact, loadWorkspaceRouting, type WorkspaceRouting } from '../worker/routing/config';
import { decide, directDecision, type Decided, type DecideInput } from '../worker/routing/decide';
import { anyoneFree, planDrain } from '../worker/routing/drain';
import type { AgentView, Presence, RouteRequest, RoutingDecision, RoutingSample } from '../worker/routing/model';
import type { PresenceSnapshot } from '../worker/routing/presence';
import { needsContact, type RoutingFacts, type RoutingRule, type RuleActions, type RuleMatch } from '../worker/routing/rules';
import { agentStub } from '../worker/routing/stubs';
import { LiveHub } from './live-hub';
import { WorkspaceStore } from './workspace-store';

/** Refresh the routing configuration this often even when nobody says it changed. */
const CONFIG_TTL_MS = 5 * 60_000;
/** A reservation the conversation has not confirmed within this long is checked with the conversation. */
const PENDING_CHECK_MS = 30_000;

export class WorkspaceDO extends DurableObject<Env> {
  #store: WorkspaceStore;
  #hub: LiveHub;
  readonly #workspaceId: string | null;
  #routing: WorkspaceRouting | null = null;
  #loadedAt = 0;
  #loading: Promise<void> | null = null;
  #alarmAt: number | null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new WorkspaceStore(ctx.storage.sql);
    // The workspace is the object's name (idFromName). An alarm that wakes the object cold is not
    // given the name by the runtime, so the name seen on a call is also kept for that case.
    const stored = this.#store.meta('workspace_id');
    this.#workspaceId = ctx.id.name ?? stored;
    if (ctx.id.name && ctx.id.name !== stored) this.#store.setMeta('workspace_id', ctx.id.name);
    const at = this.#store.meta('alarm_at');
    this.#alarmAt = at ? Number(at) : null;
    this.#hub = new LiveHub(ctx, env, {
      prepare: async (who) => {
        await this.#ready();
        if (!this.#store.roster.has(who.userId)) await this.#reload();
        return this.#routing!.presence;
      },
      presence: (snap) => this.#applyPresence(snap),
      online: () => this.online(),
      isOnline: (userId) => this.#store.roster.get(userId)?.status === 'online',
      routes: () => this.#routing?.config.configured === true,
    });
  }

  // ---- live sockets (live-hub.ts) ----

  /** A live socket for one agent tab. */
  async fetch(request: Request): Promise<Response> {
    return this.#hub.open(request);
  }

  async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    return this.#hub.message(ws, raw);
  }

  async webSocketClose(ws: WebSocket): Promise<void> {
    await this.#hub.left(ws);
  }

  async webSocketError(ws: WebSocket): Promise<void> {
    await this.#hub.left(ws);
  }

  /** From the Worker: a session ended, the user was disabled or their role changed. Their tabs close with the code; returns how many. */
  async revokeSockets(r: Revocation): Promise<number> {
    return this.#hub.revoke(r);
  }

  /** A personal notification (escalation, AI alert) to these agents' open tabs (one call for all); their AgentDO feeds keep it for later. Returns the tabs reached. */
  pushNotification(
    userIds: string[],
    n: { kind: NotificationKind; conversationId: string | null; title: string; body: string; at: number },
    channels: Record<string, { sound: boolean; browser: boolean }> = {},
  ): number {
    return this.#hub.notify(userIds, n, channels);
  }

  /** The tabs (connection ids) an agent has open here: AgentDO checks its own list against it. */
  liveConnections(userId: string): string[] {
    return this.#hub.connections(userId);
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
    this.#applyPresence(snap);
  }

  #applyPresence(snap: PresenceSnapshot): void {
    const previous = this.#store.setPresence(snap.userId, snap.status, snap.since, snap.version);
    if (previous === null) return;
    this.#hub.broadcast({ t: 'presence', userId: snap.userId, name: snap.name, status: snap.status });
    if (snap.status === 'offline') this.#scheduleReroutes(snap.userId);
    else this.#store.cancelReroutes({ userId: snap.userId });
    if (snap.status === 'online') this.#drain();
  }

  // ---- conversation changes ----

  /** Called by ConversationDOs after they change: fan the new state out, and keep loads and queues current. */
  async conversationChanged(conversation: Conversation, eventTypes: ConversationEventType[], before: CountKey | null = null): Promise<void> {
    this.#hub.changed(conversation, eventTypes, before);
    const row = this.#store.assignment(conversation.id);
    // "Assigned to you" news (naming the customer, never for one's own action, by preference) comes from
    // the event stream: worker/notifications/subscriber.ts.
    // No await between the read and the write: the row read here is the one the observation replaces.
    if (this.#store.applyObservation(conversation, observe(conversation, eventTypes.includes('conversation.routed'), row), row)) this.#drain();
  }

  /** A manager deleted the conversation: its assignment is freed and every list that showed it drops it (with its count). */
  conversationRemoved(c: Conversation): void {
    if (this.#store.deleteAssignment(c.id)) this.#drain();
    this.#hub.removed(c);
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
      await this.#ready();
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
    await this.#ready();
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
    await this.#ready();
    const d = directDecision(c, this.#store.roster.get(req.by.id) ?? null, { userId: req.by.id, trigger: 'takeover', by: req.by, note: null, teamId: c.teamId, teamName: this.#teamName(c.teamId), now: Date.now(), from: req.from });
    this.#commitDecision(c, { decision: d, target: null, cursor: null, match: null });
    return d;
  }

  /** The conversation refused a decision (it moved on): free the reservation and take its state as the truth. */
  release(conversationId: string, state: Conversation | null): void {
    if (!this.#store.assignment(conversationId)?.pendingSince) return;
    const row = released(conversationId, state);
    const freed = row ? this.#store.putAssignment(row) : this.#store.deleteAssignment(conversationId);
    if (freed) this.#drain();
  }

  /** "Which rule would match and who would get it", without assigning anyone. Draft rules and defaults replace the saved ones. */
  async tryRouting(sample: RoutingSample, draft?: { rules?: RoutingRule[]; defaults?: RuleActions }): Promise<{ match: RuleMatch | null; decision: RoutingDecision }> {
    await this.#ready();
    const config = { ...this.#routing!.config, ...(draft?.rules ? { rules: draft.rules } : {}), ...(draft?.defaults ? { defaults: draft.defaults } : {}) };
    const facts: RoutingFacts = { channel: sample.channel, inboxId: sample.inboxId, text: sample.text, priority: sample.priority, contact: sample.contact, now: sample.at ?? Date.now() };
    const d = decide({ ...this.#input({ conversationId: 'sample', trigger: 'test', facts }), config });
    return { match: d.match, decision: d.decision };
  }

  /** The roster for the agent picker: presence, load, capacity, skills. */
  async agents(): Promise<AgentView[]> {
    await this.#ready();
    return this.#store.agents().map(({ presenceVersion: _v, ...a }) => a);
  }

  /** Conversations waiting for an agent, most urgent first. */
  async waiting(): Promise<{ conversationId: string; teamId: string | null; priorityRank: number; waitingSince: number; reason: string }[]> {
    await this.#ready();
    return this.#store.queue(500).map((q) => ({ conversationId: q.conversationId, teamId: q.target.teamId, priorityRank: q.priorityRank, waitingSince: q.waitingSince, reason: q.decision.reason }));
  }

  /** Rules, team settings or calendars changed (routing routes call this): reload them now. */
  async configChanged(): Promise<void> {
    await this.#reload();
  }

  /** Users or teams changed in D1: reload the roster profiles (capacity, skills, teams) and mirror them to the AgentDOs. */
  async syncRoster(): Promise<void> {
    await this.#reload();
  }

  /** Timers: offline re-routes that are due, and reservations a conversation never confirmed. */
  async alarm(): Promise<void> {
    const now = Math.max(Date.now(), this.#alarmAt ?? 0);
    this.#alarmAt = null;
    this.#store.setMeta('alarm_at', null);
    if (!this.#workspaceId) return;
    await this.#ready();
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

  /** Routing configuration and roster loaded (from D1 the first time; refreshed in the background when old). */
  async #ready(): Promise<void> {
    if (this.#routing) {
      if (Date.now() - this.#loadedAt > CONFIG_TTL_MS) void this.#reload().catch((err) => console.warn(`routing config refresh failed: ${String(err)}`));
      return;
    }
    await this.#reload();
  }

  #reload(): Promise<void> {
    this.#loading ??= (async () => {
      try {
        const workspaceId = this.#workspaceId;
        if (!workspaceId) throw new Error('WorkspaceDO reached without a name: use idFromName(workspaceId)');
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
}
