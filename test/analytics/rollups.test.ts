// The hourly rollups and daily totals behind /api/analytics/overview (worker/analytics/rollups.ts): hand-timed
// streams folded by the real subscriber into real workspaces, the overview read back through the API and
// checked against hand-computed figures (counts, means and rates exactly, medians and p90 within the
// histogram's bin error) and against the exact fact-level overview (`exact=true`). After every step the
// stored rollups must equal a rebuild from the facts (they are a function of the facts).
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { binOf, binSql, binValue, LOWER_BOUNDS, RELATIVE_ERROR, valueAtRank, type Histogram } from '../../worker/analytics/histogram';
import { medianRank, p90Rank, stats } from '../../worker/analytics/metrics';
import { agentDailyInsertSql, agentWeeklyInsertSql, ALL_DAYS, ALL_FACTS, ALL_WEEKS, dailyInsertSql, dailySelectSql, KEY_COLUMNS, rollupInsertSql, rollupSelectSql, SUM_COLUMNS, teamDailyInsertSql, WEEK as WEEK_MS, type RollupSource } from '../../worker/analytics/rollups';
import { foldBatch } from '../../worker/analytics/subscriber';
import { deletionStatements } from '../../worker/conversations/delete';
import type { ParleyEvent } from '../../worker/events/model';
import { addMember, call, createTeam, newWorkspace, qs, unique } from '../helpers';
import { S, Stream } from './fold';

const H = 3600 * S;
const DAY = 24 * H;
/** Monday 2 November 2026, 00:00 UTC. */
const MON = Date.UTC(2026, 10, 2);
const WEEK = { from: MON, to: MON + 7 * DAY, tz: 'UTC' };

const get = (who: { token: string }, query: Record<string, string | number | undefined>) => call('GET', `/api/analytics/overview${qs(query)}`, { token: who.token });

/** A binned percentile against the exact nearest-rank value. */
function near(actual: number | null, exact: number | null) {
  if (exact === null) return expect(actual).toBeNull();
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - exact)).toBeLessThanOrEqual(exact * RELATIVE_ERROR + 0.001);
}

/** Every field of two overviews: medians and p90 within the bin error, everything else equal. */
function sameOverview(binned: any, exact: any, path = ''): void {
  if (binned === null || typeof binned !== 'object') {
    if (/\.(median|p90)$/.test(path)) return near(binned, exact);
    return expect({ path, value: binned }).toEqual({ path, value: exact });
  }
  expect(Object.keys(binned).sort()).toEqual(Object.keys(exact).sort());
  for (const k of Object.keys(binned)) sameOverview(binned[k], exact[k], `${path}.${k}`);
}

/** The stored hourly and daily rows of a workspace must equal what the facts give when rolled up from scratch. */
async function expectRollupsMatchFacts(workspaceId: string) {
  const round = (rows: Record<string, unknown>[]) =>
    rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : k === 'hist' ? JSON.parse(String(v)) : v])));
  const keys = [...KEY_COLUMNS, ...SUM_COLUMNS, 'hist'];
  const stored = await env.DB.prepare(`SELECT ${keys.join(', ')} FROM analytics_hourly WHERE workspace_id = ?1 ORDER BY ${KEY_COLUMNS.join(', ')}`).bind(workspaceId).all();
  const mine: RollupSource = { ...ALL_FACTS, from: (table) => `FROM ${table} t WHERE t.workspace_id = ?1` };
  const rebuilt = await env.DB.prepare(`SELECT * FROM (${rollupSelectSql(mine)}) ORDER BY ${ALL_FACTS.names.join(', ')}`).bind(workspaceId).all();
  expect(round(stored.results)).toEqual(round(rebuilt.results.map((r) => Object.fromEntries(keys.map((k, i) => [k, r[i < KEY_COLUMNS.length ? ALL_FACTS.names[i] : k]])))));
  const days = `(SELECT DISTINCT workspace_id AS ws, hour / ${DAY} * ${DAY} AS day FROM analytics_hourly WHERE workspace_id = ?1) d`;
  const daily = await env.DB.prepare(`SELECT workspace_id AS ws, day, k, n FROM analytics_daily WHERE workspace_id = ?1 ORDER BY day, k`).bind(workspaceId).all();
  const dailyRebuilt = await env.DB.prepare(`SELECT * FROM (${dailySelectSql(days)}) ORDER BY 2, 3`).bind(workspaceId).all();
  expect(round(daily.results)).toEqual(round(dailyRebuilt.results));
  // Per team and per agent (migration 0039): the days from the hourly rows, an agent's weeks from its days (AGENT_KEYS only).
  const teams = await env.DB.prepare(`SELECT workspace_id AS ws, day, team_id, k, n FROM analytics_daily_teams WHERE workspace_id = ?1 ORDER BY day, team_id, k`).bind(workspaceId).all();
  const teamsRebuilt = await env.DB.prepare(`SELECT * FROM (${dailySelectSql(days, ['team_id'])}) ORDER BY 2, 3, 4`).bind(workspaceId).all();
  expect(round(teams.results)).toEqual(round(teamsRebuilt.results));
  const agentDays = await env.DB.prepare(`SELECT workspace_id AS ws, start AS day, assignee_id, team_id, k, n FROM analytics_agents WHERE workspace_id = ?1 AND span = 1 ORDER BY start, assignee_id, team_id, k`).bind(workspaceId).all();
  const agentDaysRebuilt = await env.DB.prepare(`SELECT * FROM (${dailySelectSql(days, ['assignee_id', 'team_id'])}) ORDER BY 2, 3, 4, 5`).bind(workspaceId).all();
  expect(round(agentDays.results)).toEqual(round(agentDaysRebuilt.results));
  const weeks = new Map<string, Record<string, unknown>>();
  for (const r of agentDaysRebuilt.results as Record<string, any>[]) {
    if (/:/.test(r.k) && !/^(fi|fr|rw|sw):/.test(r.k)) continue;
    const week = Math.floor(r.day / WEEK_MS) * WEEK_MS;
    const key = JSON.stringify([week, r.assignee_id, r.team_id, r.k]);
    const w = weeks.get(key) ?? { ws: r.ws, week, assignee_id: r.assignee_id, team_id: r.team_id, k: r.k, n: 0 };
    w.n = Number(w.n) + Number(r.n);
    weeks.set(key, w);
  }
  const agentWeeks = await env.DB.prepare(`SELECT workspace_id AS ws, start AS week, assignee_id, team_id, k, n FROM analytics_agents WHERE workspace_id = ?1 AND span = 7 ORDER BY start, assignee_id, team_id, k`).bind(workspaceId).all();
  const order = (rows: Record<string, any>[]) => [...rows].sort((a, b) => a.week - b.week || String(a.assignee_id).localeCompare(b.assignee_id) || String(a.team_id).localeCompare(b.team_id) || String(a.k).localeCompare(b.k));
  expect(round(order(agentWeeks.results as Record<string, any>[]))).toEqual(round(order([...weeks.values()])));
  return stored.results;
}

