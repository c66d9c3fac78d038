// SLA deadline math as pure functions: which policy applies, which calendar it counts in, and
// reconcileSla, which the ConversationDO calls after every transition and at every alarm.
//
// reconcileSla semantics (level-triggered: it looks at the conversation as it is now, so a late or
// repeated call, or a policy applied mid-conversation, converges to the same state):
// - No policy → sla null (if there was one before: `sla.applied` {policyId: null, previousPolicyId}).
// - A policy other than the previous one (or the first) → `sla.applied` {policyId, policyName,
//   previousPolicyId}. Clocks keep startedAt / met / warning / breach history; a running clock's
//   deadline is always derived from (runningSince, usedMs, current target, current calendar), so a
//   new target, a new team calendar or business-hours switch re-schedules it (scheduleKey notices), and the business time
//   already used (paused time excluded) counts against the new target. Unmet clocks of a target the
//   new policy lacks are dropped.
// - At most one clock per target: a new nextResponse / resolution clock replaces the met one before it.
// - firstResponse: runs while the customer waits (waitingSince set, not closed) and we have not yet
//   answered publicly (`responded`); a conversation we opened (first message outbound) never gets one.
//   Met when waitingSince goes null (only a public agent/ai/bot reply does that; notes don't).
// - nextResponse: the same for every later wait, started at waitingSince.
// - resolution: starts at createdAt (at the reopen for a reopened conversation); met when closed.
//   Closing drops unmet response clocks (a closed conversation owes no reply); if it reopens with the
//   customer still waiting, a new response clock starts at the reopen.
// - Pausing: pending (unless countPending) or snoozed (unless countSnoozed) pauses every running clock:
//   dueAt/warnAt null, remainingMs = business time left (may be ≤ 0). Resuming: dueAt = addBusinessTime(now, remaining).
// - `sla.warning` {target, dueAt} once now ≥ warnAt and `sla.breached` {target, dueAt, lateMs} once now ≥
//   dueAt: each at most once per clock, never early; a late call fires both, in order. `sla.met`
//   {target, late, at, startedAt}; a breach that happened before a late-observed reply fires first.
// - status: worst over unmet clocks (breached > warning > ok); dueAt: earliest running deadline (even
//   if passed); nextWakeAt: earliest not-yet-fired warnAt/dueAt of running clocks, null if none.
// All calendar subtleties (midnight-spanning shifts, time zones, DST, holidays) live in the Calendar.
import type { AuthorType, Conversation, Priority } from '../conversations/model';
import { systemActor, type PendingEvent } from '../conversations/state';
import { businessTimeBetween, openIntervals, type Calendar } from '../routing/business-hours';
import type { SlaClock, SlaPolicy, SlaState, SlaStatus, SlaTarget } from './model';

export interface SlaFacts {
  priority: Priority;
  channel: string;
  inboxId: string;
  teamId: string | null;
  contactTags: string[];
}

/** The first enabled policy (by position) whose conditions all match; empty lists match everything, contactTags is any-of. */
export function matchPolicy(policies: SlaPolicy[], facts: SlaFacts): SlaPolicy | null {
  const tags = new Set(facts.contactTags.map(normTag));
  const ordered = policies.filter((p) => p.enabled).sort((a, b) => a.position - b.position);
  for (const p of ordered) {
    const c = p.conditions;
    if (c.priorities.length && !c.priorities.includes(facts.priority)) continue;
    if (c.channels.length && !c.channels.includes(facts.channel)) continue;
    if (c.inboxIds.length && !c.inboxIds.includes(facts.inboxId)) continue;
    if (c.teamIds.length && (facts.teamId === null || !c.teamIds.includes(facts.teamId))) continue;
    if (c.contactTags.length && !c.contactTags.some((t) => tags.has(normTag(t)))) continue;
    return p;
  }
  return null;
}

export interface SlaCalendars {
  workspace: Calendar;
  teams: Record<string, Calendar | null | undefined>;
}

/** The calendar a policy counts in: team calendar if the conversation's team has one, else workspace; businessHours=false → around the clock (hours: null) */
export function slaCalendar(policy: SlaPolicy, calendars: SlaCalendars, teamId: string | null): Calendar {
  const team = teamId !== null ? calendars.teams[teamId] : null;
  const cal = team ?? calendars.workspace;
  if (!policy.businessHours) return { timezone: cal.timezone, hours: null };
  return cal;
}

/**
 * A customer wait that began within this long of the conversation's creation is its opening wait.
 * Only used when a policy first applies to a conversation with history (nothing else tells whether we replied before).
 */
const OPENING_SLACK_MS = 60_000;

const REPLY_AUTHORS: AuthorType[] = ['agent', 'ai', 'bot'];

