// Glovo. This adapter reads the Glovo Partners order webhook (order_id, order_code, order_time,
// estimated_pickup_time, estimated_total_price in cents, currency, customer{name, phone_number, hash},
// courier{name, phone_number}, products[{name, quantity, price}], special_requirements), authenticated by
// the shared token Glovo sends in the Authorization header (compared in constant time). Orders update
// the context and land as notes; there is no public customer-messaging API: no replies.
// Config: {webhookToken}.
import { capabilities, cfg, e164, isObject, parseJsonBody, safeEqual, str } from './common';
import { orderContext, orderNote } from './orders';
import type { ChannelAdapter } from './types';
import { ParseError } from './types';

export const glovo: ChannelAdapter = {
  key: 'glovo',
  label: 'Glovo',
  group: 'delivery',
  provider: 'Glovo Partners order webhooks',
  capabilities: capabilities({ outbound: false }),
  configKeys: ['webhookToken'],
  bodyFormat: 'json',

  async verify(req, config) {
    const token = cfg(config, 'webhookToken');
    if (!token) return 'the inbox has no webhookToken configured';
    const given = req.headers.authorization;
    if (!given) return 'missing Authorization';
    return safeEqual(token, given) ? null : 'Authorization does not match';
  },

  parse(req) {
    const b = parseJsonBody(req);
    const ref = str(b?.order_id);
    if (!isObject(b) || !ref) throw new ParseError('not a Glovo order webhook (order_id is required)');
    const c = isObject(b.customer) ? b.customer : {};
    const phone = e164(str(c.phone_number));
    const cents = (n: unknown) => (typeof n === 'number' ? n / 100 : null);
    const ctx = orderContext(ref, {
      platform: 'glovo',
      displayId: str(b.order_code) ?? ref,
      status: String(b.status ?? 'ORDER_RECEIVED'),
      items: (Array.isArray(b.products) ? b.products : []).map((p: any) => ({ name: String(p.name ?? p.id ?? 'item'), quantity: Number(p.quantity ?? 1), price: cents(p.price) })),
      total: cents(b.estimated_total_price),
      currency: b.currency ?? null,
      courier: isObject(b.courier) ? { name: b.courier.name ?? null, phone: b.courier.phone_number ?? null } : null,
      eta: b.estimated_pickup_time ?? null,
      notes: [b.special_requirements, b.allergy_info].filter(Boolean).join(' · ') || null,
    });
    return [{ type: 'context', contact: { externalId: phone ?? str(c.hash) ?? `order:${ref}`, name: str(c.name), phone }, context: ctx, note: orderNote('Glovo', ctx), eventId: `${ref}:${b.status ?? 'new'}` }];
  },
};
