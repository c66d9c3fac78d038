// Adapters against the recorded provider payloads and the providers' signature vectors (see
// test/fixtures/providers/README.md for each file's source). Pure: no queues, no D1.
import { describe, expect, it } from 'vitest';
import emailFx from '../fixtures/providers/email_inbound_multipart.eml.json';
import lineSigned from '../fixtures/providers/line_text_message_signed.json';
import lineVectors from '../fixtures/providers/line_signature_vectors.json';
import lineEvents from '../fixtures/providers/line_webhook_events_user_text.json';
import igDm from '../fixtures/providers/meta_instagram_dm.json';
import fbText from '../fixtures/providers/meta_messenger_text_message.json';
import metaVectors from '../fixtures/providers/meta_x_hub_signature_256_vectors.json';
import tgText from '../fixtures/providers/telegram_update_text_message.json';
import mms from '../fixtures/providers/twilio_mms_inbound_with_media.json';
import twilioVectors from '../fixtures/providers/twilio_signature_vectors.json';
import smsIn from '../fixtures/providers/twilio_sms_inbound.json';
import voicemail from '../fixtures/providers/twilio_voice_transcription_callback.json';
import uber from '../fixtures/providers/ubereats_order_notification.json';
import waImage from '../fixtures/providers/whatsapp_cloud_image_message.json';
import waFailed from '../fixtures/providers/whatsapp_cloud_status_failed.json';
import waSent from '../fixtures/providers/whatsapp_cloud_status_sent.json';
import waText from '../fixtures/providers/whatsapp_cloud_text_message.json';
import { ADAPTERS } from '../../worker/channels/registry';
import { verifyStandardWebhook } from '../../worker/channels/standard-webhooks';
import type { InboxContext, RawWebhook } from '../../worker/channels/types';
import { ParseError } from '../../worker/channels/types';
import { twilioSignedString } from '../../worker/channels/twilio';

function raw(body: string, headers: Record<string, string> = {}, url = 'https://parley.example/webhooks/x/inb_1'): RawWebhook {
  return { method: 'POST', url, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), body, receivedAt: Date.now() };
}
const inbox = (channel: string, config: Record<string, unknown> = {}): InboxContext => ({ id: 'inb_1', workspaceId: 'ws_1', channel: channel as InboxContext['channel'], config, publicUrl: 'https://parley.example' });
const parse = (channel: keyof typeof ADAPTERS, body: string, headers: Record<string, string> = {}, config: Record<string, unknown> = {}) => ADAPTERS[channel].parse!(raw(body, headers), inbox(channel, config));

