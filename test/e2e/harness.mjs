// Shared plumbing for the browser tests: the local server, Debian's Chromium through
// playwright-core, API calls from Node, axe-core checks and screenshots. Every wait is bounded.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, stopAll } from '../../scripts/local-server.mjs';

// A before hook that times out leaves startServer() running on: whatever it started (wrangler in a
// process group of its own) must still end with this process, or the next run finds its port taken.
process.once('exit', () => stopAll('SIGKILL'));

const root = fileURLToPath(new URL('../../', import.meta.url));
export const SCREENSHOTS = join(root, 'test/e2e/screenshots');
const AXE = join(root, 'node_modules/axe-core/axe.min.js');
export const PASSWORD = 'parley-demo';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];

/** Starts the server (fresh state, seeded) and Chromium; `close()` stops both and removes the temp dirs. */
export async function startHarness({ port = 8801 } = {}) {
  if (!existsSync(join(root, 'dist/index.html'))) throw new Error('dist/index.html is missing: build the app first (npm run build)');
  const stateDir = mkdtempSync(join(tmpdir(), 'parley-e2e-state-'));
  mkdirSync(SCREENSHOTS, { recursive: true });
  let server = null;
  let browser = null;
  const close = async () => {
    try {
      await browser?.close();
    } catch {
      // already gone
    }
    server?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    // E2E_ORIGIN reuses a server that is already running (for working on the tests themselves).
    server = process.env.E2E_ORIGIN
      ? { origin: process.env.E2E_ORIGIN, seed: await (await fetch(`${process.env.E2E_ORIGIN}/api/dev/seed`, { method: 'POST' })).json(), stop() {}, output: () => '' }
      : await startServer({ port, persistTo: stateDir, seed: true, quiet: true });
    // launch() gives Chromium a fresh temporary user-data dir of its own (removed on close); each agent
    // and the visitor then get an isolated context in it.
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 30_000 });
  } catch (err) {
    await close();
    throw err;
  }
  return { origin: server.origin, seed: server.seed, browser, close, serverOutput: () => server.output() };
}

/**
 * Registers the suite's before/after: the harness starts on `port` (E2E_PORT overrides it, for a port a
 * parallel run already uses), then `setup(h)` runs; after the suite both stop. Returns the harness getter.
 */
export function useHarness(port, setup = async () => {}) {
  let h = null;
  before(async () => {
    h = await startHarness({ port: Number(process.env.E2E_PORT ?? port) });
    await setup(h);
  }, { timeout: 300_000 });
  after(async () => {
    await h?.close();
  });
  return () => h;
}

/** Wait until fn() is truthy, polling; fails with `what` after `ms`. */
export async function eventually(fn, what, ms = 15_000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function assertNoSeriousViolations(violations, screen) {
  assert.deepEqual(violations, [], `axe found serious/critical violations on ${screen}:\n${JSON.stringify(violations, null, 2)}`);
}

/** Runs axe on the page and fails on serious or critical violations, naming the screen. */
export async function expectAxeClean(page, screen) {
  assertNoSeriousViolations(await axeViolations(page), screen);
}

/** A JSON API client from Node, authenticated as one demo user. */
export async function apiClient(origin, email) {
  const res = await fetch(`${origin}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
  if (!res.ok) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  const { token, user } = await res.json();
  const call = async (path, { method, json } = {}) => {
    const r = await fetch(`${origin}/api${path}`, {
      method: method ?? (json ? 'POST' : 'GET'),
      headers: { authorization: `Bearer ${token}`, ...(json ? { 'content-type': 'application/json' } : {}) },
      body: json ? JSON.stringify(json) : undefined,
    });
    const body = r.headers.get('content-type')?.includes('json') ? await r.json() : await r.text();
    if (!r.ok) throw new Error(`${method ?? 'GET'} ${path}: ${r.status} ${JSON.stringify(body)}`);
    return body;
  };
  return { token, user, call };
}

/** A browser context signed in as a demo user (through the API, which sets the session cookie). */
export async function agentContext(browser, origin, email, opts = {}) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: origin, ...opts });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const res = await context.request.post(`${origin}/api/auth/login`, { data: { email, password: PASSWORD } });
  if (!res.ok()) throw new Error(`login ${email} failed: ${res.status()}`);
  return context;
}

/** Collect page errors so a test can assert the app never threw. */
export function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

export async function screenshot(page, name) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** Runs axe-core on the page; returns the serious and critical violations. */
export async function axeViolations(page) {
  // Axe measures a settled screen: a list that is refetching is dimmed (aria-busy) and would read as low
  // contrast for those 100 ms, and a transition caught halfway has colours no one sees for long.
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), null, { timeout: 10_000 }).catch(() => {});
  await page.evaluate(() => document.getAnimations().forEach((a) => { try { a.finish(); } catch { /* infinite */ } }));
  // Evaluated through DevTools, not added as a <script>: the pages' CSP refuses inline scripts (as it should).
  await page.evaluate(readFileSync(AXE, 'utf8'));
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")} — ${n.html.slice(0, 120)} — ${(n.failureSummary ?? "").split("\n").slice(1, 2).join("")}`) }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function nonce() {
  return Math.random().toString(36).slice(2, 8);
}

/**
 * Wait until an activity line is visible, opening the thread's collapsed activity groups on the way
 * (consecutive system lines fold into one "N updates" row).
 */
export async function activityLine(page, locator, ms = 15_000) {
  await eventually(async () => {
    for (const b of await page.locator('.sys-toggle[aria-expanded="false"]').all()) await b.click().catch(() => {});
    return locator.first().isVisible();
  }, 'an activity line', ms);
  return locator.first();
}
