// The router's bookkeeping, pure (worker/routing/assignments.ts): reservations, what a change
// notification does to an assignment, releases, pending checks and the answer to a repeated request.
import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../worker/conversations/model';
import { createConversation } from '../../worker/conversations/state';
import { countedToward, observe, pendingOutcome, priorAnswer, released, reservation, type AssignmentRow, type QueueRow } from '../../worker/routing/assignments';
import { NO_CANDIDATES, type RoutingDecision } from '../../worker/routing/model';

const T0 = 1_700_000_000_000;

function conversation(over: Partial<Conversation> = {}): Conversation {
  return { ...createConversation({ id: 'cnv_1', workspaceId: 'ws_1', contactId: 'ct_1', inboxId: 'inb_1', channel: 'webchat' }, T0, null).state, seq: 3, ...over };
}

function decision(over: Partial<RoutingDecision> = {}): RoutingDecision {
  return {
    conversationId: 'cnv_1',
    trigger: 'created',
    outcome: 'assigned',
    assigneeId: 'usr_a',
    assigneeName: 'A',
    teamId: 'team_1',
    teamName: 'Support',
    priority: null,
    addTags: [],
    rule: null,
    mode: 'load_balanced',
    step: null,
    reason: 'Routed to Support',
    candidates: NO_CANDIDATES,
    by: null,
    note: null,
    expectAssigneeId: null,
    at: T0,
    ...over,
  };
}

function row(over: Partial<AssignmentRow> = {}): AssignmentRow {
  return { conversationId: 'cnv_1', userId: 'usr_a', teamId: 'team_1', status: 'open', priority: 'normal', seq: 3, pendingSince: null, decision: null, ...over };
}

describe('reservation', () => {
  it('counts toward the chosen agent at once, pending, with the decision kept for a retried request', () => {
    const d = decision({ priority: 'high' });
    const r = reservation(conversation(), d, T0 + 5);
    expect(r).toEqual({ conversationId: 'cnv_1', userId: 'usr_a', teamId: 'team_1', status: 'open', priority: 'high', seq: 3, pendingSince: T0 + 5, decision: d });
    expect(countedToward(r)).toBe('usr_a');
  });

  it('a snoozed or closed conversation is reserved as open (it is about to be worked on); no team in the decision keeps the conversation’s', () => {
    const r = reservation(conversation({ status: 'snoozed', teamId: 'team_9' }), decision({ teamId: null }), T0);
    expect(r.status).toBe('open');
    expect(r.teamId).toBe('team_9');
  });
});

describe('countedToward', () => {
  it('only open and pending conversations with an assignee count', () => {
    expect(countedToward(row({ status: 'pending' }))).toBe('usr_a');
    expect(countedToward(row({ status: 'closed' }))).toBeNull();
    expect(countedToward(row({ status: 'snoozed' }))).toBeNull();
    expect(countedToward(row({ userId: null }))).toBeNull();
    expect(countedToward(null)).toBeNull();
  });
});