async function fold(events: ParleyEvent[]) {
  await foldBatch(env.DB, events);
}

describe('rollup histograms', () => {
  it('the bins in D1 are the code’s bins, SQL bins a value as the code does, and a percentile is within the stated error', async () => {
    const { results } = await env.DB.prepare(`SELECT lo, bin FROM analytics_bins ORDER BY bin`).all<{ lo: number; bin: number }>();
    expect(results.map((r) => r.bin)).toEqual(LOWER_BOUNDS.map((_, k) => k));
    expect(results.map((r) => r.lo)).toEqual(LOWER_BOUNDS);
    const samples = [0, 0.001, 0.0015, 0.999, 1, 1.05, 59.999, 60, 3600, 86_400, 400 * 86_400, 1e10];
    for (const v of samples) expect({ v, bin: await env.DB.prepare(`SELECT ${binSql('?1')} AS bin`).bind(v).first('bin') }).toEqual({ v, bin: binOf(v) });
    expect(binValue(binOf(0))).toBe(0);

    // Nearest-rank median and p90 of log-spread values, from bins and exactly.
    let seed = 3;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 20; trial++) {
      const values = Array.from({ length: 1 + Math.floor(rand() * 300) }, () => Math.round(Math.exp(rand() * 14) * 1000) / 1000);
      const h: Histogram = new Map();
      for (const v of values) h.set(binOf(v), (h.get(binOf(v)) ?? 0) + 1);
      const exact = stats(values);
      near(valueAtRank(h, medianRank(values.length)), exact.median);
      near(valueAtRank(h, p90Rank(values.length)), exact.p90);
    }
    expect(RELATIVE_ERROR).toBeLessThan(0.049);
  });

  it('migration 0036 creates the bins and backfills with the very SQL the subscriber runs', () => {
    const migrations = (env as unknown as { TEST_MIGRATIONS: { name: string; queries: string[] }[] }).TEST_MIGRATIONS;
    const mine = migrations.find((m) => m.name.startsWith('0036_'));
    expect(mine).toBeDefined();
    const flat = (s: string) => s.replace(/\s+/g, ' ').trim();
    const text = flat(mine!.queries.join('\n'));
    expect(text).toContain(flat(rollupInsertSql(ALL_FACTS)));
    expect(text).toContain(flat(dailyInsertSql(ALL_DAYS)));
    const scoped = migrations.find((m) => m.name.startsWith('0039_'));
    expect(scoped).toBeDefined();
    const scopedText = flat(scoped!.queries.join('\n'));
    for (const sql of [teamDailyInsertSql(ALL_DAYS), agentDailyInsertSql(ALL_DAYS), agentWeeklyInsertSql(ALL_WEEKS)]) expect(scopedText).toContain(flat(sql));
  });
});

