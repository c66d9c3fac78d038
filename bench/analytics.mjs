// (h) Analytics: /api/analytics over 100k conversations' facts (≈1M messages counted in them), and the
// fact lag (an agent reply acknowledged → counted by the overview).
//
// The facts rows (conversation_facts, their cycles and responses) are generated as SQL for the bench
// workspace and loaded with `wrangler d1 execute --local` while the server is stopped, as (c) loads its
// conversations: the subscriber's own cost is measured by the lag, not by replaying 100k streams. The hourly
// and daily rollups are then rebuilt from those facts (the backfill of migration 0036, a last SQL file).
// Requests go one at a time, round-robin across reports, after a warm-up.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { call, request, visitorAddress } from './lib/client.mjs';
import { sqlChunks } from './lib/sql-chunks.mjs';
import { prng, summarize } from './lib/stats.mjs';

const DAY = 86_400_000;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CHANNEL_WEIGHTS = { webchat: 35, email: 25, whatsapp: 15, sms: 10, instagram: 8, messenger: 7 };

export const GOALS = { overviewP95: 100, timeseriesP95: 150 };

/** SQL files with the facts of `conversations` conversations over the last year (recent ones denser). */
export function generateFacts(ws, dir, { conversations = 100_000, messages = 1_000_000, seed = 11, now = Date.now() } = {}) {
  const rand = prng(seed);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const weighted = (weights) => {
    const entries = Object.entries(weights);
    let r = rand() * entries.reduce((s, [, w]) => s + w, 0);
    for (const [k, w] of entries) if ((r -= w) < 0) return k;
    return entries[entries.length - 1][0];
  };
  const id = (prefix, at) => {
    let time = '';
    for (let i = 0, t = at; i < 10; i++, t = Math.floor(t / 32)) time = ALPHABET[t % 32] + time;
    let r = '';
    for (let i = 0; i < 16; i++) r += ALPHABET[Math.floor(rand() * 32)];
    return `${prefix}_${time}${r}`;
  };
  // Wait times: mostly minutes, a long tail of hours (log-uniform between 5 s and 2 days).
  const wait = () => Math.round(5000 * Math.exp(rand() * Math.log((2 * DAY) / 5000)));
  const agents = [ws.manager, ...ws.staff];
  const perConversation = messages / conversations;

  const COLUMNS = {
    conversation_facts:
      'conversation_id, workspace_id, contact_id, channel, inbox_id, team_id, assignee_id, status, created_at, first_response_at, first_response_s, first_response_bh_s, resolved_at, resolution_s, resolution_bh_s, reopens, messages_in, messages_out, responses, response_s_total, response_bh_s_total, sla_first_response, sla_resolution, escalations, csat_score, cycle, waiting_since, last_seq, updated_at',
    conversation_fact_cycles:
      'conversation_id, cycle, workspace_id, channel, inbox_id, team_id, assignee_id, started_at, first_response_at, first_response_s, first_response_bh_s, responder_id, resolved_at, resolution_s, resolution_bh_s',
    conversation_fact_responses: 'conversation_id, seq, workspace_id, channel, inbox_id, team_id, assignee_id, responder_id, cycle, first, waited_from, responded_at, response_s, response_bh_s',
  };
  const out = sqlChunks(dir, 'facts', COLUMNS);
  const add = out.add;
  const writeChunk = out.chunk;
  const files = out.files;
  const counts = { conversations: 0, cycles: 0, responses: 0, messages: 0 };

  const ages = Array.from({ length: conversations }, () => Math.floor(365 * DAY * rand() ** 1.6)).sort((a, b) => b - a);
  for (let n = 0; n < conversations; n++) {
    const created = now - ages[n] - 3 * DAY; // every fact settled before the run
    const cnv = id('cnv', created);
    const channel = weighted(CHANNEL_WEIGHTS);
    const agent = rand() < 0.9 ? agents[Math.floor(agents.length * rand() ** 1.5)] : null;
    const teamId = agent?.teamIds?.length ? pick(agent.teamIds) : rand() < 0.8 ? pick(ws.teams).id : null;
    const assignee = agent?.id ?? null;
    const dims = [ws.workspaceId, channel, ws.inboxes[channel].id, teamId, assignee];
    const cycles = rand() < 0.1 ? 2 : 1;
    let seq = 1;
    let t = created;
    let first = null;
    let resolved = null;
    let responses = 0;
    let total = 0;
    const messagesIn = Math.max(1, Math.round(perConversation * 0.5 * (0.5 + rand())));
    const messagesOut = Math.max(0, Math.round(perConversation * 0.5 * (0.5 + rand())));
    for (let c = 1; c <= cycles; c++) {
      const started = t;
      const replies = 1 + Math.floor(rand() * 2.5);
      let cycleFirst = null;
      for (let r = 0; r < replies; r++) {
        const from = t + (r === 0 ? 0 : Math.floor(rand() * 3_600_000));
        const w = wait();
        seq += 2;
        t = from + w;
        add('conversation_fact_responses', [cnv, seq, ...dims, assignee, c, r === 0 ? 1 : 0, from, t, w / 1000, (w * 0.3) / 1000]);
        cycleFirst ??= { at: t, s: w / 1000 };
        responses++;
        total += w / 1000;
        counts.responses++;
      }
      const closes = c < cycles || ages[n] > 2 * DAY || rand() < 0.6;
      const closeAt = closes ? t + Math.floor(rand() * DAY) : null;
      add('conversation_fact_cycles', [cnv, c, ...dims, started, cycleFirst.at, cycleFirst.s, cycleFirst.s * 0.3, assignee, closeAt, closeAt && (closeAt - started) / 1000, closeAt && ((closeAt - started) * 0.3) / 1000]);
      counts.cycles++;
      if (c === 1) first = cycleFirst;
      resolved = closeAt;
      if (closeAt) t = closeAt + (c < cycles ? Math.floor(rand() * 2 * DAY) : 0);
    }
    const sla = () => (rand() < 0.3 ? null : rand() < 0.85 ? 'met' : 'breached');
    add('conversation_facts', [
      cnv,
      ws.workspaceId,
      null,
      channel,
      ws.inboxes[channel].id,
      teamId,
      assignee,
      resolved ? 'closed' : 'open',
      created,
      first.at,
      first.s,
      first.s * 0.3,
      resolved,
      resolved && (resolved - created) / 1000,
      resolved && ((resolved - created) * 0.3) / 1000,
      cycles - 1,
      messagesIn,
      messagesOut,
      responses,
      total,
      total * 0.3,
      sla(),
      sla(),
      rand() < 0.03 ? 1 : 0,
      null,
      cycles,
      null,
      seq,
      t,
    ]);
    counts.conversations++;
    counts.messages += messagesIn + messagesOut;
    if ((n + 1) % 25_000 === 0) writeChunk();
  }
  writeChunk();
  // The facts are loaded behind the subscriber's back, so the rollups are rebuilt from every fact afterwards with
  // the backfill statements of migrations 0036 (hourly, daily) and 0039 (per team, per agent): the same SELECTs
  // the subscriber runs per touched bucket and day.
  const backfill = (file) => {
    const migration = readFileSync(new URL(`../migrations/${file}`, import.meta.url), 'utf8');
    return migration.slice(migration.indexOf('-- Backfill'));
  };
  const rebuild = join(dir, 'facts-rollups.sql');
  writeFileSync(
    rebuild,
    `DELETE FROM analytics_hourly;\nDELETE FROM analytics_daily;\nDELETE FROM analytics_daily_teams;\nDELETE FROM analytics_agents;\n${backfill('0036_analytics_rollups.sql')}\n${backfill('0039_analytics_scoped_rollups.sql')}`,
  );
  files.push(rebuild);
  return { files, counts };
}

