// The INGEST consumer: a verified raw webhook (or e-mail) becomes normalized events, each applied in
// order — contact resolved, media into R2, message delivered to the contact's conversation (idempotent
// on the provider message id), context stored, delivery statuses applied to the outbound message they
// name. Unparseable payloads go straight to dead letters; transient failures retry with backoff and
// end in dead letters after MAX_ATTEMPTS. Nothing a provider delivered is dropped silently.
import type { IncomingMessage } from '../conversations/inputs';
import { adapterFor } from '../channels/registry';
import type { ChannelAdapter, ContextEvent, ContextRecord, InboundEvent, InboundMessageEvent, StatusEvent } from '../channels/types';
import { ParseError } from '../channels/types';
import { conversationStub, deliverInbound, threadScope, type Delivered } from '../conversations/service';
import { newId } from '../db/ids';
import { backoffSeconds } from '../delivery/backoff';
import { conversationForReply, rememberMessageId } from '../email/threading';
import { workspaceSettings } from '../workspaces/settings';
import { applyKeyword, identityKey, identityQuery, resolveContact, type IdentityRow } from './contacts';
import { applyReceipts } from './receipts';
import { storeDeadLetter } from './dead-letters';
import type { IngestJob } from './jobs';
import { withBody } from './jobs';
import { loadInbox, type LoadedInbox } from './inboxes';
import { storeMedia, TransientMediaError } from './media';
import { applyTemplateStatus } from '../templates/approval';

export const MAX_ATTEMPTS = 6;
const ACTIVITY_GRANULARITY_MS = 60_000;
/** Media downloads get this many tries before the message lands without the file (and says so). */
const MEDIA_ATTEMPTS = 3;

/** A failure that retrying will not fix. */
export class PermanentError extends Error {}

export interface IngestOutcome {
  messages: number;
  /** Messages from blocked contacts: acknowledged to the provider, never delivered to the inbox. */
  blocked: number;
  statuses: number;
  contexts: number;
  /** Provider verdicts on message templates (WhatsApp's review). */
  templates: number;
}

interface Prepared {
  adapter: ChannelAdapter;
  inbox: LoadedInbox;
  events: InboundEvent[];
  /** The first event's sender as the batch's one lookup found them (null: not found; absent: not looked up). */
  firstSender?: { scope: string; row: IdentityRow | null };
}

/** Load the inbox and parse the job into events (no side effects yet). `inboxes` shares lookups within a batch. */
async function prepare(env: Env, job: IngestJob, inboxes = new Map<string, Promise<LoadedInbox | null>>()): Promise<Prepared> {
  if (!job || typeof job !== 'object' || !job.raw) throw new PermanentError('not an ingest job');
  const adapter = adapterFor(job.channel);
  if (!adapter?.parse) throw new PermanentError(`no parser for channel ${job.channel}`);
  if (!inboxes.has(job.inboxId)) inboxes.set(job.inboxId, loadInbox(env, job.inboxId));
  const inbox = await inboxes.get(job.inboxId)!;
  if (!inbox || inbox.workspaceId !== job.workspaceId) throw new PermanentError(`inbox ${job.inboxId} no longer exists`);
  const full = await withBody(env, job);
  return { adapter, inbox, events: await adapter.parse(full.raw, inbox) };
}

async function apply(env: Env, { adapter, inbox, events, firstSender }: Prepared, attempt: number): Promise<IngestOutcome> {
  const outcome: IngestOutcome = { messages: 0, blocked: 0, statuses: 0, contexts: 0, templates: 0 };
  for (const [i, ev] of events.entries()) {
    if (ev.type === 'message') {
      if (await applyMessage(env, adapter, inbox, ev, attempt, i === 0 ? firstSender : undefined)) outcome.messages++;
      else outcome.blocked++;
    } else if (ev.type === 'status') {
      await applyStatus(env, inbox, ev);
      outcome.statuses++;
    } else if (ev.type === 'template_status') {
      await applyTemplateStatus(env, inbox, ev);
      outcome.templates++;
    } else {
      await applyContext(env, adapter, inbox, ev);
      outcome.contexts++;
    }
  }
  return outcome;
}

