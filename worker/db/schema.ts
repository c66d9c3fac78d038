// D1 schema: the read model and the system of record for everything that is not one conversation.
// Conversations themselves live in ConversationDO; `conversations` here is their projection.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

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
    // The profile (worker/users/profile.ts): null time zone / language follow the workspace and the browser.
    timezone: text('timezone'),
    language: text('language'),
    theme: text('theme', { enum: ['system', 'light', 'dark'] }).notNull().default('system'),
    /** { [inboxId]: signature } appended to replies sent from that inbox. */
    signatures: text('signatures', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
    /** R2 key of an uploaded picture (served through a signed URL), else initials on `avatarHue`. */
    avatarKey: text('avatar_key'),
    avatarHue: integer('avatar_hue'),
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
    /** What the key may do (read, write, admin). Keys made before scopes existed keep all three. */
    scopes: text('scopes', { mode: 'json' }).$type<string[]>().notNull().default(sql`'["read","write","admin"]'`),
    expiresAt: integer('expires_at'),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [index('api_keys_workspace').on(t.workspaceId)],
);

/** Fixed-window counters of new web chat visitors per client address and inbox (worker/webchat/session-throttle.ts). */
export const widgetSessionThrottle = sqliteTable('widget_session_throttle', {
  key: text('key').primaryKey(),
  windowStart: integer('window_start').notNull(),
  count: integer('count').notNull(),
});

/** Password reset links sent by e-mail: single use, short-lived; only the token's SHA-256 is kept. */
export const passwordResets = sqliteTable(
  'password_resets',
  {
    /** SHA-256 of the token in the link, hex. */
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id').notNull().references(() => users.id),
    workspaceId: text('workspace_id').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [index('password_resets_user').on(t.userId)],
);

export const loginAttempts = sqliteTable('login_attempts', {
  key: text('key').primaryKey(),
  windowStart: integer('window_start').notNull(),
  count: integer('count').notNull(),
  /** The latest failure: progressive delays are counted from it. */
  lastAt: integer('last_at'),
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
    /** Per-channel subscription: { sms: { status: 'subscribed' | 'unsubscribed', source, changedAt }, … } (worker/contacts/subscriptions.ts). */
    subscriptions: text('subscriptions', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    blocked: integer('blocked', { mode: 'boolean' }).notNull().default(false),
    /** Set when this contact was merged into another; merged contacts are hidden from lists. */
    mergedInto: text('merged_into'),
    /** Generation of the contact's web chat visitor tokens: bumping it revokes every token issued before. */
    widgetSessionEpoch: integer('widget_session_epoch').notNull().default(0),
    /** Profile fields audiences filter on (migration 0017): language tag, ISO 3166 alpha-2 country, city. */
    language: text('language'),
    country: text('country'),
    city: text('city'),
    /** Conversation stats, kept current from the event stream (worker/contacts/stats.ts); never edited by hand. */
    lastActivityAt: integer('last_activity_at'),
    conversationCount: integer('conversation_count').notNull().default(0),
    lastConversationId: text('last_conversation_id'),
    lastConversationStatus: text('last_conversation_status'),
    /** Null until CSAT is collected (issue 14). */
    lastConversationCsat: real('last_conversation_csat'),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [
    index('contacts_workspace').on(t.workspaceId, t.updatedAt),
    index('contacts_email').on(t.workspaceId, t.email),
    index('contacts_phone').on(t.workspaceId, t.phone),
    index('contacts_ws_created').on(t.workspaceId, t.createdAt, t.id),
    // Covering index for audience filters (migration 0017 says why and what it bought).
    index('contacts_ws_audience').on(
      t.workspaceId,
      t.mergedInto,
      t.lastActivityAt,
      t.conversationCount,
      t.lastConversationStatus,
      t.country,
      t.language,
      t.city,
      t.createdAt,
      t.tags,
      t.subscriptions,
      t.attributes,
    ),
    index('contacts_ws_country').on(t.workspaceId, t.country),
    index('contacts_ws_language').on(t.workspaceId, t.language),
    /** Covering for search's contact match (name / e-mail substrings over the workspace; migration 0042). */
    index('contacts_ws_search').on(t.workspaceId, t.name, t.email, t.id),
  ],
);

/** A saved contact filter (worker/audiences/filter.ts), resolved live wherever it is used. */
export const audiences = sqliteTable(
  'audiences',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    name: text('name').notNull(),
    filter: text('filter', { mode: 'json' }).$type<unknown>().notNull(),
    createdBy: text('created_by'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('audiences_ws_name').on(t.workspaceId, t.name)],
);

/** A broadcast: a template sent to an audience through one inbox (worker/broadcasts/, migration 0020). */
export const broadcasts = sqliteTable(
  'broadcasts',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    name: text('name').notNull(),
    inboxId: text('inbox_id').notNull(),
    templateId: text('template_id').notNull(),
    audienceId: text('audience_id'),
    filter: text('filter', { mode: 'json' }).$type<unknown>(),
    variables: text('variables', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
    status: text('status').notNull().default('draft'),
    scheduledAt: integer('scheduled_at'),
    timezone: text('timezone'),
    /** Open pixel and tracked links (migration 0034); off: links go out as written, no pixel. */
    tracking: integer('tracking', { mode: 'boolean' }).notNull().default(true),
    error: text('error'),
    createdBy: text('created_by'),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('broadcasts_ws_created').on(t.workspaceId, t.createdAt)],
);

/** A broadcast's recipient, snapshotted at send time; (broadcast, contact) is the exactly-once key. */
export const broadcastRecipients = sqliteTable(
  'broadcast_recipients',
  {
    broadcastId: text('broadcast_id').notNull(),
    contactId: text('contact_id').notNull(),
    workspaceId: text('workspace_id').notNull(),
    status: text('status').notNull(),
    reason: text('reason'),
    token: text('token').notNull(),
    links: text('links', { mode: 'json' }).$type<string[]>().notNull().default([]),
    conversationId: text('conversation_id'),
    messageId: text('message_id'),
    queuedAt: integer('queued_at'),
    sentAt: integer('sent_at'),
    deliveredAt: integer('delivered_at'),
    readAt: integer('read_at'),
    failedAt: integer('failed_at'),
    /** First human open; machine (proxy prefetch) opens apart (migration 0034). */
    openedAt: integer('opened_at'),
    opens: integer('opens').notNull().default(0),
    machineOpens: integer('machine_opens').notNull().default(0),
    machineOpenedAt: integer('machine_opened_at'),
    clickedAt: integer('clicked_at'),
    clicks: integer('clicks').notNull().default(0),
    machineClicks: integer('machine_clicks').notNull().default(0),
    repliedAt: integer('replied_at'),
    unsubscribedAt: integer('unsubscribed_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.broadcastId, t.contactId] }),
    index('broadcast_recipients_status').on(t.broadcastId, t.status, t.contactId),
    uniqueIndex('broadcast_recipients_token').on(t.token),
    index('broadcast_recipients_message').on(t.messageId),
    index('broadcast_recipients_contact').on(t.workspaceId, t.contactId, t.sentAt),
    // Migration 0043: the engagement counts read only the recipients who engaged.
    index('broadcast_recipients_engaged')
      .on(t.broadcastId)
      .where(sql`opened_at IS NOT NULL OR machine_opened_at IS NOT NULL OR clicked_at IS NOT NULL OR replied_at IS NOT NULL OR unsubscribed_at IS NOT NULL`),
  ],
);

/** A CSV import job: the file in R2, worked through in chunks by the contact-imports queue (worker/contacts/import.ts). */
export const contactImports = sqliteTable(
  'contact_imports',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    createdBy: text('created_by'),
    fileKey: text('file_key').notNull(),
    fileSize: integer('file_size').notNull(),
    /** JSON: { column name → target field } */
    mapping: text('mapping', { mode: 'json' }).$type<Record<string, string>>().notNull(),
    /** JSON: the header row, in file order. */
    columns: text('columns', { mode: 'json' }).$type<string[]>().notNull(),
    /** 'queued' | 'running' | 'done' | 'failed' */
    status: text('status').notNull(),
    /** Byte offset and row number the next chunk starts at: a redelivered chunk that no longer matches is skipped. */
    nextOffset: integer('next_offset').notNull(),
    nextRow: integer('next_row').notNull(),
    total: integer('total'),
    processed: integer('processed').notNull().default(0),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    error: text('error'),
    /** A chunk being worked on holds the import until then: two deliveries of one chunk never run at once. */
    leaseUntil: integer('lease_until'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    finishedAt: integer('finished_at'),
  },
  (t) => [index('contact_imports_ws').on(t.workspaceId, t.createdAt)],
);

/** Chunks of an import already committed (by byte offset): recorded in the chunk's own batch, so a chunk commits once. */
export const contactImportChunks = sqliteTable(
  'contact_import_chunks',
  {
    importId: text('import_id').notNull(),
    offset: integer('offset').notNull(),
    committedAt: integer('committed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.offset] })],
);

export const contactImportErrors = sqliteTable(
  'contact_import_errors',
  {
    importId: text('import_id').notNull(),
    row: integer('row').notNull(),
    /** '' when the error is about the whole row. */
    column: text('column').notNull().default(''),
    reason: text('reason').notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.row, t.column] })],
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
  (t) => [
    uniqueIndex('contact_identities_key').on(t.workspaceId, t.channel, t.externalId),
    index('contact_identities_contact').on(t.contactId),
    index('contact_identities_ws_channel').on(t.workspaceId, t.channel, t.contactId),
  ],
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
},
  // Visitor tokens ask when a contact last absorbed another (worker/webchat/visitor-token.ts).
  (t) => [index('contact_merges_target').on(t.workspaceId, t.targetId, t.createdAt)],
);

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
    /** SLA (worker/sla): 'ok' | 'warning' | 'breached', null without a policy; the earliest running deadline. */
    slaStatus: text('sla_status'),
    slaDueAt: integer('sla_due_at'),
    slaPolicyId: text('sla_policy_id'),
    /** Live escalation: levels run so far (0 = started) and when it started; null when none is active. */
    escalationLevel: integer('escalation_level'),
    escalatedAt: integer('escalated_at'),
    /** Closed conversations archived by the auto-status rule (still searchable; a new message reopens). */
    archivedAt: integer('archived_at'),
    /** Flagged by an AI alert rule or an escalation (cleared by an agent). */
    flagged: integer('flagged', { mode: 'boolean' }).notNull().default(false),
    /** The latest CSAT score (normalized 1–5, worker/csat), null without one. */
    csatScore: real('csat_score'),
    /** The answer as the customer gave it: its scale ('stars5' | 'thumbs' | 'emoji5') and value on that scale. */
    csatScale: text('csat_scale'),
    csatRaw: integer('csat_raw'),
    /** The earliest pending follow-up or scheduled message (worker/follow-ups), null without one. */
    followUpAt: integer('follow_up_at'),
    messageCount: integer('message_count').notNull().default(0),
    lastCustomerSeq: integer('last_customer_seq').notNull().default(0),
    /** The DO's event sequence at projection time; older projections never overwrite newer ones. */
    seq: integer('seq').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    // Every list index ends with the id tie-break of the keyset order, so pages come straight off the
    // index without a sort; the team index carries assignee_id so staff counts never read the table.
    index('conv_ws_recent').on(t.workspaceId, t.lastActivityAt, t.id),
    // archived_at rides along so the default "not archived" filter and per-status counts stay on the index.
    index('conv_ws_status_recent').on(t.workspaceId, t.status, t.lastActivityAt, t.id, t.archivedAt),
    index('conv_ws_status_priority').on(t.workspaceId, t.status, t.priorityRank, t.lastActivityAt, t.id),
    index('conv_ws_assignee_status').on(t.workspaceId, t.assigneeId, t.status, t.lastActivityAt, t.id),
    index('conv_ws_team_status').on(t.workspaceId, t.teamId, t.status, t.lastActivityAt, t.id, t.assigneeId, t.archivedAt),
    index('conv_ws_team_priority').on(t.workspaceId, t.teamId, t.status, t.priorityRank, t.lastActivityAt, t.id),
    index('conv_ws_channel_status').on(t.workspaceId, t.channel, t.status, t.lastActivityAt, t.id),
    index('conv_ws_inbox').on(t.workspaceId, t.inboxId, t.lastActivityAt, t.id),
    index('conv_contact').on(t.contactId, t.lastActivityAt),
    index('conv_ws_sla').on(t.workspaceId, t.slaStatus, t.slaDueAt, t.id),
    index('conv_ws_escalated').on(t.workspaceId, t.escalatedAt, t.id),
    // Migration 0044: the navigation's "today" count is a range of it (covering the rest of its test).
    index('conv_ws_updated').on(t.workspaceId, t.updatedAt, t.status, t.assigneeId, t.teamId, t.archivedAt),
  ],
);

