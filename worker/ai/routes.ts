// /api/ai: which implementations run, the workspace's reply style, each inbox's assistant; and on a
// conversation: the assistant's state, drafts and messages, take over / resume, summaries.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { aiConversations, users } from '../db/schema';
import { Problem } from '../http/problem';
import { valid } from '../http/validate';
import { bumpRevision } from '../kb/articles';
import { forgetPlans, setState } from './assistant';
import { visibleConversation } from './conversation-context';
import { DEFAULT_EMBEDDING_MODEL } from './embeddings';
import { aiMode, drafterFor, retrieverFor, summarizerFor, type AiEnv } from './providers';
import { ASSISTANT_MODES, assistantFromRow, DEFAULT_AUTO_SEND_THRESHOLD, loadAiSettings } from './settings';
import { FORMALITIES, TONES } from './style';
import { summarizeConversation } from './summaries';
import { DEFAULT_TEXT_MODEL } from './workers-ai';
import { checkFields } from '../replies/merge-fields';
import { assistantInvolved, claimTakeover, sendTakeoverMessage } from './takeover-message';


const SettingsBody = v.pipe(
  v.object({
    tone: v.optional(v.picklist(TONES)),
    formality: v.optional(v.picklist(FORMALITIES)),
    signature: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(500)))),
    vipTags: v.optional(v.pipe(v.array(v.pipe(v.string(), v.trim(), v.toLowerCase(), v.minLength(1), v.maxLength(50))), v.maxLength(20))),
    prewarm: v.optional(v.boolean()),
    suggestionThreshold: v.optional(v.pipe(v.number(), v.minValue(0, 'must be between 0 and 1'), v.maxValue(1, 'must be between 0 and 1'))),
    /** Sent as the agent when they take over from the assistant; merge fields such as {{agent.first_name}}; empty or null: no message. */
    takeoverMessage: v.optional(
      v.nullable(
        v.pipe(
          v.string(),
          v.trim(),
          v.maxLength(1000, 'must be at most 1000 characters'),
          v.check((t) => checkFields(t).length === 0, 'uses a merge field that does not exist (agent.name, agent.first_name, contact.first_name, workspace.name…)'),
          v.transform((t) => t || null),
        ),
      ),
    ),
  }),
  v.check((b) => Object.keys(b).length > 0, 'the body must change at least one field'),
);

const AssistantBody = v.object({
  mode: v.picklist(ASSISTANT_MODES),
  prompt: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(4000)))),
  channels: v.optional(v.pipe(v.array(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_-]{0,39}$/, 'must be a channel name'))), v.maxLength(30))),
  threshold: v.optional(v.pipe(v.number(), v.minValue(0, 'must be between 0 and 1'), v.maxValue(1, 'must be between 0 and 1'))),
  handoffMessage: v.optional(v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(1000)))),
});

export const aiRoutes = new Hono<AppEnv>();

aiRoutes.get('/ai/status', describeRoute({ tags: ['ai'], summary: 'Which AI implementations run (local or cloud) and their models' }), (c) => {
  const e = c.env as Env & AiEnv;
  const mode = aiMode(c.env);
  return c.json({
    mode,
    configured: e.AI_MODE ?? 'auto',
    retriever: retrieverFor(c.env).name,
    drafter: drafterFor(c.env).name,
    summarizer: summarizerFor(c.env).name,
    models: mode === 'cloud' ? { text: e.AI_TEXT_MODEL ?? DEFAULT_TEXT_MODEL, embeddings: e.AI_EMBEDDING_MODEL ?? DEFAULT_EMBEDDING_MODEL } : null,
    indexQueue: mode === 'cloud' ? Boolean(e.KB_INDEX) : null,
  });
});

aiRoutes.get('/ai/settings', describeRoute({ tags: ['ai'], summary: "The workspace's reply style: tone, formality, signature, VIP tags, pre-computed suggestions, the take-over message" }), async (c) => {
  return c.json(await loadAiSettings(c.get('scope')));
});

