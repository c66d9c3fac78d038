// WhatsApp Business Cloud API (Meta). Inbound: the `messages` webhook field (text, media, location,
// contacts, interactive replies, reactions) and delivery statuses; outbound: POST /{phone-number-id}/messages
// with text, media links or approved templates. The 24-hour customer service window is enforced:
// outside it only templates go out. Template reviews arrive as `message_template_status_update` changes
// (worker/channels/whatsapp-templates.ts). Config: {phoneNumberId, accessToken, appSecret, verifyToken,
// businessAccountId (the WABA id: template submission)}.
import { capabilities, cfg, e164, interpretHttp, isObject, jsonRequest, jsonResponse, parseJsonBody, sandboxId, str } from './common';
import { GRAPH, hubChallenge, META_THROTTLE_CODES, verifyHubSignature } from './meta';
import { templateStatusEvent } from './whatsapp-templates';
import type { ChannelAdapter, InboundEvent, MediaRef, OutboundMessage } from './types';
import { ParseError } from './types';
import { whatsappReferral } from './referral';

export const WINDOW_MS = 24 * 3600_000;
const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;

function describe(m: Record<string, any>): { text: string; media: MediaRef[] } {
  const type = String(m.type ?? 'unknown');
  if (type === 'text') return { text: str(m.text?.body) ?? '', media: [] };
  if ((MEDIA_TYPES as readonly string[]).includes(type)) {
    const media = m[type] ?? {};
    const caption = str(media.caption) ?? '';
    return {
      text: caption || (type === 'document' && media.filename ? `📄 ${media.filename}` : ''),
      media: [{ providerMediaId: str(media.id), url: str(media.url), contentType: str(media.mime_type), name: str(media.filename) ?? `${type}-${media.id ?? 'file'}` }],
    };
  }
  if (type === 'location') {
    const l = m.location ?? {};
    const label = [l.name, l.address].filter(Boolean).join(', ');
    return { text: `📍 ${label ? `${label} ` : ''}(${l.latitude}, ${l.longitude})`, media: [] };
  }
  if (type === 'contacts') {
    const names = (Array.isArray(m.contacts) ? m.contacts : []).map((c: any) => {
      const phones = (c.phones ?? []).map((p: any) => p.phone ?? p.wa_id).filter(Boolean).join(', ');
      return `${c.name?.formatted_name ?? 'Contact'}${phones ? ` (${phones})` : ''}`;
    });
    return { text: `👤 Shared contact: ${names.join('; ')}`, media: [] };
  }
  if (type === 'interactive') {
    const i = m.interactive ?? {};
    const reply = i.button_reply ?? i.list_reply ?? i.nfm_reply;
    return { text: String(reply?.title ?? reply?.body ?? '[interactive reply]'), media: [] };
  }
  if (type === 'button') return { text: String(m.button?.text ?? m.button?.payload ?? '[button]'), media: [] };
  if (type === 'reaction') {
    const emoji = m.reaction?.emoji;
    return { text: emoji ? `Reacted ${emoji} to a message` : 'Removed a reaction', media: [] };
  }
  if (type === 'order') return { text: `🛒 Order with ${(m.order?.product_items ?? []).length} item(s)${m.order?.text ? `: ${m.order.text}` : ''}`, media: [] };
  return { text: `[unsupported WhatsApp message type: ${type}]`, media: [] };
}

/** Meta's send-time components: the header's parameter or media, then the body's parameters. */
function templateComponents(t: NonNullable<OutboundMessage['template']>): { components?: Record<string, unknown>[] } {
  const components: Record<string, unknown>[] = [];
  if (t.headerMedia) components.push({ type: 'header', parameters: [{ type: t.headerMedia.format, [t.headerMedia.format]: { link: t.headerMedia.link } }] });
  else if (t.headerParameters?.length) components.push({ type: 'header', parameters: t.headerParameters.map((text) => ({ type: 'text', text })) });
  if (t.parameters.length) components.push({ type: 'body', parameters: t.parameters.map((text) => ({ type: 'text', text })) });
  return components.length ? { components } : {};
}

const STATUS_MAP: Record<string, 'sent' | 'delivered' | 'read' | 'failed'> = { sent: 'sent', delivered: 'delivered', read: 'read', played: 'read', failed: 'failed' };

