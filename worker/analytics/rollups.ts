// Hourly rollups of the analytics facts: one row per UTC hour × workspace × channel × inbox × team × agent
// (table analytics_hourly, migration 0036) with the counts and sums of every overview figure and, for the
// time metrics, fixed log-scale histograms (worker/analytics/histogram.ts) so medians and p90 of any range
// are read from summed bins instead of ranking every fact row.
//
// A rollup row is kept equal to the rollup of its facts by deltas read from the stored facts, never from
// what a batch believes it changed. In the same D1 batch (one transaction) as the facts writes, the
// subscriber first subtracts the rollup of every stored fact row of the batch's conversations (facts row,
// all cycles, all responses), then writes the facts (conditional writes: whatever they do), then adds the
// rollup of those conversations' stored rows again, then deletes the touched rows left empty. Both halves
// read the facts as stored inside the transaction, so the table moves from "rollup of the facts before"
// to "rollup of the facts after" whatever the writes did: redelivery, a racing consumer whose write lost
// (it subtracts and adds the same rows) or a replayed batch cannot double count, and a transfer or a
// reopen that moves a conversation between buckets takes it out of the old row and into the new one.
// The cost is the rows of the batch's conversations, not of the buckets they touch: a broadcast puts
// every new conversation of an hour in one bucket, which a recompute would re-read on every batch.
// What this gives up: a row is only as right as the row before it. Whatever writes or deletes facts must
// move the rollups in the same batch the same way (the subscriber; conversation deletion, through
// forgetConversationStatements); a stray write would stay counted until a rebuild from scratch, which is
// the backfill's SELECT (rollupInsertSql(ALL_FACTS), migration 0036).
//
// Which hour a figure lands in is the same instant the exact reads use (queries.ts): conversations,
// status, SLA, CSAT and messages → created_at; reopens → the reopen; first responses → the reply;
// responses → the reply; resolutions → the close. Team and agent are stored as '' when unset (they are
// key columns; SQL NULLs would never be equal).
//
// Histogram keys in `hist` (JSON object "<metric>:<bin>" → count): fi/fr first responses of first cycles /
// of reopens (wall clock), fb first responses in business hours, rw/rb every response, sw/sb resolutions,
// and c:<score> the CSAT distribution (exact scores, not bins).
import type { Cycle, Facts, FactsState, FoldResult } from './facts';
import { binSql } from './histogram';

const HOUR = 3_600_000;

export const SUM_COLUMNS = [
  'created',
  'open',
  'closed',
  'messages_in',
  'messages_out',
  'escalations',
  'frt_met',
  'frt_breached',
  'res_met',
  'res_breached',
  'csat_n',
  'csat_sum',
  'reopened',
  'first_initial',
  'first_reopen',
  'first_s_initial',
  'first_s_reopen',
  'first_bh_s',
  'resolved',
  'resolution_s',
  'resolution_bh_s',
  'responses',
  'response_s',
  'response_bh_s',
] as const;
export type SumColumn = (typeof SUM_COLUMNS)[number];

export const KEY_COLUMNS = ['workspace_id', 'hour', 'channel', 'inbox_id', 'team_id', 'assignee_id'] as const;

interface Part {
  table: string;
  /** The instant that places a row in an hour. */
  time: string;
  where: string;
  sums: Partial<Record<SumColumn, string>>;
  /** Histogram entries: the key expression of each value, and when the row has one. */
  hist: { key: string; when: string }[];
}

const csatKey = `'c:' || (CASE WHEN t.csat_score = CAST(t.csat_score AS INTEGER) THEN CAST(t.csat_score AS INTEGER) ELSE t.csat_score END)`;

