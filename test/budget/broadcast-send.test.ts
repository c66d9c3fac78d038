// What one broadcast recipient costs the sender (the BROADCAST_SENDS consumer's work): the claim and
// every read the send needs in one D1 round trip (template, workspace and merge values included), the
// tracked links with the thread lookup in a second, one object call, and the recipient's mark (for a new
// conversation, in the same round trip as the contact's thread). A
// contact whose conversation on the inbox is already projected takes the message without the object
// being asked for its state first. Counted with costOf: only the sender's own flow, so the objects'
// drains and the queue consumers that run meanwhile do not move the figure.
import { env } from 'cloudflare:test';
import { expect, it } from 'vitest';
import { sendRecipient } from '../../worker/broadcasts/sender';
import { newToken } from '../../worker/broadcasts/delivery';
import { conversationStub } from '../../worker/conversations/service';
import { call, eventually } from '../helpers';
import { draft, smsContact, smsSetup } from '../broadcasts/setup';
import { costOf, start, stop, UNCOUNTED } from './counter';

it('a recipient costs the sender two D1 round trips before its one object call, and one after', async () => {
  const { ws, inbox, templateId } = await smsSetup();
  const fresh = await smsContact(ws);
  const known = await smsContact(ws);
  const lagging = await smsContact(ws);
  // The known contact already has a conversation on the inbox (an agent wrote first), projected to D1.
  const startFor = async (contactId: string) => {
    const started = await call('POST', '/api/conversations', { token: ws.token, body: { contactId, inboxId: inbox.id, text: 'Hello from us' } });
    expect(started.status).toBe(201);
    const id = started.body.conversation.id as string;
    await conversationStub(env, ws.workspaceId, id).settled();
    await eventually(() => env.DB.prepare(`SELECT 1 FROM conversations WHERE id = ?`).bind(id).first());
    return id;
  };
  const existing = await startFor(known.id);
  // The lagging contact's conversation has no projection row (as while a retried projection waits).
  const unprojected = await startFor(lagging.id);
  await env.DB.prepare(`DELETE FROM conversations WHERE id = ?`).bind(unprojected).run();

  // The fresh contact has a booking the channels recorded, and the template names its reference: the
  // merge values read with the claim include it.
  await env.DB.prepare(`INSERT INTO contact_contexts (id, workspace_id, contact_id, channel, kind, reference, data) VALUES (?, ?, ?, 'booking', 'reservation', 'BK-4711', '{}')`)
    .bind(`ctx_${fresh.id}`, ws.workspaceId, fresh.id)
    .run();
  const body = 'Hi {{contact.first_name}}, 20% off this week: https://shop.example/spring?src=sms {{reservation.reference}}';
  expect((await call('PATCH', `/api/templates/${templateId}`, { token: ws.token, body: { body } })).status).toBe(200);

  // A broadcast already sending, with both recipients snapshotted (what the workflow's first steps
  // write), sent here one at a time by the sender itself rather than by the queue.
  const b = await draft(ws, inbox.id, templateId);
  await env.DB.prepare(`UPDATE broadcasts SET status = 'sending', started_at = ? WHERE id = ?`).bind(Date.now(), b.id).run();
  for (const c of [fresh, known, lagging])
    await env.DB.prepare(`INSERT INTO broadcast_recipients (broadcast_id, contact_id, workspace_id, status, token, queued_at, created_at) VALUES (?, ?, ?, 'queued', ?, ?, ?)`)
      .bind(b.id, c.id, ws.workspaceId, newToken(), Date.now(), Date.now())
      .run();
  const job = (contactId: string) => ({ kind: 'broadcast_send' as const, broadcastId: b.id, workspaceId: ws.workspaceId, contactId });

  // New to the inbox: claim with its reads, links with the thread lookup, the start (one call), then the
  // contact's thread with the recipient's mark.
  const first = await costOf(() => sendRecipient(env, job(fresh.id)));
  expect(first.result).toBe('sent');
  expect(first.tally.calls).toEqual(['CONVERSATIONS.start']);
  expect(first.tally.d1, first.tally.d1.join('\n')).toHaveLength(3);
  expect(first.tally.d1[0]).toMatch(/^batch\(8\)/);
  expect(first.tally.d1[2]).toMatch(/^batch\(2\).*contact_threads.*broadcast_recipients/);

  // With a projected conversation: no state() before the append.
  const second = await costOf(() => sendRecipient(env, job(known.id)));
  expect(second.result).toBe('sent');
  expect(second.tally.calls).toEqual(['CONVERSATIONS.addMessage']);
  expect(second.tally.d1, second.tally.d1.join('\n')).toHaveLength(3);

  // Without a projection row to vouch for the thread, the object is asked before the append.
  const third = await costOf(() => sendRecipient(env, job(lagging.id)));
  expect(third.result).toBe('sent');
  expect(third.tally.calls).toEqual(['CONVERSATIONS.state', 'CONVERSATIONS.addMessage']);

  // The merge values read with the claim reach the message: the first name, and the booking's reference.
  const rows = await env.DB.prepare(`SELECT contact_id, status, conversation_id, message_id FROM broadcast_recipients WHERE broadcast_id = ? ORDER BY contact_id`)
    .bind(b.id)
    .all<{ contact_id: string; status: string; conversation_id: string; message_id: string }>();
  const byContact = new Map(rows.results.map((r) => [r.contact_id, r]));
  expect(byContact.get(known.id)?.conversation_id).toBe(existing);
  expect(byContact.get(lagging.id)?.conversation_id).toBe(unprojected);
  expect(byContact.get(fresh.id)?.conversation_id).not.toBe(existing);
  for (const c of [fresh, known]) {
    const r = byContact.get(c.id)!;
    expect(['queued', 'sent']).toContain(r.status);
    const messages = await conversationStub(env, ws.workspaceId, r.conversation_id).messages({ limit: 5, includeNotes: false });
    const sent = messages.find((m) => m.id === r.message_id);
    expect(sent?.text).toMatch(new RegExp(`^Hi ${(c.name ?? "").split(' ')[0]}, 20% off this week: `));
    expect(sent?.authorType).toBe('broadcast');
    expect(sent?.text.includes('BK-4711'), `${c === fresh ? 'fresh' : 'known'}: ${sent?.text}`).toBe(c === fresh);
  }

  // A second delivery of the same job claims nothing and costs one round trip.
  const again = await costOf(() => sendRecipient(env, job(fresh.id)));
  expect(again.result).toBe('not_claimed');
  expect(again.tally.calls).toEqual([]);
  expect(again.tally.d1).toHaveLength(1);
});

