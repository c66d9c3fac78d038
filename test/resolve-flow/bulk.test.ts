// The bulk bar's newer actions: assign to a team (within the caller's rights), delete (managers only,
// as DELETE /conversations/:id does, audit included) and export the selection as CSV or JSON with the
// analytics conversations export's columns.
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONVERSATION_COLUMNS } from '../../worker/analytics/queries';
import { BASE, addMember, call, createTeam, expectProblem, listWhen, newWorkspace, visitorConversation, webchatInbox, type Workspace } from '../helpers';
import { SELF } from 'cloudflare:test';

let ws: Workspace;
let other: Workspace;
let inbox: { id: string; websiteToken: string };

beforeAll(async () => {
  [ws, other] = await Promise.all([newWorkspace('Bulk more'), newWorkspace('Elsewhere')]);
  inbox = await webchatInbox(ws);
});

async function conversations(n: number, text = 'bulk'): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await visitorConversation(inbox.websiteToken, `${text} ${i}`)).id);
  return out;
}
const bulk = (body: unknown, token = ws.token) => call('POST', '/api/conversations/bulk', { token, body });
const state = async (id: string) => (await call('GET', `/api/conversations/${id}`, { token: ws.token })).body;

/** The raw export response (a stream: read as text). */
async function exported(body: unknown, token = ws.token) {
  const res = await SELF.fetch(`${BASE}/api/conversations/bulk/export`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('bulk assign to a team', () => {
  it('sets the team with undo information; null takes them out of it', async () => {
    const team = await createTeam(ws, 'Billing');
    const ids = await conversations(3, 'team');
    const res = await bulk({ ids, action: 'team', teamId: team });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ succeeded: 3, failed: 0 });
    expect(res.body.results[0].previous).toMatchObject({ teamId: null, status: 'open' });
    for (const id of ids) expect((await state(id)).teamId).toBe(team);
    const cleared = await bulk({ ids: ids.slice(0, 1), action: 'team', teamId: null });
    expect(cleared.body.results[0].previous.teamId).toBe(team);
    expect((await state(ids[0])).teamId).toBeNull();
  });

  it('respects rights: no such team is 400, the personal role cannot, staff only where they see the conversation', async () => {
    const team = await createTeam(ws, 'Front desk');
    const staff = await addMember(ws, 'staff');
    const personal = await addMember(ws, 'personal');
    const [mine, someoneElses] = await conversations(2, 'rights');
    await call('PATCH', `/api/conversations/${someoneElses}`, { token: ws.token, body: { assigneeId: ws.userId } });

    expectProblem(await bulk({ ids: [mine], action: 'team', teamId: 'team_nope' }), 400, 'teamId');
    expectProblem(await bulk({ ids: [mine], action: 'team' }), 400, 'teamId');
    expectProblem(await bulk({ ids: [mine], action: 'team', teamId: team }, personal.token), 403);

    const res = await bulk({ ids: [mine, someoneElses], action: 'team', teamId: team }, staff.token);
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([
      expect.objectContaining({ id: mine, ok: true }),
      expect.objectContaining({ id: someoneElses, ok: false, status: 403 }),
    ]);
    expect((await state(someoneElses)).teamId).toBeNull();
    // Another workspace's team is no team here.
    const theirs = await createTeam(other, 'Theirs');
    expectProblem(await bulk({ ids: [mine], action: 'team', teamId: theirs }), 400, 'teamId');
  });
});

