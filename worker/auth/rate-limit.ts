// Login throttling. Failures are counted in fixed 15-minute windows under three keys, so that a
// guesser is slowed and stopped without locking the real user out:
//  - (e-mail, client address): a few free tries, then a doubling delay, then locked for the window;
//    a guesser elsewhere never locks out the user's own address;
//  - the client address alone: one address guessing across many accounts is stopped;
//  - the e-mail alone: guessing spread over many addresses meets a delay, capped low enough that the
//    real user is only ever made to wait seconds, never locked out.
// Only failures count (a team signing in from one office address is not throttled by its successes).
import { hmacSha256, randomToken, timingSafeEqual, toBase64Url } from '../crypto/bytes';
import { Problem } from '../http/problem';

/** The cookie a browser gets after a successful login: `<device id>.<HMAC of account and device>`. */
export const DEVICE_COOKIE = 'parley_device';

async function deviceMac(env: Env, email: string, device: string): Promise<string> {
  return toBase64Url(await hmacSha256(env.JWT_SECRET, `device:${email}:${device}`));
}

export async function deviceCookie(env: Env, email: string): Promise<string> {
  const device = randomToken(12);
  return `${device}.${await deviceMac(env, email, device)}`;
}

/** Whether the cookie proves an earlier successful login to this account from this browser. */
export async function isKnownDevice(env: Env, email: string, cookie: string | undefined): Promise<boolean> {
  const [device, mac] = (cookie ?? '').split('.');
  return !!device && !!mac && timingSafeEqual(await deviceMac(env, email, device), mac);
}

export const WINDOW_MS = 15 * 60_000;

export const LIMITS = {
  /** Per (e-mail, address): failures before delays start, and failures that lock the pair for the window. */
  pair: { free: 5, lock: 10, maxDelayS: 60 },
  /** Per address, over all e-mails. */
  address: { lock: 100 },
  /** Per e-mail, over all addresses: failures before a delay, and its cap (the real user waits at most this). */
  email: { free: 30, maxDelayS: 30 },
} as const;

export interface Attempts {
  count: number;
  windowStart: number;
  lastAt: number;
}

export interface LoginKeys {
  pair: string;
  address: string;
  email: string;
}

export function loginKeys(email: string, address: string): LoginKeys {
  const a = addressBlock(address);
  return { pair: `pair:${email}|${a}`, address: `ip:${a}`, email: `email:${email}` };
}

