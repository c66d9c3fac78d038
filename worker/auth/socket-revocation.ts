// Ending the open sockets of a right that ended. A socket is authorized once, at its upgrade; when a
// session is revoked (logout, password change or reset), a user disabled or their role or teams
// changed, the Worker pushes the revocation to every object holding their sockets: the WorkspaceDO
// (live list sockets) and the ConversationDOs their AgentDO recorded as holding a conversation socket
// of theirs. A blocked contact's widget sockets are closed the same way. The objects also re-check on
// every write frame (worker/auth/socket-rights.ts), so a push that fails still refuses writes.
import { CLOSE, type CloseCode } from '../conversations/socket-protocol';
import { conversationStub } from '../conversations/service';
import { agentStub, workspaceStub } from '../routing/stubs';

export interface Revocation {
  userId: string;
  /** Only these credentials' sockets (a logout, a revoked key); all of the user's when absent. */
  credentialIds?: string[];
  /** All of the user's sockets but this credential's (the session that changed the password keeps its own). */
  exceptCredentialId?: string;
  /** Only sockets opened with this kind of credential (a new password ends sessions; API keys live on). */
  via?: 'session' | 'api_key';
  code: CloseCode;
  reason: string;
}

/** Whether a revocation ends a socket held by this user under this credential. */
export function revokes(r: Revocation, holder: { userId: string; credentialId: string; via: 'session' | 'api_key' }): boolean {
  if (holder.userId !== r.userId) return false;
  if (r.via && holder.via !== r.via) return false;
  if (r.credentialIds && !r.credentialIds.includes(holder.credentialId)) return false;
  return holder.credentialId !== r.exceptCredentialId;
}

/** Close (with `r.code`) every socket the revocation reaches. Failures are logged: the write checks still hold. */
export async function revokeSockets(env: Env, workspaceId: string, r: Revocation): Promise<void> {
  const [live, recorded] = await Promise.allSettled([workspaceStub(env, workspaceId).revokeSockets(r), agentStub(env, workspaceId, r.userId).takeConversationSockets(r)]);
  const conversations = recorded.status === 'fulfilled' ? recorded.value : [];
  const closing = await Promise.allSettled(conversations.map((id) => conversationStub(env, workspaceId, id).revokeSockets(r)));
  for (const res of [live, recorded, ...closing]) if (res.status === 'rejected') console.warn(`socket revocation for ${r.userId}: ${String(res.reason)}`);
}

/**
 * Close a contact's widget sockets on each conversation the widget can reach (their current threads):
 * blocked (4403: stop), tokens revoked (4401), or merged (4409: reconnect, which re-checks the token).
 */
export async function closeContactSockets(env: Env, workspaceId: string, contactId: string, code: CloseCode = CLOSE.forbidden): Promise<void> {
  const rows = await env.DB.prepare(`SELECT DISTINCT conversation_id FROM contact_threads WHERE workspace_id = ? AND contact_id = ?`).bind(workspaceId, contactId).all<{ conversation_id: string }>();
  const closing = await Promise.allSettled(
    rows.results.map((r) => conversationStub(env, workspaceId, r.conversation_id).closeVisitorSockets(contactId, code, code === CLOSE.forbidden ? 'This conversation is closed' : 'Your chat session ended')),
  );
  for (const res of closing) if (res.status === 'rejected') console.warn(`closing ${contactId}'s widget sockets: ${String(res.reason)}`);
}

/**
 * The revocations an object received lately, numbered, so that a socket being opened can ask whether
 * one arrived while it was checking its rights (the push found no socket to close yet): opening then
 * fails rather than leaving a socket the revocation missed.
 */
export class RecentRevocations {
  #seq = 0;
  #list: { seq: number; r: Revocation }[] = [];

  /** Where the count stands now: pass it to `since` after the awaits. */
  mark(): number {
    return this.#seq;
  }

  add(r: Revocation): void {
    this.#list.push({ seq: ++this.#seq, r });
    if (this.#list.length > 100) this.#list.shift();
  }

  /** A revocation received after `mark` that reaches this holder, if any. */
  since(mark: number, holder: Parameters<typeof revokes>[1]): Revocation | undefined {
    return this.#list.find((x) => x.seq > mark && revokes(x.r, holder))?.r;
  }
}

export const REVOKED = {
  logout: (userId: string, credentialId: string): Revocation => ({ userId, credentialIds: [credentialId], code: CLOSE.sessionRevoked, reason: 'Logged out' }),
  keyRevoked: (userId: string, keyId: string): Revocation => ({ userId, credentialIds: [keyId], code: CLOSE.sessionRevoked, reason: 'API key revoked' }),
  password: (userId: string, keep?: string): Revocation => ({ userId, exceptCredentialId: keep, via: 'session', code: CLOSE.sessionRevoked, reason: 'Password changed' }),
  /** A reset (lost control of the account): every credential's sockets, API keys' too. */
  passwordReset: (userId: string, keep?: string): Revocation => ({ userId, exceptCredentialId: keep, code: CLOSE.sessionRevoked, reason: 'Password reset' }),
  disabled: (userId: string): Revocation => ({ userId, code: CLOSE.forbidden, reason: 'User disabled' }),
  rights: (userId: string): Revocation => ({ userId, code: CLOSE.rightsChanged, reason: 'Role or teams changed' }),
};
