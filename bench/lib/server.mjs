// The local server for a benchmark run: scripts/local-server.mjs on a private port and data directory,
// serving a snapshot of the code taken when the run starts (wrangler dev reloads on every file change,
// and other people edit the tree while a run is going), with a stop that waits until wrangler and
// workerd are gone (so D1 files can be loaded or deleted).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { startServer } from '../../scripts/local-server.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
// Not needed to serve the app; .dev.vars is left out so the snapshot writes its own fresh secrets.
const SKIP = new Set(['node_modules', '.git', '.wrangler', '.dev.vars', '.parley-dev.json', '.ci', 'bench', 'test', 'coverage']);

/**
 * Copy what wrangler dev needs into `dir` (node_modules linked): the working tree, or with `ref` a
 * committed version (git archive) plus the working tree's built assets (dist/ is not committed).
 */
export function snapshot(dir, ref = null) {
  if (ref) {
    const tar = execFileSync('git', ['archive', '--format=tar', ref], { cwd: ROOT, maxBuffer: 512 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    if (existsSync(join(ROOT, 'dist'))) cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  } else {
    for (const entry of readdirSync(ROOT)) {
      if (SKIP.has(entry) || entry.endsWith('.log')) continue;
      cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
    }
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

function portInUse(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** Start wrangler dev serving `appDir` (a snapshot) with its state in `persistTo`; `vars` override wrangler.toml's (--var). */
export async function start({ port, persistTo, appDir, vars, args }) {
  if (await portInUse(port)) throw new Error(`port ${port} is already in use; pass --port to pick another`);
  // local-server.mjs runs wrangler (and writes .dev.vars) in the current directory.
  process.chdir(appDir);
  const server = await startServer({ port, persistTo, quiet: true, vars, args });
  let stopped = null;
  return {
    origin: server.origin,
    output: server.output,
    /** wrangler's pid, which is also the process group of wrangler and workerd (spawned detached). */
    pid: server.child.pid,
    /** Stop the server and wait (up to 15 s, then SIGKILL) until the process group has exited. */
    stop() {
      stopped ??= (async () => {
        const child = server.child;
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        server.stop();
        const timeout = new Promise((r) => setTimeout(() => r('timeout'), 15_000));
        if ((await Promise.race([exited, timeout])) === 'timeout') {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            child.kill('SIGKILL');
          }
          await exited;
        }
        // workerd is a grandchild: give it a moment to release the port and files.
        for (let i = 0; i < 40 && (await portInUse(port)); i++) await new Promise((r) => setTimeout(r, 250));
      })();
      return stopped;
    },
  };
}
