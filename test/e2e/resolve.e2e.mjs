// Browser end-to-end test of the resolve flow (issue 16, missing surfaces) against a real local server
// (port 8852) with the demo seed. Build first: `npx vite build`, then
//   node_modules/.bin/node test/e2e/resolve.e2e.mjs
// Maria resolves a conversation: a dialog asks for a closing note (Escape leaves it open), she asks for
// the summary, edits it and resolves; the note is in the thread as an internal note. Another she resolves
// without a note from the keyboard. She takes a web chat over from the AI: the customer's thread shows
// "You're now talking with Maria from our team." She moves two conversations to a team from the bulk
// bar. Screenshots at 1440×900 and 390×844, light and dark; axe clean.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { agentContext, apiClient, eventually, expectAxeClean, screenshot, useHarness, watchErrors } from './harness.mjs';

const MANAGER = 'manager@parley.test';
const PHONE = { width: 390, height: 844 };

let h;
let maria;
useHarness(8852, async (harness) => {
  h = harness;
  maria = await apiClient(h.origin, MANAGER);
});

const used = new Set();
/** Open conversations nobody else in this file has used yet. */
async function pick(n, where = () => true) {
  const items = (await maria.call('/conversations?status=open&limit=100')).items.filter((c) => !used.has(c.id) && where(c));
  assert.ok(items.length >= n, `the demo seed has ${n} open conversations to use`);
  const out = items.slice(0, n);
  for (const c of out) used.add(c.id);
  return out;
}

async function notes(id) {
  return (await maria.call(`/conversations/${id}/messages?limit=200`)).items.filter((m) => m.isInternalNote);
}

