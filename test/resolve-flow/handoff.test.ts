// Taking over from the AI tells the customer who they are talking with now: the workspace's take-over
// message, filled with the agent's display name, sent once per take over through the channel's normal
// outbound path (Messenger here: the Send API request in the sandbox transport).
import { describe, expect, it } from 'vitest';
import fbText from '../fixtures/providers/meta_messenger_text_message.json';
import { call, eventually, expectProblem, login, newWorkspace, PASSWORD, unique, visitorConversation, webchatInbox, type Workspace } from '../helpers';
import { createInbox, post, sandboxRequests, threadOf } from '../channels/helpers';

async function agent(ws: Workspace, name: string, role: 'staff' | 'manager' = 'staff') {
  const email = `${unique('agent')}@example.com`;
  const created = await call('POST', '/api/users', { token: ws.token, body: { email, name, password: PASSWORD, role } });
  if (created.status !== 201) throw new Error(`user: ${created.status} ${JSON.stringify(created.body)}`);
  const res = await login(email);
  return { token: res.body.token as string, userId: created.body.id as string };
}

const assistantOn = (ws: Workspace, inboxId: string, mode: 'suggest' | 'auto-send' = 'suggest') =>
  call('PUT', `/api/ai/assistants/${inboxId}`, { token: ws.token, body: { mode } });

async function messages(ws: Workspace, id: string): Promise<any[]> {
  return (await call('GET', `/api/conversations/${id}/messages?limit=200`, { token: ws.token })).body.items;
}

