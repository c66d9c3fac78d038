// (m) What one message costs in CPU, beside the bare probe: the CPU time (user + system, from /proc) that
// the wrangler/workerd process group spends on N operations of a kind, counted until the server is idle
// again (so queue consumers, event-stream subscribers and fan-out that follow the response are included),
// less the idle rate, divided by N. Throughput on a saturated machine is roughly cores ÷ CPU per
// operation, so the ratio probe CPU ÷ operation CPU bounds the throughput ratio of (b) and (e) from above
// (it equals it only when the run is CPU-bound; a serial resource — one D1 database, one WorkspaceDO — can cap
// throughput first). It
// moves less than throughput when other work shares the machine (CPU time still grows under contention:
// caches, SMT), so compare variants (e.g. a snapshot with one subscriber switched off) within one run.
//
// Run directly: `node bench/cost.mjs [--port 8812] [--n 300] [--kinds apiSend,apiNote]` starts its own server on a snapshot.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { call, openSocket, pool, rawPost, request, sleep, visitorAddress } from './lib/client.mjs';
import { groupUsage, threadUsage } from './lib/procs.mjs';
import { whatsappWebhook } from './ingest.mjs';

/** CPU seconds used so far by the group `pgid` (wrangler and its workerd children), exited children included. */
export function groupCpuSeconds(pgid) {
  const u = groupUsage(pgid);
  return u.cpu + u.childCpu;
}

/** The group's idle CPU rate (s per s), over `ms`. */
export async function idleRate(pgid, ms = 4000) {
  const a = groupCpuSeconds(pgid);
  await sleep(ms);
  return (groupCpuSeconds(pgid) - a) / (ms / 1000);
}

/**
 * Run `count` operations (`concurrency` at a time), then wait until the group's CPU rate has stayed at
 * the idle rate for `quietMs`; the CPU spent less the idle rate over the whole time, per operation.
 */
export async function costOf(pgid, idle, count, concurrency, op, { quietMs = 2500 } = {}) {
  const t0 = Date.now();
  const c0 = groupCpuSeconds(pgid);
  const threads0 = threadUsage(pgid);
  let errors = 0;
  let firstError = null;
  await pool(count, concurrency, async (i) => {
    try {
      await op(i);
    } catch (err) {
      errors++;
      firstError ??= String(err?.message ?? err);
    }
  });
  const responded = Date.now();
  // Idle: a 500 ms window using no more than the idle rate + 3 % of a core, `quietMs` in a row.
  let quietSince = Date.now();
  let last = groupCpuSeconds(pgid);
  for (;;) {
    await sleep(500);
    const now = groupCpuSeconds(pgid);
    if (now - last > 0.5 * (idle + 0.03)) quietSince = Date.now();
    last = now;
    if (Date.now() - quietSince >= quietMs) break;
    if (Date.now() - responded > 120_000) break;
  }
  const elapsed = (Date.now() - t0) / 1000;
  const cpu = groupCpuSeconds(pgid) - c0 - idle * elapsed;
  // The busiest thread over the run (workerd's event loop, which runs the Worker, every object and the
  // local D1 and queue simulators in turn): its time per operation is the local run's serial cost.
  let serial = 0;
  for (const [tid, t] of threadUsage(pgid)) serial = Math.max(serial, t - (threads0.get(tid) ?? 0));
  return { count, errors, firstError, cpuMsPerOp: (cpu * 1000) / count, serialMsPerOp: (serial * 1000) / count, responseSeconds: (responded - t0) / 1000 };
}

/** A signed webhook must be answered 200. */
async function postHook(origin, path, hook) {
  const res = await rawPost(origin, path, hook.body, hook.headers);
  if (res.status !== 200) throw new Error(`webhook → ${res.status}`);
}

/**
 * A workspace with 50 open widget conversations and 50 known WhatsApp senders, and one operation of each
 * kind to measure on it (also bench/profile.mjs's): probe, API reply, `GET /api/me`, internal note, widget
 * message, known and new WhatsApp senders. Each takes its index (ids and client ids derive from it).
 */
