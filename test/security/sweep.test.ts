// The sweep: every operation in /api/openapi.json, tried without credentials, from another
// workspace with this one's ids, by each lower role, and with malformed bodies and query values.
// It fails on a 5xx anywhere, on an error that is not problem+json, on any 2xx where the caller has
// no right, and on an operation nobody has classified. A new endpoint is covered the day it is
// documented: the tables below must say who may call it, or this test names it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createTeam, listWhen, newWorkspace, visitorConversation, webchatInbox, type Res, type Workspace } from '../helpers';
import { fillPath, malformedBodies, minimalValue, operations, send, sent, type Operation } from './openapi-sweep';

/** Reachable without credentials (each has its own check: a password, a signed link, a visitor token, development only). */
const PUBLIC = new Set(['POST /api/auth/signup', 'POST /api/auth/login', 'POST /api/auth/password-reset', 'POST /api/auth/password-reset/confirm', 'GET /widget/api/messages', 'POST /widget/api/messages', 'GET /widget/api/csat/{surveyId}', 'GET /csat/{token}/survey', 'POST /csat/{token}', 'POST /u/{token}']);

/**
 * What the lower roles may change (any method but GET) successfully. Everything else must be refused to
 * them (or fail on input), whatever body they send.
 */
const PERSONAL_MAY = new Set([
  'POST /api/auth/logout',
  'POST /api/auth/password',
  'POST /api/api-keys',
  'DELETE /api/api-keys/{id}',
  'POST /api/conversations',
  'PATCH /api/conversations/{id}',
  'POST /api/conversations/{id}/messages',
  'POST /api/conversations/{id}/read',
  'POST /api/conversations/{id}/unread',
  'POST /api/conversations/{id}/follow-ups',
  'DELETE /api/conversations/{id}/follow-ups/{fid}',
  'PATCH /api/conversations/{id}/scheduled-messages/{sid}',
  'DELETE /api/conversations/{id}/scheduled-messages/{sid}',
  'POST /api/conversations/bulk',
  // Resolve with a closing note (their own visible conversations) and download the selection (rows they may see).
  'POST /api/conversations/{id}/resolve',
  'POST /api/conversations/bulk/export',
  'POST /api/contacts',
  'PATCH /api/contacts/{id}',
  'POST /api/contacts/{id}/memories',
  'PATCH /api/contacts/{id}/memories/{memoryId}',
  'DELETE /api/contacts/{id}/memories/{memoryId}',
  'PUT /api/me/presence',
  'POST /api/me/notifications/read',
  'PUT /api/me/notification-preferences',
  'POST /api/me/push-tokens',
  'DELETE /api/me/push-tokens/{id}',
  'POST /api/me/push-subscriptions',
  'DELETE /api/me/push-subscriptions/{id}',
  'POST /api/files',
  'POST /api/saved-replies/{id}/render',
  'POST /api/conversations/{id}/assistant/take-over',
  'POST /api/conversations/{id}/assistant/resume',
  'POST /api/conversations/{id}/summary',
  'POST /api/conversations/{id}/transfer',
  'POST /api/conversations/{id}/takeover',
  'POST /api/conversations/{id}/escalate',
  'POST /api/escalations/{id}/notes',
  'POST /api/escalations/{id}/resolve',
  'POST /api/ai/sentiment',
  'POST /api/channels/compose',
  'POST /api/channels/sms/segments',
  'POST /api/templates/count-sms',
  // Everyone's own profile (name, picture, time zone, language, theme, signatures).
  'PATCH /api/me/profile',
  // Everyone's own saved views (sharing, and changing a shared one, stay with managers: worker/views/store.ts).
  'POST /api/views',
  'PATCH /api/views/{id}',
  'DELETE /api/views/{id}',
  'PUT /api/views/order',
]);
/** Staff also merge contacts, add tags, and edit the knowledge base and saved replies (the editors' role). */
const STAFF_MAY = new Set([
  ...PERSONAL_MAY,
  'POST /api/contacts/{id}/merge',
  'POST /api/contacts/{id}/merge-suggestions/{sid}/dismiss',
  'POST /api/contacts/{id}/widget-sessions/revoke',
  'POST /api/tags',
  'POST /api/kb/articles',
  'PATCH /api/kb/articles/{id}',
  'DELETE /api/kb/articles/{id}',
  'POST /api/kb/articles/{id}/refetch',
  'POST /api/kb/articles/{id}/restore',
  'POST /api/kb/files',
  'POST /api/kb/import-url',
  'POST /api/kb/categories',
  'PATCH /api/kb/categories/{id}',
  'DELETE /api/kb/categories/{id}',
  'POST /api/saved-replies',
  'PATCH /api/saved-replies/{id}',
  'DELETE /api/saved-replies/{id}',
  'POST /api/saved-replies/preview',
]);

