// Follow-ups and messages sent later: what a conversation has scheduled, as pure functions over the
// list its ConversationDO keeps (the object stores the list, sets one schedule timer at the earliest
// due time and commits what these return). Two kinds share the list and the timer:
// - a follow-up: when due, sends its text as the agent who scheduled it, or without text brings the
//   conversation back (snoozed/pending → open) and notifies the assignee (else the scheduler). With
//   cancelOnReply (the default) a customer message before then cancels it;
// - a scheduled message ("send later"): sent as written when due, editable and cancellable until then.
import type { Actor, Conversation, FollowUpSummary } from '../conversations/model';
import type { PendingEvent, Transition } from '../conversations/state';

export type ScheduledKind = 'followup' | 'message';

export interface ScheduledItem {
  id: string;
  kind: ScheduledKind;
  dueAt: number;
  text: string | null;
  /** A customer message after scheduling cancels it (follow-ups by default; a delayed CSAT survey too). */
  cancelOnReply: boolean;
  /** The sent message's external id (default `scheduled:<id>`): a delayed CSAT survey keeps its `csat:` id. */
  externalId?: string;
  /** The agent who scheduled it: the author of what it sends. */
  by: Actor;
  /** The conversation's latest customer message when it was scheduled (a later one is a reply). */
  customerSeq: number;
  createdAt: number;
  updatedAt: number;
  /** Being sent now: set in the object's one step that decides to send, so a cancel after it is refused (409) rather than acknowledged and then sent. */
  firing?: boolean;
}

/** Limits: how far ahead, how many per conversation, how long a text. */
export const MAX_AHEAD_MS = 365 * 24 * 3600_000;
export const MAX_PENDING = 50;
export const MAX_TEXT = 10_000;

export class ScheduleError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message);
  }
}

/** Checks a due time; `field` names it in the error. */
export function checkDueAt(dueAt: number, now: number, field: string): void {
  if (!Number.isFinite(dueAt) || dueAt <= now) throw new ScheduleError(field, 'must be in the future');
  if (dueAt - now > MAX_AHEAD_MS) throw new ScheduleError(field, 'must be within 365 days');
}

function checkText(text: string | null, required: boolean): string | null {
  const t = text?.trim() ?? null;
  if (t === null || t === '') {
    if (required || text !== null) throw new ScheduleError('text', 'must not be empty');
    return null;
  }
  if (t.length > MAX_TEXT) throw new ScheduleError('text', `must be at most ${MAX_TEXT} characters`);
  return t;
}

export function summarize(list: readonly ScheduledItem[]): FollowUpSummary | null {
  if (list.length === 0) return null;
  return { count: list.length, nextAt: Math.min(...list.map((i) => i.dueAt)) };
}

export function nextDueAt(list: readonly ScheduledItem[]): number | null {
  return summarize(list)?.nextAt ?? null;
}

const eventOf = (i: ScheduledItem): PendingEvent =>
  i.kind === 'followup'
    ? { type: 'followup.scheduled', actor: i.by, data: { id: i.id, dueAt: i.dueAt, text: i.text, cancelOnReply: i.cancelOnReply, kind: 'followup' } }
    : { type: 'scheduled_message.scheduled', actor: i.by, data: { id: i.id, sendAt: i.dueAt } };

/** A state and list change, with the events the thread shows. */
export interface ScheduleChange {
  list: ScheduledItem[];
  transition: Transition;
}

function change(state: Conversation, list: ScheduledItem[], events: PendingEvent[], now: number): ScheduleChange {
  return { list, transition: { state: { ...state, followUps: summarize(list), updatedAt: now }, events } };
}

export interface ScheduleInput {
  id: string;
  kind: ScheduledKind;
  dueAt: number;
  dueField: string;
  text: string | null;
  cancelOnReply: boolean;
  by: Actor;
  externalId?: string;
}

/** A new item; an item already pending under the same id is returned as it is (null change): scheduling is idempotent by id. */
export function schedule(state: Conversation, list: readonly ScheduledItem[], input: ScheduleInput, now: number): (ScheduleChange & { item: ScheduledItem }) | { item: ScheduledItem; list: null } {
  const existing = list.find((i) => i.id === input.id);
  if (existing) return { item: existing, list: null };
  checkDueAt(input.dueAt, now, input.dueField);
  const text = checkText(input.text, input.kind === 'message');
  if (list.length >= MAX_PENDING) throw new ScheduleError(input.dueField, `at most ${MAX_PENDING} follow-ups and scheduled messages per conversation`, 409);
  const item: ScheduledItem = {
    id: input.id,
    kind: input.kind,
    dueAt: input.dueAt,
    text,
    cancelOnReply: input.cancelOnReply,
    by: input.by,
    ...(input.externalId ? { externalId: input.externalId } : {}),
    customerSeq: state.lastCustomerSeq,
    createdAt: now,
    updatedAt: now,
  };
  return { ...change(state, [...list, item], [eventOf(item)], now), item };
}

