// @mentions in internal notes. A note names the agents it mentions by id (the text keeps "@Name" for
// reading); each mention is a row in note_mentions and news for the person mentioned. Only agents who
// can see the conversation may be mentioned: the composer learns who can (mentionable), and the API
// refuses the others by name, to a caller who already sees the conversation, so nothing leaks.
import { canSeeConversation, type Principal, type Visibility } from '../auth/principal';
import type { WorkspaceScope } from '../db/scope';
import { customerName } from './customer';
import { sendNotification, type SendResult } from './send';

export const MAX_MENTIONS = 20;

export interface Mentionable {
  id: string;
  name: string;
  avatarUrl: string | null;
  /** False: they cannot see this conversation, so a mention would not reach them (said in the composer). */
  canSee: boolean;
}

/** Every enabled agent of the workspace, and whether each can see the conversation as it stands. */
export async function mentionable(scope: WorkspaceScope, conversation: Visibility): Promise<Mentionable[]> {
  const rows = await scope
    .prepare(
      `SELECT u.id, u.name, u.role, u.avatar_url, (SELECT group_concat(tm.team_id) FROM team_members tm WHERE tm.user_id = u.id) AS team_ids
       FROM users u WHERE u.workspace_id = ? AND u.disabled = 0 ORDER BY u.name COLLATE NOCASE`,
    )
    .all<{ id: string; name: string; role: Principal['role']; avatar_url: string | null; team_ids: string | null }>();
  return rows.results.map((u) => ({
    id: u.id,
    name: u.name,
    avatarUrl: u.avatar_url,
    canSee: canSeeConversation({ workspaceId: scope.workspaceId, userId: u.id, role: u.role, teamIds: u.team_ids ? u.team_ids.split(',') : [] }, conversation),
  }));
}

/** Field problems for mention ids that are no agent here, or an agent who cannot see the conversation. */
export function mentionProblems(ids: string[], people: Mentionable[]): { field: string; message: string }[] {
  const byId = new Map(people.map((p) => [p.id, p]));
  const out: { field: string; message: string }[] = [];
  ids.forEach((id, i) => {
    const p = byId.get(id);
    if (!p) out.push({ field: `mentions.${i}`, message: 'is not an agent of this workspace' });
    else if (!p.canSee) out.push({ field: `mentions.${i}`, message: `${p.name} cannot see this conversation` });
  });
  return out;
}

/**
 * Keep the note's mentions and tell the people not told yet. A mention is marked notified only after
 * its notification went out: when the send fails, the note's retry (same clientId) finds the mention
 * recorded but unnotified and sends again (at least once), and a mention already told is never told
 * again. Two retries racing may both send: the person's feed folds the second (dedupe.ts).
 */
export async function recordMentions(
  env: Env,
  scope: WorkspaceScope,
  note: { conversationId: string; messageId: string; text: string; contactId: string; createdAt: number },
  author: { id: string; name: string },
  ids: string[],
): Promise<{ mentioned: string[]; sent: SendResult | null }> {
  if (ids.length === 0) return { mentioned: [], sent: null };
  const excerpt = note.text.length > 280 ? `${note.text.slice(0, 279)}…` : note.text;
  const stmt = scope.d1.prepare(
    `INSERT INTO note_mentions (id, workspace_id, conversation_id, message_id, user_id, author_id, author_name, excerpt, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id, user_id) DO NOTHING`,
  );
  const owed = scope.prepare(`SELECT user_id FROM note_mentions WHERE workspace_id = ?1 AND message_id = ?2 AND notified_at IS NULL AND user_id IN (SELECT value FROM json_each(?3))`, note.messageId, JSON.stringify(ids));
  const res = await scope.d1.batch<{ user_id: string }>([
    ...ids.map((id) => stmt.bind(`mnt_${crypto.randomUUID().replace(/-/g, '')}`, scope.workspaceId, note.conversationId, note.messageId, id, author.id, author.name, excerpt, note.createdAt)),
    owed,
  ]);
  const pending = res[ids.length].results.map((r) => r.user_id);
  if (pending.length === 0) return { mentioned: [], sent: null };
  const customer = await customerName(env, scope.workspaceId, note.contactId);
  const sent = await sendNotification(env, pending, {
    workspaceId: scope.workspaceId,
    kind: 'mention',
    conversationId: note.conversationId,
    title: `${author.name} mentioned you on ${customer}`,
    body: excerpt,
    at: note.createdAt,
    actorId: author.id,
  });
  await scope
    .prepare(`UPDATE note_mentions SET notified_at = ?3 WHERE workspace_id = ?1 AND message_id = ?2 AND notified_at IS NULL AND user_id IN (SELECT value FROM json_each(?4))`, note.messageId, Date.now(), JSON.stringify(pending))
    .run();
  return { mentioned: pending, sent };
}