/** Reads refused to both lower roles (any other GET may answer them, scoped to what their role sees). */
const MANAGER_READS = new Set([
  // Workflow documents and runs: a document may hold a third party's credentials, a run other conversations' data.
  'GET /api/workflows/{id}',
  'GET /api/workflows/{id}/versions',
  'GET /api/workflows/{id}/runs',
  'GET /api/workflow-runs/{runId}',
  'GET /api/channels/sandbox/outbound',
  'GET /api/admin/dead-letters',
  'GET /api/admin/dead-letters/{id}',
  'GET /api/routing/settings',
  'GET /api/webhook-endpoints',
  'GET /api/webhook-endpoints/{id}',
  'GET /api/webhook-endpoints/{id}/deliveries',
  // Audiences, imports and exports read the whole contact directory: managers only (worker/audiences/routes.ts).
  'GET /api/audiences',
  'GET /api/audiences/{id}',
  'GET /api/audiences/{id}/contacts',
  'GET /api/contacts/imports/{id}',
  'GET /api/contacts/imports/{id}/errors.csv',
  'GET /api/contacts/export.csv',
  // Broadcasts reach a whole audience of the contact directory: managers only (worker/broadcasts/routes.ts).
  'GET /api/broadcasts',
  'GET /api/broadcasts/{id}',
  'GET /api/broadcasts/{id}/recipients',
]);

/** Operations the sweep does not call as written (why, each). */
const SKIP = new Map<string, string>([
  ['GET /api/conversations/{id}/ws', 'a WebSocket upgrade: covered by the socket tests'],
  ['GET /api/live', 'a WebSocket upgrade: covered by the socket tests'],
  ['POST /api/dev/simulate', 'development only (404 elsewhere): checked without credentials only'],
  ['POST /api/dev/simulate/template-status', 'development only (404 elsewhere): checked without credentials only'],
]);

let A: Workspace;
let B: Workspace;
let staff: Awaited<ReturnType<typeof addMember>>;
let personal: Awaited<ReturnType<typeof addMember>>;
let ops: Operation[];
/** Workspace A's ids by the path segment that names them. */
const idsA: Record<string, string> = {};

