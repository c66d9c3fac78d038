// The analytics dashboard's pure side (web/app/messaging/analytics/model.ts): the range a preset or
// custom dates mean, the previous period, the chart interval, the shared query, and the deltas' words.
import { describe, expect, it } from 'vitest';
import { addDays, baseQuery, daysBetween, delta, duration, intervalOf, previousOf, rangeOf, share } from '../../web/app/messaging/analytics/model';

const TODAY = '2026-03-30';
const at = (s: string) => rangeOf(new URLSearchParams(s), TODAY);

describe('analytics dashboard ranges', () => {
  it('presets end today and count today in; the default is seven days', () => {
    expect(at('')).toEqual({ preset: '7d', from: '2026-03-24', to: TODAY, days: 7 });
    expect(at('range=today')).toMatchObject({ from: TODAY, to: TODAY, days: 1 });
    expect(at('range=30d')).toMatchObject({ from: '2026-03-01', to: TODAY, days: 30 });
    expect(at('range=90d')).toMatchObject({ from: '2025-12-31', days: 90 });
  });

  it('calendar arithmetic ignores DST (Madrid moved its clocks on 29 March 2026)', () => {
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(3);
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });

  it('custom dates are taken when valid, else the default', () => {
    expect(at('range=custom&from=2026-02-01&to=2026-02-28')).toEqual({ preset: 'custom', from: '2026-02-01', to: '2026-02-28', days: 28 });
    expect(at('range=custom&from=2026-02-28&to=2026-02-01').preset).toBe('7d');
    expect(at('range=custom&from=2026-02-30&to=2026-03-01').preset).toBe('7d');
    expect(at('range=custom&from=2024-01-01&to=2026-03-01').preset).toBe('7d');
    expect(at('range=bogus').preset).toBe('7d');
  });

  it('the previous period has the same length and ends the day before', () => {
    expect(previousOf(at('range=7d'))).toMatchObject({ from: '2026-03-17', to: '2026-03-23', days: 7 });
    expect(previousOf(at('range=today'))).toMatchObject({ from: '2026-03-29', to: '2026-03-29' });
  });

  it('hours for a day, days up to two months, weeks beyond', () => {
    expect(intervalOf(at('range=today'))).toBe('hour');
    expect(intervalOf(at('range=30d'))).toBe('day');
    expect(intervalOf(at('range=90d'))).toBe('week');
  });

  it('the shared query carries the zone and only the filters set', () => {
    expect(baseQuery(at('range=7d'), { channel: 'email', inboxId: '', teamId: 'team_1', agentId: '' }, 'Europe/Madrid')).toEqual({ from: '2026-03-24', to: TODAY, tz: 'Europe/Madrid', channel: 'email', teamId: 'team_1' });
  });
});

describe('analytics dashboard wording', () => {
  it('durations and shares', () => {
    expect(duration(null)).toBe('—');
    expect(duration(0.174)).toBe('0.2 s');
    expect(duration(42)).toBe('42 s');
    expect(duration(420)).toBe('7 min');
    expect(duration(3 * 3600 + 1800)).toBe('3.5 h');
    expect(duration(86_400 * 2.1)).toBe('2.1 d');
    expect(share(0.3333)).toBe('33.3%');
    expect(share(null)).toBe('—');
  });

  it('a delta says which way, by how much and whether it is better, in words as well as colour', () => {
    const time = { higherIsBetter: false, kind: 'time' as const, format: duration };
    expect(delta(60, 120, time)).toMatchObject({ dir: 'down', good: true, text: '−50%' });
    expect(delta(60, 120, time).said).toBe('down 50% from 2 min in the previous period, better');
    expect(delta(0.8, 0.5, { higherIsBetter: true, kind: 'share', format: share })).toMatchObject({ dir: 'up', good: true, text: '+30 pts' });
    expect(delta(5, 0, { higherIsBetter: true, kind: 'count', format: String })).toMatchObject({ dir: 'up', text: '+5' });
    expect(delta(5, 5, time)).toMatchObject({ dir: 'flat', good: null, text: 'no change' });
    expect(delta(5, null, time)).toMatchObject({ dir: 'none', good: null });
  });
});
