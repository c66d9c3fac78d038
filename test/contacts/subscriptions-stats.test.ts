// Per-channel subscriptions ({status, source, changedAt}) edited by agents and by SMS STOP/START through
// a real signed Twilio webhook, and the contact stats audiences read, kept current by the event stream.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import twilioInbound from '../fixtures/providers/twilio_sms_inbound.json';
import { patchKeepingCustomerOptOuts, unsubscribeEmail } from '../../worker/contacts/subscriptions';
import { applyKeyword } from '../../worker/ingest/contacts';
import { BASE, call, createContact, eventually, expectProblem, newWorkspace, unique } from '../helpers';
import { createInbox, post, sign, threadOf } from '../channels/helpers';

const TOKEN = 'twilio-auth-token';

/** Twilio's own inbound body (the fixture), re-addressed to this inbox's number and signed with its token. */
async function twilioSays(inboxId: string, from: string, text: string) {
  const sid = `SM${unique()}`;
  const params = [...new URLSearchParams(twilioInbound.body)].map(([k, v]): [string, string] => {
    if (k === 'From') return [k, from];
    if (k === 'To') return [k, '+15557654321'];
    if (k === 'Body') return [k, text];
    if (k === 'AccountSid') return [k, 'AC0123456789'];
    if (k === 'MessageSid' || k === 'SmsMessageSid' || k === 'SmsSid') return [k, sid];
    return [k, v];
  });
  const fixed = params;
  const res = await post('sms', inboxId, new URLSearchParams(fixed).toString(), {
    'content-type': 'application/x-www-form-urlencoded',
    'x-twilio-signature': await sign.twilio(TOKEN, `${BASE}/webhooks/sms/${inboxId}`, fixed),
  });
  expect(res.status).toBe(200);
}

async function smsWorkspace() {
  const ws = await newWorkspace('Subscriptions');
  const inbox = await createInbox(ws, 'sms', { accountSid: 'AC0123456789', authToken: TOKEN, phoneNumber: '+15557654321' });
  return { ws, inbox };
}