const PARTS: Part[] = [
  {
    table: 'conversation_facts',
    time: 'created_at',
    where: '1',
    sums: {
      created: 'count(*)',
      open: `sum(t.status <> 'closed')`,
      closed: `sum(t.status = 'closed')`,
      messages_in: 'sum(t.messages_in)',
      messages_out: 'sum(t.messages_out)',
      escalations: 'sum(t.escalations)',
      frt_met: `sum(t.sla_first_response = 'met')`,
      frt_breached: `sum(t.sla_first_response = 'breached')`,
      res_met: `sum(t.sla_resolution = 'met')`,
      res_breached: `sum(t.sla_resolution = 'breached')`,
      csat_n: 'count(t.csat_score)',
      csat_sum: 'coalesce(sum(t.csat_score), 0)',
    },
    hist: [{ key: csatKey, when: 't.csat_score IS NOT NULL' }],
  },
  { table: 'conversation_fact_cycles', time: 'started_at', where: 't.cycle > 1', sums: { reopened: 'count(*)' }, hist: [] },
  {
    table: 'conversation_fact_cycles',
    time: 'first_response_at',
    where: 't.first_response_s IS NOT NULL',
    sums: {
      first_initial: 'sum(t.cycle = 1)',
      first_reopen: 'sum(t.cycle > 1)',
      first_s_initial: 'coalesce(sum(CASE WHEN t.cycle = 1 THEN t.first_response_s END), 0)',
      first_s_reopen: 'coalesce(sum(CASE WHEN t.cycle > 1 THEN t.first_response_s END), 0)',
      first_bh_s: 'coalesce(sum(t.first_response_bh_s), 0)',
    },
    hist: [
      { key: `(CASE WHEN t.cycle = 1 THEN 'fi:' ELSE 'fr:' END) || ${binSql('t.first_response_s')}`, when: '1' },
      { key: `'fb:' || ${binSql('t.first_response_bh_s')}`, when: 't.first_response_bh_s IS NOT NULL' },
    ],
  },
  {
    table: 'conversation_fact_cycles',
    time: 'resolved_at',
    where: 't.resolution_s IS NOT NULL',
    sums: { resolved: 'count(*)', resolution_s: 'sum(t.resolution_s)', resolution_bh_s: 'coalesce(sum(t.resolution_bh_s), 0)' },
    hist: [
      { key: `'sw:' || ${binSql('t.resolution_s')}`, when: '1' },
      { key: `'sb:' || ${binSql('t.resolution_bh_s')}`, when: 't.resolution_bh_s IS NOT NULL' },
    ],
  },
  {
    table: 'conversation_fact_responses',
    time: 'responded_at',
    where: '1',
    sums: { responses: 'count(*)', response_s: 'sum(t.response_s)', response_bh_s: 'sum(t.response_bh_s)' },
    hist: [
      { key: `'rw:' || ${binSql('t.response_s')}`, when: '1' },
      { key: `'rb:' || ${binSql('t.response_bh_s')}`, when: '1' },
    ],
  },
];

/**
 * UNION ALL of SELECTs, nested so that no compound SELECT has more than three terms: D1 caps the terms of
 * one compound SELECT far below SQLite's default (a multi-row VALUES counts too).
 */
export function unionAll(terms: string[]): string {
  if (terms.length <= 3) return terms.join('\n      UNION ALL ');
  const groups = Array.from({ length: Math.ceil(terms.length / 3) }, (_, i) => terms.slice(i * 3, i * 3 + 3));
  return unionAll(groups.map((g) => (g.length === 1 ? g[0] : `SELECT * FROM (${unionAll(g)})`)));
}

/** Which fact rows a rollup SELECT reads and what it groups them by. */
export interface RollupSource {
  /** `FROM … WHERE …` over the facts table `table` as alias t, placed in time by `time`. */
  from(table: string, time: string): string;
  /** The group expressions (by position, named `names`). */
  keys(time: string): string[];
  names: string[];
}

/** Every fact, grouped by hour bucket: the backfill. */
export const ALL_FACTS: RollupSource = {
  from: (table) => `FROM ${table} t WHERE 1`,
  keys: (time) => ['t.workspace_id', `t.${time} / ${HOUR} * ${HOUR}`, 't.channel', 't.inbox_id', `coalesce(t.team_id, '')`, `coalesce(t.assignee_id, '')`],
  names: ['k_ws', 'k_hour', 'k_channel', 'k_inbox', 'k_team', 'k_agent'],
};

/**
 * Every stored fact row of a list of conversations (a JSON array of ids bound at `param`), grouped by hour
 * bucket: what the subscriber subtracts before its facts writes and adds after them. Each table is sought by
 * conversation id (conversation_facts' unique index, the cycles' and responses' primary keys).
 */
export function conversationsSource(param: string): RollupSource {
  return { ...ALL_FACTS, from: (table) => `FROM ${table} t WHERE t.conversation_id IN (SELECT value FROM json_each(${param}))` };
}

