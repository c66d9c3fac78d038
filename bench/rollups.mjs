// What one EVENTS batch of the analytics subscriber costs SQLite when its conversations share an hourly
// rollup bucket that already holds N conversations (issue 13: a broadcast puts every new conversation of
// an hour in one bucket: one inbox, no team, no agent). The real subscriber (worker/analytics/subscriber.ts,
// bundled with esbuild) folds real event batches into a node:sqlite database built from migrations/,
// through a small D1 stand-in (prepare/bind/batch, one transaction per batch); no workerd, no HTTP.
//
//   node --no-warnings bench/rollups.mjs [--root <checkout>] [--sizes 1000,10000,100000] [--runs 7] [--batch 50]
//
// --root: the checkout whose worker/, test/analytics/fold.ts and migrations/ are used (default: this one), e.g.
// `git worktree add /tmp/parley-before <ref>` then `--root /tmp/parley-before` for the figures before a change.
// For each size N: N conversations (facts row and first cycle, written by SQL) in one bucket, the rollups
// backfilled, then two kinds of batch, `--runs` of each, medians printed:
//   new:   --batch new conversations in the bucket, each created and sent one message (2 events each);
//   reply: --batch of the N conversations, each a customer message and an agent reply (2 events each).
// Times are CPU ms of the statements (prepare and run; process.cpuUsage, so a busy machine inflates them less
// than wall time): "rollup" those that write analytics_hourly, "days" the daily/team/agent ones, "rest" the facts
// writes and the batch's read. node:sqlite's SQLite is not workerd's (workerd measured
// about 3× slower on these statements); the ratios between sizes are what carries over.
import { build } from 'esbuild';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    root: { type: 'string', default: new URL('..', import.meta.url).pathname },
    sizes: { type: 'string', default: '1000,10000,100000' },
    runs: { type: 'string', default: '7' },
    batch: { type: 'string', default: '50' },
  },
});
const ROOT = resolve(opt.root);
const RUNS = Number(opt.runs);
const BATCH = Number(opt.batch);

const dir = mkdtempSync(join(os.tmpdir(), 'parley-rollups-'));
await build({
  stdin: {
    contents: `export { foldBatch } from './worker/analytics/subscriber';\nexport { Stream } from './test/analytics/fold';\nexport { ALL_FACTS, rollupInsertSql } from './worker/analytics/rollups';`,
    resolveDir: ROOT,
    loader: 'ts',
  },
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  outfile: join(dir, 'subscriber.mjs'),
  logLevel: 'error',
});
const { foldBatch, Stream, ALL_FACTS, rollupInsertSql } = await import(join(dir, 'subscriber.mjs'));
rmSync(dir, { recursive: true, force: true });

/** CPU ms of this process (node:sqlite runs statements on this thread): steadier than wall time on a shared machine. */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** D1's surface the subscriber uses, over node:sqlite: a batch is one transaction; statements timed (CPU) by kind. */
function d1(db) {
  const spent = { rollup: 0, days: 0, rest: 0 };
  const kind = (sql) => (/^\s*(INSERT INTO|DELETE FROM) analytics_hourly\b/.test(sql) ? 'rollup' : /^\s*(INSERT INTO|DELETE FROM) analytics_(daily|daily_teams|agents)\b/.test(sql) ? 'days' : 'rest');
  const statement = (sql, args = []) => ({ sql, args, bind: (...a) => statement(sql, a) });
  const run = ({ sql, args }) => {
    const started = cpu();
    try {
      const p = db.prepare(sql);
      if (p.columns().length > 0) return { results: p.all(...args), meta: { changes: 0 } };
      return { results: [], meta: { changes: Number(p.run(...args).changes) } };
    } finally {
      spent[kind(sql)] += cpu() - started;
    }
  };
  return {
    prepare: (sql) => statement(sql),
    async batch(statements) {
      db.exec('BEGIN');
      try {
        const out = statements.map(run);
        db.exec('COMMIT');
        return out;
      } catch (e) {
        db.exec('ROLLBACK');
        throw e;
      }
    },
    take() {
      const t = { ...spent };
      spent.rollup = spent.days = spent.rest = 0;
      return t;
    },
  };
}

