// SLA timer benchmark: 10,000 conversations, each with a live first-response deadline kept as its
// ConversationDO's alarm (no poller anywhere). Reports how late breaches fire after their deadline
// (p50/p99: inside the object, breachedAt − dueAt; and at an agent's live socket, frame arrival − dueAt)
// and what 10,000 idle objects with armed alarms cost: workerd CPU and memory while they wait, bytes of
// Durable Object storage per conversation, and a bare Durable Object write measured before and during
// the wait (the ratio shows whether armed alarms slow anything down).
//
// Shape of a run: calibrate the creation rate on 100 conversations; create an SLA policy (first
// response, around the clock) whose target puts every deadline after the last conversation is created;
// create N web chat conversations (visitor session + first message, as a real widget does); wait idle
// until the first deadline; then collect every breach.
//
// Usage: node bench/sla.mjs [--port 8841] [--conversations 10000] [--concurrency 16]
// As a module: `slaBench(opts)` starts its own server on a snapshot of the tree and a fresh data directory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { call, openSocket, pool, request, visitorAddress } from './lib/client.mjs';
import { snapshot, start } from './lib/server.mjs';
import { groupUsage } from './lib/procs.mjs';
import { round, summarize } from './lib/stats.mjs';

export const GOALS = { p99LatenessMs: 1000 };
const PASSWORD = 'bench-password-1';

function portFree(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });
}

function duBytes(path) {
  try {
    return Number(execFileSync('du', ['-sb', path], { encoding: 'utf8' }).split('\t')[0]);
  } catch {
    return NaN;
  }
}

function findDir(root, name) {
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (entry.isDirectory() && entry.name.includes(name)) return join(entry.parentPath ?? entry.path, entry.name);
  }
  return null;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {{ port?: number, conversations?: number, concurrency?: number, log?: (s: string) => void }} opts
 */
