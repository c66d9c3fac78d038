// Web Push for agents' browsers (RFC 8030/8291/8292): each subscription a browser handed us gets the
// news encrypted for it (aes128gcm) and signed with our VAPID key, by @block65/webcrypto-web-push (Web
// Crypto, so it runs in a Worker). The sender only enqueues (WEB_PUSH), so a slow push service never
// holds up the event consumer; the queue consumer here talks to the push services. A subscription the
// push service says is gone (404/410) is deleted; a refused or failing one (429/5xx, network) retries.
import { buildPushPayload, type PushSubscription, type VapidKeys } from '@block65/webcrypto-web-push';
import { and, eq } from 'drizzle-orm';
import { pushTokens } from '../db/schema';
import { scopeFor } from '../routing/config';
import { hostProblem } from '../webhooks/ssrf';

export const WEB_PLATFORM = 'web';
/** Push services keep an undelivered message this long (seconds) for a browser that is offline. */
export const PUSH_TTL_SECONDS = 24 * 60 * 60;

export interface WebPushJob {
  workspaceId: string;
  userId: string;
  kind: string;
  conversationId: string;
  title: string;
  body: string;
  /** Where a click on the notification leads (the app's path). */
  url: string;
}

/** What the service worker receives (web/public/sw.js reads it). */
export interface WebPushMessage {
  title: string;
  body: string;
  url: string;
  tag: string;
}

/** The server's VAPID keys (secrets), or null when this deployment has none: then nothing is pushed. */
export function vapidKeys(env: Env): (VapidKeys & { publicKey: string }) | null {
  if (!env.VAPID_PUBLIC_KEY || !env.VAPID_PRIVATE_KEY) return null;
  return { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY, subject: env.VAPID_SUBJECT || 'mailto:push@parley.invalid' };
}

/** Why a browser's push endpoint is not acceptable, or null. Push services are public https hosts. */
export function endpointProblem(raw: string, environment: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:') return 'must be an https:// URL';
  if (url.username || url.password) return 'must not carry credentials';
  if (environment === 'production') {
    const why = hostProblem(url.hostname);
    if (why) return `refused: ${why}`;
  }
  return null;
}

export function conversationUrl(conversationId: string): string {
  return `/inbox/conversations/${encodeURIComponent(conversationId)}`;
}

export async function enqueueWebPush(env: Env, jobs: WebPushJob[]): Promise<void> {
  if (jobs.length === 0 || !vapidKeys(env)) return;
  await env.WEB_PUSH.sendBatch(jobs.map((body) => ({ body })));
}

export interface PushDeps {
  /** The network edge: the push service. globalThis.fetch in the product; a fake push service in tests. */
  fetch: typeof fetch;
}

export interface PushOutcome {
  sent: number;
  removed: number;
  /** Attempts worth retrying (429, 5xx, network errors). */
  failed: number;
}

export async function deliverWebPush(env: Env, job: WebPushJob, deps: PushDeps = { fetch: (i, init) => globalThis.fetch(i, init) }): Promise<PushOutcome> {
  const out: PushOutcome = { sent: 0, removed: 0, failed: 0 };
  const vapid = vapidKeys(env);
  if (!vapid) return out;
  const scope = scopeFor(env, job.workspaceId);
  const subs = await scope.list(pushTokens, and(eq(pushTokens.userId, job.userId), eq(pushTokens.platform, WEB_PLATFORM)));
  const message: WebPushMessage = { title: job.title, body: job.body.slice(0, 500), url: job.url, tag: `${job.kind}:${job.conversationId}` };
  for (const s of subs) {
    if (!s.keys || endpointProblem(s.token, env.ENVIRONMENT)) continue;
    const sub: PushSubscription = { endpoint: s.token, expirationTime: null, keys: s.keys };
    const payload = await buildPushPayload({ data: message as unknown as Record<string, string>, options: { ttl: PUSH_TTL_SECONDS, urgency: 'high' } }, sub, vapid);
    let status = 0;
    try {
      const res = await deps.fetch(s.token, { method: payload.method, headers: payload.headers, body: payload.body, redirect: 'manual' });
      status = res.status;
      await res.body?.cancel();
    } catch {
      status = 0;
    }
    if (status === 404 || status === 410) {
      await scope.db.delete(pushTokens).where(scope.where(pushTokens, eq(pushTokens.id, s.id)));
      out.removed++;
    } else if (status >= 200 && status < 300) out.sent++;
    else if (status === 0 || status === 429 || status >= 500) out.failed++;
    // Other 4xx (a malformed request, a key the service rejects) will not improve on retry: dropped.
  }
  return out;
}

/** The WEB_PUSH queue consumer: each job for one person; a job with a retryable failure comes back later. */
export async function consumeWebPush(batch: MessageBatch<WebPushJob>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
    try {
      const r = await deliverWebPush(env, msg.body);
      if (r.failed > 0 && msg.attempts < 3) msg.retry({ delaySeconds: 30 * msg.attempts });
      else msg.ack();
    } catch {
      msg.retry({ delaySeconds: 60 });
    }
  }
}
