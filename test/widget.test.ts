// The web chat channel end to end: website token → visitor → conversation → agent and back.
import { describe, expect, it } from 'vitest';
import { hmacSha256, toHex } from '../worker/crypto/bytes';
import { call, newWorkspace, visitor, visitorSays, webchatInbox } from './helpers';
import { openSocket } from './sockets';

describe('widget session', () => {
  it('an anonymous visitor gets a signed token and a contact; the same token resumes the same visitor', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const first = await visitor(inbox.websiteToken, { name: 'Ana' });
    expect(first.visitorToken).toBeTruthy();
    expect(first.conversationId).toBeNull();
    const again = await visitor(inbox.websiteToken, { visitorToken: first.visitorToken });
    expect(again.contactId).toBe(first.contactId);
    const contact = await call('GET', `/api/contacts/${first.contactId}`, { token: ws.token });
    expect(contact.body.name).toBe('Ana');
    expect(contact.body.identities[0].channel).toBe('webchat');
  });

  it('rejects unknown website tokens and tokens of disabled inboxes', async () => {
    expect((await call('POST', '/widget/api/session', { body: { websiteToken: 'wt_nope' } })).status).toBe(401);
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    await call('POST', `/api/inboxes/${inbox.id}/disable`, { token: ws.token });
    const res = await call('POST', '/widget/api/session', { body: { websiteToken: inbox.websiteToken } });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('identity verification: the right HMAC ties the visitor to one contact, a wrong one is refused', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const hash = toHex(await hmacSha256(inbox.config.identitySecret, 'user-42'));
    const a = await visitor(inbox.websiteToken, { identifier: 'user-42', identifierHash: hash, email: 'u42@example.com' });
    const b = await visitor(inbox.websiteToken, { identifier: 'user-42', identifierHash: hash.toUpperCase() });
    expect(b.contactId).toBe(a.contactId);
    const bad = await call('POST', '/widget/api/session', { body: { websiteToken: inbox.websiteToken, identifier: 'user-42', identifierHash: '0'.repeat(64) } });
    expect(bad.status).toBe(401);
    const half = await call('POST', '/widget/api/session', { body: { websiteToken: inbox.websiteToken, identifier: 'user-42' } });
    expect(half.status).toBe(400);
    expect(half.body.errors[0].field).toBe('identifierHash');
  });
});

describe('widget conversation', () => {
  it('messages sent while no agent is online are kept; the reply reaches the visitor; history survives a reload', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const v = await visitor(inbox.websiteToken);
    const sent = await visitorSays(v.visitorToken, 'Anyone there?');
    await visitorSays(v.visitorToken, 'Hello?');

    const list = await call('GET', '/api/conversations?status=open', { token: ws.token });
    // The list reads the projection; the conversation itself is readable at once.
    const conv = await call('GET', `/api/conversations/${sent.conversationId}`, { token: ws.token });
    expect(conv.body.status).toBe('open');
    expect(conv.body.unreadCount).toBe(2);
    expect(list.status).toBe(200);

    await call('POST', `/api/conversations/${sent.conversationId}/messages`, { token: ws.token, body: { text: 'Hi! How can I help?' } });
    await call('POST', `/api/conversations/${sent.conversationId}/messages`, { token: ws.token, body: { text: 'VIP guest', isInternalNote: true } });

    // "Reload": a new session with the stored token sees the whole history, without notes.
    const resumed = await visitor(inbox.websiteToken, { visitorToken: v.visitorToken });
    expect(resumed.conversationId).toBe(sent.conversationId);
    const history = await call('GET', '/widget/api/messages', { token: resumed.visitorToken });
    expect(history.body.items.map((m: { text: string }) => m.text)).toEqual(['Anyone there?', 'Hello?', 'Hi! How can I help?']);
    const after = await call('GET', `/widget/api/messages?after=${history.body.items[1].seq}`, { token: resumed.visitorToken });
    expect(after.body.items.map((m: { text: string }) => m.text)).toEqual(['Hi! How can I help?']);
  });

  it('live both ways: the visitor socket gets agent replies and typing; the agent socket gets visitor messages', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const v = await visitor(inbox.websiteToken);
    const { conversationId } = await visitorSays(v.visitorToken, 'hi');
    const vs = await openSocket(`/widget/api/ws?token=${v.visitorToken}`);
    const as = await openSocket(`/api/conversations/${conversationId}/ws?access_token=${ws.token}`);
    await vs.next((f) => f.t === 'hello');
    await as.next((f) => f.t === 'hello');
    as.send({ t: 'typing', typing: true });
    expect((await vs.next((f) => f.t === 'typing')).actor.type).toBe('agent');
    as.send({ t: 'typing', typing: true, note: true });
    as.send({ t: 'message', clientId: 'a1', text: 'Typing from the agent socket' });
    expect((await as.next((f) => f.t === 'ack')).message.direction).toBe('outbound');
    expect((await vs.next((f) => f.t === 'event' && f.event.message?.text === 'Typing from the agent socket')).event.message.authorType).toBe('agent');
    vs.send({ t: 'message', clientId: 'v1', text: 'Thanks!' });
    expect((await as.next((f) => f.t === 'event' && f.event.type === 'message.received')).event.message.text).toBe('Thanks!');
    vs.close();
    as.close();
  });

  it('a blocked contact cannot write, and the socket needs a conversation and a valid token', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const v = await visitor(inbox.websiteToken);
    expect((await call('GET', `/widget/api/ws?token=${v.visitorToken}`, { headers: { upgrade: 'websocket' } })).status).toBe(404);
    expect((await call('GET', `/widget/api/ws?token=forged`, { headers: { upgrade: 'websocket' } })).status).toBe(401);
    await call('PATCH', `/api/contacts/${v.contactId}`, { token: ws.token, body: { blocked: true } });
    const res = await call('POST', '/widget/api/messages', { token: v.visitorToken, body: { text: 'spam', clientId: 'x' } });
    expect(res.status).toBe(403);
  });

  it('bad widget input is a 400 naming the field', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const v = await visitor(inbox.websiteToken);
    const res = await call('POST', '/widget/api/messages', { token: v.visitorToken, body: { text: '   ', clientId: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('text');
  });
});

describe('demo page', () => {
  it('embeds the widget loader with the website token', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const res = await call('GET', `/demo?token=${inbox.websiteToken}`);
    expect(res.status).toBe(200);
    expect(String(res.body)).toContain(`data-website-token="${inbox.websiteToken}"`);
    expect(String(res.body)).toContain('/widget.js');
  });
});
