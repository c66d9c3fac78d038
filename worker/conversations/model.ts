// The conversation's public shapes: what the ConversationDO stores, the API returns and sockets carry.
// Shared by the Worker, the Durable Object and the web clients (type-only imports on the client side).
import type { EscalationState, SlaState } from '../sla/model';

export const STATUSES = ['open', 'pending', 'snoozed', 'closed'] as const;
export type Status = (typeof STATUSES)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
/** Sort weight of a priority: higher is more urgent. */
export const PRIORITY_RANK: Record<Priority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

/** `broadcast`: a campaign message (worker/broadcasts/); authorId is the broadcast's id. */
export const AUTHOR_TYPES = ['contact', 'agent', 'ai', 'bot', 'system', 'broadcast'] as const;
export type AuthorType = (typeof AUTHOR_TYPES)[number];

export const DELIVERY_STATUSES = ['queued', 'sent', 'delivered', 'read', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export type Direction = 'inbound' | 'outbound' | 'internal';

export interface Attachment {
  /** R2 object key. */
  key: string;
  name: string;
  contentType: string;
  size: number;
}

/**
 * An e-mail message's own headers (issue 16): who it was from and to, who was copied, its subject and
 * the quoted history trimmed from its text. Only e-mail messages carry it; the text stays the new part.
 */
export interface EmailHeaders {
  /** The sender as written: "Name <address>" or the address. */
  from: string | null;
  to: string[];
  cc: string[];
  /** Blind copies of a reply we sent (agents see them; the recipients never do). */
  bcc?: string[];
  subject: string | null;
  /** The history the sender's client quoted below the new text, as plain text (shown collapsed). */
  quoted?: string | null;
}

export interface Message {
  id: string;
  conversationId: string;
  /** Sequence number of the event that created this message. */
  seq: number;
  direction: Direction;
  authorType: AuthorType;
  authorId: string | null;
  authorName: string | null;
  text: string;
  attachments: Attachment[];
  isInternalNote: boolean;
  /** Provider message id (inbound) or client id (agent/visitor sends): the idempotency key. */
  externalId: string | null;
  channel: string;
  /** Delivery status of outbound messages; inbound messages are 'delivered'. */
  status: DeliveryStatus;
  statusReason: string | null;
  createdAt: number;
  updatedAt: number;
  /** E-mail messages only: the mail's headers (absent on other channels and on mail stored before them). */
  email?: EmailHeaders;
  /**
   * Internal notes only: the agents it mentions, by id (worker/notifications/mentions.ts). Kept with the
   * message so the live frame that brings the note to other tabs can mark the "@Name"s at once.
   */
  mentions?: string[];
}

export interface Conversation {
  id: string;
  workspaceId: string;
  contactId: string;
  inboxId: string;
  channel: string;
  status: Status;
  priority: Priority;
  assigneeId: string | null;
  teamId: string | null;
  subject: string | null;
  tags: string[];
  snoozeUntil: number | null;
  closedAt: number | null;
  closingNote: string | null;
  summary: string | null;
  createdAt: number;
  updatedAt: number;
  lastActivityAt: number;
  lastMessagePreview: string | null;
  lastMessageDirection: Direction | null;
  lastMessageAuthorType: AuthorType | null;
  /** When the customer started waiting for a reply (null when the last word was ours). */
  waitingSince: number | null;
  messageCount: number;
  /** Sequence number of the latest event. */
  seq: number;
  /** Sequence number of the latest customer message (unread computations compare against it). */
  lastCustomerSeq: number;
  // The fields below arrived with SLAs (issue 6); objects created earlier lack them (read as null/false).
  /** SLA clocks of the matching policy (worker/sla/deadlines.ts); null without one. */
  sla?: SlaState | null;
  /** The live escalation, if any (worker/sla/escalation.ts). */
  escalation?: EscalationState | null;
  /** Set when the auto-status rule archived this closed conversation. */
  archivedAt?: number | null;
  /** Flagged by an AI alert rule or an escalation until an agent clears it. */
  flagged?: boolean;
  /** Sentiment score (-1…1) of the latest customer message, when analyzed. */
  sentiment?: number | null;
  /** The latest CSAT response (worker/csat): the survey's or a manager's; absent without one. */
  csat?: ConversationCsat | null;
  /** Follow-ups and scheduled messages still to come (worker/follow-ups), for the list's indicator. */
  followUps?: FollowUpSummary | null;
}

export interface ConversationCsat {
  /** Normalized to 1–5 whatever the scale (thumbs: 0 → 1, 1 → 5): what analytics averages. */
  score: number;
  /** As given on its scale (stars5/emoji5: 1–5, thumbs: 0|1). */
  raw: number;
  scale: 'stars5' | 'thumbs' | 'emoji5';
  comment: string | null;
  at: number;
  source: 'survey' | 'manual';
}

export interface FollowUpSummary {
  /** Pending follow-ups and scheduled messages. */
  count: number;
  /** The earliest due time among them. */
  nextAt: number | null;
}

/** A sequenced event in a conversation's log. */
export interface ConversationEvent {
  seq: number;
  type: ConversationEventType;
  at: number;
  actor: Actor | null;
  data: Record<string, unknown>;
}

export type ConversationEventType =
  | 'conversation.created'
  | 'conversation.updated'
  | 'conversation.assigned'
  | 'conversation.status_changed'
  /** A routing decision (rule, mode, candidates, reason): by the router, a transfer or a take-over. */
  | 'conversation.routed'
  /** SLA: policy applied/changed, a target met, warning threshold reached, deadline breached. */
  | 'sla.applied'
  | 'sla.met'
  | 'sla.warning'
  | 'sla.breached'
  /** Escalation path started, a level ran (with its actions), resolved. */
  | 'escalation.started'
  | 'escalation.level'
  | 'escalation.resolved'
  /** An AI alert rule fired (rule, reasons, actions). */
  | 'alert.fired'
  /** A CSAT survey was answered (or a manager recorded a score by hand). */
  | 'csat.submitted'
  /** Follow-ups (worker/follow-ups): scheduled, cancelled (by an agent or a customer reply), fired. */
  | 'followup.scheduled'
  | 'followup.cancelled'
  | 'followup.fired'
  /** Send later: a message scheduled, edited, cancelled (it is sent as a normal message when due). */
  | 'scheduled_message.scheduled'
  | 'scheduled_message.updated'
  | 'scheduled_message.cancelled'
  | 'message.created'
  | 'message.received'
  | 'message.status';

export interface Actor {
  type: AuthorType;
  id: string | null;
  name: string | null;
}
