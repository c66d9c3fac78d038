// DoorDash. Marketplace order APIs are partner-only; this adapter speaks DoorDash Drive's documented
// delivery webhooks ({event_name, external_delivery_id, dasher_name, dasher_dropoff_phone_number,
// dropoff_contact_given_name, dropoff_phone_number, dropoff_time_estimated, tracking_url, …}), which
// authenticate with the Authorization header value configured for the endpoint (compared in constant
// time). Each event updates the order context and lands as a note in the customer's thread. DoorDash
// has no public customer-messaging API: no replies. Config: {webhookAuthorization}.
import { capabilities, cfg, e164, isObject, parseJsonBody, safeEqual, str } from './common';
import { orderContext, orderNote } from './orders';
import type { ChannelAdapter } from './types';
import { ParseError } from './types';

export const doordash: ChannelAdapter = {
  key: 'doordash',
  label: 'DoorDash',
  group: 'delivery',
  provider: 'DoorDash Drive webhooks',
  capabilities: capabilities({ outbound: false }),
  configKeys: ['webhookAuthorization'],
  bodyFormat: 'json',

  async verify(req, config) {
    const expected = cfg(config, 'webhookAuthorization');
    if (!expected) return 'the inbox has no webhookAuthorization configured';
    const given = req.headers.authorization;
    if (!given) return 'missing Authorization';
    return safeEqual(expected, given) ? null : 'Authorization does not match';
  },

  parse(req) {
    const b = parseJsonBody(req);
    if (!isObject(b) || !str(b.event_name) || !str(b.external_delivery_id)) throw new ParseError('not a DoorDash Drive webhook (event_name and external_delivery_id are required)');
    const ref = String(b.external_delivery_id);
    const phone = e164(str(b.dropoff_phone_number));
    const ctx = orderContext(ref, {
      platform: 'doordash',
      displayId: ref,
      status: String(b.event_name),
      courier: b.dasher_name ? { name: b.dasher_name, phone: b.dasher_dropoff_phone_number ?? null } : null,
      eta: b.dropoff_time_estimated ?? null,
      trackingUrl: b.tracking_url ?? null,
      total: typeof b.order_value === 'number' ? b.order_value / 100 : null,
      currency: b.currency ?? null,
      notes: b.cancellation_reason ?? b.dropoff_instructions ?? null,
    });
    return [
      {
        type: 'context',
        contact: { externalId: phone ?? `delivery:${ref}`, name: str(b.dropoff_contact_given_name), phone },
        context: ctx,
        note: orderNote('DoorDash', ctx),
        eventId: `${ref}:${b.event_name}:${b.created_at ?? ''}`,
      },
    ];
  },
};
