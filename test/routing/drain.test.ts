// Draining the queues, pure (worker/routing/drain.ts): order, capacity, round-robin cursors and the
// loads that later picks in one pass see.
import { describe, expect, it } from 'vitest';
import type { QueueRow } from '../../worker/routing/assignments';
import { anyoneFree, planDrain } from '../../worker/routing/drain';
import { NO_CANDIDATES, type RosterAgent, type RoutingDecision } from '../../worker/routing/model';
import type { Target } from '../../worker/routing/strategies';

const T0 = 1_700_000_000_000;

function agent(userId: string, over: Partial<RosterAgent> = {}): RosterAgent {
  return { userId, name: userId.toUpperCase(), status: 'online', load: 0, capacity: 2, skills: [], languages: [], teamIds: ['t1'], lastAssignedAt: 0, ...over };
}

function target(over: Partial<Target> = {}): Target {
  return { teamId: 't1', mode: 'load_balanced', requiredSkills: [], optionalSkills: [], fallback: [], ...over };
}

function queued(id: string, over: Partial<QueueRow> = {}, waitingSince = T0): QueueRow {
  const decision: RoutingDecision = {
    conversationId: id,
    trigger: 'created',
    outcome: 'queued',
    assigneeId: null,
    assigneeName: null,
    teamId: 't1',
    teamName: 'Support',
    priority: 'high',
    addTags: ['vip'],
    rule: { id: 'rul_1', name: 'VIP', isDefault: false },
    mode: 'load_balanced',
    step: 'queue',
    reason: 'nobody available',
    candidates: NO_CANDIDATES,
    by: null,
    note: null,
    expectAssigneeId: null,
    at: T0,
  };
  return { conversationId: id, priorityRank: 2, waitingSince, seq: 4, target: target(), decision, ...over };
}

const none = () => null;

describe('planDrain', () => {
  it('nobody free: no picks', () => {
    const roster = [agent('a', { status: 'away' }), agent('b', { load: 2 })];
    expect(anyoneFree(roster)).toBe(false);
    expect(planDrain({ queue: [queued('c1')], roster, cursor: none, countedToward: none, now: T0 })).toEqual([]);
  });

  it('gives waiting conversations in queue order to free agents until everyone is full, each pick seeing the loads before it', () => {
    const roster = [agent('a'), agent('b', { load: 1 })];
    const queue = ['c1', 'c2', 'c3', 'c4'].map((id) => queued(id));
    const picks = planDrain({ queue, roster, cursor: none, countedToward: none, now: T0 + 30_000 });
    // a (0/2) → c1; then a and b tie at 1/2, b idle longer → c2; then a → c3; everyone full, c4 waits.
    expect(picks.map((p) => [p.conversation.id, p.decision.assigneeId])).toEqual([
      ['c1', 'a'],
      ['c2', 'b'],
      ['c3', 'a'],
    ]);
    // The caller's roster is untouched: the store moves the loads when it reserves.
    expect(roster.map((a) => a.load)).toEqual([0, 1]);
  });

  it('a queue decision keeps the queued rule and team, explains the wait, and is reserved as the queue knows the conversation', () => {
    const [p] = planDrain({ queue: [queued('c1', {}, T0)], roster: [agent('a')], cursor: none, countedToward: none, now: T0 + 42_000 });
    expect(p.decision).toMatchObject({ conversationId: 'c1', trigger: 'queue', outcome: 'assigned', assigneeId: 'a', teamId: 't1', rule: { id: 'rul_1' }, priority: null, addTags: [], expectAssigneeId: null, at: T0 + 42_000 });
    expect(p.decision.reason).toMatch(/^Waited 42 s in the queue; Support, load-balanced: A/);
    expect(p.conversation).toEqual({ id: 'c1', teamId: 't1', status: 'open', priority: 'high', seq: 4 });
    expect(p.cursor).toBeNull();
  });

  it('skips a conversation nobody in its team can take and serves the next', () => {
    const queue = [queued('c1', { target: target({ teamId: 't2' }) }), queued('c2')];
    const picks = planDrain({ queue, roster: [agent('a')], cursor: none, countedToward: none, now: T0 });
    expect(picks.map((p) => p.conversation.id)).toEqual(['c2']);
  });

  it('round-robin moves its cursor with every pick of the pass, starting from the stored one', () => {
    const rr = target({ mode: 'round_robin' });
    const queue = ['c1', 'c2', 'c3'].map((id) => queued(id, { target: rr }));
    const roster = [agent('a', { capacity: 5 }), agent('b', { capacity: 5 }), agent('c', { capacity: 5 })];
    const picks = planDrain({ queue, roster, cursor: (key) => (key === 't1' ? 'a' : null), countedToward: none, now: T0 });
    expect(picks.map((p) => p.decision.assigneeId)).toEqual(['b', 'c', 'a']);
    expect(picks.map((p) => p.cursor)).toEqual([
      ['t1', 'b'],
      ['t1', 'c'],
      ['t1', 'a'],
    ]);
  });

  it('a queued conversation still counted toward someone moves that load instead of adding to it', () => {
    // b's load already counts c1 (a stale row): giving c1 to b adds nothing, so b still has room for c2.
    const roster = [agent('a', { capacity: 1, load: 1, lastAssignedAt: 1 }), agent('b', { capacity: 2, load: 1, lastAssignedAt: 0 })];
    const picks = planDrain({ queue: [queued('c1'), queued('c2')], roster, cursor: none, countedToward: (id) => (id === 'c1' ? 'b' : null), now: T0 });
    expect(picks.map((p) => [p.conversation.id, p.decision.assigneeId])).toEqual([
      ['c1', 'b'],
      ['c2', 'b'],
    ]);
  });
});
