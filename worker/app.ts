// The Hono app: one visible middleware chain (headers, body limits, then for /api: the public routes,
// authentication once, the areas), and the public surfaces (widget, webhooks, docs, assets).
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from './app-env';
import { aiRoutes } from './ai/routes';
import { analyticsRoutes } from './analytics/routes';
import { workflowRoutes, workflowRunRoutes } from './automation/routes';
import { audienceRoutes } from './audiences/routes';
import { broadcastRoutes } from './broadcasts/routes';
import { trackingRoutes } from './broadcasts/tracking-routes';
import { inboxBotRoutes } from './automation/bot-routes';
import { requireAuth } from './auth/middleware';
import { passwordRoutes, publicPasswordRoutes } from './auth/password-routes';
import { authRoutes, publicAuthRoutes } from './auth/routes';
import { channelRoutes } from './channels/routes';
import { simulatorPageRoutes, simulatorRoutes } from './channels/simulator-routes';
import { contactBulkRoutes } from './contacts/bulk-routes';
import { MAX_IMPORT_BYTES } from './contacts/import';
import { csatPublicRoutes } from './csat/public-routes';
import { csatRoutes } from './csat/routes';
import { followUpRoutes } from './follow-ups/routes';
import { contactContextRoutes } from './contacts/context-routes';
import { mergeSuggestionRoutes } from './contacts/merge-suggestion-routes';
import { contactRoutes } from './contacts/routes';
import { memoryRoutes } from './memories/routes';
import { widgetSessionRoutes } from './contacts/widget-session-routes';
import { presenceRoutes } from './presence/routes';
import { notificationRoutes } from './notifications/routes';
import { conversationRoutes } from './conversations/routes';
import { seedDemo } from './dev/seed';
import { mountDocs } from './docs/routes';
import { emailDevRoutes } from './email/handler';
import { fileDownloadRoutes, fileRoutes } from './files/routes';
import { MAX_UPLOAD_BYTES } from './files/attachments';
import { refuseCrossOriginCookies } from './http/origin-check';
import { onError, Problem, problemResponse } from './http/problem';
import { ingestApiRoutes } from './ingest/admin-routes';
import { webhookRoutes } from './ingest/routes';
import { inboxRoutes } from './inboxes/routes';
import { seedDemoKnowledge } from './kb/demo';
import { kbRoutes } from './kb/routes';
import { replyRoutes } from './replies/routes';
import { routingRoutes } from './routing/routes';
import { automationRoutes } from './sla/automation-routes';
import { escalationPathRoutes } from './sla/escalation-path-routes';
import { escalationRoutes } from './sla/escalation-routes';
import { slaPolicyRoutes } from './sla/policy-routes';
import { alertRoutes } from './alerts/routes';
import { suggestionRoutes } from './suggestions/routes';
import { userRoutes } from './users/routes';
import { teamRoutes } from './teams/routes';
import { tagRoutes } from './tags/routes';
import { templateRoutes } from './templates/routes';
import { workspaceRoutes } from './workspaces/routes';
import { securityHeaders } from './http/security-headers';
import { demoPage, widgetFrame, widgetRoutes } from './webchat/routes';
import { webhookEndpointRoutes } from './webhooks/routes';
import { businessHoursRoutes } from './business-hours/routes';
import { profileRoutes } from './users/profile';
import { viewRoutes } from './views/routes';
import { appShell } from './users/theme';

