// Follow-ups and send later under workerd. The schedule lives in the ConversationDO: the tests check
// the 'followup' timer sits exactly at the due time, that the alarm does nothing before it, then move
// the schedule to "due" (the stored due times, as time passing would) and run the alarm with
// runDurableObjectAlarm — no sleeping.
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { ConversationEvent } from '../../worker/conversations/model';
import { conversationStub } from '../../worker/conversations/service';
import type { ScheduledItem } from '../../worker/follow-ups/schedule';
import { addMember, call, eventually, expectProblem, listWhen, newWorkspace, unique, visitor, visitorSays, webchatInbox, type Workspace } from '../helpers';

async function conversation() {
  const ws = await newWorkspace();
  const inbox = await webchatInbox(ws);
  const v = await visitor(inbox.websiteToken, { name: 'Grace' });
  const { conversationId } = await visitorSays(v.visitorToken, 'Can you check my booking?');
  const stub = conversationStub(env, ws.workspaceId, conversationId);
  return { ws, v, conversationId, stub };
}

type Stub = ReturnType<typeof conversationStub>;

const followUp = (ws: Workspace, id: string, body: unknown) => call('POST', `/api/conversations/${id}/follow-ups`, { token: ws.token, body });
const sendLater = (ws: Workspace, id: string, body: unknown) => call('POST', `/api/conversations/${id}/messages`, { token: ws.token, body });

const followUpTimer = (stub: Stub) =>
  runInDurableObject(stub, (_i, s) => s.storage.sql.exec<{ at: number }>(`SELECT at FROM schedule WHERE kind = 'followup'`).toArray()[0]?.at ?? null);

