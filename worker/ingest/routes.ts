// POST /webhooks/:channel/:inboxId (and GET for endpoint verification): find the inbox, check the
// channel gate, verify the provider's signature in constant time (401, nothing stored), check the body
// parses (400), put the raw request on the INGEST queue and answer the provider at once.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { acceptsWebhooks, adapterFor } from '../channels/registry';
import type { RawWebhook } from '../channels/types';
import { Problem, problemResponse } from '../http/problem';
import { loadInbox } from './inboxes';
import { spillLargeBody, type IngestJob } from './jobs';

export const MAX_WEBHOOK_BYTES = 1024 * 1024;

/** Headers worth keeping with the job: signatures and provider metadata, never credentials or cookies. */
const KEEP_HEADER = /^(content-type|user-agent|x-[\w-]+|webhook-[\w-]+|svix-[\w-]+|tiktok-signature|rappi-signature)$/;

function headersOf(req: Request): Record<string, string> {
  const all: Record<string, string> = {};
  req.headers.forEach((v, k) => (all[k.toLowerCase()] = v));
  return all;
}

export function keptHeaders(all: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(all).filter(([k]) => KEEP_HEADER.test(k) && !/authorization|cookie/.test(k)));
}

type WebhookEnv = { Bindings: Env };

async function target(c: Context<WebhookEnv>) {
  const channel = c.req.param('channel') ?? '';
  const adapter = adapterFor(channel);
  if (!adapter || !acceptsWebhooks(adapter)) throw Problem.notFound(`Webhook channel "${channel}"`);
  const inbox = await loadInbox(c.env, c.req.param('inboxId') ?? '');
  if (!inbox || inbox.channel !== channel) throw Problem.notFound('Inbox');
  if (!inbox.enabled) throw Problem.forbidden('This inbox is disabled');
  if (!inbox.channelEnabled) throw Problem.forbidden(`The ${adapter.label} channel is not enabled for this workspace`);
  return { adapter, inbox };
}

/**
 * The body as text that encodes back to exactly the bytes received, so a signature checked over the
 * text is a signature over the raw bytes. A lenient decoder would map different byte sequences (any
 * invalid UTF-8) to the same text, and one signed body would then vouch for others; a stripped BOM
 * would make a genuine signature fail. Providers send UTF-8, so anything else is refused.
 */
function exactText(bytes: ArrayBuffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw Problem.badRequest('(body)', 'is not valid UTF-8');
  }
}

export const webhookRoutes = new Hono<WebhookEnv>();

webhookRoutes.use('*', bodyLimit({ maxSize: MAX_WEBHOOK_BYTES, onError: () => problemResponse(new Problem(413, 'Payload too large', `Webhook bodies are limited to ${MAX_WEBHOOK_BYTES} bytes`)) }));

webhookRoutes.get('/:channel/:inboxId', async (c) => {
  const { adapter, inbox } = await target(c);
  const answer = adapter.challenge?.(new URL(c.req.url), inbox.config);
  if (!answer) throw new Problem(405, 'Method not allowed', `${adapter.label} webhooks are POSTed`);
  return answer;
});

webhookRoutes.post('/:channel/:inboxId', async (c) => {
  const { adapter, inbox } = await target(c);
  const headers = headersOf(c.req.raw);
  const raw: RawWebhook = { method: 'POST', url: c.req.url, headers, body: exactText(await c.req.arrayBuffer()), receivedAt: Date.now() };
  const failure = adapter.verify ? await adapter.verify(raw, inbox.config) : 'this channel has no signature check';
  if (failure) throw Problem.unauthorized(`Signature check failed: ${failure}`);

  if (adapter.bodyFormat === 'json') {
    try {
      JSON.parse(raw.body);
    } catch {
      throw Problem.badRequest('(body)', 'is not valid JSON');
    }
  } else if (adapter.bodyFormat === 'form') {
    const type = headers['content-type'] ?? '';
    if (!type.includes('application/x-www-form-urlencoded')) throw new Problem(415, 'Unsupported media type', 'Expected application/x-www-form-urlencoded');
  }

  const job = await spillLargeBody(c.env, { kind: 'webhook', workspaceId: inbox.workspaceId, inboxId: inbox.id, channel: inbox.channel, raw: { ...raw, headers: keptHeaders(headers) } } satisfies IngestJob);
  try {
    await c.env.INGEST.send(job, { contentType: 'json' });
  } catch (err) {
    // Not accepted, so the provider must retry: never a 200 for something we could not keep.
    console.error(`INGEST send failed: ${String(err)}`);
    return problemResponse(new Problem(503, 'Service unavailable', 'The webhook could not be queued; please retry'));
  }
  return adapter.ack ? adapter.ack(raw, inbox) : c.body(null, 200);
});
