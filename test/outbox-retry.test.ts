// When D1 refuses the projection, the conversation keeps working, keeps the rows in its outbox,
// and lands them by alarm once D1 is back. (Its own file: it breaks D1 on purpose.)
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { expect, it } from 'vitest';
import { conversationStub } from '../worker/conversations/service';
import { call, eventually, newWorkspace, visitor, visitorSays, webchatInbox } from './helpers';

it('retries the projection by alarm until D1 has it', async () => {
  const ws = await newWorkspace();
  const inbox = await webchatInbox(ws);
  const v = await visitor(inbox.websiteToken);
  const { conversationId } = await visitorSays(v.visitorToken, 'before the outage');
  const stub = conversationStub(env, ws.workspaceId, conversationId);
  const outboxSize = () => runInDurableObject(stub, (_i, state) => state.storage.sql.exec<{ n: number }>('SELECT count(*) AS n FROM outbox').one().n);
  const alarmAt = () => runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
  await eventually(async () => (await outboxSize()) === 0);

  // D1 outage: the projection table is gone.
  await env.DB.exec('ALTER TABLE conversations RENAME TO conversations_offline');
  try {
    const during = await visitorSays(v.visitorToken, 'during the outage');
    expect(during.conversationId).toBe(conversationId);
    const reply = await call('POST', `/api/conversations/${conversationId}/messages`, { token: ws.token, body: { text: 'we are on it' } });
    expect(reply.status).toBe(201);
    // Accepted and stored in the object; the projection waits in the outbox with a retry alarm set.
    await eventually(async () => (await outboxSize()) > 0);
    expect(await alarmAt()).not.toBeNull();
    // A retry while D1 is still down keeps everything.
    await runDurableObjectAlarm(stub);
    expect(await outboxSize()).toBeGreaterThan(0);
  } finally {
    await env.DB.exec('ALTER TABLE conversations_offline RENAME TO conversations');
  }

  // D1 is back: the next alarm lands it all.
  await runDurableObjectAlarm(stub);
  await eventually(async () => (await outboxSize()) === 0);
  const row = await env.DB.prepare('SELECT message_count, last_message_preview FROM conversations WHERE id = ?').bind(conversationId).first<{ message_count: number; last_message_preview: string }>();
  expect(row).toMatchObject({ message_count: 3, last_message_preview: 'we are on it' });
  const texts = await env.DB.prepare('SELECT body FROM message_search WHERE conversation_id = ? ORDER BY seq').bind(conversationId).all();
  expect(texts.results.map((r) => r.body)).toEqual(['before the outage', 'during the outage', 'we are on it']);
  expect(await alarmAt()).toBeNull();
});
