// The SLA policy, auto-status and escalation path APIs: CRUD in order, reorder, validation as
// problem+json naming the field, workspace scoping (other workspaces' ids → 404 / 400) and roles
// (staff read, managers write), and the config version every write bumps.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { addMember, call, createTeam, expectProblem, newWorkspace, webchatInbox, type Workspace } from '../helpers';

const policy = (extra: Record<string, unknown> = {}) => ({ name: 'Standard', targets: { firstResponse: 3600_000, resolution: 86_400_000 }, ...extra });
const path = (extra: Record<string, unknown> = {}) => ({ name: 'Breach path', triggers: ['breach'], levels: [{ delayMs: 0, actions: [{ type: 'flag' }] }], ...extra });
const version = async (ws: Workspace) =>
  (await env.DB.prepare(`SELECT config_version FROM workspace_automation WHERE workspace_id = ?`).bind(ws.workspaceId).first<{ config_version: number }>())?.config_version ?? 0;

describe('SLA policies', () => {
  it('creates (appended last), reads, reorders, changes and deletes; every write bumps the config version', async () => {
    const ws = await newWorkspace();
    const teamId = await createTeam(ws, 'Support');
    const inbox = await webchatInbox(ws);
    const post = (body: unknown) => call('POST', '/api/sla/policies', { token: ws.token, body });
    const a = await post(policy({ name: 'VIP', conditions: { priorities: ['urgent', 'high'], teamIds: [teamId], inboxIds: [inbox.id], contactTags: [' VIP ', 'vip', 'Gold'] } }));
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({
      name: 'VIP',
      enabled: true,
      position: 0,
      conditions: { priorities: ['urgent', 'high'], channels: [], inboxIds: [inbox.id], teamIds: [teamId], contactTags: ['gold', 'vip'] },
      targets: { firstResponse: 3600_000, nextResponse: null, resolution: 86_400_000 },
      businessHours: true,
      countPending: false,
      countSnoozed: false,
      warningPct: 75,
    });
    expect(a.body.id).toMatch(/^sla_/);
    expect(await version(ws)).toBe(1);
    const b = (await post(policy({ name: 'Default', businessHours: false, warningPct: 80, targets: { nextResponse: 1000 } }))).body;
    expect(b).toMatchObject({ position: 1, businessHours: false, warningPct: 80, targets: { firstResponse: null, nextResponse: 1000, resolution: null } });

    const names = async () => (await call('GET', '/api/sla/policies', { token: ws.token })).body.items.map((p: { name: string }) => p.name);
    expect(await names()).toEqual(['VIP', 'Default']);
    const order = await call('PUT', '/api/sla/policies/order', { token: ws.token, body: { ids: [b.id, a.body.id] } });
    expect(order.status).toBe(200);
    expect(order.body.items.map((p: { name: string; position: number }) => [p.name, p.position])).toEqual([
      ['Default', 0],
      ['VIP', 1],
    ]);
    expectProblem(await call('PUT', '/api/sla/policies/order', { token: ws.token, body: { ids: [b.id] } }), 400, 'ids');
    expectProblem(await call('PUT', '/api/sla/policies/order', { token: ws.token, body: { ids: [b.id, b.id] } }), 400, 'ids');

    const patched = await call('PATCH', `/api/sla/policies/${a.body.id}`, { token: ws.token, body: { enabled: false, targets: { resolution: 7200_000 } } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: a.body.id, name: 'VIP', enabled: false, targets: { firstResponse: null, nextResponse: null, resolution: 7200_000 }, conditions: { teamIds: [teamId] } });
    expect((await call('GET', `/api/sla/policies/${a.body.id}`, { token: ws.token })).body).toEqual(patched.body);

    const before = await version(ws);
    expect((await call('DELETE', `/api/sla/policies/${b.id}`, { token: ws.token })).status).toBe(204);
    expect(await version(ws)).toBe(before + 1);
    expect(await names()).toEqual(['VIP']);
    expectProblem(await call('DELETE', `/api/sla/policies/${b.id}`, { token: ws.token }), 404);
    // Appended after the highest position even when the order has gaps.
    expect((await post(policy({ name: 'Late' }))).body.position).toBe(2);
  });

  it('answers bad policies with problem+json naming the field', async () => {
    const ws = await newWorkspace();
    const other = await newWorkspace();
    const otherTeam = await createTeam(other, 'Theirs');
    const otherInbox = await webchatInbox(other);
    const teamId = await createTeam(ws, 'Ours');
    const post = (body: unknown) => call('POST', '/api/sla/policies', { token: ws.token, body });
    expectProblem(await post(policy({ targets: { firstResponse: 999 } })), 400, 'targets.firstResponse');
    expectProblem(await post(policy({ targets: { firstResponse: 1500.5 } })), 400, 'targets.firstResponse');
    expectProblem(await post(policy({ targets: { resolution: 366 * 86_400_000 } })), 400, 'targets.resolution');
    expectProblem(await post(policy({ targets: { firstResponse: null, nextResponse: null, resolution: null } })), 400, 'targets');
    expectProblem(await post(policy({ targets: {} })), 400, 'targets');
    expectProblem(await post(policy({ warningPct: 0 })), 400, 'warningPct');
    expectProblem(await post(policy({ warningPct: 100 })), 400, 'warningPct');
    expectProblem(await post(policy({ name: '  ' })), 400, 'name');
    expectProblem(await post(policy({ conditions: { priorities: ['meh'] } })), 400, 'conditions.priorities.0');
    expectProblem(await post(policy({ conditions: { channels: ['webchat', 'pigeon'] } })), 400, 'conditions.channels.1');
    expectProblem(await post(policy({ conditions: { teamIds: [teamId, otherTeam] } })), 400, 'conditions.teamIds.1');
    expectProblem(await post(policy({ conditions: { inboxIds: [otherInbox.id] } })), 400, 'conditions.inboxIds.0');
    expectProblem(await post({ name: 'no targets' }), 400, 'targets');
    expect((await call('GET', '/api/sla/policies', { token: ws.token })).body.items).toEqual([]);

    const ok = (await post(policy())).body;
    expectProblem(await call('PATCH', `/api/sla/policies/${ok.id}`, { token: ws.token, body: {} }), 400);
    expectProblem(await call('PATCH', `/api/sla/policies/${ok.id}`, { token: ws.token, body: { targets: { firstResponse: null } } }), 400, 'targets');
    expectProblem(await call('PATCH', `/api/sla/policies/${ok.id}`, { token: ws.token, body: { conditions: { teamIds: [otherTeam] } } }), 400, 'conditions.teamIds.0');
  });

  it('keeps policies to their workspace and lets staff read but not write', async () => {
    const ws = await newWorkspace();
    const other = await newWorkspace();
    const mine = (await call('POST', '/api/sla/policies', { token: ws.token, body: policy() })).body;
    expectProblem(await call('GET', `/api/sla/policies/${mine.id}`, { token: other.token }), 404);
    expectProblem(await call('PATCH', `/api/sla/policies/${mine.id}`, { token: other.token, body: { name: 'Stolen' } }), 404);
    expectProblem(await call('DELETE', `/api/sla/policies/${mine.id}`, { token: other.token }), 404);
    expect((await call('GET', '/api/sla/policies', { token: other.token })).body.items).toEqual([]);
    expectProblem(await call('PUT', '/api/sla/policies/order', { token: other.token, body: { ids: [mine.id] } }), 400, 'ids');

    const staff = await addMember(ws, 'staff');
    expect((await call('GET', '/api/sla/policies', { token: staff.token })).body.items.map((p: { id: string }) => p.id)).toEqual([mine.id]);
    expect((await call('GET', `/api/sla/policies/${mine.id}`, { token: staff.token })).status).toBe(200);
    expectProblem(await call('POST', '/api/sla/policies', { token: staff.token, body: policy() }), 403);
    expectProblem(await call('PATCH', `/api/sla/policies/${mine.id}`, { token: staff.token, body: { name: 'x' } }), 403);
    expectProblem(await call('DELETE', `/api/sla/policies/${mine.id}`, { token: staff.token }), 403);
    expectProblem(await call('PUT', '/api/sla/policies/order', { token: staff.token, body: { ids: [mine.id] } }), 403);
    const personal = await addMember(ws, 'personal');
    expectProblem(await call('GET', '/api/sla/policies', { token: personal.token }), 403);
    expectProblem(await call('GET', '/api/sla/policies'), 401);
  });
});

