// Open sockets end with the rights that opened them (issue 15, defect 2): a session's sockets close
// on logout, a user's on disable, role or team change and password change, an agent's conversation
// socket when the conversation is reassigned out of their view, a contact's widget socket when the
// contact is blocked; and every write frame is refused once its rights are gone, even without a push.
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { CLOSE } from '../../worker/conversations/socket-protocol';
import { addMember, call, createTeam, eventually, expectProblem, login, newWorkspace, visitorConversation, webchatInbox } from '../helpers';
import { openSocket, type TestSocket } from '../sockets';

const convSocket = (id: string, token: string) => openSocket(`/api/conversations/${id}/ws?access_token=${token}`);
const liveSocket = (token: string) => openSocket(`/api/live?access_token=${token}`);

async function ready(...sockets: TestSocket[]) {
  await Promise.all(sockets.map((s) => s.next((f) => f.t === 'hello')));
}

/** The socket is still open and served: a ping is answered. */
async function stillOpen(s: TestSocket) {
  const before = s.frames.length;
  s.send({ t: 'ping' });
  await s.next((f) => f.t === 'pong' && s.frames.indexOf(f) >= before);
}

async function setup() {
  const ws = await newWorkspace();
  const inbox = await webchatInbox(ws);
  const conv = await visitorConversation(inbox.websiteToken, 'I need help');
  return { ws, inbox, conv };
}

