// The OUTBOUND consumer: a stored, queued reply goes out through its channel's adapter. Idempotent by
// message id (a redelivered job for a message already sent or failed does nothing). Checks first what
// can never succeed (opted-out or blocked recipient, no identity on the channel, a closed messaging
// window) and fails those at once with the reason; provider answers are read by the adapter: permanent
// errors fail the message with the provider's reason, transient ones (429 with Retry-After, 5xx,
// network) retry with backoff and jitter until MAX_ATTEMPTS.
import { CSAT_EXTERNAL_PREFIX } from '../csat/subscriber';
import { signSurveyLinks } from '../csat/token';
import { subscriptionStatus } from '../contacts/subscriptions';
import { adapterFor } from '../channels/registry';
import type { ContextRecord, OutboundMessage, SendResult, WhatsAppTemplate } from '../channels/types';
import { conversationStub } from '../conversations/service';
import { signedFileUrl } from '../files/attachments';
import { storeDeadLetter } from '../ingest/dead-letters';
import { rememberStatus } from '../ingest/receipts';
import { loadInbox, type LoadedInbox } from '../ingest/inboxes';
import type { DeliverJob } from '../ingest/jobs';
import { rememberMessageId, replyThreading } from '../email/threading';
import type { ReplyEmailOptions } from '../email/compose';
import type { BroadcastEmail } from '../broadcasts/email';
import { backoffSeconds } from './backoff';
import { transportFor } from './transport';

export const MAX_ATTEMPTS = 8;

export type DeliveryOutcome = { state: 'sent'; providerMessageId: string | null } | { state: 'failed'; reason: string } | { state: 'skipped' } | { state: 'retry'; delaySeconds: number; reason: string };

async function markFailed(env: Env, job: DeliverJob, reason: string): Promise<DeliveryOutcome> {
  await env.DB.prepare(`UPDATE outbound_messages SET status = 'failed', last_error = ?, updated_at = ? WHERE message_id = ?`).bind(reason, Date.now(), job.messageId).run();
  await conversationStub(env, job.workspaceId, job.conversationId).updateDelivery({ messageId: job.messageId, status: 'failed', reason });
  rememberStatus(job.messageId, 'failed');
  return { state: 'failed', reason };
}

type ContactRow = { name: string | null; phone: string | null; email: string | null; subscriptions: string; blocked: number };
type ContextRow = { kind: 'reservation' | 'order'; reference: string; data: string };

function contextOf(row: ContextRow | undefined): ContextRecord | null {
  return row ? { kind: row.kind, reference: row.reference, data: JSON.parse(row.data) as Record<string, unknown> } : null;
}

/** What one job's claim found: the reads its send needs, or that the message was already sent or failed. */
export type Claimed =
  | { contact: ContactRow | undefined; externalId: string | undefined; lastInboundAt: number | null; options: string | undefined; context: ContextRow | undefined }
  | { done: 'sent' | 'failed'; reason: string | null };

const CLAIM_STATEMENTS = 7;

/**
 * The claims of several jobs and every read their sends need, in one D1 round trip (this runs for every
 * outbound message, and every broadcast recipient is one; a queue batch claims all of its jobs at once).
 * Each job's claim comes first among its statements: a job whose message was already sent or failed
 * updates no row, returns none, and the reads that rode with it are dropped.
 */