describe('auto-status settings', () => {
  it('reads the defaults, merges changes, validates and bumps the config version', async () => {
    const ws = await newWorkspace();
    const get = async () => (await call('GET', '/api/automation/settings', { token: ws.token })).body;
    expect(await get()).toEqual({ pendingAfterMs: null, autoCloseAfterMs: null, autoCloseMessage: null, archiveAfterMs: null, autoPriority: { enabled: false, vipTags: ['vip'] } });
    const put = (body: unknown, token = ws.token) => call('PUT', '/api/automation/settings', { token, body });
    const r = await put({ pendingAfterMs: 3600_000, autoCloseAfterMs: 86_400_000, autoCloseMessage: ' Closing this for now. ', autoPriority: { enabled: true, vipTags: ['VIP', 'Gold'] } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ pendingAfterMs: 3600_000, autoCloseAfterMs: 86_400_000, autoCloseMessage: 'Closing this for now.', archiveAfterMs: null, autoPriority: { enabled: true, vipTags: ['gold', 'vip'] } });
    expect(await version(ws)).toBe(1);
    expect((await put({ archiveAfterMs: 7 * 86_400_000, pendingAfterMs: null })).body).toMatchObject({ pendingAfterMs: null, autoCloseAfterMs: 86_400_000, archiveAfterMs: 7 * 86_400_000 });
    expect(await version(ws)).toBe(2);
    expect(await get()).toMatchObject({ pendingAfterMs: null, archiveAfterMs: 7 * 86_400_000, autoPriority: { enabled: true } });

    expectProblem(await put({ pendingAfterMs: 59_999 }), 400, 'pendingAfterMs');
    expectProblem(await put({ archiveAfterMs: 'soon' }), 400, 'archiveAfterMs');
    expectProblem(await put({ autoCloseMessage: 'x'.repeat(2001) }), 400, 'autoCloseMessage');
    expectProblem(await put({ autoPriority: { vipTags: ['vip'] } }), 400, 'autoPriority.enabled');
    expectProblem(await put({}), 400);
    const staff = await addMember(ws, 'staff');
    expect((await call('GET', '/api/automation/settings', { token: staff.token })).body.archiveAfterMs).toBe(7 * 86_400_000);
    expectProblem(await put({ pendingAfterMs: null }, staff.token), 403);
    // Another workspace has its own settings.
    const other = await newWorkspace();
    expect((await call('GET', '/api/automation/settings', { token: other.token })).body.archiveAfterMs).toBeNull();
  });
});

