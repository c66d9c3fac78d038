// Browser tests of CSAT in the agent app (issue 14, CSAT): Settings › Satisfaction surveys (turned on
// and edited by keyboard, the customer's card previewed live in each language, kept after a reload;
// hidden from staff), and a rating a manager records by hand on a resolved conversation, seen on the
// closed card, as a thread line, on the list row and in the contact panel (staff read it, without
// the button). Axe on every screen; screenshots at 1440×900 and 390×844, light and dark.
// Build first (`npx vite build`), then: node_modules/.bin/node test/e2e/csat.e2e.mjs
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { activityLine, agentContext, apiClient, eventually, expectAxeClean, nonce, screenshot, useHarness, watchErrors } from './harness.mjs';

const MANAGER = 'manager@parley.test';
const STAFF = 'sam@parley.test';

let h;
let manager;
let staff;
let ctx;
let page;
let pageErrors = [];
const run = nonce();
const TAG = `rated-${run}`;
const LIST = `status=all&tag=${TAG}`;
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A conversation the staff member can open, resolved for the rating scenario (not web chat: live guests write there). */
let target;
let chosenInbox;

useHarness(8855, async (harness) => {
  h = harness;
  manager = await apiClient(h.origin, MANAGER);
  staff = await apiClient(h.origin, STAFF);
  ctx = await agentContext(h.browser, h.origin, MANAGER, { colorScheme: 'light' });
  page = await ctx.newPage();
  pageErrors = watchErrors(page);
  const mine = await staff.call('/conversations?limit=100');
  target = mine.items.find((c) => c.channel !== 'webchat' && c.csatScore == null && c.status !== 'closed') ?? mine.items.find((c) => c.channel !== 'webchat' && c.csatScore == null);
  assert.ok(target, 'a conversation staff can open, outside web chat, without a rating');
  // A tag of this run's own finds its list row whatever the demo's live traffic puts above it.
  await manager.call(`/conversations/${target.id}`, { method: 'PATCH', json: { tags: [...target.tags, TAG] } });
  const inboxes = (await manager.call('/inboxes')).items;
  chosenInbox = inboxes.find((i) => i.channel === 'email') ?? inboxes[0];
});

