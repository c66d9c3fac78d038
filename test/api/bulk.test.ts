// POST /api/conversations/bulk: close, reopen, assign, tag/untag, snooze, priority with per-item results.
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createTeam, expectProblem, listWhen, newWorkspace, sameIds, visitorConversation, webchatInbox, type Workspace } from '../helpers';

let ws: Workspace;
let inbox: Awaited<ReturnType<typeof webchatInbox>>;

beforeAll(async () => {
  ws = await newWorkspace();
  inbox = await webchatInbox(ws);
});

async function conversations(n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await visitorConversation(inbox.websiteToken, `bulk ${i}`)).id);
  return out;
}
const bulk = (body: unknown, token = ws.token) => call('POST', '/api/conversations/bulk', { token, body });
const view = async (id: string) => (await call('GET', `/api/conversations/${id}`, { token: ws.token })).body;

describe('POST /api/conversations/bulk', () => {
  it('closes three conversations, reporting each, and the list sees them closed', async () => {
    const ids = await conversations(3);
    const res = await bulk({ ids, action: 'close' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ succeeded: 3, failed: 0 });
    // Each result says what it replaced, so the app can offer Undo.
    expect(res.body.results).toEqual(ids.map((id) => ({ id, ok: true, status: 200, previous: expect.objectContaining({ status: 'open', assigneeId: null, priority: 'normal' }) })));
    for (const id of ids) expect((await view(id)).status).toBe('closed');
    const page = await listWhen(ws.token, { status: 'closed' }, (p) => ids.every((id) => p.items.some((i) => i.id === id)));
    expect(page.items.filter((i) => ids.includes(i.id)).every((i) => i.closedAt !== null)).toBe(true);

    const reopened = await bulk({ ids, action: 'reopen' });
    expect(reopened.body.succeeded).toBe(3);
    for (const id of ids) expect((await view(id)).status).toBe('open');
  });

  it('assigns and unassigns', async () => {
    const ids = await conversations(2);
    const staff = await addMember(ws, 'staff');
    const res = await bulk({ ids, action: 'assign', assigneeId: staff.userId });
    expect(res.body.succeeded).toBe(2);
    for (const id of ids) expect((await view(id)).assigneeId).toBe(staff.userId);
    await listWhen(ws.token, { assignee: staff.userId }, (p) => sameIds(p.items.map((i) => i.id), ids));
    expect((await bulk({ ids, action: 'assign', assigneeId: null })).body.succeeded).toBe(2);
    for (const id of ids) expect((await view(id)).assigneeId).toBeNull();
    expectProblem(await bulk({ ids, action: 'assign' }), 400, 'assigneeId');
    expectProblem(await bulk({ ids, action: 'assign', assigneeId: 'usr_00000000000000000000' }), 400, 'assigneeId');
  });

  it('tags add to the existing tags and untag removes only the named ones', async () => {
    const ids = await conversations(2);
    await call('PATCH', `/api/conversations/${ids[0]}`, { token: ws.token, body: { tags: ['keep'] } });
    const tagged = await bulk({ ids, action: 'tag', tags: ['Refund', 'vip'] });
    expect(tagged.body.succeeded).toBe(2);
    expect((await view(ids[0])).tags).toEqual(['keep', 'refund', 'vip']);
    expect((await view(ids[1])).tags).toEqual(['refund', 'vip']);
    await listWhen(ws.token, { tag: 'refund' }, (p) => sameIds(p.items.map((i) => i.id), ids));
    const untagged = await bulk({ ids, action: 'untag', tags: ['REFUND'] });
    expect(untagged.body.succeeded).toBe(2);
    expect((await view(ids[0])).tags).toEqual(['keep', 'vip']);
    expect((await view(ids[1])).tags).toEqual(['vip']);
    expectProblem(await bulk({ ids, action: 'tag' }), 400, 'tags');
  });

  it('snoozes until a future time; a past time fails per item; sets priority', async () => {
    const ids = await conversations(2);
    const until = Date.now() + 3600_000;
    const res = await bulk({ ids, action: 'snooze', snoozeUntil: until });
    expect(res.body.succeeded).toBe(2);
    for (const id of ids) expect(await view(id)).toMatchObject({ status: 'snoozed', snoozeUntil: until });
    expectProblem(await bulk({ ids, action: 'snooze' }), 400, 'snoozeUntil');
    const past = await bulk({ ids: [ids[0]], action: 'snooze', snoozeUntil: Date.now() - 1000 });
    expect(past.body.failed).toBe(1);
    expect(past.body.results[0]).toMatchObject({ id: ids[0], ok: false, status: 400 });
    expect((await view(ids[0])).snoozeUntil).toBe(until);

    const prio = await bulk({ ids, action: 'priority', priority: 'urgent' });
    expect(prio.body.succeeded).toBe(2);
    for (const id of ids) expect((await view(id)).priority).toBe('urgent');
    expectProblem(await bulk({ ids, action: 'priority', priority: 'asap' }), 400, 'priority');
    expectProblem(await bulk({ ids, action: 'priority' }), 400, 'priority');
  });

  it('reports 404 for unknown ids next to the ones that worked, and counts duplicates once', async () => {
    const [id] = await conversations(1);
    const res = await bulk({ ids: [id, 'cnv_00000000000000000000', id, 'nonsense'], action: 'priority', priority: 'high' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ succeeded: 1, failed: 2 });
    expect(res.body.results).toEqual([
      expect.objectContaining({ id, ok: true, status: 200 }),
      expect.objectContaining({ id: 'cnv_00000000000000000000', ok: false, status: 404 }),
      expect.objectContaining({ id: 'nonsense', ok: false, status: 404 }),
    ]);
    expect((await view(id)).priority).toBe('high');
  });

  it('staff get 403 per item for conversations they may not see, which stay untouched', async () => {
    const [visible, hidden] = await conversations(2);
    const team = await createTeam(ws);
    const staff = await addMember(ws, 'staff');
    await call('PATCH', `/api/conversations/${hidden}`, { token: ws.token, body: { teamId: team, assigneeId: ws.userId } });
    const res = await bulk({ ids: [visible, hidden], action: 'close' }, staff.token);
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([expect.objectContaining({ id: visible, ok: true, status: 200 }), expect.objectContaining({ id: hidden, ok: false, status: 403 })]);
    expect(res.body.results[1].previous).toBeUndefined();
    expect((await view(visible)).status).toBe('closed');
    expect((await view(hidden)).status).toBe('open');
  });

  it('"select all matching": a list filter instead of ids acts on what that list shows the caller, and nothing else', async () => {
    const ids = await conversations(3);
    const tag = `sel-${Date.now()}`;
    expect((await bulk({ ids: ids.slice(0, 2), action: 'tag', tags: [tag] })).status).toBe(200);
    await listWhen(ws.token, { tag }, (p) => p.items.length === 2);
    const res = await bulk({ filter: { tag, status: 'open' }, action: 'priority', priority: 'urgent' });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { id: string }) => r.id).sort()).toEqual(ids.slice(0, 2).sort());
    expect((await view(ids[0])).priority).toBe('urgent');
    expect((await view(ids[2])).priority).toBe('normal');
    expectProblem(await bulk({ filter: { sla: 'late' }, action: 'close' }), 400, /filter/);
    expectProblem(await bulk({ filter: { tag: 'no-such-tag-anywhere' }, action: 'close' }), 400, 'filter');
    expectProblem(await bulk({ action: 'close' }), 400, 'ids');
  });

  it('validates the body: ids 1..1000, a known action', async () => {
    const tooMany = Array.from({ length: 1001 }, (_, i) => `cnv_${String(i).padStart(20, '0')}`);
    expectProblem(await bulk({ ids: tooMany, action: 'close' }), 400, 'ids');
    expectProblem(await bulk({ ids: [], action: 'close' }), 400, 'ids');
    expectProblem(await bulk({ ids: 'cnv_1', action: 'close' }), 400, 'ids');
    expectProblem(await bulk({ ids: ['cnv_1'], action: 'explode' }), 400, 'action');
    expectProblem(await bulk({ ids: ['cnv_1'], action: 'status', status: 'gone' }), 400, 'status');
    expectProblem(await bulk({ ids: ['cnv_1'], action: 'close' }, ''), 401);
  });
});
