// Standard Webhooks signing: the spec's reference vector, an independent WebCrypto computation, the
// secret format, and the 24-hour overlap after a rotation.
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { newSecret, ROTATION_OVERLAP_MS, rotated, signedHeaders, signingSecrets } from '../../worker/webhooks/signing';

// From the Standard Webhooks specification and its libraries' test suites (e.g. the Svix PHP library's
// testSignFunctionWorks). Beware copies of it with the signature's tail garbled ("…/tKBQkd6JJjx86CTiH5dUawnuUM="):
// the WebCrypto computation below is the arbiter.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

/** The signature computed by hand with WebCrypto, to check the library rather than trust it. */
async function webCryptoSignature(secret: string, id: string, ts: number, body: string): Promise<string> {
  const raw = Uint8Array.from(atob(secret.slice('whsec_'.length)), (ch) => ch.charCodeAt(0));
  const key = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${id}.${ts}.${body}`)));
  return `v1,${btoa(String.fromCharCode(...mac))}`;
}

describe('Standard Webhooks signatures', () => {
  it('match the reference vector, computed both by our headers and by plain WebCrypto', async () => {
    const headers = signedHeaders([VECTOR.secret], VECTOR.id, VECTOR.payload, VECTOR.timestamp * 1000 + 999);
    expect(headers).toEqual({ 'webhook-id': VECTOR.id, 'webhook-timestamp': String(VECTOR.timestamp), 'webhook-signature': VECTOR.signature });
    expect(await webCryptoSignature(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.payload)).toBe(VECTOR.signature);
    // A changed byte, id or timestamp gives another signature.
    expect(signedHeaders([VECTOR.secret], VECTOR.id, '{"test": 2432232315}', VECTOR.timestamp * 1000)['webhook-signature']).not.toBe(VECTOR.signature);
    expect(signedHeaders([VECTOR.secret], 'msg_other', VECTOR.payload, VECTOR.timestamp * 1000)['webhook-signature']).not.toBe(VECTOR.signature);
    expect(signedHeaders([VECTOR.secret], VECTOR.id, VECTOR.payload, (VECTOR.timestamp + 1) * 1000)['webhook-signature']).not.toBe(VECTOR.signature);
  });

  it('new secrets are whsec_ + base64 of 24 random bytes, and verify with the reference library', async () => {
    const a = newSecret();
    const b = newSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(atob(a.slice(6)).length).toBe(24);
    expect(a).not.toBe(b);
    const now = Date.now();
    const body = JSON.stringify({ type: 'ping', timestamp: new Date(now).toISOString(), data: {} });
    const headers = signedHeaders([a], 'msg_1', body, now);
    expect(new Webhook(a).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(b).verify(body, headers)).toThrow();
    expect(headers['webhook-signature']).toBe(await webCryptoSignature(a, 'msg_1', Math.floor(now / 1000), body));
  });

  it('after a rotation both secrets sign for 24 hours, then only the new one', () => {
    const t0 = Date.UTC(2026, 0, 1);
    const secrets = rotated({ current: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }, 'whsec_dGVzdC1zZWNyZXQtdGhhdC1pcy1uZXc=', t0);
    expect(signingSecrets(secrets, t0 + ROTATION_OVERLAP_MS - 1)).toEqual(['whsec_dGVzdC1zZWNyZXQtdGhhdC1pcy1uZXc=', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw']);
    expect(signingSecrets(secrets, t0 + ROTATION_OVERLAP_MS)).toEqual(['whsec_dGVzdC1zZWNyZXQtdGhhdC1pcy1uZXc=']);
    const two = signedHeaders(signingSecrets(secrets, t0), 'msg_x', '{}', t0)['webhook-signature'].split(' ');
    expect(two).toHaveLength(2);
    expect(two.every((s) => s.startsWith('v1,'))).toBe(true);
  });
});
