// GET /api/conversations/counts and the live `counts` frames (issue 16, defect 5): every navigation view
// in one request, equal to what the list itself counts for the same view, and changes moving counts
// over the list socket without a refetch — each agent only as far as they may see the conversation.
import { describe, expect, it } from 'vitest';
import { applyDelta, countDelta, todayDelta, type CountKey, type Counts } from '../../worker/conversations/view-counts';
import { addMember, call, createTeam, eventually, expectProblem, listConversations, newWorkspace, visitorConversation, webchatInbox } from '../helpers';
import { openSocket } from '../sockets';
import { contactRow, projectionRow } from '../sla/api-fixtures';

type CountsRes = { views: Record<string, Counts>; list: Counts | null };
const counts = (token: string, query = '') => call<CountsRes>('GET', `/api/conversations/counts${query}`, { token });

/** What the list endpoint counts for a view (the old way: one request per view). */
async function listCounts(token: string, query: Record<string, string>): Promise<Counts> {
  const res = await listConversations(token, { ...query, limit: 1 });
  expect(res.status).toBe(200);
  return res.body.counts as Counts;
}

describe('GET /api/conversations/counts', () => {
  it('answers every view at once, equal to the list’s own counts, for a manager, a staff member and a personal user', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const staff = await addMember(ws, 'staff');
    const personal = await addMember(ws, 'personal');
    const teamA = await createTeam(ws, 'Team A', [staff.userId]);
    const teamB = await createTeam(ws, 'Team B');
    const convs = [];
    for (let i = 0; i < 7; i++) convs.push(await visitorConversation(inbox.websiteToken, `hello ${i}`));
    // A spread of states: assigned to each user, on each team, snoozed, closed.
    const patch = (id: string, body: Record<string, unknown>) => call('PATCH', `/api/conversations/${id}`, { token: ws.token, body });
    expect((await patch(convs[0].id, { assigneeId: staff.userId })).status).toBe(200);
    expect((await patch(convs[1].id, { assigneeId: personal.userId, teamId: teamA })).status).toBe(200);
    expect((await patch(convs[2].id, { teamId: teamA, assigneeId: ws.userId })).status).toBe(200);
    expect((await patch(convs[3].id, { teamId: teamB, assigneeId: ws.userId })).status).toBe(200);
    expect((await patch(convs[4].id, { status: 'snoozed', snoozeUntil: Date.now() + 3600_000 })).status).toBe(200);
    expect((await patch(convs[5].id, { status: 'closed' })).status).toBe(200);
    expect((await patch(convs[6].id, { status: 'closed' })).status).toBe(200);

    // SLA, escalation and archive states straight in the projection (no object needs to run them).
    const contact = await contactRow(ws);
    await projectionRow(ws, contact, { slaStatus: 'breached', slaDueAt: Date.now() - 60_000, teamId: teamA });
    await projectionRow(ws, contact, { slaStatus: 'warning', slaDueAt: Date.now() + 600_000, assigneeId: staff.userId });
    await projectionRow(ws, contact, { slaStatus: 'ok', slaDueAt: Date.now() + 1800_000 });
    await projectionRow(ws, contact, { slaStatus: 'ok', slaDueAt: Date.now() + 7200_000, status: 'pending' });
    await projectionRow(ws, contact, { escalationLevel: 1, escalatedAt: Date.now() - 1000, teamId: teamB });
    await projectionRow(ws, contact, { status: 'closed', archivedAt: Date.now() - 1000 });
    await eventually(async () => (await listConversations(ws.token, { status: 'closed', limit: 10 })).body.items.length >= 1);
    const views: [string, Record<string, string>][] = [
      ['all', {}],
      ['mine', { assignee: 'me' }],
      ['unassigned', { assignee: 'unassigned' }],
      ['unread', { unread: 'true' }],
      ['today', { updatedAfter: String(Math.floor(Date.now() / 86_400_000) * 86_400_000) }],
      ['sla:breached', { sla: 'breached' }],
      ['sla:breaching_soon', { sla: 'breaching_soon' }],
      ['escalated', { escalated: 'true' }],
      [`team:${teamA}`, { teamId: teamA }],
      [`team:${teamB}`, { teamId: teamB }],
      ['channel:webchat', { channel: 'webchat' }],
    ];
    for (const who of [ws, staff, personal]) {
      await eventually(async () => {
        const res = await counts(who.token, `?since=${Math.floor(Date.now() / 86_400_000) * 86_400_000}&list=true&assignee=me`);
        expect(res.status).toBe(200);
        for (const [key, query] of views) {
          const expected = await listCounts(who.token, query);
          const got = res.body.views[key] ?? { open: 0, pending: 0, snoozed: 0, closed: 0, all: 0 };
          if (JSON.stringify(got) !== JSON.stringify(expected)) return false;
        }
        expect(res.body.list).toEqual(await listCounts(who.token, { assignee: 'me' }));
        return true;
      });
    }
    const mgr = (await counts(ws.token)).body;
    expect(mgr.views.all.all).toBeGreaterThanOrEqual(6);
    expect(mgr.views[`team:${teamA}`].all).toBe(3);
    expect(mgr.views['sla:breaching_soon'].all).toBe(2);
    expect(mgr.views['sla:breached'].all).toBe(1);
    expect(mgr.views.escalated.all).toBe(1);
    expect(mgr.list).toBeNull();
    // The personal user sees exactly their one conversation, everywhere.
    const mine = (await counts(personal.token)).body;
    expect(mine.views.all.all).toBe(1);
    expect(mine.views.mine.all).toBe(1);
    expect(mine.views[`team:${teamA}`].all).toBe(1);
    expect(mine.views[`team:${teamB}`]).toBeUndefined();
  });

  it('refuses bad filters with a problem naming the field', async () => {
    const ws = await newWorkspace();
    expectProblem(await counts(ws.token, '?since=yesterday'), 400, 'since');
    expectProblem(await counts(ws.token, '?sla=late'), 400, 'sla');
    expect((await call('GET', '/api/conversations/counts')).status).toBe(401);
  });
});

