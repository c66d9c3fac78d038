// The ConversationDO's automation: the I/O around the pure rules in worker/sla (automate.ts,
// auto-status.ts, escalation.ts, alerts.ts). It keeps what those rules need at hand — the workspace's
// cached config, the contact's tags (handed in by the sender lookup, else read once) — runs the
// automation timers when the alarm fires (SLA clocks, auto-status, escalation levels), evaluates AI
// alert rules after a customer message is acknowledged, and starts or resolves escalations by hand.
// It never writes storage outside the object's commit: every change goes through `deps.commit`.
import type { IncomingMessage, MessageResult, RoutingResult } from '../worker/conversations/inputs';
import type { Actor, Conversation, Message } from '../worker/conversations/model';
import type { AlertRow } from '../worker/conversations/projection';
import { systemActor, wake, type Transition } from '../worker/conversations/state';
import { newId } from '../worker/db/ids';
import { sentimentAnalyzer } from '../worker/ai/sentiment';
import type { RoutingDecision } from '../worker/routing/model';
import { ALERT_WINDOW, evaluateConversationAlerts } from '../worker/sla/alerts';
import { alertOutcome, automate, carryOver, claimLevel, escalationActor, isLive, started } from '../worker/sla/automate';
import { autoStatusTransition, nextAutoStatusAt } from '../worker/sla/auto-status';
import { automationConfig, loadContactTags, peekAutomationConfig, type AutomationConfig } from '../worker/sla/config';
import { isLocalAction, notifyPeople, runRemoteAction, type ActionResult } from '../worker/sla/effects';
import { dueEscalationLevels, matchEscalationPath, resolveEscalation } from '../worker/sla/escalation';
import type { EscalationState, EscalationTrigger } from '../worker/sla/model';
import type { ConversationStore } from './conversation-store';

/** When the automation config cannot be loaded at a timer's due time, look again this much later. */
const CONFIG_RETRY_MS = 5_000;
/** Contact tags read from D1 are reused this long by alert evaluations (every inbound message). */
const TAGS_TTL_MS = 30_000;

export interface AutomationDeps {
  env: Env;
  store: ConversationStore;
  state: () => Conversation | null;
  commit: (t: Transition, message?: Message, extraWrite?: () => void) => void;
  addMessage: (input: IncomingMessage, reopenWindowMs: number) => Promise<MessageResult>;
  applyRouting: (d: RoutingDecision) => Promise<RoutingResult>;
}

export type EscalateResult = { ok: true; conversation: Conversation } | { ok: false; reason: 'not_found' | 'already_escalated' | 'no_path' };

export class ConversationAutomation {
  /** The contact's tags (segment for SLA policies, escalation paths, alert rules), as last known. */
  #contactTags: { contactId: string; tags: string[] } | null;
  #tagsLoadedAt = 0;
  /** Tags learnt from a caller, saved with the next commit. */
  #tagsDirty = false;
  #tagsLoading: Promise<string[]> | null = null;
  #configLoading: Promise<void> | null = null;
  /** The conversation (re)opened and the VIP escalation check waits for the contact's tags and the config. */
  #vipPending: boolean;
  #alerting: Promise<void> = Promise.resolve();

  constructor(private readonly deps: AutomationDeps) {
    this.#contactTags = deps.store.meta('contact_tags');
    this.#vipPending = deps.store.meta<boolean>('vip_pending') ?? false;
  }

