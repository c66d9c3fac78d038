// The analytics reads over the facts tables, computed in D1 so a long range never ships its rows to the
// Worker. Counts and means are aggregates. Percentiles are nearest-rank values, or from the bins where a
// rollup answers (said below):
// - the overview reads the hourly rollups (rollups.ts; see overview below); its exact variant (`exact=true`,
//   overviewExact) takes two round trips: counts first, then each percentile as
//   ORDER BY value LIMIT 1 OFFSET rank−1 (from whichever end is nearer), read in order off a value-ordered
//   covering index (migration 0012), so no sort of the range's rows happens at all;
// - grouped figures (timeseries, distribution, and agentsExact for `exact=true`, the CSV export and
//   channel/inbox filters) rank each group's values with one ROW_NUMBER window and pick the median and
//   p90 rows by a join on the group's count; the agents table otherwise reads the scoped rollups
//   (whole weeks, days, hours, then the partial hours from facts) with medians and p90 from the bins.
// The role and the filters are one clause that fits every facts table (all three carry the same
// dimension columns).
//
// Which time places a figure in the range: conversations created → created_at; resolutions and resolution
// time → the close (cycles.resolved_at); reopens → the reopen (cycles.started_at, cycle > 1); first responses
// → the reply (cycles.first_response_at); every response → the reply; SLA, CSAT and message counts → the
// conversation's creation.
import type { Principal } from '../auth/principal';
import type { WorkspaceScope } from '../db/scope';
import { bucketSql, hourOfDaySql, weekdaySql, type Interval, type OffsetSpan } from './buckets';
import { merge, valueAtRank, type Histogram } from './histogram';
import { MEDIAN_RANK_SQL, medianRank, P90_RANK_SQL, p90Rank, ratio, round3, type Stats } from './metrics';
import { AGENT_KEYS, rollupSelectSql, SUM_COLUMNS, unionAll, WEEK, type SumColumn } from './rollups';
import type { GroupBy, Metric } from './schemas';

type Row = Record<string, unknown>;

export interface Filters {
  channel?: string;
  inboxId?: string;
  teamId?: string;
  agentId?: string;
}

export interface ReadContext {
  scope: WorkspaceScope;
  principal: Principal;
  filters: Filters;
  from: number;
  to: number;
}

const FACTS = 'conversation_facts';
const CYCLES = 'conversation_fact_cycles';
const RESPONSES = 'conversation_fact_responses';

interface MetricDef {
  table: string;
  time: string;
  kind: 'count' | 'sum' | 'time';
  /** The value column: summed (sum) or summarized (time, with its business-hours twin). */
  value?: string;
  bh?: string;
  where?: string;
}

export const METRIC_DEFS: Record<Metric, MetricDef> = {
  created: { table: FACTS, time: 'created_at', kind: 'count' },
  resolved: { table: CYCLES, time: 'resolved_at', kind: 'count' },
  reopened: { table: CYCLES, time: 'started_at', kind: 'count', where: 't.cycle > 1' },
  firstResponse: { table: CYCLES, time: 'first_response_at', kind: 'time', value: 'first_response_s', bh: 'first_response_bh_s' },
  responseTime: { table: RESPONSES, time: 'responded_at', kind: 'time', value: 'response_s', bh: 'response_bh_s' },
  resolution: { table: CYCLES, time: 'resolved_at', kind: 'time', value: 'resolution_s', bh: 'resolution_bh_s' },
  messagesIn: { table: FACTS, time: 'created_at', kind: 'sum', value: 'messages_in' },
  messagesOut: { table: FACTS, time: 'created_at', kind: 'sum', value: 'messages_out' },
};

export const GROUP_COLUMNS: Record<GroupBy, string> = { channel: 't.channel', inbox: 't.inbox_id', team: 't.team_id', agent: 't.assignee_id' };

/** Numbered parameters after ?1, the workspace id that WorkspaceScope.prepare binds first. */
class Params {
  readonly values: unknown[] = [];
  private readonly seen = new Map<string, string>();
  /** The same value gets the same number, so the subqueries of one statement share their parameters (D1 allows 100). */
  add(v: unknown): string {
    const key = `${typeof v}:${String(v)}`;
    const known = this.seen.get(key);
    if (known) return known;
    this.values.push(v);
    const name = `?${this.values.length + 1}`;
    this.seen.set(key, name);
    return name;
  }
}

/**
 * The WHERE clause of one facts table (alias t): workspace, time range on `timeCol`, filters and the role:
 * staff see figures of conversations handled by them or by their teams, personal users only their own.
 */
function where(ctx: ReadContext, p: Params, timeCol: string): string {
  return `t.workspace_id = ?1 AND t.${timeCol} >= ${p.add(ctx.from)} AND t.${timeCol} < ${p.add(ctx.to)} AND ${scopeWhere(ctx, p)}`;
}