describe('signature vectors', () => {
  it("Meta X-Hub-Signature-256: the WhatsApp SDK's official vector and the computed ones", async () => {
    for (const v of metaVectors.vectors) {
      const result = await ADAPTERS.whatsapp.verify!(raw(v.raw_body, { 'X-Hub-Signature-256': v.expected_header }), { appSecret: v.app_secret });
      expect(result === null, v.name).toBe(v.expect_valid);
    }
    // Messenger and Instagram fixtures carry their own computed headers.
    for (const [channel, fx] of [['messenger', fbText], ['instagram', igDm]] as const) {
      expect(await ADAPTERS[channel].verify!(raw(fx.raw_body, fx.headers), { appSecret: fx.signature.app_secret })).toBeNull();
      expect(await ADAPTERS[channel].verify!(raw(fx.raw_body + ' ', fx.headers), { appSecret: fx.signature.app_secret })).toMatch(/does not match/);
    }
  });

  it('Twilio X-Twilio-Signature: every SDK vector (ports, credentials, special characters, repeated params, JSON bodySHA256)', async () => {
    for (const v of twilioVectors.vectors) {
      const params = v.params as Record<string, string | string[]>;
      const form = new URLSearchParams();
      for (const [k, val] of Object.entries(params)) for (const x of Array.isArray(val) ? val : [val]) form.append(k, x);
      const isJson = 'raw_body' in v;
      const req = raw(isJson ? (v as { raw_body: string }).raw_body : form.toString(), { 'X-Twilio-Signature': v.expectedSignature, 'content-type': isJson ? 'application/json' : 'application/x-www-form-urlencoded' }, v.url);
      const result = await ADAPTERS.sms.verify!(req, { authToken: twilioVectors.authToken });
      expect(result === null, `${v.name}: ${result}`).toBe(v.expect_valid);
    }
    // Tampering with one parameter breaks it.
    const v = twilioVectors.vectors[0];
    const tampered = new URLSearchParams({ ...(v.params as Record<string, string>), Digits: '9999' }).toString();
    expect(await ADAPTERS.sms.verify!(raw(tampered, { 'X-Twilio-Signature': v.expectedSignature, 'content-type': 'application/x-www-form-urlencoded' }, v.url), { authToken: '12345' })).toMatch(/does not match/);
    expect(twilioSignedString('https://a.b/c', { B: '2', A: ['z', 'y', 'y'] })).toBe('https://a.b/cAyAzB2');
  });

  it("LINE x-line-signature: the official SDKs' positives and negatives", async () => {
    for (const v of lineVectors.vectors) {
      const result = await ADAPTERS.line.verify!(raw(v.raw_body, { 'x-line-signature': v.signature }), { channelSecret: v.channel_secret });
      expect(result === null, v.name).toBe(v.expect_valid);
    }
    expect(await ADAPTERS.line.verify!(raw(lineSigned.raw_body, {}), { channelSecret: 'test_channel_secret' })).toMatch(/missing/);
  });

  it('Uber Eats X-Uber-Signature over the raw body with the client secret', async () => {
    expect(await ADAPTERS.ubereats.verify!(raw(uber.raw_body, uber.headers), { clientSecret: uber.signature.client_secret })).toBeNull();
    expect(await ADAPTERS.ubereats.verify!(raw(uber.raw_body, uber.headers), { clientSecret: 'other' })).toMatch(/does not match/);
  });

  it('Telegram secret token header, compared whole', async () => {
    expect(await ADAPTERS.telegram.verify!(raw(tgText.raw_body, { 'X-Telegram-Bot-Api-Secret-Token': 's3cret-token' }), { secretToken: 's3cret-token' })).toBeNull();
    expect(await ADAPTERS.telegram.verify!(raw(tgText.raw_body, { 'X-Telegram-Bot-Api-Secret-Token': 's3cret-toke' }), { secretToken: 's3cret-token' })).not.toBeNull();
    expect(await ADAPTERS.telegram.verify!(raw(tgText.raw_body, {}), { secretToken: 's3cret-token' })).not.toBeNull();
    expect(await ADAPTERS.telegram.verify!(raw(tgText.raw_body, { 'X-Telegram-Bot-Api-Secret-Token': '' }), {})).not.toBeNull();
  });

  it('Standard Webhooks: the specification test vector, 5-minute tolerance, svix-* header names, multiple signatures', async () => {
    // standard-webhooks/standard-webhooks (and Svix) libraries' test vector.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const headers = { 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp': '1614265330', 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' };
    const body = '{"test": 2432232314}';
    const at = 1614265330 * 1000;
    expect(await verifyStandardWebhook(raw(body, headers), secret, at)).toBeNull();
    expect(await verifyStandardWebhook(raw(body, headers), secret, at + 299_000)).toBeNull();
    expect(await verifyStandardWebhook(raw(body, headers), secret, at + 301_000)).toMatch(/tolerance/);
    expect(await verifyStandardWebhook(raw(body, headers), secret, at - 301_000)).toMatch(/tolerance/);
    expect(await verifyStandardWebhook(raw(body + ' ', headers), secret, at)).toMatch(/does not match/);
    const svix = { 'svix-id': headers['webhook-id'], 'svix-timestamp': headers['webhook-timestamp'], 'svix-signature': `v1,bm90LXRoaXM= ${headers['webhook-signature']}` };
    expect(await verifyStandardWebhook(raw(body, svix), secret, at)).toBeNull();
    expect(await verifyStandardWebhook(raw(body, { ...headers, 'webhook-timestamp': 'soon' }), secret, at)).toMatch(/Unix time/);
    expect(await verifyStandardWebhook(raw(body, {}), secret, at)).toMatch(/missing/);
  });
});