aiRoutes.put('/ai/settings', describeRoute({ tags: ['ai'], summary: 'Change the reply style (cached suggestions are recomputed)' }), requireRole('manager'), valid('json', SettingsBody), async (c) => {
  const scope = c.get('scope');
  const next = { ...(await loadAiSettings(scope)), ...c.req.valid('json') };
  await scope.d1.batch([
    scope.prepare(
      `INSERT INTO ai_settings (id, workspace_id, settings, updated_at) VALUES (?1, ?1, ?2, ?3)
       ON CONFLICT(id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at WHERE ai_settings.workspace_id = ?1`,
      JSON.stringify(next),
      Date.now(),
    ),
    bumpRevision(scope),
  ]);
  forgetPlans(scope.workspaceId);
  return c.json(next);
});

aiRoutes.get('/ai/assistants', describeRoute({ tags: ['ai'], summary: "Every inbox's assistant (mode off when never configured)" }), async (c) => {
  const scope = c.get('scope');
  const { results } = await scope
    .prepare(
      `SELECT i.id AS inboxId, i.name AS inboxName, i.channel AS channel, a.id, a.mode, a.prompt, a.channels, a.threshold, a.handoff_message
       FROM inboxes i LEFT JOIN ai_assistants a ON a.id = i.id AND a.workspace_id = ?1
       WHERE i.workspace_id = ?1 ORDER BY i.created_at`,
    )
    .all<{ inboxId: string; inboxName: string; channel: string; id: string | null; mode: string; prompt: string | null; channels: string; threshold: number; handoff_message: string | null }>();
  return c.json({
    items: results.map((r) => ({
      inboxName: r.inboxName,
      inboxChannel: r.channel,
      ...(r.id ? assistantFromRow({ ...r, id: r.id }) : { inboxId: r.inboxId, mode: 'off', prompt: null, channels: [], threshold: DEFAULT_AUTO_SEND_THRESHOLD, handoffMessage: null }),
    })),
  });
});

aiRoutes.put(
  '/ai/assistants/:inboxId',
  describeRoute({ tags: ['ai'], summary: "Configure an inbox's assistant: mode off | suggest | auto-send, prompt, channels, auto-send threshold, handoff message" }),
  requireRole('manager'),
  valid('json', AssistantBody),
  async (c) => {
    const scope = c.get('scope');
    const inboxId = c.req.param('inboxId');
    const inbox = await scope.prepare(`SELECT id FROM inboxes WHERE workspace_id = ?1 AND id = ?2`, inboxId).first();
    if (!inbox) throw Problem.notFound('Inbox');
    const b = c.req.valid('json');
    await scope
      .prepare(
        `INSERT INTO ai_assistants (id, workspace_id, mode, prompt, channels, threshold, handoff_message, updated_by, updated_at) VALUES (?2, ?1, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT(id) DO UPDATE SET mode = excluded.mode, prompt = excluded.prompt, channels = excluded.channels, threshold = excluded.threshold,
           handoff_message = excluded.handoff_message, updated_by = excluded.updated_by, updated_at = excluded.updated_at WHERE ai_assistants.workspace_id = ?1`,
        inboxId,
        b.mode,
        b.prompt ?? null,
        JSON.stringify(b.channels ?? []),
        b.threshold ?? DEFAULT_AUTO_SEND_THRESHOLD,
        b.handoffMessage ?? null,
        c.get('principal').userId,
        Date.now(),
      )
      .run();
    forgetPlans(scope.workspaceId);
    return c.json({ inboxId, mode: b.mode, prompt: b.prompt ?? null, channels: b.channels ?? [], threshold: b.threshold ?? DEFAULT_AUTO_SEND_THRESHOLD, handoffMessage: b.handoffMessage ?? null });
  },
);

