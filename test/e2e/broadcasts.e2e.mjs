// Browser end-to-end tests of the audiences and broadcasts UI (issue 13) against a real local server
// (port 8843) and Debian's Chromium. Build first: `npm run build`, then
//   node_modules/.bin/node test/e2e/broadcasts.e2e.mjs
// A manager builds an audience with a nested OR group (tag AND (Spain OR Portugal)) and sees its live
// size and sample; runs the wizard to send an SMS template to it over the sandbox transport: the
// preview shows the two contacts that will be skipped and why, the confirm step the recipient count,
// and the progress view follows the sends to 100% with the funnel; the recipients table filters by
// status. A second broadcast is scheduled in another time zone, sits in the scheduled queue and is
// cancelled from it. axe runs on every screen; screenshots at 1440x900 and 390x844, light and dark.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { agentContext, apiClient, eventually, expectAxeClean, nonce, screenshot, useHarness, watchErrors } from './harness.mjs';

const MANAGER = 'manager@parley.test';
const run = nonce();
const tag = `spring-${run}`;
const audienceName = `Iberian guests ${run}`;
const broadcastName = `Spring offer ${run}`;
const laterName = `Autumn reminder ${run}`;
const templateName = `spring_offer_${run}`;

let h;
let manager;
let ctx;
let page;
let pageErrors = [];
let audienceId;
let broadcastId;

const digits = () => String(Math.floor(1e6 + Math.random() * 8e6));

useHarness(8843, async (harness) => {
  h = harness;
  manager = await apiClient(h.origin, MANAGER);
  const inboxes = (await manager.call('/inboxes')).items;
  const sms = inboxes.find((i) => i.channel === 'sms');
  const email = inboxes.find((i) => i.channel === 'email');
  await manager.call('/templates', { json: { name: templateName, channel: 'sms', category: 'marketing', language: 'en', body: 'Hi {{contact.first_name}}, spring is here: 10% off your next stay.' } });
  // Five contacts with the run's tag: two reachable by SMS in Spain/Portugal, one who replied STOP, one
  // reachable only by e-mail (both skipped with their reason), and one in France the audience leaves out.
  const people = [
    { name: `Ana Soler ${run}`, country: 'ES', sms: true },
    { name: `Bruno Costa ${run}`, country: 'PT', sms: true },
    { name: `Carla Vidal ${run}`, country: 'ES', sms: true, subscriptions: { sms: 'unsubscribed' } },
    { name: `Eva Lima ${run}`, country: 'PT', sms: false },
    { name: `Dora Martin ${run}`, country: 'FR', sms: true },
  ];
  for (const p of people) {
    const phone = `+34${digits()}${String(Math.floor(Math.random() * 90) + 10)}`;
    const mail = `${p.name.split(' ')[0].toLowerCase()}.${run}@example.com`;
    await manager.call('/contacts', {
      json: {
        name: p.name,
        ...(p.sms ? { phone } : { email: mail }),
        tags: [tag],
        country: p.country,
        ...(p.subscriptions ? { subscriptions: p.subscriptions } : {}),
        identities: [p.sms ? { channel: 'sms', externalId: phone, inboxId: sms.id } : { channel: 'email', externalId: mail, inboxId: email.id }],
      },
    });
  }
  ctx = await agentContext(h.browser, h.origin, MANAGER);
  page = await ctx.newPage();
  pageErrors = watchErrors(page);
});

const countOnPage = async () => (await page.getByTestId('audience-count').textContent())?.trim();

