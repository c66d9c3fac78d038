// The round-trip budget of the message path, held by counting (test/budget/counter.ts) from the signed
// webhook to the D1 projection: a message from a known sender costs one Durable Object call and two D1
// round trips (the sender lookup, the projection); a new sender three D1 round trips (lookup, the batch
// that creates the contact with its first thread, the projection) and two Durable Object calls (the
// conversation, the router it asks before its one commit). The live fan-out that follows a commit (the
// list update to the WorkspaceDO, the assignee's notification to their AgentDO) is counted apart.
// An agent's reply: one object call, then the OUTBOUND consumer's claim and reads in one batch, the
// provider call (the sandbox records it: one write) and the sent mark.
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import waText from '../fixtures/providers/whatsapp_cloud_text_message.json';
import { createInbox, postWhatsApp, WA_APP_SECRET, waTextBody } from '../channels/helpers';
import { BASE, call, eventually, newWorkspace, unique } from '../helpers';
import { conversationStub } from '../../worker/conversations/service';
import { handleIngestBatch } from '../../worker/ingest/consumer';
import type { ParleyEvent } from '../../worker/events/model';
import type { IngestJob } from '../../worker/ingest/jobs';
import { goOnline, routeEverythingTo } from '../routing/fixtures';
import { captureEvents, start, stop, UNCOUNTED } from './counter';
import { expectRoutedInOneCommit, fanout, landed, pathCalls } from './path';

async function setup() {
  const ws = await newWorkspace();
  const inbox = await createInbox(ws, 'whatsapp', { phoneNumberId: '106540352242922', accessToken: 'EAAtest', appSecret: WA_APP_SECRET, verifyToken: 'verify-me' });
  // Routing switched on and the manager online, so a new conversation really asks the router and is assigned.
  await routeEverythingTo(ws, null);
  const socket = await goOnline(ws.token);
  // Warm the per-isolate caches (inbox, settings, automation config, routing) as a running Worker has them.
  const warm = `1444${Math.floor(Math.random() * 1e7)}`;
  await postWhatsApp(inbox.id, waTextBody(warm, 'warm up'));
  await landed(ws.workspaceId, 'warm up');
  return { ws, inbox, socket };
}

