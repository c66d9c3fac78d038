// @mentions in notes, the notification sender (the actor is never told, repeats fold, the customer is
// named, preferences are honoured) and mobile push tokens, against the real Worker, D1 and objects.
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createTeam, eventually, expectProblem, newWorkspace, unique, visitorConversation, visitorSays, webchatInbox, type Workspace } from '../helpers';

let A: Workspace;
let B: Workspace;
let staff: Awaited<ReturnType<typeof addMember>>;
let staff2: Awaited<ReturnType<typeof addMember>>;
let personal: Awaited<ReturnType<typeof addMember>>;
let outsider: Awaited<ReturnType<typeof addMember>>;
let inbox: Awaited<ReturnType<typeof webchatInbox>>;

const feed = async (token: string) => (await call('GET', '/api/me/notifications', { token })).body.items as { kind: string; conversationId: string; title: string; body: string }[];
const note = (token: string, id: string, text: string, mentions: string[], clientId = unique('c')) =>
  call('POST', `/api/conversations/${id}/messages`, { token, body: { text, isInternalNote: true, mentions, clientId } });

beforeAll(async () => {
  [A, B] = await Promise.all([newWorkspace('Mentions A'), newWorkspace('Mentions B')]);
  [staff, staff2, personal] = await Promise.all([addMember(A, 'staff'), addMember(A, 'staff'), addMember(A, 'personal')]);
  outsider = await addMember(B, 'staff');
  inbox = await webchatInbox(A);
});

describe('mentions in notes', () => {
  it('stores the mention on the note, notifies the person naming the customer, never the author, once per note', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'Where is my key?', { name: 'Ana García' });
    const people = await call('GET', `/api/conversations/${conv.id}/mentionable`, { token: A.token });
    expect(people.status).toBe(200);
    expect(people.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ id: staff.userId, canSee: true }), expect.objectContaining({ id: personal.userId, canSee: false })]));
    expect(people.body.items.some((p: { id: string }) => p.id === outsider.userId)).toBe(false);

    const clientId = unique('c');
    const res = await note(A.token, conv.id, `@${'staff'} can you check the lockbox?`, [staff.userId, A.userId], clientId);
    expect(res.status).toBe(201);
    expect(res.body.message.mentions).toEqual([staff.userId, A.userId]);
    // The same send again (a retry) mentions nobody twice.
    expect((await note(A.token, conv.id, '@staff can you check the lockbox?', [staff.userId], clientId)).status).toBe(200);

    const items = await eventually(async () => {
      const f = (await feed(staff.token)).filter((n) => n.kind === 'mention' && n.conversationId === conv.id);
      return f.length ? f : null;
    });
    expect(items).toHaveLength(1);
    expect(items[0].title).toBe('Manager mentioned you on Ana García');
    expect(items[0].body).toContain('lockbox');
    // Mentioning yourself is not news.
    expect((await feed(A.token)).some((n) => n.kind === 'mention')).toBe(false);

    const thread = await call('GET', `/api/conversations/${conv.id}/messages`, { token: staff.token });
    const stored = thread.body.items.find((m: { id: string }) => m.id === res.body.message.id);
    expect(stored.mentions.sort()).toEqual([staff.userId, A.userId].sort());

    const mine = await call('GET', '/api/me/mentions', { token: staff.token });
    expect(mine.status).toBe(200);
    expect(mine.body.items[0]).toMatchObject({ conversationId: conv.id, messageId: res.body.message.id, authorName: 'Manager', customer: 'Ana García' });
    expect((await call('GET', '/api/me/mentions', { token: staff2.token })).body.items.some((m: { conversationId: string }) => m.conversationId === conv.id)).toBe(false);
  });

  it('refuses a mention of someone who cannot see the conversation, or no agent of this workspace, by field', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'Hi');
    const hidden = await note(A.token, conv.id, '@personal look', [personal.userId]);
    expectProblem(hidden, 422, 'mentions.0');
    expect(hidden.body.errors[0].message).toMatch(/cannot see this conversation$/);
    expectProblem(await note(A.token, conv.id, '@x look', [outsider.userId]), 422, 'mentions.0');
    expectProblem(await note(A.token, conv.id, '@x look', ['usr_nobody']), 422, 'mentions.0');
    // Only notes mention; a customer reply cannot.
    const reply = await call('POST', `/api/conversations/${conv.id}/messages`, { token: A.token, body: { text: 'hello', mentions: [staff.userId] } });
    expect([400, 422]).toContain(reply.status);
    expect(JSON.stringify(reply.body.errors)).toContain('mentions');
    expect((await feed(personal.token)).some((n) => n.conversationId === conv.id)).toBe(false);
  });

  it('tells nothing about a conversation the caller cannot see, and hides mentions once it moves out of reach', async () => {
    const team = await createTeam(A, unique('Billing'), [staff2.userId]);
    const conv = await visitorConversation(inbox.websiteToken, 'Invoice please', { name: 'Bo Berg' });
    await note(A.token, conv.id, '@staff see this', [staff.userId]);
    await eventually(async () => (await call('GET', '/api/me/mentions', { token: staff.token })).body.items.some((m: { conversationId: string }) => m.conversationId === conv.id));
    // The conversation goes to a team staff is not in: out of their sight.
    expect((await call('PATCH', `/api/conversations/${conv.id}`, { token: A.token, body: { teamId: team, assigneeId: staff2.userId } })).status).toBe(200);
    await eventually(async () => !(await call('GET', '/api/me/mentions', { token: staff.token })).body.items.some((m: { conversationId: string }) => m.conversationId === conv.id));
    expect((await call('GET', `/api/conversations/${conv.id}/mentionable`, { token: staff.token })).status).toBe(403);
    // A caller who cannot see it learns nothing of who can: refused before the mentions are looked at.
    expect((await note(staff.token, conv.id, '@personal', [personal.userId])).status).toBe(403);
    expect((await call('GET', `/api/conversations/${conv.id}/mentionable`, { token: outsider.token })).status).toBe(404);
  });
});