describe('observe', () => {
  it('ignores a notification no newer than the row', () => {
    expect(observe(conversation({ seq: 3, assigneeId: 'usr_b' }), false, row({ seq: 3 }))).toEqual({ kind: 'ignore' });
  });

  it('ignores a change the router does not care about (a message, a tag)', () => {
    expect(observe(conversation({ seq: 4, assigneeId: 'usr_a', teamId: 'team_1' }), false, row())).toEqual({ kind: 'ignore' });
  });

  it('keeps a reservation the conversation has not applied yet, at the newer seq', () => {
    const pending = row({ pendingSince: T0, decision: decision() });
    expect(observe(conversation({ seq: 5, assigneeId: null }), false, pending)).toEqual({ kind: 'keep', row: { ...pending, seq: 5 } });
  });

  it('a routed notification, a close or another assignee settles a pending reservation', () => {
    const pending = row({ pendingSince: T0, decision: decision() });
    const routed = observe(conversation({ seq: 5, assigneeId: null }), true, pending);
    expect(routed).toEqual({ kind: 'settle', row: null, dequeue: false, cancelReroute: true });
    const closed = observe(conversation({ seq: 5, assigneeId: null, status: 'closed' }), false, pending);
    expect(closed).toEqual({ kind: 'settle', row: null, dequeue: true, cancelReroute: true });
    const other = observe(conversation({ seq: 5, assigneeId: 'usr_b', teamId: 'team_1' }), false, pending);
    expect(other).toMatchObject({ kind: 'settle', row: { userId: 'usr_b', pendingSince: null, decision: null, seq: 5 }, dequeue: true, cancelReroute: true });
  });

  it('a conversation assigned without the router is written as it stands and leaves the queue', () => {
    const o = observe(conversation({ seq: 2, assigneeId: 'usr_c', teamId: null, priority: 'urgent' }), false, null);
    expect(o).toEqual({ kind: 'settle', row: { conversationId: 'cnv_1', userId: 'usr_c', teamId: null, status: 'open', priority: 'urgent', seq: 2, pendingSince: null, decision: null }, dequeue: true, cancelReroute: true });
  });

  it('an unassigned conversation whose priority changed stays queued (its rank follows) and keeps its re-route when the assignee did not change', () => {
    const o = observe(conversation({ seq: 6, assigneeId: null, priority: 'high' }), false, row({ userId: null, priority: 'normal' }));
    expect(o).toEqual({ kind: 'settle', row: null, dequeue: false, cancelReroute: false });
  });
});

describe('released and pending checks', () => {
  it('a refused decision leaves the row the conversation’s state says, or none', () => {
    expect(released('cnv_1', conversation({ assigneeId: 'usr_b', status: 'pending', seq: 9 }))).toMatchObject({ userId: 'usr_b', status: 'pending', seq: 9, pendingSince: null, decision: null });
    expect(released('cnv_1', conversation({ assigneeId: 'usr_b', status: 'closed' }))).toBeNull();
    expect(released('cnv_1', conversation({ assigneeId: null }))).toBeNull();
    expect(released('cnv_1', null)).toBeNull();
  });

  it('an unconfirmed reservation is confirmed when the conversation shows the agent, else released', () => {
    const pending = row({ pendingSince: T0, decision: decision() });
    expect(pendingOutcome(pending, conversation({ assigneeId: 'usr_a', status: 'pending', seq: 8 }))).toEqual({ kind: 'confirm', row: { ...pending, status: 'pending', seq: 8, pendingSince: null } });
    expect(pendingOutcome(pending, conversation({ assigneeId: null }))).toEqual({ kind: 'release' });
    expect(pendingOutcome(pending, null)).toEqual({ kind: 'release' });
  });
});

describe('priorAnswer', () => {
  const queued: QueueRow = { conversationId: 'cnv_1', priorityRank: 1, waitingSince: T0, seq: 3, target: { teamId: null, mode: 'load_balanced', requiredSkills: [], optionalSkills: [], fallback: [] }, decision: decision({ outcome: 'queued', assigneeId: null }) };

  it('a retried request gets the pending decision, or the queued one', () => {
    const d = decision();
    expect(priorAnswer(conversation(), row({ pendingSince: T0, decision: d }), () => queued)).toBe(d);
    expect(priorAnswer(conversation(), null, () => queued)).toBe(queued.decision);
  });

  it('someone took the conversation meanwhile: no decision; otherwise decide afresh (the queue read only then)', () => {
    expect(priorAnswer(conversation({ seq: 3 }), row({ seq: 3 }), () => queued)).toBeNull();
    let reads = 0;
    expect(
      priorAnswer(conversation({ seq: 4 }), row({ seq: 3, status: 'closed' }), () => {
        reads++;
        return null;
      }),
    ).toBeUndefined();
    expect(reads).toBe(1);
    expect(priorAnswer(conversation({ seq: 3 }), row({ seq: 3 }), () => {
      throw new Error('not read');
    })).toBeNull();
  });
});