/** The filters and the role of `where`, without workspace and time (also fits the rollups, which store '' for no team or agent). */
function scopeWhere(ctx: ReadContext, p: Params): string {
  const parts = ['1'];
  const f = ctx.filters;
  if (f.channel) parts.push(`t.channel = ${p.add(f.channel)}`);
  if (f.inboxId) parts.push(`t.inbox_id = ${p.add(f.inboxId)}`);
  if (f.teamId) parts.push(`t.team_id = ${p.add(f.teamId)}`);
  if (f.agentId) parts.push(`t.assignee_id = ${p.add(f.agentId === 'me' ? ctx.principal.userId : f.agentId)}`);
  const me = ctx.principal;
  if (me.role === 'personal') parts.push(`t.assignee_id = ${p.add(me.userId)}`);
  if (me.role === 'staff') {
    parts.push(me.teamIds.length ? `(t.assignee_id = ${p.add(me.userId)} OR t.team_id IN (SELECT value FROM json_each(${p.add(JSON.stringify(me.teamIds))})))` : `t.assignee_id = ${p.add(me.userId)}`);
  }
  return parts.join(' AND ');
}

function statement(ctx: ReadContext, build: (p: Params) => string): D1PreparedStatement {
  const p = new Params();
  const sql = build(p);
  return ctx.scope.prepare(sql, ...p.values);
}

/** Which duration column of a time metric: wall clock or business hours. */
export type Hours = 'wall' | 'business';
const column = (def: MetricDef, hours: Hours) => (hours === 'business' ? def.bh! : def.value!);

/**
 * Per group `g`: count, mean, median and p90 of one duration column. One ROW_NUMBER window ranks each
 * group's values; the join keeps only the two rows whose rank is the group's median or p90 rank.
 */
function groupedStats(ctx: ReadContext, def: MetricDef, hours: Hours, group: string): D1PreparedStatement {
  const col = column(def, hours);
  return statement(
    ctx,
    (p) => `WITH x AS (SELECT ${group} AS g, t.${col} AS v FROM ${def.table} t WHERE ${where(ctx, p, def.time)} AND t.${col} IS NOT NULL${def.where ? ` AND ${def.where}` : ''}),
      c AS (SELECT g, count(*) AS n, avg(v) AS a FROM x GROUP BY g),
      r AS (SELECT g, v, ROW_NUMBER() OVER (PARTITION BY g ORDER BY v) AS rk FROM x)
      SELECT c.g AS g, c.n AS n, c.a AS avg, MIN(CASE WHEN r.rk = ${MEDIAN_RANK_SQL('c.n')} THEN r.v END) AS median, MIN(CASE WHEN r.rk = ${P90_RANK_SQL('c.n')} THEN r.v END) AS p90
      FROM c JOIN r ON r.g = c.g AND r.rk IN (${MEDIAN_RANK_SQL('c.n')}, ${P90_RANK_SQL('c.n')}) GROUP BY c.g`,
  );
}

const num = (v: unknown) => (v === null || v === undefined ? null : round3(Number(v)));

function statsOfRow(row: Row | undefined): Stats {
  const n = Number(row?.n ?? 0);
  if (!row || n === 0) return { count: 0, median: null, p90: null, avg: null };
  return { count: n, median: num(row.median), p90: num(row.p90), avg: num(row.avg) };
}

function countStats(ctx: ReadContext, def: MetricDef, group: string | null): D1PreparedStatement {
  const measure = def.kind === 'sum' ? `coalesce(sum(t.${def.value}), 0)` : 'count(*)';
  return statement(ctx, (p) => `SELECT ${group ?? 'NULL'} AS g, ${measure} AS n FROM ${def.table} t WHERE ${where(ctx, p, def.time)}${def.where ? ` AND ${def.where}` : ''} GROUP BY g`);
}

/**
 * SQL for the count and means (wall clock and business hours) of a time metric over the range, columns
 * prefixed; with `byCycle`, the same for first cycles and for reopens, from the same read.
 */
function countAndMeansSql(ctx: ReadContext, p: Params, def: MetricDef, prefix: string, byCycle = false): string {
  const split = byCycle
    ? `, coalesce(sum(t.cycle = 1), 0) AS ${prefix}_n_initial, avg(CASE WHEN t.cycle = 1 THEN t.${def.value} END) AS ${prefix}_initial_avg,
       coalesce(sum(t.cycle > 1), 0) AS ${prefix}_n_reopen, avg(CASE WHEN t.cycle > 1 THEN t.${def.value} END) AS ${prefix}_reopen_avg`
    : '';
  return `(SELECT count(*) AS ${prefix}_n, avg(t.${def.value}) AS ${prefix}_w_avg, avg(t.${def.bh}) AS ${prefix}_b_avg${split} FROM ${def.table} t
      WHERE ${where(ctx, p, def.time)} AND t.${def.value} IS NOT NULL${def.where ? ` AND ${def.where}` : ''})`;
}

