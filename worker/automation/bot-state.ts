// Where a conversation stands with its inbox's default workflow (bot_conversations): no row, the bot
// is on; `handed_off` or `taken_over`, it has ended and its runs still going are cancelled.
import type { WorkspaceScope } from '../db/scope';
import { setRunStatus } from './store';

export type BotState = 'handed_off' | 'taken_over';

export async function botState(scope: WorkspaceScope, conversationId: string): Promise<BotState | null> {
  return (await scope.prepare(`SELECT state FROM bot_conversations WHERE workspace_id = ?1 AND id = ?2`, conversationId).first<BotState>('state')) ?? null;
}

/** End the bot part for a conversation (idempotent; the first reason is kept) and cancel its default workflow's runs still going. */
export async function endBot(env: Env, scope: WorkspaceScope, conversationId: string, state: BotState, reason: string, exceptRunId?: string): Promise<boolean> {
  const res = await scope
    .prepare(`INSERT INTO bot_conversations (id, workspace_id, state, reason, updated_at) VALUES (?2, ?1, ?3, ?4, ?5) ON CONFLICT(id) DO NOTHING`, conversationId, state, reason, Date.now())
    .run();
  if (res.meta.changes === 0) return false;
  const live = await scope
    .prepare(
      `SELECT r.id FROM workflow_runs r WHERE r.workspace_id = ?1 AND r.conversation_id = ?2 AND r.origin = 'bot' AND r.status IN ('queued', 'running', 'waiting') AND r.id != ?3`,
      conversationId,
      exceptRunId ?? '',
    )
    .all<{ id: string }>();
  for (const { id } of live.results) {
    try {
      await (await env.AUTOMATION.get(id)).terminate();
    } catch (err) {
      console.warn(`automation: bot run ${id} not terminated: ${String(err)}`);
    }
    await setRunStatus(scope, id, 'cancelled', { error: `bot ended: ${reason}` });
  }
  return true;
}

