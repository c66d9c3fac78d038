// Signing per Standard Webhooks with its reference library (standardwebhooks, pure JS: runs on
// workerd as is). An endpoint has one current secret and, for 24 hours after a rotation, the previous
// one too: both sign, as two space-separated "v1," signatures, so a receiver can switch secrets
// without dropping a delivery.
import { Webhook } from 'standardwebhooks';

export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** What the endpoint row keeps, sealed (worker/crypto/secrets.ts). */
export interface EndpointSecrets {
  current: string;
  previous?: { secret: string; until: number };
}

/** "whsec_" + base64 of 24 random bytes (the format Standard Webhooks' libraries accept). */
export function newSecret(): string {
  let s = '';
  for (const b of crypto.getRandomValues(new Uint8Array(24))) s += String.fromCharCode(b);
  return `whsec_${btoa(s)}`;
}

/** After a rotation at `now`: the new secret signs, the old one keeps signing until now + 24 h. */
export function rotated(secrets: EndpointSecrets, next: string, now: number): EndpointSecrets {
  return { current: next, previous: { secret: secrets.current, until: now + ROTATION_OVERLAP_MS } };
}

/** The secrets that sign at `now`, newest first. */
export function signingSecrets(secrets: EndpointSecrets, now: number): string[] {
  return secrets.previous && secrets.previous.until > now ? [secrets.current, secrets.previous.secret] : [secrets.current];
}

/** The three Standard Webhooks headers for one attempt (the timestamp is the attempt's, in seconds). */
export function signedHeaders(secrets: string[], webhookId: string, body: string, now: number): Record<string, string> {
  const at = new Date(Math.floor(now / 1000) * 1000);
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(now / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(webhookId, at, body)).join(' '),
  };
}
