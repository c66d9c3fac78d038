// The pure fold of events into analytics facts: every figure against a hand-computed stream (no server).
import { describe, expect, it } from 'vitest';
import { foldFacts, type FactsState } from '../../worker/analytics/facts';
import { bucketCount, bucketKey, bucketKeys, bucketStart, offsetSpans } from '../../worker/analytics/buckets';
import { stats } from '../../worker/analytics/metrics';
import type { Calendar } from '../../worker/routing/business-hours';
import { S, Stream, T0 } from './fold';

const ALWAYS: Calendar = { timezone: 'UTC', hours: null };
const OFFICE: Calendar = { timezone: 'UTC', hours: { '1': [['09:00', '17:00']], '2': [['09:00', '17:00']], '3': [['09:00', '17:00']], '4': [['09:00', '17:00']], '5': [['09:00', '17:00']] } };
const H = 3600 * S;

describe('facts fold', () => {
  it('first response, responses, messages and resolution of one cycle', () => {
    const s = new Stream().customer(T0).agent(T0 + 90 * S).customer(T0 + 200 * S).customer(T0 + 210 * S).agent(T0 + 260 * S).status(T0 + 600 * S, 'closed');
    const r = foldFacts(null, s.events, ALWAYS);
    expect(r.gap).toBe(false);
    expect(r.applied).toBe(s.events.length);
    expect(r.state!.facts).toMatchObject({
      createdAt: T0,
      firstResponseAt: T0 + 90 * S,
      firstResponseS: 90,
      messagesIn: 3,
      messagesOut: 2,
      responses: 2,
      // 90 s, then the wait from the first unanswered message (200) to the reply (260).
      responseSTotal: 150,
      resolvedAt: T0 + 600 * S,
      resolutionS: 600,
      status: 'closed',
      reopens: 0,
      lastSeq: s.events.length,
    });
    expect(r.responses.map((x) => [x.responseS, x.first, x.cycle])).toEqual([
      [90, true, 1],
      [60, false, 1],
    ]);
    expect(r.cycles).toEqual([expect.objectContaining({ cycle: 1, startedAt: T0, firstResponseS: 90, resolutionS: 600 })]);
  });

  it('a reopen starts a second cycle with its own first response, labelled; the conversation keeps cycle 1’s', () => {
    const s = new Stream().customer(T0).agent(T0 + 90 * S).status(T0 + 600 * S, 'closed');
    s.customer(T0 + 3600 * S, 'it broke again').agent(T0 + 3630 * S).status(T0 + 4000 * S, 'closed');
    const r = foldFacts(null, s.events, ALWAYS);
    const f = r.state!.facts;
    expect(f).toMatchObject({ reopens: 1, cycle: 2, firstResponseS: 90, resolvedAt: T0 + 4000 * S, resolutionS: 4000, responses: 2 });
    expect(r.cycles.map((c) => [c.cycle, c.startedAt, c.firstResponseS, c.resolutionS])).toEqual([
      [1, T0, 90, 600],
      [2, T0 + 3600 * S, 30, 400],
    ]);
    expect(r.responses.map((x) => [x.cycle, x.first, x.responseS])).toEqual([
      [1, true, 90],
      [2, true, 30],
    ]);
  });

  it('while reopened the conversation counts as unresolved; closing without a reply is no response', () => {
    const s = new Stream().customer(T0).status(T0 + 60 * S, 'closed').customer(T0 + 120 * S);
    const f = foldFacts(null, s.events, ALWAYS).state!.facts;
    expect(f).toMatchObject({ reopens: 1, resolvedAt: null, resolutionS: null, firstResponseS: null, responses: 0, waitingSince: T0 + 120 * S });
  });

  it('snooze, wake-up and pending are not reopens; notes, system messages and unprompted replies are not responses', () => {
    const s = new Stream()
      .customer(T0)
      .agent(T0 + 10 * S, 'usr_a', { note: true })
      .agent(T0 + 20 * S, 'usr_a', { authorType: 'system' })
      .status(T0 + 30 * S, 'snoozed')
      .status(T0 + 3600 * S, 'open')
      .agent(T0 + 3700 * S)
      .agent(T0 + 3800 * S)
      .status(T0 + 3900 * S, 'pending')
      .status(T0 + 4000 * S, 'open');
    const r = foldFacts(null, s.events, ALWAYS);
    expect(r.state!.facts).toMatchObject({ reopens: 0, cycle: 1, responses: 1, firstResponseS: 3700, messagesOut: 3, resolvedAt: null });
    expect(r.cycles).toHaveLength(1);
  });

  it('business hours: a Friday 16:00 message answered Monday 10:00 waited 66 h, 2 business hours', () => {
    const fri16 = T0 + 6 * H; // Friday 16:00 UTC
    const mon10 = fri16 + 66 * H;
    const s = new Stream('cnv_bh', 'ws_fold', fri16).customer(fri16).agent(mon10).status(mon10 + H, 'closed');
    const r = foldFacts(null, s.events, OFFICE);
    expect(r.state!.facts).toMatchObject({ firstResponseS: 66 * 3600, firstResponseBhS: 2 * 3600, resolutionS: 67 * 3600, resolutionBhS: 3 * 3600 });
    expect(r.responses[0]).toMatchObject({ responseS: 66 * 3600, responseBhS: 7200 });
  });

  it('a transfer moves the handling agent: the response and the resolved cycle are the new agent’s', () => {
    const s = new Stream().assign(T0, 'usr_a', 'tm_1').customer(T0 + S).assign(T0 + 60 * S, 'usr_b', 'tm_2').agent(T0 + 90 * S, 'usr_b').status(T0 + 100 * S, 'closed');
    s.assign(T0 + 200 * S, null, null);
    const r = foldFacts(null, s.events, ALWAYS);
    expect(r.state!.facts).toMatchObject({ assigneeId: null, teamId: null });
    expect(r.responses[0]).toMatchObject({ assigneeId: 'usr_b', teamId: 'tm_2', responderId: 'usr_b', responseS: 89 });
    // Unassigned after it was resolved: the cycle keeps the agent who resolved it.
    expect(r.cycles[0]).toMatchObject({ assigneeId: 'usr_b', teamId: 'tm_2', responderId: 'usr_b' });
  });

  it('SLA outcomes per target: met, breached, a late met is a breach, and a breach is never undone', () => {
    const s = new Stream().customer(T0).sla(T0 + S, 'sla.met', 'firstResponse').sla(T0 + 2 * S, 'sla.breached', 'resolution').sla(T0 + 3 * S, 'sla.met', 'resolution').escalate(T0 + 4 * S).escalate(T0 + 5 * S);
    expect(foldFacts(null, s.events, ALWAYS).state!.facts).toMatchObject({ slaFirstResponse: 'met', slaResolution: 'breached', escalations: 2 });
    const late = new Stream().customer(T0).sla(T0 + S, 'sla.met', 'firstResponse', true);
    expect(foldFacts(null, late.events, ALWAYS).state!.facts.slaFirstResponse).toBe('breached');
  });

  it('is idempotent by seq: redelivery and duplicates change nothing; batches fold to the same facts as one', () => {
    const s = new Stream().customer(T0).agent(T0 + 90 * S).status(T0 + 600 * S, 'closed').customer(T0 + 700 * S).agent(T0 + 730 * S);
    const whole = foldFacts(null, s.events, ALWAYS);
    let state: FactsState | null = null;
    const responses = [];
    for (const part of [s.events.slice(0, 2), [...s.events.slice(0, 4), s.events[3]], s.events.slice(2)]) {
      const r = foldFacts(state, part, ALWAYS);
      state = r.state;
      responses.push(...r.responses);
    }
    expect(state!.facts).toEqual(whole.state!.facts);
    expect(responses).toEqual(whole.responses);
    const again = foldFacts(state, s.events, ALWAYS);
    expect(again.applied).toBe(0);
    expect(again.responses).toEqual([]);
    expect(again.state!.facts).toEqual(whole.state!.facts);
  });

  it('stops at a gap (an earlier event still being retried) and never starts a conversation mid-stream', () => {
    const s = new Stream().customer(T0).agent(T0 + 90 * S).status(T0 + 600 * S, 'closed');
    const first = foldFacts(null, s.events.slice(0, 2), ALWAYS);
    const gapped = foldFacts(first.state, [s.events[3]], ALWAYS);
    expect(gapped).toMatchObject({ gap: true, applied: 0 });
    expect(gapped.state!.facts.lastSeq).toBe(2);
    const partial = foldFacts(first.state, [s.events[2], s.events[3]].reverse(), ALWAYS);
    expect(partial).toMatchObject({ gap: false, applied: 2 });
    expect(foldFacts(null, s.events.slice(1), ALWAYS)).toMatchObject({ gap: true, applied: 0, state: null });
  });
});

