// Browser end-to-end tests of SLAs, escalations and AI alerts in the agent app (issue 6), against a
// real local server (port 8803) and Debian's Chromium. Build first: `npm run build`, then
//   node_modules/.bin/node test/e2e/sla.e2e.mjs
// A manager builds an SLA policy (a one-minute first-response target, warning at 50 %) and an
// escalation path in the UI; a visitor writes through the widget API; the countdown on the row and
// in the header goes green → amber → red, "Breached" lists it, the path raises the priority on the
// breach and the escalation is worked and resolved from the queue; an AI alert rule is built with
// "try it"; axe runs on the three pages (also dark and narrow).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { activityLine, agentContext, apiClient, eventually, expectAxeClean, nonce, screenshot, useHarness, watchErrors } from './harness.mjs';

const MANAGER = 'manager@parley.test';
const TARGET_S = 60;

let h;
let manager;
let ctx;
let page;
let pageErrors = [];
const run = nonce();
const inboxName = `SLA desk ${run}`;
const policyName = `One-minute first response ${run}`;
const pathName = `Breach path ${run}`;
let websiteToken;
let conversationId = null;

/** A visitor writes through the widget API (a new web chat conversation on our inbox). */
async function visitorWrites(text) {
  const s = await fetch(`${h.origin}/widget/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ websiteToken, name: `Guest ${run}` }) });
  assert.equal(s.status, 200, await s.clone().text());
  const { visitorToken } = await s.json();
  const m = await fetch(`${h.origin}/widget/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${visitorToken}` }, body: JSON.stringify({ text, clientId: `e2e-${nonce()}` }) });
  assert.equal(m.status, 201, await m.clone().text());
  return (await m.json()).conversationId;
}

const tone = (locator) => locator.getAttribute('data-tone');

/** Open a supervisor page, wait for its title and one of its sections, and run axe on it. */
async function openPage(path, title, section, screen) {
  await page.goto(path);
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  await page.getByRole('heading', { name: section }).waitFor();
  await expectAxeClean(page, screen);
}

/** Focus a reorderable row's handle, press Home, and wait until the server has the new order. */
async function moveToTop(name, apiPath) {
  const handle = page.getByRole('button', { name: new RegExp(`^Reorder ${name}, position \\d+ of \\d+$`) });
  await handle.focus();
  await page.keyboard.press('Home');
  await page.getByRole('button', { name: new RegExp(`^Reorder ${name}, position 1 of \\d+$`) }).waitFor();
  await eventually(async () => (await manager.call(apiPath)).items[0]?.name === name, `${name} to be saved first`);
}

useHarness(8803, async (harness) => {
  h = harness;
  manager = await apiClient(h.origin, MANAGER);
  // Our own web chat inbox, so the policy applies to this test's conversation only (before the app loads its directory).
  const inbox = await manager.call('/inboxes', { json: { channel: 'webchat', name: inboxName } });
  websiteToken = inbox.websiteToken;
  assert.ok(websiteToken, 'the web chat inbox has a website token');
  ctx = await agentContext(h.browser, h.origin, MANAGER);
  page = await ctx.newPage();
  pageErrors = watchErrors(page);
});

describe('SLAs, escalations and AI alerts', { timeout: 420_000 }, () => {
  test('the manager creates an SLA policy in the UI; the SLA page passes axe', { timeout: 60_000 }, async () => {
    await openPage('/inbox/messaging/sla', 'SLA policies', 'Auto-status', 'the SLA page');

    await page.getByRole('link', { name: 'New policy' }).click();
    const dialog = page.getByRole('dialog', { name: 'New SLA policy' });
    await dialog.waitFor();
    await dialog.getByLabel('Name').fill(policyName);
    await dialog.locator('#sla-target-firstResponse').fill(String(TARGET_S));
    await dialog.getByLabel('First response unit').selectOption('seconds');
    await dialog.getByRole('group', { name: 'Inboxes' }).getByLabel(inboxName).check();
    await dialog.getByLabel(/Business hours only/).uncheck();
    await dialog.locator('#sla-warning').fill('50');
    await expectAxeClean(page, 'the SLA policy editor');
    await screenshot(page, 'sla-01-policy-editor');
    await dialog.getByRole('button', { name: 'Create policy' }).click();
    await dialog.waitFor({ state: 'detached' });
    const item = page.locator('.mx-item', { hasText: policyName });
    await item.waitFor();
    await item.getByText('First response 1m').waitFor();
    // First match wins: move it to the top from the keyboard (the demo workspace has policies of its own).
    await moveToTop(policyName, '/sla/policies');

    const saved = (await manager.call('/sla/policies')).items.find((p) => p.name === policyName);
    assert.ok(saved, 'the policy was saved');
    assert.equal(saved.targets.firstResponse, TARGET_S * 1000);
    assert.equal(saved.businessHours, false);
    assert.equal(saved.warningPct, 50);
    assert.equal(saved.conditions.inboxIds.length, 1);
  });

  test('the manager creates an escalation path in the UI; the escalations page passes axe', { timeout: 60_000 }, async () => {
    await page.goto('/inbox/messaging/escalations?tab=paths');
    await page.getByRole('heading', { name: 'Escalation paths' }).waitFor();
    await page.getByRole('button', { name: 'New path' }).click();
    const dialog = page.getByRole('dialog', { name: 'New escalation path' });
    await dialog.waitFor();
    await dialog.getByLabel('Name', { exact: true }).fill(pathName);
    // Starts on an SLA breach (the default); level 1 runs at once: notify managers and the assignee, raise priority one step.
    assert.equal(await dialog.getByRole('group', { name: 'Starts on' }).getByLabel('SLA breach').isChecked(), true);
    await dialog.getByRole('group', { name: 'Priority' }).getByLabel('Normal').check();
    await expectAxeClean(page, 'the escalation path editor');
    await screenshot(page, 'sla-02-path-editor');
    await dialog.getByRole('button', { name: 'Create path' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('.mx-item', { hasText: pathName }).waitFor();
    await moveToTop(pathName, '/escalations/paths');
    const saved = (await manager.call('/escalations/paths')).items.find((p) => p.name === pathName);
    assert.ok(saved, 'the path was saved');
    assert.deepEqual(saved.triggers, ['breach']);
    assert.equal(saved.levels[0].delayMs, 0);
    assert.ok(saved.levels[0].actions.some((a) => a.type === 'raise_priority'));

    await page.goto('/inbox/messaging/escalations');
    await page.getByRole('heading', { level: 1, name: 'Escalations' }).waitFor();
    await page.locator('.mx-table, .mx-empty').first().waitFor();
    await expectAxeClean(page, 'the escalation queue');
    await page.goto('/inbox/messaging/escalations?tab=metrics');
    await page.getByText('Escalation rate', { exact: true }).waitFor();
    await expectAxeClean(page, 'the escalation metrics');
  });

  test('a new conversation counts down green → amber → red on its row and header; "Breached" lists it', { timeout: 150_000 }, async () => {
    const text = `Is late check-out possible? (${run})`;
    conversationId = await visitorWrites(text);
    const conv = await eventually(async () => {
      const c = await manager.call(`/conversations/${conversationId}`);
      return c.sla ? c : null;
    }, 'the policy to apply to the new conversation');
    assert.equal(conv.sla.policyName, policyName);

    await page.goto('/inbox?sort=sla');
    const row = page.locator(`.row[data-id="${conversationId}"]`);
    await row.waitFor({ timeout: 20_000 });
    const rowTimer = row.locator('.sla-timer');
    await rowTimer.waitFor();
    assert.equal(await tone(rowTimer), 'ok', 'green while on track');
    assert.match(await rowTimer.locator('.sr-only').textContent(), /due in \d+ seconds?/);

    await row.locator('.row-link').click();
    await page.waitForURL(new RegExp(`/conversations/${conversationId}`));
    const headTimer = page.locator('.thread-head .sla-timer');
    await headTimer.waitFor();
    assert.match(await headTimer.locator('.sr-only').textContent(), /^First response due in \d+ seconds?$/);
    assert.notEqual(await tone(headTimer), 'breached');
    await expectAxeClean(page, 'the thread with an SLA countdown');
    await screenshot(page, 'sla-03-countdown');

    // Amber from 50 % of the target, red at the deadline (bounded waits: the target is one minute).
    await eventually(async () => (await tone(headTimer)) === 'warning', 'the header countdown to turn amber', TARGET_S * 1000);
    await eventually(async () => (await tone(rowTimer)) === 'warning' || (await tone(rowTimer)) === 'breached', 'the row countdown to turn amber', 15_000);
    await eventually(async () => (await tone(headTimer)) === 'breached', 'the header countdown to turn red', TARGET_S * 1000);
    assert.match(await headTimer.locator('.sla-face').textContent(), /overdue/);
    await eventually(async () => (await tone(rowTimer)) === 'breached', 'the row countdown to turn red', 15_000);
    await screenshot(page, 'sla-04-breached');

    // The server agrees, and the "Breached" view lists the conversation.
    await eventually(async () => (await manager.call(`/conversations/${conversationId}`)).sla?.status === 'breached', 'the server to record the breach', 20_000);
    await page.getByRole('link', { name: /^Breached/ }).click();
    await page.waitForURL(/sla=breached/);
    await page.getByRole('heading', { level: 1, name: 'SLA breached' }).waitFor();
    await page.locator(`.row[data-id="${conversationId}"]`).waitFor({ timeout: 15_000 });
  });

  test('the escalation path runs on the breach: priority raised, shown in the activity and in the queue; resolved with a note', { timeout: 90_000 }, async () => {
    assert.ok(conversationId, 'needs the breached conversation');
    await eventually(async () => (await manager.call(`/conversations/${conversationId}`)).priority === 'high', 'level 1 to raise the priority', 30_000);
    await page.goto(`/inbox/conversations/${conversationId}`);
    await activityLine(page, page.locator('.sys', { hasText: 'First response SLA breached' }));
    await activityLine(page, page.locator('.sys', { hasText: /Escalated on “.+” \(SLA breach\)/ }));
    await activityLine(page, page.locator('.sys', { hasText: /Escalation level 1.*priority normal → high/ }));
    await page.locator('.thread-head .pill-escalated').waitFor();
    await page.locator('.thread-actions').getByText('High').waitFor();
    await page.locator(`.row[data-id="${conversationId}"] .row-escalated`).waitFor();

    const active = await eventually(async () => (await manager.call('/escalations?state=active')).items.find((i) => i.escalation.conversationId === conversationId), 'the escalation in the queue', 15_000);
    const escId = active.escalation.id;
    await page.goto('/inbox/messaging/escalations');
    const qrow = page.locator(`tr[data-id="${escId}"]`);
    await qrow.waitFor();
    await qrow.getByText('SLA breach', { exact: true }).waitFor();
    await qrow.getByRole('link').click();
    await page.waitForURL(new RegExp(`/escalations/${escId}`));
    const detail = page.locator('.mx-detail');
    await detail.getByText(`Active, level 1`).waitFor();
    await detail.getByLabel('Add a note').fill('Called the guest; late check-out approved.');
    await detail.getByRole('button', { name: 'Add note' }).click();
    await detail.locator('.mx-notes li', { hasText: 'late check-out approved' }).waitFor();
    await expectAxeClean(page, 'the escalation detail');
    await screenshot(page, 'sla-05-escalation');
    await detail.getByLabel('Resolution note (optional)').fill('Guest happy, closing the escalation.');
    await detail.getByRole('button', { name: 'Resolve escalation' }).click();
    await detail.getByText(/^Resolved/).waitFor();
    await detail.locator('.mx-notes li', { hasText: 'Guest happy' }).waitFor();
    const done = await manager.call(`/escalations/${escId}`);
    assert.ok(done.escalation.resolvedAt, 'the escalation is resolved');
    await page.goto('/inbox/messaging/escalations?state=resolved');
    await page.locator(`tr[data-id="${escId}"]`).waitFor();
    await page.goto(`/inbox/conversations/${conversationId}`);
    await activityLine(page, page.locator('.sys', { hasText: /resolved the escalation/ }));
  });

  test('an AI alert rule is built in the UI with "try it"; the AI alerts page passes axe', { timeout: 60_000 }, async () => {
    await openPage('/inbox/messaging/ai-alerts', 'AI alerts', 'Recently fired', 'the AI alerts page');
    await page.getByRole('button', { name: 'New rule' }).click();
    const dialog = page.getByRole('dialog', { name: 'New AI alert rule' });
    await dialog.waitFor();
    await dialog.getByLabel('Name', { exact: true }).fill(`Angry or refund ${run}`);
    await dialog.getByLabel('Any of these (OR)').check();
    await dialog.getByLabel('Add a condition').selectOption('keywords');
    await dialog.locator('#c1-kw').fill('refund, lawyer');
    await dialog.getByRole('button', { name: 'Try it' }).click();
    const hits = dialog.locator('.mx-hits li');
    await hits.first().waitFor({ timeout: 15_000 });
    assert.match(await hits.first().textContent(), /fires/);
    assert.equal(await dialog.locator('.mx-sentiments li').count(), 3);
    // The angry last message scores negative.
    assert.match(await dialog.locator('.mx-sentiments li').last().locator('.mx-score').getAttribute('class'), /neg/);
    await expectAxeClean(page, 'the AI alert rule editor');
    await screenshot(page, 'sla-06-ai-alert');

    // A calm message fires nothing.
    await dialog.getByLabel(/Customer messages/).fill('Thanks, everything was lovely!');
    await dialog.getByRole('button', { name: 'Try it' }).click();
    await dialog.getByText('No rule fires on these messages.').waitFor();

    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('.mx-item', { hasText: `Angry or refund ${run}` }).waitFor();
    const saved = (await manager.call('/ai-alerts/rules')).items.find((r) => r.name === `Angry or refund ${run}`);
    assert.equal(saved.op, 'or');
    assert.deepEqual(saved.conditions.map((c) => c.type), ['sentiment_below', 'keywords']);
  });

  test('policies reorder from the keyboard', { timeout: 30_000 }, async () => {
    await manager.call('/sla/policies', { json: { name: `Second ${run}`, targets: { firstResponse: 3_600_000 }, conditions: { priorities: ['urgent'] } } });
    const n = (await manager.call('/sla/policies')).items.length;
    await page.goto('/inbox/messaging/sla');
    const second = page.getByRole('button', { name: `Reorder Second ${run}, position ${n} of ${n}` });
    await second.focus();
    await page.keyboard.press('Home');
    const moved = page.getByRole('button', { name: `Reorder Second ${run}, position 1 of ${n}` });
    await moved.waitFor();
    // Focus stays on the moved row's handle, and the move is announced.
    assert.equal(await moved.evaluate((el) => el === document.activeElement), true);
    await page.getByText(`Second ${run} moved to position 1 of ${n}`).waitFor();
    await eventually(async () => (await manager.call('/sla/policies')).items[0]?.name === `Second ${run}`, 'the new order to be saved');
  });

  test('the three pages pass axe in dark mode on a narrow screen', { timeout: 60_000 }, async () => {
    const narrow = await agentContext(h.browser, h.origin, MANAGER, { viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    try {
      const p = await narrow.newPage();
      const errors = watchErrors(p);
      for (const [path, heading] of [
        ['/inbox/messaging/sla', 'SLA policies'],
        ['/inbox/messaging/escalations', 'Escalations'],
        ['/inbox/messaging/ai-alerts', 'AI alerts'],
      ]) {
        await p.goto(path);
        await p.getByRole('heading', { level: 1, name: heading }).waitFor();
        await p.waitForTimeout(300);
        await expectAxeClean(p, `${path} (dark, narrow)`);
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 1, `${path} scrolls sideways on a narrow screen (${overflow}px)`);
      }
      await screenshot(p, 'sla-07-dark-narrow');
      assert.deepEqual(errors, []);
    } finally {
      await narrow.close();
    }
  });

  test('the app never threw', () => {
    assert.deepEqual(pageErrors, []);
  });
});
