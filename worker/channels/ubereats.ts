// Uber Eats Marketplace (Order Integration API). Inbound: order webhooks (orders.notification,
// orders.cancel, orders.release, …) signed with X-Uber-Signature = hex HMAC-SHA256 of the raw body with
// the client secret. The webhook is thin (ids and resource_href; the order itself is fetched from the
// API): each event updates the order's context and lands as a note in the order's thread. Uber's public
// API has no eater-messaging endpoint, so this channel does not send replies. Config: {clientId, clientSecret}.
import { capabilities, cfg, checkSignature, hmacSha256Hex, isObject, parseJsonBody, str } from './common';
import { orderContext, orderNote } from './orders';
import type { ChannelAdapter } from './types';
import { ParseError } from './types';

export const ubereats: ChannelAdapter = {
  key: 'ubereats',
  label: 'Uber Eats',
  group: 'delivery',
  provider: 'Uber Eats Marketplace API',
  capabilities: capabilities({ outbound: false }),
  configKeys: ['clientId', 'clientSecret'],
  bodyFormat: 'json',

  verify(req, config) {
    const secret = cfg(config, 'clientSecret');
    return checkSignature(req.headers['x-uber-signature']?.toLowerCase(), secret, () => hmacSha256Hex(secret!, req.body), 'X-Uber-Signature');
  },

  parse(req) {
    const body = parseJsonBody(req);
    if (!isObject(body) || typeof body.event_type !== 'string' || !str(body.event_id)) throw new ParseError('not an Uber Eats webhook (event_type and event_id are required)');
    const orderId = str(body.meta?.resource_id);
    if (!orderId) return []; // store- or menu-level events have no order thread
    const ctx = orderContext(orderId, {
      platform: 'ubereats',
      displayId: orderId.slice(0, 8),
      status: String(body.meta?.status ?? body.event_type),
      storeId: body.meta?.user_id ?? null,
      resourceHref: body.resource_href ?? null,
      lastEvent: body.event_type,
      eventTime: typeof body.event_time === 'number' ? new Date(body.event_time * 1000).toISOString() : null,
    });
    return [
      {
        type: 'context',
        // The eater is only known once the order is fetched: the order is the thread until then.
        contact: { externalId: `order:${orderId}`, name: `Uber Eats order ${orderId.slice(0, 8)}` },
        context: ctx,
        note: `${orderNote('Uber Eats', ctx)} (${body.event_type})`,
        eventId: String(body.event_id),
      },
    ];
  },
};
