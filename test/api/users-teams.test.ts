// Users, teams, tags and workspace settings (managers change; everyone reads).
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createTeam, expectProblem, listConversations, listWhen, login, newWorkspace, PASSWORD, unique, visitorConversation, webchatInbox, type Workspace } from '../helpers';

let ws: Workspace;
beforeAll(async () => {
  ws = await newWorkspace();
});

describe('users', () => {
  it('creates a user (201) who can log in; lists users without password hashes', async () => {
    const team = await createTeam(ws);
    const email = `${unique('new')}@Example.com`;
    const res = await call('POST', '/api/users', { token: ws.token, body: { email, name: 'New Agent', password: PASSWORD, role: 'staff', skills: ['billing'], languages: ['es'], capacity: 5, teamIds: [team] } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: email.toLowerCase(), name: 'New Agent', role: 'staff', skills: ['billing'], languages: ['es'], capacity: 5, disabled: false, teamIds: [team] });
    expect(JSON.stringify(res.body)).not.toMatch(/password|pbkdf2/i);
    const list = await call('GET', '/api/users', { token: ws.token });
    expect(list.body.items.find((u: { id: string }) => u.id === res.body.id)).toMatchObject({ role: 'staff', teamIds: [team] });
    expect(JSON.stringify(list.body)).not.toMatch(/password|pbkdf2/i);
    const session = await login(email);
    expect(session.status).toBe(200);
    expect(session.body.user).toMatchObject({ id: res.body.id, role: 'staff', workspaceId: ws.workspaceId });
  });

  it('answers 409 naming email for an e-mail already in use (in any workspace, any case)', async () => {
    const existing = await addMember(ws, 'staff');
    const dup = await call('POST', '/api/users', { token: ws.token, body: { email: existing.email.toUpperCase(), name: 'Dup', password: PASSWORD, role: 'staff' } });
    expectProblem(dup, 409, 'email');
    const other = await newWorkspace();
    expectProblem(await call('POST', '/api/users', { token: other.token, body: { email: existing.email, name: 'Dup', password: PASSWORD, role: 'staff' } }), 409, 'email');
    expectProblem(await call('POST', '/api/users', { token: ws.token, body: { email: other.email, name: 'Dup', password: PASSWORD, role: 'staff' } }), 409, 'email');
  });

  it('validates the body naming the field', async () => {
    const bad = async (body: Record<string, unknown>, field: string) =>
      expectProblem(await call('POST', '/api/users', { token: ws.token, body: { email: `${unique('v')}@example.com`, name: 'V', password: PASSWORD, role: 'staff', ...body } }), 400, field);
    await bad({ role: 'admin' }, 'role');
    await bad({ password: 'short' }, 'password');
    await bad({ email: 'nope' }, 'email');
    await bad({ name: '' }, 'name');
    await bad({ capacity: -1 }, 'capacity');
    await bad({ teamIds: ['team_00000000000000000000'] }, 'teamIds.0');
  });

  it('changes a role; the change applies to the user’s existing session', async () => {
    const staff = await addMember(ws, 'staff');
    expectProblem(await call('POST', '/api/inboxes', { token: staff.token, body: { channel: 'sms', name: 'x' } }), 403);
    const res = await call('PATCH', `/api/users/${staff.userId}`, { token: ws.token, body: { role: 'manager' } });
    expect(res.status).toBe(200);
    expect(res.body.role).toBe('manager');
    expect((await call('GET', '/api/me', { token: staff.token })).body.user.role).toBe('manager');
    expect((await call('POST', '/api/inboxes', { token: staff.token, body: { channel: 'sms', name: 'x' } })).status).toBe(201);
    expect((await call('PATCH', `/api/users/${staff.userId}`, { token: ws.token, body: { role: 'personal' } })).status).toBe(200);
    expect((await call('GET', '/api/me', { token: staff.token })).body.user.role).toBe('personal');
  });

  it('a manager cannot demote or disable themselves', async () => {
    expectProblem(await call('PATCH', `/api/users/${ws.userId}`, { token: ws.token, body: { role: 'staff' } }), 400, 'role');
    expectProblem(await call('PATCH', `/api/users/${ws.userId}`, { token: ws.token, body: { disabled: true } }), 400, 'disabled');
    expect((await call('GET', '/api/me', { token: ws.token })).body.user.role).toBe('manager');
  });

  it('disabling a user stops their sessions and API keys at once; they cannot log in', async () => {
    const staff = await addMember(ws, 'staff');
    const key = await call('POST', '/api/api-keys', { token: staff.token, body: { name: 'mine' } });
    expect((await call('GET', '/api/me', { token: staff.token })).status).toBe(200);
    expect((await call('GET', '/api/me', { token: key.body.key })).status).toBe(200);
    const res = await call('PATCH', `/api/users/${staff.userId}`, { token: ws.token, body: { disabled: true } });
    expect(res.body.disabled).toBe(true);
    expectProblem(await call('GET', '/api/me', { token: staff.token }), 401);
    expectProblem(await call('GET', '/api/me', { token: key.body.key }), 401);
    expectProblem(await login(staff.email), 401);
    // Re-enabling lets them log in again (old sessions stay revoked).
    await call('PATCH', `/api/users/${staff.userId}`, { token: ws.token, body: { disabled: false } });
    expect((await login(staff.email)).status).toBe(200);
    expectProblem(await call('GET', '/api/me', { token: staff.token }), 401);
  });

  it('changes a password', async () => {
    const staff = await addMember(ws, 'staff');
    await call('PATCH', `/api/users/${staff.userId}`, { token: ws.token, body: { password: 'a brand new password' } });
    expectProblem(await login(staff.email, PASSWORD), 401);
    expect((await login(staff.email, 'a brand new password')).status).toBe(200);
  });

  it('404 for an unknown user', async () => {
    expectProblem(await call('PATCH', '/api/users/usr_00000000000000000000', { token: ws.token, body: { name: 'x' } }), 404);
  });
});

