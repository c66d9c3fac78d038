// EXPLAIN QUERY PLAN and timings of the (c) list and search queries, built by the real query builder
// (worker/conversations/list.ts, bundled with esbuild) and run on a SQLite copy of the (c) data set:
// the statements GET /api/conversations batches for each filter, with their plans and how long each
// takes here (median of a few runs, no HTTP, no workerd: what the database itself costs).
//
//   node --no-warnings bench/plans.mjs [--db file.sqlite] [--messages-total 1000000] [--runs 5] [--only key,...] [--builder path.ts]
//
// Without --db it builds the database in a temp file (migrations, then bench/dataset.mjs's SQL; about
// 1 to 2 minutes for 1M messages) and keeps it for the next run (its path is printed). node:sqlite's
// SQLite is not workerd's exact version, but both plan these queries alike.
import { build } from 'esbuild';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { generate } from './dataset.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const { values: opt } = parseArgs({
  options: {
    db: { type: 'string' },
    'messages-total': { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '5' },
    only: { type: 'string' },
    // Another version of the builder, e.g. `git show main:worker/conversations/list.ts > worker/conversations/list-before.ts`.
    builder: { type: 'string', default: 'worker/conversations/list.ts' },
  },
});

// The bench workspace's shape (bench/workspace.mjs), with fixed ids so a kept database can be reused.
const CHANNELS = ['webchat', 'email', 'whatsapp', 'sms', 'instagram', 'messenger'];
const teams = ['Support', 'Sales', 'Billing', 'VIP'].map((name, i) => ({ id: `team_bench${i}`, name }));
const staff = Array.from({ length: 49 }, (_, i) => ({ id: `usr_staff${String(i).padStart(2, '0')}`, teamIds: [teams[i % 4].id] }));
const ws = {
  workspaceId: 'ws_bench',
  manager: { id: 'usr_manager', teamIds: [] },
  staff,
  teams,
  inboxes: Object.fromEntries(CHANNELS.map((c) => [c, { id: `inb_${c}` }])),
};