describe('message path budget', () => {
  it('a known sender: one Durable Object call and two D1 round trips, webhook to projection', async () => {
    const { ws, inbox } = await setup();
    const from = `1555${Math.floor(Math.random() * 1e7)}`;
    await postWhatsApp(inbox.id, waTextBody(from, 'first words'));
    await landed(ws.workspaceId, 'first words');

    start();
    await postWhatsApp(inbox.id, waTextBody(from, 'known sender'));
    await landed(ws.workspaceId, 'known sender');
    const t = stop();
    expect(t.d1, t.d1.join('\n')).toHaveLength(2);
    expect(t.d1[0]).toMatch(/^first: SELECT ci.contact_id/);
    expect(t.d1[1]).toMatch(/^batch/);
    expect(pathCalls(t)).toEqual(['CONVERSATIONS.receive']);
    expect(fanout(t).length).toBeLessThanOrEqual(1);
  });

  it('a new sender: two Durable Object calls and three D1 round trips; creation, message and routing are one commit', async () => {
    const { ws, inbox } = await setup();
    const events = captureEvents();
    start();
    const from = `1666${Math.floor(Math.random() * 1e7)}`;
    await postWhatsApp(inbox.id, waTextBody(from, 'new sender'));
    const conversationId = await landed(ws.workspaceId, 'new sender');
    const t = stop();
    expect(t.d1, t.d1.join('\n')).toHaveLength(3);
    expect(t.d1[1]).toMatch(/^batch\(\d+\): INSERT INTO contacts/);
    expect(pathCalls(t).sort()).toEqual(['CONVERSATIONS.receive', 'WORKSPACES.route']);
    expect(fanout(t).sort()).toEqual(['WORKSPACES.conversationChanged']);

    // One commit: every event of the creation carries the same commit range, the routing decision included.
    const mine = await expectRoutedInOneCommit(events, conversationId, ws.userId);
    const d1 = await env.DB.prepare(`SELECT assignee_id, seq FROM conversations WHERE id = ? ${UNCOUNTED}`).bind(conversationId).first<{ assignee_id: string; seq: number }>();
    expect(d1).toEqual({ assignee_id: ws.userId, seq: mine.at(-1)!.seq });
  });

  it('a delivery receipt projects its sequence number only: no conversation row, no tags', async () => {
    const { ws, inbox } = await setup();
    const from = `1777${Math.floor(Math.random() * 1e7)}`;
    await postWhatsApp(inbox.id, waTextBody(from, 'please answer'));
    const conversationId = await landed(ws.workspaceId, 'please answer');
    const reply = await call('POST', `/api/conversations/${conversationId}/messages`, { token: ws.token, body: { text: 'On it', clientId: unique('c') } });
    expect(reply.status).toBe(201);
    const providerId = await eventually(() =>
      env.DB.prepare(`SELECT provider_message_id FROM outbound_messages WHERE conversation_id = ? ${UNCOUNTED}`).bind(conversationId).first<string>('provider_message_id'),
    );
    await conversationStub(env, ws.workspaceId, conversationId).settled();
    const status = structuredClone(waText.body) as any;
    const value = status.entry[0].changes[0].value;
    delete value.messages;
    delete value.contacts;
    value.statuses = [{ id: providerId, status: 'delivered', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: from }];

    start();
    await postWhatsApp(inbox.id, JSON.stringify(status));
    await eventually(async () => {
      const m = await env.DB.prepare(`SELECT seq FROM conversations WHERE id = ? ${UNCOUNTED}`).bind(conversationId).first<number>('seq');
      const s = await conversationStub(env, ws.workspaceId, conversationId).state();
      return m === s!.seq && (await conversationStub(env, ws.workspaceId, conversationId).messages({ limit: 5, includeNotes: false })).some((x) => x.status === 'delivered' && x.direction === 'outbound');
    });
    await conversationStub(env, ws.workspaceId, conversationId).settled();
    const t = stop();
    const batch = t.d1.find((q) => q.startsWith('batch'));
    expect(batch, t.d1.join("\n")).toMatch(/^batch\(2\):.*UPDATE conversations SET seq/);
    expect(t.d1.join('\n')).not.toMatch(/conversation_tags|INSERT INTO conversations/);
    expect(t.d1, t.d1.join('\n')).toHaveLength(2);
  });

  it('the receipts of one INGEST batch: one D1 lookup, one object call and one commit per conversation; stale ones stop before the object', async () => {
    const { ws, inbox } = await setup();
    const from = `1999${Math.floor(Math.random() * 1e7)}`;
    await postWhatsApp(inbox.id, waTextBody(from, 'two questions'));
    const conversationId = await landed(ws.workspaceId, 'two questions');
    const stub = conversationStub(env, ws.workspaceId, conversationId);
    const replies: string[] = [];
    for (const text of ['First answer', 'Second answer']) {
      const reply = await call('POST', `/api/conversations/${conversationId}/messages`, { token: ws.token, body: { text, clientId: unique('c') } });
      expect(reply.status).toBe(201);
      replies.push(reply.body.message.id);
    }
    const providerIds = await eventually(async () => {
      const ids = await Promise.all(replies.map((id) => env.DB.prepare(`SELECT provider_message_id FROM outbound_messages WHERE message_id = ? AND status = 'sent' ${UNCOUNTED}`).bind(id).first<string>('provider_message_id')));
      return ids.every(Boolean) ? (ids as string[]) : null;
    });
    await stub.settled();
    // The status webhooks as the route queued them: WhatsApp's statuses, one a webhook.
    let n = 0;
    const receipt = (id: string, status: string): IngestJob => {
      const body = structuredClone(waText.body) as any;
      const value = body.entry[0].changes[0].value;
      delete value.messages;
      delete value.contacts;
      value.statuses = [{ id, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: from }];
      return { kind: 'webhook', workspaceId: ws.workspaceId, inboxId: inbox.id, channel: 'whatsapp', raw: { method: 'POST', url: `${BASE}/webhooks/whatsapp/${inbox.id}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), receivedAt: Date.now() } };
    };
    const deliver = async (jobs: IngestJob[]) => {
      const batch = createMessageBatch<IngestJob>('parley-ingest', jobs.map((body) => ({ id: `r${++n}`, timestamp: new Date(), attempts: 1, body })));
      const ctx = createExecutionContext();
      await handleIngestBatch(batch, env);
      return getQueueResult(batch, ctx);
    };
    const [first, second] = providerIds;

    const events = captureEvents();
    start();
    // In one batch: both messages delivered, the first read, and the first's late 'sent' (after its 'read').
    const one = await deliver([receipt(first, 'delivered'), receipt(second, 'delivered'), receipt(first, 'read'), receipt(first, 'sent')]);
    await stub.settled();
    const t = stop();
    expect(one.explicitAcks).toHaveLength(4);
    expect(one.retryMessages).toEqual([]);
    const lookups = t.d1.filter((q) => /outbound_messages/.test(q));
    expect(lookups, t.d1.join('\n')).toHaveLength(1);
    expect(pathCalls(t)).toEqual(['CONVERSATIONS.updateDeliveries']);
    // One commit: three status events with one commit range, projected in one batch (its sequence number).
    const statuses = events.filter((e) => e.conversationId === conversationId && e.type === 'message.status');
    expect(statuses.map((e) => [(e as ParleyEvent<'message.status'>).data.messageId, (e as ParleyEvent<'message.status'>).data.status])).toEqual([[replies[0], 'delivered'], [replies[1], 'delivered'], [replies[0], 'read']]);
    expect(new Set(statuses.map((e) => `${e.commit.first}-${e.commit.last}`)).size).toBe(1);
    expect(t.d1.filter((q) => q.startsWith('batch')), t.d1.join('\n')).toHaveLength(1);
    const messages = await stub.messages({ limit: 10, includeNotes: false });
    expect(messages.filter((m) => replies.includes(m.id)).map((m) => m.status)).toEqual(['read', 'delivered']);

    // Receipts that cannot move their messages on (a repeat, a status behind the one reported): the lookup only.
    start();
    const two = await deliver([receipt(first, 'delivered'), receipt(second, 'sent'), receipt(second, 'delivered')]);
    const t2 = stop();
    expect(two.explicitAcks).toHaveLength(3);
    expect(t2.d1, t2.d1.join('\n')).toHaveLength(1);
    expect(pathCalls(t2)).toEqual([]);
  });

  it('an API reply and its delivery: the reply commits in one object call, the OUTBOUND consumer claims and reads in one batch', async () => {
    const { ws, inbox } = await setup();
    const from = `1888${Math.floor(Math.random() * 1e7)}`;
    await postWhatsApp(inbox.id, waTextBody(from, 'can you help'));
    const conversationId = await landed(ws.workspaceId, 'can you help');

    start();
    const reply = await call('POST', `/api/conversations/${conversationId}/messages`, { token: ws.token, body: { text: 'Yes, gladly', clientId: unique('c') } });
    expect(reply.status).toBe(201);
    await eventually(() => env.DB.prepare(`SELECT 1 AS ok FROM outbound_messages WHERE conversation_id = ? AND status = 'sent' ${UNCOUNTED}`).bind(conversationId).first('ok'));
    await conversationStub(env, ws.workspaceId, conversationId).settled();
    const t = stop();
    const delivery = t.d1.filter((q) => /outbound_messages|sandbox_outbound/.test(q));
    // The claim rides in one batch with every read the send needs (contact, identity, window, options, context).
    expect(delivery[0], t.d1.join('\n')).toMatch(/^batch\(7\): INSERT INTO outbound_messages/);
    // Then the sandbox provider's own record of the request, and the sent mark: three round trips in all.
    expect(delivery, t.d1.join('\n')).toHaveLength(3);
    expect(delivery[2]).toMatch(/UPDATE outbound_messages SET status = 'sent'/);
    expect(pathCalls(t).sort()).toEqual(['CONVERSATIONS.addMessage', 'CONVERSATIONS.updateDelivery']);
  });
});
