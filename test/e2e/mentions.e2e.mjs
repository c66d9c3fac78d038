// Browser end-to-end test of @mentions and notifications (issue 16, defect 6), against a real local
// server (port 8846) with the demo seed and Debian's Chromium. Build first: `npx vite build`, then
//   node_modules/.bin/node test/e2e/mentions.e2e.mjs
// Maria (manager) types @ in an internal note, picks Sam from the list (which also says who cannot see
// the conversation), and adds the note; Sam's open app gets the notification naming the customer, and
// his Mentions view lists it; Maria is not told about her own note. The preferences table saves on
// the server. Axe is clean and the screenshots are kept, light and dark, wide and narrow.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { agentContext, apiClient, eventually, expectAxeClean, screenshot, useHarness, watchErrors } from './harness.mjs';

const MANAGER = 'manager@parley.test';
const SAM = 'sam@parley.test';

let h;
let maria;
let sam;
useHarness(8846, async (harness) => {
  h = harness;
  maria = await apiClient(h.origin, MANAGER);
  sam = await apiClient(h.origin, SAM);
});

const contactLabel = (c) => c?.name?.trim() || c?.email || c?.phone || 'a customer';

/** A conversation Sam can see, and if there is one, a teammate who cannot see it (for the composer's warning). */
async function pickConversation() {
  const mine = await sam.call('/conversations?status=open&limit=50');
  let fallback = null;
  for (const c of mine.items) {
    const people = (await maria.call(`/conversations/${c.id}/mentionable`)).items;
    if (!people.find((p) => p.id === sam.user.id)?.canSee) continue;
    const hidden = people.find((p) => !p.canSee);
    if (hidden) return { conversation: c, hidden };
    fallback ??= { conversation: c, hidden: null };
  }
  assert.ok(fallback, 'the demo seed has an open conversation Sam can see');
  return fallback;
}

