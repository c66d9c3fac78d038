// Browser end-to-end test of saved views and the new list filters (issue 16), against a real local
// server (port 8851) with the demo seed. Build first: `npx vite build`, then
//   node_modules/.bin/node test/e2e/views.e2e.mjs
// Maria ticks two statuses and two channels in the filter panel (with the keyboard), picks "last 30
// days" on the last message, and sees the rows the API gives for that query. She saves it as a view;
// after a reload the sidebar still lists it, opening it shows the same rows under its name. A custom
// day range narrows the list. A countable view shows its count in the sidebar, equal to the list's.
// The manage dialog renames it. Axe clean; screenshots at 1440x900 and 390x844, light and dark.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { join } from 'node:path';
import { agentContext, apiClient, eventually, expectAxeClean, nonce, SCREENSHOTS, useHarness, watchErrors } from './harness.mjs';

const MANAGER = 'manager@parley.test';
const LABEL = { whatsapp: 'WhatsApp', sms: 'SMS', email: 'Email', webchat: 'Web chat' };
const DAY = 86_400_000;

/** A screenshot with CSS animations finished at once (the popover's fade-in must not show half-transparent). */
async function still(page, name) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), animations: 'disabled' });
}

let h;
let maria;
useHarness(8851, async (harness) => {
  h = harness;
  maria = await apiClient(h.origin, MANAGER);
});

/** Two seeded channels with open or pending conversations. */
async function twoChannels() {
  const page = await maria.call('/conversations?status=open,pending&limit=200');
  const busy = Object.keys(LABEL).filter((ch) => page.items.some((i) => i.channel === ch));
  assert.ok(busy.length >= 2, `the demo seed has open conversations on two of ${Object.keys(LABEL).join(', ')}`);
  return busy.slice(0, 2);
}

