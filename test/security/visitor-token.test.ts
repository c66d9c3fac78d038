// Visitor tokens: the signature checked once per isolate (remembered with the token), expiry checked on
// every read, a changed signature or another secret never accepted.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { readVisitor, signVisitor, VISITOR_TOKEN_TTL_S } from '../../worker/webchat/visitor-token';

const claims = { ws: 'ws_1', inb: 'inb_1', ct: 'ct_1', vf: false, gen: 0 };

describe('visitor tokens', () => {
  it('a token read again gives the same claims, from the remembered signature or a fresh check alike', async () => {
    const token = await signVisitor(env, claims);
    const first = await readVisitor(env, token);
    expect(first).toMatchObject({ typ: 'visitor', ...claims });
    expect(await readVisitor(env, token)).toEqual(first);
  });

  it('an expired token is refused on every read, though its signature was remembered when it was made', async () => {
    const token = await signVisitor(env, claims, Date.now() - (VISITOR_TOKEN_TTL_S + 60) * 1000);
    expect(await readVisitor(env, token)).toBeNull();
    expect(await readVisitor(env, token)).toBeNull();
  });

  it('a changed payload or signature, or another secret, is refused and not remembered', async () => {
    const token = await signVisitor(env, claims);
    const [head, body, sig] = token.split('.');
    const forged = btoa(JSON.stringify({ typ: 'visitor', ...claims, ct: 'ct_other', iat: Math.floor(Date.now() / 1000) })).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    for (const bad of [`${head}.${forged}.${sig}`, `${head}.${body}.${sig.slice(0, -2)}AA`]) {
      expect(await readVisitor(env, bad)).toBeNull();
      expect(await readVisitor(env, bad)).toBeNull();
    }
    expect(await readVisitor({ ...env, JWT_SECRET: `${env.JWT_SECRET}-rotated` }, token)).toBeNull();
    expect(await readVisitor(env, token)).toMatchObject({ ct: 'ct_1' });
  });
});
