// Counts kept, not counted (migration 0044, worker/conversations/tallies.ts): the triggers keep
// conversation_tallies equal to a recount of the conversations through every kind of write, the list's
// status tabs and the navigation's counts read the tallies and the few rows their SLA, today and unread
// parts need, never the workspace's every conversation, and the answers are the list's own.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../worker/auth/principal';
import { navigationStatements } from '../../worker/conversations/counts';
import { countStatement } from '../../worker/conversations/list';
import { addMember, call, createTeam, eventually, expectProblem, listConversations, newWorkspace, visitorConversation, visitorSays, webchatInbox } from '../helpers';
import { contactRow, projectionRow } from '../sla/api-fixtures';

type Counts = { open: number; pending: number; snoozed: number; closed: number; all: number };

/** The tallies of a workspace and the same grouping counted from its conversations, as comparable lists. */
async function tallyAndRecount(workspaceId: string) {
  const key = `status || '|' || inbox_id || '|' || channel || '|' || coalesce(team_id, '-') || '|' || coalesce(assignee_id, '-')`;
  const tallies = await env.DB.prepare(`SELECT ${key} || '|' || archived || '|' || customer_wrote AS k, n FROM conversation_tallies WHERE workspace_id = ? ORDER BY k`)
    .bind(workspaceId)
    .all<{ k: string; n: number }>();
  const recount = await env.DB.prepare(
    `SELECT ${key} || '|' || (archived_at IS NOT NULL) || '|' || (last_customer_seq > 0) AS k, count(*) AS n FROM conversations WHERE workspace_id = ? GROUP BY k ORDER BY k`,
  )
    .bind(workspaceId)
    .all<{ k: string; n: number }>();
  return { tallies: tallies.results, recount: recount.results };
}

const scopeOf = (workspaceId: string) => ({ d1: env.DB, workspaceId, prepare: (sql: string, ...params: unknown[]) => env.DB.prepare(sql).bind(workspaceId, ...params) });
const principal = (workspaceId: string, userId: string, role: Principal['role'], teamIds: string[] = []): Principal =>
  ({ userId, workspaceId, name: 'x', email: 'x@example.com', role, teamIds, credentialId: 'c', via: 'session', scopes: [] }) as unknown as Principal;

async function plan(stmt: D1PreparedStatement): Promise<string> {
  // A prepared statement keeps its SQL and bindings private; the plan is of the same text and values.
  const { statement, params } = stmt as unknown as { statement: string; params: unknown[] };
  const rows = await env.DB.prepare(`EXPLAIN QUERY PLAN ${statement}`).bind(...params).all<{ detail: string }>();
  return rows.results.map((r) => r.detail).join(' | ');
}

