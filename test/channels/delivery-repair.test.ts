// A redelivered OUTBOUND job for a message already sent (or failed) sends nothing, and tells the
// conversation the mark again: when the consumer's first call to the object failed after D1 had the
// mark, the retry is what repairs the timeline (the object ignores a repeat). Its own file: the budget
// tests' counter wraps object stubs, which runInDurableObject cannot take.
import { createExecutionContext, createMessageBatch, env, getQueueResult, runInDurableObject } from 'cloudflare:test';
import { expect, it } from 'vitest';
import { createInbox, postWhatsApp, WA_APP_SECRET, waTextBody } from './helpers';
import { call, eventually, newWorkspace, unique } from '../helpers';
import { conversationStub } from '../../worker/conversations/service';
import { handleOutboundBatch } from '../../worker/delivery/consumer';
import type { DeliverJob } from '../../worker/ingest/jobs';

it('a redelivered job for a message already sent tells the conversation again, repairing a sent mark that never reached it', async () => {
  const ws = await newWorkspace();
  const inbox = await createInbox(ws, 'whatsapp', { phoneNumberId: '106540352242922', accessToken: 'EAAtest', appSecret: WA_APP_SECRET, verifyToken: 'verify-me' });
  await postWhatsApp(inbox.id, waTextBody(`1558${Math.floor(Math.random() * 1e7)}`, 'are you there'));
  const conv = await eventually(() =>
    env.DB.prepare(`SELECT id, contact_id FROM conversations WHERE workspace_id = ? AND last_message_preview = 'are you there'`).bind(ws.workspaceId).first<{ id: string; contact_id: string }>(),
  );
  const reply = await call('POST', `/api/conversations/${conv.id}/messages`, { token: ws.token, body: { text: 'We are', clientId: unique('c') } });
  expect(reply.status).toBe(201);
  const messageId = reply.body.message.id as string;
  await eventually(() => env.DB.prepare(`SELECT 1 AS ok FROM outbound_messages WHERE message_id = ? AND status = 'sent'`).bind(messageId).first('ok'));
  const stub = conversationStub(env, ws.workspaceId, conv.id);
  await stub.settled();
  const status = async () => (await stub.messages({ limit: 10, includeNotes: false })).find((m) => m.id === messageId)?.status;
  expect(await status()).toBe('sent');
  // The consumer marked it sent in D1, then its call to the conversation failed: the object still says queued.
  await runInDurableObject(stub, (_o, state) => state.storage.sql.exec(`UPDATE messages SET status = 'queued' WHERE id = ?`, messageId));
  expect(await status()).toBe('queued');

  const job: DeliverJob = { kind: 'deliver', workspaceId: ws.workspaceId, conversationId: conv.id, contactId: conv.contact_id, inboxId: inbox.id, channel: 'whatsapp', messageId, clientId: null, text: 'We are', attachments: [], authorName: 'Agent' };
  const batch = createMessageBatch<DeliverJob>('parley-outbound', [{ id: 'again', timestamp: new Date(), attempts: 2, body: job }]);
  await handleOutboundBatch(batch, env);
  expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toEqual(['again']);
  expect(await status()).toBe('sent');
  // Nothing went to the provider again.
  expect(await env.DB.prepare(`SELECT count(*) AS n FROM sandbox_outbound WHERE message_id = ? AND purpose = 'send'`).bind(messageId).first<number>('n')).toBe(1);
});
