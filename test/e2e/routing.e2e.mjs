// Browser tests of routing in the agent app (issue 5): the routing page (rule editor, the tester run
// before saving, keyboard reordering, axe), the agent picker's presence and load, transfer with a note
// and its routed event, and the reply lock's confirmation between two agents.
// Build first (`npm run build`), then: node_modules/.bin/node test/e2e/routing.e2e.mjs
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { activityLine, agentContext, apiClient, eventually, expectAxeClean, nonce, screenshot, useHarness, watchErrors } from './harness.mjs';

const MANAGER = 'manager@parley.test';
const SAM = 'sam@parley.test';

let h;
let manager; // API client
let ctx; // the manager's browser context
let page;
let pageErrors = [];
/** The conversation the thread scenarios share. */
let conversationId = null;

useHarness(8802, async (harness) => {
  h = harness;
  manager = await apiClient(h.origin, MANAGER);
  ctx = await agentContext(h.browser, h.origin, MANAGER);
  page = await ctx.newPage();
  pageErrors = watchErrors(page);
});

describe('routing in the agent app', { timeout: 300_000 }, () => {
  test('the routing page loads and passes axe', { timeout: 40_000 }, async () => {
    await page.goto('/inbox/messaging/routing');
    await page.getByRole('heading', { level: 1, name: 'Routing' }).waitFor();
    await page.getByRole('heading', { name: /Team assignment/ }).waitFor();
    await page.getByRole('heading', { name: /Waiting queue/ }).waitFor();
    await page.locator('.rt-team').first().getByLabel('Assignment mode').waitFor();
    await page.waitForTimeout(300);
    await expectAxeClean(page, 'the routing page');
    await screenshot(page, 'routing-01-page');
  });

  test('a manager creates a rule, tests it before saving and sees the match, then saves it', { timeout: 60_000 }, async () => {
    const name = `Refunds to Reservations ${nonce()}`;
    await page.getByRole('button', { name: 'New rule' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByRole('button', { name: 'Add condition' }).click();
    await dialog.getByLabel('Words or phrases (any of them)').fill('refund*, charged twice');
    await dialog.getByLabel('Team (queue)').selectOption({ label: 'Reservations' });
    // The tester runs the unsaved draft.
    await dialog.getByLabel('Message', { exact: true }).fill('Hello, I want a refund for my booking');
    await dialog.getByRole('button', { name: 'Run test' }).click();
    const verdict = dialog.getByTestId('tester-verdict');
    await verdict.waitFor();
    const text = await verdict.textContent();
    assert.match(text, new RegExp(`Rule “${name}” matched`));
    assert.match(text, /team Reservations/);
    assert.match(text, /candidates? considered/);
    // Not saved yet.
    assert.ok(!(await manager.call('/routing/rules')).items.some((r) => r.name === name), 'the tester must not save the rule');
    // A message without the keyword does not match the draft.
    await dialog.getByLabel('Message', { exact: true }).fill('Is parking included?');
    await dialog.getByRole('button', { name: 'Run test' }).click();
    await eventually(async () => !(await verdict.textContent()).includes(`Rule “${name}” matched`), 'the verdict to change');
    await expectAxeClean(page, 'the rule editor');
    await screenshot(page, 'routing-02-editor-tester');

    await dialog.getByRole('button', { name: 'Save rule' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('.rt-rule', { hasText: name }).waitFor();
    const saved = (await manager.call('/routing/rules')).items.find((r) => r.name === name);
    assert.ok(saved, 'the rule is saved');
    assert.deepEqual(saved.conditions, [{ type: 'keywords', values: ['refund*', 'charged twice'] }]);
    assert.equal(saved.actions.assign, true);
    assert.ok(saved.actions.teamId);
  });

  test('rules reorder by keyboard (Alt+↑) and the order is saved', { timeout: 40_000 }, async () => {
    const second = `VIP first ${nonce()}`;
    await manager.call('/routing/rules', { json: { name: second, conditions: [{ type: 'contact_tags', values: ['vip'] }], actions: { assign: true, teamId: null, priority: 'high' } } });
    await page.reload();
    const row = page.locator('.rt-rule', { hasText: second });
    await row.waitFor();
    const before = (await manager.call('/routing/rules')).items.map((r) => r.id);
    const id = before[before.length - 1];
    await row.getByRole('button', { name: /^Reorder/ }).focus();
    await page.keyboard.press('Alt+ArrowUp');
    await eventually(async () => {
      const ids = (await manager.call('/routing/rules')).items.map((r) => r.id);
      return ids.indexOf(id) === before.length - 2;
    }, 'the new order to be saved');
    // Focus stays on the moved rule, and the list shows it one place higher.
    assert.equal(await page.evaluate(() => document.activeElement?.closest('.rt-rule')?.getAttribute('data-rule-id')), id);
    const names = await page.locator('.rt-rule .rt-rule-name').allTextContents();
    assert.equal(names.indexOf(second), before.length - 2);
    await page.getByText(/moved to position/).waitFor({ state: 'attached' });
    // The move-down button puts it back.
    await row.getByRole('button', { name: `Move “${second}” down` }).click();
    await eventually(async () => (await manager.call('/routing/rules')).items.map((r) => r.id).indexOf(id) === before.length - 1, 'the move back to be saved');
    await screenshot(page, 'routing-03-rules');
  });

  test('the agent picker shows presence, load and skills', { timeout: 40_000 }, async () => {
    const open = await manager.call('/conversations?status=open&limit=10');
    conversationId = open.items[0].id;
    await page.goto(`/inbox/conversations/${conversationId}`);
    await page.locator('.messages').waitFor();
    await page.getByLabel('Reply', { exact: true }).waitFor();
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('a');
    const list = page.getByRole('listbox', { name: 'Assign to' });
    await list.waitFor();
    const maria = list.getByRole('option', { name: /Maria Manager/ });
    await maria.waitFor();
    // The manager's own tab is connected: online; every row has load/capacity.
    await eventually(async () => /Online/.test(await maria.textContent()), 'the manager shown online');
    assert.match(await maria.textContent(), /\d+\/\d+/);
    const sam = list.getByRole('option', { name: /Sam Staff/ });
    assert.match(await sam.textContent(), /billing/);
    assert.match(await sam.textContent(), /Offline|Away|Online/);
    // Keyboard: the search filters and arrows move the active option.
    await page.getByLabel('Find an agent by name, skill or team').fill('sam');
    await eventually(async () => (await list.getByRole('option').count()) === 1, 'the search to leave one agent');
    await screenshot(page, 'routing-04-picker');
    await page.keyboard.press('Escape');
    await list.waitFor({ state: 'detached' });
  });

  test('a transfer to an agent with a note shows the routed event in the thread', { timeout: 40_000 }, async () => {
    const note = `Guest wants a refund, check the booking (${nonce()})`;
    await page.getByRole('button', { name: 'Transfer' }).click();
    const dialog = page.getByRole('dialog', { name: 'Transfer conversation' });
    await dialog.waitFor();
    await dialog.getByLabel('Find an agent by name, skill or team').fill('Sam');
    await dialog.getByLabel('Find an agent by name, skill or team').press('Enter');
    await dialog.getByText(/Agent: Sam Staff/).waitFor();
    await dialog.getByLabel('Note for the next agent (optional)').fill(note);
    await expectAxeClean(page, 'the transfer dialog');
    await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    const line = await activityLine(page, page.locator('.sys-routed', { hasText: note }));
    assert.match(await line.textContent(), /Maria Manager transferred the conversation to Sam Staff/);
    await line.locator('summary').click();
    await line.getByText(/considered/).first().waitFor();
    const c = await manager.call(`/conversations/${conversationId}`);
    assert.equal(c.assigneeId, (await apiClient(h.origin, SAM)).user.id);
    await screenshot(page, 'routing-05-transfer');
  });

  test('reply lock: while Sam types, the manager confirms before sending', { timeout: 60_000 }, async () => {
    const samContext = await agentContext(h.browser, h.origin, SAM);
    try {
      const samPage = await samContext.newPage();
      await samPage.goto(`/inbox/conversations/${conversationId}`);
      const samBox = samPage.getByLabel('Reply', { exact: true });
      await samBox.waitFor();
      await page.locator('.viewers').waitFor({ timeout: 10_000 });
      // Sam keeps typing (typing frames stop after a few idle seconds).
      const typing = samBox.pressSequentially('Let me check that for you, one moment please', { delay: 250, timeout: 40_000 });
      await page.getByTestId('reply-lock').filter({ hasText: 'Sam Staff is replying' }).waitFor({ timeout: 10_000 });
      const reply = `Manager here, refund approved (${nonce()})`;
      const box = page.getByLabel('Reply', { exact: true });
      await box.fill(reply);
      await box.press('Control+Enter');
      const confirmBar = page.getByTestId('reply-lock').filter({ hasText: 'Send yours anyway?' });
      await confirmBar.waitFor();
      // Nothing went out before the confirmation.
      assert.equal(await page.locator('.msg-agent', { hasText: reply }).count(), 0);
      await screenshot(page, 'routing-06-reply-lock');
      await confirmBar.getByRole('button', { name: 'Send anyway' }).click();
      const sent = page.locator('.msg-agent', { hasText: reply });
      await sent.waitFor();
      await eventually(async () => !/msg-(sending|locked|failed)/.test(await sent.getAttribute('class')), 'the reply to be confirmed');
      await samPage.locator('.messages').getByText(reply).waitFor({ timeout: 10_000 });
      await typing;
    } finally {
      await samContext.close();
    }
  });

  test('the app never threw', () => {
    assert.deepEqual(pageErrors, []);
  });
});
