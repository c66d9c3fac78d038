// Browser test: customer and agent text never runs as code (issue 15). Hostile strings are put
// everywhere the app or the widget shows text someone else wrote — message bodies (customer, agent,
// internal note), contact names and attributes, tags, file names, team, inbox and user names, saved
// replies, knowledge-base titles and bodies — then every surface that shows them is opened in
// Chromium. Each payload calls window.__pwn if it ever runs; a dialog counts too. Port 8804.
//   npm run build && node_modules/.bin/node test/e2e/xss.e2e.mjs
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { agentContext, apiClient, eventually, nonce, useHarness, watchErrors } from './harness.mjs';

const MANAGER = 'manager@parley.test';
const run = nonce();
/** Short enough for a tag (50 characters); each names where it was put. */
const short = (where) => `<img src=x onerror=__pwn('${where}')>`;
/** The long corpus: markup, event handlers, script and javascript: links, template and Markdown tricks. */
const corpus = (where) =>
  [
    `X${run}`,
    `<img src=x onerror="__pwn('${where}:img')">`,
    `<svg/onload=__pwn('${where}:svg')>`,
    `"><script>__pwn('${where}:script')</script>`,
    `<a href="javascript:__pwn('${where}:a')">link</a>`,
    `[md](javascript:__pwn('${where}:md'))`,
    `javascript:__pwn('${where}:bare')`,
    `{{constructor.constructor("__pwn('${where}:tpl')")()}}`,
    `<iframe srcdoc="<script>parent.__pwn('${where}:iframe')</script>"></iframe>`,
    `<details open ontoggle=__pwn('${where}:details')>`,
  ].join(' ');

let h;
let manager;
let ctx;
let page;
let pageErrors = [];
let conversationId;
let websiteToken;
let visitorToken;
const fired = [];

/** Every page of the test gets the tripwire before any of its own scripts run. */
async function arm(context) {
  await context.addInitScript(() => {
    window.__pwn = (where) => {
      (window.__fired ??= []).push(String(where));
      console.error(`XSS FIRED: ${where}`);
    };
  });
}

function watch(p) {
  p.on('dialog', async (d) => {
    fired.push(`dialog: ${d.message()}`);
    await d.dismiss();
  });
  p.on('console', (m) => {
    if (m.text().startsWith('XSS FIRED')) fired.push(m.text());
  });
}

/** Nothing ran, and no element carries a javascript: link. */
async function assertInert(p, surface) {
  const inPage = await p.evaluate(() => window.__fired ?? []);
  const frames = await Promise.all(p.frames().map((f) => f.evaluate(() => window.__fired ?? []).catch(() => [])));
  assert.deepEqual([...inPage, ...frames.flat(), ...fired], [], `script ran on ${surface}`);
  const jsLinks = await p.evaluate(() => [...document.querySelectorAll('a[href], iframe[src], iframe[srcdoc]')].filter((a) => /^\s*javascript:/i.test(a.getAttribute('href') ?? a.getAttribute('src') ?? '') || a.hasAttribute('srcdoc')).length);
  assert.equal(jsLinks, 0, `a javascript: link or srcdoc frame on ${surface}`);
}

