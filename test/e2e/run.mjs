// Browser end-to-end tests of the agent app (and its meeting point with the chat widget), run with
// node:test against a real local server and Debian's Chromium. Build first: `npm run build`.
//   node_modules/.bin/node test/e2e/run.mjs
// Screenshots of the main screens land in test/e2e/screenshots/ (git-ignored).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { activityLine, agentContext, apiClient, eventually, expectAxeClean, nonce, screenshot, useHarness, watchErrors } from './harness.mjs';

const MANAGER = 'manager@parley.test';
const SAM = 'sam@parley.test';

let h;
let manager; // API client
let agent; // the manager's browser context
let agentPage;
let pageErrors = [];
/** The web chat conversation the widget scenario creates; later scenarios reuse it. */
let widgetConversationId = null;

useHarness(8801, async (harness) => {
  h = harness;
  manager = await apiClient(h.origin, MANAGER);
});

describe('agent app', { timeout: 240_000 }, () => {
  test('logs in (and the login screen passes axe)', { timeout: 30_000 }, async () => {
    agent = await h.browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: h.origin });
    agent.setDefaultTimeout(10_000);
    agentPage = await agent.newPage();
    pageErrors = watchErrors(agentPage);
    await agentPage.goto('/');
    await agentPage.getByLabel('E-mail').waitFor();
    await expectAxeClean(agentPage, 'the login screen');
    await screenshot(agentPage, '01-login');

    await agentPage.getByLabel('Password').fill('wrong-password');
    await agentPage.getByLabel('E-mail').fill(MANAGER);
    await agentPage.getByRole('button', { name: 'Sign in' }).click();
    await agentPage.getByRole('alert').filter({ hasText: 'Wrong e-mail or password' }).waitFor();

    await agentPage.getByLabel('Password').fill('parley-demo');
    await agentPage.getByRole('button', { name: 'Sign in' }).click();
    await agentPage.locator('.row').first().waitFor();
    assert.match(agentPage.url(), /\/inbox$/);
    await agentPage.getByRole('heading', { name: 'All conversations' }).waitFor();
    // Counts arrive for the views.
    await eventually(async () => (await agentPage.locator('.nav-item.active .nav-count').textContent())?.trim(), 'view counts');
    await agentPage.waitForTimeout(300);
    await expectAxeClean(agentPage, 'the inbox');
    await screenshot(agentPage, '02-inbox');
  });

  test('opens a conversation', { timeout: 30_000 }, async () => {
    const first = agentPage.locator('.row').first();
    const name = (await first.locator('.row-name').textContent()).trim();
    await first.locator('.row-link').click();
    await agentPage.waitForURL(/\/inbox\/conversations\/cnv_/);
    await agentPage.getByRole('heading', { level: 2, name }).waitFor();
    await agentPage.locator('.messages .msg').first().waitFor();
    await agentPage.getByLabel('Reply', { exact: true }).waitFor();
    await agentPage.getByRole('complementary', { name: 'Contact details' }).getByText('Channels').waitFor();
    await expectAxeClean(agentPage, 'the thread');
    await screenshot(agentPage, '03-thread');
  });

  test('a reply reaches the widget; the visitor answers and the list and thread update live', { timeout: 60_000 }, async () => {
    const visitor = await h.browser.newContext({ viewport: { width: 1280, height: 860 }, baseURL: h.origin });
    try {
      const site = await visitor.newPage();
      await site.goto('/demo');
      await site.getByRole('button', { name: /chat/i }).first().click();
      const frame = site.frameLocator('iframe[src*="/widget/frame.html"]');
      const hello = `Hi, is parking included? (${nonce()})`;
      const box = frame.locator('textarea');
      await box.waitFor({ timeout: 15_000 });
      // The widget enables its send button once its session is ready and there is text.
      const say = async (text) => {
        await box.fill(text);
        const send = frame.getByRole('button', { name: /send/i });
        await eventually(() => send.isEnabled(), 'the widget to be ready to send');
        await send.click();
      };
      await say(hello);
      await frame.getByText(hello).waitFor();

      // The agent's list shows the new conversation without a reload (live socket or polling).
      await agentPage.goto('/inbox');
      const row = agentPage.locator('.row', { hasText: hello });
      await row.waitFor({ timeout: 20_000 });
      await row.locator('.row-link').click();
      await agentPage.waitForURL(/\/conversations\/cnv_/);
      widgetConversationId = agentPage.url().match(/conversations\/(cnv_[^/?]+)/)[1];
      await agentPage.locator('.messages').getByText(hello).waitFor();

      const reply = `Yes, parking is free for guests (${nonce()})`;
      const composer = agentPage.getByLabel('Reply', { exact: true });
      await composer.fill(reply);
      await composer.press('Control+Enter');
      const sent = agentPage.locator('.msg-agent', { hasText: reply });
      await sent.waitFor();
      await eventually(async () => !(await sent.getAttribute('class')).includes('msg-sending'), 'the reply to be confirmed');
      await frame.getByText(reply).waitFor({ timeout: 15_000 });
      await screenshot(site, '04-widget');

      // The visitor answers: the open thread and the list row update live — and the counts move by
      // socket frames, not by a refetch per view (it was ~33 requests per message per tab).
      const countRequests = [];
      const onRequest = (req) => {
        const u = new URL(req.url());
        if (u.pathname === '/api/conversations/counts' || (u.pathname === '/api/conversations' && u.searchParams.get('limit') === '1')) countRequests.push(u.pathname);
      };
      agentPage.on('request', onRequest);
      const answer = `Great, thanks! (${nonce()})`;
      await say(answer);
      await agentPage.locator('.messages').getByText(answer).waitFor({ timeout: 15_000 });
      await agentPage.locator(`.row[data-id="${widgetConversationId}"] .row-text`, { hasText: answer }).waitFor({ timeout: 20_000 });
      // Longer than the old 3 s refetch throttle, shorter than the frames' 15 s unread reconcile.
      await agentPage.waitForTimeout(4000);
      agentPage.off('request', onRequest);
      assert.ok(countRequests.length <= 1, `counts refetched ${countRequests.length} times for one customer message`);
      await screenshot(agentPage, '05-live-reply');
    } finally {
      await visitor.close();
    }
  });

  test('bulk-closes three conversations: ticked boxes, a readable bar, an Undo toast; select all matching', { timeout: 60_000 }, async () => {
    await agentPage.goto('/inbox?sort=oldest');
    const rows = agentPage.locator('.row');
    await rows.nth(3).waitFor();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await rows.nth(i).getAttribute('data-id'));
    await rows.nth(0).getByRole('checkbox').click();
    await rows.nth(2).getByRole('checkbox').click({ modifiers: ['Shift'] });
    await agentPage.getByText('3 selected').waitFor();
    // Every selected row shows a ticked box (they stayed empty: issue 16, defect 3).
    for (let i = 0; i < 3; i++) assert.equal(await rows.nth(i).getByRole('checkbox').isChecked(), true, `row ${i} ticked`);
    // The bar's controls sit side by side inside the list column, none overlapping another.
    const bar = agentPage.getByRole('toolbar', { name: /Batch actions/ });
    const boxes = await bar.locator('.bulk-line').first().evaluate((line) => {
      const col = line.closest('.bulk-bar').getBoundingClientRect();
      return { col: { left: col.left, right: col.right }, items: [...line.children].filter((el) => !el.classList.contains('spacer')).map((el) => el.getBoundingClientRect()).map((r) => ({ left: r.left, right: r.right })) };
    });
    for (const [i, b] of boxes.items.entries()) {
      assert.ok(b.right <= boxes.col.right + 0.5 && b.left >= boxes.col.left - 0.5, `bar item ${i} inside the column`);
      if (i > 0) assert.ok(b.left >= boxes.items[i - 1].right - 0.5, `bar item ${i} does not overlap the one before`);
    }
    await bar.getByRole('button', { name: 'Resolve' }).click();
    // No blocking dialog: a toast that can take it back.
    const toastEl = agentPage.locator('.toast', { hasText: 'Resolved 3 conversations' });
    await toastEl.waitFor();
    assert.equal(await agentPage.getByRole('dialog').count(), 0, 'no result dialog when everything worked');
    await screenshot(agentPage, '06-bulk-undo-toast');
    for (const id of ids) {
      await eventually(async () => (await manager.call(`/conversations/${id}`)).status === 'closed', `conversation ${id} closed`);
      await eventually(async () => (await agentPage.locator(`.row[data-id="${id}"]`).count()) === 0, 'closed rows leave the Open view');
    }
    await toastEl.getByRole('button', { name: 'Undo' }).click();
    for (const id of ids) await eventually(async () => (await manager.call(`/conversations/${id}`)).status === 'open', `conversation ${id} reopened by Undo`);
    await agentPage.locator('.toast', { hasText: 'Undone for 3 conversations' }).waitFor();

    // Select all in view, then all matching: the whole list, counted by the server.
    await agentPage.goto('/inbox?status=all');
    await rows.nth(3).waitFor();
    await agentPage.getByRole('checkbox', { name: 'Select all conversations in view' }).first().check();
    const more = agentPage.getByRole('button', { name: /^Select all \d+ matching/ });
    if (await more.count()) {
      const total = Number((await more.textContent()).match(/\d+/)[0]);
      await more.click();
      await agentPage.getByText(`All ${total} selected`).waitFor();
    }
    await agentPage.keyboard.press('Escape');
    await bar.getByRole('button', { name: 'Clear selection' }).click().catch(() => {});
  });

  test('keyboard navigation', { timeout: 30_000 }, async () => {
    await agentPage.goto('/inbox');
    await agentPage.locator('.row').nth(3).waitFor();
    await agentPage.locator('body').click({ position: { x: 900, y: 500 } });
    const focusedIndex = () => agentPage.evaluate(() => document.activeElement?.getAttribute('data-index'));
    await agentPage.keyboard.press('j');
    await agentPage.keyboard.press('j');
    await eventually(async () => (await focusedIndex()) === '2', 'j to move the cursor to the third row');
    await agentPage.keyboard.press('k');
    await eventually(async () => (await focusedIndex()) === '1', 'k to move back up');
    await agentPage.keyboard.press('ArrowDown');
    await eventually(async () => (await focusedIndex()) === '2', '↓ to move down');
    const id = await agentPage.locator('.row').nth(2).getAttribute('data-id');
    await agentPage.keyboard.press('Enter');
    await agentPage.waitForURL(new RegExp(`/conversations/${id}`));
    await agentPage.locator('.messages .msg').first().waitFor();

    // R focuses the reply box, N switches to a note.
    await agentPage.keyboard.press('n');
    await eventually(() => agentPage.evaluate(() => document.activeElement?.id === 'composer-input'), 'N to focus the composer');
    await agentPage.locator('.composer.is-note').waitFor();
    await agentPage.keyboard.type('draft kept across reloads');
    await agentPage.keyboard.press('Escape');
    // The draft survives a reload.
    await agentPage.waitForTimeout(400);
    await agentPage.reload();
    await eventually(async () => (await agentPage.getByLabel('Internal note', { exact: true }).inputValue()) === 'draft kept across reloads', 'the draft after a reload');
    await agentPage.getByLabel('Internal note', { exact: true }).fill('');
    await agentPage.locator('body').click({ position: { x: 900, y: 300 } });

    // A opens the assign menu, Esc closes it; Esc closes the thread.
    await agentPage.keyboard.press('a');
    await agentPage.getByRole('listbox', { name: 'Assign to' }).waitFor();
    await agentPage.keyboard.press('Escape');
    await agentPage.getByRole('listbox', { name: 'Assign to' }).waitFor({ state: 'detached' });
    await agentPage.keyboard.press('Escape');
    await agentPage.waitForURL(/\/inbox$/);

    // X selects the row under the cursor; Ctrl+/ shows the shortcuts; Ctrl+K searches.
    await agentPage.keyboard.press('x');
    await agentPage.getByText('1 selected').waitFor();
    await agentPage.keyboard.press('x');
    await agentPage.getByText('1 selected').waitFor({ state: 'detached' });
    await agentPage.keyboard.press('Control+/');
    await agentPage.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await screenshot(agentPage, '07-shortcuts');
    await agentPage.keyboard.press('Escape');
    await agentPage.getByRole('dialog').waitFor({ state: 'detached' });
    await agentPage.keyboard.press('Control+k');
    await eventually(() => agentPage.evaluate(() => document.activeElement?.id === 'search-input'), 'Ctrl+K to focus search');
  });

  test('a second agent opening the same thread triggers the collision banner', { timeout: 40_000 }, async () => {
    const sam = await apiClient(h.origin, SAM);
    const visible = await sam.call('/conversations?status=open&limit=5');
    const id = visible.items[0].id;
    await agentPage.goto(`/inbox/conversations/${id}`);
    await agentPage.locator('.messages .msg').first().waitFor();

    const samContext = await agentContext(h.browser, h.origin, SAM);
    try {
      const samPage = await samContext.newPage();
      await samPage.goto(`/inbox/conversations/${id}`);
      await samPage.locator('.messages .msg').first().waitFor();
      await agentPage.getByTestId('collision-banner').filter({ hasText: 'Sam Staff' }).waitFor({ timeout: 10_000 });
      await samPage.getByTestId('collision-banner').filter({ hasText: 'Maria Manager' }).waitFor({ timeout: 10_000 });
      // Typing is a stronger warning.
      await samPage.getByLabel('Reply', { exact: true }).pressSequentially('On it', { delay: 30 });
      await agentPage.getByTestId('collision-banner').filter({ hasText: 'is typing' }).waitFor({ timeout: 10_000 });
      await screenshot(agentPage, '08-collision');
      await samPage.getByLabel('Reply', { exact: true }).fill('');
    } finally {
      await samContext.close();
    }
    await agentPage.getByTestId('collision-banner').waitFor({ state: 'detached', timeout: 10_000 });
  });

  test('after a network drop, messages sent meanwhile all show once reconnected', { timeout: 45_000 }, async () => {
    const id = widgetConversationId ?? (await manager.call('/conversations?status=open&limit=1')).items[0].id;
    await agentPage.goto(`/inbox/conversations/${id}`);
    await agentPage.locator('.messages .msg').first().waitFor();
    // Let the thread socket settle (hello received).
    await agentPage.waitForTimeout(800);

    await agent.setOffline(true);
    await agentPage.evaluate(() => window.parleyDropSockets());
    await agentPage.getByText('Reconnecting…').waitFor({ timeout: 10_000 });
    const texts = [1, 2, 3].map((n) => `Sent during the outage #${n} (${nonce()})`);
    for (const text of texts) await manager.call(`/conversations/${id}/messages`, { json: { text, isInternalNote: true } });
    await agentPage.waitForTimeout(500);
    for (const text of texts) assert.equal(await agentPage.locator('.messages').getByText(text).count(), 0, 'nothing arrives while offline');

    await agent.setOffline(false);
    for (const text of texts) await agentPage.locator('.messages').getByText(text).waitFor({ timeout: 15_000 });
    await agentPage.getByText('Reconnecting…').waitFor({ state: 'detached', timeout: 10_000 });
    // Each message once, in order.
    const seqs = await agentPage.locator('.messages .msg[data-seq]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'messages in sequence order');
    assert.equal(new Set(seqs).size, seqs.length, 'no duplicates');
  });

  test('the thread header keeps who, where and status with the contact panel open, a second viewer and no connection', { timeout: 45_000 }, async () => {
    const sam = await apiClient(h.origin, SAM);
    const id = (await sam.call('/conversations?status=open&limit=5')).items[1].id;
    await agentPage.goto(`/inbox/conversations/${id}`);
    await agentPage.locator('.messages .msg').first().waitFor();
    const panel = agentPage.getByRole('button', { name: 'Contact details' });
    if ((await panel.getAttribute('aria-pressed')) !== 'true') await panel.click();
    const samContext = await agentContext(h.browser, h.origin, SAM);
    try {
      const samPage = await samContext.newPage();
      await samPage.goto(`/inbox/conversations/${id}`);
      await agentPage.locator('.viewers').waitFor({ timeout: 10_000 });
      await agentPage.waitForTimeout(500);
      await agent.setOffline(true);
      await agentPage.evaluate(() => window.parleyDropSockets());
      await agentPage.getByText('Reconnecting…').waitFor({ timeout: 10_000 });
      const layout = await agentPage.locator('.thread-title').evaluate((row) => {
        const who = row.querySelector('.thread-who');
        const r = (el) => el.getBoundingClientRect();
        const others = [...row.children].filter((el) => el !== who && !el.classList.contains('avatar') && r(el).width > 0);
        return {
          name: r(who.querySelector('h2')).width,
          status: r(who.querySelector('.status')).width,
          overlaps: others.filter((el) => r(el).left < r(who).right - 0.5 && r(el).right > r(who).left + 0.5).map((el) => el.className),
        };
      });
      assert.ok(layout.name >= 100, `the contact name keeps its width (${layout.name}px)`);
      assert.ok(layout.status > 20, `the status stays visible (${layout.status}px)`);
      assert.deepEqual(layout.overlaps, [], 'nothing overlaps the name block');
      await screenshot(agentPage, '08b-header-busy');
    } finally {
      await agent.setOffline(false);
      await samContext.close();
    }
    await agentPage.getByText('Reconnecting…').waitFor({ state: 'detached', timeout: 15_000 });
  });

  test('a WhatsApp reply shows Sent without a reload', { timeout: 40_000 }, async () => {
    const list = await manager.call('/conversations?channel=whatsapp&status=open&limit=20');
    const conv = list.items.find((i) => i.lastMessageDirection === 'inbound' && Date.now() - i.lastActivityAt < 20 * 3600_000) ?? list.items[0];
    assert.ok(conv, 'a WhatsApp conversation in the demo');
    await agentPage.goto(`/inbox/conversations/${conv.id}`);
    await agentPage.locator('.messages .msg').first().waitFor();
    await agentPage.waitForTimeout(500);
    const reply = `Your room is ready (${nonce()})`;
    const composer = agentPage.getByLabel('Reply', { exact: true });
    await composer.fill(reply);
    await composer.press('Control+Enter');
    const sent = agentPage.locator('.msg', { hasText: reply });
    await sent.locator('.msg-status', { hasText: /Sent|Delivered|Read/ }).waitFor({ timeout: 15_000 });
  });

  // 37–40 s on the 2-core CI machine (the failed send's own retries before it says "Not sent" take most of it): 90 s of room.
  test('header actions, attachments and saved replies', { timeout: 90_000 }, async () => {
    const id = (await manager.call('/conversations?status=open&assignee=unassigned&limit=1')).items[0].id;
    await agentPage.goto(`/inbox/conversations/${id}`);
    await agentPage.locator('.messages .msg').first().waitFor();
    const toolbar = agentPage.getByRole('toolbar', { name: 'Conversation actions' });

    await toolbar.getByRole('button', { name: /Assignee/ }).click();
    await agentPage.getByRole('menuitem', { name: 'Assign to me' }).click();
    await toolbar.getByRole('button', { name: /Assignee: Maria Manager/ }).waitFor();

    await toolbar.getByRole('button', { name: /Priority/ }).click();
    await agentPage.getByRole('menuitemradio', { name: /Urgent/ }).click();
    await toolbar.getByRole('button', { name: /Tags/ }).click();
    await agentPage.getByLabel('Find or create a tag').fill('e2e-tag');
    await agentPage.getByLabel('Find or create a tag').press('Enter');
    await agentPage.keyboard.press('Escape');
    await eventually(async () => {
      const c = await manager.call(`/conversations/${id}`);
      return c.assigneeId === manager.user.id && c.priority === 'urgent' && c.tags.includes('e2e-tag');
    }, 'assignee, priority and tag to be saved');
    await activityLine(agentPage, agentPage.locator('.sys', { hasText: 'set priority to urgent' }));

    // An attachment is uploaded to R2 and sent with the reply; it comes back as a link.
    await agentPage.locator('input[type=file]').setInputFiles({ name: 'checkin-guide.txt', mimeType: 'text/plain', buffer: Buffer.from('Key box code: 1234') });
    await agentPage.locator('.uploads li.done').waitFor();
    await agentPage.getByLabel('Reply', { exact: true }).fill('Here is the guide.');
    await agentPage.getByRole('button', { name: 'Send', exact: true }).click();
    await agentPage.locator('.msg-agent', { hasText: 'Here is the guide.' }).getByRole('link', { name: 'checkin-guide.txt' }).waitFor();

    // A reply that cannot be sent says so, and Retry sends it once (the clientId makes retries idempotent).
    let offline = true;
    const pattern = `**/api/conversations/${id}/messages`;
    await agentPage.route(pattern, (route) => (offline && route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue()));
    const flaky = `Sent after a retry (${nonce()})`;
    await agentPage.getByLabel('Reply', { exact: true }).fill(flaky);
    await agentPage.getByLabel('Reply', { exact: true }).press('Control+Enter');
    const failed = agentPage.locator('.msg', { hasText: flaky }).getByRole('alert');
    await failed.filter({ hasText: 'Not sent' }).waitFor({ timeout: 15_000 });
    offline = false;
    await failed.getByRole('button', { name: 'Retry' }).click();
    await agentPage.locator('.msg-agent:not(.msg-failed):not(.msg-sending)', { hasText: flaky }).waitFor();
    await agentPage.unroute(pattern);
    const stored = (await manager.call(`/conversations/${id}/messages?limit=200`)).items.filter((m) => m.text === flaky);
    assert.equal(stored.length, 1, 'the retried reply is stored once');

    // "/" opens the saved replies picker; without saved replies it says so instead of failing.
    await agentPage.getByLabel('Reply', { exact: true }).fill('/');
    await agentPage.getByRole('listbox', { name: 'Saved replies' }).waitFor();
    await agentPage.getByLabel('Reply', { exact: true }).press('Escape');
    await agentPage.getByLabel('Reply', { exact: true }).fill('');

    // Snooze with a preset, then reopen.
    await agentPage.getByRole('button', { name: 'Snooze', exact: true }).click();
    await agentPage.getByRole('menuitem', { name: /1 hour/ }).click();
    await agentPage.locator('.thread-who .status-snoozed').waitFor();
    // The header shows it at once, before the PATCH is answered: wait for the server to have it.
    await eventually(async () => (await manager.call(`/conversations/${id}`)).status === 'snoozed', 'the snooze to be saved');
    await agentPage.keyboard.press('Alt+1');
    await eventually(async () => (await manager.call(`/conversations/${id}`)).status === 'open', 'Alt+1 to reopen');
    await screenshot(agentPage, '09-actions');
  });

  test('settings: inboxes show the embed snippet and pass axe', { timeout: 30_000 }, async () => {
    await agentPage.goto('/settings/inboxes');
    await agentPage.getByRole('link', { name: /Website chat/ }).click();
    const snippet = agentPage.getByTestId('embed-snippet');
    await snippet.waitFor();
    const text = await snippet.textContent();
    assert.ok(text.includes(`<script src="${h.origin}/widget.js" data-website-token="${h.seed.websiteToken}" async></script>`), text);
    await agentPage.getByRole('button', { name: 'Reveal secret' }).click();
    await agentPage.getByText('demo-identity-secret').waitFor();
    // Knowledge tags scope this inbox's suggestions and assistant to one business's articles.
    const tagsField = agentPage.getByLabel(/Answer from knowledge base articles tagged/);
    await tagsField.fill('Hotel,  spa ,');
    await agentPage.getByRole('button', { name: 'Save changes' }).click();
    await agentPage.getByText('Inbox saved').waitFor();
    const chat = (await manager.call('/inboxes')).items.find((i) => /Website chat/.test(i.name));
    assert.deepEqual(chat.settings.knowledgeTags, ['hotel', 'spa']);
    await agentPage.reload();
    await agentPage.getByLabel(/Answer from knowledge base articles tagged/).waitFor();
    assert.equal(await agentPage.getByLabel(/Answer from knowledge base articles tagged/).inputValue(), 'hotel, spa');
    await expectAxeClean(agentPage, 'settings / inboxes');
    await screenshot(agentPage, '09-settings-inboxes');
    await agentPage.goto('/settings/users');
    await agentPage.getByRole('table').waitFor();
    await expectAxeClean(agentPage, 'settings / users');
    await screenshot(agentPage, '10-settings-users');
  });

  test('a list of 10,000 conversations renders only what is on screen and scrolls smoothly', { timeout: 60_000 }, async () => {
    const TOTAL = 10_000;
    const page = await agent.newPage();
    const base = Date.now();
    const item = (i) => ({
      id: `cnv_synthetic${String(i).padStart(6, '0')}`,
      contactId: `ct_${i}`,
      inboxId: 'inb_x',
      channel: ['webchat', 'whatsapp', 'sms', 'email'][i % 4],
      status: 'open',
      priority: i % 17 === 0 ? 'urgent' : 'normal',
      assigneeId: null,
      teamId: null,
      subject: null,
      tags: i % 5 === 0 ? ['vip'] : [],
      snoozeUntil: null,
      closedAt: null,
      lastActivityAt: base - i * 60_000,
      lastMessagePreview: `Synthetic message number ${i}`,
      lastMessageDirection: 'inbound',
      lastMessageAuthorType: 'contact',
      waitingSince: null,
      messageCount: 1,
      seq: 1,
      unreadCount: i % 3,
      createdAt: base - i * 60_000,
      updatedAt: base - i * 60_000,
      contact: { id: `ct_${i}`, name: `Guest ${i}`, email: null, phone: null, avatarUrl: null },
    });
    const counts = { open: TOTAL, pending: 0, snoozed: 0, closed: 0, all: TOTAL };
    await page.route(/\/api\/conversations\?/, (route) => {
      const url = new URL(route.request().url());
      if (url.searchParams.has('updatedAfter') || url.searchParams.get('limit') === '1') return route.fulfill({ json: { items: [], nextCursor: null, counts } });
      const from = Number(url.searchParams.get('cursor') ?? 0);
      // Bigger pages than the app asks for keep the test short; the windowing is what is under test.
      const limit = Math.max(500, Number(url.searchParams.get('limit') ?? 100));
      const to = Math.min(TOTAL, from + limit);
      const items = Array.from({ length: to - from }, (_, k) => item(from + k));
      return route.fulfill({ json: { items, nextCursor: to < TOTAL ? String(to) : null, counts } });
    });
    await page.goto('/inbox');
    await page.locator('.row').first().waitFor();
    // Scroll to the end page by page: every page loads as it nears the viewport.
    const loaded = async () => page.evaluate(() => document.querySelector('.rows')?.getBoundingClientRect().height ?? 0);
    await eventually(async () => {
      await page.evaluate(() => {
        const el = document.querySelector('.list-scroll');
        el.scrollTop = el.scrollHeight;
      });
      return (await loaded()) >= TOTAL * 78;
    }, 'all 10,000 rows to load', 40_000);
    await page.locator('.row', { hasText: `Guest ${TOTAL - 1}` }).waitFor();
    const rendered = await page.locator('.row').count();
    assert.ok(rendered < 60, `only the visible rows render (${rendered})`);

    // Smoothness: scroll through the list with the wheel and measure frame times (after loading settles).
    await page.evaluate(() => (document.querySelector('.list-scroll').scrollTop = 0));
    await page.waitForTimeout(1000);
    await page.mouse.move(420, 500);
    const measure = async () => {
      await page.evaluate(() => (document.querySelector('.list-scroll').scrollTop = 0));
      await page.waitForTimeout(300);
      const frames = page.evaluate(
        () =>
          new Promise((resolve) => {
            const times = [];
            let last = performance.now();
            const end = last + 2500;
            const tick = (t) => {
              times.push(t - last);
              last = t;
              if (t < end) requestAnimationFrame(tick);
              else resolve(times);
            };
            requestAnimationFrame(tick);
          }),
      );
      // A fast fling: about 13,000 px (170 rows) a second.
      for (let i = 0; i < 70; i++) {
        await page.mouse.wheel(0, 400);
        await page.waitForTimeout(30);
      }
      const times = (await frames).sort((x, y) => x - y);
      const scrolled = await page.evaluate(() => document.querySelector('.list-scroll').scrollTop);
      return { p50: times[Math.floor(times.length / 2)], p95: times[Math.floor(times.length * 0.95)], scrolled };
    };
    // Headless Chromium renders in software here, on a shared machine: retries absorb a noisy neighbour.
    let m = await measure();
    for (let attempt = 1; attempt < 3 && !(m.p50 <= 20 && m.p95 <= 50); attempt++) m = await measure();
    assert.ok(m.scrolled > 20_000, `the list scrolled (${m.scrolled}px)`);
    assert.ok(m.p50 <= 20 && m.p95 <= 50, `frame times while scrolling: median ${m.p50.toFixed(1)} ms, p95 ${m.p95.toFixed(1)} ms`);
    assert.ok((await page.locator('.row').count()) < 60, 'still windowed after scrolling');
    await screenshot(page, '11-ten-thousand');
    await page.close();
  });

  test('dark theme and narrow screens', { timeout: 30_000 }, async () => {
    const dark = await agentContext(h.browser, h.origin, MANAGER, { colorScheme: 'dark' });
    try {
      const page = await dark.newPage();
      await page.goto(widgetConversationId ? `/inbox/conversations/${widgetConversationId}` : '/inbox');
      await page.locator('.row').first().waitFor();
      await page.waitForTimeout(500);
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.notEqual(bg, 'rgb(245, 246, 248)', 'dark background in dark mode');
      await screenshot(page, '12-dark');
    } finally {
      await dark.close();
    }
    const phone = await agentContext(h.browser, h.origin, MANAGER, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      const page = await phone.newPage();
      await page.goto('/inbox');
      await page.locator('.row').first().waitFor();
      assert.equal(await page.locator('.thread-pane').isVisible(), false, 'one pane at a time');
      await page.locator('.row-link').first().click();
      await page.locator('.messages .msg').first().waitFor();
      assert.equal(await page.locator('.list-pane').isVisible(), false, 'the thread replaces the list');
      await screenshot(page, '13-phone-thread');
      await page.getByRole('link', { name: 'Back to the list' }).click();
      await page.locator('.list-pane').waitFor();
    } finally {
      await phone.close();
    }
  });

  test('the app never threw', () => {
    assert.deepEqual(pageErrors, []);
  });
});

