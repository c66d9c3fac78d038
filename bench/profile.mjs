// Where an operation's time goes in the Worker's isolate: a V8 CPU profile (through wrangler's inspector)
// taken while N operations of one kind run, and until the server is idle again (queue consumers,
// subscribers and fan-out included), with self time summed by file and by function. Only the Worker's
// own isolate is profiled: the local D1, queue and storage simulators run on the same workerd thread but
// in other isolates, so "(outside the profile)" is the busiest thread's time the profile does not see.
//
//   node bench/profile.mjs [--kind apiSend|apiNote|me|widgetMessage|widgetNew|widgetNewRouted|knownSender|newSender|probe] [--n 300] [--top 40]
// (the operations and their workspace are bench (m)'s: bench/cost.mjs costOperations)
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pool, sleep } from './lib/client.mjs';
import { costOperations } from './cost.mjs';
import { threadUsage } from './lib/procs.mjs';
import { snapshot, start } from './lib/server.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8813' },
    inspector: { type: 'string', default: '9239' },
    kind: { type: 'string', default: 'apiSend' },
    n: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '16' },
    top: { type: 'string', default: '40' },
    out: { type: 'string' },
  },
});

/** A minimal Chrome DevTools Protocol client over the inspector's WebSocket. */
async function inspector(port) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const target = targets.find((t) => t.webSocketDebuggerUrl);
  if (!target) throw new Error(`no inspector target on ${port}`);
  // The inspector proxy wants an Origin it knows (a browser's DevTools would send one).
  const ws = new WebSocket(target.webSocketDebuggerUrl, { headers: { Origin: 'http://127.0.0.1' } });
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let next = 1;
  const waiting = new Map();
  ws.onmessage = (e) => {
    const msg = JSON.parse(e.data);
    if (msg.id && waiting.has(msg.id)) {
      waiting.get(msg.id)(msg);
      waiting.delete(msg.id);
    }
  };
  return {
    send(method, params = {}) {
      const id = next++;
      ws.send(JSON.stringify({ id, method, params }));
      return new Promise((resolve, reject) => waiting.set(id, (m) => (m.error ? reject(new Error(m.error.message)) : resolve(m.result))));
    },
    close: () => ws.close(),
  };
}

/** Self time by key from a V8 profile (samples × intervals). */
function selfTimes(profile, keyOf) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const key = keyOf(node.callFrame);
    totals.set(key, (totals.get(key) ?? 0) + dt);
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

function shortUrl(url) {
  if (!url) return '(native)';
  const m = url.match(/(worker|durable-objects|node_modules)\/.*$/);
  return m ? m[0] : url.slice(-60);
}

const dir = mkdtempSync(join(os.tmpdir(), 'parley-profile-'));
const appDir = join(dir, 'app');
mkdirSync(appDir);
snapshot(appDir);
const server = await start({ port: Number(values.port), persistTo: join(dir, 'state'), appDir, args: ['--inspector-port', values.inspector] });
const origin = server.origin;
try {
  const kinds = await costOperations(origin);
  const op = kinds[values.kind];
  if (!op) throw new Error(`--kind: one of ${Object.keys(kinds).join(', ')}`);
  const n = Number(values.n);
  if (op.prepare) await op.prepare(1e6, 40);
  await pool(40, 8, (i) => op(1e6 + i)); // warm the path
  if (op.prepare) await op.prepare(0, n); // fresh visitors' sessions: outside the profile
  await sleep(3000);

  const cdp = await inspector(Number(values.inspector));
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  const threads0 = threadUsage(server.pid);
  await cdp.send('Profiler.start');
  const t0 = Date.now();
  await pool(n, Number(values.concurrency), (i) => op(i));
  const responded = Date.now() - t0;
  await sleep(4000); // the consumers' batches (1 s windows) and the fan-out that follow the responses
  const { profile } = await cdp.send('Profiler.stop');
  let serial = 0;
  for (const [tid, t] of threadUsage(server.pid)) serial = Math.max(serial, t - (threads0.get(tid) ?? 0));
  cdp.close();
  if (values.out) writeFileSync(values.out, JSON.stringify(profile));

  const idleKey = (f) => f.functionName === '(idle)' || f.functionName === '(program)' || f.functionName === '(garbage collector)' ? f.functionName : null;
  const byFile = selfTimes(profile, (f) => idleKey(f) ?? shortUrl(f.url));
  const byFn = selfTimes(profile, (f) => idleKey(f) ?? `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}:${f.lineNumber + 1}`);
  const busy = byFile.filter(([k]) => k !== '(idle)').reduce((s, [, t]) => s + t, 0);
  const per = (t) => `${(t / n).toFixed(3)} ms/op`;
  console.log(`${values.kind}: ${n} ops answered in ${responded} ms; busiest thread ${(serial * 1000 / n).toFixed(2)} ms/op; Worker isolate busy ${per(busy)} (outside the profile ${((serial * 1000 - busy) / n).toFixed(2)} ms/op)`);
  const top = Number(values.top);
  console.log('\nself time by file');
  for (const [k, t] of byFile.filter(([k]) => k !== '(idle)').slice(0, top)) console.log(`  ${per(t).padStart(14)}  ${k}`);
  console.log('\nself time by function');
  for (const [k, t] of byFn.filter(([k]) => k !== '(idle)').slice(0, top)) console.log(`  ${per(t).padStart(14)}  ${k}`);
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
