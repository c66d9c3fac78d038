// /api/analytics: overview, timeseries, distribution, per-agent table and CSV export over the facts the
// analytics subscriber keeps (worker/analytics/queries.ts computes; this file parses and shapes).
//
// Every role may read; what they read is scoped: managers the whole workspace, staff the conversations
// handled by them or their teams, personal users their own. Times are seconds, with business-hours
// twins in the workspace calendar; ranges are [from, to) in epoch ms or local dates in `tz`
// (default: the workspace's time zone, the last 30 days).
import { Hono, type Context } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { AppEnv } from '../app-env';
import { Problem } from '../http/problem';
import { valid } from '../http/validate';
import { bucketCount, bucketKeys, bucketStart, localDateStart, offsetSpans, type Interval } from './buckets';
import { csvLine, csvStream, linesStream, type Cell } from './csv';
import { agents, agentsExact, CONVERSATION_COLUMNS, conversationPage, distribution, overview, overviewExact, series, type DistributionBy, type Hours, type ReadContext } from './queries';
import { AgentsQuery, DistributionQuery, ExportQuery, OverviewQuery, TIME_METRICS, TimeseriesQuery, type GroupBy, type Metric } from './schemas';

const DAY = 86_400_000;
const DEFAULT_RANGE_MS = 30 * DAY;
const MAX_RANGE_MS = 3 * 366 * DAY;
/** A timeseries answers at most this many buckets (31 days by the hour, almost three years by the day). */
const MAX_BUCKETS = 1100;
const EXPORT_PAGE = 500;

interface RangeQuery {
  from?: string;
  to?: string;
  tz?: string;
  channel?: string;
  inboxId?: string;
  teamId?: string;
  agentId?: string;
}

async function readContext(c: Context<AppEnv>, q: RangeQuery): Promise<{ ctx: ReadContext; tz: string }> {
  const scope = c.get('scope');
  const tz = q.tz ?? (await scope.prepare(`SELECT timezone FROM workspaces WHERE id = ?1`).first<string>('timezone')) ?? 'UTC';
  const instant = (s: string, end: boolean) => {
    if (/^\d+$/.test(s)) return Number(s);
    // A date means its whole local day: `to=2026-12-31` includes the 31st.
    return end ? localDateStart(new Date(Date.parse(`${s}T00:00:00Z`) + DAY).toISOString().slice(0, 10), tz) : localDateStart(s, tz);
  };
  const to = q.to !== undefined ? instant(q.to, true) : Date.now();
  const from = q.from !== undefined ? instant(q.from, false) : to - DEFAULT_RANGE_MS;
  if (from >= to) throw Problem.badRequest('query.from', 'must be before `to`');
  if (to - from > MAX_RANGE_MS) throw Problem.badRequest('query.from', 'the range may span at most three years');
  const filters = { channel: q.channel, inboxId: q.inboxId, teamId: q.teamId, agentId: q.agentId };
  return { ctx: { scope, principal: c.get('principal'), filters, from, to }, tz };
}

async function timeseries(ctx: ReadContext, tz: string, metric: Metric, hours: Hours, interval: Interval, groupBy: GroupBy | undefined) {
  if (bucketCount(ctx.from, ctx.to, interval, tz) > MAX_BUCKETS) throw Problem.badRequest('query.interval', `the range has more than ${MAX_BUCKETS} ${interval} buckets: choose a longer interval`);
  const keys = bucketKeys(ctx.from, ctx.to, interval, tz);
  const rows = await series(ctx, metric, hours, interval, offsetSpans(ctx.from, ctx.to, tz), groupBy);
  const timed = (TIME_METRICS as readonly string[]).includes(metric);
  const groups = groupBy ? [...new Set([...rows.values()].map((r) => r.group))].sort((a, b) => String(a).localeCompare(String(b))) : [null];
  const empty = timed ? { count: 0, median: null, p90: null, avg: null } : { count: 0 };
  return {
    metric,
    ...(timed ? { hours } : {}),
    interval,
    tz,
    from: ctx.from,
    to: ctx.to,
    groupBy: groupBy ?? null,
    buckets: keys.map((k) => bucketStart(k, interval, tz)),
    series: groups.map((group) => ({
      group,
      points: keys.map((k) => {
        const r = rows.get(`${k}|${group ?? ''}`);
        const { key: _k, group: _g, ...figures } = r ?? { key: k, group, ...empty };
        return { start: bucketStart(k, interval, tz), ...figures };
      }),
    })),
  };
}

