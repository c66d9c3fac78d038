// AgentDO: one per agent, the authority for their presence and the home of their notification feed.
// WorkspaceDO holds the agent's live sockets and tells this object when a tab connects, closes or
// shows activity; the rules live in worker/routing/presence.ts, the timers in this object's alarm.
import { DurableObject } from 'cloudflare:workers';
import { revokes, type Revocation } from '../worker/auth/socket-revocation';
import { SESSION_TTL_MS } from '../worker/auth/session';
import type { Presence } from '../worker/routing/model';
import { DEFAULT_PRESENCE, presenceAt, type AgentIdentity, type PresenceConfig, type PresenceSnapshot, type Tab } from '../worker/routing/presence';
import { workspaceStub } from '../worker/routing/stubs';
import { DEDUPE_WINDOW_MS, foldsInto } from '../worker/notifications/dedupe';

/** How often the object checks with WorkspaceDO that its tabs still exist (a restart can drop sockets silently). */
const RECONCILE_MS = 10 * 60_000;
const FEED_LIMIT = 500;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tabs (conn_id TEXT PRIMARY KEY, connected_at INTEGER NOT NULL, last_active_at INTEGER);
CREATE TABLE IF NOT EXISTS notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, conversation_id TEXT, title TEXT NOT NULL,
  body TEXT NOT NULL, at INTEGER NOT NULL, read_at INTEGER);
CREATE TABLE IF NOT EXISTS quiet_news (kind TEXT NOT NULL, conversation_id TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS conversation_sockets (
  conversation_id TEXT NOT NULL, credential_id TEXT NOT NULL, via TEXT NOT NULL, opened_at INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, credential_id));
