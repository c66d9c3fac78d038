// A/B of bench (m)'s CPU per operation between two versions, interleaved on one machine: a git ref (A)
// and the working tree (B) each get their own server, and every kind is measured on both, A first in odd rounds and B first in even ones, `rounds`
// times over, so drift in the machine's load falls on both alike. For deciding whether a change to
// the message path pays: compare the event-loop ms per op (the local ceiling, see bench/README.md).
//
// `node bench/ab.mjs [--ref HEAD] [--n 300] [--rounds 2] [--kinds apiNote,apiSend]`
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { costOf, costOperations, idleRate } from './cost.mjs';
import { snapshot, start } from './lib/server.mjs';
import { sleep } from './lib/client.mjs';

const { values } = parseArgs({ options: { ref: { type: 'string', default: 'HEAD' }, n: { type: 'string', default: '300' }, rounds: { type: 'string', default: '2' }, kinds: { type: 'string', default: 'apiNote,apiSend' }, port: { type: 'string', default: '8805' } } });
const n = Number(values.n);
const kinds = ['probe', ...values.kinds.split(',')];
const dir = mkdtempSync(join(os.tmpdir(), 'parley-ab-'));
const servers = [];
try {
  for (const [i, ref] of [values.ref, null].entries()) {
    const appDir = join(dir, `app${i}`);
    mkdirSync(appDir);
    snapshot(appDir, ref);
    const server = await start({ port: Number(values.port) + i, persistTo: join(dir, `state${i}`), appDir });
    servers.push({ label: ref ?? 'working tree', server, ops: await costOperations(server.origin), idle: await idleRate(server.pid), runs: {} });
  }
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const kind of kinds) {
      // A then B in odd rounds, B then A in even ones (ABBA): whichever side goes second in a round measured
      // differently in A/A runs (2026-12-05: the second's probe ~20 % slower); alternating spreads that over both sides.
      for (const s of round % 2 === 0 ? servers : [...servers].reverse()) {
        // Each round its own indices: the operations derive client ids from them, and a repeated id is an idempotent no-op.
        // Work an operation needs ready beforehand (the fresh visitors' sessions) is done outside the measured window.
        if (s.ops[kind].prepare) {
          await s.ops[kind].prepare(round * n, n);
          await sleep(1000);
        }
        const r = await costOf(s.server.pid, s.idle, n, 16, (i) => s.ops[kind](round * n + i));
        (s.runs[kind] ??= []).push(r.serialMsPerOp);
        console.log(`round ${round + 1} ${kind.padEnd(12)} ${s.label.padEnd(12)} ${r.serialMsPerOp.toFixed(2)} ms event loop, ${r.cpuMsPerOp.toFixed(2)} ms CPU${r.errors ? `, ${r.errors} errors (${r.firstError})` : ''}`);
      }
    }
  }
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  for (const kind of kinds) {
    const [a, b] = servers.map((s) => mean(s.runs[kind]));
    const [pa, pb] = servers.map((s) => mean(s.runs.probe));
    console.log(`${kind.padEnd(12)} A ${a.toFixed(2)} ms (ratio ${(pa / a).toFixed(2)})  B ${b.toFixed(2)} ms (ratio ${(pb / b).toFixed(2)})  B/A ${(b / a).toFixed(3)}`);
  }
} finally {
  for (const s of servers) await s.server.stop();
  rmSync(dir, { recursive: true, force: true });
}
