// The routing rules API (managers): create, reorder, change, delete, with problem+json naming the bad
// field; team settings; the rule tester ("which rule would match and who would get it", nothing assigned);
// and the routed event with its reason in the conversation's activity.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { conversationStub } from '../../worker/conversations/service';
import { addMember, call, createTeam, eventually, expectProblem } from '../helpers';
import { arrive, closeTabs, conversation, goOnline, rosterOf, routed, routingWorkspace, setTeamRouting, workspaceDO } from './fixtures';

describe('rules CRUD', () => {
  it('creates in order, inserts at a position, reorders, changes and deletes', async () => {
    const { ws, teamId } = await routingWorkspace({ agents: 0 });
    const create = (name: string, extra: Record<string, unknown> = {}) =>
      call('POST', '/api/routing/rules', { token: ws.token, body: { name, conditions: [{ type: 'channel', values: ['sms'] }], actions: { teamId }, ...extra } });
    const a = (await create('A')).body;
    const b = (await create('B')).body;
    const c = await create('C', { position: 0 });
    expect(c.status).toBe(201);
    expect(c.body.actions).toMatchObject({ assign: true, teamId });
    const names = async () => (await call('GET', '/api/routing/rules', { token: ws.token })).body.items.map((r: { name: string }) => r.name);
    expect(await names()).toEqual(['C', 'A', 'B']);

    const order = await call('PUT', '/api/routing/rules/order', { token: ws.token, body: { ids: [b.id, c.body.id, a.id] } });
    expect(order.status).toBe(200);
    expect(await names()).toEqual(['B', 'C', 'A']);
    expectProblem(await call('PUT', '/api/routing/rules/order', { token: ws.token, body: { ids: [b.id] } }), 400, 'ids');

    const patched = await call('PATCH', `/api/routing/rules/${a.id}`, { token: ws.token, body: { enabled: false, op: 'or' } });
    expect(patched.body).toMatchObject({ id: a.id, enabled: false, op: 'or', name: 'A' });
    expect((await call('DELETE', `/api/routing/rules/${b.id}`, { token: ws.token })).status).toBe(204);
    expect(await names()).toEqual(['C', 'A']);
    expect((await call('DELETE', `/api/routing/rules/${b.id}`, { token: ws.token })).status).toBe(404);
  });

  it('answers bad rules with problem+json naming the field, and only managers may touch them', async () => {
    const { ws, teamId } = await routingWorkspace({ agents: 0 });
    const post = (body: unknown) => call('POST', '/api/routing/rules', { token: ws.token, body });
    expectProblem(await post({ name: 'x', conditions: [{ type: 'moon_phase' }], actions: {} }), 400, /conditions\.0/);
    expectProblem(await post({ name: 'x', conditions: [{ type: 'channel', values: [] }], actions: {} }), 400, /conditions\.0\.values/);
    expectProblem(await post({ name: 'x', conditions: [{ type: 'group', op: 'and', conditions: [{ type: 'priority', values: ['meh'] }] }], actions: {} }), 400, /conditions\.0\.conditions\.0\.values/);
    expectProblem(await post({ name: 'x', actions: { teamId: 'team_doesnotexist00' } }), 400, 'actions.teamId');
    expectProblem(await post({ name: 'x', conditions: [{ type: 'business_hours', calendar: 'team_nope000000', open: true }], actions: {} }), 400, 'conditions.0.calendar');
    expectProblem(await post({ name: '', actions: { mode: 'random' } }), 400, 'name');
    expectProblem(await setTeamRoutingRaw(ws.token, teamId, { mode: 'skill_based', fallback: ['team', 'team'] }), 400, 'fallback');
    expectProblem(await setTeamRoutingRaw(ws.token, teamId, { mode: 'load_balanced', calendar: { timezone: 'Mars/Olympus', hours: null } }), 400, 'calendar.timezone');
    expectProblem(await setTeamRoutingRaw(ws.token, teamId, { mode: 'load_balanced', calendar: { timezone: 'UTC', hours: { '1': [['9:00', '17:00']] } } }), 400, /calendar\.hours/);
    const staff = await addMember(ws, 'staff');
    expectProblem(await call('GET', '/api/routing/rules', { token: staff.token }), 403);
    expectProblem(await call('POST', '/api/routing/test', { token: staff.token, body: { conversation: { channel: 'sms' } } }), 403);
    expectProblem(await call('PUT', `/api/teams/${teamId}/routing`, { token: staff.token, body: { mode: 'round_robin' } }), 403);
    expect((await call('GET', `/api/teams/${teamId}/routing`, { token: staff.token })).body.mode).toBe('load_balanced');
  });
});

