// "Mark as unread" is kept on the server per agent: it moves only the caller's read position back, so the
// conversation counts as unread in their lists, counts and other devices, and nobody else's.
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createTeam, eventually, expectProblem, listConversations, newWorkspace, visitorConversation, visitorSays, webchatInbox, type Workspace } from '../helpers';

let ws: Workspace;
let other: Workspace;
let inbox: { id: string; websiteToken: string };
let colleague: { token: string; userId: string };

beforeAll(async () => {
  ws = await newWorkspace('Unread');
  other = await newWorkspace('Elsewhere');
  inbox = await webchatInbox(ws);
  colleague = await addMember(ws, 'manager');
});

const unreadCount = async (token: string, id: string) => (await call('GET', `/api/conversations/${id}`, { token })).body.unreadCount as number;
const inUnreadList = async (token: string, id: string) => (await listConversations(token, { unread: 'true' })).body.items.find((i) => i.id === id);

describe('POST /api/conversations/:id/unread', () => {
  it('marks a read conversation unread for the caller only, in GET, the unread list and counts', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'one');
    await visitorSays(conv.visitorToken, 'two');
    for (const t of [ws.token, colleague.token]) expect((await call('POST', `/api/conversations/${conv.id}/read`, { token: t, body: {} })).status).toBe(200);
    await eventually(async () => !(await inUnreadList(ws.token, conv.id)) && !(await inUnreadList(colleague.token, conv.id)));

    const res = await call('POST', `/api/conversations/${conv.id}/unread`, { token: ws.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ lastReadSeq: expect.any(Number), unread: 1 });
    expect(await unreadCount(ws.token, conv.id)).toBe(1);
    expect(await unreadCount(colleague.token, conv.id)).toBe(0);

    // The D1 projection (lists and counts, what a reload and the caller's other devices read).
    const row = await eventually(() => inUnreadList(ws.token, conv.id));
    expect(row.unreadCount).toBe(1);
    const unreadViews = async (token: string) => (await call('GET', '/api/conversations/counts', { token })).body.views.unread.all as number;
    expect(await unreadViews(ws.token)).toBe(1);
    expect(await unreadViews(colleague.token)).toBe(0);
    expect(await inUnreadList(colleague.token, conv.id)).toBeUndefined();

    // Twice is the same: still one unread message, not the whole history.
    expect((await call('POST', `/api/conversations/${conv.id}/unread`, { token: ws.token })).body.unread).toBe(1);

    // Reading again clears it, in the object and the projection (the reset did not pin the position).
    expect((await call('POST', `/api/conversations/${conv.id}/read`, { token: ws.token, body: {} })).body.unread).toBe(0);
    await eventually(async () => !(await inUnreadList(ws.token, conv.id)));
  });

  it('a new customer message after marking unread counts on top', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'first');
    await call('POST', `/api/conversations/${conv.id}/read`, { token: ws.token, body: {} });
    await call('POST', `/api/conversations/${conv.id}/unread`, { token: ws.token });
    await visitorSays(conv.visitorToken, 'second');
    expect(await unreadCount(ws.token, conv.id)).toBe(2);
  });

  it('without a customer message there is nothing to be unread', async () => {
    const contact = await call('POST', '/api/contacts', { token: ws.token, body: { name: 'Quiet', identities: [{ channel: 'webchat', externalId: `q-${Date.now()}` }] } });
    const started = await call('POST', '/api/conversations', { token: ws.token, body: { contactId: contact.body.id, inboxId: inbox.id, text: 'Hello from us' } });
    expect(started.status).toBe(201);
    const id = started.body.conversation?.id ?? started.body.id;
    const res = await call('POST', `/api/conversations/${id}/unread`, { token: ws.token });
    expect(res.status).toBe(200);
    expect(res.body.unread).toBe(0);
  });

  it('is scoped: another workspace gets 404, staff outside the conversation 403, unknown ids 404', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'scoped');
    expectProblem(await call('POST', `/api/conversations/${conv.id}/unread`, { token: other.token }), 404);
    expectProblem(await call('POST', `/api/conversations/${conv.id}/unread`), 401);
    expectProblem(await call('POST', '/api/conversations/cnv_nope/unread', { token: ws.token }), 404);

    const t1 = await createTeam(ws);
    const t2 = await createTeam(ws);
    const staff = await addMember(ws, 'staff', [t1]);
    expect((await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { teamId: t2, assigneeId: colleague.userId } })).status).toBe(200);
    await eventually(async () => (await call('GET', `/api/conversations/${conv.id}`, { token: staff.token })).status === 403);
    expectProblem(await call('POST', `/api/conversations/${conv.id}/unread`, { token: staff.token }), 403);
    expect((await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { teamId: t1 } })).status).toBe(200);
    await eventually(async () => (await call('GET', `/api/conversations/${conv.id}`, { token: staff.token })).status === 200);
    expect((await call('POST', `/api/conversations/${conv.id}/unread`, { token: staff.token })).status).toBe(200);
  });
});
