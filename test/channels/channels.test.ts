// Every other channel end to end through its real webhook and the sandbox transport: e-mail threading,
// Messenger, Instagram, Telegram, LINE, voice, booking platforms (reservation context), delivery
// platforms (order context), forms, reviews and chatbot handoff; the registry and the subscription gate.
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import emailFx from '../fixtures/providers/email_inbound_multipart.eml.json';
import lineSigned from '../fixtures/providers/line_text_message_signed.json';
import igDm from '../fixtures/providers/meta_instagram_dm.json';
import fbText from '../fixtures/providers/meta_messenger_text_message.json';
import tgText from '../fixtures/providers/telegram_update_text_message.json';
import voicemail from '../fixtures/providers/twilio_voice_transcription_callback.json';
import uber from '../fixtures/providers/ubereats_order_notification.json';
import { ADAPTERS, acceptsWebhooks } from '../../worker/channels/registry';
import { BASE, call, eventually, expectProblem, newWorkspace, unique, type Workspace } from '../helpers';
import { createInbox, post, replyAndSettle, sandboxRequests, sign, STANDARD_SECRET, standardHeaders, threadOf } from './helpers';

async function context(ws: Workspace, contactId: string) {
  return eventually(async () => {
    const res = await call('GET', `/api/contacts/${contactId}/context`, { token: ws.token });
    return res.body.items?.length ? res.body.items : null;
  });
}

describe('e-mail', () => {
  it('lands through the Email Worker path, replies thread with In-Reply-To/References, replies to our reply thread back', async () => {
    const ws = await newWorkspace();
    const address = `stay-${unique()}@casa-azul.test`;
    await createInbox(ws, 'email', { address, fromName: 'Casa Azul' });
    const queued = await call('POST', `/api/dev/email?to=${encodeURIComponent(address)}&from=andris@kreata.ee`, { body: emailFx.body, headers: { 'content-type': 'message/rfc822' } });
    expect(queued.status).toBe(202);
    const thread = await threadOf(ws, ws.workspaceId, 'email', 'andris@kreata.ee');
    const [first] = thread.messages;
    expect(thread.contact).toMatchObject({ email: 'andris@kreata.ee', name: 'Andris Kreata' });
    expect(first.text).toBe(`${emailFx.expect.subject}\n\nHello to myself!`);
    const html = first.attachments.find((a: any) => a.name === 'message.html');
    expect(html).toBeTruthy();
    const download = await SELF.fetch(`${BASE}${html.url}`);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(download.headers.get('content-type')).toBe('application/octet-stream');
    expect(first.attachments.map((a: any) => a.name)).toEqual(expect.arrayContaining(['image.png', 'notes.txt']));

    const reply = await replyAndSettle(ws, thread.conversationId, 'Hello Andris, thanks for writing!');
    expect(reply.status).toBe('sent');
    const [req] = await sandboxRequests(ws, reply.id);
    expect(req.url).toBe('cf-email://send_email');
    expect(req.body).toContain(`In-Reply-To: ${emailFx.expect.provider_message_id}`);
    expect(req.body).toContain(`References: ${emailFx.expect.provider_message_id}`);
    expect(req.body).toMatch(/^Subject: =\?UTF-8\?B\?/m);
    const ourId = req.body.match(/^Message-ID: (<[^>]+>)/m)[1];
    expect(ourId).toBe(`<${reply.id}@casa-azul.test>`);

    // A colleague answers our mail: threading, not the sender, picks the conversation; quoted history is trimmed.
    const answer = [
      'From: Andris Reinman <andris.reinman@gmail.com>',
      `To: ${address}`,
      'Subject: Re: Nodemailer is unicode friendly',
      `Message-ID: <${unique()}@gmail.com>`,
      `In-Reply-To: ${ourId}`,
      `References: ${emailFx.expect.provider_message_id} ${ourId}`,
      'Date: Thu, 13 Oct 2016 12:00:00 +0000',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Perfect, see you then!',
      '',
      'On Thu, 13 Oct 2016 at 11:50, Casa Azul <stay@casa-azul.test> wrote:',
      '> Hello Andris, thanks for writing!',
      '',
    ].join('\r\n');
    await call('POST', `/api/dev/email?to=${encodeURIComponent(address)}`, { body: answer });
    const after = await threadOf(ws, ws.workspaceId, 'email', 'andris@kreata.ee', 3);
    expect(after.messages[2]).toMatchObject({ text: 'Perfect, see you then!', direction: 'inbound' });
    expectProblem(await call('POST', `/api/dev/email?to=nobody-${unique()}@casa-azul.test`, { body: answer }), 422);
  });
});

