// GET /api/conversations by SLA: filters sla / escalated / flagged / archived, the `sla` sort with its
// keyset cursor, the new row fields, PATCH flagged, and the query plans (conv_ws_sla, conv_ws_escalated).
// The list is a projection query, so the rows are written straight into D1.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../worker/auth/principal';
import { listConversations as listQuery, type ListFilters } from '../../worker/conversations/list';
import { database, WorkspaceScope } from '../../worker/db/scope';
import { addMember, call, eventually, expectProblem, listConversations, newWorkspace, visitorConversation, webchatInbox, type Workspace } from '../helpers';
import { contactRow, projectionRow } from '../sla/api-fixtures';

const MIN = 60_000;

async function fixture() {
  const ws = await newWorkspace();
  const contact = await contactRow(ws);
  const now = Date.now();
  const row = (r: Parameters<typeof projectionRow>[2]) => projectionRow(ws, contact, r);
  const ids = {
    breached: await row({ slaStatus: 'breached', slaDueAt: now - 10 * MIN, escalationLevel: 1, escalatedAt: now - 5 * MIN, flagged: true }),
    warning: await row({ slaStatus: 'warning', slaDueAt: now + 30 * MIN }),
    okSoon: await row({ slaStatus: 'ok', slaDueAt: now + 40 * MIN, status: 'pending' }),
    okLater: await row({ slaStatus: 'ok', slaDueAt: now + 3 * 60 * MIN }),
    none: await row({}),
    closed: await row({ status: 'closed' }),
    archived: await row({ status: 'closed', archivedAt: now - MIN, flagged: true }),
  };
  return { ws, contact, ids, now };
}