async function distributionOf(ctx: ReadContext, tz: string, metric: Metric, hours: Hours, by: DistributionBy) {
  const rows = await distribution(ctx, metric, hours, by, offsetSpans(ctx.from, ctx.to, tz));
  const timed = metric !== 'created';
  const n = by === 'hour' ? 24 : by === 'weekday' ? 7 : 7 * 24;
  return {
    metric,
    ...(timed ? { hours } : {}),
    by,
    tz,
    from: ctx.from,
    to: ctx.to,
    rows: Array.from({ length: n }, (_, i) => {
      const r = rows.get(`${i}|`);
      const figures = r ? (({ key: _k, group: _g, ...rest }) => rest)(r) : timed ? { count: 0, median: null, p90: null, avg: null } : { count: 0 };
      const at = by === 'weekdayHour' ? { weekday: Math.floor(i / 24), hour: i % 24 } : { [by]: i };
      return { ...at, ...figures };
    }),
  };
}

const SCOPE_NOTE = 'Managers see the workspace; staff the conversations handled by them or their teams; personal users their own.';
const RANGE_NOTE =
  '`from`/`to`: epoch ms or local dates (YYYY-MM-DD) in `tz` (an IANA zone, default the workspace’s); default the last 30 days. Filters: `channel`, `inboxId`, `teamId`, `agentId` (or `me`). Times in seconds; business hours (open hours of the workspace calendar) beside wall clock in the overview, with `hours=business` in timeseries and distribution.';

export const analyticsRoutes = new Hono<AppEnv>();

analyticsRoutes.get(
  '/overview',
  describeRoute({
    tags: ['analytics'],
    summary: 'Conversations created, resolved, reopened and open; first response, response and resolution times (median, p90, avg); resolution rate, SLA compliance, CSAT, messages',
    description: `${RANGE_NOTE} First responses are one per cycle (the first and each reopen), split in \`byCycle\`. Counts, means and rates are exact; medians and p90 come from the hourly rollups' log-scale histograms (within 4.9 % of the exact value) unless \`exact=true\` (nearest-rank values from every fact row, slower over long ranges). ${SCOPE_NOTE}`,
  }),
  valid('query', OverviewQuery),
  async (c) => {
    const q = c.req.valid('query');
    const { ctx } = await readContext(c, q);
    return c.json(await (q.exact === 'true' ? overviewExact(ctx) : overview(ctx)));
  },
);

analyticsRoutes.get(
  '/timeseries',
  describeRoute({
    tags: ['analytics'],
    summary: 'A metric per local hour, day or week, optionally per channel, inbox, team or agent',
    description: `${RANGE_NOTE} Empty buckets are listed. At most ${MAX_BUCKETS} buckets. ${SCOPE_NOTE}`,
  }),
  valid('query', TimeseriesQuery),
  async (c) => {
    const q = c.req.valid('query');
    const { ctx, tz } = await readContext(c, q);
    return c.json(await timeseries(ctx, tz, q.metric, q.hours, q.interval, q.groupBy));
  },
);

analyticsRoutes.get(
  '/distribution',
  describeRoute({
    tags: ['analytics'],
    summary: 'A metric by local hour of day (0–23), weekday (0 Sunday – 6) or both (`by=weekdayHour`, 168 rows): peak hours and response times through the day',
    description: `${RANGE_NOTE} ${SCOPE_NOTE}`,
  }),
  valid('query', DistributionQuery),
  async (c) => {
    const q = c.req.valid('query');
    const { ctx, tz } = await readContext(c, q);
    return c.json(await distributionOf(ctx, tz, q.metric, q.hours, q.by));
  },
);

