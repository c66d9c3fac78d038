// The demo seed's channels: every channel gets a sandbox inbox and a conversation that came in through
// its own parser, with context where the channel has it.
import { env } from 'cloudflare:test';
import { expect, it } from 'vitest';
import { seedChannels } from '../../worker/ingest/demo-seed';
import { call, eventually, newWorkspace } from '../helpers';

it('seeds a conversation on every channel through the parse path', async () => {
  const ws = await newWorkspace('Demo');
  const result = await seedChannels(env, ws.workspaceId);
  expect(result).toEqual({ inboxes: 21, messages: 21 });
  const channels = await eventually(async () => {
    const rows = await env.DB.prepare(`SELECT DISTINCT channel FROM conversations WHERE workspace_id = ?`).bind(ws.workspaceId).all<{ channel: string }>();
    return rows.results.length === 21 ? rows.results.map((r) => r.channel) : null;
  });
  expect(channels.sort()).toEqual(['airbnb', 'bookingcom', 'chatbot', 'deliveroo', 'doordash', 'email', 'expedia', 'form', 'glovo', 'instagram', 'line', 'messenger', 'rappi', 'review', 'sms', 'telegram', 'tiktok', 'ubereats', 'voice', 'vrbo', 'whatsapp']);
  const contexts = await env.DB.prepare(`SELECT channel, kind FROM contact_contexts WHERE workspace_id = ? ORDER BY channel`).bind(ws.workspaceId).all<{ channel: string; kind: string }>();
  expect(contexts.results.filter((r) => r.kind === 'reservation').map((r) => r.channel)).toEqual(['airbnb', 'bookingcom', 'expedia', 'vrbo']);
  expect(contexts.results.filter((r) => r.kind === 'order').map((r) => r.channel)).toEqual(expect.arrayContaining(['deliveroo', 'doordash', 'glovo', 'rappi', 'ubereats']));
  const inboxes = await call('GET', '/api/inboxes', { token: ws.token });
  expect(inboxes.body.items.find((i: any) => i.channel === 'whatsapp').configuredKeys).toEqual(['accessToken', 'appSecret', 'businessAccountId', 'phoneNumberId', 'verifyToken']);
});