function setTeamRoutingRaw(token: string, teamId: string, body: unknown) {
  return call('PUT', `/api/teams/${teamId}/routing`, { token, body });
}

describe('the rule tester', () => {
  it('says which rule would match and who would get it, assigning nobody; drafts are tried before saving', async () => {
    const { ws, agents, teamId } = await routingWorkspace({ agents: 2, mode: 'load_balanced' });
    const vipTeam = await createTeam(ws, 'VIP desk', [agents[1].userId]);
    await setTeamRouting(ws, vipTeam, { mode: 'round_robin' });
    const rules = [
      { name: 'VIPs', conditions: [{ type: 'contact_tags', values: ['vip'] }], actions: { teamId: vipTeam, priority: 'high' } },
      { name: 'Refunds', op: 'or', conditions: [{ type: 'keywords', values: ['refund', 'money back'] }, { type: 'priority', values: ['urgent'] }], actions: { teamId, addTags: ['refund'] } },
    ];
    for (const r of rules) expect((await call('POST', '/api/routing/rules', { token: ws.token, body: r })).status).toBe(201);
    const tabs = await Promise.all(agents.map((a) => goOnline(a.token)));
    await eventually(async () => (await rosterOf(ws.workspaceId)).filter((a) => a.status === 'online').length === 2);

    const test = (body: unknown) => call('POST', '/api/routing/test', { token: ws.token, body });
    const refund = await test({ conversation: { channel: 'webchat', text: 'I want my MONEY back!' } });
    expect(refund.status).toBe(200);
    expect(refund.body.rule.name).toBe('Refunds');
    expect(refund.body.trace.map((t: { name: string; matched: boolean }) => [t.name, t.matched])).toEqual([
      ['VIPs', false],
      ['Refunds', true],
    ]);
    expect(refund.body.decision).toMatchObject({ outcome: 'assigned', teamId, mode: 'load_balanced', addTags: ['refund'], trigger: 'test' });
    expect(agents.map((a) => a.userId)).toContain(refund.body.decision.assigneeId);

    const vip = await test({ conversation: { channel: 'sms', text: 'hi', contactTags: ['VIP'] } });
    expect(vip.body.rule.name).toBe('VIPs');
    expect(vip.body.decision).toMatchObject({ assigneeId: agents[1].userId, priority: 'high', teamName: 'VIP desk' });

    const none = await test({ conversation: { channel: 'sms', text: 'hi' } });
    expect(none.body).toMatchObject({ rule: null, isDefault: true, decision: { outcome: 'unassigned' } });

    // An unsaved rule, tried first; and an unsaved default.
    const draft = await test({ conversation: { channel: 'sms', text: 'hi' }, rule: { name: 'SMS first', conditions: [{ type: 'channel', values: ['sms'] }], actions: { assign: false } } });
    expect(draft.body.rule.name).toBe('SMS first');
    expect(draft.body.decision.outcome).toBe('unassigned');
    const withDefault = await test({ conversation: { channel: 'sms', text: 'hi' }, defaultRule: { teamId, mode: 'round_robin' } });
    expect(withDefault.body.decision).toMatchObject({ outcome: 'assigned', mode: 'round_robin', rule: { isDefault: true } });

    // Business hours by the sample's time: a rule on the team's calendar (Tokyo, weekdays 9–18).
    await setTeamRouting(ws, vipTeam, { mode: 'round_robin', calendar: { timezone: 'Asia/Tokyo', hours: { '1': [['09:00', '18:00']], '2': [['09:00', '18:00']], '3': [['09:00', '18:00']], '4': [['09:00', '18:00']], '5': [['09:00', '18:00']] }, holidays: ['2026-03-20'] } });
    const hoursRule = { name: 'Tokyo open', conditions: [{ type: 'business_hours', calendar: vipTeam, open: true }], actions: { teamId: vipTeam } };
    const open = await test({ conversation: { channel: 'sms', at: '2026-03-18T01:00:00Z' }, rule: hoursRule }); // Wed 10:00 JST
    expect(open.body.rule?.name).toBe('Tokyo open');
    const holiday = await test({ conversation: { channel: 'sms', at: '2026-03-20T01:00:00Z' }, rule: hoursRule }); // Fri, a holiday
    expect(holiday.body.rule).toBeNull();

    // Nothing was assigned or reserved by any of it.
    expect((await rosterOf(ws.workspaceId)).every((a) => a.load === 0)).toBe(true);
    expect(await workspaceDO(ws.workspaceId).waiting()).toEqual([]);
    expectProblem(await test({ conversation: { channel: 'sms', at: 'yesterday' } }), 400, /conversation\.at/);
    await closeTabs(ws.workspaceId, tabs.map((t, i) => [t, agents[i].userId]));
  });
});

