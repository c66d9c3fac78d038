// The BROADCAST_SENDS queue handler: recipients one by one, paced per inbox by a token bucket.
// The bucket lives in the isolate: the queue runs one batch at a time (max_concurrency = 1 in
// wrangler.toml), so it is the one consumer's view of the rate; it paces the hand-over to the timeline
// and the OUTBOUND queue, whose own retries (Retry-After, backoff) absorb what the provider still refuses.
import { backoffSeconds } from '../delivery/backoff';
import { storeDeadLetter } from '../ingest/dead-letters';
import type { SendJob } from './delivery';
import { broadcastRate } from './rate';
import { sendRecipient } from './sender';

const MAX_ATTEMPTS = 8;

interface Bucket {
  tokens: number;
  at: number;
  rate: number;
}
const buckets = new Map<string, Bucket>();

/** Milliseconds to wait before the next send on this inbox may go (0: now); takes the token. */
export function takeToken(key: string, rate: number, now: number, store = buckets): number {
  const b = store.get(key) ?? { tokens: rate, at: now, rate };
  b.tokens = Math.min(rate, b.tokens + ((now - b.at) / 1000) * rate);
  b.at = now;
  b.tokens -= 1;
  store.set(key, b);
  return b.tokens >= 0 ? 0 : Math.ceil((-b.tokens / rate) * 1000);
}

async function inboxRate(env: Env, broadcastId: string, cache: Map<string, { key: string; rate: number }>) {
  let hit = cache.get(broadcastId);
  if (!hit) {
    hit = await broadcastRate(env, broadcastId);
    cache.set(broadcastId, hit);
  }
  return hit;
}

export async function handleBroadcastSends(batch: MessageBatch<SendJob>, env: Env): Promise<void> {
  const rates = new Map<string, { key: string; rate: number }>();
  for (const msg of batch.messages) {
    try {
      if (msg.body?.kind !== 'broadcast_send') throw new Error('not a broadcast send job');
      const { key, rate } = await inboxRate(env, msg.body.broadcastId, rates);
      const wait = takeToken(key, rate, Date.now());
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await sendRecipient(env, msg.body);
      msg.ack();
    } catch (err) {
      if (msg.attempts >= MAX_ATTEMPTS) {
        await storeDeadLetter(env, { queue: 'broadcasts', job: msg.body, error: err instanceof Error ? err.message : String(err), attempts: msg.attempts }).catch(() => undefined);
        msg.ack();
      } else msg.retry({ delaySeconds: backoffSeconds(msg.attempts) });
    }
  }
}