/**
 * SELECT of rollup rows from facts: the group key columns (src.names), then SUM_COLUMNS, then `hist`.
 * One aggregate per part (each part is one facts table timed by one instant), summed per group, joined
 * with the histogram of each group.
 */
export function rollupSelectSql(src: RollupSource): string {
  const names = src.names;
  const keyed = (time: string) =>
    src
      .keys(time)
      .map((e, i) => `${e} AS ${names[i]}`)
      .join(', ');
  const sums = PARTS.map((p) => `SELECT ${keyed(p.time)}, ${SUM_COLUMNS.map((c) => (p.sums[c] ? `coalesce(${p.sums[c]}, 0) AS ${c}` : `0 AS ${c}`)).join(', ')} ${src.from(p.table, p.time)} AND ${p.where} GROUP BY ${names.join(', ')}`);
  const hist = PARTS.flatMap((p) => p.hist.map((h) => `SELECT ${keyed(p.time)}, ${h.key} AS hk ${src.from(p.table, p.time)} AND ${p.where} AND ${h.when}`));
  const on = names.map((n) => `h.${n} = s.${n}`).join(' AND ');
  return `SELECT ${names.map((n) => `s.${n}`).join(', ')}, ${SUM_COLUMNS.map((c) => `s.${c}`).join(', ')}, coalesce(h.hist, '{}') AS hist
    FROM (SELECT ${names.join(', ')}, ${SUM_COLUMNS.map((c) => `sum(${c}) AS ${c}`).join(', ')} FROM (${unionAll(sums)}) GROUP BY ${names.join(', ')}) s
    LEFT JOIN (SELECT ${names.join(', ')}, json_group_object(hk, n) AS hist FROM (SELECT ${names.join(', ')}, hk, count(*) AS n FROM (${unionAll(hist)}) GROUP BY ${names.join(', ')}, hk) GROUP BY ${names.join(', ')}) h
    ON ${on}`;
}

/** INSERT of the rollup rows a source yields (the backfill; migration 0036 holds this very text). */
export function rollupInsertSql(src: RollupSource): string {
  return `INSERT INTO analytics_hourly (${[...KEY_COLUMNS, ...SUM_COLUMNS, 'hist'].join(', ')})\n${rollupSelectSql(src)}`;
}

/**
 * The sums in seconds. Every fact duration is whole milliseconds (facts.ts `seconds`: Math.round(ms) / 1000),
 * so the true sum of any set of them has at most three decimals. A sum kept by additions and subtractions
 * picks up binary rounding residue (0.1 + 0.2 - 0.1 is not 0.2) other than a sum from scratch's, and over
 * many batches it would wander; round(x, 3) after each update puts it back on the double nearest the exact
 * millisecond value (the residue of one update is a few units of the last place: 1.5e-5 s at 10^11 s, far
 * below the 0.0005 s that would round wrong), so a delta-kept sum equals the from-scratch sum to within the
 * scratch sum's own residue, and a row whose durations all left is exactly 0. The backfill's SELECT is not
 * rounded (migration 0036 holds its text); the first delta on a row rounds it.
 */
export const SECONDS_COLUMNS: readonly SumColumn[] = SUM_COLUMNS.filter((c) => c.endsWith('_s'));

/**
 * `csat_sum` is not rounded: scores are normalized to whole numbers 1–5 (worker/csat/scale.ts), whose sums
 * are exact, and rounding would alter a fractional score from a hand-made event. It is reset to 0 exactly
 * when its count reaches 0, so such a score's residue cannot keep an emptied row alive.
 */
function addSql(c: SumColumn): string {
  if ((SECONDS_COLUMNS as readonly string[]).includes(c)) return `${c} = round(${c} + excluded.${c}, 3)`;
  if (c === 'csat_sum') return `${c} = CASE WHEN csat_n + excluded.csat_n = 0 THEN 0 ELSE ${c} + excluded.${c} END`;
  return `${c} = ${c} + excluded.${c}`;
}

/**
 * Upsert adding (sign 1) or subtracting (sign -1) the rollup rows a source yields to analytics_hourly: each
 * sum column added, the histograms merged bin by bin (bins whose count reaches 0 dropped, keys in order).
 * In a DO UPDATE SET every bare column is the row's value before the update.
 */