describe('teams', () => {
  it('creates, lists, renames, replaces members and deletes', async () => {
    const a = await addMember(ws, 'staff');
    const name = unique('Sales');
    const res = await call('POST', '/api/teams', { token: ws.token, body: { name, memberIds: [a.userId] } });
    expect(res.status).toBe(201);
    const id = res.body.id;
    expectProblem(await call('POST', '/api/teams', { token: ws.token, body: { name } }), 409, 'name');
    const list = await call('GET', '/api/teams', { token: a.token });
    expect(list.body.items.find((t: { id: string }) => t.id === id)).toMatchObject({ name, memberIds: [a.userId] });
    expect((await call('GET', '/api/me', { token: a.token })).body.user.teamIds).toEqual([id]);

    const b = await addMember(ws, 'staff');
    expect((await call('PATCH', `/api/teams/${id}`, { token: ws.token, body: { name: `${name} EU`, memberIds: [b.userId] } })).status).toBe(200);
    const after = (await call('GET', '/api/teams', { token: ws.token })).body.items.find((t: { id: string }) => t.id === id);
    expect(after).toMatchObject({ name: `${name} EU`, memberIds: [b.userId] });
    expect((await call('GET', '/api/me', { token: a.token })).body.user.teamIds).toEqual([]);
    expect((await call('GET', '/api/users', { token: ws.token })).body.items.find((u: { id: string }) => u.id === b.userId).teamIds).toEqual([id]);

    expectProblem(await call('PATCH', `/api/teams/${id}`, { token: ws.token, body: { memberIds: ['usr_00000000000000000000'] } }), 400, 'memberIds.0');
    expect((await call('DELETE', `/api/teams/${id}`, { token: ws.token })).status).toBe(204);
    expect((await call('GET', '/api/teams', { token: ws.token })).body.items.map((t: { id: string }) => t.id)).not.toContain(id);
    expect((await call('GET', '/api/me', { token: b.token })).body.user.teamIds).toEqual([]);
    expectProblem(await call('PATCH', `/api/teams/${id}`, { token: ws.token, body: { name: 'x' } }), 404);
    expectProblem(await call('DELETE', `/api/teams/${id}`, { token: ws.token }), 404);
    expectProblem(await call('POST', '/api/teams', { token: ws.token, body: { name: '' } }), 400, 'name');
  });

  it('team membership decides what staff see', async () => {
    const inbox = await webchatInbox(ws);
    const team = await createTeam(ws);
    const staff = await addMember(ws, 'staff');
    const { id } = await visitorConversation(inbox.websiteToken, 'team only');
    await call('PATCH', `/api/conversations/${id}`, { token: ws.token, body: { teamId: team, assigneeId: ws.userId } });
    await listWhen(ws.token, { teamId: team }, (p) => p.items.length === 1);
    expectProblem(await call('GET', `/api/conversations/${id}`, { token: staff.token }), 403);
    expect((await listConversations(staff.token, { teamId: team })).body.items).toEqual([]);

    expect((await call('PATCH', `/api/teams/${team}`, { token: ws.token, body: { memberIds: [staff.userId] } })).status).toBe(200);
    expect((await call('GET', `/api/conversations/${id}`, { token: staff.token })).status).toBe(200);
    expect((await listConversations(staff.token, { teamId: team })).body.items.map((i) => i.id)).toEqual([id]);

    // Membership through the user endpoint works the same way, and removing it hides the conversation again.
    expect((await call('PATCH', `/api/users/${staff.userId}`, { token: ws.token, body: { teamIds: [] } })).status).toBe(200);
    expectProblem(await call('GET', `/api/conversations/${id}`, { token: staff.token }), 403);
    expect((await call('PATCH', `/api/users/${staff.userId}`, { token: ws.token, body: { teamIds: [team] } })).body.teamIds).toEqual([team]);
    expect((await call('GET', `/api/conversations/${id}`, { token: staff.token })).status).toBe(200);
    expect((await call('DELETE', `/api/teams/${team}`, { token: ws.token })).status).toBe(204);
    expectProblem(await call('GET', `/api/conversations/${id}`, { token: staff.token }), 403);
  });
});