describe('mentions and notifications', () => {
  test('mention Sam in a note: he is told (naming the customer), his Mentions view lists it, Maria is not told', async () => {
    const { conversation, hidden } = await pickConversation();
    const detail = await maria.call(`/conversations/${conversation.id}`);
    const customer = contactLabel(detail.contact);

    const samCtx = await agentContext(h.browser, h.origin, SAM);
    const samPage = await samCtx.newPage();
    const samErrors = watchErrors(samPage);
    await samPage.goto('/inbox');
    await samPage.getByRole('link', { name: /^Mentions/ }).waitFor();

    for (const scheme of ['light', 'dark']) {
      const ctx = await agentContext(h.browser, h.origin, MANAGER, { colorScheme: scheme });
      const page = await ctx.newPage();
      const errors = watchErrors(page);
      await page.goto(`/inbox/conversations/${conversation.id}`);
      await page.getByRole('radio', { name: 'Internal note' }).click();
      const box = page.getByRole('textbox', { name: 'Internal note' });
      await box.focus();
      await box.pressSequentially('@Sa');
      const list = page.getByRole('listbox', { name: 'Mention a teammate' });
      await list.waitFor();
      await list.getByRole('option', { name: /Sam Staff/ }).waitFor();
      if (hidden && scheme === 'light') {
        // Someone who cannot see it is listed with the reason; picking them is said, not sent.
        await box.fill('');
        await box.pressSequentially(`@${hidden.name.split(' ')[0]}`);
        const option = list.getByRole('option', { name: new RegExp(hidden.name) });
        await option.waitFor();
        assert.match(await option.innerText(), /cannot see this conversation/);
        await page.keyboard.press('Enter');
        await page.getByText(`${hidden.name} cannot see this conversation, so they will not be notified`).waitFor();
        await box.fill('');
        await box.pressSequentially('@Sa');
        await list.waitFor();
      }
      await expectAxeClean(page, `composer mention picker (${scheme})`);
      await screenshot(page, `mentions-composer-1440-${scheme}`);
      if (scheme === 'dark') {
        await page.keyboard.press('Escape');
        await ctx.close();
        assert.deepEqual(errors, []);
        continue;
      }
      // Keyboard: Enter picks the highlighted person.
      await page.keyboard.press('Enter');
      await eventually(async () => /@Sam Staff $/.test(await box.inputValue()), 'the picked name in the note');
      await box.pressSequentially('can you call them back about the key?');
      const sent = page.waitForResponse((r) => r.url().endsWith(`/api/conversations/${conversation.id}/messages`) && r.request().method() === 'POST');
      await page.keyboard.press('Control+Enter');
      const res = await sent;
      assert.equal(res.status(), 201);
      assert.deepEqual((await res.json()).message.mentions, [sam.user.id]);

      // Sam's open app: the bell counts it and names the customer.
      const bell = samPage.locator('button.bell');
      await eventually(async () => /new/.test((await bell.getAttribute('title')) ?? ''), 'Sam’s bell to count the mention');
      await bell.click();
      const entry = samPage.locator('.notif').filter({ hasText: `Maria Manager mentioned you on ${customer}` });
      await entry.first().waitFor();
      await expectAxeClean(samPage, 'notification centre with a mention');
      await samPage.keyboard.press('Escape');

      // His Mentions view lists it.
      await samPage.getByRole('link', { name: /^Mentions/ }).click();
      await samPage.getByRole('heading', { level: 1, name: 'Mentions' }).waitFor();
      const row = samPage.locator('.mention-row').filter({ hasText: 'can you call them back about the key?' });
      await row.first().waitFor();
      assert.match(await row.first().innerText(), new RegExp(customer.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      await expectAxeClean(samPage, 'Mentions view');

      // Maria's own note is not news to her: not in her feed, not in her bell.
      const feed = await maria.call('/me/notifications?limit=50');
      assert.equal(feed.items.filter((n) => n.kind === 'mention' && n.conversationId === conversation.id).length, 0);
      assert.equal(await page.locator('.notif').filter({ hasText: 'mentioned you' }).count(), 0);
      assert.deepEqual(errors, []);
      await ctx.close();
    }

    // The Mentions view and the preferences, light and dark, wide and phone.
    for (const scheme of ['light', 'dark']) {
      for (const [w, hgt] of [
        [1440, 900],
        [390, 844],
      ]) {
        const ctx = await agentContext(h.browser, h.origin, SAM, { colorScheme: scheme, viewport: { width: w, height: hgt } });
        const page = await ctx.newPage();
        const errors = watchErrors(page);
        await page.goto('/inbox/messaging/mentions');
        await page.locator('.mention-row').first().waitFor();
        await expectAxeClean(page, `Mentions ${w} ${scheme}`);
        await screenshot(page, `mentions-view-${w}-${scheme}`);
        await page.goto('/settings/preferences');
        await page.getByRole('checkbox', { name: 'Mentioned in a note: E-mail' }).waitFor();
        await expectAxeClean(page, `Preferences ${w} ${scheme}`);
        await screenshot(page, `mentions-preferences-${w}-${scheme}`);
        assert.deepEqual(errors, []);
        await ctx.close();
      }
    }
    assert.deepEqual(samErrors, []);
    await samCtx.close();
  });

  test('preferences: a change in the table is saved on the server for this agent only', async () => {
    const ctx = await agentContext(h.browser, h.origin, SAM);
    const page = await ctx.newPage();
    await page.goto('/settings/preferences');
    const box = page.getByRole('checkbox', { name: 'Customer replied: E-mail' });
    await box.waitFor();
    assert.equal(await box.isChecked(), false);
    // Keyboard: Space toggles the focused box.
    await box.focus();
    await page.keyboard.press('Space');
    await eventually(async () => (await sam.call('/me/notification-preferences')).preferences.customer_replied.email === true, 'the change saved');
    assert.equal((await maria.call('/me/notification-preferences')).preferences.customer_replied.email, false);
    await page.reload();
    await eventually(async () => page.getByRole('checkbox', { name: 'Customer replied: E-mail' }).isChecked(), 'the saved value shown after a reload');
    await sam.call('/me/notification-preferences', { method: 'PUT', json: { preferences: { customer_replied: { email: false } } } });
    await ctx.close();
  });
});