export function rollupUpsertSql(src: RollupSource, sign: 1 | -1): string {
  const minus = sign === 1 ? '' : '-';
  const value = (c: SumColumn) => ((SECONDS_COLUMNS as readonly string[]).includes(c) ? `${minus}round(r.${c}, 3)` : `${minus}r.${c}`);
  const hist = sign === 1 ? 'r.hist' : '(SELECT json_group_object(key, -value) FROM json_each(r.hist))';
  // Rounded on the way in too: a new row is inserted as the SELECT gives it. `WHERE true`: an upsert's SELECT
  // needs a WHERE, or SQLite reads ON CONFLICT as a join's ON.
  const select = `SELECT ${src.names.map((n) => `r.${n}`).join(', ')}, ${SUM_COLUMNS.map(value).join(', ')}, ${hist} FROM (${rollupSelectSql(src)}) r WHERE true`;
  const merge = `hist = (SELECT coalesce(json_group_object(key, n), '{}') FROM (SELECT key, sum(value) AS n FROM (SELECT key, value FROM json_each(analytics_hourly.hist) UNION ALL SELECT key, value FROM json_each(excluded.hist)) GROUP BY key HAVING sum(value) <> 0 ORDER BY key))`;
  return `INSERT INTO analytics_hourly (${[...KEY_COLUMNS, ...SUM_COLUMNS, 'hist'].join(', ')})
    ${select}
    ON CONFLICT (${KEY_COLUMNS.join(', ')}) DO UPDATE SET ${SUM_COLUMNS.map(addSql).join(', ')}, ${merge}`;
}

// ---- the buckets a fold touches ----

/** [workspace, hour (UTC, epoch ms), channel, inbox, team or '', agent or '']. */
export type Bucket = [string, number, string, string, string, string];

interface Dims {
  workspaceId: string;
  channel: string;
  inboxId: string;
  teamId: string | null;
  assigneeId: string | null;
}

const hourOf = (at: number) => Math.floor(at / HOUR) * HOUR;

/**
 * Every bucket whose rollup row may differ after storing `result` over `prev`: the old and new buckets of
 * the facts row and of the current cycle (a transfer moves them, a close or reopen adds an instant), the
 * buckets of the cycles the fold wrote, and those of the new responses. Older cycles and responses
 * never change, so their buckets do not either. The hourly deltas do not depend on this list (they read the
 * stored facts); the rows emptied by a batch are looked for here, and the days recomputed are these buckets' days.
 */
export function touchedBuckets(prev: FactsState | null, result: FoldResult, into = new Map<string, Bucket>()): Map<string, Bucket> {
  const add = (at: number | null, d: Dims) => {
    if (at === null || at === undefined) return;
    const b: Bucket = [d.workspaceId, hourOf(at), d.channel, d.inboxId, d.teamId ?? '', d.assigneeId ?? ''];
    into.set(JSON.stringify(b), b);
  };
  const facts = (f: Facts) => add(f.createdAt, f);
  const cycle = (c: Cycle) => {
    if (c.cycle > 1) add(c.startedAt, c);
    add(c.firstResponseAt, c);
    add(c.resolvedAt, c);
  };
  if (prev) {
    facts(prev.facts);
    cycle(prev.cycle);
  }
  if (result.state) facts(result.state.facts);
  for (const c of result.cycles) cycle(c);
  for (const r of result.responses) add(r.respondedAt, r);
  return into;
}

// ---- daily totals ----
//
// The hourly rows are keyed by every dimension, and with tens of agents × channels × teams most hours hold
// about one fact per row: summing them costs as much as reading the facts. The workspace-wide reads
// (managers, no filter) therefore read analytics_daily: per UTC day and workspace, one row per key, the
// SUM_COLUMNS by name and the histogram bins "<metric>:<bin>" (rows, not JSON: SQL sums rows several times
// faster than it parses JSON). A day is recomputed from its hourly rows whenever a batch touches it.

const DAY = 86_400_000;

/** [workspace, UTC day start] of each bucket. */
export function touchedDays(buckets: Iterable<Bucket>): [string, number][] {
  const days = new Map<string, [string, number]>();
  for (const [ws, hour] of buckets) {
    const day = Math.floor(hour / DAY) * DAY;
    days.set(`${ws}|${day}`, [ws, day]);
  }
  return [...days.values()];
}