const HOUR = 3_600_000;
const H0 = Date.UTC(2026, 10, 2, 9); // the broadcast's hour
const WS = 'ws_bench';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => x.toFixed(1).padStart(6);

console.log(`root ${ROOT}; ${BATCH} conversations (${2 * BATCH} events) per batch; medians of ${RUNS} batches; CPU ms of the batch's statements`);
for (const n of opt.sizes.split(',').map(Number)) {
  const db = new DatabaseSync(':memory:');
  db.exec('PRAGMA foreign_keys = OFF');
  for (const f of readdirSync(join(ROOT, 'migrations')).filter((f) => f.endsWith('.sql')).sort()) db.exec(readFileSync(join(ROOT, 'migrations', f), 'utf8'));
  db.exec(`UPDATE analytics_state SET facts_since = 0`);
  // N conversations already counted, as the fold leaves them after "created" and one outbound message (last_seq 2).
  db.exec(`WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n < ${n - 1})
    INSERT INTO conversation_facts (conversation_id, workspace_id, contact_id, channel, inbox_id, status, created_at, messages_out, last_seq, updated_at)
    SELECT 'cnv_old' || n, '${WS}', 'ct_old' || n, 'whatsapp', 'ib_1', 'open', ${H0} + n % ${HOUR / 2}, 1, 2, ${H0} FROM i`);
  db.exec(`INSERT INTO conversation_fact_cycles (conversation_id, cycle, workspace_id, channel, inbox_id, started_at) SELECT conversation_id, 1, workspace_id, channel, inbox_id, created_at FROM conversation_facts`);
  db.exec(rollupInsertSql(ALL_FACTS));
  const D1 = d1(db);
  const measure = async (batches) => {
    const spent = [];
    for (const events of batches) {
      await foldBatch(D1, events);
      spent.push(D1.take());
    }
    const m = (k) => median(spent.map((s) => (k ? s[k] : s.rollup + s.days + s.rest)));
    return `total ${ms(m())}  rollup ${ms(m('rollup'))}  days ${ms(m('days'))}  rest ${ms(m('rest'))}`;
  };
  let k = 0;
  const fresh = Array.from({ length: RUNS }, () =>
    Array.from({ length: BATCH }, () => {
      const at = H0 + HOUR / 2 + ++k * 10;
      return new Stream(`cnv_new${k}`, WS, at, { channel: 'whatsapp', inboxId: 'ib_1', contactId: `ct_new${k}` }).agent(at + 1, 'usr_bot', { authorType: 'bot' }).events;
    }).flat(),
  );
  let j = 0;
  const replies = Array.from({ length: RUNS }, () =>
    Array.from({ length: Math.min(BATCH, n) }, () => {
      const i = (j++ * 7919) % n; // spread over the bucket
      const at = H0 + (i % (HOUR / 2));
      const s = new Stream(`cnv_old${i}`, WS, at, { channel: 'whatsapp', inboxId: 'ib_1', contactId: `ct_old${i}` }).agent(at + 1, 'usr_bot', { authorType: 'bot' });
      return s.customer(H0 + HOUR - 60_000).agent(H0 + HOUR - 30_000, 'usr_agent').events.slice(2);
    }).flat(),
  );
  const line1 = await measure(fresh);
  const line2 = await measure(replies);
  const row = db.prepare(`SELECT created, responses FROM analytics_hourly WHERE workspace_id = '${WS}'`).all();
  console.log(`N=${String(n).padStart(6)}  new:   ${line1}\n          reply: ${line2}    (bucket now ${JSON.stringify(row.map((r) => ({ ...r })))})`);
  db.close();
}
