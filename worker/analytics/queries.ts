// The analytics reads over the facts tables, computed in D1: counts, and medians / p90 with window
// functions (ROW_NUMBER over the value, nearest rank), so a long range never ships its rows to the Worker.
// Each report is one D1 batch (one round trip). The role and the filters are one clause that fits every
// facts table, since all three carry the same dimension columns.
//
// Which time places a figure in the range: conversations created → created_at; resolutions and resolution
// time → the close (cycles.resolved_at); reopens → the reopen (cycles.started_at, cycle > 1); first responses
// → the reply (cycles.first_response_at); every response → the reply; SLA, CSAT and message counts → the
// conversation's creation.
import type { Principal } from '../auth/principal';
import type { WorkspaceScope } from '../db/scope';
import { bucketSql, hourOfDaySql, weekdaySql, type Interval, type OffsetSpan } from './buckets';
import { percentileColumns, ratio, round3, statsOf, type Stats } from './metrics';
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
  add(v: unknown): string {
    this.values.push(v);
    return `?${this.values.length + 1}`;
  }
}

/**
 * The WHERE clause of one facts table (alias t): workspace, time range on `timeCol`, filters and the role:
 * staff see figures of conversations handled by them or by their teams, personal users only their own.
 */
function where(ctx: ReadContext, p: Params, timeCol: string): string {
  const parts = ['t.workspace_id = ?1', `t.${timeCol} >= ${p.add(ctx.from)}`, `t.${timeCol} < ${p.add(ctx.to)}`];
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

/** count, median, p90, avg of a time metric (wall clock as `w_…`, business hours as `b_…`) per group `g`. */
function timeStats(ctx: ReadContext, def: MetricDef, group: string | null, extraWhere?: string): D1PreparedStatement {
  return statement(
    ctx,
    (p) => `WITH x AS (SELECT ${group ?? 'NULL'} AS g, t.${def.value} AS w, coalesce(t.${def.bh}, t.${def.value}) AS b FROM ${def.table} t
        WHERE ${where(ctx, p, def.time)} AND t.${def.value} IS NOT NULL${def.where ? ` AND ${def.where}` : ''}${extraWhere ? ` AND ${extraWhere}` : ''}),
      r AS (SELECT g, w, b, ROW_NUMBER() OVER (PARTITION BY g ORDER BY w) AS rw, ROW_NUMBER() OVER (PARTITION BY g ORDER BY b) AS rb, COUNT(*) OVER (PARTITION BY g) AS n FROM x)
      SELECT g, MAX(n) AS n, ${percentileColumns('w', 'rw', 'n', 'w')}, ${percentileColumns('b', 'rb', 'n', 'b')} FROM r GROUP BY g`,
  );
}

function countStats(ctx: ReadContext, def: MetricDef, group: string | null): D1PreparedStatement {
  const measure = def.kind === 'sum' ? `coalesce(sum(t.${def.value}), 0)` : 'count(*)';
  return statement(ctx, (p) => `SELECT ${group ?? 'NULL'} AS g, ${measure} AS n FROM ${def.table} t WHERE ${where(ctx, p, def.time)}${def.where ? ` AND ${def.where}` : ''} GROUP BY g`);
}

export interface TimeFigures extends Stats {
  businessHours: Omit<Stats, 'count'>;
}

function timeFigures(row: Row | undefined): TimeFigures {
  const n = Number(row?.n ?? 0);
  const w = statsOf(row, 'w', n);
  const b = statsOf(row, 'b', n);
  return { ...w, businessHours: { median: b.median, p90: b.p90, avg: b.avg } };
}

// ---- overview ----

export async function overview(ctx: ReadContext) {
  const facts = statement(
    ctx,
    (p) => `SELECT count(*) AS created, coalesce(sum(t.status <> 'closed'), 0) AS open, coalesce(sum(t.status = 'closed'), 0) AS closed,
        coalesce(sum(t.messages_in), 0) AS messages_in, coalesce(sum(t.messages_out), 0) AS messages_out, coalesce(sum(t.escalations), 0) AS escalations,
        coalesce(sum(t.sla_first_response = 'met'), 0) AS frt_met, coalesce(sum(t.sla_first_response = 'breached'), 0) AS frt_breached,
        coalesce(sum(t.sla_resolution = 'met'), 0) AS res_met, coalesce(sum(t.sla_resolution = 'breached'), 0) AS res_breached,
        count(t.csat_score) AS csat_n, avg(t.csat_score) AS csat_avg
      FROM ${FACTS} t WHERE ${where(ctx, p, 'created_at')}`,
  );
  const csat = statement(ctx, (p) => `SELECT t.csat_score AS score, count(*) AS n FROM ${FACTS} t WHERE ${where(ctx, p, 'created_at')} AND t.csat_score IS NOT NULL GROUP BY t.csat_score`);
  const label = `CASE WHEN t.cycle > 1 THEN 'reopen' ELSE 'initial' END`;
  const [f, dist, reopened, resolution, first, firstByCycle, responses] = await ctx.scope.d1.batch<Row>([
    facts,
    csat,
    countStats(ctx, METRIC_DEFS.reopened, null),
    timeStats(ctx, METRIC_DEFS.resolution, null),
    timeStats(ctx, METRIC_DEFS.firstResponse, null),
    timeStats(ctx, METRIC_DEFS.firstResponse, label),
    timeStats(ctx, METRIC_DEFS.responseTime, null),
  ]);
  const r = f.results[0] ?? {};
  const num = (k: string) => Number(r[k] ?? 0);
  const res = timeFigures(resolution.results[0]);
  const byLabel = (l: string) => {
    const t = timeFigures(firstByCycle.results.find((x) => x.g === l));
    return { count: t.count, median: t.median, p90: t.p90, avg: t.avg };
  };
  const distribution: Record<string, number> = {};
  for (const d of dist.results) distribution[String(d.score)] = Number(d.n);
  const rt = timeFigures(responses.results[0]);
  return {
    from: ctx.from,
    to: ctx.to,
    conversations: { created: num('created'), resolved: res.count, reopened: Number(reopened.results[0]?.n ?? 0), open: num('open') },
    firstResponse: { ...timeFigures(first.results[0]), byCycle: { initial: byLabel('initial'), reopen: byLabel('reopen') } },
    responseTime: { count: rt.count, median: rt.median, p90: rt.p90, avg: rt.avg, businessHours: rt.businessHours },
    resolution: res,
    resolutionRate: ratio(num('closed'), num('created')),
    slaCompliance: { firstResponse: ratio(num('frt_met'), num('frt_met') + num('frt_breached')), resolution: ratio(num('res_met'), num('res_met') + num('res_breached')) },
    csat: { responses: num('csat_n'), score: r.csat_avg === null || r.csat_avg === undefined ? null : round3(Number(r.csat_avg)), distribution },
    messages: { in: num('messages_in'), out: num('messages_out') },
    escalations: num('escalations'),
  };
}

// ---- timeseries and distribution ----

export interface SeriesPoint {
  key: number;
  count: number;
  median?: number | null;
  p90?: number | null;
  avg?: number | null;
  businessHours?: Omit<Stats, 'count'>;
}

/** Per bucket (and group): the metric's figures. Returns rows keyed by bucket key and group value. */
export async function series(ctx: ReadContext, metric: Metric, interval: Interval, spans: OffsetSpan[], groupBy: GroupBy | undefined) {
  const def = METRIC_DEFS[metric];
  const bucket = bucketSql(`t.${def.time}`, interval, spans);
  return grouped(ctx, def, groupBy ? `${bucket} || '|' || coalesce(${GROUP_COLUMNS[groupBy]}, '')` : `${bucket} || '|'`);
}

/** The metric by local hour of day (0–23) or weekday (0 Sunday – 6). */
export async function distribution(ctx: ReadContext, metric: Metric, by: 'hour' | 'weekday', spans: OffsetSpan[]) {
  const def = METRIC_DEFS[metric];
  const expr = by === 'hour' ? hourOfDaySql(`t.${def.time}`, spans) : weekdaySql(`t.${def.time}`, spans);
  return grouped(ctx, def, `${expr} || '|'`);
}

/** Rows keyed "<bucket>|<group>" → figures. */
async function grouped(ctx: ReadContext, def: MetricDef, group: string): Promise<Map<string, SeriesPoint & { group: string | null }>> {
  const stmt = def.kind === 'time' ? timeStats(ctx, def, group) : countStats(ctx, def, group);
  const { results } = await stmt.all<Row>();
  const out = new Map<string, SeriesPoint & { group: string | null }>();
  for (const row of results) {
    const [k, ...rest] = String(row.g).split('|');
    const g = rest.join('|');
    const base = { key: Number(k), group: g === '' ? null : g };
    if (def.kind === 'time') {
      const t = timeFigures(row);
      out.set(String(row.g), { ...base, count: t.count, median: t.median, p90: t.p90, avg: t.avg, businessHours: t.businessHours });
    } else out.set(String(row.g), { ...base, count: Number(row.n) });
  }
  return out;
}

// ---- agents ----

export async function agents(ctx: ReadContext) {
  const g = 't.assignee_id';
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
    timeStats(ctx, METRIC_DEFS.firstResponse, g),
    timeStats(ctx, METRIC_DEFS.responseTime, g),
    timeStats(ctx, METRIC_DEFS.resolution, g),
    ctx.scope.prepare(`SELECT id, name FROM users WHERE workspace_id = ?1`),
  ]);
  const names = new Map(users.results.map((u) => [String(u.id), String(u.name)]));
  const key = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  const ids = new Set<string>([...facts.results, ...first.results, ...responses.results, ...resolution.results].map((r) => key(r.g)));
  const find = (rows: Row[], id: string) => rows.find((r) => key(r.g) === id);
  const items = [...ids].map((id) => {
    const f = find(facts.results, id) ?? {};
    const n = (k: string) => Number(f[k] ?? 0);
    const res = timeFigures(find(resolution.results, id));
    return {
      agentId: id === '' ? null : id,
      name: id === '' ? null : (names.get(id) ?? null),
      conversations: n('conversations'),
      open: n('open'),
      resolved: res.count,
      messagesOut: n('messages_out'),
      firstResponse: timeFigures(find(first.results, id)),
      responseTime: timeFigures(find(responses.results, id)),
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