describe('conversation tallies', () => {
  it('stay equal to a recount through creation, every counted change, archiving, a customer reply and deletion', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const staff = await addMember(ws, 'staff');
    const team = await createTeam(ws, 'Tallied', [staff.userId]);
    const convs: Awaited<ReturnType<typeof visitorConversation>>[] = [];
    for (let i = 0; i < 4; i++) convs.push(await visitorConversation(inbox.websiteToken, `hello ${i}`));
    const contact = await contactRow(ws);
    // Rows without a customer message (as an outbound start leaves them), and one archived.
    await projectionRow(ws, contact, {});
    await projectionRow(ws, contact, { status: 'closed', archivedAt: Date.now() - 1000 });
    // An empty assignee, as the API let one be stored before it refused them: a tally of its own, not the
    // unassigned's (it never counted as unassigned).
    await projectionRow(ws, contact, { assigneeId: '' });
    expectProblem(await call('PATCH', `/api/conversations/${convs[0].id}`, { token: ws.token, body: { assigneeId: '' } }), 400, 'assigneeId');
    expectProblem(await call('PATCH', `/api/conversations/${convs[0].id}`, { token: ws.token, body: { teamId: '' } }), 400, 'teamId');
    expectProblem(await call('POST', `/api/conversations/${convs[0].id}/transfer`, { token: ws.token, body: { assigneeId: '' } }), 400, 'assigneeId');

    const patch = (id: string, body: Record<string, unknown>) => call('PATCH', `/api/conversations/${id}`, { token: ws.token, body });
    expect((await patch(convs[0].id, { assigneeId: staff.userId, teamId: team })).status).toBe(200);
    expect((await patch(convs[1].id, { status: 'pending' })).status).toBe(200);
    expect((await patch(convs[2].id, { status: 'closed' })).status).toBe(200);
    expect((await patch(convs[2].id, { archived: true })).status).toBe(200);
    expect((await patch(convs[0].id, { assigneeId: null })).status).toBe(200);
    await visitorSays(convs[1].visitorToken, 'still there?'); // a reply reopens it
    expect((await call('DELETE', `/api/conversations/${convs[3].id}`, { token: ws.token })).status).toBeLessThan(300);

    await eventually(async () => {
      const rows = await env.DB.prepare(`SELECT status, assignee_id, archived_at FROM conversations WHERE id IN (?, ?, ?)`).bind(convs[0].id, convs[1].id, convs[2].id).all<Record<string, unknown>>();
      return rows.results.length === 3 && rows.results.every((r) => r.assignee_id === null) && rows.results.some((r) => r.archived_at !== null) && rows.results.filter((r) => r.status === 'open').length === 2;
    });
    const { tallies, recount } = await tallyAndRecount(ws.workspaceId);
    expect(tallies).toEqual(recount);
    expect(tallies.every((t) => t.n > 0)).toBe(true); // a combination emptied is removed, not left at 0
    expect(tallies.reduce((n, t) => n + t.n, 0)).toBe(6);
    const counts = (await call('GET', '/api/conversations/counts', { token: ws.token })).body.views as Record<string, Counts>;
    // Every tab counts the same whichever tab is open: the closed tab leaves archived ones out, so the open
    // list's count of it must too.
    const tabs = async (status: string) => (await listConversations(ws.token, { status, limit: 1 })).body.counts;
    expect(await tabs('open')).toEqual(await tabs('closed'));
    expect((await tabs('closed')).closed).toBe((await listConversations(ws.token, { status: 'closed', limit: 50 })).body.items.length);
    expect(counts.unassigned.all).toBe((await listConversations(ws.token, { assignee: 'unassigned', limit: 1 })).body.counts.all);
  });

  it('give the unread count from the caller’s read positions: read, then written to again', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const a = await visitorConversation(inbox.websiteToken, 'first');
    const b = await visitorConversation(inbox.websiteToken, 'second');
    const contact = await contactRow(ws);
    await projectionRow(ws, contact, {}); // no customer message: never unread
    const unread = async () => (await call('GET', '/api/conversations/counts', { token: ws.token })).body.views.unread as Counts;
    // The Unread view's own tabs, and every conversation counted the long way (what the list's rows say).
    const listed = async () => {
      const counts = (await listConversations(ws.token, { unread: 'true', status: 'open', limit: 1 })).body.counts as Counts;
      const rows = await env.DB.prepare(
        `SELECT c.status, count(*) AS n FROM conversations c LEFT JOIN conversation_reads r ON r.conversation_id = c.id AND r.user_id = ?
         WHERE c.workspace_id = ? AND c.last_customer_seq > coalesce(r.last_read_seq, 0) AND (c.status <> 'closed' OR c.archived_at IS NULL) GROUP BY c.status`,
      )
        .bind(ws.userId, ws.workspaceId)
        .all<{ status: keyof Counts; n: number }>();
      const long = { open: 0, pending: 0, snoozed: 0, closed: 0, all: 0 };
      for (const r of rows.results) (long[r.status] = r.n), (long.all += r.n);
      expect(counts).toEqual(long);
      return counts;
    };

    await eventually(async () => (await unread()).all === 2);
    expect((await call('POST', `/api/conversations/${a.id}/read`, { token: ws.token, body: {} })).status).toBe(200);
    await eventually(async () => (await unread()).all === 1);
    expect(await unread()).toEqual(await listed());
    await visitorSays(a.visitorToken, 'one more thing');
    await eventually(async () => (await unread()).all === 2);
    expect(await unread()).toEqual(await listed());
    expect(b.id).toBeTruthy();
  });

  it('bind a staff member’s team ids once per statement: a member of 48 teams gets every count', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const staff = await addMember(ws, 'staff');
    const teams: string[] = [];
    for (let i = 0; i < 48; i++) teams.push(await createTeam(ws, `Many ${i}`, [staff.userId]));
    const conv = await visitorConversation(inbox.websiteToken, 'hello');
    expect((await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { teamId: teams[47] } })).status).toBe(200);
    const res = await eventually(async () => {
      const r = await call('GET', '/api/conversations/counts?list=true&unread=true', { token: staff.token });
      return r.status === 200 && r.body.views.all.all === 1 ? r : null;
    });
    expect(res.body.views[`team:${teams[47]}`].all).toBe(1);
    expect(res.body.list.all).toBe(1);
  });

  it('answer the list’s status tabs for status, inbox, channel, team and assignee filters; other filters count rows', () => {
    const scope = scopeOf('ws_plan');
    const p = principal('ws_plan', 'usr_a', 'staff', ['team_a']);
    const sql = (f: Parameters<typeof countStatement>[2]) => (countStatement(scope as never, p, f) as unknown as { statement: string }).statement;
    for (const f of [{}, { status: ['open'] }, { inboxId: 'inb_1', channel: ['sms'] }, { teamId: 'team_a', assignee: 'me' }, { assignee: 'unassigned', archived: true }, { unread: false, tag: [] }, { unread: true, teamId: 'team_a' }]) {
      expect(sql(f)).toContain('FROM conversation_tallies');
    }
    for (const f of [{ q: 'refund' }, { tag: ['vip'] }, { unread: true, tag: ['vip'] }, { sla: ['breached' as const] }, { escalated: false }, { updatedAfter: 1 }, { priority: ['high'] }, { contactId: 'ct' }]) {
      expect(sql(f)).not.toContain('conversation_tallies');
    }
  });

  it('navigation counts seek the tallies and the SLA, escalation, today and read-position indexes, never every conversation', async () => {
    const scope = scopeOf('ws_plan');
    for (const p of [principal('ws_plan', 'usr_m', 'manager'), principal('ws_plan', 'usr_a', 'staff', ['team_a', 'team_b'])]) {
      const [grouped, flagged, today, unread, , list] = navigationStatements(scope as never, p, { since: 0, list: { status: ['open'] } }, Date.now());
      expect(await plan(grouped)).toMatch(/^SEARCH c USING INDEX conversation_tallies_key/);
      const f = await plan(flagged);
      expect(f.match(/SEARCH c USING INDEX conv_ws_sla \(workspace_id=\? AND sla_status=\?/g)).toHaveLength(2);
      expect(f).toMatch(/SEARCH c USING INDEX conv_ws_escalated \(workspace_id=\? AND escalated_at>\?\)/);
      expect(await plan(today)).toMatch(/^SEARCH c USING COVERING INDEX conv_ws_updated \(workspace_id=\? AND updated_at>\?\)/);
      // Unread: the tallies, less the caller's read positions, each with its conversation by id.
      const u = await plan(unread);
      expect(u).toMatch(/SEARCH c USING INDEX conversation_tallies_key \(workspace_id=\?/);
      expect(u).toMatch(/SEARCH r USING INDEX sqlite_autoindex_conversation_reads_1 \(user_id=\?\) \| SEARCH c USING INDEX sqlite_autoindex_conversations_1 \(id=\?\)/);
      expect(u).not.toMatch(/conv_ws_/);
      expect(await plan(list)).toMatch(/^SEARCH c USING INDEX conversation_tallies_key/);
    }
  });
});
