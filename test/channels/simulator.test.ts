// The channel simulator: for every channel with an inbound path, the webhook it builds is accepted by
// the real endpoint (so it is provider-exact and correctly signed) and lands as a conversation.
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { SANDBOX_CONFIG } from '../../worker/channels/simulator';
import { call, eventually, expectProblem, newWorkspace } from '../helpers';
import { createInbox } from './helpers';

describe('channel simulator', () => {
  it('builds a signed webhook for every channel that the real endpoint accepts and ingests', async () => {
    const ws = await newWorkspace();
    const channels = Object.keys(SANDBOX_CONFIG);
    expect(channels).toHaveLength(21);
    for (const channel of channels) {
      const inbox = await createInbox(ws, channel, { ...SANDBOX_CONFIG[channel as keyof typeof SANDBOX_CONFIG], ...(channel === 'email' ? { address: `sim-${ws.workspaceId.toLowerCase()}@casa-azul.test` } : {}) });
      const built = await call('POST', '/api/dev/simulate', { token: ws.token, body: { inboxId: inbox.id, text: `Hello from ${channel}`, name: 'Sim Ulator' } });
      expect(built.status, `${channel}: ${JSON.stringify(built.body)}`).toBe(200);
      const res = await SELF.fetch(built.body.url, { method: 'POST', headers: built.body.headers, body: built.body.body });
      expect(res.status, `${channel}: ${await res.clone().text()}`).toBeLessThan(300);
      await eventually(async () => (await env.DB.prepare(`SELECT count(*) AS n FROM conversations WHERE inbox_id = ?`).bind(inbox.id).first<number>('n')) === 1, 8000).catch(() => {
        throw new Error(`${channel}: no conversation`);
      });
    }
    const letters = await call('GET', '/api/admin/dead-letters?status=all', { token: ws.token });
    expect(letters.body.items).toEqual([]);
    const page = await SELF.fetch('http://parley.test/api/dev/simulator');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('channel simulator');
    expectProblem(await call('POST', '/api/dev/simulate', { body: { inboxId: 'x', text: 'y' } }), 401);
  });
});
