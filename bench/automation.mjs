// Automation benchmark (issue 12), on its own server (a snapshot of the tree, a fresh data directory):
//   1. event → first action applied: a visitor writes, a message.received workflow adds a tag; the
//      latency is until the tag is visible on GET /api/conversations/:id (polled every 10 ms), beside
//      the bare Durable Object round trip (POST /api/dev/probe) measured in the same run;
//   2. 1,000 conversations each triggering a three-step workflow (tag, priority, note): every run
//      completes and none runs twice (the workflow's runsToday is exactly 1,000 and each conversation
//      holds exactly one note);
//   3. a `wait` of 10 s: how late its step ends after it was due (the run log's own timing), p99.
//
// Usage: node bench/automation.mjs [--port 8861] [--conversations 1000] [--samples 100]
// As a module: `automationBench(opts)`; `automationRows(result)` are the summary rows.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { call, pool, request, sleep, visitorAddress } from './lib/client.mjs';
import { snapshot, start } from './lib/server.mjs';
import { round, summarize } from './lib/stats.mjs';

export const GOALS = { waitLatenessP99Ms: 1000 };
const PASSWORD = 'bench-password-1';

export async function automationBench({ port = 8861, conversations = 1000, samples = 100, concurrency = 16, log = console.log } = {}) {
  const root = mkdtempSync(join(os.tmpdir(), 'parley-automation-bench-'));
  const appDir = join(root, 'app');
  const stateDir = join(root, 'state');
  execFileSync('mkdir', ['-p', appDir, stateDir]);
  snapshot(appDir);
  const cwd = process.cwd();
  log(`automation: starting wrangler dev on 127.0.0.1:${port}`);
  const server = await start({ port, persistTo: stateDir, appDir });
  process.chdir(cwd);
  try {
    return await run(server.origin, { conversations, samples, concurrency, log });
  } catch (err) {
    log(`--- wrangler output (tail) ---\n${server.output().slice(-3000)}`);
    throw err;
  } finally {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

async function until(what, fn, timeoutMs) {
  const t0 = performance.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (performance.now() - t0 > timeoutMs) throw new Error(`automation: ${what} not reached in ${timeoutMs / 1000} s`);
    await sleep(10);
  }
}

async function run(origin, { conversations, samples, concurrency, log }) {
  const stamp = Date.now().toString(36);
  const { token } = await call(origin, 'POST', '/api/auth/signup', { body: { workspaceName: `Automation bench ${stamp}`, name: 'Bench Manager', email: `manager-${stamp}@bench.test`, password: PASSWORD } });
  const inbox = async (name) => call(origin, 'POST', '/api/inboxes', { token, body: { channel: 'webchat', name } });
  const workflow = async (body) => call(origin, 'POST', '/api/workflows', { token, body: { enabled: true, ...body } });
  const say = async (via, i, text) => {
    const session = await call(origin, 'POST', '/widget/api/session', { body: { websiteToken: via.websiteToken, name: `Visitor ${i}` }, headers: { 'cf-connecting-ip': visitorAddress() } });
    return call(origin, 'POST', '/widget/api/messages', { token: session.visitorToken, body: { text, clientId: `auto-${stamp}-${i}` }, timeoutMs: 120_000 });
  };

  // 1. Event → first action, beside the bare probe.
  const first = await inbox('First action');
  await workflow({ name: 'Tag on arrival', trigger: { type: 'message.received', inboxIds: [first.id] }, steps: [{ type: 'action', action: 'add_tag', params: { tag: 'auto' } }] });
  log(`automation: event → first action, ${samples} conversations one at a time`);
  const firstAction = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    const { conversationId } = await say(first, `f${i}`, `Hello ${i}`);
    await until('tag visible', async () => {
      const res = await request(origin, 'GET', `/api/conversations/${conversationId}`, { token });
      return res.status === 200 && res.body.tags?.includes('auto');
    }, 60_000);
    firstAction.push(performance.now() - t0);
  }
  const probe = [];
  for (let i = 0; i < samples * 2; i++) {
    const res = await request(origin, 'POST', `/api/dev/probe/automation-${i % 50}`);
    if (res.status === 200) probe.push(res.ms);
  }

  // 2. 1,000 conversations, three steps each.
  const bulk = await inbox('Bulk');
  const three = await workflow({
    name: 'Three steps',
    trigger: { type: 'message.received', inboxIds: [bulk.id] },
    steps: [
      { type: 'action', action: 'add_tag', params: { tag: 'triaged' } },
      { type: 'action', action: 'set_priority', params: { priority: 'high' } },
      { type: 'action', action: 'add_note', params: { text: 'Triaged by the bench workflow' } },
    ],
  });
  log(`automation: ${conversations} conversations through a three-step workflow (c=${concurrency})`);
  const ids = [];
  const tBulk = performance.now();
  await pool(conversations, concurrency, async (i) => {
    ids.push((await say(bulk, `b${i}`, `Order ${i} is late`)).conversationId);
  });
  const createdS = (performance.now() - tBulk) / 1000;
  const counts = async () => (await call(origin, 'GET', '/api/workflows', { token })).items.find((w) => w.id === three.id);
  const done = await until(`${conversations} runs`, async () => {
    const w = await counts();
    return w.runsToday >= conversations ? w : null;
  }, 15 * 60_000);
  const allS = (performance.now() - tBulk) / 1000;
  // Completed: every conversation has its three effects; none twice: one note each.
  let complete = 0;
  let twice = 0;
  await pool(ids.length, concurrency, async (i) => {
    const id = ids[i];
    const notes = await until('three steps applied', async () => {
      const [c, m] = await Promise.all([call(origin, 'GET', `/api/conversations/${id}`, { token }), call(origin, 'GET', `/api/conversations/${id}/messages?limit=50`, { token })]);
      const n = m.items.filter((x) => x.isInternalNote && x.text === 'Triaged by the bench workflow').length;
      return c.tags.includes('triaged') && c.priority === 'high' && n > 0 ? n : null;
    }, 5 * 60_000).catch(() => 0);
    if (notes > 0) complete++;
    if (notes > 1) twice++;
  });
  const after = await counts();

  // 3. A 10 s wait: lateness of its end after due.
  const waits = await inbox('Waits');
  const waiter = await workflow({ name: 'Wait 10 s', trigger: { type: 'message.received', inboxIds: [waits.id] }, steps: [{ type: 'wait', seconds: 10 }, { type: 'action', action: 'add_tag', params: { tag: 'waited' } }] });
  log(`automation: ${samples} runs waiting 10 s`);
  await pool(samples, 8, async (i) => {
    await say(waits, `w${i}`, `Wait ${i}`);
  });
  const runs = await until(`${samples} waits`, async () => {
    const r = await call(origin, 'GET', `/api/workflows/${waiter.id}/runs?limit=200`, { token });
    return r.items.length >= samples && r.items.every((x) => x.status === 'complete') ? r.items : null;
  }, 5 * 60_000);
  const lateness = [];
  for (const r of runs) {
    const detail = await call(origin, 'GET', `/api/workflow-runs/${r.id}`, { token });
    const w = detail.steps.find((s) => s.type === 'wait');
    if (w?.finishedAt) lateness.push(w.finishedAt - w.startedAt - 10_000);
  }

  return {
    firstAction: summarize(firstAction),
    probe: summarize(probe),
    bulk: { conversations, createdPerSecond: round(conversations / createdS), allRunsS: round(allS, 1), runsToday: after.runsToday, errorsToday: after.errorsToday, complete, twice, firstSeenRuns: done.runsToday },
    wait: summarize(lateness),
  };
}

