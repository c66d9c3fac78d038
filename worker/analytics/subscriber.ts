// The analytics subscriber: folds each batch of events into conversation facts (worker/analytics/facts.ts).
// Two D1 round trips per batch whatever its size: one read (facts rows with their current cycle, the
// calendars, when facts began), one write batch. Idempotent: events at or below a row's last_seq are
// skipped, response and cycle rows are keyed by (conversation, seq|cycle).
//
// It wants every event so that a conversation's sequence numbers have no gaps: a gap means an earlier
// event is still being retried (a failed attempt of this subscriber, or a redelivery racing a later
// batch), and the conversation waits: the rest of the batch is written, then the subscriber throws, and
// the consumer retries this batch alone for analytics until the missing event has landed.
//
// The same write batch keeps the hourly rollups (worker/analytics/rollups.ts): it opens by subtracting
// what the batch's conversations' stored facts contribute and, after the facts writes, adds what they
// contribute now, so a rollup row stays what its facts say at the cost of the batch's own rows (redelivery
// and a consumer that lost a race subtract and add the same stored rows: no change).
import type { ParleyEvent } from '../events/model';
import type { Subscriber } from '../events/subscribers';
import type { Calendar } from '../routing/business-hours';
import { foldFacts } from './facts';
import { rollupStatements, touchedBuckets, type Bucket } from './rollups';
import { loadBatchContext, writeStatements } from './store';

const AROUND_THE_CLOCK: Calendar = { timezone: 'UTC', hours: null };

export const analyticsFacts: Subscriber = {
  name: 'analytics-facts',
  wants: () => true,
  async handle(env, events) {
    await foldBatch(env.DB, events);
  },
};

/** Fold and store one batch; returns what it did (tests and the bench read it). Throws when some conversation must wait. */
export async function foldBatch(db: D1Database, events: readonly ParleyEvent[]): Promise<{ written: number; waiting: number; skipped: number }> {
  const byConversation = new Map<string, ParleyEvent[]>();
  for (const e of events) byConversation.set(e.conversationId, [...(byConversation.get(e.conversationId) ?? []), e]);
  const workspaces = [...new Set(events.map((e) => e.workspaceId))];
  const ctx = await loadBatchContext(db, [...byConversation.keys()], workspaces);

  const writes: D1PreparedStatement[] = [];
  const written: string[] = [];
  const factIndexes: number[] = [];
  const buckets = new Map<string, Bucket>();
  let waiting = 0;
  let skipped = 0;
  for (const [conversationId, mine] of byConversation) {
    // Deleted meanwhile (an event still in the queue): nothing to count, and no gap to wait on.
    if (ctx.deleted.has(conversationId)) {
      skipped++;
      continue;
    }
    const prev = ctx.states.get(conversationId) ?? null;
    // A row from another workspace under this id would be a bug upstream: never fold across workspaces.
    if (prev && prev.facts.workspaceId !== mine[0].workspaceId) {
      skipped++;
      continue;
    }
    const result = foldFacts(prev, mine, ctx.calendars.get(mine[0].workspaceId) ?? AROUND_THE_CLOCK);
    if (result.gap && !prev && mine[0].conversation.createdAt < ctx.factsSince) {
      // Created before analytics began: its history was never folded, so it gets no facts rather than wrong ones.
      skipped++;
      continue;
    }
    if (result.gap) waiting++;
    if (!result.state || result.applied === 0) continue;
    factIndexes.push(writes.length);
    written.push(conversationId);
    writes.push(...writeStatements(db, result.state, prev?.facts.lastSeq ?? -1, result.cycles, result.responses));
    touchedBuckets(prev, result, buckets);
  }
  // One transaction: the rollups' subtraction reads these conversations' facts as stored before the writes,
  // the addition as stored after them.
  const rollups = rollupStatements(db, written, [...buckets.values()]);

  let lost = 0;
  if (writes.length > 0) {
    const results = await db.batch([...rollups.before, ...writes, ...rollups.after]);
    // A facts upsert that changed nothing lost a race with another consumer: this batch is retried.
    lost = factIndexes.filter((i) => (results[rollups.before.length + i].meta.changes ?? 0) === 0).length;
  }
  if (waiting > 0 || lost > 0) {
    throw new Error(`analytics: ${waiting} conversation(s) wait for an earlier event, ${lost} changed under this batch; retrying`);
  }
  return { written: factIndexes.length, waiting, skipped };
}
