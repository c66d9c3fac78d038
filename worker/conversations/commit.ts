// What one ConversationDO commit records, assembled without I/O: the events numbered on from the
// state's sequence, the state that carries the last number, each event in its stream envelope, and
// the outbox rows (projection, delivery job, escalation row). The object writes it all in one
// transaction; null means the input changed nothing worth a write.
import { deliverJob, needsDelivery } from './append';
import type { Conversation, ConversationEvent, Message } from './model';
import { commitRows, type CommitRow } from './projection';
import type { PendingEvent } from './state';
import { toParleyEvent, type ParleyEvent } from '../events/model';
import { escalationRow } from '../sla/automate';

export interface AssembledCommit {
  next: Conversation;
  events: ConversationEvent[];
  /** The events as the EVENTS queue carries them, in order. */
  stream: ParleyEvent[];
  rows: CommitRow[];
}

export function assembleCommit(input: {
  previous: Conversation | null;
  state: Conversation;
  events: PendingEvent[];
  message?: Message;
  /** The commit writes something of its own besides (a delivery status, alert rows). */
  wrote: boolean;
  at: number;
}): AssembledCommit | null {
  const { previous, message, at } = input;
  // Only a commit with nothing else to record needs the (costly) deep comparison.
  const bare = input.events.length === 0 && !message && !input.wrote;
  if (bare && (input.state === previous || JSON.stringify(input.state) === JSON.stringify(previous))) return null;
  let seq = previous?.seq ?? 0;
  const events: ConversationEvent[] = input.events.map((e) => ({ seq: ++seq, type: e.type, actor: e.actor, data: e.data, at }));
  const next: Conversation = { ...input.state, seq };
  const range = { first: events[0]?.seq ?? seq, last: seq };
  const escalation = next.escalation && JSON.stringify(next.escalation) !== JSON.stringify(previous?.escalation ?? null) ? escalationRow(next.escalation, events, at) : null;
  const rows = commitRows({ previous, next, events, message, wrote: input.wrote, escalation, deliver: message && needsDelivery(message) ? deliverJob(next, message) : null });
  const stream = events.map((e) => toParleyEvent(next, e, range, previous?.tags ?? null, message));
  return { next, events, stream, rows };
}
