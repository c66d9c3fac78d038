// Delivery end to end: a real inbound message becomes a signed Standard Webhooks delivery; a
// redelivered event adds nothing; retries keep the webhook-id and follow the schedule on an injected
// clock; rotation signs twice for 24 hours; an endpoint failing a whole schedule is turned off and its
// managers told; a receiver failing 30 % of the time loses and duplicates nothing.
import { createMessageBatch, env } from 'cloudflare:test';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { handleEventBatch, type EventJob } from '../../worker/events/consumer';
import type { ParleyEvent } from '../../worker/events/model';
import { agentStub } from '../../worker/routing/stubs';
import { MAX_ATTEMPTS, RETRY_SCHEDULE_S, type WebhookJob } from '../../worker/webhooks/delivery';
import { fanOut } from '../../worker/webhooks/fanout';
import { captureEvents } from '../budget/counter';
import { openSocket } from '../sockets';
import { call, eventually, newWorkspace, unique, visitor, visitorSays, webchatInbox, type Workspace } from '../helpers';
import { atTheEdge, flakyAnswer, inboundEvent, QueueOnAClock, receiver } from './receiver';

let undo: (() => void) | null = null;
afterEach(() => {
  undo?.();
  undo = null;
});

async function endpoint(ws: Workspace, url: string, events: string[] = ['*']) {
  const res = await call('POST', '/api/webhook-endpoints', { token: ws.token, body: { url, events } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; secret: string };
}

async function deliveries(ws: Workspace, endpointId: string) {
  const res = await call('GET', `/api/webhook-endpoints/${endpointId}/deliveries`, { token: ws.token });
  expect(res.status).toBe(200);
  return res.body.items as any[];
}

/** Fan events out with the jobs going onto the test's clocked queue instead of WEBHOOKS. */
async function fanOutTo(q: QueueOnAClock, events: ParleyEvent[]): Promise<WebhookJob[]> {
  const jobs: WebhookJob[] = [];
  await fanOut(env, events, { enqueue: async (j) => void jobs.push(...j) });
  q.add(jobs);
  return jobs;
}

describe('outbound webhook delivery', () => {
  it('a real inbound message, reply and tag become signed deliveries that verify with the reference library; notes are not sent; a redelivered event adds nothing', async () => {
    const ws = await newWorkspace();
    const host = `${unique('rcv')}.example.com`;
    const ep = await endpoint(ws, `https://${host}/in`, ['message.received', 'message.created', 'conversation.tag_added']);
    const r = receiver();
    undo = atTheEdge(host, r.fetch);
    const stream = captureEvents();

    const inbox = await webchatInbox(ws);
    const v = await visitor(inbox.websiteToken, { name: 'Ada' });
    const { conversationId, message } = await visitorSays(v.visitorToken, 'Is breakfast included?');
    const first = await eventually(async () => r.received.find((x) => JSON.parse(x.body).type === 'message.received'));
    const verified = new Webhook(ep.secret).verify(first.body, first.headers) as any;
    expect(verified).toMatchObject({
      type: 'message.received',
      data: { conversation: { id: conversationId, channel: 'webchat', inboxId: inbox.id, status: 'open' }, message: { id: message.id, direction: 'inbound', text: 'Is breakfast included?' } },
    });
    expect(first.headers['webhook-id']).toBe(`msg_${conversationId}_${message.seq}`);
    expect(first.headers['content-type']).toBe('application/json');
    expect(Math.abs(Number(first.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(Date.parse(verified.timestamp)).toBeLessThanOrEqual(Date.now());

    await call('POST', `/api/conversations/${conversationId}/messages`, { token: ws.token, body: { text: 'Internal: check with kitchen', isInternalNote: true, clientId: unique('n') } });
    await call('POST', `/api/conversations/${conversationId}/messages`, { token: ws.token, body: { text: 'Yes, from 7 to 10.', clientId: unique('c') } });
    await call('PATCH', `/api/conversations/${conversationId}`, { token: ws.token, body: { tags: ['breakfast'] } });
    await eventually(async () => r.received.length >= 3);
    const types = () => r.received.map((x) => (new Webhook(ep.secret).verify(x.body, x.headers) as any).type);
    const tag = await eventually(async () => r.received.map((x) => JSON.parse(x.body)).find((b) => b.type === 'conversation.tag_added'));
    expect(tag.data.tags).toEqual(['breakfast']);
    const reply = r.received.map((x) => JSON.parse(x.body)).find((b) => b.type === 'message.created');
    expect(reply.data.message).toMatchObject({ direction: 'outbound', authorType: 'agent', text: 'Yes, from 7 to 10.' });
    expect(r.received.some((x) => x.body.includes('Internal: check with kitchen'))).toBe(false);

    // The EVENTS queue delivers the message event again (at least once): no second delivery, no second request.
    const received = stream.find((e) => e.conversationId === conversationId && e.type === 'message.received')!;
    const count = r.received.length;
    await handleEventBatch(createMessageBatch<EventJob>('parley-events', [{ id: 'again', timestamp: new Date(), attempts: 1, body: { event: received } }]), env);
    const log = await deliveries(ws, ep.id);
    expect(log.filter((d) => d.eventId === received.id)).toHaveLength(1);
    expect(log.every((d) => d.status === 'succeeded' && d.attempts === 1)).toBe(true);
    expect(r.received.length).toBe(count);
    expect(types().sort()).toEqual(['conversation.tag_added', 'message.created', 'message.received']);
  });

  it('an event fanned out twice before it was sent is still one delivery and one successful request', async () => {
    const ws = await newWorkspace();
    const ep = await endpoint(ws, 'https://dup.example.com/in');
    const r = receiver();
    const q = new QueueOnAClock(Date.now(), r.fetch);
    const e = inboundEvent(ws.workspaceId);
    expect(await fanOutTo(q, [e])).toHaveLength(1);
    // Stored, but the first run failed before it was queued: the redelivery queues it again.
    expect(await fanOutTo(q, [e])).toHaveLength(1);
    await q.drain();
    expect(r.received).toHaveLength(1);
    expect(await fanOutTo(q, [e])).toHaveLength(0);
    const rows = await env.DB.prepare(`SELECT count(*) AS n FROM webhook_deliveries WHERE endpoint_id = ?`).bind(ep.id).first<{ n: number }>();
    expect(rows!.n).toBe(1);
  });

  it('retries keep the webhook-id and body, re-sign each attempt, and back off on the Standard Webhooks schedule', async () => {
    const ws = await newWorkspace();
    const ep = await endpoint(ws, 'https://retry.example.com/in');
    const r = receiver((n) => (n < 3 ? 503 : 200));
    const t0 = Date.now();
    const q = new QueueOnAClock(t0, r.fetch);
    await fanOutTo(q, [inboundEvent(ws.workspaceId, 'Retry me')]);

    await q.step();
    const [pending] = await deliveries(ws, ep.id);
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, responseCode: 503, error: 'HTTP 503', nextAttemptAt: t0 + 5000 });
    await q.drain();

    expect(r.received).toHaveLength(4);
    expect(q.delays).toEqual([5, 300, 1800]);
    const ids = new Set(r.received.map((x) => x.headers['webhook-id']));
    expect(ids.size).toBe(1);
    expect(new Set(r.received.map((x) => x.body)).size).toBe(1);
    const stamps = r.received.map((x) => Number(x.headers['webhook-timestamp']));
    expect(stamps.map((s) => s - stamps[0])).toEqual([0, 5, 305, 2105]);
    const wh = new Webhook(ep.secret);
    for (const x of r.received) expect(x.headers['webhook-signature']).toBe(wh.sign(x.headers['webhook-id'], new Date(Number(x.headers['webhook-timestamp']) * 1000), x.body));

    const [done] = await deliveries(ws, ep.id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 4, responseCode: 200, error: null, nextAttemptAt: null });
    expect(done.attemptLog.map((a: any) => [a.attempt, a.statusCode, a.error])).toEqual([
      [1, 503, 'HTTP 503'],
      [2, 503, 'HTTP 503'],
      [3, 503, 'HTTP 503'],
      [4, 200, null],
    ]);
    const endpointNow = (await call('GET', `/api/webhook-endpoints/${ep.id}`, { token: ws.token })).body;
    expect(endpointNow).toMatchObject({ enabled: true, consecutiveFailures: 0, failingSince: null });
  });

  it('a job the queue delivers twice makes its attempt once', async () => {
    const ws = await newWorkspace();
    await endpoint(ws, 'https://twice.example.com/in');
    const r = receiver();
    const q = new QueueOnAClock(Date.now(), r.fetch);
    const jobs = await fanOutTo(q, [inboundEvent(ws.workspaceId)]);
    q.add(jobs);
    q.add(jobs);
    await q.drain();
    expect(r.received).toHaveLength(1);
  });

  it('a duplicate job arriving while its attempt is in flight cannot start the next attempt early', async () => {
    const ws = await newWorkspace();
    const ep = await endpoint(ws, 'https://inflight.example.com/in');
    const r = receiver();
    const q = new QueueOnAClock(Date.now(), r.fetch);
    const [job] = await fanOutTo(q, [inboundEvent(ws.workspaceId)]);
    q.pending = [];
    // While the receiver is still answering attempt 1, the queue hands out attempt 1 again, then what that scheduled.
    q.fetch = async (input, init) => {
      if (r.received.length === 0) {
        await q.run([job]);
        await q.run(q.pending.splice(0).map((p) => p.job));
      }
      return r.fetch(input, init);
    };
    await q.run([job]);
    await q.drain();
    expect(r.received).toHaveLength(1);
    const [d] = await deliveries(ws, ep.id);
    expect(d).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('after a rotation deliveries carry two signatures that both verify; after 24 hours only the new one', async () => {
    const ws = await newWorkspace();
    const ep = await endpoint(ws, 'https://rotate.example.com/in');
    const next = (await call('POST', `/api/webhook-endpoints/${ep.id}/rotate-secret`, { token: ws.token })).body.secret as string;
    const r = receiver();
    const q = new QueueOnAClock(Date.now(), r.fetch);
    await fanOutTo(q, [inboundEvent(ws.workspaceId, 'during the overlap')]);
    await q.drain();
    const during = r.received[0];
    const sigs = during.headers['webhook-signature'].split(' ');
    expect(sigs).toHaveLength(2);
    expect(new Webhook(ep.secret).verify(during.body, during.headers)).toMatchObject({ type: 'message.received' });
    expect(new Webhook(next).verify(during.body, during.headers)).toMatchObject({ type: 'message.received' });

    q.now = Date.now() + 24 * 3600_000 + 60_000;
    await fanOutTo(q, [inboundEvent(ws.workspaceId, 'after the overlap')]);
    await q.drain();
    const after = r.received[1];
    const at = new Date(Number(after.headers['webhook-timestamp']) * 1000);
    expect(after.headers['webhook-signature']).toBe(new Webhook(next).sign(after.headers['webhook-id'], at, after.body));
    expect(after.headers['webhook-signature']).not.toContain(new Webhook(ep.secret).sign(after.headers['webhook-id'], at, after.body));
  });

  it('a delivery failing every attempt is failed after ~27 h, the endpoint is turned off and the managers are told; enabling and retrying sends it under the same id', async () => {
    const ws = await newWorkspace();
    const host = `${unique('down')}.example.com`;
    const ep = await endpoint(ws, `https://${host}/in`);
    const r = receiver(() => 500);
    const t0 = Date.now();
    const q = new QueueOnAClock(t0, r.fetch);
    // The manager has the app open: the notice reaches the tab live, not only the feed.
    const tab = await openSocket(`/api/live?access_token=${ws.token}`);
    await tab.next((f) => f.t === 'hello');
    await fanOutTo(q, [inboundEvent(ws.workspaceId, 'nobody listens')]);
    await q.drain();
    expect(await tab.next((f) => f.t === 'notification' && f.kind === 'webhook')).toMatchObject({ conversationId: null, title: 'Webhook endpoint disabled' });
    tab.close();

    expect(r.received).toHaveLength(MAX_ATTEMPTS);
    expect(q.delays).toEqual([...RETRY_SCHEDULE_S]);
    expect(q.now - t0).toBe(RETRY_SCHEDULE_S.reduce((a, b) => a + b, 0) * 1000);
    const [failed] = await deliveries(ws, ep.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, responseCode: 500, error: 'HTTP 500', nextAttemptAt: null });
    expect(failed.attemptLog).toHaveLength(MAX_ATTEMPTS);
    const off = (await call('GET', `/api/webhook-endpoints/${ep.id}`, { token: ws.token })).body;
    expect(off).toMatchObject({ enabled: false, disabledReason: 'failing', consecutiveFailures: MAX_ATTEMPTS, failingSince: t0 });

    const feed = await agentStub(env, ws.workspaceId, ws.userId).notifications({ limit: 10 });
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]).toMatchObject({ kind: 'webhook', conversationId: null, title: 'Webhook endpoint disabled' });
    expect(feed.items[0].body).toContain(`https://${host}/in`);
    expect((await call('GET', '/api/me/notifications', { token: ws.token })).body.items[0]).toMatchObject({ kind: 'webhook' });

    // Disabled: new events are not recorded for it, and its deliveries cannot be retried.
    expect(await fanOutTo(q, [inboundEvent(ws.workspaceId, 'while off')])).toHaveLength(0);
    expect((await call('POST', `/api/webhook-endpoints/${ep.id}/deliveries/${failed.id}/retry`, { token: ws.token })).status).toBe(409);

    // The receiver is fixed: enable, retry by hand through the real queue.
    const fixed = receiver();
    undo = atTheEdge(host, fixed.fetch);
    const on = await call('PATCH', `/api/webhook-endpoints/${ep.id}`, { token: ws.token, body: { enabled: true } });
    expect(on.body).toMatchObject({ enabled: true, disabledReason: null, consecutiveFailures: 0, failingSince: null });
    const retried = await call('POST', `/api/webhook-endpoints/${ep.id}/deliveries/${failed.id}/retry`, { token: ws.token });
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ id: failed.id, status: 'pending' });
    const got = await eventually(async () => fixed.received[0]);
    expect(got.headers['webhook-id']).toBe(r.received[0].headers['webhook-id']);
    expect(got.body).toBe(r.received[0].body);
    expect(new Webhook(ep.secret).verify(got.body, got.headers)).toMatchObject({ type: 'message.received' });
    const after = await eventually(async () => {
      const [d] = await deliveries(ws, ep.id);
      return d.status === 'succeeded' ? d : null;
    });
    expect(after).toMatchObject({ attempts: MAX_ATTEMPTS + 1, responseCode: 200 });
    expect((await call('POST', `/api/webhook-endpoints/${ep.id}/deliveries/dlv_nope/retry`, { token: ws.token })).status).toBe(404);
  });

  it('under a receiver failing 30 % of the time: every event arrives, none twice', async () => {
    const ws = await newWorkspace();
    const ep = await endpoint(ws, 'https://flaky.example.com/in');
    const r = receiver(flakyAnswer(0.3));
    const q = new QueueOnAClock(Date.now(), r.fetch);
    const events = Array.from({ length: 60 }, (_, i) => inboundEvent(ws.workspaceId, `event ${i}`));
    const jobs = await fanOutTo(q, events);
    expect(jobs).toHaveLength(60);
    q.add(jobs.slice(0, 20)); // some jobs arrive twice
    await q.drain();
    const failures = r.received.filter((x) => x.status >= 300).length;
    expect(failures / r.received.length).toBeGreaterThan(0.15);
    const delivered = r.ok().map((x) => x.headers['webhook-id']);
    expect(new Set(delivered).size).toBe(60);
    expect(delivered).toHaveLength(60);
    const rows = await env.DB.prepare(`SELECT status, count(*) AS n FROM webhook_deliveries WHERE endpoint_id = ? GROUP BY status`).bind(ep.id).all<{ status: string; n: number }>();
    expect(rows.results).toEqual([{ status: 'succeeded', n: 60 }]);
  });

  it('in production a private target is refused at send time, recorded as a failed attempt', async () => {
    const ws = await newWorkspace();
    const ep = await endpoint(ws, 'https://hooks.example.com/in');
    await env.DB.prepare(`UPDATE webhook_endpoints SET url = 'https://169.254.169.254/latest' WHERE id = ?`).bind(ep.id).run();
    const r = receiver();
    const q = new QueueOnAClock(Date.now(), r.fetch, 'production');
    await fanOutTo(q, [inboundEvent(ws.workspaceId)]);
    await q.step();
    expect(r.received).toEqual([]);
    const [d] = await deliveries(ws, ep.id);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, responseCode: null });
    expect(d.error).toMatch(/^refused: .*link-local/);
  });
});