export async function slaBench({ port, conversations = 10_000, concurrency = 16, log = console.log } = {}) {
  let chosen = port;
  for (let p = 8841; !chosen && p <= 8849; p++) if (await portFree(p)) chosen = p;
  if (!chosen) throw new Error('no free port in 8841..8849');
  const root = mkdtempSync(join(os.tmpdir(), 'parley-sla-bench-'));
  const appDir = join(root, 'app');
  const stateDir = join(root, 'state');
  execFileSync('mkdir', ['-p', appDir, stateDir]);
  snapshot(appDir);
  const cwd = process.cwd();
  log(`sla: starting wrangler dev on 127.0.0.1:${chosen}`);
  const server = await start({ port: chosen, persistTo: stateDir, appDir });
  process.chdir(cwd);
  const sockets = [];
  try {
    return await run(server, { stateDir, conversations, concurrency, log, sockets });
  } catch (err) {
    log(`--- wrangler output (tail) ---\n${server.output().slice(-3000)}`);
    throw err;
  } finally {
    for (const s of sockets) s.close();
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

async function run(server, { stateDir, conversations, concurrency, log, sockets }) {
  const origin = server.origin;
  const pgid = findGroup(server);
  const stamp = Date.now().toString(36);
  const signup = await call(origin, 'POST', '/api/auth/signup', { body: { workspaceName: `SLA bench ${stamp}`, name: 'Bench Manager', email: `manager-${stamp}@bench.test`, password: PASSWORD } });
  const token = signup.token;
  const inbox = await call(origin, 'POST', '/api/inboxes', { token, body: { channel: 'webchat', name: 'SLA bench' } });
  // Calibration conversations go to another inbox, outside the policy.
  const calibrationInbox = await call(origin, 'POST', '/api/inboxes', { token, body: { channel: 'webchat', name: 'Calibration' } });

  const probeBlock = async (n, tag) => {
    const lat = [];
    const t0 = performance.now();
    await pool(n, concurrency, async (i) => {
      const res = await request(origin, 'POST', `/api/dev/probe/sla-${tag}-${i % 200}`);
      if (res.status === 200) lat.push(res.ms);
    });
    const s = (performance.now() - t0) / 1000;
    return { writes: lat.length, rate: round(lat.length / s), latency: summarize(lat) };
  };

  /** One web chat conversation, as the widget makes it: a visitor session, then the first message. */
  const created = new Map();
  const createOne = async (i, via = inbox) => {
    const session = await call(origin, 'POST', '/widget/api/session', { body: { websiteToken: via.websiteToken, name: `Visitor ${i}` }, headers: { 'cf-connecting-ip': visitorAddress() } });
    const res = await call(origin, 'POST', '/widget/api/messages', { token: session.visitorToken, body: { text: `Hello, I need help with booking ${i}`, clientId: `sla-${i}` }, timeoutMs: 120_000 });
    created.set(res.conversationId, Date.now());
  };

  log('sla: bare Durable Object write (before)');
  const probeBefore = await probeBlock(600, 'before');

  // The same server with no conversations waiting: what "idle" costs before any timer is armed.
  log('sla: baseline idle (no timers armed) for 20 s');
  const base0 = groupUsage(pgid);
  await sleep(20_000);
  const base1 = groupUsage(pgid);
  const baseline = { cpuPercent: round((100 * (base1.cpu - base0.cpu)) / 20), rssMiB: round(base1.rss / 1048576) };

  log('sla: calibrating the creation rate on 100 conversations (no policy yet)');
  let t = performance.now();
  await pool(100, concurrency, (i) => createOne(-1 - i, calibrationInbox));
  const calibrationRate = 100 / ((performance.now() - t) / 1000);
  created.clear();

  // Every deadline must fall after the last conversation exists, so that the wait is truly idle.
  const expectedCreateS = conversations / calibrationRate;
  const targetMs = Math.ceil(expectedCreateS * 1.5 + 60) * 1000;
  const policy = await call(origin, 'POST', '/api/sla/policies', {
    token,
    body: { name: 'Bench: first response', enabled: true, conditions: { priorities: [], channels: [], inboxIds: [inbox.id], teamIds: [], contactTags: [] }, targets: { firstResponse: targetMs, nextResponse: null, resolution: null }, businessHours: false, countPending: false, countSnoozed: false, warningPct: 75 },
  });
  log(`sla: policy ${policy.id}: first response within ${(targetMs / 1000).toFixed(0)} s (creation ≈ ${expectedCreateS.toFixed(0)} s at ${calibrationRate.toFixed(0)}/s)`);

  // The manager's live socket: every conversation change arrives here with the conversation's SLA state.
  const wsOrigin = origin.replace(/^http/, 'ws');
  const breached = new Map(); // id → { dueAt, breachedAt, heardAt }
  const warned = new Map(); // id → { warnAt, heardAt }
  const applied = new Set();
  const live = await openSocket(`${wsOrigin}/api/live?access_token=${encodeURIComponent(token)}`, {
    onFrame(frame) {
      if (frame.t !== 'conversation' || !frame.conversation?.sla) return;
      const heardAt = Date.now();
      const c = frame.conversation;
      applied.add(c.id);
      const clock = c.sla.clocks?.find((k) => k.target === 'firstResponse');
      if (!clock) return;
      if (clock.breachedAt && !breached.has(c.id)) breached.set(c.id, { dueAt: clock.breachedDueAt ?? clock.dueAt ?? null, breachedAt: clock.breachedAt, heardAt });
      if (clock.warnedAt && !warned.has(c.id)) warned.set(c.id, { warnedAt: clock.warnedAt, heardAt });
    },
  });
  sockets.push(live);

  log(`sla: creating ${conversations} conversations (visitor session + first message, concurrency ${concurrency})`);
  t = performance.now();
  const usageStart = groupUsage(pgid);
  let done = 0;
  await pool(conversations, concurrency, async (i) => {
    await createOne(i);
    if (++done % 2000 === 0) log(`  ${done} created (${(done / ((performance.now() - t) / 1000)).toFixed(0)}/s)`);
  });
  const createS = (performance.now() - t) / 1000;
  const usageCreated = groupUsage(pgid);
  const firstCreated = Math.min(...created.values());
  const lastCreated = Math.max(...created.values());
  log(`sla: created ${created.size} in ${createS.toFixed(0)} s (${(created.size / createS).toFixed(0)}/s); first deadline in ${((firstCreated + targetMs - Date.now()) / 1000).toFixed(0)} s`);

  // The deadlines, from the objects' own state (the policy applied at open): read them once over REST.
  const due = new Map();
  const warnAtOf = new Map();
  const ids = [...created.keys()];
  await pool(ids.length, concurrency, async (i) => {
    const c = await call(origin, 'GET', `/api/conversations/${ids[i]}`, { token });
    const clock = c.sla?.clocks?.find((k) => k.target === 'firstResponse');
    if (clock?.dueAt) due.set(ids[i], clock.dueAt);
    if (clock?.warnAt) warnAtOf.set(ids[i], clock.warnAt);
  });
  const withDeadline = due.size;
  const firstDue = Math.min(...due.values());
  const lastDue = Math.max(...due.values());

  // Idle: nothing happens until the first deadline (warnings at 75 % may fire before; measure up to the first of either).
  const firstWarn = firstCreated + targetMs * 0.75;
  const idleUntil = Math.min(firstDue, firstWarn) - 3_000;
  let idle = null;
  if (idleUntil - Date.now() > 15_000) {
    log(`sla: idle with ${withDeadline} armed timers for ${((idleUntil - Date.now()) / 1000).toFixed(0)} s (CPU, memory; a bare DO write block in the middle)`);
    const a = groupUsage(pgid);
    const ta = Date.now();
    await sleep(Math.max(0, (idleUntil - Date.now()) / 2 - 5_000));
    const b = groupUsage(pgid);
    const tb = Date.now();
    const probeIdle = await probeBlock(600, 'idle');
    const tc = Date.now();
    const c = groupUsage(pgid);
    await sleep(Math.max(0, idleUntil - Date.now()));
    const d = groupUsage(pgid);
    const td = Date.now();
    const quietS = (tb - ta) / 1000 + (td - tc) / 1000;
    idle = {
      seconds: round(quietS),
      cpuPercent: round((100 * (b.cpu - a.cpu + (d.cpu - c.cpu))) / quietS),
      rssMiB: round(d.rss / 1048576),
      probe: probeIdle,
    };
  } else {
    log('sla: no idle window (creation ran into the deadlines); skipping the idle measurement');
  }
  const doDir = findDir(stateDir, 'ConversationDO') ?? join(stateDir, 'v3', 'do');
  const doBytes = duBytes(doDir);
  const doFiles = readdirSync(doDir).filter((f) => f.endsWith('.sqlite')).length;

  log(`sla: waiting for ${withDeadline} breaches (deadlines over ${((lastDue - firstDue) / 1000).toFixed(0)} s)`);
  const usageBreachStart = groupUsage(pgid);
  const tBreach = Date.now();
  const collectUntil = lastDue + 60_000;
  const breachedOurs = () => [...breached.keys()].filter((id) => due.has(id)).length;
  while (breachedOurs() < withDeadline && Date.now() < collectUntil) await sleep(500);
  const breachS = (Date.now() - tBreach) / 1000;
  const usageBreachEnd = groupUsage(pgid);
  await sleep(2_000);

  // Lateness inside the object: each conversation's own sla.breached event says how late it fired
  // (now − dueAt at the alarm); warnings likewise (event time − warnAt).
  log('sla: reading every conversation\'s SLA events');
  const inObject = [];
  const warnLate = [];
  const atSocket = [];
  await pool(ids.length, concurrency, async (i) => {
    const id = ids[i];
    const res = await call(origin, 'GET', `/api/conversations/${id}/events?after=0`, { token });
    const b = res.items.find((e) => e.type === 'sla.breached' && e.data.target === 'firstResponse');
    if (b) inObject.push(b.data.lateMs ?? b.at - due.get(id));
    const w = res.items.find((e) => e.type === 'sla.warning' && e.data.target === 'firstResponse');
    if (w && warnAtOf.has(id)) warnLate.push(w.at - warnAtOf.get(id));
    const heard = breached.get(id);
    if (heard && due.has(id)) atSocket.push(heard.heardAt - due.get(id));
  });
  const early = inObject.filter((v) => v < 0).length;
  return {
    conversations: created.size,
    withDeadline,
    policyApplied: applied.size,
    targetMs,
    createRate: round(created.size / createS),
    createCpuS: round(usageCreated.cpu - usageStart.cpu),
    breaches: inObject.length,
    missing: withDeadline - inObject.length,
    early,
    warnings: warnLate.length,
    lateness: summarize(inObject),
    warningLateness: summarize(warnLate),
    latenessAtSocket: summarize(atSocket),
    breachWindowS: round((lastDue - firstDue) / 1000),
    breachPhase: { seconds: round(breachS), cpuPercent: round((100 * (usageBreachEnd.cpu - usageBreachStart.cpu)) / breachS) },
    idle,
    baseline,
    storage: { doBytes, objects: doFiles, bytesPerConversation: round(doBytes / Math.max(1, doFiles)) },
    probeBefore,
    idleProbeRatio: idle ? round(probeBefore.rate / idle.probe.rate) : null,
    polling5min: { p50: 150_000, p99: 297_000 },
  };
}

function findGroup(server) {
  // local-server.mjs spawns wrangler detached: its pid is the process group of wrangler and workerd.
  const pid = server.pid ?? server.child?.pid;
  if (pid) return pid;
  // bench/lib/server.mjs does not expose the child; find wrangler's group by its command line and port.
  const port = new URL(server.origin).port;
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if (cmd.includes('wrangler') && cmd.includes('dev') && cmd.includes(`${port}`)) {
        const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      }
    } catch {
      // gone
    }
  }
  throw new Error('could not find the wrangler process group');
}

