// Browser end-to-end tests of the automation UI (issue 12, "The agent app") against a real local
// server (port 8831) and Debian's Chromium. Build first: `npm run build`, then
//   node_modules/.bin/node test/e2e/automation.e2e.mjs
// A manager builds a workflow in the editor with the keyboard (trigger "tag applied", an if with a
// condition, an add_tag action), sees the server's validation error on the bad node, saves, dry-runs
// it on a demo conversation and sees the path, applies the tag through the API and follows the real
// run in the run log, and switches the workflow off from the list. Then a webhook endpoint is created
// in Settings (the secret shown once), pinged, and its delivery appears in the log, delivered to a
// local receiver. axe runs on every page; screenshots at 1440x900 and 390x844, light and dark.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, test } from 'node:test';
import { agentContext, apiClient, eventually, expectAxeClean, nonce, screenshot, useHarness, watchErrors } from './harness.mjs';

const MANAGER = 'manager@parley.test';
const run = nonce();
const name = `Tag VIP follow-up ${run}`;
const vipTag = `vip-${run}`;
const doneTag = `handled-${run}`;

let h;
let manager;
let ctx;
let page;
let pageErrors = [];
let workflowId;
let conversationId;
let receiver;
const received = [];

useHarness(8831, async (harness) => {
  h = harness;
  manager = await apiClient(h.origin, MANAGER);
  // The webhook receiver: loopback is allowed outside production.
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  ctx = await agentContext(h.browser, h.origin, MANAGER);
  page = await ctx.newPage();
  pageErrors = watchErrors(page);
});

const stepCard = (pointer) => page.locator(`[data-pointer="${pointer}"]`);

