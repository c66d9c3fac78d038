// Outbound delivery through the sandbox transport: the exact provider request is recorded, provider
// answers decide sent / failed / retried, status webhooks move the message forward (never back), the
// WhatsApp window and SMS opt-outs are enforced, inbound media lands in R2.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import waImage from '../fixtures/providers/whatsapp_cloud_image_message.json';
import waText from '../fixtures/providers/whatsapp_cloud_text_message.json';
import mms from '../fixtures/providers/twilio_mms_inbound_with_media.json';
import { BASE, call, createContact, eventually, expectProblem, newWorkspace, unique, type Workspace } from '../helpers';
import { openSocket } from '../sockets';
import { createInbox, post, replyAndSettle, sandboxRequests, sign, threadOf } from './helpers';

const APP_SECRET = 'wa-app-secret';
const PHONE_ID = '106540352242922';

function waBody(from: string, text: string, id = `wamid.${unique()}`) {
  const body = structuredClone(waText.body) as any;
  const value = body.entry[0].changes[0].value;
  value.contacts[0].wa_id = from;
  Object.assign(value.messages[0], { from, id, text: { body: text } });
  return JSON.stringify(body);
}

function waStatus(id: string, status: string, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_ID }, statuses: [{ id, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '1', ...extra }] } }] }],
  });
}

async function postWa(inboxId: string, body: string) {
  const res = await post('whatsapp', inboxId, body, { 'content-type': 'application/json', 'x-hub-signature-256': await sign.hub(APP_SECRET, body) });
  expect(res.status).toBe(200);
}

async function waConversation(text = 'Hi, is the loft free?') {
  const ws = await newWorkspace();
  const inbox = await createInbox(ws, 'whatsapp', { phoneNumberId: PHONE_ID, accessToken: 'EAA-secret-token', appSecret: APP_SECRET, verifyToken: 'v' });
  const from = `34600${Math.floor(1e6 + Math.random() * 8e6)}`;
  await postWa(inbox.id, waBody(from, text));
  const thread = await threadOf(ws, ws.workspaceId, 'whatsapp', from);
  return { ws, inbox, from, ...thread };
}

async function messageOf(ws: Workspace, conversationId: string, id: string) {
  const msgs = await call('GET', `/api/conversations/${conversationId}/messages?limit=200`, { token: ws.token });
  return msgs.body.items.find((m: any) => m.id === id);
}

async function providerIdOf(messageId: string) {
  return eventually(() => env.DB.prepare(`SELECT provider_message_id FROM outbound_messages WHERE message_id = ? AND status = 'sent'`).bind(messageId).first<string>('provider_message_id'));
}