describe('Meta, Telegram and LINE', () => {
  it('Messenger: recorded webhook in, Send API request out', async () => {
    const ws = await newWorkspace();
    const inbox = await createInbox(ws, 'messenger', { pageId: '1234567890', pageAccessToken: 'PAGE-TOKEN', appSecret: fbText.signature.app_secret, verifyToken: 'v' });
    expect((await post('messenger', inbox.id, fbText.raw_body, fbText.headers)).status).toBe(200);
    const thread = await threadOf(ws, ws.workspaceId, 'messenger', '5678');
    expect(thread.messages[0].text).toBe('Hello World');
    const m = await replyAndSettle(ws, thread.conversationId, 'Hi from Casa Azul');
    expect(m.status).toBe('sent');
    const [req] = await sandboxRequests(ws, m.id);
    expect(req.url).toBe('https://graph.facebook.com/v21.0/me/messages');
    expect(JSON.parse(req.body)).toEqual({ recipient: { id: '5678' }, messaging_type: 'RESPONSE', message: { text: 'Hi from Casa Azul' } });
  });

  it('Messenger outside 24 hours: the HUMAN_AGENT tag up to 7 days, refused after; attachments go out as signed links', async () => {
    const ws = await newWorkspace();
    const inbox = await createInbox(ws, 'messenger', { pageId: '1234567890', pageAccessToken: 'PAGE-TOKEN', appSecret: fbText.signature.app_secret });
    expect((await post('messenger', inbox.id, fbText.raw_body, fbText.headers)).status).toBe(200);
    const thread = await threadOf(ws, ws.workspaceId, 'messenger', '5678');
    const setLast = (ms: number) => env.DB.prepare(`UPDATE channel_activity SET last_inbound_at = ? WHERE workspace_id = ?`).bind(Date.now() - ms, ws.workspaceId).run();
    await setLast(2 * 86_400_000);
    const upload = await call('POST', '/api/files?name=floorplan.png', { token: ws.token, body: new Uint8Array([137, 80, 78, 71]), headers: { 'content-type': 'image/png' } });
    expect(upload.status).toBe(201);
    const sent = await call('POST', `/api/conversations/${thread.conversationId}/messages`, { token: ws.token, body: { text: 'Here is the floor plan', attachments: [{ key: upload.body.key, name: upload.body.name, contentType: upload.body.contentType, size: upload.body.size }] } });
    const m = await eventually(async () => {
      const x = (await call('GET', `/api/conversations/${thread.conversationId}/messages`, { token: ws.token })).body.items.find((i: any) => i.id === sent.body.message.id);
      return x?.status === 'sent' ? x : null;
    });
    const [req] = await sandboxRequests(ws, m.id);
    const payload = JSON.parse(req.body);
    expect(payload).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { attachment: { type: 'image', payload: { is_reusable: true } } } });
    const link = new URL(payload.message.attachment.payload.url);
    expect(link.pathname).toBe(`/api/files/${upload.body.key.split('/').map(encodeURIComponent).join('/')}`);
    expect(link.searchParams.get('sig')).toBeTruthy();
    expect((await call('GET', `${link.pathname}${link.search}`)).status).toBe(200);
    await setLast(8 * 86_400_000);
    const late = await replyAndSettle(ws, thread.conversationId, 'Are you still there?');
    expect(late).toMatchObject({ status: 'failed', statusReason: expect.stringContaining('7 days') });
  });

  it('Instagram: recorded DM in, reply out through the page', async () => {
    const ws = await newWorkspace();
    const inbox = await createInbox(ws, 'instagram', { pageId: '1234567890', pageAccessToken: 'PAGE-TOKEN', appSecret: igDm.signature.app_secret });
    expect((await post('instagram', inbox.id, igDm.raw_body, igDm.headers)).status).toBe(200);
    const thread = await threadOf(ws, ws.workspaceId, 'instagram', '5678');
    const m = await replyAndSettle(ws, thread.conversationId, 'Thanks for the DM');
    const [req] = await sandboxRequests(ws, m.id);
    expect(req.url).toBe('https://graph.facebook.com/v21.0/1234567890/messages');
  });

  it('Telegram: secret-token header, message in, sendMessage out (bot token never recorded)', async () => {
    const ws = await newWorkspace();
    const inbox = await createInbox(ws, 'telegram', { botToken: '123456:ABC-secret', secretToken: 'tg-secret' });
    expectProblem(await post('telegram', inbox.id, tgText.raw_body, { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'nope' }), 401);
    expect((await post('telegram', inbox.id, tgText.raw_body, { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'tg-secret' })).status).toBe(200);
    const thread = await threadOf(ws, ws.workspaceId, 'telegram', '1111111');
    expect(thread.messages[0].text).toBe('/start');
    expect(thread.contact.name).toBe('Test Firstname Test Lastname');
    const m = await replyAndSettle(ws, thread.conversationId, 'Welcome!');
    const [req] = await sandboxRequests(ws, m.id);
    expect(req.url).toBe('https://api.telegram.org/bot[redacted]/sendMessage');
    expect(JSON.parse(req.body)).toEqual({ chat_id: '1111111', text: 'Welcome!' });
  });

  it("LINE: the SDK's signed group message in, push with a stable retry key out", async () => {
    const ws = await newWorkspace();
    const inbox = await createInbox(ws, 'line', { channelSecret: lineSigned.signature.channel_secret, channelAccessToken: 'LINE-TOKEN' });
    expect((await post('line', inbox.id, lineSigned.raw_body, lineSigned.headers)).status).toBe(200);
    const thread = await threadOf(ws, ws.workspaceId, 'line', 'test_group_id');
    expect(thread.messages[0].text).toBe(lineSigned.expect.text);
    const m = await replyAndSettle(ws, thread.conversationId, 'こんにちは');
    const [req] = await sandboxRequests(ws, m.id);
    expect(req.url).toBe('https://api.line.me/v2/bot/message/push');
    expect(req.headers['x-line-retry-key']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(JSON.parse(req.body)).toEqual({ to: 'test_group_id', messages: [{ type: 'text', text: 'こんにちは' }] });
  });
});

