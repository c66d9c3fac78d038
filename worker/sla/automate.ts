// The automation a conversation change implies, as pure functions the ConversationDO calls inside its
// one commit: SLA clocks reconciled, escalations started (breach, VIP, alert) and resolved on close,
// the outcome of AI alert rules on a customer message, an escalation level claimed, an auto-status
// rule carried over a closing message. No I/O: the object hands in the cached config and the
// contact's tags, and persists what comes back.
import { PRIORITY_RANK, type Actor, type Conversation, type ConversationEvent, type Priority } from '../conversations/model';
import type { EscalationRow } from '../conversations/projection';
import { applyPatch, systemActor, type PendingEvent, type Transition } from '../conversations/state';
import { newId } from '../db/ids';
import type { AutomationConfig } from './config';
import { matchPolicy, reconcileSla, slaCalendar } from './deadlines';
import { localActionPatch, isLocalAction, type ActionResult } from './effects';
import { matchEscalationPath, resolveEscalation, startEscalation } from './escalation';
import type { AlertAction, AlertHit, EscalationLevel, EscalationPath, EscalationState, EscalationTrigger } from './model';

export const escalationActor: Actor = { type: 'system', id: null, name: 'Escalation' };
export const alertActor: Actor = { type: 'system', id: null, name: 'AI alerts' };

export function isLive(e: EscalationState | null | undefined): e is EscalationState {
  return !!e && e.resolvedAt === null;
}

/** The transition that starts an escalation path (its levels run on the 'escalation' timer). */
export function started(state: Conversation, path: EscalationPath, trigger: EscalationTrigger, reason: string, actor: Actor, now: number): Transition {
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

export interface AutomationInput {
  /** The workspace's automation config as cached (null: not loaded yet). */
  config: AutomationConfig | null;
  /** The contact's tags (null: not known yet). */
  tags: string[] | null;
  /** The conversation (re)opened and the VIP path check still waits for the tags and the config. */
  vipPending: boolean;
}

/**
 * Applied on top of every transition: closing resolves the live escalation; the SLA policy is
 * (re)matched and its clocks reconciled at `now`; a breach starts the 'breach' path; a (re)opened
 * conversation of a VIP contact starts the 'vip' path once the contact's tags are known. `config` in
 * the result is null when the timers could not be set properly (config or needed tags missing).
 */
export function automate(previous: Conversation | null, t: Transition, now: number, input: AutomationInput): Transition & { config: AutomationConfig | null; vipPending: boolean } {
  let state = t.state;
  const events = [...t.events];
  const opened = events.some((e) => e.type === 'conversation.created' || (e.type === 'conversation.status_changed' && e.data.from === 'closed' && e.data.to === 'open'));
  let vipPending = input.vipPending || opened;
  if (state.status === 'closed' && previous?.status !== 'closed' && isLive(state.escalation)) {
    state = { ...state, escalation: resolveEscalation(state.escalation, now) };
    events.push({ type: 'escalation.resolved', actor: t.events[0]?.actor ?? systemActor, data: { id: state.escalation!.id, resolution: 'closed', note: null } });
  }
  const { config, tags } = input;
  if (!config) return { state, events, config, vipPending };
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

/** The D1 row of an escalation episode; how it ended comes from this commit's `escalation.resolved` event. */
export function escalationRow(e: EscalationState, events: ConversationEvent[], at: number): EscalationRow {
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

/**
 * What the alert rules' hits on a customer message do to the conversation, in one transition: an
 * `alert.fired` event per hit, the local actions (flag, set priority — never lower), auto-priority,
 * and the 'alert' escalation path when a hit asks for it.
 */
export function alertOutcome(
  current: Conversation,
  input: { hits: AlertHit[]; sentiment: number | null; priority: { priority: Priority; reasons: string[] } | null; paths: EscalationPath[]; tags: string[]; messageSeq: number; now: number },
): Transition {
  const { hits, now } = input;
  const actions: AlertAction[] = hits.flatMap((h) => h.actions);
  const { patch } = localActionPatch(current, actions.filter(isLocalAction));
  const t = applyPatch({ ...current, sentiment: input.sentiment }, patch, now, alertActor);
  const events: PendingEvent[] = hits.map((h) => ({ type: 'alert.fired', actor: alertActor, data: { ruleId: h.ruleId, ruleName: h.ruleName, reasons: h.reasons, actions: h.actions, messageSeq: input.messageSeq } }));
  events.push(...t.events);
  let state = t.state;
  if (input.priority && PRIORITY_RANK[input.priority.priority] > PRIORITY_RANK[state.priority]) {
    state = { ...state, priority: input.priority.priority, updatedAt: now };
    events.push({ type: 'conversation.updated', actor: alertActor, data: { priority: input.priority.priority, reason: 'auto_priority', reasons: input.priority.reasons } });
  }
  const escalate = actions.find((a): a is Extract<AlertAction, { type: 'escalate' }> => a.type === 'escalate');
  if (escalate && !isLive(state.escalation) && state.status !== 'closed') {
    const path = matchEscalationPath(input.paths, 'alert', { priority: state.priority, channel: state.channel, contactTags: input.tags }, escalate.pathId ?? null);
    const hit = hits.find((h) => h.actions.includes(escalate))!;
    if (path) ({ state } = pushEvents(events, started(state, path, 'alert', `Alert: ${hit.ruleName}`, alertActor, now)));
  }
  return { state, events };
}

/**
 * An auto-status rule was decided on `decidedOn` (into `decided`), then a closing message was stored:
 * apply to `current` only the fields the rule changed.
 */
export function carryOver(decidedOn: Conversation, decided: Conversation, current: Conversation): Conversation {
  const changes: Partial<Conversation> = {};
  for (const key of Object.keys(decided) as (keyof Conversation)[]) if (decided[key] !== decidedOn[key]) (changes as Record<string, unknown>)[key] = decided[key];
  return { ...current, ...changes };
}

/**
 * The commit that claims an escalation level before its remote actions run: the level's own changes to
 * the conversation (priority, tags, flag, unassign) and the escalation state with the next level's time.
 */
export function claimLevel(current: Conversation & { escalation: EscalationState }, level: EscalationLevel, index: number, nextLevelAt: number | null, now: number): { transition: Transition; local: Map<number, ActionResult> } {
  const escalation: EscalationState = { ...current.escalation, level: index + 1, nextLevelAt };
  const { patch, results } = localActionPatch(current, level.actions);
  const t = applyPatch(current, patch, now, escalationActor);
  return { transition: { state: { ...t.state, escalation }, events: t.events }, local: results };
}