describe('subscriptions', () => {
  it('reads every channel, unknown where nothing was said; agents edit with their source and time', async () => {
    const ws = await newWorkspace('Subs edit');
    const contact = await createContact(ws, { subscriptions: { email: 'subscribed' } });
    const created = await call('GET', `/api/contacts/${contact.id}`, { token: ws.token });
    expect(created.body.subscriptions).toMatchObject({ email: { status: 'subscribed', source: 'agent' }, sms: { status: 'unknown', source: null, changedAt: null }, whatsapp: { status: 'unknown' } });
    const before = Date.now();
    const res = await call('PATCH', `/api/contacts/${contact.id}`, { token: ws.token, body: { subscriptions: { sms: { status: 'unsubscribed' }, email: 'subscribed' } } });
    expect(res.status).toBe(200);
    expect(res.body.subscriptions.sms).toMatchObject({ status: 'unsubscribed', source: 'agent' });
    expect(res.body.subscriptions.sms.changedAt).toBeGreaterThanOrEqual(before);
    // Unchanged status: the original time stays.
    expect(res.body.subscriptions.email.changedAt).toBe(created.body.subscriptions.email.changedAt);
    const forget = await call('PATCH', `/api/contacts/${contact.id}`, { token: ws.token, body: { subscriptions: { sms: 'unknown' } } });
    expect(forget.body.subscriptions.sms.status).toBe('unknown');
    expectProblem(await call('PATCH', `/api/contacts/${contact.id}`, { token: ws.token, body: { subscriptions: { sms: 'maybe' } } }), 400, 'subscriptions.sms');
  });

  it('language, country and city are contact fields, normalized and checked', async () => {
    const ws = await newWorkspace('Profile');
    const contact = await createContact(ws, { language: 'PT-BR', country: 'br', city: ' São Paulo ' });
    expect(contact).toMatchObject({ language: 'pt-br', country: 'BR', city: 'São Paulo' });
    expectProblem(await call('PATCH', `/api/contacts/${contact.id}`, { token: ws.token, body: { country: 'Brazil' } }), 400, 'country');
  });

  it('SMS STOP and START through a signed Twilio webhook change the subscription (source sms_keyword); the messages still land', async () => {
    const { ws, inbox } = await smsWorkspace();
    const from = '+15551239876';
    await twilioSays(inbox.id, from, 'Is breakfast included?');
    const { contact, conversationId } = await threadOf(ws, ws.workspaceId, 'sms', from);
    await twilioSays(inbox.id, from, 'STOPALL');
    const stopped = await eventually(async () => {
      const c = await call('GET', `/api/contacts/${contact.id}`, { token: ws.token });
      return c.body.subscriptions.sms.status === 'unsubscribed' ? c.body : null;
    });
    expect(stopped.subscriptions.sms.source).toBe('sms_keyword');
    await twilioSays(inbox.id, from, 'Unstop');
    await eventually(async () => (await call('GET', `/api/contacts/${contact.id}`, { token: ws.token })).body.subscriptions.sms.status === 'subscribed');
    const msgs = await eventually(async () => {
      const m = await call('GET', `/api/conversations/${conversationId}/messages?limit=50`, { token: ws.token });
      return m.body.items.length >= 3 ? m.body.items : null;
    });
    expect(msgs.map((m: { text: string }) => m.text)).toEqual(expect.arrayContaining(['STOPALL', 'Unstop']));
  });

  it('e-mail unsubscribe (the core function broadcasts will call) is recorded with its source', async () => {
    const ws = await newWorkspace('Unsub');
    const contact = await createContact(ws, { subscriptions: { email: 'subscribed', sms: 'subscribed' } });
    expect(await unsubscribeEmail(env, ws.workspaceId, contact.id)).toBe(true);
    const c = await call('GET', `/api/contacts/${contact.id}`, { token: ws.token });
    expect(c.body.subscriptions).toMatchObject({ email: { status: 'unsubscribed', source: 'email_unsubscribe' }, sms: { status: 'subscribed' } });
    // Another workspace's id changes nothing.
    expect(await unsubscribeEmail(env, 'ws_other', contact.id)).toBe(false);
  });
});

describe("a customer's own opt-out", () => {
  it('an agent or API key cannot subscribe them again or forget it (409 naming the channel); the customer can', async () => {
    const ws = await newWorkspace('Opt-out');
    const contact = await createContact(ws, { subscriptions: { email: 'subscribed', sms: 'subscribed' } });
    await applyKeyword(env, ws.workspaceId, contact.id, 'sms', 'stop');
    await unsubscribeEmail(env, ws.workspaceId, contact.id);
    for (const [channel, status] of [['sms', 'subscribed'], ['sms', 'unknown'], ['email', 'subscribed']]) {
      const res = await call('PATCH', `/api/contacts/${contact.id}`, { token: ws.token, body: { subscriptions: { [channel]: status } } });
      expectProblem(res, 409, `subscriptions.${channel}`);
      expect(res.body.detail).toMatch(new RegExp(`unsubscribed from ${channel} themselves .*only they can opt back in`));
    }
    // Saying what already stands is fine, and other channels stay editable.
    const ok = await call('PATCH', `/api/contacts/${contact.id}`, { token: ws.token, body: { subscriptions: { sms: 'unsubscribed', whatsapp: 'subscribed' } } });
    expect(ok.status).toBe(200);
    expect(ok.body.subscriptions).toMatchObject({ sms: { status: 'unsubscribed', source: 'sms_keyword' }, email: { status: 'unsubscribed', source: 'email_unsubscribe' }, whatsapp: { status: 'subscribed' } });
    // START is the customer's: it reverses their STOP, and after that the agent may edit again.
    await applyKeyword(env, ws.workspaceId, contact.id, 'sms', 'start');
    const back = await call('PATCH', `/api/contacts/${contact.id}`, { token: ws.token, body: { subscriptions: { sms: 'unsubscribed' } } });
    expect(back.status).toBe(200);
    expect((await call('PATCH', `/api/contacts/${contact.id}`, { token: ws.token, body: { subscriptions: { sms: 'subscribed' } } })).status).toBe(200);
  });

  it("the import's write puts a customer's opt-out back over what it brings (a STOP between its read and write)", async () => {
    const stored = JSON.stringify({ sms: { status: 'unsubscribed', source: 'sms_keyword', changedAt: 1 }, email: { status: 'unsubscribed', source: 'import', changedAt: 1 }, whatsapp: 'unsubscribed' });
    const patch = JSON.stringify({ sms: { status: 'subscribed', source: 'import', changedAt: 2 }, email: { status: 'subscribed', source: 'import', changedAt: 2 }, whatsapp: { status: 'subscribed', source: 'import', changedAt: 2 } });
    const row = await env.DB.prepare(`SELECT ${patchKeepingCustomerOptOuts('?1', '?2')} AS s`).bind(stored, patch).first<{ s: string }>();
    expect(JSON.parse(row!.s)).toEqual({ sms: { status: 'unsubscribed', source: 'sms_keyword', changedAt: 1 }, email: { status: 'subscribed', source: 'import', changedAt: 2 }, whatsapp: { status: 'subscribed', source: 'import', changedAt: 2 } });
  });
});

