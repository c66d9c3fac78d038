// Fixed-window counters in D1 for login attempts: per e-mail and per client address.
import { Problem } from '../http/problem';

const WINDOW_MS = 15 * 60_000;

/** Count one attempt under `key`; throws 429 once more than `limit` attempts fall in the window. */
export async function countAttempt(db: D1Database, key: string, limit: number): Promise<void> {
  const now = Date.now();
  const row = await db
    .prepare(
      `INSERT INTO login_attempts (key, window_start, count) VALUES (?1, ?2, 1)
       ON CONFLICT(key) DO UPDATE SET
         count = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE count + 1 END,
         window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END
       RETURNING count, window_start`,
    )
    .bind(key, now, WINDOW_MS)
    .first<{ count: number; window_start: number }>();
  if (row && row.count > limit) {
    const retryAfter = Math.ceil((row.window_start + WINDOW_MS - now) / 1000);
    throw new Problem(429, 'Too many attempts', `Too many login attempts; try again in ${retryAfter} s`);
  }
}

export async function clearAttempts(db: D1Database, key: string): Promise<void> {
  await db.prepare(`DELETE FROM login_attempts WHERE key = ?`).bind(key).run();
}
