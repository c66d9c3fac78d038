// Browser end-to-end test of the inbox actions (issue 16, missing surfaces), against a real local server
// (port 8848) with the demo seed. Build first: `npx vite build`, then
//   node_modules/.bin/node test/e2e/inbox-actions.e2e.mjs
// Maria marks a conversation unread from the thread menu: the server keeps it, so a second browser
// (her other device) shows the row unread after loading. She archives another from the menu: it shows
// in the Archived view. The shortcuts sheet names the platform's modifier. She deletes a third after
// confirming in the dialog, and Sam's open list drops it live. Axe clean; screenshots light and dark.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { agentContext, apiClient, eventually, expectAxeClean, screenshot, useHarness, watchErrors } from './harness.mjs';

const MANAGER = 'manager@parley.test';
const SAM = 'sam@parley.test';

let h;
let maria;
let sam;
useHarness(8848, async (harness) => {
  h = harness;
  maria = await apiClient(h.origin, MANAGER);
  sam = await apiClient(h.origin, SAM);
});

/** Open conversations with a customer message, Sam can see them too. */
async function pick(n) {
  const mine = (await sam.call('/conversations?status=open&limit=50')).items.filter((c) => c.lastCustomerSeq > 0 || c.lastMessagePreview);
  assert.ok(mine.length >= n, 'the demo seed has enough open conversations Sam can see');
  return mine.slice(0, n);
}

async function openMenu(page) {
  await page.getByRole('button', { name: 'More actions' }).click();
  return page.getByRole('menu', { name: 'More actions' });
}

describe('inbox actions', () => {
  test('mark unread on the server, archive, shortcuts sheet, delete with live removal', async () => {
    const [forUnread, forArchive, forDelete] = await pick(3);

    for (const scheme of ['light', 'dark']) {
      const ctx = await agentContext(h.browser, h.origin, MANAGER, { colorScheme: scheme });
      const page = await ctx.newPage();
      const errors = watchErrors(page);
      await page.goto(`/inbox/conversations/${forUnread.id}`);
      await (await openMenu(page)).getByRole('menuitem', { name: 'Archive' }).waitFor();
      await expectAxeClean(page, `thread menu (${scheme})`);
      await screenshot(page, `inbox-actions-menu-1440-${scheme}`);
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+/');
      const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await sheet.waitFor();
      const text = await sheet.innerText();
      assert.match(text, /Ctrl \[/);
      assert.match(text, /Resolve · Archive/);
      await expectAxeClean(page, `shortcuts sheet (${scheme})`);
      await screenshot(page, `inbox-actions-shortcuts-1440-${scheme}`);
      assert.deepEqual(errors, []);
      await ctx.close();
    }

    // Mark unread: kept on the server, shown on another device.
    const ctx = await agentContext(h.browser, h.origin, MANAGER);
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    // Opened above, it reads as read already, so the wait below would pass before this page's own read (sent
    // 400 ms after the thread loads) lands, and that read could then undo the menu's Mark unread. Unread first.
    assert.ok((await maria.call(`/conversations/${forUnread.id}/unread`, { method: 'POST' })).unread >= 1, 'a customer message to be unread');
    await page.goto(`/inbox/conversations/${forUnread.id}`);
    await eventually(async () => (await maria.call(`/conversations/${forUnread.id}`)).unreadCount === 0, 'the open thread to be read');
    await (await openMenu(page)).getByRole('menuitem', { name: 'Mark unread' }).click();
    await page.getByText('Marked unread').waitFor();
    await eventually(async () => (await maria.call(`/conversations/${forUnread.id}`)).unreadCount >= 1, 'the server to keep it unread');
    const other = await agentContext(h.browser, h.origin, MANAGER);
    const otherPage = await other.newPage();
    await otherPage.goto('/inbox/unread?status=all');
    await otherPage.locator(`.row.unread[data-id="${forUnread.id}"]`).waitFor();
    await other.close();

    // Archive from the menu; the Archived view lists it.
    await page.goto(`/inbox/conversations/${forArchive.id}`);
    await (await openMenu(page)).getByRole('menuitem', { name: 'Archive' }).click();
    await page.getByText('Conversation archived').waitFor();
    await page.goto('/inbox/archived?status=all');
    await page.locator(`.row[data-id="${forArchive.id}"]`).waitFor();
    await screenshot(page, 'inbox-actions-archived-1440-light');

    // Delete after confirming; Sam's open list drops it live.
    const samCtx = await agentContext(h.browser, h.origin, SAM);
    const samPage = await samCtx.newPage();
    await samPage.goto('/inbox?status=all');
    const samRow = samPage.locator(`.row[data-id="${forDelete.id}"]`);
    await samRow.waitFor();
    await page.goto(`/inbox/conversations/${forDelete.id}`);
    await (await openMenu(page)).getByRole('menuitem', { name: 'Delete conversation…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete conversation' });
    await dialog.waitFor();
    await expectAxeClean(page, 'delete dialog');
    await screenshot(page, 'inbox-actions-delete-1440-light');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Conversation deleted').waitFor();
    await samRow.waitFor({ state: 'detached' });
    await assert.rejects(maria.call(`/conversations/${forDelete.id}`), /404/);
    assert.deepEqual(errors, []);
    await samCtx.close();
    await ctx.close();
  });
});