/**
 * How many conversations a workspace has per combination of the fields the status tabs and navigation
 * views count by (migration 0044): kept by triggers on `conversations`, read instead of walking them
 * (worker/conversations/tallies.ts). Its unique key (NULL team and assignee coalesced to char(0)) and the
 * triggers are in migration 0044: drizzle declares neither.
 */
export const conversationTallies = sqliteTable('conversation_tallies', {
  workspaceId: text('workspace_id').notNull(),
  status: text('status').notNull(),
  inboxId: text('inbox_id').notNull(),
  channel: text('channel').notNull(),
  teamId: text('team_id'),
  assigneeId: text('assignee_id'),
  archived: integer('archived').notNull(),
  /** The customer has written at all (last_customer_seq > 0): the unread count's total. */
  customerWrote: integer('customer_wrote').notNull(),
  n: integer('n').notNull(),
});

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

/**
 * Message bodies (unread counts, drafting context) and the source of the FTS5 index `conversations_fts`:
 * blocks of up to 32 messages of one conversation, rowid = the conversation's rowid × 65536 + seq >> 5, kept current by triggers on this table
 * and on `conversations` (custom migration 0042; it replaced the per-message `messages_fts` of 0001).
 */
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

// ---- Channels, ingestion and delivery (worker/channels, worker/ingest, worker/delivery) ----