describe('the workspace calendar', () => {
  it('time zone, business hours and holidays set through the API apply at once, across a DST change', async () => {
    const { ws } = await routingWorkspace({ agents: 0 });
    const weekdays = Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, [['09:00', '17:00']]]));
    expect((await call('PATCH', '/api/workspace', { token: ws.token, body: { timezone: 'America/New_York', businessHours: weekdays } })).status).toBe(200);
    const settings = await call('PUT', '/api/routing/settings', { token: ws.token, body: { holidays: ['2026-07-03'] } });
    expect(settings.body.holidays).toEqual(['2026-07-03']);
    const rule = { name: 'Office hours', conditions: [{ type: 'business_hours', calendar: 'workspace', open: true }], actions: { assign: false } };
    const matches = async (at: string) => (await call('POST', '/api/routing/test', { token: ws.token, body: { conversation: { channel: 'sms', at }, rule } })).body.rule?.name === 'Office hours';
    expect(await matches('2026-03-06T14:30:00Z')).toBe(true); // Fri 09:30 EST
    expect(await matches('2026-03-09T13:30:00Z')).toBe(true); // Mon 09:30 EDT, after the change
    expect(await matches('2026-03-09T12:30:00Z')).toBe(false); // Mon 08:30 EDT
    expect(await matches('2026-07-03T15:00:00Z')).toBe(false); // a holiday
    expectProblem(await call('PUT', '/api/routing/settings', { token: ws.token, body: { holidays: ['2026-13-45'] } }), 400, /holidays\.0/);
  });
});

describe('routing decisions in the activity', () => {
  it('a matching rule sets team, priority and tags, and the routed event explains the choice', async () => {
    const { ws, agents, teamId, inbox } = await routingWorkspace({ agents: 2, mode: 'load_balanced' });
    await call('POST', '/api/routing/rules', { token: ws.token, body: { name: 'Complaints', conditions: [{ type: 'keywords', values: ['complaint'] }], actions: { teamId, priority: 'urgent', addTags: ['complaint'] } } });
    const tab = await goOnline(agents[0].token);
    await eventually(async () => (await rosterOf(ws.workspaceId)).some((a) => a.userId === agents[0].userId && a.status === 'online'));
    const { id } = await arrive(inbox.websiteToken, 'I have a complaint about my stay');
    const event = await routed(ws.token, id);
    expect(event.actor).toMatchObject({ type: 'system', name: 'Routing' });
    expect(event.data).toMatchObject({ outcome: 'assigned', assigneeId: agents[0].userId, rule: { name: 'Complaints' }, mode: 'load_balanced', priority: 'urgent', addTags: ['complaint'], trigger: 'created' });
    expect(event.data.reason).toMatch(/^Rule “Complaints” matched → .+, load-balanced: .+ \(load 0\/10, 1 of 2 available\)$/);
    expect(event.data.candidates).toMatchObject({ considered: 2, eligible: 1, excluded: { offline: 1 } });
    const c = await conversation(ws.token, id);
    expect(c).toMatchObject({ assigneeId: agents[0].userId, teamId, priority: 'urgent', tags: ['complaint'] });

    // No rule matches and the default was never set: recorded, nobody assigned.
    const other = await arrive(inbox.websiteToken, 'Just saying hi');
    const unassigned = await routed(ws.token, other.id);
    expect(unassigned.data).toMatchObject({ outcome: 'unassigned', assigneeId: null, rule: { isDefault: true } });
    expect(unassigned.data.reason).toBe('No rule matched; default → leave unassigned');
    expect((await conversation(ws.token, other.id)).assigneeId).toBeNull();

    // A workspace that never configured routing records nothing at all.
    const plain = await routingWorkspace({ agents: 0 });
    const untouched = await arrive(plain.inbox.websiteToken, 'Hello');
    await conversationStub(env, plain.ws.workspaceId, untouched.id).settled();
    const types = (await call('GET', `/api/conversations/${untouched.id}/events?after=0`, { token: plain.ws.token })).body.items.map((e: { type: string }) => e.type);
    expect(types).toEqual(['conversation.created', 'message.received']);
    await closeTabs(ws.workspaceId, [[tab, agents[0].userId]]);
  });
});
