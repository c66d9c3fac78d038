// Browser tests of issue 16's defects 10–12 against a real local server (port 8845) and Debian's Chromium.
// Build first: `npx vite build`, then
//   node_modules/.bin/node test/e2e/channels-ui.e2e.mjs
// 10: on a phone the knowledge base's "New" is reachable and the knowledge base, the escalation queue
//     and the conversation list (its "All" tab too) fit the screen without sideways overflow;
// 11: the channel rail groups channels by family under headings, each with a brand mark, and folds
//     channels without conversations under "More channels";
// 12: an e-mail conversation reads as e-mail (From/To/Cc, the subject once, quoted history behind a
//     toggle) and a reply composed with subject, Cc and formatting reaches the stored message and the
//     mail that goes out.
// axe runs on every screen; screenshots at 1440×900 and 390×844, light and dark.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { agentContext, apiClient, eventually, expectAxeClean, nonce, PASSWORD, screenshot, startHarness, watchErrors } from './harness.mjs';

const MANAGER = 'manager@parley.test';
const KB_PATH = '/inbox/messaging/knowledge-base';
const PHONE = { width: 390, height: 844 };
const run = nonce();
const address = `desk-${run}@casa-azul.test`;
const customer = `nora-${run}@example.com`;

let h;
let manager;
let emailConversationId;
const errors = [];

/** Elements that stick out past the right edge of the screen, unless they sit in a sideways scroller on purpose. */
async function overflowing(page) {
  return page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.right <= w + 1) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.position === 'fixed') continue;
      let scroller = false;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const ox = getComputedStyle(a).overflowX;
        if ((ox === 'auto' || ox === 'scroll') && a.getBoundingClientRect().right <= w + 1) {
          scroller = true;
          break;
        }
        // Off-screen drawers (the rail on a phone) are not on the page until opened.
        if (a.getBoundingClientRect().left >= w || a.getBoundingClientRect().right <= 0) {
          scroller = true;
          break;
        }
      }
      if (!scroller) out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} right=${Math.round(r.right)} "${(el.textContent ?? '').trim().slice(0, 30)}"`);
    }
    return { pageWidth: document.documentElement.scrollWidth, viewport: w, items: out.slice(0, 8) };
  });
}

async function expectNoOverflow(page, screen) {
  const o = await overflowing(page);
  assert.ok(o.pageWidth <= o.viewport, `${screen}: the page is ${o.pageWidth}px wide on a ${o.viewport}px screen`);
  assert.deepEqual(o.items, [], `${screen}: elements stick out past the screen's edge`);
}

/** Fully on screen (not clipped by the viewport). */
async function onScreen(locator) {
  const box = await locator.boundingBox();
  return !!box && box.x >= 0 && box.y >= 0 && box.x + box.width <= PHONE.width + 0.5 && box.y + box.height <= PHONE.height + 0.5;
}

async function shots(name, open) {
  for (const scheme of ['light', 'dark']) {
    for (const [size, viewport] of [['wide', { width: 1440, height: 900 }], ['phone', PHONE]]) {
      const ctx = await agentContext(h.browser, h.origin, MANAGER, { viewport, colorScheme: scheme, isMobile: size === 'phone', hasTouch: size === 'phone' });
      const page = await ctx.newPage();
      errors.push(watchErrors(page));
      await open(page, size);
      await expectAxeClean(page, `${name} (${size}, ${scheme})`);
      await screenshot(page, `channels-ui-${name}-${size}-${scheme}`);
      await ctx.close();
    }
  }
}