/** Webhooks and outbound jobs that could not be processed: inspected and replayed by operators. */
export const deadLetters = sqliteTable(
  'dead_letters',
  {
    id: text('id').primaryKey(),
    /** Null when the job could not be tied to a workspace (e.g. its inbox was deleted). */
    workspaceId: text('workspace_id'),
    /** 'ingest' or 'outbound'. */
    queue: text('queue').notNull(),
    channel: text('channel'),
    inboxId: text('inbox_id'),
    /** The queue job as JSON (webhook bodies above the queue's size limit are referenced in R2). */
    payload: text('payload').notNull(),
    error: text('error').notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** 'open' until a replay succeeds, then 'replayed'. */
    status: text('status').notNull().default('open'),
    replayCount: integer('replay_count').notNull().default(0),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [index('dead_letters_ws').on(t.workspaceId, t.status, t.createdAt)],
);

/** One row per outbound message handed to a provider: its provider id finds the conversation for status webhooks. */
export const outboundMessages = sqliteTable(
  'outbound_messages',
  {
    messageId: text('message_id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    conversationId: text('conversation_id').notNull(),
    inboxId: text('inbox_id').notNull(),
    channel: text('channel').notNull(),
    contactId: text('contact_id'),
    providerMessageId: text('provider_message_id'),
    /** 'sending', 'sent' or 'failed'. */
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [uniqueIndex('outbound_messages_provider').on(t.workspaceId, t.channel, t.providerMessageId), index('outbound_messages_conversation').on(t.conversationId)],
);

/** Extra send options (e.g. a WhatsApp template) for an outbound message, keyed by its client id. */
export const outboundOptions = sqliteTable(
  'outbound_options',
  {
    workspaceId: text('workspace_id').notNull(),
    conversationId: text('conversation_id').notNull(),
    clientId: text('client_id').notNull(),
    options: text('options', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.conversationId, t.clientId] })],
);

/** What the sandbox transport would have sent to a provider (development and tests). */
export const sandboxOutbound = sqliteTable(
  'sandbox_outbound',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: text('workspace_id').notNull(),
    inboxId: text('inbox_id').notNull(),
    channel: text('channel').notNull(),
    messageId: text('message_id'),
    /** 'send' or 'media'. */
    purpose: text('purpose').notNull(),
    method: text('method').notNull(),
    url: text('url').notNull(),
    headers: text('headers', { mode: 'json' }).$type<Record<string, string>>().notNull(),
    body: text('body'),
    responseStatus: integer('response_status').notNull(),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [index('sandbox_outbound_ws').on(t.workspaceId, t.id), index('sandbox_outbound_message').on(t.messageId)],
);

/** Contacts that look like the same person (same phone or e-mail), found when identities arrive. */
export const mergeSuggestions = sqliteTable(
  'merge_suggestions',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    contactId: text('contact_id').notNull(),
    candidateId: text('candidate_id').notNull(),
    /** 'phone' or 'email'. */
    reason: text('reason').notNull(),
    value: text('value').notNull(),
    /** 'open' or 'dismissed'. */
    status: text('status').notNull().default('open'),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('merge_suggestions_pair').on(t.workspaceId, t.contactId, t.candidateId, t.reason)],
);

/** Reservation (booking platforms) and order (delivery platforms) context, shown in the contact sidebar. */
export const contactContexts = sqliteTable(
  'contact_contexts',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    contactId: text('contact_id').notNull(),
    conversationId: text('conversation_id'),
    channel: text('channel').notNull(),
    /** 'reservation' or 'order'. */
    kind: text('kind').notNull(),
    /** The platform's reservation or order id. */
    reference: text('reference').notNull(),
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [uniqueIndex('contact_contexts_ref').on(t.workspaceId, t.channel, t.kind, t.reference), index('contact_contexts_contact').on(t.contactId, t.updatedAt)],
);

/** When a contact last wrote on a channel: messaging windows (WhatsApp's 24 hours) are measured from it. */
export const channelActivity = sqliteTable(
  'channel_activity',
  {
    workspaceId: text('workspace_id').notNull(),
    contactId: text('contact_id').notNull(),
    channel: text('channel').notNull(),
    inboxId: text('inbox_id'),
    lastInboundAt: integer('last_inbound_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.contactId, t.channel] })],
);

/** E-mail Message-IDs seen or sent per conversation: replies thread by In-Reply-To and References. */
export const emailThreads = sqliteTable(
  'email_threads',
  {
    workspaceId: text('workspace_id').notNull(),
    messageIdHeader: text('message_id_header').notNull(),
    conversationId: text('conversation_id').notNull(),
    subject: text('subject'),
    /** 'inbound' or 'outbound'. */
    direction: text('direction').notNull(),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.messageIdHeader] }), index('email_threads_conversation').on(t.conversationId, t.createdAt)],
);

// ---- Knowledge base, saved replies, suggestions and the AI assistant (worker/kb, worker/replies, worker/suggestions, worker/ai) ----

export const kbCategories = sqliteTable(
  'kb_categories',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    position: integer('position').notNull().default(0),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('kb_categories_name').on(t.workspaceId, t.name)],
);

/** Every knowledge source: written articles, Q&A pairs, uploaded files and imported web pages. */
export const kbArticles = sqliteTable(
  'kb_articles',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    /** 'article' | 'qa' | 'file' | 'url'. For a Q&A pair the title is the question and the body the answer. */
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    /** Sanitized HTML. */
    body: text('body').notNull(),
    /** The body as plain text: what is chunked, indexed and quoted. */
    bodyText: text('body_text').notNull(),
    categoryId: text('category_id'),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default([]),
    /** 'draft' | 'published': only published sources are indexed for retrieval. */
    status: text('status').notNull(),
    language: text('language'),
    /** Imported web pages and uploaded files: where the content came from. */
    sourceUrl: text('source_url'),
    sourceName: text('source_name'),
    /** Imported pages: validators and a content hash, so a re-fetch only versions real changes. */
    sourceEtag: text('source_etag'),
    sourceHash: text('source_hash'),
    fetchedAt: integer('fetched_at'),
    version: integer('version').notNull().default(1),
    /** How many chunks the retriever holds for this source (vector ids are `${id}#${n}`). */
    chunkCount: integer('chunk_count').notNull().default(0),
    publishedAt: integer('published_at'),
    createdBy: text('created_by'),
    updatedBy: text('updated_by'),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [index('kb_articles_ws').on(t.workspaceId, t.status, t.updatedAt), index('kb_articles_category').on(t.workspaceId, t.categoryId)],
);

/** A full snapshot per saved change: history, diff and restore read these. */
export const kbArticleVersions = sqliteTable(
  'kb_article_versions',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    articleId: text('article_id').notNull(),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    bodyText: text('body_text').notNull(),
    categoryId: text('category_id'),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default([]),
    status: text('status').notNull(),
    authorId: text('author_id'),
    authorName: text('author_name'),
    note: text('note'),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('kb_article_versions_key').on(t.articleId, t.version)],
);

/** Passages of published sources: the rows behind the FTS5 index `kb_fts` (see the custom migration). */
export const kbChunks = sqliteTable(
  'kb_chunks',
  {
    rowid: integer('rowid').primaryKey({ autoIncrement: true }),
    workspaceId: text('workspace_id').notNull(),
    articleId: text('article_id').notNull(),
    position: integer('position').notNull(),
    /** The workspace as one indexed token, so a full-text match never leaves the workspace. */
    ws: text('ws').notNull(),
    title: text('title').notNull(),
    /** Tags, category and (Q&A) question words: matched with more weight than the body. */
    keywords: text('keywords').notNull(),
    body: text('body').notNull(),
  },
  (t) => [index('kb_chunks_article').on(t.articleId, t.position)],
);

