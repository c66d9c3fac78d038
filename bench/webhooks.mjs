// Outbound webhook delivery benchmark (issue 12), on its own server (a snapshot of the tree, a fresh
// data directory, WEBHOOK_RETRY_SCHEDULE set short so retries land in seconds, not hours):
//   a receiver on 127.0.0.1 (node:http) verifies every request's Standard Webhooks signature with the
//   `standardwebhooks` library the Worker signs with, then answers per a seeded generator: with
//   probability `failRate` it fails the attempt (two thirds HTTP 500, one third the connection dropped
//   without an answer), otherwise 204, and records every webhook-id it acknowledged;
//   a webhook endpoint created through the API, subscribed to `message.received`;
//   `events` visitor messages written through the widget API (the real path: ConversationDO → EVENTS
//   queue → outbound-webhooks subscriber → WEBHOOKS queue → signed POST);
// and reports, for a clean receiver and one failing 30 % of attempts (a workspace and endpoint each):
//   event → first 2xx receipt p50/p95/p99 (event time = the payload's `timestamp`, receipt time = the
//   receiver's clock when it answers 2xx; same machine, same clock), attempts per event, lost (a
//   message written but never acknowledged within the bound) and duplicated (a webhook-id the receiver
//   acknowledged twice — a retry after a failed attempt is not a duplicate), bad signatures, and the
//   deliveries still pending / failed in the product's delivery log at the end.
//
// Usage: node bench/webhooks.mjs [--port 8871] [--events 300] [--fail-rate 0.3] [--schedule 1,2,4,8,16,32,64]
// As a module: `webhooksBench(opts)`; `webhooksRows(result)` are the summary rows.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { call, pool, sleep, visitorAddress } from './lib/client.mjs';
import { snapshot, start } from './lib/server.mjs';
import { prng, round, summarize } from './lib/stats.mjs';

/** Exponential like the product's default, in seconds instead of minutes and hours: 8 attempts over ≤ 127 s. */
export const BENCH_SCHEDULE = '1,2,4,8,16,32,64';
const PASSWORD = 'bench-password-1';
const MESSAGES_PER_VISITOR = 5;

export async function webhooksBench({ port = 8871, events = 300, failRate = 0.3, schedule = BENCH_SCHEDULE, concurrency = 8, seed = 12, log = console.log } = {}) {
  const root = mkdtempSync(join(os.tmpdir(), 'parley-webhooks-bench-'));
  const appDir = join(root, 'app');
  const stateDir = join(root, 'state');
  execFileSync('mkdir', ['-p', appDir, stateDir]);
  snapshot(appDir);
  const cwd = process.cwd();
  log(`webhooks: starting wrangler dev on 127.0.0.1:${port} with WEBHOOK_RETRY_SCHEDULE=${schedule}`);
  const server = await start({ port, persistTo: stateDir, appDir, vars: { WEBHOOK_RETRY_SCHEDULE: schedule } });
  process.chdir(cwd);
  try {
    const waits = schedule.split(',').map(Number);
    const clean = await phase(server.origin, { label: 'clean', events, failRate: 0, waits, concurrency, seed, log });
    const flaky = await phase(server.origin, { label: `${Math.round(failRate * 100)} % failing`, events, failRate, waits, concurrency, seed, log });
    return { schedule, events, clean, flaky };
  } catch (err) {
    log(`--- wrangler output (tail) ---\n${server.output().slice(-3000)}`);
    throw err;
  } finally {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * The external party: a receiver that checks signatures and fails a seeded share of attempts.
 * Every attempt is counted per webhook-id; only 2xx answers count as acknowledged.
 */
function startReceiver({ failRate, seed }) {
  const random = prng(seed);
  const state = {
    verifier: null,
    attempts: new Map(), // webhook-id → requests seen (any answer)
    acked: new Map(), // webhook-id → { at: ms epoch of the first 2xx, eventAt, messageId, times }
    answered: { ok: 0, http500: 0, dropped: 0, badSignature: 0 },
  };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const id = req.headers['webhook-id'];
      let payload;
      try {
        payload = state.verifier.verify(body, req.headers);
      } catch {
        state.answered.badSignature++;
        res.writeHead(400).end('bad signature');
        return;
      }
      state.attempts.set(id, (state.attempts.get(id) ?? 0) + 1);
      // One draw decides fail or not, a second how: the sequence is the seed's, whatever order requests come in.
      if (random() < failRate) {
        if (random() < 1 / 3) {
          state.answered.dropped++;
          req.socket.destroy();
        } else {
          state.answered.http500++;
          res.writeHead(500).end('try again');
        }
        return;
      }
      const now = Date.now();
      const seen = state.acked.get(id);
      if (seen) seen.times++;
      else state.acked.set(id, { at: now, eventAt: Date.parse(payload.timestamp), messageId: payload.data?.message?.id, times: 1 });
      state.answered.ok++;
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ state, url: `http://127.0.0.1:${server.address().port}/parley`, close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))) }));
  });
}

