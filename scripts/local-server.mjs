// Starts Parley locally under wrangler dev (workerd, local D1/DO/R2) for npm start, the browser
// tests and the benchmarks: applies migrations, waits until it answers, optionally seeds the demo.
import { spawn, spawnSync } from 'node:child_process';
import { ensureDevVars } from './dev-vars.mjs';

// Run wrangler's script with this same Node (22, from the node package), whatever `node` is on PATH.
const WRANGLER = new URL('../node_modules/wrangler/bin/wrangler.js', import.meta.url).pathname;
const wrangler = (args) => [process.execPath, [WRANGLER, ...args]];

/**
 * @param {{ port?: number, persistTo?: string, seed?: boolean, quiet?: boolean, vars?: Record<string,string> }} opts
 */
export async function startServer(opts = {}) {
  const port = opts.port ?? 8787;
  const persist = opts.persistTo ? ['--persist-to', opts.persistTo] : [];
  ensureDevVars();
  const migrate = spawnSync(...wrangler(['d1', 'migrations', 'apply', 'DB', '--local', ...persist]), {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);

  const vars = Object.entries(opts.vars ?? {}).flatMap(([k, v]) => ['--var', `${k}:${v}`]);
  const child = spawn(...wrangler(['dev', '--ip', '127.0.0.1', '--port', String(port), '--show-interactive-dev-session=false', ...persist, ...vars]), {
    stdio: opts.quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    detached: process.platform !== 'win32',
  });
  let output = '';
  if (opts.quiet) {
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
  }
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode})\n${output.slice(-3000)}`);
    try {
      const res = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`wrangler dev did not answer on ${origin} within 120 s\n${output.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  function stop() {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
  }
  let seed = null;
  if (opts.seed) {
    const res = await fetch(`${origin}/api/dev/seed`, { method: 'POST' });
    if (!res.ok) {
      stop();
      throw new Error(`seeding failed: ${res.status} ${await res.text()}`);
    }
    seed = await res.json();
  }
  return { origin, child, seed, stop, output: () => output };
}