describe('overview from rollups', () => {
  it('a hand-computed week: counts, means and rates exact, medians and p90 within the bin error, on every read tier', async () => {
    const ws = await newWorkspace();
    const t = MON + 10 * H;
    const tue = MON + DAY + 9 * H;
    const a = new Stream(unique('cnv'), ws.workspaceId, t).customer(t).agent(t + 60 * S, ws.userId).status(t + 600 * S, 'closed').csat(t + 700 * S, 5);
    const b = new Stream(unique('cnv'), ws.workspaceId, t + 30 * 60 * S).customer(t + 30 * 60 * S).agent(t + 30 * 60 * S + 120 * S, ws.userId).status(t + 30 * 60 * S + 1200 * S, 'closed').csat(t + 30 * 60 * S + 1300 * S, 4);
    b.customer(tue).agent(tue + 30 * S, ws.userId).status(tue + 300 * S, 'closed');
    const c = new Stream(unique('cnv'), ws.workspaceId, t + H, { channel: 'email' }).customer(t + H).sla(t + H + S, 'sla.met', 'firstResponse').escalate(t + H + 2 * S).agent(t + H + 3600 * S, ws.userId);
    const d = new Stream(unique('cnv'), ws.workspaceId, MON + 2 * DAY + 15 * H).customer(MON + 2 * DAY + 15 * H);
    await fold([a, b, c, d].flatMap((s) => s.events));
    await expectRollupsMatchFacts(ws.workspaceId);

    // First responses 60, 120, 3600 (first cycles) and 30 (B's reopen): median rank 2 of 4 → 60, p90 rank 4 → 3600.
    // Resolutions 600 (A), 1200 (B), 300 (B's reopen, from the reopen): median 600, p90 1200.
    const expected = {
      conversations: { created: 4, resolved: 3, reopened: 1, open: 2 },
      firstResponse: { count: 4, median: 60, p90: 3600, avg: 952.5, byCycle: { initial: { count: 3, median: 120, avg: 1260 }, reopen: { count: 1, median: 30, avg: 30 } } },
      responseTime: { count: 4, median: 60, p90: 3600, avg: 952.5 },
      resolution: { count: 3, median: 600, p90: 1200, avg: 700 },
      resolutionRate: 0.5,
      slaCompliance: { firstResponse: 1, resolution: null },
      csat: { responses: 2, score: 4.5, distribution: { '4': 1, '5': 1 } },
      messages: { in: 5, out: 4 },
      escalations: 1,
    };
    const check = (o: any) => {
      expect(o.conversations).toEqual(expected.conversations);
      for (const key of ['firstResponse', 'responseTime', 'resolution'] as const) {
        const want = expected[key];
        expect(o[key]).toMatchObject({ count: want.count, avg: want.avg });
        near(o[key].median, want.median);
        near(o[key].p90, want.p90);
        // No business hours set: open around the clock, business time is wall time.
        near(o[key].businessHours.median, want.median);
        expect(o[key].businessHours.avg).toBe(want.avg);
      }
      for (const kind of ['initial', 'reopen'] as const) {
        const want = expected.firstResponse.byCycle[kind];
        expect(o.firstResponse.byCycle[kind]).toMatchObject({ count: want.count, avg: want.avg });
        near(o.firstResponse.byCycle[kind].median, want.median);
      }
      expect(o.resolutionRate).toBe(expected.resolutionRate);
      expect(o.slaCompliance).toEqual(expected.slaCompliance);
      expect(o.csat).toEqual(expected.csat);
      expect(o.messages).toEqual(expected.messages);
      expect(o.escalations).toBe(expected.escalations);
    };
    // Whole UTC days (daily totals), a range off the hour (days, hourly rows and facts at both ends), a filtered read (hourly rows only).
    const whole = (await get(ws, WEEK)).body;
    check(whole);
    const offHour = (await get(ws, { from: MON + 9 * H + 17 * 60 * S + 123, to: MON + 6 * DAY + 30 * 60 * S })).body;
    check(offHour);
    check((await get(ws, { ...WEEK, inboxId: 'ib_1' })).body);
    // The exact fact-level overview agrees: the same counts and means, percentiles within the bins.
    const exact = (await get(ws, { ...WEEK, exact: 'true' })).body;
    expect(exact.firstResponse).toMatchObject({ median: 60, p90: 3600 });
    sameOverview(whole, exact);

    // Kolkata is UTC+5:30: its local days start on the half hour, read from the facts for the half hours at the ends.
    const local = { from: '2026-11-02', to: '2026-11-03', tz: 'Asia/Kolkata' };
    const halfHour = (await get(ws, local)).body;
    expect(halfHour.from % H).toBe(30 * 60 * S);
    sameOverview(halfHour, (await get(ws, { ...local, exact: 'true' })).body);
    expect(halfHour.conversations.created).toBe(3);

    // Cut in the middle of B's first hour (10:30–11:30 holds B's creation and the first reply): edges from the facts.
    const cut = (await get(ws, { from: t + 45 * 60 * S, to: MON + 3 * DAY })).body;
    sameOverview(cut, (await get(ws, { from: t + 45 * 60 * S, to: MON + 3 * DAY, exact: 'true' })).body);
    expect(cut.conversations.created).toBe(2); // C (11:00) and D (Wednesday)
  });

  it('redelivery and replays change nothing; a batch cut anywhere gives the same rollups', async () => {
    const ws = await newWorkspace();
    const t = MON + 10 * H;
    const streams = Array.from({ length: 6 }, (_, i) =>
      new Stream(unique('cnv'), ws.workspaceId, t + i * 20 * 60 * S, { channel: i % 2 ? 'email' : 'webchat' })
        .customer(t + i * 20 * 60 * S)
        .agent(t + i * 20 * 60 * S + (i + 1) * 45 * S, ws.userId)
        .status(t + i * 20 * 60 * S + 2 * H, 'closed')
        .customer(t + DAY)
        .agent(t + DAY + 10 * S, ws.userId),
    );
    const events = streams.flatMap((s) => s.events);
    // Delivered in three uneven batches, the middle one twice, then everything again.
    await fold(events.filter((e) => e.seq <= 2));
    await fold(events.filter((e) => e.seq > 2 && e.seq <= 5));
    await fold(events.filter((e) => e.seq > 2 && e.seq <= 5));
    await fold(events.filter((e) => e.seq > 5));
    const first = await expectRollupsMatchFacts(ws.workspaceId);
    const overview = (await get(ws, WEEK)).body;
    await fold(events);
    await fold([...events].reverse());
    expect(await expectRollupsMatchFacts(ws.workspaceId)).toEqual(first);
    expect((await get(ws, WEEK)).body).toEqual(overview);
    expect(overview.conversations).toEqual({ created: 6, resolved: 6, reopened: 6, open: 6 });
    expect(overview.firstResponse.count).toBe(12);
  });

  it('a transfer and a reopen move the figures between agents’ buckets; staff see their own and their teams’', async () => {
    const ws = await newWorkspace();
    const staff = await addMember(ws, 'staff');
    const other = await addMember(ws, 'staff');
    const personal = await addMember(ws, 'personal');
    const team = await createTeam(ws, unique('Support'), [staff.userId]);
    const t = MON + 10 * H;
    const tue = MON + DAY + 9 * H;
    // Created at 10:00, answered and closed in the 11 o'clock hour: the created count's bucket is not a cycle's.
    const x = new Stream(unique('cnv'), ws.workspaceId, t).assign(t, staff.userId, team).customer(t).agent(t + H + 60 * S, staff.userId).status(t + H + 100 * S, 'closed');
    const firstPart = x.events.length;
    // Reopened on Tuesday by the customer, transferred to the other agent (and off the team), answered and closed by them.
    x.customer(tue).assign(tue + 10 * S, other.userId, null).agent(tue + 40 * S, other.userId).status(tue + 200 * S, 'closed');
    const teamWork = new Stream(unique('cnv'), ws.workspaceId, t).assign(t, ws.userId, team).customer(t).agent(t + 30 * S, ws.userId);
    const personalWork = new Stream(unique('cnv'), ws.workspaceId, t).assign(t, personal.userId).customer(t).agent(t + 20 * S, personal.userId);

    await fold([...x.events.slice(0, firstPart), ...teamWork.events, ...personalWork.events]);
    await expectRollupsMatchFacts(ws.workspaceId);
    const byAgent = async (agentId: string) => (await get(ws, { ...WEEK, agentId })).body;
    expect((await byAgent(staff.userId)).conversations).toEqual({ created: 1, resolved: 1, reopened: 0, open: 0 });
    expect((await byAgent(other.userId)).conversations).toEqual({ created: 0, resolved: 0, reopened: 0, open: 0 });
    const staffBefore = (await get(staff, WEEK)).body;
    expect(staffBefore.conversations.created).toBe(2); // their own and the team's

    await fold(x.events.slice(firstPart));
    const rows = await expectRollupsMatchFacts(ws.workspaceId);
    // The conversation (created Monday 10:00) is the other agent's now; the first cycle stays resolved by the staff member.
    const monday10 = rows.filter((r) => r.hour === t);
    expect(monday10.find((r) => r.assignee_id === staff.userId)).toBeUndefined();
    expect(monday10.find((r) => r.assignee_id === other.userId)).toMatchObject({ created: 1, closed: 1, team_id: '' });
    expect(rows.find((r) => r.hour === t + H && r.assignee_id === staff.userId)).toMatchObject({ created: 0, resolved: 1, first_initial: 1, team_id: team });
    expect(rows.find((r) => r.hour === MON + DAY + 9 * H && r.assignee_id === other.userId)).toMatchObject({ reopened: 1, resolved: 1, first_reopen: 1, first_s_reopen: 40 });
    expect((await byAgent(staff.userId)).conversations).toEqual({ created: 0, resolved: 1, reopened: 0, open: 0 });
    expect((await byAgent(other.userId)).conversations).toEqual({ created: 1, resolved: 1, reopened: 1, open: 0 });
    near((await byAgent(other.userId)).firstResponse.median, 40);

    // Roles: staff see their own figures and their team's (the manager's team conversation), not the other agent's now.
    const s = (await get(staff, WEEK)).body;
    expect(s.conversations).toEqual({ created: 1, resolved: 1, reopened: 0, open: 1 });
    expect(s.firstResponse.count).toBe(2); // their cycle-1 reply and the team conversation's
    sameOverview(s, (await get(staff, { ...WEEK, exact: 'true' })).body);
    const p = (await get(personal, WEEK)).body;
    expect(p.conversations.created).toBe(1);
    near(p.firstResponse.median, 20);
    expect((await get(personal, { ...WEEK, agentId: staff.userId })).body.conversations.created).toBe(0);
    const o = (await get(other, WEEK)).body;
    expect(o.conversations).toEqual({ created: 1, resolved: 1, reopened: 1, open: 0 });
    // The manager: everything, the daily totals agreeing with the exact figures.
    const m = (await get(ws, WEEK)).body;
    expect(m.conversations).toEqual({ created: 3, resolved: 2, reopened: 1, open: 2 });
    sameOverview(m, (await get(ws, { ...WEEK, exact: 'true' })).body);
  });

  it('staff with several teams: their teams’ days plus their own work elsewhere equal the hourly answer exactly; the agents table from weeks and days agrees with the facts', async () => {
    const ws = await newWorkspace();
    const me = await addMember(ws, 'staff');
    const mate = await addMember(ws, 'staff');
    const outsider = await addMember(ws, 'staff');
    const t1 = await createTeam(ws, unique('One'), [me.userId, mate.userId]);
    const t2 = await createTeam(ws, unique('Two'), [me.userId]);
    const t3 = await createTeam(ws, unique('Three'), [outsider.userId]);
    // Three weeks around MON (epoch weeks start on Thursdays: at least two whole ones inside), ends off the hour.
    const from = MON - 7 * DAY + 30 * 60 * S + 123;
    const to = MON + 14 * DAY - 15 * 60 * S;
    const at = (day: number, hour: number, min = 0) => MON + day * DAY + hour * H + min * 60 * S;
    const conv = (start: number, assignee: string | null, team: string | null) => new Stream(unique('cnv'), ws.workspaceId, start).assign(start, assignee, team).customer(start);
    const streams = [
      conv(at(-7, 0, 40), me.userId, t3).agent(at(-7, 0, 42), me.userId).status(at(-6, 3), 'closed'), // mine, in a team that is not mine, in the partial first hour
      conv(at(-5, 9), mate.userId, t1).agent(at(-5, 9, 7), mate.userId).status(at(-5, 12), 'closed').csat(at(-5, 13), 4), // my team's
      conv(at(-2, 22), outsider.userId, t2).agent(at(-1, 1), outsider.userId), // my second team's, answered the next day
      conv(at(0, 10), outsider.userId, t3).agent(at(0, 10, 45), outsider.userId).status(at(0, 11), 'closed'), // not mine
      conv(at(1, 8), null, t1).sla(at(1, 8, 1), 'sla.breached', 'firstResponse'), // unassigned in my team
      conv(at(3, 14), me.userId, null).agent(at(3, 14, 2), me.userId).customer(at(3, 15)).agent(at(3, 15, 20), me.userId), // mine, no team
      // Reopened: my team's, closed, reopened by the customer six days later, answered and closed again.
      conv(at(2, 9), mate.userId, t2).agent(at(2, 9, 3), mate.userId).status(at(2, 10), 'closed').customer(at(8, 16)).agent(at(8, 16, 30), mate.userId).status(at(9, 9), 'closed'),
      conv(at(13, 23, 20), me.userId, t1).agent(at(13, 23, 25), me.userId), // in the partial last hour
    ];
    // Transferred from the outsider's team to me in my team: the figures move.
    const moved = conv(at(4, 12), outsider.userId, t3).agent(at(4, 12, 10), outsider.userId);
    await fold([...streams, moved].flatMap((x) => x.events));
    moved.assign(at(10, 9), me.userId, t1).customer(at(10, 9, 5)).agent(at(10, 9, 9), me.userId).status(at(11, 0), 'closed');
    await fold(moved.events);
    await expectRollupsMatchFacts(ws.workspaceId);

    const range = { from, to };
    // Every test conversation is on web chat: the channel filter sends the same read through the hourly rows.
    const hourly = { ...range, channel: 'webchat' };
    for (const who of [me, mate, outsider]) {
      const o = (await get(who, range)).body;
      expect(o).toEqual((await get(who, hourly)).body);
      sameOverview(o, (await get(who, { ...range, exact: 'true' })).body);
    }
    const mine = (await get(me, range)).body;
    // Mine (t3, no team, the transfer, the last hour), my teams' (t1 twice, t2 twice with the reopen), not the outsider's in t3.
    expect(mine.conversations).toEqual({ created: 8, resolved: 5, reopened: 1, open: 4 });
    expect(mine.firstResponse.count).toBe(8);
    expect(mine.firstResponse.byCycle.reopen.count).toBe(1);
    expect(mine.responseTime.count).toBe(9);
    expect(mine.csat).toEqual({ responses: 1, score: 4, distribution: { '4': 1 } });
    expect(mine.slaCompliance.firstResponse).toBe(0);

    // The agents table: weeks, days, hours and fact edges against the facts, for the manager and for a staff member.
    for (const who of [ws, me]) {
      const binned = (await call('GET', `/api/analytics/agents${qs(range)}`, { token: who.token })).body.items;
      const exact = (await call('GET', `/api/analytics/agents${qs({ ...range, exact: 'true' })}`, { token: who.token })).body.items;
      sameOverview(binned, exact);
      // A channel filter is not in the per-agent rollups: that read ranks the facts.
      expect((await call('GET', `/api/analytics/agents${qs(hourly)}`, { token: who.token })).body.items).toEqual(exact);
    }
    const table = (await call('GET', `/api/analytics/agents${qs(range)}`, { token: me.token })).body.items;
    expect(table.map((r: any) => r.agentId).sort()).toEqual([me.userId, mate.userId, outsider.userId, null].sort());
    expect(table.find((r: any) => r.agentId === me.userId)).toMatchObject({ conversations: 4, resolved: 2, firstResponse: { count: 4 }, responseTime: { count: 5 } });
    // The outsider's row holds only their work in my team (t2), not their t3 conversations.
    expect(table.find((r: any) => r.agentId === outsider.userId)).toMatchObject({ conversations: 1, resolved: 0, firstResponse: { count: 1 } });
  });

  it('exact is validated like every query value', async () => {
    const ws = await newWorkspace();
    const res = await get(ws, { exact: 'yes' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('exact');
  });
});

describe('rollups kept by delta', () => {
  const hourly = async (workspaceId: string) =>
    (await env.DB.prepare(`SELECT * FROM analytics_hourly WHERE workspace_id = ?1 ORDER BY ${KEY_COLUMNS.join(', ')}`).bind(workspaceId).all<Record<string, any>>()).results;

  it('a batch spanning two hours; millisecond sums kept exact; a row its only conversation leaves is deleted; the same batch twice changes nothing', async () => {
    const ws = await newWorkspace();
    const agent = await addMember(ws, 'staff');
    const t = MON + 10 * H + 59 * 60 * S; // 10:59
    // A, created at 10:59, answered in 0.1 s, then again in 0.2 s (binary 0.1 + 0.2 is not 0.3); B, created at
    // 10:59:40, answered at 11:00:01.007 and closed at 12:59:00.001: one batch over three hours.
    const a = new Stream(unique('cnv'), ws.workspaceId, t).assign(t, agent.userId).customer(t).agent(t + 100, agent.userId).customer(t + 30 * S).agent(t + 30 * S + 200, agent.userId);
    const b = new Stream(unique('cnv'), ws.workspaceId, t + 40 * S).assign(t + 40 * S, agent.userId).customer(t + 40 * S).agent(t + 61 * S + 7, agent.userId).status(t + 2 * H + 1, 'closed');
    // C, on email, is alone in its bucket: still open (nothing frozen), with a CSAT score and an escalation.
    const c = new Stream(unique('cnv'), ws.workspaceId, t + 50 * S, { channel: 'email' }).assign(t + 50 * S, agent.userId).customer(t + 50 * S).escalate(t + 51 * S).csat(t + 52 * S, 4);
    const batch = [...a.events, ...b.events, ...c.events];
    await fold(batch);
    const once = await expectRollupsMatchFacts(ws.workspaceId);
    const rows = await hourly(ws.workspaceId);
    const web = rows.filter((r) => r.channel === 'webchat');
    expect(web.map((r) => r.hour)).toEqual([MON + 10 * H, MON + 11 * H, MON + 12 * H]);
    // A's two responses (0.1 s, 0.2 s) are in the 10 o'clock row: exactly 0.3, not the binary sum.
    expect(web[0]).toMatchObject({ created: 2, responses: 2, response_s: 0.3, first_initial: 1, first_s_initial: 0.1 });
    expect(web[1]).toMatchObject({ created: 0, responses: 1, response_s: 21.007, first_initial: 1, first_s_initial: 21.007 });
    expect(web[2]).toMatchObject({ resolved: 1, resolution_s: 7160.001 });
    expect(rows.filter((r) => r.channel === 'email')).toMatchObject([{ hour: MON + 10 * H, assignee_id: agent.userId, created: 1, escalations: 1, csat_n: 1, csat_sum: 4, hist: '{"c:4":1}' }]);

    // The same batch again, then in reverse: every stored value unchanged (not merely within rounding).
    await fold(batch);
    await fold([...batch].reverse());
    expect(await hourly(ws.workspaceId)).toEqual(rows);
    expect(await expectRollupsMatchFacts(ws.workspaceId)).toEqual(once);

    // C goes to the manager: the agent's email row holds nothing any more and is deleted, the manager's holds C.
    // B, closed, goes too: its facts row (the 10 o'clock created count) moves, its resolved cycle and its
    // response stay the agent's (frozen).
    c.assign(t + 3 * H, ws.userId);
    b.assign(t + 3 * H, ws.userId);
    await fold([...b.events, ...c.events]);
    await expectRollupsMatchFacts(ws.workspaceId);
    const moved = await hourly(ws.workspaceId);
    const summary = (who: string) => moved.filter((r) => r.assignee_id === who).map((r) => [r.channel, r.hour, r.created, r.responses, r.resolved, r.csat_n, JSON.parse(r.hist)['c:4'] ?? 0]);
    expect(summary(agent.userId)).toEqual([
      ['webchat', MON + 10 * H, 1, 2, 0, 0, 0],
      ['webchat', MON + 11 * H, 0, 1, 0, 0, 0],
      ['webchat', MON + 12 * H, 0, 0, 1, 0, 0],
    ]);
    expect(summary(ws.userId)).toEqual([
      ['email', MON + 10 * H, 1, 0, 0, 1, 1],
      ['webchat', MON + 10 * H, 1, 0, 0, 0, 0],
    ]);
    // A reopen of B: its new cycle starts in the 13 o'clock row, the manager's.
    b.customer(t + 3 * H + 10 * S).agent(t + 3 * H + 25 * S + 500, ws.userId);
    await fold(b.events.slice(-3));
    await expectRollupsMatchFacts(ws.workspaceId);
    expect((await hourly(ws.workspaceId)).find((r) => r.hour === MON + 13 * H)).toMatchObject({ assignee_id: ws.userId, reopened: 1, first_reopen: 1, first_s_reopen: 15.5 });
  });

  it('a consumer that read the facts before another wrote them loses its write and leaves the rollups as the facts say', async () => {
    const ws = await newWorkspace();
    const agent = await addMember(ws, 'staff');
    const t = MON + 10 * H;
    const x = new Stream(unique('cnv'), ws.workspaceId, t).customer(t).agent(t + 30 * S, ws.userId);
    await fold(x.events);
    const stale = x.events.length;
    // The other consumer's events: a transfer and another exchange an hour later.
    x.assign(t + H, agent.userId).customer(t + H + S).agent(t + H + 9 * S, agent.userId);
    const racer = x.events.slice(stale);
    // This consumer folds a different next event (a close) over the state it read before the other's write.
    const closing = { ...racer[0], type: 'conversation.status_changed', at: t + 2 * H, data: { from: 'open', to: 'closed', reason: 'manual' }, conversation: { ...x.events[stale - 1].conversation, status: 'closed' } } as ParleyEvent;
    let calls = 0;
    const racing = {
      prepare: (sql: string) => env.DB.prepare(sql),
      batch: async (statements: D1PreparedStatement[]) => {
        // Its read goes through; then, before its write batch, the other consumer's whole fold lands.
        if (++calls === 2) await fold(racer);
        return env.DB.batch(statements);
      },
    } as unknown as D1Database;
    await expect(foldBatch(racing, [closing])).rejects.toThrow(/1 changed under this batch/);
    const rows = await expectRollupsMatchFacts(ws.workspaceId);
    // Counted once, the other agent's now, not closed: the stale close was never stored nor counted. (The
    // first reply keeps the assignee of its time, none; the open cycle's first response follows the transfer.)
    expect(rows.map((r) => [r.hour, r.assignee_id, r.created, r.closed, r.first_initial, r.responses])).toEqual([
      [t, '', 0, 0, 0, 1],
      [t, agent.userId, 1, 0, 1, 0],
      [t + H, agent.userId, 0, 0, 0, 1],
    ]);
  });

  it('deleting a conversation takes it out of the rollups: its rows emptied and deleted, shared rows and days reduced', async () => {
    const ws = await newWorkspace();
    const agent = await addMember(ws, 'staff');
    const t = MON + 10 * H;
    // Both in the 10 o'clock webchat row; only the doomed one has a reopen (Tuesday), a CSAT score, and the agent.
    const keep = new Stream(unique('cnv'), ws.workspaceId, t).customer(t).agent(t + 20 * S, ws.userId);
    const doomed = new Stream(unique('cnv'), ws.workspaceId, t + 60 * S).customer(t + 60 * S).agent(t + 90 * S, ws.userId).status(t + 2 * H, 'closed').csat(t + 2 * H + S, 2);
    doomed.customer(MON + DAY + 9 * H).assign(MON + DAY + 9 * H, agent.userId).agent(MON + DAY + 9 * H + 15 * S, agent.userId);
    await fold([...keep.events, ...doomed.events]);
    await expectRollupsMatchFacts(ws.workspaceId);
    const before = await hourly(ws.workspaceId);
    expect(before.filter((r) => r.assignee_id === agent.userId).length).toBeGreaterThan(0);

    await env.DB.batch(deletionStatements(env.DB, { id: doomed.conversationId, workspaceId: ws.workspaceId, contactId: 'ct_1', channel: 'webchat' }, { userId: ws.userId, name: 'Manager' }, Date.now()));
    for (const table of ['conversation_facts', 'conversation_fact_cycles', 'conversation_fact_responses']) {
      expect(await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE conversation_id = ?`).bind(doomed.conversationId).first('n')).toBe(0);
    }
    await expectRollupsMatchFacts(ws.workspaceId);
    const after = await hourly(ws.workspaceId);
    expect(after.map((r) => [r.hour, r.assignee_id, r.created, r.responses, r.csat_n])).toEqual([[t, '', 1, 1, 0]]);
    expect(await env.DB.prepare(`SELECT count(*) AS n FROM analytics_daily WHERE workspace_id = ? AND day > ?`).bind(ws.workspaceId, MON).first('n')).toBe(0);
    expect(await env.DB.prepare(`SELECT count(*) AS n FROM analytics_agents WHERE workspace_id = ? AND assignee_id = ?`).bind(ws.workspaceId, agent.userId).first('n')).toBe(0);
    expect((await get(ws, WEEK)).body.conversations).toEqual({ created: 1, resolved: 0, reopened: 0, open: 1 });

    // Its events still in the queue arrive after the deletion, even its first ones again: they fold into
    // nothing (no facts row comes back, nothing waits on a gap).
    const late = doomed.agent(MON + DAY + 10 * H, agent.userId);
    expect(await foldBatch(env.DB, late.events)).toMatchObject({ written: 0, waiting: 0 });
    expect(await env.DB.prepare(`SELECT count(*) AS n FROM conversation_facts WHERE conversation_id = ?`).bind(doomed.conversationId).first('n')).toBe(0);
    expect(await hourly(ws.workspaceId)).toEqual(after);
  });

  it('a batch that read its context just before a deletion and writes just after it writes nothing for that conversation, and its retry folds it into nothing', async () => {
    const ws = await newWorkspace();
    const t = MON + 10 * H;
    const keep = new Stream(unique('cnv'), ws.workspaceId, t).customer(t).agent(t + 20 * S, ws.userId);
    await fold(keep.events);
    const before = await hourly(ws.workspaceId);
    const raced = new Stream(unique('cnv'), ws.workspaceId, t + 60 * S).customer(t + 60 * S).agent(t + 90 * S, ws.userId);
    let calls = 0;
    // The deletion's transaction commits between the batch's context read (its first round trip) and its write.
    const racing = {
      prepare: (sql: string) => env.DB.prepare(sql),
      batch: async (statements: D1PreparedStatement[]) => {
        if (calls++ === 1) await env.DB.batch(deletionStatements(env.DB, { id: raced.conversationId, workspaceId: ws.workspaceId, contactId: 'ct_1', channel: 'webchat' }, { userId: ws.userId, name: 'Manager' }, Date.now()));
        return env.DB.batch(statements);
      },
    } as unknown as D1Database;
    // Its write loses like any other write under a changed row, and the batch is retried…
    await expect(foldBatch(racing, raced.events)).rejects.toThrow(/changed under this batch/);
    expect(calls).toBe(2);
    // …where the retry reads the deletion and folds the conversation into nothing.
    expect(await foldBatch(env.DB, raced.events)).toMatchObject({ written: 0, waiting: 0 });
    for (const table of ['conversation_facts', 'conversation_fact_cycles', 'conversation_fact_responses']) {
      expect(await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE conversation_id = ?`).bind(raced.conversationId).first('n')).toBe(0);
    }
    expect(await hourly(ws.workspaceId)).toEqual(before);
    await expectRollupsMatchFacts(ws.workspaceId);
  });

  it('the rows a batch reads do not grow with the conversations already in its bucket', async () => {
    const ws = await newWorkspace();
    const t = MON + 10 * H;
    let n = 0;
    // A broadcast: every new conversation in one bucket (one inbox, no team, no agent), created and sent a message.
    const broadcast = (count: number) =>
      Array.from({ length: count }, () => {
        const at = t + ++n * S;
        return new Stream(unique('cnv'), ws.workspaceId, at).agent(at + 1, 'bot', { authorType: 'bot' }).events;
      }).flat();
    let rowsRead = 0;
    const counting = {
      prepare: (sql: string) => env.DB.prepare(sql),
      batch: async (statements: D1PreparedStatement[]) => {
        const results = await env.DB.batch(statements);
        for (const r of results) rowsRead += r.meta.rows_read ?? NaN;
        return results;
      },
    } as unknown as D1Database;
    const readsOfABatch = async () => {
      rowsRead = 0;
      await foldBatch(counting, broadcast(10));
      return rowsRead;
    };
    await fold(broadcast(100));
    const small = await readsOfABatch();
    await fold(broadcast(400));
    const large = await readsOfABatch();
    expect((await hourly(ws.workspaceId)).map((r) => r.created)).toEqual([n]);
    expect(small).toBeGreaterThan(0);
    // The same work for a bucket of 110 conversations as for one of 520 (a recompute read every one of them).
    expect(large).toBe(small);
    await expectRollupsMatchFacts(ws.workspaceId);
  });
});
