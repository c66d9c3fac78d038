// The agent app's SLA countdown logic (web/app/messaging/sla/countdown.ts): texts, tones, spoken
// labels, paused clocks, duration editing and list reordering.
import { describe, expect, it } from 'vitest';
import type { SlaClock, SlaState } from '../../worker/sla/model';
import { deadlineView, joinDuration, longDuration, moveItem, rowSlaView, shortDuration, splitDuration, stateSlaView } from '../../web/app/messaging/sla/countdown';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const NOW = 1_800_000_000_000;

function clock(partial: Partial<SlaClock>): SlaClock {
  return { target: 'firstResponse', startedAt: NOW - H, dueAt: null, warnAt: null, remainingMs: null, metAt: null, breachedAt: null, ...partial };
}
function state(clocks: SlaClock[], status: SlaState['status'] = 'ok'): SlaState {
  return { policyId: 'p1', policyName: 'Standard', clocks, status, dueAt: null, nextWakeAt: null };
}

describe('shortDuration / longDuration', () => {
  it('rounds up while counting down, so a deadline never reads 0 before it passes', () => {
    expect(shortDuration(12 * M)).toBe('12m');
    expect(shortDuration(11 * M + 1)).toBe('12m');
    expect(shortDuration(500)).toBe('1s');
    expect(shortDuration(45 * S)).toBe('45s');
    expect(shortDuration(2 * H + 5 * M)).toBe('2h 5m');
    expect(shortDuration(2 * H)).toBe('2h');
    expect(shortDuration(3 * 24 * H + 4 * H)).toBe('3d 4h');
  });
  it('rounds down for elapsed time (overdue)', () => {
    expect(shortDuration(3 * M + 59 * S, false)).toBe('3m');
    expect(shortDuration(400, false)).toBe('0s');
  });
  it('spells the units out for screen readers', () => {
    expect(longDuration(12 * M)).toBe('12 minutes');
    expect(longDuration(H + M)).toBe('1 hour 1 minute');
    expect(longDuration(S)).toBe('1 second');
  });
});

describe('deadlineView', () => {
  it('is green before the warning time, amber after it, red once the deadline passes', () => {
    expect(deadlineView(NOW + 12 * M, NOW + 3 * M, 'ok', 'firstResponse', NOW)).toEqual({ tone: 'ok', text: '12m', label: 'First response due in 12 minutes', target: 'firstResponse' });
    expect(deadlineView(NOW + 2 * M, NOW - S, 'ok', 'firstResponse', NOW).tone).toBe('warning');
    const over = deadlineView(NOW - 3 * M - 10 * S, null, 'ok', 'resolution', NOW);
    expect(over).toEqual({ tone: 'breached', text: 'overdue 3m', label: 'Resolution overdue by 3 minutes', target: 'resolution' });
  });
  it("follows the server's status when it is worse than the local clock", () => {
    expect(deadlineView(NOW + 10 * M, null, 'warning', null, NOW).tone).toBe('warning');
    expect(deadlineView(NOW + 10 * M, null, 'breached', null, NOW).tone).toBe('breached');
  });
});

describe('rowSlaView', () => {
  it('shows nothing without a policy', () => {
    expect(rowSlaView({ slaStatus: null, slaDueAt: null, status: 'open' }, NOW)).toBeNull();
  });
  it('counts down to the projected deadline', () => {
    expect(rowSlaView({ slaStatus: 'ok', slaDueAt: NOW + 90 * M, status: 'open' }, NOW)).toMatchObject({ tone: 'ok', text: '1h 30m', label: 'SLA due in 1 hour 30 minutes' });
    expect(rowSlaView({ slaStatus: 'warning', slaDueAt: NOW + 5 * M, status: 'open' }, NOW)?.tone).toBe('warning');
  });
  it('reads as paused while the conversation waits, and as breached once met late', () => {
    expect(rowSlaView({ slaStatus: 'ok', slaDueAt: null, status: 'pending' }, NOW)?.tone).toBe('paused');
    expect(rowSlaView({ slaStatus: 'breached', slaDueAt: null, status: 'open' }, NOW)?.tone).toBe('breached');
    expect(rowSlaView({ slaStatus: 'ok', slaDueAt: null, status: 'closed' }, NOW)).toBeNull();
  });
});

describe('stateSlaView', () => {
  it('shows the running clock due first, with its warning time', () => {
    const s = state([clock({ target: 'resolution', dueAt: NOW + 5 * H }), clock({ target: 'firstResponse', dueAt: NOW + 10 * M, warnAt: NOW - S })]);
    expect(stateSlaView(s, NOW)).toMatchObject({ tone: 'warning', text: '10m', label: 'First response due in 10 minutes', target: 'firstResponse' });
  });
  it('shows a paused clock with the time it has left', () => {
    const s = state([clock({ target: 'nextResponse', remainingMs: 40 * M })]);
    expect(stateSlaView(s, NOW)).toMatchObject({ tone: 'paused', text: 'paused 40m', label: 'Next response clock paused with 40 minutes left' });
  });
  it('reads met when every target is met, and nothing without state', () => {
    expect(stateSlaView(state([clock({ metAt: NOW - M })]), NOW)?.tone).toBe('met');
    expect(stateSlaView(null, NOW)).toBeNull();
  });
});

describe('durations in the editors', () => {
  it('round-trips through the largest exact unit', () => {
    expect(splitDuration(2 * H)).toEqual({ value: '2', unit: 'hours' });
    expect(splitDuration(90 * M)).toEqual({ value: '90', unit: 'minutes' });
    expect(splitDuration(3 * 24 * H)).toEqual({ value: '3', unit: 'days' });
    expect(splitDuration(20 * S)).toEqual({ value: '20', unit: 'seconds' });
    expect(splitDuration(null)).toEqual({ value: '', unit: 'hours' });
    expect(joinDuration('1.5', 'hours')).toBe(90 * M);
    expect(joinDuration('', 'hours')).toBeNull();
    expect(joinDuration('-1', 'minutes')).toBeNaN();
    expect(joinDuration('abc', 'minutes')).toBeNaN();
  });
});

describe('moveItem', () => {
  it('moves one item and leaves the input alone', () => {
    const list = ['a', 'b', 'c', 'd'];
    expect(moveItem(list, 0, 2)).toEqual(['b', 'c', 'a', 'd']);
    expect(moveItem(list, 3, 0)).toEqual(['d', 'a', 'b', 'c']);
    expect(moveItem(list, 1, 1)).toBe(list);
    expect(list).toEqual(['a', 'b', 'c', 'd']);
  });
});
