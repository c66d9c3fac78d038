// The INGEST consumer looks up the senders of a queue batch in one D1 round trip (the first message of
// each sender's lane; the rest of a lane reads its own, after the first may have created the contact or
// the conversation). Known and new senders in one batch each land in their own conversation. Driven
// through the real handler with a real message batch.
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { expect, it } from 'vitest';
import { createInbox, postWhatsApp, WA_APP_SECRET, waTextBody } from '../channels/helpers';
import { eventually, newWorkspace } from '../helpers';
import { conversationStub } from '../../worker/conversations/service';
import { handleIngestBatch } from '../../worker/ingest/consumer';
import type { IngestJob } from '../../worker/ingest/jobs';
import { start, stop, UNCOUNTED } from './counter';

async function landed(workspaceId: string, text: string) {
  const row = await eventually(() =>
    env.DB.prepare(`SELECT id, contact_id FROM conversations WHERE workspace_id = ? AND last_message_preview = ? ${UNCOUNTED}`).bind(workspaceId, text).first<{ id: string; contact_id: string }>(),
  );
  await conversationStub(env, workspaceId, row.id).settled();
  return row;
}

it('looks up every sender of a batch in one round trip; known and new senders land in their own conversations', async () => {
  const ws = await newWorkspace();
  const inbox = await createInbox(ws, 'whatsapp', { phoneNumberId: '106540352242922', accessToken: 'EAAtest', appSecret: WA_APP_SECRET, verifyToken: 'verify-me' });
  const known = [`1555${Math.floor(Math.random() * 1e7)}`, `1556${Math.floor(Math.random() * 1e7)}`];
  const before = [];
  for (const [i, from] of known.entries()) {
    await postWhatsApp(inbox.id, waTextBody(from, `hello ${i}`));
    before.push(await landed(ws.workspaceId, `hello ${i}`));
  }
  const stranger = `1557${Math.floor(Math.random() * 1e7)}`;
  // Two known senders, a new one, and the first known sender again (the second message of its lane).
  const sends: [string, string][] = [
    [known[0], 'again from the first'],
    [known[1], 'again from the second'],
    [stranger, 'first words of a stranger'],
    [known[0], 'and once more from the first'],
  ];
  const job = (from: string, text: string): IngestJob => ({
    kind: 'webhook',
    workspaceId: ws.workspaceId,
    inboxId: inbox.id,
    channel: 'whatsapp',
    raw: { method: 'POST', url: `https://parley.test/webhooks/whatsapp/${inbox.id}`, headers: { 'content-type': 'application/json' }, body: waTextBody(from, text), receivedAt: Date.now() },
  });
  const messages = sends.map(([from, text], i) => ({ id: `in${i}`, timestamp: new Date(), attempts: 1, body: job(from, text) }));
  const batch = createMessageBatch<IngestJob>('parley-ingest', messages);
  start();
  await handleIngestBatch(batch, env);
  const t = stop();
  expect((await getQueueResult(batch, createExecutionContext())).explicitAcks.sort()).toEqual(['in0', 'in1', 'in2', 'in3']);

  const lookups = t.d1.filter((q) => /SELECT ci\.contact_id/.test(q));
  // One batch for the three lanes' first messages; the first sender's second message reads its own.
  expect(lookups[0], t.d1.join('\n')).toMatch(/^batch\(3\): SELECT ci\.contact_id/);
  expect(lookups.filter((q) => q.startsWith('batch(3)'))).toHaveLength(1);

  const first = await landed(ws.workspaceId, 'and once more from the first');
  expect(first).toEqual(before[0]);
  expect(await landed(ws.workspaceId, 'again from the second')).toEqual(before[1]);
  const fresh = await landed(ws.workspaceId, 'first words of a stranger');
  expect([before[0].contact_id, before[1].contact_id]).not.toContain(fresh.contact_id);
  const messagesOf = (id: string) => conversationStub(env, ws.workspaceId, id).messages({ limit: 10, includeNotes: false });
  expect((await messagesOf(first.id)).map((m) => m.text)).toEqual(['hello 0', 'again from the first', 'and once more from the first']);
});
