// The channel simulator's core: a provider-exact webhook for any channel, signed with the inbox's own
// secret the way the provider signs it. The dev page (/api/dev/simulator) and `npm run simulate` ask
// the server for one (POST /api/dev/simulate) and send it to /webhooks/:channel/:inboxId themselves,
// as the provider would; the demo seed runs the same payloads through the ingest consumer.
import { basicAuth } from './common';
import { cfg, hmacSha256Base64, hmacSha256Hex } from './common';
import { standardSignature } from './standard-webhooks';
import { twilioSignature } from './twilio';
import type { InboxConfig } from './types';
import type { ChannelKey } from '../inboxes/channels';

export interface SimulatedWebhook {
  method: 'POST';
  /** Absolute URL on `origin`. */
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface SimulateInput {
  channel: ChannelKey;
  inboxId: string;
  config: InboxConfig;
  origin: string;
  text: string;
  /** Sender: a phone number, user id or e-mail address depending on the channel. */
  from?: string;
  name?: string;
  /** A stable id for the provider message (defaults to a fresh one). */
  id?: string;
  /** Extra, channel-specific: e.g. {reservationId} for booking platforms, {orderId} for delivery. */
  extra?: Record<string, string>;
}

const rand = () => crypto.randomUUID().replace(/-/g, '');
const nowS = () => Math.floor(Date.now() / 1000);

/** Sandbox credentials the demo and the simulator use for each channel's inbox config. */
export const SANDBOX_CONFIG: Partial<Record<ChannelKey, InboxConfig>> = {
  whatsapp: { phoneNumberId: '106540352242922', accessToken: 'sandbox-whatsapp-token', appSecret: 'sandbox-meta-app-secret', verifyToken: 'sandbox-verify', businessAccountId: '102290129340398' },
  sms: { accountSid: 'AC00000000000000000000000000000000', authToken: 'sandbox-twilio-token', phoneNumber: '+15005550006' },
  voice: { accountSid: 'AC00000000000000000000000000000000', authToken: 'sandbox-twilio-token', phoneNumber: '+15005550006' },
  messenger: { pageId: '1234567890', pageAccessToken: 'sandbox-page-token', appSecret: 'sandbox-meta-app-secret', verifyToken: 'sandbox-verify' },
  instagram: { pageId: '1234567890', pageAccessToken: 'sandbox-page-token', appSecret: 'sandbox-meta-app-secret', verifyToken: 'sandbox-verify' },
  telegram: { botToken: '123456:sandbox-bot-token', secretToken: 'sandbox-telegram-secret' },
  line: { channelSecret: 'sandbox-line-secret', channelAccessToken: 'sandbox-line-token' },
  tiktok: { appKey: 'sandbox-key', appSecret: 'sandbox-tiktok-secret', accessToken: 'sandbox-tiktok-token', businessId: 'sandbox-business' },
  email: { address: 'guests@casa-azul.test', fromName: 'Casa Azul' },
  airbnb: { signingSecret: 'whsec_c2FuZGJveC1ndWVzdHktc2VjcmV0', apiToken: 'sandbox-guesty-token' },
  vrbo: { signingSecret: 'whsec_c2FuZGJveC1ndWVzdHktc2VjcmV0', apiToken: 'sandbox-guesty-token' },
  expedia: { signingSecret: 'whsec_c2FuZGJveC1ndWVzdHktc2VjcmV0', apiToken: 'sandbox-guesty-token' },
  bookingcom: { signingSecret: 'whsec_c2FuZGJveC1ib29raW5nLXNlY3JldA==', propertyId: '8011855', username: 'sandbox', password: 'sandbox' },
  ubereats: { clientId: 'sandbox-uber-client', clientSecret: 'sandbox-uber-secret' },
  doordash: { webhookAuthorization: basicAuth('doordash', 'sandbox') },
  rappi: { webhookSecret: 'sandbox-rappi-secret' },
  glovo: { webhookToken: 'sandbox-glovo-token' },
  deliveroo: { webhookSecret: 'sandbox-deliveroo-secret' },
  form: { signingSecret: 'whsec_c2FuZGJveC1mb3JtLXNlY3JldA==' },
  review: { signingSecret: 'whsec_c2FuZGJveC1yZXZpZXctc2VjcmV0', replyUrl: 'https://reviews.example/api/replies' },
  chatbot: { signingSecret: 'whsec_c2FuZGJveC1ib3Qtc2VjcmV0', replyUrl: 'https://bot.example/reply' },
};

function json(url: string, body: unknown, headers: Record<string, string> = {}): SimulatedWebhook {
  return { method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

async function standard(url: string, config: InboxConfig, payload: unknown): Promise<SimulatedWebhook> {
  const body = JSON.stringify(payload);
  const id = `msg_${rand()}`;
  const ts = String(nowS());
  const secret = cfg(config, 'signingSecret') ?? '';
  return { method: 'POST', url, headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': await standardSignature(secret, id, ts, body) }, body };
}

async function twilioForm(url: string, config: InboxConfig, params: [string, string][]): Promise<SimulatedWebhook> {
  return {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': await twilioSignature(cfg(config, 'authToken') ?? '', url, params), 'user-agent': 'TwilioProxy/1.1' },
    body: new URLSearchParams(params).toString(),
  };
}

export interface TemplateVerdict {
  inboxId: string;
  config: InboxConfig;
  origin: string;
  providerTemplateId: string;
  name: string;
  /** Meta's language code (en_US). */
  language: string;
  event: 'APPROVED' | 'REJECTED' | 'PENDING' | 'PAUSED' | 'DISABLED';
  /** Meta's rejection reason (INVALID_FORMAT, INCORRECT_CATEGORY, ABUSIVE_CONTENT, SCAM …); NONE otherwise. */
  reason?: string | null;
}

/** Meta's review of a template as it arrives: a `message_template_status_update` change on the WABA, signed with the app secret. */
export async function simulateTemplateStatus(input: TemplateVerdict): Promise<SimulatedWebhook> {
  const url = `${input.origin.replace(/\/+$/, '')}/webhooks/whatsapp/${input.inboxId}`;
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: cfg(input.config, 'businessAccountId') ?? '102290129340398',
        time: nowS(),
        changes: [
          {
            value: {
              event: input.event,
              message_template_id: Number(input.providerTemplateId),
              message_template_name: input.name,
              message_template_language: input.language,
              reason: input.reason ?? 'NONE',
            },
            field: 'message_template_status_update',
          },
        ],
      },
    ],
  });
  return { method: 'POST', url, headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${await hmacSha256Hex(cfg(input.config, 'appSecret') ?? '', body)}` }, body };
}

/** A raw RFC 822 message for the e-mail channel (sent through the Email Worker path). */
export function simulatedEmail(input: { from: string; name?: string; to: string; subject: string; text: string; inReplyTo?: string }): string {
  return [
    `From: ${input.name ? `${input.name} <${input.from}>` : input.from}`,
    `To: ${input.to}`,
    `Subject: ${input.subject}`,
    `Message-ID: <${rand()}@simulator.parley.test>`,
    ...(input.inReplyTo ? [`In-Reply-To: ${input.inReplyTo}`, `References: ${input.inReplyTo}`] : []),
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    input.text,
    '',
  ].join('\r\n');
}

export async function simulateWebhook(input: SimulateInput): Promise<SimulatedWebhook> {
  const { channel, config, text } = input;
  const url = `${input.origin.replace(/\/+$/, '')}/webhooks/${channel}/${input.inboxId}`;
  const id = input.id ?? rand();
  const name = input.name ?? 'Simulated Customer';
  const x = input.extra ?? {};
  switch (channel) {
    case 'whatsapp': {
      const from = (input.from ?? '34600000001').replace(/^\+/, '');
      const body = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '102290129340398',
            changes: [
              {
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '15550783881', phone_number_id: cfg(config, 'phoneNumberId') ?? '106540352242922' },
                  contacts: [{ profile: { name }, wa_id: from }],
                  messages: [{ from, id: `wamid.${id}`, timestamp: String(nowS()), type: 'text', text: { body: text } }],
                },
                field: 'messages',
              },
            ],
          },
        ],
      });
      return { method: 'POST', url, headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${await hmacSha256Hex(cfg(config, 'appSecret') ?? '', body)}` }, body };
    }
    case 'messenger':
    case 'instagram': {
      const pageId = cfg(config, 'pageId') ?? '1234567890';
      const body = JSON.stringify({
        object: channel === 'messenger' ? 'page' : 'instagram',
        entry: [{ id: pageId, time: Date.now(), messaging: [{ sender: { id: input.from ?? '5678' }, recipient: { id: pageId }, timestamp: Date.now(), message: { mid: `m_${id}`, text } }] }],
      });
      return { method: 'POST', url, headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${await hmacSha256Hex(cfg(config, 'appSecret') ?? '', body)}` }, body };
    }
    case 'sms':
      return twilioForm(url, config, [
        ['ToCountry', 'US'],
        ['SmsMessageSid', `SM${id}`],
        ['NumMedia', '0'],
        ['SmsSid', `SM${id}`],
        ['SmsStatus', 'received'],
        ['Body', text],
        ['To', cfg(config, 'phoneNumber') ?? '+15005550006'],
        ['NumSegments', '1'],
        ['MessageSid', `SM${id}`],
        ['AccountSid', cfg(config, 'accountSid') ?? 'AC0'],
        ['From', input.from ?? '+15551230001'],
        ['ApiVersion', '2010-04-01'],
      ]);
    case 'voice':
      // A voicemail's transcription callback (the call itself lands as a missed call when Twilio first rings the webhook).
      return twilioForm(url, config, [
        ['ApiVersion', '2010-04-01'],
        ['TranscriptionType', 'fast'],
        ['TranscriptionSid', `TR${id}`],
        ['RecordingSid', `RE${id}`],
        ['RecordingUrl', `https://api.twilio.com/2010-04-01/Accounts/${cfg(config, 'accountSid') ?? 'AC0'}/Recordings/RE${id}`],
        ['CallStatus', 'completed'],
        ['From', input.from ?? '+15551230002'],
        ['To', cfg(config, 'phoneNumber') ?? '+15005550006'],
        ['Direction', 'inbound'],
        ['AccountSid', cfg(config, 'accountSid') ?? 'AC0'],
        ['TranscriptionText', text],
        ['TranscriptionStatus', 'completed'],
        ['CallSid', `CA${id}`],
      ]);
    case 'telegram': {
      const chatId = Number(input.from ?? 1111111) || 1111111;
      const [first, ...last] = name.split(' ');
      const user = { id: chatId, first_name: first, last_name: last.join(' ') || undefined, username: first.toLowerCase() };
      return json(url, { update_id: Math.floor(Math.random() * 1e9), message: { message_id: Math.floor(Math.random() * 1e6), date: nowS(), chat: { ...user, type: 'private' }, from: user, text } }, { 'x-telegram-bot-api-secret-token': cfg(config, 'secretToken') ?? '' });
    }
    case 'line': {
      const body = JSON.stringify({
        destination: 'Uaaaabbbbccccddddeeeeffff',
        events: [{ type: 'message', mode: 'active', timestamp: Date.now(), source: { type: 'user', userId: input.from ?? 'U206d25c2ea6bd87c17655609a1c37cb8' }, webhookEventId: rand(), deliveryContext: { isRedelivery: false }, replyToken: rand(), message: { id: String(Date.now()) + String(Math.floor(Math.random() * 1000)), type: 'text', quoteToken: rand(), text } }],
      });
      return { method: 'POST', url, headers: { 'content-type': 'application/json', 'x-line-signature': await hmacSha256Base64(cfg(config, 'channelSecret') ?? '', body) }, body };
    }
    case 'tiktok': {
      const convo = input.from ?? 'tiktok-conversation-1';
      const body = JSON.stringify({ client_key: cfg(config, 'appKey'), event: 'im_receive_msg', create_time: nowS(), user_openid: convo, content: JSON.stringify({ conversation_id: convo, message_id: id, type: 'text', text: { body: text }, from_user: { id: convo, display_name: name } }) });
      const t = nowS();
      return { method: 'POST', url, headers: { 'content-type': 'application/json', 'tiktok-signature': `t=${t},s=${await hmacSha256Hex(cfg(config, 'appSecret') ?? '', `${t}.${body}`)}` }, body };
    }
    case 'airbnb':
    case 'vrbo':
    case 'expedia': {
      const reservationId = x.reservationId ?? `res_${channel}_${(input.from ?? 'guest1').replace(/\W/g, '')}`;
      const conversationId = x.conversationId ?? `gc_${reservationId}`;
      const platform = channel === 'airbnb' ? 'airbnb2' : channel === 'vrbo' ? 'homeaway2' : 'expedia';
      return standard(url, config, {
        event: 'reservation.messageReceived',
        reservationId,
        conversation: {
          _id: conversationId,
          guestId: input.from ?? `guest_${reservationId}`,
          integration: { platform },
          meta: { guestName: name, reservations: [{ _id: reservationId, confirmationCode: x.confirmationCode ?? reservationId.slice(-8).toUpperCase(), checkIn: x.checkIn ?? new Date(Date.now() + 7 * 864e5).toISOString(), checkOut: x.checkOut ?? new Date(Date.now() + 12 * 864e5).toISOString() }] },
        },
        message: { _id: id, body: text, type: 'fromGuest', module: { type: platform }, createdAt: new Date().toISOString() },
      });
    }
    case 'bookingcom':
      return standard(url, config, {
        data: {
          messages: [
            {
              message_id: id,
              message_type: 'free_text',
              content: text,
              timestamp: new Date().toISOString(),
              sender: { participant_id: input.from ?? 'guest-1', metadata: { participant_type: 'GUEST', name } },
              conversation: { conversation_id: x.conversationId ?? `conv-${input.from ?? 'guest-1'}`, conversation_type: 'reservation', conversation_reference: x.reservationId ?? '4000000001' },
              attachment_ids: [],
            },
          ],
          ok: true,
        },
        errors: [],
      });
    case 'ubereats': {
      const body = JSON.stringify({ event_type: 'orders.notification', event_id: id, event_time: nowS(), meta: { resource_id: x.orderId ?? crypto.randomUUID(), status: 'pos', user_id: crypto.randomUUID() }, resource_href: `https://api.uber.com/v2/eats/order/${x.orderId ?? 'sim'}` });
      return { method: 'POST', url, headers: { 'content-type': 'application/json', 'x-environment': 'sandbox', 'x-uber-signature': await hmacSha256Hex(cfg(config, 'clientSecret') ?? '', body) }, body };
    }
    case 'doordash':
      return json(
        url,
        { event_name: x.status ?? 'DASHER_CONFIRMED', external_delivery_id: x.orderId ?? `D-${id.slice(0, 6)}`, created_at: new Date().toISOString(), dasher_name: 'Kim', dropoff_contact_given_name: name, dropoff_phone_number: input.from ?? '+14155550100', dropoff_time_estimated: new Date(Date.now() + 30 * 60_000).toISOString(), dropoff_instructions: text },
        { authorization: cfg(config, 'webhookAuthorization') ?? '' },
      );
    case 'rappi': {
      const body = JSON.stringify({ event: 'NEW_ORDER', order_detail: { order_id: x.orderId ?? id.slice(0, 8), created_at: new Date().toISOString(), items: [{ name: 'Arepa', quantity: 2, price: 9000 }], totals: { total_order: 18000, currency: 'COP' }, cooking_time: 15, instructions: text }, customer: { first_name: name.split(' ')[0], last_name: name.split(' ').slice(1).join(' '), phone_number: input.from ?? '+573001234567' } });
      const t = nowS();
      return { method: 'POST', url, headers: { 'content-type': 'application/json', 'rappi-signature': `t=${t},sign=${await hmacSha256Hex(cfg(config, 'webhookSecret') ?? '', `${t}.${body}`)}` }, body };
    }
    case 'glovo':
      return json(
        url,
        { order_id: x.orderId ?? id.slice(0, 8), order_code: id.slice(0, 8).toUpperCase(), order_time: new Date().toISOString(), estimated_pickup_time: new Date(Date.now() + 25 * 60_000).toISOString(), currency: 'EUR', estimated_total_price: 2450, customer: { name, phone_number: input.from ?? '+34600111222', hash: id }, courier: { name: 'Luis', phone_number: '+34600999888' }, products: [{ id: 'p1', name: 'Paella', quantity: 2, price: 1100 }], special_requirements: text },
        { authorization: cfg(config, 'webhookToken') ?? '' },
      );
    case 'deliveroo': {
      const body = JSON.stringify({ event: 'order.new', body: { order: { id: x.orderId ?? `gb:${id.slice(0, 8)}`, display_id: id.slice(0, 4), status: 'placed', items: [{ name: 'Burger', quantity: 1, total_price: { fractional: 1299, currency_code: 'GBP' } }], total_price: { fractional: 1299, currency_code: 'GBP' }, customer: { first_name: name.split(' ')[0], contact_number: input.from ?? '+442079460000', contact_access_code: '123 456' }, prepare_for: new Date(Date.now() + 20 * 60_000).toISOString(), order_notes: text } } });
      const guid = crypto.randomUUID();
      return { method: 'POST', url, headers: { 'content-type': 'application/json', 'x-deliveroo-sequence-guid': guid, 'x-deliveroo-hmac-sha256': await hmacSha256Hex(cfg(config, 'webhookSecret') ?? '', `${guid} ${body}`) }, body };
    }
    case 'form':
      return standard(url, config, { type: 'form.submitted', data: { submissionId: id, formName: x.formName ?? 'Contact us', contact: { name, email: input.from ?? 'guest@example.com' }, fields: {}, message: text } });
    case 'review':
      return standard(url, config, { type: 'review.created', data: { reviewId: id, platform: x.platform ?? 'Google', rating: Number(x.rating ?? 4), title: x.title ?? null, body: text, author: { name }, url: `https://reviews.example/r/${id}` } });
    case 'chatbot':
      return standard(url, config, {
        type: 'chatbot.handoff',
        data: { sessionId: id, user: { id: input.from ?? `bot-user-${id.slice(0, 6)}`, name }, transcript: [{ role: 'user', text: 'Hi' }, { role: 'bot', text: 'Hello! How can I help?' }, { role: 'user', text }], reason: x.reason ?? 'customer asked for a human' },
      });
    default:
      throw new Error(`the simulator has no webhook for ${channel}`);
  }
}
