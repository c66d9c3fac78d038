// Operator and sidebar endpoints around ingestion: dead letters (list, replay), merge suggestions found
// when identities arrive, and the reservation/order context of a contact.
import type { SendJob } from '../broadcasts/delivery';
import { sendRecipient } from '../broadcasts/sender';
import { replayEvent, type EventJob } from '../events/consumer';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { deliver } from '../delivery/consumer';
import { Problem } from '../http/problem';
import { valid } from '../http/validate';
import { processIngestJob } from './consumer';
import type { DeliverJob, IngestJob } from './jobs';

export const ingestApiRoutes = new Hono<AppEnv>();
ingestApiRoutes.use('/dead-letters', requireRole('manager'));
ingestApiRoutes.use('/dead-letters/*', requireRole('manager'));

type DeadLetterRow = { id: string; queue: string; channel: string | null; inbox_id: string | null; payload: string; error: string; attempts: number; status: string; replay_count: number; created_at: number; updated_at: number };

function deadLetterJson(r: DeadLetterRow) {
  let payload: unknown = r.payload;
  try {
    payload = JSON.parse(r.payload);
  } catch {
    // keep the text
  }
  return { id: r.id, queue: r.queue, channel: r.channel, inboxId: r.inbox_id, error: r.error, attempts: r.attempts, status: r.status, replayCount: r.replay_count, createdAt: r.created_at, updatedAt: r.updated_at, payload };
}

ingestApiRoutes.get(
  '/dead-letters',
  describeRoute({ tags: ['admin'], summary: 'Webhooks and deliveries that failed for good, with their error (managers)' }),
  valid('query', v.object({ status: v.optional(v.picklist(['open', 'replayed', 'all']), 'open'), limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(200))) })),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await c
      .get('scope')
      .prepare(`SELECT * FROM dead_letters WHERE workspace_id = ?1 AND (?2 = 'all' OR status = ?2) ORDER BY created_at DESC LIMIT ?3`, q.status, q.limit ?? 50)
      .all<DeadLetterRow>();
    return c.json({ items: rows.results.map(deadLetterJson) });
  },
);

ingestApiRoutes.get('/dead-letters/:id', describeRoute({ tags: ['admin'], summary: 'One dead letter' }), async (c) => {
  const row = await c.get('scope').prepare(`SELECT * FROM dead_letters WHERE workspace_id = ? AND id = ?`, c.req.param('id')).first<DeadLetterRow>();
  if (!row) throw Problem.notFound('Dead letter');
  return c.json(deadLetterJson(row));
});

ingestApiRoutes.post('/dead-letters/:id/replay', describeRoute({ tags: ['admin'], summary: 'Run a dead letter again now; it is marked replayed when it succeeds' }), async (c) => {
  const scope = c.get('scope');
  const row = await scope.prepare(`SELECT * FROM dead_letters WHERE workspace_id = ? AND id = ?`, c.req.param('id')).first<DeadLetterRow>();
  if (!row) throw Problem.notFound('Dead letter');
  if (row.status === 'replayed') throw Problem.conflict('This dead letter was already replayed successfully');
  let error: string | null = null;
  let result: unknown = null;
  try {
    const job = JSON.parse(row.payload) as IngestJob | DeliverJob;
    if (row.queue === 'events') {
      result = await replayEvent(c.env, job as unknown as EventJob);
    } else if (row.queue === 'broadcasts') {
      result = { outcome: await sendRecipient(c.env, job as unknown as SendJob) };
    } else if (row.queue === 'outbound') {
      const outcome = await deliver(c.env, job as DeliverJob, 1);
      if (outcome.state === 'retry') error = outcome.reason;
      result = outcome;
    } else {
      result = await processIngestJob(c.env, job as IngestJob, Number.MAX_SAFE_INTEGER);
    }
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  await scope
    .prepare(`UPDATE dead_letters SET status = ?3, error = coalesce(?4, error), replay_count = replay_count + 1, updated_at = ?5 WHERE workspace_id = ?1 AND id = ?2`, row.id, error ? 'open' : 'replayed', error, Date.now())
    .run();
  const updated = await scope.prepare(`SELECT * FROM dead_letters WHERE workspace_id = ? AND id = ?`, row.id).first<DeadLetterRow>();
  return c.json({ ok: !error, error, result, deadLetter: deadLetterJson(updated!) }, error ? 422 : 200);
});
