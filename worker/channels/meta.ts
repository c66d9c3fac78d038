// Meta's shared webhook plumbing for WhatsApp, Messenger and Instagram: the X-Hub-Signature-256
// check (hex HMAC-SHA256 of the raw body with the app secret) and the hub.challenge verification.
import { cfg, checkSignature, hmacSha256Hex } from './common';
import type { InboxConfig, RawWebhook } from './types';

export const GRAPH = 'https://graph.facebook.com/v21.0';

export async function verifyHubSignature(req: RawWebhook, config: InboxConfig): Promise<string | null> {
  const secret = cfg(config, 'appSecret');
  const header = req.headers['x-hub-signature-256'];
  return checkSignature(header, secret, async () => `sha256=${await hmacSha256Hex(secret!, req.body)}`, 'X-Hub-Signature-256');
}

/** GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=… answers the challenge when the token matches. */
export function hubChallenge(url: URL, config: InboxConfig): Response | null {
  const mode = url.searchParams.get('hub.mode');
  if (!mode) return null;
  const token = cfg(config, 'verifyToken');
  if (mode !== 'subscribe' || !token || url.searchParams.get('hub.verify_token') !== token) {
    return new Response('verify token mismatch', { status: 403 });
  }
  return new Response(url.searchParams.get('hub.challenge') ?? '', { status: 200, headers: { 'content-type': 'text/plain' } });
}

/** Meta rate-limit error codes (4, 17, 32, 613, 80007, 130429, 131056) are transient whatever the HTTP status. */
export const META_THROTTLE_CODES = new Set([4, 17, 32, 613, 80007, 130429, 131048, 131056]);