export async function claimAll(env: Env, jobs: DeliverJob[]): Promise<Claimed[]> {
  if (jobs.length === 0) return [];
  const now = Date.now();
  const results = await env.DB.batch<any>(
    jobs.flatMap((job) => [
      env.DB.prepare(
        `INSERT INTO outbound_messages (message_id, workspace_id, conversation_id, inbox_id, channel, contact_id, status, attempts, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'sending', 1, ?, ?)
         ON CONFLICT(message_id) DO UPDATE SET attempts = attempts + 1, updated_at = excluded.updated_at WHERE outbound_messages.status NOT IN ('sent', 'failed')
         RETURNING status`,
      ).bind(job.messageId, job.workspaceId, job.conversationId, job.inboxId, job.channel, job.contactId, now, now),
      env.DB.prepare(`SELECT name, phone, email, subscriptions, blocked FROM contacts WHERE id = ? AND workspace_id = ?`).bind(job.contactId, job.workspaceId),
      env.DB.prepare(
        `SELECT external_id FROM contact_identities WHERE workspace_id = ? AND contact_id = ? AND channel = ? ORDER BY (inbox_id = ?) DESC, created_at DESC LIMIT 1`,
      ).bind(job.workspaceId, job.contactId, job.channel, job.inboxId),
      env.DB.prepare(`SELECT last_inbound_at FROM channel_activity WHERE workspace_id = ? AND contact_id = ? AND channel = ?`).bind(job.workspaceId, job.contactId, job.channel),
      env.DB.prepare(`SELECT options FROM outbound_options WHERE workspace_id = ? AND conversation_id = ? AND client_id = ?`).bind(job.workspaceId, job.conversationId, job.clientId ?? ''),
      // The latest reservation/order context of the conversation (platform replies go to that thread).
      env.DB.prepare(
        `SELECT kind, reference, data FROM contact_contexts WHERE workspace_id = ? AND contact_id = ? AND channel = ? AND kind IN ('reservation', 'order') ORDER BY (conversation_id = ?) DESC, updated_at DESC LIMIT 1`,
      ).bind(job.workspaceId, job.contactId, job.channel, job.conversationId),
      // What a job that claimed nothing finds (already sent or failed): the retry repeats that mark to the conversation.
      env.DB.prepare(`SELECT status, last_error FROM outbound_messages WHERE message_id = ?`).bind(job.messageId),
    ]),
  );
  return jobs.map((_, j) => {
    const [claimed, contact, identity, activity, options, context, row] = results.slice(j * CLAIM_STATEMENTS, (j + 1) * CLAIM_STATEMENTS);
    if (claimed.results.length === 0) {
      const done = row.results[0] as { status: 'sent' | 'failed'; last_error: string | null } | undefined;
      return { done: done?.status === 'failed' ? 'failed' : 'sent', reason: done?.last_error ?? null };
    }
    return {
      contact: contact.results[0] as ContactRow | undefined,
      externalId: (identity.results[0] as { external_id: string } | undefined)?.external_id,
      lastInboundAt: (activity.results[0] as { last_inbound_at: number } | undefined)?.last_inbound_at ?? null,
      options: (options.results[0] as { options: string } | undefined)?.options,
      context: context.results[0] as ContextRow | undefined,
    };
  });
}

/** One job on its own: claim, then send (a dead letter replayed by hand). */
export async function deliver(env: Env, job: DeliverJob, attempt: number): Promise<DeliveryOutcome> {
  const [claimed] = await claimAll(env, [job]);
  return send(env, job, attempt, claimed);
}