describe('notification preferences', () => {
  it('defaults, a partial change, per user only, and bad input named', async () => {
    const mine = await call('GET', '/api/me/notification-preferences', { token: staff2.token });
    expect(mine.status).toBe(200);
    expect(mine.body.kinds).toEqual(['new_conversation', 'assigned', 'customer_replied', 'mention', 'sla_warning', 'escalation']);
    expect(mine.body.channels).toEqual(['in_app', 'sound', 'browser', 'push', 'email']);
    expect(mine.body.preferences.mention.in_app).toBe(true);
    const put = await call('PUT', '/api/me/notification-preferences', { token: staff2.token, body: { preferences: { mention: { email: true, sound: false } } } });
    expect(put.status).toBe(200);
    expect(put.body.preferences.mention).toMatchObject({ in_app: true, email: true, sound: false });
    expect((await call('GET', '/api/me/notification-preferences', { token: staff2.token })).body.preferences.mention).toMatchObject({ email: true, sound: false });
    expect((await call('GET', '/api/me/notification-preferences', { token: staff.token })).body.preferences.mention).toMatchObject({ email: false, sound: true });
    expectProblem(await call('PUT', '/api/me/notification-preferences', { token: staff2.token, body: { preferences: { gossip: { in_app: true } } } }), 400, /preferences/);
    expectProblem(await call('PUT', '/api/me/notification-preferences', { token: staff2.token, body: { preferences: { mention: { in_app: 'yes' } } } }), 400, /preferences\.mention\.in_app/);
  });

  it('the sender honours them: nothing in the feed when every channel of the kind is off', async () => {
    const quiet = await addMember(A, 'staff');
    await call('PUT', '/api/me/notification-preferences', { token: quiet.token, body: { preferences: { mention: { in_app: false, push: false, email: false } } } });
    const conv = await visitorConversation(inbox.websiteToken, 'Hello again', { name: 'Cy Quiet' });
    await note(A.token, conv.id, '@quiet and @staff', [quiet.userId, staff.userId]);
    await eventually(async () => (await feed(staff.token)).some((n) => n.kind === 'mention' && n.conversationId === conv.id));
    expect((await feed(quiet.token)).some((n) => n.conversationId === conv.id)).toBe(false);
    // Still listed in the Mentions view: the preference is about being told, not about the record.
    expect((await call('GET', '/api/me/mentions', { token: quiet.token })).body.items.some((m: { conversationId: string }) => m.conversationId === conv.id)).toBe(true);
  });
});

