// Whether the author of a follow-up or scheduled message may still have it sent, checked when it
// fires (it was checked when scheduled, but a year can pass): the agent is still a member of the
// workspace, not disabled, and by their current role and teams can still see the conversation. A
// message sent in their name otherwise speaks for someone who may no longer speak here.
import { canSeeConversation, type Role } from '../auth/principal';
import type { Actor, Conversation } from '../conversations/model';

/** Null when the author may; else why not (recorded on the cancellation). Only agents are checked: system items (a CSAT survey) have no author to lose rights. */
export async function authorMayNoLonger(db: D1Database, c: Conversation, by: Actor): Promise<string | null> {
  if (by.type !== 'agent' || !by.id) return null;
  const row = await db
    .prepare(`SELECT u.role, u.disabled, (SELECT group_concat(team_id) FROM team_members WHERE user_id = u.id) AS team_ids FROM users u WHERE u.id = ? AND u.workspace_id = ?`)
    .bind(by.id, c.workspaceId)
    .first<{ role: Role; disabled: number; team_ids: string | null }>();
  if (!row) return 'its author is no longer a member of the workspace';
  if (row.disabled) return "its author's account is disabled";
  if (!canSeeConversation({ workspaceId: c.workspaceId, userId: by.id, role: row.role, teamIds: row.team_ids ? row.team_ids.split(',') : [] }, c)) return 'its author can no longer see this conversation';
  return null;
}