describe('Audiences and broadcasts', { timeout: 600_000 }, () => {
  test('an audience with a nested group shows its live size and sample, and saves', { timeout: 60_000 }, async () => {
    await page.goto('/inbox/messaging/audiences');
    await page.getByRole('heading', { level: 1, name: 'Audiences' }).waitFor();
    // A fresh server has none (E2E_ORIGIN reuses one that may).
    if (!process.env.E2E_ORIGIN) await page.getByRole('heading', { name: 'No audiences yet' }).waitFor();
    await expectAxeClean(page, 'the empty audience list');
    await page.getByRole('link', { name: 'New audience' }).click();
    await page.getByRole('heading', { level: 1, name: 'New audience' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill(audienceName);

    // Tags has the tag <tag>
    assert.equal(await page.locator('#aud-g-c0-field').inputValue(), 'tags');
    await page.locator('#aud-g-c0-value').fill(tag);
    await eventually(async () => (await countOnPage()) === '5', 'the count of the tag alone (5)');

    // AND (Country is ES OR Country is PT): a nested group, "any of these".
    await page.getByRole('group', { name: 'Contacts who match' }).getByRole('button', { name: 'Add group' }).last().click();
    const nested = page.getByRole('group', { name: 'Group 2' });
    await nested.waitFor();
    assert.equal(await page.locator('#aud-g1-mode').inputValue(), 'any');
    await page.locator('#aud-g1-c0-field').selectOption('location.country');
    await page.locator('#aud-g1-c0-value').fill('es');
    await nested.getByRole('button', { name: 'Add condition' }).click();
    await page.locator('#aud-g1-c1-field').selectOption('location.country');
    await page.locator('#aud-g1-c1-value').fill('PT');
    await eventually(async () => (await countOnPage()) === '4', 'the count with the nested group (4)');
    const sample = page.locator('.au-sample');
    for (const n of ['Ana Soler', 'Bruno Costa', 'Carla Vidal', 'Eva Lima']) await sample.getByText(`${n} ${run}`).waitFor();
    assert.equal(await sample.getByText(`Dora Martin ${run}`).count(), 0, 'the contact in France is left out');

    // Switching the nested group to "none of these" inverts it: only the French contact.
    await page.locator('#aud-g1-mode').selectOption('none');
    await eventually(async () => (await countOnPage()) === '1', 'the count with "none of these" (1)');
    await page.locator('#aud-g1-mode').selectOption('any');
    await eventually(async () => (await countOnPage()) === '4', 'the count back at 4');

    await expectAxeClean(page, 'the audience builder');
    await screenshot(page, 'broadcasts-01-audience-builder');
    await page.getByRole('button', { name: 'Save audience' }).click();
    await page.waitForURL((u) => /\/inbox\/messaging\/audiences\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith('/new'));
    audienceId = page.url().split('/').pop();
    const saved = await manager.call(`/audiences/${audienceId}`);
    assert.equal(saved.count, 4);
    assert.deepEqual(saved.filter, { all: [{ field: 'tags', op: 'has', value: tag }, { any: [{ field: 'location.country', op: 'eq', value: 'ES' }, { field: 'location.country', op: 'eq', value: 'PT' }] }] });

    await page.getByRole('link', { name: 'All audiences' }).click();
    const row = page.getByRole('row', { name: new RegExp(audienceName) });
    await row.waitFor();
    await eventually(async () => /\b4\b/.test(await row.locator('td').nth(1).textContent()), 'the list to show 4 contacts');
    await expectAxeClean(page, 'the audience list');
    await screenshot(page, 'broadcasts-02-audience-list');
  });

  test('the wizard sends to the audience over the sandbox and the progress reaches sent', { timeout: 150_000 }, async () => {
    await page.goto('/inbox/messaging/broadcasts');
    await page.getByRole('heading', { level: 1, name: 'Broadcasts' }).waitFor();
    if (!process.env.E2E_ORIGIN) await page.getByRole('heading', { name: 'No broadcasts yet' }).waitFor();
    // In the navigation.
    await page.getByRole('link', { name: 'Broadcasts' }).first().waitFor();
    await expectAxeClean(page, 'the empty broadcast list');
    await page.getByRole('link', { name: 'New broadcast' }).click();
    await page.getByRole('heading', { level: 1, name: 'New broadcast' }).waitFor();

    // 1. Audience: the saved one, with its count.
    await page.locator('#bc-audience').selectOption({ label: audienceName });
    await page.locator('.bc-audience-sum').getByText('4', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Next' }).click();

    // 2. Message: an SMS inbox and the SMS template (only sendable templates of the inbox's channel are offered).
    await page.getByRole('heading', { name: '2. What they receive' }).waitFor();
    await page.locator('#bc-name').fill(broadcastName);
    const smsOption = await page.locator('#bc-inbox option').evaluateAll((os) => os.find((o) => o.textContent.includes('(SMS)'))?.value);
    await page.locator('#bc-inbox').selectOption(smsOption);
    const choice = page.getByRole('radio', { name: new RegExp(`spring offer ${run}`) });
    await choice.check();
    await expectAxeClean(page, 'the wizard: message');
    await screenshot(page, 'broadcasts-03-wizard-message');
    await page.getByRole('button', { name: 'Next' }).click();

    // 3. Preview: rendered for the sample, with the skip reasons in words.
    await page.getByRole('heading', { name: '3. How it looks' }).waitFor();
    const summary = page.locator('.bc-preview-sum');
    await summary.waitFor();
    const words = await summary.textContent();
    assert.match(words, /2 of 4 will be skipped/);
    assert.match(words, /1 replied STOP to SMS/);
    assert.match(words, /1 no phone number for SMS/);
    await page.locator('.bc-bubble', { hasText: 'Hi Ana, spring is here' }).waitFor();
    await page.locator('.bc-sample', { hasText: `Carla Vidal ${run}` }).getByText('Skipped: replied STOP to SMS').waitFor();
    await expectAxeClean(page, 'the wizard: preview');
    await screenshot(page, 'broadcasts-04-wizard-preview');
    await page.getByRole('button', { name: 'Next' }).click();

    // 4. When: now. 5. Confirm: the recipient count.
    await page.getByRole('radio', { name: 'Send now' }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: '5. Check and send' }).waitFor();
    assert.match(await page.getByTestId('confirm-count').textContent(), /^4 recipients — 2 will be skipped/);
    await expectAxeClean(page, 'the wizard: confirm');
    await screenshot(page, 'broadcasts-05-wizard-confirm');
    await page.getByRole('button', { name: 'Send to 4 contacts' }).click();

    // The live progress view: the bar reaches 100% as the two sendable recipients go out.
    await page.waitForURL((u) => /\/inbox\/messaging\/broadcasts\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith('/new'));
    broadcastId = page.url().split('/').pop();
    await page.getByRole('heading', { level: 1, name: broadcastName }).waitFor();
    const bar = page.getByRole('progressbar', { name: 'Sent so far' });
    await eventually(async () => (await bar.getAttribute('aria-valuenow')) === '100', 'the progress bar to reach 100%', 90_000);
    assert.match(await page.locator('.bc-progress-text').textContent(), /2 of 2 sent · 2 skipped/);
    await eventually(async () => (await page.locator('.bc-meta .bc-chip').textContent()) === 'Sent', 'the broadcast to be marked sent', 90_000);
    const b = await manager.call(`/broadcasts/${broadcastId}`);
    assert.equal(b.status, 'sent');
    assert.equal(b.stats.recipients, 4);
    assert.equal(b.stats.skipped, 2);
    assert.equal(b.stats.sent, 2);
    // The funnel's Sent row agrees with the API.
    assert.match(await page.locator('.bc-funnel li', { hasText: 'Sent' }).first().locator('.bc-funnel-n strong').textContent(), /^2$/);
    await expectAxeClean(page, 'the progress view');
    await screenshot(page, 'broadcasts-06-progress');
  });

  test('the recipients table filters by status', { timeout: 60_000 }, async () => {
    const table = page.getByRole('table', { name: /Recipients/ });
    await eventually(async () => (await table.locator('tbody tr').count()) === 4, 'all four recipients listed');
    await page.getByLabel('Show').selectOption('skipped');
    await eventually(async () => (await table.locator('tbody tr').count()) === 2, 'two skipped recipients');
    const skipped = await table.locator('tbody').textContent();
    assert.match(skipped, new RegExp(`Carla Vidal ${run}`));
    assert.match(skipped, /replied STOP to SMS/);
    assert.match(skipped, new RegExp(`Eva Lima ${run}`));
    assert.match(skipped, /no phone number for SMS/);
    assert.doesNotMatch(skipped, /Ana Soler/);
    await page.getByLabel('Show').selectOption('failed');
    await page.getByText('Nobody is “Failed”.').waitFor();
    await page.getByLabel('Show').selectOption('');
    await eventually(async () => (await table.locator('tbody tr').count()) === 4, 'everyone again');
    // The sent ones link to their conversation.
    await table.getByRole('link', { name: `Ana Soler ${run}` }).waitFor();
    await expectAxeClean(page, 'the recipients table');
    await page.locator('.bc-recipients').scrollIntoViewIfNeeded();
    await screenshot(page, 'broadcasts-07-recipients');
  });

  test('a broadcast scheduled in another time zone waits in the queue and is cancelled from it', { timeout: 90_000 }, async () => {
    await page.goto('/inbox/messaging/broadcasts/new');
    await page.locator('#bc-audience').selectOption({ label: audienceName });
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('#bc-name').fill(laterName);
    const smsOption = await page.locator('#bc-inbox option').evaluateAll((os) => os.find((o) => o.textContent.includes('(SMS)'))?.value);
    await page.locator('#bc-inbox').selectOption(smsOption);
    await page.getByRole('radio', { name: new RegExp(`spring offer ${run}`) }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: '3. How it looks' }).waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('radio', { name: 'Schedule for later' }).check();
    const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    await page.locator('#bc-date').fill(day);
    await page.locator('#bc-time').fill('09:30');
    await page.locator('#bc-zone').selectOption('Asia/Tokyo');
    await page.locator('.bc-zone-note', { hasText: /GMT\+9/ }).waitFor();
    await expectAxeClean(page, 'the wizard: schedule');
    await screenshot(page, 'broadcasts-08-wizard-schedule');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Schedule to 4 contacts' }).click();
    await page.waitForURL((u) => /\/inbox\/messaging\/broadcasts\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith('/new'));
    const laterId = page.url().split('/').pop();
    await page.getByText(/Goes out .*Asia\/Tokyo|Goes out .*Tokyo/).waitFor();
    const scheduled = await manager.call(`/broadcasts/${laterId}`);
    assert.equal(scheduled.status, 'scheduled');
    assert.equal(scheduled.timezone, 'Asia/Tokyo');
    // 09:30 in Tokyo is 00:30 UTC the same day.
    assert.equal(new Date(scheduled.scheduledAt).toISOString(), `${day}T00:30:00.000Z`);

    await page.getByRole('link', { name: 'All broadcasts' }).click();
    const queue = page.locator('.bc-queue');
    await queue.getByRole('link', { name: laterName }).waitFor();
    await expectAxeClean(page, 'the list with the scheduled queue');
    await screenshot(page, 'broadcasts-09-list-queue');
    page.once('dialog', (d) => void d.accept());
    await queue.getByRole('button', { name: `Cancel ${laterName}` }).click();
    await page.getByText('Nothing scheduled.').waitFor();
    const row = page.getByRole('row', { name: new RegExp(laterName) });
    await eventually(async () => (await row.locator('.bc-chip').textContent()) === 'Cancelled', 'the row to say Cancelled');
    assert.equal((await manager.call(`/broadcasts/${laterId}`)).status, 'cancelled');
    // The sent one is in the list with its figures.
    const sentRow = page.getByRole('row', { name: new RegExp(broadcastName) });
    assert.equal(await sentRow.locator('.bc-chip').textContent(), 'Sent');
    assert.equal((await sentRow.locator('td.num').allTextContents()).join(' '), '4 2');
  });

  test('phone and dark: the list, the builder, the wizard and the progress pass axe', { timeout: 180_000 }, async () => {
    for (const [label, opts] of [
      ['light', {}],
      ['dark', { colorScheme: 'dark' }],
      ['phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }],
      ['phone-dark', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark' }],
    ]) {
      const c = await agentContext(h.browser, h.origin, MANAGER, opts);
      const p = await c.newPage();
      const errs = watchErrors(p);
      await p.goto('/inbox/messaging/broadcasts');
      await p.getByRole('row', { name: new RegExp(broadcastName) }).waitFor();
      await expectAxeClean(p, `the broadcast list (${label})`);
      await screenshot(p, `broadcasts-list-${label}`);
      await p.goto(`/inbox/messaging/audiences/${audienceId}`);
      await p.getByRole('group', { name: 'Group 2' }).waitFor();
      await eventually(async () => (await p.getByTestId('audience-count').textContent())?.trim() === '4', 'the count');
      await expectAxeClean(p, `the audience builder (${label})`);
      await screenshot(p, `broadcasts-builder-${label}`);
      await p.goto('/inbox/messaging/broadcasts/new');
      await p.getByRole('radio', { name: 'Build one for this broadcast' }).check();
      await p.locator('#bca-g-c0-value').fill(tag);
      await eventually(async () => (await p.getByTestId('audience-count').textContent())?.trim() === '5', 'the ad hoc count');
      await expectAxeClean(p, `the wizard's ad hoc audience (${label})`);
      await screenshot(p, `broadcasts-wizard-${label}`);
      await p.goto(`/inbox/messaging/broadcasts/${broadcastId}`);
      await p.getByRole('progressbar', { name: 'Sent so far' }).waitFor();
      await p.getByRole('table', { name: /Recipients/ }).waitFor();
      await expectAxeClean(p, `the progress view (${label})`);
      await screenshot(p, `broadcasts-progress-${label}`);
      assert.deepEqual(errs, []);
      await c.close();
    }
  });

  test('the app never threw', () => {
    assert.deepEqual(pageErrors, []);
  });
});
