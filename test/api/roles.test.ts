// Roles (manager, staff, personal) and workspace scoping, on every area of the API.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  call,
  createContact,
  createTeam,
  expectProblem,
  listConversations,
  listWhen,
  newWorkspace,
  sameIds,
  visitorConversation,
  webchatInbox,
  type Workspace,
} from '../helpers';

type Member = Awaited<ReturnType<typeof addMember>>;

let A: Workspace;
let B: Workspace;
let t1: string;
let t2: string;
let s1: Member; // staff in team 1
let s2: Member; // staff in team 2
let personal: Member;
let inboxA: Awaited<ReturnType<typeof webchatInbox>>;
const conv = {} as Record<'unassigned' | 'team1' | 'team2' | 'ownS1' | 'personal', string>;
let contactA: string;
let convB: string;
let inboxB: string;
let teamB: string;
let staffB: Member;

beforeAll(async () => {
  [A, B] = await Promise.all([newWorkspace('A'), newWorkspace('B')]);
  [t1, t2] = await Promise.all([createTeam(A, 'Team one'), createTeam(A, 'Team two')]);
  [s1, s2, personal] = await Promise.all([addMember(A, 'staff', [t1]), addMember(A, 'staff', [t2]), addMember(A, 'personal')]);
  inboxA = await webchatInbox(A);
  const made = await Promise.all([1, 2, 3, 4, 5].map((i) => visitorConversation(inboxA.websiteToken, `secret-word-${i} from A`)));
  [conv.unassigned, conv.team1, conv.team2, conv.ownS1, conv.personal] = made.map((m) => m.id);
  contactA = made[0].contactId;
  const patches: [string, Record<string, unknown>][] = [
    [conv.team1, { teamId: t1, assigneeId: A.userId }],
    [conv.team2, { teamId: t2, assigneeId: s2.userId }],
    [conv.ownS1, { assigneeId: s1.userId }],
    [conv.personal, { assigneeId: personal.userId }],
  ];
  for (const [id, body] of patches) {
    const res = await call('PATCH', `/api/conversations/${id}`, { token: A.token, body });
    if (res.status !== 200) throw new Error(`patch failed ${res.status} ${JSON.stringify(res.body)}`);
  }
  // Wait until the projection shows every assignment.
  await listWhen(A.token, { assignee: personal.userId }, (p) => p.items.length === 1);
  await listWhen(A.token, {}, (p) => p.items.length === 5 && p.items.filter((i) => i.assigneeId).length === 4);

  const inbox = await webchatInbox(B);
  inboxB = inbox.id;
  convB = (await visitorConversation(inbox.websiteToken, 'hello from B')).id;
  teamB = await createTeam(B, 'B team');
  staffB = await addMember(B, 'staff');
  await listWhen(B.token, {}, (p) => p.items.length === 1);
});

const ids = (page: { items: { id: string }[] }) => page.items.map((i) => i.id);

