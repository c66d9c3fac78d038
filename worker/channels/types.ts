// The one interface every channel implements: verify a provider's webhook, parse it into normalized
// events, build the provider request that sends a reply, interpret the provider's answer, and say
// what the channel can do. Adapters are pure over their inputs; queues, D1 and R2 live elsewhere.
import type { DeliveryStatus } from '../conversations/model';
import type { ChannelKey } from '../inboxes/channels';

/** A webhook request exactly as it arrived: what signatures are computed over. */
export interface RawWebhook {
  method: string;
  /** The full URL the provider called (Twilio signs it). */
  url: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** The raw body as text (webhooks are JSON or form-encoded). */
  body: string;
  receivedAt: number;
}

export type InboxConfig = Record<string, unknown>;

export interface InboxContext {
  id: string;
  workspaceId: string;
  channel: ChannelKey;
  config: InboxConfig;
  /** Public origin of this deployment (status callbacks, media links), e.g. https://inbox.example.com. */
  publicUrl: string;
}

/** Who wrote: the channel identity plus whatever profile the provider shares. */
export interface ContactProfile {
  /** The channel-scoped id (phone, PSID, chat id, e-mail address …) stored in contact_identities. */
  externalId: string;
  name?: string | null;
  /** E.164 with a leading '+'. */
  phone?: string | null;
  email?: string | null;
  avatarUrl?: string | null;
  /** ISO 3166 alpha-2, where the provider says (Twilio's FromCountry: the sender number's country). Set on new contacts only. */
  country?: string | null;
}

/** Inbound media, fetched into R2 by the ingest consumer through the adapter's fetchMedia. */
export interface MediaRef {
  url?: string | null;
  /** Provider-side id (WhatsApp media id, Telegram file_id, LINE message id). */
  providerMediaId?: string | null;
  contentType?: string | null;
  name?: string | null;
  /** Bytes already in hand (e-mail attachments travel inside the message). */
  content?: ArrayBuffer | Uint8Array | null;
}

/** Reservation (booking platforms) or order (delivery platforms) context for the sidebar. */
export interface ContextRecord {
  kind: 'reservation' | 'order' | 'referral';
  /** The platform's reservation or order id. */
  reference: string;
  data: Record<string, unknown>;
}

export interface EmailThreading {
  messageId?: string | null;
  inReplyTo?: string | null;
  references?: string[];
  subject?: string | null;
  /** The headers shown with the message: "Name <address>" strings. */
  from?: string | null;
  to?: string[];
  cc?: string[];
  /** The quoted history trimmed from the text. */
  quoted?: string | null;
}

export type SubscriptionKeyword = 'stop' | 'start' | 'help';

export interface InboundMessageEvent {
  type: 'message';
  /** Provider message id, unique per channel: the idempotency key. */
  providerMessageId: string;
  contact: ContactProfile;
  text: string;
  media?: MediaRef[];
  at?: number;
  context?: ContextRecord;
  email?: EmailThreading;
  /** Sanitized HTML body (e-mail), stored beside the message as an attachment. */
  html?: string | null;
  keyword?: SubscriptionKeyword;
  /** Who speaks: the customer (default), or a bot whose transcript is handed over. */
  authorType?: 'contact' | 'bot';
  /** Lands as an internal note for agents rather than a customer message (e.g. a handoff reason). */
  note?: string | null;
}

export interface StatusEvent {
  type: 'status';
  providerMessageId: string;
  status: DeliveryStatus;
  reason?: string | null;
  at?: number;
}

/** Context changed with no customer message (order status, reservation altered): an internal note. */
export interface ContextEvent {
  type: 'context';
  contact: ContactProfile;
  context: ContextRecord;
  /** The internal note for the thread; null keeps the context on the contact only (no conversation is started). */
  note: string | null;
  /** Idempotency key for the note. */
  eventId: string;
}

/** A provider's verdict on a message template (WhatsApp's message_template_status_update). */
export interface TemplateStatusEvent {
  type: 'template_status';
  providerTemplateId: string;
  name: string | null;
  language: string | null;
  /** The provider's event: APPROVED, REJECTED, PENDING, PAUSED, DISABLED … */
  event: string;
  reason: string | null;
  /** The WhatsApp Business Account the template belongs to. */
  businessAccountId: string | null;
  at?: number;
}

export type InboundEvent = InboundMessageEvent | StatusEvent | ContextEvent | TemplateStatusEvent;