/** The mention ids of these notes, for the thread (message id → user ids). */
export async function mentionsOf(scope: WorkspaceScope, messageIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (messageIds.length === 0) return out;
  const rows = await scope
    // One JSON parameter: a page of up to 200 messages stays under D1's 100 bound values.
    .prepare(`SELECT message_id, user_id FROM note_mentions WHERE workspace_id = ?1 AND message_id IN (SELECT value FROM json_each(?2))`, JSON.stringify(messageIds))
    .all<{ message_id: string; user_id: string }>();
  for (const r of rows.results) out.set(r.message_id, [...(out.get(r.message_id) ?? []), r.user_id]);
  return out;
}

export interface MentionItem {
  id: string;
  conversationId: string;
  messageId: string;
  authorId: string;
  authorName: string;
  excerpt: string;
  at: number;
  customer: string;
  channel: string;
  status: string;
}

/**
 * Where the caller was mentioned, newest first, only in conversations they can still see (a conversation
 * that moved out of their reach since takes its mentions with it). `before`: the previous page's last `at`.
 */
export async function listMentions(scope: WorkspaceScope, p: Principal, opts: { limit: number; before?: number }): Promise<{ items: MentionItem[]; hasMore: boolean }> {
  const items: MentionItem[] = [];
  let before = opts.before ?? Number.MAX_SAFE_INTEGER;
  // Pages of rows until enough visible ones: a few hidden rows never shorten a page.
  for (let round = 0; round < 5 && items.length <= opts.limit; round++) {
    const rows = await scope
      .prepare(
        `SELECT m.id, m.conversation_id, m.message_id, m.author_id, m.author_name, m.excerpt, m.created_at, c.assignee_id, c.team_id, c.channel, c.status,
                coalesce(nullif(trim(k.name), ''), k.email, k.phone, 'a customer') AS customer
         FROM note_mentions m JOIN conversations c ON c.id = m.conversation_id AND c.workspace_id = m.workspace_id
         LEFT JOIN contacts k ON k.id = c.contact_id AND k.workspace_id = c.workspace_id
         WHERE m.workspace_id = ? AND m.user_id = ? AND m.created_at < ? ORDER BY m.created_at DESC LIMIT ?`,
        p.userId,
        before,
        opts.limit + 1,
      )
      .all<{ id: string; conversation_id: string; message_id: string; author_id: string; author_name: string; excerpt: string; created_at: number; assignee_id: string | null; team_id: string | null; channel: string; status: string; customer: string }>();
    for (const r of rows.results) {
      if (!canSeeConversation(p, { workspaceId: scope.workspaceId, assigneeId: r.assignee_id, teamId: r.team_id })) continue;
      items.push({ id: r.id, conversationId: r.conversation_id, messageId: r.message_id, authorId: r.author_id, authorName: r.author_name, excerpt: r.excerpt, at: r.created_at, customer: r.customer, channel: r.channel, status: r.status });
    }
    if (rows.results.length <= opts.limit) return { items: items.slice(0, opts.limit), hasMore: items.length > opts.limit };
    before = rows.results[rows.results.length - 1].created_at;
  }
  return { items: items.slice(0, opts.limit), hasMore: items.length > opts.limit };
}
