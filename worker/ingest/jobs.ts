// What travels on the INGEST and OUTBOUND queues. Webhook bodies above the queue's message size limit
// are kept in R2 and referenced, so a large provider payload is never refused or truncated.
import type { Attachment } from '../conversations/model';
import type { RawWebhook } from '../channels/types';
import { newId } from '../db/ids';

/** Queue messages are limited to 128 KB; stay well under it with the envelope. */
const INLINE_BODY_LIMIT = 96 * 1024;

export interface IngestJob {
  kind: 'webhook' | 'email';
  workspaceId: string;
  inboxId: string;
  channel: string;
  raw: RawWebhook;
  /** Set when the body lives in R2 (raw.body is then empty). */
  bodyKey?: string;
}

/** An outbound message to hand to its provider, written by the ConversationDO's outbox. */
export interface DeliverJob {
  kind: 'deliver';
  workspaceId: string;
  conversationId: string;
  contactId: string;
  inboxId: string;
  channel: string;
  messageId: string;
  clientId: string | null;
  text: string;
  attachments: Attachment[];
  authorName: string | null;
}

export type QueueJob = IngestJob | DeliverJob;

export async function spillLargeBody(env: Env, job: IngestJob): Promise<IngestJob> {
  if (new TextEncoder().encode(job.raw.body).byteLength <= INLINE_BODY_LIMIT) return job;
  const key = `ingest/${job.workspaceId}/${newId('raw')}`;
  await env.FILES.put(key, job.raw.body, { httpMetadata: { contentType: job.raw.headers['content-type'] ?? 'application/octet-stream' } });
  return { ...job, raw: { ...job.raw, body: '' }, bodyKey: key };
}

/** The job with its body in hand (read back from R2 when it was spilled). */
export async function withBody(env: Env, job: IngestJob): Promise<IngestJob> {
  if (!job.bodyKey) return job;
  const obj = await env.FILES.get(job.bodyKey);
  if (!obj) throw new Error(`webhook body ${job.bodyKey} is missing from R2`);
  return { ...job, raw: { ...job.raw, body: await obj.text() } };
}
