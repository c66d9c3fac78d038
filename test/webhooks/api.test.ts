// /api/webhook-endpoints: managers only, scoped to the workspace; the secret is shown on create and
// rotate and nowhere else (sealed at rest); bad input is problem+json naming the field.
import { env } from 'cloudflare:test';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { addMember, call, eventually, newWorkspace, unique } from '../helpers';
import { fanOut } from '../../worker/webhooks/fanout';
import type { WebhookJob } from '../../worker/webhooks/delivery';
import { atTheEdge, inboundEvent, QueueOnAClock, receiver } from './receiver';

let undo: (() => void) | null = null;
afterEach(() => {
  undo?.();
  undo = null;
});

async function endpoint(token: string, body: Record<string, unknown> = {}) {
  const res = await call('POST', '/api/webhook-endpoints', { token, body: { url: 'https://hooks.example.com/parley', events: ['message.received'], ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; secret: string; url: string; events: string[]; enabled: boolean };
}

function fieldsOf(res: { status: number; headers: Headers; body: any }): string[] {
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  return res.body.errors.map((e: { field: string }) => e.field);
}

describe('webhook endpoints API', () => {
  it('creates, lists, reads, changes and deletes; the secret appears only in the create answer', async () => {
    const ws = await newWorkspace();
    const created = await endpoint(ws.token, { events: ['conversation.created', 'message.received', 'message.received'], description: 'CRM sync' });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(created).toMatchObject({ url: 'https://hooks.example.com/parley', events: ['message.received', 'conversation.created'], enabled: true, description: 'CRM sync' });
    expect(created.id).toMatch(/^whe_/);

    const list = await call('GET', '/api/webhook-endpoints', { token: ws.token });
    expect(list.status).toBe(200);
    expect(list.body.items.map((e: { id: string }) => e.id)).toEqual([created.id]);
    const one = await call('GET', `/api/webhook-endpoints/${created.id}`, { token: ws.token });
    for (const body of [list.body, one.body]) {
      expect(JSON.stringify(body)).not.toContain(created.secret.slice(6));
      expect(JSON.stringify(body)).not.toContain('"secret"');
    }
    // Sealed at rest.
    const row = await env.DB.prepare(`SELECT secrets_encrypted FROM webhook_endpoints WHERE id = ?`).bind(created.id).first<{ secrets_encrypted: string }>();
    expect(row!.secrets_encrypted).toMatch(/^v1\./);
    expect(row!.secrets_encrypted).not.toContain(created.secret.slice(6));

    const patched = await call('PATCH', `/api/webhook-endpoints/${created.id}`, { token: ws.token, body: { events: ['*'], url: 'https://other.example.com/in', description: null, enabled: false } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ events: ['*'], url: 'https://other.example.com/in', description: null, enabled: false });
    expect(patched.body.secret).toBeUndefined();

    expect((await call('DELETE', `/api/webhook-endpoints/${created.id}`, { token: ws.token })).status).toBe(204);
    expect((await call('GET', `/api/webhook-endpoints/${created.id}`, { token: ws.token })).status).toBe(404);
    expect((await call('DELETE', `/api/webhook-endpoints/${created.id}`, { token: ws.token })).status).toBe(404);
  });

  it('refuses bad URLs and unknown event names with problem+json naming the field', async () => {
    const ws = await newWorkspace();
    const post = (body: unknown) => call('POST', '/api/webhook-endpoints', { token: ws.token, body });
    expect(fieldsOf(await post({ url: 'not a url', events: ['message.received'] }))).toContain('url');
    expect(fieldsOf(await post({ url: 'ftp://hooks.example.com/x', events: ['message.received'] }))).toEqual(['url']);
    expect(fieldsOf(await post({ url: 'https://u:p@hooks.example.com/x', events: ['message.received'] }))).toEqual(['url']);
    expect(fieldsOf(await post({ events: ['message.received'] }))).toEqual(['url']);
    expect(fieldsOf(await post({ url: 'https://hooks.example.com/x', events: ['message.received', 'message.deleted'] }))).toEqual(['events.1']);
    expect(fieldsOf(await post({ url: 'https://hooks.example.com/x', events: [] }))).toEqual(['events']);
    expect(fieldsOf(await post({ url: 'https://hooks.example.com/x', events: 'message.received' }))).toEqual(['events']);
    expect(fieldsOf(await post({ url: 'https://hooks.example.com/x', events: ['*'], enabled: 'yes' }))).toEqual(['enabled']);
    const id = (await endpoint(ws.token)).id;
    expect(fieldsOf(await call('PATCH', `/api/webhook-endpoints/${id}`, { token: ws.token, body: { url: 'gopher://x' } }))).toEqual(['url']);
    expect(fieldsOf(await call('GET', `/api/webhook-endpoints/${id}/deliveries?status=lost`, { token: ws.token }))).toEqual(['query.status']);
  });

  it('is for managers only, and for their own workspace only', async () => {
    const ws = await newWorkspace();
    const other = await newWorkspace();
    const staff = await addMember(ws, 'staff');
    const id = (await endpoint(ws.token)).id;
    for (const [method, path] of [
      ['GET', '/api/webhook-endpoints'],
      ['POST', '/api/webhook-endpoints'],
      ['GET', `/api/webhook-endpoints/${id}`],
      ['POST', `/api/webhook-endpoints/${id}/rotate-secret`],
      ['POST', `/api/webhook-endpoints/${id}/test`],
      ['GET', `/api/webhook-endpoints/${id}/deliveries`],
    ] as const) {
      expect((await call(method, path, { token: staff.token, body: method === 'POST' ? { url: 'https://x.example.com', events: ['*'] } : undefined })).status, `${method} ${path}`).toBe(403);
    }
    expect((await call('GET', `/api/webhook-endpoints/${id}`, { token: other.token })).status).toBe(404);
    expect((await call('POST', `/api/webhook-endpoints/${id}/rotate-secret`, { token: other.token })).status).toBe(404);
    expect((await call('GET', '/api/webhook-endpoints', { token: other.token })).body.items).toEqual([]);
  });

  it('rotating gives a new secret once and keeps the old one signing for 24 hours', async () => {
    const ws = await newWorkspace();
    const created = await endpoint(ws.token);
    const before = Date.now();
    const rotated = await call('POST', `/api/webhook-endpoints/${created.id}/rotate-secret`, { token: ws.token });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.secret);
    expect(rotated.body.previousSecretExpiresAt).toBeGreaterThanOrEqual(before + 24 * 3600_000);
    expect(rotated.body.previousSecretExpiresAt).toBeLessThanOrEqual(Date.now() + 24 * 3600_000);
    const read = await call('GET', `/api/webhook-endpoints/${created.id}`, { token: ws.token });
    expect(read.body.secret).toBeUndefined();
    expect(read.body.previousSecretExpiresAt).toBe(rotated.body.previousSecretExpiresAt);
  });

  it('POST …/test sends a signed ping through the WEBHOOKS queue; it is in the delivery log', async () => {
    const ws = await newWorkspace();
    const host = `${unique('ping')}.example.com`;
    const created = await endpoint(ws.token, { url: `https://${host}/hooks` });
    const r = receiver();
    undo = atTheEdge(host, r.fetch);
    const sent = await call('POST', `/api/webhook-endpoints/${created.id}/test`, { token: ws.token });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ type: 'ping', status: 'pending', attempts: 0 });
    const got = await eventually(async () => r.received[0]);
    expect(got.url).toBe(`https://${host}/hooks`);
    expect(got.headers['webhook-id']).toBe(sent.body.webhookId);
    const body = new Webhook(created.secret).verify(got.body, got.headers) as { type: string; timestamp: string; data: { endpointId: string } };
    expect(body.type).toBe('ping');
    expect(body.data.endpointId).toBe(created.id);
    expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);
    const log = await eventually(async () => {
      const res = await call('GET', `/api/webhook-endpoints/${created.id}/deliveries`, { token: ws.token });
      return res.body.items[0]?.status === 'succeeded' ? res.body : null;
    });
    expect(log.items).toHaveLength(1);
    expect(log.items[0]).toMatchObject({ id: sent.body.id, type: 'ping', status: 'succeeded', attempts: 1, responseCode: 200, error: null, nextAttemptAt: null });
    expect(log.items[0].latencyMs).toEqual(expect.any(Number));
    expect(log.items[0].attemptLog).toEqual([{ attempt: 1, at: expect.any(Number), statusCode: 200, latencyMs: expect.any(Number), error: null }]);
  });

  it('a full page of the delivery log (limit=100) comes with every attempt log, and the next page follows', async () => {
    // Found by the delivery benchmark: 100 delivery ids and the workspace were 101 bound parameters, over D1's 100.
    const ws = await newWorkspace();
    const ep = await endpoint(ws.token, { url: 'https://page.example.com/in' });
    const r = receiver();
    const q = new QueueOnAClock(Date.now(), r.fetch);
    const jobs: WebhookJob[] = [];
    await fanOut(env, Array.from({ length: 101 }, (_, i) => inboundEvent(ws.workspaceId, `event ${i}`)), { enqueue: async (j) => void jobs.push(...j) });
    q.add(jobs);
    await q.drain();
    expect(r.ok()).toHaveLength(101);

    const first = await call('GET', `/api/webhook-endpoints/${ep.id}/deliveries?limit=100`, { token: ws.token });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.items).toHaveLength(100);
    expect(first.body.items.every((d: any) => d.status === 'succeeded' && d.attemptLog.length === 1 && d.attemptLog[0].statusCode === 200)).toBe(true);
    expect(first.body.nextBefore).toBe(first.body.items[99].id);
    const second = await call('GET', `/api/webhook-endpoints/${ep.id}/deliveries?limit=100&before=${first.body.nextBefore}`, { token: ws.token });
    expect(second.status).toBe(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].attemptLog).toHaveLength(1);
    expect(second.body.nextBefore).toBeNull();
    expect(new Set([...first.body.items, ...second.body.items].map((d: any) => d.webhookId)).size).toBe(101);
  });
});
