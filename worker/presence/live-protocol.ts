// Frames on an agent tab's live socket (GET /api/live, held by the WorkspaceDO): conversation list
// changes, view counts, presence and personal notifications. REST is the truth; the socket makes it live.
import type { Conversation } from '../conversations/model';
import type { CountKey } from '../conversations/view-counts';
import type { Presence } from '../routing/model';

export type NotificationKind = 'assigned' | 'new_conversation' | 'escalation' | 'alert' | 'webhook' | 'followup' | 'mention' | 'customer_replied' | 'sla_warning';

export type LiveFrame =
  | { t: 'hello'; users: { userId: string; name: string; status: Presence }[] }
  | { t: 'conversation'; conversation: Conversation }
  /** How a change moves this agent's view counts: the conversation before and after, each null where this agent could not see it (worker/conversations/view-counts.ts). */
  | { t: 'counts'; id: string; before: CountKey | null; after: CountKey | null }
  /** The conversation was deleted: lists drop it, an open thread closes. */
  | { t: 'removed'; id: string }
  | { t: 'presence'; userId: string; name: string; status: Presence }
  /** `sound` / `browser`: the recipient's preferences for the client-side channels (absent: the app's own defaults). */
  | { t: 'notification'; kind: NotificationKind; conversationId: string | null; title: string; body: string; at: number; sound?: boolean; browser?: boolean }
  | { t: 'pong' }
  /** Several frames in one, in order: changes to closed conversations (a broadcast's), gathered for a second. */
  | { t: 'batch'; frames: LiveFrame[] };

/** The live-socket frames a client sends: `ping` keeps the socket alive; `active` reports user activity (presence). */
export type LiveClientFrame = { t: 'ping' } | { t: 'active' };
