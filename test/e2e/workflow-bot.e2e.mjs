// Browser end-to-end test of the workflow editor's bot steps (issue 12, "bot flows" and "The agent app")
// against a real local server (port 8861) and Debian's Chromium. Build first: `npx vite build`, then
//   node_modules/.bin/node test/e2e/workflow-bot.e2e.mjs
// A manager builds a bot flow in the editor, with the keyboard where a keyboard way exists: a question
// with two options (added, reordered), an If on its answer with an answer from the knowledge base inside,
// a saved reply sent, a handoff. The server's errors land on the question and the empty option; saved,
// reloaded and intact; dry-run on a demo conversation; then a step is dragged to a new place (the drop
// indicator shows while dragging) and saved in that order. axe on each screen; screenshots at 1440x900
// and 390x844, light and dark.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { agentContext, apiClient, eventually, expectAxeClean, nonce, screenshot, useHarness, watchErrors } from './harness.mjs';

const MANAGER = 'manager@parley.test';
const run = nonce();
const name = `Front desk bot ${run}`;
const replyName = `Thanks for waiting ${run}`;

let h;
let manager;
let ctx;
let page;
let pageErrors = [];
let workflowId;
let replyId;

useHarness(8861, async (harness) => {
  h = harness;
  manager = await apiClient(h.origin, MANAGER);
  // The demo seed has no saved replies: one to send from the flow.
  const reply = await manager.call('/saved-replies', { json: { name: replyName, text: 'Thanks {{contact.first_name|there}}, a colleague will pick this up.' } });
  replyId = reply.id;
  ctx = await agentContext(h.browser, h.origin, MANAGER);
  page = await ctx.newPage();
  pageErrors = watchErrors(page);
});

const stepCard = (pointer) => page.locator(`[data-pointer="${pointer}"]`);
const focused = () => page.evaluate(() => document.activeElement?.textContent ?? '');

