// A broadcast through the real BROADCASTS workflow (sleeps disabled by introspection) and the real
// BROADCAST_SENDS and OUTBOUND queues, with the sandbox transport recording what Twilio would receive:
// each sendable contact once, in their conversation timeline; skipped ones never; a redelivered job,
// a cancel, the schedule's time zone, and the status webhook moving the stats.
import { env, introspectWorkflowInstance } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { handleBroadcastSends, inFlightFor, takeToken } from '../../worker/broadcasts/consumer';
import { newToken, type SendJob } from '../../worker/broadcasts/delivery';
import { sendRecipient } from '../../worker/broadcasts/sender';
import { call, eventually } from '../helpers';
import { audience, broadcast, draft, recipients, sendAndComplete, settled, smsContact, smsSetup, smsTo, twilioStatus } from './setup';

/**
 * Every message is marked sent in D1 after exactly one claim: no send is in flight or still to come (a
 * job that arrives later finds the mark and sends nothing), so "once" can be checked without waiting.
 */
async function onceSent(messageIds: string[]): Promise<boolean> {
  return eventually(async () => {
    const rows = await env.DB.prepare(`SELECT status, attempts FROM outbound_messages WHERE message_id IN (SELECT value FROM json_each(?))`).bind(JSON.stringify(messageIds)).all<{ status: string; attempts: number }>();
    if (rows.results.length !== messageIds.length || rows.results.some((r) => r.status !== 'sent')) return null;
    return rows.results.every((r) => r.attempts === 1);
  });
}

