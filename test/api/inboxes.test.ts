// /api/inboxes: create, list, read (secrets only on a manager's explicit reveal), update with config
// merge, disable; credentials encrypted at rest in D1.
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createContact, expectProblem, newWorkspace, unique, visitor, visitorConversation, visitorSays, webchatInbox, type Workspace } from '../helpers';

let ws: Workspace;
let staff: Awaited<ReturnType<typeof addMember>>;
beforeAll(async () => {
  ws = await newWorkspace();
  staff = await addMember(ws, 'staff');
});

const SECRET = 'sk_live_SUPER-secret-token-0123456789';

async function smsInbox() {
  const res = await call('POST', '/api/inboxes', { token: ws.token, body: { channel: 'sms', name: 'Front desk SMS', config: { accountSid: 'AC123', authToken: SECRET } } });
  expect(res.status).toBe(201);
  return res.body as { id: string };
}
const rawConfig = async (id: string) => (await env.DB.prepare(`SELECT config_encrypted FROM inboxes WHERE id = ?`).bind(id).first<string>('config_encrypted'))!;

describe('POST /api/inboxes', () => {
  it('creates a web chat inbox with a website token and an identity secret (shown to the creating manager)', async () => {
    const res = await call('POST', '/api/inboxes', { token: ws.token, body: { channel: 'webchat', name: 'Website', settings: { greeting: 'Hi!', color: '#112233' } } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ channel: 'webchat', name: 'Website', enabled: true, settings: { greeting: 'Hi!', color: '#112233' }, configuredKeys: ['identitySecret'] });
    expect(res.body.id).toMatch(/^inb_/);
    expect(res.body.websiteToken).toMatch(/^wt_/);
    expect(res.body.config.identitySecret).toEqual(expect.any(String));
    const session = await visitor(res.body.websiteToken);
    expect(session.visitorToken).toEqual(expect.any(String));
  });

  it('creates a channel inbox without a website token', async () => {
    const res = await call('POST', '/api/inboxes', { token: ws.token, body: { channel: 'whatsapp', name: 'WA', config: { phoneNumberId: '123' } } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ channel: 'whatsapp', websiteToken: null, configuredKeys: ['phoneNumberId'] });
  });

  it('validates the body naming the field, and is for managers only', async () => {
    const bad = async (body: Record<string, unknown>, field: string) => expectProblem(await call('POST', '/api/inboxes', { token: ws.token, body }), 400, field);
    await bad({ channel: 'pigeon', name: 'x' }, 'channel');
    await bad({ channel: 'sms' }, 'name');
    await bad({ channel: 'sms', name: 'x', config: { nested: { a: 1 } } }, 'config.nested');
    await bad({ channel: 'webchat', name: 'x', settings: { color: 'red' } }, 'settings.color');
    expectProblem(await call('POST', '/api/inboxes', { token: staff.token, body: { channel: 'sms', name: 'x' } }), 403);
    expectProblem(await call('POST', '/api/inboxes', { body: { channel: 'sms', name: 'x' } }), 401);
  });
});

describe('inbox secrets', () => {
  it('never appear in the list or a plain GET; a manager sees them only with ?reveal=true', async () => {
    const inbox = await smsInbox();
    const list = await call('GET', '/api/inboxes', { token: ws.token });
    expect(list.status).toBe(200);
    const item = list.body.items.find((i: { id: string }) => i.id === inbox.id);
    expect(item).toMatchObject({ channel: 'sms', configuredKeys: ['accountSid', 'authToken'] });
    expect(item).not.toHaveProperty('config');
    expect(JSON.stringify(list.body)).not.toContain(SECRET);

    for (const token of [ws.token, staff.token]) {
      const one = await call('GET', `/api/inboxes/${inbox.id}`, { token });
      expect(one.status).toBe(200);
      expect(one.body).not.toHaveProperty('config');
      expect(JSON.stringify(one.body)).not.toContain(SECRET);
    }
    const revealed = await call('GET', `/api/inboxes/${inbox.id}?reveal=true`, { token: ws.token });
    expect(revealed.body.config).toEqual({ accountSid: 'AC123', authToken: SECRET });
    expectProblem(await call('GET', `/api/inboxes/${inbox.id}?reveal=true`, { token: staff.token }), 403);
    // The web chat identity secret is a secret too.
    const chat = await webchatInbox(ws);
    const asStaff = await call('GET', '/api/inboxes', { token: staff.token });
    expect(JSON.stringify(asStaff.body)).not.toContain(chat.config.identitySecret);
  });

  it('are stored encrypted: the raw D1 column does not contain them', async () => {
    const inbox = await smsInbox();
    const raw = await rawConfig(inbox.id);
    expect(raw).toMatch(/^v1\./);
    expect(raw).not.toContain(SECRET);
    expect(raw).not.toContain('authToken');
    expect(raw).not.toContain('AC123');
    // Two inboxes with the same config do not share a ciphertext (random IV).
    const twin = await smsInbox();
    expect(await rawConfig(twin.id)).not.toBe(raw);
  });
});