/** Latency of each report (one at a time, round-robin), the CSV export, and the fact lag. */
export async function analyticsBench(origin, ws, { requests = 200, warmup = 10, lagSamples = 30, log = console.log } = {}) {
  const now = Date.now();
  const from30 = now - 30 * DAY;
  const support = ws.teams.find((t) => t.name === 'Support') ?? ws.teams[0];
  const staff = ws.staff.find((s) => s.teamIds?.includes(support.id)) ?? ws.staff[0];
  const range = `from=${from30}&to=${now}&tz=Europe/Madrid`;
  const reports = [
    { key: 'overview', label: 'overview, 30 days (manager)', path: `/api/analytics/overview?${range}`, token: ws.manager.token, goal: 'overviewP95' },
    { key: 'overview_staff', label: 'overview, 30 days (staff: own + teams)', path: `/api/analytics/overview?${range}`, token: staff.token },
    { key: 'overview_year', label: 'overview, 365 days (manager)', path: `/api/analytics/overview?from=${now - 365 * DAY}&to=${now}`, token: ws.manager.token },
    { key: 'timeseries', label: 'timeseries firstResponse by day × channel, 30 days', path: `/api/analytics/timeseries?${range}&metric=firstResponse&interval=day&groupBy=channel`, token: ws.manager.token, goal: 'timeseriesP95' },
    { key: 'timeseries_created', label: 'timeseries created by day × channel, 30 days', path: `/api/analytics/timeseries?${range}&metric=created&interval=day&groupBy=channel`, token: ws.manager.token },
    { key: 'timeseries_hour', label: 'timeseries responseTime by hour, 30 days', path: `/api/analytics/timeseries?${range}&metric=responseTime&interval=hour`, token: ws.manager.token },
    { key: 'distribution', label: 'distribution firstResponse by hour, 30 days', path: `/api/analytics/distribution?${range}&metric=firstResponse&by=hour`, token: ws.manager.token },
    { key: 'agents', label: 'agents, 30 days', path: `/api/analytics/agents?${range}`, token: ws.manager.token },
  ].map((r) => ({ ...r, samples: [] }));
  for (let i = 0; i < warmup + requests; i++) {
    for (const r of reports) {
      const res = await request(origin, 'GET', r.path, { token: r.token });
      if (res.status !== 200) throw new Error(`GET ${r.path} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      if (i >= warmup) r.samples.push(res.ms);
      if (i === warmup && r.key === 'overview') r.shape = { created: res.body.conversations.created, firstResponses: res.body.firstResponse.count };
    }
  }
  const out = { reports: reports.map((r) => ({ key: r.key, label: r.label, goal: r.goal ?? null, shape: r.shape ?? null, latency: summarize(r.samples) })) };
  log(`    reports measured (${requests} each)`);

  // The whole conversations export: time to first byte, total time, bytes and rows.
  out.export = await exportCsv(origin, `/api/analytics/export.csv?report=conversations&from=${now - 366 * DAY}&to=${now}`, ws.manager.token);
  log(`    export: ${out.export.rows} rows in ${Math.round(out.export.totalMs)} ms`);

  // Fact lag: a visitor writes, an agent replies; from the reply's acknowledgement until the overview counts it.
  const since = Date.now();
  const lags = [];
  for (let i = 0; i < lagSamples; i++) {
    const session = await call(origin, 'POST', '/widget/api/session', { body: { websiteToken: ws.inboxes.webchat.websiteToken, name: `Lag ${i}` }, headers: { 'cf-connecting-ip': visitorAddress() } });
    const said = await call(origin, 'POST', '/widget/api/messages', { token: session.visitorToken, body: { text: `lag probe ${i}`, clientId: `lag-${since}-${i}` } });
    await call(origin, 'POST', `/api/conversations/${said.conversationId}/messages`, { token: ws.manager.token, body: { text: 'On it', clientId: `lag-reply-${since}-${i}` } });
    const acked = performance.now();
    for (;;) {
      const res = await request(origin, 'GET', `/api/analytics/overview?from=${since}&to=${Date.now() + 60_000}`, { token: ws.manager.token });
      if (res.status === 200 && res.body.responseTime.count >= i + 1) break;
      if (performance.now() - acked > 30_000) throw new Error('fact lag: not counted within 30 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    lags.push(performance.now() - acked);
  }
  out.lag = summarize(lags);
  return out;
}

async function exportCsv(origin, path, token) {
  const http = await import('node:http');
  const url = new URL(path, origin);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstByteMs = null;
    let bytes = 0;
    let lines = 0;
    let chunks = 0;
    const req = http.request({ hostname: url.hostname, port: url.port, path: url.pathname + url.search, headers: { authorization: `Bearer ${token}` } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`export → ${res.statusCode}`));
      res.on('data', (c) => {
        firstByteMs ??= performance.now() - started;
        chunks++;
        bytes += c.length;
        for (let i = 0; i < c.length; i++) if (c[i] === 10) lines++;
      });
      res.on('end', () => resolve({ rows: lines - 1, bytes, chunks, firstByteMs, totalMs: performance.now() - started }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const ms = (v) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 2 : 1)} ms` : 'n/a');

export function analyticsRows(h) {
  const rows = [];
  for (const r of h.reports) {
    const goal = r.goal ? GOALS[r.goal] : null;
    rows.push([`(h) ${r.label}`, `p50 ${ms(r.latency.p50)}  p95 ${ms(r.latency.p95)}  p99 ${ms(r.latency.p99)}`, goal ? `p95 ≤ ${goal} ms` : '', goal ? (r.latency.p95 <= goal ? 'met' : 'NOT met') : '']);
  }
  const e = h.export;
  rows.push([`    export.csv conversations, ${e.rows} rows, ${(e.bytes / 1e6).toFixed(1)} MB, ${e.chunks} chunks`, `first byte ${ms(e.firstByteMs)}  total ${ms(e.totalMs)}`, 'streams', e.chunks > 1 && e.firstByteMs < e.totalMs / 4 ? 'met' : 'NOT met']);
  rows.push(['    fact lag: reply acknowledged → counted', `p50 ${ms(h.lag.p50)}  p95 ${ms(h.lag.p95)}  max ${ms(h.lag.max)}`, '', '']);
  return rows;
}