async function patch(path: string, token: string, body: unknown) {
  const res = await call('PATCH', path, { token, body });
  if (res.status !== 200) throw new Error(`PATCH ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

async function messagesSeenByManager(token: string, conversationId: string): Promise<string[]> {
  const res = await call('GET', `/api/conversations/${conversationId}/messages`, { token });
  expect(res.status).toBe(200);
  return res.body.items.map((m: { text: string }) => m.text);
}

describe('agent sockets end with the session or the user', () => {
  it('logout closes that session’s conversation and live sockets with 4401; another session of the user keeps its own', async () => {
    const { ws, conv } = await setup();
    const staff = await addMember(ws, 'staff');
    const second = (await login(staff.email)).body.token as string;
    const [thread, live, otherThread] = await Promise.all([convSocket(conv.id, staff.token), liveSocket(staff.token), convSocket(conv.id, second)]);
    await ready(thread, live, otherThread);

    expect((await call('POST', '/api/auth/logout', { token: staff.token })).status).toBe(204);
    expect((await thread.closedWithin()).code).toBe(CLOSE.sessionRevoked);
    expect((await live.closedWithin()).code).toBe(CLOSE.sessionRevoked);
    await stillOpen(otherThread);
    otherThread.close();
  });

  it('disabling a user closes their sockets with 4403: no more internal notes, no more list changes', async () => {
    const { ws, inbox, conv } = await setup();
    const staff = await addMember(ws, 'staff');
    const [thread, live] = await Promise.all([convSocket(conv.id, staff.token), liveSocket(staff.token)]);
    await ready(thread, live);

    await patch(`/api/users/${staff.userId}`, ws.token, { disabled: true });
    expect((await thread.closedWithin()).code).toBe(CLOSE.forbidden);
    expect((await live.closedWithin()).code).toBe(CLOSE.forbidden);
    // What happens afterwards never reaches them.
    expect((await call('POST', `/api/conversations/${conv.id}/messages`, { token: ws.token, body: { text: 'secret note', isInternalNote: true } })).status).toBe(201);
    await visitorConversation(inbox.websiteToken, 'a new conversation');
    expect(thread.frames.some((f) => f.t === 'event' && f.event.message?.text === 'secret note')).toBe(false);
    expect(live.frames.some((f) => f.t === 'conversation' && f.conversation.id !== conv.id)).toBe(false);
  });

  it('a role change closes the user’s sockets with 4409 (reconnect with the new rights)', async () => {
    const { ws, conv } = await setup();
    const staff = await addMember(ws, 'staff');
    const [thread, live] = await Promise.all([convSocket(conv.id, staff.token), liveSocket(staff.token)]);
    await ready(thread, live);

    await patch(`/api/users/${staff.userId}`, ws.token, { role: 'personal' });
    expect((await thread.closedWithin()).code).toBe(CLOSE.rightsChanged);
    expect((await live.closedWithin()).code).toBe(CLOSE.rightsChanged);
    // Reconnecting gets the current rights: a personal user cannot open an unassigned conversation.
    expectProblem(await call('GET', `/api/conversations/${conv.id}/ws?access_token=${staff.token}`, { headers: { upgrade: 'websocket' } }), 403);
  });

  it('leaving a team closes the member’s sockets with 4409', async () => {
    const { ws, conv } = await setup();
    const staff = await addMember(ws, 'staff');
    const team = await createTeam(ws, undefined, [staff.userId]);
    await patch(`/api/conversations/${conv.id}`, ws.token, { teamId: team, assigneeId: ws.userId });
    const thread = await convSocket(conv.id, staff.token);
    await ready(thread);

    await patch(`/api/teams/${team}`, ws.token, { memberIds: [] });
    expect((await thread.closedWithin()).code).toBe(CLOSE.rightsChanged);
  });

  it('a manager’s password reset closes every socket of the user with 4401', async () => {
    const { ws, conv } = await setup();
    const staff = await addMember(ws, 'staff');
    const [thread, live] = await Promise.all([convSocket(conv.id, staff.token), liveSocket(staff.token)]);
    await ready(thread, live);

    await patch(`/api/users/${staff.userId}`, ws.token, { password: 'a brand new password' });
    expect((await thread.closedWithin()).code).toBe(CLOSE.sessionRevoked);
    expect((await live.closedWithin()).code).toBe(CLOSE.sessionRevoked);
  });
});

describe('where a user’s sockets are', () => {
  it('their AgentDO remembers the conversations holding an open socket of theirs, and forgets one when it closes', async () => {
    const { ws, conv } = await setup();
    const staff = await addMember(ws, 'staff');
    const agent = env.AGENTS.get(env.AGENTS.idFromName(`${ws.workspaceId}/${staff.userId}`));
    const recorded = () => runInDurableObject(agent, (_i, state) => state.storage.sql.exec<{ n: number }>('SELECT count(*) AS n FROM conversation_sockets').one().n);
    const one = await convSocket(conv.id, staff.token);
    const two = await convSocket(conv.id, staff.token);
    await ready(one, two);
    expect(await recorded()).toBe(1);
    // Another tab of the same session still has it open: still remembered.
    one.close();
    await one.closed;
    await stillOpen(two);
    expect(await recorded()).toBe(1);
    two.close();
    await eventually(async () => (await recorded()) === 0);
  });
});

describe('conversation sockets end with the visibility of the conversation', () => {
  it('reassigned away from a personal user: their socket closes with 4403 before the next note, the manager’s stays', async () => {
    const { ws, conv } = await setup();
    const personal = await addMember(ws, 'personal');
    await patch(`/api/conversations/${conv.id}`, ws.token, { assigneeId: personal.userId });
    const [theirs, mine] = await Promise.all([convSocket(conv.id, personal.token), convSocket(conv.id, ws.token)]);
    await ready(theirs, mine);

    await patch(`/api/conversations/${conv.id}`, ws.token, { assigneeId: ws.userId });
    expect((await theirs.closedWithin()).code).toBe(CLOSE.forbidden);
    expect((await call('POST', `/api/conversations/${conv.id}/messages`, { token: ws.token, body: { text: 'internal only', isInternalNote: true } })).status).toBe(201);
    await mine.next((f) => f.t === 'event' && f.event.message?.text === 'internal only');
    // Not even the reassignment itself went to them.
    expect(theirs.frames.some((f) => f.t === 'event' && f.event.type === 'conversation.assigned' && f.event.conversation?.assigneeId === ws.userId)).toBe(false);
    expect(theirs.frames.some((f) => f.t === 'event' && f.event.message?.text === 'internal only')).toBe(false);
    mine.close();
  });

  it('a staff member whose team lost the conversation (moved to another team and assignee) is closed out', async () => {
    const { ws, conv } = await setup();
    const staff = await addMember(ws, 'staff');
    const [mine, other] = await Promise.all([createTeam(ws, undefined, [staff.userId]), createTeam(ws)]);
    await patch(`/api/conversations/${conv.id}`, ws.token, { teamId: mine, assigneeId: ws.userId });
    const thread = await convSocket(conv.id, staff.token);
    await ready(thread);

    await patch(`/api/conversations/${conv.id}`, ws.token, { teamId: other });
    expect((await thread.closedWithin()).code).toBe(CLOSE.forbidden);
  });
});

describe('write frames are authorized against the current state', () => {
  it('a session that ended without a push (expired) cannot write: the frame is refused and the socket closed with 4401', async () => {
    const { ws, conv } = await setup();
    const staff = await addMember(ws, 'staff');
    const thread = await convSocket(conv.id, staff.token);
    await ready(thread);
    const sid = JSON.parse(atob(staff.token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).sid as string;
    await env.DB.prepare(`UPDATE sessions SET expires_at = 0 WHERE id = ?`).bind(sid).run();

    thread.send({ t: 'message', clientId: 'late-1', text: 'written after the session ended' });
    expect((await thread.closedWithin()).code).toBe(CLOSE.sessionRevoked);
    expect(thread.frames.some((f) => f.t === 'ack')).toBe(false);
    expect(await messagesSeenByManager(ws.token, conv.id)).not.toContain('written after the session ended');
  });

  it('a socket cannot be opened on a principal cached from before its session ended', async () => {
    const { ws, conv } = await setup();
    const staff = await addMember(ws, 'staff');
    // The Worker now holds this principal for a few seconds; then the session ends where no cache hears of it.
    expect((await call('GET', '/api/me', { token: staff.token })).status).toBe(200);
    const sid = JSON.parse(atob(staff.token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).sid as string;
    await env.DB.prepare(`DELETE FROM sessions WHERE id = ?`).bind(sid).run();

    expectProblem(await call('GET', `/api/conversations/${conv.id}/ws?access_token=${staff.token}`, { headers: { upgrade: 'websocket' } }), 401);
    expectProblem(await call('GET', `/api/live?access_token=${staff.token}`, { headers: { upgrade: 'websocket' } }), 401);
  });

  it('a user disabled behind the objects’ back (straight in D1) cannot write a reply', async () => {
    const { ws, conv } = await setup();
    const staff = await addMember(ws, 'staff');
    const thread = await convSocket(conv.id, staff.token);
    await ready(thread);
    await env.DB.prepare(`UPDATE users SET disabled = 1 WHERE id = ?`).bind(staff.userId).run();

    thread.send({ t: 'message', clientId: 'late-2', text: 'reply from a disabled user' });
    expect((await thread.closedWithin()).code).toBe(CLOSE.forbidden);
    expect(await messagesSeenByManager(ws.token, conv.id)).not.toContain('reply from a disabled user');
  });
});

describe('widget sockets end when the contact is blocked', () => {
  it('blocking closes the visitor’s open socket with 4403; the widget refuses further writes and sockets', async () => {
    const { ws, conv } = await setup();
    const vs = await openSocket(`/widget/api/ws?token=${conv.visitorToken}`);
    await ready(vs);

    await patch(`/api/contacts/${conv.contactId}`, ws.token, { blocked: true });
    expect((await vs.closedWithin()).code).toBe(CLOSE.forbidden);
    expectProblem(await call('POST', '/widget/api/messages', { token: conv.visitorToken, body: { text: 'still here?', clientId: 'b1' } }), 403);
    expectProblem(await call('GET', `/widget/api/ws?token=${conv.visitorToken}`, { headers: { upgrade: 'websocket' } }), 403);
  });

  it('a contact blocked behind the objects’ back cannot write through an open socket', async () => {
    const { ws, conv } = await setup();
    const vs = await openSocket(`/widget/api/ws?token=${conv.visitorToken}`);
    await ready(vs);
    await env.DB.prepare(`UPDATE contacts SET blocked = 1 WHERE id = ?`).bind(conv.contactId).run();

    vs.send({ t: 'message', clientId: 'blocked-1', text: 'written while blocked' });
    expect((await vs.closedWithin()).code).toBe(CLOSE.forbidden);
    expect(await messagesSeenByManager(ws.token, conv.id)).not.toContain('written while blocked');
  });
});