async function phase(origin, { label, events, failRate, waits, concurrency, seed, log }) {
  const stamp = `${Date.now().toString(36)}${label.length}`;
  const receiver = await startReceiver({ failRate, seed });
  try {
    const { token } = await call(origin, 'POST', '/api/auth/signup', { body: { workspaceName: `Webhooks bench ${stamp}`, name: 'Bench Manager', email: `manager-${stamp}@bench.test`, password: PASSWORD } });
    const endpoint = await call(origin, 'POST', '/api/webhook-endpoints', { token, body: { url: receiver.url, events: ['message.received'], description: `bench (${label})` } });
    receiver.state.verifier = new Webhook(endpoint.secret);
    const inbox = await call(origin, 'POST', '/api/inboxes', { token, body: { channel: 'webchat', name: `Webhooks ${label}` } });

    log(`webhooks (${label}): ${events} visitor messages through the widget (c=${concurrency})`);
    const produced = new Set();
    const visitors = Math.ceil(events / MESSAGES_PER_VISITOR);
    const t0 = performance.now();
    await pool(visitors, concurrency, async (v) => {
      const session = await call(origin, 'POST', '/widget/api/session', { body: { websiteToken: inbox.websiteToken, name: `Visitor ${v}` }, headers: { 'cf-connecting-ip': visitorAddress() } });
      for (let m = 0; m < MESSAGES_PER_VISITOR && v * MESSAGES_PER_VISITOR + m < events; m++) {
        const res = await call(origin, 'POST', '/widget/api/messages', { token: session.visitorToken, body: { text: `Question ${m} from visitor ${v}`, clientId: `wh-${stamp}-${v}-${m}` }, timeoutMs: 120_000 });
        produced.add(res.message.id);
      }
    });
    const producedS = (performance.now() - t0) / 1000;

    // Bound: every wait of the schedule once, plus a minute for the queues, after the last message.
    const boundMs = (waits.reduce((a, b) => a + b, 0) + 60) * 1000;
    const ackedIds = () => new Set([...receiver.state.acked.values()].map((a) => a.messageId));
    const tWait = performance.now();
    while (performance.now() - tWait < boundMs) {
      const got = ackedIds();
      if ([...produced].every((id) => got.has(id))) break;
      await sleep(100);
    }
    const allInS = (performance.now() - t0) / 1000;
    // Let the product finish what it still has in flight (nothing pending in its log), then a quiet
    // spell, so a late second delivery of an acknowledged id would be seen.
    const pending = async () => (await call(origin, 'GET', `/api/webhook-endpoints/${endpoint.id}/deliveries?status=pending&limit=100`, { token })).items.length;
    for (const tEnd = performance.now() + 30_000; performance.now() < tEnd && (await pending()) > 0; ) await sleep(250);
    await sleep(3000);

    const got = ackedIds();
    const lost = [...produced].filter((id) => !got.has(id)).length;
    const acked = [...receiver.state.acked.values()];
    const duplicated = acked.filter((a) => a.times > 1).length;
    const attempts = [...receiver.state.attempts.values()];
    const failedInLog = (await call(origin, 'GET', `/api/webhook-endpoints/${endpoint.id}/deliveries?status=failed&limit=100`, { token })).items.length;
    const after = await call(origin, 'GET', `/api/webhook-endpoints/${endpoint.id}`, { token });
    const stages = await breakdown(origin, token, endpoint.id, receiver.state.acked, waits);
    const result = {
      label,
      failRate,
      produced: produced.size,
      producedPerSecond: round(produced.size / producedS),
      allAcknowledgedS: round(allInS, 1),
      latency: summarize(acked.map((a) => a.at - a.eventAt)),
      stages,
      attemptsPerEvent: { mean: round(attempts.reduce((s, n) => s + n, 0) / Math.max(1, attempts.length)), max: Math.max(0, ...attempts), histogram: histogram(attempts) },
      answered: receiver.state.answered,
      lost,
      duplicated,
      pendingAtEnd: await pending(),
      failedInLog,
      endpointEnabled: after.enabled,
    };
    log(`webhooks (${label}): p50 ${result.latency.p50} ms, p95 ${result.latency.p95} ms, lost ${lost}, duplicated ${duplicated}, attempts ${JSON.stringify(result.answered)}`);
    return result;
  } finally {
    await receiver.close();
  }
}

