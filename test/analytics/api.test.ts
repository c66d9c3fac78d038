// /api/analytics over real facts: a conversation driven through the API and the event stream (the
// figures computed by hand from its own event times), hand-timed streams folded by the real subscriber
// into a real workspace (medians, buckets, hours of day, agents, transfers), role scoping, bad input,
// and the streamed CSV export.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { RELATIVE_ERROR } from '../../worker/analytics/histogram';
import { stats } from '../../worker/analytics/metrics';
import { foldBatch } from '../../worker/analytics/subscriber';
import type { ConversationEvent } from '../../worker/conversations/model';
import { conversationStub } from '../../worker/conversations/service';
import { addMember, call, createTeam, eventually, expectProblem, newWorkspace, qs, unique, visitor, visitorSays, webchatInbox, type Workspace } from '../helpers';
import { S, Stream } from './fold';

const H = 3600 * S;
/** Monday 2 November 2026, 00:00 UTC: the hand-timed streams live in the week after. */
const MON = Date.UTC(2026, 10, 2);

/** Waits until the facts row has folded every event the conversation has. */
async function factsSettled(ws: Workspace, conversationId: string) {
  const stub = conversationStub(env, ws.workspaceId, conversationId);
  await stub.settled();
  const seq = (await stub.state())!.seq;
  return eventually(() => env.DB.prepare(`SELECT * FROM conversation_facts WHERE conversation_id = ? AND last_seq >= ?`).bind(conversationId, seq).first<Record<string, any>>());
}

async function eventsOf(ws: Workspace, conversationId: string): Promise<ConversationEvent[]> {
  return (await conversationStub(env, ws.workspaceId, conversationId).events(0, 500, true)) as unknown as ConversationEvent[];
}

/** A percentile read off the rollups' histogram bins against the exact nearest-rank value. */
function near(actual: number | null, exact: number | null) {
  if (exact === null) return expect(actual).toBeNull();
  expect(Math.abs(Number(actual) - exact)).toBeLessThanOrEqual(exact * RELATIVE_ERROR + 0.001);
}

const get = (ws: { token: string }, path: string, query: Record<string, string | number | undefined> = {}) => call('GET', `/api/analytics/${path}${qs(query)}`, { token: ws.token });

/** Two values of the analytics API: medians and p90 within the bin error, everything else equal. */
function sameFigures(binned: any, exact: any, path = ''): void {
  if (binned === null || typeof binned !== 'object') {
    if (/\.(median|p90)$/.test(path)) return near(binned, exact);
    return expect({ path, value: binned }).toEqual({ path, value: exact });
  }
  expect(Object.keys(binned).sort()).toEqual(Object.keys(exact).sort());
  for (const k of Object.keys(binned)) sameFigures(binned[k], exact[k], `${path}.${k}`);
}
/** The per-agent table from the rollups against the exact one: the same agents in the same order, each figure agreeing. */
const sameAgents = (binned: any[], exact: any[]) => sameFigures(binned, exact);

