// The shape of the list query (issue 11, "the read side keeps up"): search hits built once per statement
// and probed while walking an index, the page's ids picked before its rows are read whole. These pin what
// that shape must not change: every hit reachable through the cursor exactly once in sort order,
// counts that agree with the pages, visibility, full rows (contact, unread count) and the filters that
// need the contact or the read marker inside the id-picking step.
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createTeam, listConversations, listWhen, newWorkspace, sameIds, visitorConversation, visitorSays, webchatInbox, type ListPage, type Workspace } from '../helpers';

let ws: Workspace;
let staff: Awaited<ReturnType<typeof addMember>>;
// Five conversations mention "parcel"; one more only has a contact named Parcelle; one matches nothing.
const hits: string[] = [];
let byName = '';
let other = '';

beforeAll(async () => {
  ws = await newWorkspace();
  staff = await addMember(ws, 'staff');
  const inbox = await webchatInbox(ws);
  for (let i = 0; i < 5; i++) {
    const conv = await visitorConversation(inbox.websiteToken, `Where is my parcel number ${i}?`, { name: `Visitor ${i}`, email: `v${i}@example.com` });
    hits.push(conv.id);
    // A second matching message in some threads: a conversation must still be listed once.
    if (i % 2 === 0) await visitorSays(conv.visitorToken, 'The parcel tracking page is empty');
  }
  const named = await visitorConversation(inbox.websiteToken, 'Hello, a question about sizes', { name: 'Jean Parcelle', email: 'jean@example.com' });
  byName = named.id;
  other = (await visitorConversation(inbox.websiteToken, 'Nothing to see here', { name: 'Other Person' })).id;
  // Statuses and assignees that the counts and visibility split on.
  await call('PATCH', `/api/conversations/${hits[1]}`, { token: ws.token, body: { status: 'closed' } });
  await call('PATCH', `/api/conversations/${hits[2]}`, { token: ws.token, body: { status: 'pending', assigneeId: ws.userId } });
  await call('PATCH', `/api/conversations/${hits[3]}`, { token: ws.token, body: { assigneeId: staff.userId, priority: 'urgent' } });
  await listWhen(ws.token, { q: 'parcel' }, (p) => p.items.length === 6 && p.counts.closed === 1 && p.counts.pending === 1);
  await listWhen(ws.token, { q: 'tracking' }, (p) => p.items.length === 3);
});

async function allPages(query: Record<string, string | number>, token = ws.token): Promise<ListPage['items']> {
  const items: ListPage['items'] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 20; guard++) {
    const res = await listConversations(token, { ...query, limit: 2, ...(cursor ? { cursor } : {}) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) return items;
  }
  throw new Error('the cursor never ended');
}