describe('voice (Twilio)', () => {
  it('a call is answered with a voicemail prompt and lands as a missed call; the transcription lands with its audio', async () => {
    const ws = await newWorkspace();
    const token = 'voice-token';
    const inbox = await createInbox(ws, 'voice', { accountSid: 'AC3f1496421dea2c8446672cdf90ff4c7a', authToken: token, phoneNumber: '+15024105645' });
    const url = `${BASE}/webhooks/voice/${inbox.id}`;
    const call1: [string, string][] = [['CallSid', 'CAbea03a48a7be37048368488684116087'], ['From', '+14708231590'], ['To', '+15024105645'], ['CallStatus', 'ringing'], ['Direction', 'inbound']];
    const answered = await post('voice', inbox.id, new URLSearchParams(call1).toString(), { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': await sign.twilio(token, url, call1) });
    expect(answered.status).toBe(200);
    expect(answered.body).toContain(`transcribeCallback="${url}"`);
    const params = [...new URLSearchParams(voicemail.body).entries()];
    const transcribed = await post('voice', inbox.id, voicemail.body, { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': await sign.twilio(token, url, params) });
    expect(transcribed.status).toBe(200);
    const thread = await threadOf(ws, ws.workspaceId, 'voice', '+14708231590', 2);
    expect(thread.messages[0].text).toContain('Missed call');
    expect(thread.messages[1].text).toBe('🎙 Voicemail: 123123 test.');
    expect(thread.messages[1].attachments[0]).toMatchObject({ contentType: 'audio/wav', name: 'voicemail-RE2b568e31f38645c9c5c3ed190a0da06a.wav' });
  });
});

describe('booking platforms', () => {
  const guesty = (conversationId: string, reservationId: string, body: string, type = 'fromGuest') => ({
    event: 'reservation.messageReceived',
    reservationId,
    conversation: {
      _id: conversationId,
      guestId: `guest_${conversationId}`,
      integration: { platform: 'airbnb2' },
      meta: { guestName: 'Moshe Test', reservations: [{ _id: reservationId, confirmationCode: 'Br8BYZRpo', checkIn: '2022-10-14T12:00:00.000Z', checkOut: '2022-10-22T07:00:00.000Z' }] },
    },
    message: { _id: unique('post'), body, type, module: { type: 'airbnb2' }, createdAt: '2022-10-01T10:00:00.000Z' },
  });

  it('Airbnb via Guesty: guest message with reservation context; the sidebar reads it; replies go to the Guesty conversation', async () => {
    const ws = await newWorkspace();
    const inbox = await createInbox(ws, 'airbnb', { signingSecret: STANDARD_SECRET, apiToken: 'guesty-token' });
    const convId = unique('gconv');
    const body = JSON.stringify(guesty(convId, '630f6529fae9050037b01e5e', 'Can we check in early?'));
    expect((await post('airbnb', inbox.id, body, await standardHeaders(body))).status).toBe(200);
    // Our own message coming back is not a new guest message.
    const echo = JSON.stringify(guesty(convId, '630f6529fae9050037b01e5e', 'Sure!', 'toGuest'));
    await post('airbnb', inbox.id, echo, await standardHeaders(echo));
    // A stale signature is refused.
    const stale = await standardHeaders(body, STANDARD_SECRET, unique(), Math.floor(Date.now() / 1000) - 600);
    expectProblem(await post('airbnb', inbox.id, body, stale), 401);
    const thread = await threadOf(ws, ws.workspaceId, 'airbnb', `guest_${convId}`);
    expect(thread.messages.map((m) => m.text)).toEqual(['Can we check in early?']);
    expect(thread.contact.name).toBe('Moshe Test');
    const [ctx] = await context(ws, thread.contact.id);
    expect(ctx).toMatchObject({ kind: 'reservation', channel: 'airbnb', reference: '630f6529fae9050037b01e5e', data: { confirmationCode: 'Br8BYZRpo', checkIn: '2022-10-14T12:00:00.000Z', platform: 'airbnb2', conversationId: convId } });

    // The reservation changes: a note in the thread, the context merges.
    const update = JSON.stringify({ event: 'reservation.updated', reservation: { _id: '630f6529fae9050037b01e5e', guestId: `guest_${convId}`, confirmationCode: 'Br8BYZRpo', status: 'confirmed', guestsCount: 3, listing: { title: 'Sea-view loft' }, money: { totalPaid: 840, currency: 'EUR' }, integration: { platform: 'airbnb2' } } });
    await post('airbnb', inbox.id, update, await standardHeaders(update));
    const withNote = await threadOf(ws, ws.workspaceId, 'airbnb', `guest_${convId}`, 2);
    expect(withNote.messages[1]).toMatchObject({ isInternalNote: true, text: expect.stringContaining('Reservation Br8BYZRpo (confirmed) · Sea-view loft') });
    const [merged] = await eventually(async () => {
      const items = await context(ws, thread.contact.id);
      return items[0].data.status === 'confirmed' ? items : null;
    });
    expect(merged.data).toMatchObject({ status: 'confirmed', guests: 3, amount: 840, currency: 'EUR', checkIn: '2022-10-14T12:00:00.000Z', conversationId: convId });

    const m = await replyAndSettle(ws, thread.conversationId, 'Early check-in at 1pm is fine.');
    expect(m.status).toBe('sent');
    const [req] = await sandboxRequests(ws, m.id);
    expect(req.url).toBe(`https://open-api.guesty.com/v1/communication/conversations/${convId}/send-message`);
    expect(JSON.parse(req.body)).toMatchObject({ body: 'Early check-in at 1pm is fine.' });
  });

  it('Booking.com: Messaging API messages (guest only) with the reservation id', async () => {
    const ws = await newWorkspace();
    const inbox = await createInbox(ws, 'bookingcom', { signingSecret: STANDARD_SECRET, propertyId: '8011855', username: 'machine', password: 'pw' });
    const msg = (id: string, type: string, content: string) => ({
      message_id: id,
      message_type: 'free_text',
      content,
      timestamp: '2024-05-01T10:00:00.000Z',
      sender: { participant_id: type === 'GUEST' ? 'guest-77' : 'prop-1', metadata: { participant_type: type, name: type === 'GUEST' ? 'Ines Guest' : 'Casa Azul' } },
      conversation: { conversation_id: 'conv-abc', conversation_type: 'reservation', conversation_reference: '4242424242' },
      attachment_ids: [],
    });
    const body = JSON.stringify({ data: { messages: [msg(unique('m'), 'GUEST', 'Is breakfast included?'), msg(unique('m'), 'PROPERTY', 'Our own earlier message')], ok: true }, errors: [] });
    expect((await post('bookingcom', inbox.id, body, await standardHeaders(body))).status).toBe(200);
    const thread = await threadOf(ws, ws.workspaceId, 'bookingcom', 'guest-77');
    expect(thread.messages.map((m) => m.text)).toEqual(['Is breakfast included?']);
    const [ctx] = await context(ws, thread.contact.id);
    expect(ctx).toMatchObject({ kind: 'reservation', reference: '4242424242', data: { conversationId: 'conv-abc' } });
    const m = await replyAndSettle(ws, thread.conversationId, 'Yes, from 8 to 10.');
    const [req] = await sandboxRequests(ws, m.id);
    expect(req.url).toBe('https://supply-xml.booking.com/messaging/properties/8011855/conversations/conv-abc');
    expect(JSON.parse(req.body)).toEqual({ message: { content: 'Yes, from 8 to 10.' } });
  });
});

describe('delivery platforms', () => {
  it('Uber Eats: the recorded order notification becomes an order thread with context; replies are refused with the reason', async () => {
    const ws = await newWorkspace();
    const inbox = await createInbox(ws, 'ubereats', { clientId: 'cid', clientSecret: uber.signature.client_secret });
    expect((await post('ubereats', inbox.id, uber.raw_body, uber.headers)).status).toBe(200);
    expect((await post('ubereats', inbox.id, uber.raw_body, uber.headers)).status).toBe(200);
    const thread = await threadOf(ws, ws.workspaceId, 'ubereats', `order:${uber.expect.order_id}`);
    expect(thread.messages).toHaveLength(1);
    expect(thread.messages[0]).toMatchObject({ isInternalNote: true, text: expect.stringContaining('Uber Eats order 153dd7f1') });
    const [ctx] = await context(ws, thread.contact.id);
    expect(ctx).toMatchObject({ kind: 'order', reference: uber.expect.order_id, data: { status: 'pos', resourceHref: uber.expect.resource_href } });
    const m = await replyAndSettle(ws, thread.conversationId, 'Your order is on its way');
    expect(m).toMatchObject({ status: 'failed', statusReason: 'Uber Eats does not take replies from Parley' });
  });

  it('Glovo, Deliveroo, DoorDash and Rappi: each signature scheme, order context with items, courier and ETA', async () => {
    const ws = await newWorkspace();
    const glovo = await createInbox(ws, 'glovo', { webhookToken: 'glovo-token' });
    const glovoBody = JSON.stringify({ order_id: '100500', order_code: 'BA7DWBVG', order_time: '2024-05-01 12:00:00', estimated_pickup_time: '2024-05-01 12:25:00', currency: 'EUR', estimated_total_price: 2450, customer: { name: 'Ana', phone_number: '+34 600 111 222', hash: 'h1' }, courier: { name: 'Luis', phone_number: '+34600999888' }, products: [{ id: 'p1', name: 'Paella', quantity: 2, price: 1100 }], special_requirements: 'No shellfish' });
    expectProblem(await post('glovo', glovo.id, glovoBody, { 'content-type': 'application/json', authorization: 'wrong' }), 401);
    expect((await post('glovo', glovo.id, glovoBody, { 'content-type': 'application/json', authorization: 'glovo-token' })).status).toBe(200);
    const g = await threadOf(ws, ws.workspaceId, 'glovo', '+34600111222');
    expect(g.messages[0].text).toBe('🛵 Glovo order BA7DWBVG — ORDER_RECEIVED · 2× Paella · 24.5 EUR · courier Luis · ETA 2024-05-01 12:25:00\nNote: No shellfish');
    expect((await context(ws, g.contact.id))[0].data).toMatchObject({ items: [{ name: 'Paella', quantity: 2, price: 11 }], courier: { name: 'Luis' }, total: 24.5 });

    const deliveroo = await createInbox(ws, 'deliveroo', { webhookSecret: 'roo-secret' });
    const rooBody = JSON.stringify({ event: 'order.new', body: { order: { id: 'gb:1234', display_id: '1234', status: 'placed', items: [{ name: 'Burger', quantity: 1, total_price: { fractional: 1299, currency_code: 'GBP' } }], total_price: { fractional: 1299, currency_code: 'GBP' }, customer: { first_name: 'Sam', contact_number: '+44 20 7946 0000', contact_access_code: '123 456' }, prepare_for: '2024-05-01T12:30:00Z' } } });
    const guid = unique('seq');
    expect((await post('deliveroo', deliveroo.id, rooBody, { 'content-type': 'application/json', 'x-deliveroo-sequence-guid': guid, 'x-deliveroo-hmac-sha256': await sign.hex256('roo-secret', `${guid} ${rooBody}`) })).status).toBe(200);
    expectProblem(await post('deliveroo', deliveroo.id, rooBody, { 'content-type': 'application/json', 'x-deliveroo-sequence-guid': 'other', 'x-deliveroo-hmac-sha256': await sign.hex256('roo-secret', `${guid} ${rooBody}`) }), 401);
    const r = await threadOf(ws, ws.workspaceId, 'deliveroo', '+442079460000#123 456');
    expect(r.messages[0].text).toContain('Deliveroo order 1234 — placed · 1× Burger · 12.99 GBP');

    const doordash = await createInbox(ws, 'doordash', { webhookAuthorization: 'Basic ZG9vcmRhc2g6c2VjcmV0' });
    const ddBody = JSON.stringify({ event_name: 'DASHER_CONFIRMED', external_delivery_id: 'D-1001', created_at: '2024-05-01T12:00:00Z', dasher_name: 'Kim', dropoff_contact_given_name: 'Rosa', dropoff_phone_number: '+1 415 555 0100', dropoff_time_estimated: '2024-05-01T12:40:00Z', tracking_url: 'https://track.example/D-1001' });
    expect((await post('doordash', doordash.id, ddBody, { 'content-type': 'application/json', authorization: 'Basic ZG9vcmRhc2g6c2VjcmV0' })).status).toBe(200);
    const d = await threadOf(ws, ws.workspaceId, 'doordash', '+14155550100');
    expect(d.messages[0].text).toContain('DoorDash order D-1001 — DASHER_CONFIRMED');
    expect(d.contact.name).toBe('Rosa');

    const rappi = await createInbox(ws, 'rappi', { webhookSecret: 'rappi-secret' });
    const rappiBody = JSON.stringify({ event: 'NEW_ORDER', order_detail: { order_id: '889900', items: [{ name: 'Arepa', quantity: 3, price: 9000 }], totals: { total_order: 27000, currency: 'COP' }, cooking_time: 15 }, customer: { first_name: 'Juan', last_name: 'Pérez', phone_number: '+57 300 1234567' } });
    const t = Math.floor(Date.now() / 1000);
    expect((await post('rappi', rappi.id, rappiBody, { 'content-type': 'application/json', 'rappi-signature': `t=${t},sign=${await sign.hex256('rappi-secret', `${t}.${rappiBody}`)}` })).status).toBe(200);
    const rp = await threadOf(ws, ws.workspaceId, 'rappi', '+573001234567');
    expect(rp.messages[0].text).toContain('Rappi order 889900 — NEW_ORDER · 3× Arepa · 27000 COP');
  });
});

describe('sources without a provider standard (Standard Webhooks)', () => {
  it('a form submission creates the contact and suggests a merge by e-mail', async () => {
    const ws = await newWorkspace();
    const inbox = await createInbox(ws, 'form', { signingSecret: STANDARD_SECRET });
    const existing = await call('POST', '/api/contacts', { token: ws.token, body: { name: 'Grace (WhatsApp)', email: 'grace@example.com' } });
    const body = JSON.stringify({ type: 'form.submitted', data: { submissionId: unique('sub'), formName: 'Contact us', contact: { name: 'Grace Hopper', email: 'Grace@Example.com' }, fields: { dates: '12–19 May', guests: 2 }, message: 'Do you have a crib?' } });
    expect((await post('form', inbox.id, body, await standardHeaders(body))).status).toBe(200);
    const thread = await threadOf(ws, ws.workspaceId, 'form', 'grace@example.com');
    expect(thread.messages[0].text).toBe('📝 Contact us\nDo you have a crib?\ndates: 12–19 May\nguests: 2');
    const suggestions = await call('GET', `/api/contacts/${thread.contact.id}/merge-suggestions`, { token: ws.token });
    expect(suggestions.body.items).toEqual([expect.objectContaining({ reason: 'email', value: 'grace@example.com', candidate: expect.objectContaining({ id: existing.body.id }) })]);
    const m = await replyAndSettle(ws, thread.conversationId, 'Yes we do');
    expect(m.statusReason).toMatch(/does not take replies/);
  });

  it('a review lands as its own thread; the reply is POSTed, signed, to the source as a public response', async () => {
    const ws = await newWorkspace();
    const inbox = await createInbox(ws, 'review', { signingSecret: STANDARD_SECRET, replyUrl: 'https://reviews.example/api/replies' });
    const reviewId = unique('rev');
    const body = JSON.stringify({ type: 'review.created', data: { reviewId, platform: 'Google', rating: 4, title: 'Lovely stay', body: 'Great view, noisy street.', author: { name: 'Tom' }, url: 'https://g.example/r/1' } });
    expect((await post('review', inbox.id, body, await standardHeaders(body))).status).toBe(200);
    const thread = await threadOf(ws, ws.workspaceId, 'review', `review:${reviewId}`);
    expect(thread.messages[0].text).toBe('★★★★☆ Google review: Lovely stay\nGreat view, noisy street.\nhttps://g.example/r/1');
    const m = await replyAndSettle(ws, thread.conversationId, 'Thank you Tom! We have added window insulation.');
    const [req] = await sandboxRequests(ws, m.id);
    expect(req.url).toBe('https://reviews.example/api/replies');
    expect(JSON.parse(req.body)).toMatchObject({ type: 'review.reply', data: { reviewId, text: 'Thank you Tom! We have added window insulation.' } });
    expect(req.headers['webhook-signature']).toBe(await sign.standard(STANDARD_SECRET, req.headers['webhook-id'], Number(req.headers['webhook-timestamp']), req.body));
  });

  it('a chatbot handoff brings the transcript and the reason, and leaves the customer waiting for a human', async () => {
    const ws = await newWorkspace();
    const inbox = await createInbox(ws, 'chatbot', { signingSecret: STANDARD_SECRET, replyUrl: 'https://bot.example/reply' });
    const session = unique('sess');
    const body = JSON.stringify({ type: 'chatbot.handoff', data: { sessionId: session, user: { id: `u-${session}`, name: 'Olga', email: 'olga@example.com' }, transcript: [{ role: 'user', text: 'I need to change my booking' }, { role: 'bot', text: 'I can help with that. What is your booking code?' }, { role: 'user', text: 'I lost it, can I talk to a person?' }], reason: 'customer asked for a human' } });
    expect((await post('chatbot', inbox.id, body, await standardHeaders(body))).status).toBe(200);
    const thread = await threadOf(ws, ws.workspaceId, 'chatbot', `u-${session}`, 4);
    expect(thread.messages.map((m) => [m.authorType, m.isInternalNote])).toEqual([['contact', false], ['bot', false], ['contact', false], ['system', true]]);
    expect(thread.messages[3].text).toBe('🤖 Bot handoff: customer asked for a human');
    const conv = await call('GET', `/api/conversations/${thread.conversationId}`, { token: ws.token });
    expect(conv.body).toMatchObject({ status: 'open', assigneeId: null });
    expect(conv.body.waitingSince).not.toBeNull();
    const bad = JSON.stringify({ type: 'chatbot.handoff', data: { sessionId: 's' } });
    expect((await post('chatbot', inbox.id, bad, await standardHeaders(bad))).status).toBe(200);
    await eventually(async () => (await call('GET', '/api/admin/dead-letters', { token: ws.token })).body.items.some((d: any) => /sessionId, data\.user\.id/.test(d.error)));
  });
});

describe('TikTok', () => {
  it('TikTok-Signature t=…,s=… over `${t}.${body}`; text in, send API out', async () => {
    const ws = await newWorkspace();
    const inbox = await createInbox(ws, 'tiktok', { appKey: 'k', appSecret: 'tt-secret', accessToken: 'tt-token', businessId: 'biz-1' });
    const body = JSON.stringify({ client_key: 'k', event: 'im_receive_msg', create_time: Math.floor(Date.now() / 1000), user_openid: 'open-1', content: JSON.stringify({ conversation_id: 'conv-tt-1', message_id: unique('ttm'), type: 'text', text: { body: 'Do you ship to Lisbon?' }, from_user: { id: 'open-1', display_name: 'lisboa.fan' } }) });
    const t = Math.floor(Date.now() / 1000);
    expect((await post('tiktok', inbox.id, body, { 'content-type': 'application/json', 'tiktok-signature': `t=${t},s=${await sign.hex256('tt-secret', `${t}.${body}`)}` })).status).toBe(200);
    expectProblem(await post('tiktok', inbox.id, body, { 'content-type': 'application/json', 'tiktok-signature': `t=${t},s=00` }), 401);
    const thread = await threadOf(ws, ws.workspaceId, 'tiktok', 'conv-tt-1');
    expect(thread.messages[0].text).toBe('Do you ship to Lisbon?');
    const m = await replyAndSettle(ws, thread.conversationId, 'We do!');
    const [req] = await sandboxRequests(ws, m.id);
    expect(JSON.parse(req.body)).toMatchObject({ business_id: 'biz-1', recipient: 'conv-tt-1', message_type: 'TEXT', text: { body: 'We do!' } });
  });
});

describe('registry and subscription gate', () => {
  it('lists every channel with capabilities and enablement; managers switch channels off and on', async () => {
    const ws = await newWorkspace();
    const list = await call('GET', '/api/channels', { token: ws.token });
    expect(list.status).toBe(200);
    expect(list.body.transport).toBe('sandbox');
    expect(list.body.items).toHaveLength(22);
    const wa = list.body.items.find((c: any) => c.key === 'whatsapp');
    expect(wa).toMatchObject({ enabled: true, webhook: '/webhooks/whatsapp/:inboxId', capabilities: { templates: true, window24h: true, media: true }, configKeys: ['phoneNumberId', 'accessToken', 'appSecret', 'verifyToken', 'businessAccountId'] });
    expect(list.body.items.find((c: any) => c.key === 'sms').capabilities.segments).toBe(true);
    expect(list.body.items.find((c: any) => c.key === 'webchat').webhook).toBeNull();
    await call('PATCH', '/api/channels/line', { token: ws.token, body: { enabled: false } });
    const after = await call('GET', '/api/channels', { token: ws.token });
    expect(after.body.items.find((c: any) => c.key === 'line').enabled).toBe(false);
    expectProblem(await call('PATCH', '/api/channels/fax', { token: ws.token, body: { enabled: false } }), 404);
    expectProblem(await call('PATCH', '/api/channels/line', { token: ws.token, body: { enabled: 'no' } }), 400, 'enabled');
  });

  it('every webhook channel refuses an unsigned request with 401 problem+json and stores nothing', async () => {
    const ws = await newWorkspace();
    const secrets = { appSecret: 's', authToken: 's', secretToken: 's', channelSecret: 's', clientSecret: 's', signingSecret: STANDARD_SECRET, webhookAuthorization: 's', webhookToken: 's', webhookSecret: 's' };
    for (const adapter of Object.values(ADAPTERS).filter(acceptsWebhooks)) {
      const inbox = await createInbox(ws, adapter.key, secrets);
      const res = await post(adapter.key, inbox.id, adapter.bodyFormat === 'form' ? 'From=%2B1555&Body=hi&MessageSid=SM1&CallSid=CA1' : '{"hello":"world"}', { 'content-type': adapter.bodyFormat === 'form' ? 'application/x-www-form-urlencoded' : 'application/json' });
      expectProblem(res, 401);
    }
    const contacts = await env.DB.prepare(`SELECT count(*) AS n FROM contacts WHERE workspace_id = ?`).bind(ws.workspaceId).first<number>('n');
    expect(contacts).toBe(0);
  });
});
