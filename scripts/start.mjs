// npm start: build the web assets, start Parley on http://127.0.0.1:8787 (or $PORT) with the demo workspace.
// Quiet by default: the logins and URLs stay readable. `npm start -- --verbose` (or PARLEY_VERBOSE=1)
// shows the build and wrangler's request log.
//
// Stopping it (Ctrl+C, SIGTERM) at any moment — building, migrating, waiting, seeding or serving — ends
// every process it started: the handlers are installed before anything starts, and wrangler (which runs
// in a process group of its own so it can be stopped with its workerd) is ended by us, not by the terminal.
import { readFileSync } from 'node:fs';
import { PortInUseError, portFree, portInUse, runTracked, startServer, stopAll } from './local-server.mjs';

const verbose = process.argv.includes('--verbose') || process.env.PARLEY_VERBOSE === '1';
// `--no-build`: the assets in dist/ are current (a restart, the start tests).
const build = !process.argv.includes('--no-build');
let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  stopAll();
  // Give the groups a moment to go, then make sure.
  setTimeout(() => {
    stopAll('SIGKILL');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  }, 1500);
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGHUP', () => shutdown('SIGTERM'));

const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`PORT must be a port number (1–65535), not "${process.env.PORT}".`);
  process.exit(2);
}

// Before the build, so a taken port says so at once (startServer checks again right before wrangler starts).
if (!(await portFree(port, 0))) {
  console.error(`  Parley did not start: ${portInUse(port)}`);
  process.exit(1);
}

if (build) {
  console.log('  Building the agent app and the widget…');
  const built = await runTracked('npm', ['run', 'build', '--silent']);
  if (stopping) await new Promise(() => {});
  if (built.code !== 0) {
    console.error(built.output);
    console.error('  The build failed (above).');
    process.exit(built.code || 1);
  }
  if (verbose) console.log(built.output);
}

console.log(`  Starting the local Cloudflare runtime (D1, Durable Objects, Queues, R2) on port ${port}…`);
console.log(`  ${bindingsSummary()}`);
let server;
try {
  server = await startServer({ port, seed: true, logLevel: verbose ? 'info' : 'warn' });
} catch (err) {
  if (stopping) await new Promise(() => {});
  console.error(`\n  Parley did not start: ${err instanceof PortInUseError ? err.message : err instanceof Error ? err.message : String(err)}`);
  stopAll();
  process.exit(1);
}
if (stopping) await new Promise(() => {});
const { origin, seed } = server;
console.log(`
  Parley is running at ${origin}
  ${seed.created ? 'Seeded' : 'Using'} the demo workspace "Casa Azul Rentals":
${seed.logins.map((l) => `    ${l.role.padEnd(8)} ${l.email.padEnd(22)} password: ${l.password}`).join('\n')}
  Agent app:     ${origin}/
  Widget demo:   ${origin}/demo   (chat as a visitor; answer in the agent app or through the API)
  API reference: ${origin}/api/docs
  ${verbose ? 'Request log on.' : 'Request log off (npm start -- --verbose turns it on).'} Ctrl+C stops everything.
`);
server.child.on('exit', (code) => {
  if (stopping) return;
  console.error(`  The local runtime stopped (exit ${code ?? 'signal'}).`);
  process.exit(code ?? 1);
});

/** One line instead of wrangler's table (printed on every reload): what runs, all of it local. */
function bindingsSummary() {
  const toml = readFileSync(new URL('../wrangler.toml', import.meta.url), 'utf8');
  const count = (section) => toml.split('\n').filter((l) => l.trim() === `[[${section}]]`).length;
  const parts = [
    [count('d1_databases'), 'D1 database'],
    [count('durable_objects.bindings'), 'Durable Object classes'],
    [count('queues.producers'), 'queues'],
    [count('workflows'), 'workflows'],
    [count('r2_buckets'), 'R2 bucket'],
  ].filter(([n]) => n > 0);
  return `Bindings, all local: ${parts.map(([n, what]) => `${n} ${what}`).join(', ')}.`;
}