describe('resolve flow', () => {
  test('resolve asks for a closing note, prefilled on request with the summary; Escape cancels', { timeout: 90_000 }, async () => {
    const [withNote, withoutNote, shots] = await pick(3);
    // The demo seed has notes of its own in some conversations: count what resolving adds.
    const notesBefore = { with: (await notes(withNote.id)).length, without: (await notes(withoutNote.id)).length };
    const ctx = await agentContext(h.browser, h.origin, MANAGER);
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(`/inbox/conversations/${withNote.id}`);
    const dialog = page.getByRole('dialog', { name: 'Resolve conversation' });

    // The button opens it; Escape closes it and nothing changes.
    await page.getByRole('button', { name: 'Resolve', exact: true }).click();
    await dialog.waitFor();
    await dialog.getByText(/No summary yet|Prefilled with the conversation summary/).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await maria.call(`/conversations/${withNote.id}`)).status, 'open', 'Escape leaves it open');

    // Ctrl+3 opens it too; the summary fills the note; she adds a line and resolves.
    await page.locator('.messages').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+3');
    await dialog.waitFor();
    const note = dialog.getByLabel('Closing note');
    const summarize = dialog.getByRole('button', { name: 'Summarize the conversation' });
    await dialog.getByText(/No summary yet|Prefilled with the conversation summary/).waitFor();
    if (await summarize.count()) await summarize.click();
    await eventually(async () => (await note.inputValue()).trim().length > 0, 'the summary in the note');
    await note.press('End');
    await note.pressSequentially(' Guest confirmed by phone.');
    const text = (await note.inputValue()).trim();
    await expectAxeClean(page, 'the resolve dialog');
    await screenshot(page, 'resolve-dialog-1440-light');
    await dialog.getByRole('button', { name: 'Resolve', exact: true }).click();
    await page.locator('.toast', { hasText: 'Resolved with a closing note' }).waitFor();
    const after = await maria.call(`/conversations/${withNote.id}`);
    assert.equal(after.status, 'closed');
    assert.equal(after.closingNote, text);
    const added = await notes(withNote.id);
    assert.equal(added.length, notesBefore.with + 1, 'one note added');
    assert.equal(added.at(-1).text, text);
    // The note is in the thread, as a note.
    await page.locator('.msg.msg-note', { hasText: 'Guest confirmed by phone.' }).first().waitFor();

    // Without a note, from the keyboard (Alt+4).
    await page.goto(`/inbox/conversations/${withoutNote.id}`);
    await page.locator('.messages .msg').first().waitFor();
    await page.locator('.messages').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Alt+4');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Resolve without note' }).click();
    await page.locator('.toast', { hasText: 'Conversation resolved' }).waitFor();
    assert.equal((await maria.call(`/conversations/${withoutNote.id}`)).status, 'closed');
    assert.equal((await notes(withoutNote.id)).length, notesBefore.without, 'no note added');
    assert.deepEqual(errors, []);
    await ctx.close();

    // The dialog in dark and on a phone.
    for (const [scheme, viewport, name] of [
      ['dark', undefined, 'resolve-dialog-1440-dark'],
      ['light', PHONE, 'resolve-dialog-390-light'],
      ['dark', PHONE, 'resolve-dialog-390-dark'],
    ]) {
      const c = await agentContext(h.browser, h.origin, MANAGER, { colorScheme: scheme, ...(viewport ? { viewport } : {}) });
      const p = await c.newPage();
      await p.goto(`/inbox/conversations/${shots.id}`);
      await p.getByRole('button', { name: 'Resolve', exact: true }).click();
      const d = p.getByRole('dialog', { name: 'Resolve conversation' });
      await d.getByText(/No summary yet|Prefilled with the conversation summary/).waitFor();
      await expectAxeClean(p, `the resolve dialog (${name})`);
      await screenshot(p, name);
      // Every button of the dialog is on screen.
      for (const b of await d.getByRole('button').all()) {
        const box = await b.boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= (viewport?.width ?? 1440) + 0.5, `${await b.textContent()} fits (${name})`);
      }
      await p.keyboard.press('Escape');
      await c.close();
    }
    assert.equal((await maria.call(`/conversations/${shots.id}`)).status, 'open');
  });

  test('taking over from the AI sends the take-over message, shown in the thread', { timeout: 60_000 }, async () => {
    const [c] = await pick(1, (x) => x.channel === 'webchat');
    await maria.call(`/conversations/${c.id}/assistant/resume`, { method: 'POST' }); // (the seeded web chat inbox has an assistant in suggest mode)
    const ctx = await agentContext(h.browser, h.origin, MANAGER);
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(`/inbox/conversations/${c.id}`);
    await page.getByRole('button', { name: 'Take over' }).click();
    const line = page.locator('.messages .msg', { hasText: "You're now talking with Maria from our team." });
    await line.first().waitFor();
    // The message arrives live, often before the take over's own answer: wait for the header to say so too.
    await page.locator('.ai-control .lbl', { hasText: 'You took over' }).waitFor();
    await screenshot(page, 'resolve-takeover-1440-light');
    const sent = (await maria.call(`/conversations/${c.id}/messages?limit=200`)).items.filter((m) => m.text === "You're now talking with Maria from our team.");
    assert.equal(sent.length, 1);
    assert.equal(sent[0].isInternalNote, false);
    assert.equal(sent[0].authorName, 'Maria Manager');
    // A second take over (now a colleague's is needed; hers again) sends nothing more.
    await maria.call(`/conversations/${c.id}/takeover`, { method: 'POST' });
    assert.equal((await maria.call(`/conversations/${c.id}/messages?limit=200`)).items.filter((m) => m.text.startsWith("You're now talking with")).length, 1);
    assert.equal(await line.count(), 1);
    await expectAxeClean(page, 'the thread after a take over');
    assert.deepEqual(errors, []);
    for (const [scheme, viewport, name] of [
      ['dark', undefined, 'resolve-takeover-1440-dark'],
      ['light', PHONE, 'resolve-takeover-390-light'],
      ['dark', PHONE, 'resolve-takeover-390-dark'],
    ]) {
      const cx = await agentContext(h.browser, h.origin, MANAGER, { colorScheme: scheme, ...(viewport ? { viewport } : {}) });
      const p = await cx.newPage();
      await p.goto(`/inbox/conversations/${c.id}`);
      await p.locator('.messages .msg', { hasText: "You're now talking with Maria" }).first().waitFor();
      await screenshot(p, name);
      await cx.close();
    }
    await ctx.close();
  });

  test('bulk assign to a team; the bar stays inside the column and wraps on a phone', { timeout: 90_000 }, async () => {
    const teams = (await maria.call('/teams')).items;
    const care = teams.find((t) => t.name === 'Guest care');
    assert.ok(care, 'the demo seed has a Guest care team');
    for (const [scheme, viewport, width] of [
      ['light', undefined, 1440],
      ['dark', undefined, 1440],
      ['light', PHONE, 390],
      ['dark', PHONE, 390],
    ]) {
      const ctx = await agentContext(h.browser, h.origin, MANAGER, { colorScheme: scheme, ...(viewport ? { viewport } : {}) });
      const page = await ctx.newPage();
      const errors = watchErrors(page);
      await page.goto('/inbox?sort=oldest');
      const rows = page.locator('.row');
      await rows.nth(2).waitFor();
      const ids = [];
      for (let i = 0; i < 2; i++) ids.push(await rows.nth(i).getAttribute('data-id'));
      const before = await Promise.all(ids.map((id) => maria.call(`/conversations/${id}`)));
      await rows.nth(0).getByRole('checkbox').click();
      await rows.nth(1).getByRole('checkbox').click();
      const bar = page.getByRole('toolbar', { name: /Batch actions/ });
      await bar.getByText('2 selected').waitFor();
      const layout = await bar.evaluate((el) => {
        const col = el.getBoundingClientRect();
        const boxes = [...el.querySelectorAll('.bulk-line > :not(.spacer)')].map((x) => x.getBoundingClientRect());
        return { col: { left: col.left, right: col.right }, boxes: boxes.map((r) => ({ left: r.left, right: r.right, top: r.top, bottom: r.bottom })) };
      });
      for (const [i, b] of layout.boxes.entries()) {
        assert.ok(b.left >= layout.col.left - 0.5 && b.right <= layout.col.right + 0.5, `bar item ${i} inside the column (${width} ${scheme})`);
        for (const o of layout.boxes.slice(0, i)) {
          const overlap = Math.min(b.right, o.right) - Math.max(b.left, o.left) > 1 && Math.min(b.bottom, o.bottom) - Math.max(b.top, o.top) > 1;
          assert.ok(!overlap, `bar item ${i} overlaps another (${width} ${scheme})`);
        }
      }
      await bar.getByRole('button', { name: /^Assign/ }).click();
      const menu = page.getByRole('menu', { name: 'Assign to' });
      await menu.waitFor();
      await expectAxeClean(page, `the bulk team menu (${width} ${scheme})`);
      await screenshot(page, `resolve-bulk-team-${width}-${scheme}`);
      // Alternate so each round changes something: Guest care, then back to each one's own team.
      const target = scheme === 'light' ? care : null;
      if (target) await menu.getByRole('menuitem', { name: target.name }).click();
      else await menu.getByRole('menuitem', { name: 'No team' }).click();
      await page.locator('.toast', { hasText: 'Changed the team of 2 conversations' }).waitFor();
      for (const id of ids) await eventually(async () => (await maria.call(`/conversations/${id}`)).teamId === (target?.id ?? null), `conversation ${id} in the team`);
      // Undo puts each back in its own team.
      await page.locator('.toast', { hasText: 'Changed the team of 2 conversations' }).getByRole('button', { name: 'Undo' }).click();
      for (const [i, id] of ids.entries()) await eventually(async () => (await maria.call(`/conversations/${id}`)).teamId === before[i].teamId, `conversation ${id} back in its team`);
      assert.deepEqual(errors, []);
      await ctx.close();
    }
  });

  test('bulk export downloads the selection; bulk delete asks first, naming how many', { timeout: 60_000 }, async () => {
    const ctx = await agentContext(h.browser, h.origin, MANAGER, { acceptDownloads: true });
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto('/inbox?sort=oldest');
    const rows = page.locator('.row');
    await rows.nth(3).waitFor();
    const ids = [];
    for (let i = 0; i < 3; i++) {
      ids.push(await rows.nth(i).getAttribute('data-id'));
      await rows.nth(i).getByRole('checkbox').click();
    }
    const bar = page.getByRole('toolbar', { name: /Batch actions/ });
    await bar.getByText('3 selected').waitFor();
    await bar.getByRole('button', { name: 'More batch actions' }).click();
    const menu = page.getByRole('menu', { name: 'More batch actions' });
    await menu.getByRole('menuitem', { name: 'Export as CSV' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'resolve-bulk-more-1440-light');
    const [file] = await Promise.all([page.waitForEvent('download'), menu.getByRole('menuitem', { name: 'Export as CSV' }).click()]);
    assert.match(file.suggestedFilename(), /^parley-conversations-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await (await import('node:fs/promises')).readFile(await file.path(), 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    assert.ok(lines[0].startsWith('conversation_id,channel,inbox_id,team_id,assignee_id,status,created_at'), lines[0]);
    assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]), ids);

    // Delete asks first, naming how many; Escape keeps them.
    await bar.getByRole('button', { name: 'More batch actions' }).click();
    await menu.getByRole('menuitem', { name: 'Delete…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete 3 conversations?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Delete 3 conversations' }).waitFor();
    await expectAxeClean(page, 'the bulk delete confirmation');
    await screenshot(page, 'resolve-bulk-delete-1440-light');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    for (const id of ids) assert.equal((await maria.call(`/conversations/${id}`)).id, id);
    assert.deepEqual(errors, []);
    await ctx.close();
  });
});
