// The BROADCAST_SENDS queue handler: recipients paced per inbox by a token bucket, up to
// inFlightFor(rate) of them overlapping.
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

/**
 * Recipients of one batch in flight at once. Each send is four or five D1 and Durable Object round trips;
 * one at a time, a batch moves at 1 ÷ that latency (a few per second against production D1), under
 * any inbox's rate. The bucket still paces when each send starts; this only lets them overlap.
 */
export function inFlightFor(rate: number): number {
  return Math.max(1, Math.min(MAX_IN_FLIGHT, Math.ceil(rate)));
}
const MAX_IN_FLIGHT = 16;

export async function handleBroadcastSends(batch: MessageBatch<SendJob>, env: Env): Promise<void> {
  const rates = new Map<string, { key: string; rate: number }>();
  const running = new Set<Promise<void>>();
  // Sends to one contact never overlap: a page retried by the workflow can put one recipient in a batch
  // twice (both could pass the claim before either records its message), and two broadcasts to the same
  // contact would each find no open thread and start a conversation of their own on the inbox. Keyed by
  // contact, not by (broadcast, contact): the second waits for the first.
  const byRecipient = new Map<string, Promise<void>>();
  const settle = async (msg: Message<SendJob>, before: Promise<void> | undefined) => {
    try {
      await before;
      await sendRecipient(env, msg.body);
      msg.ack();
    } catch (err) {
      if (msg.attempts >= MAX_ATTEMPTS) {
        await storeDeadLetter(env, { queue: 'broadcasts', job: msg.body, error: err instanceof Error ? err.message : String(err), attempts: msg.attempts }).catch(() => undefined);
        msg.ack();
      } else msg.retry({ delaySeconds: backoffSeconds(msg.attempts) });
    }
  };
  for (const msg of batch.messages) {
    if (msg.body?.kind !== 'broadcast_send') {
      await settle(msg, Promise.reject(new Error('not a broadcast send job')));
      continue;
    }
    let limit = 1;
    try {
      const { key, rate } = await inboxRate(env, msg.body.broadcastId, rates);
      limit = inFlightFor(rate);
      const wait = takeToken(key, rate, Date.now());
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    } catch (err) {
      await settle(msg, Promise.reject(err));
      continue;
    }
    const recipient = msg.body.contactId;
    const p = settle(msg, byRecipient.get(recipient)?.catch(() => undefined));
    byRecipient.set(recipient, p);
    running.add(p);
    void p.finally(() => running.delete(p));
    while (running.size >= limit) await Promise.race(running);
  }
  await Promise.all(running);
}
