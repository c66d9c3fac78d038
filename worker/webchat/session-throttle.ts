// Throttle on new web chat visitors: each session that creates a contact counts against its client
// address and inbox in a fixed 10-minute window (a D1 counter, like the login limiter). Sessions that
// resume a valid token create nothing and are not counted, so a visitor's page loads never hit it;
// an office behind one address can still start 20 conversations a window with one site.
import { addressBlock } from '../auth/rate-limit';
import { Problem, problemResponse } from '../http/problem';

export const NEW_VISITOR_WINDOW_MS = 10 * 60_000;
export const NEW_VISITORS_PER_WINDOW = 20;

/**
 * The client address Cloudflare saw (set by the edge, and by wrangler dev when the client sent none).
 * Unlike the login limiter (worker/auth/rate-limit.ts), this one honours the header under wrangler dev
 * too: the benchmarks simulate many visitors from one machine, and a local bypass of a new-visitor
 * throttle exposes nothing.
 */
export function visitorAddress(req: Request): string {
  // IPv6 by /64, as the login limiter counts (one client holds a whole block).
  return addressBlock(req.headers.get('cf-connecting-ip') ?? 'unknown');
}

/**
 * Counts one new visitor from `address` on `inboxId`. Past the limit: a 429 problem response with
 * Retry-After (the seconds until the window ends) for the route to return; null while under it.
 */
export async function countNewVisitor(db: D1Database, inboxId: string, address: string, now = Date.now()): Promise<Response | null> {
  const row = await db
    .prepare(
      `INSERT INTO widget_session_throttle (key, window_start, count) VALUES (?1, ?2, 1)
       ON CONFLICT(key) DO UPDATE SET
         count = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE count + 1 END,
         window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END
       RETURNING count, window_start`,
    )
    .bind(`${inboxId}|${address}`, now, NEW_VISITOR_WINDOW_MS)
    .first<{ count: number; window_start: number }>();
  // Now and then, drop the windows that have ended (one address per row would otherwise pile up).
  if (Math.random() < 0.01) await db.prepare(`DELETE FROM widget_session_throttle WHERE window_start <= ?`).bind(now - NEW_VISITOR_WINDOW_MS).run();
  if (!row || row.count <= NEW_VISITORS_PER_WINDOW) return null;
  const retryAfter = Math.max(1, Math.ceil((row.window_start + NEW_VISITOR_WINDOW_MS - now) / 1000));
  const res = problemResponse(new Problem(429, 'Too many requests', `Too many new chat visitors from this address; try again in ${retryAfter} s`));
  res.headers.set('retry-after', String(retryAfter));
  return res;
}
