// A deployment's own retry schedule (WEBHOOK_RETRY_SCHEDULE): parsed strictly, ignored when wrong, and
// followed by the consumer end to end — the waits, the number of attempts, and the endpoint turned
// off after one whole (shorter) schedule of failures.
import { env } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import { defaultDeliveryDeps, RETRY_SCHEDULE_S, type WebhookJob } from '../../worker/webhooks/delivery';
import { fanOut } from '../../worker/webhooks/fanout';
import { parseRetrySchedule, retryScheduleOf } from '../../worker/webhooks/retry-schedule';
import { call, newWorkspace } from '../helpers';
import { inboundEvent, QueueOnAClock, receiver } from './receiver';

describe('webhook retry schedule', () => {
  it('is the Standard Webhooks schedule unless the deployment sets one', () => {
    expect(RETRY_SCHEDULE_S).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000]);
    expect(retryScheduleOf({})).toBe(RETRY_SCHEDULE_S);
    expect(retryScheduleOf({ WEBHOOK_RETRY_SCHEDULE: '  ' })).toBe(RETRY_SCHEDULE_S);
    expect(retryScheduleOf({ WEBHOOK_RETRY_SCHEDULE: '1, 2,4 ,0.5' })).toEqual([1, 2, 4, 0.5]);
    expect(defaultDeliveryDeps(env).retrySchedule).toBe(RETRY_SCHEDULE_S);
    expect(defaultDeliveryDeps({ ...env, WEBHOOK_RETRY_SCHEDULE: '1,2' } as Env).retrySchedule).toEqual([1, 2]);
  });

  it('refuses what is not a schedule, and the consumer keeps the default with a warning', () => {
    expect(parseRetrySchedule('')).toEqual({ problem: 'is empty' });
    expect(parseRetrySchedule('1,,2')).toEqual({ problem: '"" is not a number of seconds' });
    expect(parseRetrySchedule('5m')).toEqual({ problem: '"5m" is not a number of seconds' });
    expect(parseRetrySchedule('-1')).toEqual({ problem: '"-1" is not a number of seconds' });
    expect(parseRetrySchedule('0')).toMatchObject({ problem: expect.stringContaining('outside') });
    expect(parseRetrySchedule(String(8 * 24 * 3600))).toMatchObject({ problem: expect.stringContaining('outside') });
    expect(parseRetrySchedule(Array(21).fill('1').join(','))).toMatchObject({ problem: expect.stringContaining('at most 20') });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(retryScheduleOf({ WEBHOOK_RETRY_SCHEDULE: '5 minutes' })).toBe(RETRY_SCHEDULE_S);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('WEBHOOK_RETRY_SCHEDULE'));
    } finally {
      warn.mockRestore();
    }
  });

  it('the consumer follows a configured schedule: its waits, its number of attempts, and the endpoint is turned off after one whole schedule', async () => {
    const ws = await newWorkspace();
    const created = await call('POST', '/api/webhook-endpoints', { token: ws.token, body: { url: 'https://short.example.com/in', events: ['*'] } });
    expect(created.status).toBe(201);
    const r = receiver(() => 500);
    const t0 = Date.now();
    const q = new QueueOnAClock(t0, r.fetch);
    q.retrySchedule = [1, 2];
    const jobs: WebhookJob[] = [];
    await fanOut(env, [inboundEvent(ws.workspaceId, 'short schedule')], { enqueue: async (j) => void jobs.push(...j) });
    q.add(jobs);
    await q.drain();

    expect(r.received).toHaveLength(3);
    expect(q.delays).toEqual([1, 2]);
    expect(q.now - t0).toBe(3000);
    const log = (await call('GET', `/api/webhook-endpoints/${created.body.id}/deliveries`, { token: ws.token })).body.items;
    expect(log[0]).toMatchObject({ status: 'failed', attempts: 3, nextAttemptAt: null });
    const off = (await call('GET', `/api/webhook-endpoints/${created.body.id}`, { token: ws.token })).body;
    expect(off).toMatchObject({ enabled: false, disabledReason: 'failing', consecutiveFailures: 3 });
  });

  it('a retry is due its wait after the failed attempt started: a slow receiver does not push it later', async () => {
    const ws = await newWorkspace();
    const created = await call('POST', '/api/webhook-endpoints', { token: ws.token, body: { url: 'https://slow.example.com/in', events: ['*'] } });
    const r = receiver((n) => (n === 0 ? 503 : 200));
    const t0 = Date.now();
    const q = new QueueOnAClock(t0, r.fetch);
    q.retrySchedule = [5];
    // The receiver takes 2 s to answer (on the test's clock).
    q.fetch = async (input, init) => {
      q.now += 2000;
      return r.fetch(input, init);
    };
    const jobs: WebhookJob[] = [];
    await fanOut(env, [inboundEvent(ws.workspaceId, 'slow receiver')], { enqueue: async (j) => void jobs.push(...j) });
    q.add(jobs);
    await q.drain();

    expect(q.delays).toEqual([3]);
    const [d] = (await call('GET', `/api/webhook-endpoints/${created.body.id}/deliveries`, { token: ws.token })).body.items;
    expect(d).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(d.attemptLog.map((a: { at: number }) => a.at - t0)).toEqual([0, 5000]);
  });
});