export async function costOperations(origin) {
  const stamp = Date.now().toString(36);
  const signup = await call(origin, 'POST', '/api/auth/signup', { body: { workspaceName: `Cost bench ${stamp}`, name: 'Bench Manager', email: `cost-${stamp}@bench.test`, password: 'bench-password-1' } });
  const token = signup.token;
  const wa = await call(origin, 'POST', '/api/inboxes', { token, body: { channel: 'whatsapp', name: 'Cost WhatsApp', config: { phoneNumberId: '106540352242922', accessToken: 'bench', appSecret: 'bench-meta-app-secret', verifyToken: 'bench' } } });
  const chat = await call(origin, 'POST', '/api/inboxes', { token, body: { channel: 'webchat', name: 'Cost chat' } });

  // 50 open conversations from widget visitors, to reply into and write into.
  const convs = 50;
  const visitors = new Array(convs);
  const ids = new Array(convs);
  await pool(convs, 8, async (i) => {
    const s = await call(origin, 'POST', '/widget/api/session', { body: { websiteToken: chat.websiteToken, name: `Cost visitor ${i}` }, headers: { 'cf-connecting-ip': visitorAddress() } });
    const m = await call(origin, 'POST', '/widget/api/messages', { token: s.visitorToken, body: { text: `Hello ${i}`, clientId: `open-${i}` } });
    visitors[i] = s.visitorToken;
    ids[i] = m.conversationId;
  });
  // 50 WhatsApp senders known to the workspace.
  const known = Array.from({ length: convs }, (_, i) => `3471${String(1e6 + i)}${stamp.length}`);
  await pool(convs, 8, async (i) => {
    const h = whatsappWebhook(known[i], `wamid.known-open-${stamp}-${i}`, 'Hi there');
    await postHook(origin, `/webhooks/whatsapp/${wa.id}`, h);
  });
  for (let i = 0; i < convs; i++) await request(origin, 'POST', `/api/dev/probe/cost-${i % convs}`); // warm every probe object

  /**
   * Fresh visitors for the first-message kinds: each op is a new visitor's first message (a new contact's
   * first conversation). Their sessions are opened by `prepare` before the measured window, so the op is
   * the conversation's creation alone, as in bench (f).
   */
  const freshVisitors = (websiteToken) => {
    const tokens = new Map();
    const open = async (i) => {
      const s = await call(origin, 'POST', '/widget/api/session', { body: { websiteToken, name: `New visitor ${i}` }, headers: { 'cf-connecting-ip': visitorAddress() } });
      tokens.set(i, s.visitorToken);
      return s.visitorToken;
    };
    const op = async (i) => {
      const visitorToken = tokens.get(i) ?? (await open(i));
      tokens.delete(i);
      const m = await call(origin, 'POST', '/widget/api/messages', { token: visitorToken, body: { text: `First words ${i}`, clientId: `cost-f-${stamp}-${i}` } });
      if (!m.conversationId) throw new Error('no conversation');
    };
    op.prepare = (from, count) => pool(count, 8, (k) => open(from + k));
    return op;
  };
  // Bench (f)'s setting for widgetNewRouted: a workspace of its own with 20 agents online (a live socket
  // each, capacity enough for every run) and routing on, so each new conversation is decided, assigned,
  // notified and fanned out to the sockets. Set up on first use only.
  let routed = null;
  const routedWorkspace = async () => {
    const s = await call(origin, 'POST', '/api/auth/signup', { body: { workspaceName: `Cost routed ${stamp}`, name: 'Routed Manager', email: `cost-r-${stamp}@bench.test`, password: 'bench-password-1' } });
    await call(origin, 'PATCH', `/api/users/${s.user.id}`, { token: s.token, body: { capacity: 0 } });
    const team = await call(origin, 'POST', '/api/teams', { token: s.token, body: { name: 'Support' } });
    const agents = 20;
    const tokens = new Array(agents);
    await pool(agents, 4, async (i) => {
      const email = `cost-agent${i}-${stamp}@bench.test`;
      await call(origin, 'POST', '/api/users', { token: s.token, body: { email, name: `Agent ${i + 1}`, role: 'staff', password: 'bench-password-1', capacity: 1000, teamIds: [team.id] } });
      const login = await call(origin, 'POST', '/api/auth/login', { body: { email, password: 'bench-password-1' }, headers: { 'cf-connecting-ip': `10.78.${i >> 8}.${i & 255}` } });
      tokens[i] = login.token;
    });
    await call(origin, 'PUT', `/api/teams/${team.id}/routing`, { token: s.token, body: { mode: 'load_balanced' } });
    await call(origin, 'PUT', '/api/routing/settings', { token: s.token, body: { defaultRule: { assign: true, teamId: team.id } } });
    const inbox = await call(origin, 'POST', '/api/inboxes', { token: s.token, body: { channel: 'webchat', name: 'Routed chat' } });
    const wsOrigin = origin.replace(/^http/, 'ws');
    await pool(agents, 4, (i) => openSocket(`${wsOrigin}/api/live?access_token=${encodeURIComponent(tokens[i])}`));
    return freshVisitors(inbox.websiteToken);
  };
  const widgetNewRouted = async (i) => (routed ??= routedWorkspace()).then((op) => op(i));
  widgetNewRouted.prepare = async (from, count) => (await (routed ??= routedWorkspace())).prepare(from, count);

  const kinds = {
    probe: (i) => request(origin, 'POST', `/api/dev/probe/cost-${i % convs}`).then((r) => { if (r.status >= 300) throw new Error(`probe ${r.status}`); }),
    // The same probe on an object never used before: what creating a Durable Object (its SQLite file, its
    // schema) costs here, which every new conversation pays once (a new sender, a new visitor).
    probeNew: (i) => request(origin, 'POST', `/api/dev/probe/cost-new-${stamp}-${i}`).then((r) => { if (r.status >= 300) throw new Error(`probe ${r.status}`); }),
    apiSend: (i) => call(origin, 'POST', `/api/conversations/${ids[i % convs]}/messages`, { token, body: { text: `Reply ${i}: it ships tomorrow.`, clientId: `cost-${stamp}-${i}` } }),
    // An authenticated API read that touches no object, one D1 read (the session is cached): the Worker's own floor.
    me: (i) => call(origin, 'GET', '/api/me', { token }),
    // The same call as an internal note: nothing to deliver, so apiSend − apiNote is the delivery's share.
    apiNote: (i) => call(origin, 'POST', `/api/conversations/${ids[i % convs]}/messages`, { token, body: { text: `Note ${i}: checked the order.`, isInternalNote: true, clientId: `cost-n-${stamp}-${i}` } }),
    widgetMessage: (i) => call(origin, 'POST', '/widget/api/messages', { token: visitors[i % convs], body: { text: `Visitor says ${i}`, clientId: `cost-w-${stamp}-${i}` } }),
    // A new visitor's first message: contact (made by the session), conversation and message (cost workspace: no routing, no agent online).
    widgetNew: freshVisitors(chat.websiteToken),
    widgetNewRouted,
    knownSender: (i) => {
      const h = whatsappWebhook(known[i % convs], `wamid.known-${stamp}-${i}`, `Known sender ${i}`);
      return postHook(origin, `/webhooks/whatsapp/${wa.id}`, h);
    },
    newSender: (i) => {
      const h = whatsappWebhook(`3472${String(1e7 + i)}${stamp.length}`, `wamid.new-${stamp}-${i}`, `New sender ${i}`);
      return postHook(origin, `/webhooks/whatsapp/${wa.id}`, h);
    },
  };
  return kinds;
}

