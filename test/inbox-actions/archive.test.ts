// Manual archive: PATCH archived and the archive/unarchive bulk actions. Archiving closes the conversation
// (if it is not) and takes it out of every view but the archive (list ?archived=true).
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createTeam, eventually, expectProblem, listConversations, newWorkspace, visitorConversation, visitorSays, webchatInbox, type Workspace } from '../helpers';

let ws: Workspace;
let other: Workspace;
let inbox: { id: string; websiteToken: string };

beforeAll(async () => {
  ws = await newWorkspace('Archive');
  other = await newWorkspace('Elsewhere');
  inbox = await webchatInbox(ws);
});

const listed = async (token: string, id: string, query: Record<string, string> = {}) => !!(await listConversations(token, query)).body.items.find((i) => i.id === id);

describe('PATCH /api/conversations/:id archived', () => {
  it('archives an open conversation (closing it), lists it only in the archive, and takes it out again', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'please archive');
    const res = await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { archived: true } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'closed', archivedAt: expect.any(Number) });
    await eventually(async () => (await listed(ws.token, conv.id, { archived: 'true' })) && !(await listed(ws.token, conv.id)));
    expect(await listed(ws.token, conv.id, { status: 'closed' })).toBe(false);

    const back = await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { archived: false } });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ status: 'closed', archivedAt: null });
    await eventually(async () => (await listed(ws.token, conv.id, { status: 'closed' })) && !(await listed(ws.token, conv.id, { archived: 'true' })));
  });

  it('a customer message brings an archived conversation back', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'first');
    expect((await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { archived: true } })).status).toBe(200);
    await visitorSays(conv.visitorToken, 'me again');
    const now = await call('GET', `/api/conversations/${conv.id}`, { token: ws.token });
    expect(now.body).toMatchObject({ status: 'open', archivedAt: null });
  });

  it('refuses archived with another status, and a non-boolean, as problem+json naming the field', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'bad input');
    expectProblem(await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { archived: true, status: 'open' } }), 400, 'archived');
    expectProblem(await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { archived: 'yes' } }), 400, 'archived');
  });

  it('is scoped to the workspace and to what staff may see', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'scoped');
    expectProblem(await call('PATCH', `/api/conversations/${conv.id}`, { token: other.token, body: { archived: true } }), 404);
    const t1 = await createTeam(ws);
    const t2 = await createTeam(ws);
    const staff = await addMember(ws, 'staff', [t1]);
    const mgr = await addMember(ws, 'manager');
    expect((await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { teamId: t2, assigneeId: mgr.userId } })).status).toBe(200);
    await eventually(async () => (await call('GET', `/api/conversations/${conv.id}`, { token: staff.token })).status === 403);
    expectProblem(await call('PATCH', `/api/conversations/${conv.id}`, { token: staff.token, body: { archived: true } }), 403);
    const bulk = await call('POST', '/api/conversations/bulk', { token: staff.token, body: { ids: [conv.id], action: 'archive' } });
    expect(bulk.body).toMatchObject({ succeeded: 0, failed: 1 });
    const foreign = await call('POST', '/api/conversations/bulk', { token: other.token, body: { ids: [conv.id], action: 'archive' } });
    expect(foreign.body).toMatchObject({ succeeded: 0, failed: 1 });
    expect((await call('GET', `/api/conversations/${conv.id}`, { token: ws.token })).body.archivedAt ?? null).toBeNull();
  });
});

describe('bulk archive / unarchive', () => {
  it('archives and unarchives several conversations at once', async () => {
    const a = await visitorConversation(inbox.websiteToken, 'bulk a');
    const b = await visitorConversation(inbox.websiteToken, 'bulk b');
    const res = await call('POST', '/api/conversations/bulk', { token: ws.token, body: { ids: [a.id, b.id], action: 'archive' } });
    expect(res.body).toMatchObject({ succeeded: 2, failed: 0 });
    for (const id of [a.id, b.id]) expect((await call('GET', `/api/conversations/${id}`, { token: ws.token })).body).toMatchObject({ status: 'closed', archivedAt: expect.any(Number) });
    const un = await call('POST', '/api/conversations/bulk', { token: ws.token, body: { ids: [a.id, b.id], action: 'unarchive' } });
    expect(un.body).toMatchObject({ succeeded: 2, failed: 0 });
    for (const id of [a.id, b.id]) expect((await call('GET', `/api/conversations/${id}`, { token: ws.token })).body.archivedAt).toBeNull();
  });
});
