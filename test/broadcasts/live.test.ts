// What a broadcast puts on agents' live sockets: its conversations start closed, in nobody's working
// queue, so their list changes are gathered into one `batch` frame per socket (about a second apart)
// instead of two frames per conversation, and none of them is "new conversation" news. A change that
// moves a conversation into or out of the working queue still goes out at once, on its own.
import { env } from 'cloudflare:test';
import { expect, it } from 'vitest';
import { newToken } from '../../worker/broadcasts/delivery';
import { sendRecipient } from '../../worker/broadcasts/sender';
import { conversationStub } from '../../worker/conversations/service';
import { call, eventually } from '../helpers';
import { openSocket, type TestSocket } from '../sockets';
import { draft, smsContact, smsSetup } from './setup';

async function broadcastTo(n: number) {
  const { ws, inbox, templateId } = await smsSetup();
  const contacts = await Promise.all(Array.from({ length: n }, () => smsContact(ws)));
  const live = await openSocket(`/api/live?access_token=${ws.token}`);
  await live.next((f) => f.t === 'hello');
  const b = await draft(ws, inbox.id, templateId);
  await env.DB.prepare(`UPDATE broadcasts SET status = 'sending', started_at = ? WHERE id = ?`).bind(Date.now(), b.id).run();
  for (const c of contacts)
    await env.DB.prepare(`INSERT INTO broadcast_recipients (broadcast_id, contact_id, workspace_id, status, token, queued_at, created_at) VALUES (?, ?, ?, 'queued', ?, ?, ?)`)
      .bind(b.id, c.id, ws.workspaceId, newToken(), Date.now(), Date.now())
      .run();
  // At once, as a broadcast's overlapping sends are: their changes fall in one second's window.
  const sent = await Promise.all(contacts.map((c) => sendRecipient(env, { kind: 'broadcast_send', broadcastId: b.id, workspaceId: ws.workspaceId, contactId: c.id })));
  expect(sent).toEqual(Array(n).fill('sent'));
  const ids = (await env.DB.prepare(`SELECT conversation_id FROM broadcast_recipients WHERE broadcast_id = ?`).bind(b.id).all<{ conversation_id: string }>()).results.map((r) => r.conversation_id);
  expect(ids).toHaveLength(n);
  return { ws, live, ids };
}

const batchWith = (live: TestSocket, id: string) => eventually<any>(async () => live.messages.find((m) => m.t === 'batch' && m.frames.some((f: any) => f.id === id || f.conversation?.id === id)));

it('conversations a broadcast starts reach agents in one batch frame, with their counts, and are no news', async () => {
  const { ws, live, ids } = await broadcastTo(3);
  const batch = await batchWith(live, ids[0]);
  for (const id of ids) {
    const frames = (batch.frames as any[]).filter((f) => f.id === id || f.conversation?.id === id);
    // Its counts move from nothing to closed, then the row itself.
    expect(frames.map((f) => f.t)).toEqual(['counts', 'conversation']);
    expect(frames[0]).toMatchObject({ before: null, after: { status: 'closed' } });
    expect(frames[1].conversation.status).toBe('closed');
  }
  expect(live.messages.filter((m) => m.t === 'batch')).toHaveLength(1);
  // Nothing about them went out on its own, and no agent heard of a "new conversation".
  const loose = live.messages.filter((m) => m.t !== 'batch' && (ids.includes(m.id) || ids.includes(m.conversation?.id) || ids.includes(m.conversationId)));
  expect(loose).toEqual([]);

  // Reopened (the customer replied, say): back in the working queue, so it goes out at once, unbatched.
  const reopened = await call('PATCH', `/api/conversations/${ids[0]}`, { token: ws.token, body: { status: 'open' } });
  expect(reopened.status).toBe(200);
  await conversationStub(env, ws.workspaceId, ids[0]).settled();
  const counts = await live.next((f) => f.t === 'counts' && f.id === ids[0] && f.after?.status === 'open');
  expect(counts).toMatchObject({ before: { status: 'closed' }, after: { status: 'open' } });
  await live.next((f) => f.t === 'conversation' && f.conversation.id === ids[0] && f.conversation.status === 'open');
  live.close();
});

it('a conversation deleted while its change is held never comes back: agents never heard of it, so nothing is sent about it', async () => {
  const { ws, live, ids } = await broadcastTo(2);
  expect((await call('DELETE', `/api/conversations/${ids[0]}`, { token: ws.token })).status).toBe(204);
  const batch = await batchWith(live, ids[1]);
  expect((batch.frames as any[]).map((f) => f.id ?? f.conversation?.id)).toEqual([ids[1], ids[1]]);
  // Neither its counts (nobody counted it) nor a removal (nobody listed it).
  expect(live.frames.filter((f) => f.id === ids[0] || f.conversation?.id === ids[0])).toEqual([]);
  live.close();
});
