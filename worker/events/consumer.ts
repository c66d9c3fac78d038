// The EVENTS queue consumer: hands each batch to every subscriber that wants some of its events, in
// sequence order per conversation. Subscribers are independent: one that fails is retried alone (its
// events go back on the queue addressed to it only, with backoff), and after MAX_ATTEMPTS they land in
// dead letters naming the subscriber; the others are not run again. Subscribers are idempotent (the
// same event can arrive twice: a retried send, a redelivery), so "at least once" is safe.
import { backoffSeconds } from '../delivery/backoff';
import { storeDeadLetter } from '../ingest/dead-letters';
import { isParleyEvent, type ParleyEvent } from './model';
import { SUBSCRIBERS, type Subscriber } from './subscribers';

export const MAX_ATTEMPTS = 6;

/** What travels on EVENTS: the event, and for a retry the one subscriber it is for and how often it was tried. */
export interface EventJob {
  event: ParleyEvent;
  /** Set on a retry: only this subscriber runs. */
  subscriber?: string;
  attempt?: number;
}

export interface EventDeps {
  subscribers: readonly Subscriber[];
  /** Put jobs back on the queue (a subscriber's retry). */
  requeue: (jobs: EventJob[], delaySeconds: number) => Promise<void>;
}

export function defaultDeps(env: Env): EventDeps {
  return {
    subscribers: SUBSCRIBERS,
    requeue: async (jobs, delaySeconds) => {
      await env.EVENTS.sendBatch(jobs.map((body) => ({ body, contentType: 'json' as const, delaySeconds })));
    },
  };
}

/** The EVENTS queue handler. */
export async function handleEventBatch(batch: MessageBatch<EventJob>, env: Env, deps: EventDeps = defaultDeps(env)): Promise<void> {
  const valid: { msg: Message<EventJob>; job: EventJob }[] = [];
  for (const msg of batch.messages) {
    const job = msg.body;
    if (!job || !isParleyEvent(job.event)) {
      await deadLetter(env, msg, job, 'not an event job', null);
      continue;
    }
    valid.push({ msg, job });
  }
  // In order per conversation, whatever order the queue delivered them in.
  valid.sort((a, b) => (a.job.event.conversationId < b.job.event.conversationId ? -1 : a.job.event.conversationId > b.job.event.conversationId ? 1 : a.job.event.seq - b.job.event.seq));

  const failed = new Map<Message<EventJob>, { subscriber: string; error: string }[]>();
  await Promise.all(
    deps.subscribers.map(async (sub) => {
      const mine = valid.filter(({ job }) => (job.subscriber === undefined || job.subscriber === sub.name) && sub.wants(job.event));
      if (mine.length === 0) return;
      try {
        await sub.handle(env, mine.map(({ job }) => job.event));
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        console.warn(`events: subscriber ${sub.name} failed on ${mine.length} event(s): ${error}`);
        for (const { msg } of mine) failed.set(msg, [...(failed.get(msg) ?? []), { subscriber: sub.name, error }]);
      }
    }),
  );

  for (const { msg, job } of valid) {
    const failures = failed.get(msg);
    if (!failures) {
      msg.ack();
      continue;
    }
    const attempt = (job.attempt ?? msg.attempts) + 1;
    try {
      if (attempt > MAX_ATTEMPTS) {
        for (const f of failures) await deadLetter(env, msg, { event: job.event, subscriber: f.subscriber, attempt: attempt - 1 }, f.error, f.subscriber);
      } else {
        await deps.requeue(
          failures.map((f) => ({ event: job.event, subscriber: f.subscriber, attempt })),
          backoffSeconds(attempt - 1),
        );
      }
      msg.ack();
    } catch (err) {
      // Neither requeued nor stored: let the queue deliver the whole job again (subscribers are idempotent).
      console.error(`events: could not requeue ${job.event.id}: ${String(err)}`);
      msg.retry({ delaySeconds: backoffSeconds(msg.attempts) });
    }
  }
}

async function deadLetter(env: Env, msg: Message<EventJob>, job: unknown, error: string, subscriber: string | null): Promise<void> {
  try {
    await storeDeadLetter(env, { queue: 'events', job, error: subscriber ? `${subscriber}: ${error}` : error, attempts: msg.attempts });
    msg.ack();
  } catch (err) {
    console.error(`events: could not store dead letter: ${String(err)}`);
    msg.retry({ delaySeconds: backoffSeconds(msg.attempts) });
  }
}

/** Replay a dead-lettered event now (the operator's "replay"): its subscriber runs it once more; throws if it fails again. */
export async function replayEvent(env: Env, job: EventJob, subscribers: readonly Subscriber[] = SUBSCRIBERS): Promise<{ subscribers: string[] }> {
  if (!job || !isParleyEvent(job.event)) throw new Error('not an event job');
  const chosen = subscribers.filter((s) => (job.subscriber === undefined || s.name === job.subscriber) && s.wants(job.event));
  for (const s of chosen) await s.handle(env, [job.event]);
  return { subscribers: chosen.map((s) => s.name) };
}
