// Browser tests of the settings surfaces (issue 16, "Missing surfaces"): saved replies management
// (a WhatsApp version used from the composer), the profile (a signature that goes out with a reply,
// the dark theme applied from the first paint after a reload), and business hours and holidays (the
// widget's "we'll reply" line and a routing rule honour an edit). Axe on every screen; screenshots
// at 1440×900 and 390×844, light and dark.
// Build first (`npm run build`), then: node_modules/.bin/node test/e2e/settings.e2e.mjs
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { agentContext, apiClient, eventually, expectAxeClean, nonce, screenshot, useHarness, watchErrors } from './harness.mjs';

const MANAGER = 'manager@parley.test';

let h;
let manager;
let ctx;
let page;
let pageErrors = [];
const run = nonce();
/** The WhatsApp conversation the composer scenarios share. */
let whatsapp;

useHarness(8847, async (harness) => {
  h = harness;
  manager = await apiClient(h.origin, MANAGER);
  ctx = await agentContext(h.browser, h.origin, MANAGER, { colorScheme: 'light' });
  page = await ctx.newPage();
  pageErrors = watchErrors(page);
  const list = await manager.call('/conversations?channel=whatsapp&limit=20');
  whatsapp = list.items.find((c) => c.status !== 'closed') ?? list.items[0];
  assert.ok(whatsapp, 'a WhatsApp conversation in the demo');
});

async function messageTexts(conversationId) {
  const res = await manager.call(`/conversations/${conversationId}/messages?limit=100`);
  return (res.items ?? res.messages ?? []).map((m) => m.text ?? '');
}

