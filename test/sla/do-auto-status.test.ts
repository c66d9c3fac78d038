// Auto-status rules on the ConversationDO's alarm: open → pending when our reply stays the last word,
// pending → closed with the closing message sent through the channel, closed → archived; an archived
// conversation takes the customer back whatever the reopen window says.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { reapplyWorkspace } from '../../worker/sla/reapply';
import { call, eventually, newWorkspace, visitorConversation, webchatInbox } from '../helpers';
import { eventsOf, projected, setAutomation, stateOf, stateWhen, stubOf, timersOf } from './do-fixtures';

describe('auto-status in the ConversationDO', () => {
  it('pending after our reply, closed with the closing message, then archived: each by the real alarm', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    await setAutomation(ws, { pendingAfterMs: 400, autoCloseAfterMs: 400, autoCloseMessage: 'Closing this for now: write any time!', archiveAfterMs: 400 });
    const conv = await visitorConversation(inbox.websiteToken, 'Do you have parking?');
    // While the customer waits, nothing is scheduled: they are never parked.
    await eventually(async () => (await stateOf(ws, conv.id)).seq > 0);
    expect((await timersOf(ws, conv.id)).auto_status).toBeUndefined();

    const reply = await call('POST', `/api/conversations/${conv.id}/messages`, { token: ws.token, body: { text: 'Yes, two spaces.' } });
    expect(reply.status).toBe(201);
    // Our reply is the last word: the rule is due pendingAfterMs after it (and, once pending, autoCloseAfterMs after it).
    expect((await timersOf(ws, conv.id)).auto_status).toBe((await stateOf(ws, conv.id)).lastActivityAt + 400);

    const archived = await stateWhen(ws, conv.id, (c) => !!c.archivedAt, 10_000);
    expect(archived.status).toBe('closed');
    const events = await eventsOf(ws, conv.id);
    const reasons = events.filter((e) => e.type === 'conversation.status_changed').map((e) => e.data.reason);
    expect(reasons).toEqual(['auto_pending', 'auto_close']);
    expect(events.find((e) => e.type === 'conversation.updated' && e.data.reason === 'auto_archive')).toBeTruthy();
    // The closing message went out as a system message before the close.
    const messages = await stubOf(ws, conv.id).messages({ limit: 10, includeNotes: true });
    const closing = messages.at(-1)!;
    expect(closing).toMatchObject({ text: 'Closing this for now: write any time!', direction: 'outbound', authorType: 'system' });
    const closedEvent = events.find((e) => e.data.reason === 'auto_close')!;
    expect(closing.seq).toBeLessThan(closedEvent.seq);
    expect((await timersOf(ws, conv.id)).auto_status).toBeUndefined();
    await eventually(async () => (await projected(conv.id))?.archived_at === archived.archivedAt);
  });

  it('an archived conversation reopens on a customer message whatever the reopen window; a closed one does not', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    await setAutomation(ws, { archiveAfterMs: 200 });
    const conv = await visitorConversation(inbox.websiteToken, 'Thanks, all good');
    await eventually(async () => (await stateOf(ws, conv.id)).seq > 0);
    await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { status: 'closed' } });
    await stateWhen(ws, conv.id, (c) => !!c.archivedAt, 10_000);

    const stub = stubOf(ws, conv.id);
    const inbound = { direction: 'inbound' as const, author: { type: 'contact' as const, id: conv.contactId, name: 'Guest' }, text: 'One more thing' };
    const back = await stub.addMessage(inbound, 0);
    expect(back.ok).toBe(true);
    const reopened = await stateOf(ws, conv.id);
    expect(reopened).toMatchObject({ status: 'open', archivedAt: null, closedAt: null });
    await eventually(async () => (await projected(conv.id))?.archived_at === null && (await projected(conv.id))?.status === 'open');

    // Closed but not archived: a zero reopen window refuses the message (a new conversation would open).
    await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { status: 'closed' } });
    await new Promise((r) => setTimeout(r, 5));
    expect(await stub.addMessage(inbound, 0)).toMatchObject({ ok: false, reason: 'closed' });
  });

  it('a reapply with archiving on arms the archive timer of closed, not archived conversations', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const conv = await visitorConversation(inbox.websiteToken, 'Thanks, all good');
    await stateWhen(ws, conv.id, (c) => c.messageCount === 1);
    expect((await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { status: 'closed' } })).status).toBe(200);
    // The projection says closed once the object is idle (the reapply pages D1).
    await stubOf(ws, conv.id).settled();
    expect(await env.DB.prepare(`SELECT status FROM conversations WHERE id = ?`).bind(conv.id).first<string>('status')).toBe('closed');
    expect((await timersOf(ws, conv.id)).auto_status).toBeUndefined();
    const version = await setAutomation(ws, { archiveAfterMs: 3_600_000 });
    const result = await reapplyWorkspace(env, ws.workspaceId, version);
    expect(result).toEqual({ conversations: 1, failed: 0 });
    const closed = await stateOf(ws, conv.id);
    expect((await timersOf(ws, conv.id)).auto_status).toBe(closed.closedAt! + 3_600_000);
  });
});