useHarness(8804, async (harness) => {
  h = harness;
  manager = await apiClient(h.origin, MANAGER);
  const api = manager.call;
  const inbox = await api('/inboxes', { json: { channel: 'webchat', name: corpus('inbox').slice(0, 200) } });
  websiteToken = inbox.websiteToken;
  await api('/teams', { json: { name: corpus('team').slice(0, 200) } });
  await api('/tags', { json: { name: short('tag') } });
  await api('/users', { json: { email: `xss-${run}@parley.test`, name: corpus('user').slice(0, 200), password: 'parley-demo-xss', role: 'staff' } });
  await api('/saved-replies', { json: { name: corpus('reply-name').slice(0, 120), shortcut: `xss${run}`.toLowerCase().replace(/[^a-z0-9]/g, ''), text: corpus('reply-text') } });
  await api('/kb/articles', { json: { title: corpus('kb-title').slice(0, 200), body: `<p>${corpus('kb-body')}</p><script>__pwn('kb-script')</script><img src=x onerror="__pwn('kb-img')">`, status: 'published' } });

  // The visitor, named with the corpus, writes it.
  const s = await fetch(`${h.origin}/widget/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ websiteToken, name: corpus('contact-name').slice(0, 200), email: `guest-${run}@example.com` }) });
  assert.equal(s.status, 200, await s.clone().text());
  ({ visitorToken } = await s.json());
  const m = await fetch(`${h.origin}/widget/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${visitorToken}` }, body: JSON.stringify({ text: corpus('customer-message'), clientId: `xss-${run}` }) });
  assert.equal(m.status, 201, await m.clone().text());
  ({ conversationId } = await m.json());
  await eventually(async () => (await api(`/conversations/${conversationId}`)).id === conversationId, 'the conversation in the list');

  // A file with a hostile name, attached to the agent's reply; the reply, a note, tags and attributes.
  const up = await fetch(`${h.origin}/api/files?name=${encodeURIComponent(`<img src=x onerror=__pwn('file')>.png`)}`, { method: 'POST', headers: { authorization: `Bearer ${manager.token}`, 'content-type': 'image/png' }, body: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) });
  assert.equal(up.status, 201, await up.clone().text());
  const file = await up.json();
  await api(`/conversations/${conversationId}/messages`, { json: { text: corpus('agent-reply'), attachments: [{ key: file.key, name: file.name, contentType: file.contentType, size: file.size }] } });
  await api(`/conversations/${conversationId}/messages`, { json: { text: corpus('note'), isInternalNote: true } });
  await api(`/conversations/${conversationId}`, { method: 'PATCH', json: { tags: [short('conv-tag')], subject: corpus('subject').slice(0, 200) } });
  const contactId = (await api(`/conversations/${conversationId}`)).contactId;
  await api(`/contacts/${contactId}`, { method: 'PATCH', json: { attributes: { [`<b onmouseover=__pwn('attr-key')>k`]: corpus('attr-value').slice(0, 1000) } } });

  ctx = await agentContext(h.browser, h.origin, MANAGER);
  await arm(ctx);
  page = await ctx.newPage();
  watch(page);
  pageErrors = watchErrors(page);
});

describe('hostile text stays text', { timeout: 300_000 }, () => {
  test('the list, the thread, the contact sidebar and the composer’s saved replies', { timeout: 60_000 }, async () => {
    await page.goto(`/inbox/conversations/${conversationId}`);
    // The corpus is shown, as text.
    await page.locator('.msg-text', { hasText: `X${run}` }).first().waitFor();
    await page.getByText(`__pwn('customer-message:img')`, { exact: false }).first().waitFor();
    await page.locator('.row', { hasText: `X${run}` }).first().waitFor();
    await page.mouse.move(300, 300);
    await assertInert(page, 'the thread');
    // Saved replies picker: type the slash command.
    const composer = page.getByRole('textbox', { name: /reply|message/i }).first();
    await composer.click();
    await composer.fill('/xss');
    await page.waitForTimeout(300);
    await assertInert(page, 'the saved-reply picker');
    await composer.fill('');
  });

  test('settings: inboxes, teams, tags, users', { timeout: 60_000 }, async () => {
    // Each section waits for its own hostile name: the navigation lists the hostile team on every page, so any
    // '__pwn' would be there before the section's list is.
    const marks = { inboxes: "__pwn('inbox:", teams: "__pwn('team:", tags: "__pwn('tag')", users: "__pwn('user:" };
    for (const [section, mark] of Object.entries(marks)) {
      await page.goto(`/settings/${section}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await eventually(async () => (await page.content()).includes(mark), `the hostile ${section} name to be listed`);
      await assertInert(page, `settings/${section}`);
    }
  });

  test('the knowledge base list and article', { timeout: 60_000 }, async () => {
    await page.goto('/inbox/messaging/knowledge-base');
    const row = page.getByText(`X${run}`).first();
    await row.waitFor();
    await assertInert(page, 'the knowledge base list');
    await row.click();
    await page.waitForTimeout(500);
    await assertInert(page, 'a knowledge base article');
  });

  test('the widget shows the agent’s reply as text', { timeout: 60_000 }, async () => {
    const visitor = await h.browser.newContext({ viewport: { width: 1280, height: 860 }, baseURL: h.origin });
    await arm(visitor);
    // The visitor of this conversation comes back: the frame finds its token where it keeps it.
    await visitor.addInitScript(([key, token]) => localStorage.setItem(key, token), [`parley:v:${websiteToken}`, visitorToken]);
    try {
      const site = await visitor.newPage();
      watch(site);
      await site.goto(`/demo?token=${encodeURIComponent(websiteToken)}`);
      await site.getByRole('button', { name: /chat/i }).first().click();
      const frame = site.frameLocator('iframe[src*="/widget/frame.html"]');
      await frame.getByText(`__pwn('agent-reply:img')`, { exact: false }).first().waitFor({ timeout: 20_000 });
      await assertInert(site, 'the widget');
      // The internal note never reaches the visitor.
      assert.equal(await frame.getByText(`__pwn('note:img')`, { exact: false }).count(), 0);
    } finally {
      await visitor.close();
    }
  });

  test('nothing ran anywhere, and the app never threw', () => {
    assert.deepEqual(fired, []);
    assert.deepEqual(pageErrors, []);
  });
});
