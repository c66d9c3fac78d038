// A broadcast and its recipients as the API shows them, and the pure rules every part of the
// delivery agrees on: who is skipped and why, how a recipient's status may move, when a broadcast runs.
import { subscriptionStatus } from '../contacts/subscriptions';
import { zonedInstant } from '../routing/business-hours';

export const BROADCAST_STATUSES = ['draft', 'scheduled', 'sending', 'sent', 'cancelled', 'failed'] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];

/**
 * queued: enqueued on BROADCAST_SENDS (or, with a message id, waiting in the outbound queue);
 * sending: claimed by the consumer; then the message's own delivery status. skipped/cancelled never go out.
 */
export const RECIPIENT_STATUSES = ['queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled'] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

export const SKIP_REASONS = ['blocked', 'unsubscribed', 'sms_opt_out', 'no_identity'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface RecipientFacts {
  blocked: number | boolean | null;
  subscriptions: unknown;
  hasIdentity: number | boolean | null;
}

/** Why a contact must not receive a broadcast on this channel, or null when they may. */
export function skipReason(contact: RecipientFacts, channel: string): SkipReason | null {
  if (contact.blocked) return 'blocked';
  if (subscriptionStatus(contact.subscriptions, channel) === 'unsubscribed') return channel === 'sms' ? 'sms_opt_out' : 'unsubscribed';
  if (!contact.hasIdentity) return 'no_identity';
  return null;
}

// A delivery status only moves forward: a late 'sent' callback never undoes 'delivered'.
const RANK: Partial<Record<RecipientStatus, number>> = { sending: 0, queued: 1, sent: 2, delivered: 3, read: 4, failed: 5 };

/** The recipient status after a message status report, or null when it would move backwards. */
export function advance(current: string, reported: string): RecipientStatus | null {
  const from = RANK[current as RecipientStatus];
  const to = RANK[reported as RecipientStatus];
  if (from === undefined || to === undefined) return null;
  // 'failed' after 'delivered'/'read' is a provider contradiction: keep what the customer saw.
  if (reported === 'failed') return from < RANK.delivered! ? 'failed' : null;
  if (current === 'failed') return null;
  return to > from ? (reported as RecipientStatus) : null;
}

/**
 * The instant of `at` in `timeZone`: an ISO time with an offset or Z is absolute; a bare local
 * date-time (2026-12-24T09:00) is the wall clock in that zone. Null when it is not a time.
 */
export function scheduleInstant(at: string, timeZone: string): number | null {
  if (/(Z|[+-]\d{2}:?\d{2})$/i.test(at)) {
    const t = Date.parse(at);
    return Number.isFinite(t) ? t : null;
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(at);
  if (!m) return null;
  const day = Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000);
  return zonedInstant(day, Number(m[4]) * 60 + Number(m[5]), timeZone) + Number(m[6] ?? 0) * 1000;
}

/**
 * A conversation closed by the broadcast itself: the one a campaign message started, closed at once so
 * it stays out of the open queue. Nobody was served in it, so the close subscribers (CSAT survey, AI
 * summary, memories) leave it alone: otherwise a 100,000-recipient SMS is followed by 100,000 surveys
 * and as many AI calls. A customer's reply reopens it, and a later close is an ordinary one.
 */
export function closedByBroadcast(e: { actor: { type: string } | null }): boolean {
  return e.actor?.type === 'broadcast';
}