describe('bulk delete', () => {
  it('is refused to staff and the personal role, whatever they name', async () => {
    const ids = await conversations(2, 'keep');
    const staff = await addMember(ws, 'staff');
    const personal = await addMember(ws, 'personal');
    expectProblem(await bulk({ ids, action: 'delete' }, staff.token), 403);
    expectProblem(await bulk({ filter: { status: 'open' }, action: 'delete' }, personal.token), 403);
    for (const id of ids) expect((await state(id)).id).toBe(id);
  });

  it('deletes each as DELETE does: gone from lists, contacts kept, one audit entry each; unknown ids fail alone', async () => {
    const ids = await conversations(3, 'forget');
    // The assistant's record of one (its draft holds the customer's words) goes with it.
    await call('POST', `/api/conversations/${ids[0]}/assistant/take-over`, { token: ws.token });
    expect(await env.DB.prepare(`SELECT count(*) AS n FROM ai_conversations WHERE id = ?`).bind(ids[0]).first('n')).toBe(1);
    const res = await bulk({ ids: [...ids, 'cnv_nope'], action: 'delete' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ succeeded: 3, failed: 1 });
    expect(res.body.results.find((r: { id: string }) => r.id === 'cnv_nope')).toMatchObject({ ok: false, status: 404 });
    for (const id of ids) {
      expectProblem(await call('GET', `/api/conversations/${id}`, { token: ws.token }), 404);
      expect(await env.DB.prepare(`SELECT count(*) AS n FROM conversations WHERE id = ?`).bind(id).first('n')).toBe(0);
      expect(await env.DB.prepare(`SELECT count(*) AS n FROM ai_conversations WHERE id = ?`).bind(id).first('n')).toBe(0);
      expect(await env.DB.prepare(`SELECT deleted_by FROM conversation_deletions WHERE conversation_id = ?`).bind(id).first('deleted_by')).toBe(ws.userId);
    }
    // Another workspace's manager naming these ids deletes nothing of ours.
    const [kept] = await conversations(1, 'theirs');
    const foreign = await bulk({ ids: [kept], action: 'delete' }, other.token);
    expect(foreign.body).toMatchObject({ succeeded: 0, failed: 1 });
    expect((await state(kept)).id).toBe(kept);
  });
});

describe('bulk export', () => {
  it('CSV: the analytics export columns, one row per conversation in the given order, as an attachment', async () => {
    const team = await createTeam(ws, 'Export team');
    const ids = await conversations(3, 'export');
    await call('PATCH', `/api/conversations/${ids[1]}`, { token: ws.token, body: { status: 'closed', teamId: team } });
    await listWhen(ws.token, { status: 'closed' }, (p) => p.items.some((i) => i.id === ids[1]));
    const res = await exported({ ids: [ids[2], ids[1], ids[0]], format: 'csv' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="parley-conversations-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = res.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(CONVERSATION_COLUMNS.join(','));
    expect(lines).toHaveLength(4);
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [CONVERSATION_COLUMNS[i], v])));
    expect(rows.map((r) => r.conversation_id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(rows[1]).toMatchObject({ channel: 'webchat', inbox_id: inbox.id, team_id: team, status: 'closed' });
    expect(rows[1].resolved_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(rows[0]).toMatchObject({ status: 'open', resolved_at: '' });
    expect(rows[0].created_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('JSON: the same fields; a filter selects as the list does; a staff member gets only what they see', async () => {
    const staff = await addMember(ws, 'staff');
    const [free, taken] = await conversations(2, 'jsonexport');
    await call('PATCH', `/api/conversations/${taken}`, { token: ws.token, body: { assigneeId: ws.userId } });
    await listWhen(ws.token, { q: 'jsonexport' }, (p) => p.items.length === 2 && p.items.some((i) => i.id === taken && i.assigneeId === ws.userId));

    const res = await exported({ filter: { q: 'jsonexport' }, format: 'json' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const items = JSON.parse(res.text) as Record<string, unknown>[];
    expect(items.map((i) => i.conversation_id).sort()).toEqual([free, taken].sort());
    expect(Object.keys(items[0])).toEqual([...CONVERSATION_COLUMNS]);
    expect(items.find((i) => i.conversation_id === taken)).toMatchObject({ assignee_id: ws.userId, channel: 'webchat', status: 'open' });

    const theirs = JSON.parse((await exported({ ids: [free, taken], format: 'json' }, staff.token)).text) as Record<string, unknown>[];
    expect(theirs.map((i) => i.conversation_id)).toEqual([free]);
    const none = await exported({ ids: [free], format: 'json' }, other.token);
    expect(JSON.parse(none.text)).toEqual([]);
  });

  it('validates its input as problem+json', async () => {
    expectProblem(await call('POST', '/api/conversations/bulk/export', { token: ws.token, body: { ids: ['x'], format: 'xml' } }), 400, 'format');
    expectProblem(await call('POST', '/api/conversations/bulk/export', { token: ws.token, body: { format: 'csv' } }), 400, 'ids');
    expectProblem(await call('POST', '/api/conversations/bulk/export', { token: ws.token, body: { ids: Array.from({ length: 1001 }, (_, i) => `c${i}`) } }), 400, 'ids');
    // Nothing of theirs among the ids: the header alone.
    const empty = await exported({ ids: ['cnv_nope'] });
    expect(empty.status).toBe(200);
    expect(empty.text).toBe(`${CONVERSATION_COLUMNS.join(',')}\r\n`);
  });
});
