// CSAT for the team: the workspace's survey settings (/csat/settings, managers write) and a score
// recorded by hand by a manager (/conversations/:id/csat), e.g. from a phone call.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { actorOf } from '../conversations/routes';
import { conversationStub } from '../conversations/service';
import { Problem } from '../http/problem';
import { valid } from '../http/validate';
import { CsatAnswer } from './public-routes';
import { csatOf, SCALES, scoreProblem } from './scale';
import { loadCsatSettings, saveCsatSettings, type CsatSettings } from './settings';

export const csatRoutes = new Hono<AppEnv>();

const manager = requireRole('manager');

const Text = v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(500)));
const SettingsBody = v.object({
  enabled: v.boolean(),
  scale: v.picklist(SCALES),
  question: v.optional(Text, null),
  commentPrompt: v.optional(Text, null),
  autoSendOnClose: v.optional(v.boolean(), true),
  inboxIds: v.optional(v.nullable(v.pipe(v.array(v.pipe(v.string(), v.maxLength(100))), v.maxLength(500))), null),
  /** Up to a week. */
  delayMinutes: v.optional(v.pipe(v.number(), v.integer('must be whole minutes'), v.minValue(0), v.maxValue(10_080)), 0),
});

function publicSettings(s: CsatSettings): CsatSettings {
  const { enabled, scale, question, commentPrompt, autoSendOnClose, inboxIds, delayMinutes } = s;
  return { enabled, scale, question, commentPrompt, autoSendOnClose, inboxIds, delayMinutes };
}

csatRoutes.get('/csat/settings', describeRoute({ tags: ['csat'], summary: 'CSAT survey settings of the workspace' }), async (c) => {
  return c.json(publicSettings(await loadCsatSettings(c.env.DB, c.get('principal').workspaceId)));
});

csatRoutes.put(
  '/csat/settings',
  describeRoute({
    tags: ['csat'],
    summary: 'Replace the CSAT survey settings (managers)',
    description:
      'scale: stars5 | thumbs | emoji5. question/commentPrompt null: the localized defaults. inboxIds null: every inbox. Survey links point at the origin this request was made to.',
  }),
  manager,
  valid('json', SettingsBody),
  async (c) => {
    const p = c.get('principal');
    const body = c.req.valid('json');
    const inboxIds = body.inboxIds ? [...new Set(body.inboxIds)] : null;
    if (inboxIds?.length) {
      const rows = await c.get('scope').prepare(`SELECT id FROM inboxes WHERE workspace_id = ? AND id IN (${inboxIds.map(() => '?').join(', ')})`, ...inboxIds).all<{ id: string }>();
      const known = new Set((rows.results ?? []).map((r) => r.id));
      inboxIds.forEach((id, i) => {
        if (!known.has(id)) throw Problem.badRequest(`inboxIds.${i}`, 'no such inbox in this workspace');
      });
    }
    const settings: CsatSettings = { ...body, question: body.question || null, commentPrompt: body.commentPrompt || null, inboxIds };
    await saveCsatSettings(c.env.DB, p.workspaceId, settings, new URL(c.req.url).origin);
    return c.json(publicSettings(settings));
  },
);

csatRoutes.put(
  '/conversations/:id/csat',
  describeRoute({
    tags: ['csat'],
    summary: "Record a conversation's CSAT score by hand (managers)",
    description: "score on the workspace's scale (stars5/emoji5: 1–5; thumbs: 0|1); replaces any earlier score on the conversation and emits csat.submitted.",
  }),
  manager,
  valid('json', CsatAnswer),
  async (c) => {
    const p = c.get('principal');
    const body = c.req.valid('json');
    const { scale } = await loadCsatSettings(c.env.DB, p.workspaceId);
    const bad = scoreProblem(scale, body.score);
    if (bad) throw Problem.badRequest('score', bad);
    const csat = csatOf(scale, body.score, body.comment || null, Date.now(), 'manual');
    const conversation = await conversationStub(c.env, p.workspaceId, c.req.param('id')).recordCsat({ csat, surveyId: null, actor: actorOf(p) });
    if (!conversation) throw Problem.notFound('Conversation');
    return c.json({ conversation });
  },
);
