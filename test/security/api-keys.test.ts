// API keys have scopes and an expiry, and cannot mint more keys (issue 15, defect 15).
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { addMember, BASE, call, expectProblem, listWhen, newWorkspace, visitorConversation, webchatInbox } from '../helpers';
import { openSocket } from '../sockets';

describe('API key scopes', () => {
  it('read keys read; write keys change conversations but not settings; admin keys (managers only) administer', async () => {
    const ws = await newWorkspace();
    const read = (await call('POST', '/api/api-keys', { token: ws.token, body: { name: 'dashboard', scopes: ['read'] } })).body;
    expect(read.scopes).toEqual(['read']);
    expect((await call('GET', '/api/conversations', { token: read.key })).status).toBe(200);
    expectProblem(await call('POST', '/api/tags', { token: read.key, body: { name: 'vip' } }), 403);

    const write = (await call('POST', '/api/api-keys', { token: ws.token, body: { name: 'integration' } })).body;
    expect(write.scopes).toEqual(['read', 'write']);
    expect((await call('POST', '/api/contacts', { token: write.key, body: { name: 'From the CRM' } })).status).toBe(201);
    // Manager-only administration needs the admin scope, even on a manager's key.
    expectProblem(await call('POST', '/api/inboxes', { token: write.key, body: { channel: 'webchat', name: 'x' } }), 403);

    const admin = (await call('POST', '/api/api-keys', { token: ws.token, body: { name: 'provisioning', scopes: ['read', 'write', 'admin'] } })).body;
    expect((await call('POST', '/api/inboxes', { token: admin.key, body: { channel: 'webchat', name: 'x' } })).status).toBe(201);

    const staff = await addMember(ws, 'staff');
    expectProblem(await call('POST', '/api/api-keys', { token: staff.token, body: { name: 'nope', scopes: ['admin'] } }), 400, 'scopes');
    expectProblem(await call('POST', '/api/api-keys', { token: ws.token, body: { name: 'bad', scopes: ['root'] } }), 400, 'scopes.0');
    expectProblem(await call('POST', '/api/api-keys', { token: ws.token, body: { name: 'none', scopes: [] } }), 400, 'scopes');
  });

  it('sockets write (replies, read positions, presence): a read-only key cannot open one, a write key can', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const conv = await visitorConversation(inbox.websiteToken, 'socket?');
    await listWhen(ws.token, {}, (p) => p.items.some((i) => i.id === conv.id));
    const read = (await call('POST', '/api/api-keys', { token: ws.token, body: { name: 'reader', scopes: ['read'] } })).body;
    const write = (await call('POST', '/api/api-keys', { token: ws.token, body: { name: 'writer' } })).body;
    const refused = await SELF.fetch(`${BASE}/api/conversations/${conv.id}/ws?access_token=${read.key}`, { headers: { upgrade: 'websocket' } });
    expect(refused.status).toBe(403);
    const socket = await openSocket(`/api/conversations/${conv.id}/ws?access_token=${write.key}`);
    await socket.next((f) => f.t === 'hello');
    socket.close();
  });

  it('a key cannot create keys', async () => {
    const ws = await newWorkspace();
    const admin = (await call('POST', '/api/api-keys', { token: ws.token, body: { name: 'all', scopes: ['read', 'write', 'admin'] } })).body;
    expectProblem(await call('POST', '/api/api-keys', { token: admin.key, body: { name: 'offspring' } }), 403);
  });

  it('expires: a key past its expiry is refused like a revoked one; the listing shows expiry, scopes and last use', async () => {
    const ws = await newWorkspace();
    const made = await call('POST', '/api/api-keys', { token: ws.token, body: { name: 'short-lived', expiresInDays: 1 } });
    expect(made.body.expiresAt).toBeGreaterThan(Date.now() + 86_000_000);
    expect((await call('GET', '/api/me', { token: made.body.key })).status).toBe(200);
    const listed = (await call('GET', '/api/api-keys', { token: ws.token })).body.items.find((k: { id: string }) => k.id === made.body.id);
    expect(listed).toMatchObject({ scopes: ['read', 'write'], expiresAt: made.body.expiresAt, lastUsedAt: expect.any(Number) });
    // Time passes for a second key (moved past its expiry before its first use: principals are cached for 5 s per isolate).
    const other = (await call('POST', '/api/api-keys', { token: ws.token, body: { name: 'expired', expiresInDays: 1 } })).body;
    await env.DB.prepare(`UPDATE api_keys SET expires_at = ? WHERE id = ?`).bind(Date.now() - 1, other.id).run();
    expectProblem(await call('GET', '/api/me', { token: other.key }), 401);
    expectProblem(await call('POST', '/api/api-keys', { token: ws.token, body: { name: 'x', expiresInDays: 0 } }), 400, 'expiresInDays');
  });
});
