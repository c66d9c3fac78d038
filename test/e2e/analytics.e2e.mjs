// Browser end-to-end tests of the analytics dashboard (issue 14), against a real local server (port
// 8832) with the demo seed (100 conversations whose facts the event stream folded) and Debian's
// Chromium. Build first: `npm run build`, then
//   node_modules/.bin/node test/e2e/analytics.e2e.mjs
// The manager opens the page from the navigation; the figures agree with the API and with each
// other; a range change and a channel filter send new requests and change the figures; a chart turns
// into its data table; the CSV downloads with the page's filters; the keyboard reaches and works the
// controls; staff (Sam) see only their and their teams' figures; axe is clean light and dark, wide
// and narrow, and the screenshots are kept.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { agentContext, apiClient, eventually, expectAxeClean, screenshot, useHarness, watchErrors } from './harness.mjs';

const MANAGER = 'manager@parley.test';
const STAFF = 'sam@parley.test';
const PATH = '/inbox/messaging/analytics';

let h;
let manager;
let sam;
useHarness(8832, async (harness) => {
  h = harness;
  manager = await apiClient(h.origin, MANAGER);
  sam = await apiClient(h.origin, STAFF);
});

/** The browser's local date, as the page computes it (the test and Chromium share the machine's zone). */
const localDate = (at) => {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
const addDays = (date, n) => new Date(Date.parse(`${date}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const TZ = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** A figure card's value (`dt` label → its first `dd`) as a number. */
async function figure(page, label) {
  const card = page.locator('.an-card').filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) });
  const text = await card.locator('.an-value').innerText();
  return Number(text.replace(/[^\d.]/g, ''));
}

/** Waits for the next analytics request to `path` and returns its query. */
function nextRequest(page, path) {
  return page.waitForRequest((r) => r.url().includes(`/api/analytics/${path}?`)).then((r) => new URL(r.url()).searchParams);
}

async function ready(page) {
  await page.getByRole('heading', { level: 1, name: 'Analytics' }).waitFor();
  await page.locator('.an-card .an-value').first().waitFor();
  await eventually(async () => (await page.locator('[aria-busy="true"]').count()) === 0, 'every figure and chart to load');
}

describe('analytics dashboard', () => {
  test('manager: figures, range, filter, chart table, CSV, keyboard, axe and screenshots', async () => {
    const ctx = await agentContext(h.browser, h.origin, MANAGER);
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto('/inbox');
    // Reached from the navigation, beside the other supervisor pages.
    const first = nextRequest(page, 'overview');
    await page.getByRole('link', { name: 'Analytics' }).click();
    await ready(page);
    const q0 = await first;
    const today = localDate(Date.now());
    assert.equal(q0.get('tz'), TZ);

    // Default: the last 7 days. The page shows what the API answers for the same query, and it is not empty.
    // The demo's live guests keep writing in, and facts follow the event stream a moment later: compare
    // page and API once they agree on a settled state (reloading the page between tries).
    let seven;
    await eventually(async () => {
      seven = await manager.call(`/analytics/overview?from=${addDays(today, -6)}&to=${today}&tz=${encodeURIComponent(TZ)}`);
      const todays = await manager.call(`/analytics/overview?from=${today}&to=${today}&tz=${encodeURIComponent(TZ)}`);
      const same =
        (await figure(page, 'Conversations created')) === seven.conversations.created &&
        (await figure(page, 'Conversations resolved')) === seven.conversations.resolved &&
        (await figure(page, 'New today')) === todays.conversations.created;
      if (!same) {
        await page.reload();
        await ready(page);
      }
      return same;
    }, 'the page’s figures to equal the API’s', 30_000);
    assert.ok(seven.conversations.created > 0, 'the demo seed has facts in the last 7 days');
    const counts = await manager.call('/conversations/counts?list=true');
    assert.equal(await figure(page, 'Active now'), counts.list.open);
    assert.equal(await figure(page, 'Backlog'), counts.list.open + counts.list.pending);
    // Every delta says in words how it moved, not by colour alone.
    const said = await page.locator('.an-delta .sr-only').allInnerTexts();
    assert.ok(said.length >= 10 && said.every((s) => /previous period/.test(s)), JSON.stringify(said));
    // The agents table lists the API's agents.
    const agents = await manager.call(`/analytics/agents?from=${addDays(today, -6)}&to=${today}&tz=${encodeURIComponent(TZ)}`);
    assert.equal(await page.locator('.an-agents tbody tr').count(), agents.items.length);
    assert.equal(await page.getByText('No CSAT responses yet').count(), 1, 'the demo has no CSAT answers: the empty state shows');

    await expectAxeClean(page, 'analytics (light, 1440)');
    await screenshot(page, 'analytics-desktop-light');
    await page.locator('figure[data-chart="an-volume-chart"]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await screenshot(page, 'analytics-desktop-light-charts');
    await page.locator('#an-agents-title').scrollIntoViewIfNeeded();
    await screenshot(page, 'analytics-desktop-light-agents');

    // The range: 30 days asks the API for 30 days (and the 30 before), and the figures grow.
    const thirty = nextRequest(page, 'overview');
    await page.getByRole('button', { name: 'Last 30 days' }).click();
    const q30 = await thirty;
    assert.equal(q30.get('from'), addDays(today, -29));
    assert.equal(q30.get('to'), today);
    await ready(page);
    const month = await manager.call(`/analytics/overview?from=${addDays(today, -29)}&to=${today}&tz=${encodeURIComponent(TZ)}`);
    assert.ok(month.conversations.created > seven.conversations.created, 'the seed spreads conversations over more than a week');
    await eventually(async () => (await figure(page, 'Conversations created')) === month.conversations.created, 'the 30-day figure');
    assert.equal(await page.getByRole('button', { name: 'Last 30 days' }).getAttribute('aria-pressed'), 'true');

    // A custom range with the native date inputs.
    await page.getByRole('button', { name: 'Custom' }).click();
    const custom = nextRequest(page, 'overview');
    await page.getByLabel('From').fill(addDays(today, -2));
    assert.equal((await custom).get('from'), addDays(today, -2));
    await ready(page);
    // Back to 30 days: wait for its request, or the filter's nextRequest below could catch this one instead.
    const back = nextRequest(page, 'overview');
    await page.getByRole('button', { name: 'Last 30 days' }).click();
    await back;
    await ready(page);

    // A filter: e-mail only.
    const filtered = nextRequest(page, 'overview');
    await page.locator('select[name="channel"]').selectOption('email');
    assert.equal((await filtered).get('channel'), 'email');
    await ready(page);
    const email = await manager.call(`/analytics/overview?from=${addDays(today, -29)}&to=${today}&tz=${encodeURIComponent(TZ)}&channel=email`);
    assert.ok(email.conversations.created > 0 && email.conversations.created < month.conversations.created);
    await eventually(async () => (await figure(page, 'Conversations created')) === email.conversations.created, 'the e-mail figure');
    assert.match(page.url(), /channel=email/);

    // A chart as its data table: the created column adds up to the created figure.
    const volume = page.locator('figure[data-chart="an-volume-chart"]');
    await volume.getByRole('button', { name: 'Show as table' }).click();
    // The table replaces the chart in the render after the click: wait for it before reading its cells.
    await eventually(async () => (await volume.getByRole('button', { name: 'Show as table' }).getAttribute('aria-pressed')) === 'true', 'the volume chart shown as a table');
    const createdCells = await volume.locator('tbody tr td:nth-child(2)').allInnerTexts();
    assert.equal(createdCells.length, 30);
    assert.equal(createdCells.reduce((s, t) => s + Number(t), 0), email.conversations.created);
    // The SVG charts carry a name and a description.
    const svg = page.locator('figure[data-chart="an-channel-chart"] svg');
    assert.equal(await svg.getAttribute('role'), 'img');
    assert.match(await svg.getAttribute('aria-labelledby'), /an-channel-chart-title an-channel-chart-desc/);

    // The CSV carries the same filters and range, and has one row per conversation created.
    const link = page.getByRole('link', { name: 'Conversations (CSV)' });
    const href = new URL(await link.getAttribute('href'), h.origin).searchParams;
    assert.equal(href.get('channel'), 'email');
    assert.equal(href.get('from'), addDays(today, -29));
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const csv = readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
    assert.match(csv[0], /^conversation_id,channel,/);
    assert.equal(csv.length - 1, email.conversations.created);
    assert.ok(csv.slice(1).every((l) => l.split(',')[1] === 'email'));
    const res = await ctx.request.get(`${h.origin}${await link.getAttribute('href')}`);
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-type'], /^text\/csv/);

    // Keyboard: Tab walks from the period buttons to a chart's toggle; Space and Enter work them.
    // Every chart reloads for the cleared filter (from an effect, a frame later): wait for its request, then the
    // loads, or the Tab walk could pass a chart while it is a placeholder without its "Show as table".
    const cleared = nextRequest(page, 'overview');
    await page.locator('select[name="channel"]').selectOption('');
    await cleared;
    await ready(page);
    await page.getByRole('button', { name: 'Last 7 days' }).focus();
    const reached = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const name = await page.evaluate(() => `${document.activeElement?.tagName}:${document.activeElement?.getAttribute('name') || document.activeElement?.getAttribute('role') || document.activeElement?.textContent?.trim() || ''}`);
      reached.push(name);
      if (name === 'BUTTON:Show as table') break;
    }
    assert.equal(reached.at(-1), 'BUTTON:Show as table', reached.join(' → '));
    for (const want of ['SELECT:channel', 'SELECT:inboxId', 'SELECT:teamId', 'SELECT:agentId', 'INPUT:switch']) assert.ok(reached.includes(want), `${want} in ${reached.join(' → ')}`);
    await page.keyboard.press('Space');
    await page.locator('figure[data-chart="an-frt-chart"] table').waitFor();
    await page.locator('figure[data-chart="an-frt-chart"]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await screenshot(page, 'analytics-desktop-light-table');
    // Sorting the agents table by keyboard.
    const sortBy = page.locator('.an-agents th').filter({ hasText: 'Agent' }).first();
    await sortBy.getByRole('button').focus();
    await page.keyboard.press('Enter');
    await eventually(async () => (await sortBy.getAttribute('aria-sort')) === 'ascending', 'the agents sorted by name, ascending');
    const names = await page.locator('.an-agents tbody th').allInnerTexts();
    assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
    await page.keyboard.press('Enter');
    await eventually(async () => (await sortBy.getAttribute('aria-sort')) === 'descending', 'the agents sorted by name, descending');
    assert.deepEqual(await page.locator('.an-agents tbody th').allInnerTexts(), [...names].reverse());
    // Business hours: the first-response series is asked for again with hours=business.
    const bh = page.waitForRequest((r) => r.url().includes('/api/analytics/timeseries?') && r.url().includes('hours=business'));
    await page.getByRole('switch', { name: 'Business hours only' }).press('Space');
    await bh;
    await ready(page);
    await expectAxeClean(page, 'analytics (tables open, light)');

    // A failed request shows its error with Retry, and Retry loads it.
    await page.route('**/api/analytics/agents?*', (route) => route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ title: 'Service unavailable', status: 503 }) }));
    await page.getByRole('button', { name: 'Last 90 days' }).click();
    const failed = page.getByRole('alert').filter({ hasText: 'Could not load the agents' });
    await failed.waitFor();
    await expectAxeClean(page, 'analytics with an error');
    await page.unroute('**/api/analytics/agents?*');
    await failed.getByRole('button', { name: 'Retry' }).click();
    await page.locator('.an-agents tbody tr').first().waitFor();
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  for (const [scheme, w, hgt, name] of [
    ['dark', 1440, 900, 'analytics-desktop-dark'],
    ['light', 390, 844, 'analytics-phone-light'],
    ['dark', 390, 844, 'analytics-phone-dark'],
  ]) {
    test(`${name}: axe clean and a screenshot`, async () => {
      const ctx = await agentContext(h.browser, h.origin, MANAGER, { viewport: { width: w, height: hgt }, colorScheme: scheme });
      const page = await ctx.newPage();
      const errors = watchErrors(page);
      await page.goto(PATH);
      await ready(page);
      await expectAxeClean(page, name);
      await screenshot(page, name);
      await page.locator('figure[data-chart="an-volume-chart"]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await screenshot(page, `${name}-charts`);
      await page.locator('figure[data-chart="an-peaks-chart"]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await screenshot(page, `${name}-peaks`);
      await page.locator('#an-agents-title').scrollIntoViewIfNeeded();
      await screenshot(page, `${name}-agents`);
      // No horizontal overflow of the page on a phone (tables scroll inside their own box).
      const overflow = await page.evaluate(() => document.querySelector('.mx-page').scrollWidth - document.querySelector('.mx-page').clientWidth);
      assert.ok(overflow <= 1, `the page overflows sideways by ${overflow}px`);
      assert.deepEqual(errors, []);
      await ctx.close();
    });
  }

  test('staff see only their own and their teams’ figures', async () => {
    const today = localDate(Date.now());
    const range = `from=${addDays(today, -29)}&to=${today}&tz=${encodeURIComponent(TZ)}`;
    const mine = await sam.call(`/analytics/overview?${range}`);
    const all = await manager.call(`/analytics/overview?${range}`);
    assert.ok(mine.conversations.created > 0 && mine.conversations.created < all.conversations.created, `staff ${mine.conversations.created} vs all ${all.conversations.created}`);
    const ctx = await agentContext(h.browser, h.origin, STAFF);
    const page = await ctx.newPage();
    await page.goto(`${PATH}?range=30d`);
    await ready(page);
    assert.equal(await figure(page, 'Conversations created'), mine.conversations.created);
    const agents = await sam.call(`/analytics/agents?${range}`);
    const rows = await page.locator('.an-agents tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-agent')));
    assert.deepEqual(rows.sort(), agents.items.map((a) => a.agentId ?? '').sort());
    await expectAxeClean(page, 'analytics as staff');
    await ctx.close();
  });
});
