// Draining the queues, pure: when someone frees up (comes online, finishes a conversation), waiting
// conversations go to available agents, most urgent and longest waiting first, while anyone can take
// one. Each pick counts toward its agent at once, so later picks in the same pass see the new loads
// and round-robin cursors; the WorkspaceDO then reserves every pick in one synchronous section.
import type { Priority } from '../conversations/model';
import type { QueueRow } from './assignments';
import { cursorKey, describeChoice } from './decide';
import type { RosterAgent, RoutingDecision } from './model';
import { choose, unavailable } from './strategies';

export interface DrainPick {
  /** What to reserve: the queued conversation as the queue knows it. */
  conversation: { id: string; teamId: string | null; status: 'open'; priority: Priority; seq: number };
  decision: RoutingDecision;
  /** Round-robin cursor to persist: [key, userId]. */
  cursor: [string, string] | null;
}

export interface DrainInput {
  /** Waiting conversations in queue order (most urgent, then longest waiting). */
  queue: QueueRow[];
  roster: RosterAgent[];
  /** The persisted round-robin cursor for a key. */
  cursor(key: string): string | null;
  /** Whose load a conversation counts toward now (a stale row of a queued conversation moves, it does not add). */
  countedToward(conversationId: string): string | null;
  now: number;
}

export function anyoneFree(roster: RosterAgent[]): boolean {
  return roster.some((a) => unavailable(a) === null);
}

export function planDrain(input: DrainInput): DrainPick[] {
  const { now } = input;
  // Loads as the picks change them: copies, so the caller's roster stays as the store has it.
  const roster = input.roster.map((a) => ({ ...a }));
  const byId = new Map(roster.map((a) => [a.userId, a]));
  const cursors = new Map<string, string>();
  const picks: DrainPick[] = [];
  if (!anyoneFree(roster)) return picks;
  for (const q of input.queue) {
    const key = cursorKey(q.target.teamId);
    const choice = choose(q.target, roster, cursors.has(key) ? cursors.get(key)! : input.cursor(key));
    if (!choice.agent) continue;
    const waited = Math.round((now - q.waitingSince) / 1000);
    const decision: RoutingDecision = {
      ...q.decision,
      ...describeChoice(choice, q.target, `Waited ${waited} s in the queue; `, q.decision.teamName),
      trigger: 'queue',
      priority: null,
      addTags: [],
      by: null,
      note: null,
      expectAssigneeId: null,
      at: now,
    };
    const cursor: [string, string] | null = q.target.mode === 'round_robin' ? [key, choice.agent.userId] : null;
    if (cursor) cursors.set(key, cursor[1]);
    const before = input.countedToward(q.conversationId);
    const agent = byId.get(choice.agent.userId)!;
    if (before !== agent.userId) {
      const from = before ? byId.get(before) : undefined;
      if (from) from.load = Math.max(0, from.load - 1);
      agent.load++;
    }
    agent.lastAssignedAt = now;
    picks.push({ conversation: { id: q.conversationId, teamId: q.target.teamId, status: 'open', priority: (q.decision.priority ?? 'normal') as Priority, seq: q.seq }, decision, cursor });
    if (!anyoneFree(roster)) break;
  }
  return picks;
}