`;

export interface Notification {
  id: number;
  kind: string;
  conversationId: string | null;
  title: string;
  body: string;
  at: number;
  readAt: number | null;
}

interface AgentState extends AgentIdentity {
  status: Presence;
  since: number;
  version: number;
  lastClosedAt: number | null;
  manualAway: boolean;
  config: PresenceConfig;
  profile: { capacity: number; skills: string[]; languages: string[] } | null;
  /** When the presence rules must be looked at again, and when to next check the tabs still exist. */
  checkAt: number | null;
  reconcileAt: number | null;
  alarmAt: number | null;
}

export class AgentDO extends DurableObject<Env> {
  #sql: SqlStorage;
  #state: AgentState | null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#sql.exec(SCHEMA);
    const raw = this.#sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'state'`).toArray()[0];
    this.#state = raw ? (JSON.parse(raw.value) as AgentState) : null;
  }

  /** A tab's live socket opened (WorkspaceDO). Returns the presence that follows. */
  tabOpened(who: AgentIdentity, connId: string, config: PresenceConfig): PresenceSnapshot {
    const s = this.#init(who);
    s.config = config;
    const now = Date.now();
    this.#sql.exec(`INSERT INTO tabs (conn_id, connected_at, last_active_at) VALUES (?, ?, NULL) ON CONFLICT(conn_id) DO NOTHING`, connId, now);
    s.lastClosedAt = null;
    return this.#recompute(now);
  }

  /** A tab's socket closed (WorkspaceDO). Offline follows after the grace period, by alarm. */
  tabClosed(connId: string): PresenceSnapshot | null {
    if (!this.#state) return null;
    const now = Date.now();
    this.#sql.exec(`DELETE FROM tabs WHERE conn_id = ?`, connId);
    if (this.#tabs().length === 0) this.#state.lastClosedAt = now;
    return this.#recompute(now);
  }

  /** The person did something in a tab (a client `active` frame): online again, idle timer restarts. */
  tabActive(connId: string): PresenceSnapshot | null {
    if (!this.#state) return null;
    const now = Date.now();
    this.#sql.exec(`UPDATE tabs SET last_active_at = ? WHERE conn_id = ?`, now, connId);
    return this.#recompute(now);
  }

  /** The agent sets themselves away (or back); WorkspaceDO hears of it from here. */
  async setAway(who: AgentIdentity, away: boolean): Promise<PresenceSnapshot> {
    const s = this.#init(who);
    s.manualAway = away;
    const before = s.status;
    const snap = this.#recompute(Date.now());
    if (snap.status !== before) await workspaceStub(this.env, s.workspaceId).presenceChanged(snap);
    return snap;
  }

  snapshot(): PresenceSnapshot | null {
    return this.#state ? this.#snap() : null;
  }

  /** Presence details for the agent's own settings view. */
  details(): { status: Presence; since: number; manualAway: boolean; tabs: number; config: PresenceConfig } | null {
    const s = this.#state;
    return s ? { status: s.status, since: s.since, manualAway: s.manualAway, tabs: this.#tabs().length, config: s.config } : null;
  }

  /** Capacity, skills and languages as D1 has them (mirrored by WorkspaceDO when users change). */
  profile(who: AgentIdentity, profile: { capacity: number; skills: string[]; languages: string[] }): void {
    const s = this.#init(who);
    s.name = who.name;
    s.profile = profile;
    this.#save();
  }

  // ---- where this agent's conversation sockets are ----

  /**
   * The Worker opens a conversation socket for this agent under a credential: remembered so that a
   * revocation reaches that ConversationDO, until the object says the last such socket left. Rows
   * older than a session's life go too (an object that never said so: a restart drops sockets silently).
   */
  conversationSocketOpened(conversationId: string, credential: { credentialId: string; via: 'session' | 'api_key' }): void {
    const now = Date.now();
    this.#sql.exec(
      `INSERT INTO conversation_sockets (conversation_id, credential_id, via, opened_at) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET opened_at = excluded.opened_at`,
      conversationId,
      credential.credentialId,
      credential.via,
      now,
    );
    this.#sql.exec(`DELETE FROM conversation_sockets WHERE opened_at < ?`, now - SESSION_TTL_MS);
  }

  /**
   * The ConversationDO: this agent's last socket under the credential there closed. Only a record from
   * before that socket was accepted goes: a socket opened meanwhile (recorded later) keeps its own.
   */
  conversationSocketClosed(conversationId: string, credentialId: string, acceptedAt: number): void {
    this.#sql.exec(`DELETE FROM conversation_sockets WHERE conversation_id = ? AND credential_id = ? AND opened_at <= ?`, conversationId, credentialId, acceptedAt);
  }

  /** The conversations that may hold sockets a revocation reaches; their records go (those sockets are being closed). */
  takeConversationSockets(r: Revocation): string[] {
    const rows = this.#sql.exec<{ conversation_id: string; credential_id: string; via: 'session' | 'api_key' }>(`SELECT conversation_id, credential_id, via FROM conversation_sockets`).toArray();
    const hit = rows.filter((row) => revokes(r, { userId: r.userId, credentialId: row.credential_id, via: row.via }));
    for (const row of hit) this.#sql.exec(`DELETE FROM conversation_sockets WHERE conversation_id = ? AND credential_id = ?`, row.conversation_id, row.credential_id);
    return [...new Set(hit.map((row) => row.conversation_id))];
  }

  // ---- the personal notification feed ----

  /**
   * Add to the feed, or fold into the unread entry for the same news (worker/notifications/dedupe.ts):
   * `folded` says which. `feed: false` (the agent turned in-app off for this kind): no feed entry, only
   * a note of when this news last went out, so its e-mail and push fold the same way.
   */
  notify(who: AgentIdentity, n: { kind: string; conversationId: string | null; title: string; body: string; at?: number }, opts: { feed?: boolean } = {}): { id: number; folded: boolean } {
    this.#init(who);
    const at = n.at ?? Date.now();
    if (opts.feed === false) return this.#quietNews({ kind: n.kind, conversationId: n.conversationId, at });
    const last = this.#sql
      .exec<{ id: number; kind: string; conversation_id: string | null; at: number; read_at: number | null }>(
        `SELECT id, kind, conversation_id, at, read_at FROM notifications WHERE kind = ? AND conversation_id IS ? ORDER BY id DESC LIMIT 1`,
        n.kind,
        n.conversationId,
      )
      .toArray()[0];
    if (last && foldsInto({ kind: last.kind, conversationId: last.conversation_id, at: last.at, readAt: last.read_at }, { ...n, at })) {
      this.#sql.exec(`UPDATE notifications SET title = ?, body = ? WHERE id = ?`, n.title, n.body, last.id);
      return { id: last.id, folded: true };
    }
    this.#sql.exec(`INSERT INTO notifications (kind, conversation_id, title, body, at) VALUES (?, ?, ?, ?, ?)`, n.kind, n.conversationId, n.title, n.body, at);
    const id = this.#sql.exec<{ id: number }>(`SELECT last_insert_rowid() AS id`).one().id;
    this.#sql.exec(`DELETE FROM notifications WHERE id <= (SELECT max(id) FROM notifications) - ?`, FEED_LIMIT);
    return { id, folded: false };
  }

  /** News kept out of the feed: folds as the feed does (never read, so by the window alone); id 0, no entry. */
  #quietNews(n: { kind: string; conversationId: string | null; at: number }): { id: number; folded: boolean } {
    if (n.conversationId === null) return { id: 0, folded: false };
    const last = this.#sql.exec<{ at: number }>(`SELECT at FROM quiet_news WHERE kind = ? AND conversation_id = ? ORDER BY at DESC LIMIT 1`, n.kind, n.conversationId).toArray()[0];
    if (last && foldsInto({ kind: n.kind, conversationId: n.conversationId, at: last.at, readAt: null }, n)) return { id: 0, folded: true };
    this.#sql.exec(`DELETE FROM quiet_news WHERE at < ?`, n.at - DEDUPE_WINDOW_MS);
    this.#sql.exec(`INSERT INTO quiet_news (kind, conversation_id, at) VALUES (?, ?, ?)`, n.kind, n.conversationId, n.at);
    return { id: 0, folded: false };
  }

  notifications(opts: { limit: number; before?: number; unreadOnly?: boolean }): { items: Notification[]; unread: number } {
    const items = this.#sql
      .exec<{ id: number; kind: string; conversation_id: string | null; title: string; body: string; at: number; read_at: number | null }>(
        `SELECT * FROM notifications WHERE id < ?1 AND (?2 = 0 OR read_at IS NULL) ORDER BY id DESC LIMIT ?3`,
        opts.before ?? Number.MAX_SAFE_INTEGER,
        opts.unreadOnly ? 1 : 0,
        opts.limit,
      )
      .toArray()
      .map((r) => ({ id: r.id, kind: r.kind, conversationId: r.conversation_id, title: r.title, body: r.body, at: r.at, readAt: r.read_at }));
    return { items, unread: this.#unread() };
  }

  /** Mark some (or, without ids, all) notifications read. */
  markRead(ids?: number[]): { unread: number } {
    const now = Date.now();
    if (ids === undefined) this.#sql.exec(`UPDATE notifications SET read_at = ? WHERE read_at IS NULL`, now);
    else for (const id of ids) this.#sql.exec(`UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL`, now, id);
    return { unread: this.#unread() };
  }

  /**
   * Presence timers: away after idle, offline after the grace period, and the periodic check that the
   * tabs still exist. An alarm fires at or after its time, so its scheduled time is "now" for the rules.
   */
  async alarm(): Promise<void> {
    const s = this.#state;
    if (!s) return;
    const now = Math.max(Date.now(), s.alarmAt ?? 0);
    s.alarmAt = null;
    const before = s.status;
    if (s.reconcileAt !== null && s.reconcileAt <= now && this.#tabs().length > 0) {
      const asked = Date.now();
      const live = new Set(await workspaceStub(this.env, s.workspaceId).liveConnections(s.userId));
      for (const t of this.#tabs()) if (!live.has(t.connId) && t.connectedAt < asked) this.#sql.exec(`DELETE FROM tabs WHERE conn_id = ?`, t.connId);
      if (this.#tabs().length === 0) s.lastClosedAt = now;
      s.reconcileAt = null;
    }
    const snap = this.#recompute(now);
    if (snap.status !== before) await workspaceStub(this.env, s.workspaceId).presenceChanged(snap);
  }

  #init(who: AgentIdentity): AgentState {
    this.#state ??= {
      ...who,
      status: 'offline',
      since: Date.now(),
      version: 0,
      lastClosedAt: null,
      manualAway: false,
      config: DEFAULT_PRESENCE,
      profile: null,
      checkAt: null,
      reconcileAt: null,
      alarmAt: null,
    };
    this.#state.name = who.name || this.#state.name;
    return this.#state;
  }

  #tabs(): Tab[] {
    return this.#sql
      .exec<{ conn_id: string; connected_at: number; last_active_at: number | null }>(`SELECT * FROM tabs`)
      .toArray()
      .map((r) => ({ connId: r.conn_id, connectedAt: r.connected_at, lastActiveAt: r.last_active_at }));
  }

  /** Apply the presence rules at `now`, persist, and keep the single alarm on the earliest timer. */
  #recompute(now: number): PresenceSnapshot {
    const s = this.#state!;
    const tabs = this.#tabs();
    const { status, nextCheckAt } = presenceAt({ tabs, lastClosedAt: s.lastClosedAt, manualAway: s.manualAway, previous: s.status }, now, s.config);
    if (status !== s.status) {
      s.status = status;
      s.since = now;
      s.version++;
    }
    s.checkAt = nextCheckAt;
    s.reconcileAt = tabs.length === 0 ? null : (s.reconcileAt ?? now + RECONCILE_MS);
    const next = [s.checkAt, s.reconcileAt].filter((x): x is number => x !== null).reduce<number | null>((a, b) => (a === null ? b : Math.min(a, b)), null);
    if (next !== s.alarmAt) {
      s.alarmAt = next;
      if (next === null) void this.ctx.storage.deleteAlarm();
      else void this.ctx.storage.setAlarm(next);
    }
    this.#save();
    return this.#snap();
  }

  #snap(): PresenceSnapshot {
    const s = this.#state!;
    return { workspaceId: s.workspaceId, userId: s.userId, name: s.name, status: s.status, since: s.since, version: s.version };
  }

  #save(): void {
    this.#sql.exec(`INSERT INTO meta (key, value) VALUES ('state', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, JSON.stringify(this.#state));
  }

  #unread(): number {
    return this.#sql.exec<{ n: number }>(`SELECT count(*) AS n FROM notifications WHERE read_at IS NULL`).one().n;
  }
}
