// How fast a broadcast may leave one inbox, in messages per second: the inbox's `broadcastRate`
// setting (PATCH /api/inboxes/:id {settings: {broadcastRate}}) within its channel's bounds, else the
// channel's default. The BROADCAST_SENDS consumer paces by it (a token bucket per inbox) and the
// workflow sizes its waits by it.
import { loadInbox } from '../ingest/inboxes';

export interface RateBounds {
  /** Without a setting. */
  default: number;
  /** The most a setting may ask for. */
  max: number;
}

/**
 * WhatsApp: the Cloud API's default 80/s tier, up to 1,000/s for numbers Meta has upgraded. SMS: a
 * Twilio long code's ~10/s by default, up to a short code's 100/s. E-mail: 10/s by default: receiving
 * providers judge a new sending domain by steady volume and throttle sudden bursts (a warmed-up domain
 * with a provider plan that allows it may go up to 500/s); Resend's API allows 2 requests/s unless the
 * account was raised, so an inbox sending through Resend defaults to that.
 */
export const RATE_BOUNDS: Record<string, RateBounds> = {
  whatsapp: { default: 80, max: 1000 },
  sms: { default: 10, max: 100 },
  email: { default: 10, max: 500 },
};
const OTHER: RateBounds = { default: 20, max: 100 };
const PROVIDER_DEFAULTS: Record<string, number> = { resend: 2 };

export function rateBounds(channel: string): RateBounds {
  return RATE_BOUNDS[channel] ?? OTHER;
}

/** The setting's problem, or null when it is acceptable for an inbox of this channel (null/absent: the default). */
export function rateProblem(channel: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const { max } = rateBounds(channel);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) return `must be a whole number of messages per second from 1 to ${max} for a ${channel} inbox`;
  return null;
}

/** Messages per second for an inbox: its setting if valid, else the provider's or channel's default. */
export function ratePerSecond(channel: string, setting?: unknown, provider?: string | null): number {
  if (setting !== undefined && setting !== null && rateProblem(channel, setting) === null) return setting as number;
  return (provider && PROVIDER_DEFAULTS[provider]) || rateBounds(channel).default;
}

/** The pacing key (the inbox) and rate of a broadcast's sends. */
export async function broadcastRate(env: Env, broadcastId: string): Promise<{ key: string; rate: number }> {
  const row = await env.DB.prepare(`SELECT i.id, i.channel, i.settings FROM broadcasts b JOIN inboxes i ON i.id = b.inbox_id WHERE b.id = ?`)
    .bind(broadcastId)
    .first<{ id: string; channel: string; settings: string | null }>();
  if (!row) return { key: broadcastId, rate: OTHER.default };
  let setting: unknown;
  try {
    setting = (JSON.parse(row.settings || '{}') as { broadcastRate?: unknown }).broadcastRate;
  } catch {
    setting = undefined;
  }
  const provider = row.channel === 'email' && setting == null ? (((await loadInbox(env, row.id))?.config.provider as string | undefined) ?? null) : null;
  return { key: row.id, rate: ratePerSecond(row.channel, setting, provider) };
}