describe('CSAT in the agent app', { timeout: 400_000 }, () => {
  test('settings: turn surveys on and edit them by keyboard and mouse, see the preview follow, save, reload, kept', { timeout: 90_000 }, async () => {
    const before = await manager.call('/csat/settings');
    assert.equal(before.enabled, false, 'the demo starts with surveys off');
    await page.goto('/settings/satisfaction');
    await page.getByRole('heading', { level: 2, name: 'Satisfaction surveys' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Settings' });
    assert.equal(await nav.getByRole('link', { name: 'Satisfaction surveys' }).getAttribute('aria-current'), 'page');
    const save = page.getByRole('button', { name: 'Save survey settings' });
    assert.equal(await save.isDisabled(), true, 'nothing to save before a change');
    const preview = page.getByTestId('csat-preview');
    // The standard English card: five star answers, the default question.
    await preview.getByText('How would you rate our conversation?').waitFor();
    assert.equal(await preview.getByRole('listitem').count(), 5);

    // Keyboard: Space turns surveys on; arrows move along the scale's radio buttons.
    const enabled = page.getByRole('checkbox', { name: /Send satisfaction surveys/ });
    await enabled.focus();
    await page.keyboard.press('Space');
    assert.equal(await enabled.isChecked(), true);
    await page.getByRole('radio', { name: 'Stars, 1 to 5' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getByRole('radio', { name: 'Faces, 1 to 5' }).isChecked(), true, 'arrows reached the faces scale');
    await eventually(async () => (await preview.getByRole('listitem').count()) === 5 && (await preview.textContent()).includes('😄'), 'the faces previewed');
    await page.getByRole('radio', { name: 'Thumbs up or down' }).check();
    await eventually(async () => (await preview.getByRole('listitem').count()) === 2, 'two answers for thumbs');
    await page.getByRole('radio', { name: 'Faces, 1 to 5' }).check();

    const question = `How was your stay with Casa Azul? (${run})`;
    await page.getByLabel('Question').fill(question);
    await eventually(async () => (await preview.textContent()).includes(question), 'the question previewed as typed');
    assert.ok((await page.getByTestId('csat-preview-message').textContent()).includes(question), 'the link message carries it too');
    // The default comment prompt follows the preview language; the own question stays as written.
    await page.getByLabel('Language').selectOption({ label: 'Español' });
    await preview.getByText('¿Quieres añadir algo? (opcional)').waitFor();
    await preview.getByText(question).waitFor();
    await page.getByLabel('Language').selectOption({ label: 'English' });

    await page.getByLabel('Wait before sending').selectOption({ label: 'Wait 30 minutes' });
    await page.getByText('Sent 30 minutes after the conversation is resolved').waitFor();
    await page.getByRole('radio', { name: 'Only the inboxes I choose' }).check();
    // Nothing chosen yet: the form says so instead of saving a survey no inbox sends.
    await save.click();
    await page.getByRole('alert').getByText(/choose at least one inbox/).waitFor();
    await page.getByRole('list', { name: 'Inboxes that send surveys' }).getByRole('checkbox', { name: new RegExp(esc(chosenInbox.name)) }).check();
    await expectAxeClean(page, 'the satisfaction survey settings, edited');
    await screenshot(page, 'csat-settings-edited-desktop-light');
    await save.click();
    await page.locator('.toast', { hasText: 'Satisfaction surveys saved' }).waitFor();
    await eventually(async () => (await save.isDisabled()) === true, 'saved: nothing left to save');

    const saved = await manager.call('/csat/settings');
    assert.deepEqual(saved, { enabled: true, scale: 'emoji5', question, commentPrompt: null, autoSendOnClose: true, inboxIds: [chosenInbox.id], delayMinutes: 30 });

    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Satisfaction surveys' }).waitFor();
    await eventually(async () => (await page.getByLabel('Question').inputValue()) === question, 'the question after a reload');
    assert.equal(await page.getByRole('checkbox', { name: /Send satisfaction surveys/ }).isChecked(), true);
    assert.equal(await page.getByRole('radio', { name: 'Faces, 1 to 5' }).isChecked(), true);
    assert.equal(await page.getByLabel('Wait before sending').inputValue(), '30');
    assert.equal(await page.getByRole('radio', { name: 'Only the inboxes I choose' }).isChecked(), true);
    assert.equal(await page.getByRole('checkbox', { name: new RegExp(esc(chosenInbox.name)) }).isChecked(), true);
    assert.equal(await page.getByLabel('Comment prompt').inputValue(), '', 'an empty prompt stays the standard wording');
  });

  test('staff: no Satisfaction surveys section (workspace settings are for managers); the API refuses their change', { timeout: 40_000 }, async () => {
    const c = await agentContext(h.browser, h.origin, STAFF);
    try {
      const p = await c.newPage();
      await p.goto('/settings/satisfaction');
      const nav = p.getByRole('navigation', { name: 'Settings' });
      await nav.getByRole('link', { name: 'Profile' }).waitFor();
      assert.equal(await nav.getByRole('link', { name: 'Satisfaction surveys' }).count(), 0);
      assert.equal(await p.getByRole('heading', { level: 2, name: 'Satisfaction surveys' }).count(), 0);
    } finally {
      await c.close();
    }
    await assert.rejects(staff.call('/csat/settings', { method: 'PUT', json: { enabled: false, scale: 'stars5' } }), /403/);
  });

  test('a manager records a rating by hand on a resolved conversation: closed card, thread line, list row, contact panel', { timeout: 90_000 }, async () => {
    await manager.call(`/conversations/${target.id}`, { method: 'PATCH', json: { status: 'closed' } });
    await page.goto(`/inbox/conversations/${target.id}?${LIST}`);
    const card = page.getByTestId('closed-card');
    await card.getByText('No rating yet.').waitFor();
    await card.getByRole('button', { name: 'Record a rating' }).click();
    const form = page.getByRole('form', { name: 'Record a rating' });
    // The workspace's scale (faces) in plain words, chosen by keyboard: focus starts on the first answer.
    await form.getByRole('radio', { name: 'Very unhappy (1 of 5)' }).waitFor();
    await eventually(async () => ((await page.evaluate(() => document.activeElement?.closest('label')?.textContent)) ?? '').endsWith('Very unhappy (1 of 5)'), 'focus on the first answer');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    assert.equal(await form.getByRole('radio', { name: 'Happy (4 of 5)' }).isChecked(), true);
    const comment = `Called to say the room change was quick (${run})`;
    await form.getByLabel('What the customer said (optional)').fill(comment);
    await expectAxeClean(page, 'the closed card with the rating form');
    await screenshot(page, 'csat-record-form-desktop-light');
    await form.getByRole('button', { name: 'Save rating' }).click();
    await card.getByTestId('closed-card-rating').getByText('Happy (4 of 5)').waitFor();
    await card.getByText('Recorded by a manager', { exact: false }).waitFor();
    await card.getByText(comment, { exact: false }).waitFor();
    await card.getByRole('button', { name: 'Change the rating' }).waitFor();

    // The server has it, on the conversation and its list row.
    const conv = await manager.call(`/conversations/${target.id}`);
    assert.deepEqual({ raw: conv.csat.raw, score: conv.csat.score, scale: conv.csat.scale, source: conv.csat.source, comment: conv.csat.comment }, { raw: 4, score: 4, scale: 'emoji5', source: 'manual', comment });

    // The thread line tells who recorded what.
    const line = await activityLine(page, page.locator('.sys', { hasText: 'recorded the customer’s rating: Happy (4 of 5)' }));
    assert.ok((await line.textContent()).includes('Maria Manager'));

    // The list row (resolved conversations) shows the rating.
    const row = page.locator(`.row[data-id="${target.id}"]`);
    await row.locator('.row-csat').waitFor();
    // As the customer's scale pictures it (a face here), not as stars of a normalized score.
    await eventually(async () => (await row.locator('.row-csat').textContent()).includes('customer rating Happy (4 of 5)'), 'the face rating on the row');
    assert.equal((await row.locator('.row-csat').textContent()).includes('★'), false);

    // The contact panel: the conversation's rating and the contact's average.
    const pane = page.getByRole('complementary', { name: 'Contact details' });
    if (!(await pane.isVisible())) await page.getByRole('button', { name: 'Contact details' }).click();
    await eventually(async () => (await pane.getByTestId('contact-csat').textContent().catch(() => '')).includes('4 of 5'), 'the rating in the contact panel');
    await pane.locator('.prev-convs a.current .row-csat').waitFor();
    await expectAxeClean(page, 'the thread with the recorded rating');
    await pane.getByTestId('contact-csat').scrollIntoViewIfNeeded();
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, 'csat-rated-thread-desktop-light');
  });

  test('staff see the rating on the closed card, read-only', { timeout: 40_000 }, async () => {
    const c = await agentContext(h.browser, h.origin, STAFF);
    try {
      const p = await c.newPage();
      await p.goto(`/inbox/conversations/${target.id}?${LIST}`);
      const card = p.getByTestId('closed-card');
      await card.getByText('Happy (4 of 5)').waitFor();
      assert.equal(await card.getByRole('button').count(), 0, 'no record/change button for staff');
      await expectAxeClean(p, 'the closed card as staff');
    } finally {
      await c.close();
    }
    await assert.rejects(staff.call(`/conversations/${target.id}/csat`, { method: 'PUT', json: { score: 1 } }), /403/);
  });

  for (const [w, hgt, scheme] of [
    [1440, 900, 'light'],
    [1440, 900, 'dark'],
    [390, 844, 'light'],
    [390, 844, 'dark'],
  ]) {
    const size = w > 800 ? 'desktop' : 'phone';
    test(`${size} ${scheme}: settings and the rated thread are axe clean; screenshots`, { timeout: 90_000 }, async () => {
      const c = await agentContext(h.browser, h.origin, MANAGER, { viewport: { width: w, height: hgt }, colorScheme: scheme });
      try {
        const p = await c.newPage();
        const errors = watchErrors(p);
        await p.goto('/settings/satisfaction');
        await p.getByRole('heading', { level: 2, name: 'Satisfaction surveys' }).waitFor();
        await p.getByTestId('csat-preview').waitFor();
        await expectAxeClean(p, `satisfaction settings at ${w}px, ${scheme}`);
        await screenshot(p, `csat-settings-${size}-${scheme}`);
        if (size === 'phone') {
          await p.getByTestId('csat-preview').scrollIntoViewIfNeeded();
          await screenshot(p, `csat-settings-preview-${size}-${scheme}`);
        }
        await p.goto(`/inbox/conversations/${target.id}?${LIST}`);
        const card = p.getByTestId('closed-card');
        await card.getByText('Happy (4 of 5)').waitFor();
        await card.scrollIntoViewIfNeeded();
        await expectAxeClean(p, `the rated thread at ${w}px, ${scheme}`);
        await screenshot(p, `csat-thread-${size}-${scheme}`);
        if (size === 'phone') {
          await card.getByRole('button', { name: 'Change the rating' }).click();
          await p.getByRole('form', { name: 'Record a rating' }).scrollIntoViewIfNeeded();
          await expectAxeClean(p, `the rating form at ${w}px, ${scheme}`);
          await screenshot(p, `csat-record-form-${size}-${scheme}`);
        } else {
          await p.goto(`/inbox?${LIST}`);
          await p.locator(`.row[data-id="${target.id}"] .row-csat`).waitFor();
          await screenshot(p, `csat-list-${size}-${scheme}`);
        }
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
