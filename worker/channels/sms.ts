// SMS / MMS through Twilio Programmable Messaging. Inbound: the form-encoded messaging webhook (Body,
// NumMedia, MediaUrlN/MediaContentTypeN) and StatusCallback delivery reports; outbound: POST
// /Accounts/{sid}/Messages.json with a StatusCallback back to this inbox. STOP/START/HELP keywords (Twilio's
// default opt-out list) set the contact's subscription; sends to opted-out numbers are refused.
// Config: {accountSid, authToken, phoneNumber} (or messagingServiceSid instead of phoneNumber).
import { basicAuth, capabilities, cfg, e164, formObject, jsonResponse, sandboxId } from './common';
import { interpretTwilio, TWILIO_API, TWILIO_MAGIC, twiml, verifyTwilio } from './twilio';
import type { ProviderRequest, ChannelAdapter, InboundEvent, MediaRef, SubscriptionKeyword } from './types';
import { ParseError } from './types';

const STOP = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE']);
const START = new Set(['START', 'YES', 'UNSTOP', 'OPTIN']);
const HELP = new Set(['HELP', 'INFO']);

/** The opt-out keyword a message is, if it is one (the whole message, any case, surrounding spaces and punctuation ignored). */
export function keywordOf(text: string): SubscriptionKeyword | undefined {
  const word = text.trim().replace(/[.!\s]+$/, '').toUpperCase();
  if (STOP.has(word)) return 'stop';
  if (START.has(word)) return 'start';
  if (HELP.has(word)) return 'help';
  return undefined;
}

const STATUS_MAP: Record<string, 'sent' | 'delivered' | 'read' | 'failed'> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  undelivered: 'failed',
  failed: 'failed',
};

export const sms: ChannelAdapter = {
  key: 'sms',
  label: 'SMS / MMS',
  group: 'messaging',
  provider: 'Twilio Programmable Messaging',
  capabilities: capabilities({ media: true, deliveryReceipts: true, readReceipts: false, segments: true, maxTextLength: 1600 }),
  configKeys: ['accountSid', 'authToken', 'phoneNumber', 'messagingServiceSid'],
  bodyFormat: 'form',
  verify: verifyTwilio,
  ack: () => twiml(),

  parse(req) {
    const p = formObject(req.body);
    const sid = p.MessageSid ?? p.SmsMessageSid ?? p.SmsSid;
    if (!sid) throw new ParseError('not a Twilio messaging webhook (MessageSid is missing)');
    const status = p.MessageStatus ?? (p.SmsStatus !== 'received' ? p.SmsStatus : undefined);
    if (status && p.Body === undefined) {
      const mapped = STATUS_MAP[status.toLowerCase()];
      if (!mapped) return []; // queued/accepted/sending: nothing to show yet
      const reason = mapped === 'failed' ? `${p.ErrorCode ? `[${p.ErrorCode}] ` : ''}${p.ErrorMessage ?? `Twilio reported ${status}`}` : null;
      return [{ type: 'status', providerMessageId: sid, status: mapped, reason } satisfies InboundEvent];
    }
    const from = p.From;
    if (!from) throw new ParseError('an inbound Twilio message lacks From');
    const media: MediaRef[] = [];
    const n = Math.min(Number(p.NumMedia ?? 0) || 0, 10);
    for (let i = 0; i < n; i++) {
      const url = p[`MediaUrl${i}`];
      if (url) media.push({ url, contentType: p[`MediaContentType${i}`] ?? null, name: `media-${i}` });
    }
    const text = p.Body ?? '';
    return [
      {
        type: 'message',
        providerMessageId: sid,
        contact: { externalId: e164(from) ?? from, phone: e164(from), country: /^[A-Z]{2}$/.test(p.FromCountry ?? '') ? p.FromCountry : null },
        text,
        media,
        keyword: keywordOf(text),
      },
    ];
  },

  send(out, inbox) {
    const accountSid = cfg(inbox.config, 'accountSid') ?? 'AC_missing';
    const form = new URLSearchParams();
    form.set('To', out.to.phone ?? out.to.externalId);
    const service = cfg(inbox.config, 'messagingServiceSid');
    if (service) form.set('MessagingServiceSid', service);
    else form.set('From', cfg(inbox.config, 'phoneNumber') ?? '');
    if (out.text) form.set('Body', out.text);
    for (const a of out.attachments.slice(0, 10)) form.append('MediaUrl', a.url);
    form.set('StatusCallback', `${inbox.publicUrl}/webhooks/sms/${inbox.id}`);
    return {
      method: 'POST',
      url: `${TWILIO_API}/Accounts/${accountSid}/Messages.json`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(accountSid, cfg(inbox.config, 'authToken') ?? '') },
      body: form.toString(),
    };
  },

  interpret: interpretTwilio,

  sandboxReply(req) {
    const form = new URLSearchParams(req.body ?? '');
    const to = form.get('To') ?? '';
    const magic = TWILIO_MAGIC[to];
    if (magic) return jsonResponse(400, { code: magic.code, message: magic.message, more_info: `https://www.twilio.com/docs/errors/${magic.code}`, status: 400 });
    return jsonResponse(201, { sid: sandboxId('SM').slice(0, 34), status: 'queued', to, from: form.get('From'), body: form.get('Body'), num_segments: '1' });
  },

  mediaRequest(ref, inbox, previous): ProviderRequest | null {
    if (previous || !ref.url) return null;
    // Media URLs answer to the account's credentials when HTTP auth for media is on.
    const sid = cfg(inbox.config, 'accountSid');
    const token = cfg(inbox.config, 'authToken');
    return { method: 'GET', url: ref.url, headers: sid && token ? { authorization: basicAuth(sid, token) } : {} };
  },
};