/**
 * Where the time goes, from the product's own delivery log (the Worker's clock): event → delivery
 * recorded (EVENTS queue + the outbound-webhooks subscriber), recorded → first attempt (WEBHOOKS
 * queue), each attempt's HTTP latency, and how late each retry started after it was due.
 */
async function breakdown(origin, token, endpointId, acked, waits) {
  const eventAt = new Map([...acked.entries()].map(([id, a]) => [id, a.eventAt]));
  const fanOut = [];
  const firstAttempt = [];
  const http = [];
  const retryLate = [];
  let logged = 0;
  let before = null;
  for (;;) {
    const page = await call(origin, 'GET', `/api/webhook-endpoints/${endpointId}/deliveries?limit=100${before ? `&before=${before}` : ''}`, { token });
    for (const d of page.items) {
      const at = eventAt.get(d.webhookId);
      if (at !== undefined) fanOut.push(d.createdAt - at);
      const log = d.attemptLog;
      logged += log.length;
      if (log.length) firstAttempt.push(log[0].at - d.createdAt);
      for (const [i, a] of log.entries()) {
        if (a.latencyMs !== null) http.push(a.latencyMs);
        if (i > 0) retryLate.push(a.at - (log[i - 1].at + waits[i - 1] * 1000));
      }
    }
    if (!page.nextBefore) break;
    before = page.nextBefore;
  }
  // Beside the receiver's own count: a request the Worker's fetch repeated by itself would show here as a difference.
  return { loggedAttempts: logged, eventToRecorded: summarize(fanOut), recordedToFirstAttempt: summarize(firstAttempt), attemptHttp: summarize(http), retryAfterDue: summarize(retryLate) };
}

function histogram(values) {
  const h = {};
  for (const v of values) h[v] = (h[v] ?? 0) + 1;
  return h;
}

export function webhooksRows(r) {
  const met = (ok) => (ok ? 'met' : 'NOT met');
  const rows = [];
  for (const [i, p] of [r.clean, r.flaky].entries()) {
    const name = i === 0 ? `(l) webhook event → receiver 2xx, ${p.produced} events, ${p.label}` : `    ${p.label} receiver (${p.answered.http500} × 500, ${p.answered.dropped} dropped)`;
    rows.push([name, `p50 ${p.latency.p50} ms  p95 ${p.latency.p95} ms  p99 ${p.latency.p99} ms`, '', '']);
    rows.push([`      attempts per event; retry waits ${r.schedule} s`, `mean ${p.attemptsPerEvent.mean}  max ${p.attemptsPerEvent.max}  (received ${p.answered.ok + p.answered.http500 + p.answered.dropped}, logged ${p.stages.loggedAttempts})`, '', '']);
    rows.push(['      lost / duplicated / bad signatures', `${p.lost} / ${p.duplicated} / ${p.answered.badSignature}`, '0 / 0 / 0', met(p.lost === 0 && p.duplicated === 0 && p.answered.badSignature === 0)]);
    const st = p.stages;
    rows.push(['      event → recorded → 1st attempt; HTTP (p50)', `${st.eventToRecorded.p50} ms → ${st.recordedToFirstAttempt.p50} ms; ${st.attemptHttp.p50} ms`, '', '']);
    if (st.retryAfterDue.n) rows.push([`      retries started after due, ${st.retryAfterDue.n}`, `p50 ${st.retryAfterDue.p50} ms  p95 ${st.retryAfterDue.p95} ms`, '', '']);
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '8871' }, events: { type: 'string', default: '300' }, 'fail-rate': { type: 'string', default: '0.3' }, schedule: { type: 'string', default: BENCH_SCHEDULE } } });
  const { table } = await import('./lib/stats.mjs');
  const r = await webhooksBench({ port: Number(values.port), events: Number(values.events), failRate: Number(values['fail-rate']), schedule: values.schedule });
  console.log(JSON.stringify(r, null, 2));
  console.log(table([['benchmark', 'measured', 'goal', 'result'], ...webhooksRows(r)]));
}