describe('broadcast delivery', () => {
  it('sends once to each sendable contact, into their conversation; skipped contacts are listed with reasons and never sent', async () => {
    const { ws, inbox, templateId } = await smsSetup();
    const a = await audience(ws);
    const b = await draft(ws, inbox.id, templateId);
    await sendAndComplete(ws, b.id);
    const done = await settled(ws, b.id, 2);
    expect(done.status).toBe('sent');
    expect(done.stats).toMatchObject({ recipients: 5, skipped: 3, sent: 2, failed: 0 });

    for (const c of a.ok) {
      const sms = await smsTo(ws.workspaceId, c.number);
      expect(sms).toHaveLength(1);
      expect(sms[0].Body).toMatch(/^Hi Ana, 20% off this week: http:\/\/\S+\/t\/c\/[\w-]+\.0/);
    }
    for (const c of [a.optedOut, a.blocked]) expect(await smsTo(ws.workspaceId, c.number)).toEqual([]);

    const skipped = await recipients(ws, b.id, 'skipped');
    expect(Object.fromEntries(skipped.map((r) => [r.contactId, r.reason]))).toEqual({ [a.optedOut.id]: 'sms_opt_out', [a.blocked.id]: 'blocked', [a.noIdentity.id]: 'no_identity' });

    // The message is in the contact's conversation, written by the broadcast, and the conversation is not left open for agents.
    const [r] = (await recipients(ws, b.id, 'sent')).filter((x) => x.contactId === a.ok[0].id);
    const msgs = await call('GET', `/api/conversations/${r.conversationId}/messages`, { token: ws.token });
    const m = msgs.body.items.filter((x: any) => x.authorType === 'broadcast');
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({ id: r.messageId, authorId: b.id, direction: 'outbound', status: 'sent' });
    const conv = await call('GET', `/api/conversations/${r.conversationId}`, { token: ws.token });
    expect(conv.body.status).toBe('closed');
  });

  it('a redelivered or repeated send job sends nobody twice', async () => {
    const { ws, inbox, templateId } = await smsSetup();
    const c = await smsContact(ws);
    const b = await draft(ws, inbox.id, templateId);
    await sendAndComplete(ws, b.id);
    await settled(ws, b.id, 1);
    const job = { kind: 'broadcast_send' as const, broadcastId: b.id, workspaceId: ws.workspaceId, contactId: c.id };
    // The queue delivers the job again after it went out.
    expect(await sendRecipient(env, job)).toBe('not_claimed');
    // A consumer that crashed after appending the message but before recording it: the retry reaches the same message.
    const before = (await recipients(ws, b.id))[0];
    await env.DB.prepare(`UPDATE broadcasts SET status = 'sending' WHERE id = ?`).bind(b.id).run();
    await env.DB.prepare(`UPDATE broadcast_recipients SET status = 'sending', message_id = NULL WHERE broadcast_id = ?`).bind(b.id).run();
    expect(await sendRecipient(env, job)).toBe('sent');
    const after = (await recipients(ws, b.id))[0];
    expect(after.messageId).toBe(before.messageId);
    const msgs = await call('GET', `/api/conversations/${after.conversationId}/messages`, { token: ws.token });
    expect(msgs.body.items.filter((x: any) => x.authorType === 'broadcast')).toHaveLength(1);
    // Sent, and claimed only once: a job arriving later finds it sent and sends nothing.
    expect(await onceSent([after.messageId])).toBe(true);
    expect(await smsTo(ws.workspaceId, c.number)).toHaveLength(1);
  });

  it("the contact's closed conversation on the inbox takes the message and stays closed", async () => {
    const { ws, inbox, templateId } = await smsSetup();
    const c = await smsContact(ws);
    const started = await call('POST', '/api/conversations', { token: ws.token, body: { contactId: c.id, inboxId: inbox.id, text: 'Your table is booked' } });
    expect(started.status).toBe(201);
    await call('PATCH', `/api/conversations/${started.body.conversation.id}`, { token: ws.token, body: { status: 'closed' } });
    const b = await draft(ws, inbox.id, templateId);
    await sendAndComplete(ws, b.id);
    await settled(ws, b.id, 1);
    const [r] = await recipients(ws, b.id);
    expect(r.conversationId).toBe(started.body.conversation.id);
    const conv = await call('GET', `/api/conversations/${r.conversationId}`, { token: ws.token });
    expect(conv.body.status).toBe('closed');
  });

  it('POST /send answers with the broadcast as handed over, counted before the workflow writes any recipient', async () => {
    const { ws, inbox, templateId } = await smsSetup();
    await audience(ws);
    const b = await draft(ws, inbox.id, templateId);
    const instance = await introspectWorkflowInstance(env.BROADCASTS, b.id);
    await instance.modify(async (m) => {
      await m.disableSleeps();
    });
    const res = await call('POST', `/api/broadcasts/${b.id}/send`, { token: ws.token });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    // Whatever the workflow did meanwhile, the answer is the moment of the hand-over: scheduled, no recipients yet.
    expect(res.body.status).toBe('scheduled');
    expect(res.body.scheduledAt).toBeGreaterThan(0);
    expect(res.body.stats).toEqual({ recipients: 0, skipped: 0, queued: 0, sent: 0, delivered: 0, read: 0, failed: 0, cancelled: 0, opened: 0, machineOpened: 0, clicked: 0, replied: 0, unsubscribed: 0 });
    await instance.waitForStatus('complete');
    await instance.dispose();
    // The same shape as GET /:id, which follows the live counts.
    const live = await settled(ws, b.id, 2);
    expect(Object.keys(res.body).sort()).toEqual(Object.keys(live).sort());
    expect(live.stats).toMatchObject({ recipients: 5, skipped: 3, sent: 2 });
  });

  it('a Twilio status callback moves the recipient and the stats; a reply is attributed', async () => {
    const { ws, inbox, templateId } = await smsSetup();
    const c = await smsContact(ws);
    const b = await draft(ws, inbox.id, templateId);
    await sendAndComplete(ws, b.id);
    await settled(ws, b.id, 1);
    const [r] = await recipients(ws, b.id);
    const sid = await env.DB.prepare(`SELECT provider_message_id FROM outbound_messages WHERE message_id = ?`).bind(r.messageId).first<string>('provider_message_id');
    expect(sid).toBeTruthy();
    const res = await twilioStatus(inbox.id, [['MessageSid', sid!], ['MessageStatus', 'delivered'], ['AccountSid', 'AC0123456789'], ['To', c.number]]);
    expect(res.status).toBeLessThan(300);
    await eventually(async () => (await broadcast(ws, b.id)).stats.delivered === 1);
    expect((await recipients(ws, b.id, 'delivered'))[0].deliveredAt).toBeGreaterThan(0);

    const reply = await twilioStatus(inbox.id, [['MessageSid', `SMreply${Date.now()}`], ['From', c.number], ['To', '+15557654321'], ['Body', 'Is it valid on Sunday?'], ['AccountSid', 'AC0123456789'], ['NumMedia', '0']]);
    expect(reply.status).toBeLessThan(300);
    await eventually(async () => (await broadcast(ws, b.id)).stats.replied === 1);
  });

  it('schedules at a wall-clock time in another zone: the workflow sleeps until that instant', async () => {
    const { ws, inbox, templateId } = await smsSetup();
    await smsContact(ws);
    const b = await draft(ws, inbox.id, templateId);
    const instance = await introspectWorkflowInstance(env.BROADCASTS, b.id);
    await instance.modify(async (m) => {
      await m.disableSleeps();
    });
    const res = await call('POST', `/api/broadcasts/${b.id}/schedule`, { token: ws.token, body: { at: '2099-07-01T09:30', timezone: 'America/New_York' } });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    // 09:30 EDT is 13:30 UTC.
    const at = Date.UTC(2099, 6, 1, 13, 30);
    expect(res.body).toMatchObject({ status: 'scheduled', scheduledAt: at, timezone: 'America/New_York' });
    expect(await instance.waitForStepResult({ name: 'schedule' })).toBe(at);
    await instance.waitForStatus('complete');
    await instance.dispose();
    await settled(ws, b.id, 1);
  });

  it('cancel: nothing goes out after it, and a scheduled broadcast sends nothing at all', async () => {
    const { ws, inbox, templateId } = await smsSetup();
    const contacts: Awaited<ReturnType<typeof smsContact>>[] = [];
    for (let i = 0; i < 6; i++) contacts.push(await smsContact(ws));
    // One send a second: the cancel below lands while most recipients still wait their turn (at the
    // default rate six sends can all be out before it).
    expect((await call('PATCH', `/api/inboxes/${inbox.id}`, { token: ws.token, body: { settings: { broadcastRate: 1 } } })).status).toBe(200);
    const b = await draft(ws, inbox.id, templateId);
    const instance = await introspectWorkflowInstance(env.BROADCASTS, b.id);
    await instance.modify(async (m) => {
      await m.disableSleeps();
    });
    await call('POST', `/api/broadcasts/${b.id}/send`, { token: ws.token });
    // Cancel as soon as the recipients are snapshotted, while the queue is working through them.
    await eventually(async () => (await broadcast(ws, b.id)).stats.recipients === 6, 15_000);
    const cancelled = await call('POST', `/api/broadcasts/${b.id}/cancel`, { token: ws.token });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    await instance.dispose();
    // A job still in the queue finds the broadcast cancelled.
    const unsent = await recipients(ws, b.id, 'cancelled');
    for (const r of unsent) expect(await sendRecipient(env, { kind: 'broadcast_send', broadcastId: b.id, workspaceId: ws.workspaceId, contactId: r.contactId })).toBe('not_claimed');
    // Whatever went out had been handed over before the cancel; the cancelled ones never are.
    await eventually(async () => (await broadcast(ws, b.id)).stats.queued === 0);
    const all = await recipients(ws, b.id);
    const handed = all.filter((r) => r.messageId);
    expect(handed.length + all.filter((r) => r.status === 'cancelled').length).toBe(6);
    let sends = 0;
    for (const c of contacts) sends += (await smsTo(ws.workspaceId, c.number)).length;
    await eventually(async () => {
      let n = 0;
      for (const c of contacts) n += (await smsTo(ws.workspaceId, c.number)).length;
      return n === handed.length;
    });
    expect(sends).toBeLessThanOrEqual(handed.length);

    // Scheduled for later and cancelled before: no recipient at all.
    const later = await draft(ws, inbox.id, templateId);
    await call('POST', `/api/broadcasts/${later.id}/schedule`, { token: ws.token, body: { at: '2099-01-01T09:00', timezone: 'UTC' } });
    expect((await call('POST', `/api/broadcasts/${later.id}/cancel`, { token: ws.token })).body).toMatchObject({ status: 'cancelled', stats: { recipients: 0 } });
  });

  it('fourteen recipients (two insert statements) each get exactly one SMS', async () => {
    const { ws, inbox, templateId } = await smsSetup();
    const contacts: Awaited<ReturnType<typeof smsContact>>[] = [];
    for (let i = 0; i < 14; i++) contacts.push(await smsContact(ws));
    const b = await draft(ws, inbox.id, templateId);
    await sendAndComplete(ws, b.id);
    await settled(ws, b.id, 14);
    for (const c of contacts) expect(await smsTo(ws.workspaceId, c.number)).toHaveLength(1);
  });
});