describe('AI, knowledge base and channels', { timeout: 240_000 }, () => {
  let ctx;
  let page;
  let errors = [];
  const conversations = async () => (await manager.call('/conversations?limit=100')).items;

  before(async () => {
    ctx = await agentContext(h.browser, h.origin, MANAGER);
    page = await ctx.newPage();
    errors = watchErrors(page);
  });
  after(async () => {
    await ctx?.close();
  });

  test('suggested replies appear on thread open and insert into the composer', { timeout: 40_000 }, async () => {
    let id = null;
    let first = null;
    for (const c of (await conversations()).filter((x) => x.status !== 'closed')) {
      const s = await manager.call(`/conversations/${c.id}/suggestions`);
      // Suggestions are offered while the customer waits for a reply (their message is the latest).
      const latest = (await manager.call(`/conversations/${c.id}/messages?limit=5`)).items.filter((m) => !m.isInternalNote).at(-1);
      if (s.items.length && latest?.direction === 'inbound') {
        id = c.id;
        first = s.items[0];
        break;
      }
    }
    assert.ok(id, 'some conversation has suggestions');
    await page.goto(`/inbox/conversations/${id}`);
    const strip = page.getByRole('region', { name: 'Suggested replies' });
    await strip.waitFor();
    const chips = strip.locator('.suggest-chip');
    await eventually(async () => (await chips.count()) >= 1, 'suggestion chips');
    // Each chip cites its source.
    if (first.sources[0]?.type === 'article') assert.ok((await strip.locator('[role=tooltip]').first().textContent()).includes(first.sources[0].title), 'the why names the article');
    await chips.first().click();
    const composer = page.getByLabel('Reply', { exact: true });
    await eventually(async () => (await composer.inputValue()) === first.text, 'the suggestion in the composer');
    await expectFocused(page, 'composer-input');
    await strip.getByRole('button', { name: 'Refresh suggestions' }).click();
    await eventually(async () => (await chips.count()) >= 1 && !(await strip.getAttribute('aria-busy'))?.includes('true'), 'refreshed suggestions');
    await expectAxeClean(page, 'the thread with suggestions');
    await screenshot(page, '20-suggestions');
    await strip.getByRole('button', { name: 'Dismiss suggestions' }).click();
    await eventually(async () => !(await strip.isVisible()), 'the strip to close');
    await composer.fill('');
  });

  test('the saved reply picker inserts a reply rendered by the server', { timeout: 30_000 }, async () => {
    const composer = page.getByLabel('Reply', { exact: true });
    await composer.fill('/welc');
    const picker = page.getByRole('listbox', { name: 'Saved replies' });
    await picker.getByRole('option', { name: /welcome/i }).first().waitFor();
    await screenshot(page, '21-saved-reply-picker');
    await composer.press('Enter');
    await eventually(async () => /Welcome to Casa Azul/.test(await composer.inputValue()), 'the rendered saved reply');
    const value = await composer.inputValue();
    assert.ok(!value.includes('{{'), `merge fields are filled: ${value}`);
    assert.ok(!value.includes('/welc'), 'the typed shortcut is replaced');
    await composer.fill('');
  });

  test('the assistant can be taken over and resumed', { timeout: 30_000 }, async () => {
    const c = (await conversations()).find((x) => x.channel === 'webchat' && x.status !== 'closed');
    await manager.call(`/conversations/${c.id}/assistant/resume`, { method: 'POST' }); // (the seeded web chat inbox has an assistant in suggest mode)
    await page.goto(`/inbox/conversations/${c.id}`);
    const take = page.getByRole('button', { name: 'Take over' });
    await take.waitFor();
    await take.click();
    await page.getByText('You took over', { exact: true }).waitFor();
    assert.equal((await manager.call(`/conversations/${c.id}/assistant`)).state, 'taken_over');
    await page.getByRole('button', { name: 'Resume AI' }).click();
    await page.getByRole('button', { name: 'Take over' }).waitFor();
    assert.equal((await manager.call(`/conversations/${c.id}/assistant`)).state, 'active');
    // The summary panel in the contact sidebar.
    const side = page.getByRole('complementary', { name: 'Contact details' });
    await side.getByRole('button', { name: /Summarize|Refresh/ }).click();
    await eventually(async () => (await side.locator('.summary-text').count()) > 0 || (await side.getByText('No summary yet.').count()) > 0, 'a summary');
  });

  test('the contact sidebar shows the reservation; SMS shows segments', { timeout: 30_000 }, async () => {
    const all = await conversations();
    const airbnb = all.find((x) => x.channel === 'airbnb');
    await page.goto(`/inbox/conversations/${airbnb.id}`);
    const side = page.getByRole('complementary', { name: 'Contact details' });
    await side.getByRole('heading', { name: 'Bookings & orders' }).waitFor();
    await side.locator('.ctx-card', { hasText: 'Reservation' }).waitFor();
    await screenshot(page, '22-reservation');
    const sms = all.find((x) => x.channel === 'sms' && x.status !== 'closed') ?? all.find((x) => x.channel === 'sms');
    await page.goto(`/inbox/conversations/${sms.id}`);
    await page.getByLabel('Reply', { exact: true }).fill('Hello! Your room is ready.');
    await page.locator('.compose-check', { hasText: '1 segment' }).waitFor();
    await page.getByLabel('Reply', { exact: true }).fill('');
  });

  test('the contact sidebar remembers what guests said before: shown by kind, added, edited and forgotten', { timeout: 45_000 }, async () => {
    const all = await conversations();
    // The demo's earlier stays mention allergies, room wishes and diets; they are remembered when those conversations closed.
    const found = await eventually(async () => {
      for (const x of all.filter((c) => c.status !== 'closed')) {
        const { items } = await manager.call(`/contacts/${x.contactId}/memories`);
        if (items.some((m) => m.origin === 'extracted' && m.type !== 'preference')) return { conversation: x, memory: items.find((m) => m.origin === 'extracted' && m.type !== 'preference') };
      }
      return null;
    }, 'a demo contact with memories');
    await page.goto(`/inbox/conversations/${found.conversation.id}`);
    const side = page.getByRole('complementary', { name: 'Contact details' });
    const section = side.locator('section.memories');
    await section.getByText(found.memory.text).waitFor();
    await section.getByRole('heading', { name: { fact: 'Facts', goal: 'Plans and occasions', experience: 'Earlier experiences' }[found.memory.type] }).waitFor();
    await section.getByText('From a conversation').first().waitFor();

    await section.getByLabel('Kind').selectOption('goal');
    await section.getByLabel('What to remember').fill('Moving to Lisbon in spring');
    await section.getByRole('button', { name: 'Add' }).click();
    await section.getByRole('heading', { name: 'Plans and occasions' }).waitFor();
    await section.getByText('Moving to Lisbon in spring').waitFor();

    await section.getByRole('button', { name: 'Edit “Moving to Lisbon in spring”' }).click();
    await section.getByLabel('Edit what we remember').fill('Moving to Porto in spring');
    await section.getByLabel('Edit what we remember').press('Enter');
    await section.getByText('Moving to Porto in spring').waitFor();
    await expectAxeClean(page, 'the contact memories');
    await screenshot(page, '22b-memories');

    await section.getByRole('button', { name: 'Forget “Moving to Porto in spring”' }).click();
    await eventually(async () => (await section.getByText('Moving to Porto in spring').count()) === 0, 'the memory to be forgotten');
    const { items } = await manager.call(`/contacts/${found.conversation.contactId}/memories`);
    assert.equal(items.some((m) => /Porto|Lisbon/.test(m.text)), false);
  });

  test('follow-ups and send later: set from the header, listed in a banner, edited and cancelled', { timeout: 45_000 }, async () => {
    const all = await conversations();
    const open = all.find((x) => x.status === 'open' && !x.followUpAt);
    await page.goto(`/inbox/conversations/${open.id}`);
    await page.getByLabel('Reply', { exact: true }).waitFor();
    const menu = page.getByRole('button', { name: 'Remind me or schedule a message' });
    await menu.click();
    await page.getByRole('radio', { name: 'Send later' }).check();
    await page.getByLabel('Message to send', { exact: true }).fill('Just checking in: did the heating work out?');
    await page.getByRole('menuitem', { name: /Tomorrow morning/ }).click();
    const banner = page.getByRole('region', { name: 'Follow-ups and scheduled messages' });
    await banner.getByText(/Sends tomorrow/).waitFor();
    await banner.getByText('“Just checking in: did the heating work out?”').waitFor();
    await banner.getByRole('button', { name: 'Edit' }).click();
    await banner.getByLabel('Scheduled message').fill('Just checking in: is the heating working now?');
    await banner.getByRole('button', { name: 'Save' }).click();
    await banner.getByText('“Just checking in: is the heating working now?”').waitFor();
    const [scheduled] = (await manager.call(`/conversations/${open.id}/scheduled-messages`)).items;
    assert.equal(scheduled.text, 'Just checking in: is the heating working now?');

    await menu.click();
    await page.getByRole('radio', { name: 'Remind me' }).check();
    await page.getByRole('menuitem', { name: /^1 hour/ }).click();
    await banner.getByText(/Follow-up (today|tomorrow)/).waitFor();
    await banner.getByText('cancelled if the customer replies').waitFor();
    // The list row shows the follow-up too.
    await page.locator(`.row:has(a[href*="${open.id}"]) .row-followup`).waitFor();
    await expectAxeClean(page, 'the follow-up banner');
    await screenshot(page, '22c-follow-ups');

    await banner.getByRole('button', { name: /Cancel the message scheduled/ }).click();
    await banner.getByRole('button', { name: /Cancel the follow-up/ }).click();
    await eventually(async () => (await page.getByRole('region', { name: 'Follow-ups and scheduled messages' }).count()) === 0, 'the banner to empty');
    assert.deepEqual((await manager.call(`/conversations/${open.id}/follow-ups`)).items, []);
    assert.deepEqual((await manager.call(`/conversations/${open.id}/scheduled-messages`)).items, []);
  });

  test('a quiet conversation waiting on the customer suggests a follow-up, scheduled in one click', { timeout: 45_000 }, async () => {
    // The demo has replies that ask the guest something hours ago; find one the server suggests for.
    let target = null;
    for (const c of (await conversations()).filter((x) => x.status === 'open' || x.status === 'pending')) {
      const { suggestion } = await manager.call(`/conversations/${c.id}/follow-ups/suggestion`);
      if (suggestion) {
        target = { id: c.id, suggestion };
        break;
      }
    }
    assert.ok(target, 'a demo conversation with a suggested follow-up');
    assert.match(target.suggestion.reason, /^You asked “.+” \d+ hours? ago and the customer has not answered\.$/);
    await page.goto(`/inbox/conversations/${target.id}`);
    const card = page.getByRole('region', { name: 'Suggested follow-up' });
    await card.getByText(target.suggestion.reason).waitFor();
    await card.getByText(`Would send: “${target.suggestion.text}”`).waitFor();
    await expectAxeClean(page, 'the follow-up suggestion');
    await screenshot(page, '22d-follow-up-suggestion');
    await card.getByRole('button', { name: 'Schedule it' }).click();
    const banner = page.getByRole('region', { name: 'Follow-ups and scheduled messages' });
    await banner.getByText(/Follow-up (today|tomorrow|\w{3})/).waitFor();
    const [f] = (await manager.call(`/conversations/${target.id}/follow-ups`)).items;
    assert.equal(f.text, target.suggestion.text);
    assert.equal(f.cancelOnReply, true);
    // With a follow-up pending there is nothing more to suggest.
    assert.equal((await manager.call(`/conversations/${target.id}/follow-ups/suggestion`)).suggestion, null);
    await banner.getByRole('button', { name: /Cancel the follow-up/ }).click();
    await eventually(async () => (await manager.call(`/conversations/${target.id}/follow-ups`)).items.length === 0, 'the follow-up to be cancelled');
  });

  test('knowledge base: create, publish, edit, history with diff, restore, conflict', { timeout: 60_000 }, async () => {
    await page.goto('/inbox');
    await page.getByRole('link', { name: 'Knowledge base' }).click();
    await page.waitForURL(/\/inbox\/messaging\/knowledge-base$/);
    await page.locator('.kb-item').first().waitFor();
    await expectAxeClean(page, 'the knowledge base');
    await page.getByRole('link', { name: 'New', exact: true }).click();
    const title = `Late check-out (${nonce()})`;
    await page.getByLabel('Title').fill(title);
    const body = page.getByRole('textbox', { name: 'Body' });
    await body.click();
    await page.keyboard.type('Late check-out until 1 pm costs 20 euros.');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Bulleted list' }).click();
    await page.keyboard.type('Ask the day before');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForURL(/knowledge-base\/kba_/);
    const id = page.url().match(/(kba_[^/?]+)/)[1];
    const created = await manager.call(`/kb/articles/${id}`);
    assert.equal(created.status, 'published');
    assert.match(created.body, /<li>Ask the day before<\/li>/);
    await page.getByRole('switch', { name: 'Published' }).waitFor();
    assert.equal(await page.getByRole('switch', { name: 'Published' }).isChecked(), true);
    await page.locator('.kb-item', { hasText: title }).waitFor();

    // An edit is a new version; the history shows it with a diff, and version 1 can be restored.
    await page.getByRole('textbox', { name: 'Body' }).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Free for VIP guests.');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(/^v2 ·/).waitFor();
    await page.getByRole('tab', { name: 'History' }).click();
    await page.getByRole('button', { name: /Version 2/ }).waitFor();
    await page.getByRole('button', { name: /Version 1/ }).waitFor();
    await page.locator('.diff-body ins, .diff-insert', { hasText: 'Free for VIP guests.' }).first().waitFor();
    await expectAxeClean(page, 'the knowledge base history');
    await screenshot(page, '23-kb-history');
    await page.getByRole('button', { name: /Version 1/ }).click();
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: 'Restore version 1' }).click();
    await page.getByText(/^v3 ·/).waitFor();
    assert.ok(!(await manager.call(`/kb/articles/${id}`)).bodyText.includes('Free for VIP'), 'version 1 restored');

    // Unpublish with the switch.
    await page.getByRole('switch', { name: 'Published' }).click();
    await eventually(async () => (await manager.call(`/kb/articles/${id}`)).status === 'draft', 'unpublished');

    // Someone else saves meanwhile: saving here answers 409 and offers a reload.
    const current = await manager.call(`/kb/articles/${id}`);
    await manager.call(`/kb/articles/${id}`, { method: 'PATCH', json: { title: `${title} (edited elsewhere)`, baseVersion: current.version } });
    await page.getByRole('textbox', { name: 'Body' }).click();
    await page.keyboard.type(' More.');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'changed elsewhere' }).waitFor();
    await screenshot(page, '24-kb-conflict');
    await page.getByRole('button', { name: 'Reload' }).click();
    await page.getByRole('heading', { name: `${title} (edited elsewhere)` }).waitFor();
  });

  test('settings: channels toggles a channel (and the rail follows); AI and dead letters pass axe', { timeout: 40_000 }, async () => {
    await page.goto('/settings/channels');
    const rail = page.getByRole('navigation', { name: 'Inbox views' });
    await rail.getByRole('link', { name: 'Telegram' }).waitFor();
    const sw = page.getByRole('switch', { name: 'Telegram enabled' });
    await sw.waitFor();
    await expectAxeClean(page, 'settings / channels');
    await screenshot(page, '25-settings-channels');
    await sw.click();
    await eventually(async () => (await manager.call('/channels')).items.find((c) => c.key === 'telegram').enabled === false, 'telegram disabled');
    await eventually(async () => (await rail.getByRole('link', { name: 'Telegram' }).count()) === 0, 'the rail to hide Telegram');
    await sw.click();
    await eventually(async () => (await manager.call('/channels')).items.find((c) => c.key === 'telegram').enabled === true, 'telegram enabled again');
    await rail.getByRole('link', { name: 'Telegram' }).waitFor();

    await page.goto('/settings/ai');
    await page.getByLabel('Tone').waitFor();
    await page.getByLabel('Assistant mode for Website chat').waitFor();
    await expectAxeClean(page, 'settings / AI');
    await screenshot(page, '26-settings-ai');
    await page.getByLabel('Tone').selectOption('concise');
    await page.getByRole('button', { name: 'Save reply style' }).click();
    await eventually(async () => (await manager.call('/ai/settings')).tone === 'concise', 'the tone to be saved');
    await manager.call('/ai/settings', { method: 'PUT', json: { tone: 'warm' } });

    await page.goto('/settings/dead-letters');
    await page.getByRole('heading', { name: 'Dead letters' }).waitFor();
    await page.waitForTimeout(300);
    await expectAxeClean(page, 'settings / dead letters');
  });

  test('the knowledge base in dark mode', { timeout: 30_000 }, async () => {
    const dark = await agentContext(h.browser, h.origin, MANAGER, { colorScheme: 'dark' });
    try {
      const p = await dark.newPage();
      const e = watchErrors(p);
      const first = (await manager.call('/kb/articles?status=published&limit=1')).items[0];
      await p.goto(`/inbox/messaging/knowledge-base/${first.id}`);
      await p.getByRole('textbox', { name: 'Body' }).waitFor();
      await expectAxeClean(p, 'the knowledge base editor (dark)');
      await screenshot(p, '27-kb-dark');
      assert.deepEqual(e, []);
    } finally {
      await dark.close();
    }
  });

  test('these screens never threw', () => {
    assert.deepEqual(errors, []);
  });
});

async function expectFocused(page, id) {
  await eventually(async () => (await page.evaluate(() => document.activeElement?.id)) === id, `#${id} to have focus`);
}