describe('PATCH /api/inboxes/:id', () => {
  it('merges config keys (null removes one), re-encrypts, and never echoes secrets', async () => {
    const inbox = await smsInbox();
    const before = await rawConfig(inbox.id);
    const res = await call('PATCH', `/api/inboxes/${inbox.id}`, { token: ws.token, body: { name: 'Renamed', config: { from: '+15550001111', accountSid: null } } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Renamed', configuredKeys: ['authToken', 'from'] });
    expect(res.body).not.toHaveProperty('config');
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
    const revealed = await call('GET', `/api/inboxes/${inbox.id}?reveal=true`, { token: ws.token });
    expect(revealed.body.config).toEqual({ authToken: SECRET, from: '+15550001111' });
    const after = await rawConfig(inbox.id);
    expect(after).not.toBe(before);
    expect(after).not.toContain(SECRET);
    expect(after).not.toContain('+15550001111');
  });

  it('merges settings and validates', async () => {
    const chat = await webchatInbox(ws);
    await call('PATCH', `/api/inboxes/${chat.id}`, { token: ws.token, body: { settings: { greeting: 'Hello' } } });
    const res = await call('PATCH', `/api/inboxes/${chat.id}`, { token: ws.token, body: { settings: { color: '#abcdef' } } });
    expect(res.body.settings).toEqual({ greeting: 'Hello', color: '#abcdef' });
    const session = await call('POST', '/widget/api/session', { body: { websiteToken: chat.websiteToken } });
    expect(session.body.inbox).toMatchObject({ greeting: 'Hello', color: '#abcdef' });
    expectProblem(await call('PATCH', `/api/inboxes/${chat.id}`, { token: ws.token, body: { name: '' } }), 400, 'name');
    expectProblem(await call('PATCH', `/api/inboxes/${chat.id}`, { token: ws.token, body: { enabled: 'no' } }), 400, 'enabled');
    expectProblem(await call('PATCH', '/api/inboxes/inb_00000000000000000000', { token: ws.token, body: { name: 'x' } }), 404);
    expectProblem(await call('GET', '/api/inboxes/inb_00000000000000000000', { token: ws.token }), 404);
  });
});

describe('disabling an inbox', () => {
  it('refuses new widget sessions (401), messages from existing visitors and new agent conversations; re-enabling restores them', async () => {
    const chat = await webchatInbox(ws);
    const conv = await visitorConversation(chat.websiteToken, 'before disable');
    expect((await call('POST', `/api/inboxes/${chat.id}/disable`, { token: ws.token })).status).toBe(204);
    expect((await call('GET', `/api/inboxes/${chat.id}`, { token: ws.token })).body.enabled).toBe(false);

    expectProblem(await call('POST', '/widget/api/session', { body: { websiteToken: chat.websiteToken } }), 401);
    expectProblem(await call('POST', '/widget/api/session', { body: { websiteToken: chat.websiteToken, visitorToken: conv.visitorToken } }), 401);
    expectProblem(await call('POST', '/widget/api/messages', { token: conv.visitorToken, body: { text: 'after disable', clientId: unique('c') } }), 403);
    expect((await call('GET', `/api/conversations/${conv.id}`, { token: ws.token })).body.messageCount).toBe(1);
    const contact = await createContact(ws);
    expectProblem(await call('POST', '/api/conversations', { token: ws.token, body: { contactId: contact.id, inboxId: chat.id, text: 'hi' } }), 400, 'inboxId');
    // Agents can still answer what is already there.
    expect((await call('GET', `/api/conversations/${conv.id}/messages`, { token: ws.token })).status).toBe(200);

    expect((await call('PATCH', `/api/inboxes/${chat.id}`, { token: ws.token, body: { enabled: true } })).body.enabled).toBe(true);
    const again = await visitor(chat.websiteToken, { visitorToken: conv.visitorToken });
    expect(again.conversationId).toBe(conv.id);
    expect((await visitorSays(again.visitorToken, 'back again')).conversationId).toBe(conv.id);
  });

  it('is for managers, and 404 for unknown ids', async () => {
    const chat = await webchatInbox(ws);
    expectProblem(await call('POST', `/api/inboxes/${chat.id}/disable`, { token: staff.token }), 403);
    expectProblem(await call('POST', '/api/inboxes/inb_00000000000000000000/disable', { token: ws.token }), 404);
    expect((await call('GET', `/api/inboxes/${chat.id}`, { token: ws.token })).body.enabled).toBe(true);
  });
});
