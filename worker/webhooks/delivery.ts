// Delivering one webhook: one attempt per queue job, on the deployment's retry schedule (by default
// the one Standard Webhooks describes: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h,
// eight attempts over ~27 h; see retry-schedule.ts), each attempt recorded. The body and webhook-id are the delivery row's, identical on every attempt;
// the timestamp and signature are the attempt's. After the last failure the delivery is failed, and an
// endpoint with no success across a whole schedule (as many failed attempts in a row as it has) is
// turned off and the workspace's managers are told in their notification feed.
//
// Jobs say which attempt they are for; an attempt is claimed with a conditional update, so a job the
// queue delivers twice, or a manual retry racing a scheduled one, sends once.
import { agentStub, workspaceStub } from '../routing/stubs';
import { openSecrets, type EndpointRow } from './endpoints';
import { signedHeaders, signingSecrets } from './signing';
import { retryScheduleOf, RETRY_SCHEDULE_S } from './retry-schedule';
import { fetchChecked, RefusedTarget } from './ssrf';

export { RETRY_SCHEDULE_S };
/** Attempts a delivery gets on the default schedule. */
export const MAX_ATTEMPTS = RETRY_SCHEDULE_S.length + 1;
/** Queues refuse a delay over 12 h; a longer wait is chained (the job comes back early and re-defers). */
export const MAX_QUEUE_DELAY_S = 12 * 3600;
export const ATTEMPT_TIMEOUT_MS = 15_000;
/** How long a claimed attempt holds the delivery: a job for the next attempt arriving meanwhile waits it out. */
export const ATTEMPT_LEASE_MS = 60_000;

export interface WebhookJob {
  deliveryId: string;
  workspaceId: string;
  /** Which attempt this job makes (1-based). */
  attempt: number;
}

export interface DeliveryDeps {
  /** The network edge: the receiver. globalThis.fetch in the product; a fake receiver in tests. */
  fetch: typeof fetch;
  now: () => number;
  /** Put a job on the WEBHOOKS queue after `delaySeconds` (≤ MAX_QUEUE_DELAY_S). */
  schedule: (job: WebhookJob, delaySeconds: number) => Promise<void>;
  environment: string;
  /** Seconds to wait after each failed attempt (RETRY_SCHEDULE_S unless the deployment sets WEBHOOK_RETRY_SCHEDULE). */
  retrySchedule: readonly number[];
}

export function defaultDeliveryDeps(env: Env): DeliveryDeps {
  return {
    fetch: (input, init) => globalThis.fetch(input, init),
    now: Date.now,
    schedule: async (job, delaySeconds) => {
      await env.WEBHOOKS.send(job, { contentType: 'json', delaySeconds: Math.min(MAX_QUEUE_DELAY_S, Math.max(0, Math.ceil(delaySeconds))) });
    },
    environment: env.ENVIRONMENT,
    retrySchedule: retryScheduleOf(env as unknown as { WEBHOOK_RETRY_SCHEDULE?: string }),
  };
}

interface DeliveryRow {
  id: string;
  workspace_id: string;
  endpoint_id: string;
  webhook_id: string;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: number | null;
}

export type AttemptOutcome = 'sent' | 'failed' | 'skipped' | 'deferred';

