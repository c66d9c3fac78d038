// The OUTBOUND consumer claims a whole queue batch in one D1 round trip (every job's claim and the reads
// its send needs), then sends each job once: a message twice in one batch is sent once, and a batch
// delivered again sends nothing. Driven through the real handler with a real message batch.
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { expect, it } from 'vitest';
import { createInbox, postWhatsApp, WA_APP_SECRET, waTextBody } from '../channels/helpers';
import { eventually, newWorkspace, unique } from '../helpers';
import { conversationStub } from '../../worker/conversations/service';
import { handleOutboundBatch } from '../../worker/delivery/consumer';
import type { DeliverJob } from '../../worker/ingest/jobs';
import { start, stop, UNCOUNTED } from './counter';

/** A WhatsApp sender writes in; their conversation and contact once it has landed. */
async function senderSays(inboxId: string, workspaceId: string, from: string, text: string) {
  await postWhatsApp(inboxId, waTextBody(from, text));
  const row = await eventually(() =>
    env.DB.prepare(`SELECT id, contact_id FROM conversations WHERE workspace_id = ? AND last_message_preview = ? ${UNCOUNTED}`).bind(workspaceId, text).first<{ id: string; contact_id: string }>(),
  );
  await conversationStub(env, workspaceId, row.id).settled();
  return { conversationId: row.id, contactId: row.contact_id };
}

it('claims every job of a batch in one round trip and sends each message once', async () => {
  const ws = await newWorkspace();
  const inbox = await createInbox(ws, 'whatsapp', { phoneNumberId: '106540352242922', accessToken: 'EAAtest', appSecret: WA_APP_SECRET, verifyToken: 'verify-me' });
  const one = await senderSays(inbox.id, ws.workspaceId, `1555${Math.floor(Math.random() * 1e7)}`, 'first customer');
  const two = await senderSays(inbox.id, ws.workspaceId, `1556${Math.floor(Math.random() * 1e7)}`, 'second customer');
  const job = (c: { conversationId: string; contactId: string }, text: string): DeliverJob => ({
    kind: 'deliver',
    workspaceId: ws.workspaceId,
    conversationId: c.conversationId,
    contactId: c.contactId,
    inboxId: inbox.id,
    channel: 'whatsapp',
    messageId: unique('msg'),
    clientId: null,
    text,
    attachments: [],
    authorName: 'Agent',
  });
  const a = job(one, 'first reply');
  const b = job(one, 'second reply');
  const c = job(two, 'other reply');
  const messages = [a, b, c, a].map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body }));

  const ctx = createExecutionContext();
  const batch = createMessageBatch<DeliverJob>('parley-outbound', messages);
  start();
  await handleOutboundBatch(batch, env);
  const t = stop();
  const result = await getQueueResult(batch, ctx);
  expect(result.explicitAcks.sort()).toEqual(['m0', 'm1', 'm2', 'm3']);
  expect(result.retryMessages).toEqual([]);

  const claims = t.d1.filter((q) => /INSERT INTO outbound_messages/.test(q));
  expect(claims, t.d1.join('\n')).toHaveLength(1);
  expect(claims[0]).toMatch(/^batch\(21\):/);
  const sent = await env.DB.prepare(`SELECT message_id, status FROM outbound_messages WHERE workspace_id = ? ${UNCOUNTED}`).bind(ws.workspaceId).all<{ message_id: string; status: string }>();
  expect(Object.fromEntries(sent.results.map((r) => [r.message_id, r.status]))).toEqual({ [a.messageId]: 'sent', [b.messageId]: 'sent', [c.messageId]: 'sent' });
  const record = () =>
    env.DB.prepare(`SELECT message_id, body FROM sandbox_outbound WHERE workspace_id = ? AND purpose = 'send' ORDER BY id ${UNCOUNTED}`).bind(ws.workspaceId).all<{ message_id: string; body: string }>();
  const first = (await record()).results;
  // Each message reached the provider once; one conversation's replies in their order.
  expect(first.map((r) => r.message_id).sort()).toEqual([a.messageId, b.messageId, c.messageId].sort());
  const order = first.map((r) => r.message_id).filter((id) => id !== c.messageId);
  expect(order).toEqual([a.messageId, b.messageId]);

  // The same batch again (a redelivery): one claim round trip, nothing sent.
  const again = createMessageBatch<DeliverJob>('parley-outbound', messages);
  start();
  await handleOutboundBatch(again, env);
  const t2 = stop();
  expect((await getQueueResult(again, createExecutionContext())).explicitAcks.sort()).toEqual(['m0', 'm1', 'm2', 'm3']);
  expect(t2.d1, t2.d1.join('\n')).toHaveLength(1);
  expect((await record()).results).toHaveLength(3);
});