export interface Capabilities {
  /** Replies can be sent at all (forms, say, only take submissions). */
  outbound: boolean;
  media: boolean;
  templates: boolean;
  /** Free-form replies only within 24 hours of the customer's last message. */
  window24h: boolean;
  deliveryReceipts: boolean;
  readReceipts: boolean;
  /** SMS-style segment counting matters for the composer. */
  segments: boolean;
  /** Replies are public (review responses). */
  publicReply: boolean;
  maxTextLength: number | null;
}

export interface OutboundAttachment {
  key: string;
  name: string;
  contentType: string;
  size: number;
  /** Absolute, signed, expiring URL the provider fetches the file from. */
  url: string;
}

export interface WhatsAppTemplate {
  name: string;
  language: string;
  /** Body parameters, {{1}} first. */
  parameters: string[];
  /** A text header's parameter ({{1}}), when it has one. */
  headerParameters?: string[];
  /** A media header's file, sent by link. */
  headerMedia?: { format: 'image' | 'document' | 'video'; link: string } | null;
}

/** Threading and what the agent composed for an e-mail reply (cc/bcc/html only when given). */
export interface OutboundEmail {
  subject: string;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  cc?: string[];
  bcc?: string[];
  /** Sanitized HTML alternative of the text. */
  html?: string | null;
  /** Extra headers (a broadcast's List-Unsubscribe and List-Unsubscribe-Post). */
  headers?: Record<string, string>;
  /** Overrides the inbox's from name (a broadcast falls back to the workspace's name, not the author's). */
  fromName?: string | null;
  /** A campaign (broadcast), not a conversation reply: providers with a bulk stream get it there. */
  bulk?: boolean;
}

export interface OutboundMessage {
  messageId: string;
  conversationId: string;
  workspaceId: string;
  text: string;
  attachments: OutboundAttachment[];
  /** The recipient's identity on this channel. */
  to: ContactProfile;
  authorName: string | null;
  template?: WhatsAppTemplate | null;
  email?: OutboundEmail | null;
  /** Latest reservation/order context of the conversation (platform replies go to that thread). */
  context?: ContextRecord | null;
  /** When the contact last wrote on this channel (messaging windows). */
  lastInboundAt?: number | null;
}

export interface ProviderRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface ProviderResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The raw bytes, when the caller asked for them (media downloads). */
  bytes?: ArrayBuffer;
}

export type SendResult =
  | { ok: true; providerMessageId: string | null }
  | { ok: false; permanent: boolean; reason: string; retryAfterSeconds?: number };

/** Facts the delivery consumer knows when asking whether a send is allowed. */
export interface SendFacts {
  now: number;
  /** When the contact last wrote on this channel, if ever. */
  lastInboundAt: number | null;
}

export interface ChannelAdapter {
  key: ChannelKey;
  label: string;
  group: 'chat' | 'messaging' | 'email' | 'voice' | 'booking' | 'delivery' | 'source';
  /** Whose API or documented format this adapter speaks (see the adapter's header comment). */
  provider: string;
  capabilities: Capabilities;
  /** Inbox config keys the adapter reads (credentials included). */
  configKeys: readonly string[];
  /** How the webhook body must parse, checked at ingress (400 when it does not). */
  bodyFormat: 'json' | 'form' | 'none';
  /** Check the provider's signature in constant time. Returns null when valid, else why not. */
  verify?(req: RawWebhook, config: InboxConfig): Promise<string | null>;
  /** GET endpoint verification (Meta's hub.challenge). Null: not a verification request. */
  challenge?(url: URL, config: InboxConfig): Response | null;
  /** The 200 the provider expects (TwiML for Twilio, empty for most). */
  ack?(req: RawWebhook, inbox: InboxContext): Response;
  /** Normalize a verified webhook. Throws on payloads it cannot understand (they go to dead letters). */
  parse?(req: RawWebhook, inbox: InboxContext): InboundEvent[] | Promise<InboundEvent[]>;
  /** Why this message may not be sent now (e.g. WhatsApp's window), or null. */
  policy?(out: OutboundMessage, facts: SendFacts): string | null;
  /** The provider request that sends this message. */
  send?(out: OutboundMessage, inbox: InboxContext): ProviderRequest | Promise<ProviderRequest>;
  /** The provider's answer as a send result. */
  interpret?(res: ProviderResponse, out: OutboundMessage): SendResult;
  /** A provider-exact success answer for the sandbox transport. */
  sandboxReply?(req: ProviderRequest, out: OutboundMessage): ProviderResponse;
  /** Requests that fetch an inbound media object (several when the provider needs a lookup first). */
  mediaRequest?(ref: MediaRef, inbox: InboxContext, lookup?: ProviderResponse): ProviderRequest | null;
}

/** A webhook the adapter cannot understand: a permanent failure (dead letter, no retry). */
export class ParseError extends Error {}
