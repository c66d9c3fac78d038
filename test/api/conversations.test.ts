// /api/conversations: start (widget and agent side), list filters, sorts, cursors and counts, read,
// PATCH transitions and validation, messages (idempotency, notes, paging) and the event log.
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { conversationStub } from '../../worker/conversations/service';
import {
  addMember,
  call,
  createContact,
  createTeam,
  eventually,
  expectProblem,
  listConversations,
  listWhen,
  newWorkspace,
  sameIds,
  unique,
  visitor,
  visitorConversation,
  visitorSays,
  webchatInbox,
  type ListPage,
  type Workspace,
} from '../helpers';

const HOUR = 3600_000;

describe('starting conversations', () => {
  let ws: Workspace;
  let inbox: Awaited<ReturnType<typeof webchatInbox>>;
  beforeAll(async () => {
    ws = await newWorkspace();
    inbox = await webchatInbox(ws);
  });

  it('a widget visitor opens a conversation that agents can read, and a returning visitor keeps it', async () => {
    const v = await visitor(inbox.websiteToken, { name: 'Vera Visitor', email: 'Vera@Example.com' });
    expect(v.conversationId).toBeNull();
    const said = await visitorSays(v.visitorToken, 'Is the shop open on Sunday?');
    expect(said.duplicate).toBe(false);
    const res = await call('GET', `/api/conversations/${said.conversationId}`, { token: ws.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: said.conversationId,
      workspaceId: ws.workspaceId,
      contactId: v.contactId,
      inboxId: inbox.id,
      channel: 'webchat',
      status: 'open',
      assigneeId: null,
      messageCount: 1,
      unreadCount: 1,
      lastMessagePreview: 'Is the shop open on Sunday?',
      lastMessageDirection: 'inbound',
    });
    expect(res.body.waitingSince).toEqual(expect.any(Number));
    expect(res.body.contact).toMatchObject({ id: v.contactId, name: 'Vera Visitor', email: 'vera@example.com' });

    const again = await visitor(inbox.websiteToken, { visitorToken: v.visitorToken });
    expect(again.contactId).toBe(v.contactId);
    expect(again.conversationId).toBe(said.conversationId);
    const second = await visitorSays(again.visitorToken, 'Hello?');
    expect(second.conversationId).toBe(said.conversationId);
    const page = await listWhen(ws.token, { inboxId: inbox.id }, (p) => p.items.some((i) => i.id === said.conversationId && i.messageCount === 2));
    expect(page.items.find((i) => i.id === said.conversationId)).toMatchObject({ contact: { id: v.contactId, name: 'Vera Visitor' }, unreadCount: 2 });
  });

  it('an agent starts one with POST /api/conversations (manager: unassigned; staff: assigned to themselves)', async () => {
    const contact = await createContact(ws);
    const res = await call('POST', '/api/conversations', { token: ws.token, body: { contactId: contact.id, inboxId: inbox.id, text: 'Your order shipped' } });
    expect(res.status).toBe(201);
    expect(res.body.conversation).toMatchObject({ contactId: contact.id, inboxId: inbox.id, channel: 'webchat', status: 'open', assigneeId: null, messageCount: 1 });
    expect(res.body.message).toMatchObject({ direction: 'outbound', authorType: 'agent', authorId: ws.userId, text: 'Your order shipped', isInternalNote: false });
    const id = res.body.conversation.id;
    expect((await call('GET', `/api/conversations/${id}`, { token: ws.token })).body.waitingSince).toBeNull();
    await listWhen(ws.token, { contactId: contact.id }, (p) => p.items.length === 1 && p.items[0].id === id);

    const staff = await addMember(ws, 'staff');
    const other = await createContact(ws);
    const byStaff = await call('POST', '/api/conversations', { token: staff.token, body: { contactId: other.id, inboxId: inbox.id, text: 'Hi from staff' } });
    expect(byStaff.status).toBe(201);
    expect(byStaff.body.conversation.assigneeId).toBe(staff.userId);
    expect((await call('GET', `/api/conversations/${byStaff.body.conversation.id}`, { token: staff.token })).status).toBe(200);
  });

  it('POST /api/conversations is idempotent on clientId: a retry returns the same conversation and message', async () => {
    const contact = await createContact(ws);
    const body = { contactId: contact.id, inboxId: inbox.id, text: 'Retried start', clientId: unique('start') };
    const first = await call('POST', '/api/conversations', { token: ws.token, body });
    expect(first.status).toBe(201);
    const again = await call('POST', '/api/conversations', { token: ws.token, body });
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    expect(again.body.conversation.id).toBe(first.body.conversation.id);
    expect(again.body.message.id).toBe(first.body.message.id);
    expect((await call('GET', `/api/conversations/${first.body.conversation.id}`, { token: ws.token })).body.messageCount).toBe(1);
    const page = await listWhen(ws.token, { contactId: contact.id }, (p) => p.items.length >= 1);
    expect(page.items.map((i) => i.id)).toEqual([first.body.conversation.id]);
    // Without a clientId every call starts a new conversation.
    const a = await call('POST', '/api/conversations', { token: ws.token, body: { ...body, clientId: undefined } });
    const b = await call('POST', '/api/conversations', { token: ws.token, body: { ...body, clientId: undefined } });
    expect(a.body.conversation.id).not.toBe(b.body.conversation.id);
  });

  it("a retried start writes the contact's thread its first attempt lost, and never takes it from a newer conversation", async () => {
    const contact = await createContact(ws);
    const thread = async () =>
      (await env.DB.prepare(`SELECT conversation_id FROM contact_threads WHERE workspace_id = ? AND contact_id = ?`).bind(ws.workspaceId, contact.id).first<{ conversation_id: string }>())?.conversation_id ?? null;
    const projected = (id: string) => eventually(() => env.DB.prepare(`SELECT 1 FROM conversations WHERE id = ?`).bind(id).first());
    const first = { contactId: contact.id, inboxId: inbox.id, text: 'First', clientId: unique('start') };
    const one = (await call('POST', '/api/conversations', { token: ws.token, body: first })).body.conversation.id as string;
    await projected(one);
    // The first attempt's pointer write was lost (the object had committed): the retry writes it.
    await env.DB.prepare(`DELETE FROM contact_threads WHERE workspace_id = ? AND contact_id = ?`).bind(ws.workspaceId, contact.id).run();
    expect((await call('POST', '/api/conversations', { token: ws.token, body: first })).body.duplicate).toBe(true);
    expect(await thread()).toBe(one);

    const second = { ...first, text: 'Second', clientId: unique('start') };
    const two = (await call('POST', '/api/conversations', { token: ws.token, body: second })).body.conversation.id as string;
    await projected(two);
    expect(await thread()).toBe(two);
    // A late retry of the older start leaves the newer conversation current.
    expect((await call('POST', '/api/conversations', { token: ws.token, body: first })).body.duplicate).toBe(true);
    expect(await thread()).toBe(two);
    // The newer start's pointer write was the one lost: its retry moves the thread on from the older one.
    await env.DB.prepare(`UPDATE contact_threads SET conversation_id = ? WHERE workspace_id = ? AND contact_id = ?`).bind(one, ws.workspaceId, contact.id).run();
    expect((await call('POST', '/api/conversations', { token: ws.token, body: second })).body.duplicate).toBe(true);
    expect(await thread()).toBe(two);
  });

  it('refuses bad starts naming the field', async () => {
    const contact = await createContact(ws);
    const smsOnly = await createContact(ws, { identities: [{ channel: 'sms', externalId: unique('+1555') }] });
    const start = (body: Record<string, unknown>) => call('POST', '/api/conversations', { token: ws.token, body: { contactId: contact.id, inboxId: inbox.id, text: 'hi', ...body } });
    expectProblem(await start({ text: '   ' }), 400, 'text');
    expectProblem(await start({ text: undefined }), 400, 'text');
    expectProblem(await start({ text: 'x'.repeat(10_001) }), 400, 'text');
    expectProblem(await start({ contactId: smsOnly.id }), 400, 'contactId');
    expectProblem(await start({ contactId: 'ct_doesnotexist00' }), 400, 'contactId');
    expectProblem(await start({ inboxId: 'inb_doesnotexist00' }), 400, 'inboxId');
    const disabled = await webchatInbox(ws);
    expect((await call('POST', `/api/inboxes/${disabled.id}/disable`, { token: ws.token })).status).toBe(204);
    expectProblem(await start({ inboxId: disabled.id }), 400, 'inboxId');
    expectProblem(await call('POST', '/api/conversations', { body: { contactId: contact.id, inboxId: inbox.id, text: 'hi' } }), 401);
  });

  it('GET of an unknown conversation is a 404 problem', async () => {
    expectProblem(await call('GET', '/api/conversations/cnv_00000000000000000000', { token: ws.token }), 404);
    expectProblem(await call('GET', '/api/conversations/whatever', { token: ws.token }), 404);
  });
});