aiRoutes.get(
  '/conversations/:id/assistant',
  describeRoute({ tags: ['ai'], summary: "The assistant on this conversation: its inbox's mode, state (active, taken over, handed off), latest draft, AI messages with confidence, follow-ups" }),
  async (c) => {
    const conversation = await visibleConversation(c, c.req.param('id'));
    const scope = c.get('scope');
    const [assistant, state, messages] = await scope.d1.batch([
      scope.prepare(`SELECT id, mode, prompt, channels, threshold, handoff_message FROM ai_assistants WHERE workspace_id = ?1 AND id = ?2`, conversation.inboxId),
      scope.prepare(`SELECT state, reason, by_user_id, draft, follow_ups, summary_at, updated_at FROM ai_conversations WHERE workspace_id = ?1 AND id = ?2`, conversation.id),
      scope.prepare(`SELECT id, kind, confidence, sources, created_at FROM ai_messages WHERE workspace_id = ?1 AND conversation_id = ?2 ORDER BY created_at`, conversation.id),
    ]);
    const a = (assistant.results as Parameters<typeof assistantFromRow>[0][])[0];
    const s = (state.results as { state: string; reason: string | null; by_user_id: string | null; draft: string | null; follow_ups: string; summary_at: number | null; updated_at: number }[])[0];
    return c.json({
      mode: a ? assistantFromRow(a).mode : 'off',
      state: s?.state ?? 'active',
      reason: s?.reason ?? null,
      byUserId: s?.by_user_id ?? null,
      draft: s?.draft ? JSON.parse(s.draft) : null,
      followUps: s ? (JSON.parse(s.follow_ups) as string[]) : [],
      summary: conversation.summary,
      summaryAt: s?.summary_at ?? null,
      messages: (messages.results as { id: string; kind: string; confidence: number | null; sources: string; created_at: number }[]).map((m) => ({
        messageId: m.id,
        kind: m.kind,
        confidence: m.confidence,
        sources: JSON.parse(m.sources),
        createdAt: m.created_at,
      })),
    });
  },
);

aiRoutes.post(
  '/conversations/:id/assistant/take-over',
  describeRoute({
    tags: ['ai'],
    summary: 'Stop the assistant on this conversation: a human takes it from here',
    description: "When this stops an active assistant, the customer gets the workspace's take-over message (AI settings `takeoverMessage`) from you, once. POST /conversations/{id}/takeover also assigns it to you.",
  }),
  async (c) => {
    const conversation = await visibleConversation(c, c.req.param('id'));
    const scope = c.get('scope');
    const p = c.get('principal');
    const takenAt = Date.now();
    const involved = await assistantInvolved(scope, conversation);
    if (involved && (await claimTakeover(scope, conversation.id, p.userId, takenAt))) {
      const me = await scope.find(users, p.userId);
      await sendTakeoverMessage(c.env, scope, conversation, { id: p.userId, name: me?.name ?? p.name }, (await loadAiSettings(scope)).takeoverMessage, takenAt);
    } else {
      await setState(scope, conversation.id, 'taken_over', { reason: 'taken_over', byUserId: p.userId });
    }
    return c.json({ state: 'taken_over' });
  },
);

aiRoutes.post('/conversations/:id/assistant/resume', describeRoute({ tags: ['ai'], summary: 'Let the assistant answer this conversation again' }), async (c) => {
  const conversation = await visibleConversation(c, c.req.param('id'));
  const scope = c.get('scope');
  const row = await scope.find(aiConversations, conversation.id);
  await setState(scope, conversation.id, 'active', { reason: 'resumed', byUserId: c.get('principal').userId, draft: (row?.draft as Record<string, unknown> | null) ?? null });
  return c.json({ state: 'active' });
});

aiRoutes.get('/conversations/:id/summary', describeRoute({ tags: ['ai'], summary: 'The conversation summary and follow-up suggestions (null until summarized)' }), async (c) => {
  const conversation = await visibleConversation(c, c.req.param('id'));
  const row = await c.get('scope').find(aiConversations, conversation.id);
  return c.json({ summary: conversation.summary, followUps: row?.followUps ?? [], at: row?.summaryAt ?? null });
});

aiRoutes.post(
  '/conversations/:id/summary',
  describeRoute({ tags: ['ai'], summary: 'Summarize the conversation now (kept as its summary) with follow-up suggestions' }),
  async (c) => {
    const conversation = await visibleConversation(c, c.req.param('id'));
    const p = c.get('principal');
    const result = await summarizeConversation(c.env, c.get('scope'), conversation, { type: 'agent', id: p.userId, name: p.name });
    return c.json(result);
  },
);