it("a new recipient's conversation takes the contact's tags from the sender and reads none of its own", async () => {
  const { ws, inbox, templateId } = await smsSetup();
  const contact = await smsContact(ws);
  await env.DB.prepare(`UPDATE contacts SET tags = '["vip"]' WHERE id = ?`).bind(contact.id).run();
  const b = await draft(ws, inbox.id, templateId);
  await env.DB.prepare(`UPDATE broadcasts SET status = 'sending', started_at = ? WHERE id = ?`).bind(Date.now(), b.id).run();
  await env.DB.prepare(`INSERT INTO broadcast_recipients (broadcast_id, contact_id, workspace_id, status, token, queued_at, created_at) VALUES (?, ?, ?, 'queued', ?, ?, ?)`)
    .bind(b.id, contact.id, ws.workspaceId, newToken(), Date.now(), Date.now())
    .run();

  // Everything in the isolate while the send and the new conversation's own work run (its drain, its
  // loads): before, the object read the contact's tags from D1 after its first commit, and wrote them.
  start();
  expect(await sendRecipient(env, { kind: 'broadcast_send', broadcastId: b.id, workspaceId: ws.workspaceId, contactId: contact.id })).toBe('sent');
  const conversationId = await env.DB.prepare(`SELECT conversation_id FROM broadcast_recipients WHERE broadcast_id = ? AND contact_id = ? ${UNCOUNTED}`)
    .bind(b.id, contact.id)
    .first<string>('conversation_id');
  await conversationStub(env, ws.workspaceId, conversationId!).settled();
  const tally = stop();
  expect(tally.d1.filter((s) => /SELECT tags FROM contacts/.test(s)), tally.d1.join('\n')).toEqual([]);
});
