// Starts Parley locally under wrangler dev (workerd, local D1/DO/R2) for npm start, the browser
// tests and the benchmarks: applies migrations, waits until it answers, optionally seeds the demo.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { ensureDevVars } from './dev-vars.mjs';

// Run wrangler's script with this same Node (22, from the node package), whatever `node` is on PATH.
const WRANGLER = new URL('../node_modules/wrangler/bin/wrangler.js', import.meta.url).pathname;
const wrangler = (args) => [process.execPath, [WRANGLER, ...args]];

// Every process this module started and that still runs, so a stop at any moment (during migrations,
// the build, the wait for the server or seeding) can end them all: stopAll().
const running = new Set();
const DETACHED = process.platform !== 'win32';

/** Spawn in a process group of its own (so stopping it ends its workerd too) and remember it until it exits. */
export function spawnTracked(cmd, args, options = {}) {
  const child = spawn(cmd, args, { ...options, detached: DETACHED });
  running.add(child);
  child.on('exit', () => running.delete(child));
  return child;
}

function killGroup(child, signal = 'SIGTERM') {
  try {
    if (DETACHED) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** End every process started here (and their children). */
export function stopAll(signal = 'SIGTERM') {
  for (const child of running) killGroup(child, signal);
}

/** A command to completion, its output kept (shown only if it fails). */
export function runTracked(cmd, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawnTracked(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

export class PortInUseError extends Error {}
export const portInUse = (port) => `port ${port} is already in use on 127.0.0.1 (an earlier Parley or wrangler dev still running?). Stop it, or start on another port: PORT=${port + 1} npm start`;

/** Whether nothing listens on 127.0.0.1:port (waiting briefly: a server just stopped may still hold it). */
export async function portFree(port, waitMs = 3000) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const free = await new Promise((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free || Date.now() > deadline) return free;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * @param {{ port?: number, persistTo?: string, seed?: boolean, quiet?: boolean, logLevel?: string, vars?: Record<string,string>, args?: string[] }} opts
 * quiet: keep wrangler's output (see output()) instead of printing it; logLevel: wrangler's (default info);
 * args: more `wrangler dev` flags (bench/profile.mjs picks the inspector's port).
 */
export async function startServer(opts = {}) {
  const port = opts.port ?? 8787;
  const persist = opts.persistTo ? ['--persist-to', opts.persistTo] : [];
  // Another server on the port would answer our health check and be taken for this one (stale data,
  // old code): refuse instead.
  if (!(await portFree(port))) throw new PortInUseError(portInUse(port));
  ensureDevVars();
  // Offline machines cannot fetch Request.cf's sample; the placeholder is what we would get anyway, without the stack trace.
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };
  const migrate = await runTracked(...wrangler(['d1', 'migrations', 'apply', 'DB', '--local', ...persist]), { env: { ...env, CI: 'true' } });
  if (migrate.code !== 0) throw new Error(`migrations failed:\n${migrate.output}`);

  const vars = Object.entries(opts.vars ?? {}).flatMap(([k, v]) => ['--var', `${k}:${v}`]);
  const logLevel = opts.logLevel ? ['--log-level', opts.logLevel] : [];
  const child = spawnTracked(...wrangler(['dev', '--ip', '127.0.0.1', '--port', String(port), '--show-interactive-dev-session=false', ...logLevel, ...persist, ...vars, ...(opts.args ?? [])]), {
    stdio: opts.quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    env,
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
    killGroup(child);
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