describe('Automation: workflows and webhooks', { timeout: 480_000 }, () => {
  test('the list explains workflows when there are none and passes axe', { timeout: 30_000 }, async () => {
    await page.goto('/inbox/messaging/workflows');
    await page.getByRole('heading', { level: 1, name: 'Workflows' }).waitFor();
    await page.getByRole('heading', { name: 'No workflows yet' }).waitFor();
    await page.getByText(/A workflow is a trigger, then steps/).waitFor();
    // It is in the navigation beside the other messaging pages.
    await page.getByRole('link', { name: 'Workflows' }).first().waitFor();
    await expectAxeClean(page, 'the empty workflow list');
    await screenshot(page, 'automation-01-list-empty');
  });

  test('the editor builds a workflow by keyboard, shows the server error on the bad node, then saves', { timeout: 60_000 }, async () => {
    await page.getByRole('link', { name: 'New workflow' }).click();
    await page.getByRole('heading', { level: 1, name: 'New workflow' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill(name);
    assert.equal(await page.locator('#wf-trigger').inputValue(), 'tag.applied');
    await page.locator('#wf-trigger-tag').fill(vipTag);

    // The add-step menu with the keyboard: focus, Enter opens it on its first item (If / else), Enter picks it.
    const addTop = page.getByRole('button', { name: 'Add step to the workflow' });
    await addTop.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('menu', { name: 'Add step to the workflow' }).waitFor();
    await eventually(() => page.evaluate(() => document.activeElement?.getAttribute('role') === 'menuitem'), 'the menu to take focus');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'If / else');
    await page.keyboard.press('Enter');
    await stepCard('/steps/0').waitFor();
    assert.equal(await stepCard('/steps/0').locator('.wf-step-title').textContent(), 'If / else');
    // Focus moved to the new step.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-pointer')), '/steps/0');

    // The condition builder with the keyboard: Tab to "Add condition", Enter adds a row; its remove button takes it away.
    const group = stepCard('/steps/0').locator('fieldset.wf-group').first();
    await group.getByRole('button', { name: 'Add condition' }).focus();
    await page.keyboard.press('Enter');
    // The row comes with the render after the key press: wait for it rather than count at once.
    await eventually(async () => (await group.getByRole('group', { name: 'Condition' }).count()) === 2, 'a second condition row');
    await page.locator('#wf-steps-0-when-all-1-field').focus();
    await page.keyboard.press('Tab'); // operator
    await page.keyboard.press('Tab'); // value
    await page.keyboard.press('Tab'); // remove
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Remove condition');
    await page.keyboard.press('Enter');
    await eventually(async () => (await group.getByRole('group', { name: 'Condition' }).count()) === 1, 'the condition row removed');
    // Match: any (OR), by keyboard on the native select.
    await group.getByLabel('Match').focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await group.getByLabel('Match').inputValue(), 'any');
    // The condition itself: conversation tags contain the VIP tag.
    await page.locator('#wf-steps-0-when-any-0-field').selectOption('conversation.tags');
    await page.locator('#wf-steps-0-when-any-0-op').selectOption('contains');
    await page.locator('#wf-steps-0-when-any-0-value').fill(vipTag);

    // Into "then": Add tag, picked with the arrow keys, left empty on purpose.
    await page.getByRole('button', { name: 'Add step to Step 1 › then' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('menu', { name: 'Add step to Step 1 › then' }).waitFor();
    await eventually(() => page.evaluate(() => document.activeElement?.textContent === 'If / else'), 'the menu to focus its first item');
    for (let i = 0; i < 7; i++) await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Add tag');
    await page.keyboard.press('Enter');
    await stepCard('/steps/0/then/0').waitFor();

    await page.getByRole('button', { name: 'Create workflow' }).click();
    // The server names /steps/0/then/0/params/tag: the error sits on that node's Tag field.
    const bad = stepCard('/steps/0/then/0');
    await bad.locator('.wf-node-errors', { hasText: 'must not be empty' }).waitFor();
    assert.equal(await bad.getByRole('combobox', { name: 'Tag', exact: true }).getAttribute('aria-invalid'), 'true');
    assert.match(await bad.getAttribute('class'), /has-error/);
    await page.getByRole('alert').filter({ hasText: 'to fix before this can be saved' }).waitFor();
    await expectAxeClean(page, 'the editor with a validation error');
    await screenshot(page, 'automation-02-editor-error');

    await bad.getByRole('combobox', { name: 'Tag', exact: true }).fill(doneTag);
    await page.getByRole('button', { name: 'Create workflow' }).click();
    await page.waitForURL(/\/inbox\/messaging\/workflows\/wfl_/);
    workflowId = page.url().split('/').pop();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    const saved = await manager.call(`/workflows/${workflowId}`);
    assert.deepEqual(saved.trigger, { type: 'tag.applied', tag: vipTag });
    assert.deepEqual(saved.steps, [{ type: 'if', when: { any: [{ field: 'conversation.tags', op: 'contains', value: vipTag }] }, then: [{ type: 'action', action: 'add_tag', params: { tag: doneTag } }] }]);
  });

  test('a nested if, saved as version 2; the dry run shows the path on a demo conversation', { timeout: 60_000 }, async () => {
    // A nested if with an else inside "then", to show nesting in the editor.
    await page.getByRole('button', { name: 'Add step at the end of Step 1 › then' }).click();
    await page.getByRole('menuitem', { name: 'If / else' }).click();
    const inner = stepCard('/steps/0/then/1');
    await inner.waitFor();
    await page.locator('#wf-steps-0-then-1-when-all-0-field').selectOption('time.businessHours');
    await inner.getByRole('button', { name: 'Add step to Step 1 › then › 2 › then' }).click();
    await page.getByRole('menuitem', { name: 'Set priority' }).click();
    await inner.getByRole('button', { name: 'Add an else branch' }).click();
    await page.locator('#wf-steps-0-then-1-else-0-params-text').fill('Came in after hours: {{contact.first_name|there}} will get an answer tomorrow.');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved as version 2').waitFor();
    await page.getByRole('heading', { name: 'Version history' }).waitFor();
    await page.getByRole('button', { name: 'Restore version 1' }).waitFor();

    const list = await manager.call('/conversations?limit=6');
    conversationId = list.items[0].id;
    const panel = page.getByRole('region', { name: 'Test the draft' });
    await panel.getByRole('radio').first().check();
    await panel.getByRole('button', { name: 'Run test' }).click();
    const path = panel.getByRole('list', { name: 'Path taken' });
    await path.waitFor();
    // The demo conversation has no VIP tag: the if takes no branch.
    assert.match(await path.textContent(), /Step 1 \(If \/ else\)\s*→ none/);
    await panel.getByText('No action would apply.').waitFor();
    await expectAxeClean(page, 'the editor with a nested if and a test result');
    await screenshot(page, 'automation-03-editor-nested');
  });

  test('a real run (the tag applied through the API) appears in the run log with its steps', { timeout: 90_000 }, async () => {
    const conv = await manager.call(`/conversations/${conversationId}`);
    await manager.call(`/conversations/${conversationId}`, { method: 'PATCH', json: { tags: [...conv.tags, vipTag] } });
    const done = await eventually(async () => {
      const runs = (await manager.call(`/workflows/${workflowId}/runs`)).items;
      return runs.find((r) => r.status === 'complete' || r.status === 'errored');
    }, 'the run to finish', 60_000);
    assert.equal(done.status, 'complete', JSON.stringify(done));
    await eventually(async () => (await manager.call(`/conversations/${conversationId}`)).tags.includes(doneTag), 'the workflow to tag the conversation');

    const runs = page.getByRole('region', { name: 'Runs' });
    await runs.getByRole('button', { name: 'Refresh' }).click();
    const head = runs.locator('.wf-run-head').first();
    await head.waitFor();
    assert.match(await head.textContent(), /complete/);
    await head.click();
    const table = runs.getByRole('table', { name: 'Steps of the run' });
    await table.waitFor();
    const text = await table.textContent();
    assert.match(text, /Step 1 \(If \/ else\)/);
    assert.match(text, /Add tag/);
    await expectAxeClean(page, 'the run log');
    await runs.scrollIntoViewIfNeeded();
    await screenshot(page, 'automation-04-run-log');
  });

  test('the list shows the run and switches the workflow off', { timeout: 30_000 }, async () => {
    await page.getByRole('link', { name: 'All workflows' }).click();
    const row = page.getByRole('row', { name: new RegExp(name) });
    await row.waitFor();
    assert.match(await row.textContent(), /The tag “vip-/);
    // The list refreshes on arrival (it may first show what it had): one run in the last 24 hours.
    await eventually(async () => (await row.locator('td').nth(2).textContent()) === '1', 'the list to count the run');
    await expectAxeClean(page, 'the workflow list');
    await screenshot(page, 'automation-05-list');
    await row.getByRole('switch', { name: `${name} enabled` }).uncheck();
    await eventually(async () => (await manager.call(`/workflows/${workflowId}`)).enabled === false, 'the workflow to be disabled');
  });

  test("an escalation path's 'Run a workflow' action picks the workflow", { timeout: 40_000 }, async () => {
    await page.goto('/inbox/messaging/escalations?tab=paths');
    await page.getByRole('heading', { name: 'Escalation paths' }).waitFor();
    await page.getByRole('button', { name: 'New path' }).click();
    const dialog = page.getByRole('dialog', { name: 'New escalation path' });
    await dialog.waitFor();
    const pathName = `Run the workflow ${run}`;
    await dialog.getByLabel('Name', { exact: true }).fill(pathName);
    await dialog.getByLabel('Add an action to level 1').selectOption('workflow');
    // (Its label wraps the select, so its accessible name includes the chosen workflow's name.)
    const picker = dialog.getByRole('combobox', { name: /^Workflow/ });
    await picker.waitFor();
    await picker.selectOption(workflowId);
    // Switched off in the previous test: the editor says the action is skipped until it is enabled.
    await dialog.getByText(/This workflow is disabled/).waitFor();
    await expectAxeClean(page, 'the escalation path editor with a workflow action');
    await dialog.getByRole('button', { name: 'Create path' }).click();
    await dialog.waitFor({ state: 'detached' });
    const saved = (await manager.call('/escalations/paths')).items.find((p) => p.name === pathName);
    assert.deepEqual(saved.levels[0].actions.at(-1), { type: 'workflow', workflowId });
    await page.locator('.mx-item', { hasText: pathName }).getByText(new RegExp(`run workflow “${name}”`)).waitFor();
  });

  test('a webhook endpoint: the secret once, a test ping and its delivery row', { timeout: 60_000 }, async () => {
    await page.goto('/settings/webhooks');
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
    await page.getByText(/No endpoints yet/).waitFor();
    await expectAxeClean(page, 'the empty webhooks settings');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const form = page.getByRole('form', { name: 'New webhook endpoint' });
    const url = `http://127.0.0.1:${receiver.address().port}/hooks/${run}`;
    await form.getByLabel('URL').fill(url);
    await form.getByLabel('Description (optional)').fill('Our CRM');
    await form.getByRole('checkbox', { name: /All events/ }).check();
    // The event boxes are disabled by the render that follows the check.
    await eventually(() => form.getByRole('checkbox', { name: /A tag is added/ }).isDisabled(), 'the single events disabled under "All events"');
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    const secretBox = page.locator('.wh-secret');
    await secretBox.waitFor();
    assert.match(await secretBox.textContent(), /shown only this once/);
    assert.match(await secretBox.locator('.wh-secret-value').textContent(), /^whsec_[A-Za-z0-9+/=]+$/);
    await secretBox.getByRole('button', { name: 'Copy' }).waitFor();
    await expectAxeClean(page, 'the webhooks settings with the secret');
    await screenshot(page, 'automation-06-webhook-secret');
    await secretBox.getByRole('button', { name: 'I have saved it' }).click();
    await secretBox.waitFor({ state: 'detached' });
    // The API never shows it again.
    const endpoints = (await manager.call('/webhook-endpoints')).items;
    assert.equal(endpoints.length, 1);
    assert.equal(endpoints[0].secret, undefined);

    await page.getByRole('button', { name: 'Send test ping' }).click();
    const log = page.getByRole('table', { name: new RegExp(`Deliveries to ${url.replace(/[.?]/g, '\\$&')}`) });
    await log.waitFor();
    assert.match(await log.textContent(), /ping/);
    await eventually(async () => received.some((r) => r.body.includes('"type":"ping"')), 'the receiver to get the ping', 30_000);
    const ping = received.find((r) => r.body.includes('"type":"ping"'));
    assert.ok(ping.headers['webhook-signature']?.startsWith('v1,'), 'signed');
    await eventually(async () => {
      await page.locator('.wh-log').getByRole('button', { name: 'Refresh' }).click();
      return /succeeded/.test(await log.textContent());
    }, 'the delivery row to show success');
    assert.match(await log.textContent(), /204/);
    await expectAxeClean(page, 'the webhooks settings with a delivery');
    await screenshot(page, 'automation-07-webhooks');
  });

  test('phone and dark: the list, the editor, the run log and webhooks pass axe', { timeout: 120_000 }, async () => {
    for (const [label, opts] of [
      ['dark', { colorScheme: 'dark' }],
      ['phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }],
      ['phone-dark', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark' }],
    ]) {
      const c = await agentContext(h.browser, h.origin, MANAGER, opts);
      const p = await c.newPage();
      const errs = watchErrors(p);
      await p.goto('/inbox/messaging/workflows');
      await p.getByRole('row', { name: new RegExp(name) }).waitFor();
      await expectAxeClean(p, `the workflow list (${label})`);
      await screenshot(p, `automation-list-${label}`);
      await p.goto(`/inbox/messaging/workflows/${workflowId}`);
      await p.locator('[data-pointer="/steps/0/then/1"]').waitFor();
      await expectAxeClean(p, `the editor (${label})`);
      // The nested if (then/else stacked on a phone) in view.
      await p.locator('[data-pointer="/steps/0/then/1"]').scrollIntoViewIfNeeded();
      await screenshot(p, `automation-editor-${label}`);
      const runs = p.getByRole('region', { name: 'Runs' });
      await runs.locator('.wf-run-head').first().click();
      await runs.getByRole('table', { name: 'Steps of the run' }).waitFor();
      await runs.scrollIntoViewIfNeeded();
      await expectAxeClean(p, `the run log (${label})`);
      await screenshot(p, `automation-runs-${label}`);
      await p.goto('/settings/webhooks');
      await p.getByRole('button', { name: 'Deliveries' }).click();
      await p.locator('.wh-table').waitFor();
      await expectAxeClean(p, `the webhooks settings (${label})`);
      await screenshot(p, `automation-webhooks-${label}`);
      assert.deepEqual(errs, []);
      await c.close();
    }
  });

  test('the app never threw', () => {
    receiver?.close();
    assert.deepEqual(pageErrors, []);
  });
});
