// The steps of a broadcast's delivery, each idempotent so the workflow (worker/broadcasts/workflow.ts)
// can retry any of them or restart: snapshot a page of the audience into broadcast_recipients
// (INSERT OR IGNORE on (broadcast, contact)) and enqueue its sendable recipients; count what is still
// on its way; finalize. The consumer (sender.ts) claims each recipient once, so a job enqueued twice sends once.
import { toBase64Url } from '../crypto/bytes';
import { loadInbox } from '../ingest/inboxes';
import { broadcastFilter, candidatePage } from './audience';
import { broadcastRate } from './rate';
import { transition, type BroadcastRow } from './store';

export const PAGE_SIZE = 500;
/** Queue.sendBatch takes at most 100 messages. */
const SEND_BATCH = 100;
const ROWS_PER_INSERT = 12;

export interface SendJob {
  kind: 'broadcast_send';
  broadcastId: string;
  workspaceId: string;
  contactId: string;
}

export interface BroadcastParams {
  broadcastId: string;
  workspaceId: string;
}

export function newToken(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(18)));
}

async function row(db: D1Database, id: string): Promise<BroadcastRow | null> {
  return db.prepare(`SELECT * FROM broadcasts WHERE id = ?`).bind(id).first<BroadcastRow>();
}

/** The scheduled moment, or null when the broadcast is no longer to be sent (cancelled, deleted). */
export async function scheduledFor(env: Env, id: string): Promise<number | null> {
  const b = await row(env.DB, id);
  return b && b.status === 'scheduled' ? (b.scheduled_at ?? Date.now()) : null;
}

/** scheduled → sending; false when it was cancelled meanwhile. */
export async function begin(env: Env, id: string): Promise<boolean> {
  if (await transition(env.DB, id, ['scheduled'], 'sending', { startedAt: Date.now() })) return true;
  // A restarted workflow finds it already sending: carry on.
  return (await row(env.DB, id))?.status === 'sending';
}

/**
 * Snapshot one page of the audience (the cursor is the previous step's output) and enqueue its
 * sendable recipients. A retry re-inserts nothing and re-enqueues the page, which the consumer's claim
 * makes harmless. Returns the next cursor (null: last page) and what this page held.
 */
export type PageResult = { next: [number, string] | null; recipients: number; sendable: number; stopped?: boolean };

export async function snapshotPage(env: Env, id: string, after: [number, string] | null): Promise<PageResult> {
  const b = await row(env.DB, id);
  if (!b || b.status !== 'sending') return { next: null, recipients: 0, sendable: 0, stopped: true };
  const inbox = await loadInbox(env, b.inbox_id);
  if (!inbox) throw new Error('the inbox no longer exists');
  const filter = await broadcastFilter(env.DB, b);
  const page = await candidatePage(env.DB, b.workspace_id, filter, inbox.channel, after, PAGE_SIZE);
  const now = Date.now();
  // Multi-row inserts within D1's 100 bound parameters a statement: a page is ~42 statements, not 500
  // (each statement counts against an invocation's query limit).
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < page.items.length; i += ROWS_PER_INSERT) {
    const rows = page.items.slice(i, i + ROWS_PER_INSERT);
    statements.push(
      env.DB.prepare(
        `INSERT OR IGNORE INTO broadcast_recipients (broadcast_id, contact_id, workspace_id, status, reason, token, queued_at, created_at) VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      ).bind(...rows.flatMap((c) => [id, c.id, b.workspace_id, c.reason ? 'skipped' : 'queued', c.reason, newToken(), c.reason ? null : now, now])),
    );
  }
  if (statements.length) await env.DB.batch(statements);
  const sendable = page.items.filter((c) => !c.reason);
  for (let i = 0; i < sendable.length; i += SEND_BATCH) {
    await env.BROADCAST_SENDS.sendBatch(
      sendable.slice(i, i + SEND_BATCH).map((c) => ({ body: { kind: 'broadcast_send', broadcastId: id, workspaceId: b.workspace_id, contactId: c.id } satisfies SendJob, contentType: 'json' as const })),
    );
  }
  return { next: page.next, recipients: page.items.length, sendable: sendable.length };
}

/**
 * Recipients not yet handed to the outbound path (queued without a message, or claimed), and how long
 * to wait before looking again: about the time the inbox's rate needs for them, between 15 s and 10 min.
 */
export async function unsettled(env: Env, id: string): Promise<{ n: number; waitMs: number }> {
  const r = await env.DB.prepare(`SELECT count(*) AS n FROM broadcast_recipients WHERE broadcast_id = ?1 AND (status = 'sending' OR (status = 'queued' AND message_id IS NULL))`)
    .bind(id)
    .first<{ n: number }>();
  const n = Number(r?.n ?? 0);
  const { rate } = await broadcastRate(env, id);
  return { n, waitMs: Math.min(Math.max((n / rate) * 1000, 15_000), 600_000) };
}

/**
 * sending → sent (every recipient handed over, or the workflow's long wait ran out: the consumer still
 * sends what is queued, it claims while 'sent' too). A cancelled broadcast stays cancelled.
 */
export async function finish(env: Env, id: string, error: string | null): Promise<void> {
  if (error) await transition(env.DB, id, ['scheduled', 'sending'], 'failed', { error, finishedAt: Date.now() });
  else await transition(env.DB, id, ['sending'], 'sent', { finishedAt: Date.now() });
  // Whatever a failed run left in the queue must not go out later.
  if (error) await cancelUnsent(env.DB, id);
}

export async function cancelUnsent(db: D1Database, id: string): Promise<number> {
  const res = await db.prepare(`UPDATE broadcast_recipients SET status = 'cancelled' WHERE broadcast_id = ? AND status = 'queued' AND message_id IS NULL`).bind(id).run();
  return res.meta.changes ?? 0;
}
