// /api/workflows and /api/workflow-runs: the workflow document's CRUD (every save a new version), its
// versions and runs, manual runs, dry runs, and cancelling a run. Managers write and read documents and runs; staff
// see the list; the personal role has no access. Bad documents answer problem+json whose errors
// name the JSON pointer of the bad node.
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { Hono, type Context } from 'hono';
import { describeRoute, validator } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { Problem } from '../http/problem';
import { refuseNonJson, valid } from '../http/validate';
import { webhookSecret } from './actions';
import { WorkflowDocument, WorkflowPatch, pointerOf, StepSchema, type WorkflowDocument as Doc } from './document';
import { conversationStub } from '../conversations/service';
import { conversationState } from './context';
import { interpret } from './interpreter';
import { dryEffects, dryRuntime, startRun } from './runs';
import { findRun, findWorkflow, listRuns, listVersions, listWorkflows, runSteps, saveWorkflow, setRunStatus, type Workflow } from './store';
import { invalid, validateDocument } from './validate';
import { syncSchedule } from './schedule';

const manager = requireRole('manager');
// Staff see which workflows exist (the list); documents and runs are managers': a document's steps can
// hold a third party's credentials (call_webhook headers), and runs carry step inputs and outputs of
// conversations the reader may not be allowed to see.
const reader = requireRole('manager', 'staff');

/** Like http/validate's `valid`, but errors name JSON pointers into the document (`/steps/0/params/tag`). */
function document<S extends StandardSchemaV1>(schema: S) {
  return validator('json', schema, (result, c) => {
    refuseNonJson(c.req.raw);
    if (!result.success) {
      const issues = result.error as readonly StandardSchemaV1.Issue[];
      throw invalid(issues.map((i) => ({ field: pointerOf((i.path ?? []).map((seg) => ({ key: typeof seg === 'object' ? seg.key : seg }))) || '/', message: i.message })));
    }
  });
}

const ConversationBody = v.strictObject({ conversationId: v.pipe(v.string(), v.minLength(1), v.maxLength(100)) });
const TestBody = v.strictObject({
  conversationId: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  /** A draft's steps to try instead of the saved version's (the editor's test panel). */
  steps: v.optional(v.pipe(v.array(StepSchema), v.maxLength(100))),
});
const RunsQuery = v.object({ limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(200))) });

async function workflowJson(c: Context<AppEnv>, w: Workflow) {
  const out: Record<string, unknown> = { ...w };
  // The webhook signing secret is shown to those who may change the workflow (an API key: one made for administration).
  const p = c.get('principal');
  if (p.role === 'manager' && p.scopes.includes('admin')) out.webhookSecret = await webhookSecret(c.env, w.id);
  return out;
}

async function mustFind(c: Context<AppEnv>, id: string): Promise<Workflow> {
  const w = await findWorkflow(c.get('scope'), id);
  if (!w) throw Problem.notFound('Workflow');
  return w;
}

/** The conversation must be in the caller's workspace (the object for another workspace's id is empty). */
async function mustConversation(c: Context<AppEnv>, id: string) {
  const conv = await conversationState(c.env, c.get('principal').workspaceId, id);
  if (!conv) throw Problem.badRequest('conversationId', 'no such conversation in this workspace');
  return conv;
}

export const workflowRoutes = new Hono<AppEnv>();

workflowRoutes.get('/', describeRoute({ tags: ['workflows'], summary: 'Automation workflows (with last run, runs and errors in the last 24 hours)' }), reader, async (c) => {
  const items = await listWorkflows(c.get('scope'));
  // Staff get the summary without the steps (see `reader` above).
  return c.json({ items: c.get('principal').role === 'manager' ? items : items.map(({ steps: _steps, ...w }) => w) });
});

workflowRoutes.post(
  '/',
  describeRoute({ tags: ['workflows'], summary: 'Create a workflow from its document (version 1)', description: 'Errors name the JSON pointer of the bad node, e.g. /steps/0/then/1/params/teamId.' }),
  manager,
  document(WorkflowDocument),
  async (c) => {
    const scope = c.get('scope');
    const doc = await validateDocument(scope, c.req.valid('json') as Doc);
    const saved = await saveWorkflow(scope, null, doc, c.get('principal').userId);
    await syncSchedule(scope, saved, saved.id);
    return c.json(await workflowJson(c, saved), 201);
  },
);

workflowRoutes.get('/:id', describeRoute({ tags: ['workflows'], summary: 'One workflow: its current version' }), manager, async (c) => {
  return c.json(await workflowJson(c, await mustFind(c, c.req.param('id'))));
});

workflowRoutes.patch('/:id', describeRoute({ tags: ['workflows'], summary: 'Change a workflow (a new version; running runs keep theirs)' }), manager, document(WorkflowPatch), async (c) => {
  const scope = c.get('scope');
  const current = await mustFind(c, c.req.param('id'));
  const body = c.req.valid('json') as Partial<Doc>;
  const next: Doc = {
    name: body.name ?? current.name,
    description: body.description !== undefined ? body.description : current.description,
    enabled: body.enabled ?? current.enabled,
    trigger: body.trigger ?? current.trigger,
    steps: body.steps ?? current.steps,
  };
  const doc = await validateDocument(scope, next);
  const saved = await saveWorkflow(scope, current.id, doc, c.get('principal').userId);
  await syncSchedule(scope, saved, saved.id);
  return c.json(await workflowJson(c, saved));
});