describe('WhatsApp outbound', () => {
  it('a reply inside the window is sent; the sandbox recorded the exact Cloud API request', async () => {
    const { ws, conversationId, from } = await waConversation();
    const m = await replyAndSettle(ws, conversationId, 'Yes, it is free from the 12th.');
    expect(m.status).toBe('sent');
    const [req] = await sandboxRequests(ws, m.id);
    expect(req).toMatchObject({ channel: 'whatsapp', purpose: 'send', method: 'POST', url: `https://graph.facebook.com/v21.0/${PHONE_ID}/messages`, responseStatus: 200 });
    expect(req.headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer [redacted]' });
    expect(JSON.parse(req.body)).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to: from, type: 'text', text: { preview_url: true, body: 'Yes, it is free from the 12th.' } });
    expect(await providerIdOf(m.id)).toMatch(/^wamid\./);
  });

  it('status webhooks move the message to delivered and read, never back; failed carries the reason', async () => {
    const { ws, inbox, conversationId } = await waConversation();
    const socket = await openSocket(`/api/conversations/${conversationId}/ws?access_token=${ws.token}`);
    const m = await replyAndSettle(ws, conversationId, 'Check-in is at 3pm.');
    const wamid = await providerIdOf(m.id);
    // Out of order: read arrives before delivered.
    await postWa(inbox.id, waStatus(wamid, 'read'));
    await socket.next((f) => f.t === 'event' && f.event?.type === 'message.status' && f.event.data.status === 'read');
    await postWa(inbox.id, waStatus(wamid, 'delivered'));
    await postWa(inbox.id, waStatus(wamid, 'sent'));
    // A later, unrelated status proves the consumer got past the two stale ones.
    const second = await replyAndSettle(ws, conversationId, 'Anything else?');
    const wamid2 = await providerIdOf(second.id);
    await postWa(inbox.id, waStatus(wamid2, 'failed', { errors: [{ code: 131049, title: 'This message was not delivered to maintain healthy ecosystem engagement.' }] }));
    await eventually(async () => (await messageOf(ws, conversationId, second.id))?.status === 'failed');
    expect((await messageOf(ws, conversationId, m.id)).status).toBe('read');
    expect((await messageOf(ws, conversationId, second.id)).statusReason).toMatch(/131049.*healthy ecosystem/);
    socket.close();
    // Statuses never create messages.
    const msgs = await call('GET', `/api/conversations/${conversationId}/messages`, { token: ws.token });
    expect(msgs.body.items).toHaveLength(3);
  });

  it('a receipt that outruns the record of its send is retried until the record exists', async () => {
    const { ws, inbox, conversationId } = await waConversation();
    const m = await replyAndSettle(ws, conversationId, 'On our way');
    const early = `wamid.EARLY${unique()}`;
    await postWa(inbox.id, waStatus(early, 'delivered'));
    // The record appears after the receipt did (as if the provider answered slowly).
    await env.DB.prepare(`UPDATE outbound_messages SET provider_message_id = ? WHERE message_id = ?`).bind(early, m.id).run();
    await eventually(async () => (await messageOf(ws, conversationId, m.id))?.status === 'delivered', 10_000);
  });

  it('outside the 24-hour window only templates go out; free text fails with a clear reason', async () => {
    const { ws, conversationId } = await waConversation();
    await env.DB.prepare(`UPDATE channel_activity SET last_inbound_at = ? WHERE workspace_id = ?`).bind(Date.now() - 25 * 3600_000, ws.workspaceId).run();
    const check = await call('POST', '/api/channels/compose', { token: ws.token, body: { conversationId, text: 'Hello again' } });
    expect(check.body).toMatchObject({ canSend: false, window: { open: false, templatesOnly: true } });
    expect(check.body.reasons[0]).toMatch(/24-hour/);
    const m = await replyAndSettle(ws, conversationId, 'Hello again');
    expect(m.status).toBe('failed');
    expect(m.statusReason).toMatch(/24-hour customer service window closed .* only approved templates/);
    expect(await sandboxRequests(ws, m.id)).toEqual([]);

    const tpl = await call('POST', '/api/channels/whatsapp/templates', { token: ws.token, body: { conversationId, name: 'booking_reminder', language: 'en_US', parameters: ['Loft', '12 May'] } });
    expect(tpl.status).toBe(201);
    const sent = await eventually(async () => {
      const msg = await messageOf(ws, conversationId, tpl.body.message.id);
      return msg?.status === 'sent' ? msg : null;
    });
    const [req] = await sandboxRequests(ws, sent.id);
    expect(JSON.parse(req.body)).toMatchObject({
      type: 'template',
      template: { name: 'booking_reminder', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Loft' }, { type: 'text', text: '12 May' }] }] },
    });
    expectProblem(await call('POST', '/api/channels/whatsapp/templates', { token: ws.token, body: { conversationId, name: 'Bad Name!' } }), 400, 'name');
  });

  it('transient provider errors retry with backoff until sent; permanent ones fail at once with the reason', async () => {
    const { ws, conversationId } = await waConversation();
    const flaky = await replyAndSettle(ws, conversationId, 'Retry me [[sandbox:503x2]]', 15_000);
    expect(flaky.status).toBe('sent');
    expect((await sandboxRequests(ws, flaky.id)).map((r) => r.responseStatus).sort()).toEqual([200, 503, 503]);
    const limited = await replyAndSettle(ws, conversationId, 'Rate limited once [[sandbox:429x1]]', 15_000);
    expect(limited.status).toBe('sent');
    const rejected = await replyAndSettle(ws, conversationId, 'Bad request [[sandbox:400]]');
    expect(rejected.status).toBe('failed');
    expect(rejected.statusReason).toMatch(/Sandbox: simulated HTTP 400 \(HTTP 400\)/);
    expect(await sandboxRequests(ws, rejected.id)).toHaveLength(1);
  });

  it('inbound media is fetched with the provider auth into R2', async () => {
    const ws = await newWorkspace();
    const inbox = await createInbox(ws, 'whatsapp', { phoneNumberId: PHONE_ID, accessToken: 'EAA-secret-token', appSecret: APP_SECRET });
    const body = structuredClone(waImage.body) as any;
    const from = `34611${Math.floor(1e6 + Math.random() * 8e6)}`;
    body.entry[0].changes[0].value.contacts[0].wa_id = from;
    body.entry[0].changes[0].value.messages[0].from = from;
    await postWa(inbox.id, JSON.stringify(body));
    const thread = await threadOf(ws, ws.workspaceId, 'whatsapp', from);
    const [m] = thread.messages;
    expect(m.text).toBe('Taj Mahal');
    expect(m.attachments).toEqual([expect.objectContaining({ contentType: 'image/jpeg', url: expect.stringContaining('/api/files/') })]);
    const object = await env.FILES.get(m.attachments[0].key);
    expect(object?.size).toBeGreaterThan(0);
    const file = await call('GET', m.attachments[0].url);
    expect(file.status).toBe(200);
    const fetches = (await sandboxRequests(ws)).filter((r) => r.purpose === 'media');
    expect(fetches.map((r) => r.url)).toEqual(expect.arrayContaining(['https://graph.facebook.com/v21.0/1003383421387256', 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1003383421387256']));
    expect(fetches.every((r) => r.headers.authorization === 'Bearer [redacted]')).toBe(true);
  });
});

describe('SMS (Twilio)', () => {
  const TOKEN = 'twilio-auth-token';
  async function smsSetup() {
    const ws = await newWorkspace();
    const inbox = await createInbox(ws, 'sms', { accountSid: 'AC0123456789', authToken: TOKEN, phoneNumber: '+15557654321' });
    return { ws, inbox };
  }
  async function postSms(inboxId: string, params: [string, string][]) {
    const url = `${BASE}/webhooks/sms/${inboxId}`;
    const body = new URLSearchParams(params).toString();
    return post('sms', inboxId, body, { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': await sign.twilio(TOKEN, url, params) });
  }
  const inbound = (from: string, text: string): [string, string][] => [
    ['MessageSid', `SM${unique()}`],
    ['AccountSid', 'AC0123456789'],
    ['From', from],
    ['To', '+15557654321'],
    ['Body', text],
    ['NumMedia', '0'],
  ];

  it('signed over the full URL and sorted params; answers TwiML; a wrong signature is 401', async () => {
    const { ws, inbox } = await smsSetup();
    const res = await postSms(inbox.id, inbound('+15551230001', 'Hi there'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/xml');
    expect(res.body).toContain('<Response>');
    const thread = await threadOf(ws, ws.workspaceId, 'sms', '+15551230001');
    expect(thread.messages[0].text).toBe('Hi there');
    const params = inbound('+15551230002', 'forged');
    const bad = await post('sms', inbox.id, new URLSearchParams(params).toString(), { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': await sign.twilio(TOKEN, `${BASE}/webhooks/sms/other`, params) });
    expectProblem(bad, 401);
    const notForm = await post('sms', inbox.id, '{}', { 'content-type': 'application/json', 'x-twilio-signature': await sign.twilio(TOKEN, `${BASE}/webhooks/sms/${inbox.id}`, []) });
    // Without bodySHA256 the body is signed as form parameters: a URL-only signature does not cover it.
    expectProblem(notForm, 401);
  });

  it('STOP opts the contact out and blocks sends; START opts back in; the request carries StatusCallback', async () => {
    const { ws, inbox } = await smsSetup();
    const from = '+15551230003';
    await postSms(inbox.id, inbound(from, 'Is parking included?'));
    const { conversationId, contact } = await threadOf(ws, ws.workspaceId, 'sms', from);
    await postSms(inbox.id, inbound(from, 'STOP'));
    await eventually(async () => (await call('GET', `/api/contacts/${contact.id}`, { token: ws.token })).body.subscriptions?.sms?.status === 'unsubscribed');
    const check = await call('POST', '/api/channels/compose', { token: ws.token, body: { conversationId, text: 'Sorry to see you go' } });
    expect(check.body).toMatchObject({ canSend: false, subscription: 'unsubscribed', segments: { encoding: 'GSM-7', segments: 1 } });
    const blocked = await replyAndSettle(ws, conversationId, 'Sorry to see you go');
    expect(blocked.status).toBe('failed');
    expect(blocked.statusReason).toMatch(/opted out/);
    expect(await sandboxRequests(ws, blocked.id)).toEqual([]);

    await postSms(inbox.id, inbound(from, 'start'));
    await eventually(async () => (await call('GET', `/api/contacts/${contact.id}`, { token: ws.token })).body.subscriptions?.sms?.status === 'subscribed');
    const ok = await replyAndSettle(ws, conversationId, 'Welcome back! Parking is included 🚗');
    expect(ok.status).toBe('sent');
    const [req] = await sandboxRequests(ws, ok.id);
    expect(req.url).toBe('https://api.twilio.com/2010-04-01/Accounts/AC0123456789/Messages.json');
    expect(req.headers.authorization).toBe('Basic [redacted]');
    const form = new URLSearchParams(req.body);
    expect(Object.fromEntries(form)).toMatchObject({ To: from, From: '+15557654321', Body: 'Welcome back! Parking is included 🚗', StatusCallback: `http://127.0.0.1:8787/webhooks/sms/${inbox.id}` });

    // Twilio's delivery callback for that message.
    const sid = await providerIdOf(ok.id);
    await postSms(inbox.id, [['MessageSid', sid], ['MessageStatus', 'delivered'], ['AccountSid', 'AC0123456789'], ['To', from]]);
    await eventually(async () => (await messageOf(ws, conversationId, ok.id))?.status === 'delivered');
  });

  it("an invalid number fails permanently with Twilio's own error", async () => {
    const { ws, inbox } = await smsSetup();
    const contact = await createContact(ws, { identities: [{ channel: 'sms', externalId: '+15005550001' }], phone: '+15005550001' });
    const started = await call('POST', '/api/conversations', { token: ws.token, body: { contactId: contact.id, inboxId: inbox.id, text: 'Your booking is confirmed' } });
    expect(started.status).toBe(201);
    const m = await eventually(async () => {
      const x = await messageOf(ws, started.body.conversation.id, started.body.message.id);
      return x?.status === 'failed' ? x : null;
    });
    expect(m.statusReason).toMatch(/\[21211\].*not a valid phone number/);
  });

  it('MMS media that cannot be fetched is named in the message, not dropped', async () => {
    const { ws, inbox } = await smsSetup();
    const params = [...new URLSearchParams(mms.body).entries()].map(([k, v]) => [k, k === 'From' ? '+14133880001' : v] as [string, string]);
    expect((await postSms(inbox.id, params)).status).toBe(200);
    const thread = await threadOf(ws, ws.workspaceId, 'sms', '+14133880001');
    expect(thread.messages[0].text).toMatch(/^Msg\n📎 Could not fetch 2 attachment\(s\): .*invalid media URL cat\.jpg/);
    // With real URLs the files land in R2.
    const good = [...params.filter(([k]) => !k.startsWith('MediaUrl') && k !== 'MessageSid' && k !== 'From'), ['MessageSid', `MM${unique()}`], ['From', '+14133880002'], ['MediaUrl0', 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1.jpg'], ['MediaContentType0', 'image/jpeg'], ['MediaUrl1', 'https://api.twilio.com/x/ME2'], ['MediaContentType1', 'application/pdf']] as [string, string][];
    await postSms(inbox.id, good);
    const withMedia = await threadOf(ws, ws.workspaceId, 'sms', '+14133880002');
    expect(withMedia.messages[0].attachments.map((a: any) => a.contentType)).toEqual(['image/jpeg', 'application/pdf']);
  });

  it('segment counts for the composer', async () => {
    const { ws } = await smsSetup();
    const res = await call('POST', '/api/channels/sms/segments', { token: ws.token, body: { text: 'ç'.repeat(71) } });
    expect(res.body).toMatchObject({ encoding: 'UCS-2', segments: 2, perSegment: 67 });
    expectProblem(await call('POST', '/api/channels/compose', { token: ws.token, body: { text: 'x' } }), 400, 'channel');
  });
});