describe('search over the hits CTE', () => {
  it('pages through every hit (messages and contact names) once, most recent first', async () => {
    const items = await allPages({ q: 'parcel' });
    const ids = items.map((i) => i.id);
    expect(sameIds(ids, [...hits, byName])).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain(other);
    const times = items.map((i) => i.lastActivityAt as number);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('counts every status of the hits whatever the status filter, and the page agrees with them', async () => {
    const all = await listConversations(ws.token, { q: 'parcel' });
    expect(all.body.counts).toEqual({ open: 4, pending: 1, snoozed: 0, closed: 1, all: 6 });
    const open = await listConversations(ws.token, { q: 'parcel', status: 'open' });
    expect(open.body.counts).toEqual(all.body.counts);
    expect(sameIds(open.body.items.map((i) => i.id), [hits[0], hits[3], hits[4], byName])).toBe(true);
    const closed = await listConversations(ws.token, { q: 'parcel status:closed' });
    expect(closed.body.items.map((i) => i.id)).toEqual([hits[1]]);
  });

  it('combines with assignee, priority sort and visibility', async () => {
    const mine = await listConversations(ws.token, { q: 'parcel', assignee: 'me' });
    expect(mine.body.items.map((i) => i.id)).toEqual([hits[2]]);
    expect(mine.body.counts).toEqual({ open: 0, pending: 1, snoozed: 0, closed: 0, all: 1 });
    const byPriority = await listConversations(ws.token, { q: 'parcel', sort: 'priority' });
    expect(byPriority.body.items[0].id).toBe(hits[3]);
    // Staff (no team): unassigned ones and their own, not the manager's.
    const seen = await allPages({ q: 'parcel' }, staff.token);
    expect(sameIds(seen.map((i) => i.id), [hits[0], hits[1], hits[3], hits[4], byName])).toBe(true);
    const staffCounts = (await listConversations(staff.token, { q: 'parcel' })).body.counts;
    expect(staffCounts).toEqual({ open: 4, pending: 0, snoozed: 0, closed: 1, all: 5 });
  });

  it("a staff member in a team finds a teammate's hits in the team, not another team's or a colleague's outside it", async () => {
    // A workspace of its own: the other tests count this one's conversations.
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const team = await createTeam(ws);
    const otherTeam = await createTeam(ws);
    const me = await addMember(ws, 'staff', [team]);
    const mate = await addMember(ws, 'staff', [team]);
    const conv = async (text: string) => (await visitorConversation(inbox.websiteToken, text)).id;
    const teammates = await conv('My voucher code does not work');
    const otherTeams = await conv('Is the voucher still valid?');
    const outsideTeam = await conv('Lost my voucher email');
    const unassigned = await conv('voucher question');
    await call('PATCH', `/api/conversations/${teammates}`, { token: ws.token, body: { teamId: team, assigneeId: mate.userId } });
    await call('PATCH', `/api/conversations/${otherTeams}`, { token: ws.token, body: { teamId: otherTeam, assigneeId: ws.userId } });
    await call('PATCH', `/api/conversations/${outsideTeam}`, { token: ws.token, body: { assigneeId: mate.userId } });
    await listWhen(ws.token, { q: 'voucher' }, (p) => p.items.length === 4 && p.items.some((i) => i.id === outsideTeam && i.assigneeId === mate.userId) && p.items.some((i) => i.id === otherTeams && i.teamId === otherTeam && i.assigneeId === ws.userId));
    const seen = await allPages({ q: 'voucher' }, me.token);
    expect(sameIds(seen.map((i) => i.id), [teammates, unassigned])).toBe(true);
    expect((await listConversations(me.token, { q: 'voucher' })).body.counts.all).toBe(2);
  });

  it('reads the picked rows whole: contact, unread count, tags', async () => {
    const page = await listConversations(ws.token, { q: 'tracking', sort: 'waiting' });
    expect(sameIds(page.body.items.map((i) => i.id), [hits[0], hits[2], hits[4]])).toBe(true);
    const first = page.body.items.find((i) => i.id === hits[0])!;
    expect(first.contact).toMatchObject({ name: 'Visitor 0', email: 'v0@example.com' });
    expect(first.unreadCount).toBe(2);
    expect(first.tags).toEqual([]);
  });

  it('filters that need the contact or the read marker still apply (email:, unread)', async () => {
    const byEmail = await listConversations(ws.token, { q: 'parcel email:v4@example.com' });
    expect(byEmail.body.items.map((i) => i.id)).toEqual([hits[4]]);
    expect(byEmail.body.counts.all).toBe(1);
    // Reading one conversation takes it out of the unread list.
    expect((await call('POST', `/api/conversations/${hits[0]}/read`, { token: ws.token, body: {} })).status).toBeLessThan(300);
    const unread = await listWhen(ws.token, { q: 'tracking', unread: true }, (p) => p.items.length === 2);
    expect(sameIds(unread.items.map((i) => i.id), [hits[2], hits[4]])).toBe(true);
    expect(unread.counts.all).toBe(2);
  });

  it('a list without q keeps its index order and full rows', async () => {
    const items = await allPages({ status: 'open' });
    expect(sameIds(items.map((i) => i.id), [hits[0], hits[3], hits[4], byName, other])).toBe(true);
    expect(items.every((i) => typeof i.contact?.id === 'string')).toBe(true);
  });
});