/** THE function the ConversationDO calls after every transition and at every alarm (then prev === next). */
export function reconcileSla(input: { prev: Conversation | null; next: Conversation; policy: SlaPolicy | null; calendar: Calendar; now: number }): {
  sla: SlaState | null;
  events: PendingEvent[];
} {
  const { prev, next, policy, calendar: cal, now } = input;
  const before: SlaState | null = (prev ? prev.sla : next.sla) ?? null;
  const events: PendingEvent[] = [];
  const emit = (type: PendingEvent['type'], data: Record<string, unknown>) => events.push({ type, actor: systemActor, data });

  if (!policy) {
    if (before) emit('sla.applied', { policyId: null, policyName: null, previousPolicyId: before.policyId });
    return { sla: null, events };
  }
  if (!before || before.policyId !== policy.id) emit('sla.applied', { policyId: policy.id, policyName: policy.name, previousPolicyId: before?.policyId ?? null });

  const targetOf = (t: SlaTarget) => policy.targets[t];
  // Unmet clocks of a target this policy lacks have nothing to count against.
  let clocks: SlaClock[] = (before?.clocks ?? []).map(normalizeClock).filter((c) => c.metAt !== null || targetOf(c.target) !== null);

  // Deadlines are only recomputed when what they depend on changed (calendar walks cost ~1 ms each):
  // a running clock's dueAt/warnAt stay valid while the policy's targets and the calendar stay the same.
  const scheduleKey = keyOf(policy, cal);
  const reuse = before?.scheduleKey === scheduleKey;

  // 1. What happened up to now under the state the clocks were running in (a late alarm, or a reply after the deadline).
  clocks = clocks.map((c) => schedule(c, targetOf(c.target)!, policy.warningPct, cal, reuse));
  fire(clocks, now, emit);

  // 2. The transition: replies, closing, reopening, new waits.
  let responded = before?.responded ?? inferResponded(prev, next);
  if (next.lastMessageDirection === 'outbound' && next.lastMessageAuthorType !== null && REPLY_AUTHORS.includes(next.lastMessageAuthorType)) responded = true;
  const closed = next.status === 'closed';
  const reopened = prev !== null && prev.status === 'closed' && !closed;
  const isResponse = (c: SlaClock) => c.target === 'firstResponse' || c.target === 'nextResponse';
  const met = (c: SlaClock): SlaClock => {
    emit('sla.met', { target: c.target, late: c.breachedAt !== null || (c.dueAt !== null && now > c.dueAt), at: now, startedAt: c.startedAt });
    return { ...c, metAt: now, dueAt: null, warnAt: null, remainingMs: null, runningSince: null };
  };
  const start = (target: SlaTarget, at: number) => {
    clocks = clocks.filter((c) => c.target !== target);
    clocks.push({ target, startedAt: at, dueAt: null, warnAt: null, remainingMs: null, metAt: null, breachedAt: null, warnedAt: null, usedMs: 0, runningSince: at });
  };

  const waiting = next.waitingSince !== null && !closed;
  const response = clocks.find((c) => isResponse(c) && c.metAt === null);
  if (response) {
    if (next.waitingSince === null) clocks = clocks.map((c) => (c === response ? met(c) : c));
    else if (closed) clocks = clocks.filter((c) => c !== response);
  } else if (waiting) {
    const target: SlaTarget = responded ? 'nextResponse' : 'firstResponse';
    if (targetOf(target) !== null) start(target, reopened ? now : Math.min(next.waitingSince!, now));
  }

  const resolution = clocks.find((c) => c.target === 'resolution');
  if (resolution && resolution.metAt === null) {
    if (closed) clocks = clocks.map((c) => (c === resolution ? met(c) : c));
  } else if (!closed && targetOf('resolution') !== null) {
    // A met resolution clock while open means the conversation was reopened.
    if (!resolution) start('resolution', reopened ? now : Math.min(next.createdAt, now));
    else start('resolution', now);
  }

  // 3. Pause / resume, then the deadlines of what runs now (a clock starting in the past may already be due).
  const paused = (next.status === 'pending' && !policy.countPending) || (next.status === 'snoozed' && !policy.countSnoozed);
  clocks = clocks.map((c) => {
    if (c.metAt !== null) return c;
    const target = targetOf(c.target)!;
    if (paused && c.runningSince !== null) {
      const usedMs = (c.usedMs ?? 0) + Math.max(0, businessTimeBetween(cal, c.runningSince!, now));
      return { ...c, usedMs, runningSince: null, dueAt: null, warnAt: null, remainingMs: target - usedMs };
    }
    if (paused) return { ...c, remainingMs: target - (c.usedMs ?? 0), dueAt: null, warnAt: null };
    // Running clocks were scheduled in step 1; resumed and new ones (dueAt null) are scheduled here.
    return schedule(c.runningSince === null ? { ...c, runningSince: now, remainingMs: null, dueAt: null } : c, target, policy.warningPct, cal, true);
  });
  fire(clocks, now, emit);

  return { sla: { ...summarize(policy, clocks, responded), scheduleKey }, events };
}

