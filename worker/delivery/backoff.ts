// Retry delays for queue consumers: exponential in the attempt number, capped, with jitter so a burst
// of failures does not come back as a burst.

/** Seconds to wait before attempt `attempt + 1` (attempt counts from 1). Never less than `floor`. */
export function backoffSeconds(attempt: number, opts: { base?: number; cap?: number; floor?: number; random?: () => number } = {}): number {
  const base = opts.base ?? 1;
  const cap = opts.cap ?? 300;
  const exp = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
  // "Equal jitter": half fixed, half random — spreads retries but keeps the growth.
  const jittered = exp / 2 + (opts.random ?? Math.random)() * (exp / 2);
  return Math.max(opts.floor ?? 1, Math.ceil(jittered));
}
