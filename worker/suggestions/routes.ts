// GET /api/conversations/:id/suggestions: up to three reply candidates for the thread an agent opens,
// each citing its sources; cached per conversation and last message.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { afterResponse, recentMessages, visibleConversation } from '../ai/conversation-context';
import { valid } from '../http/validate';
import { loadAiSettings } from '../ai/settings';
import { aboveThreshold, forAgent, readCache, suggestionsFor } from './service';

export const suggestionRoutes = new Hono<AppEnv>();

suggestionRoutes.get(
  '/conversations/:id/suggestions',
  describeRoute({
    tags: ['suggestions'],
    summary: 'Suggested replies for the customer’s latest message (≤ 3, each with sources and confidence)',
    description:
      'Cached per conversation and last message; `refresh=true` recomputes. Channel-aware length, the contact’s language, the workspace’s tone and formality. Candidates below the workspace’s `suggestionThreshold` (AI settings, default 0.3) are left out; `hidden` counts them and `threshold` echoes the setting.',
  }),
  valid('query', v.object({ refresh: v.optional(v.picklist(['true', 'false'])) })),
  async (c) => {
    const id = c.req.param('id');
    const scope = c.get('scope');
    // The conversation, its messages and the cache in one round: the messages and cache are used only
    // once the caller is known to be allowed to see the conversation.
    const [conversation, messages, cache, settings] = await Promise.all([
      visibleConversation(c, id),
      recentMessages(c.env, { workspaceId: scope.workspaceId, id }),
      readCache(scope, id),
      loadAiSettings(scope),
    ]);
    const result = await suggestionsFor(c.env, scope, conversation, { messages, cache, refresh: c.req.valid('query').refresh === 'true', waitUntil: afterResponse(c) });
    const p = c.get('principal');
    return c.json(aboveThreshold(forAgent(result, { name: p.name, email: p.email }), settings.suggestionThreshold));
  },
);