describe('per-inbox pacing', () => {
  it('a token bucket: a full second of sends at once, then one every 1/rate seconds', () => {
    const store = new Map();
    const waits = Array.from({ length: 12 }, () => takeToken('inb', 10, 1_000, store));
    expect(waits.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(waits.slice(10)).toEqual([100, 200]);
    // Half a second later five tokens came back, three of them owed.
    expect(takeToken('inb', 10, 1_500, store)).toBe(0);
  });

  it('sends overlap up to the rate (at most 16), never fewer than one', () => {
    expect([0.5, 1, 2, 10, 16, 80, 1000].map(inFlightFor)).toEqual([1, 1, 2, 10, 16, 16, 16]);
  });
});

describe('the BROADCAST_SENDS consumer', () => {
  it('a batch sent with overlapping sends: every recipient once, a job repeated in the batch too, every message acked', async () => {
    const { ws, inbox, templateId } = await smsSetup();
    const contacts = await Promise.all(Array.from({ length: 12 }, () => smsContact(ws)));
    expect((await call('PATCH', `/api/inboxes/${inbox.id}`, { token: ws.token, body: { settings: { broadcastRate: 100 } } })).status).toBe(200);
    // A broadcast the workflow has snapshotted (its rows queued), whose jobs this test hands the consumer itself.
    const b = await draft(ws, inbox.id, templateId);
    const now = Date.now();
    await env.DB.prepare(`UPDATE broadcasts SET status = 'sending', started_at = ? WHERE id = ?`).bind(now, b.id).run();
    await env.DB.batch(
      contacts.map((c) =>
        env.DB.prepare(`INSERT INTO broadcast_recipients (broadcast_id, contact_id, workspace_id, status, reason, token, queued_at, created_at) VALUES (?, ?, ?, 'queued', NULL, ?, ?, ?)`).bind(b.id, c.id, ws.workspaceId, newToken(), now, now),
      ),
    );
    const jobs: SendJob[] = contacts.map((c) => ({ kind: 'broadcast_send', broadcastId: b.id, workspaceId: ws.workspaceId, contactId: c.id }));
    // A retried page enqueued the first recipient again, into the same batch.
    jobs.splice(5, 0, { ...jobs[0] });
    const outcome = new Map<number, string>();
    const batch = {
      queue: 'parley-broadcast-sends',
      messages: jobs.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body, ack: () => outcome.set(i, 'ack'), retry: () => outcome.set(i, 'retry') })),
      ackAll: () => undefined,
      retryAll: () => undefined,
    } as unknown as MessageBatch<SendJob>;
    await handleBroadcastSends(batch, env);
    expect([...outcome.values()]).toEqual(Array(jobs.length).fill('ack'));

    const rows = await recipients(ws, b.id);
    expect(rows).toHaveLength(12);
    for (const r of rows) expect(r.messageId).toBeTruthy();
    const first = rows.find((r) => r.contactId === contacts[0].id);
    const msgs = await call('GET', `/api/conversations/${first.conversationId}/messages`, { token: ws.token });
    expect(msgs.body.items.filter((x: any) => x.authorType === 'broadcast')).toHaveLength(1);
    // The OUTBOUND queue hands each to the sandbox transport: once each.
    await eventually(async () => (await Promise.all(contacts.map((c) => smsTo(ws.workspaceId, c.number)))).every((s) => s.length >= 1));
    expect(await onceSent(rows.map((r) => r.messageId))).toBe(true);
    for (const c of contacts) expect(await smsTo(ws.workspaceId, c.number)).toHaveLength(1);
  });

  it('two broadcasts to one contact in one batch: one conversation on the inbox, both messages in it', async () => {
    const { ws, inbox, templateId } = await smsSetup();
    const contact = await smsContact(ws);
    expect((await call('PATCH', `/api/inboxes/${inbox.id}`, { token: ws.token, body: { settings: { broadcastRate: 100 } } })).status).toBe(200);
    const now = Date.now();
    const jobs: SendJob[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const b = await draft(ws, inbox.id, templateId);
      ids.push(b.id);
      await env.DB.prepare(`UPDATE broadcasts SET status = 'sending', started_at = ? WHERE id = ?`).bind(now, b.id).run();
      await env.DB.prepare(`INSERT INTO broadcast_recipients (broadcast_id, contact_id, workspace_id, status, reason, token, queued_at, created_at) VALUES (?, ?, ?, 'queued', NULL, ?, ?, ?)`)
        .bind(b.id, contact.id, ws.workspaceId, newToken(), now, now)
        .run();
      jobs.push({ kind: 'broadcast_send', broadcastId: b.id, workspaceId: ws.workspaceId, contactId: contact.id });
    }
    const batch = {
      queue: 'parley-broadcast-sends',
      messages: jobs.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body, ack: () => undefined, retry: () => undefined })),
      ackAll: () => undefined,
      retryAll: () => undefined,
    } as unknown as MessageBatch<SendJob>;
    await handleBroadcastSends(batch, env);
    const [a] = await recipients(ws, ids[0]);
    const [b] = await recipients(ws, ids[1]);
    expect(a.messageId).toBeTruthy();
    expect(b.messageId).toBeTruthy();
    // Sends to one contact wait for each other, so the second finds the thread the first opened.
    expect(b.conversationId).toBe(a.conversationId);
  });
});
