// Escalation metrics: the pure figures (computeMetrics, percentile) and GET /api/escalations/metrics over
// projection and episode rows written into D1.
import { describe, expect, it } from 'vitest';
import { computeMetrics, percentile } from '../../worker/sla/metrics';
import { addMember, call, expectProblem, newWorkspace } from '../helpers';
import { contactRow, episodeRow, projectionRow } from './api-fixtures';

const MIN = 60_000;

describe('computeMetrics', () => {
  it('figures rate, time to resolve, re-escalations and triggers for episodes started in the window', () => {
    const m = computeMetrics(1000, 2000, 10, [
      { conversationId: 'a', trigger: 'breach', startedAt: 1000, resolvedAt: 1100 },
      { conversationId: 'a', trigger: 'manual', startedAt: 1500, resolvedAt: 1900 },
      { conversationId: 'b', trigger: 'vip', startedAt: 1200, resolvedAt: null },
      { conversationId: 'c', trigger: 'alert', startedAt: 1999, resolvedAt: 5000 },
      { conversationId: 'd', trigger: 'breach', startedAt: 2000, resolvedAt: 2100 }, // after the window
      { conversationId: 'e', trigger: 'breach', startedAt: 999, resolvedAt: 1001 }, // before it
    ]);
    expect(m).toEqual({
      from: 1000,
      to: 2000,
      conversations: 10,
      escalated: 3,
      escalationRate: 0.3,
      resolved: 3,
      timeToResolveMs: { p50: 400, p90: 3001 },
      reEscalated: 1,
      reEscalationRate: 0.3333,
      byTrigger: { breach: 1, vip: 1, alert: 1, manual: 1 },
    });
  });

  it('is all zeros and nulls without data, and never rates above 1', () => {
    expect(computeMetrics(0, 10, 0, [])).toMatchObject({ conversations: 0, escalated: 0, escalationRate: 0, resolved: 0, timeToResolveMs: { p50: null, p90: null }, reEscalationRate: 0 });
    expect(computeMetrics(0, 10, 0, [{ conversationId: 'a', trigger: 'vip', startedAt: 5, resolvedAt: null }])).toMatchObject({ conversations: 1, escalated: 1, escalationRate: 1 });
  });

  it('takes nearest-rank percentiles', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 100)).toBe(10);
  });
});

describe('GET /api/escalations/metrics', () => {
  it('answers the figures of the rows in the window, scoped to the workspace', async () => {
    const ws = await newWorkspace();
    const contact = await contactRow(ws);
    const now = Date.now();
    const from = now - 60 * MIN;
    const to = now;
    // Six conversations active in the window, one only before it, one created after it.
    const active = [];
    for (let i = 0; i < 6; i++) active.push(await projectionRow(ws, contact, { createdAt: from - 10 * MIN, lastActivityAt: from + i * MIN }));
    const stale = await projectionRow(ws, contact, { createdAt: from - 120 * MIN, lastActivityAt: from - 90 * MIN });
    await projectionRow(ws, contact, { createdAt: to + MIN, lastActivityAt: to + MIN });
    await episodeRow(ws, { conversationId: active[0], trigger: 'breach', startedAt: from + 1 * MIN, resolvedAt: from + 11 * MIN }); // 10 min
    await episodeRow(ws, { conversationId: active[0], trigger: 'breach', startedAt: from + 20 * MIN, resolvedAt: from + 50 * MIN }); // 30 min, re-escalation
    await episodeRow(ws, { conversationId: active[1], trigger: 'vip', startedAt: from + 5 * MIN, resolvedAt: from + 25 * MIN }); // 20 min
    await episodeRow(ws, { conversationId: active[2], trigger: 'manual', startedAt: from + 30 * MIN });
    // Escalated in the window though its last activity was before: it counts as active.
    await episodeRow(ws, { conversationId: stale, trigger: 'alert', startedAt: from + 40 * MIN, resolvedAt: from + 41 * MIN }); // 1 min
    await episodeRow(ws, { conversationId: active[3], trigger: 'manual', startedAt: from - 5 * MIN, resolvedAt: from + 5 * MIN }); // started before the window

    const res = await call('GET', `/api/escalations/metrics?from=${from}&to=${to}`, { token: ws.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      from,
      to,
      conversations: 7,
      escalated: 4,
      escalationRate: 0.5714,
      resolved: 4,
      timeToResolveMs: { p50: 10 * MIN, p90: 30 * MIN },
      reEscalated: 1,
      reEscalationRate: 0.25,
      byTrigger: { breach: 2, vip: 1, alert: 1, manual: 1 },
    });

    // The default window is the last 30 days; another workspace sees none of this.
    const def = await call('GET', '/api/escalations/metrics', { token: ws.token });
    expect(def.body.to - def.body.from).toBe(30 * 24 * 60 * MIN);
    expect(def.body.escalated).toBe(5);
    const other = await newWorkspace();
    expect((await call('GET', '/api/escalations/metrics', { token: other.token })).body).toMatchObject({ conversations: 0, escalated: 0 });

    const staff = await addMember(ws, 'staff');
    expect((await call('GET', `/api/escalations/metrics?from=${from}&to=${to}`, { token: staff.token })).body.escalated).toBe(4);
    const personal = await addMember(ws, 'personal');
    expectProblem(await call('GET', '/api/escalations/metrics', { token: personal.token }), 403);
    expectProblem(await call('GET', `/api/escalations/metrics?from=${to}&to=${from}`, { token: ws.token }), 400, 'from');
    expectProblem(await call('GET', '/api/escalations/metrics?from=yesterday', { token: ws.token }), 400, 'from');
  });
});
