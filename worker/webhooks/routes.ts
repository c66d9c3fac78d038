// /api/webhook-endpoints: a manager registers where Parley sends signed events, rotates the secret,
// reads each delivery's attempts, retries one, and sends a test ping. A thin shell over
// worker/webhooks/ (secrets, targets, fan-out and delivery live there).
import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { newId } from '../db/ids';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from '../db/schema';
import { Problem } from '../http/problem';
import { valid } from '../http/validate';
import { defaultFanOutDeps } from './fanout';
import { endpointJson, openSecrets, sealSecrets, type EndpointRow } from './endpoints';
import { bodyOf, PING, SUBSCRIBABLE, webhookIdOf } from './events';
import { newSecret, rotated } from './signing';
import { targetProblem } from './ssrf';

const Url = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(2000), v.url('must be an absolute URL'));
const Events = v.pipe(
  v.array(v.picklist(SUBSCRIBABLE, `must be one of ${SUBSCRIBABLE.join(', ')}`)),
  v.minLength(1, 'subscribe to at least one event type (or "*")'),
  v.maxLength(SUBSCRIBABLE.length),
);
const Description = v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(500)));

const CreateBody = v.object({ url: Url, events: Events, description: v.optional(Description), enabled: v.optional(v.boolean()) });
const UpdateBody = v.object({ url: v.optional(Url), events: v.optional(Events), description: v.optional(Description), enabled: v.optional(v.boolean()) });
const DeliveriesQuery = v.object({
  status: v.optional(v.picklist(['pending', 'succeeded', 'failed'], 'must be pending, succeeded or failed')),
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(100))),
  /** A delivery id: deliveries older than it (ids are time-ordered). */
  before: v.optional(v.pipe(v.string(), v.maxLength(100))),
});

export const webhookEndpointRoutes = new Hono<AppEnv>();
webhookEndpointRoutes.use('*', requireRole('manager'));

const tags = ['webhooks'];

function checkTarget(env: Env, url: string): void {
  const why = targetProblem(url, env.ENVIRONMENT);
  if (why) throw Problem.badRequest('url', why);
}

async function endpointOr404(c: { get: (k: 'scope') => AppEnv['Variables']['scope'] }, id: string): Promise<EndpointRow> {
  const row = await c.get('scope').find(webhookEndpoints, id);
  if (!row) throw Problem.notFound('Webhook endpoint');
  return row;
}

/** Deduplicated, in the canonical order of the list (so equal subscriptions compare equal). */
function canonicalEvents(events: string[]): string[] {
  return SUBSCRIBABLE.filter((t) => events.includes(t));
}

webhookEndpointRoutes.get('/', describeRoute({ tags, summary: 'Webhook endpoints (never their secrets)' }), async (c) => {
  const rows = await c.get('scope').list(webhookEndpoints);
  rows.sort((a, b) => (a.id < b.id ? -1 : 1));
  return c.json({ items: await Promise.all(rows.map((r) => endpointJson(c.env, r))) });
});

webhookEndpointRoutes.post(
  '/',
  describeRoute({
    tags,
    summary: 'Register a webhook endpoint; the answer carries its signing secret, shown this once',
    description: `Deliveries follow Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature = "v1,<base64 HMAC-SHA256>"); body {type, timestamp, data}. Event types: ${SUBSCRIBABLE.join(', ')}. In production the URL must be https and may not name a private, loopback or link-local address.`,
  }),
  valid('json', CreateBody),
  async (c) => {
    const body = c.req.valid('json');
    checkTarget(c.env, body.url);
    const id = newId('whe');
    const secret = newSecret();
    await c.get('scope').insert(webhookEndpoints, {
      id,
      url: body.url,
      description: body.description ?? null,
      events: canonicalEvents(body.events),
      enabled: body.enabled ?? true,
      secretsEncrypted: await sealSecrets(c.env, { current: secret }),
    });
    return c.json({ ...(await endpointJson(c.env, await endpointOr404(c, id))), secret }, 201);
  },
);

webhookEndpointRoutes.get('/:id', describeRoute({ tags, summary: 'One webhook endpoint' }), async (c) => {
  return c.json(await endpointJson(c.env, await endpointOr404(c, c.req.param('id'))));
});

webhookEndpointRoutes.patch(
  '/:id',
  describeRoute({ tags, summary: 'Change a webhook endpoint; enabling one that was turned off for failing starts its failure count afresh' }),
  valid('json', UpdateBody),
  async (c) => {
    const row = await endpointOr404(c, c.req.param('id'));
    const body = c.req.valid('json');
    if (body.url !== undefined) checkTarget(c.env, body.url);
    const set: Partial<EndpointRow> = { updatedAt: Date.now() };
    if (body.url !== undefined) set.url = body.url;
    if (body.events !== undefined) set.events = canonicalEvents(body.events);
    if (body.description !== undefined) set.description = body.description;
    if (body.enabled !== undefined) {
      set.enabled = body.enabled;
      set.disabledReason = null;
      if (body.enabled && !row.enabled) Object.assign(set, { failingSince: null, consecutiveFailures: 0 });
    }
    await c.get('scope').update(webhookEndpoints, row.id, set);
    return c.json(await endpointJson(c.env, await endpointOr404(c, row.id)));
  },
);

webhookEndpointRoutes.delete('/:id', describeRoute({ tags, summary: 'Delete a webhook endpoint and its delivery log' }), async (c) => {
  const row = await endpointOr404(c, c.req.param('id'));
  const scope = c.get('scope');
  await scope.d1.batch([
    scope.prepare(`DELETE FROM webhook_attempts WHERE workspace_id = ? AND delivery_id IN (SELECT id FROM webhook_deliveries WHERE workspace_id = ?1 AND endpoint_id = ?2)`, row.id),
    scope.prepare(`DELETE FROM webhook_deliveries WHERE workspace_id = ? AND endpoint_id = ?`, row.id),
    scope.prepare(`DELETE FROM webhook_endpoints WHERE workspace_id = ? AND id = ?`, row.id),
  ]);
  return c.body(null, 204);
});