const idsOf = (page: { items: { id: string }[] }) => page.items.map((i) => i.id);
const list = async (ws: Workspace, query: Record<string, string | number | boolean | undefined>) => {
  const res = await listConversations(ws.token, query);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

describe('SLA filters and sort', () => {
  it('filters by SLA state, escalation, flag and archive; counts follow the filters', async () => {
    const { ws, ids } = await fixture();
    const sorted = (xs: string[]) => [...xs].sort();
    expect(sorted(idsOf(await list(ws, { sla: 'breached' })))).toEqual([ids.breached]);
    expect(sorted(idsOf(await list(ws, { sla: 'warning' })))).toEqual([ids.warning]);
    expect(sorted(idsOf(await list(ws, { sla: 'breaching_soon' })))).toEqual(sorted([ids.warning, ids.okSoon]));
    expect(sorted(idsOf(await list(ws, { sla: 'ok' })))).toEqual(sorted([ids.okSoon, ids.okLater]));
    expect(sorted(idsOf(await list(ws, { sla: 'breached,breaching_soon' })))).toEqual(sorted([ids.breached, ids.warning, ids.okSoon]));
    expect(sorted(idsOf(await list(ws, { sla: 'ok,breaching_soon' })))).toEqual(sorted([ids.warning, ids.okSoon, ids.okLater]));
    expectProblem(await listConversations(ws.token, { sla: 'late' }), 400, 'sla');

    expect(idsOf(await list(ws, { escalated: true }))).toEqual([ids.breached]);
    expect(sorted(idsOf(await list(ws, { escalated: false })))).toEqual(sorted([ids.warning, ids.okSoon, ids.okLater, ids.none, ids.closed]));
    // The archived one is flagged too, but archived conversations stay out unless asked for.
    expect(idsOf(await list(ws, { flagged: true }))).toEqual([ids.breached]);
    expect(sorted(idsOf(await list(ws, { flagged: true, archived: true })))).toEqual([ids.archived]);
    expect(idsOf(await list(ws, { flagged: false })).length).toBe(5);
    expectProblem(await listConversations(ws.token, { escalated: 'yes' }), 400, 'escalated');

    const all = await list(ws, {});
    expect(all.items).toHaveLength(6);
    expect(idsOf(all)).not.toContain(ids.archived);
    expect(all.counts).toEqual({ open: 4, pending: 1, snoozed: 0, closed: 1, all: 6 });
    const archived = await list(ws, { archived: true });
    expect(idsOf(archived)).toEqual([ids.archived]);
    expect(archived.counts).toMatchObject({ closed: 1, all: 1 });
    expect((await list(ws, { sla: 'breaching_soon' })).counts).toEqual({ open: 1, pending: 1, snoozed: 0, closed: 0, all: 2 });
    // Archived stays searchable: a search includes it, unless archived=false says otherwise.
    expect(idsOf(await list(ws, { q: 'Contact' }))).toContain(ids.archived);
    expect(idsOf(await list(ws, { q: 'Contact', archived: false }))).not.toContain(ids.archived);
  });

  it('sorts by the earliest deadline (no deadline last) and pages with a keyset cursor', async () => {
    const { ws, ids } = await fixture();
    const first = await list(ws, { sort: 'sla', limit: 2 });
    expect(idsOf(first)).toEqual([ids.breached, ids.warning]);
    const seen = [...idsOf(first)];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await list(ws, { sort: 'sla', limit: 2, cursor });
      seen.push(...idsOf(page));
      cursor = page.nextCursor;
    }
    expect(seen.slice(0, 4)).toEqual([ids.breached, ids.warning, ids.okSoon, ids.okLater]);
    expect([...seen.slice(4)].sort()).toEqual([ids.none, ids.closed].sort());
    expect(seen).toHaveLength(6);
    // A cursor of another sort does not fit this one.
    const recent = await list(ws, { sort: 'priority', limit: 1 });
    expectProblem(await listConversations(ws.token, { sort: 'sla', cursor: recent.nextCursor! }), 400, 'cursor');

    const row = first.items[0] as Record<string, unknown>;
    expect(row).toMatchObject({ slaStatus: 'breached', escalationLevel: 1, flagged: true, archivedAt: null });
    expect(row.slaDueAt).toEqual(expect.any(Number));
    expect(row.escalatedAt).toEqual(expect.any(Number));
    expect(first.items[1]).toMatchObject({ slaStatus: 'warning', escalationLevel: null, escalatedAt: null, flagged: false });
  });

  it('keeps role visibility on SLA filters', async () => {
    const { ws, contact, ids } = await fixture();
    const staff = await addMember(ws, 'staff');
    const someoneElse = await addMember(ws, 'staff');
    const theirs = await projectionRow(ws, contact, { slaStatus: 'breached', slaDueAt: Date.now() - MIN, assigneeId: someoneElse.userId });
    const staffView = await listConversations(staff.token, { sla: 'breached' });
    expect(idsOf(staffView.body)).toEqual([ids.breached]);
    expect(idsOf(await list(ws, { sla: 'breached' })).sort()).toEqual([ids.breached, theirs].sort());
  });

  it('uses the SLA and escalation indexes', async () => {
    const { ws } = await fixture();
    const plan = async (f: Partial<ListFilters>) => {
      const seen: { sql: string; params: unknown[] }[] = [];
      // A D1 that records each statement it is given, to ask SQLite for the same statement's plan.
      const recording = {
        prepare: (sql: string) => {
          const st = env.DB.prepare(sql);
          return { bind: (...params: unknown[]) => (seen.push({ sql, params }), st.bind(...params)) };
        },
        batch: (sts: D1PreparedStatement[]) => env.DB.batch(sts),
      } as unknown as D1Database;
      const p: Principal = { userId: ws.userId, workspaceId: ws.workspaceId, name: 'M', email: ws.email, role: 'manager', teamIds: [], credentialId: 'x', via: 'session', scopes: ['read', 'write', 'admin'] };
      await listQuery(new WorkspaceScope(database(env.DB), recording, ws.workspaceId), p, { sort: 'recent', limit: 50, ...f });
      const details = async (i: number) =>
        (await env.DB.prepare(`EXPLAIN QUERY PLAN ${seen[i].sql}`).bind(...seen[i].params).all<{ detail: string }>()).results.map((r) => r.detail).join('\n');
      return { page: await details(0), counts: await details(1) };
    };
    const breached = await plan({ sla: ['breached'], sort: 'sla' });
    expect(breached.page).toMatch(/conv_ws_sla/);
    expect(breached.counts).toMatch(/conv_ws_sla/);
    // Even sorted by recency, the few breached rows are sought rather than found by walking conv_ws_recent.
    expect((await plan({ sla: ['breached', 'warning'] })).page).toMatch(/conv_ws_sla/);
    const soon = await plan({ sla: ['breaching_soon'] });
    expect(soon.page).toMatch(/conv_ws_sla/);
    expect(soon.counts).toMatch(/conv_ws_sla/);
    const escalated = await plan({ escalated: true });
    expect(escalated.page).toMatch(/conv_ws_escalated/);
    expect(escalated.counts).toMatch(/conv_ws_escalated/);
  });
});

describe('PATCH flagged', () => {
  it('sets and clears the flag, and the list filters on it', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const conv = await visitorConversation(inbox.websiteToken, 'Something is wrong');
    expectProblem(await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { flagged: 'yes' } }), 400, 'flagged');
    const res = await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { flagged: true } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.flagged).toBe(true);
    await eventually(async () => idsOf((await listConversations(ws.token, { flagged: true })).body).includes(conv.id));
    expect((await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { flagged: false } })).body.flagged).toBe(false);
    await eventually(async () => idsOf((await listConversations(ws.token, { flagged: false })).body).includes(conv.id));
  });
});