/** SQL for the value at 1-based `rank` among the range's `n` values of a column, read off its value-ordered index from the nearer end. */
function valueAtRankSql(ctx: ReadContext, p: Params, def: MetricDef, col: string, rank: number, n: number, extra?: string): string {
  const fromTop = rank - 1 > n - rank;
  const offset = fromTop ? n - rank : rank - 1;
  return `(SELECT t.${col} FROM ${def.table} t WHERE ${where(ctx, p, def.time)} AND t.${col} IS NOT NULL${def.where ? ` AND ${def.where}` : ''}${extra ? ` AND ${extra}` : ''}
      ORDER BY t.${col} ${fromTop ? 'DESC' : 'ASC'} LIMIT 1 OFFSET ${Math.max(0, Math.floor(offset))})`;
}

export interface TimeFigures extends Stats {
  businessHours: Omit<Stats, 'count'>;
}

// ---- overview ----

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * The overview from the rollups (rollups.ts), summed into one tally of keys (sum column names and histogram
 * bins "<metric>:<bin>") from up to three tiers in one round trip:
 * - whole UTC days from analytics_daily, when the read is workspace-wide (a manager, no filter);
 * - whole UTC hours from analytics_hourly (every dimension: filters and role scoping apply there), for the
 *   hours outside those days, or for the whole range when the read is scoped or filtered;
 * - the partial hours at either end (a range not on the hour, e.g. a half-hour time zone's local midnight)
 *   rolled up from the facts on the fly with the same SELECT as the rollups.
 * Counts, sums, means and rates are exact for any range; medians and p90 come from the summed histograms,
 * within histogram.ts RELATIVE_ERROR (≈ 4.9 %) of the exact nearest-rank values.
 */
export async function overview(ctx: ReadContext) {
  const hourFrom = Math.ceil(ctx.from / HOUR) * HOUR;
  const hourTo = Math.floor(ctx.to / HOUR) * HOUR;
  const unfiltered = !ctx.filters.channel && !ctx.filters.inboxId && !ctx.filters.teamId && !ctx.filters.agentId;
  const workspaceWide = ctx.principal.role === 'manager' && unfiltered;
  const dayFrom = Math.ceil(hourFrom / DAY) * DAY;
  const dayTo = Math.floor(hourTo / DAY) * DAY;
  // Staff and personal users without filters read whole days per team and per agent (scopedDayReads).
  const days = unfiltered && dayFrom < dayTo;
  const hourRanges = (hourFrom < hourTo ? (days ? [[hourFrom, dayFrom], [dayTo, hourTo]] : [[hourFrom, hourTo]]) : []).filter(([a, b]) => a < b);
  const factRanges = (hourFrom < hourTo ? [[ctx.from, hourFrom], [hourTo, ctx.to]] : [[ctx.from, ctx.to]]).filter(([a, b]) => a < b);

  type Read = { stmt: D1PreparedStatement; kind: 'kv' | 'row' };
  const reads: Read[] = [];
  if (days && workspaceWide) reads.push({ kind: 'kv', stmt: ctx.scope.prepare(`SELECT k, sum(n) AS n FROM analytics_daily WHERE workspace_id = ?1 AND day >= ?2 AND day < ?3 GROUP BY k`, dayFrom, dayTo) });
  else if (days) for (const stmt of scopedDayReads(ctx, dayFrom, dayTo)) reads.push({ kind: 'kv', stmt });
  for (const [a, b] of hourRanges) {
    const range = { ...ctx, from: a, to: b };
    reads.push({ kind: 'row', stmt: statement(ctx, (p) => `SELECT ${SUM_COLUMNS.map((c) => `coalesce(sum(t.${c}), 0) AS ${c}`).join(', ')} FROM analytics_hourly t WHERE ${where(range, p, 'hour')}`) });
    reads.push({ kind: 'kv', stmt: statement(ctx, (p) => `SELECT j.key AS k, sum(j.value) AS n FROM analytics_hourly t, json_each(t.hist) j WHERE ${where(range, p, 'hour')} GROUP BY j.key`) });
  }
  for (const [a, b] of factRanges) {
    const edge = { ...ctx, from: a, to: b };
    reads.push({ kind: 'row', stmt: statement(ctx, (p) => rollupSelectSql({ from: (table, time) => `FROM ${table} t WHERE ${where(edge, p, time)}`, keys: () => [`''`], names: ['g'] })) });
  }
  const results = await ctx.scope.d1.batch<Row>(reads.map((r) => r.stmt));

  const tally = new Map<string, number>();
  const add = (k: string, n: unknown) => tally.set(k, (tally.get(k) ?? 0) + Number(n ?? 0));
  results.forEach((res, i) => {
    for (const row of res.results) {
      if (reads[i].kind === 'kv') add(String(row.k), row.n);
      else {
        for (const c of SUM_COLUMNS) add(c, row[c]);
        if (row.hist) for (const [k, n] of Object.entries(JSON.parse(String(row.hist)) as Record<string, number>)) add(k, n);
      }
    }
  });
  const count = (k: SumColumn) => tally.get(k) ?? 0;
  const hists = new Map<string, Histogram>();
  const csat: Record<string, number> = {};
  for (const [key, n] of tally) {
    const i = key.indexOf(':');
    if (i < 0 || n === 0) continue;
    const metric = key.slice(0, i);
    if (metric === 'c') csat[key.slice(i + 1)] = n;
    else {
      if (!hists.has(metric)) hists.set(metric, new Map());
      hists.get(metric)!.set(Number(key.slice(i + 1)), n);
    }
  }
  const hist = (...metrics: string[]) => merge(...metrics.map((m) => hists.get(m) ?? new Map<number, number>()));
  const mean = (sum: number, n: number) => (n ? round3(sum / n) : null);
  const at = (h: Histogram, rank: (n: number) => number, n: number) => (n ? valueAtRank(h, rank(n)) : null);
  const figures = (n: number, wall: Histogram, wallSum: number, business: Histogram, businessSum: number): TimeFigures => ({
    count: n,
    median: at(wall, medianRank, n),
    p90: at(wall, p90Rank, n),
    avg: mean(wallSum, n),
    businessHours: { median: at(business, medianRank, n), p90: at(business, p90Rank, n), avg: mean(businessSum, n) },
  });
  const wallOnly = (n: number, h: Histogram, sum: number) => ({ count: n, median: at(h, medianRank, n), avg: mean(sum, n) });

  const firstN = count('first_initial') + count('first_reopen');
  const resolution = figures(count('resolved'), hist('sw'), count('resolution_s'), hist('sb'), count('resolution_bh_s'));
  return {
    from: ctx.from,
    to: ctx.to,
    conversations: { created: count('created'), resolved: resolution.count, reopened: count('reopened'), open: count('open') },
    firstResponse: {
      ...figures(firstN, hist('fi', 'fr'), count('first_s_initial') + count('first_s_reopen'), hist('fb'), count('first_bh_s')),
      byCycle: { initial: wallOnly(count('first_initial'), hist('fi'), count('first_s_initial')), reopen: wallOnly(count('first_reopen'), hist('fr'), count('first_s_reopen')) },
    },
    responseTime: figures(count('responses'), hist('rw'), count('response_s'), hist('rb'), count('response_bh_s')),
    resolution,
    resolutionRate: ratio(count('closed'), count('created')),
    slaCompliance: { firstResponse: ratio(count('frt_met'), count('frt_met') + count('frt_breached')), resolution: ratio(count('res_met'), count('res_met') + count('res_breached')) },
    csat: { responses: count('csat_n'), score: mean(count('csat_sum'), count('csat_n')), distribution: csat },
    messages: { in: count('messages_in'), out: count('messages_out') },
    escalations: count('escalations'),
  };
}

/**
 * Whole days [dayFrom, dayTo) of a staff or personal overview without filters, as kv reads that sum to exactly
 * what the hourly rows under `where` give: "assignee = me OR team IN my teams" is split into two disjoint parts,
 * my teams' days (analytics_daily_teams) and my own work outside those teams (analytics_agents, span 1: one
 * primary-key seek per day). Personal users and staff without a team have only the second part.
 */
function scopedDayReads(ctx: ReadContext, dayFrom: number, dayTo: number): D1PreparedStatement[] {
  const me = ctx.principal;
  const teams = JSON.stringify(me.role === 'staff' ? me.teamIds : []);
  const dayList = JSON.stringify(Array.from({ length: Math.round((dayTo - dayFrom) / DAY) }, (_, i) => dayFrom + i * DAY));
  const own = ctx.scope.prepare(
    `SELECT k, sum(n) AS n FROM analytics_agents WHERE workspace_id = ?1 AND span = 1 AND start IN (SELECT value FROM json_each(?2)) AND assignee_id = ?3
       AND team_id NOT IN (SELECT value FROM json_each(?4)) GROUP BY k`,
    dayList,
    me.userId,
    teams,
  );
  if (me.role !== 'staff' || me.teamIds.length === 0) return [own];
  const mine = ctx.scope.prepare(`SELECT k, sum(n) AS n FROM analytics_daily_teams WHERE workspace_id = ?1 AND day >= ?2 AND day < ?3 AND team_id IN (SELECT value FROM json_each(?4)) GROUP BY k`, dayFrom, dayTo, teams);
  return [mine, own];
}

/**
 * The exact overview from the facts (`exact=true`): nearest-rank percentiles instead of histogram bins, at
 * the cost of ranking the range's rows. Two statements, one per round trip: every count, sum and mean (one
 * row of single-row subqueries), then every percentile those counts call for (one row of ORDER BY … LIMIT 1
 * OFFSET k subqueries).
 */
export async function overviewExact(ctx: ReadContext) {
  const counts = statement(
    ctx,
    (p) => `SELECT * FROM
      (SELECT count(*) AS created, coalesce(sum(t.status <> 'closed'), 0) AS open, coalesce(sum(t.status = 'closed'), 0) AS closed,
        coalesce(sum(t.messages_in), 0) AS messages_in, coalesce(sum(t.messages_out), 0) AS messages_out, coalesce(sum(t.escalations), 0) AS escalations,
        coalesce(sum(t.sla_first_response = 'met'), 0) AS frt_met, coalesce(sum(t.sla_first_response = 'breached'), 0) AS frt_breached,
        coalesce(sum(t.sla_resolution = 'met'), 0) AS res_met, coalesce(sum(t.sla_resolution = 'breached'), 0) AS res_breached,
        count(t.csat_score) AS csat_n, avg(t.csat_score) AS csat_avg
       FROM ${FACTS} t WHERE ${where(ctx, p, 'created_at')}),
      (SELECT json_group_object(score, n) AS csat_distribution FROM
        (SELECT CASE WHEN t.csat_score = CAST(t.csat_score AS INTEGER) THEN CAST(t.csat_score AS INTEGER) ELSE t.csat_score END AS score, count(*) AS n
         FROM ${FACTS} t WHERE ${where(ctx, p, 'created_at')} AND t.csat_score IS NOT NULL GROUP BY score)),
      (SELECT count(*) AS reopened FROM ${CYCLES} t WHERE ${where(ctx, p, 'started_at')} AND ${METRIC_DEFS.reopened.where}),
      ${countAndMeansSql(ctx, p, METRIC_DEFS.firstResponse, 'first', true)},
      ${countAndMeansSql(ctx, p, METRIC_DEFS.responseTime, 'responses')},
      ${countAndMeansSql(ctx, p, METRIC_DEFS.resolution, 'resolution')}`,
  );
  const r = (await counts.first<Row>()) ?? {};
  const count = (k: string) => Number(r[k] ?? 0);
  const tally: Record<string, { n: number; w: unknown; b: unknown }> = {
    first: { n: count('first_n'), w: r.first_w_avg, b: r.first_b_avg },
    initial: { n: count('first_n_initial'), w: r.first_initial_avg, b: null },
    reopen: { n: count('first_n_reopen'), w: r.first_reopen_avg, b: null },
    responses: { n: count('responses_n'), w: r.responses_w_avg, b: r.responses_b_avg },
    resolution: { n: count('resolution_n'), w: r.resolution_w_avg, b: r.resolution_b_avg },
  };

  // The percentiles: all first responses, per kind of cycle (median only), every response, the resolutions.
  const specs = [
    { key: 'first', def: METRIC_DEFS.firstResponse, business: true },
    { key: 'initial', def: METRIC_DEFS.firstResponse, extra: 't.cycle = 1', business: false },
    { key: 'reopen', def: METRIC_DEFS.firstResponse, extra: 't.cycle > 1', business: false },
    { key: 'responses', def: METRIC_DEFS.responseTime, business: true },
    { key: 'resolution', def: METRIC_DEFS.resolution, business: true },
  ];
  const wanted: { name: string; sql: (p: Params) => string }[] = [];
  for (const s of specs) {
    const n = tally[s.key].n;
    if (n === 0) continue;
    const cols: [string, string][] = [['w', s.def.value!]];
    if (s.business) cols.push(['b', s.def.bh!]);
    for (const [prefix, col] of cols) {
      wanted.push({ name: `${s.key}_${prefix}_median`, sql: (p) => valueAtRankSql(ctx, p, s.def, col, medianRank(n), n, s.extra) });
      if (s.business) wanted.push({ name: `${s.key}_${prefix}_p90`, sql: (p) => valueAtRankSql(ctx, p, s.def, col, p90Rank(n), n, s.extra) });
    }
  }
  const v = wanted.length ? ((await statement(ctx, (p) => `SELECT ${wanted.map((w) => `${w.sql(p)} AS ${w.name}`).join(',\n      ')}`).first<Row>()) ?? {}) : {};
  const pick = (name: string) => num(v[name]);
  const figures = (key: string): TimeFigures => {
    const { n, w, b } = tally[key];
    return {
      count: n,
      median: pick(`${key}_w_median`),
      p90: pick(`${key}_w_p90`),
      avg: n ? num(w) : null,
      businessHours: { median: pick(`${key}_b_median`), p90: pick(`${key}_b_p90`), avg: n ? num(b) : null },
    };
  };
  const wallOnly = (key: string) => {
    const { businessHours: _b, p90: _p, ...wall } = figures(key);
    return wall;
  };

  const distribution: Record<string, number> = r.csat_distribution ? (JSON.parse(String(r.csat_distribution)) as Record<string, number>) : {};
  const resolution = figures('resolution');
  return {
    from: ctx.from,
    to: ctx.to,
    conversations: { created: count('created'), resolved: resolution.count, reopened: count('reopened'), open: count('open') },
    firstResponse: { ...figures('first'), byCycle: { initial: wallOnly('initial'), reopen: wallOnly('reopen') } },
    responseTime: figures('responses'),
    resolution,
    resolutionRate: ratio(count('closed'), count('created')),
    slaCompliance: { firstResponse: ratio(count('frt_met'), count('frt_met') + count('frt_breached')), resolution: ratio(count('res_met'), count('res_met') + count('res_breached')) },
    csat: { responses: count('csat_n'), score: r.csat_avg === null || r.csat_avg === undefined ? null : round3(Number(r.csat_avg)), distribution },
    messages: { in: count('messages_in'), out: count('messages_out') },
    escalations: count('escalations'),
  };
}

// ---- timeseries and distribution ----

export interface SeriesPoint {
  key: number;
  group: string | null;
  count: number;
  median?: number | null;
  p90?: number | null;
  avg?: number | null;
}

/** Per bucket (and group): the metric's figures, keyed "<bucket>|<group>". */
export async function series(ctx: ReadContext, metric: Metric, hours: Hours, interval: Interval, spans: OffsetSpan[], groupBy: GroupBy | undefined) {
  const def = METRIC_DEFS[metric];
  const bucket = bucketSql(`t.${def.time}`, interval, spans);
  return grouped(ctx, def, hours, groupBy ? `${bucket} || '|' || coalesce(${GROUP_COLUMNS[groupBy]}, '')` : `${bucket} || '|'`);
}

export type DistributionBy = 'hour' | 'weekday' | 'weekdayHour';

/** The metric by local hour of day (0–23), weekday (0 Sunday – 6) or both (weekday × 24 + hour, 0–167: the peak-hours grid). */
export async function distribution(ctx: ReadContext, metric: Metric, hours: Hours, by: DistributionBy, spans: OffsetSpan[]) {
  const def = METRIC_DEFS[metric];
  const col = `t.${def.time}`;
  const expr = by === 'hour' ? hourOfDaySql(col, spans) : by === 'weekday' ? weekdaySql(col, spans) : `(${weekdaySql(col, spans)} * 24 + ${hourOfDaySql(col, spans)})`;
  return grouped(ctx, def, hours, `${expr} || '|'`);
}

async function grouped(ctx: ReadContext, def: MetricDef, hours: Hours, group: string): Promise<Map<string, SeriesPoint>> {
  const stmt = def.kind === 'time' ? groupedStats(ctx, def, hours, group) : countStats(ctx, def, group);
  const { results } = await stmt.all<Row>();
  const out = new Map<string, SeriesPoint>();
  for (const row of results) {
    const [k, ...rest] = String(row.g).split('|');
    const g = rest.join('|');
    const base = { key: Number(k), group: g === '' ? null : g };
    if (def.kind === 'time') out.set(String(row.g), { ...base, ...statsOfRow(row) });
    else out.set(String(row.g), { ...base, count: Number(row.n) });
  }
  return out;
}

// ---- agents ----

/**
 * The per-agent table from the rollups, tiered like the overview: whole epoch-aligned weeks and the whole UTC
 * days at either end from analytics_agents, whole hours from analytics_hourly, partial hours from the facts;
 * each read grouped by agent. Counts, means and rates are exact; medians and p90 come from the histogram
 * bins (as the overview's). Filters by channel or inbox are not in those rollups: such reads rank the facts.
 */
export async function agents(ctx: ReadContext) {
  if (ctx.filters.channel || ctx.filters.inboxId) return agentsExact(ctx);
  const hourFrom = Math.ceil(ctx.from / HOUR) * HOUR;
  const hourTo = Math.floor(ctx.to / HOUR) * HOUR;
  const dayFrom = Math.ceil(hourFrom / DAY) * DAY;
  const dayTo = Math.floor(hourTo / DAY) * DAY;
  const weekFrom = Math.ceil(dayFrom / WEEK) * WEEK;
  const weekTo = Math.floor(dayTo / WEEK) * WEEK;
  const valid = ([a, b]: number[]) => a < b;
  const weeks = dayFrom < dayTo && weekFrom < weekTo ? [[weekFrom, weekTo]] : [];
  const dayRanges = dayFrom < dayTo ? (weeks.length ? [[dayFrom, weekFrom], [weekTo, dayTo]] : [[dayFrom, dayTo]]).filter(valid) : [];
  const hourRanges = (hourFrom < hourTo ? (dayFrom < dayTo ? [[hourFrom, dayFrom], [dayTo, hourTo]] : [[hourFrom, hourTo]]) : []).filter(valid);
  const factRanges = (hourFrom < hourTo ? [[ctx.from, hourFrom], [hourTo, ctx.to]] : [[ctx.from, ctx.to]]).filter(valid);

  // Every read yields rows per agent g: 'kv' a JSON object of keys and counts, 'row' the sum columns (and maybe hist).
  type Read = { stmt: D1PreparedStatement; kind: 'kv' | 'row' };
  const reads: Read[] = [];
  // Whole weeks and whole days in one statement, summed per agent and key before they leave D1 (a week and its
  // neighbours share most keys). Weeks hold only AGENT_KEYS; days hold every key.
  const tiers = [...weeks.map((r) => [7, ...r]), ...dayRanges.map((r) => [1, ...r])];
  if (tiers.length)
    reads.push({
      kind: 'kv',
      stmt: statement(ctx, (p) => {
        const scope = scopeWhere(ctx, p);
        const terms = tiers.map(
          ([span, a, b]) =>
            `SELECT t.assignee_id AS g, t.k AS k, t.n AS n FROM analytics_agents t WHERE t.workspace_id = ?1 AND t.span = ${span} AND t.start >= ${p.add(a)} AND t.start < ${p.add(b)}${span === 1 ? ` AND ${AGENT_KEYS('t.k')}` : ''} AND ${scope}`,
        );
        return `SELECT g, json_group_object(k, n) AS kv FROM (SELECT g, k, sum(n) AS n FROM (${unionAll(terms)}) GROUP BY g, k) GROUP BY g`;
      }),
    });
  for (const [a, b] of hourRanges) {
    const range = { ...ctx, from: a, to: b };
    reads.push({ kind: 'row', stmt: statement(ctx, (p) => `SELECT t.assignee_id AS g, ${SUM_COLUMNS.map((c) => `coalesce(sum(t.${c}), 0) AS ${c}`).join(', ')} FROM analytics_hourly t WHERE ${where(range, p, 'hour')} GROUP BY t.assignee_id`) });
    reads.push({
      kind: 'kv',
      stmt: statement(ctx, (p) => `SELECT g, json_group_object(k, n) AS kv FROM (SELECT t.assignee_id AS g, j.key AS k, sum(j.value) AS n FROM analytics_hourly t, json_each(t.hist) j WHERE ${where(range, p, 'hour')} GROUP BY t.assignee_id, j.key) GROUP BY g`),
    });
  }
  for (const [a, b] of factRanges) {
    const edge = { ...ctx, from: a, to: b };
    reads.push({ kind: 'row', stmt: statement(ctx, (p) => rollupSelectSql({ from: (table, time) => `FROM ${table} t WHERE ${where(edge, p, time)}`, keys: () => [`coalesce(t.assignee_id, '')`], names: ['g'] })) });
  }
  const [users, ...results] = await ctx.scope.d1.batch<Row>([ctx.scope.prepare(`SELECT id, name FROM users WHERE workspace_id = ?1`), ...reads.map((r) => r.stmt)]);

  // One pass over every key: sums by name, histogram bins per metric family.
  type Tally = { sums: Map<string, number>; hists: Map<string, Histogram> };
  const tallies = new Map<string, Tally>();
  const add = (g: unknown, k: string, n: unknown) => {
    const id = g === null || g === undefined ? '' : String(g);
    let t = tallies.get(id);
    if (!t) tallies.set(id, (t = { sums: new Map(), hists: new Map() }));
    const v = Number(n ?? 0);
    const i = k.indexOf(':');
    if (i < 0) t.sums.set(k, (t.sums.get(k) ?? 0) + v);
    else {
      const family = k.slice(0, i);
      let h = t.hists.get(family);
      if (!h) t.hists.set(family, (h = new Map()));
      const bin = Number(k.slice(i + 1));
      h.set(bin, (h.get(bin) ?? 0) + v);
    }
  };
  results.forEach((res, i) => {
    for (const row of res.results) {
      if (reads[i].kind === 'kv') {
        const kv = JSON.parse(String(row.kv)) as Record<string, number>;
        for (const k in kv) add(row.g, k, kv[k]);
      } else {
        for (const c of SUM_COLUMNS) add(row.g, c, row[c]);
        if (row.hist) for (const [k, n] of Object.entries(JSON.parse(String(row.hist)) as Record<string, number>)) add(row.g, k, n);
      }
    }
  });
  const names = new Map(users.results.map((u) => [String(u.id), String(u.name)]));
  const items = [];
  for (const [id, tally] of tallies) {
    const n = (k: SumColumn) => tally.sums.get(k) ?? 0;
    const firstN = n('first_initial') + n('first_reopen');
    // Listed as the fact path lists them: a conversation created, a first response, a response or a resolution in the range.
    if (n('created') + firstN + n('responses') + n('resolved') === 0) continue;
    const hist = (...families: string[]) => merge(...families.map((f) => tally.hists.get(f) ?? new Map<number, number>()));
    const stats = (count: number, h: Histogram, sum: number): Stats =>
      count ? { count, median: valueAtRank(h, medianRank(count)), p90: valueAtRank(h, p90Rank(count)), avg: round3(sum / count) } : { count: 0, median: null, p90: null, avg: null };
    const resolution = stats(n('resolved'), hist('sw'), n('resolution_s'));
    items.push({
      agentId: id === '' ? null : id,
      name: id === '' ? null : (names.get(id) ?? null),
      conversations: n('created'),
      open: n('open'),
      resolved: resolution.count,
      messagesOut: n('messages_out'),
      firstResponse: stats(firstN, hist('fi', 'fr'), n('first_s_initial') + n('first_s_reopen')),
      responseTime: stats(n('responses'), hist('rw'), n('response_s')),
      resolution,
      slaCompliance: { firstResponse: ratio(n('frt_met'), n('frt_met') + n('frt_breached')), resolution: ratio(n('res_met'), n('res_met') + n('res_breached')) },
      csat: { responses: n('csat_n'), score: n('csat_n') ? round3(n('csat_sum') / n('csat_n')) : null },
    });
  }
  items.sort((a, b) => b.conversations - a.conversations || b.resolved - a.resolved || String(a.agentId).localeCompare(String(b.agentId)));
  return { from: ctx.from, to: ctx.to, items };
}

/** The per-agent table from the facts (`exact=true`): nearest-rank medians and p90 ranked by one window per metric. */
export async function agentsExact(ctx: ReadContext) {
  // Unassigned work is the '' group (a join on NULL would never match).
  const g = `coalesce(t.assignee_id, '')`;
  const [facts, first, responses, resolution, users] = await ctx.scope.d1.batch<Row>([
    statement(
      ctx,
      (p) => `SELECT ${g} AS g, count(*) AS conversations, coalesce(sum(t.status = 'closed'), 0) AS closed, coalesce(sum(t.status <> 'closed'), 0) AS open,
          coalesce(sum(t.messages_out), 0) AS messages_out,
          coalesce(sum(t.sla_first_response = 'met'), 0) AS frt_met, coalesce(sum(t.sla_first_response = 'breached'), 0) AS frt_breached,
          coalesce(sum(t.sla_resolution = 'met'), 0) AS res_met, coalesce(sum(t.sla_resolution = 'breached'), 0) AS res_breached,
          count(t.csat_score) AS csat_n, avg(t.csat_score) AS csat_avg
        FROM ${FACTS} t WHERE ${where(ctx, p, 'created_at')} GROUP BY g`,
    ),
    groupedStats(ctx, METRIC_DEFS.firstResponse, 'wall', g),
    groupedStats(ctx, METRIC_DEFS.responseTime, 'wall', g),
    groupedStats(ctx, METRIC_DEFS.resolution, 'wall', g),
    ctx.scope.prepare(`SELECT id, name FROM users WHERE workspace_id = ?1`),
  ]);
  const names = new Map(users.results.map((u) => [String(u.id), String(u.name)]));
  const key = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  const ids = new Set<string>([...facts.results, ...first.results, ...responses.results, ...resolution.results].map((r) => key(r.g)));
  const find = (rows: Row[], id: string) => rows.find((r) => key(r.g) === id);
  const items = [...ids].map((id) => {
    const f = find(facts.results, id) ?? {};
    const n = (k: string) => Number(f[k] ?? 0);
    const res = statsOfRow(find(resolution.results, id));
    return {
      agentId: id === '' ? null : id,
      name: id === '' ? null : (names.get(id) ?? null),
      conversations: n('conversations'),
      open: n('open'),
      resolved: res.count,
      messagesOut: n('messages_out'),
      firstResponse: statsOfRow(find(first.results, id)),
      responseTime: statsOfRow(find(responses.results, id)),
      resolution: res,
      slaCompliance: { firstResponse: ratio(n('frt_met'), n('frt_met') + n('frt_breached')), resolution: ratio(n('res_met'), n('res_met') + n('res_breached')) },
      csat: { responses: n('csat_n'), score: f.csat_avg === null || f.csat_avg === undefined ? null : round3(Number(f.csat_avg)) },
    };
  });
  items.sort((a, b) => b.conversations - a.conversations || b.resolved - a.resolved || String(a.agentId).localeCompare(String(b.agentId)));
  return { from: ctx.from, to: ctx.to, items };
}

// ---- conversations (the CSV export's rows), by keyset pages ----

export const CONVERSATION_COLUMNS = [
  'conversation_id',
  'channel',
  'inbox_id',
  'team_id',
  'assignee_id',
  'status',
  'created_at',
  'first_response_s',
  'first_response_bh_s',
  'resolved_at',
  'resolution_s',
  'resolution_bh_s',
  'reopens',
  'messages_in',
  'messages_out',
  'responses',
  'response_s_total',
  'sla_first_response',
  'sla_resolution',
  'escalations',
  'csat_score',
] as const;

/** One page of facts rows created in the range, after the keyset cursor (created_at, conversation_id). */
export async function conversationPage(ctx: ReadContext, after: [number, string] | null, limit: number): Promise<Row[]> {
  const stmt = statement(ctx, (p) => {
    const cursor = after ? ` AND (t.created_at, t.conversation_id) > (${p.add(after[0])}, ${p.add(after[1])})` : '';
    return `SELECT ${CONVERSATION_COLUMNS.map((c) => `t.${c}`).join(', ')} FROM ${FACTS} t WHERE ${where(ctx, p, 'created_at')}${cursor}
      ORDER BY t.created_at, t.conversation_id LIMIT ${Math.floor(limit)}`;
  });
  return (await stmt.all<Row>()).results;
}
