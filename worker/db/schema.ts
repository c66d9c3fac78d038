// D1 schema: the read model and the system of record for everything that is not one conversation.
// Conversations themselves live in ConversationDO; `conversations` here is their projection.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const now = sql`(unixepoch('subsec') * 1000)`;

export const workspaces = sqliteTable('workspaces', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  timezone: text('timezone').notNull().default('UTC'),
  /** JSON: { [weekday 0-6]: [["09:00","17:00"], …] } */
  businessHours: text('business_hours', { mode: 'json' }).$type<Record<string, [string, string][]>>(),
  /** JSON: workspace settings (reopen window, conversation grouping, enabled channels …). */
  settings: text('settings', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
  createdAt: integer('created_at').notNull().default(now),
});

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull().references(() => workspaces.id),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: ['manager', 'staff', 'personal'] }).notNull(),
    skills: text('skills', { mode: 'json' }).$type<string[]>().notNull().default([]),
    languages: text('languages', { mode: 'json' }).$type<string[]>().notNull().default([]),
    capacity: integer('capacity').notNull().default(10),
    avatarUrl: text('avatar_url'),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('users_email').on(t.email), index('users_workspace').on(t.workspaceId)],
);

export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull().references(() => users.id),
    workspaceId: text('workspace_id').notNull(),
    expiresAt: integer('expires_at').notNull(),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    userId: text('user_id').notNull().references(() => users.id),
    name: text('name').notNull(),
    /** SHA-256 of the secret part, hex. */
    secretHash: text('secret_hash').notNull(),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [index('api_keys_workspace').on(t.workspaceId)],
);

export const loginAttempts = sqliteTable('login_attempts', {
  key: text('key').primaryKey(),
  windowStart: integer('window_start').notNull(),
  count: integer('count').notNull(),
});

export const teams = sqliteTable(
  'teams',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull().references(() => workspaces.id),
    name: text('name').notNull(),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('teams_name').on(t.workspaceId, t.name)],
);

