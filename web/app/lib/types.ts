// Shapes the agent app works with: the server's own types (type-only imports) plus the list and
// directory records the REST API returns.
import type { Attachment, Conversation, ConversationEvent, Message, Priority, Status } from '../../../worker/conversations/model';
import type { ServerFrame, Viewer } from '../../../worker/conversations/socket-protocol';

export type { Attachment, Conversation, ConversationEvent, Message, Priority, Status, ServerFrame, Viewer };
export type {
  AlertAction,
  AlertCondition,
  AlertRule,
  AutoStatusSettings,
  EscalationAction,
  EscalationLevel,
  EscalationPath,
  EscalationState,
  EscalationTrigger,
  SlaPolicy,
  SlaState,
  SlaStatus,
  SlaTarget,
} from '../../../worker/sla/model';

export interface ContactRef {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  avatarUrl: string | null;
}

/** A row of GET /api/conversations: the conversation's own fields (worker/conversations/model.ts) plus the reader's view. */
export type ListItem = Pick<
  Conversation,
  | 'id'
  | 'contactId'
  | 'inboxId'
  | 'channel'
  | 'status'
  | 'priority'
  | 'assigneeId'
  | 'teamId'
  | 'subject'
  | 'tags'
  | 'snoozeUntil'
  | 'closedAt'
  | 'lastActivityAt'
  | 'lastMessagePreview'
  | 'lastMessageDirection'
  | 'lastMessageAuthorType'
  | 'waitingSince'
  | 'messageCount'
  | 'seq'
  | 'createdAt'
  | 'updatedAt'
> & {
  unreadCount: number;
  contact?: ContactRef | null;
  // SLA and escalation columns of the list (issue 6); absent on servers or rows from before them.
  slaStatus?: 'ok' | 'warning' | 'breached' | null;
  /** The running clock's deadline (what the row's countdown shows); null while paused or met. */
  slaDueAt?: number | null;
  escalationLevel?: number | null;
  escalatedAt?: number | null;
  flagged?: boolean;
  archivedAt?: number | null;
  /** The earliest pending follow-up or scheduled message (worker/follow-ups/). */
  followUpAt?: number | null;
  /** The latest customer rating, normalized to 1–5 (worker/csat); null without one. */
  csatScore?: number | null;
  /** The answer as given (scale and value), when the row was projected with it. */
  csatScale?: 'stars5' | 'thumbs' | 'emoji5' | null;
  csatRaw?: number | null;
};

/** Per status, as GET /api/conversations and /counts answer them (one definition with the live frames'). */
import type { Counts } from '../../../worker/conversations/view-counts';
export type { Counts };

export interface ListPage {
  items: ListItem[];
  nextCursor: string | null;
  counts: Counts;
}

/** A message with its signed attachment URLs (REST) and, while sending, the client's state. */
export type ThreadMessage = Omit<Message, 'attachments'> & {
  attachments: (Attachment & { url?: string })[];
  /** Set on messages this tab sent that the server has not confirmed. */
  /** 'locked': refused because another agent holds the reply lock; waits for "Send anyway". */
  local?: 'sending' | 'failed' | 'locked';
  localError?: string;
  /** An e-mail reply's subject, copies and HTML as composed (kept with the outbox for retries). */
  compose?: ReplyEmail;
  /** Internal notes: the agents the note mentions (by id; the text keeps "@Name"). */
  mentions?: string[];
};

/** What the composer sends as `email` on an e-mail conversation (POST /conversations/:id/messages). */
export interface ReplyEmail {
  subject?: string;
  cc?: string[];
  bcc?: string[];
  html?: string;
}

export type Role = 'manager' | 'staff' | 'personal';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  skills: string[];
  languages: string[];
  capacity: number;
  avatarUrl: string | null;
  disabled: boolean;
  teamIds: string[];
}

export interface Me {
  user: { id: string; name: string; email: string; role: Role; teamIds: string[]; workspaceId: string };
  workspace: { id: string; name: string; timezone: string; settings?: { closingNotePrompt?: boolean } & Record<string, unknown> } | null;
}

export interface Team {
  id: string;
  name: string;
  memberIds: string[];
}

export interface Tag {
  id: string;
  name: string;
  color: string | null;
}

export interface Inbox {
  id: string;
  channel: string;
  name: string;
  enabled: boolean;
  settings: { greeting?: string | null; color?: string | null; allowedOrigins?: string[]; requireVerifiedIdentity?: boolean; broadcastRate?: number | null; knowledgeTags?: string[] };
  websiteToken: string | null;
  configuredKeys: string[];
  config?: Record<string, unknown>;
}

export interface Identity {
  id: string;
  channel: string;
  externalId: string;
  inboxId: string | null;
  createdAt: number;
}

export interface TimelineEntry {
  conversationId?: string;
  seq?: number;
  type: string;
  actorType?: string | null;
  actorId?: string | null;
  data: Record<string, unknown>;
  at: number;
}

export interface ContactDetail extends ContactRef {
  tags: string[];
  attributes: Record<string, string | number | boolean | null>;
  blocked: boolean;
  createdAt: number;
  updatedAt: number;
  identities: Identity[];
  conversations: ListItem[];
  timeline: TimelineEntry[];
}

export interface SavedReply {
  id: string;
  name: string;
  shortcut: string | null;
  category: string | null;
  text: string;
  channel: string | null;
}

export interface BulkResult {
  succeeded: number;
  failed: number;
  results: { id: string; ok: boolean; status: number; error?: string; previous?: import('../state/bulk-undo').BulkPrevious }[];
}