/** A claimed job goes out (or fails with its reason, or asks to be retried). */
async function send(env: Env, job: DeliverJob, attempt: number, claimed: Claimed): Promise<DeliveryOutcome> {
  if ('done' in claimed) {
    // Sent or failed already (a redelivered job). The mark is told to the conversation again: if the first
    // telling failed after D1 had the mark, this retry is what repairs it (the object ignores a repeat).
    await conversationStub(env, job.workspaceId, job.conversationId).updateDelivery({ messageId: job.messageId, status: claimed.done, reason: claimed.reason });
    return { state: 'skipped' };
  }

  const adapter = adapterFor(job.channel);
  if (!adapter?.send || !adapter.capabilities.outbound) return markFailed(env, job, `${adapter?.label ?? job.channel} does not take replies from Parley`);
  const inbox = await loadInbox(env, job.inboxId);
  if (!inbox || inbox.workspaceId !== job.workspaceId) return markFailed(env, job, 'the inbox no longer exists');
  if (!inbox.enabled) return markFailed(env, job, 'the inbox is disabled');
  if (!inbox.channelEnabled) return markFailed(env, job, `the ${adapter.label} channel is not enabled for this workspace`);

  const c = claimed.contact;
  if (!c) return markFailed(env, job, 'the contact no longer exists');
  if (c.blocked) return markFailed(env, job, 'the contact is blocked');
  const opts = claimed.options ? (JSON.parse(claimed.options) as { template?: WhatsAppTemplate; email?: ReplyEmailOptions | BroadcastEmail }) : {};
  // A broadcast e-mail carries the parts as they go out; the timeline keeps the untracked copy.
  const bulk = opts.email && 'bulk' in opts.email ? opts.email : null;
  // An e-mail unsubscribe ends marketing mail, not the conversation: the team's replies still go out.
  // SMS STOP (and the other channels' opt-outs) stop everything, as the carriers require.
  if (subscriptionStatus(c.subscriptions, job.channel) === 'unsubscribed' && (job.channel !== 'email' || bulk)) {
    return markFailed(env, job, job.channel === 'email' ? 'the recipient unsubscribed from marketing e-mail' : `the recipient opted out of ${adapter.label} (replied STOP); they can reply START to opt back in`);
  }
  const { externalId, lastInboundAt } = claimed;
  if (!externalId) return markFailed(env, job, `the contact has no ${adapter.label} identity to write to`);

  const origin = inbox.publicUrl;
  const out: OutboundMessage = {
    messageId: job.messageId,
    conversationId: job.conversationId,
    workspaceId: job.workspaceId,
    // Only the survey message itself (external id csat:<survey>) gets a signed link: an agent who pastes
    // the survey's address into a reply, and copies themselves in, must not receive a usable token.
    text: bulk ? bulk.text : job.clientId?.startsWith(CSAT_EXTERNAL_PREFIX) ? await signSurveyLinks(env.JWT_SECRET, job.text, job) : job.text,
    attachments: await Promise.all(job.attachments.map(async (a) => ({ ...a, url: `${origin}${await signedFileUrl(env, a.key, 7 * 24 * 3600)}` }))),
    to: { externalId, name: c.name, phone: c.phone, email: c.email },
    authorName: job.authorName,
    template: opts.template ?? null,
    context: contextOf(claimed.context),
    lastInboundAt,
  };
  if (job.channel === 'email') {
    const domain = (String(inbox.config.address ?? 'parley.invalid').split('@')[1] ?? 'parley.invalid').replace(/[^\w.-]/g, '');
    // A campaign starts its own thread: it answers none of the customer's mails.
    const thread = bulk
      ? { subject: bulk.subject, inReplyTo: null, references: [] }
      : await replyThreading(env, job.workspaceId, job.conversationId, (await conversationStub(env, job.workspaceId, job.conversationId).state())?.subject ?? null);
    const composed: ReplyEmailOptions = bulk ? { subject: bulk.subject, ...(bulk.html ? { html: bulk.html } : {}) } : ((opts.email as ReplyEmailOptions | undefined) ?? {});
    out.email = {
      ...thread,
      messageId: `<${job.messageId}@${domain}>`,
      ...(bulk ? { headers: bulk.headers, fromName: bulk.fromName, bulk: true } : {}),
      ...(composed.subject ? { subject: composed.subject } : {}),
      ...(composed.cc?.length ? { cc: composed.cc } : {}),
      ...(composed.bcc?.length ? { bcc: composed.bcc } : {}),
      ...(composed.html ? { html: composed.html } : {}),
    };
  }
  const refusal = adapter.policy?.(out, { now: Date.now(), lastInboundAt });
  if (refusal) return markFailed(env, job, refusal);

  let result: SendResult;
  try {
    const req = await adapter.send(out, inbox);
    const res = await transportFor(env).execute(req, { workspaceId: job.workspaceId, inboxId: job.inboxId, channel: job.channel, messageId: job.messageId, purpose: 'send', adapter, out });
    result = adapter.interpret ? adapter.interpret(res, out) : res.status < 300 ? { ok: true, providerMessageId: null } : { ok: false, permanent: res.status < 500 && res.status !== 429, reason: `HTTP ${res.status}` };
  } catch (err) {
    result = { ok: false, permanent: false, reason: `could not reach the provider: ${err instanceof Error ? err.message : String(err)}` };
  }

  if (result.ok) {
    await env.DB.prepare(`UPDATE outbound_messages SET status = 'sent', provider_message_id = ?, last_error = NULL, updated_at = ? WHERE message_id = ?`)
      .bind(result.providerMessageId, Date.now(), job.messageId)
      .run();
    if (out.email) await rememberMessageId(env, job.workspaceId, out.email.messageId, job.conversationId, 'outbound', out.email.subject);
    await conversationStub(env, job.workspaceId, job.conversationId).updateDelivery({ messageId: job.messageId, status: 'sent' });
    // The provider's own 'sent' callback that follows then stops before the object (worker/ingest/receipts.ts).
    rememberStatus(job.messageId, 'sent');
    return { state: 'sent', providerMessageId: result.providerMessageId };
  }
  if (result.permanent) return markFailed(env, job, result.reason);
  if (attempt >= MAX_ATTEMPTS) return markFailed(env, job, `gave up after ${attempt} attempts: ${result.reason}`);
  await env.DB.prepare(`UPDATE outbound_messages SET last_error = ?, updated_at = ? WHERE message_id = ?`).bind(result.reason, Date.now(), job.messageId).run();
  return { state: 'retry', delaySeconds: Math.max(result.retryAfterSeconds ?? 0, backoffSeconds(attempt)), reason: result.reason };
}

