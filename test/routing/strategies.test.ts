// Assignment strategies, pure: round-robin evenness, load balancing, skill matching and the fallback chain.
import { describe, expect, it } from 'vitest';
import type { RosterAgent } from '../../worker/routing/model';
import { choose, loadBalanced, roundRobin, skillBased, type Target } from '../../worker/routing/strategies';

function agent(userId: string, over: Partial<RosterAgent> = {}): RosterAgent {
  return { userId, name: userId.toUpperCase(), status: 'online', load: 0, capacity: 10, skills: [], languages: [], teamIds: ['t1'], lastAssignedAt: 0, ...over };
}

describe('round-robin', () => {
  it('stays within ±1 over 1,000 assignments, whatever the loads', () => {
    const roster = Array.from({ length: 7 }, (_, i) => agent(`a${i}`, { capacity: 1000, load: i * 50 }));
    const counts = new Map<string, number>();
    let cursor: string | null = null;
    for (let n = 0; n < 1000; n++) {
      const c = roundRobin(roster, cursor);
      cursor = c.cursor;
      c.agent!.load++;
      counts.set(c.agent!.userId, (counts.get(c.agent!.userId) ?? 0) + 1);
    }
    const values = [...counts.values()];
    expect(values.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(1);
  });

  it('skips offline, away and full agents without losing the turn order', () => {
    const roster = [agent('a'), agent('b', { status: 'away' }), agent('c', { load: 10 }), agent('d'), agent('e', { status: 'offline' })];
    expect(roundRobin(roster, null).agent!.userId).toBe('a');
    expect(roundRobin(roster, 'a').agent!.userId).toBe('d');
    expect(roundRobin(roster, 'd').agent!.userId).toBe('a'); // wraps
    const explained = roundRobin(roster, 'a').candidates;
    expect(explained.excluded).toEqual({ away: 1, at_capacity: 1, offline: 1 });
    expect(explained.top.find((c) => c.userId === 'c')!.reason).toBe('at capacity 10/10');
  });

  it('a cursor for someone who left the team continues with the next id', () => {
    expect(roundRobin([agent('a'), agent('c')], 'b').agent!.userId).toBe('c');
    expect(roundRobin([agent('a'), agent('c')], 'z').agent!.userId).toBe('a');
  });

  it('nobody available: no agent, the cursor stays', () => {
    const c = roundRobin([agent('a', { status: 'offline' })], 'a');
    expect(c.agent).toBeNull();
    expect(c.cursor).toBe('a');
  });
});

describe('load-balanced', () => {
  it('picks the lowest load relative to capacity', () => {
    const roster = [agent('a', { load: 2, capacity: 4 }), agent('b', { load: 3, capacity: 10 }), agent('c', { load: 0, capacity: 0 })];
    expect(loadBalanced(roster).agent!.userId).toBe('b'); // 30 % beats 50 %; capacity 0 never takes work
  });

  it('breaks ties by the longest idle', () => {
    const roster = [agent('a', { load: 1, lastAssignedAt: 500 }), agent('b', { load: 1, lastAssignedAt: 100 }), agent('c', { load: 1, lastAssignedAt: 300 })];
    expect(loadBalanced(roster).agent!.userId).toBe('b');
  });

  it('is presence-aware and never goes over capacity', () => {
    const roster = [agent('a', { status: 'away' }), agent('b', { load: 3, capacity: 3 }), agent('c', { load: 2, capacity: 3 })];
    const first = loadBalanced(roster);
    expect(first.agent!.userId).toBe('c');
    first.agent!.load++;
    expect(loadBalanced(roster).agent).toBeNull();
  });

  it('spreads a burst so loads stay level', () => {
    const roster = Array.from({ length: 5 }, (_, i) => agent(`a${i}`, { capacity: 8 }));
    for (let n = 0; n < 40; n++) {
      const c = loadBalanced(roster);
      c.agent!.load++;
      c.agent!.lastAssignedAt = n + 1;
    }
    expect(roster.map((a) => a.load)).toEqual([8, 8, 8, 8, 8]);
    expect(loadBalanced(roster).agent).toBeNull();
  });
});

describe('skill-based', () => {
  const team = [
    agent('ana', { skills: ['billing', 'vip'], languages: ['es'], load: 3 }),
    agent('ben', { skills: ['billing'], languages: ['en'], load: 0 }),
    agent('cai', { skills: ['billing', 'vip'], languages: ['es', 'en'], load: 5 }),
    agent('dee', { skills: ['shipping'], languages: ['es'], load: 0 }),
  ];
  const elsewhere = agent('eve', { skills: ['billing'], languages: ['fr'], teamIds: ['t2'] });

  it('only agents with every required skill; best optional match, then load', () => {
    const c = skillBased(team, [...team, elsewhere], ['billing'], ['vip', 'es'], ['relax_optional']);
    expect(c.agent!.userId).toBe('ana'); // strict: billing + vip + es; ana (3/10) beats cai (5/10)
    expect(c.step).toBe('strict');
  });

  it('relax optional: the best partial match among those with the required skills', () => {
    const busy = team.map((a) => (a.userId === 'ana' || a.userId === 'cai' ? { ...a, status: 'away' as const } : a));
    const c = skillBased(busy, busy, ['billing'], ['vip', 'es'], ['relax_optional']);
    expect(c.agent!.userId).toBe('ben');
    expect(c.step).toBe('relax_optional');
    expect(c.tried).toEqual(['strict']);
  });

  it('without relax_optional, optional skills are strict: nobody means queued', () => {
    const busy = team.map((a) => (a.userId === 'ana' || a.userId === 'cai' ? { ...a, status: 'offline' as const } : a));
    const c = skillBased(busy, busy, ['billing'], ['vip'], []);
    expect(c.agent).toBeNull();
    expect(c.candidates.excluded.missing_skills).toBe(2);
  });

  it('falls back through the chain in the configured order: team, then workspace', () => {
    const french = ['fr'];
    // Nobody in the team speaks French: "team" takes any team member, best skill match first.
    const viaTeam = skillBased(team, [...team, elsewhere], french, [], ['relax_optional', 'team', 'workspace']);
    expect(viaTeam.step).toBe('team');
    // With "workspace" first, a French speaker elsewhere wins.
    const viaWorkspace = skillBased(team, [...team, elsewhere], french, [], ['workspace', 'team']);
    expect(viaWorkspace.agent!.userId).toBe('eve');
    expect(viaWorkspace.step).toBe('workspace');
    expect(viaWorkspace.tried).toEqual(['strict']);
    // Chain exhausted: queued, and the explanation says why.
    const queued = skillBased(team, team, french, [], ['relax_optional']);
    expect(queued.agent).toBeNull();
    expect(queued.tried).toEqual(['strict', 'relax_optional']);
    expect(queued.candidates.top.every((c) => c.reason.startsWith('missing skills'))).toBe(true);
  });

  it('skills and languages match case-insensitively and capacity still holds', () => {
    const full = [agent('x', { skills: ['Billing'], load: 2, capacity: 2 }), agent('y', { languages: ['ES'], skills: ['billing'] })];
    const c = skillBased(full, full, ['billing', 'es'], [], []);
    expect(c.agent!.userId).toBe('y');
  });

  it('choose() dispatches on the mode over the target team', () => {
    const roster = [agent('a', { teamIds: ['t1'] }), agent('b', { teamIds: ['t2'], load: 0 }), agent('c', { teamIds: ['t1'], load: 1 })];
    const target: Target = { teamId: 't1', mode: 'load_balanced', requiredSkills: [], optionalSkills: [], fallback: [] };
    expect(choose(target, roster, null).agent!.userId).toBe('a');
    expect(choose({ ...target, teamId: null }, roster, null).candidates.considered).toBe(3);
    expect(choose(target, roster, null, new Set(['a'])).agent!.userId).toBe('c');
  });
});