describe('contact stats from the event stream', () => {
  it('a real inbound message sets lastActivityAt, conversationCount and the last conversation status; closing updates it', async () => {
    const { ws, inbox } = await smsWorkspace();
    const from = '+15551231111';
    const before = Date.now();
    await twilioSays(inbox.id, from, 'Do you have a room on Friday?');
    const { contact, conversationId } = await threadOf(ws, ws.workspaceId, 'sms', from);
    const stats = await eventually(async () => {
      const c = await call('GET', `/api/contacts/${contact.id}`, { token: ws.token });
      return c.body.conversationCount === 1 ? c.body : null;
    });
    expect(stats.lastActivityAt).toBeGreaterThanOrEqual(before);
    expect(stats.lastConversationStatus).toBe('open');
    expect(stats.lastConversationId).toBe(conversationId);
    expect(stats.lastConversationCsat).toBeNull();
    // Twilio's FromCountry (US in the recorded body) places a new SMS contact.
    expect(stats.country).toBe('US');

    // An audience on those stats sees the contact at once.
    const preview = await call('POST', '/api/audiences/preview', {
      token: ws.token,
      body: { filter: { all: [{ field: 'lastActivityAt', op: 'within', value: '1d' }, { field: 'conversationCount', op: 'gte', value: 1 }, { field: 'channel', op: 'is', value: 'sms' }] } },
    });
    expect(preview.body).toMatchObject({ count: 1, sample: [{ id: contact.id }] });

    expect((await call('PATCH', `/api/conversations/${conversationId}`, { token: ws.token, body: { status: 'closed' } })).status).toBe(200);
    await eventually(async () => (await call('GET', `/api/contacts/${contact.id}`, { token: ws.token })).body.lastConversationStatus === 'closed');
    // Redelivered events change nothing: the subscriber recomputes from the projection.
    const row = await env.DB.prepare(`SELECT conversation_count, last_activity_at FROM contacts WHERE id = ?`).bind(contact.id).first<{ conversation_count: number; last_activity_at: number }>();
    const { refreshContactStats } = await import('../../worker/contacts/stats');
    await refreshContactStats(env.DB, [[ws.workspaceId, contact.id]]);
    expect(await env.DB.prepare(`SELECT conversation_count, last_activity_at FROM contacts WHERE id = ?`).bind(contact.id).first()).toEqual(row);
  });
});
