// What callers hand a ConversationDO and what it answers: the RPC contract between the Worker's core
// (ingest, service, routes, SLA effects) and the object, kept in the core so neither side imports the other.
import type { Principal } from '../auth/principal';
import type { Viewer } from './socket-protocol';
import type { Actor, Attachment, Conversation, DeliveryStatus, EmailHeaders, Message } from './model';

export interface IncomingMessage {
  /** Provider message id or client id: the same id never makes a second message. */
  externalId?: string | null;
  direction: 'inbound' | 'outbound';
  author: Actor;
  text: string;
  attachments?: Attachment[];
  isInternalNote?: boolean;
  /** Initial delivery status for outbound messages (channels that deliver asynchronously start at 'queued'). */
  status?: DeliveryStatus;
  /** An agent's reply that must not go out while another agent holds the thread's reply lock (is typing a reply). */
  replyLock?: { userId: string };
  /** The agent sending through the API: refused unless their role may see this conversation (one call, not two). */
  viewer?: Pick<Principal, 'workspaceId' | 'userId' | 'role' | 'teamIds'>;
  createdAt?: number;
  /** Imported history (the demo seed, migrations): the conversation is dated by this message's createdAt, so SLA clocks count from then. */
  history?: boolean;
  /** The contact's tags as the sender lookup (or the broadcast sender, for its recipient) read them: the object then reads none of its own. */
  contactTags?: string[];
  /** Whose `contactTags` they are when the author is not a contact (a broadcast's recipient); kept only if that is the conversation's contact. */
  contactTagsOf?: string;
  /** Record the contact's channel activity (the messaging windows) with this message's projection. */
  activity?: { inboxId: string };
  /** E-mail headers to keep with the message (inbound mail, replies composed as e-mail). */
  email?: EmailHeaders | null;
  /** Internal notes: the agents mentioned (checked by the caller: each can see the conversation). */
  mentions?: string[];
}

export type UpdateResult = { ok: true; conversation: Conversation; /** whether anything changed (false: the patch matched what was there) */ changed?: boolean } | { ok: false; field: string; message: string };

export type MessageResult =
  | { ok: true; message: Message; conversation: Conversation; duplicate: boolean }
  | { ok: false; reason: 'not_found' | 'closed' | 'forbidden' }
  | { ok: false; reason: 'locked'; holder: Viewer };

export type RoutingResult = { ok: true; conversation: Conversation } | { ok: false; reason: 'not_found' | 'closed' | 'assignee_changed'; conversation: Conversation | null };