/**
 * INSERT of the daily rows of the days in `days` (SQL yielding columns ws, day) from their hourly rows:
 * the sums unpivoted by name, then the histogram entries; zero sums are left out.
 */
export function dailyInsertSql(days: string): string {
  return `INSERT INTO analytics_daily (workspace_id, day, k, n)\n${dailySelectSql(days)}`;
}

/**
 * SELECT of the daily rows (workspace, day, …dims, k, n) of the days in `days`, from their hourly rows; `dims`
 * are hourly key columns kept apart (team_id for the per-team days, assignee_id and team_id for the per-agent ones).
 */
export function dailySelectSql(days: string, dims: readonly ('team_id' | 'assignee_id')[] = []): string {
  const hourly = `FROM ${days} JOIN analytics_hourly h ON h.workspace_id = d.ws AND h.hour >= d.day AND h.hour < d.day + ${DAY}`;
  const outer = dims.map((c) => `, s.${c} AS ${c}`).join('');
  const inner = dims.map((c) => `, h.${c} AS ${c}`).join('');
  const group = dims.map((c) => `, h.${c}`).join('');
  // The sums are unpivoted through a JSON object (a VALUES list of the names would be a compound SELECT too long for D1).
  return `SELECT s.ws AS ws, s.day AS day${outer}, c.key AS k, c.value AS n
      FROM (SELECT d.ws AS ws, d.day AS day${inner}, json_object(${SUM_COLUMNS.map((col) => `'${col}', sum(h.${col})`).join(', ')}) AS sums ${hourly} GROUP BY d.ws, d.day${group}) s,
        json_each(s.sums) c
      WHERE c.value <> 0
    UNION ALL
    SELECT d.ws, d.day${group}, j.key, sum(j.value) ${hourly}, json_each(h.hist) j GROUP BY d.ws, d.day${group}, j.key`;
}

/** Every day that has hourly rows (the backfill). */
export const ALL_DAYS = `(SELECT DISTINCT workspace_id AS ws, hour / ${DAY} * ${DAY} AS day FROM analytics_hourly) d`;

// ---- per team and per agent ----
//
// Scoped reads (staff: "handled by me or by my teams"; the per-agent table) cannot use the workspace-wide
// days, and the hourly rows cost them as much as the facts (about one fact per row). Two more tables, each a
// function of the hourly rows like analytics_daily, recomputed for the same touched days:
// - analytics_daily_teams: per UTC day × team ('' for none), every key: a staff overview sums its teams' rows,
//   then its own work outside those teams from analytics_agents;
// - analytics_agents: per UTC day (span 1) × agent × team, every key; and per epoch-aligned week of seven UTC
//   days (span 7) the sums and the wall-clock histograms the agents table reads (AGENT_KEYS). An agent's day
//   holds about as many bins as values, so a month is read as whole weeks plus the days at either end.

export const WEEK = 7 * DAY;

/** The keys a week of analytics_agents keeps: every sum, first responses (fi, fr), responses (rw), resolutions (sw). */
export const AGENT_KEYS = (k: string) => `(${k} NOT GLOB '*:*' OR ${k} GLOB 'f[ir]:*' OR ${k} GLOB 'rw:*' OR ${k} GLOB 'sw:*')`;

/** INSERT of the per-team days in `days` (SQL yielding ws, day) from their hourly rows. */
export function teamDailyInsertSql(days: string): string {
  return `INSERT INTO analytics_daily_teams (workspace_id, day, team_id, k, n)\n${dailySelectSql(days, ['team_id'])}`;
}

/** INSERT of the per-agent days (span 1) in `days` from their hourly rows. */
export function agentDailyInsertSql(days: string): string {
  return `INSERT INTO analytics_agents (workspace_id, start, assignee_id, team_id, k, n, span)\nSELECT *, 1 FROM (${dailySelectSql(days, ['assignee_id', 'team_id'])})`;
}

/**
 * INSERT of the per-agent weeks (span 7) in `weeks` (SQL yielding ws, week, assignee_id, team_id) from their days:
 * one primary-key seek per day and agent, so a batch re-sums only the weeks of the agents and teams it touched.
 */
