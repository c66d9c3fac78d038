// Browser end-to-end tests of the template library (issue 13, "Template library") against a real local
// server (port 8842) and Debian's Chromium. Build first: `npx vite build`, then
//   node_modules/.bin/node test/e2e/templates.e2e.mjs
// A manager writes an SMS template and watches the count turn from GSM-7 to UCS-2 (and a second part)
// when a non-GSM character is typed; previews it for a demo contact; edits it and restores version 1.
// A WhatsApp template gets a {{1}} parameter from the merge-field menu (by keyboard), is submitted, and
// Meta's verdicts arrive as the sandbox's signed status webhooks (sent from the test, so the timing is
// ours): rejected with its reason, submitted again, approved — the page follows without a reload. An
// e-mail template is previewed in its sandboxed frame at desktop and phone widths. Staff see the library
// read-only. axe on every screen; screenshots at 1440x900 and 390x844, light and dark.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { agentContext, apiClient, eventually, expectAxeClean, nonce, screenshot, useHarness, watchErrors } from './harness.mjs';

const MANAGER = 'manager@parley.test';
const STAFF = 'sam@parley.test';
const run = nonce();
const smsName = `Arrival note ${run}`;
const waName = `booking_ready_${run}`;
const mailName = `Welcome e-mail ${run}`;

let h;
let manager;
let ctx;
let page;
let pageErrors = [];
let smsId;
let waId;
let mailId;

useHarness(8842, async (harness) => {
  h = harness;
  manager = await apiClient(h.origin, MANAGER);
  // A reused server (E2E_ORIGIN, while working on this test) starts from an empty library too.
  for (const t of (await manager.call('/templates')).items) await manager.call(`/templates/${t.id}`, { method: 'DELETE' });
  ctx = await agentContext(h.browser, h.origin, MANAGER);
  page = await ctx.newPage();
  pageErrors = watchErrors(page);
});

const count = () => page.locator('#tpl-sms-count');
const chip = () => page.locator('.tpl-status-card .tpl-chip');

/** Meta's verdict: the simulator builds the signed webhook, which we deliver as Meta would. */
async function metaSays(templateId, event, reason) {
  const hook = await manager.call('/dev/simulate/template-status', { json: { templateId, event, ...(reason ? { reason } : {}) } });
  const res = await fetch(hook.url, { method: hook.method, headers: hook.headers, body: hook.body });
  assert.equal(res.status, 200, `the status webhook was refused: ${res.status} ${await res.text()}`);
}