describe('conversation visibility by role', () => {
  it('a manager sees every conversation of the workspace', async () => {
    const res = await listConversations(A.token);
    expect(res.status).toBe(200);
    expect(sameIds(ids(res.body), Object.values(conv))).toBe(true);
    expect(res.body.counts.all).toBe(5);
    for (const id of Object.values(conv)) expect((await call('GET', `/api/conversations/${id}`, { token: A.token })).status).toBe(200);
  });

  it('staff see their teams, unassigned and their own conversations, in list, counts and GET', async () => {
    const res = await listConversations(s1.token);
    expect(sameIds(ids(res.body), [conv.unassigned, conv.team1, conv.ownS1])).toBe(true);
    expect(res.body.counts).toMatchObject({ open: 3, all: 3 });
    for (const id of [conv.unassigned, conv.team1, conv.ownS1]) expect((await call('GET', `/api/conversations/${id}`, { token: s1.token })).status).toBe(200);
    for (const id of [conv.team2, conv.personal]) {
      expectProblem(await call('GET', `/api/conversations/${id}`, { token: s1.token }), 403);
      expectProblem(await call('GET', `/api/conversations/${id}/messages`, { token: s1.token }), 403);
      expectProblem(await call('GET', `/api/conversations/${id}/events?after=0`, { token: s1.token }), 403);
      expectProblem(await call('POST', `/api/conversations/${id}/messages`, { token: s1.token, body: { text: 'hi' } }), 403);
      expectProblem(await call('PATCH', `/api/conversations/${id}`, { token: s1.token, body: { status: 'closed' } }), 403);
      expectProblem(await call('POST', `/api/conversations/${id}/read`, { token: s1.token, body: {} }), 403);
    }
    const other = await listConversations(s2.token);
    expect(sameIds(ids(other.body), [conv.unassigned, conv.team2])).toBe(true);
  });

  it('filters cannot widen what staff see (teamId of another team, assignee of someone else)', async () => {
    expect(ids((await listConversations(s1.token, { teamId: t2 })).body)).toEqual([]);
    expect(ids((await listConversations(s1.token, { assignee: s2.userId })).body)).toEqual([]);
    expect(ids((await listConversations(s1.token, { q: 'secret-word-3' })).body)).toEqual([]);
    expect((await listConversations(s1.token, { teamId: t2 })).body.counts.all).toBe(0);
  });

  it('personal users see only conversations assigned to them', async () => {
    const res = await listConversations(personal.token);
    expect(ids(res.body)).toEqual([conv.personal]);
    expect(res.body.counts.all).toBe(1);
    expect((await call('GET', `/api/conversations/${conv.personal}`, { token: personal.token })).status).toBe(200);
    for (const id of [conv.unassigned, conv.team1, conv.ownS1]) expectProblem(await call('GET', `/api/conversations/${id}`, { token: personal.token }), 403);
    expect(ids((await listConversations(personal.token, { assignee: 'unassigned' })).body)).toEqual([]);
  });

  it('personal users cannot reassign (assignee or team), not even in bulk, but may reply and change status', async () => {
    expectProblem(await call('PATCH', `/api/conversations/${conv.personal}`, { token: personal.token, body: { assigneeId: A.userId } }), 403);
    expectProblem(await call('PATCH', `/api/conversations/${conv.personal}`, { token: personal.token, body: { assigneeId: null } }), 403);
    expectProblem(await call('PATCH', `/api/conversations/${conv.personal}`, { token: personal.token, body: { teamId: t1 } }), 403);
    expectProblem(await call('POST', '/api/conversations/bulk', { token: personal.token, body: { ids: [conv.personal], action: 'assign', assigneeId: A.userId } }), 403);
    const view = await call('GET', `/api/conversations/${conv.personal}`, { token: A.token });
    expect(view.body.assigneeId).toBe(personal.userId);

    expect((await call('POST', `/api/conversations/${conv.personal}/messages`, { token: personal.token, body: { text: 'On it' } })).status).toBe(201);
    const pending = await call('PATCH', `/api/conversations/${conv.personal}`, { token: personal.token, body: { status: 'pending' } });
    expect(pending.status).toBe(200);
    expect(pending.body.status).toBe('pending');
    expect((await call('PATCH', `/api/conversations/${conv.personal}`, { token: personal.token, body: { status: 'open' } })).status).toBe(200);
  });

  it('contact pages show staff only the conversations they may see', async () => {
    const contactOfTeam2 = (await call('GET', `/api/conversations/${conv.team2}`, { token: A.token })).body.contactId;
    const asStaff = await call('GET', `/api/contacts/${contactOfTeam2}`, { token: s1.token });
    expect(asStaff.status).toBe(200);
    expect(asStaff.body.conversations).toEqual([]);
    const asS2 = await call('GET', `/api/contacts/${contactOfTeam2}`, { token: s2.token });
    expect(asS2.body.conversations.map((c: { id: string }) => c.id)).toEqual([conv.team2]);
  });
});

