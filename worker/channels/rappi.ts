// Rappi. Rappi's Partners API is open to partners only; this adapter reads its order webhook payload
// ({event, order_detail{order_id, created_at, items[{name, quantity, price}], totals{total_order},
// cooking_time}, customer{first_name, last_name, phone_number}, store{…}}) and the signature scheme its
// partner documentation describes: header Rappi-Signature "t=<unix seconds>,sign=<hex HMAC-SHA256 of
// `${t}.${body}` with the webhook secret>" (5-minute tolerance). Orders update the context and land as
// notes; no public customer-messaging API: no replies. Config: {webhookSecret}.
import { capabilities, cfg, e164, hmacSha256Hex, isObject, parseJsonBody, safeEqual, str } from './common';
import { orderContext, orderNote } from './orders';
import type { ChannelAdapter } from './types';
import { ParseError } from './types';

export const rappi: ChannelAdapter = {
  key: 'rappi',
  label: 'Rappi',
  group: 'delivery',
  provider: 'Rappi Partners API order webhooks',
  capabilities: capabilities({ outbound: false }),
  configKeys: ['webhookSecret'],
  bodyFormat: 'json',

  async verify(req, config) {
    const secret = cfg(config, 'webhookSecret');
    if (!secret) return 'the inbox has no webhookSecret configured';
    const header = req.headers['rappi-signature'];
    if (!header) return 'missing Rappi-Signature';
    const parts = Object.fromEntries(header.split(',').map((kv) => kv.trim().split('=') as [string, string]));
    if (!parts.t || !parts.sign) return 'Rappi-Signature must be t=…,sign=…';
    if (Math.abs(Date.now() / 1000 - Number(parts.t)) > 300) return 'Rappi-Signature timestamp is outside the 5-minute tolerance';
    return safeEqual(await hmacSha256Hex(secret, `${parts.t}.${req.body}`), parts.sign.toLowerCase()) ? null : 'Rappi-Signature does not match';
  },

  parse(req) {
    const b = parseJsonBody(req);
    const d = isObject(b?.order_detail) ? b.order_detail : null;
    const ref = str(d?.order_id);
    if (!d || !ref) throw new ParseError('not a Rappi order webhook (order_detail.order_id is required)');
    const c = isObject(b.customer) ? b.customer : isObject(d.customer) ? d.customer : {};
    const phone = e164(str(c.phone_number));
    const ctx = orderContext(ref, {
      platform: 'rappi',
      displayId: ref,
      status: String(b.event ?? d.state ?? 'NEW_ORDER'),
      items: (Array.isArray(d.items) ? d.items : []).map((i: any) => ({ name: String(i.name ?? i.sku ?? 'item'), quantity: Number(i.quantity ?? 1), price: typeof i.price === 'number' ? i.price : null })),
      total: typeof d.totals?.total_order === 'number' ? d.totals.total_order : null,
      currency: d.totals?.currency ?? null,
      eta: d.cooking_time ? `${d.cooking_time} min cooking` : null,
      notes: d.instructions ?? null,
    });
    const name = [c.first_name, c.last_name].filter(Boolean).join(' ') || null;
    return [{ type: 'context', contact: { externalId: phone ?? `order:${ref}`, name, phone }, context: ctx, note: orderNote('Rappi', ctx), eventId: `${ref}:${b.event ?? 'order'}:${d.state ?? ''}` }];
  },
};