describe('escalation paths', () => {
  it('creates with every action shape, reorders, changes and deletes', async () => {
    const ws = await newWorkspace();
    const agent = await addMember(ws, 'staff');
    const teamId = await createTeam(ws, 'Escalations', [agent.userId]);
    const post = (body: unknown) => call('POST', '/api/escalations/paths', { token: ws.token, body });
    const full = await post({
      name: 'L1 → L2 → manager',
      triggers: ['breach', 'vip'],
      conditions: { priorities: ['high', 'urgent'], channels: ['whatsapp'], contactTags: ['VIP'] },
      levels: [
        { delayMs: 0, name: 'L1', actions: [{ type: 'reassign', to: 'team', teamId }, { type: 'notify', channels: ['in_app', 'browser'], recipients: { userIds: [agent.userId], assignee: true } }] },
        { delayMs: 600_000, actions: [{ type: 'raise_priority' }, { type: 'add_tags', tags: ['Escalated', ' escalated '] }, { type: 'flag', reason: 'still breached' }] },
        { delayMs: 1_800_000, actions: [{ type: 'reassign', to: 'agent', userId: agent.userId }, { type: 'reassign', to: 'queue' }, { type: 'notify', channels: ['email'], recipients: { roles: ['manager'] } }] },
      ],
    });
    expect(full.status).toBe(201);
    expect(full.body).toMatchObject({ name: 'L1 → L2 → manager', enabled: true, position: 0, triggers: ['breach', 'vip'], conditions: { priorities: ['high', 'urgent'], channels: ['whatsapp'], contactTags: ['vip'] } });
    expect(full.body.id).toMatch(/^esp_/);
    expect(full.body.levels.map((l: { name: string }) => l.name)).toEqual(['L1', 'Level 2', 'Level 3']);
    expect(full.body.levels[1].actions[1]).toEqual({ type: 'add_tags', tags: ['escalated'] });
    expect(full.body.levels[0].actions[1]).toEqual({ type: 'notify', channels: ['in_app', 'browser'], recipients: { userIds: [agent.userId], roles: [], assignee: true } });

    const manual = (await post(path({ name: 'Manual', triggers: ['manual'] }))).body;
    expect(manual.position).toBe(1);
    const order = await call('PUT', '/api/escalations/paths/order', { token: ws.token, body: { ids: [manual.id, full.body.id] } });
    expect(order.body.items.map((p: { name: string }) => p.name)).toEqual(['Manual', 'L1 → L2 → manager']);
    expectProblem(await call('PUT', '/api/escalations/paths/order', { token: ws.token, body: { ids: [manual.id, 'esp_nope'] } }), 400, 'ids');

    const changed = await call('PATCH', `/api/escalations/paths/${manual.id}`, { token: ws.token, body: { enabled: false, triggers: ['manual', 'alert'] } });
    expect(changed.body).toMatchObject({ id: manual.id, name: 'Manual', enabled: false, triggers: ['manual', 'alert'], levels: manual.levels });
    expect((await call('GET', `/api/escalations/paths/${manual.id}`, { token: ws.token })).body).toEqual(changed.body);
    expect((await call('DELETE', `/api/escalations/paths/${manual.id}`, { token: ws.token })).status).toBe(204);
    expect((await call('GET', '/api/escalations/paths', { token: ws.token })).body.items.map((p: { id: string }) => p.id)).toEqual([full.body.id]);
    expect(await version(ws)).toBe(5);
  });

  it('answers bad paths with problem+json naming the field; other workspaces and staff cannot write', async () => {
    const ws = await newWorkspace();
    const other = await newWorkspace();
    const stranger = await addMember(other, 'staff');
    const otherTeam = await createTeam(other, 'Theirs');
    const post = (body: unknown, token = ws.token) => call('POST', '/api/escalations/paths', { token, body });
    const level = (actions: unknown[], delayMs = 0) => ({ levels: [{ delayMs, actions }] });
    expectProblem(await post(path({ triggers: [] })), 400, 'triggers');
    expectProblem(await post(path({ triggers: ['sunspots'] })), 400, 'triggers.0');
    expectProblem(await post(path({ levels: [] })), 400, 'levels');
    expectProblem(await post(path({ levels: Array.from({ length: 11 }, () => ({ delayMs: 0, actions: [{ type: 'flag' }] })) })), 400, 'levels');
    expectProblem(await post(path(level([], 0))), 400, 'levels.0.actions');
    expectProblem(await post(path(level([{ type: 'flag' }], -1))), 400, 'levels.0.delayMs');
    expectProblem(await post(path(level([{ type: 'teleport' }]))), 400, 'levels.0.actions.0.type');
    expectProblem(await post(path(level([{ type: 'reassign', to: 'moon' }]))), 400, 'levels.0.actions.0.to');
    expectProblem(await post(path(level([{ type: 'reassign', to: 'team' }]))), 400, 'levels.0.actions.0.teamId');
    expectProblem(await post(path(level([{ type: 'flag' }, { type: 'reassign', to: 'team', teamId: otherTeam }]))), 400, 'levels.0.actions.1.teamId');
    expectProblem(await post(path(level([{ type: 'reassign', to: 'agent', userId: stranger.userId }]))), 400, 'levels.0.actions.0.userId');
    expectProblem(await post(path(level([{ type: 'notify', channels: ['in_app'], recipients: { userIds: [ws.userId, stranger.userId] } }]))), 400, 'levels.0.actions.0.recipients.userIds.1');
    expectProblem(await post(path(level([{ type: 'notify', channels: [], recipients: { assignee: true } }]))), 400, 'levels.0.actions.0.channels');
    expectProblem(await post(path(level([{ type: 'notify', channels: ['sms'], recipients: { assignee: true } }]))), 400, 'levels.0.actions.0.channels.0');
    expectProblem(await post(path(level([{ type: 'notify', channels: ['email'], recipients: {} }]))), 400, 'levels.0.actions.0.recipients');
    expectProblem(await post(path(level([{ type: 'raise_priority', to: 'critical' }]))), 400, 'levels.0.actions.0.to');
    expectProblem(await post(path(level([{ type: 'add_tags', tags: [] }]))), 400, 'levels.0.actions.0.tags');
    expectProblem(await post(path(level([{ type: 'workflow', workflowId: 'wf_1' }]))), 400, 'levels.0.actions.0.workflowId');
    expectProblem(await post(path({ conditions: { channels: ['pigeon'] } })), 400, 'conditions.channels.0');
    expect((await call('GET', '/api/escalations/paths', { token: ws.token })).body.items).toEqual([]);

    const mine = (await post(path())).body;
    expectProblem(await call('GET', `/api/escalations/paths/${mine.id}`, { token: other.token }), 404);
    expectProblem(await call('PATCH', `/api/escalations/paths/${mine.id}`, { token: other.token, body: { enabled: false } }), 404);
    expectProblem(await call('DELETE', `/api/escalations/paths/${mine.id}`, { token: other.token }), 404);
    expectProblem(await call('PATCH', `/api/escalations/paths/${mine.id}`, { token: ws.token, body: { levels: [{ delayMs: 0, actions: [{ type: 'reassign', to: 'team', teamId: otherTeam }] }] } }), 400, 'levels.0.actions.0.teamId');
    const staff = await addMember(ws, 'staff');
    expect((await call('GET', '/api/escalations/paths', { token: staff.token })).body.items).toHaveLength(1);
    expectProblem(await post(path(), staff.token), 403);
    expectProblem(await call('PATCH', `/api/escalations/paths/${mine.id}`, { token: staff.token, body: { enabled: false } }), 403);
    expectProblem(await call('DELETE', `/api/escalations/paths/${mine.id}`, { token: staff.token }), 403);
  });
});