describe('analytics through the event stream', () => {
  it('a conversation answered, closed, reopened by the customer and answered again: each figure from its own event times', async () => {
    const ws = await newWorkspace();
    // A calendar that never opens: every business-hours figure is 0 while the wall clock runs.
    expect((await call('PATCH', '/api/workspace', { token: ws.token, body: { businessHours: {} } })).status).toBe(200);
    const inbox = await webchatInbox(ws);
    const v = await visitor(inbox.websiteToken, { name: 'Ada' });
    const { conversationId: id } = await visitorSays(v.visitorToken, 'My parcel never arrived');
    const reply = (text: string) => call('POST', `/api/conversations/${id}/messages`, { token: ws.token, body: { text, clientId: unique('c') } });
    expect((await call('POST', `/api/conversations/${id}/messages`, { token: ws.token, body: { text: 'internal: check courier', isInternalNote: true, clientId: unique('c') } })).status).toBe(201);
    expect((await reply('Looking into it')).status).toBe(201);
    expect((await call('PATCH', `/api/conversations/${id}`, { token: ws.token, body: { status: 'closed' } })).status).toBe(200);
    await visitorSays(v.visitorToken, 'It still has not arrived');
    expect((await reply('Sending a new one today')).status).toBe(201);
    expect((await call('PATCH', `/api/conversations/${id}`, { token: ws.token, body: { status: 'closed' } })).status).toBe(200);
    const facts = await factsSettled(ws, id);

    const events = await eventsOf(ws, id);
    const at = (pred: (e: ConversationEvent) => boolean, nth = 0) => events.filter(pred)[nth].at;
    const inbound = (n: number) => at((e) => e.type === 'message.received', n);
    const outbound = (n: number) => at((e) => e.type === 'message.created' && e.data.isInternalNote !== true, n);
    const closed = (n: number) => at((e) => e.type === 'conversation.status_changed' && e.data.to === 'closed', n);
    const reopenedAt = at((e) => e.type === 'conversation.status_changed' && e.data.from === 'closed');
    // Times run from the conversation's own creation instant (the envelope's createdAt).
    const created = (await conversationStub(env, ws.workspaceId, id).state())!.createdAt;
    const sec = (ms: number) => ms / 1000;
    const first1 = sec(outbound(0) - inbound(0));
    const first2 = sec(outbound(1) - inbound(1));
    expect(facts).toMatchObject({ messages_in: 2, messages_out: 2, reopens: 1, responses: 2, first_response_s: first1, first_response_bh_s: 0, resolution_s: sec(closed(1) - created), status: 'closed' });

    // The exact fact-level overview: nearest-rank values.
    const o = (await get(ws, 'overview', { exact: 'true' })).body;
    expect(o.conversations).toEqual({ created: 1, resolved: 2, reopened: 1, open: 0 });
    expect(o.firstResponse).toMatchObject({ count: 2, median: Math.min(first1, first2), p90: Math.max(first1, first2), businessHours: { median: 0, p90: 0 } });
    expect(o.firstResponse.byCycle).toEqual({
      initial: { count: 1, median: first1, avg: first1 },
      reopen: { count: 1, median: first2, avg: first2 },
    });
    expect(o.responseTime).toMatchObject({ count: 2, median: Math.min(first1, first2) });
    const res1 = sec(closed(0) - created);
    const res2 = sec(closed(1) - reopenedAt);
    expect(o.resolution).toMatchObject({ count: 2, median: Math.min(res1, res2), p90: Math.max(res1, res2), businessHours: { median: 0 } });
    expect(o.resolutionRate).toBe(1);
    expect(o.messages).toEqual({ in: 2, out: 2 });
    expect(o.slaCompliance).toEqual({ firstResponse: null, resolution: null });
    expect(o.csat).toEqual({ responses: 0, score: null, distribution: {} });
    // The default overview reads the rollups the subscriber kept: the same counts, means and rates, medians and
    // p90 within the histogram's bin error.
    const rolled = (await get(ws, 'overview')).body;
    expect(rolled.conversations).toEqual(o.conversations);
    expect(rolled.firstResponse).toMatchObject({ count: 2, avg: o.firstResponse.avg, businessHours: { median: 0, p90: 0, avg: 0 } });
    near(rolled.firstResponse.median, o.firstResponse.median);
    near(rolled.firstResponse.p90, o.firstResponse.p90);
    near(rolled.resolution.median, o.resolution.median);
    near(rolled.resolution.p90, o.resolution.p90);
    expect({ rate: rolled.resolutionRate, messages: rolled.messages, csat: rolled.csat }).toEqual({ rate: o.resolutionRate, messages: o.messages, csat: o.csat });

    // Redelivery of the whole stream changes nothing.
    const stored = (await env.DB.prepare(`SELECT * FROM conversation_facts WHERE conversation_id = ?`).bind(id).first())!;
    const envelope = (e: ConversationEvent) => ({ id: `${id}:${e.seq}`, workspaceId: ws.workspaceId, conversationId: id, seq: e.seq, type: e.type, at: e.at, actor: e.actor, data: e.data, commit: { first: e.seq, last: e.seq }, conversation: { contactId: v.contactId, inboxId: inbox.id, channel: 'webchat', status: 'open' as const, priority: 'normal' as const, assigneeId: null, teamId: null, tags: [], slaStatus: null, createdAt: created } });
    expect(await foldBatch(env.DB, events.map(envelope) as any)).toMatchObject({ written: 0 });
    expect(await env.DB.prepare(`SELECT * FROM conversation_facts WHERE conversation_id = ?`).bind(id).first()).toEqual(stored);
  });
});