describe('Template library', { timeout: 480_000 }, () => {
  test('the empty library explains templates, is in the navigation and passes axe', { timeout: 30_000 }, async () => {
    await page.goto('/inbox/messaging/templates');
    await page.getByRole('heading', { level: 1, name: 'Templates' }).waitFor();
    await page.getByRole('heading', { name: 'No templates yet' }).waitFor();
    await page.getByRole('link', { name: 'Templates' }).first().waitFor();
    await expectAxeClean(page, 'the empty template list');
    await screenshot(page, 'templates-01-list-empty');
  });

  test('SMS: the live count turns to UCS-2 and a second part when a non-GSM character is typed', { timeout: 60_000 }, async () => {
    await page.getByRole('link', { name: 'New template' }).click();
    await page.getByRole('heading', { level: 1, name: 'New template' }).waitFor();
    assert.equal(await page.getByRole('radio', { name: 'SMS' }).isChecked(), true);
    await page.getByLabel('Name', { exact: true }).fill(smsName);
    await page.locator('#tpl-category').selectOption('marketing');
    const body = page.getByLabel('Text', { exact: true });
    await body.fill('Hi ');
    // The merge field lands where the caret is.
    await page.getByRole('button', { name: 'Insert merge field' }).click();
    await page.getByRole('menuitem', { name: /^first name \(Contact\)/ }).click();
    await body.press('End');
    await body.pressSequentially(', your room at Casa Azul is ready from 3 pm. Ask us for late check-out!');
    const text = await body.inputValue();
    assert.equal(text, 'Hi {{contact.first_name}}, your room at Casa Azul is ready from 3 pm. Ask us for late check-out!');
    // Marketing: the opt-out line is added and counted.
    await page.getByText('Reply STOP to opt out').waitFor();
    const total = [...`${text}\nReply STOP to opt out`].length;
    await eventually(async () => (await count().getAttribute('data-encoding')) === 'GSM-7', 'GSM-7');
    assert.equal(await count().getAttribute('data-segments'), '1');
    assert.match(await count().textContent(), new RegExp(`^${total} characters · 1 message Standard characters`));
    await screenshot(page, 'templates-02-sms-gsm');

    // One character outside GSM-7 and the whole text is UCS-2: 70 per message, so two parts now.
    await body.press('End');
    await body.pressSequentially(' 😀');
    await eventually(async () => (await count().getAttribute('data-encoding')) === 'UCS-2', 'the count to switch to UCS-2');
    assert.equal(await count().getAttribute('data-segments'), '2');
    assert.match(await count().textContent(), /2 messages Contains special characters/);
    await expectAxeClean(page, 'the SMS editor');
    await screenshot(page, 'templates-03-sms-ucs2');
    // Taken out again: back to one standard message.
    await body.press('Backspace');
    await body.press('Backspace');
    await eventually(async () => (await count().getAttribute('data-encoding')) === 'GSM-7', 'back to GSM-7');

    await page.getByRole('button', { name: 'Create template' }).click();
    await page.waitForURL(/\/inbox\/messaging\/templates\/tpl_/);
    smsId = page.url().split('/').pop();
    await page.getByRole('heading', { level: 1, name: smsName }).waitFor();
    await page.locator('.tpl-status-card').getByText('Ready to use').waitFor();
  });

  test('SMS: the preview fills the merge fields for a chosen contact', { timeout: 30_000 }, async () => {
    // Without a contact the first name is named as missing.
    await page.locator('.tpl-missing').getByText('Contact: first name').waitFor();
    await page.getByLabel('Find a contact').fill('Emma');
    await eventually(async () => (await page.locator('#tpl-preview-contact option', { hasText: 'Emma Johansson' }).count()) > 0, 'Emma in the contact list');
    await page.locator('#tpl-preview-contact').selectOption({ label: 'Emma Johansson' });
    await page.locator('.tpl-bubble-sms', { hasText: 'Hi Emma, your room at Casa Azul' }).waitFor();
    assert.match(await page.locator('.tpl-bubble-sms').textContent(), /Reply STOP to opt out$/);
    assert.equal(await page.locator('.tpl-missing').count(), 0);
  });

  test('versions: an edit is version 2, and restoring version 1 brings its text back as version 3', { timeout: 30_000 }, async () => {
    const body = page.getByLabel('Text', { exact: true });
    const original = await body.inputValue();
    await body.fill('Hi {{contact.first_name}}, the pool is open until 10 pm tonight.');
    await page.getByText('Unsaved changes').waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.tpl-versions li[data-version="2"]').waitFor();
    await page.getByRole('button', { name: 'Restore version 1' }).waitFor();
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: 'Restore version 1' }).click();
    await page.locator('.tpl-versions li[data-version="3"]', { hasText: 'restored from version 1' }).waitFor();
    assert.equal(await body.inputValue(), original);
    const t = await manager.call(`/templates/${smsId}`);
    assert.equal(t.version, 3);
    assert.equal(t.body, original);
    await expectAxeClean(page, 'the SMS template with its versions');
    await screenshot(page, 'templates-04-sms-versions');
  });

  test('WhatsApp: a {{1}} parameter from the menu, submitted, rejected with a reason, resubmitted and approved — live', { timeout: 90_000 }, async () => {
    await page.goto('/inbox/messaging/templates/new');
    await page.getByRole('radio', { name: 'WhatsApp' }).check();
    await page.getByLabel('Name', { exact: true }).fill(waName);
    const body = page.getByLabel('Body', { exact: true });
    await body.fill('Hello ');
    // The menu by keyboard: Enter opens it on its first field, arrows move, Enter picks.
    await page.getByRole('button', { name: 'Insert merge field' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('menu', { name: 'Merge fields' }).waitFor();
    await eventually(() => page.evaluate(() => document.activeElement?.getAttribute('role') === 'menuitem'), 'the menu to take focus');
    await page.keyboard.press('ArrowDown'); // contact: first name (after name)
    await page.keyboard.press('Enter');
    await eventually(async () => (await body.inputValue()) === 'Hello {{1}}', 'the parameter in the body');
    await body.press('End');
    await body.pressSequentially(', your booking is confirmed.');
    // The parameter's field and its sample for Meta's review.
    assert.equal(await page.getByLabel('Field for {{1}}').inputValue(), 'contact.first_name');
    assert.equal(await page.getByLabel('Sample value for {{1}}').inputValue(), 'Maria');
    await page.getByLabel('Footer (optional)').fill('Casa Azul');
    await page.getByRole('button', { name: 'Add button' }).click();
    await page.getByLabel('Button 1 text').fill('Thanks!');
    await page.getByRole('button', { name: 'Create template' }).click();
    await page.waitForURL(/\/inbox\/messaging\/templates\/tpl_/);
    waId = page.url().split('/').pop();
    await eventually(async () => (await chip().textContent()) === 'Draft', 'Draft');
    await page.locator('.tpl-bubble-wa', { hasText: 'Thanks!' }).waitFor();
    await expectAxeClean(page, 'the WhatsApp draft');

    await page.getByRole('button', { name: 'Submit for approval' }).click();
    await eventually(async () => (await chip().textContent()) === 'Waiting for approval', 'Waiting for approval');
    const sent = await manager.call(`/templates/${waId}`);
    assert.equal(sent.status, 'pending');

    await metaSays(waId, 'REJECTED', 'INVALID_FORMAT');
    await eventually(async () => (await chip().textContent()) === 'Rejected', 'the page to show Rejected without a reload', 20_000);
    await page.locator('.tpl-status-card .tpl-reason', { hasText: 'Reason: Invalid format' }).waitFor();
    await screenshot(page, 'templates-05-whatsapp-rejected');

    await page.getByRole('button', { name: 'Submit for approval' }).click();
    await eventually(async () => (await chip().textContent()) === 'Waiting for approval', 'pending again');
    await metaSays(waId, 'APPROVED');
    await eventually(async () => (await chip().textContent()) === 'Approved', 'the page to show Approved without a reload', 20_000);
    assert.equal(await page.getByRole('button', { name: 'Submit for approval' }).count(), 0);
    assert.equal((await manager.call(`/templates/${waId}`)).canSendOutsideWindow, true);
    await expectAxeClean(page, 'the approved WhatsApp template');
    await screenshot(page, 'templates-06-whatsapp-approved');
  });

  test('e-mail: the sanitized preview in a sandboxed frame at desktop and phone widths', { timeout: 60_000 }, async () => {
    await page.goto('/inbox/messaging/templates/new');
    await page.getByRole('radio', { name: 'E-mail' }).check();
    await page.getByLabel('Name', { exact: true }).fill(mailName);
    await page.getByLabel('Subject').fill('Your stay at ');
    await page.getByRole('button', { name: 'Insert merge field' }).click();
    await page.getByRole('menuitem', { name: /^name \(Business\)/ }).click();
    await eventually(async () => (await page.getByLabel('Subject').inputValue()) === 'Your stay at {{workspace.name}}', 'the field in the subject');
    const editor = page.getByRole('textbox', { name: 'E-mail body' });
    await editor.click();
    await page.keyboard.type('Welcome to Casa Azul! Reply to this e-mail with any question.');
    await page.getByRole('button', { name: 'Create template' }).click();
    await page.waitForURL(/\/inbox\/messaging\/templates\/tpl_/);
    mailId = page.url().split('/').pop();
    const frame = page.locator('iframe.tpl-frame');
    await frame.waitFor();
    assert.equal(await frame.getAttribute('sandbox'), 'allow-same-origin');
    assert.equal(await frame.getAttribute('width'), '600');
    await eventually(async () => (await frame.evaluate((f) => f.contentDocument.documentElement.clientWidth)) === 600, 'a 600 px wide layout');
    await page.locator('.tpl-preview-subject', { hasText: 'Your stay at Casa Azul' }).waitFor();
    const inside = page.frameLocator('iframe.tpl-frame');
    await inside.getByText('Welcome to Casa Azul!').waitFor();
    assert.equal(await inside.locator('script').count(), 0);
    await expectAxeClean(page, 'the e-mail preview at desktop width');
    await screenshot(page, 'templates-07-email-desktop');

    await page.getByRole('radio', { name: 'Phone' }).check();
    await eventually(async () => (await frame.getAttribute('width')) === '375', 'the phone width');
    // The mail client's layout width, inside the frame.
    await eventually(async () => (await frame.evaluate((f) => f.contentDocument.documentElement.clientWidth)) === 375, 'a 375 px wide layout');
    await page.getByText('375 pixels wide').waitFor();
    await inside.getByText('Welcome to Casa Azul!').waitFor();
    await page.getByText('Plain-text version', { exact: true }).last().click();
    await page.locator('.tpl-plain pre', { hasText: 'Welcome to Casa Azul!' }).waitFor();
    await screenshot(page, 'templates-08-email-phone');

    // Styles the author wrote arrive inlined and applied; what is unsafe never reaches the frame.
    await manager.call(`/templates/${mailId}`, {
      method: 'PATCH',
      json: { html: '<style>.note { color: #0a7a4b; font-weight: 700 }</style><p class="note">Check-in from 3 pm.</p><script>parent.alert(1)</script><a href="javascript:alert(1)">Open</a>' },
    });
    await page.reload();
    const note = page.frameLocator('iframe.tpl-frame').getByText('Check-in from 3 pm.');
    await note.waitFor();
    await eventually(async () => (await note.evaluate((el) => getComputedStyle(el).color)) === 'rgb(10, 122, 75)', 'the inlined colour applied');
    assert.equal(await inside.locator('script').count(), 0);
    assert.equal(await inside.locator('a[href^="javascript"]').count(), 0);
  });

  test('the list shows each template with its status and filters by channel', { timeout: 30_000 }, async () => {
    await page.goto('/inbox/messaging/templates');
    await page.getByRole('row', { name: new RegExp(waName) }).getByText('Approved').waitFor();
    await page.getByRole('row', { name: new RegExp(smsName) }).getByText('Ready to use').waitFor();
    await page.getByLabel('Channel').selectOption('whatsapp');
    await eventually(async () => (await page.getByRole('row', { name: new RegExp(smsName) }).count()) === 0, 'the SMS template filtered out');
    await page.getByRole('row', { name: new RegExp(waName) }).waitFor();
    await page.getByLabel('Channel').selectOption('');
    await page.getByLabel('Category').selectOption('marketing');
    await eventually(async () => (await page.getByRole('row', { name: new RegExp(mailName) }).count()) === 0, 'the e-mail template filtered out');
    await page.getByRole('row', { name: new RegExp(smsName) }).waitFor();
    await page.getByLabel('Category').selectOption('');
    await page.getByRole('row', { name: new RegExp(mailName) }).waitFor();
    await expectAxeClean(page, 'the template list');
    await screenshot(page, 'templates-09-list');
  });

  test('staff read the library and preview, but cannot change it', { timeout: 30_000 }, async () => {
    const c = await agentContext(h.browser, h.origin, STAFF);
    const p = await c.newPage();
    const errs = watchErrors(p);
    await p.goto('/inbox/messaging/templates');
    await p.getByRole('row', { name: new RegExp(smsName) }).waitFor();
    assert.equal(await p.getByRole('link', { name: 'New template' }).count(), 0);
    await p.getByRole('link', { name: smsName }).click();
    await p.getByText('Only managers can change templates').waitFor();
    assert.equal(await p.getByLabel('Text', { exact: true }).isDisabled(), true);
    assert.equal(await p.getByRole('button', { name: 'Save', exact: true }).count(), 0);
    await p.locator('.tpl-bubble-sms').waitFor();
    await expectAxeClean(p, 'the read-only template for staff');
    assert.deepEqual(errs, []);
    await c.close();
  });

  test('phone and dark: the list and each editor pass axe', { timeout: 150_000 }, async () => {
    for (const [label, opts] of [
      ['dark', { colorScheme: 'dark' }],
      ['phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }],
      ['phone-dark', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark' }],
    ]) {
      const c = await agentContext(h.browser, h.origin, MANAGER, opts);
      const p = await c.newPage();
      const errs = watchErrors(p);
      await p.goto('/inbox/messaging/templates');
      await p.getByRole('row', { name: new RegExp(waName) }).waitFor();
      await expectAxeClean(p, `the template list (${label})`);
      await screenshot(p, `templates-list-${label}`);
      await p.goto(`/inbox/messaging/templates/${smsId}`);
      await p.locator('#tpl-sms-count').waitFor();
      await p.locator('.tpl-bubble-sms').waitFor();
      await expectAxeClean(p, `the SMS editor (${label})`);
      await screenshot(p, `templates-sms-${label}`);
      await p.goto(`/inbox/messaging/templates/${waId}`);
      await p.locator('.tpl-bubble-wa').waitFor();
      await expectAxeClean(p, `the WhatsApp editor (${label})`);
      await screenshot(p, `templates-whatsapp-${label}`);
      await p.goto(`/inbox/messaging/templates/${mailId}`);
      await p.frameLocator('iframe.tpl-frame').getByText('Check-in from 3 pm.').waitFor();
      await p.locator('.tpl-preview').scrollIntoViewIfNeeded();
      await expectAxeClean(p, `the e-mail editor (${label})`);
      await screenshot(p, `templates-email-${label}`);
      assert.deepEqual(errs, [], `page errors (${label})`);
      await c.close();
    }
    assert.deepEqual(pageErrors, []);
  });
});