/** Bumped whenever something suggestions depend on changes (published KB, AI settings): the cache key. */
export const aiRevisions = sqliteTable('ai_revisions', {
  workspaceId: text('workspace_id').primaryKey(),
  revision: integer('revision').notNull().default(0),
});

/** Tone, formality and signature of drafted replies, per workspace. */
export const aiSettings = sqliteTable('ai_settings', {
  id: text('id').primaryKey(),
  workspaceId: text('workspace_id').notNull(),
  settings: text('settings', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
  updatedAt: integer('updated_at').notNull().default(now),
});

/** Saved replies (canned responses) with per-channel variants and merge fields. */
export const savedReplies = sqliteTable(
  'saved_replies',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    name: text('name').notNull(),
    /** What the composer's `/` picker matches first. */
    shortcut: text('shortcut'),
    category: text('category'),
    text: text('text').notNull(),
    /** { [channel]: text } overriding `text` on that channel. */
    variants: text('variants', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
    usageCount: integer('usage_count').notNull().default(0),
    lastUsedAt: integer('last_used_at'),
    createdBy: text('created_by'),
    /** A personal reply's owner (only they see and change it); null: the workspace's, managed by managers. */
    ownerUserId: text('owner_user_id'),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [
    index('saved_replies_ws').on(t.workspaceId, t.category, t.name),
    uniqueIndex('saved_replies_shortcut').on(t.workspaceId, t.shortcut),
    index('saved_replies_owner').on(t.workspaceId, t.ownerUserId),
  ],
);

/** Suggested replies of a conversation, valid while its last message and the AI revision stay the same. */
export const suggestionCache = sqliteTable('suggestion_cache', {
  conversationId: text('conversation_id').primaryKey(),
  workspaceId: text('workspace_id').notNull(),
  /** `${lastCustomerSeq}:${messageCount}` of the conversation when computed. */
  messageKey: text('message_key').notNull(),
  revision: integer('revision').notNull(),
  payload: text('payload').notNull(),
  createdAt: integer('created_at').notNull(),
});

/** The AI assistant of an inbox (id = the inbox id). */
export const aiAssistants = sqliteTable('ai_assistants', {
  id: text('id').primaryKey(),
  workspaceId: text('workspace_id').notNull(),
  /** 'off' | 'suggest' | 'auto-send'. */
  mode: text('mode').notNull().default('off'),
  prompt: text('prompt'),
  /** Channels the assistant answers on; empty means every channel of the inbox. */
  channels: text('channels', { mode: 'json' }).$type<string[]>().notNull().default([]),
  /** Auto-send only at or above this confidence (0..1). */
  threshold: real('threshold').notNull().default(0.7),
  handoffMessage: text('handoff_message'),
  updatedBy: text('updated_by'),
  updatedAt: integer('updated_at').notNull().default(now),
});

/** The assistant on one conversation (id = the conversation id): active, taken over or handed off, and its latest draft. */
export const aiConversations = sqliteTable('ai_conversations', {
  id: text('id').primaryKey(),
  workspaceId: text('workspace_id').notNull(),
  /** 'active' | 'taken_over' | 'handed_off'. */
  state: text('state').notNull().default('active'),
  reason: text('reason'),
  byUserId: text('by_user_id'),
  /** JSON: the latest draft left for a human ({text, confidence, sources, reason}). */
  draft: text('draft', { mode: 'json' }).$type<Record<string, unknown> | null>(),
  /** JSON: the latest summary's follow-up suggestions. */
  followUps: text('follow_ups', { mode: 'json' }).$type<string[]>().notNull().default([]),
  summaryAt: integer('summary_at'),
  updatedAt: integer('updated_at').notNull().default(now),
});

/** AI-authored messages (id = the message id) with the confidence and sources they were sent with. */
export const aiMessages = sqliteTable(
  'ai_messages',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    conversationId: text('conversation_id').notNull(),
    /** 'answer' | 'handoff'. */
    kind: text('kind').notNull(),
    confidence: real('confidence'),
    sources: text('sources', { mode: 'json' }).$type<unknown[]>().notNull().default([]),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [index('ai_messages_conversation').on(t.conversationId, t.createdAt)],
);

// ---- Routing and assignment (worker/routing) ----

/** Ordered routing rules: first match wins. Conditions and actions are validated JSON (worker/routing/rules.ts). */
export const routingRules = sqliteTable(
  'routing_rules',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    name: text('name').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    position: integer('position').notNull(),
    /** How the top-level conditions combine: 'and' | 'or'. */
    op: text('op').notNull().default('and'),
    conditions: text('conditions', { mode: 'json' }).$type<unknown[]>().notNull().default([]),
    actions: text('actions', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [index('routing_rules_ws').on(t.workspaceId, t.position)],
);

/** A team's assignment settings; a team without a row routes round-robin with no skills. */
export const teamRouting = sqliteTable('team_routing', {
  teamId: text('team_id').primaryKey(),
  workspaceId: text('workspace_id').notNull(),
  /** 'round_robin' | 'load_balanced' | 'skill_based'. */
  mode: text('mode').notNull().default('round_robin'),
  requiredSkills: text('required_skills', { mode: 'json' }).$type<string[]>().notNull().default([]),
  optionalSkills: text('optional_skills', { mode: 'json' }).$type<string[]>().notNull().default([]),
  /** Skill-based fallback steps in order: 'relax_optional' | 'team' | 'workspace'. */
  fallback: text('fallback', { mode: 'json' }).$type<string[]>().notNull().default(['relax_optional']),
  /** Re-route an offline assignee's conversations after this many ms; null keeps them. */
  offlineRerouteMs: integer('offline_reroute_ms'),
  /** JSON { timezone, hours, holidays } or null for the workspace calendar. */
  calendar: text('calendar', { mode: 'json' }).$type<Record<string, unknown> | null>(),
  updatedAt: integer('updated_at').notNull().default(now),
});

/** Workspace-wide routing settings: the default rule, holidays, presence timings. */
export const routingSettings = sqliteTable('routing_settings', {
  workspaceId: text('workspace_id').primaryKey(),
  /** The default rule's actions; null until a manager sets one (then routing leaves conversations unassigned). */
  defaultActions: text('default_actions', { mode: 'json' }).$type<Record<string, unknown> | null>(),
  /** Days the workspace calendar is closed: "YYYY-MM-DD" or { date, name, yearly } (worker/routing/business-hours.ts). */
  holidays: text('holidays', { mode: 'json' }).$type<(string | { date: string; name?: string; yearly?: boolean })[]>().notNull().default([]),
  awayAfterMs: integer('away_after_ms'),
  offlineGraceMs: integer('offline_grace_ms'),
  updatedAt: integer('updated_at').notNull().default(now),
});

// ---- SLAs, escalations, auto-status, AI alerts (worker/sla, worker/ai/sentiment) ----

/** SLA policies in priority order (first enabled match wins). Shapes in worker/sla/model.ts. */
export const slaPolicies = sqliteTable(
  'sla_policies',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    name: text('name').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    position: integer('position').notNull(),
    conditions: text('conditions', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    firstResponseMs: integer('first_response_ms'),
    nextResponseMs: integer('next_response_ms'),
    resolutionMs: integer('resolution_ms'),
    businessHours: integer('business_hours', { mode: 'boolean' }).notNull().default(true),
    countPending: integer('count_pending', { mode: 'boolean' }).notNull().default(false),
    countSnoozed: integer('count_snoozed', { mode: 'boolean' }).notNull().default(false),
    warningPct: integer('warning_pct').notNull().default(75),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [index('sla_policies_ws').on(t.workspaceId, t.position)],
);

/** Escalation paths: triggers, conditions and levels (JSON, worker/sla/model.ts EscalationPath). */
export const escalationPaths = sqliteTable(
  'escalation_paths',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    name: text('name').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    position: integer('position').notNull(),
    triggers: text('triggers', { mode: 'json' }).$type<string[]>().notNull(),
    conditions: text('conditions', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    levels: text('levels', { mode: 'json' }).$type<unknown[]>().notNull(),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [index('escalation_paths_ws').on(t.workspaceId, t.position)],
);

/** One row per escalation episode of a conversation, projected by its ConversationDO. */
export const escalations = sqliteTable(
  'escalations',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    conversationId: text('conversation_id').notNull(),
    pathId: text('path_id'),
    pathName: text('path_name'),
    trigger: text('trigger').notNull(),
    reason: text('reason').notNull(),
    level: integer('level').notNull().default(0),
    startedAt: integer('started_at').notNull(),
    resolvedAt: integer('resolved_at'),
    /** 'closed' | 'manual' | 'reassigned' … how it ended. */
    resolution: text('resolution'),
    resolvedBy: text('resolved_by'),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [index('escalations_ws_started').on(t.workspaceId, t.startedAt), index('escalations_conversation').on(t.conversationId, t.startedAt)],
);

/** Notes supervisors leave on an escalation. */
export const escalationNotes = sqliteTable(
  'escalation_notes',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    escalationId: text('escalation_id').notNull(),
    authorId: text('author_id'),
    authorName: text('author_name'),
    text: text('text').notNull(),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [index('escalation_notes_escalation').on(t.escalationId, t.createdAt)],
);

/** Per-workspace auto-status and auto-priority settings (worker/sla/model.ts AutoStatusSettings). */
export const workspaceAutomation = sqliteTable('workspace_automation', {
  workspaceId: text('workspace_id').primaryKey(),
  pendingAfterMs: integer('pending_after_ms'),
  autoCloseAfterMs: integer('auto_close_after_ms'),
  autoCloseMessage: text('auto_close_message'),
  archiveAfterMs: integer('archive_after_ms'),
  autoPriority: text('auto_priority', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
  /** Bumped on every SLA/escalation/automation/alert change: objects reload their cached config. */
  configVersion: integer('config_version').notNull().default(0),
  updatedAt: integer('updated_at').notNull().default(now),
});

/** AI alert rules (worker/sla/model.ts AlertRule). */
export const aiAlertRules = sqliteTable(
  'ai_alert_rules',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    name: text('name').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    position: integer('position').notNull(),
    op: text('op').notNull().default('and'),
    conditions: text('conditions', { mode: 'json' }).$type<unknown[]>().notNull(),
    actions: text('actions', { mode: 'json' }).$type<unknown[]>().notNull(),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [index('ai_alert_rules_ws').on(t.workspaceId, t.position)],
);

/** Alerts that fired (one per rule per conversation per customer message), projected by the ConversationDO. */
export const aiAlerts = sqliteTable(
  'ai_alerts',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    conversationId: text('conversation_id').notNull(),
    ruleId: text('rule_id').notNull(),
    ruleName: text('rule_name').notNull(),
    reasons: text('reasons', { mode: 'json' }).$type<string[]>().notNull(),
    /** Sentiment score of the message that fired it, if any. */
    sentiment: real('sentiment'),
    messageSeq: integer('message_seq'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('ai_alerts_ws').on(t.workspaceId, t.createdAt), uniqueIndex('ai_alerts_once').on(t.conversationId, t.ruleId, t.messageSeq)],
);

// ---- Analytics facts (worker/analytics; migration 0012 written by hand) ----

/**
 * One row per conversation, folded from its events by the analytics subscriber (worker/analytics/facts.ts).
 * first_response_* is the first cycle's; resolved_at/resolution_* run from creation to the latest close
 * (null while open again). cycle, waiting_since and last_seq are the fold's own bookkeeping.
 */
export const conversationFacts = sqliteTable(
  'conversation_facts',
  {
    conversationId: text('conversation_id').notNull(),
    workspaceId: text('workspace_id').notNull(),
    contactId: text('contact_id'),
    channel: text('channel').notNull(),
    inboxId: text('inbox_id').notNull(),
    teamId: text('team_id'),
    /** The handling agent: the assignee as of the latest event (a transfer moves it). */
    assigneeId: text('assignee_id'),
    status: text('status').notNull(),
    createdAt: integer('created_at').notNull(),
    firstResponseAt: integer('first_response_at'),
    firstResponseS: real('first_response_s'),
    firstResponseBhS: real('first_response_bh_s'),
    resolvedAt: integer('resolved_at'),
    resolutionS: real('resolution_s'),
    resolutionBhS: real('resolution_bh_s'),
    reopens: integer('reopens').notNull().default(0),
    messagesIn: integer('messages_in').notNull().default(0),
    messagesOut: integer('messages_out').notNull().default(0),
    responses: integer('responses').notNull().default(0),
    responseSTotal: real('response_s_total').notNull().default(0),
    responseBhSTotal: real('response_bh_s_total').notNull().default(0),
    /** 'met' | 'breached' | null (no such SLA target); a breach is never undone by a later met. */
    slaFirstResponse: text('sla_first_response'),
    slaResolution: text('sla_resolution'),
    escalations: integer('escalations').notNull().default(0),
    /** The conversation's CSAT score, normalized 1–5 (worker/csat). */
    csatScore: real('csat_score'),
    cycle: integer('cycle').notNull().default(1),
    waitingSince: integer('waiting_since'),
    lastSeq: integer('last_seq').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    // WITHOUT ROWID in the migration: the table is clustered by workspace and creation, so a range is contiguous.
    primaryKey({ columns: [t.workspaceId, t.createdAt, t.conversationId] }),
    uniqueIndex('facts_conversation').on(t.conversationId),
    index('facts_ws_resolved').on(t.workspaceId, t.resolvedAt),
    index('facts_ws_assignee_created').on(t.workspaceId, t.assigneeId, t.createdAt),
    index('facts_ws_team_created').on(t.workspaceId, t.teamId, t.createdAt),
    index('facts_ws_channel_created').on(t.workspaceId, t.channel, t.createdAt),
    index('facts_ws_inbox_created').on(t.workspaceId, t.inboxId, t.createdAt),
  ],
);

/** One row per response cycle: the first, and one per reopen (cycle > 1), each with its own first response. */
export const conversationFactCycles = sqliteTable(
  'conversation_fact_cycles',
  {
    conversationId: text('conversation_id').notNull(),
    cycle: integer('cycle').notNull(),
    workspaceId: text('workspace_id').notNull(),
    channel: text('channel').notNull(),
    inboxId: text('inbox_id').notNull(),
    teamId: text('team_id'),
    /** The handling agent while the cycle ran (frozen when it is resolved). */
    assigneeId: text('assignee_id'),
    startedAt: integer('started_at').notNull(),
    firstResponseAt: integer('first_response_at'),
    firstResponseS: real('first_response_s'),
    firstResponseBhS: real('first_response_bh_s'),
    responderId: text('responder_id'),
    resolvedAt: integer('resolved_at'),
    resolutionS: real('resolution_s'),
    resolutionBhS: real('resolution_bh_s'),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.cycle] }),
    // Time-ordered and covering: counts, means and grouped figures over a range read one run of an index.
    index('fact_cycles_ws_started').on(t.workspaceId, t.startedAt, t.cycle, t.channel, t.inboxId, t.teamId, t.assigneeId),
    index('fact_cycles_ws_first_response').on(t.workspaceId, t.firstResponseAt, t.firstResponseS, t.firstResponseBhS, t.cycle, t.channel, t.inboxId, t.teamId, t.assigneeId),
    index('fact_cycles_ws_resolved').on(t.workspaceId, t.resolvedAt, t.resolutionS, t.resolutionBhS, t.cycle, t.channel, t.inboxId, t.teamId, t.assigneeId),
    // Value-ordered and covering: percentiles read ORDER BY value LIMIT 1 OFFSET k off the index, without a sort.
    index('fact_cycles_ws_first_response_value').on(t.workspaceId, t.firstResponseS, t.firstResponseAt, t.cycle, t.channel, t.inboxId, t.teamId, t.assigneeId),
    index('fact_cycles_ws_first_response_bh_value').on(t.workspaceId, t.firstResponseBhS, t.firstResponseAt, t.cycle, t.channel, t.inboxId, t.teamId, t.assigneeId),
    index('fact_cycles_ws_resolution_value').on(t.workspaceId, t.resolutionS, t.resolvedAt, t.cycle, t.channel, t.inboxId, t.teamId, t.assigneeId),
    index('fact_cycles_ws_resolution_bh_value').on(t.workspaceId, t.resolutionBhS, t.resolvedAt, t.cycle, t.channel, t.inboxId, t.teamId, t.assigneeId),
  ],
);

/** Every response: a public agent/AI/bot reply to a waiting customer, keyed by the reply's event seq. */
export const conversationFactResponses = sqliteTable(
  'conversation_fact_responses',
  {
    conversationId: text('conversation_id').notNull(),
    seq: integer('seq').notNull(),
    workspaceId: text('workspace_id').notNull(),
    channel: text('channel').notNull(),
    inboxId: text('inbox_id').notNull(),
    teamId: text('team_id'),
    assigneeId: text('assignee_id'),
    responderId: text('responder_id'),
    cycle: integer('cycle').notNull(),
    /** The cycle's first response. */
    first: integer('first', { mode: 'boolean' }).notNull(),
    waitedFrom: integer('waited_from').notNull(),
    respondedAt: integer('responded_at').notNull(),
    responseS: real('response_s').notNull(),
    responseBhS: real('response_bh_s').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.seq] }),
    index('fact_responses_ws_responded').on(t.workspaceId, t.respondedAt, t.responseS, t.responseBhS, t.channel, t.inboxId, t.teamId, t.assigneeId),
    index('fact_responses_ws_value').on(t.workspaceId, t.responseS, t.respondedAt, t.channel, t.inboxId, t.teamId, t.assigneeId),
    index('fact_responses_ws_bh_value').on(t.workspaceId, t.responseBhS, t.respondedAt, t.channel, t.inboxId, t.teamId, t.assigneeId),
  ],
);