describe('metrics and buckets', () => {
  it('nearest-rank median and p90, and the mean', () => {
    expect(stats([5, 1, 3, 2, 4])).toEqual({ count: 5, median: 3, p90: 5, avg: 3 });
    expect(stats([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual({ count: 10, median: 5, p90: 9, avg: 5.5 });
    expect(stats([])).toEqual({ count: 0, median: null, p90: null, avg: null });
  });

  it('local days across a DST change (Europe/Madrid, 25 October 2026 has 25 hours)', () => {
    const tz = 'Europe/Madrid';
    const from = Date.UTC(2026, 9, 23, 22); // 24 Oct 00:00 CEST
    const to = Date.UTC(2026, 9, 26, 23); // 27 Oct 00:00 CET
    const keys = bucketKeys(from, to, 'day', tz);
    expect(keys).toHaveLength(3);
    expect(keys.map((k) => bucketStart(k, 'day', tz))).toEqual([from, Date.UTC(2026, 9, 24, 22), Date.UTC(2026, 9, 25, 23)]);
    // Hour buckets are local clock hours: the repeated 02:00–03:00 is one bucket (72 of them for 73 hours).
    expect(bucketCount(from, to, 'hour', tz)).toBe(72);
    const spans = offsetSpans(from, to, tz);
    expect(spans).toEqual([
      { until: Date.UTC(2026, 9, 25, 1), offset: 2 * 3600_000 },
      { until: null, offset: 3600_000 },
    ]);
    expect(bucketKey(Date.UTC(2026, 9, 26, 22, 59), 'day', tz)).toBe(keys[2]);
    // Weeks start on Monday: Monday 26 October 00:00 local.
    expect(bucketStart(bucketKey(Date.UTC(2026, 9, 28, 12), 'week', tz), 'week', tz)).toBe(Date.UTC(2026, 9, 25, 23));
  });
});