/** Run one ingest job to the end. Throws PermanentError / ParseError for dead letters, anything else to retry. */
export async function processIngestJob(env: Env, job: IngestJob, attempt = 1): Promise<IngestOutcome> {
  return apply(env, await prepare(env, job), attempt);
}

function clampTime(at: number | undefined): number | undefined {
  if (!at || !Number.isFinite(at)) return undefined;
  return Math.min(at, Date.now());
}

/** Null when the sender is blocked: the message is dropped on purpose (not stored, no conversation, no media fetched). */
async function applyMessage(env: Env, adapter: ChannelAdapter, inbox: LoadedInbox, ev: InboundMessageEvent, attempt: number, sender?: Prepared['firstSender']): Promise<Delivered | null> {
  // One read for a known sender: the contact, its tags, its channel activity and its current thread
  // (`sender`: already read with the rest of the batch's).
  const settings = await workspaceSettings(env, inbox.workspaceId);
  const scope = threadScope(settings, inbox.id);
  const contact = await resolveContact(env, inbox, ev.contact, { scope, newThreadId: newId('cnv') }, sender?.scope === scope ? sender.row : undefined);
  // Opt-outs still count for a blocked contact (sending to them must stay compliant); nothing else does.
  if (ev.keyword) await applyKeyword(env, inbox.workspaceId, contact.id, inbox.channel, ev.keyword);
  if (contact.blocked) {
    console.log(`ingest: dropped a ${inbox.channel} message from blocked contact ${contact.id}`);
    return null;
  }
  const media = await storeMedia(env, adapter, inbox, ev, attempt < MEDIA_ATTEMPTS);
  const externalId = `${inbox.channel}:${ev.providerMessageId}`.slice(0, 500);
  const failureNote = media.failures.length ? `\n📎 Could not fetch ${media.failures.length} attachment(s): ${media.failures.join('; ')}` : '';
  // Windows are measured in hours: a write a minute is plenty (and spares D1 writes in a burst). It rides the projection.
  const now = Date.now();
  const activity = contact.lastInboundAt === null || now - contact.lastInboundAt > ACTIVITY_GRANULARITY_MS ? { inboxId: inbox.id } : undefined;
  let message: IncomingMessage;
  if (ev.note) {
    message = { direction: 'outbound', isInternalNote: true, author: { type: 'system', id: null, name: adapter.label }, text: ev.note, externalId, status: 'delivered' };
  } else if (ev.authorType === 'bot') {
    message = { direction: 'outbound', author: { type: 'bot', id: null, name: `${adapter.label} bot` }, text: ev.text, externalId, status: 'delivered', createdAt: clampTime(ev.at) };
  } else {
    message = {
      direction: 'inbound',
      author: { type: 'contact', id: contact.id, name: contact.name },
      text: (ev.text + failureNote).slice(0, 100_000),
      attachments: media.attachments,
      externalId,
      createdAt: clampTime(ev.at),
      activity,
      email: ev.email ? { from: ev.email.from ?? ev.contact.email ?? null, to: ev.email.to ?? [], cc: ev.email.cc ?? [], subject: ev.email.subject ?? null, quoted: ev.email.quoted ?? null } : null,
    };
  }
  message.contactTags = contact.tags;
  const target = { workspaceId: inbox.workspaceId, contactId: contact.id, inboxId: inbox.id, channel: inbox.channel };
  let delivered: Delivered | null = null;
  // E-mail replies go to the conversation they answer when it still takes messages.
  if (ev.email && (ev.email.inReplyTo || ev.email.references?.length)) {
    const threadId = await conversationForReply(env, inbox.workspaceId, [...(ev.email.references ?? []), ev.email.inReplyTo]);
    if (threadId) {
      const res = await conversationStub(env, inbox.workspaceId, threadId).addMessage(message, settings.reopenWindowHours * 3600_000);
      if (res.ok) delivered = { ...res, conversationId: threadId };
    }
  }
  delivered ??= await deliverInbound(env, target, message, contact.threadId);
  if (ev.email?.messageId) await rememberMessageId(env, inbox.workspaceId, ev.email.messageId, delivered.conversationId, 'inbound', ev.email.subject ?? null);
  if (ev.context) await storeContext(env, inbox, contact.id, delivered.conversationId, ev.context);
  return delivered;
}

