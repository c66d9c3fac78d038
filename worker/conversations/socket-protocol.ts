// Messages on a conversation WebSocket (GET /api/conversations/:id/ws for agents,
// GET /widget/api/ws for the visitor). REST is the truth; the socket makes it live.
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