export function agentWeeklyInsertSql(weeks: string): string {
  const days = Array.from({ length: 7 }, (_, i) => (i === 0 ? 'w.week' : `w.week + ${i * DAY}`)).join(', ');
  return `INSERT INTO analytics_agents (workspace_id, span, start, assignee_id, team_id, k, n)
    SELECT w.ws, 7, w.week, w.assignee_id, w.team_id, a.k, sum(a.n) FROM ${weeks}
      JOIN analytics_agents a ON a.workspace_id = w.ws AND a.span = 1 AND a.start IN (${days}) AND a.assignee_id = w.assignee_id AND a.team_id = w.team_id
    WHERE ${AGENT_KEYS('a.k')} GROUP BY w.ws, w.week, w.assignee_id, w.team_id, a.k`;
}

/** Every week, agent and team that has per-agent days (the backfill, after the days). */
export const ALL_WEEKS = `(SELECT DISTINCT workspace_id AS ws, start / ${WEEK} * ${WEEK} AS week, assignee_id, team_id FROM analytics_agents WHERE span = 1) w`;

/** [workspace, week start, agent, team] of each bucket: the per-agent weeks it feeds. */
export function touchedWeeks(buckets: Iterable<Bucket>): [string, number, string, string][] {
  const weeks = new Map<string, [string, number, string, string]>();
  for (const [ws, hour, , , team, agent] of buckets) {
    const week = Math.floor(hour / WEEK) * WEEK;
    weeks.set(JSON.stringify([ws, week, agent, team]), [ws, week, agent, team]);
  }
  return [...weeks.values()];
}

/**
 * The rollup statements of a batch that writes the facts of `conversationIds`, touching `buckets`:
 * `before` goes ahead of the facts writes in the same D1 batch (subtract what the stored facts of those
 * conversations contribute), `after` behind them (add what they contribute now, delete the touched hourly
 * rows left empty, then recompute the days of the touched buckets from their hourly rows: workspace-wide,
 * per team and per agent, then the per-agent weeks those days fall in from their days).
 */
export function rollupStatements(db: D1Database, conversationIds: string[], buckets: Bucket[]): { before: D1PreparedStatement[]; after: D1PreparedStatement[] } {
  if (conversationIds.length === 0) return { before: [], after: [] };
  const ids = JSON.stringify(conversationIds);
  const src = conversationsSource('?1');
  const days = buckets.length === 0 ? [] : daysStatements(db, { buckets: ['?1', JSON.stringify(buckets)], days: ['?1', JSON.stringify(touchedDays(buckets))], weeks: ['?1', JSON.stringify(touchedWeeks(buckets))] });
  return {
    before: [db.prepare(rollupUpsertSql(src, -1)).bind(ids)],
    after: [db.prepare(rollupUpsertSql(src, 1)).bind(ids), ...days],
  };
}

/**
 * The distinct bucket keys (the rollup SELECT's key columns) of the rows a source yields, without the sums:
 * the buckets a conversation's stored facts rows feed.
 */
function rollupKeysSql(src: RollupSource): string {
  const keyed = (time: string) => src.keys(time).map((e, i) => `${e} AS ${src.names[i]}`).join(', ');
  return `SELECT DISTINCT ${src.names.join(', ')} FROM (${unionAll(PARTS.map((p) => `SELECT ${keyed(p.time)} ${src.from(p.table, p.time)} AND ${p.where}`))})`;
}

/**
 * The rollup statements that take a conversation out of the rollups, to run in the batch that deletes its
 * facts, ahead of those deletes (worker/conversations/delete.ts): subtract what its stored facts rows
 * contribute, delete the rows that empties, recompute the days and weeks of its buckets. The buckets are
 * read from its facts rows inside the batch, so an event folded since the caller last looked is covered.
 */
export function forgetConversationStatements(db: D1Database, conversationId: string): D1PreparedStatement[] {
  const ids = JSON.stringify([conversationId]);
  const keys = rollupKeysSql(conversationsSource('?1'));
  return [
    db.prepare(rollupUpsertSql(conversationsSource('?1'), -1)).bind(ids),
    ...daysStatements(db, {
      buckets: [`(SELECT json_group_array(json_array(k_ws, k_hour, k_channel, k_inbox, k_team, k_agent)) FROM (${keys}))`, ids],
      days: [`(SELECT json_group_array(json_array(ws, day)) FROM (SELECT DISTINCT k_ws AS ws, k_hour / ${DAY} * ${DAY} AS day FROM (${keys})))`, ids],
      weeks: [`(SELECT json_group_array(json_array(ws, week, agent, team)) FROM (SELECT DISTINCT k_ws AS ws, k_hour / ${WEEK} * ${WEEK} AS week, k_agent AS agent, k_team AS team FROM (${keys})))`, ids],
    }),
  ];
}

