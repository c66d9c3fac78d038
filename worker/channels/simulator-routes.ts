// Development-only simulator endpoints: POST /api/dev/simulate builds a provider-exact, signed webhook
// for one of this workspace's inboxes (the caller sends it, like the provider would), and
// GET /api/dev/simulator is a page that does so from the browser and shows the sandboxed outbound
// as the customer's phone would. Both answer 404 outside development and tests.
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { Problem } from '../http/problem';
import { valid } from '../http/validate';
import { loadInbox } from '../ingest/inboxes';
import { simulatedEmail, simulateTemplateStatus, simulateWebhook } from './simulator';
import { findTemplate } from '../templates/store';
import { metaLanguage } from '../templates/whatsapp-format';
import { htmlResponse } from '../http/security-headers';
import { SIMULATOR_SCRIPT, SIMULATOR_STYLE, simulatorPage } from './simulator-page';

const devOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (c.env.ENVIRONMENT !== 'development' && c.env.ENVIRONMENT !== 'test') throw Problem.notFound('Route');
  await next();
});

/** The simulator page itself (development only): public, it signs in through the API like the app. */
export const simulatorPageRoutes = new Hono<AppEnv>();
simulatorPageRoutes.get('/simulator', devOnly, (c) => htmlResponse(c.req.url, simulatorPage(), { scripts: [SIMULATOR_SCRIPT], styles: [SIMULATOR_STYLE] }));

/** Sending a simulated provider webhook: a signed-in manager, development only. */
export const simulatorRoutes = new Hono<AppEnv>();
simulatorRoutes.use('/simulate', devOnly);

const SimulateBody = v.object({
  inboxId: v.string(),
  text: v.pipe(v.string(), v.minLength(1), v.maxLength(4000)),
  from: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
  name: v.optional(v.pipe(v.string(), v.maxLength(200))),
  id: v.optional(v.pipe(v.string(), v.maxLength(200))),
  extra: v.optional(v.record(v.string(), v.pipe(v.string(), v.maxLength(500)))),
});

simulatorRoutes.post('/simulate', requireRole('manager'), valid('json', SimulateBody), async (c) => {
  const body = c.req.valid('json');
  const inbox = await loadInbox(c.env, body.inboxId);
  if (!inbox || inbox.workspaceId !== c.get('principal').workspaceId) throw Problem.badRequest('inboxId', 'no such inbox in this workspace');
  const origin = new URL(c.req.url).origin;
  if (inbox.channel === 'email') {
    const to = String(inbox.config.address ?? '');
    if (!to) throw Problem.badRequest('inboxId', 'the e-mail inbox has no address configured');
    const from = body.from ?? 'guest@example.com';
    const raw = simulatedEmail({ from, name: body.name, to, subject: body.extra?.subject ?? 'Question about my stay', text: body.text, inReplyTo: body.extra?.inReplyTo });
    return c.json({ channel: 'email', method: 'POST', url: `${origin}/api/dev/email?to=${encodeURIComponent(to)}&from=${encodeURIComponent(from)}`, headers: { 'content-type': 'message/rfc822' }, body: raw });
  }
  if (inbox.channel === 'webchat') throw Problem.badRequest('inboxId', 'web chat has no webhook: use the widget on /demo');
  try {
    const hook = await simulateWebhook({ channel: inbox.channel, inboxId: inbox.id, config: inbox.config, origin, text: body.text, from: body.from, name: body.name, id: body.id, extra: body.extra });
    return c.json({ channel: inbox.channel, ...hook });
  } catch (err) {
    throw Problem.badRequest('inboxId', err instanceof Error ? err.message : String(err));
  }
});

const TemplateVerdictBody = v.object({
  templateId: v.pipe(v.string(), v.maxLength(100)),
  event: v.picklist(['APPROVED', 'REJECTED', 'PENDING', 'PAUSED', 'DISABLED'], 'must be APPROVED, REJECTED, PENDING, PAUSED or DISABLED'),
  reason: v.optional(v.pipe(v.string(), v.maxLength(200))),
});

/** Meta's side of a template review: the signed status webhook for a submitted template (the caller sends it, as Meta would). */
simulatorRoutes.post('/simulate/template-status', devOnly, requireRole('manager'), valid('json', TemplateVerdictBody), async (c) => {
  const body = c.req.valid('json');
  const template = await findTemplate(c.get('scope'), body.templateId);
  if (!template) throw Problem.badRequest('templateId', 'no such template in this workspace');
  if (!template.inboxId || !template.providerTemplateId) throw Problem.badRequest('templateId', 'the template has not been submitted for review');
  const inbox = await loadInbox(c.env, template.inboxId);
  if (!inbox || inbox.workspaceId !== c.get('principal').workspaceId) throw Problem.badRequest('templateId', 'the inbox it was submitted through is gone');
  const hook = await simulateTemplateStatus({
    inboxId: inbox.id,
    config: inbox.config,
    origin: new URL(c.req.url).origin,
    providerTemplateId: template.providerTemplateId,
    name: template.name,
    language: metaLanguage(template.language),
    event: body.event,
    reason: body.reason ?? null,
  });
  return c.json({ channel: 'whatsapp', ...hook });
});
