// Login throttling slows and stops a guesser without locking out the real user (issue 15, defect 13).
// Time is driven by moving the recorded failures back, never by waiting.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { LIMITS, retryAfterSeconds, WINDOW_MS } from '../../worker/auth/rate-limit';
import { expectProblem, freshIp, login, newWorkspace, PASSWORD } from '../helpers';

/** Pretend `ms` passed since every failure recorded for this e-mail. */
async function timePasses(email: string, ms: number) {
  await env.DB.prepare(`UPDATE login_attempts SET last_at = last_at - ?1, window_start = window_start - ?1 WHERE key LIKE ?2 OR key = ?3`)
    .bind(ms, `pair:${email}|%`, `email:${email}`)
    .run();
}

describe('the delay rule', () => {
  const now = 1_000_000_000;
  const at = (count: number, lastAgoMs = 0) => ({ count, windowStart: now - 1000, lastAt: now - lastAgoMs });
  it('gives free tries, then doubles the wait from the last failure, then locks the pair for the window', () => {
    expect(retryAfterSeconds({ pair: at(LIMITS.pair.free - 1) }, now)).toBe(0);
    expect(retryAfterSeconds({ pair: at(LIMITS.pair.free) }, now)).toBe(1);
    expect(retryAfterSeconds({ pair: at(LIMITS.pair.free + 2) }, now)).toBe(4);
    expect(retryAfterSeconds({ pair: at(LIMITS.pair.free + 2, 4000) }, now)).toBe(0);
    expect(retryAfterSeconds({ pair: at(LIMITS.pair.lock, 60_000) }, now)).toBe(Math.ceil((WINDOW_MS - 1000) / 1000));
  });
  it('caps the spread-out e-mail delay so the real user only ever waits seconds; stale windows count for nothing', () => {
    expect(retryAfterSeconds({ email: at(LIMITS.email.free + 500) }, now)).toBe(LIMITS.email.maxDelayS);
    expect(retryAfterSeconds({ address: at(LIMITS.address.lock) }, now)).toBeGreaterThan(0);
    expect(retryAfterSeconds({ pair: { count: 50, windowStart: now - WINDOW_MS - 1, lastAt: now } }, now)).toBe(0);
  });
});

describe('logging in under attack', () => {
  it('a guesser at one address is slowed, then locked; the real user at their own address signs in', async () => {
    const ws = await newWorkspace();
    const attacker = freshIp();
    for (let i = 0; i < LIMITS.pair.free; i++) expectProblem(await login(ws.email, `guess-${i}`, attacker), 401);
    const slowed = await login(ws.email, 'guess-x', attacker);
    expectProblem(slowed, 429);
    expect(slowed.headers.get('retry-after')).toBe('1');
    for (let i = LIMITS.pair.free; i < LIMITS.pair.lock; i++) {
      await timePasses(ws.email, 61_000);
      expectProblem(await login(ws.email, `guess-${i}`, attacker), 401);
    }
    await timePasses(ws.email, 61_000);
    // Locked for the window: even the right password from the guesser's address.
    expectProblem(await login(ws.email, PASSWORD, attacker), 429);
    expect((await login(ws.email, PASSWORD, freshIp())).status).toBe(200);
  });

  it('guesses spread over many addresses meet a short delay, never a lockout', async () => {
    const ws = await newWorkspace();
    for (let i = 0; i < LIMITS.email.free; i++) expectProblem(await login(ws.email, `guess-${i}`, freshIp()), 401);
    const waiting = await login(ws.email, PASSWORD, freshIp());
    expectProblem(waiting, 429);
    expect(Number(waiting.headers.get('retry-after'))).toBeLessThanOrEqual(LIMITS.email.maxDelayS);
    await timePasses(ws.email, LIMITS.email.maxDelayS * 1000);
    expect((await login(ws.email, PASSWORD, freshIp())).status).toBe(200);
  });
});
