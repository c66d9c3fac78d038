// Escalation paths, pure: matching by trigger and conditions, level timing (late wakes run several
// levels in order), resolution, and priority raising.
import { describe, expect, it } from 'vitest';
import { dueEscalationLevels, matchEscalationPath, raisedPriority, resolveEscalation, startEscalation, type EscalationFacts } from '../../worker/sla/escalation';
import type { EscalationPath } from '../../worker/sla/model';

const M = 60_000;
const T0 = 1_772_600_000_000;

const path = (over: Partial<EscalationPath> = {}): EscalationPath => ({
  id: 'esc_default',
  name: 'Default',
  enabled: true,
  position: 0,
  triggers: ['breach'],
  conditions: { priorities: [], channels: [], contactTags: [] },
  levels: [
    { delayMs: 0, name: 'L1', actions: [{ type: 'reassign', to: 'team', teamId: 'team_l1' }] },
    { delayMs: 30 * M, name: 'L2', actions: [{ type: 'reassign', to: 'team', teamId: 'team_l2' }, { type: 'raise_priority' }] },
    { delayMs: 60 * M, name: 'Manager', actions: [{ type: 'notify', channels: ['in_app', 'email'], recipients: { userIds: [], roles: ['manager'], assignee: true } }] },
  ],
  ...over,
});

describe('matchEscalationPath', () => {
  const facts: EscalationFacts = { priority: 'high', channel: 'whatsapp', contactTags: ['VIP'] };
  const cases: { name: string; paths: Partial<EscalationPath>[]; trigger: 'breach' | 'vip' | 'alert' | 'manual'; facts?: Partial<EscalationFacts>; pathId?: string; expect: string | null }[] = [
    { name: 'trigger must be listed', paths: [{ triggers: ['vip'] }], trigger: 'breach', expect: null },
    { name: 'trigger listed', paths: [{ triggers: ['vip', 'breach'] }], trigger: 'breach', expect: 'esc_default' },
    { name: 'manual accepts any enabled path', paths: [{ triggers: ['alert'] }], trigger: 'manual', expect: 'esc_default' },
    { name: 'disabled never matches', paths: [{ enabled: false }], trigger: 'breach', expect: null },
    { name: 'priority condition', paths: [{ conditions: { priorities: ['urgent'], channels: [], contactTags: [] } }], trigger: 'breach', expect: null },
    { name: 'priority condition met', paths: [{ conditions: { priorities: ['high', 'urgent'], channels: [], contactTags: [] } }], trigger: 'breach', expect: 'esc_default' },
    { name: 'channel condition', paths: [{ conditions: { priorities: [], channels: ['email'], contactTags: [] } }], trigger: 'breach', expect: null },
    { name: 'VIP by tag, case-insensitive', paths: [{ triggers: ['vip'], conditions: { priorities: [], channels: [], contactTags: ['vip'] } }], trigger: 'vip', expect: 'esc_default' },
    { name: 'VIP tag missing', paths: [{ triggers: ['vip'], conditions: { priorities: [], channels: [], contactTags: ['vip'] } }], trigger: 'vip', facts: { contactTags: [] }, expect: null },
    {
      name: 'first by position',
      paths: [
        { id: 'b', position: 2 },
        { id: 'a', position: 1 },
      ],
      trigger: 'breach',
      expect: 'a',
    },
    { name: 'explicit pathId wins over triggers and conditions', paths: [{ id: 'x', triggers: ['vip'], conditions: { priorities: ['low'], channels: [], contactTags: [] } }, { id: 'y' }], trigger: 'alert', pathId: 'x', expect: 'x' },
    { name: 'explicit pathId of a disabled path falls back to matching', paths: [{ id: 'x', enabled: false }, { id: 'y', triggers: ['alert'] }], trigger: 'alert', pathId: 'x', expect: 'y' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(matchEscalationPath(c.paths.map((p) => path(p)), c.trigger, { ...facts, ...c.facts }, c.pathId)?.id ?? null).toBe(c.expect);
    });
  }
});

