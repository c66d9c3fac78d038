// The Worker's queue entry: INGEST jobs, OUTBOUND deliveries, the EVENTS stream, outbound WEBHOOKS, and the dead-letter queue where jobs land
// when a consumer crashed through all its retries (stored in D1 like every other dead letter).
import { handleOutboundBatch } from '../delivery/consumer';
import { handleEventBatch, type EventJob } from '../events/consumer';
import { handleWebhookBatch, type WebhookJob } from '../webhooks/delivery';
import { handleIngestBatch } from './consumer';
import { storeDeadLetter } from './dead-letters';
import type { DeliverJob, IngestJob, QueueJob } from './jobs';

export async function handleQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  if (batch.queue.includes('dead-letter')) return handleDeadLetterBatch(batch as MessageBatch<QueueJob>, env);
  if (batch.queue.includes('events')) return handleEventBatch(batch as MessageBatch<EventJob>, env);
  if (batch.queue.includes('webhooks')) return handleWebhookBatch(batch as MessageBatch<WebhookJob>, env);
  if (batch.queue.includes('outbound')) return handleOutboundBatch(batch as MessageBatch<DeliverJob>, env);
  return handleIngestBatch(batch as MessageBatch<IngestJob>, env);
}

async function handleDeadLetterBatch(batch: MessageBatch<QueueJob>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
    try {
      const body = msg.body as { kind?: string; event?: unknown };
      const queue = body?.kind === 'deliver' ? 'outbound' : body?.kind === 'broadcast_send' ? 'broadcasts' : body?.event ? 'events' : 'ingest';
      await storeDeadLetter(env, { queue, job: msg.body, error: 'retries exhausted: the consumer failed on every attempt', attempts: msg.attempts });
      msg.ack();
    } catch {
      msg.retry({ delaySeconds: 30 });
    }
  }
}
