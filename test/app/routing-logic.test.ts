// The routing page's pure helpers (web/app/messaging/routing/logic.ts): reordering, the weekly-hours
// text format, comma lists, and the one-line summaries of tester results and routed events.
import { describe, expect, it } from 'vitest';
import { describeTest, formatIntervals, moveItem, parseIntervals, routedText, splitList, type TestResult } from '../../web/app/messaging/routing/logic';

describe('routing page helpers', () => {
  it('moves an item up, down and clamps out-of-range targets', () => {
    expect(moveItem(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, 2)).toEqual(['b', 'c', 'a']);
    expect(moveItem(['a', 'b', 'c'], 1, 99)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b', 'c'], 5, 0)).toEqual(['a', 'b', 'c']);
  });

  it('splits comma lists without empties or duplicates', () => {
    expect(splitList(' refund*, charged twice ,, refund*,')).toEqual(['refund*', 'charged twice']);
    expect(splitList('')).toEqual([]);
  });

  it('parses and formats weekly hours, overnight included, and names a bad part', () => {
    expect(parseIntervals('9:00-12:30, 13:30-18:00')).toEqual([
      ['09:00', '12:30'],
      ['13:30', '18:00'],
    ]);
    expect(parseIntervals('22:00-06:00')).toEqual([['22:00', '06:00']]);
    expect(parseIntervals('')).toEqual([]);
    expect(parseIntervals('9-17')).toEqual({ error: '“9-17” is not HH:MM-HH:MM' });
    expect(parseIntervals('25:00-26:00')).toHaveProperty('error');
    expect(parseIntervals('10:00-10:00')).toHaveProperty('error');
    expect(formatIntervals([['09:00', '17:00'], ['18:00', '24:00']])).toBe('09:00-17:00, 18:00-24:00');
  });

  it('summarises a tester result: rule → team → agent (mode, candidates)', () => {
    const base = { trigger: 'test' as const, priority: null, addTags: [] as string[], step: null, reason: '', by: null, note: null, expectAssigneeId: null, at: 0, conversationId: 'x' };
    const r: TestResult = {
      rule: { id: 'rule_1', name: 'Refunds' },
      isDefault: false,
      trace: [],
      decision: { ...base, outcome: 'assigned', assigneeId: 'u1', assigneeName: 'Sam', teamId: 't1', teamName: 'Billing', rule: { id: 'rule_1', name: 'Refunds', isDefault: false }, mode: 'load_balanced', candidates: { considered: 3, eligible: 2, excluded: {}, top: [] } },
    };
    expect(describeTest(r)).toBe('Rule “Refunds” matched → team Billing → agent Sam (load-balanced, 3 candidates considered)');
    const queued: TestResult = { ...r, rule: null, isDefault: true, decision: { ...r.decision, outcome: 'queued', assigneeId: null, assigneeName: null, teamName: null, mode: 'round_robin', candidates: { considered: 1, eligible: 0, excluded: { offline: 1 }, top: [] } } };
    expect(describeTest(queued)).toBe('No rule matched: the default rule applies → the workspace → queued (nobody available) (round-robin, 1 candidate considered)');
  });

  it('words routed events for the activity feed', () => {
    expect(routedText({ trigger: 'transfer', outcome: 'assigned', assigneeName: 'Sam' }, 'Maria')).toBe('Maria transferred the conversation to Sam');
    expect(routedText({ trigger: 'transfer', outcome: 'queued', assigneeName: null, teamName: 'Billing' }, 'Maria')).toBe('Maria transferred the conversation to the Billing team (queued)');
    expect(routedText({ trigger: 'created', outcome: 'assigned', assigneeName: 'Lee', teamName: 'Care', rule: { id: 'r', name: 'VIP', isDefault: false } }, 'Parley')).toBe('Routed to Lee (Care) by rule “VIP”');
    expect(routedText({ trigger: 'created', outcome: 'queued', teamName: null, rule: { id: null, name: 'Default', isDefault: true } }, 'Parley')).toBe('Queued for the workspace by the default rule: nobody available');
    expect(routedText({ trigger: 'takeover', outcome: 'assigned' }, 'Maria')).toBe('Maria took over the conversation');
  });
});
