// The personal role reaches only the contacts of conversations assigned to them; the sandbox
// transport's record is for managers (issue 15, defect 12).
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, expectProblem, listWhen, newWorkspace, visitorConversation, webchatInbox, type Workspace } from '../helpers';

let ws: Workspace;
let personal: Awaited<ReturnType<typeof addMember>>;
let staff: Awaited<ReturnType<typeof addMember>>;
let mine: { id: string; contactId: string };
let stranger: { id: string; contactId: string };

beforeAll(async () => {
  ws = await newWorkspace();
  [personal, staff] = await Promise.all([addMember(ws, 'personal'), addMember(ws, 'staff')]);
  const inbox = await webchatInbox(ws);
  [mine, stranger] = await Promise.all([visitorConversation(inbox.websiteToken, 'mine', { name: 'Ana', email: 'ana@example.com' }), visitorConversation(inbox.websiteToken, 'not mine', { name: 'Bo', email: 'bo@example.com' })]);
  expect((await call('PATCH', `/api/conversations/${mine.id}`, { token: ws.token, body: { assigneeId: personal.userId } })).status).toBe(200);
  await listWhen(ws.token, { assignee: personal.userId }, (p) => p.items.length === 1);
});

describe('contacts for the personal role', () => {
  it('lists only the contacts of conversations assigned to them', async () => {
    const res = await call('GET', '/api/contacts', { token: personal.token });
    expect(res.status).toBe(200);
    expect(res.body.items.map((c: { id: string }) => c.id)).toEqual([mine.contactId]);
    const search = await call('GET', '/api/contacts?q=bo%40example.com', { token: personal.token });
    expect(search.body.items).toEqual([]);
    // Staff and managers keep the whole directory.
    const all = await call('GET', '/api/contacts', { token: staff.token });
    expect(all.body.items.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([mine.contactId, stranger.contactId]));
  });

  it('reads and edits their own contact; any other is answered as missing', async () => {
    expect((await call('GET', `/api/contacts/${mine.contactId}`, { token: personal.token })).status).toBe(200);
    expect((await call('PATCH', `/api/contacts/${mine.contactId}`, { token: personal.token, body: { name: 'Ana Lima' } })).status).toBe(200);
    expectProblem(await call('GET', `/api/contacts/${stranger.contactId}`, { token: personal.token }), 404);
    expectProblem(await call('PATCH', `/api/contacts/${stranger.contactId}`, { token: personal.token, body: { name: 'Hijacked' } }), 404);
    expectProblem(await call('GET', `/api/contacts/${stranger.contactId}/context`, { token: personal.token }), 404);
    expectProblem(await call('GET', `/api/contacts/${stranger.contactId}/merge-suggestions`, { token: personal.token }), 404);
    const after = await call('GET', `/api/contacts/${stranger.contactId}`, { token: ws.token });
    expect(after.body.name).toBe('Bo');
  });
});

describe('the sandbox transport record', () => {
  it('is for managers only', async () => {
    expectProblem(await call('GET', '/api/channels/sandbox/outbound', { token: staff.token }), 403);
    expectProblem(await call('GET', '/api/channels/sandbox/outbound', { token: personal.token }), 403);
    expect((await call('GET', '/api/channels/sandbox/outbound', { token: ws.token })).status).toBe(200);
  });
});