webhookEndpointRoutes.post(
  '/:id/rotate-secret',
  describeRoute({ tags, summary: 'A new signing secret, shown this once; the previous one keeps signing (a second v1 signature) for 24 hours' }),
  async (c) => {
    const row = await endpointOr404(c, c.req.param('id'));
    const secret = newSecret();
    const now = Date.now();
    const secrets = rotated(await openSecrets(c.env, row), secret, now);
    await c.get('scope').update(webhookEndpoints, row.id, { secretsEncrypted: await sealSecrets(c.env, secrets), updatedAt: now });
    return c.json({ ...(await endpointJson(c.env, await endpointOr404(c, row.id), now)), secret });
  },
);

webhookEndpointRoutes.get(
  '/:id/deliveries',
  describeRoute({ tags, summary: "An endpoint's deliveries, newest first, each with its attempts (status code, latency, error) and next retry" }),
  valid('query', DeliveriesQuery),
  async (c) => {
    const row = await endpointOr404(c, c.req.param('id'));
    const q = c.req.valid('query');
    const scope = c.get('scope');
    const limit = q.limit ?? 50;
    const rows = await scope.db
      .select()
      .from(webhookDeliveries)
      .where(scope.where(webhookDeliveries, eq(webhookDeliveries.endpointId, row.id), q.status ? eq(webhookDeliveries.status, q.status) : undefined, q.before ? lt(webhookDeliveries.id, q.before) : undefined))
      .orderBy(desc(webhookDeliveries.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    // D1 binds at most 100 parameters a statement: a full page (100 ids) plus the workspace is one too many.
    const attempts: (typeof webhookAttempts.$inferSelect)[] = [];
    for (let i = 0; i < page.length; i += 90) {
      const ids = page.slice(i, i + 90).map((d) => d.id);
      attempts.push(...(await scope.db.select().from(webhookAttempts).where(and(eq(webhookAttempts.workspaceId, scope.workspaceId), inArray(webhookAttempts.deliveryId, ids)))));
    }
    return c.json({
      items: page.map((d) => ({
        ...deliveryJson(d),
        attemptLog: attempts
          .filter((a) => a.deliveryId === d.id)
          .sort((a, b) => a.attempt - b.attempt)
          .map((a) => ({ attempt: a.attempt, at: a.at, statusCode: a.statusCode, latencyMs: a.latencyMs, error: a.error })),
      })),
      nextBefore: rows.length > limit ? page[page.length - 1].id : null,
    });
  },
);

function deliveryJson(d: typeof webhookDeliveries.$inferSelect) {
  return {
    id: d.id,
    webhookId: d.webhookId,
    eventId: d.eventId,
    type: d.type,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt : null,
    lastAttemptAt: d.lastAttemptAt,
    responseCode: d.lastStatusCode,
    latencyMs: d.lastLatencyMs,
    error: d.lastError,
    deliveredAt: d.deliveredAt,
    createdAt: d.createdAt,
  };
}

webhookEndpointRoutes.post(
  '/:id/deliveries/:deliveryId/retry',
  describeRoute({ tags, summary: 'Send a delivery again now (same webhook-id and body; a fresh timestamp and signature)' }),
  async (c) => {
    const row = await endpointOr404(c, c.req.param('id'));
    if (!row.enabled) throw Problem.conflict('The endpoint is disabled: enable it before retrying its deliveries', 'enabled');
    const scope = c.get('scope');
    const d = await scope.find(webhookDeliveries, c.req.param('deliveryId'));
    if (!d || d.endpointId !== row.id) throw Problem.notFound('Delivery');
    // Back to pending with the next attempt due now; a scheduled retry of the same attempt number loses the claim.
    await scope.db.update(webhookDeliveries).set({ status: 'pending', nextAttemptAt: Date.now() }).where(scope.where(webhookDeliveries, eq(webhookDeliveries.id, d.id)));
    await defaultFanOutDeps(c.env).enqueue([{ deliveryId: d.id, workspaceId: scope.workspaceId, attempt: d.attempts + 1 }]);
    return c.json(deliveryJson((await scope.find(webhookDeliveries, d.id))!), 202);
  },
);

webhookEndpointRoutes.post(
  '/:id/test',
  describeRoute({ tags, summary: 'Send a signed `ping` event to the endpoint (a delivery like any other, in its log)' }),
  async (c) => {
    const row = await endpointOr404(c, c.req.param('id'));
    if (!row.enabled) throw Problem.conflict('The endpoint is disabled: enable it before sending a test', 'enabled');
    const scope = c.get('scope');
    const now = Date.now();
    const id = newId('whd', now);
    // A ping is its own event: its id names it, so two pings are two deliveries.
    const eventId = `ping_${id.slice(4)}`;
    await scope.insert(webhookDeliveries, {
      id,
      endpointId: row.id,
      eventId,
      webhookId: webhookIdOf(eventId),
      type: PING,
      payload: bodyOf(PING, now, { endpointId: row.id, message: 'A test event from Parley: if its signature verifies, this endpoint is ready.' }),
      status: 'pending',
      attempts: 0,
      createdAt: now,
    });
    await defaultFanOutDeps(c.env).enqueue([{ deliveryId: id, workspaceId: scope.workspaceId, attempt: 1 }]);
    return c.json(deliveryJson((await scope.find(webhookDeliveries, id))!), 202);
  },
);