/** One receipt on its own (a job with other events besides, the admin replay): the batch path with one job. */
async function applyStatus(env: Env, inbox: LoadedInbox, ev: StatusEvent): Promise<void> {
  // A receipt can outrun our own record of the send: the error retries it until it is there (then dead letters).
  const [err] = await applyReceipts(env, [{ workspaceId: inbox.workspaceId, channel: inbox.channel, events: [ev] }]);
  if (err) throw err;
}

async function applyContext(env: Env, adapter: ChannelAdapter, inbox: LoadedInbox, ev: ContextEvent): Promise<void> {
  const contact = await resolveContact(env, inbox, ev.contact);
  // Nothing to tell the team in the thread (a referral before the first message): only remembered on the contact.
  if (ev.note === null) return storeContext(env, inbox, contact.id, null, ev.context);
  const delivered = await deliverInbound(
    env,
    { workspaceId: inbox.workspaceId, contactId: contact.id, inboxId: inbox.id, channel: inbox.channel },
    { direction: 'outbound', isInternalNote: true, author: { type: 'system', id: null, name: adapter.label }, text: ev.note, externalId: `${inbox.channel}:ctx:${ev.eventId}`.slice(0, 500), status: 'delivered' },
  );
  await storeContext(env, inbox, contact.id, delivered.conversationId, ev.context);
}

/** Upsert a reservation/order context; later events merge into what is known. */
export async function storeContext(env: Env, inbox: Pick<LoadedInbox, 'workspaceId' | 'channel'>, contactId: string, conversationId: string | null, ctx: ContextRecord): Promise<void> {
  const now = Date.now();
  await env.DB.prepare(
    `INSERT INTO contact_contexts (id, workspace_id, contact_id, conversation_id, channel, kind, reference, data, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(workspace_id, channel, kind, reference) DO UPDATE SET
       data = json_patch(contact_contexts.data, excluded.data), contact_id = excluded.contact_id,
       conversation_id = coalesce(excluded.conversation_id, contact_contexts.conversation_id), updated_at = excluded.updated_at`,
  )
    .bind(newId('ctx'), inbox.workspaceId, contactId, conversationId, inbox.channel, ctx.kind, ctx.reference.slice(0, 300), JSON.stringify(dropNulls(ctx.data)), now, now)
    .run();
}

/** Keep a context only if none with its reference exists yet (first-touch referrals: later visits change nothing). */
export async function storeFirstContext(env: Env, where: Pick<LoadedInbox, 'workspaceId' | 'channel'>, contactId: string, ctx: ContextRecord): Promise<void> {
  const now = Date.now();
  await env.DB.prepare(
    `INSERT INTO contact_contexts (id, workspace_id, contact_id, conversation_id, channel, kind, reference, data, created_at, updated_at)
     VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?) ON CONFLICT(workspace_id, channel, kind, reference) DO NOTHING`,
  )
    .bind(newId('ctx'), where.workspaceId, contactId, where.channel, ctx.kind, ctx.reference.slice(0, 300), JSON.stringify(dropNulls(ctx.data)), now, now)
    .run();
}

function dropNulls(data: Record<string, unknown>): Record<string, unknown> {
  // json_patch treats null as "delete": keep what an earlier event said when this one does not know.
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== null && v !== undefined));
}

function isPermanent(err: unknown): boolean {
  return err instanceof ParseError || err instanceof PermanentError;
}