describe('OpenAPI', () => {
  it('documents every SLA, automation and escalation route with a summary', async () => {
    const paths = (await call('GET', '/api/openapi.json')).body.paths as Record<string, Record<string, { summary?: string; tags?: string[] }>>;
    const expected: [string, string[]][] = [
      ['/api/sla/policies', ['get', 'post']],
      ['/api/sla/policies/order', ['put']],
      ['/api/sla/policies/{id}', ['get', 'patch', 'delete']],
      ['/api/automation/settings', ['get', 'put']],
      ['/api/escalations/paths', ['get', 'post']],
      ['/api/escalations/paths/order', ['put']],
      ['/api/escalations/paths/{id}', ['get', 'patch', 'delete']],
      ['/api/escalations', ['get']],
      ['/api/escalations/metrics', ['get']],
      ['/api/escalations/{id}', ['get']],
      ['/api/escalations/{id}/notes', ['post']],
      ['/api/escalations/{id}/resolve', ['post']],
      ['/api/conversations/{id}/escalate', ['post']],
    ];
    for (const [p, methods] of expected) {
      for (const m of methods) expect(paths[p]?.[m]?.summary, `${m.toUpperCase()} ${p}`).toEqual(expect.any(String));
    }
    expect(JSON.stringify(paths['/api/sla/policies'].post)).toContain('warningPct');
    const listParams = ((paths['/api/conversations'].get as { parameters?: { name: string }[] }).parameters ?? []).map((x) => x.name);
    expect(listParams).toEqual(expect.arrayContaining(['sla', 'escalated', 'flagged', 'archived']));
  });
});