describe('live counts frames', () => {
  it('moves counts on the list socket: the new owner’s go up, the staff member who loses sight of it goes down, nobody refetches', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const staff = await addMember(ws, 'staff');
    const other = await addMember(ws, 'staff');
    const [mgrLive, staffLive] = await Promise.all([openSocket(`/api/live?access_token=${ws.token}`), openSocket(`/api/live?access_token=${staff.token}`)]);
    await Promise.all([mgrLive.next((f) => f.t === 'hello'), staffLive.next((f) => f.t === 'hello')]);

    const conv = await visitorConversation(inbox.websiteToken, 'Where is my order?');
    // New and unassigned: both see it arrive, from nothing.
    const created = await staffLive.next((f) => f.t === 'counts' && f.id === conv.id && f.before === null);
    expect(created.after).toMatchObject({ status: 'open', assigneeId: null, channel: 'webchat' });

    const before = (await counts(staff.token)).body.views;
    // Assigned to another staff member: it leaves this staff member's view. The frame says where it was
    // (so the count drops) and nothing of where it went.
    expect((await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { assigneeId: other.userId } })).status).toBe(200);
    const left = await staffLive.next((f) => f.t === 'counts' && f.id === conv.id && f.after === null);
    expect(left.before).toMatchObject({ assigneeId: null });
    const moved = applyDelta(before, countDelta(left.before, left.after, staff.userId, Date.now()));
    expect(moved.unassigned.open).toBe(before.unassigned.open - 1);
    expect(moved.all.open).toBe(before.all.open - 1);
    // What the server now says is what the frame made of it.
    const after = (await counts(staff.token)).body.views;
    expect(after.all).toEqual(moved.all);
    expect(after.unassigned).toEqual(moved.unassigned);
    // No conversation frame for a conversation this staff member may no longer see.
    expect(staffLive.frames.filter((f) => f.t === 'conversation' && f.conversation.id === conv.id && f.conversation.assigneeId === other.userId)).toHaveLength(0);

    // The manager sees both sides.
    const mgrFrame = await mgrLive.next((f) => f.t === 'counts' && f.id === conv.id && f.before?.assigneeId === null && f.after?.assigneeId === other.userId);
    expect(Object.keys(countDelta(mgrFrame.before, mgrFrame.after, ws.userId, Date.now())).sort()).toEqual(['unassigned']);
    mgrLive.close();
    staffLive.close();
  });
});

describe('view-counts rules', () => {
  const key = (over: Partial<CountKey> = {}): CountKey => ({ status: 'open', channel: 'sms', teamId: null, assigneeId: null, slaStatus: null, slaDueAt: null, escalated: false, archived: false, updatedAt: 1000, ...over });

  it('a status change moves one count from one status to another in every view it is in', () => {
    const d = countDelta(key({ teamId: 't1', assigneeId: 'u1' }), key({ teamId: 't1', assigneeId: 'u1', status: 'closed' }), 'u1', 0);
    expect(d).toEqual({ all: { open: -1, closed: 1 }, 'channel:sms': { open: -1, closed: 1 }, mine: { open: -1, closed: 1 }, 'team:t1': { open: -1, closed: 1 } });
  });

  it('archiving takes it out of every view; breaching soon is warning or due within the hour', () => {
    expect(countDelta(key({ status: 'closed' }), key({ status: 'closed', archived: true }), 'u', 0)).toEqual({ all: { closed: -1 }, 'channel:sms': { closed: -1 }, unassigned: { closed: -1 } });
    expect(countDelta(null, key({ slaStatus: 'ok', slaDueAt: 30 * 60_000 }), 'u', 0)['sla:breaching_soon']).toEqual({ open: 1 });
    expect(countDelta(null, key({ slaStatus: 'ok', slaDueAt: 2 * 3600_000 }), 'u', 0)['sla:breaching_soon']).toBeUndefined();
  });

  it('today counts by the agent’s own midnight; counts never go below zero', () => {
    expect(todayDelta(key({ updatedAt: 10 }), key({ updatedAt: 500 }), 100)).toEqual({ today: { open: 1 } });
    expect(todayDelta(key({ updatedAt: 200 }), key({ updatedAt: 500 }), 100)).toEqual({});
    expect(applyDelta({}, { all: { open: -1 } }).all).toEqual({ open: 0, pending: 0, snoozed: 0, closed: 0, all: 0 });
  });
});