/** The figures: probe, API send, widget message, known and new WhatsApp senders, each as CPU ms per operation. */
export async function costBench(origin, pgid, { n = 300, concurrency = 16, kinds: only = null, log = console.log } = {}) {
  const kinds = await costOperations(origin);
  const idle = await idleRate(pgid);
  log(`  (m) idle: ${(idle * 1000).toFixed(0)} ms CPU per s`);
  const out = {};
  for (const [name, op] of Object.entries(kinds)) {
    if (only && name !== 'probe' && !only.includes(name)) continue;
    if (op.prepare) await op.prepare(0, n);
    const r = await costOf(pgid, idle, n, concurrency, op);
    out[name] = r;
    const vsProbe = name === 'probe' ? '' : ` = ${(r.cpuMsPerOp / out.probe.cpuMsPerOp).toFixed(2)} probes (CPU ratio ${(out.probe.cpuMsPerOp / r.cpuMsPerOp).toFixed(2)}; event-loop ratio ${(out.probe.serialMsPerOp / r.serialMsPerOp).toFixed(2)})`;
    log(`  (m) ${name.padEnd(13)} ${r.cpuMsPerOp.toFixed(2)} ms CPU each, ${r.serialMsPerOp.toFixed(2)} ms on the busiest thread${vsProbe}${r.errors ? `, ${r.errors} errors (${r.firstError})` : ''}`);
  }
  return { idleMsPerSecond: idle * 1000, kinds: out };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '8812' }, n: { type: 'string', default: '300' }, concurrency: { type: 'string', default: '16' }, kinds: { type: 'string' } } });
  const { snapshot, start } = await import('./lib/server.mjs');
  const dir = mkdtempSync(join(os.tmpdir(), 'parley-cost-'));
  const appDir = join(dir, 'app');
  mkdirSync(appDir);
  snapshot(appDir);
  const server = await start({ port: Number(values.port), persistTo: join(dir, 'state'), appDir });
  try {
    await costBench(server.origin, server.pid, { n: Number(values.n), concurrency: Number(values.concurrency), kinds: values.kinds?.split(',') ?? null });
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
