// A webhook receiver at the network edge (the external party; our code runs for real up to fetch),
// and a stand-in for the WEBHOOKS queue's clock so retries spread over a day run in a test.
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { handleWebhookBatch, MAX_QUEUE_DELAY_S, RETRY_SCHEDULE_S, type DeliveryDeps, type WebhookJob } from '../../worker/webhooks/delivery';
import type { ParleyEvent } from '../../worker/events/model';

export interface Received {
  url: string;
  headers: Record<string, string>;
  body: string;
  status: number;
}

/** Answers 200, or per `answer` (by call number, from 0); records every request it got. */
export function receiver(answer: (n: number) => number = () => 200) {
  const received: Received[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    const body = await req.text();
    const status = answer(received.length);
    received.push({ url: req.url, headers: Object.fromEntries(req.headers), body, status });
    return new Response(status < 300 ? 'ok' : 'unavailable', { status });
  }) as typeof globalThis.fetch;
  return { fetch, received, ok: () => received.filter((r) => r.status < 300) };
}

/** A receiver that fails `rate` of the time, reproducibly (a seeded generator, not Math.random). */
export function flakyAnswer(rate: number, seed = 42): (n: number) => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31 < rate ? 503 : 200;
  };
}

/**
 * Put `handler` in front of globalThis.fetch for one host: the product's default transport, so the
 * real queue consumer reaches this receiver. Returns the undo.
 */
export function atTheEdge(host: string, handler: typeof globalThis.fetch): () => void {
  const real = globalThis.fetch;
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    return new URL(url).host === host ? handler(input, init) : real(input, init);
  }) as typeof globalThis.fetch;
  return () => {
    globalThis.fetch = real;
  };
}

/** The queue as the consumer sees it, on an injected clock: jobs wait until due, delays capped like the real queue's. */
export class QueueOnAClock {
  now: number;
  pending: { job: WebhookJob; due: number }[] = [];
  /** Every delay the consumer asked for, in order. */
  delays: number[] = [];
  /** The deployment's retry schedule (the product's default unless a test sets one). */
  retrySchedule: readonly number[] = RETRY_SCHEDULE_S;

  constructor(
    start = Date.now(),
    public fetch: typeof globalThis.fetch,
    readonly environment = 'test',
  ) {
    this.now = start;
  }

  deps(): DeliveryDeps {
    return {
      fetch: this.fetch,
      now: () => this.now,
      environment: this.environment,
      retrySchedule: this.retrySchedule,
      schedule: async (job, delaySeconds) => {
        this.delays.push(delaySeconds);
        this.pending.push({ job, due: this.now + Math.min(MAX_QUEUE_DELAY_S, Math.max(0, delaySeconds)) * 1000 });
      },
    };
  }

  add(jobs: WebhookJob[]): void {
    for (const job of jobs) this.pending.push({ job, due: this.now });
  }

  /** Deliver everything due next (moving the clock there), as one batch; false when nothing is queued. */
  async step(): Promise<boolean> {
    if (this.pending.length === 0) return false;
    const due = Math.min(...this.pending.map((p) => p.due));
    this.now = Math.max(this.now, due);
    const now = this.pending.filter((p) => p.due <= this.now);
    this.pending = this.pending.filter((p) => p.due > this.now);
    await this.run(now.map((p) => p.job));
    return true;
  }

  /** Hand jobs to the consumer at once, at the current time (a queue delivering them right now). */
  async run(jobs: WebhookJob[]): Promise<void> {
    const batch = createMessageBatch<WebhookJob>(
      'parley-webhooks',
      jobs.map((job, i) => ({ id: `w${i}`, timestamp: new Date(this.now), attempts: 1, body: job })),
    );
    const ctx = createExecutionContext();
    await handleWebhookBatch(batch, env, this.deps());
    const result = await getQueueResult(batch, ctx);
    if (result.retryMessages.length) throw new Error(`consumer asked for queue retries: ${JSON.stringify(result.retryMessages)}`);
  }

  async drain(maxSteps = 500): Promise<void> {
    for (let i = 0; i < maxSteps; i++) if (!(await this.step())) return;
    throw new Error('queue did not drain');
  }
}

let seq = 0;
/** A conversation event of a workspace, as the EVENTS queue carries it (for driving fan-out directly). */
export function inboundEvent(workspaceId: string, text = 'Hello there', conversationId = `cnv_T${Date.now().toString(36)}${(seq++).toString(36)}`): ParleyEvent {
  const at = Date.now();
  return {
    id: `${conversationId}:2`,
    workspaceId,
    conversationId,
    seq: 2,
    type: 'message.received',
    at,
    actor: { type: 'contact', id: 'ct_1', name: 'Ada' } as ParleyEvent['actor'],
    data: { messageId: `msg_${conversationId}`, direction: 'inbound', isInternalNote: false },
    commit: { first: 1, last: 2 },
    conversation: { contactId: 'ct_1', inboxId: 'inb_1', channel: 'webchat', status: 'open', priority: 'normal', assigneeId: null, teamId: null, tags: [], createdAt: at, slaStatus: null },
    message: { id: `msg_${conversationId}`, direction: 'inbound', authorType: 'contact', authorId: 'ct_1', text, isInternalNote: false, attachments: 0, externalId: null },
  };
}
