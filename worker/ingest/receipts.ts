// Delivery receipts (status events) of one INGEST batch, applied together. A broadcast's sends are
// followed by their providers' status webhooks, several per message (Twilio: sent, delivered, read),
// and one at a time each cost a D1 lookup and a ConversationDO call with a commit of its own. Here a
// whole batch costs one D1 lookup (all its provider ids at once), one object call per conversation
// with the receipts for it in order (applied in one commit), and none for a receipt already known not
// to move its message on (a duplicate, or one that arrives after a later status).
import type { StatusEvent } from '../channels/types';
import type { DeliveryStatus } from '../conversations/model';
import { nextDeliveryStatus } from '../conversations/delivery-status';
import { conversationStub } from '../conversations/service';

export interface ReceiptJob {
  workspaceId: string;
  channel: string;
  events: StatusEvent[];
}

/**
 * The statuses this isolate's object calls reported, by message id. A status only moves forward
 * (nextDeliveryStatus), so a receipt that would not move the status seen here cannot move the object's
 * own, which is this or later: it stops before the call. Another isolate not knowing it only costs a
 * call. Bounded like the other per-isolate caches: cleared when full.
 */
const known = new Map<string, DeliveryStatus>();
const KNOWN_MAX = 20_000;

/** A test starts from an empty memory of statuses. */
export function forgetKnownStatuses(): void {
  known.clear();
}

/** A status the conversation now has for its message (the receipts' calls; the OUTBOUND consumer's sent and failed marks). */
export function rememberStatus(messageId: string, status: DeliveryStatus): void {
  if (known.size >= KNOWN_MAX) known.clear();
  known.set(messageId, status);
}

/** The most object calls in flight for one batch (the INGEST consumer runs its other jobs 16 at a time too). */
const CONCURRENCY = 16;

type Row = { pid: string; message_id: string; conversation_id: string };

const LOOKUP = `SELECT provider_message_id AS pid, message_id, conversation_id FROM outbound_messages
  WHERE workspace_id = ?1 AND channel = ?2 AND provider_message_id IN (SELECT value FROM json_each(?3))`;

/**
 * Applies the receipts of `jobs` and returns, for each job, null when all of its receipts are applied
 * (or needed nothing) or the error to retry it with: a receipt can outrun our own record of its send
 * (the provider answered the webhook before our send request returned), and an object call can fail.
 */
export async function applyReceipts(env: Env, jobs: ReceiptJob[]): Promise<(Error | null)[]> {
  const errors: (Error | null)[] = jobs.map(() => null);
  // One lookup for every provider id of the batch (one statement per workspace and channel, in one round trip).
  const groups = new Map<string, { workspaceId: string; channel: string; ids: Set<string> }>();
  for (const j of jobs) {
    const key = `${j.workspaceId}\u0000${j.channel}`;
    const g = groups.get(key) ?? { workspaceId: j.workspaceId, channel: j.channel, ids: new Set<string>() };
    for (const e of j.events) g.ids.add(e.providerMessageId);
    groups.set(key, g);
  }
  const list = [...groups.entries()].filter(([, g]) => g.ids.size > 0);
  const statements = list.map(([, g]) => env.DB.prepare(LOOKUP).bind(g.workspaceId, g.channel, JSON.stringify([...g.ids])));
  const results = statements.length === 0 ? [] : statements.length === 1 ? [await statements[0].all<Row>()] : await env.DB.batch<Row>(statements);
  const rows = new Map<string, Row>();
  list.forEach(([key], i) => {
    for (const r of results[i].results) rows.set(`${key}\u0000${r.pid}`, r);
  });

  // The receipts that may still change something, per conversation, in the batch's order.
  const calls = new Map<string, { workspaceId: string; receipts: { messageId: string; status: DeliveryStatus; reason: string | null }[]; jobs: Set<number> }>();
  jobs.forEach((j, index) => {
    for (const e of j.events) {
      const row = rows.get(`${j.workspaceId}\u0000${j.channel}\u0000${e.providerMessageId}`);
      if (!row) {
        errors[index] ??= new Error(`no outbound message with provider id ${e.providerMessageId} (yet)`);
        continue;
      }
      const seen = known.get(row.message_id);
      if (seen && nextDeliveryStatus(seen, e.status) === null) continue;
      const call = calls.get(row.conversation_id) ?? { workspaceId: j.workspaceId, receipts: [], jobs: new Set<number>() };
      call.receipts.push({ messageId: row.message_id, status: e.status, reason: e.reason ?? null });
      call.jobs.add(index);
      calls.set(row.conversation_id, call);
    }
  });

  const queue = [...calls.entries()];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [conversationId, call] = next;
      try {
        const after = await conversationStub(env, call.workspaceId, conversationId).updateDeliveries(call.receipts);
        for (const [messageId, status] of Object.entries(after)) if (status) rememberStatus(messageId, status);
      } catch (err) {
        for (const index of call.jobs) errors[index] ??= err instanceof Error ? err : new Error(String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
  return errors;
}