const api = new Hono<AppEnv>();
// 1. Public: sign-up, login and password reset links, signed file links, and the development helpers (each refuses outside development).
api.route('/auth', publicAuthRoutes);
api.route('/auth', publicPasswordRoutes);
api.route('/dev', emailDevRoutes);
api.route('/dev', simulatorPageRoutes);
api.route('/files', fileDownloadRoutes);
api.post('/dev/seed', async (c) => {
  if (c.env.ENVIRONMENT !== 'development') throw Problem.notFound('Route');
  const seeded = await seedDemo(c.env);
  await seedDemoKnowledge(c.env, seeded.workspaceId);
  return c.json(seeded);
});
// The floor for benchmarks: Worker → Durable Object → one SQLite write → back. Development only.
api.post('/dev/probe/:n', async (c) => {
  if (c.env.ENVIRONMENT !== 'development') throw Problem.notFound('Route');
  const stub = c.env.PROBES.get(c.env.PROBES.idFromName(c.req.param('n')));
  return c.json({ n: await stub.write() });
});
// 2. Everything else is for a signed-in caller, authenticated once, here (an anonymous caller learns
// nothing of which routes exist: 401 before 404). Roles are checked by each route.
api.use('*', requireAuth);
// 3. The areas, each at its own prefix where it has one; areas whose routes hang under several
// resources (the AI, routing, presence, escalations, suggestions) mount at the root.
api.route('/', authRoutes);
api.route('/auth', passwordRoutes);
api.route('/conversations', conversationRoutes);
api.route('/audiences', audienceRoutes);
api.route('/broadcasts', broadcastRoutes);
// Bulk paths before the contact routes: /contacts/import and /contacts/export.csv are not contact ids.
api.route('/contacts', contactBulkRoutes);
api.route('/conversations', followUpRoutes);
api.route('/contacts', contactRoutes);
api.route('/contacts', mergeSuggestionRoutes);
api.route('/contacts', contactContextRoutes);
api.route('/contacts', memoryRoutes);
api.route('/contacts', widgetSessionRoutes);
api.route('/inboxes', inboxRoutes);
api.route('/users', userRoutes);
api.route('/me', profileRoutes);
api.route('/business-hours', businessHoursRoutes);
api.route('/teams', teamRoutes);
api.route('/tags', tagRoutes);
api.route('/workspace', workspaceRoutes);
api.route('/files', fileRoutes);
api.route('/', presenceRoutes);
api.route('/', notificationRoutes);
api.route('/kb', kbRoutes);
api.route('/saved-replies', replyRoutes);
api.route('/views', viewRoutes);
api.route('/templates', templateRoutes);
api.route('/', suggestionRoutes);
api.route('/', aiRoutes);
api.route('/', routingRoutes);
api.route('/sla', slaPolicyRoutes);
api.route('/automation', automationRoutes);
// Paths before the queue: /escalations/paths is never taken for an escalation id.
api.route('/escalations', escalationPathRoutes);
api.route('/', escalationRoutes);
api.route('/', alertRoutes);
api.route('/analytics', analyticsRoutes);
api.route('/workflows', workflowRoutes);
api.route('/workflow-runs', workflowRunRoutes);
api.route('/', csatRoutes);
api.route('/inboxes', inboxBotRoutes);
api.route('/channels', channelRoutes);
api.route('/webhook-endpoints', webhookEndpointRoutes);
api.route('/admin', ingestApiRoutes);
api.route('/dev', simulatorRoutes);

export const app = new Hono<{ Bindings: Env }>();
app.onError(onError);
// Outermost: nosniff, Referrer-Policy and HSTS on everything, and a strict CSP on any HTML without its own.
app.use('*', securityHeaders);
const apiHeaders = secureHeaders({ crossOriginResourcePolicy: 'same-origin' });
// A 101 from a Durable Object carries immutable headers; upgrades pass through untouched.
app.use('/api/*', (c, next) => (c.req.header('upgrade') === 'websocket' ? next() : apiHeaders(c, next)));
app.use('/api/*', async (c, next) => {
  // CSV imports are files too (multipart overhead on top): their route checks the file's own size.
  const limit = c.req.path === '/api/files' ? MAX_UPLOAD_BYTES : c.req.path === '/api/contacts/import' ? MAX_IMPORT_BYTES + 64 * 1024 : 1024 * 1024;
  return bodyLimit({ maxSize: limit, onError: () => problemResponse(new Problem(413, 'Payload too large', `Request bodies are limited to ${limit} bytes`)) })(c, next);
});
// Before any route (the public ones too, and socket upgrades): the cookie is only good from our own pages.
app.use('/api/*', refuseCrossOriginCookies);
app.use('/widget/api/*', bodyLimit({ maxSize: 64 * 1024, onError: () => problemResponse(new Problem(413, 'Payload too large')) }));
app.get('/healthz', (c) => c.json({ ok: true }));
app.get('/demo', demoPage);
app.get('/widget/frame.html', widgetFrame);
app.route('/widget/api', widgetRoutes);
app.route('/webhooks', webhookRoutes);
app.use('/csat/*', bodyLimit({ maxSize: 16 * 1024, onError: () => problemResponse(new Problem(413, 'Payload too large')) }));
app.route('/csat', csatPublicRoutes);
// Broadcast link, open and unsubscribe tracking: public, the recipient's token is the credential.
app.route('/', trackingRoutes);
// The API's description is public: mounted before /api, whose chain authenticates.
mountDocs(app);
app.route('/api', api);
app.all('/api/*', () => problemResponse(Problem.notFound('Route')));
app.notFound((c) => (c.env.ASSETS ? appShell(c.env.ASSETS, c.req.raw) : problemResponse(Problem.notFound('Route'))));