async function created(res: Res, what: string): Promise<string> {
  if (res.status !== 201 && res.status !== 200) throw new Error(`fixture ${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id ?? res.body.item?.id;
}

beforeAll(async () => {
  [A, B] = await Promise.all([newWorkspace('Sweep A'), newWorkspace('Sweep B')]);
  [staff, personal] = await Promise.all([addMember(A, 'staff'), addMember(A, 'personal')]);
  const inbox = await webchatInbox(A);
  const conv = await visitorConversation(inbox.websiteToken, 'Hello from the sweep', { name: 'Sweep Guest', email: 'guest@example.com' });
  await listWhen(A.token, {}, (p) => p.items.some((i) => i.id === conv.id));
  const t = A.token;
  Object.assign(idsA, {
    conversations: conv.id,
    contacts: conv.contactId,
    inboxes: inbox.id,
    users: staff.userId,
    teams: await createTeam(A, 'Sweep team'),
    tags: await created(await call('POST', '/api/tags', { token: t, body: { name: 'sweep' } }), 'tag'),
    'api-keys': await created(await call('POST', '/api/api-keys', { token: t, body: { name: 'sweep' } }), 'api key'),
    'saved-replies': await created(await call('POST', '/api/saved-replies', { token: t, body: { name: 'Sweep', shortcut: 'sweep', text: 'Hello' } }), 'saved reply'),
    articles: await created(await call('POST', '/api/kb/articles', { token: t, body: { title: 'Parking', body: '<p>Free garage space.</p>', status: 'published' } }), 'article'),
    categories: await created(await call('POST', '/api/kb/categories', { token: t, body: { name: 'Arrival' } }), 'category'),
    rules: await created(await call('POST', '/api/routing/rules', { token: t, body: { name: 'Sweep', conditions: [{ type: 'channel', values: ['sms'] }], actions: { priority: 'high' } } }), 'routing rule'),
    policies: await created(await call('POST', '/api/sla/policies', { token: t, body: { name: 'Sweep', targets: { firstResponse: 3600_000 } } }), 'SLA policy'),
    'webhook-endpoints': await created(await call('POST', '/api/webhook-endpoints', { token: t, body: { url: 'https://hooks.example.com/sweep', events: ['*'] } }), 'webhook endpoint'),
    templates: await created(await call('POST', '/api/templates', { token: t, body: { name: 'sweep_template', channel: 'whatsapp', category: 'utility', language: 'en', body: 'Hello {{1}}, welcome.', variables: { '1': 'contact.first_name' } } }), 'template'),
    views: await created(await call('POST', '/api/views', { token: t, body: { name: 'Sweep', filters: { status: ['open'] }, shared: true } }), 'saved view'),
    paths: await created(await call('POST', '/api/escalations/paths', { token: t, body: { name: 'Sweep', triggers: ['manual'], levels: [{ delayMs: 0, actions: [{ type: 'flag' }] }] } }), 'escalation path'),
  });
  idsA.workflows = await created(
    await call('POST', '/api/workflows', { token: t, body: { name: 'Sweep', enabled: true, trigger: { type: 'manual' }, steps: [{ type: 'action', action: 'add_tag', params: { tag: 'sweep' } }] } }),
    'workflow',
  );
  const run = await call('POST', `/api/workflows/${idsA.workflows}/run`, { token: t, body: { conversationId: conv.id } });
  if (run.status !== 202) throw new Error(`fixture workflow run: ${run.status} ${JSON.stringify(run.body)}`);
  idsA['workflow-runs'] = run.body.runId;
  idsA['ai-alerts/rules'] = await created(
    await call('POST', '/api/ai-alerts/rules', { token: t, body: { name: 'Sweep', conditions: [{ type: 'keywords', any: ['refund'] }], actions: [{ type: 'set_priority', priority: 'high' }] } }),
    'alert rule',
  );
  const sms = await created(await call('POST', '/api/inboxes', { token: t, body: { channel: 'sms', name: 'Sweep SMS', config: { accountSid: 'AC0123456789', authToken: 'sweep', phoneNumber: '+15550001111' } } }), 'sms inbox');
  const smsTemplate = await created(await call('POST', '/api/templates', { token: t, body: { name: 'sweep_sms', channel: 'sms', category: 'marketing', language: 'en', body: 'Hello' } }), 'sms template');
  idsA.broadcasts = await created(
    await call('POST', '/api/broadcasts', { token: t, body: { name: 'Sweep', inboxId: sms, templateId: smsTemplate, filter: { field: 'tags', op: 'has', value: 'sweep' } } }),
    'broadcast',
  );
  ops = await operations();
}, 120_000);

afterAll(() => {
  console.log(`sweep: ${ops.length} operations, ${sent.count} requests`);
});

/** A's id for a `{param}`, by the segment before it; a well-formed id that exists nowhere when the sweep has none. */
function idA(before: string, param: string, path: string): string {
  if (param === 'inboxId') return idsA.inboxes;
  if (param === 'key') return 'webchat';
  if (param === 'version') return '1';
  if (path.includes('/ai-alerts/rules/')) return idsA['ai-alerts/rules'];
  return idsA[before] ?? 'zz_00000000000000000000000000';
}
const pathA = (op: Operation) => fillPath(op.path, (before, param) => idA(before, param, op.path));
const bodyOf = (op: Operation) => (op.hasBody ? JSON.stringify(minimalValue(op.bodySchema ?? undefined)) : undefined);

function check5xx(res: Res, what: string, failures: string[]) {
  // 502: a page the caller asked us to fetch is unreachable (no network here): their problem, told as one.
  const upstream = res.status === 502 && res.headers.get('content-type')?.startsWith('application/problem+json');
  if (res.status >= 500 && !upstream) failures.push(`${what} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
  else if (res.status >= 400 && !res.headers.get('content-type')?.startsWith('application/problem+json')) failures.push(`${what} → ${res.status} not problem+json (${res.headers.get('content-type')})`);
}

/** GETs first, deletions last: a role allowed to delete must not take the fixture away from the checks after it. */
function ordered(list: Operation[]): Operation[] {
  const rank = (op: Operation) => (op.method === 'GET' ? 0 : op.method === 'DELETE' ? 2 : 1);
  return [...list].filter((op) => !SKIP.has(op.key) && op.key !== 'POST /api/auth/logout').sort((a, b) => rank(a) - rank(b));
}

describe('the OpenAPI sweep', () => {
  it('documents a fair number of operations (the sweep is not sweeping nothing)', () => {
    expect(ops.length).toBeGreaterThan(120);
  });

  it('without credentials: every non-public operation is 401 problem+json', async () => {
    const failures: string[] = [];
    for (const op of ops) {
      if (PUBLIC.has(op.key) || op.path.startsWith('/widget/')) continue;
      const res = await send(op.method, pathA(op), { body: bodyOf(op) });
      if (res.status !== 401) failures.push(`${op.key} → ${res.status}`);
      check5xx(res, `${op.key} anonymous`, failures);
    }
    expect(failures).toEqual([]);
  });

  it("from another workspace: no operation on this workspace's ids succeeds", async () => {
    const failures: string[] = [];
    for (const op of ordered(ops)) {
      const ids = op.pathParams.filter((p) => p !== 'key' && p !== 'version');
      if (ids.length === 0 || op.path.startsWith('/widget/')) continue;
      const res = await send(op.method, pathA(op), { token: B.token, body: bodyOf(op) });
      if (res.status < 300) failures.push(`${op.key} as B's manager → ${res.status}`);
      check5xx(res, `${op.key} as B`, failures);
    }
    expect(failures).toEqual([]);
  });

  for (const role of ['staff', 'personal'] as const) {
    it(`as ${role}: no 2xx outside what the role may do`, async () => {
      const who = role === 'staff' ? staff : personal;
      const may = role === 'staff' ? STAFF_MAY : PERSONAL_MAY;
      const failures: string[] = [];
      for (const op of ordered(ops)) {
        if (op.path.startsWith('/widget/') || PUBLIC.has(op.key)) continue;
        const res = await send(op.method, pathA(op), { token: who.token, body: bodyOf(op) });
        check5xx(res, `${op.key} as ${role}`, failures);
        if (res.status >= 300) continue;
        const allowed = op.method === 'GET' ? !MANAGER_READS.has(op.key) : may.has(op.key);
        if (!allowed) failures.push(`${op.key} as ${role} → ${res.status}`);
      }
      expect(failures).toEqual([]);
    });
  }

  it('malformed bodies and query values: never a 5xx, every error problem+json', async () => {
    const failures: string[] = [];
    for (const op of ordered(ops)) {
      if (op.path.startsWith('/widget/')) continue;
      const path = pathA(op);
      if (op.hasBody) {
        for (const { label, body } of malformedBodies(op.bodySchema)) {
          check5xx(await send(op.method, path, { token: A.token, body }), `${op.key} body ${label}`, failures);
        }
        check5xx(await send(op.method, path, { token: A.token, body: 'name=x', contentType: 'application/x-www-form-urlencoded' }), `${op.key} form body`, failures);
      }
      for (const q of op.query) {
        for (const value of ['x'.repeat(5000), '-1', '1e400', '%00', '[]', "' OR 1=1 --"]) {
          check5xx(await send(op.method, `${path}?${q.name}=${encodeURIComponent(value)}`, { token: A.token, body: bodyOf(op) }), `${op.key} ?${q.name}=${value.slice(0, 12)}`, failures);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
