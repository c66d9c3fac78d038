// /api/inboxes/:id/default-workflow: an inbox's bot flow — its default workflow (run first on each
// customer message until a handoff or a take-over) and its hours behaviour. Managers set it; staff read it.
import { Hono, type Context } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { Problem } from '../http/problem';
import { valid } from '../http/validate';
import { BotSettings } from './bot';
import { findWorkflow } from './store';

export const inboxBotRoutes = new Hono<AppEnv>();

const OFF = { workflowId: null, runs: 'always', afterHours: null } as const;

async function inboxSettings(c: Context<AppEnv>, id: string): Promise<Record<string, unknown>> {
  const raw = await c.get('scope').prepare(`SELECT settings FROM inboxes WHERE workspace_id = ?1 AND id = ?2`, id).first<string>('settings');
  if (raw === null) throw Problem.notFound('Inbox');
  return JSON.parse(raw) as Record<string, unknown>;
}

inboxBotRoutes.get(
  '/:id/default-workflow',
  describeRoute({ tags: ['workflows'], summary: "The inbox's bot flow: its default workflow and hours behaviour" }),
  requireRole('manager', 'staff'),
  async (c) => {
    const settings = await inboxSettings(c, c.req.param('id'));
    return c.json({ ...OFF, ...((settings.bot as object | undefined) ?? {}) });
  },
);

inboxBotRoutes.put(
  '/:id/default-workflow',
  describeRoute({
    tags: ['workflows'],
    summary: "Set the inbox's default workflow (null: no bot) and its hours behaviour",
    description:
      "The workflow's trigger must be message.received. runs: 'outside_hours' is the bot gate (the workflow runs only while the workspace calendar is closed). afterHours {message, then: hold|handoff}: while closed, send the message and hold the conversation until the next opening or hand it off, instead of running the workflow.",
  }),
  requireRole('manager'),
  valid('json', BotSettings),
  async (c) => {
    const id = c.req.param('id');
    const settings = await inboxSettings(c, id);
    const body = c.req.valid('json');
    if (body.workflowId !== null) {
      const wf = await findWorkflow(c.get('scope'), body.workflowId);
      if (!wf) throw Problem.badRequest('workflowId', 'no such workflow in this workspace');
      if (wf.trigger.type !== 'message.received') throw Problem.badRequest('workflowId', `a default workflow is triggered by message.received (this one: ${wf.trigger.type})`);
    }
    if (body.runs === 'outside_hours' && body.afterHours) throw Problem.badRequest('afterHours', "the bot gate runs the workflow outside hours: an after-hours rule would never apply (use runs: 'always')");
    const bot = { workflowId: body.workflowId, runs: body.runs, afterHours: body.afterHours ?? null };
    await c.get('scope').prepare(`UPDATE inboxes SET settings = ?3 WHERE workspace_id = ?1 AND id = ?2`, id, JSON.stringify({ ...settings, bot })).run();
    return c.json(bot);
  },
);