  /** Background work in flight (settled() waits on these). */
  get pending(): Promise<unknown>[] {
    const all: (Promise<unknown> | null)[] = [this.#alerting, this.#tagsLoading, this.#configLoading];
    return all.filter((p): p is Promise<unknown> => p !== null);
  }

  get loading(): boolean {
    return this.#tagsLoading !== null || this.#configLoading !== null;
  }

  /** The automation a transition implies, with the cached config and the known tags (pure: worker/sla/automate.ts). */
  apply(previous: Conversation | null, t: Transition, now: number) {
    const config = peekAutomationConfig(t.state.workspaceId)?.config ?? null;
    return automate(previous, t, now, { config, tags: this.tagsOf(t.state), vipPending: this.#vipPending });
  }

  /** Inside the commit's transaction: the state's timers in the schedule, learnt tags and the VIP flag saved. */
  persist(next: Conversation, config: AutomationConfig | null, vipPending: boolean): void {
    const { store } = this.deps;
    if (this.#tagsDirty) {
      store.setMeta('contact_tags', this.#contactTags);
      this.#tagsDirty = false;
    }
    store.setTimer('snooze', next.status === 'snoozed' ? next.snoozeUntil : null);
    store.setTimer('sla', next.sla?.nextWakeAt ?? null);
    store.setTimer('escalation', isLive(next.escalation) ? next.escalation.nextLevelAt : null);
    // Without the config (not loaded, or D1 away) the alarm comes back shortly to load it and set these
    // properly: a commit during a D1 blip never loses its SLA clock or auto-status timer.
    if (config) store.setTimer('auto_status', nextAutoStatusAt(next, config.autoStatus));
    else {
      const retryAt = Date.now() + CONFIG_RETRY_MS;
      store.setTimer('auto_status', Math.min(store.timer('auto_status') ?? retryAt, retryAt));
      if (!next.sla?.nextWakeAt) store.setTimer('sla', retryAt);
    }
    if (vipPending !== this.#vipPending) {
      store.setMeta('vip_pending', vipPending || null);
      this.#vipPending = vipPending;
    }
  }

  /** After a commit: a customer message, or an SLA that turned warning/breached, gets the alert rules (after the ack). */
  committed(previous: Conversation | null, next: Conversation, message: Message | undefined): void {
    if (message?.direction === 'inbound') this.#scheduleAlerts();
    else if (next.sla && next.sla.status !== 'ok' && next.sla.status !== previous?.sla?.status) this.#scheduleAlerts();
    this.#kickLoads(next);
  }

  // ---- what the rules need: config and contact tags ----

  tagsOf(state: Conversation): string[] | null {
    return this.#contactTags?.contactId === state.contactId ? this.#contactTags.tags : null;
  }

  /** Contact tags handed in by the sender lookup: remembered (saved with the next commit when they changed) without a read. */
  knowTags(contactId: string, tags: string[]): void {
    this.#tagsLoadedAt = Date.now();
    const before = this.#contactTags;
    if (before?.contactId === contactId && before.tags.join('\n') === tags.join('\n')) return;
    this.#contactTags = { contactId, tags };
    this.#tagsDirty = true;
  }

  /** The workspace's config changed (version bumped): reload it if ours is older, re-read the tags, re-apply. */
  async reapply(version: number): Promise<void> {
    const state = this.deps.state();
    if (!state) return;
    await automationConfig(this.deps.env, state.workspaceId, version);
    await this.#refreshTags();
    this.deps.commit({ state: this.deps.state()!, events: [] });
  }

  /** Config not cached (or old) and contact tags unknown are loaded in the background, then re-applied by a follow-up commit. */
  #kickLoads(state: Conversation): void {
    const peek = peekAutomationConfig(state.workspaceId);
    if ((!peek || !peek.fresh) && !this.#configLoading) {
      this.#configLoading = automationConfig(this.deps.env, state.workspaceId)
        .then((config) => {
          // A reload of the same version changes nothing: no commit for it.
          const current = this.deps.state();
          if (current && (!peek || config.version !== peek.config.version)) this.deps.commit({ state: current, events: [] });
        })
        .catch((err) => console.warn(`conversation ${state.id}: automation config load failed (${String(err)})`))
        .finally(() => {
          this.#configLoading = null;
        });
    }
    if (this.tagsOf(state) === null) void this.#refreshTags().catch((err) => console.warn(`conversation ${state.id}: contact tags load failed (${String(err)})`));
  }

  /** Read the contact's tags from D1; when they changed, a follow-up commit re-matches policy and paths. */
  #refreshTags(): Promise<string[]> {
    this.#tagsLoading ??= (async () => {
      try {
        const { workspaceId, contactId } = this.deps.state()!;
        const tags = await loadContactTags(this.deps.env, workspaceId, contactId);
        this.#tagsLoadedAt = Date.now();
        const before = this.#contactTags;
        if (before?.contactId !== contactId || before.tags.join('\n') !== tags.join('\n')) {
          this.#contactTags = { contactId, tags };
          this.deps.store.setMeta('contact_tags', this.#contactTags);
          const current = this.deps.state();
          if (current) this.deps.commit({ state: current, events: [] });
        }
        return tags;
      } finally {
        this.#tagsLoading = null;
      }
    })();
    return this.#tagsLoading;
  }

  // ---- escalations by hand ----

  /** Start an escalation path: the explicit path, else the first that matches the trigger. */
  async escalate(input: { trigger: EscalationTrigger; reason: string; pathId?: string | null; actor: Actor | null }): Promise<EscalateResult> {
    const first = this.deps.state();
    if (!first) return { ok: false, reason: 'not_found' };
    if (isLive(first.escalation)) return { ok: false, reason: 'already_escalated' };
    const config = await automationConfig(this.deps.env, first.workspaceId);
    const tags = this.tagsOf(first) ?? (await this.#refreshTags());
    const state = this.deps.state()!;
    if (isLive(state.escalation)) return { ok: false, reason: 'already_escalated' };
    const path = matchEscalationPath(config.paths, input.trigger, { priority: state.priority, channel: state.channel, contactTags: tags }, input.pathId ?? null);
    if (!path) return { ok: false, reason: 'no_path' };
    this.deps.commit(started(state, path, input.trigger, input.reason, input.actor ?? systemActor, Date.now()));
    return { ok: true, conversation: this.deps.state()! };
  }

  /** A supervisor resolves the live escalation (with an optional note); closing the conversation resolves it too. */
  resolve(actor: Actor, note: string | null): { ok: true; conversation: Conversation } | { ok: false; reason: 'not_found' | 'not_escalated' } {
    const state = this.deps.state();
    if (!state) return { ok: false, reason: 'not_found' };
    if (!isLive(state.escalation)) return { ok: false, reason: 'not_escalated' };
    const now = Date.now();
    this.deps.commit({
      state: { ...state, escalation: resolveEscalation(state.escalation, now), updatedAt: now },
      events: [{ type: 'escalation.resolved', actor, data: { id: state.escalation.id, resolution: 'manual', note } }],
    });
    return { ok: true, conversation: this.deps.state()! };
  }

  // ---- the alarm ----

  /** The automation timers that are due: SLA clocks (by the wake commit), auto-status rules, escalation levels. */
  async runTimers(now: number): Promise<void> {
    const { store, env } = this.deps;
    const state = this.deps.state()!;
    // The config is needed only by the automation timers; a snooze, route or outbox alarm does without it.
    const needsConfig = (['sla', 'auto_status', 'escalation'] as const).some((k) => {
      const at = store.timer(k);
      return at !== null && at <= now;
    });
    const config = needsConfig
      ? await automationConfig(env, state.workspaceId).catch((err) => {
          console.warn(`conversation ${state.id}: automation config unavailable (${String(err)})`);
          return peekAutomationConfig(state.workspaceId)?.config ?? null;
        })
      : (peekAutomationConfig(state.workspaceId)?.config ?? null);
    try {
      // The commit reconciles the SLA clocks at `now`: warnings and breaches that are due fire here.
      this.deps.commit(wake(this.deps.state()!, now));
      // Rules measured from the same instant can be due together (pending, then closed): apply each in turn.
      for (let step = 0; config && step < 3; step++) if (!(await this.#autoStatus(config, now))) break;
      await this.#escalationLevels(config, Date.now());
    } finally {
      // Every timer handled above has moved past `now`; one that has not would re-fire at once, forever.
      // Without the config nothing could be handled: look again shortly instead.
      for (const kind of ['sla', 'auto_status', 'escalation', 'snooze'] as const) {
        const at = store.timer(kind);
        if (at === null || at >= now) continue;
        const retry = !config && kind !== 'snooze';
        if (!retry) console.warn(`conversation ${state.id}: ${kind} timer ${at} did not move; dropped`);
        store.setTimer(kind, retry ? now + CONFIG_RETRY_MS : null);
      }
    }
  }

  /** Auto-status: pending / closed (sending the closing message first, through the channel) / archived. */
  async #autoStatus(config: AutomationConfig, now: number): Promise<boolean> {
    const state = this.deps.state()!;
    const r = autoStatusTransition(state, config.autoStatus, now);
    if (r.events.length === 0) return false;
    if (r.closingMessage) {
      const sent = await this.deps.addMessage({ externalId: `auto-close:${state.id}:${state.seq}`, direction: 'outbound', author: systemActor, text: r.closingMessage }, 0);
      if (!sent.ok) console.warn(`conversation ${state.id}: closing message refused (${sent.reason})`);
    }
    // The rule was decided on the state before the closing message; carry over only what it changed.
    this.deps.commit({ state: carryOver(state, r.state, this.deps.state()!), events: r.events });
    return true;
  }

  /**
   * Run the escalation levels that are due, one at a time: first a commit that claims the level (its
   * escalation state and the conversation's own changes: priority, tags, flag, unassign), then the
   * actions that reach out (reassign to an agent or team, notify, workflow), then the `escalation.level`
   * event carrying every action's result. A retry after a failure in between never runs a level twice.
   */
  async #escalationLevels(config: AutomationConfig | null, now: number): Promise<void> {
    const esc = this.deps.state()?.escalation;
    if (!isLive(esc) || esc.nextLevelAt === null || esc.nextLevelAt > now) return;
    if (!config) {
      this.deps.store.setTimer('escalation', now + CONFIG_RETRY_MS);
      return;
    }
    const path = config.paths.find((p) => p.id === esc.pathId);
    if (!path) {
      // The path was deleted meanwhile: the escalation stays open for a person, with no more levels.
      this.deps.commit({ state: { ...this.deps.state()!, escalation: { ...esc, nextLevelAt: null } }, events: [] });
      return;
    }
    const due = dueEscalationLevels(esc, path, now);
    if (due.levels.length === 0) {
      // The path lost levels since the episode started: save that nothing further is due (else the timer stays in the past).
      if (due.state !== esc) this.deps.commit({ state: { ...this.deps.state()!, escalation: due.state }, events: [] });
      return;
    }
    let dueAt = esc.nextLevelAt;
    for (const [i, { index, level }] of due.levels.entries()) {
      const current = this.deps.state()!;
      if (current.escalation?.id !== esc.id || current.escalation.resolvedAt !== null) return;
      // Each level's state, with the following level timed from this one's due time (the path's timeline).
      const following = path.levels[index + 1];
      const nextLevelAt = i === due.levels.length - 1 ? due.state.nextLevelAt : following ? dueAt + following.delayMs : null;
      dueAt = nextLevelAt ?? dueAt;
      const { transition, local } = claimLevel(current as Conversation & { escalation: EscalationState }, level, index, nextLevelAt, now);
      this.deps.commit(transition);
      const title = `Escalated: ${level.name}`;
      const body = `${path.name}: ${esc.reason}`;
      const results: ActionResult[] = [];
      for (const [k, action] of level.actions.entries()) {
        results[k] = isLocalAction(action)
          ? local.get(k)!
          : await runRemoteAction(action, { env: this.deps.env, conversation: this.deps.state()!, applyRouting: (d) => this.deps.applyRouting(d), title, body, kind: 'escalation', key: `${esc.id}-l${index}-a${k}` });
      }
      this.deps.commit({ state: this.deps.state()!, events: [{ type: 'escalation.level', actor: escalationActor, data: { id: esc.id, level: index + 1, name: level.name, actions: level.actions, results } }] });
    }
  }

  // ---- AI alert rules ----

  /** Alert evaluations run one at a time, after the message was acknowledged (a macrotask: the RPC result goes out first). */
  #scheduleAlerts(): void {
    this.#alerting = this.#alerting
      .then(() => new Promise((r) => setTimeout(r, 0)))
      .then(() => this.#evaluateAlerts())
      .catch((err) => console.warn(`conversation ${this.deps.state()?.id}: alert rules failed (${String(err)})`));
  }

  /**
   * Sentiment of the latest customer messages, the workspace's alert rules and auto-prioritization.
   * Each rule fires at most once per customer message; its hit is an `alert.fired` event, projected to
   * ai_alerts, and its actions apply: flag / set_priority (never lowers) / escalate in the same commit,
   * notify after it.
   */
  async #evaluateAlerts(): Promise<void> {
    const { env, store } = this.deps;
    const first = this.deps.state();
    if (!first) return;
    const config = await automationConfig(env, first.workspaceId);
    // Nothing reads the score without a rule or auto-prioritization: no model calls for it.
    if (config.alertRules.length === 0 && !config.autoStatus.autoPriority.enabled) return;
    const known = this.tagsOf(first);
    const tags = known !== null && Date.now() - this.#tagsLoadedAt < TAGS_TTL_MS ? known : await this.#refreshTags();
    // The facts as they stand after those reads (a tag refresh can itself commit a policy change).
    const before = this.deps.state()!;
    const recent = store.recentCustomerTexts(ALERT_WINDOW);
    if (recent.length === 0) return;
    const result = await evaluateConversationAlerts(sentimentAnalyzer(env), config.alertRules, config.autoStatus.autoPriority, {
      channel: before.channel,
      priority: before.priority,
      contactTags: tags,
      slaStatus: before.sla?.status ?? null,
      recentCustomerTexts: recent.map((r) => r.text),
    });
    const messageSeq = recent[recent.length - 1].seq;
    const now = Date.now();
    const current = this.deps.state()!;
    const hits = result.hits.filter((h) => !store.alertFired(h.ruleId, messageSeq));
    const sentiment = result.sentiment.at(-1)?.score ?? current.sentiment ?? null;
    const outcome = alertOutcome(current, { hits, sentiment, priority: result.priority, paths: config.paths, tags, messageSeq, now });
    const rows: AlertRow[] = hits.map((h) => ({ id: newId('alr'), ruleId: h.ruleId, ruleName: h.ruleName, reasons: h.reasons, sentiment, messageSeq, createdAt: now }));
    // No hits: no extra write, so a message that fires nothing costs no second projection.
    const write = rows.length
      ? () => {
          for (const r of rows) {
            store.markAlertFired(r.ruleId, r.messageSeq);
            store.enqueue('alert', r);
          }
        }
      : undefined;
    this.deps.commit(outcome, undefined, write);
    for (const h of hits) {
      for (const a of h.actions) {
        if (a.type !== 'notify') continue;
        const r = await notifyPeople(env, this.deps.state()!, a.recipients, ['in_app', 'browser'], { kind: 'alert', title: `Alert: ${h.ruleName}`, body: h.reasons.join('; ') });
        if (!r.ok) console.warn(`conversation ${current.id}: alert ${h.ruleName} notify: ${r.detail}`);
      }
    }
  }
}
