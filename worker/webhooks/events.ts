// Which webhook event a conversation event becomes, and the body it carries. The body follows
// Standard Webhooks' recommended shape, {type, timestamp, data}; the type names are ours and stable
// (they are the contract receivers code against). One conversation event makes at most one webhook
// event, so the event's id can name the webhook message (webhookIdOf) on every attempt and endpoint.
import type { ParleyEvent } from '../events/model';

export const WEBHOOK_EVENT_TYPES = [
  'message.created',
  'message.received',
  'conversation.created',
  'conversation.assigned',
  'conversation.status_changed',
  'conversation.tag_added',
  'template.sent',
  'csat.submitted',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** What an endpoint may subscribe to: the types, or '*' for every type (including ones added later). */
export const SUBSCRIBABLE = [...WEBHOOK_EVENT_TYPES, '*'] as const;

/** The test event POST …/test sends; never fanned out, so nobody subscribes to it. */
export const PING = 'ping';

export interface WebhookBody {
  type: string;
  /** ISO 8601: when the event happened (not when this attempt was made: that is the webhook-timestamp header). */
  timestamp: string;
  data: Record<string, unknown>;
}

export function subscribes(events: readonly string[], type: string): boolean {
  return events.includes('*') || events.includes(type);
}

/**
 * The webhook event for a conversation event, or null when receivers are not told about it.
 * Internal notes are never sent: they are the team's private talk, and an endpoint is a third party.
 * `template.sent` is accepted in subscriptions but nothing emits it yet (the stream has no template
 * event); it fires once it does, without a change to endpoints.
 */
export function webhookEventOf(e: ParleyEvent): { type: WebhookEventType; data: Record<string, unknown> } | null {
  const conversation = { id: e.conversationId, ...e.conversation };
  switch (e.type) {
    case 'message.received':
    case 'message.created': {
      if (!e.message || e.message.isInternalNote || e.message.direction === 'internal') return null;
      return { type: e.type, data: { conversation, message: e.message } };
    }
    case 'conversation.created':
      return { type: 'conversation.created', data: { conversation } };
    case 'conversation.assigned': {
      const d = e.data as ParleyEvent<'conversation.assigned'>['data'];
      return { type: 'conversation.assigned', data: { conversation, from: d.from ?? null, to: d.to ?? null } };
    }
    case 'conversation.status_changed': {
      const d = e.data as ParleyEvent<'conversation.status_changed'>['data'];
      return { type: 'conversation.status_changed', data: { conversation, from: d.from, to: d.to, reason: d.reason ?? null } };
    }
    case 'csat.submitted':
      return { type: 'csat.submitted', data: { conversation, ...(e.data as Record<string, unknown>) } };
    case 'conversation.updated':
      return e.tagsAdded?.length ? { type: 'conversation.tag_added', data: { conversation, tags: e.tagsAdded } } : null;
    default:
      return null;
  }
}

/** Cheap test for the subscriber's `wants` (no I/O). */
export function mayBecomeWebhook(e: ParleyEvent): boolean {
  return webhookEventOf(e) !== null;
}

/** The webhook-id of a conversation event: stable across retries, redeliveries and endpoints (`cnv_…:12` → `msg_cnv_…_12`). */
export function webhookIdOf(eventId: string): string {
  return `msg_${eventId.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

export function bodyOf(type: string, at: number, data: Record<string, unknown>): string {
  const body: WebhookBody = { type, timestamp: new Date(at).toISOString(), data };
  return JSON.stringify(body);
}