/**
 * The touched buckets, days and weeks for daysStatements: each an SQL expression yielding the JSON list (of
 * Bucket, of touchedDays' and of touchedWeeks' tuples) and the value bound as ?1 for it.
 */
interface Touched {
  buckets: [sql: string, bound: string];
  days: [sql: string, bound: string];
  weeks: [sql: string, bound: string];
}

/** Delete the touched hourly rows that hold nothing any more, then recompute the touched days and weeks. */
function daysStatements(db: D1Database, touched: Touched): D1PreparedStatement[] {
  const [json, jsonBound] = touched.buckets;
  const [days, daysBound] = touched.days;
  const [weeks, weeksBound] = touched.weeks;
  const daysSql = `(SELECT json_extract(value, '$[0]') AS ws, json_extract(value, '$[1]') AS day FROM json_each(${days})) d`;
  return [
    // A rebuild has no row for a bucket without facts: a row whose every sum is back to 0, with no bins left, goes. (The
    // workspace and hour lists let SQLite seek the primary key; a row-value IN alone scans the table.)
    db
      .prepare(
        `DELETE FROM analytics_hourly WHERE workspace_id IN (SELECT json_extract(value, '$[0]') FROM json_each(${json}))
           AND hour IN (SELECT json_extract(value, '$[1]') FROM json_each(${json}))
           AND (${KEY_COLUMNS.join(', ')}) IN
             (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]') FROM json_each(${json}))
           AND ${SUM_COLUMNS.map((c) => `${c} = 0`).join(' AND ')} AND hist = '{}'`,
      )
      .bind(jsonBound),
    db
      .prepare(
        `DELETE FROM analytics_daily WHERE workspace_id IN (SELECT json_extract(value, '$[0]') FROM json_each(${days})) AND day IN (SELECT json_extract(value, '$[1]') FROM json_each(${days}))
           AND (workspace_id, day) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(${days}))`,
      )
      .bind(daysBound),
    db.prepare(dailyInsertSql(daysSql)).bind(daysBound),
    db
      .prepare(
        `DELETE FROM analytics_daily_teams WHERE workspace_id IN (SELECT json_extract(value, '$[0]') FROM json_each(${days})) AND day IN (SELECT json_extract(value, '$[1]') FROM json_each(${days}))
           AND (workspace_id, day) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(${days}))`,
      )
      .bind(daysBound),
    db.prepare(teamDailyInsertSql(daysSql)).bind(daysBound),
    db
      .prepare(
        `DELETE FROM analytics_agents WHERE workspace_id IN (SELECT json_extract(value, '$[0]') FROM json_each(${days})) AND span = 1 AND start IN (SELECT json_extract(value, '$[1]') FROM json_each(${days}))
           AND (workspace_id, start) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(${days}))`,
      )
      .bind(daysBound),
    db.prepare(agentDailyInsertSql(daysSql)).bind(daysBound),
    db
      .prepare(
        `DELETE FROM analytics_agents WHERE workspace_id IN (SELECT json_extract(value, '$[0]') FROM json_each(${weeks})) AND span = 7 AND start IN (SELECT json_extract(value, '$[1]') FROM json_each(${weeks}))
           AND assignee_id IN (SELECT json_extract(value, '$[2]') FROM json_each(${weeks}))
           AND (workspace_id, start, assignee_id, team_id) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]') FROM json_each(${weeks}))`,
      )
      .bind(weeksBound),
    db
      .prepare(
        agentWeeklyInsertSql(
          `(SELECT json_extract(value, '$[0]') AS ws, json_extract(value, '$[1]') AS week, json_extract(value, '$[2]') AS assignee_id, json_extract(value, '$[3]') AS team_id FROM json_each(${weeks})) w`,
        ),
      )
      .bind(weeksBound),
  ];
}