describe('parsing recorded payloads', () => {
  it('WhatsApp text, image and statuses', async () => {
    const [text] = await parse('whatsapp', JSON.stringify(waText.body));
    expect(text).toMatchObject({ type: 'message', providerMessageId: waText.expect.provider_message_id, text: waText.expect.text, contact: { externalId: '16505551234', name: 'Sheena Nelson', phone: '+16505551234' }, at: waText.expect.timestamp_unix * 1000 });
    const [image] = await parse('whatsapp', JSON.stringify(waImage.body));
    expect(image).toMatchObject({ type: 'message', text: 'Taj Mahal', media: [{ providerMediaId: '1003383421387256', contentType: 'image/jpeg' }] });
    const sent = await parse('whatsapp', JSON.stringify(waSent.body));
    expect(sent).toEqual([expect.objectContaining({ type: 'status', providerMessageId: waSent.expect.provider_message_id, status: 'sent' })]);
    const [failed] = await parse('whatsapp', JSON.stringify(waFailed.body));
    expect(failed).toMatchObject({ type: 'status', status: 'failed', reason: expect.stringContaining('131049') });
    expect((failed as { reason: string }).reason).toContain(waFailed.expect.error_title);
    // Another phone number of the same app is not this inbox's business.
    expect(await parse('whatsapp', JSON.stringify(waText.body), {}, { phoneNumberId: '999' })).toEqual([]);
  });

  it('Twilio SMS, MMS with media, status callbacks and opt-out keywords', async () => {
    const [m] = await parse('sms', smsIn.body);
    expect(m).toMatchObject({ type: 'message', providerMessageId: smsIn.expect.provider_message_id, text: 'twilio-go testing!', contact: { externalId: '+19253920364', phone: '+19253920364' }, media: [] });
    const [withMedia] = await parse('sms', mms.body);
    expect(withMedia).toMatchObject({ text: 'Msg', media: [{ url: 'cat.jpg' }, { url: 'dog.jpg' }] });
    const [status] = await parse('sms', 'MessageSid=SM1&MessageStatus=undelivered&ErrorCode=30006&To=%2B1555');
    expect(status).toMatchObject({ type: 'status', providerMessageId: 'SM1', status: 'failed', reason: expect.stringContaining('30006') });
    expect(await parse('sms', 'MessageSid=SM1&MessageStatus=sending')).toEqual([]);
    for (const [word, keyword] of [['STOP', 'stop'], [' stop ', 'stop'], ['Unsubscribe', 'stop'], ['START', 'start'], ['help', 'help'], ['stop please', undefined]] as const) {
      const [ev] = await parse('sms', `MessageSid=SM${word.length}&From=%2B15551234567&To=%2B15557654321&Body=${encodeURIComponent(word)}`);
      expect((ev as { keyword?: string }).keyword, word).toBe(keyword);
    }
    await expect(async () => parse('sms', 'Body=no+sid')).rejects.toBeInstanceOf(ParseError);
  });

  it('Twilio voicemail transcription with its recording', async () => {
    const [vm] = await parse('voice', voicemail.body);
    expect(vm).toMatchObject({ type: 'message', providerMessageId: voicemail.expect.provider_message_id, contact: { phone: voicemail.expect.sender_phone }, media: [{ url: voicemail.expect.media.url }] });
    expect((vm as { text: string }).text).toContain('123123 test.');
    const [missed] = await parse('voice', 'CallSid=CA9&From=%2B14155550100&To=%2B14155550199&CallStatus=ringing&Direction=inbound');
    expect(missed).toMatchObject({ providerMessageId: 'CA9:missed', text: expect.stringContaining('Missed call') });
    const answer = await ADAPTERS.voice.ack!(raw('CallSid=CA9&From=%2B14155550100&CallStatus=ringing&Direction=inbound'), inbox('voice'));
    expect(await answer.text()).toMatch(/<Record [^>]*transcribe="true"/);
  });

  it('Messenger and Instagram DMs; echoes ignored; delivery and read receipts', async () => {
    const [fb] = await parse('messenger', fbText.raw_body);
    expect(fb).toMatchObject({ type: 'message', providerMessageId: 'external_id', text: 'Hello World', contact: { externalId: '5678' }, at: fbText.expect.timestamp_ms });
    const [ig] = await parse('instagram', igDm.raw_body);
    expect(ig).toMatchObject({ providerMessageId: 'external_id', text: 'Hello World', contact: { externalId: '5678' } });
    await expect(async () => parse('instagram', fbText.raw_body)).rejects.toBeInstanceOf(ParseError);
    const echo = structuredClone(fbText.body) as any;
    echo.entry[0].messaging[0].message.is_echo = true;
    expect(await parse('messenger', JSON.stringify(echo))).toEqual([]);
    const receipts = { object: 'page', entry: [{ id: '1', messaging: [{ sender: { id: '5678' }, recipient: { id: '1' }, timestamp: 1, delivery: { mids: ['m_1', 'm_2'], watermark: 1 } }] }] };
    expect(await parse('messenger', JSON.stringify(receipts))).toEqual([expect.objectContaining({ type: 'status', providerMessageId: 'm_1', status: 'delivered' }), expect.objectContaining({ providerMessageId: 'm_2' })]);
    const story = { object: 'instagram', entry: [{ id: '1', messaging: [{ sender: { id: '42' }, recipient: { id: '1' }, timestamp: 1, message: { mid: 'm_s', attachments: [{ type: 'story_mention', payload: { url: 'https://lookaside.example/story.jpg' } }] } }] }] };
    const [mention] = await parse('instagram', JSON.stringify(story));
    expect(mention).toMatchObject({ text: 'Mentioned you in their story', media: [{ url: 'https://lookaside.example/story.jpg' }] });
  });

  it('Telegram update', async () => {
    const [tg] = await parse('telegram', tgText.raw_body);
    expect(tg).toMatchObject({ type: 'message', providerMessageId: '1111111:1365', text: '/start', contact: { externalId: '1111111', name: 'Test Firstname Test Lastname' }, at: tgText.expect.timestamp_unix * 1000 });
    expect(await parse('telegram', JSON.stringify({ update_id: 5, callback_query: { id: '1' } }))).toEqual([]);
  });

  it('LINE: group text (signed SDK fixture) and the 28-event SDK file', async () => {
    const [g] = await parse('line', lineSigned.raw_body);
    expect(g).toMatchObject({ providerMessageId: 'test_event_message_id', text: lineSigned.expect.text, contact: { externalId: 'test_group_id' } });
    const events = await parse('line', lineEvents.raw_body);
    expect(events).toHaveLength(lineEvents.expect.message_event_types_in_order.length);
    expect(events[0]).toMatchObject({ providerMessageId: '325708', text: 'Hello, world', contact: { externalId: lineEvents.expect.first_event.sender_id }, at: lineEvents.expect.first_event.timestamp_ms });
    expect(events[1]).toMatchObject({ media: [{ url: 'https://example.com' }] });
  });

  it('Uber Eats order notification becomes order context (thin event)', async () => {
    const [ev] = await parse('ubereats', uber.raw_body);
    expect(ev).toMatchObject({ type: 'context', eventId: uber.expect.dedupe_key, context: { kind: 'order', reference: uber.expect.order_id, data: { storeId: uber.expect.store_id, resourceHref: uber.expect.resource_href } } });
  });

  it('e-mail: sender, subject, threading ids, text, sanitized HTML, attachments', async () => {
    const [m] = (await parse('email', emailFx.body)) as any[];
    expect(m.contact).toMatchObject({ externalId: emailFx.expect.sender_email, name: emailFx.expect.display_name });
    expect(m.email).toMatchObject({ messageId: emailFx.expect.provider_message_id, subject: emailFx.expect.subject });
    expect(m.text).toContain('Hello to myself!');
    expect(m.html).toContain('<b>Hello</b> to myself');
    expect(m.html).toContain('cid:note@example.com');
    const names = m.media.map((x: any) => x.name);
    expect(names).toEqual(expect.arrayContaining(['image.png', 'nyan cat ✔.gif', 'notes.txt']));
  });
});