export function slaRows(r) {
  const met = (ok) => (ok ? 'met' : 'NOT met');
  const l = r.lateness;
  const s = r.latenessAtSocket;
  return [
    [`(g) SLA breaches: ${r.withDeadline} live deadlines, spread over ${r.breachWindowS} s`, `late p50 ${l.p50} ms  p99 ${l.p99} ms  max ${l.max} ms`, `p99 ≤ ${GOALS.p99LatenessMs} ms`, met(l.p99 <= GOALS.p99LatenessMs && r.missing === 0 && r.early === 0)],
    ['    fired / missing / early', `${r.breaches} / ${r.missing} / ${r.early}`, `all / 0 / 0`, met(r.missing === 0 && r.early === 0)],
    ['    warnings (75 %) late', `p50 ${r.warningLateness.p50} ms  p99 ${r.warningLateness.p99} ms  (${r.warnings} fired)`, '', ''],
    ['    heard at an agent live socket', `late p50 ${s.p50} ms  p99 ${s.p99} ms`, '', ''],
    ['    (polling every 5 minutes instead)', 'late p50 150 000 ms  p99 297 000 ms', '', ''],
    ['    idle: CPU / memory while all wait (wrangler + workerd)', r.idle ? `${r.idle.cpuPercent} % of a core over ${r.idle.seconds} s / ${r.idle.rssMiB} MiB` : 'n/a (no idle window)', '', ''],
    ['    the same with no timers armed (baseline)', `${r.baseline.cpuPercent} % of a core / ${r.baseline.rssMiB} MiB`, '', ''],
    ['    DO storage per object on disk (local SQLite files)', `${Math.round(r.storage.bytesPerConversation / 1024)} KiB × ${r.storage.objects}`, '', ''],
    ['    bare DO write before ÷ while idle', r.idle ? `${r.probeBefore.rate}/s ÷ ${r.idle.probe.rate}/s = ${r.idleProbeRatio}×` : `${r.probeBefore.rate}/s`, '', ''],
    ['    creation (session + message) / breach phase CPU', `${r.createRate}/s / ${r.breachPhase.cpuPercent} % of a core`, '', ''],
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { port: { type: 'string' }, conversations: { type: 'string', default: '10000' }, concurrency: { type: 'string', default: '16' } } });
  const { table } = await import('./lib/stats.mjs');
  const r = await slaBench({ port: values.port ? Number(values.port) : undefined, conversations: Number(values.conversations), concurrency: Number(values.concurrency) });
  console.log(JSON.stringify(r, null, 2));
  console.log(table([['benchmark', 'measured', 'goal', ''], ...slaRows(r)]));
}
