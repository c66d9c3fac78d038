// The router's bookkeeping, pure: which conversations count toward whose load (assignments, with a
// reservation pending until the conversation confirms it), and what each event does to it — a decision
// reserves, a conversation's change notification is observed, a refused decision is released, a
// repeated request gets the answer already given. The WorkspaceDO keeps the rows in its SQLite
// (durable-objects/workspace-store.ts) and applies what these functions say.
import type { Conversation } from '../conversations/model';
import type { RoutingDecision } from './model';
import type { Target } from './strategies';

/** Conversations in these states count toward their assignee's load. */
export const LOAD_STATUSES: ReadonlySet<string> = new Set(['open', 'pending']);

export interface AssignmentRow {
  conversationId: string;
  userId: string | null;
  teamId: string | null;
  status: string;
  priority: string;
  seq: number;
  /** Set while a decision is reserved but not yet applied by the conversation. */
  pendingSince: number | null;
  decision: RoutingDecision | null;
}

export interface QueueRow {
  conversationId: string;
  priorityRank: number;
  waitingSince: number;
  seq: number;
  target: Target;
  /** The decision that queued it (rule, team, lead of the reason). */
  decision: RoutingDecision;
}

/** The agent a row counts toward (null: nobody's load). */
export function countedToward(row: Pick<AssignmentRow, 'userId' | 'status'> | null): string | null {
  return row && row.userId && LOAD_STATUSES.has(row.status) ? row.userId : null;
}

/** The row a decision reserves: the agent's load counts at once, before the conversation confirms. */
export function reservation(c: Pick<Conversation, 'id' | 'teamId' | 'status' | 'priority' | 'seq'>, decision: RoutingDecision, now: number): AssignmentRow {
  const status = LOAD_STATUSES.has(c.status) ? c.status : 'open';
  return { conversationId: c.id, userId: decision.assigneeId, teamId: decision.teamId ?? c.teamId, status, priority: decision.priority ?? c.priority, seq: c.seq, pendingSince: now, decision };
}

/** A confirmed assignment as the conversation's state shows it. */
export function confirmed(c: Pick<Conversation, 'id' | 'assigneeId' | 'teamId' | 'status' | 'priority' | 'seq'>): AssignmentRow {
  return { conversationId: c.id, userId: c.assigneeId, teamId: c.teamId, status: c.status, priority: c.priority, seq: c.seq, pendingSince: null, decision: null };
}

/**
 * A repeated route request gets the answer the router already gave: the pending reservation's decision,
 * the queued one, or null when someone took the conversation meanwhile. Undefined: decide afresh.
 */
export function priorAnswer(c: Pick<Conversation, 'seq'>, row: AssignmentRow | null, queued: () => QueueRow | null): RoutingDecision | null | undefined {
  if (row?.pendingSince && row.decision) return row.decision;
  if (row?.userId && LOAD_STATUSES.has(row.status) && row.seq >= c.seq) return null;
  return queued()?.decision;
}

/** What a conversation's change notification does to the router's rows. */
export type Observation =
  /** An old notification, or nothing the router cares about changed (a new message, a tag …). */
  | { kind: 'ignore' }
  /** A reservation the conversation has not applied yet: kept, at the notification's seq. */
  | { kind: 'keep'; row: AssignmentRow }
  /**
   * The conversation's state is the truth: its row is written (`row`) or removed (null); it leaves the
   * queue (`dequeue`) or its queue priority follows; a pending offline re-route ends (`cancelReroute`).
   */
  | { kind: 'settle'; row: AssignmentRow | null; dequeue: boolean; cancelReroute: boolean };

/**
 * Reconcile with a conversation's new state. Notifications from one conversation arrive in order; a
 * reservation the conversation has not applied yet is kept until it is (or until the conversation
 * shows someone else took it, or closed).
 */
export function observe(c: Conversation, routed: boolean, row: AssignmentRow | null): Observation {
  if (row && c.seq <= row.seq) return { kind: 'ignore' };
  const notYetApplied = row?.pendingSince && row.decision && c.assigneeId !== row.userId && c.assigneeId === row.decision.expectAssigneeId;
  if (row && notYetApplied && !routed && c.status !== 'closed') return { kind: 'keep', row: { ...row, seq: c.seq } };
  if (row && !row.pendingSince && row.userId === c.assigneeId && row.status === c.status && row.teamId === c.teamId && row.priority === c.priority) return { kind: 'ignore' };
  return {
    kind: 'settle',
    row: c.assigneeId && c.status !== 'closed' ? confirmed(c) : null,
    dequeue: !!c.assigneeId || c.status === 'closed',
    cancelReroute: c.status === 'closed' || c.assigneeId !== row?.userId,
  };
}

/** The conversation refused a decision (it moved on): its state is the truth. The row it keeps, or null to remove it. */
export function released(conversationId: string, state: Conversation | null): AssignmentRow | null {
  return state && state.assigneeId && state.status !== 'closed' ? confirmed({ ...state, id: conversationId }) : null;
}

/** A reservation not confirmed in time, checked against the conversation: confirmed when it shows the agent, else released. */
export function pendingOutcome(row: AssignmentRow, state: Conversation | null): { kind: 'confirm'; row: AssignmentRow } | { kind: 'release' } {
  if (state && state.assigneeId === row.userId) return { kind: 'confirm', row: { ...row, status: state.status, seq: state.seq, pendingSince: null } };
  return { kind: 'release' };
}

