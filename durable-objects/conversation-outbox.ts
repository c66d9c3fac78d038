// The ConversationDO's outbox drain: what a commit wrote to the outbox leaves the object after the
// commit, in order — the projection to D1 in one batch, replies to OUTBOUND, events to EVENTS (after
// the projection, so a subscriber or the delivery consumer reading D1 finds the row as the event left it). A failure keeps the
// rows and retries by the object's alarm with backoff; everything on the way is idempotent, so a
// retried batch changes nothing the first one already did. One job, tested through the object.
import type { Conversation } from '../worker/conversations/model';
import { projectionStatements, type OutboxEntry } from '../worker/conversations/projection';
import type { EventJob } from '../worker/events/consumer';
import { toParleyEvent, type ParleyEvent } from '../worker/events/model';
import type { ConversationEvent } from '../worker/conversations/model';
import type { DeliverJob } from '../worker/ingest/jobs';
import type { ConversationStore } from './conversation-store';

export const OUTBOX_RETRY_MS = 2_000;
const OUTBOX_MAX_RETRY_MS = 5 * 60_000;
const OUTBOX_BATCH = 200;

export interface OutboxDeps {
  store: ConversationStore;
  env: Pick<Env, 'DB' | 'OUTBOUND' | 'EVENTS'>;
  state: () => Conversation | null;
  /** The schedule's 'outbox' timer moved: re-arm the alarm. */
  rearm: () => void;
}

export class OutboxDrain {
  #running: Promise<void> | null = null;
  #again = false;
  #failures = 0;

  constructor(private readonly deps: OutboxDeps) {}

  /** The drain in progress, if any (the alarm and settled() wait on it). */
  get running(): Promise<void> | null {
    return this.#running;
  }

  /** Whether a drain is running or asked to run again. */
  get busy(): boolean {
    return this.#running !== null || this.#again;
  }

  /** Start a drain unless one is running; a running one loops once more to pick up new rows. */
  kick(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#drain().finally(() => {
      this.#running = null;
    });
  }

  async #drain(): Promise<void> {
    const { store, env } = this.deps;
    do {
      this.#again = false;
      const rows = store.outbox(OUTBOX_BATCH);
      const state = this.deps.state();
      if (rows.length === 0 || !state) break;
      const entries = rows.filter((r) => r.kind !== 'deliver').map((r) => ({ kind: r.kind, payload: JSON.parse(r.payload) }) as OutboxEntry);
      const deliveries = rows.filter((r) => r.kind === 'deliver').map((r) => JSON.parse(r.payload) as DeliverJob);
      const stream = entries.flatMap((e) => (e.kind === 'event' ? [asParleyEvent(state, e.payload)] : []));
      try {
        // The projection first: the delivery consumer reads what it carries (the channel activity that
        // opens a messaging window). Everything here is idempotent, so a retried drain repeats nothing harmful.
        const statements = projectionStatements(env.DB, state, entries);
        if (statements.length) await env.DB.batch(statements);
        for (let i = 0; i < deliveries.length; i += 50) await env.OUTBOUND.sendBatch(deliveries.slice(i, i + 50).map((body) => ({ body, contentType: 'json' as const })));
        for (const chunk of eventChunks(stream)) await env.EVENTS.sendBatch(chunk.map((event) => ({ body: { event } satisfies EventJob, contentType: 'json' as const })));
      } catch (err) {
        // D1 or a queue is unavailable: keep the rows and retry by alarm with backoff.
        this.#failures++;
        const delay = Math.min(OUTBOX_RETRY_MS * 2 ** (this.#failures - 1), OUTBOX_MAX_RETRY_MS);
        console.warn(`conversation ${state.id}: projection failed (${String(err)}); retry in ${delay} ms`);
        store.setTimer('outbox', Date.now() + delay);
        this.deps.rearm();
        return;
      }
      this.#failures = 0;
      store.dropOutbox(rows[rows.length - 1].id);
      if (rows.length === OUTBOX_BATCH) this.#again = true;
    } while (this.#again);
    if (store.outboxSize() === 0) {
      store.setTimer('outbox', null);
      this.deps.rearm();
    }
  }
}

/** An outbox event row as the stream carries it (rows written before the stream existed hold bare events). */
function asParleyEvent(state: Conversation, e: ParleyEvent | ConversationEvent): ParleyEvent {
  return 'id' in e ? e : toParleyEvent(state, e, { first: e.seq, last: e.seq }, null);
}

const utf8 = new TextEncoder();

/** Queue batches hold at most 100 messages and 256 KB (of UTF-8): chunk the events under both. */
export function eventChunks(events: ParleyEvent[]): ParleyEvent[][] {
  const chunks: ParleyEvent[][] = [];
  let current: ParleyEvent[] = [];
  let bytes = 0;
  for (const e of events) {
    const size = utf8.encode(JSON.stringify(e)).byteLength + 100;
    if (current.length === 100 || (current.length > 0 && bytes + size > 200_000)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length) chunks.push(current);
  return chunks;
}
