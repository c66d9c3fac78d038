// Unsubscribe links: `<payload>.<MAC>`, the payload naming workspace, contact, channel (the
// subscription it ends) and the broadcast it came with, the MAC an HMAC (JWT_SECRET) over them, as
// CSAT survey links are signed (worker/csat/token.ts). Stateless on purpose: a one-click unsubscribe
// (RFC 8058) must keep working after the recipient row is gone, and a token cannot be edited into
// another contact or workspace without the secret. Deterministic: the same recipient gets the same link.
import { fromBase64Url, hmacSha256, timingSafeEqual, toBase64Url, utf8 } from '../crypto/bytes';

export interface UnsubscribeRef {
  workspaceId: string;
  contactId: string;
  channel: string;
  broadcastId: string;
}

const PART = /^[^\n]{1,100}$/;

async function mac(secret: string, payload: string): Promise<string> {
  return toBase64Url(await hmacSha256(secret, `unsubscribe:v1:${payload}`)).slice(0, 32);
}

export async function unsubscribeToken(secret: string, ref: UnsubscribeRef): Promise<string> {
  const payload = toBase64Url(utf8([ref.workspaceId, ref.contactId, ref.channel, ref.broadcastId].join('\n')));
  return `${payload}.${await mac(secret, payload)}`;
}

/** What a token names, or null when it is malformed or its MAC does not match (forged or edited). */
export async function verifyUnsubscribeToken(secret: string, token: string): Promise<UnsubscribeRef | null> {
  const m = /^([A-Za-z0-9_-]{8,600})\.([A-Za-z0-9_-]{32})$/.exec(token);
  if (!m) return null;
  if (!timingSafeEqual(m[2], await mac(secret, m[1]))) return null;
  let parts: string[];
  try {
    parts = new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(m[1])).split('\n');
  } catch {
    return null;
  }
  if (parts.length !== 4 || !parts.every((p) => PART.test(p))) return null;
  const [workspaceId, contactId, channel, broadcastId] = parts;
  return { workspaceId, contactId, channel, broadcastId };
}
