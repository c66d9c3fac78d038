// Messages on a conversation WebSocket (GET /api/conversations/:id/ws for agents,
// GET /widget/api/ws for the visitor). REST is the truth; the socket makes it live.
import { visitorExternalId } from './idempotency';
import type { Role } from '../auth/principal';
import type { Actor, Attachment, Conversation, ConversationEvent, Message } from './model';

/** A person looking at the thread right now (agents only see this). */
export interface Viewer {
  userId: string;
  name: string;
  typing: boolean;
  /** True while the viewer is typing an internal note rather than a reply. */
  note: boolean;
  since: number;
}

/** An event as sockets and the catch-up read carry it: with its message when it names one. */
export type ServerEvent = ConversationEvent & { message?: Message };

export type ServerFrame =
  /** Sent once on connect: the current state so a client can check for a gap. */
  | { t: 'hello'; seq: number; conversation: Conversation | VisitorConversation; viewers?: Viewer[] }
  /** A sequenced event; `seq` grows by one per event (visitors skip the events not meant for them). */
  | { t: 'event'; event: ConversationEvent & { message?: Message; conversation?: Conversation | VisitorConversation } }
  /** Ephemeral: someone is (or stopped) typing. */
  | { t: 'typing'; actor: Actor; typing: boolean; note: boolean }
  /** Ephemeral, agents only: who has the thread open. */
  | { t: 'viewers'; viewers: Viewer[] }
  /** Ephemeral, agents only: another agent opened or typed in this thread while you are in it. */
  | { t: 'collision'; other: Viewer; reason: 'viewing' | 'typing' }
  /** Reply to a client `message` frame. */
  | { t: 'ack'; clientId: string; message: Message; duplicate: boolean }
  /** `lock`: another agent holds the reply lock (is typing a reply); resend with `force: true` to send anyway. */
  | { t: 'error'; clientId?: string; status: number; title: string; detail?: string; lock?: Viewer }
  | { t: 'pong' };

export type ClientFrame =
  /** `force`: send a reply even though another agent holds the reply lock. */
  | { t: 'message'; clientId: string; text: string; attachments?: Attachment[]; isInternalNote?: boolean; force?: boolean }
  | { t: 'typing'; typing: boolean; note?: boolean }
  | { t: 'read'; seq: number }
  | { t: 'ping' };

/** What the visitor is allowed to see of the conversation. */
export interface VisitorConversation {
  id: string;
  status: Conversation['status'];
  seq: number;
}

/**
 * Close codes of both sockets (conversation and live list) when the rights that opened them end. A
 * socket is authorized once at the upgrade; after that the server closes it (and refuses its writes)
 * as soon as what it carries is no longer true.
 * - 4401 session revoked: logout, a password change or reset, an expired session or a revoked API
 *   key. Log in again; reconnecting with the same credential is refused.
 * - 4403 no longer allowed: the user was disabled, the conversation moved out of what the user's role
 *   may see (reassigned to someone or a team they are not in), or the visitor's contact was blocked.
 *   Do not reconnect to this conversation.
 * - 4409 rights changed: the user's role or teams changed. Reconnect: the new socket carries the
 *   current rights (or the upgrade is refused when they no longer reach this conversation).
 */
export const CLOSE = { sessionRevoked: 4401, forbidden: 4403, rightsChanged: 4409 } as const;
export type CloseCode = (typeof CLOSE)[keyof typeof CLOSE];

/** The credential behind an agent's socket: re-checked on its writes and matched by revocations. */
export interface SocketCredential {
  /** Session id or API key id (Principal.credentialId). */
  credentialId: string;
  via: 'session' | 'api_key';
}

/** Who an agent's live list socket (GET /api/live, the WorkspaceDO) belongs to. */
export interface LiveIdentity extends SocketCredential {
  userId: string;
  name: string;
  role: Role;
  teamIds: string[];
  workspaceId: string;
}

/**
 * Who is on a conversation socket (the Worker authenticated them before the upgrade). An agent's
 * carries the role and teams that decide visibility and the credential that may be revoked.
 */
export type SocketAuthor =
  | ({ kind: 'agent' } & LiveIdentity)
  | {
      kind: 'visitor';
      /** The contact the visitor writes as (the token's contact, or the one it was merged into). */
      contactId: string;
      name: string | null;
      workspaceId: string;
      /** The token behind the socket: its own contact, its generation and whether it was verified (re-checked on writes). */
      token?: { contactId: string; gen: number; verified: boolean; iat: number };
    };

/**
 * A client's `message` frame as the message it asks for, or the error frame to answer. Visitors write
 * as the contact; agents reply (or note) under their own name, held by the reply lock unless `force`.
 */
export function messageFromFrame(who: SocketAuthor, frame: Extract<ClientFrame, { t: 'message' }>): { ok: true; input: import('./inputs').IncomingMessage; clientId: string } | { ok: false; error: ServerFrame } {
  const text = typeof frame.text === 'string' ? frame.text.trim() : '';
  const clientId = typeof frame.clientId === 'string' ? frame.clientId.slice(0, 200) : '';
  if (!clientId) return { ok: false, error: { t: 'error', status: 400, title: 'clientId is required' } };
  if (!text || text.length > 10_000) return { ok: false, error: { t: 'error', clientId, status: 400, title: 'text must be 1 to 10000 characters' } };
  const input: import('./inputs').IncomingMessage =
    who.kind === 'visitor'
      ? { externalId: visitorExternalId(clientId), direction: 'inbound', author: { type: 'contact', id: who.contactId, name: who.name }, text }
      : {
          externalId: clientId,
          direction: 'outbound',
          author: { type: 'agent', id: who.userId, name: who.name },
          text,
          isInternalNote: frame.isInternalNote === true,
          replyLock: frame.force === true ? undefined : { userId: who.userId },
          // Refused unless the socket's holder may (still) see the conversation.
          viewer: { workspaceId: who.workspaceId, userId: who.userId, role: who.role, teamIds: who.teamIds },
        };
  return { ok: true, input, clientId };
}