function describe(err: unknown): string {
  if (err instanceof ParseError) return `parse error: ${err.message}`;
  if (err instanceof TransientMediaError) return `media download failed: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/** The INGEST queue handler: events of one sender keep their order; different senders run side by side. */
export async function handleIngestBatch(batch: MessageBatch<IngestJob>, env: Env): Promise<void> {
  const inboxes = new Map<string, Promise<LoadedInbox | null>>();
  const prepared = await Promise.all(
    batch.messages.map(async (msg) => {
      try {
        return { msg, ok: true as const, prepared: await prepare(env, msg.body, inboxes) };
      } catch (err) {
        return { msg, ok: false as const, err };
      }
    }),
  );
  const lanes = new Map<string, { msg: Message<IngestJob>; prepared: Prepared }[]>();
  // Jobs that are only delivery receipts (a status webhook each) are applied together (receipts.ts).
  const receipts: { msg: Message<IngestJob>; prepared: Prepared }[] = [];
  for (const p of prepared) {
    if (!p.ok) {
      await settle(env, p.msg, p.err);
      continue;
    }
    if (p.prepared.events.length > 0 && p.prepared.events.every((e) => e.type === 'status')) {
      receipts.push({ msg: p.msg, prepared: p.prepared });
      continue;
    }
    const first = p.prepared.events[0];
    const who = !first ? p.msg.id : first.type === 'status' ? `status:${first.providerMessageId}` : first.type === 'template_status' ? `template:${first.providerTemplateId}` : first.contact.externalId;
    const lane = `${p.prepared.inbox.id}:${who}`;
    if (!lanes.has(lane)) lanes.set(lane, []);
    lanes.get(lane)!.push({ msg: p.msg, prepared: p.prepared });
  }
  const statuses = async () => {
    if (receipts.length === 0) return;
    let errors: unknown[];
    try {
      errors = await applyReceipts(
        env,
        receipts.map((r) => ({ workspaceId: r.prepared.inbox.workspaceId, channel: r.prepared.inbox.channel, events: r.prepared.events as StatusEvent[] })),
      );
    } catch (err) {
      // The batch's lookup failed (D1): every receipt retries, as each would have on its own.
      errors = receipts.map(() => err);
    }
    await Promise.all(receipts.map((r, i) => (errors[i] ? settle(env, r.msg, errors[i]) : r.msg.ack())));
  };
  // The receipts need none of the senders' lookup: they go on meanwhile.
  const applied = statuses();
  await lookUpSenders(env, [...lanes.values()].map((lane) => lane[0].prepared));
  const queue = [...lanes.values()];
  const worker = async () => {
    for (let lane = queue.shift(); lane; lane = queue.shift()) {
      for (const { msg, prepared: job } of lane) {
        try {
          await apply(env, job, msg.attempts);
          msg.ack();
        } catch (err) {
          await settle(env, msg, err);
        }
      }
    }
  };
  await Promise.all([applied, ...Array.from({ length: Math.min(16, queue.length) }, worker)]);
}

/**
 * The senders of the batch's lanes, looked up in one D1 round trip instead of one each: the first
 * message of each lane only (a lane is one sender; its later messages may follow a conversation or a
 * contact that the first one creates, so they look themselves up). A failed lookup is not an error
 * here: each message then reads its sender itself.
 */
async function lookUpSenders(env: Env, firsts: Prepared[]): Promise<void> {
  const asks: { prepared: Prepared; scope: string; statement: D1PreparedStatement }[] = [];
  for (const prepared of firsts) {
    const ev = prepared.events[0];
    if (ev?.type !== 'message') continue;
    const settings = await workspaceSettings(env, prepared.inbox.workspaceId);
    const scope = threadScope(settings, prepared.inbox.id);
    asks.push({ prepared, scope, statement: identityQuery(env, prepared.inbox.workspaceId, prepared.inbox.channel, identityKey(ev.contact), scope) });
  }
  if (asks.length < 2) return; // one sender: its own read is the same round trip
  try {
    const results = await env.DB.batch<IdentityRow>(asks.map((a) => a.statement));
    asks.forEach((a, i) => (a.prepared.firstSender = { scope: a.scope, row: results[i].results[0] ?? null }));
  } catch (err) {
    console.warn(`ingest: the batch's sender lookup failed (${String(err)}); each message reads its own`);
  }
}

/** A failed job: dead letter when retrying cannot help (or retries are used up), else retry with backoff. */
async function settle(env: Env, msg: Message<IngestJob>, err: unknown): Promise<void> {
  if (isPermanent(err) || msg.attempts >= MAX_ATTEMPTS) {
    try {
      await storeDeadLetter(env, { queue: 'ingest', job: msg.body, error: describe(err), attempts: msg.attempts });
      msg.ack();
    } catch (dlqErr) {
      console.error(`could not store dead letter: ${String(dlqErr)}`);
      msg.retry({ delaySeconds: backoffSeconds(msg.attempts) });
    }
    return;
  }
  console.warn(`ingest ${msg.id} attempt ${msg.attempts} failed: ${describe(err)}`);
  msg.retry({ delaySeconds: backoffSeconds(msg.attempts) });
}