export const teamMembers = sqliteTable(
  'team_members',
  {
    teamId: text('team_id').notNull().references(() => teams.id),
    userId: text('user_id').notNull().references(() => users.id),
    workspaceId: text('workspace_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index('team_members_user').on(t.userId)],
);

export const inboxes = sqliteTable(
  'inboxes',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull().references(() => workspaces.id),
    channel: text('channel').notNull(),
    name: text('name').notNull(),
    /** AES-GCM encrypted JSON of the channel config (credentials included). */
    configEncrypted: text('config_encrypted').notNull(),
    /** Public, non-secret token a website embeds (web chat) or a URL carries. */
    websiteToken: text('website_token'),
    /** Non-secret display settings (greeting, colour …). */
    settings: text('settings', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [index('inboxes_workspace').on(t.workspaceId), uniqueIndex('inboxes_website_token').on(t.websiteToken)],
);

export const contacts = sqliteTable(
  'contacts',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull().references(() => workspaces.id),
    name: text('name'),
    email: text('email'),
    phone: text('phone'),
    avatarUrl: text('avatar_url'),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default([]),
    attributes: text('attributes', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    /** Per-channel subscription status: { sms: 'subscribed' | 'unsubscribed', … } */
    subscriptions: text('subscriptions', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
    blocked: integer('blocked', { mode: 'boolean' }).notNull().default(false),
    /** Set when this contact was merged into another; merged contacts are hidden from lists. */
    mergedInto: text('merged_into'),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [
    index('contacts_workspace').on(t.workspaceId, t.updatedAt),
    index('contacts_email').on(t.workspaceId, t.email),
    index('contacts_phone').on(t.workspaceId, t.phone),
  ],
);

export const contactIdentities = sqliteTable(
  'contact_identities',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    contactId: text('contact_id').notNull().references(() => contacts.id),
    channel: text('channel').notNull(),
    externalId: text('external_id').notNull(),
    inboxId: text('inbox_id'),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('contact_identities_key').on(t.workspaceId, t.channel, t.externalId), index('contact_identities_contact').on(t.contactId)],
);

/** The conversation a contact's next inbound message goes to (per contact, or per contact and inbox). */
export const contactThreads = sqliteTable(
  'contact_threads',
  {
    workspaceId: text('workspace_id').notNull(),
    contactId: text('contact_id').notNull(),
    /** '*' when conversations are grouped per contact, else the inbox id. */
    scope: text('scope').notNull(),
    conversationId: text('conversation_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.contactId, t.scope] })],
);

export const contactMerges = sqliteTable('contact_merges', {
  id: text('id').primaryKey(),
  workspaceId: text('workspace_id').notNull(),
  sourceId: text('source_id').notNull(),
  targetId: text('target_id').notNull(),
  byUserId: text('by_user_id'),
  /** JSON: what moved (identities, conversations). */
  details: text('details', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
  createdAt: integer('created_at').notNull().default(now),
});

/** Projection of each ConversationDO, written by its outbox. Lists, counts and search read it. */
export const conversations = sqliteTable(
  'conversations',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    contactId: text('contact_id').notNull(),
    inboxId: text('inbox_id').notNull(),
    channel: text('channel').notNull(),
    status: text('status').notNull(),
    priority: text('priority').notNull(),
    priorityRank: integer('priority_rank').notNull(),
    assigneeId: text('assignee_id'),
    teamId: text('team_id'),
    subject: text('subject'),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default([]),
    snoozeUntil: integer('snooze_until'),
    closedAt: integer('closed_at'),
    lastActivityAt: integer('last_activity_at').notNull(),
    lastMessagePreview: text('last_message_preview'),
    lastMessageDirection: text('last_message_direction'),
    lastMessageAuthorType: text('last_message_author_type'),
    waitingSince: integer('waiting_since'),
    messageCount: integer('message_count').notNull().default(0),
    lastCustomerSeq: integer('last_customer_seq').notNull().default(0),
    /** The DO's event sequence at projection time; older projections never overwrite newer ones. */
    seq: integer('seq').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('conv_ws_recent').on(t.workspaceId, t.lastActivityAt),
    index('conv_ws_status_recent').on(t.workspaceId, t.status, t.lastActivityAt),
    index('conv_ws_assignee_status').on(t.workspaceId, t.assigneeId, t.status, t.lastActivityAt),
    index('conv_ws_team_status').on(t.workspaceId, t.teamId, t.status, t.lastActivityAt),
    index('conv_ws_channel_status').on(t.workspaceId, t.channel, t.status, t.lastActivityAt),
    index('conv_ws_inbox').on(t.workspaceId, t.inboxId, t.lastActivityAt),
    index('conv_contact').on(t.contactId, t.lastActivityAt),
  ],
);

export const conversationTags = sqliteTable(
  'conversation_tags',
  {
    conversationId: text('conversation_id').notNull(),
    workspaceId: text('workspace_id').notNull(),
    tag: text('tag').notNull(),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.tag] }), index('conversation_tags_tag').on(t.workspaceId, t.tag)],
);

/** Per-agent read position, projected from the DO. */
export const conversationReads = sqliteTable(
  'conversation_reads',
  {
    conversationId: text('conversation_id').notNull(),
    userId: text('user_id').notNull(),
    lastReadSeq: integer('last_read_seq').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.conversationId] })],
);

/** Rows behind the FTS5 index `messages_fts` (external content; see the custom migration). */
export const messageSearch = sqliteTable(
  'message_search',
  {
    rowid: integer('rowid').primaryKey({ autoIncrement: true }),
    messageId: text('message_id').notNull(),
    conversationId: text('conversation_id').notNull(),
    workspaceId: text('workspace_id').notNull(),
    body: text('body').notNull(),
    /** The message's sequence number in its conversation and whether the customer wrote it (unread counts). */
    seq: integer('seq').notNull(),
    inbound: integer('inbound', { mode: 'boolean' }).notNull(),
    isNote: integer('is_note', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('message_search_message').on(t.messageId), index('message_search_conversation').on(t.conversationId, t.inbound, t.seq)],
);

export const tags = sqliteTable(
  'tags',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    name: text('name').notNull(),
    color: text('color'),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('tags_name').on(t.workspaceId, t.name)],
);

/** Every conversation event, for analytics and later automation. Unique per (conversation, seq). */
export const analyticsEvents = sqliteTable(
  'analytics_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: text('workspace_id').notNull(),
    conversationId: text('conversation_id'),
    seq: integer('seq'),
    type: text('type').notNull(),
    actorType: text('actor_type'),
    actorId: text('actor_id'),
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    at: integer('at').notNull(),
  },
  (t) => [uniqueIndex('analytics_events_key').on(t.conversationId, t.seq, t.type), index('analytics_events_ws').on(t.workspaceId, t.type, t.at)],
);
