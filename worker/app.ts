// The Hono app: one visible middleware chain, then the routes by area.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from './app-env';
import { aiRoutes } from './ai/routes';
import { authRoutes } from './auth/routes';
import { channelRoutes } from './channels/routes';
import { simulatorRoutes } from './channels/simulator-routes';
import { contactRoutes } from './contacts/routes';
import { liveRoutes } from './conversations/live-routes';
import { conversationRoutes } from './conversations/routes';
import { seedDemo } from './dev/seed';
import { mountDocs } from './docs/routes';
import { emailDevRoutes } from './email/handler';
import { fileRoutes } from './files/routes';
import { MAX_UPLOAD_BYTES } from './files/attachments';
import { onError, Problem, problemResponse } from './http/problem';
import { ingestApiRoutes } from './ingest/admin-routes';
import { webhookRoutes } from './ingest/routes';
import { inboxRoutes } from './inboxes/routes';
import { seedDemoKnowledge } from './kb/demo';
import { kbRoutes } from './kb/routes';
import { replyRoutes } from './replies/routes';
import { routingRoutes } from './routing/routes';
import { slaRoutes } from './sla/routes';
import { alertRoutes } from './sla/alert-routes';
import { rosterSync } from './routing/sync';
import { suggestionRoutes } from './suggestions/routes';
import { userRoutes } from './users/routes';
import { demoPage, widgetRoutes } from './webchat/routes';

const api = new Hono<AppEnv>();
api.route('/', authRoutes);
// Closing a conversation (one or in bulk) summarizes it in the background: worker/ai/summaries.ts.
api.route('/', conversationRoutes);
api.route('/', contactRoutes);
api.route('/', inboxRoutes);
// User, team and workspace changes reach the router (capacity, skills, memberships, business hours) once saved.
for (const path of ['/users', '/users/*', '/teams', '/teams/*', '/workspace']) api.use(path, rosterSync);
api.route('/', userRoutes);
api.route('/', fileRoutes);
api.route('/', liveRoutes);
api.route('/', kbRoutes);
api.route('/', replyRoutes);
api.route('/', suggestionRoutes);
api.route('/', aiRoutes);
api.route('/', routingRoutes);
api.route('/', slaRoutes);
api.route('/', alertRoutes);
api.route('/', channelRoutes);
api.route('/', ingestApiRoutes);
api.route('/', emailDevRoutes);
api.route('/', simulatorRoutes);
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

export const app = new Hono<{ Bindings: Env }>();
app.onError(onError);
const apiHeaders = secureHeaders({ crossOriginResourcePolicy: 'same-origin' });
// A 101 from a Durable Object carries immutable headers; upgrades pass through untouched.
app.use('/api/*', (c, next) => (c.req.header('upgrade') === 'websocket' ? next() : apiHeaders(c, next)));
app.use('/api/*', async (c, next) => {
  const limit = c.req.path === '/api/files' ? MAX_UPLOAD_BYTES : 1024 * 1024;
  return bodyLimit({ maxSize: limit, onError: () => problemResponse(new Problem(413, 'Payload too large', `Request bodies are limited to ${limit} bytes`)) })(c, next);
});
app.use('/widget/api/*', bodyLimit({ maxSize: 64 * 1024, onError: () => problemResponse(new Problem(413, 'Payload too large')) }));
app.get('/healthz', (c) => c.json({ ok: true }));
app.get('/demo', demoPage);
app.route('/widget/api', widgetRoutes);
app.route('/webhooks', webhookRoutes);
app.route('/api', api);
mountDocs(app);
app.all('/api/*', () => problemResponse(Problem.notFound('Route')));
app.notFound((c) => (c.env.ASSETS ? c.env.ASSETS.fetch(c.req.raw) : problemResponse(Problem.notFound('Route'))));