/** Clocks stored before the bookkeeping fields existed: a clock with a deadline was running since it started. */
function normalizeClock(c: SlaClock): SlaClock {
  const running = c.metAt === null && c.remainingMs === null;
  return { ...c, warnedAt: c.warnedAt ?? null, usedMs: c.usedMs ?? 0, runningSince: c.runningSince !== undefined ? c.runningSince : running ? c.startedAt : null };
}

/** Recompute a running clock's deadline and warning time for a target (unchanged if met or paused, or already computed and `reuse`). */
function schedule(c: SlaClock, targetMs: number, warningPct: number, cal: Calendar, reuse: boolean): SlaClock {
  if (c.metAt !== null || c.runningSince === null || c.runningSince === undefined) return c;
  if (reuse && c.dueAt !== null) return c;
  const used = c.usedMs ?? 0;
  const warnMs = Math.round((targetMs * warningPct) / 100);
  const [dueAt, warnAt] = addBusinessTimes(cal, c.runningSince, [targetMs - used, warnMs - used]);
  return { ...c, dueAt, warnAt, remainingMs: null };
}

const WEEK_MS = 7 * 86_400_000;
/** How far ahead to look for open time before concluding the calendar never opens (as addBusinessTime does). */
const HORIZON_MS = 800 * 86_400_000;

/**
 * addBusinessTime for several amounts from one start in a single walk over the open intervals (same
 * semantics: an amount ≤ 0 is `start`; null when the calendar does not open within the horizon).
 */
function addBusinessTimes(cal: Calendar, start: number, amounts: number[]): (number | null)[] {
  if (!cal.hours) return amounts.map((ms) => start + Math.max(0, ms));
  const out = amounts.map((ms) => (ms <= 0 ? start : null));
  let counted = 0;
  for (let from = start; from < start + HORIZON_MS; from += WEEK_MS) {
    for (const [a, b] of openIntervals(cal, from, from + WEEK_MS)) {
      for (let i = 0; i < amounts.length; i++) if (out[i] === null && amounts[i] - counted <= b - a) out[i] = a + amounts[i] - counted;
      counted += b - a;
      if (out.every((x) => x !== null)) return out;
    }
  }
  return out;
}

/** A short fingerprint of what deadlines depend on besides the clock itself: the targets, the warning threshold and the calendar. */
function keyOf(policy: SlaPolicy, cal: Calendar): string {
  const text = JSON.stringify([policy.targets, policy.warningPct, cal.timezone, cal.hours, cal.holidays ?? []]);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

/** Fire due warnings and breaches of running clocks, each once (mutates the array's clocks in place: they are fresh copies). */
function fire(clocks: SlaClock[], now: number, emit: (type: PendingEvent['type'], data: Record<string, unknown>) => void): void {
  for (let i = 0; i < clocks.length; i++) {
    const c = clocks[i];
    if (c.metAt !== null || c.runningSince === null || c.runningSince === undefined) continue;
    let next = c;
    if (c.warnedAt === null && c.breachedAt === null && c.warnAt !== null && now >= c.warnAt) {
      emit('sla.warning', { target: c.target, dueAt: c.dueAt });
      next = { ...next, warnedAt: now };
    }
    if (c.breachedAt === null && c.dueAt !== null && now >= c.dueAt) {
      emit('sla.breached', { target: c.target, dueAt: c.dueAt, lateMs: now - c.dueAt });
      next = { ...next, breachedAt: c.dueAt };
    }
    clocks[i] = next;
  }
}

function summarize(policy: SlaPolicy, clocks: SlaClock[], responded: boolean): SlaState {
  let status: SlaStatus = 'ok';
  let dueAt: number | null = null;
  let nextWakeAt: number | null = null;
  const earliest = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
  for (const c of clocks) {
    if (c.metAt !== null) continue;
    if (c.breachedAt !== null) status = 'breached';
    else if (c.warnedAt != null && status === 'ok') status = 'warning';
    dueAt = earliest(dueAt, c.dueAt);
    if (c.breachedAt === null) nextWakeAt = earliest(nextWakeAt, c.dueAt);
    if (c.breachedAt === null && c.warnedAt == null) nextWakeAt = earliest(nextWakeAt, c.warnAt);
  }
  const order: SlaTarget[] = ['firstResponse', 'nextResponse', 'resolution'];
  clocks.sort((a, b) => order.indexOf(a.target) - order.indexOf(b.target));
  return { policyId: policy.id, policyName: policy.name, clocks, status, dueAt, nextWakeAt, responded };
}

/**
 * Whether we had answered before a policy first applied (no SLA state to remember it). The opening
 * inbound message (the conversation had no messages before) or a wait that began as the conversation
 * did means no; any other wait, or no customer waiting after messages, means yes.
 */
function inferResponded(prev: Conversation | null, next: Conversation): boolean {
  if (next.messageCount === 0) return false;
  if (next.waitingSince === null) return next.lastCustomerSeq > 0 || next.lastMessageDirection === 'outbound';
  if (!prev || prev.messageCount === 0) return false;
  return next.waitingSince - next.createdAt > OPENING_SLACK_MS;
}

function normTag(t: string): string {
  return t.trim().toLowerCase();
}