describe('manager-only endpoints', () => {
  it('staff and personal users cannot manage inboxes, users, teams, tags or the workspace', async () => {
    for (const who of [s1, personal]) {
      expectProblem(await call('POST', '/api/inboxes', { token: who.token, body: { channel: 'webchat', name: 'Mine' } }), 403);
      expectProblem(await call('PATCH', `/api/inboxes/${inboxA.id}`, { token: who.token, body: { name: 'Renamed' } }), 403);
      expectProblem(await call('POST', `/api/inboxes/${inboxA.id}/disable`, { token: who.token }), 403);
      expectProblem(await call('GET', `/api/inboxes/${inboxA.id}?reveal=true`, { token: who.token }), 403);
      expectProblem(await call('POST', '/api/users', { token: who.token, body: { email: 'x@example.com', name: 'X', password: 'long enough pw', role: 'manager' } }), 403);
      expectProblem(await call('PATCH', `/api/users/${who.userId}`, { token: who.token, body: { role: 'manager' } }), 403);
      expectProblem(await call('POST', '/api/teams', { token: who.token, body: { name: 'Rogue' } }), 403);
      expectProblem(await call('PATCH', `/api/teams/${t1}`, { token: who.token, body: { memberIds: [who.userId] } }), 403);
      expectProblem(await call('DELETE', `/api/teams/${t1}`, { token: who.token }), 403);
      expectProblem(await call('PATCH', '/api/workspace', { token: who.token, body: { timezone: 'Europe/Madrid' } }), 403);
    }
    expectProblem(await call('POST', '/api/tags', { token: personal.token, body: { name: 'nope' } }), 403);
    expectProblem(await call('POST', `/api/contacts/${contactA}/merge`, { token: personal.token, body: { sourceId: contactA } }), 403);
    const me = await call('GET', '/api/me', { token: s1.token });
    expect(me.body.user.role).toBe('staff');
    // Reading the shared lists is allowed (agent pickers need them), without credentials.
    const inboxes = await call('GET', '/api/inboxes', { token: s1.token });
    expect(inboxes.status).toBe(200);
    expect(inboxes.body.items[0]).not.toHaveProperty('config');
    expect((await call('GET', '/api/users', { token: personal.token })).status).toBe(200);
  });
});

