// When a failed webhook delivery is tried again. The default is the schedule Standard Webhooks
// describes (immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight attempts over ~27 h).
// A deployment may set its own with the WEBHOOK_RETRY_SCHEDULE variable, the waits in seconds after
// each failed attempt ("1,2,4,8"): the delivery benchmark needs a run with a 30 % failing receiver
// to end in minutes, and an operator may want a shorter or longer tail. A value that does not parse
// is ignored with a warning, so a typo cannot stop deliveries.

/** Seconds to wait after attempt n (index n-1) before the next; attempt 1 is immediate. */
export const RETRY_SCHEDULE_S: readonly number[] = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600];

/** Bounds on a configured schedule: enough for any sane policy, small enough that a typo cannot retry for months. */
export const MAX_RETRIES = 20;
export const MAX_RETRY_WAIT_S = 7 * 24 * 3600;

/** The waits in `text` ("5, 300, 1800"), or a reason it is not a schedule. */
export function parseRetrySchedule(text: string): { schedule: number[] } | { problem: string } {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 1 && parts[0] === '') return { problem: 'is empty' };
  if (parts.length > MAX_RETRIES) return { problem: `has ${parts.length} waits; at most ${MAX_RETRIES}` };
  const schedule: number[] = [];
  for (const p of parts) {
    // Whole or decimal seconds; the queue rounds a delay up to whole seconds.
    if (!/^\d+(\.\d+)?$/.test(p)) return { problem: `"${p}" is not a number of seconds` };
    const s = Number(p);
    if (s <= 0 || s > MAX_RETRY_WAIT_S) return { problem: `${p} s is outside 0 < wait ≤ ${MAX_RETRY_WAIT_S} s` };
    schedule.push(s);
  }
  return { schedule };
}

/** The deployment's schedule: WEBHOOK_RETRY_SCHEDULE when set and valid, else the default. */
export function retryScheduleOf(env: { WEBHOOK_RETRY_SCHEDULE?: string }): readonly number[] {
  const raw = env.WEBHOOK_RETRY_SCHEDULE;
  if (raw === undefined || raw.trim() === '') return RETRY_SCHEDULE_S;
  const parsed = parseRetrySchedule(raw);
  if ('problem' in parsed) {
    console.warn(`webhooks: WEBHOOK_RETRY_SCHEDULE ${parsed.problem}; using the default schedule`);
    return RETRY_SCHEDULE_S;
  }
  return parsed.schedule;
}