/** Opens an add-step menu with the keyboard and walks it with ArrowDown to the item named `label`. */
async function addByKeyboard(menuName, label) {
  await page.getByRole('button', { name: menuName, exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('menu', { name: menuName }).waitFor();
  await eventually(() => page.evaluate(() => document.activeElement?.getAttribute('role') === 'menuitem'), 'the menu to take focus');
  for (let i = 0; i < 30 && (await focused()) !== label; i++) await page.keyboard.press('ArrowDown');
  assert.equal(await focused(), label);
  await page.keyboard.press('Enter');
}

async function shoot(shot) {
  await screenshot(page, `${shot}-1440-light`);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expectAxeClean(page, `${shot} (dark)`);
  await screenshot(page, `${shot}-1440-dark`);
  await page.emulateMedia({ colorScheme: null });
  // A phone is its own context (touch, mobile viewport), as people open it.
  for (const scheme of ['light', 'dark']) {
    const c = await agentContext(h.browser, h.origin, MANAGER, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: scheme });
    const p = await c.newPage();
    const errs = watchErrors(p);
    await p.goto(`/inbox/messaging/workflows/${workflowId}`);
    const ask = p.locator('[data-pointer="/steps/0"]');
    await ask.waitFor();
    await expectAxeClean(p, `${shot} (phone, ${scheme})`);
    await ask.scrollIntoViewIfNeeded();
    await screenshot(p, `${shot}-390-${scheme}`);
    await p.locator('[data-pointer="/steps/1"]').scrollIntoViewIfNeeded();
    await screenshot(p, `${shot}-390-${scheme}-if`);
    assert.deepEqual(errs, []);
    await c.close();
  }
}

describe('Workflow editor: a bot flow', { timeout: 300_000 }, () => {
  test('builds the flow with the keyboard; the server’s errors land on the question and the empty option', { timeout: 90_000 }, async () => {
    await page.goto('/inbox/messaging/workflows');
    await page.getByRole('link', { name: 'New workflow' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'New workflow' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.locator('#wf-trigger').selectOption('message.received');

    // 1. The question.
    await addByKeyboard('Add step to the workflow', 'Ask the customer a question');
    const ask = stepCard('/steps/0');
    await ask.waitFor();
    assert.equal(await ask.locator('.wf-step-title').textContent(), 'Ask the customer a question');
    assert.equal(await ask.getByLabel('The customer answers with').inputValue(), 'options');
    // Options: type the first, add a third with the keyboard, reorder it up, remove the old second.
    await ask.getByLabel('Option 1', { exact: true }).fill('Billing');
    await ask.getByRole('button', { name: 'Add an option' }).focus();
    await page.keyboard.press('Enter');
    // Focus went to the new (third) option.
    // Focus moves after the next render (the editor's focusNext), so wait for it rather than read it at once.
    await eventually(async () => (await page.evaluate(() => document.activeElement?.id)) === 'wf-steps-0-params-options-2', 'focus on the new third option');
    await page.keyboard.type('Shipping');
    await ask.getByRole('button', { name: 'Move option 3 up' }).focus();
    await page.keyboard.press('Enter');
    await eventually(async () => (await ask.getByLabel('Option 2', { exact: true }).inputValue()) === 'Shipping', 'Shipping moved up to option 2');
    assert.equal(await ask.getByLabel('Option 3', { exact: true }).inputValue(), '');
    // Left empty on purpose for now, like the question: the server names both.
    await ask.getByLabel('Remember the answer as').fill('topic');

    // 2. An If on the answer, with an answer from the knowledge base inside.
    await addByKeyboard('Add step at the end of the workflow', 'If / else');
    const iff = stepCard('/steps/1');
    await iff.waitFor();
    const field = page.locator('#wf-steps-1-when-all-0-field');
    // The question's answer is offered by name in the condition builder.
    await field.selectOption({ label: 'Answer to “topic”' });
    assert.equal(await field.inputValue(), 'vars.topic');
    // An answer compares with "is" (the new condition's default is "contains"): set by the render after the pick.
    await eventually(async () => (await page.locator('#wf-steps-1-when-all-0-op').inputValue()) === 'eq', 'the operator to become "is"');
    await addByKeyboard('Add step to Step 2 › then', 'Answer from the knowledge base');
    const kb = stepCard('/steps/1/then/0');
    await kb.waitFor();
    const threshold = kb.getByLabel(/Send the answer when the confidence is at least/);
    assert.equal(await threshold.inputValue(), '60');
    await threshold.fill('70');

    // 3. A saved reply, 4. the handoff.
    await addByKeyboard('Add step at the end of the workflow', 'Send a template or saved reply');
    const send = stepCard('/steps/2');
    await send.getByRole('radio', { name: 'A saved reply' }).check();
    await send.getByLabel('Saved reply', { exact: true }).selectOption({ label: replyName });
    await addByKeyboard('Add step at the end of the workflow', 'Hand off to a team');
    await stepCard('/steps/3').waitFor();

    await page.getByRole('button', { name: 'Create workflow' }).click();
    const question = ask.getByLabel('Question to the customer');
    await ask.locator('.wf-node-errors', { hasText: 'must not be empty' }).first().waitFor();
    assert.equal(await question.getAttribute('aria-invalid'), 'true');
    assert.equal(await ask.getByLabel('Option 3', { exact: true }).getAttribute('aria-invalid'), 'true');
    await page.getByRole('alert').filter({ hasText: 'to fix before this can be saved' }).waitFor();
    await expectAxeClean(page, 'the bot flow with validation errors');
    await screenshot(page, 'workflow-bot-01-errors');

    // Now with the keyboard: the question, and the empty option removed.
    await question.fill('Hi! What is your question about?');
    await ask.getByRole('button', { name: 'Remove option 3' }).focus();
    await page.keyboard.press('Enter');
    await eventually(async () => (await ask.getByLabel('Option 3', { exact: true }).count()) === 0, 'option 3 removed');
    // With two options the condition's value offers them.
    await page.locator('#wf-steps-1-when-all-0-value').selectOption('Billing');
    await page.getByRole('button', { name: 'Create workflow' }).click();
    await page.waitForURL(/\/inbox\/messaging\/workflows\/wfl_/);
    workflowId = page.url().split('/').pop();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    const saved = await manager.call(`/workflows/${workflowId}`);
    assert.deepEqual(saved.steps, [
      { type: 'action', action: 'ask', params: { name: 'topic', text: 'Hi! What is your question about?', options: ['Billing', 'Shipping'], timeoutSeconds: 86400 } },
      { type: 'if', when: { all: [{ field: 'vars.topic', op: 'eq', value: 'Billing' }] }, then: [{ type: 'action', action: 'answer_from_knowledge', params: { threshold: 0.7 } }] },
      { type: 'action', action: 'send_template', params: { savedReplyId: replyId } },
      { type: 'action', action: 'handoff', params: {} },
    ]);
  });

  test('reloaded, the flow is intact; the dry run shows its path', { timeout: 60_000 }, async () => {
    await page.reload();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    const ask = stepCard('/steps/0');
    assert.equal(await ask.getByLabel('Question to the customer').inputValue(), 'Hi! What is your question about?');
    assert.equal(await ask.getByLabel('Option 1', { exact: true }).inputValue(), 'Billing');
    assert.equal(await ask.getByLabel('Option 2', { exact: true }).inputValue(), 'Shipping');
    assert.equal(await page.locator('#wf-steps-1-when-all-0-field').inputValue(), 'vars.topic');
    assert.equal(await page.locator('#wf-steps-1-when-all-0-value').inputValue(), 'Billing');
    assert.equal(await stepCard('/steps/1/then/0').getByLabel(/confidence/).inputValue(), '70');
    await eventually(async () => (await stepCard('/steps/2').getByLabel('Saved reply', { exact: true }).inputValue()) === replyId, 'the saved reply to be picked');
    await page.getByText('All changes saved').waitFor();

    const panel = page.getByRole('region', { name: 'Test the draft' });
    await panel.getByRole('radio').first().check();
    await panel.getByRole('button', { name: 'Run test' }).click();
    const path = panel.getByRole('list', { name: 'Path taken' });
    await path.waitFor();
    const text = await path.textContent();
    // Nobody answers in a dry run: the question takes its timeout, the If its other way, then the rest.
    assert.match(text, /Step 1 \(Ask the customer a question\)/);
    assert.match(text, /Step 2 \(If \/ else\)/);
    assert.match(text, /Step 4 \(Hand off to a team\)/);
    await page.locator('.wf-steps').first().scrollIntoViewIfNeeded();
    await expectAxeClean(page, 'the bot flow, saved, with a test result');
    await shoot('workflow-bot-02-editor');
  });

  test('a step dragged by its handle lands where the drop indicator showed, and saves in that order', { timeout: 60_000 }, async () => {
    const handle = stepCard('/steps/3').locator('.wf-drag-handle');
    const target = stepCard('/steps/2');
    await target.scrollIntoViewIfNeeded();
    const from = await handle.boundingBox();
    const to = await target.boundingBox();
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    // Over the upper half of step 3: the indicator sits in the gap before it.
    for (let i = 1; i <= 5; i++) await page.mouse.move(to.x + 40, to.y + (8 * i) / 5, { steps: 2 });
    await page.locator('.wf-steps > li.wf-drop-before').first().waitFor();
    await screenshot(page, 'workflow-bot-03-dragging');
    await page.mouse.up();
    await eventually(async () => (await stepCard('/steps/2').locator('.wf-step-title').textContent()) === 'Hand off to a team', 'the handoff to move up');
    assert.equal(await stepCard('/steps/3').locator('.wf-step-title').textContent(), 'Send a template or saved reply');
    assert.equal(await page.locator('.wf-drop-before, .wf-drop-after').count(), 0);
    await page.getByText('Unsaved changes').waitFor();
    // Typing in a field still works after a drag (nothing left draggable around it).
    await stepCard('/steps/0').getByLabel('Question to the customer').fill('Hi! What is it about?');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved as version 2').waitFor();
    const saved = await manager.call(`/workflows/${workflowId}`);
    assert.deepEqual(
      saved.steps.map((s) => (s.type === 'action' ? s.action : s.type)),
      ['ask', 'if', 'handoff', 'send_template'],
    );
    assert.equal(saved.steps[0].params.text, 'Hi! What is it about?');
    assert.deepEqual(pageErrors, []);
  });
});
