// Reaching conversations: the Durable Object stub for an id, delivering inbound messages to a
// contact's current conversation (opening one when needed), and starting one from the agent side.
import type { IncomingMessage, MessageResult } from './inputs';
import { afterInbound } from '../ai/assistant';
import { newId } from '../db/ids';
import { workspaceSettings, type WorkspaceSettings } from '../workspaces/settings';
import type { Actor } from './model';

/** Conversations are named by workspace and id, so an id from another workspace reaches an empty object. */
export function conversationStub(env: Env, workspaceId: string, conversationId: string) {
  return env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName(`${workspaceId}/${conversationId}`));
}

export interface InboundTarget {
  workspaceId: string;
  contactId: string;
  inboxId: string;
  channel: string;
}

export type Delivered = Extract<MessageResult, { ok: true }> & { conversationId: string };

/** Which thread pointer a message uses: one per contact, or one per contact and inbox (a workspace setting). */
export function threadScope(settings: WorkspaceSettings, inboxId: string): string {
  return settings.conversationGrouping === 'contact' ? '*' : inboxId;
}

/**
 * Deliver an inbound message to the contact's current conversation. The `contact_threads` pointer is
 * claimed with compare-and-set, so messages racing in for the same contact open one conversation.
 * `knownThreadId` is the pointer as the caller already read it (null: none), which spares that read.
 */
export async function deliverInbound(env: Env, target: InboundTarget, message: IncomingMessage, knownThreadId?: string | null): Promise<Delivered> {
  const settings = await workspaceSettings(env, target.workspaceId);
  const scope = threadScope(settings, target.inboxId);
  const reopenWindowMs = settings.reopenWindowHours * 3600_000;
  const init = { workspaceId: target.workspaceId, contactId: target.contactId, inboxId: target.inboxId, channel: target.channel };

  for (let attempt = 0; attempt < 5; attempt++) {
    const current =
      attempt === 0 && knownThreadId !== undefined
        ? knownThreadId
        : await env.DB.prepare(`SELECT conversation_id FROM contact_threads WHERE workspace_id = ? AND contact_id = ? AND scope = ?`)
            .bind(target.workspaceId, target.contactId, scope)
            .first<string>('conversation_id');
    if (current) {
      const res = await conversationStub(env, target.workspaceId, current).receive({ ...init, id: current }, message, reopenWindowMs);
      if (res.ok) return assisted(env, target, { ...res, conversationId: current });
    }
    // No conversation yet, or the current one is closed for good: claim the pointer for a new one.
    const id = newId('cnv');
    const claim = current
      ? env.DB.prepare(`UPDATE contact_threads SET conversation_id = ? WHERE workspace_id = ? AND contact_id = ? AND scope = ? AND conversation_id = ?`).bind(
          id,
          target.workspaceId,
          target.contactId,
          scope,
          current,
        )
      : env.DB.prepare(`INSERT OR IGNORE INTO contact_threads (workspace_id, contact_id, scope, conversation_id) VALUES (?, ?, ?, ?)`).bind(
          target.workspaceId,
          target.contactId,
          scope,
          id,
        );
    if ((await claim.run()).meta.changes === 0) continue; // someone else opened one first: use theirs
    const res = await conversationStub(env, target.workspaceId, id).receive({ ...init, id }, message, reopenWindowMs);
    if (res.ok) return assisted(env, target, { ...res, conversationId: id });
  }
  throw new Error(`could not deliver to contact ${target.contactId}: conversation pointer kept moving`);
}

/** After a delivery, the inbox's AI assistant gets its turn (it never fails or delays the delivery: worker/ai/assistant.ts). */
async function assisted(env: Env, target: InboundTarget, delivered: Delivered): Promise<Delivered> {
  await afterInbound(env, target, delivered);
  return delivered;
}

/**
 * A conversation started by its first message (an agent's, a broadcast's), which becomes the contact's
 * current one for that scope: creation and message in one object call and one commit, whose events carry
 * the message's author; with `closeAs`, closed in that same commit (a broadcast's new conversation never
 * enters the open queue).
 */
export async function startConversation(
  env: Env,
  target: InboundTarget,
  message: IncomingMessage,
  assigneeId: string | null,
  subject: string | null = null,
  closeAs: Actor | null = null,
  /** The caller's own writes that follow the start (a broadcast's recipient mark), sent in the thread write's round trip. */
  also: (started: Delivered) => D1PreparedStatement[] = () => [],
): Promise<Delivered> {
  const scope = threadScope(await workspaceSettings(env, target.workspaceId), target.inboxId);
  const id = await startId(target, message.externalId);
  const stub = conversationStub(env, target.workspaceId, id);
  const res = await stub.start({ id, workspaceId: target.workspaceId, contactId: target.contactId, inboxId: target.inboxId, channel: target.channel, assigneeId, ...(subject ? { subject } : {}) }, message, closeAs);
  if (!res.ok) throw new Error(`new conversation ${id} refused its first message: ${res.reason}`);
  const started = { ...res, conversationId: id };
  const follow = also(started);
  // A retried start (the object already had it) repairs a pointer the first attempt may have failed to
  // write, but never takes the contact's thread back from a conversation started after this one (its
  // projection is newer than this one's first message; one not projected yet is left alone too).
  const onlyOverOlder = res.duplicate
    ? ` WHERE contact_threads.conversation_id <> excluded.conversation_id
          AND coalesce((SELECT created_at FROM conversations WHERE id = contact_threads.conversation_id), 9007199254740991) < ?5`
    : '';
  const pointer = env.DB.prepare(
    `INSERT INTO contact_threads (workspace_id, contact_id, scope, conversation_id) VALUES (?1, ?2, ?3, ?4)
     ON CONFLICT(workspace_id, contact_id, scope) DO UPDATE SET conversation_id = excluded.conversation_id${onlyOverOlder}`,
  ).bind(target.workspaceId, target.contactId, scope, id, ...(res.duplicate ? [res.message.createdAt] : []));
  await env.DB.batch([pointer, ...follow]);
  return started;
}

const ID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A retried start (same client id) must reach the same conversation, so its id is derived from the
 * idempotency key; without one every start is a new conversation.
 */
export async function startId(target: InboundTarget, clientId: string | null | undefined): Promise<string> {
  if (!clientId) return newId('cnv');
  const key = `${target.workspaceId}\n${target.contactId}\n${target.inboxId}\n${clientId}`;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)));
  return `cnv_${[...digest.subarray(0, 26)].map((b) => ID_ALPHABET[b & 31]).join('')}`;
}
