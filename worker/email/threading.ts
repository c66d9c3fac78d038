// E-mail threading: every Message-ID seen or sent is remembered with its conversation, so a reply
// (In-Reply-To / References) lands in the conversation it answers, and our replies carry the headers
// that make the customer's mail client thread them too.

export async function conversationForReply(env: Env, workspaceId: string, ids: (string | null | undefined)[]): Promise<string | null> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))].slice(-20);
  if (wanted.length === 0) return null;
  const rows = await env.DB.prepare(
    `SELECT conversation_id FROM email_threads WHERE workspace_id = ? AND message_id_header IN (${wanted.map(() => '?').join(',')}) ORDER BY created_at DESC LIMIT 1`,
  )
    .bind(workspaceId, ...wanted)
    .first<string>('conversation_id');
  return rows ?? null;
}

export async function rememberMessageId(env: Env, workspaceId: string, header: string, conversationId: string, direction: 'inbound' | 'outbound', subject: string | null): Promise<void> {
  await env.DB.prepare(`INSERT OR IGNORE INTO email_threads (workspace_id, message_id_header, conversation_id, subject, direction, created_at) VALUES (?, ?, ?, ?, ?, ?)`)
    .bind(workspaceId, header, conversationId, subject, direction, Date.now())
    .run();
}

export interface ReplyThreading {
  subject: string;
  inReplyTo: string | null;
  references: string[];
}

/** Threading headers for our next reply in a conversation. */
export async function replyThreading(env: Env, workspaceId: string, conversationId: string, fallbackSubject: string | null): Promise<ReplyThreading> {
  const rows = await env.DB.prepare(
    `SELECT message_id_header AS id, subject, direction FROM email_threads WHERE workspace_id = ? AND conversation_id = ? ORDER BY created_at ASC LIMIT 50`,
  )
    .bind(workspaceId, conversationId)
    .all<{ id: string; subject: string | null; direction: string }>();
  const list = rows.results;
  const lastInbound = [...list].reverse().find((r) => r.direction === 'inbound');
  const firstSubject = list.find((r) => r.subject)?.subject ?? fallbackSubject ?? 'Your message';
  return {
    subject: /^re:/i.test(firstSubject) ? firstSubject : `Re: ${firstSubject}`,
    inReplyTo: lastInbound?.id ?? list[list.length - 1]?.id ?? null,
    references: list.map((r) => r.id).slice(-20),
  };
}
