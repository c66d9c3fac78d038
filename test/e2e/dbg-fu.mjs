import { startHarness, apiClient } from './harness.mjs';
const h = await startHarness({ port: 8849 });
try {
  const manager = await apiClient(h.origin, 'manager@parley.test');
  const all = (await manager.call('/conversations?limit=100')).items;
  const open = all.find((x) => x.status === 'open' && !x.followUpAt);
  const ctx = await h.browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: h.origin });
  await ctx.request.post(`${h.origin}/api/auth/login`, { data: { email: 'manager@parley.test', password: 'parley-demo' } });
  const page = await ctx.newPage();
  page.on('console', (m) => console.log('console:', m.type(), m.text()));
  page.on('response', async (r) => { if (r.url().includes('/api/') && r.request().method() !== 'GET') console.log('resp', r.request().method(), r.url(), r.status(), (await r.text().catch(() => '')).slice(0, 300)); });
  await page.goto(`/inbox/conversations/${open.id}`);
  await page.getByLabel('Reply', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Follow up or send later' }).click();
  await page.getByRole('radio', { name: 'Send later' }).check();
  await page.getByLabel('Message to send', { exact: true }).fill('Just checking in');
  await page.getByRole('menuitem', { name: /Tomorrow morning/ }).click();
  await page.waitForTimeout(3000);
  await page.screenshot({ path: '/tmp/dbg/fu.png' });
  console.log('toasts:', await page.locator('.toasts').innerText());
  console.log('banner:', await page.locator('.follow-up-banner').count());
  console.log(JSON.stringify((await manager.call(`/conversations/${open.id}/scheduled-messages`))));
} finally {
  await h.close();
}