describe('settings surfaces', { timeout: 400_000 }, () => {
  test('saved replies: create one with a WhatsApp version through the editor (merge-field menu, filled preview), find it, use it on WhatsApp', { timeout: 90_000 }, async () => {
    await page.goto('/settings/saved-replies');
    await page.getByRole('heading', { level: 2, name: 'Saved replies' }).waitFor();
    await page.getByRole('button', { name: 'New saved reply' }).click();
    const dialog = page.getByRole('dialog', { name: 'New saved reply' });
    await dialog.getByLabel('Name').fill(`Late check-out ${run}`);
    await dialog.getByLabel('Shortcut (after /)').fill(`late${run}`);
    await dialog.getByLabel('Category').fill('Departure');
    const text = dialog.getByLabel('Reply (every channel without its own version)');
    await text.fill('Hi , late check-out is possible until 1 pm.');
    // The merge-field menu inserts at the caret of the box last focused.
    await text.focus();
    await text.evaluate((el) => el.setSelectionRange(3, 3));
    await dialog.getByRole('button', { name: /Insert field/ }).click();
    await page.getByRole('menuitem', { name: 'First name' }).first().click();
    await eventually(async () => (await text.inputValue()) === 'Hi {{contact.first_name}}, late check-out is possible until 1 pm.', 'the field inserted at the caret');
    // The preview fills it for a sample conversation: no raw placeholder shown.
    const preview = dialog.getByTestId('sr-preview');
    await eventually(async () => /late check-out is possible/.test(await preview.textContent()) && !(await preview.textContent()).includes('{{'), 'the filled preview');

    await dialog.getByLabel('Add a version for a channel').selectOption({ label: 'WhatsApp' });
    const wa = dialog.getByLabel('Version for WhatsApp');
    await wa.fill(`WhatsApp: late check-out until 1 pm is fine 👍 (${run})`);
    await dialog.getByLabel(/^Version(?! for)/).selectOption({ label: 'WhatsApp' });
    await eventually(async () => (await preview.textContent()).includes(`late check-out until 1 pm is fine 👍 (${run})`), 'the WhatsApp version previewed');
    await expectAxeClean(page, 'the saved reply editor');
    await screenshot(page, 'settings-saved-reply-editor-desktop-light');
    await dialog.getByRole('button', { name: 'Save reply' }).click();
    await dialog.waitFor({ state: 'detached' });

    const saved = (await manager.call(`/saved-replies?q=late${run}`)).items[0];
    assert.equal(saved.name, `Late check-out ${run}`);
    assert.equal(saved.category, 'Departure');
    assert.equal(saved.personal, false);
    assert.deepEqual(Object.keys(saved.variants), ['whatsapp']);
    // The list finds it by search.
    await page.getByLabel('Search').fill(`late${run}`);
    await page.locator('.sr-row', { hasText: `Late check-out ${run}` }).waitFor();
    await eventually(async () => (await page.locator('.sr-row').count()) === 1, 'only the match listed');

    // The composer's "/" menu on a WhatsApp conversation inserts the WhatsApp version.
    await page.goto(`/inbox/conversations/${whatsapp.id}`);
    const composer = page.getByLabel('Reply', { exact: true });
    await composer.waitFor();
    await composer.fill(`/late${run}`);
    await page.getByRole('listbox', { name: 'Saved replies' }).getByRole('option', { name: new RegExp(`Late check-out ${run}`) }).waitFor();
    await composer.press('Enter');
    await eventually(async () => (await composer.inputValue()).includes(`WhatsApp: late check-out until 1 pm is fine 👍 (${run})`), 'the WhatsApp version inserted');
    await composer.fill('');
  });

  test('profile: a signature for the WhatsApp inbox shows in the composer and goes out with the reply', { timeout: 60_000 }, async () => {
    await page.goto('/settings/profile');
    await page.getByRole('heading', { level: 2, name: 'Profile' }).waitFor();
    const signature = `— Maria, Casa Azul (${run})`;
    await page.getByLabel(/^WhatsApp · WhatsApp/).fill(signature);
    await page.getByRole('button', { name: 'Save signatures' }).click();
    await eventually(async () => (await manager.call('/me/profile')).signatures && Object.values((await manager.call('/me/profile')).signatures).includes(signature), 'the signature saved');
    await expectAxeClean(page, 'the profile page');

    await page.goto(`/inbox/conversations/${whatsapp.id}`);
    await page.getByTestId('composer-signature').getByText(signature).waitFor();
    await expectAxeClean(page, 'the thread with a signature under the composer');
    await screenshot(page, 'settings-composer-signature-desktop-light');
    const reply = `Your late check-out is confirmed (${run})`;
    const composer = page.getByLabel('Reply', { exact: true });
    await composer.fill(reply);
    await composer.press('Control+Enter');
    await page.locator('.msg', { hasText: reply }).waitFor();
    await eventually(async () => (await messageTexts(whatsapp.id)).some((t) => t === `${reply}\n\n${signature}`), 'the sent reply carrying the signature');
    // A note does not get the signature.
    await page.getByRole('radio', { name: /Internal note/ }).click();
    await eventually(async () => (await page.getByTestId('composer-signature').count()) === 0, 'no signature under a note');
    await page.getByRole('radio', { name: /^Reply/ }).click();
  });

  test('profile: the dark theme is applied at once, and after a reload from the first paint, on a light system', { timeout: 40_000 }, async () => {
    await page.goto('/settings/profile');
    await page.getByRole('radio', { name: 'Dark' }).check();
    await eventually(async () => (await page.evaluate(() => document.documentElement.dataset.theme)) === 'dark', 'data-theme=dark');
    await eventually(async () => (await manager.call('/me/profile')).theme === 'dark', 'the theme saved on the user');
    const response = await page.reload();
    // The HTML itself carries it (no script needed): no flash of the light theme.
    assert.match(await response.text(), /<html[^>]*data-theme="dark"/);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, 'rgb(14, 16, 20)', `the dark background on a light system (${bg})`);
    await page.getByRole('heading', { level: 2, name: 'Profile' }).waitFor();
    await expectAxeClean(page, 'the profile page, dark theme chosen');
    await screenshot(page, 'settings-profile-theme-dark-on-light-system');
    // Back to the system's: the page follows the browser again.
    await page.getByRole('radio', { name: 'Same as the system' }).check();
    await eventually(async () => (await page.evaluate(() => document.documentElement.dataset.theme)) === undefined, 'no data-theme');
    await eventually(async () => (await manager.call('/me/profile')).theme === 'system', 'the system theme saved');
  });

  test('business hours: an invalid interval names the day; a holiday today closes the workspace for the widget and routing', { timeout: 90_000 }, async () => {
    const before = await manager.call('/business-hours');
    const tz = before.workspace.timezone;
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    await page.goto('/settings/business-hours');
    await page.getByRole('heading', { level: 2, name: 'Business hours' }).waitFor();
    const form = page.getByRole('form', { name: 'Workspace' });
    // Two overlapping intervals on Monday: the server refuses and the page says where.
    await form.getByRole('button', { name: 'Add hours on Monday' }).click();
    await form.getByLabel('Monday, hours 2, opens').fill('10:00');
    await form.getByLabel('Monday, hours 2, closes').fill('12:00');
    await form.getByRole('button', { name: 'Save hours' }).click();
    await form.getByRole('alert').getByText('Monday, hours 2: overlaps another interval of the same day').waitFor();
    await form.getByRole('button', { name: 'Remove Monday hours 2' }).click();

    await form.getByRole('button', { name: 'Add a holiday' }).click();
    const n = before.workspace.holidays.length + 1;
    await form.getByLabel(`Holiday ${n}, date`).fill(today);
    await form.getByLabel(`Holiday ${n}, name`).fill(`Staff day ${run}`);
    await expectAxeClean(page, 'the business hours page');
    await form.getByRole('button', { name: 'Save hours' }).click();
    // The save's own confirmation first: at night the workspace is already "Closed now" before the save
    // lands, so that text alone does not say the holiday is stored.
    await page.getByText('Workspace: saved').first().waitFor();
    await page.getByTestId('bh-now').getByText(/Closed now/).waitFor();
    const after = await manager.call('/business-hours');
    assert.ok(after.workspace.holidays.some((x) => x.date === today && x.name === `Staff day ${run}` && x.yearly === false), 'the holiday saved with its name');
    assert.deepEqual(after.workspace.hours, before.workspace.hours, 'the hours unchanged');
    assert.equal(after.now.open, false);

    // The routing consumer: a business-hours rule does not match now.
    const rule = { name: `Open now ${run}`, conditions: [{ type: 'business_hours', calendar: 'workspace', open: true }], actions: { assign: false } };
    const tried = await manager.call('/routing/test', { json: { conversation: { channel: 'webchat' }, rule } });
    assert.notEqual(tried.rule?.name, rule.name, 'the rule does not match on a holiday');

    // The widget: a visitor is told when the team will reply.
    const visitor = await h.browser.newContext({ viewport: { width: 1280, height: 860 }, baseURL: h.origin });
    try {
      const site = await visitor.newPage();
      await site.goto('/demo');
      await site.getByRole('button', { name: /chat/i }).first().click();
      const frame = site.frameLocator('iframe[src*="/widget/frame.html"]');
      await frame.getByTestId('widget-away').getByText(/We’re away right now\. We’ll reply from /).waitFor({ timeout: 15_000 });
      await screenshot(site, 'settings-widget-away');
    } finally {
      await visitor.close();
    }

    // Undo: the holiday removed, the widget's visitors see no away line again.
    await manager.call('/business-hours', { method: 'PUT', json: before.workspace });
  });

  for (const [w, hgt, scheme] of [
    [1440, 900, 'light'],
    [1440, 900, 'dark'],
    [390, 844, 'light'],
    [390, 844, 'dark'],
  ]) {
    const size = w > 800 ? 'desktop' : 'phone';
    test(`${size} ${scheme}: each settings surface is axe clean; screenshots`, { timeout: 90_000 }, async () => {
      const c = await agentContext(h.browser, h.origin, MANAGER, { viewport: { width: w, height: hgt }, colorScheme: scheme });
      try {
        const p = await c.newPage();
        const errors = watchErrors(p);
        for (const [path, heading, name] of [
          ['/settings/saved-replies', 'Saved replies', 'saved-replies'],
          ['/settings/profile', 'Profile', 'profile'],
          ['/settings/business-hours', 'Business hours', 'business-hours'],
        ]) {
          await p.goto(path);
          await p.getByRole('heading', { level: 2, name: heading }).waitFor();
          await p.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' }).catch(() => {});
          await expectAxeClean(p, `${name} at ${w}px, ${scheme}`);
          await screenshot(p, `settings-${name}-${size}-${scheme}`);
        }
        // An inbox's settings, down to its knowledge base tags (which articles its suggestions use).
        await p.goto('/settings/inboxes');
        await p.getByRole('link', { name: /Website chat/ }).click();
        await p.getByLabel(/Answer from knowledge base articles tagged/).scrollIntoViewIfNeeded();
        await expectAxeClean(p, `inbox settings at ${w}px, ${scheme}`);
        await screenshot(p, `settings-inbox-${size}-${scheme}`);
        await p.goto('/settings/saved-replies');
        await p.getByRole('button', { name: 'New saved reply' }).click();
        await p.getByRole('dialog', { name: 'New saved reply' }).getByLabel('Name').waitFor();
        await expectAxeClean(p, `the saved reply editor at ${w}px, ${scheme}`);
        await screenshot(p, `settings-saved-reply-new-${size}-${scheme}`);
        assert.deepEqual(errors, [], 'no uncaught errors');
      } finally {
        await c.close();
      }
    });
  }

  test('no uncaught errors in the main page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
