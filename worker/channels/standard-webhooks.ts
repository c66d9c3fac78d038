// Standard Webhooks (standardwebhooks.com, the scheme Svix delivers): webhook-id, webhook-timestamp and
// webhook-signature ("v1,<base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`>", space separated), with a
// 5-minute tolerance against replays. The secret is "whsec_" + base64 key bytes. Svix's own header
// names (svix-id, …) are accepted too. Used by sources without a provider standard and channel managers.
import { utf8 } from '../crypto/bytes';
import { fromBase64, hmacSha256Base64, safeEqual } from './common';
import type { RawWebhook } from './types';

export const TOLERANCE_S = 5 * 60;

function keyBytes(secret: string): Uint8Array {
  if (secret.startsWith('whsec_')) {
    try {
      return fromBase64(secret.slice(6));
    } catch {
      return utf8(secret);
    }
  }
  return utf8(secret);
}

export async function standardSignature(secret: string, id: string, timestamp: string, body: string): Promise<string> {
  return `v1,${await hmacSha256Base64(keyBytes(secret), `${id}.${timestamp}.${body}`)}`;
}

/** Null when the request carries a valid, fresh signature; else why not. */
export async function verifyStandardWebhook(req: RawWebhook, secret: string | null, now = Date.now()): Promise<string | null> {
  if (!secret) return 'the inbox has no signingSecret configured';
  const h = req.headers;
  const id = h['webhook-id'] ?? h['svix-id'];
  const ts = h['webhook-timestamp'] ?? h['svix-timestamp'];
  const sig = h['webhook-signature'] ?? h['svix-signature'];
  if (!id || !ts || !sig) return 'missing webhook-id, webhook-timestamp or webhook-signature';
  const seconds = Number(ts);
  if (!/^\d+$/.test(ts) || !Number.isFinite(seconds)) return 'webhook-timestamp is not a Unix time in seconds';
  if (Math.abs(now / 1000 - seconds) > TOLERANCE_S) return 'webhook-timestamp is outside the 5-minute tolerance';
  const expected = await standardSignature(secret, id, ts, req.body);
  for (const candidate of sig.split(' ')) if (candidate.startsWith('v1,') && safeEqual(expected, candidate)) return null;
  return 'webhook-signature does not match';
}

/** Headers that sign an outgoing request the same way (review replies, chatbot replies). */
export async function signedHeaders(secret: string, id: string, body: string, now = Date.now()): Promise<Record<string, string>> {
  const ts = String(Math.floor(now / 1000));
  return { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': await standardSignature(secret, id, ts, body) };
}