function find(list: readonly ScheduledItem[], id: string, kind: ScheduledKind): ScheduledItem {
  const item = list.find((i) => i.id === id && i.kind === kind);
  if (!item) throw new ScheduleError('id', kind === 'followup' ? 'no such pending follow-up' : 'no such pending scheduled message (it may have been sent)', 404);
  if (item.firing) throw new ScheduleError('id', 'it is being sent right now and can no longer be changed or cancelled', 409);
  return item;
}

export function cancel(state: Conversation, list: readonly ScheduledItem[], id: string, kind: ScheduledKind, actor: Actor, now: number): ScheduleChange {
  const item = find(list, id, kind);
  const event: PendingEvent =
    kind === 'followup' ? { type: 'followup.cancelled', actor, data: { id, reason: 'agent' } } : { type: 'scheduled_message.cancelled', actor, data: { id } };
  return change(
    state,
    list.filter((i) => i !== item),
    [event],
    now,
  );
}

/** Edit a scheduled message's text and/or time. */
export function edit(state: Conversation, list: readonly ScheduledItem[], id: string, patch: { text?: string; sendAt?: number }, actor: Actor, now: number): ScheduleChange & { item: ScheduledItem } {
  const item = find(list, id, 'message');
  if (patch.sendAt !== undefined) checkDueAt(patch.sendAt, now, 'sendAt');
  const text = patch.text !== undefined ? checkText(patch.text, true) : item.text;
  const next: ScheduledItem = { ...item, text, dueAt: patch.sendAt ?? item.dueAt, updatedAt: now };
  const event: PendingEvent = { type: 'scheduled_message.updated', actor, data: { id, sendAt: next.dueAt } };
  return { ...change(state, list.map((i) => (i === item ? next : i)), [event], now), item: next };
}

/** Follow-ups a customer message cancels: those with cancelOnReply scheduled before it. */
export function cancelledByReply(state: Conversation, list: readonly ScheduledItem[], now: number): ScheduleChange | null {
  const gone = list.filter((i) => !i.firing && voidedByReply(state, i));
  if (gone.length === 0) return null;
  return change(
    state,
    list.filter((i) => !gone.includes(i)),
    gone.map((i): PendingEvent =>
      i.kind === 'followup'
        ? { type: 'followup.cancelled', actor: null, data: { id: i.id, reason: 'customer_replied' } }
        : { type: 'scheduled_message.cancelled', actor: null, data: { id: i.id, reason: 'customer_replied' } },
    ),
    now,
  );
}

/** An item that will not fire after all (its author lost the right to send it), with why. */
export function withdrawn(state: Conversation, list: readonly ScheduledItem[], item: ScheduledItem, detail: string, now: number): ScheduleChange {
  const event: PendingEvent =
    item.kind === 'followup'
      ? { type: 'followup.cancelled', actor: null, data: { id: item.id, reason: 'author_rights', detail } }
      : { type: 'scheduled_message.cancelled', actor: null, data: { id: item.id, reason: 'author_rights', detail } };
  return change(state, list.filter((i) => i.id !== item.id), [event], now);
}

/** The list with `item` marked as being sent (no event: what it sends, or its cancellation, is the record). */
export function markFiring(list: readonly ScheduledItem[], id: string): ScheduledItem[] {
  return list.map((i) => (i.id === id ? { ...i, firing: true } : i));
}

/** The first item due at `now` (the alarm handles them one at a time, in due order). */
export function firstDue(list: readonly ScheduledItem[], now: number): ScheduledItem | null {
  return [...list].sort((a, b) => a.dueAt - b.dueAt || a.createdAt - b.createdAt).find((i) => i.dueAt <= now) ?? null;
}

/**
 * The commit after a due item ran: it leaves the list, and a follow-up records `followup.fired` (a
 * text-less one also brings a snoozed or pending conversation back to open). A scheduled message needs
 * no event of its own: its message.created is the record.
 */
export function fired(state: Conversation, list: readonly ScheduledItem[], item: ScheduledItem, messageId: string | null, now: number): ScheduleChange {
  const rest = list.filter((i) => i.id !== item.id);
  if (item.kind === 'message') return change(state, rest, [], now);
  const reopen = item.text === null && (state.status === 'snoozed' || state.status === 'pending');
  const events: PendingEvent[] = [];
  const base = change(state, rest, events, now);
  if (reopen) {
    base.transition.state = { ...base.transition.state, status: 'open', snoozeUntil: null };
    events.push({ type: 'conversation.status_changed', actor: item.by, data: { from: state.status, to: 'open', reason: 'follow_up' } });
  }
  events.push({ type: 'followup.fired', actor: item.by, data: { id: item.id, messageId, reopened: reopen } });
  return base;
}

/** Whether a due follow-up is void instead: a customer replied since it was scheduled (cancelOnReply). */
export function voidedByReply(state: Conversation, item: ScheduledItem): boolean {
  return item.cancelOnReply && state.lastCustomerSeq > item.customerSeq;
}

/** What API callers see of an item. */
export function publicItem(i: ScheduledItem) {
  return i.kind === 'followup'
    ? { id: i.id, dueAt: i.dueAt, text: i.text, cancelOnReply: i.cancelOnReply, createdBy: i.by, createdAt: i.createdAt }
    : { id: i.id, sendAt: i.dueAt, text: i.text, createdBy: i.by, createdAt: i.createdAt, updatedAt: i.updatedAt };
}
