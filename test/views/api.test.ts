// /api/views (issue 16): saved list filters per agent, shared ones read-only for all but their owner
// and managers, scoped to the workspace, bad input as problem+json, and counts for the views the
// counts endpoint can answer from its grouped scan.
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { addMember, call, createTeam, expectProblem, listConversations, newWorkspace } from '../helpers';
import { contactRow, projectionRow } from '../sla/api-fixtures';

const views = (token: string) => call('GET', '/api/views', { token });
const create = (token: string, body: unknown) => call('POST', '/api/views', { token, body });

describe('/api/views', () => {
  it('saves, lists, renames, changes, reorders and deletes an agent’s own views', async () => {
    const ws = await newWorkspace();
    const a = await create(ws.token, { name: 'Urgent WhatsApp', filters: { status: ['open', 'pending'], channels: ['whatsapp', 'sms'], priorities: ['urgent'], time: { on: 'created', range: '7d' } } });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ name: 'Urgent WhatsApp', shared: false, editable: true, ownerId: ws.userId, position: 0 });
    expect(a.body.filters).toEqual({ status: ['open', 'pending'], channels: ['whatsapp', 'sms'], priorities: ['urgent'], time: { on: 'created', range: '7d' } });
    const b = await create(ws.token, { name: 'Others’ open', filters: { assignee: 'others', status: ['open'] } });
    expect(b.body.position).toBe(1);

    expectProblem(await create(ws.token, { name: 'urgent whatsapp', filters: {} }), 409, 'name');

    const renamed = await call('PATCH', `/api/views/${a.body.id}`, { token: ws.token, body: { name: 'Urgent chats', filters: { tags: ['VIP', 'refund'], tagMode: 'any' } } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Urgent chats', filters: { tags: ['vip', 'refund'], tagMode: 'any' } });

    const order = await call('PUT', '/api/views/order', { token: ws.token, body: { ids: [b.body.id, a.body.id] } });
    expect(order.status).toBe(200);
    expect(order.body.items.map((v: { id: string }) => v.id)).toEqual([b.body.id, a.body.id]);
    expectProblem(await call('PUT', '/api/views/order', { token: ws.token, body: { ids: [b.body.id] } }), 400, 'ids');
    expect((await views(ws.token)).body.items.map((v: { name: string }) => v.name)).toEqual(['Others’ open', 'Urgent chats']);

    expect((await call('DELETE', `/api/views/${b.body.id}`, { token: ws.token })).status).toBe(204);
    expectProblem(await call('DELETE', `/api/views/${b.body.id}`, { token: ws.token }), 404);
    expect((await views(ws.token)).body.items.map((v: { id: string }) => v.id)).toEqual([a.body.id]);
  });

  it('keeps views to their owner and workspace; a shared view is read-only for staff and editable by managers', async () => {
    const ws = await newWorkspace();
    const other = await newWorkspace();
    const staff = await addMember(ws, 'staff');
    const personal = await addMember(ws, 'personal');
    const manager2 = await addMember(ws, 'manager');

    const mine = await create(staff.token, { name: 'My queue', filters: { assignee: 'me' } });
    expect(mine.status).toBe(201);
    // Only managers share.
    expectProblem(await create(staff.token, { name: 'For all', filters: {}, shared: true }), 403);
    expectProblem(await call('PATCH', `/api/views/${mine.body.id}`, { token: staff.token, body: { shared: true } }), 403);
    const shared = await create(ws.token, { name: 'Team backlog', filters: { status: ['open'], assignee: 'unassigned' }, shared: true });
    expect(shared.status).toBe(201);

    // Staff and personal see their own and the shared one; the shared one read-only.
    const staffList = (await views(staff.token)).body.items as { id: string; editable: boolean }[];
    expect(staffList.map((v) => v.id)).toEqual([mine.body.id, shared.body.id]);
    expect(staffList.find((v) => v.id === shared.body.id)?.editable).toBe(false);
    expect((await views(personal.token)).body.items.map((v: { id: string }) => v.id)).toEqual([shared.body.id]);
    expect((await views(ws.token)).body.items.map((v: { id: string }) => v.id)).toEqual([shared.body.id]);

    expectProblem(await call('PATCH', `/api/views/${shared.body.id}`, { token: staff.token, body: { name: 'Mine now' } }), 403);
    expectProblem(await call('DELETE', `/api/views/${shared.body.id}`, { token: personal.token }), 403);
    // Someone else's private view does not exist for the caller, a manager included.
    expectProblem(await call('PATCH', `/api/views/${mine.body.id}`, { token: ws.token, body: { name: 'x' } }), 404);
    expectProblem(await call('DELETE', `/api/views/${mine.body.id}`, { token: personal.token }), 404);
    // Another manager may edit (and unshare) a shared view.
    const edited = await call('PATCH', `/api/views/${shared.body.id}`, { token: manager2.token, body: { name: 'Backlog', shared: false } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ name: 'Backlog', shared: false, ownerId: ws.userId });
    expect((await views(staff.token)).body.items.map((v: { id: string }) => v.id)).toEqual([mine.body.id]);

    // Another workspace: nothing listed, nothing reachable.
    expect((await views(other.token)).body.items).toEqual([]);
    expectProblem(await call('PATCH', `/api/views/${shared.body.id}`, { token: other.token, body: { name: 'Stolen' } }), 404);
    expectProblem(await call('DELETE', `/api/views/${mine.body.id}`, { token: other.token }), 404);
    expectProblem(await call('PUT', '/api/views/order', { token: other.token, body: { ids: [shared.body.id] } }), 400, 'ids');
    // A filter naming another workspace's team is refused.
    const foreignTeam = await createTeam(other, 'Theirs');
    expectProblem(await create(ws.token, { name: 'Theirs', filters: { teamId: foreignTeam } }), 400, 'filters.teamId');
    expect((await call('GET', '/api/views')).status).toBe(401);
  });

  it('refuses bad input as problem+json naming the field', async () => {
    const ws = await newWorkspace();
    expectProblem(await create(ws.token, { filters: {} }), 400, 'name');
    expectProblem(await create(ws.token, { name: '  ', filters: {} }), 400, 'name');
    expectProblem(await create(ws.token, { name: 'x'.repeat(81), filters: {} }), 400, 'name');
    expectProblem(await create(ws.token, { name: 'Bad', filters: { status: ['gone'] } }), 400, /filters\.status/);
    expectProblem(await create(ws.token, { name: 'Bad', filters: { channels: ['Not A Channel'] } }), 400, /filters\.channels/);
    expectProblem(await create(ws.token, { name: 'Bad', filters: { color: 'red' } }), 400, /filters/);
    expectProblem(await create(ws.token, { name: 'Bad', filters: { time: { range: 'custom' } } }), 400, /filters\.time/);
    expectProblem(await create(ws.token, { name: 'Bad', filters: { time: { range: 'custom', from: 2000, to: 1000 } } }), 400, /filters\.time/);
    expectProblem(await create(ws.token, { name: 'Bad', filters: { time: { range: '7d', from: 1000 } } }), 400, /filters\.time/);
    expectProblem(await create(ws.token, { name: 'Bad', filters: { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) } }), 400, /filters\.tags/);
    expectProblem(await create(ws.token, { name: 'Bad', filters: { assignee: 'usr_nobody0000000000' } }), 400, 'filters.assignee');
    const ok = await create(ws.token, { name: 'Fine', filters: {} });
    expectProblem(await call('PATCH', `/api/views/${ok.body.id}`, { token: ws.token, body: {} }), 400);
    expectProblem(await call('PATCH', `/api/views/${ok.body.id}`, { token: ws.token, body: { shared: 'yes' } }), 400, 'shared');
    const form = await SELF.fetch('http://parley.test/api/views', { method: 'POST', headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'text/plain' }, body: 'name=x' });
    expect(form.status).toBe(415);
  });

  it('counts the views the grouped scan can answer, equal to the list, and no others', async () => {
    const ws = await newWorkspace();
    const staff = await addMember(ws, 'staff');
    const team = await createTeam(ws, 'Billing');
    const contact = await contactRow(ws);
    await projectionRow(ws, contact, { assigneeId: staff.userId, teamId: team });
    await projectionRow(ws, contact, { assigneeId: staff.userId, status: 'pending' });
    await projectionRow(ws, contact, { assigneeId: ws.userId, teamId: team });
    await projectionRow(ws, contact, { teamId: team, slaStatus: 'breached', slaDueAt: Date.now() - 1000 });
    await projectionRow(ws, contact, { assigneeId: staff.userId, status: 'closed', archivedAt: Date.now() });

    const others = await create(ws.token, { name: 'Others', filters: { assignee: 'others', status: ['open', 'pending'] } });
    const teamOpen = await create(ws.token, { name: 'Billing', filters: { teamId: team, status: ['open'] } });
    const breached = await create(ws.token, { name: 'Breached', filters: { sla: ['breached'], channels: ['webchat', 'sms'] } });
    const tagged = await create(ws.token, { name: 'Tagged', filters: { tags: ['vip'] } });
    const res = await call('GET', '/api/conversations/counts', { token: ws.token });
    expect(res.status).toBe(200);
    const saved = res.body.saved as Record<string, { open: number; pending: number; closed: number; all: number }>;
    expect(saved[others.body.id]).toMatchObject({ open: 1, pending: 1, closed: 0, all: 2 });
    expect(saved[teamOpen.body.id]).toMatchObject({ open: 3, all: 3 });
    expect(saved[breached.body.id]).toMatchObject({ open: 1, all: 1 });
    expect(saved[tagged.body.id]).toBeUndefined();
    // Equal to what the list itself counts for the same filter.
    const list = await listConversations(ws.token, { assignee: 'others', status: 'open,pending', limit: 5 });
    expect(list.body.items).toHaveLength(2);
    expect((list.body as unknown as { counts: { open: number; pending: number } }).counts).toMatchObject({ open: 1, pending: 1 });
  });
});