/** One row: when facts began (conversations created earlier have no facts; nothing replays their history). */
export const analyticsState = sqliteTable('analytics_state', {
  id: integer('id').primaryKey(),
  factsSince: integer('facts_since').notNull(),
});

/**
 * Hourly analytics rollups (worker/analytics/rollups.ts, migration 0036): per UTC hour × workspace × channel ×
 * inbox × team × agent ('' when unset), the overview's counts and sums and log-scale histograms of the time
 * metrics (`hist`: JSON "<metric>:<bin>" → count). Recomputed from the facts by the analytics subscriber.
 * WITHOUT ROWID in the migration: clustered by workspace and hour, so a range is one contiguous run.
 */
export const analyticsHourly = sqliteTable(
  'analytics_hourly',
  {
    workspaceId: text('workspace_id').notNull(),
    hour: integer('hour').notNull(),
    channel: text('channel').notNull(),
    inboxId: text('inbox_id').notNull(),
    teamId: text('team_id').notNull().default(''),
    assigneeId: text('assignee_id').notNull().default(''),
    created: integer('created').notNull().default(0),
    open: integer('open').notNull().default(0),
    closed: integer('closed').notNull().default(0),
    messagesIn: integer('messages_in').notNull().default(0),
    messagesOut: integer('messages_out').notNull().default(0),
    escalations: integer('escalations').notNull().default(0),
    frtMet: integer('frt_met').notNull().default(0),
    frtBreached: integer('frt_breached').notNull().default(0),
    resMet: integer('res_met').notNull().default(0),
    resBreached: integer('res_breached').notNull().default(0),
    csatN: integer('csat_n').notNull().default(0),
    csatSum: real('csat_sum').notNull().default(0),
    reopened: integer('reopened').notNull().default(0),
    firstInitial: integer('first_initial').notNull().default(0),
    firstReopen: integer('first_reopen').notNull().default(0),
    firstSInitial: real('first_s_initial').notNull().default(0),
    firstSReopen: real('first_s_reopen').notNull().default(0),
    firstBhS: real('first_bh_s').notNull().default(0),
    resolved: integer('resolved').notNull().default(0),
    resolutionS: real('resolution_s').notNull().default(0),
    resolutionBhS: real('resolution_bh_s').notNull().default(0),
    responses: integer('responses').notNull().default(0),
    responseS: real('response_s').notNull().default(0),
    responseBhS: real('response_bh_s').notNull().default(0),
    hist: text('hist').notNull().default('{}'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.hour, t.channel, t.inboxId, t.teamId, t.assigneeId] })],
);