/**
 * The OUTBOUND queue handler: every job of the batch claimed in one D1 round trip, then sent — messages
 * of one conversation in order, conversations side by side.
 */
export async function handleOutboundBatch(batch: MessageBatch<DeliverJob>, env: Env): Promise<void> {
  const retryOrBury = async (msg: Message<DeliverJob>, err: unknown) => {
    // Our own failure (D1, the object): retry, and keep the job as a dead letter when retries run out.
    if (msg.attempts >= MAX_ATTEMPTS) {
      await storeDeadLetter(env, { queue: 'outbound', job: msg.body, error: err instanceof Error ? err.message : String(err), attempts: msg.attempts }).catch(() => undefined);
      msg.ack();
    } else msg.retry({ delaySeconds: backoffSeconds(msg.attempts) });
  };
  const jobs: Message<DeliverJob>[] = [];
  const seen = new Set<string>();
  for (const msg of batch.messages) {
    if (!msg.body || msg.body.kind !== 'deliver') {
      await retryOrBury(msg, new Error('not a delivery job'));
    } else if (seen.has(msg.body.messageId)) {
      // The same message twice in one batch (a redelivery): one claim, one send; the first copy's
      // outcome (sent, failed, or retried) stands for both.
      msg.ack();
    } else {
      seen.add(msg.body.messageId);
      jobs.push(msg);
    }
  }
  let claims: Claimed[];
  try {
    claims = await claimAll(env, jobs.map((m) => m.body));
  } catch (err) {
    for (const msg of jobs) await retryOrBury(msg, err);
    return;
  }
  const lanes = new Map<string, { msg: Message<DeliverJob>; claimed: Claimed }[]>();
  jobs.forEach((msg, i) => {
    const key = msg.body.conversationId;
    if (!lanes.has(key)) lanes.set(key, []);
    lanes.get(key)!.push({ msg, claimed: claims[i] });
  });
  const queue = [...lanes.values()];
  const worker = async () => {
    for (let lane = queue.shift(); lane; lane = queue.shift()) {
      for (const { msg, claimed } of lane) {
        try {
          const outcome = await send(env, msg.body, msg.attempts, claimed);
          if (outcome.state === 'retry') msg.retry({ delaySeconds: outcome.delaySeconds });
          else msg.ack();
        } catch (err) {
          await retryOrBury(msg, err);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
}

export type { LoadedInbox };