describe('the take-over message', () => {
  it('is sent once, as the agent, with their display name; a second take over sends nothing', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    expect((await assistantOn(ws, inbox.id)).status).toBe(200);
    const ana = await agent(ws, 'Ana Lima');
    const bo = await agent(ws, 'Bo Berg', 'manager');
    const conv = await visitorConversation(inbox.websiteToken, 'Is breakfast included?');

    const first = await call('POST', `/api/conversations/${conv.id}/takeover`, { token: ana.token });
    expect(first.status).toBe(200);
    expect(first.body.conversation.assigneeId).toBe(ana.userId);
    const handoffs = (await messages(ws, conv.id)).filter((m) => m.direction === 'outbound' && !m.isInternalNote);
    expect(handoffs).toHaveLength(1);
    expect(handoffs[0]).toMatchObject({ text: "You're now talking with Ana from our team.", authorType: 'agent', authorId: ana.userId, authorName: 'Ana Lima' });
    expect(handoffs[0].text).not.toContain(ana.userId);
    expect((await call('GET', `/api/conversations/${conv.id}/assistant`, { token: ws.token })).body.state).toBe('taken_over');

    // The same agent again, then a colleague: the assistant is already out, nobody is re-announced.
    expect((await call('POST', `/api/conversations/${conv.id}/takeover`, { token: ana.token })).status).toBe(200);
    expect((await call('POST', `/api/conversations/${conv.id}/assistant/take-over`, { token: ana.token })).status).toBe(200);
    const second = await call('POST', `/api/conversations/${conv.id}/takeover`, { token: bo.token });
    expect(second.status).toBe(200);
    expect((await messages(ws, conv.id)).filter((m) => m.direction === 'outbound' && !m.isInternalNote)).toHaveLength(1);

    // The AI resumed and taken over again is a new take over: announced again, by who took it.
    expect((await call('POST', `/api/conversations/${conv.id}/assistant/resume`, { token: ws.token })).status).toBe(200);
    expect((await call('POST', `/api/conversations/${conv.id}/takeover`, { token: bo.token })).status).toBe(200);
    const after = (await messages(ws, conv.id)).filter((m) => m.direction === 'outbound' && !m.isInternalNote);
    expect(after.map((m) => m.text)).toEqual(["You're now talking with Ana from our team.", "You're now talking with Bo from our team."]);
  });

  it('two take overs at once send one message', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    await assistantOn(ws, inbox.id);
    const ana = await agent(ws, 'Ana Lima');
    const conv = await visitorConversation(inbox.websiteToken, 'Hello?');
    const both = await Promise.all([0, 1].map(() => call('POST', `/api/conversations/${conv.id}/assistant/take-over`, { token: ana.token })));
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect((await messages(ws, conv.id)).filter((m) => m.direction === 'outbound')).toHaveLength(1);
  });

  it('is the workspace setting: its own text with merge fields; empty sends nothing; unknown fields are refused', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    await assistantOn(ws, inbox.id);
    const ana = await agent(ws, 'Ana Lima');
    expect((await call('GET', '/api/ai/settings', { token: ws.token })).body.takeoverMessage).toBe("You're now talking with {{agent.first_name}} from our team.");

    const custom = await call('PUT', '/api/ai/settings', { token: ws.token, body: { takeoverMessage: 'Hi {{contact.first_name|there}}, {{agent.name}} here from {{workspace.name}}.' } });
    expect(custom.status).toBe(200);
    const conv = await visitorConversation(inbox.websiteToken, 'Hello', { name: 'Maria Souza' });
    await call('POST', `/api/conversations/${conv.id}/takeover`, { token: ana.token });
    expect((await messages(ws, conv.id)).find((m) => m.direction === 'outbound')?.text).toBe('Hi Maria, Ana Lima here from Test workspace.');

    expectProblem(await call('PUT', '/api/ai/settings', { token: ana.token, body: { takeoverMessage: '' } }), 403);
    expectProblem(await call('PUT', '/api/ai/settings', { token: ws.token, body: { takeoverMessage: 'Hi {{agent.id}}' } }), 400, 'takeoverMessage');
    expectProblem(await call('PUT', '/api/ai/settings', { token: ws.token, body: { takeoverMessage: 42 } }), 400, 'takeoverMessage');

    const off = await call('PUT', '/api/ai/settings', { token: ws.token, body: { takeoverMessage: '   ' } });
    expect(off.body.takeoverMessage).toBeNull();
    expect((await call('GET', '/api/ai/settings', { token: ws.token })).body.takeoverMessage).toBeNull();
    const quiet = await visitorConversation(inbox.websiteToken, 'Hello again');
    const res = await call('POST', `/api/conversations/${quiet.id}/takeover`, { token: ana.token });
    expect(res.status).toBe(200);
    expect(res.body.conversation.assigneeId).toBe(ana.userId);
    expect((await messages(ws, quiet.id)).filter((m) => m.direction === 'outbound')).toHaveLength(0);
    expect((await call('GET', `/api/conversations/${quiet.id}/assistant`, { token: ws.token })).body.state).toBe('taken_over');
  });

  it('is not sent where no assistant was in the conversation', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const ana = await agent(ws, 'Ana Lima');
    const conv = await visitorConversation(inbox.websiteToken, 'Hello');
    expect((await call('POST', `/api/conversations/${conv.id}/takeover`, { token: ana.token })).status).toBe(200);
    expect((await messages(ws, conv.id)).filter((m) => m.direction === 'outbound')).toHaveLength(0);
  });

  it('goes out through the channel: a Messenger Send API request', async () => {
    const ws = await newWorkspace();
    const inbox = await createInbox(ws, 'messenger', { pageId: '1234567890', pageAccessToken: 'PAGE-TOKEN', appSecret: fbText.signature.app_secret, verifyToken: 'v' });
    await assistantOn(ws, inbox.id);
    const ana = await agent(ws, 'Ana Lima');
    expect((await post('messenger', inbox.id, fbText.raw_body, fbText.headers)).status).toBe(200);
    const thread = await threadOf(ws, ws.workspaceId, 'messenger', '5678');
    expect((await call('POST', `/api/conversations/${thread.conversationId}/takeover`, { token: ana.token })).status).toBe(200);
    const sent = await eventually(async () => {
      const m = (await messages(ws, thread.conversationId)).find((x) => x.direction === 'outbound');
      return m && m.status === 'sent' ? m : null;
    });
    const [req] = await sandboxRequests(ws, sent.id);
    expect(req.url).toBe('https://graph.facebook.com/v21.0/me/messages');
    expect(JSON.parse(req.body).message).toEqual({ text: "You're now talking with Ana from our team." });
  });
});