describe('GET /api/conversations: filters, sorts, cursors, counts', () => {
  let ws: Workspace;
  let staff: Awaited<ReturnType<typeof addMember>>;
  let team: string;
  let w1: string;
  let w2: string;
  const c = {} as Record<'A' | 'B' | 'C' | 'D' | 'E', string>;
  let all: ListPage['items'];

  beforeAll(async () => {
    ws = await newWorkspace();
    team = await createTeam(ws);
    staff = await addMember(ws, 'staff');
    const [i1, i2] = await Promise.all([webchatInbox(ws), webchatInbox(ws)]);
    w1 = i1.id;
    w2 = i2.id;
    const sms = await call('POST', '/api/inboxes', { token: ws.token, body: { channel: 'sms', name: 'SMS', config: { authToken: 'x' } } });
    // Sequential, so last activity differs between conversations.
    c.A = (await visitorConversation(i1.websiteToken, 'alpha message')).id;
    c.B = (await visitorConversation(i1.websiteToken, 'bravo message')).id;
    c.C = (await visitorConversation(i2.websiteToken, 'charlie message')).id;
    c.D = (await visitorConversation(i2.websiteToken, 'delta message')).id;
    const contact = await createContact(ws, { identities: [{ channel: 'sms', externalId: '+15550001111' }] });
    const e = await call('POST', '/api/conversations', { token: ws.token, body: { contactId: contact.id, inboxId: sms.body.id, text: 'echo message' } });
    c.E = e.body.conversation.id;
    const patch = async (id: string, body: Record<string, unknown>) => {
      const res = await call('PATCH', `/api/conversations/${id}`, { token: ws.token, body });
      if (res.status !== 200) throw new Error(`patch ${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`);
    };
    await patch(c.A, { assigneeId: ws.userId, tags: ['VIP'], priority: 'high' });
    expect((await call('POST', `/api/conversations/${c.A}/messages`, { token: ws.token, body: { text: 'answered' } })).status).toBe(201);
    await patch(c.B, { status: 'pending', teamId: team });
    await patch(c.C, { status: 'closed', tags: ['billing'] });
    await patch(c.D, { status: 'snoozed', snoozeUntil: Date.now() + HOUR, priority: 'urgent', assigneeId: staff.userId });
    await patch(c.E, { priority: 'low' });
    const page = await listWhen(ws.token, {}, (p) => {
      const by = Object.fromEntries(p.items.map((i) => [i.id, i]));
      return (
        p.items.length === 5 &&
        by[c.A]?.messageCount === 2 &&
        by[c.B]?.status === 'pending' &&
        by[c.C]?.status === 'closed' &&
        by[c.D]?.status === 'snoozed' &&
        by[c.E]?.priority === 'low'
      );
    });
    // Closing C summarizes it in the background (an event-stream subscriber), which updates it once more:
    // take the snapshot after that has landed and every object is idle, or updatedAt moves under the tests.
    await eventually(async () => (await call('GET', `/api/conversations/${c.C}/summary`, { token: ws.token })).body?.summary);
    for (const item of page.items) await conversationStub(env, ws.workspaceId, item.id).settled();
    all = (await listConversations(ws.token, {})).body.items;
  });

  const ids = (p: ListPage) => p.items.map((i) => i.id);
  const list = async (query: Record<string, string | number | boolean>) => {
    const res = await listConversations(ws.token, query);
    if (res.status !== 200) throw new Error(`list ${JSON.stringify(query)}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  it('lists everything with per-status counts', async () => {
    const p = await list({});
    expect(sameIds(ids(p), Object.values(c))).toBe(true);
    expect(p.counts).toEqual({ open: 2, pending: 1, snoozed: 1, closed: 1, all: 5 });
    expect(p.nextCursor).toBeNull();
    const a = p.items.find((i) => i.id === c.A)!;
    expect(a).toMatchObject({ status: 'open', priority: 'high', assigneeId: ws.userId, tags: ['vip'], inboxId: w1, channel: 'webchat', waitingSince: null });
  });

  it('filters by status (csv); counts still cover every status of the other filters', async () => {
    const open = await list({ status: 'open' });
    expect(sameIds(ids(open), [c.A, c.E])).toBe(true);
    expect(open.counts).toEqual({ open: 2, pending: 1, snoozed: 1, closed: 1, all: 5 });
    expect(sameIds(ids(await list({ status: 'pending,snoozed' })), [c.B, c.D])).toBe(true);
    expect(ids(await list({ status: 'closed' }))).toEqual([c.C]);
    const w2open = await list({ inboxId: w2, status: 'open' });
    expect(ids(w2open)).toEqual([]);
    expect(w2open.counts).toEqual({ open: 0, pending: 0, snoozed: 1, closed: 1, all: 2 });
  });

  it('filters by channel, inbox, team, tag and priority', async () => {
    expect(ids(await list({ channel: 'sms' }))).toEqual([c.E]);
    expect(sameIds(ids(await list({ channel: 'webchat' })), [c.A, c.B, c.C, c.D])).toBe(true);
    expect(sameIds(ids(await list({ channel: 'sms,webchat' })), Object.values(c))).toBe(true);
    expect((await list({ channel: 'sms' })).counts).toEqual({ open: 1, pending: 0, snoozed: 0, closed: 0, all: 1 });
    expect(sameIds(ids(await list({ inboxId: w1 })), [c.A, c.B])).toBe(true);
    expect(sameIds(ids(await list({ inboxId: w2 })), [c.C, c.D])).toBe(true);
    expect(ids(await list({ teamId: team }))).toEqual([c.B]);
    expect(ids(await list({ tag: 'vip' }))).toEqual([c.A]);
    expect(ids(await list({ tag: 'VIP' }))).toEqual([c.A]);
    expect(ids(await list({ tag: 'billing' }))).toEqual([c.C]);
    expect(ids(await list({ tag: 'nothing-has-this' }))).toEqual([]);
    expect(sameIds(ids(await list({ priority: 'high,urgent' })), [c.A, c.D])).toBe(true);
    expect(ids(await list({ priority: 'low' }))).toEqual([c.E]);
    expect(sameIds(ids(await list({ priority: 'normal' })), [c.B, c.C])).toBe(true);
  });

  it('filters by assignee: me, unassigned, a user id, an e-mail', async () => {
    expect(ids(await list({ assignee: 'me' }))).toEqual([c.A]);
    expect(sameIds(ids(await list({ assignee: 'unassigned' })), [c.B, c.C, c.E])).toBe(true);
    expect(ids(await list({ assignee: staff.userId }))).toEqual([c.D]);
    expect(ids(await list({ assignee: staff.email }))).toEqual([c.D]);
    const asStaff = await listConversations(staff.token, { assignee: 'me' });
    expect(asStaff.body.items.map((i) => i.id)).toEqual([c.D]);
  });

  it('filters by updatedAfter / updatedBefore, in epoch ms and ISO form', async () => {
    const sorted = [...all].sort((x, y) => x.updatedAt - y.updatedAt);
    const pivot = sorted[2].updatedAt;
    const after = sorted.filter((i) => i.updatedAt > pivot).map((i) => i.id);
    const before = sorted.filter((i) => i.updatedAt < pivot).map((i) => i.id);
    expect(after.length + before.length).toBeGreaterThan(0);
    expect(sameIds(ids(await list({ updatedAfter: pivot })), after)).toBe(true);
    expect(sameIds(ids(await list({ updatedAfter: new Date(pivot).toISOString() })), after)).toBe(true);
    expect(sameIds(ids(await list({ updatedBefore: pivot })), before)).toBe(true);
    expect(sameIds(ids(await list({ updatedBefore: new Date(pivot).toISOString() })), before)).toBe(true);
    const window = await list({ updatedAfter: sorted[0].updatedAt - 1, updatedBefore: sorted[4].updatedAt + 1 });
    expect(window.items).toHaveLength(5);
    expect(ids(await list({ updatedAfter: Date.now() + HOUR }))).toEqual([]);
  });

  const sortKey: Record<string, (i: ListPage['items'][number]) => (number | string)[]> = {
    recent: (i) => [-i.lastActivityAt, i.id],
    oldest: (i) => [i.lastActivityAt, i.id],
    priority: (i) => [-{ low: 0, normal: 1, high: 2, urgent: 3 }[i.priority as 'low'], -i.lastActivityAt, i.id],
    waiting: (i) => [i.waitingSince ?? Number.MAX_SAFE_INTEGER, i.id],
  };
  const cmp = (a: (number | string)[], b: (number | string)[]) => {
    for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
    return 0;
  };

  it.each(['recent', 'oldest', 'priority', 'waiting'])('sorts by %s', async (sort) => {
    const p = await list({ sort });
    expect(p.items).toHaveLength(5);
    const expected = [...p.items].sort((x, y) => {
      const kx = sortKey[sort](x);
      const ky = sortKey[sort](y);
      // recent/priority break ties by id descending; oldest/waiting ascending.
      if (sort === 'recent' || sort === 'priority') {
        const head = cmp(kx.slice(0, -1), ky.slice(0, -1));
        return head !== 0 ? head : -cmp([kx.at(-1)!], [ky.at(-1)!]);
      }
      return cmp(kx, ky);
    });
    expect(ids(p)).toEqual(expected.map((i) => i.id));
    if (sort === 'priority') expect(p.items[0].id).toBe(c.D);
    if (sort === 'priority') expect(p.items.at(-1)!.id).toBe(c.E);
    // Nobody waits on A (answered) nor E (agent-started): they come last when sorting by waiting.
    if (sort === 'waiting') expect(sameIds(ids(p).slice(3), [c.A, c.E])).toBe(true);
  });

  it.each(['recent', 'oldest', 'priority', 'waiting'])('walks %s pages of 2 without duplicates or gaps', async (sort) => {
    const full = ids(await list({ sort }));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const p: ListPage = await list({ sort, limit: 2, ...(cursor ? { cursor } : {}) });
      expect(p.items.length).toBeLessThanOrEqual(2);
      expect(p.counts.all).toBe(5);
      seen.push(...ids(p));
      cursor = p.nextCursor;
      pages++;
      expect(pages).toBeLessThan(10);
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(full);
    expect(new Set(seen).size).toBe(5);
  });

  it('cursor pagination also works under a filter', async () => {
    const first = await list({ status: 'open,pending,snoozed', limit: 2, sort: 'oldest' });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await list({ status: 'open,pending,snoozed', limit: 2, sort: 'oldest', cursor: first.nextCursor! });
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    expect(sameIds([...ids(first), ...ids(second)], [c.A, c.B, c.D, c.E])).toBe(true);
  });

  it('unread=true lists conversations with customer messages the caller has not read', async () => {
    const before = await list({ unread: 'true' });
    expect(sameIds(ids(before), [c.A, c.B, c.C, c.D])).toBe(true);
    expect(before.counts.all).toBe(4);
    expect(before.items.find((i) => i.id === c.B)!.unreadCount).toBe(1);
    const read = await call('POST', `/api/conversations/${c.B}/read`, { token: ws.token, body: {} });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ unread: 0 });
    expect((await call('GET', `/api/conversations/${c.B}`, { token: ws.token })).body.unreadCount).toBe(0);
    const after = await listWhen(ws.token, { unread: 'true' }, (p) => p.items.length === 3);
    expect(sameIds(ids(after), [c.A, c.C, c.D])).toBe(true);
    // Read positions are per agent: staff still has C unread... but may only see what staff sees.
    const staffUnread = await listConversations(staff.token, { unread: 'true' });
    expect(staffUnread.body.items.map((i) => i.id)).toContain(c.B);
    expect((await list({ unread: 'false' })).items).toHaveLength(5);
  });

  it('rejects bad query values with a 400 problem naming the field', async () => {
    const bad = async (query: Record<string, string>, field: string) => expectProblem(await listConversations(ws.token, query), 400, field);
    await bad({ status: 'bogus' }, 'status');
    await bad({ status: 'open,bogus' }, 'status');
    await bad({ priority: 'meh' }, 'priority');
    await bad({ limit: '0' }, 'limit');
    await bad({ limit: '201' }, 'limit');
    await bad({ limit: 'ten' }, 'limit');
    await bad({ limit: '1.5' }, 'limit');
    await bad({ cursor: 'garbage' }, 'cursor');
    await bad({ cursor: btoa('[1,2,3,4]') }, 'cursor');
    await bad({ sort: 'random' }, 'sort');
    await bad({ unread: 'maybe' }, 'unread');
    await bad({ updatedAfter: 'yesterday' }, 'updatedAfter');
    await bad({ updatedBefore: 'not a date' }, 'updatedBefore');
    await bad({ q: 'x'.repeat(501) }, 'q');
    // A cursor of one sort is not a cursor of another (different arity).
    const recent = await list({ limit: 2 });
    await bad({ sort: 'priority', cursor: recent.nextCursor! }, 'cursor');
  });
});

describe('PATCH /api/conversations/:id', () => {
  let ws: Workspace;
  let inbox: Awaited<ReturnType<typeof webchatInbox>>;
  beforeAll(async () => {
    ws = await newWorkspace();
    inbox = await webchatInbox(ws);
  });
  const patch = (id: string, body: unknown) => call('PATCH', `/api/conversations/${id}`, { token: ws.token, body });

  it('moves through the statuses; closing stamps closedAt, reopening clears it; each change is an event', async () => {
    const { id } = await visitorConversation(inbox.websiteToken);
    const pending = await patch(id, { status: 'pending' });
    expect(pending.status).toBe(200);
    expect(pending.body).toMatchObject({ id, status: 'pending', closedAt: null });
    const closed = await patch(id, { status: 'closed', closingNote: 'Solved by phone' });
    expect(closed.body).toMatchObject({ status: 'closed', closingNote: 'Solved by phone' });
    expect(closed.body.closedAt).toEqual(expect.any(Number));
    const reopened = await patch(id, { status: 'open' });
    expect(reopened.body).toMatchObject({ status: 'open', closedAt: null });
    const events = await call('GET', `/api/conversations/${id}/events?after=0`, { token: ws.token });
    const changes = events.body.items.filter((e: { type: string }) => e.type === 'conversation.status_changed').map((e: { data: { from: string; to: string } }) => `${e.data.from}>${e.data.to}`);
    expect(changes).toEqual(['open>pending', 'pending>closed', 'closed>open']);
    await listWhen(ws.token, { status: 'open' }, (p) => p.items.some((i) => i.id === id));
  });

  it('snoozing needs a future snoozeUntil (400 naming snoozeUntil otherwise)', async () => {
    const { id } = await visitorConversation(inbox.websiteToken);
    expectProblem(await patch(id, { status: 'snoozed' }), 400, 'snoozeUntil');
    expectProblem(await patch(id, { status: 'snoozed', snoozeUntil: Date.now() - 1000 }), 400, 'snoozeUntil');
    expectProblem(await patch(id, { snoozeUntil: Date.now() - 1000 }), 400, 'snoozeUntil');
    expectProblem(await patch(id, { status: 'snoozed', snoozeUntil: Date.now() + 1.5 }), 400, 'snoozeUntil');
    expectProblem(await patch(id, { status: 'snoozed', snoozeUntil: 'tomorrow' }), 400, 'snoozeUntil');
    expect((await call('GET', `/api/conversations/${id}`, { token: ws.token })).body.status).toBe('open');
    const until = Date.now() + 2 * HOUR;
    const snoozed = await patch(id, { status: 'snoozed', snoozeUntil: until });
    expect(snoozed.status).toBe(200);
    expect(snoozed.body).toMatchObject({ status: 'snoozed', snoozeUntil: until });
    const moved = await patch(id, { snoozeUntil: until + HOUR });
    expect(moved.body).toMatchObject({ status: 'snoozed', snoozeUntil: until + HOUR });
    const open = await patch(id, { status: 'open' });
    expect(open.body).toMatchObject({ status: 'open', snoozeUntil: null });
    // A bare snoozeUntil snoozes.
    expect((await patch(id, { snoozeUntil: until })).body).toMatchObject({ status: 'snoozed', snoozeUntil: until });
  });

  it('a customer message reopens a closed conversation', async () => {
    const conv = await visitorConversation(inbox.websiteToken);
    await patch(conv.id, { status: 'closed' });
    const again = await visitorSays(conv.visitorToken, 'One more thing');
    expect(again.conversationId).toBe(conv.id);
    expect((await call('GET', `/api/conversations/${conv.id}`, { token: ws.token })).body).toMatchObject({ status: 'open', closedAt: null, messageCount: 2 });
  });

  it('assigns only to active users of this workspace (400 naming assigneeId otherwise), and unassigns with null', async () => {
    const { id } = await visitorConversation(inbox.websiteToken);
    const other = await newWorkspace();
    expectProblem(await patch(id, { assigneeId: other.userId }), 400, 'assigneeId');
    expectProblem(await patch(id, { assigneeId: 'usr_00000000000000000000' }), 400, 'assigneeId');
    const gone = await addMember(ws, 'staff');
    expect((await call('PATCH', `/api/users/${gone.userId}`, { token: ws.token, body: { disabled: true } })).status).toBe(200);
    expectProblem(await patch(id, { assigneeId: gone.userId }), 400, 'assigneeId');
    expectProblem(await patch(id, { teamId: 'team_00000000000000000000' }), 400, 'teamId');

    const staff = await addMember(ws, 'staff');
    const team = await createTeam(ws);
    const assigned = await patch(id, { assigneeId: staff.userId, teamId: team });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ assigneeId: staff.userId, teamId: team });
    const events = await call('GET', `/api/conversations/${id}/events?after=0`, { token: ws.token });
    expect(events.body.items.find((e: { type: string }) => e.type === 'conversation.assigned')).toMatchObject({ data: { from: null, to: staff.userId }, actor: { type: 'agent', id: ws.userId } });
    expect((await patch(id, { assigneeId: null, teamId: null })).body).toMatchObject({ assigneeId: null, teamId: null });
  });

  it('normalizes tags: lower-cased, trimmed, de-duplicated, sorted', async () => {
    const { id } = await visitorConversation(inbox.websiteToken);
    const res = await patch(id, { tags: [' VIP ', 'vip', 'Billing', 'alpha', 'BILLING'] });
    expect(res.status).toBe(200);
    expect(res.body.tags).toEqual(['alpha', 'billing', 'vip']);
    const page = await listWhen(ws.token, { tag: 'billing' }, (p) => p.items.some((i) => i.id === id));
    expect(page.items.find((i) => i.id === id)!.tags).toEqual(['alpha', 'billing', 'vip']);
    expect((await patch(id, { tags: [] })).body.tags).toEqual([]);
    expectProblem(await patch(id, { tags: ['ok', '   '] }), 400, 'tags.1');
    expectProblem(await patch(id, { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }), 400, 'tags');
    expectProblem(await patch(id, { tags: 'vip' }), 400, 'tags');
  });

  it('sets priority, subject and closing note; validates them', async () => {
    const { id } = await visitorConversation(inbox.websiteToken);
    const res = await patch(id, { priority: 'urgent', subject: 'Broken order', closingNote: null });
    expect(res.body).toMatchObject({ priority: 'urgent', subject: 'Broken order', closingNote: null });
    expectProblem(await patch(id, { priority: 'asap' }), 400, 'priority');
    expectProblem(await patch(id, { status: 'archived' }), 400, 'status');
    expectProblem(await patch(id, { subject: 'x'.repeat(301) }), 400, 'subject');
  });

  it('an empty or non-object body is a 400 problem; an unknown id is 404', async () => {
    const { id } = await visitorConversation(inbox.websiteToken);
    expectProblem(await patch(id, {}), 400);
    expectProblem(await patch(id, []), 400);
    expectProblem(await call('PATCH', `/api/conversations/${id}`, { token: ws.token, body: '{', headers: { 'content-type': 'application/json' } }), 400);
    expectProblem(await patch('cnv_00000000000000000000', { status: 'closed' }), 404);
  });
});

describe('messages and events', () => {
  let ws: Workspace;
  let inbox: Awaited<ReturnType<typeof webchatInbox>>;
  beforeAll(async () => {
    ws = await newWorkspace();
    inbox = await webchatInbox(ws);
  });
  const post = (id: string, body: unknown) => call('POST', `/api/conversations/${id}/messages`, { token: ws.token, body });

  it('posts a reply and an internal note', async () => {
    const { id } = await visitorConversation(inbox.websiteToken);
    const reply = await post(id, { text: '  Happy to help!  ' });
    expect(reply.status).toBe(201);
    expect(reply.body.duplicate).toBe(false);
    expect(reply.body.message).toMatchObject({ conversationId: id, direction: 'outbound', authorType: 'agent', authorId: ws.userId, text: 'Happy to help!', isInternalNote: false, channel: 'webchat' });
    expect(['sent', 'delivered']).toContain(reply.body.message.status);
    const note = await post(id, { text: 'Customer is a VIP', isInternalNote: true });
    expect(note.status).toBe(201);
    expect(note.body.message).toMatchObject({ direction: 'internal', isInternalNote: true, text: 'Customer is a VIP' });
    const view = await call('GET', `/api/conversations/${id}`, { token: ws.token });
    expect(view.body).toMatchObject({ messageCount: 3, waitingSince: null, lastMessagePreview: 'Note: Customer is a VIP' });
  });

  it('is idempotent on clientId: the same clientId twice makes one message', async () => {
    const { id } = await visitorConversation(inbox.websiteToken);
    const clientId = unique('client');
    const first = await post(id, { text: 'Once', clientId });
    expect(first.status).toBe(201);
    expect(first.body.duplicate).toBe(false);
    const second = await post(id, { text: 'Once (retried with other text)', clientId });
    expect(second.status).toBe(200);
    expect(second.body.duplicate).toBe(true);
    expect(second.body.message.id).toBe(first.body.message.id);
    expect(second.body.message.text).toBe('Once');
    const msgs = await call('GET', `/api/conversations/${id}/messages`, { token: ws.token });
    expect(msgs.body.items.filter((m: { externalId: string }) => m.externalId === clientId)).toHaveLength(1);
    expect(msgs.body.items).toHaveLength(2);
    // The visitor side is idempotent the same way.
    const conv = await visitorConversation(inbox.websiteToken);
    const vid = unique('v');
    const a = await visitorSays(conv.visitorToken, 'double', vid);
    const b = await visitorSays(conv.visitorToken, 'double', vid);
    expect(b.duplicate).toBe(true);
    expect(b.message.id).toBe(a.message.id);
    expect((await call('GET', `/api/conversations/${conv.id}`, { token: ws.token })).body.messageCount).toBe(2);
  });

  it('refuses a message without text or attachments (400 naming text) and other bad input', async () => {
    const { id } = await visitorConversation(inbox.websiteToken);
    expectProblem(await post(id, {}), 400, 'text');
    expectProblem(await post(id, { text: '' }), 400, 'text');
    expectProblem(await post(id, { text: '   \n ', attachments: [] }), 400, 'text');
    expectProblem(await post(id, { text: 'x'.repeat(10_001) }), 400, 'text');
    expectProblem(await post(id, { text: 'hi', isInternalNote: 'yes' }), 400, 'isInternalNote');
    expectProblem(await post(id, { text: 'hi', clientId: '' }), 400, 'clientId');
    expectProblem(await post(id, { text: 'hi', attachments: [{ key: 'x' }] }), 400, /^attachments\.0/);
    expectProblem(await post('cnv_00000000000000000000', { text: 'hi' }), 404);
    expect((await call('GET', `/api/conversations/${id}`, { token: ws.token })).body.messageCount).toBe(1);
  });

  it('pages messages with before/after cursors and hasMore', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'm0');
    for (let i = 1; i <= 6; i++) expect((await post(conv.id, { text: `m${i}` })).status).toBe(201);
    const get = async (query: string) => {
      const res = await call('GET', `/api/conversations/${conv.id}/messages${query}`, { token: ws.token });
      expect(res.status).toBe(200);
      return res.body as { items: { seq: number; text: string }[]; hasMore: boolean; seq: number };
    };
    const everything = await get('');
    expect(everything.items.map((m) => m.text)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    expect(everything.hasMore).toBe(false);
    const seqs = everything.items.map((m) => m.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);

    // Backwards from the newest.
    const last = await get('?limit=3');
    expect(last.items.map((m) => m.text)).toEqual(['m4', 'm5', 'm6']);
    expect(last.hasMore).toBe(true);
    const middle = await get(`?limit=3&before=${last.items[0].seq}`);
    expect(middle.items.map((m) => m.text)).toEqual(['m1', 'm2', 'm3']);
    expect(middle.hasMore).toBe(true);
    const first = await get(`?limit=3&before=${middle.items[0].seq}`);
    expect(first.items.map((m) => m.text)).toEqual(['m0']);
    expect(first.hasMore).toBe(false);

    // Forwards from the start.
    const f1 = await get('?limit=3&after=0');
    expect(f1.items.map((m) => m.text)).toEqual(['m0', 'm1', 'm2']);
    expect(f1.hasMore).toBe(true);
    const f2 = await get(`?limit=3&after=${f1.items[2].seq}`);
    expect(f2.items.map((m) => m.text)).toEqual(['m3', 'm4', 'm5']);
    expect(f2.hasMore).toBe(true);
    const f3 = await get(`?limit=3&after=${f2.items[2].seq}`);
    expect(f3.items.map((m) => m.text)).toEqual(['m6']);
    expect(f3.hasMore).toBe(false);
    expect((await get(`?after=${f3.items[0].seq}`)).items).toEqual([]);

    expectProblem(await call('GET', `/api/conversations/${conv.id}/messages?after=-1`, { token: ws.token }), 400, 'after');
    expectProblem(await call('GET', `/api/conversations/${conv.id}/messages?before=abc`, { token: ws.token }), 400, 'before');
    expectProblem(await call('GET', `/api/conversations/${conv.id}/messages?limit=0`, { token: ws.token }), 400, 'limit');
  });

  it('shows internal notes to agents but never to the visitor', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'Where is my parcel?');
    await post(conv.id, { text: 'Checking the courier now', clientId: unique('r') });
    await post(conv.id, { text: 'NOTE: courier lost it, refund', isInternalNote: true });
    const agent = await call('GET', `/api/conversations/${conv.id}/messages`, { token: ws.token });
    expect(agent.body.items.map((m: { text: string }) => m.text)).toEqual(['Where is my parcel?', 'Checking the courier now', 'NOTE: courier lost it, refund']);
    const widget = await call('GET', '/widget/api/messages', { token: conv.visitorToken });
    expect(widget.status).toBe(200);
    expect(widget.body.conversationId).toBe(conv.id);
    expect(widget.body.items.map((m: { text: string }) => m.text)).toEqual(['Where is my parcel?', 'Checking the courier now']);
    expect(JSON.stringify(widget.body)).not.toContain('refund');
    expect(widget.body.items.every((m: { isInternalNote: boolean }) => !m.isInternalNote)).toBe(true);
  });

  it('GET events?after=N returns the events with seq > N, in order, ending at the current seq', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'first');
    await post(conv.id, { text: 'reply' });
    await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { priority: 'high', status: 'pending' } });
    await post(conv.id, { text: 'a note', isInternalNote: true });
    const get = (query: string) => call('GET', `/api/conversations/${conv.id}/events${query}`, { token: ws.token });
    const all = await get('?after=0');
    expect(all.status).toBe(200);
    const seqs: number[] = all.body.items.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(seqs.at(-1)).toBe(all.body.seq);
    expect(all.body.items.map((e: { type: string }) => e.type)).toEqual([
      'conversation.created',
      'message.received',
      'message.created',
      'conversation.status_changed',
      'conversation.updated',
      'message.created',
    ]);
    expect(all.body.items[1].message).toMatchObject({ text: 'first', direction: 'inbound' });
    const n = seqs.length - 2;
    const tail = await get(`?after=${n}`);
    expect(tail.body.items.map((e: { seq: number }) => e.seq)).toEqual([n + 1, n + 2]);
    expect((await get(`?after=${all.body.seq}`)).body.items).toEqual([]);
    expect((await get('?after=0&limit=2')).body.items.map((e: { seq: number }) => e.seq)).toEqual([1, 2]);
    expectProblem(await get(''), 400, 'after');
    expectProblem(await get('?after=x'), 400, 'after');
  });

  it('read position: POST /read clears the unread count until the customer writes again', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'one');
    await visitorSays(conv.visitorToken, 'two');
    expect((await call('GET', `/api/conversations/${conv.id}`, { token: ws.token })).body.unreadCount).toBe(2);
    const read = await call('POST', `/api/conversations/${conv.id}/read`, { token: ws.token, body: {} });
    expect(read.body).toEqual({ lastReadSeq: expect.any(Number), unread: 0 });
    await visitorSays(conv.visitorToken, 'three');
    expect((await call('GET', `/api/conversations/${conv.id}`, { token: ws.token })).body.unreadCount).toBe(1);
    expectProblem(await call('POST', `/api/conversations/${conv.id}/read`, { token: ws.token, body: { seq: -1 } }), 400, 'seq');
    await eventually(async () => {
      const p = await listConversations(ws.token, { unread: 'true' });
      return p.body.items.find((i) => i.id === conv.id)?.unreadCount === 1;
    });
  });
});