function mail() {
  return [
    `From: Nora Lind <${customer}>`,
    `To: Casa Azul <${address}>`,
    'Cc: Partner <partner@example.com>',
    'Subject: Airport transfer on Friday',
    `Message-ID: <${nonce()}@example.com>`,
    `Date: ${new Date().toUTCString()}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hello,',
    '',
    'Could you book a taxi from the airport on Friday? We land at 10:40.',
    '',
    'Thanks,',
    'Nora',
    '',
    'On Wed, 2 Dec 2026 at 09:00, Casa Azul <guests@casa-azul.test> wrote:',
    '> Your booking is confirmed for Friday to Sunday.',
    '> We look forward to welcoming you.',
    '',
  ].join('\r\n');
}

// useHarness's own start-up allowance (150 s) is too short on a loaded machine (migrations, wrangler and
// the demo seed took up to 270 s here): the same harness, started with more time.
before(async () => {
  h = await startHarness({ port: Number(process.env.E2E_PORT ?? 8845) });
  await setup();
}, { timeout: 420_000 });
after(async () => {
  await h?.close();
});

async function setup() {
  manager = await apiClient(h.origin, MANAGER);
  await manager.call('/inboxes', { json: { channel: 'email', name: `Guest desk ${run}`, config: { address, fromName: 'Casa Azul' } } });
  const res = await fetch(`${h.origin}/api/dev/email?to=${encodeURIComponent(address)}`, { method: 'POST', headers: { 'content-type': 'message/rfc822' }, body: mail() });
  assert.equal(res.status, 202, await res.clone().text());
  emailConversationId = await eventually(async () => {
    const list = await manager.call(`/conversations?status=open,pending,snoozed,closed&q=${encodeURIComponent(`email:${customer}`)}`);
    return list.items[0]?.id;
  }, 'the e-mail conversation');
  // Something in the escalation queue, so its table has rows on the phone.
  const open = await manager.call('/conversations?status=open&limit=5');
  for (const c of open.items.slice(0, 2)) await manager.call(`/conversations/${c.id}/escalate`, { json: { reason: 'Guest asked for a manager about the refund policy' } }).catch(() => null);
}

describe('channels and layouts (issue 16: 10–12)', { timeout: 600_000 }, () => {
  test('phone: the knowledge base "New" is reachable; knowledge base, escalations and list fit the screen', { timeout: 150_000 }, async () => {
    const ctx = await agentContext(h.browser, h.origin, MANAGER, { viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    errors.push(watchErrors(page));

    await page.goto(KB_PATH);
    await page.getByRole('heading', { level: 1, name: 'Knowledge base' }).waitFor();
    await page.locator('.kb-item').first().waitFor();
    const newLink = page.getByRole('link', { name: 'New', exact: true });
    assert.ok(await onScreen(newLink), 'the knowledge base "New" is on screen');
    await expectNoOverflow(page, 'the knowledge base on a phone');
    await expectAxeClean(page, 'the knowledge base on a phone');
    await newLink.click();
    await page.waitForURL(/knowledge-base\/new/);
    await page.getByLabel('Title').waitFor();

    await page.goto('/inbox/messaging/escalations');
    await page.getByRole('heading', { level: 1, name: 'Escalations' }).waitFor();
    await page.locator('.mx-table tbody tr').first().waitFor();
    for (const view of ['Queue', 'Metrics', 'Paths']) assert.ok(await onScreen(page.getByRole('navigation', { name: 'Escalation views' }).getByRole('link', { name: view })), `the "${view}" tab shows on a phone`);
    await expectNoOverflow(page, 'the escalation queue on a phone');
    // Stacked cards: each cell carries its column's name, and a cell's words stay whole.
    const cells = await page.locator('.mx-table tbody tr').first().locator('td').evaluateAll((tds) =>
      tds.map((td) => ({ label: td.getAttribute('data-label'), width: td.getBoundingClientRect().width, display: getComputedStyle(td).display, wordBreak: getComputedStyle(td).wordBreak })),
    );
    assert.ok(cells.every((c) => c.display !== 'table-cell'), `the escalation rows stack as cards on a phone: ${JSON.stringify(cells)}`);
    assert.ok(cells.filter((c) => c.label).length >= 4, 'each cell is labelled with its column');
    assert.ok(cells.every((c) => c.wordBreak !== 'break-all' && c.width >= 150), `cells are wide enough for whole words: ${JSON.stringify(cells)}`);
    await expectAxeClean(page, 'the escalation queue on a phone');

    await page.goto('/inbox?status=all');
    await page.locator('.row').first().waitFor();
    const all = page.locator('.tabs .tab', { hasText: 'All' });
    await all.scrollIntoViewIfNeeded();
    assert.ok(await onScreen(all), 'the "All" status tab is on screen');
    const clipped = await all.evaluate((el) => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > el.closest('.tabs').getBoundingClientRect().right + 1);
    assert.equal(clipped, false, 'the "All" tab is not clipped');
    await expectNoOverflow(page, 'the conversation list on a phone');
    await ctx.close();
  });

  test('the channel rail: families under headings with brand marks, on screen at 900 px', { timeout: 60_000 }, async () => {
    const ctx = await agentContext(h.browser, h.origin, MANAGER);
    const page = await ctx.newPage();
    errors.push(watchErrors(page));
    await page.goto('/inbox');
    const rail = page.getByRole('navigation', { name: 'Inbox views' });
    await rail.locator('.nav-channels').waitFor();
    const headings = await rail.locator('.nav-channels .nav-family').allTextContents();
    assert.ok(headings.length >= 2, `channels are grouped under family headings: ${JSON.stringify(headings)}`);
    for (const name of headings) assert.ok(['Messaging', 'Social', 'Booking', 'Delivery', 'Voice', 'Digital'].includes(name.trim()), `known family "${name}"`);
    const marks = await rail.locator('.nav-channels .channel').evaluateAll((els) => els.map((e) => ({ svg: !!e.querySelector('svg path'), letter: !!e.querySelector('b'), bg: getComputedStyle(e).backgroundColor, fill: e.querySelector('svg') ? getComputedStyle(e.querySelector('svg')).color : '' })));
    assert.ok(marks.length > 0 && marks.every((m) => m.svg && !m.letter), 'every channel shows a drawn mark, not a letter');
    assert.ok(new Set(marks.map((m) => m.bg + m.fill)).size >= 3, 'the marks carry their brands\' colours');

    // Readable at 900 px: the channel families start on screen without scrolling the rail.
    const first = rail.locator('.nav-channels .nav-family').first();
    const box = await first.boundingBox();
    assert.ok(box && box.y + box.height <= 900, `the first channel family is on screen at 900 px (y=${box?.y})`);
    await expectAxeClean(page, 'the grouped channel rail');
    await ctx.close();
  });

  test('channels without a conversation are folded under "More channels"', { timeout: 90_000 }, async () => {
    // A workspace of its own: every channel of the demo has conversations.
    const email = `rail-${run}@example.com`;
    const signup = await fetch(`${h.origin}/api/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workspaceName: `Rail ${run}`, name: 'Rita Rail', email, password: PASSWORD }) });
    assert.equal(signup.status, 201, await signup.clone().text());
    const owner = await apiClient(h.origin, email);
    const desk = `rail-desk-${run}@casa-azul.test`;
    await owner.call('/inboxes', { json: { channel: 'email', name: 'Desk', config: { address: desk } } });
    for (const channel of ['whatsapp', 'airbnb', 'ubereats']) await owner.call('/inboxes', { json: { channel, name: channel } });
    const raw = [`From: Ola <ola-${run}@example.com>`, `To: ${desk}`, 'Subject: Parking', `Message-ID: <${nonce()}@example.com>`, `Date: ${new Date().toUTCString()}`, 'Content-Type: text/plain; charset=utf-8', '', 'Is there parking?', ''].join('\r\n');
    const res = await fetch(`${h.origin}/api/dev/email?to=${encodeURIComponent(desk)}`, { method: 'POST', headers: { 'content-type': 'message/rfc822' }, body: raw });
    assert.equal(res.status, 202);
    await eventually(async () => (await owner.call('/conversations/counts')).views['channel:email']?.all > 0, 'the mail to make a conversation');

    const ctx = await agentContext(h.browser, h.origin, email);
    const page = await ctx.newPage();
    errors.push(watchErrors(page));
    await page.goto('/inbox');
    const rail = page.getByRole('navigation', { name: 'Inbox views' });
    const more = rail.getByRole('button', { name: /More channels/ });
    await more.waitFor();
    assert.equal(await more.getAttribute('aria-expanded'), 'false');
    assert.deepEqual(await rail.locator('.nav-family').allTextContents(), ['Digital']);
    assert.deepEqual(await rail.locator('.nav-family-list a.nav-item .nav-label').allTextContents(), ['Email']);
    const folded = rail.locator('#more-channels a.nav-item');
    assert.equal(await folded.first().isVisible(), false, 'folded channels are hidden');
    await more.click();
    await eventually(async () => (await more.getAttribute('aria-expanded')) === 'true', 'More channels to open');
    assert.deepEqual((await folded.locator('.nav-label').allTextContents()).sort(), ['Airbnb', 'Uber Eats', 'WhatsApp']);
    await expectAxeClean(page, 'the rail with folded channels');
    await screenshot(page, 'channels-ui-rail-folded');
    await ctx.close();
  });

  test('an e-mail conversation reads as e-mail; a reply with subject, Cc and bold reaches the stored message', { timeout: 120_000 }, async () => {
    const ctx = await agentContext(h.browser, h.origin, MANAGER);
    const page = await ctx.newPage();
    errors.push(watchErrors(page));
    await page.goto(`/inbox/conversations/${emailConversationId}`);
    const msg = page.locator('.msg-email').first();
    await msg.waitFor();
    const head = msg.locator('.email-head');
    await head.getByText(`Nora Lind <${customer}>`).waitFor();
    await head.getByText(`Casa Azul <${address}>`).waitFor();
    await head.getByText('Partner <partner@example.com>').waitFor();
    assert.equal(await page.locator('.email-subject', { hasText: 'Airport transfer on Friday' }).count(), 1, 'the subject shows once');
    assert.equal(await msg.locator('.msg-text').innerText().then((t) => t.startsWith('Airport transfer')), false, 'the subject is not repeated in the body');
    const toggle = msg.getByRole('button', { name: 'Show quoted text' });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await msg.getByText('Your booking is confirmed for Friday to Sunday.').isVisible(), false, 'the quoted history is collapsed');
    await toggle.click();
    await msg.getByText(/Your booking is confirmed for Friday to Sunday\./).waitFor();

    // The composer writes e-mail: subject prefilled, Cc, formatting.
    const subject = page.getByLabel('Subject');
    assert.equal(await subject.inputValue(), 'Re: Airport transfer on Friday');
    await page.getByRole('button', { name: 'Cc/Bcc' }).click();
    await page.getByLabel('Cc', { exact: true }).fill('partner@example.com');
    const box = page.locator('#composer-input');
    await box.fill('A taxi is booked for 10:40.');
    await box.evaluate((el) => el.setSelectionRange(2, 6));
    await page.getByRole('button', { name: 'Bold' }).click();
    assert.equal(await box.inputValue(), 'A **taxi** is booked for 10:40.');
    await subject.fill(`Taxi booked ${run}`);
    await expectAxeClean(page, 'the e-mail conversation and composer');
    await page.getByRole('button', { name: 'Send', exact: true }).click();

    const stored = await eventually(async () => {
      const res = await manager.call(`/conversations/${emailConversationId}/messages?limit=50`);
      return res.items.find((m) => m.direction === 'outbound' && m.email?.subject === `Taxi booked ${run}`);
    }, 'the reply stored with its subject');
    assert.deepEqual(stored.email.cc, ['partner@example.com']);
    assert.equal(stored.text, 'A **taxi** is booked for 10:40.');
    const sent = await eventually(async () => (await manager.call(`/channels/sandbox/outbound?messageId=${stored.id}`)).items[0], 'the mail to go out');
    assert.match(sent.body, new RegExp(`^Subject: Taxi booked ${run}$`, 'm'));
    assert.match(sent.body, /^Cc: partner@example\.com$/m);
    assert.match(sent.body, /multipart\/alternative/);
    const html = [...sent.body.matchAll(/Content-Type: text\/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n([A-Za-z0-9+/=\r\n]+)/g)].map((m) => Buffer.from(m[1].replace(/\s/g, ''), 'base64').toString('utf8'))[0];
    assert.match(html ?? '', /A <strong>taxi<\/strong> is booked/);
    // The thread shows it as e-mail too, bold as bold.
    await page.locator('.msg-email', { hasText: `Taxi booked ${run}` }).locator('strong', { hasText: 'taxi' }).waitFor();
    await ctx.close();
  });

  test('screenshots at 1440×900 and 390×844, light and dark; axe clean', { timeout: 300_000 }, async () => {
    await shots('email', async (page, size) => {
      await page.goto(`/inbox/conversations/${emailConversationId}`);
      await page.locator('.msg-email').first().waitFor();
      if (size === 'wide') await page.getByRole('button', { name: 'Cc/Bcc' }).click();
    });
    await shots('rail', async (page, size) => {
      await page.goto('/inbox');
      if (size === 'phone') {
        await page.getByRole('button', { name: 'Open navigation' }).click();
      }
      await page.locator('.nav-channels').waitFor();
    });
    await shots('kb', async (page) => {
      await page.goto(KB_PATH);
      await page.locator('.kb-item').first().waitFor();
    });
    await shots('escalations', async (page) => {
      await page.goto('/inbox/messaging/escalations');
      await page.locator('.mx-table tbody tr').first().waitFor();
    });
    await shots('list-all', async (page) => {
      await page.goto('/inbox?status=all');
      await page.locator('.row').first().waitFor();
    });
  });

  test('no uncaught errors', () => {
    assert.deepEqual(errors.flat(), []);
  });
});