/** Make the attempt a job asks for, if it is still due; returns what happened. */
export async function attemptDelivery(env: Env, job: WebhookJob, deps: DeliveryDeps): Promise<AttemptOutcome> {
  const db = env.DB;
  const d = await db
    .prepare(`SELECT id, workspace_id, endpoint_id, webhook_id, payload, status, attempts, next_attempt_at FROM webhook_deliveries WHERE workspace_id = ? AND id = ?`)
    .bind(job.workspaceId, job.deliveryId)
    .first<DeliveryRow>();
  if (!d || d.status !== 'pending') return 'skipped';
  const now = deps.now();
  if (d.attempts === job.attempt && d.next_attempt_at !== null) {
    // This attempt was made but its follow-up may not have reached the queue (the job came back): schedule it again; the claim keeps it single.
    await deps.schedule({ ...job, attempt: job.attempt + 1 }, (d.next_attempt_at - now) / 1000);
    return 'skipped';
  }
  if (d.attempts !== job.attempt - 1) return 'skipped';
  if (d.next_attempt_at !== null && d.next_attempt_at > now + 1000) {
    await deps.schedule(job, (d.next_attempt_at - now) / 1000);
    return 'deferred';
  }
  const endpoint = await db.prepare(`SELECT * FROM webhook_endpoints WHERE workspace_id = ? AND id = ?`).bind(job.workspaceId, d.endpoint_id).first<Record<string, unknown>>();
  if (!endpoint || !endpoint.enabled) {
    await db
      .prepare(`UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, last_error = ? WHERE id = ? AND status = 'pending'`)
      .bind(endpoint ? 'not sent: the endpoint is disabled' : 'not sent: the endpoint was deleted', d.id)
      .run();
    return 'skipped';
  }
  const claimed = await db
    // The lease in next_attempt_at: should this attempt die unrecorded, the job's redelivery schedules the
    // next one (above) after it, and a duplicate job arriving while this one is in flight cannot start it early.
    .prepare(`UPDATE webhook_deliveries SET attempts = ?, last_attempt_at = ?, next_attempt_at = ? WHERE id = ? AND status = 'pending' AND attempts = ?`)
    .bind(job.attempt, now, now + ATTEMPT_LEASE_MS, d.id, job.attempt - 1)
    .run();
  if (claimed.meta.changes === 0) return 'skipped';

  const secrets = await openSecrets(env, { secretsEncrypted: String(endpoint.secrets_encrypted) });
  const headers = { 'content-type': 'application/json', 'user-agent': 'Parley-Webhooks/1', ...signedHeaders(signingSecrets(secrets, now), d.webhook_id, d.payload, now) };
  const started = Date.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    const res = await fetchChecked(String(endpoint.url), { method: 'POST', headers, body: d.payload, signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) }, { fetch: deps.fetch, environment: deps.environment });
    statusCode = res.status;
    await res.body?.cancel();
    if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
  } catch (err) {
    error = err instanceof RefusedTarget ? `refused: ${err.message}` : `no response: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500);
  }
  const latency = Date.now() - started;
  const ok = error === null;
  const schedule = deps.retrySchedule;
  const nextDelay = ok || job.attempt > schedule.length ? null : schedule[job.attempt - 1];
  const nextAt = nextDelay === null ? null : now + nextDelay * 1000;
  const status = ok ? 'succeeded' : nextAt === null ? 'failed' : 'pending';

  await db.batch([
    db.prepare(`INSERT OR REPLACE INTO webhook_attempts (delivery_id, attempt, workspace_id, at, status_code, latency_ms, error) VALUES (?, ?, ?, ?, ?, ?, ?)`).bind(d.id, job.attempt, d.workspace_id, now, statusCode, latency, error),
    db
      .prepare(
        `UPDATE webhook_deliveries SET status = ?, next_attempt_at = ?, last_status_code = ?, last_latency_ms = ?, last_error = ?, delivered_at = CASE WHEN ? THEN ? ELSE delivered_at END WHERE id = ?`,
      )
      .bind(status, nextAt, statusCode, latency, error, ok ? 1 : 0, now, d.id),
    ok
      ? db.prepare(`UPDATE webhook_endpoints SET failing_since = NULL, consecutive_failures = 0 WHERE id = ?`).bind(d.endpoint_id)
      : db.prepare(`UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, ?), consecutive_failures = consecutive_failures + 1 WHERE id = ?`).bind(now, d.endpoint_id),
  ]);
  // Due at nextAt (what the log shows), counted from when this attempt started: the time the receiver
  // took to answer is not added on top of the wait.
  if (nextAt !== null) await deps.schedule({ ...job, attempt: job.attempt + 1 }, Math.max(0, (nextAt - deps.now()) / 1000));
  // Failed attempts in a row, across the endpoint's deliveries, that turn it off: one whole schedule.
  if (status === 'failed') await disableIfFailing(env, job.workspaceId, d.endpoint_id, now, schedule.length + 1);
  return ok ? 'sent' : 'failed';
}

/** Turn the endpoint off once a delivery has failed for good and nothing succeeded on it for `disableAfter` attempts; tell the managers once. */
async function disableIfFailing(env: Env, workspaceId: string, endpointId: string, now: number, disableAfter: number): Promise<void> {
  const res = await env.DB.prepare(
    `UPDATE webhook_endpoints SET enabled = 0, disabled_reason = 'failing', updated_at = ? WHERE workspace_id = ? AND id = ? AND enabled = 1 AND consecutive_failures >= ? RETURNING url, failing_since, consecutive_failures`,
  )
    .bind(now, workspaceId, endpointId, disableAfter)
    .first<Pick<EndpointRow, 'url'> & { failing_since: number; consecutive_failures: number }>();
  if (!res) return;
  await notifyManagers(env, workspaceId, {
    title: 'Webhook endpoint disabled',
    body: `${res.url} failed ${res.consecutive_failures} times in a row since ${new Date(res.failing_since).toISOString()}, so Parley stopped sending to it. Fix the receiver, then enable the endpoint again (PATCH /api/webhook-endpoints/${endpointId} {"enabled": true}) and retry the failed deliveries.`,
    at: now,
  });
}

/** An item in every manager's notification feed (AgentDO), pushed to their open tabs too (the app raises a browser notification from it). */
async function notifyManagers(env: Env, workspaceId: string, n: { title: string; body: string; at: number }): Promise<void> {
  const managers = await env.DB.prepare(`SELECT id, name FROM users WHERE workspace_id = ? AND role = 'manager' AND disabled = 0`).bind(workspaceId).all<{ id: string; name: string }>();
  const item = { kind: 'webhook' as const, conversationId: null, title: n.title, body: n.body, at: n.at };
  await Promise.all(managers.results.map((m) => agentStub(env, workspaceId, m.id).notify({ workspaceId, userId: m.id, name: m.name }, item)));
  // The feed has it; a tab that misses the push reads it there.
  await workspaceStub(env, workspaceId)
    .pushNotification(managers.results.map((m) => m.id), item)
    .catch(() => 0);
}

/** The WEBHOOKS queue consumer's core: one attempt per message; a message whose bookkeeping failed comes back. */
export async function handleWebhookBatch(batch: MessageBatch<WebhookJob>, env: Env, deps: DeliveryDeps = defaultDeliveryDeps(env)): Promise<void> {
  await Promise.all(
    batch.messages.map(async (msg) => {
      const job = msg.body;
      if (!job || typeof job.deliveryId !== 'string' || typeof job.workspaceId !== 'string' || !Number.isInteger(job.attempt)) {
        console.warn('webhooks: dropped a malformed job');
        msg.ack();
        return;
      }
      try {
        await attemptDelivery(env, job, deps);
        msg.ack();
      } catch (err) {
        console.error(`webhooks: delivery ${job.deliveryId} attempt ${job.attempt}: ${String(err)}`);
        msg.retry({ delaySeconds: Math.min(300, 2 ** msg.attempts) });
      }
    }),
  );
}