/** A workspace with a team, a staff member in it, another staff member outside it, and a personal user. */
async function people() {
  const ws = await newWorkspace();
  const staff = await addMember(ws, 'staff');
  const other = await addMember(ws, 'staff');
  const personal = await addMember(ws, 'personal');
  const team = await createTeam(ws, unique('Support'), [staff.userId]);
  return { ws, staff, other, personal, team };
}

/** Folds hand-timed streams into the workspace through the subscriber's own code path. */
async function fold(...streams: Stream[]) {
  await foldBatch(
    env.DB,
    streams.flatMap((s) => s.events),
  );
}

describe('analytics over hand-timed streams', () => {
  it('medians and p90 in SQL are the nearest-rank values; timeseries by day and channel; hours of day in a time zone', async () => {
    const { ws } = await people();
    const streams: Stream[] = [];
    // Ten conversations on Tuesday (first responses 10…100 s), webchat and e-mail alternating; two on Wednesday.
    for (let i = 1; i <= 10; i++) {
      const t = MON + 24 * H + 9 * H + i * 60 * S;
      streams.push(new Stream(unique('cnv'), ws.workspaceId, t, { channel: i % 2 ? 'webchat' : 'email' }).customer(t).agent(t + i * 10 * S, ws.userId));
    }
    for (let i = 1; i <= 2; i++) {
      const t = MON + 48 * H + 15 * H;
      streams.push(new Stream(unique('cnv'), ws.workspaceId, t).customer(t).agent(t + 1000 * i * S, ws.userId).status(t + 2000 * S, 'closed'));
    }
    await fold(...streams);
    const range = { from: MON, to: MON + 7 * 24 * H, tz: 'UTC' };

    const o = (await get(ws, 'overview', { ...range, exact: 'true' })).body;
    // Twelve first responses: 10, 20, …, 100, 1000, 2000 → median rank 6 (60), p90 rank 11 (1000).
    expect(o.firstResponse).toMatchObject({ count: 12, median: 60, p90: 1000, avg: Math.round(((550 + 3000) / 12) * 1000) / 1000 });
    // From the rollups: the same nearest ranks, read off histogram bins.
    const rolled = (await get(ws, 'overview', range)).body;
    expect(rolled.firstResponse).toMatchObject({ count: 12, avg: o.firstResponse.avg });
    near(rolled.firstResponse.median, 60);
    near(rolled.firstResponse.p90, 1000);
    expect(o.conversations).toMatchObject({ created: 12, resolved: 2, open: 10 });
    expect(o.resolution).toMatchObject({ count: 2, median: 2000, p90: 2000 });

    const day = (await get(ws, 'timeseries', { ...range, metric: 'firstResponse', interval: 'day' })).body;
    expect(day.buckets).toHaveLength(7);
    expect(day.series[0].points.map((p: any) => p.count)).toEqual([0, 10, 2, 0, 0, 0, 0]);
    expect(day.series[0].points[1]).toMatchObject({ start: MON + 24 * H, median: 50, p90: 90, avg: 55 });
    expect(day.series[0].points[0]).toMatchObject({ count: 0, median: null });
    // This workspace has no business hours set: open around the clock, so business time is wall time.
    const business = (await get(ws, 'timeseries', { ...range, metric: 'firstResponse', interval: 'day', hours: 'business' })).body;
    expect(business).toMatchObject({ hours: 'business' });
    expect(business.series[0].points[1]).toMatchObject({ count: 10, median: 50, p90: 90 });

    const byChannel = (await get(ws, 'timeseries', { ...range, metric: 'created', interval: 'day', groupBy: 'channel' })).body;
    expect(byChannel.series.map((s: any) => [s.group, s.points[1].count, s.points[2].count])).toEqual([
      ['email', 5, 0],
      ['webchat', 5, 2],
    ]);
    const weekly = (await get(ws, 'timeseries', { ...range, metric: 'created', interval: 'week' })).body;
    expect(weekly.series[0].points).toEqual([{ start: MON, count: 12 }]);

    // Madrid is UTC+1 in November: 09:xx UTC replies are in the 10 o'clock row, 15:xx in the 16.
    const hours = (await get(ws, 'distribution', { ...range, tz: 'Europe/Madrid', metric: 'firstResponse', by: 'hour' })).body;
    expect(hours.rows).toHaveLength(24);
    expect(hours.rows[10]).toMatchObject({ hour: 10, count: 10, median: 50 });
    expect(hours.rows[16]).toMatchObject({ hour: 16, count: 2, median: 1000, p90: 2000 });
    expect(hours.rows.reduce((s: number, r: any) => s + r.count, 0)).toBe(12);
    // The peak-hours grid: Tuesday's replies in (2, 10), Wednesday's in (3, 16); 7 × 24 cells.
    const grid = (await get(ws, 'distribution', { ...range, tz: 'Europe/Madrid', metric: 'firstResponse', by: 'weekdayHour' })).body;
    expect(grid.rows).toHaveLength(168);
    expect(grid.rows[2 * 24 + 10]).toMatchObject({ weekday: 2, hour: 10, count: 10, median: 50 });
    expect(grid.rows[3 * 24 + 16]).toMatchObject({ weekday: 3, hour: 16, count: 2 });
    expect(grid.rows.reduce((s: number, r: any) => s + r.count, 0)).toBe(12);
  });

  it('overview percentiles read off the value indexes equal the nearest-rank stats of the same values, from either end', async () => {
    const { ws } = await people();
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const waits = Array.from({ length: 37 }, () => 1 + Math.floor(rand() * 5000));
    waits.push(waits[3], waits[3]); // ties
    const t = MON + 5 * H;
    await fold(...waits.map((w, i) => new Stream(unique('cnv'), ws.workspaceId, t + i * S).customer(t + i * S).agent(t + i * S + w * S, ws.userId)));
    const o = (await get(ws, 'overview', { from: MON, to: MON + 7 * 24 * H, exact: 'true' })).body;
    const expected = stats(waits);
    expect(o.firstResponse).toMatchObject({ count: expected.count, median: expected.median, p90: expected.p90, avg: expected.avg });
    expect(o.responseTime).toMatchObject({ count: expected.count, median: expected.median, p90: expected.p90 });
    expect(o.firstResponse.byCycle.initial).toEqual({ count: expected.count, median: expected.median, avg: expected.avg });
  });

  it('a transfer moves the figures to the new agent; roles see their own and their teams’ figures only', async () => {
    const { ws, staff, other, personal, team } = await people();
    const t = MON + 10 * H;
    const mine = new Stream(unique('cnv'), ws.workspaceId, t).assign(t, other.userId).customer(t + S).assign(t + 2 * S, staff.userId, team).agent(t + 61 * S, staff.userId).status(t + 100 * S, 'closed');
    const teamWork = new Stream(unique('cnv'), ws.workspaceId, t).assign(t, ws.userId, team).customer(t).agent(t + 30 * S, ws.userId);
    const personalWork = new Stream(unique('cnv'), ws.workspaceId, t).assign(t, personal.userId).customer(t).agent(t + 20 * S, personal.userId);
    const unassigned = new Stream(unique('cnv'), ws.workspaceId, t).customer(t);
    const othersWork = new Stream(unique('cnv'), ws.workspaceId, t).assign(t, other.userId).customer(t).agent(t + 500 * S, other.userId);
    await fold(mine, teamWork, personalWork, unassigned, othersWork);
    const range = { from: MON, to: MON + 24 * H, tz: 'UTC' };

    const manager = (await get(ws, 'overview', range)).body;
    expect(manager.conversations.created).toBe(5);
    expect(manager.firstResponse.count).toBe(4);

    const s = (await get(staff, 'overview', { ...range, exact: 'true' })).body;
    expect(s.conversations.created).toBe(2); // their own (transferred to them) and their team's
    expect(s.firstResponse).toMatchObject({ count: 2, median: 30, p90: 60 });
    const p = (await get(personal, 'overview', { ...range, exact: 'true' })).body;
    expect(p.conversations.created).toBe(1);
    expect(p.firstResponse).toMatchObject({ count: 1, median: 20 });
    // A filter cannot widen the scope: the personal user asking for someone else's figures gets none.
    expect((await get(personal, 'overview', { ...range, agentId: staff.userId })).body.conversations.created).toBe(0);

    // The exact table (nearest-rank values from the facts); the default one from the rollups agrees (counts exactly, percentiles within the bins).
    const table = (await get(ws, 'agents', { ...range, exact: 'true' })).body.items;
    sameAgents((await get(ws, 'agents', range)).body.items, table);
    const row = (id: string | null) => table.find((r: any) => r.agentId === id);
    // The transferred conversation is the staff member's now (conversations, the response, the resolution).
    expect(row(staff.userId)).toMatchObject({ name: expect.any(String), conversations: 1, resolved: 1, firstResponse: { count: 1, median: 60 }, resolution: { median: 100 } });
    expect(row(other.userId)).toMatchObject({ conversations: 1, firstResponse: { median: 500 } });
    expect(row(null)).toMatchObject({ conversations: 1, firstResponse: { count: 0 } });
    const personalTable = (await get(personal, 'agents', range)).body.items;
    sameAgents(personalTable, (await get(personal, 'agents', { ...range, exact: 'true' })).body.items);
    expect(personalTable.map((r: any) => r.agentId)).toEqual([personal.userId]);
    const staffTable = (await get(staff, 'agents', range)).body.items;
    sameAgents(staffTable, (await get(staff, 'agents', { ...range, exact: 'true' })).body.items);
    expect(staffTable.map((r: any) => r.agentId).sort()).toEqual([staff.userId, ws.userId].sort());
    // agentId=me is the caller.
    expect((await get(staff, 'overview', { ...range, agentId: 'me' })).body.conversations.created).toBe(1);
  });

  it('SLA compliance, escalations and CSAT per conversation', async () => {
    const { ws } = await people();
    const t = MON + 10 * H;
    await fold(
      new Stream(unique('cnv'), ws.workspaceId, t).customer(t).sla(t + S, 'sla.met', 'firstResponse').sla(t + 2 * S, 'sla.met', 'resolution').csat(t + 3 * S, 5),
      new Stream(unique('cnv'), ws.workspaceId, t).customer(t).sla(t + S, 'sla.breached', 'firstResponse').escalate(t + 2 * S).csat(t + 3 * S, 2),
      new Stream(unique('cnv'), ws.workspaceId, t).customer(t).sla(t + S, 'sla.met', 'firstResponse', true),
      new Stream(unique('cnv'), ws.workspaceId, t).customer(t).sla(t + S, 'sla.met', 'firstResponse'),
    );
    const o = (await get(ws, 'overview', { from: MON, to: MON + 24 * H })).body;
    expect(o.slaCompliance).toEqual({ firstResponse: 0.5, resolution: 1 });
    expect(o.escalations).toBe(1);
    expect(o.csat).toEqual({ responses: 2, score: 3.5, distribution: { '2': 1, '5': 1 } });
    const exact = (await get(ws, 'overview', { from: MON, to: MON + 24 * H, exact: 'true' })).body;
    expect({ sla: exact.slaCompliance, csat: exact.csat }).toEqual({ sla: o.slaCompliance, csat: o.csat });
  });
});