function buildDatabase(path) {
  const dir = mkdtempSync(join(os.tmpdir(), 'parley-plans-sql-'));
  const gen = generate(ws, dir, { messagesTotal: Number(opt['messages-total']), now: Date.UTC(2026, 11, 1) });
  const db = new DatabaseSync(path);
  // The data set leaves out the workspace, users and inboxes rows (the bench creates them through the API).
  db.exec('PRAGMA foreign_keys = OFF');
  const migrations = join(ROOT, 'migrations');
  for (const f of readdirSync(migrations).filter((f) => f.endsWith('.sql')).sort()) db.exec(readFileSync(join(migrations, f), 'utf8'));
  const started = performance.now();
  for (const file of gen.files) {
    db.exec('BEGIN');
    db.exec(readFileSync(file, 'utf8'));
    db.exec('COMMIT');
  }
  // No ANALYZE: D1 databases have no sqlite_stat1 unless someone runs it, and the plans must be D1's.
  rmSync(dir, { recursive: true, force: true });
  console.log(`built ${path}: ${gen.counts.conversations} conversations, ${gen.counts.messages} search rows in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return db;
}

async function queryBuilder(entry = opt.builder) {
  const out = join(os.tmpdir(), `parley-${entry.replace(/\W/g, "-")}-${process.pid}.mjs`);
  await build({ entryPoints: [join(ROOT, entry)], bundle: true, format: 'esm', platform: 'neutral', outfile: out, logLevel: 'error' });
  const mod = await import(out);
  rmSync(out);
  return mod;
}

/** A D1 stand-in that records what the builder prepares instead of running it. */
function recorder() {
  const statements = [];
  const d1 = {
    prepare: (sql) => ({ bind: (...params) => ({ sql, params }) }),
    batch: async (stmts) => {
      statements.push(...stmts);
      return stmts.map(() => ({ results: [] }));
    },
  };
  return { statements, scope: { d1, workspaceId: ws.workspaceId, prepare: (sql, ...params) => d1.prepare(sql).bind(ws.workspaceId, ...params) } };
}

const principal = (user, role) => ({ userId: user.id, workspaceId: ws.workspaceId, name: 'x', email: 'x@example.com', role, teamIds: user.teamIds, credentialId: 'c', via: 'session', scopes: [] });
const manager = principal(ws.manager, 'manager');
const support = teams[0];
const staffAgent = principal(staff.find((s) => s.teamIds.includes(support.id)), 'staff');

// The (c) filters (bench/list.mjs) and search combined with filters.
const CASES = [
  { key: 'open_recent', label: 'status=open sort=recent', p: manager, f: { status: ['open'], sort: 'recent' } },
  { key: 'mine_open', label: 'assignee=me&status=open', p: manager, f: { assignee: 'me', status: ['open'], sort: 'recent' } },
  { key: 'team_open_priority', label: 'teamId=Support&status=open sort=priority', p: manager, f: { teamId: support.id, status: ['open'], sort: 'priority' } },
  { key: 'staff_open', label: 'staff agent: status=open', p: staffAgent, f: { status: ['open'], sort: 'recent' } },
  { key: 'q_refund', label: 'q=refund', p: manager, f: { q: 'refund', sort: 'recent' } },
  { key: 'q_refund_open', label: 'q=refund&status=open', p: manager, f: { q: 'refund', status: ['open'], sort: 'recent' } },
  { key: 'q_refund_mine', label: 'q=refund&assignee=me', p: manager, f: { q: 'refund', assignee: 'me', sort: 'recent' } },
  { key: 'q_refund_channel_tag', label: 'q=refund&channel=email&tag=billing', p: manager, f: { q: 'refund', channel: ['email'], tag: ['billing'], sort: 'recent' } },
  { key: 'q_refund_staff', label: 'staff agent: q=refund', p: staffAgent, f: { q: 'refund', sort: 'recent' } },
  { key: 'q_phrase_team', label: 'q="order arrived damaged" teamId=Support&status=closed', p: manager, f: { q: '"arrived damaged"', teamId: support.id, status: ['closed'], sort: 'recent' } },
  { key: 'q_rare', label: 'q=kowalski (a contact name)', p: manager, f: { q: 'kowalski', sort: 'recent' } },
  { key: 'q_rare_body', label: 'q=428403 (an order number, in 1 conversation)', p: manager, f: { q: '428403', sort: 'recent' } },
  { key: 'q_refund_open_mine', label: 'q=refund&status=open&assignee=me', p: manager, f: { q: 'refund', status: ['open'], assignee: 'me', sort: 'recent' } },
  { key: 'q_refund_team_open', label: 'q=refund&teamId=Support&status=open', p: manager, f: { q: 'refund', teamId: support.id, status: ['open'], sort: 'recent' } },
  { key: 'q_refund_inbox_open', label: 'q=refund&inboxId=email&status=open', p: manager, f: { q: 'refund', inboxId: 'inb_email', status: ['open'], sort: 'recent' } },
  { key: 'inbox_open', label: 'inboxId=email&status=open', p: manager, f: { inboxId: 'inb_email', status: ['open'], sort: 'recent' } },
  { key: 'q_phrase', label: 'q="arrived damaged"', p: manager, f: { q: '"arrived damaged"', sort: 'recent' } },
  { key: 'unread_open', label: 'unread=true&status=open (the Unread view)', p: manager, f: { unread: true, status: ['open'], sort: 'recent' } },
  { key: 'staff_unread_open', label: 'staff agent: unread=true&status=open', p: staffAgent, f: { unread: true, status: ['open'], sort: 'recent' } },
];

const db = opt.db && existsSync(opt.db) ? new DatabaseSync(opt.db) : buildDatabase(opt.db ?? join(mkdtempSync(join(os.tmpdir(), 'parley-plans-')), 'd1.sqlite'));
const { listConversations } = await queryBuilder();
const { countViews } = await queryBuilder('worker/conversations/counts.ts');
const only = opt.only ? new Set(opt.only.split(',')) : null;
const runs = Number(opt.runs);

/** The plan as SQLite prints it: an indented tree. */
function plan(sql, params) {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params);
  const depth = new Map([[0, -1]]);
  return rows.map((r) => {
    const d = (depth.get(r.parent) ?? -1) + 1;
    depth.set(r.id, d);
    return `${'  '.repeat(d)}${r.detail}`;
  });
}

function time(sql, params) {
  const stmt = db.prepare(sql);
  const ms = [];
  const cpu = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    rows = stmt.all(...params).length;
    ms.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  // CPU time beside wall time: on a shared machine the wall clock also counts other people's work.
  return { median: median(ms), cpu: median(cpu), rows };
}

for (const c of CASES) {
  if (only && !only.has(c.key)) continue;
  const rec = recorder();
  await listConversations(rec.scope, c.p, { ...c.f, limit: 50, now: Date.UTC(2026, 11, 1) });
  console.log(`\n## ${c.key}: ${c.label}`);
  rec.statements.forEach(({ sql, params }, i) => {
    const t = time(sql, params);
    console.log(`\n${rec.statements.length === 1 ? 'page and counts' : i === 0 ? 'page' : 'counts'}: ${t.median.toFixed(1)} ms wall, ${t.cpu.toFixed(1)} ms CPU (medians of ${runs}), ${t.rows} rows`);
    for (const line of plan(sql, params)) console.log(`  ${line}`);
  });
}

// GET /api/conversations/counts (every navigation view, the open list's tabs): the statements of its one batch.
// Late in the agent's day: most of a day of updates in the "today" range.
const midnight = Date.UTC(2026, 11, 1) - 23 * 3600_000;
const VIEW_CASES = [
  { key: 'views_manager', label: 'navigation counts, manager, list status=open', p: manager },
  { key: 'views_staff', label: 'navigation counts, staff agent, list status=open', p: staffAgent },
];
for (const c of VIEW_CASES) {
  if (only && !only.has(c.key)) continue;
  const rec = recorder();
  await countViews(rec.scope, c.p, { since: midnight, list: { status: ['open'] }, now: Date.UTC(2026, 11, 1) });
  console.log(`\n## ${c.key}: ${c.label}`);
  let total = 0;
  rec.statements.forEach(({ sql, params }, i) => {
    const t = time(sql, params);
    total += t.cpu;
    console.log(`\nstatement ${i + 1}: ${t.median.toFixed(1)} ms wall, ${t.cpu.toFixed(1)} ms CPU (medians of ${runs}), ${t.rows} rows`);
    for (const line of plan(sql, params)) console.log(`  ${line}`);
  });
  console.log(`\nall statements: ${total.toFixed(1)} ms CPU`);
}