/** IPv6 clients get a /64 each: counting single addresses there would let one client be a million. */
export function addressBlock(address: string): string {
  if (!address.includes(':')) return address;
  const [head, tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '') || '0').join(':')}::/64`;
}

/**
 * Seconds until the next attempt is allowed, or 0. Pure: the counters as read, and the time now.
 * `knownDevice`: the browser proved an earlier successful login to this account (a device cookie), so
 * guessing spread over other addresses does not slow it (the per-address limits still apply).
 */
export function retryAfterSeconds(counters: Partial<Record<keyof LoginKeys, Attempts>>, now: number, knownDevice = false): number {
  const live = (a: Attempts | undefined) => (a && a.windowStart > now - WINDOW_MS ? a : undefined);
  const waits: number[] = [0];
  const windowEnd = (a: Attempts) => a.windowStart + WINDOW_MS - now;
  const after = (a: Attempts, seconds: number) => a.lastAt + seconds * 1000 - now;
  const pair = live(counters.pair);
  if (pair && pair.count >= LIMITS.pair.lock) waits.push(windowEnd(pair));
  else if (pair && pair.count >= LIMITS.pair.free) waits.push(after(pair, Math.min(2 ** (pair.count - LIMITS.pair.free), LIMITS.pair.maxDelayS)));
  const address = live(counters.address);
  if (address && address.count >= LIMITS.address.lock) waits.push(windowEnd(address));
  const email = knownDevice ? undefined : live(counters.email);
  if (email && email.count >= LIMITS.email.free) waits.push(after(email, Math.min(email.count - LIMITS.email.free + 1, LIMITS.email.maxDelayS)));
  return Math.ceil(Math.max(...waits) / 1000);
}

/**
 * The caller's address, trusted only where Cloudflare sets it: at the edge `cf-connecting-ip` is
 * written by Cloudflare and cannot be forged, while under `wrangler dev` any client can send it, so
 * there every local caller is one address. (Tests run as the edge does.)
 */
export function clientAddress(env: Env, req: Request): string {
  if (env.ENVIRONMENT === 'development') return 'local';
  return req.headers.get('cf-connecting-ip') ?? 'unknown';
}

/** Throws 429 (with Retry-After) while any of the keys asks the caller to wait. One read. */
export async function checkLogin(db: D1Database, keys: LoginKeys, knownDevice = false, now = Date.now()): Promise<void> {
  const rows = await db
    .prepare(`SELECT key, count, window_start, coalesce(last_at, window_start) AS last_at FROM login_attempts WHERE key IN (?, ?, ?)`)
    .bind(keys.pair, keys.address, keys.email)
    .all<{ key: string; count: number; window_start: number; last_at: number }>();
  const byKey = new Map(rows.results.map((r) => [r.key, { count: r.count, windowStart: r.window_start, lastAt: r.last_at }]));
  const wait = retryAfterSeconds({ pair: byKey.get(keys.pair), address: byKey.get(keys.address), email: byKey.get(keys.email) }, now, knownDevice);
  if (wait > 0) {
    const problem = new Problem(429, 'Too many attempts', `Too many failed logins; try again in ${wait} s`);
    problem.headers = { 'retry-after': String(wait) };
    throw problem;
  }
}

/** One more attempt under key ?1 at ?2: a window older than ?3 ms starts over. */
const COUNT_ONE = `INSERT INTO login_attempts (key, window_start, count, last_at) VALUES (?1, ?2, 1, ?2)
  ON CONFLICT(key) DO UPDATE SET
    count = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE count + 1 END,
    window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END,
    last_at = ?2`;

/** Count one failure under every key (one batch). */
export async function recordFailure(db: D1Database, keys: LoginKeys, now = Date.now()): Promise<void> {
  const upsert = db.prepare(COUNT_ONE);
  await db.batch([keys.pair, keys.address, keys.email].map((key) => upsert.bind(key, now, WINDOW_MS)));
}

/** A success forgets this address's failures for the e-mail (the spread-out count stays: it is not theirs alone). */
export async function clearPair(db: D1Database, keys: LoginKeys): Promise<void> {
  await db.prepare(`DELETE FROM login_attempts WHERE key = ?`).bind(keys.pair).run();
}

/** Forget every failure recorded for an e-mail (a completed password reset: the real user is back in). */
export async function clearLoginFailures(db: D1Database, email: string): Promise<void> {
  await db.prepare(`DELETE FROM login_attempts WHERE key = ?1 OR (key >= ?2 AND key < ?3)`).bind(`email:${email}`, `pair:${email}|`, `pair:${email}}`).run();
}

/**
 * A plain fixed-window counter for other throttles (password change guesses, reset requests): counts
 * one attempt under `key`, and throws 429 with Retry-After once more than `limit` fall in the window.
 */
export async function countAttempt(db: D1Database, key: string, limit: number, now = Date.now()): Promise<void> {
  const row = await db
    .prepare(`${COUNT_ONE} RETURNING count, window_start`)
    .bind(key, now, WINDOW_MS)
    .first<{ count: number; window_start: number }>();
  if (row && row.count > limit) {
    const retryAfter = Math.ceil((row.window_start + WINDOW_MS - now) / 1000);
    const problem = new Problem(429, 'Too many attempts', `Too many attempts; try again in ${retryAfter} s`);
    problem.headers = { 'retry-after': String(retryAfter) };
    throw problem;
  }
}

export async function clearAttempts(db: D1Database, key: string): Promise<void> {
  await db.prepare(`DELETE FROM login_attempts WHERE key = ?`).bind(key).run();
}
