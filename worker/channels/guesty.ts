// Booking platforms whose messaging APIs are open only to partners (Airbnb, Vrbo, Expedia) reach
// Parley through a channel manager. This adapter speaks Guesty's Open API format: webhooks
// `reservation.messageReceived` ({reservationId, conversation{_id, guestId, integration.platform,
// meta{guestName, reservations[]}}, message{_id|postId, body, type "fromGuest"|…, createdAt}}) and
// `reservation.new`/`reservation.updated` ({reservation{_id, confirmationCode, checkIn, checkOut, status,
// guestsCount, listing{title}, guest{fullName, email, phone}, money{totalPaid|hostPayout, currency}}}),
// delivered through Svix, i.e. signed with Standard Webhooks. Replies: POST
// /v1/communication/conversations/{id}/send-message on Guesty's Open API, which posts them on the platform.
// Config: {signingSecret, apiToken}.
import { capabilities, cfg, e164, interpretHttp, isObject, jsonRequest, jsonResponse, parseJsonBody, sandboxId, str } from './common';
import { verifyStandardWebhook } from './standard-webhooks';
import type { ChannelAdapter, ContactProfile, ContextRecord, InboundEvent } from './types';
import { ParseError } from './types';
import type { ChannelKey } from '../inboxes/channels';

const GUESTY_API = 'https://open-api.guesty.com/v1';

function reservationContext(r: Record<string, any>, platform: string, conversationId: string | null): ContextRecord {
  const money = isObject(r.money) ? r.money : {};
  return {
    kind: 'reservation',
    reference: String(r._id ?? r.id),
    data: {
      platform,
      confirmationCode: r.confirmationCode ?? null,
      listing: r.listing?.title ?? r.listing?.nickname ?? r.listingTitle ?? null,
      checkIn: r.checkIn ?? r.checkInDateLocalized ?? null,
      checkOut: r.checkOut ?? r.checkOutDateLocalized ?? null,
      guests: r.guestsCount ?? r.numberOfGuests?.numberOfAdults ?? null,
      status: r.status ?? null,
      amount: money.totalPaid ?? money.hostPayout ?? money.fareAccommodation ?? null,
      currency: money.currency ?? null,
      ...(conversationId ? { conversationId } : {}),
    },
  };
}

function summary(ctx: ContextRecord): string {
  const d = ctx.data;
  const parts = [`🏠 Reservation ${d.confirmationCode ?? ctx.reference}`, d.status ? `(${d.status})` : null, d.listing ? `· ${d.listing}` : null, d.checkIn ? `· ${String(d.checkIn).slice(0, 10)} → ${String(d.checkOut ?? '').slice(0, 10)}` : null, d.guests ? `· ${d.guests} guest(s)` : null, d.amount !== null && d.amount !== undefined ? `· ${d.amount} ${d.currency ?? ''}`.trim() : null];
  return parts.filter(Boolean).join(' ');
}

export function guestyPlatform(key: ChannelKey, label: string, platformNames: string[]): ChannelAdapter {
  return {
    key,
    label,
    group: 'booking',
    provider: `${label} via Guesty Open API (channel manager)`,
    capabilities: capabilities({ maxTextLength: 5000 }),
    configKeys: ['signingSecret', 'apiToken'],
    bodyFormat: 'json',
    verify: (req, config) => verifyStandardWebhook(req, cfg(config, 'signingSecret')),

    parse(req) {
      const body = parseJsonBody(req);
      if (!isObject(body) || typeof body.event !== 'string') throw new ParseError('not a Guesty webhook (event is missing)');
      if (body.event === 'reservation.messageReceived') {
        const conv = isObject(body.conversation) ? body.conversation : {};
        const msg = isObject(body.message) ? body.message : null;
        const id = str(msg?._id) ?? str(msg?.postId) ?? str(msg?.id);
        if (!msg || !id) throw new ParseError('reservation.messageReceived lacks message._id');
        // Messages we (or the host) sent come back too; only the guest's are new.
        if (msg.type && !['fromGuest', 'fromOwner'].includes(String(msg.type))) return [];
        const platform = String(conv.integration?.platform ?? msg.module?.type ?? platformNames[0]);
        const reservations = Array.isArray(conv.meta?.reservations) ? conv.meta.reservations : [];
        const current = reservations.find((r: any) => r?._id === body.reservationId) ?? reservations[reservations.length - 1];
        const contact: ContactProfile = { externalId: String(conv.guestId ?? conv._id ?? `reservation:${body.reservationId}`), name: str(conv.meta?.guestName) };
        return [
          {
            type: 'message',
            providerMessageId: id,
            contact,
            text: String(msg.body ?? ''),
            at: msg.createdAt ? Date.parse(msg.createdAt) || undefined : undefined,
            context: current || body.reservationId ? reservationContext({ ...(current ?? {}), _id: body.reservationId ?? current?._id }, platform, str(conv._id)) : undefined,
          },
        ];
      }
      if (body.event === 'reservation.new' || body.event === 'reservation.updated' || body.event.startsWith('reservation.created') || body.event.startsWith('reservation.updated')) {
        const r = isObject(body.reservation) ? body.reservation : null;
        if (!r || !(r._id ?? r.id)) throw new ParseError(`${body.event} lacks reservation._id`);
        const guest = isObject(r.guest) ? r.guest : {};
        const ctx = reservationContext(r, String(r.integration?.platform ?? r.source ?? platformNames[0]), str(r.conversationId));
        const contact: ContactProfile = { externalId: String(r.guestId ?? guest._id ?? `reservation:${ctx.reference}`), name: str(guest.fullName), email: str(guest.email)?.toLowerCase() ?? null, phone: e164(str(guest.phone)) };
        return [{ type: 'context', contact, context: ctx, note: summary(ctx), eventId: `${body.event}:${ctx.reference}:${r.lastUpdatedAt ?? body.publishedAt ?? JSON.stringify(ctx.data)}` } satisfies InboundEvent];
      }
      return [];
    },

    send(out, inbox) {
      const conversationId = String(out.context?.data.conversationId ?? out.to.externalId);
      return jsonRequest('POST', `${GUESTY_API}/communication/conversations/${encodeURIComponent(conversationId)}/send-message`, { module: { type: 'platform' }, body: out.text }, {
        authorization: `Bearer ${cfg(inbox.config, 'apiToken') ?? ''}`,
      });
    },
    interpret: (res) => interpretHttp(res, (j) => j?._id ?? j?.id ?? null),
    sandboxReply: () => jsonResponse(200, { _id: sandboxId('').slice(0, 24) }),
  };
}

export { summary as reservationSummary };