describe('analytics input and export', () => {
  it('bad query values are a 400 naming the field, never a 5xx', async () => {
    const ws = await newWorkspace();
    expectProblem(await get(ws, 'overview', { from: '1e400' }), 400, 'from');
    expectProblem(await get(ws, 'overview', { to: '2026-02-30' }), 400, 'to');
    expectProblem(await get(ws, 'overview', { from: '0000-01-01' }), 400, 'from');
    expectProblem(await get(ws, 'overview', { tz: 'x'.repeat(5000) }), 400, 'tz');
    expectProblem(await get(ws, 'overview', { tz: 'Mars/Olympus' }), 400, 'tz');
    expectProblem(await get(ws, 'overview', { from: 2000, to: 1000 }), 400, 'from');
    expectProblem(await get(ws, 'overview', { from: 0, to: Date.UTC(2099, 0, 1) }), 400, 'from');
    expectProblem(await get(ws, 'overview', { channel: 'pigeon' }), 400, 'channel');
    expectProblem(await get(ws, 'timeseries', { groupBy: '[]' }), 400, 'groupBy');
    expectProblem(await get(ws, 'timeseries', { metric: 'happiness' }), 400, 'metric');
    expectProblem(await get(ws, 'timeseries', { interval: 'hour', from: '2025-01-01', to: '2026-01-01' }), 400, 'interval');
    expectProblem(await get(ws, 'distribution', { by: 'minute' }), 400, 'by');
    expectProblem(await get(ws, 'export.csv', { report: 'secrets' }), 400, 'report');
    expect((await get(ws, 'overview', { inboxId: "' OR 1=1 --", agentId: '"; DROP TABLE users' })).status).toBe(200);
    expect((await call('GET', '/api/analytics/overview')).status).toBe(401);
  });

  it('exports conversations as CSV, streamed page by page, that parses back row for row', async () => {
    const { ws } = await people();
    const t = MON + 10 * H;
    const streams = Array.from({ length: 1203 }, (_, i) => new Stream(unique('cnv'), ws.workspaceId, t + i * S).assign(t + i * S, ws.userId).customer(t + i * S).agent(t + i * S + (i % 7) * S, ws.userId));
    for (let i = 0; i < streams.length; i += 100) await fold(...streams.slice(i, i + 100));
    const res = await fetchRaw(ws, 'export.csv', { report: 'conversations', from: MON, to: MON + 24 * H });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="parley-conversations-/);
    // More than one chunk arrives: the body is produced as the reader pulls, not built whole first.
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let chunks = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      text += decoder.decode(value, { stream: true });
    }
    expect(chunks).toBeGreaterThan(3);
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0].split(',')).toEqual(expect.arrayContaining(['conversation_id', 'created_at', 'first_response_s', 'resolution_s', 'messages_in']));
    expect(lines).toHaveLength(1204);
    const header = lines[0].split(',');
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
    expect(new Set(rows.map((r) => r.conversation_id)).size).toBe(1203);
    expect(rows.map((r) => Number(r.first_response_s)).slice(0, 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 0]);
    expect(rows[0].created_at).toBe(new Date(t).toISOString());

    const overview = await (await fetchRaw(ws, 'export.csv', { report: 'overview', from: MON, to: MON + 24 * H })).text();
    expect(overview).toContain('conversations.created,1203\r\n');
    const agents = await (await fetchRaw(ws, 'export.csv', { report: 'agents', from: MON, to: MON + 24 * H })).text();
    expect(agents.split('\r\n')[1]).toMatch(new RegExp(`^${ws.userId},Manager,1203,`));
    const series = await (await fetchRaw(ws, 'export.csv', { report: 'timeseries', metric: 'created', interval: 'hour', from: MON, to: MON + 24 * H, tz: 'UTC' })).text();
    expect(series.trimEnd().split('\r\n')).toHaveLength(25);
  });
});

async function fetchRaw(ws: Workspace, path: string, query: Record<string, string | number>) {
  const { SELF } = await import('cloudflare:test');
  return SELF.fetch(`http://parley.test/api/analytics/${path}${qs(query)}`, { headers: { authorization: `Bearer ${ws.token}` } });
}