analyticsRoutes.get(
  '/agents',
  describeRoute({
    tags: ['analytics'],
    summary: 'Per handling agent: conversations, resolutions, first response, response and resolution times, SLA compliance, CSAT',
    description: `${RANGE_NOTE} The handling agent is the assignee (a transfer moves the conversation to the new agent); \`agentId: null\` is unassigned work. Counts, means and rates are exact; medians and p90 come from the per-agent rollups' log-scale histograms (within 4.9 % of the exact value) unless \`exact=true\` (nearest-rank values from every fact row) or a \`channel\`/\`inboxId\` filter is given (read from the facts, exact). ${SCOPE_NOTE}`,
  }),
  valid('query', AgentsQuery),
  async (c) => {
    const q = c.req.valid('query');
    const { ctx } = await readContext(c, q);
    return c.json(await (q.exact === 'true' ? agentsExact(ctx) : agents(ctx)));
  },
);

analyticsRoutes.get(
  '/export.csv',
  describeRoute({
    tags: ['analytics'],
    summary: 'CSV of a report: overview, timeseries (metric, interval, groupBy), agents, or conversations (one row per conversation, streamed page by page)',
    description: `${RANGE_NOTE} ${SCOPE_NOTE}`,
  }),
  valid('query', ExportQuery),
  async (c) => {
    const q = c.req.valid('query');
    const { ctx, tz } = await readContext(c, q);
    const headers = {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="parley-${q.report}-${new Date(ctx.from).toISOString().slice(0, 10)}-${new Date(ctx.to).toISOString().slice(0, 10)}.csv"`,
      'cache-control': 'no-store',
    };
    const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(Number(v)).toISOString());
    if (q.report === 'conversations') {
      let after: [number, string] | null = null;
      let done = false;
      const stream = csvStream(CONVERSATION_COLUMNS, async () => {
        if (done) return [];
        const rows = await conversationPage(ctx, after, EXPORT_PAGE);
        if (rows.length < EXPORT_PAGE) done = true;
        const last = rows[rows.length - 1];
        if (last) after = [Number(last.created_at), String(last.conversation_id)];
        return rows.map((r) => CONVERSATION_COLUMNS.map((col) => (col === 'created_at' || col === 'resolved_at' ? iso(r[col]) : (r[col] as Cell))));
      });
      return new Response(stream, { headers });
    }
    let lines: string[];
    if (q.report === 'overview') {
      const o = await overview(ctx);
      lines = [csvLine(['metric', 'value']), ...flatten(o).map(([k, v]) => csvLine([k, v]))];
    } else if (q.report === 'agents') {
      // A download is the record of the figures: nearest-rank medians from the facts, as `exact=true` gives on screen.
      const a = await agentsExact(ctx);
      lines = [
        csvLine(['agent_id', 'name', 'conversations', 'open', 'resolved', 'first_response_median_s', 'first_response_p90_s', 'response_median_s', 'resolution_median_s', 'resolution_p90_s', 'sla_first_response', 'sla_resolution', 'csat_responses', 'csat_score']),
        ...a.items.map((i) =>
          csvLine([i.agentId, i.name, i.conversations, i.open, i.resolved, i.firstResponse.median, i.firstResponse.p90, i.responseTime.median, i.resolution.median, i.resolution.p90, i.slaCompliance.firstResponse, i.slaCompliance.resolution, i.csat.responses, i.csat.score]),
        ),
      ];
    } else {
      const t = await timeseries(ctx, tz, q.metric, q.hours, q.interval, q.groupBy);
      lines = [csvLine(['start', 'group', 'count', 'median_s', 'p90_s', 'avg_s'])];
      for (const s of t.series) {
        for (const p of s.points as Record<string, any>[]) {
          lines.push(csvLine([iso(p.start), s.group, p.count, p.median, p.p90, p.avg]));
        }
      }
    }
    return new Response(linesStream(lines), { headers });
  },
);

/** [dotted key, value] pairs of a nested object (the overview as metric,value rows). */
function flatten(o: unknown, prefix = ''): [string, Cell][] {
  if (o === null || typeof o !== 'object') return [[prefix, o as Cell]];
  return Object.entries(o as Record<string, unknown>).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
}
