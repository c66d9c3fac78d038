// npm start's promises (issue 16, "quiet, truthful start"): a start that finds its port taken says so
// and exits instead of using whatever listens there; a stop at any moment of the start ends every
// process it started (wrangler runs in a process group of its own, which the terminal's Ctrl+C does
// not reach). Local only, on a port of its own.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { test } from 'node:test';

const PORT = Number(process.env.START_TEST_PORT ?? 8807);
const NODE = process.execPath;

function start(args = []) {
  const child = spawn(NODE, ['scripts/start.mjs', '--no-build', ...args], { env: { ...process.env, PORT: String(PORT) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => out, exited };
}

async function until(fn, ms, what) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out: ${what}`);
}

const listening = () =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(true));
    probe.listen(PORT, '127.0.0.1', () => probe.close(() => resolve(false)));
  });

/** Processes still running with our port on their command line (wrangler dev, its workerd). */
function leftovers() {
  try {
    return execFileSync('pgrep', ['-f', `port ${PORT}|127.0.0.1:${PORT}`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

test('a taken port: says so and exits 1, without starting anything', async () => {
  const blocker = createServer().listen(PORT, '127.0.0.1');
  await new Promise((r) => blocker.once('listening', r));
  try {
    const s = start();
    const { code } = await s.exited;
    assert.equal(code, 1);
    assert.match(s.output(), new RegExp(`port ${PORT} is already in use`));
    assert.deepEqual(leftovers(), []);
  } finally {
    blocker.close();
  }
});

test('SIGTERM while the runtime is starting ends every process it started', async () => {
  const s = start();
  try {
    await until(() => s.output().includes('Starting the local'), 30_000, 'the start to reach wrangler');
    // Wrangler is up or coming up: stop now, before the server answers or the seed runs.
    await until(() => leftovers().length > 0, 90_000, 'wrangler to be running');
    s.child.kill('SIGTERM');
    const { code, signal } = await s.exited;
    assert.ok(code === 143 || signal === 'SIGTERM', `exit ${code} ${signal}`);
    await until(async () => leftovers().length === 0 && !(await listening()), 10_000, `no process left on port ${PORT}: ${leftovers().join(', ')}`);
  } finally {
    // A failed wait must not leave the start running (and the test runner waiting on it): stop it the
    // way a user would, then for good.
    if (s.child.exitCode === null && s.child.signalCode === null) {
      s.child.kill('SIGTERM');
      await Promise.race([s.exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    }
  }
});