/**
 * Daily workspace-wide totals of the rollups (worker/analytics/rollups.ts): per UTC day, one row per key, a
 * sum column's name or a histogram bin "<metric>:<bin>". Recomputed from the day's hourly rows.
 */
export const analyticsDaily = sqliteTable(
  'analytics_daily',
  {
    workspaceId: text('workspace_id').notNull(),
    day: integer('day').notNull(),
    k: text('k').notNull(),
    n: real('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.day, t.k] })],
);

/** Per UTC day × team ('' none): every analytics_daily key, for scoped (staff) overviews (migration 0039). */
export const analyticsDailyTeams = sqliteTable(
  'analytics_daily_teams',
  {
    workspaceId: text('workspace_id').notNull(),
    day: integer('day').notNull(),
    teamId: text('team_id').notNull(),
    k: text('k').notNull(),
    n: real('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.day, t.teamId, t.k] })],
);

/** Per agent ('' unassigned) × team: span 1 a UTC day (every key), span 7 an epoch-aligned week (the agents table's keys) (migration 0039). */
export const analyticsAgents = sqliteTable(
  'analytics_agents',
  {
    workspaceId: text('workspace_id').notNull(),
    span: integer('span').notNull(),
    start: integer('start').notNull(),
    assigneeId: text('assignee_id').notNull(),
    teamId: text('team_id').notNull(),
    k: text('k').notNull(),
    n: real('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.span, t.start, t.assigneeId, t.k, t.teamId] })],
);

/** The histogram bins of the rollups (worker/analytics/histogram.ts LOWER_BOUNDS): a value's bin is the greatest `lo` ≤ it. */
export const analyticsBins = sqliteTable('analytics_bins', {
  lo: real('lo').primaryKey(),
  bin: integer('bin').notNull(),
});

/** Outbound webhook endpoints (worker/webhooks/): where a workspace wants events sent, signed per Standard Webhooks. */
export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    url: text('url').notNull(),
    description: text('description'),
    /** JSON: the event types it subscribes to ('*' for all). */
    events: text('events', { mode: 'json' }).$type<string[]>().notNull().default([]),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    /** Why it was turned off when we did it ('failing'); null when a manager did, or while enabled. */
    disabledReason: text('disabled_reason'),
    /** AES-GCM sealed {current, previous?: {secret, until}} (worker/crypto/secrets.ts). */
    secretsEncrypted: text('secrets_encrypted').notNull(),
    /** The first failed attempt since the last success (null while healthy). */
    failingSince: integer('failing_since'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [index('webhook_endpoints_workspace').on(t.workspaceId, t.enabled)],
);

/** One event for one endpoint: the exact body every attempt sends, under the same webhook-id. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    endpointId: text('endpoint_id').notNull(),
    /** The source event (ParleyEvent id, or the ping's own id): unique per endpoint, so a redelivered event adds nothing. */
    eventId: text('event_id').notNull(),
    webhookId: text('webhook_id').notNull(),
    type: text('type').notNull(),
    payload: text('payload').notNull(),
    status: text('status', { enum: ['pending', 'succeeded', 'failed'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at'),
    lastAttemptAt: integer('last_attempt_at'),
    lastStatusCode: integer('last_status_code'),
    lastLatencyMs: integer('last_latency_ms'),
    lastError: text('last_error'),
    deliveredAt: integer('delivered_at'),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('webhook_deliveries_endpoint_event').on(t.endpointId, t.eventId), index('webhook_deliveries_endpoint_created').on(t.workspaceId, t.endpointId, t.createdAt)],
);

/** Each attempt of a delivery: when, the receiver's status code (null: no response), how long, what went wrong. */
export const webhookAttempts = sqliteTable(
  'webhook_attempts',
  {
    deliveryId: text('delivery_id').notNull(),
    attempt: integer('attempt').notNull(),
    workspaceId: text('workspace_id').notNull(),
    at: integer('at').notNull(),
    statusCode: integer('status_code'),
    latencyMs: integer('latency_ms').notNull(),
    error: text('error'),
  },
  (t) => [primaryKey({ columns: [t.deliveryId, t.attempt] })],
);

/** Message templates (worker/templates): one row per template, its current version's content. */
export const templates = sqliteTable(
  'templates',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    name: text('name').notNull(),
    channel: text('channel', { enum: ['sms', 'whatsapp', 'email'] }).notNull(),
    category: text('category').notNull(),
    language: text('language').notNull(),
    /** JSON TemplateContent (worker/templates/content.ts). */
    content: text('content', { mode: 'json' }).$type<import('../templates/content').TemplateContent>().notNull(),
    /** draft | pending | approved | rejected | paused | disabled (WhatsApp, kept in step with Meta) | active (SMS, e-mail). */
    status: text('status').notNull(),
    statusReason: text('status_reason'),
    /** When the provider last changed the status (its clock): older webhooks are ignored. */
    statusAt: integer('status_at'),
    version: integer('version').notNull().default(1),
    /** The WhatsApp inbox whose business account the template was submitted through. */
    inboxId: text('inbox_id'),
    providerTemplateId: text('provider_template_id'),
    submittedVersion: integer('submitted_version'),
    submittedAt: integer('submitted_at'),
    createdBy: text('created_by'),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('templates_name').on(t.workspaceId, t.channel, t.name, t.language),
    index('templates_ws').on(t.workspaceId, t.channel, t.category, t.status),
    index('templates_provider').on(t.workspaceId, t.providerTemplateId),
  ],
);

/** Every change of a template's name, category, language or content; restoring copies one forward as a new version. */
export const templateVersions = sqliteTable(
  'template_versions',
  {
    workspaceId: text('workspace_id').notNull(),
    templateId: text('template_id').notNull(),
    version: integer('version').notNull(),
    name: text('name').notNull(),
    category: text('category').notNull(),
    language: text('language').notNull(),
    content: text('content', { mode: 'json' }).$type<import('../templates/content').TemplateContent>().notNull(),
    /** created | edited | restored from version N */
    change: text('change').notNull(),
    createdBy: text('created_by'),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.templateId, t.version] }), index('template_versions_ws').on(t.workspaceId, t.templateId, t.version)],
);

// ---- automation workflows (issue 12; migrations/0014_automation.sql) ----

export const workflows = sqliteTable(
  'workflows',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    /** The trigger's type, copied out of the document so an event finds its workflows with an index. */
    triggerType: text('trigger_type').notNull(),
    version: integer('version').notNull(),
    document: text('document', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    deletedAt: integer('deleted_at'),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [index('workflows_ws_trigger').on(t.workspaceId, t.triggerType, t.enabled)],
);

export const workflowVersions = sqliteTable(
  'workflow_versions',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    workflowId: text('workflow_id').notNull(),
    version: integer('version').notNull(),
    document: text('document', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdBy: text('created_by'),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('workflow_versions_wf_version').on(t.workflowId, t.version)],
);

export const workflowRuns = sqliteTable(
  'workflow_runs',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    workflowId: text('workflow_id').notNull(),
    version: integer('version').notNull(),
    conversationId: text('conversation_id').notNull(),
    origin: text('origin').notNull(),
    triggerEventId: text('trigger_event_id'),
    status: text('status').notNull(),
    reason: text('reason'),
    error: text('error'),
    /** Tries at creating its Workflows instance; the run stays queued between them (worker/automation/runs.ts). */
    startAttempts: integer('start_attempts').notNull().default(0),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
    finishedAt: integer('finished_at'),
  },
  (t) => [index('workflow_runs_ws_wf').on(t.workspaceId, t.workflowId, t.createdAt), index('workflow_runs_ws_conv').on(t.workspaceId, t.conversationId, t.status)],
);

export const workflowRunSteps = sqliteTable(
  'workflow_run_steps',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    runId: text('run_id').notNull(),
    name: text('name').notNull(),
    type: text('type').notNull(),
    status: text('status').notNull(),
    input: text('input', { mode: 'json' }),
    output: text('output', { mode: 'json' }),
    error: text('error'),
    startedAt: integer('started_at').notNull(),
    finishedAt: integer('finished_at'),
  },
  (t) => [uniqueIndex('workflow_run_steps_run_name').on(t.runId, t.name)],
);

// ---- CSAT (worker/csat) ----

/** A workspace's CSAT survey settings (absent row: disabled). */
export const csatSettings = sqliteTable('csat_settings', {
  workspaceId: text('workspace_id').primaryKey(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(false),
  /** 'stars5' | 'thumbs' | 'emoji5' */
  scale: text('scale').notNull().default('stars5'),
  /** null: the localized default question. */
  question: text('question'),
  commentPrompt: text('comment_prompt'),
  autoSendOnClose: integer('auto_send_on_close', { mode: 'boolean' }).notNull().default(true),
  /** JSON array of inbox ids; null: every inbox. */
  inboxIds: text('inbox_ids', { mode: 'json' }).$type<string[] | null>(),
  delayMinutes: integer('delay_minutes').notNull().default(0),
  /** The origin survey links point at (taken from the manager's request when the settings were saved). */
  publicOrigin: text('public_origin'),
  updatedAt: integer('updated_at').notNull(),
});

/** One survey per conversation; its response (raw on its scale, score normalized to 1–5) replaceable for 24 h. */
export const csatSurveys = sqliteTable(
  'csat_surveys',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    conversationId: text('conversation_id').notNull(),
    contactId: text('contact_id').notNull(),
    inboxId: text('inbox_id').notNull(),
    channel: text('channel').notNull(),
    agentId: text('agent_id'),
    scale: text('scale').notNull(),
    language: text('language').notNull(),
    question: text('question'),
    commentPrompt: text('comment_prompt'),
    sentAt: integer('sent_at').notNull(),
    score: real('score'),
    rawScore: integer('raw_score'),
    comment: text('comment'),
    firstRespondedAt: integer('first_responded_at'),
    respondedAt: integer('responded_at'),
  },
  (t) => [uniqueIndex('csat_surveys_conversation').on(t.conversationId), index('csat_surveys_ws_responded').on(t.workspaceId, t.respondedAt)],
);

/** Bot flows (migration 0019): a conversation whose inbox's default workflow has ended (`handed_off` or `taken_over`). */
export const botConversations = sqliteTable(
  'bot_conversations',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    state: text('state').notNull(),
    reason: text('reason'),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [index('bot_conversations_ws').on(t.workspaceId)],
);

/** Scheduled workflows (migration 0019): the next slot of each `schedule` trigger (id = the workflow's). */
export const workflowSchedules = sqliteTable(
  'workflow_schedules',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    nextRunAt: integer('next_run_at'),
    lastSlot: integer('last_slot'),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [index('workflow_schedules_due').on(t.nextRunAt)],
);

/** What the team remembers about a customer (worker/memories/): one row per distinct memory (`key`). */
export const contactMemories = sqliteTable(
  'contact_memories',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    contactId: text('contact_id').notNull(),
    /** 'fact' | 'preference' | 'goal' | 'experience'. */
    type: text('type').notNull(),
    text: text('text').notNull(),
    /** The memory's identity for deduplication: what it is about (e.g. 'allergy:peanuts', 'language'), or its normalized text. */
    key: text('key').notNull(),
    sourceConversationId: text('source_conversation_id'),
    sourceMessageId: text('source_message_id'),
    /** 'agent' | 'extracted' | 'api'. */
    origin: text('origin').notNull(),
    createdBy: text('created_by'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /** Deleted by an agent: kept as a tombstone so extraction does not bring it back. */
    deletedAt: integer('deleted_at'),
  },
  (t) => [uniqueIndex('contact_memories_key').on(t.workspaceId, t.contactId, t.key), index('contact_memories_contact').on(t.workspaceId, t.contactId, t.updatedAt)],
);

/** Mentions in internal notes (migration 0026): one row per note and mentioned agent (worker/notifications/mentions.ts). */
export const noteMentions = sqliteTable(
  'note_mentions',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    conversationId: text('conversation_id').notNull(),
    messageId: text('message_id').notNull(),
    userId: text('user_id').notNull(),
    authorId: text('author_id').notNull(),
    authorName: text('author_name').notNull(),
    excerpt: text('excerpt').notNull(),
    createdAt: integer('created_at').notNull(),
    /** When the person was told (migration 0035); null: the send is still owed (a failed one is retried). */
    notifiedAt: integer('notified_at'),
  },
  (t) => [
    uniqueIndex('note_mentions_message_user').on(t.messageId, t.userId),
    index('note_mentions_user').on(t.workspaceId, t.userId, t.createdAt),
    index('note_mentions_conversation').on(t.conversationId),
  ],
);

/** Notification preferences (migration 0026): id = the user's; `prefs` is kind → channel → on (worker/notifications/preferences.ts). */
export const notificationPreferences = sqliteTable('notification_preferences', {
  id: text('id').primaryKey(),
  workspaceId: text('workspace_id').notNull(),
  prefs: text('prefs', { mode: 'json' }).$type<Record<string, Record<string, boolean>>>().notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** Mobile device push tokens (migration 0026) and browser push subscriptions (platform 'web', token = the
 * push service endpoint, `keys` = the browser's p256dh and auth, migration 0030): stored, listed and revoked by their owner. */
export const pushTokens = sqliteTable(
  'push_tokens',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    userId: text('user_id').notNull(),
    platform: text('platform').notNull(),
    token: text('token').notNull(),
    deviceName: text('device_name'),
    keys: text('keys', { mode: 'json' }).$type<{ p256dh: string; auth: string }>(),
    createdAt: integer('created_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
  },
  (t) => [uniqueIndex('push_tokens_user_token').on(t.userId, t.token)],
);

/** Deleted conversations (migration 0031): the audit entry left when a manager deletes one (worker/conversations/delete.ts). */
export const conversationDeletions = sqliteTable(
  'conversation_deletions',
  {
    conversationId: text('conversation_id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    contactId: text('contact_id'),
    channel: text('channel').notNull(),
    deletedBy: text('deleted_by').notNull(),
    deletedByName: text('deleted_by_name').notNull(),
    deletedAt: integer('deleted_at').notNull(),
  },
  (t) => [index('conversation_deletions_ws').on(t.workspaceId, t.deletedAt)],
);

/** segment.matched: the contacts seen inside each audience a workflow watches (migration 0037). */
export const segmentMembers = sqliteTable(
  'segment_members',
  {
    workspaceId: text('workspace_id').notNull(),
    audienceId: text('audience_id').notNull(),
    contactId: text('contact_id').notNull(),
    enteredEventId: text('entered_event_id').notNull(),
    enteredAt: integer('entered_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.audienceId, t.contactId] })],
);

/** Saved views (migration 0032): an agent's named list filters; shared ones (managers') show to the whole workspace (worker/views/). */
export const savedViews = sqliteTable(
  'saved_views',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    ownerId: text('owner_id').notNull(),
    name: text('name').notNull(),
    filters: text('filters', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    shared: integer('shared', { mode: 'boolean' }).notNull().default(false),
    position: integer('position').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('saved_views_owner').on(t.workspaceId, t.ownerId, t.position), index('saved_views_shared').on(t.workspaceId, t.shared)],
);