describe('news from the event stream', () => {
  it('names the customer, folds repeats, and is never about your own action', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'Is breakfast included?', { name: 'Dee Dup' });
    // Staff takes it themselves: no "assigned to you".
    expect((await call('PATCH', `/api/conversations/${conv.id}`, { token: staff.token, body: { assigneeId: staff.userId } })).status).toBe(200);
    // The customer writes twice quickly: one "replied" entry, with the latest words.
    await visitorSays(conv.visitorToken, 'Hello?');
    await visitorSays(conv.visitorToken, 'Anyone there?');
    const replies = await eventually(async () => {
      const f = (await feed(staff.token)).filter((n) => n.conversationId === conv.id && n.kind === 'customer_replied');
      return f.length && f[0].body === 'Anyone there?' ? f : null;
    });
    expect(replies).toHaveLength(1);
    expect(replies[0].title).toBe('Dee Dup replied');
    // The manager hands it to staff2: staff2 is told, by name of the customer.
    expect((await call('PATCH', `/api/conversations/${conv.id}`, { token: A.token, body: { assigneeId: staff2.userId } })).status).toBe(200);
    const assigned = await eventually(async () => (await feed(staff2.token)).find((n) => n.conversationId === conv.id && n.kind === 'assigned'));
    expect(assigned.title).toBe('Manager assigned Dee Dup to you');
    expect((await feed(staff.token)).some((n) => n.conversationId === conv.id && n.kind === 'assigned')).toBe(false);
  });
});

describe('push tokens', () => {
  it('stored, listed, refreshed and revocable by their owner only', async () => {
    const token = 'f'.repeat(64);
    const first = await call('POST', '/api/me/push-tokens', { token: staff.token, body: { platform: 'ios', token, deviceName: 'iPhone' } });
    expect(first.status).toBe(201);
    expect(first.body.item).toMatchObject({ platform: 'ios', token, deviceName: 'iPhone' });
    const again = await call('POST', '/api/me/push-tokens', { token: staff.token, body: { platform: 'ios', token } });
    expect(again.status).toBe(200);
    expect(again.body.item.id).toBe(first.body.item.id);
    expect((await call('GET', '/api/me/push-tokens', { token: staff.token })).body.items.map((t: { id: string }) => t.id)).toEqual([first.body.item.id]);
    expect((await call('GET', '/api/me/push-tokens', { token: staff2.token })).body.items).toEqual([]);
    expect((await call('DELETE', `/api/me/push-tokens/${first.body.item.id}`, { token: staff2.token })).status).toBe(404);
    expect((await call('DELETE', `/api/me/push-tokens/${first.body.item.id}`, { token: B.token })).status).toBe(404);
    expectProblem(await call('POST', '/api/me/push-tokens', { token: staff.token, body: { platform: 'symbian', token } }), 400, 'platform');
    expectProblem(await call('POST', '/api/me/push-tokens', { token: staff.token, body: { platform: 'android', token: 'x y' } }), 400, 'token');
    expect((await call('DELETE', `/api/me/push-tokens/${first.body.item.id}`, { token: staff.token })).status).toBe(204);
    expect((await call('GET', '/api/me/push-tokens', { token: staff.token })).body.items).toEqual([]);
  });
});

describe('escalation and alert notifications (worker/sla/effects.ts notifyPeople)', () => {
  it('go through the sender: the customer named, each person’s escalation preference honoured', async () => {
    const { env } = await import('cloudflare:test');
    const { notifyPeople } = await import('../../worker/sla/effects');
    const { conversationStub } = await import('../../worker/conversations/service');
    const [keen, quiet] = await Promise.all([addMember(A, 'staff'), addMember(A, 'staff')]);
    await call('PUT', '/api/me/notification-preferences', { token: quiet.token, body: { preferences: { escalation: { in_app: false } } } });
    const conv = await visitorConversation(inbox.websiteToken, 'This is unacceptable', { name: 'Eve Escalated' });
    const state = (await conversationStub(env, A.workspaceId, conv.id).state())!;
    const r = await notifyPeople(env, state, { userIds: [keen.userId, quiet.userId], roles: [], assignee: false }, ['in_app'], { kind: 'alert', title: 'Alert: Very unhappy guest', body: 'sentiment low' });
    expect(r).toMatchObject({ ok: true });
    expect(r.detail).not.toContain(quiet.email);
    const entry = (await feed(keen.token)).find((n) => n.conversationId === conv.id);
    expect(entry).toMatchObject({ kind: 'alert', title: 'Alert: Very unhappy guest', body: 'Eve Escalated: sentiment low' });
    expect((await feed(quiet.token)).some((n) => n.conversationId === conv.id)).toBe(false);
  });
});