describe('escalation levels', () => {
  it('L1 → L2 → manager, each after its delay; the last level leaves nextLevelAt null', () => {
    const p = path();
    let s = startEscalation(p, 'breach', 'firstResponse breached', 'esc_1', T0);
    expect(s).toEqual({ id: 'esc_1', pathId: 'esc_default', pathName: 'Default', trigger: 'breach', reason: 'firstResponse breached', level: 0, startedAt: T0, nextLevelAt: T0, resolvedAt: null });

    let r = dueEscalationLevels(s, p, T0);
    expect(r.levels.map((l) => [l.index, l.level.name])).toEqual([[0, 'L1']]);
    s = r.state;
    expect(s).toMatchObject({ level: 1, nextLevelAt: T0 + 30 * M });

    r = dueEscalationLevels(s, p, T0 + 30 * M - 1); // early: nothing, same state
    expect(r.levels).toEqual([]);
    expect(r.state).toBe(s);

    r = dueEscalationLevels(s, p, T0 + 30 * M);
    expect(r.levels.map((l) => l.level.name)).toEqual(['L2']);
    expect(r.levels[0].level.actions).toContainEqual({ type: 'raise_priority' });
    s = r.state;
    expect(s).toMatchObject({ level: 2, nextLevelAt: T0 + 90 * M });

    r = dueEscalationLevels(s, p, T0 + 90 * M + 5);
    expect(r.levels.map((l) => l.level.name)).toEqual(['Manager']);
    s = r.state;
    expect(s).toMatchObject({ level: 3, nextLevelAt: null });
    expect(dueEscalationLevels(s, p, T0 + 1000 * M).levels).toEqual([]);
  });

  it('a late wake runs every due level in order, keeping the path timeline', () => {
    const p = path({ levels: [{ delayMs: 10 * M, name: 'L1', actions: [] }, ...path().levels.slice(1)] });
    const s = startEscalation(p, 'alert', 'angry customer', 'esc_2', T0);
    expect(s.nextLevelAt).toBe(T0 + 10 * M);
    const r = dueEscalationLevels(s, p, T0 + 50 * M);
    expect(r.levels.map((l) => [l.index, l.level.name])).toEqual([
      [0, 'L1'],
      [1, 'L2'],
    ]);
    expect(r.state).toMatchObject({ level: 2, nextLevelAt: T0 + 100 * M });
    const all = dueEscalationLevels(s, p, T0 + 10_000 * M);
    expect(all.levels.map((l) => l.index)).toEqual([0, 1, 2]);
    expect(all.state.nextLevelAt).toBeNull();
  });

  it('a path without levels starts with nothing to run', () => {
    const s = startEscalation(path({ levels: [] }), 'manual', 'by hand', 'esc_3', T0);
    expect(s).toMatchObject({ level: 0, nextLevelAt: null });
  });

  it('a path that lost levels since the episode started stops at its end', () => {
    const p = path();
    const s = dueEscalationLevels(startEscalation(p, 'breach', 'x', 'esc_4', T0), p, T0).state;
    const shorter = { ...p, levels: p.levels.slice(0, 1) };
    const r = dueEscalationLevels(s, shorter, T0 + 1000 * M);
    expect(r.levels).toEqual([]);
    expect(r.state).toMatchObject({ level: 1, nextLevelAt: null });
  });

  it('resolving stops further levels and keeps the first resolution time', () => {
    const p = path();
    const s = resolveEscalation(dueEscalationLevels(startEscalation(p, 'breach', 'x', 'esc_5', T0), p, T0).state, T0 + 5 * M);
    expect(s).toMatchObject({ resolvedAt: T0 + 5 * M, nextLevelAt: null, level: 1 });
    expect(dueEscalationLevels(s, p, T0 + 1000 * M).levels).toEqual([]);
    expect(resolveEscalation(s, T0 + 9 * M).resolvedAt).toBe(T0 + 5 * M);
  });
});

describe('raisedPriority', () => {
  const cases: [Parameters<typeof raisedPriority>[0], Parameters<typeof raisedPriority>[1], string][] = [
    ['low', undefined, 'normal'],
    ['normal', undefined, 'high'],
    ['high', undefined, 'urgent'],
    ['urgent', undefined, 'urgent'],
    ['low', 'urgent', 'urgent'],
    ['high', 'normal', 'high'], // never lowers
    ['high', 'high', 'high'],
  ];
  for (const [current, to, expected] of cases) {
    it(`${current} ${to ? `to ${to}` : 'one step'} → ${expected}`, () => expect(raisedPriority(current, to)).toBe(expected));
  }
});