describe('workspace scoping: another workspace sees nothing of this one', () => {
  it('conversation ids of another workspace are 404 everywhere', async () => {
    for (const id of Object.values(conv)) {
      expectProblem(await call('GET', `/api/conversations/${id}`, { token: B.token }), 404);
      expectProblem(await call('PATCH', `/api/conversations/${id}`, { token: B.token, body: { status: 'closed' } }), 404);
      expectProblem(await call('GET', `/api/conversations/${id}/messages`, { token: B.token }), 404);
      expectProblem(await call('POST', `/api/conversations/${id}/messages`, { token: B.token, body: { text: 'hijack' } }), 404);
      expectProblem(await call('GET', `/api/conversations/${id}/events?after=0`, { token: B.token }), 404);
      expectProblem(await call('POST', `/api/conversations/${id}/read`, { token: B.token, body: {} }), 404);
    }
    const bulk = await call('POST', '/api/conversations/bulk', { token: B.token, body: { ids: Object.values(conv), action: 'close' } });
    expect(bulk.status).toBe(200);
    expect(bulk.body.succeeded).toBe(0);
    expect(bulk.body.results.map((r: { status: number }) => r.status)).toEqual([404, 404, 404, 404, 404]);
    // And nothing changed in A.
    const still = await call('GET', `/api/conversations/${conv.unassigned}`, { token: A.token });
    expect(still.body.status).toBe('open');
    expect(still.body.messageCount).toBe(1);
  });

  it('lists never leak other-workspace rows, whatever the filter', async () => {
    for (const query of [{}, { inboxId: inboxA.id }, { assignee: A.userId }, { assignee: s1.userId }, { teamId: t1 }, { contactId: contactA }, { q: 'secret-word' }, { q: `assigned:${s1.email}` }, { status: 'open,pending,snoozed,closed' }]) {
      const res = await listConversations(B.token, query);
      expect(res.status).toBe(200);
      expect(res.body.items.every((i) => i.workspaceId === B.workspaceId)).toBe(true);
      expect(res.body.items.some((i) => Object.values(conv).includes(i.id))).toBe(false);
    }
    const all = await listConversations(B.token);
    expect(ids(all.body)).toEqual([convB]);
    expect(all.body.counts.all).toBe(1);
    const contacts = await call('GET', '/api/contacts', { token: B.token });
    expect(contacts.body.items.map((c: { id: string }) => c.id)).not.toContain(contactA);
    expect(contacts.body.items).toHaveLength(1);
    const users = await call('GET', '/api/users', { token: B.token });
    expect(users.body.items.map((u: { id: string }) => u.id).sort()).toEqual([B.userId, staffB.userId].sort());
    const teams = await call('GET', '/api/teams', { token: B.token });
    expect(teams.body.items.map((t: { id: string }) => t.id)).toEqual([teamB]);
    const inboxes = await call('GET', '/api/inboxes', { token: B.token });
    expect(inboxes.body.items.map((i: { id: string }) => i.id)).toEqual([inboxB]);
  });

  it('contact ids of another workspace are 404 (read, update, merge) and cannot start conversations', async () => {
    expectProblem(await call('GET', `/api/contacts/${contactA}`, { token: B.token }), 404);
    expectProblem(await call('PATCH', `/api/contacts/${contactA}`, { token: B.token, body: { name: 'Stolen' } }), 404);
    expectProblem(await call('POST', `/api/contacts/${contactA}/merge`, { token: B.token, body: { sourceId: contactA + 'x' } }), 404);
    const own = await createContact(B);
    expectProblem(await call('POST', `/api/contacts/${own.id}/merge`, { token: B.token, body: { sourceId: contactA } }), 400, 'sourceId');
    expectProblem(await call('POST', '/api/conversations', { token: B.token, body: { contactId: contactA, inboxId: inboxB, text: 'hi' } }), 400, 'contactId');
    expectProblem(await call('POST', '/api/conversations', { token: B.token, body: { contactId: own.id, inboxId: inboxA.id, text: 'hi' } }), 400, 'inboxId');
    const a = await call('GET', `/api/contacts/${contactA}`, { token: A.token });
    expect(a.body.name).not.toBe('Stolen');
    expect(a.body.mergedInto).toBeNull();
  });

  it('inbox, user, team, tag and API key ids of another workspace are 404', async () => {
    expectProblem(await call('GET', `/api/inboxes/${inboxA.id}`, { token: B.token }), 404);
    expectProblem(await call('GET', `/api/inboxes/${inboxA.id}?reveal=true`, { token: B.token }), 404);
    expectProblem(await call('PATCH', `/api/inboxes/${inboxA.id}`, { token: B.token, body: { name: 'Mine now' } }), 404);
    expectProblem(await call('POST', `/api/inboxes/${inboxA.id}/disable`, { token: B.token }), 404);
    expectProblem(await call('PATCH', `/api/users/${s1.userId}`, { token: B.token, body: { disabled: true } }), 404);
    expectProblem(await call('PATCH', `/api/users/${A.userId}`, { token: B.token, body: { role: 'staff' } }), 404);
    expectProblem(await call('PATCH', `/api/teams/${t1}`, { token: B.token, body: { name: 'Mine' } }), 404);
    expectProblem(await call('DELETE', `/api/teams/${t1}`, { token: B.token }), 404);
    const tag = await call('POST', '/api/tags', { token: A.token, body: { name: 'a-only' } });
    expectProblem(await call('DELETE', `/api/tags/${tag.body.id}`, { token: B.token }), 404);
    const key = await call('POST', '/api/api-keys', { token: A.token, body: { name: 'A key' } });
    expectProblem(await call('DELETE', `/api/api-keys/${key.body.id}`, { token: B.token }), 404);
    expect((await call('GET', '/api/me', { token: key.body.key })).status).toBe(200);
    // Nothing in A changed.
    expect((await call('GET', `/api/inboxes/${inboxA.id}`, { token: A.token })).body).toMatchObject({ enabled: true, name: 'Site chat' });
    expect((await call('GET', '/api/me', { token: s1.token })).status).toBe(200);
    expect((await call('GET', '/api/teams', { token: A.token })).body.items.map((t: { name: string }) => t.name).sort()).toEqual(['Team one', 'Team two']);
    expect((await call('GET', '/api/tags', { token: A.token })).body.items.map((t: { id: string }) => t.id)).toContain(tag.body.id);
  });

  it('references to another workspace in bodies are refused naming the field', async () => {
    expectProblem(await call('PATCH', `/api/conversations/${convB}`, { token: B.token, body: { assigneeId: s1.userId } }), 400, 'assigneeId');
    expectProblem(await call('PATCH', `/api/conversations/${convB}`, { token: B.token, body: { teamId: t1 } }), 400, 'teamId');
    expectProblem(await call('POST', '/api/conversations/bulk', { token: B.token, body: { ids: [convB], action: 'assign', assigneeId: s1.userId } }), 400, 'assigneeId');
    expectProblem(await call('PATCH', `/api/users/${staffB.userId}`, { token: B.token, body: { teamIds: [t1] } }), 400, 'teamIds.0');
    expectProblem(await call('POST', '/api/teams', { token: B.token, body: { name: 'Borrowed', memberIds: [s1.userId] } }), 400, 'memberIds.0');
    expectProblem(await call('PATCH', `/api/teams/${teamB}`, { token: B.token, body: { memberIds: [staffB.userId, s2.userId] } }), 400, 'memberIds.1');
    const view = await call('GET', `/api/conversations/${convB}`, { token: B.token });
    expect(view.body).toMatchObject({ assigneeId: null, teamId: null });
  });
});