export function automationRows(r) {
  const met = (ok) => (ok ? 'met' : 'NOT met');
  return [
    [`(k) event → first action (tag visible), ${r.firstAction.n} conversations`, `p50 ${r.firstAction.p50} ms  p95 ${r.firstAction.p95} ms`, '', ''],
    ['    bare DO round trip (probe), same run', `p50 ${r.probe.p50} ms  p95 ${r.probe.p95} ms`, '', ''],
    [`    ${r.bulk.conversations} conversations × a three-step workflow`, `runs ${r.bulk.runsToday}, complete ${r.bulk.complete}, twice ${r.bulk.twice}, errors ${r.bulk.errorsToday}; all in ${r.bulk.allRunsS} s`, `all, 0 twice`, met(r.bulk.runsToday === r.bulk.conversations && r.bulk.complete === r.bulk.conversations && r.bulk.twice === 0)],
    [`    wait 10 s: end after due, ${r.wait.n} runs`, `p50 ${r.wait.p50} ms  p99 ${r.wait.p99} ms  max ${r.wait.max} ms`, `p99 ≤ ${GOALS.waitLatenessP99Ms} ms`, met(r.wait.p99 <= GOALS.waitLatenessP99Ms)],
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '8861' }, conversations: { type: 'string', default: '1000' }, samples: { type: 'string', default: '100' } } });
  const { table } = await import('./lib/stats.mjs');
  const r = await automationBench({ port: Number(values.port), conversations: Number(values.conversations), samples: Number(values.samples) });
  console.log(JSON.stringify(r, null, 2));
  console.log(table([['benchmark', 'measured', 'goal', 'result'], ...automationRows(r)]));
}