describe('tags', () => {
  it('creates (lower-cased), lists, refuses duplicates, deletes', async () => {
    const name = unique('Urgent');
    const res = await call('POST', '/api/tags', { token: ws.token, body: { name, color: '#ff0000' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: name.toLowerCase(), color: '#ff0000' });
    expectProblem(await call('POST', '/api/tags', { token: ws.token, body: { name: name.toUpperCase() } }), 409, 'name');
    const list = await call('GET', '/api/tags', { token: ws.token });
    expect(list.body.items.find((t: { id: string }) => t.id === res.body.id)).toMatchObject({ name: name.toLowerCase(), color: '#ff0000' });
    expect(list.body.items[0]).not.toHaveProperty('workspaceId');
    expect((await call('DELETE', `/api/tags/${res.body.id}`, { token: ws.token })).status).toBe(204);
    expect((await call('GET', '/api/tags', { token: ws.token })).body.items.map((t: { id: string }) => t.id)).not.toContain(res.body.id);
    expectProblem(await call('DELETE', `/api/tags/${res.body.id}`, { token: ws.token }), 404);
  });

  it('validates, and lets staff add but not delete; personal may do neither', async () => {
    expectProblem(await call('POST', '/api/tags', { token: ws.token, body: { name: 'x', color: 'red' } }), 400, 'color');
    expectProblem(await call('POST', '/api/tags', { token: ws.token, body: { name: ' ' } }), 400, 'name');
    const staff = await addMember(ws, 'staff');
    const personal = await addMember(ws, 'personal');
    const tag = await call('POST', '/api/tags', { token: staff.token, body: { name: unique('staff') } });
    expect(tag.status).toBe(201);
    expectProblem(await call('DELETE', `/api/tags/${tag.body.id}`, { token: staff.token }), 403);
    expectProblem(await call('POST', '/api/tags', { token: personal.token, body: { name: unique('p') } }), 403);
    expect((await call('GET', '/api/tags', { token: personal.token })).status).toBe(200);
  });
});

describe('PATCH /api/workspace', () => {
  it('sets name, time zone, business hours and settings; /api/me reflects them', async () => {
    const own = await newWorkspace();
    const hours = { '1': [['09:00', '17:00']], '5': [['09:00', '13:00'], ['14:00', '18:00']] };
    const res = await call('PATCH', '/api/workspace', { token: own.token, body: { name: 'Renamed Co', timezone: 'Europe/Madrid', businessHours: hours, settings: { reopenWindowHours: 24 } } });
    expect(res.status).toBe(200);
    expect(res.body.settings).toMatchObject({ reopenWindowHours: 24 });
    const me = await call('GET', '/api/me', { token: own.token });
    expect(me.body.workspace).toMatchObject({ name: 'Renamed Co', timezone: 'Europe/Madrid', businessHours: hours, settings: { reopenWindowHours: 24 } });
    // Settings merge rather than replace.
    await call('PATCH', '/api/workspace', { token: own.token, body: { settings: { conversationGrouping: 'contact' } } });
    expect((await call('GET', '/api/me', { token: own.token })).body.workspace.settings).toEqual({ reopenWindowHours: 24, conversationGrouping: 'contact' });
  });

  it('validates the time zone and the rest naming the field', async () => {
    const own = await newWorkspace();
    const bad = async (body: Record<string, unknown>, field: string | RegExp) => expectProblem(await call('PATCH', '/api/workspace', { token: own.token, body }), 400, field);
    await bad({ timezone: 'Mars/Olympus_Mons' }, 'timezone');
    await bad({ timezone: '' }, 'timezone');
    await bad({ timezone: 42 }, 'timezone');
    await bad({ businessHours: { '1': [['9am', '5pm']] } }, /^businessHours/);
    await bad({ businessHours: { '8': [['09:00', '17:00']] } }, /^businessHours/);
    await bad({ settings: { conversationGrouping: 'random' } }, 'settings.conversationGrouping');
    await bad({ settings: { reopenWindowHours: -1 } }, 'settings.reopenWindowHours');
    expect((await call('GET', '/api/me', { token: own.token })).body.workspace.timezone).toBe('UTC');
  });
});