/** The ids the list shows first (rendered rows, top down). */
async function shownIds(page, n) {
  return (await page.locator('.row[data-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).slice(0, n);
}

/** The list shows what the API answers for `query` (first rows; live guests may write meanwhile, so retried). */
async function expectRows(page, query, what) {
  let last = '';
  await eventually(async () => {
    const api = (await maria.call(`/conversations?${query}&limit=20`)).items.map((i) => i.id);
    const shown = await shownIds(page, Math.min(api.length, 8));
    last = `api ${api.slice(0, 8).join(',')} shown ${shown.join(',')}`;
    return api.length > 0 && shown.length === Math.min(api.length, 8) && shown.every((id, i) => id === api[i]);
  }, `${what}: ${last}`, 20_000);
}

describe('saved views and filters', () => {
  test('multi-select and time filters, save a view, reload, open it, count it, rename it', async () => {
    const [chA, chB] = await twoChannels();
    const name = `Busy chats ${nonce()}`;
    const ctx = await agentContext(h.browser, h.origin, MANAGER);
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto('/inbox');
    await page.locator('.row[data-id]').first().waitFor();

    // Filters with the keyboard: Space ticks a checkbox.
    await page.getByRole('button', { name: /^Filters/ }).click();
    const panel = page.getByRole('form', { name: 'Filters' });
    const status = panel.getByRole('group', { name: 'Status' });
    await status.getByRole('checkbox', { name: 'Pending' }).focus();
    await page.keyboard.press('Space');
    await page.waitForURL(/status=open%2Cpending|status=open,pending/);
    const channels = panel.getByRole('group', { name: 'Channel' });
    for (const ch of [chA, chB]) {
      await channels.getByRole('checkbox', { name: LABEL[ch], exact: true }).focus();
      await page.keyboard.press('Space');
      await page.waitForURL(new RegExp(`channel=[^&]*${ch}`));
    }
    await panel.getByRole('combobox', { name: 'When' }).selectOption('30d');
    await panel.getByRole('combobox', { name: 'Counted on' }).selectOption('activity');
    await page.waitForURL(/on=activity/);
    await expectAxeClean(page, 'filter panel');
    await still(page, 'views-filters-1440-light');
    await page.keyboard.press('Escape');
    const since = Date.now() - 30 * DAY;
    const query = `status=open,pending&channel=${chA},${chB}&activityAfter=${since}`;
    await expectRows(page, query, 'the multi-select and time filter');
    // The status tabs show the chosen set as one tab.
    await page.getByRole('navigation', { name: 'Status' }).getByRole('link', { name: /Open or Pending/ }).waitFor();

    // Save it.
    await page.getByRole('button', { name: 'Save this list as a view' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save view' });
    await dialog.getByText(new RegExp(`^(${LABEL[chA]} or ${LABEL[chB]}|${LABEL[chB]} or ${LABEL[chA]})$`)).waitFor();
    await dialog.getByRole('textbox', { name: 'Name' }).fill(name);
    await expectAxeClean(page, 'save view dialog');
    await still(page, 'views-save-dialog-1440-light');
    await dialog.getByRole('button', { name: 'Save view' }).click();
    await page.getByText(`Saved the view “${name}”`).waitFor();
    await page.waitForURL(/view=view_/);
    const saved = (await maria.call('/views')).items.find((v) => v.name === name);
    assert.ok(saved, 'the server keeps the view');
    assert.deepEqual(saved.filters.status, ['open', 'pending']);
    assert.deepEqual([...saved.filters.channels].sort(), [chA, chB].sort());
    assert.deepEqual(saved.filters.time, { on: 'activity', range: '30d' });

    // Reload somewhere else: the sidebar still lists it; opening it shows its rows under its name.
    await page.goto('/inbox/mine');
    const link = page.getByRole('navigation', { name: 'Inbox views' }).getByRole('link', { name });
    await link.click();
    await page.waitForURL(new RegExp(`view=${saved.id}`));
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await expectRows(page, `status=open,pending&channel=${chA},${chB}&activityAfter=${Date.now() - 30 * DAY}`, 'the opened saved view');
    assert.equal(await link.getAttribute('aria-current'), 'page');

    // Changing a filter marks the view edited; a custom day range narrows the list to those days.
    const today = new Date();
    const day = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    const from = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 2);
    await page.getByRole('button', { name: /^Filters/ }).click();
    await panel.getByRole('combobox', { name: 'When' }).selectOption('custom');
    await panel.getByLabel('From').fill(day(from));
    await page.waitForURL(/from=\d{4}-\d{2}-\d{2}/);
    await page.keyboard.press('Escape');
    await page.getByText('Edited', { exact: true }).waitFor();
    await expectRows(page, `status=open,pending&channel=${chA},${chB}&activityAfter=${from.getTime()}`, 'the custom range');
    await page.getByRole('button', { name: /Remove filter Last message/ }).waitFor();

    // A countable view (channel and status only) shows its count, equal to the list's own.
    const countable = await maria.call('/views', { json: { name: `Only ${LABEL[chA]} ${nonce()}`, filters: { status: ['open', 'pending'], channels: [chA] } } });
    await page.reload();
    const countLink = page.getByRole('navigation', { name: 'Inbox views' }).getByRole('link', { name: new RegExp(`^${countable.name}`) });
    await eventually(async () => {
      const { counts } = await maria.call(`/conversations?channel=${chA}&limit=1`);
      const expected = counts.open + counts.pending;
      const shown = await countLink.locator('.nav-count').textContent().catch(() => null);
      return shown !== null && Number(shown) === expected;
    }, 'the saved view count');

    // Manage: rename from the dialog.
    await page.getByRole('button', { name: 'Manage', exact: true }).click();
    const manage = page.getByRole('dialog', { name: 'Manage views' });
    const nameInput = manage.getByRole('textbox', { name: `Name of the view ${name}` });
    await nameInput.fill(`${name} renamed`);
    await page.keyboard.press('Enter');
    await eventually(async () => (await maria.call('/views')).items.some((v) => v.id === saved.id && v.name === `${name} renamed`), 'the rename');
    await expectAxeClean(page, 'manage views dialog');
    await still(page, 'views-manage-1440-light');
    await manage.getByRole('button', { name: 'Done' }).click();
    assert.deepEqual(errors, []);
    await ctx.close();

    // Screens: wide and phone, light and dark.
    for (const scheme of ['light', 'dark']) {
      for (const [w, hgt] of [
        [1440, 900],
        [390, 844],
      ]) {
        const c = await agentContext(h.browser, h.origin, MANAGER, { colorScheme: scheme, viewport: { width: w, height: hgt } });
        const p = await c.newPage();
        const errs = watchErrors(p);
        await p.goto(`/inbox?status=open,pending&channel=${chA},${chB}&time=30d&on=activity&view=${saved.id}`);
        await p.locator('.row[data-id]').first().waitFor();
        if (w < 600) {
          await p.getByRole('button', { name: 'Open navigation' }).click();
          await p.getByRole('navigation', { name: 'Inbox views' }).getByRole('link', { name: `${name} renamed` }).waitFor();
          await p.getByRole('heading', { name: 'Views', exact: true }).scrollIntoViewIfNeeded();
          await expectAxeClean(p, `phone nav (${scheme})`);
          await still(p, `views-nav-390-${scheme}`);
          await p.getByRole('navigation', { name: 'Inbox views' }).getByRole('link', { name: `${name} renamed` }).click();
          await p.getByRole('heading', { level: 1, name: `${name} renamed` }).waitFor();
          await still(p, `views-list-390-${scheme}`);
          await p.getByRole('button', { name: /^Filters/ }).click();
          await p.getByRole('form', { name: 'Filters' }).waitFor();
          await expectAxeClean(p, `phone filters (${scheme})`);
          await still(p, `views-filters-390-${scheme}`);
        } else {
          await p.getByRole('heading', { level: 1, name: `${name} renamed` }).waitFor();
          await expectAxeClean(p, `saved view list (${scheme})`);
          await still(p, `views-list-1440-${scheme}`);
          await p.getByRole('button', { name: /^Filters/ }).click();
          await p.getByRole('form', { name: 'Filters' }).waitFor();
          await still(p, `views-filters-1440-${scheme}`);
        }
        assert.deepEqual(errs, []);
        await c.close();
      }
    }
  });
});