/** Time passes until everything scheduled is due: the stored due times (list and timer) move to just now. */
async function makeDue(stub: Stub) {
  await runInDurableObject(stub, (_i, s) => {
    const row = s.storage.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'scheduled'`).toArray()[0];
    const list = JSON.parse(row.value) as ScheduledItem[];
    const now = Date.now() - 1;
    s.storage.sql.exec(`UPDATE meta SET value = ? WHERE key = 'scheduled'`, JSON.stringify(list.map((i) => ({ ...i, dueAt: now }))));
    s.storage.sql.exec(`UPDATE schedule SET at = ? WHERE kind = 'followup'`, now);
  });
}

async function eventsOf(stub: Stub): Promise<ConversationEvent[]> {
  return (await stub.events(0, 500, true)) as unknown as ConversationEvent[];
}

describe('follow-ups', () => {
  it('fires on time: its text is sent as the agent who scheduled it, and followup.fired is in the thread', async () => {
    const { ws, conversationId, stub } = await conversation();
    const before = Date.now();
    const res = await followUp(ws, conversationId, { inSeconds: 3600, text: 'Any news on your side?' });
    expect(res.status).toBe(201);
    const f = res.body.followUp;
    expect(f).toMatchObject({ text: 'Any news on your side?', cancelOnReply: true, createdBy: { type: 'agent', id: ws.userId } });
    expect(f.dueAt).toBeGreaterThanOrEqual(before + 3600_000);
    expect(f.id).toMatch(/^fup_/);
    // The timer is exactly the due time; the list and the conversation's summary show it.
    expect(await followUpTimer(stub)).toBe(f.dueAt);
    expect((await stub.state())!.followUps).toEqual({ count: 1, nextAt: f.dueAt });
    expect((await call('GET', `/api/conversations/${conversationId}/follow-ups`, { token: ws.token })).body.items).toEqual([f]);
    // The list row carries the earliest due time (an indicator for the list).
    await listWhen(ws.token, {}, (p) => p.items.some((i: any) => i.id === conversationId && i.followUpAt === f.dueAt));

    // An alarm before the due time changes nothing.
    await runDurableObjectAlarm(stub);
    expect((await stub.scheduledItems('followup')).length).toBe(1);

    await makeDue(stub);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const messages = (await call('GET', `/api/conversations/${conversationId}/messages`, { token: ws.token })).body.items as any[];
    const sent = messages.find((m) => m.text === 'Any news on your side?');
    expect(sent).toMatchObject({ direction: 'outbound', authorType: 'agent', authorId: ws.userId, externalId: `scheduled:${f.id}` });
    const events = await eventsOf(stub);
    expect(events.find((e) => e.type === 'followup.scheduled')!.data).toMatchObject({ id: f.id, dueAt: f.dueAt });
    expect(events.find((e) => e.type === 'followup.fired')!.data).toEqual({ id: f.id, messageId: sent.id, reopened: false });
    expect(await stub.scheduledItems('followup')).toEqual([]);
    expect((await stub.state())!.followUps).toBeNull();
    expect(await followUpTimer(stub)).toBeNull();
    await listWhen(ws.token, {}, (p) => p.items.some((i: any) => i.id === conversationId && i.followUpAt === null));
    // Once fired it is gone: a second alarm sends nothing more.
    await runDurableObjectAlarm(stub);
    const again = (await call('GET', `/api/conversations/${conversationId}/messages`, { token: ws.token })).body.items as any[];
    expect(again.filter((m) => m.text === 'Any news on your side?')).toHaveLength(1);
  });

  it('a customer reply cancels it (cancelOnReply), one scheduled with cancelOnReply false stays', async () => {
    const { ws, v, conversationId, stub } = await conversation();
    const a = (await followUp(ws, conversationId, { inSeconds: 7200, text: 'Checking in' })).body.followUp;
    const b = (await followUp(ws, conversationId, { at: Date.now() + 86_400_000, cancelOnReply: false })).body.followUp;
    await visitorSays(v.visitorToken, 'Still waiting here');
    const left = await stub.scheduledItems('followup');
    expect(left.map((i) => i.id)).toEqual([b.id]);
    const cancelled = (await eventsOf(stub)).filter((e) => e.type === 'followup.cancelled');
    expect(cancelled.map((e) => e.data)).toEqual([{ id: a.id, reason: 'customer_replied' }]);
    expect(await followUpTimer(stub)).toBe(b.dueAt);
    expect((await stub.state())!.followUps).toEqual({ count: 1, nextAt: b.dueAt });
  });

  it('without text: a snoozed conversation comes back open and the scheduler is notified', async () => {
    const { ws, conversationId, stub } = await conversation();
    const snooze = await call('PATCH', `/api/conversations/${conversationId}`, { token: ws.token, body: { status: 'snoozed', snoozeUntil: Date.now() + 7 * 86_400_000 } });
    expect(snooze.status).toBe(200);
    const f = (await followUp(ws, conversationId, { inSeconds: 600 })).body.followUp;
    expect(f.text).toBeNull();
    await makeDue(stub);
    await runDurableObjectAlarm(stub);
    const state = (await stub.state())!;
    expect(state.status).toBe('open');
    const events = await eventsOf(stub);
    expect(events.find((e) => e.type === 'followup.fired')!.data).toEqual({ id: f.id, messageId: null, reopened: true });
    expect(events.find((e) => e.type === 'conversation.status_changed' && e.data.reason === 'follow_up')!.data).toMatchObject({ from: 'snoozed', to: 'open' });
    const feed = await eventually(async () => {
      const n = await call('GET', '/api/me/notifications', { token: ws.token });
      return (n.body.items as any[]).find((i) => i.kind === 'followup' && i.conversationId === conversationId);
    });
    expect(feed.title).toBe('Follow-up due');
  });

  it('the agent deletes it: cancelled, the timer cleared; deleting again is 404', async () => {
    const { ws, conversationId, stub } = await conversation();
    const f = (await followUp(ws, conversationId, { inSeconds: 60, text: 'Ping' })).body.followUp;
    expect((await call('DELETE', `/api/conversations/${conversationId}/follow-ups/${f.id}`, { token: ws.token })).status).toBe(204);
    expect(await followUpTimer(stub)).toBeNull();
    expect((await stub.state())!.followUps).toBeNull();
    expect((await eventsOf(stub)).find((e) => e.type === 'followup.cancelled')).toMatchObject({ actor: { id: ws.userId }, data: { id: f.id, reason: 'agent' } });
    expectProblem(await call('DELETE', `/api/conversations/${conversationId}/follow-ups/${f.id}`, { token: ws.token }), 404);
  });

  it('validation: one of inSeconds/at, in the future, within a year, no empty text; only who sees the conversation', async () => {
    const { ws, conversationId } = await conversation();
    expectProblem(await followUp(ws, conversationId, {}), 400, 'inSeconds');
    expectProblem(await followUp(ws, conversationId, { inSeconds: 60, at: Date.now() + 60_000 }), 400, 'inSeconds');
    expectProblem(await followUp(ws, conversationId, { inSeconds: 0 }), 400, 'inSeconds');
    expectProblem(await followUp(ws, conversationId, { inSeconds: 400 * 86_400 }), 400, 'inSeconds');
    expectProblem(await followUp(ws, conversationId, { at: Date.now() - 1000 }), 400, 'at');
    expectProblem(await followUp(ws, conversationId, { at: Date.now() + 400 * 86_400_000 }), 400, 'at');
    expectProblem(await followUp(ws, conversationId, { inSeconds: 60, text: '   ' }), 400, 'text');
    expectProblem(await followUp(ws, conversationId, { inSeconds: 60, cancelOnReply: 'no' }), 400, 'cancelOnReply');
    const personal = await addMember(ws, 'personal');
    expectProblem(await followUp({ ...personal, workspaceId: ws.workspaceId }, conversationId, { inSeconds: 60 }), 403);
    expectProblem(await call('GET', `/api/conversations/${conversationId}/follow-ups`, { token: personal.token }), 403);
    expectProblem(await followUp(ws, `cnv_${'0'.repeat(26)}`, { inSeconds: 60 }), 404);
  });
});

describe('send later', () => {
  it('scheduled, edited until sent, then sent when due; another cancelled', async () => {
    const { ws, conversationId, stub } = await conversation();
    const sendAt = Date.now() + 3 * 3600_000;
    const res = await sendLater(ws, conversationId, { text: 'Your room is ready from 3 pm', sendAt });
    expect(res.status).toBe(201);
    const s = res.body.scheduledMessage;
    expect(s).toMatchObject({ sendAt, text: 'Your room is ready from 3 pm', createdBy: { id: ws.userId } });
    const other = (await sendLater(ws, conversationId, { text: 'Never mind', sendAt: sendAt + 60_000 })).body.scheduledMessage;
    expect((await call('GET', `/api/conversations/${conversationId}/scheduled-messages`, { token: ws.token })).body.items.map((i: any) => i.id)).toEqual([s.id, other.id]);
    expect(await followUpTimer(stub)).toBe(sendAt);

    const later = sendAt + 3600_000;
    const edited = await call('PATCH', `/api/conversations/${conversationId}/scheduled-messages/${s.id}`, { token: ws.token, body: { text: 'Your room is ready from 4 pm', sendAt: later } });
    expect(edited.status).toBe(200);
    expect(edited.body.scheduledMessage).toMatchObject({ text: 'Your room is ready from 4 pm', sendAt: later });
    expect(await followUpTimer(stub)).toBe(sendAt + 60_000);
    expect((await call('DELETE', `/api/conversations/${conversationId}/scheduled-messages/${other.id}`, { token: ws.token })).status).toBe(204);
    expect(await followUpTimer(stub)).toBe(later);
    expect((await stub.state())!.followUps).toEqual({ count: 1, nextAt: later });
    // Nothing was sent yet.
    const before = (await call('GET', `/api/conversations/${conversationId}/messages`, { token: ws.token })).body.items as any[];
    expect(before.some((m) => m.text.startsWith('Your room'))).toBe(false);

    await makeDue(stub);
    await runDurableObjectAlarm(stub);
    const after = (await call('GET', `/api/conversations/${conversationId}/messages`, { token: ws.token })).body.items as any[];
    expect(after.filter((m) => m.text.startsWith('Your room')).map((m) => [m.text, m.authorId])).toEqual([['Your room is ready from 4 pm', ws.userId]]);
    expect(after.some((m) => m.text === 'Never mind')).toBe(false);
    expect(await stub.scheduledItems('message')).toEqual([]);
    const types = (await eventsOf(stub)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['scheduled_message.scheduled', 'scheduled_message.updated', 'scheduled_message.cancelled']));
    // Sent: no longer editable or cancellable.
    expectProblem(await call('PATCH', `/api/conversations/${conversationId}/scheduled-messages/${s.id}`, { token: ws.token, body: { text: 'Too late' } }), 404);
    expectProblem(await call('DELETE', `/api/conversations/${conversationId}/scheduled-messages/${s.id}`, { token: ws.token }), 404);
  });

  it('only its author or a manager edits a scheduled message (it goes out in the author’s name); a colleague may cancel it', async () => {
    const { ws, conversationId } = await conversation();
    const sam = await addMember(ws, 'staff');
    const lee = await addMember(ws, 'staff');
    const s = (await call('POST', `/api/conversations/${conversationId}/messages`, { token: sam.token, body: { text: 'See you at 3', sendAt: Date.now() + 3600_000 } })).body.scheduledMessage;
    const byLee = await call('PATCH', `/api/conversations/${conversationId}/scheduled-messages/${s.id}`, { token: lee.token, body: { text: 'Refund approved' } });
    expectProblem(byLee, 403);
    expect((await call('PATCH', `/api/conversations/${conversationId}/scheduled-messages/${s.id}`, { token: sam.token, body: { text: 'See you at 4' } })).status).toBe(200);
    expect((await call('PATCH', `/api/conversations/${conversationId}/scheduled-messages/${s.id}`, { token: ws.token, body: { text: 'See you at 5' } })).status).toBe(200);
    expect((await call('DELETE', `/api/conversations/${conversationId}/scheduled-messages/${s.id}`, { token: lee.token })).status).toBe(204);
  });

  it('is not sent when due if its author can no longer see the conversation (or left): skipped with the reason recorded', async () => {
    const { ws, conversationId, stub } = await conversation();
    const sam = await addMember(ws, 'staff');
    const s = (await call('POST', `/api/conversations/${conversationId}/messages`, { token: sam.token, body: { text: 'Your refund is on its way', sendAt: Date.now() + 3600_000 } })).body.scheduledMessage;
    const f = (await followUp({ ...sam, workspaceId: ws.workspaceId }, conversationId, { inSeconds: 7200, text: 'Did the refund arrive?' })).body.followUp;
    // Assigned to someone else since: a staff member sees unassigned, own and team conversations only.
    expect((await call('PATCH', `/api/conversations/${conversationId}`, { token: ws.token, body: { assigneeId: ws.userId } })).status).toBe(200);
    await makeDue(stub);
    await runDurableObjectAlarm(stub);
    const msgs = (await call('GET', `/api/conversations/${conversationId}/messages`, { token: ws.token })).body.items as any[];
    expect(msgs.some((m) => m.text === 'Your refund is on its way' || m.text === 'Did the refund arrive?')).toBe(false);
    expect(await stub.scheduledItems('message')).toEqual([]);
    expect(await stub.scheduledItems('followup')).toEqual([]);
    const cancelled = (await eventsOf(stub)).filter((e) => e.type === 'scheduled_message.cancelled' || e.type === 'followup.cancelled');
    expect(cancelled.map((e) => e.data)).toEqual(
      expect.arrayContaining([
        { id: s.id, reason: 'author_rights', detail: 'its author can no longer see this conversation' },
        { id: f.id, reason: 'author_rights', detail: 'its author can no longer see this conversation' },
      ]),
    );
    // An author whose account was disabled: the same.
    const other = await conversation();
    const lee = await addMember(other.ws, 'staff');
    await call('POST', `/api/conversations/${other.conversationId}/messages`, { token: lee.token, body: { text: 'From Lee', sendAt: Date.now() + 3600_000 } });
    await env.DB.prepare(`UPDATE users SET disabled = 1 WHERE id = ?`).bind(lee.userId).run();
    await makeDue(other.stub);
    await runDurableObjectAlarm(other.stub);
    expect(((await call('GET', `/api/conversations/${other.conversationId}/messages`, { token: other.ws.token })).body.items as any[]).some((m) => m.text === 'From Lee')).toBe(false);
    expect((await eventsOf(other.stub)).find((e) => e.type === 'scheduled_message.cancelled')?.data).toMatchObject({ reason: 'author_rights', detail: "its author's account is disabled" });
  });

  it('once the object has decided to send, a cancel or edit is refused (409), never acknowledged and then sent', async () => {
    const { ws, conversationId, stub } = await conversation();
    const s = (await sendLater(ws, conversationId, { text: 'Checking in', sendAt: Date.now() + 3600_000 })).body.scheduledMessage;
    await makeDue(stub);
    // The state a cancel meets while the send is under way (or after a send that threw, before its retry).
    await runInDurableObject(stub, (_i, st) => {
      const row = st.storage.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'scheduled'`).toArray()[0];
      st.storage.sql.exec(`UPDATE meta SET value = ? WHERE key = 'scheduled'`, JSON.stringify((JSON.parse(row.value) as ScheduledItem[]).map((i) => ({ ...i, firing: true }))));
    });
    const del = await call('DELETE', `/api/conversations/${conversationId}/scheduled-messages/${s.id}`, { token: ws.token });
    expectProblem(del, 409);
    expect(del.body.detail).toMatch(/being sent right now/);
    expectProblem(await call('PATCH', `/api/conversations/${conversationId}/scheduled-messages/${s.id}`, { token: ws.token, body: { text: 'Changed' } }), 409);
    await runDurableObjectAlarm(stub);
    const msgs = (await call('GET', `/api/conversations/${conversationId}/messages`, { token: ws.token })).body.items as any[];
    expect(msgs.filter((m) => m.text === 'Checking in')).toHaveLength(1);
    expect(await stub.scheduledItems('message')).toEqual([]);
  });

  it('validation: future sendAt within a year, text required, no notes', async () => {
    const { ws, conversationId } = await conversation();
    expectProblem(await sendLater(ws, conversationId, { text: 'Hi', sendAt: Date.now() - 1 }), 400, 'sendAt');
    expectProblem(await sendLater(ws, conversationId, { text: 'Hi', sendAt: Date.now() + 400 * 86_400_000 }), 400, 'sendAt');
    expectProblem(await sendLater(ws, conversationId, { text: '  ', sendAt: Date.now() + 60_000 }), 400, 'text');
    expectProblem(await sendLater(ws, conversationId, { text: 'Hi', sendAt: 'tomorrow' }), 400, 'sendAt');
    expectProblem(await sendLater(ws, conversationId, { text: 'Hi', sendAt: Date.now() + 60_000, isInternalNote: true }), 400, 'sendAt');
    const s = (await sendLater(ws, conversationId, { text: 'Hi', sendAt: Date.now() + 60_000 })).body.scheduledMessage;
    expectProblem(await call('PATCH', `/api/conversations/${conversationId}/scheduled-messages/${s.id}`, { token: ws.token, body: {} }), 400, 'text');
    expectProblem(await call('PATCH', `/api/conversations/${conversationId}/scheduled-messages/${s.id}`, { token: ws.token, body: { sendAt: Date.now() - 5 } }), 400, 'sendAt');
    expectProblem(await call('PATCH', `/api/conversations/${conversationId}/scheduled-messages/${s.id}`, { token: ws.token, body: { text: '' } }), 400, 'text');
    expectProblem(await call('PATCH', `/api/conversations/${conversationId}/scheduled-messages/sch_nope`, { token: ws.token, body: { text: 'x' } }), 404);
    // A follow-up id is not a scheduled message.
    const f = (await followUp(ws, conversationId, { inSeconds: 60 })).body.followUp;
    expectProblem(await call('DELETE', `/api/conversations/${conversationId}/scheduled-messages/${f.id}`, { token: ws.token }), 404);
    void unique;
  });
});