export const whatsapp: ChannelAdapter = {
  key: 'whatsapp',
  label: 'WhatsApp',
  group: 'messaging',
  provider: 'Meta WhatsApp Business Cloud API',
  capabilities: capabilities({ media: true, templates: true, window24h: true, deliveryReceipts: true, readReceipts: true, maxTextLength: 4096 }),
  configKeys: ['phoneNumberId', 'accessToken', 'appSecret', 'verifyToken', 'businessAccountId'],
  bodyFormat: 'json',
  verify: verifyHubSignature,
  challenge: hubChallenge,

  parse(req, inbox) {
    const body = parseJsonBody(req);
    if (!isObject(body) || body.object !== 'whatsapp_business_account' || !Array.isArray(body.entry)) {
      throw new ParseError('not a WhatsApp Business Account webhook (object must be "whatsapp_business_account" with entry[])');
    }
    const ownNumber = cfg(inbox.config, 'phoneNumberId');
    const events: InboundEvent[] = [];
    for (const entry of body.entry) {
      for (const change of Array.isArray(entry?.changes) ? entry.changes : []) {
        const value = change?.value;
        if (change?.field === 'message_template_status_update' && isObject(value)) {
          const ev = templateStatusEvent(entry, value);
          if (!ev) throw new ParseError('a message_template_status_update lacks message_template_id or event');
          events.push(ev);
          continue;
        }
        if (change?.field !== 'messages' || !isObject(value)) continue;
        // One app can serve several numbers; this inbox owns only its own.
        if (ownNumber && value.metadata?.phone_number_id && String(value.metadata.phone_number_id) !== ownNumber) continue;
        const names = new Map<string, string>();
        for (const c of Array.isArray(value.contacts) ? value.contacts : []) if (c?.wa_id && c.profile?.name) names.set(String(c.wa_id), String(c.profile.name));
        for (const m of Array.isArray(value.messages) ? value.messages : []) {
          const from = str(m?.from);
          const id = str(m?.id);
          if (!from || !id) throw new ParseError('a WhatsApp message lacks from or id');
          const { text, media } = describe(m);
          events.push({
            type: 'message',
            providerMessageId: id,
            contact: { externalId: from, name: names.get(from) ?? null, phone: e164(from) },
            text,
            media,
            at: Number(m.timestamp) > 0 ? Number(m.timestamp) * 1000 : undefined,
            // A Click-to-WhatsApp ad or post the customer answered.
            ...(m.referral ? { context: whatsappReferral(from, m.referral) ?? undefined } : {}),
          });
        }
        for (const s of Array.isArray(value.statuses) ? value.statuses : []) {
          const status = STATUS_MAP[String(s?.status)];
          if (!status || !s.id) continue;
          const err = Array.isArray(s.errors) ? s.errors[0] : null;
          events.push({
            type: 'status',
            providerMessageId: String(s.id),
            status,
            reason: err ? `[${err.code}] ${err.title ?? err.message ?? 'failed'}${err.error_data?.details ? ` — ${err.error_data.details}` : ''}` : null,
            at: Number(s.timestamp) > 0 ? Number(s.timestamp) * 1000 : undefined,
          });
        }
      }
    }
    return events;
  },

  policy(out, facts) {
    if (out.template) return null;
    if (facts.lastInboundAt === null) return "WhatsApp's 24-hour customer service window is not open (the customer has never written on WhatsApp): only approved templates can be sent";
    if (facts.now - facts.lastInboundAt > WINDOW_MS) {
      return `WhatsApp's 24-hour customer service window closed at ${new Date(facts.lastInboundAt + WINDOW_MS).toISOString()}: only approved templates can be sent`;
    }
    return null;
  },

  send(out, inbox) {
    const phoneNumberId = cfg(inbox.config, 'phoneNumberId') ?? 'missing-phone-number-id';
    const to = out.to.externalId.replace(/^\+/, '');
    const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to };
    let message: Record<string, unknown>;
    if (out.template) {
      message = {
        ...base,
        type: 'template',
        template: {
          name: out.template.name,
          language: { code: out.template.language },
          ...templateComponents(out.template),
        },
      };
    } else if (out.attachments.length > 0) {
      const a = out.attachments[0];
      const kind = a.contentType.startsWith('image/') ? 'image' : a.contentType.startsWith('video/') ? 'video' : a.contentType.startsWith('audio/') ? 'audio' : 'document';
      const extra = out.attachments.slice(1).map((x) => x.url);
      const caption = [out.text, ...extra].filter(Boolean).join('\n');
      message = { ...base, type: kind, [kind]: { link: a.url, ...(kind !== 'audio' && caption ? { caption } : {}), ...(kind === 'document' ? { filename: a.name } : {}) } };
    } else {
      message = { ...base, type: 'text', text: { preview_url: true, body: out.text } };
    }
    return jsonRequest('POST', `${GRAPH}/${phoneNumberId}/messages`, message, { authorization: `Bearer ${cfg(inbox.config, 'accessToken') ?? ''}` });
  },

  interpret(res) {
    const result = interpretHttp(res, (j) => j?.messages?.[0]?.id);
    if (!result.ok && result.permanent) {
      try {
        const code = JSON.parse(res.body)?.error?.code;
        if (META_THROTTLE_CODES.has(Number(code))) return { ...result, permanent: false, retryAfterSeconds: 60 };
      } catch {
        // not JSON: keep the plain reading
      }
    }
    return result;
  },

  sandboxReply(req, out: OutboundMessage) {
    const to = out.to.externalId.replace(/^\+/, '');
    return jsonResponse(200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: `wamid.${sandboxId('SBX')}` }] });
  },

  mediaRequest(ref, inbox, previous) {
    const auth = { authorization: `Bearer ${cfg(inbox.config, 'accessToken') ?? ''}` };
    if (!previous) {
      if (ref.providerMediaId) return { method: 'GET', url: `${GRAPH}/${ref.providerMediaId}`, headers: auth };
      return ref.url ? { method: 'GET', url: ref.url, headers: auth } : null;
    }
    // The lookup answers with a short-lived download URL that needs the same token.
    if ((previous.headers['content-type'] ?? '').includes('json')) {
      try {
        const url = JSON.parse(previous.body)?.url;
        if (typeof url === 'string') return { method: 'GET', url, headers: auth };
      } catch {
        return null;
      }
    }
    return null;
  },
};
