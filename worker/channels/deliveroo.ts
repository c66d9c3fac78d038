// Deliveroo Order API webhooks ({event: "order.new" | "order.status_update", body:{order:{id, display_id,
// status, items[{name, quantity, total_price{fractional, currency_code}}], total_price, customer{first_name,
// contact_number, contact_access_code}, prepare_for, asap, order_notes}}}), signed with
// X-Deliveroo-Hmac-Sha256 = hex HMAC-SHA256 of `${X-Deliveroo-Sequence-Guid} ${raw body}` with the webhook
// secret. Orders update the context and land as notes; Deliveroo has no public customer-messaging API:
// no replies. Config: {webhookSecret}.
import { capabilities, cfg, checkSignature, e164, hmacSha256Hex, isObject, parseJsonBody, str } from './common';
import { orderContext, orderNote } from './orders';
import type { ChannelAdapter } from './types';
import { ParseError } from './types';

const money = (m: any) => (isObject(m) && typeof m.fractional === 'number' ? m.fractional / 100 : null);

export const deliveroo: ChannelAdapter = {
  key: 'deliveroo',
  label: 'Deliveroo',
  group: 'delivery',
  provider: 'Deliveroo Order API webhooks',
  capabilities: capabilities({ outbound: false }),
  configKeys: ['webhookSecret'],
  bodyFormat: 'json',

  verify(req, config) {
    const secret = cfg(config, 'webhookSecret');
    const guid = req.headers['x-deliveroo-sequence-guid'] ?? '';
    return checkSignature(req.headers['x-deliveroo-hmac-sha256']?.toLowerCase(), secret, () => hmacSha256Hex(secret!, `${guid} ${req.body}`), 'X-Deliveroo-Hmac-Sha256');
  },

  parse(req) {
    const b = parseJsonBody(req);
    const order = b?.body?.order ?? b?.order;
    const ref = str(order?.id);
    if (!isObject(order) || !ref) throw new ParseError('not a Deliveroo order webhook (body.order.id is required)');
    const c = isObject(order.customer) ? order.customer : {};
    const phone = e164(str(c.contact_number));
    const ctx = orderContext(ref, {
      platform: 'deliveroo',
      displayId: str(order.display_id) ?? ref,
      status: String(order.status ?? b.event ?? 'placed'),
      items: (Array.isArray(order.items) ? order.items : []).map((i: any) => ({ name: String(i.name ?? i.pos_item_id ?? 'item'), quantity: Number(i.quantity ?? 1), price: money(i.total_price ?? i.unit_price) })),
      total: money(order.total_price),
      currency: order.total_price?.currency_code ?? null,
      eta: order.prepare_for ?? null,
      notes: order.order_notes ?? null,
      accessCode: c.contact_access_code ?? null,
    });
    return [
      {
        type: 'context',
        contact: { externalId: phone ? `${phone}${c.contact_access_code ? `#${c.contact_access_code}` : ''}` : `order:${ref}`, name: str(c.first_name), phone: null },
        context: ctx,
        note: orderNote('Deliveroo', ctx),
        eventId: `${ref}:${b.event ?? ''}:${order.status ?? ''}:${req.headers['x-deliveroo-sequence-guid'] ?? ''}`,
      },
    ];
  },
};