workflowRoutes.delete('/:id', describeRoute({ tags: ['workflows'], summary: 'Delete a workflow (running runs finish; versions and runs are kept)' }), manager, async (c) => {
  const w = await mustFind(c, c.req.param('id'));
  await c.get('scope').prepare(`UPDATE workflows SET deleted_at = ?3, enabled = 0 WHERE workspace_id = ?1 AND id = ?2`, w.id, Date.now()).run();
  await syncSchedule(c.get('scope'), null, w.id);
  return c.body(null, 204);
});

workflowRoutes.get('/:id/versions', describeRoute({ tags: ['workflows'], summary: "A workflow's saved versions, newest first" }), manager, async (c) => {
  const w = await mustFind(c, c.req.param('id'));
  return c.json({ items: await listVersions(c.get('scope'), w.id) });
});

workflowRoutes.get('/:id/runs', describeRoute({ tags: ['workflows'], summary: "A workflow's runs, newest first" }), manager, valid('query', RunsQuery), async (c) => {
  const w = await mustFind(c, c.req.param('id'));
  return c.json({ items: await listRuns(c.get('scope'), w.id, c.req.valid('query').limit ?? 50) });
});

workflowRoutes.post('/:id/run', describeRoute({ tags: ['workflows'], summary: 'Run a workflow on a conversation now (its current version)' }), manager, valid('json', ConversationBody), async (c) => {
  const w = await mustFind(c, c.req.param('id'));
  const conv = await mustConversation(c, c.req.valid('json').conversationId);
  const started = await startRun(c.env, c.get('scope'), { workflow: w, conversationId: conv.id, origin: 'manual', eventId: null, triggerType: 'manual', message: null }).catch((err: unknown) => {
    console.warn(`workflow ${w.id}: manual run not started: ${String(err)}`);
    return null;
  });
  if (!started) throw Object.assign(new Problem(503, 'Service unavailable', 'The run could not be started just now (its run log says why); try again'), { headers: { 'retry-after': '5' } });
  const { runId } = started;
  return c.json({ runId, workflowId: w.id, version: w.version, conversationId: conv.id, status: 'queued' }, 202);
});

workflowRoutes.post(
  '/:id/test',
  describeRoute({ tags: ['workflows'], summary: 'Dry run on a conversation: the path taken and the actions that would apply; nothing changes', description: 'Waits pass at once; wait_for_reply takes its timeout branch.' }),
  manager,
  document(TestBody),
  async (c) => {
    const w = await mustFind(c, c.req.param('id'));
    const body = c.req.valid('json') as { conversationId: string; steps?: Doc['steps'] };
    const conv = await mustConversation(c, body.conversationId);
    const doc: Doc = { name: w.name, description: w.description, enabled: w.enabled, trigger: w.trigger, steps: body.steps ?? w.steps };
    if (body.steps) await validateDocument(c.get('scope'), doc);
    const identity = { runId: 'dry-run', workspaceId: c.get('principal').workspaceId, conversationId: conv.id, workflowId: w.id, workflowName: w.name };
    // Conditions on message.* read the customer's latest message, as a run triggered by it would.
    const recent = await conversationStub(c.env, conv.workspaceId, conv.id).messages({ limit: 20, includeNotes: false });
    const last = recent.filter((m) => m.direction === 'inbound').pop();
    const message = last ? { text: last.text, channel: conv.channel, direction: 'inbound' } : null;
    const path = await interpret(doc, dryRuntime, dryEffects(c.env, identity), message);
    return c.json({ workflowId: w.id, version: w.version, conversationId: conv.id, path, actions: path.filter((p) => p.type === 'action').map((p) => ({ step: p.step, action: p.action, params: p.params, detail: p.output })) });
  },
);

export const workflowRunRoutes = new Hono<AppEnv>();

workflowRunRoutes.get('/:runId', describeRoute({ tags: ['workflows'], summary: 'One run: status, and each step with input, output, timing and error' }), manager, async (c) => {
  const scope = c.get('scope');
  const run = await findRun(scope, c.req.param('runId'));
  if (!run) throw Problem.notFound('Workflow run');
  return c.json({ ...run, steps: await runSteps(scope, run.id) });
});

workflowRunRoutes.post('/:runId/cancel', describeRoute({ tags: ['workflows'], summary: 'Cancel a run (its Workflows instance is terminated)' }), manager, async (c) => {
  const scope = c.get('scope');
  const run = await findRun(scope, c.req.param('runId'));
  if (!run) throw Problem.notFound('Workflow run');
  if (['complete', 'errored', 'cancelled', 'skipped'].includes(run.status)) throw Problem.conflict(`This run is ${run.status}`);
  try {
    await (await c.env.AUTOMATION.get(run.id)).terminate();
  } catch (err) {
    // Already finished inside Workflows (its last status write may be on its way): say so rather than pretend.
    console.warn(`automation: terminate ${run.id}: ${String(err)}`);
  }
  await setRunStatus(scope, run.id, 'cancelled');
  return c.json({ ...(await findRun(scope, run.id))!, steps: await runSteps(scope, run.id) });
});
