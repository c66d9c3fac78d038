// Booking.com guest messages. Booking.com's Messaging API is open to connectivity partners and is
// polled (GET /messaging/messages/latest); a connector forwards its answer here as-is, signed with
// Standard Webhooks. This adapter reads that documented message shape: {data:{messages:[{message_id,
// message_type, content, timestamp, sender{participant_id, metadata{participant_type, name}},
// conversation{conversation_id, conversation_type, conversation_reference}, attachment_ids}]}} (a single
// message object is accepted too). Only guest messages become inbound messages; the reservation id
// (conversation_reference) is the context. Replies: POST /messaging/properties/{propertyId}/conversations/
// {conversation_id} with {message:{content}}. Config: {signingSecret, propertyId, username, password}.
import { basicAuth, capabilities, cfg, interpretHttp, isObject, jsonRequest, jsonResponse, parseJsonBody, sandboxId, str } from './common';
import { verifyStandardWebhook } from './standard-webhooks';
import type { ChannelAdapter, InboundEvent } from './types';
import { ParseError } from './types';

const API = 'https://supply-xml.booking.com/messaging';

export const bookingcom: ChannelAdapter = {
  key: 'bookingcom',
  label: 'Booking.com',
  group: 'booking',
  provider: 'Booking.com Messaging API (connectivity partner format)',
  capabilities: capabilities({ maxTextLength: 5000 }),
  configKeys: ['signingSecret', 'propertyId', 'username', 'password'],
  bodyFormat: 'json',
  verify: (req, config) => verifyStandardWebhook(req, cfg(config, 'signingSecret')),

  parse(req) {
    const body = parseJsonBody(req);
    const list = Array.isArray(body?.data?.messages) ? body.data.messages : Array.isArray(body?.messages) ? body.messages : isObject(body) && body.message_id ? [body] : null;
    if (!list) throw new ParseError('expected Booking.com messages (data.messages[] or a message object)');
    const out: InboundEvent[] = [];
    for (const m of list) {
      if (!isObject(m)) continue;
      const type = String(m.sender?.metadata?.participant_type ?? '').toUpperCase();
      if (type && type !== 'GUEST') continue;
      const id = str(m.message_id);
      const conv = isObject(m.conversation) ? m.conversation : {};
      const guestId = str(m.sender?.participant_id);
      if (!id || !guestId) throw new ParseError('a Booking.com message lacks message_id or sender.participant_id');
      const reservation = str(conv.conversation_reference);
      const attachments = Array.isArray(m.attachment_ids) && m.attachment_ids.length ? `\n📎 ${m.attachment_ids.length} attachment(s) on Booking.com` : '';
      out.push({
        type: 'message',
        providerMessageId: id,
        contact: { externalId: guestId, name: str(m.sender?.metadata?.name) },
        text: `${String(m.content ?? '')}${attachments}`,
        at: m.timestamp ? Date.parse(m.timestamp) || undefined : undefined,
        context: reservation
          ? { kind: 'reservation', reference: reservation, data: { platform: 'booking.com', conversationId: conv.conversation_id ?? null, conversationType: conv.conversation_type ?? null } }
          : undefined,
      });
    }
    return out;
  },

  send(out, inbox) {
    const conversationId = String(out.context?.data.conversationId ?? out.to.externalId);
    return jsonRequest('POST', `${API}/properties/${cfg(inbox.config, 'propertyId') ?? 'missing'}/conversations/${encodeURIComponent(conversationId)}`, { message: { content: out.text } }, {
      authorization: basicAuth(cfg(inbox.config, 'username') ?? '', cfg(inbox.config, 'password') ?? ''),
    });
  },
  interpret: (res) => interpretHttp(res, (j) => j?.data?.message_id ?? null),
  sandboxReply: () => jsonResponse(200, { data: { message_id: sandboxId('') }, errors: [], warnings: [] }),
};
