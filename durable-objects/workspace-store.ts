// WorkspaceDO's own SQLite for routing: the roster (kept in memory too, written through), the
// assignments that make up each agent's load, the team queues, round-robin cursors and pending
// re-routes. Every method is synchronous, so a decision and its reservation happen with no await between.
import type { Conversation, Priority } from '../worker/conversations/model';
import { PRIORITY_RANK } from '../worker/conversations/model';
import type { Presence, RosterAgent, RoutingDecision } from '../worker/routing/model';
import type { Target } from '../worker/routing/strategies';
import { countedToward, reservation, type AssignmentRow, type Observation, type QueueRow } from '../worker/routing/assignments';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS roster (
  user_id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, status TEXT NOT NULL, status_since INTEGER NOT NULL,
  presence_version INTEGER NOT NULL, capacity INTEGER NOT NULL, skills TEXT NOT NULL, languages TEXT NOT NULL,
  team_ids TEXT NOT NULL, last_assigned_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS assignments (
  conversation_id TEXT PRIMARY KEY, user_id TEXT, team_id TEXT, status TEXT NOT NULL, priority TEXT NOT NULL,
  seq INTEGER NOT NULL, pending_since INTEGER, decision TEXT);
CREATE INDEX IF NOT EXISTS assignments_user ON assignments(user_id);
CREATE INDEX IF NOT EXISTS assignments_pending ON assignments(pending_since) WHERE pending_since IS NOT NULL;
CREATE TABLE IF NOT EXISTS queue (
  conversation_id TEXT PRIMARY KEY, priority_rank INTEGER NOT NULL, waiting_since INTEGER NOT NULL, seq INTEGER NOT NULL,
  target TEXT NOT NULL, decision TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS queue_order ON queue(priority_rank DESC, waiting_since, conversation_id);
CREATE TABLE IF NOT EXISTS cursors (key TEXT PRIMARY KEY, user_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reroutes (conversation_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, due_at INTEGER NOT NULL);
`;

export interface RosterRow extends RosterAgent {
  role: string;
  statusSince: number;
  presenceVersion: number;
}

export interface Profile {
  userId: string;
  name: string;
  role: string;
  capacity: number;
  skills: string[];
  languages: string[];
  teamIds: string[];
}

type RawAssignment = { conversation_id: string; user_id: string | null; team_id: string | null; status: string; priority: string; seq: number; pending_since: number | null; decision: string | null };

export class WorkspaceStore {
  readonly roster = new Map<string, RosterRow>();

  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
    const loads = new Map<string, number>();
    for (const r of sql.exec<{ user_id: string; n: number }>(`SELECT user_id, count(*) AS n FROM assignments WHERE user_id IS NOT NULL AND status IN ('open', 'pending') GROUP BY user_id`)) loads.set(r.user_id, r.n);
    for (const r of sql.exec<Record<string, string | number>>(`SELECT * FROM roster`)) {
      this.roster.set(String(r.user_id), {
        userId: String(r.user_id),
        name: String(r.name),
        role: String(r.role),
        status: r.status as Presence,
        statusSince: Number(r.status_since),
        presenceVersion: Number(r.presence_version),
        capacity: Number(r.capacity),
        skills: JSON.parse(String(r.skills)),
        languages: JSON.parse(String(r.languages)),
        teamIds: JSON.parse(String(r.team_ids)),
        lastAssignedAt: Number(r.last_assigned_at),
        load: loads.get(String(r.user_id)) ?? 0,
      });
    }
  }

  meta(key: string): string | null {
    return this.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, key).toArray()[0]?.value ?? null;
  }

  setMeta(key: string, value: string | null): void {
    if (value === null) this.sql.exec(`DELETE FROM meta WHERE key = ?`, key);
    else this.sql.exec(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value);
  }

  // ---- roster ----

  agents(): RosterRow[] {
    return [...this.roster.values()];
  }

  #saveAgent(a: RosterRow): void {
    this.sql.exec(
      `INSERT INTO roster (user_id, name, role, status, status_since, presence_version, capacity, skills, languages, team_ids, last_assigned_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(user_id) DO UPDATE SET name = excluded.name, role = excluded.role, status = excluded.status, status_since = excluded.status_since,
         presence_version = excluded.presence_version, capacity = excluded.capacity, skills = excluded.skills, languages = excluded.languages,
         team_ids = excluded.team_ids, last_assigned_at = excluded.last_assigned_at`,
      a.userId,
      a.name,
      a.role,
      a.status,
      a.statusSince,
      a.presenceVersion,
      a.capacity,
      JSON.stringify(a.skills),
      JSON.stringify(a.languages),
      JSON.stringify(a.teamIds),
      a.lastAssignedAt,
    );
  }

  /** Replace the profiles (from D1), keeping presence and load; returns the ids whose profile changed. */
  syncProfiles(profiles: Profile[]): string[] {
    const changed: string[] = [];
    const seen = new Set<string>();
    for (const p of profiles) {
      seen.add(p.userId);
      const cur = this.roster.get(p.userId);
      const next: RosterRow = cur
        ? { ...cur, ...p }
        : { ...p, status: 'offline', statusSince: 0, presenceVersion: 0, load: this.#loadOf(p.userId), lastAssignedAt: 0 };
      if (!cur || JSON.stringify([cur.name, cur.role, cur.capacity, cur.skills, cur.languages, cur.teamIds]) !== JSON.stringify([p.name, p.role, p.capacity, p.skills, p.languages, p.teamIds])) {
        changed.push(p.userId);
        this.roster.set(p.userId, next);
        this.#saveAgent(next);
      }
    }
    for (const id of [...this.roster.keys()]) {
      if (seen.has(id)) continue;
      this.roster.delete(id);
      this.sql.exec(`DELETE FROM roster WHERE user_id = ?`, id);
    }
    return changed;
  }

  /** Apply a presence snapshot from the agent's AgentDO; older versions are ignored. Returns the previous status when it changed. */
  setPresence(userId: string, status: Presence, since: number, version: number): Presence | null {
    const a = this.roster.get(userId);
    if (!a || version < a.presenceVersion) return null;
    const previous = a.status;
    a.status = status;
    a.statusSince = since;
    a.presenceVersion = version;
    this.#saveAgent(a);
    return previous === status ? null : previous;
  }

  #loadOf(userId: string): number {
    return this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM assignments WHERE user_id = ? AND status IN ('open', 'pending')`, userId).one().n;
  }

  // ---- assignments ----

  assignment(conversationId: string): AssignmentRow | null {
    const r = this.sql.exec<RawAssignment>(`SELECT * FROM assignments WHERE conversation_id = ?`, conversationId).toArray()[0];
    return r ? toAssignment(r) : null;
  }

  assignmentsOf(userId: string): AssignmentRow[] {
    return this.sql
      .exec<RawAssignment>(`SELECT * FROM assignments WHERE user_id = ? AND status IN ('open', 'pending')`, userId)
      .toArray()
      .map(toAssignment);
  }

  pendingBefore(at: number): AssignmentRow[] {
    return this.sql.exec<RawAssignment>(`SELECT * FROM assignments WHERE pending_since IS NOT NULL AND pending_since <= ?`, at).toArray().map(toAssignment);
  }

  oldestPending(): number | null {
    return this.sql.exec<{ at: number | null }>(`SELECT min(pending_since) AS at FROM assignments WHERE pending_since IS NOT NULL`).one().at ?? null;
  }

  /**
   * Write an assignment row, moving load between agents; returns the agent who lost a counted conversation, if any.
   * `current`: the row as the caller just read it in the same synchronous section (not read again).
   */
  putAssignment(row: AssignmentRow, current?: AssignmentRow | null): string | null {
    const before = countedToward(current !== undefined ? current : this.assignment(row.conversationId));
    const after = countedToward(row);
    this.sql.exec(
      `INSERT INTO assignments (conversation_id, user_id, team_id, status, priority, seq, pending_since, decision) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(conversation_id) DO UPDATE SET user_id = excluded.user_id, team_id = excluded.team_id, status = excluded.status,
         priority = excluded.priority, seq = excluded.seq, pending_since = excluded.pending_since, decision = excluded.decision`,
      row.conversationId,
      row.userId,
      row.teamId,
      row.status,
      row.priority,
      row.seq,
      row.pendingSince,
      row.decision ? JSON.stringify(row.decision) : null,
    );
    if (before === after) return null;
    const from = before ? this.roster.get(before) : undefined;
    if (from) from.load = Math.max(0, from.load - 1);
    const to = after ? this.roster.get(after) : undefined;
    if (to) to.load++;
    return before;
  }

  /** Forget a conversation (unassigned or closed); returns the agent whose load it counted toward, if any. */
  deleteAssignment(conversationId: string, current?: AssignmentRow | null): string | null {
    const old = current !== undefined ? current : this.assignment(conversationId);
    if (!old) return null;
    this.sql.exec(`DELETE FROM assignments WHERE conversation_id = ?`, conversationId);
    const counted = countedToward(old);
    if (!counted) return null;
    const a = this.roster.get(counted);
    if (a) a.load = Math.max(0, a.load - 1);
    return counted;
  }

  /** Apply what a change notification means (worker/routing/assignments.ts observe). Returns true when an agent lost a conversation from their load (the queues may drain into them). */
  /** `current`: the conversation's row as the caller read it for observe, in the same synchronous section. */
  applyObservation(c: Conversation, o: Observation, current?: AssignmentRow | null): boolean {
    if (o.kind === 'ignore') return false;
    if (o.kind === 'keep') {
      this.putAssignment(o.row, current);
      return false;
    }
    const freed = o.row ? this.putAssignment(o.row, current) : this.deleteAssignment(c.id, current);
    if (o.dequeue) this.dequeue(c.id);
    else this.setQueuePriority(c.id, c.priority, c.seq);
    if (o.cancelReroute) this.cancelReroutes({ conversationId: c.id });
    return freed !== null;
  }

  /** Reserve an agent for a conversation at decision time (load counts at once). */
  reserve(c: Pick<Conversation, 'id' | 'teamId' | 'status' | 'priority' | 'seq'>, decision: RoutingDecision, now: number): void {
    this.putAssignment(reservation(c, decision, now));
    const a = decision.assigneeId ? this.roster.get(decision.assigneeId) : undefined;
    if (a) {
      a.lastAssignedAt = now;
      this.#saveAgent(a);
    }
  }

  // ---- queue ----

  enqueue(c: Pick<Conversation, 'id' | 'priority' | 'seq' | 'waitingSince' | 'createdAt'>, target: Target, decision: RoutingDecision, now: number): void {
    this.sql.exec(
      `INSERT INTO queue (conversation_id, priority_rank, waiting_since, seq, target, decision) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(conversation_id) DO UPDATE SET priority_rank = excluded.priority_rank, seq = excluded.seq, target = excluded.target, decision = excluded.decision`,
      c.id,
      PRIORITY_RANK[(decision.priority ?? c.priority) as Priority] ?? 1,
      c.waitingSince ?? now,
      c.seq,
      JSON.stringify(target),
      JSON.stringify(decision),
    );
  }

  dequeue(conversationId: string): boolean {
    return this.sql.exec(`DELETE FROM queue WHERE conversation_id = ?`, conversationId).rowsWritten > 0;
  }

  queued(conversationId: string): QueueRow | null {
    const r = this.sql.exec<RawQueue>(`SELECT * FROM queue WHERE conversation_id = ?`, conversationId).toArray()[0];
    return r ? toQueue(r) : null;
  }

  setQueuePriority(conversationId: string, priority: string, seq: number): void {
    this.sql.exec(`UPDATE queue SET priority_rank = ?1, seq = max(seq, ?2) WHERE conversation_id = ?3 AND priority_rank != ?1`, PRIORITY_RANK[priority as Priority] ?? 1, seq, conversationId);
  }

  /** Waiting conversations, most urgent first, then longest waiting. */
  queue(limit = 10_000): QueueRow[] {
    return this.sql.exec<RawQueue>(`SELECT * FROM queue ORDER BY priority_rank DESC, waiting_since, conversation_id LIMIT ?`, limit).toArray().map(toQueue);
  }

  queueSize(): number {
    return this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM queue`).one().n;
  }

  // ---- round-robin cursors ----

  cursor(key: string): string | null {
    return this.sql.exec<{ user_id: string }>(`SELECT user_id FROM cursors WHERE key = ?`, key).toArray()[0]?.user_id ?? null;
  }

  setCursor(key: string, userId: string): void {
    this.sql.exec(`INSERT INTO cursors (key, user_id) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET user_id = excluded.user_id`, key, userId);
  }

  // ---- re-routes when an assignee goes offline ----

  scheduleReroute(conversationId: string, userId: string, dueAt: number): void {
    this.sql.exec(`INSERT INTO reroutes (conversation_id, user_id, due_at) VALUES (?, ?, ?) ON CONFLICT(conversation_id) DO NOTHING`, conversationId, userId, dueAt);
  }

  cancelReroutes(filter: { userId?: string; conversationId?: string }): void {
    if (filter.userId) this.sql.exec(`DELETE FROM reroutes WHERE user_id = ?`, filter.userId);
    if (filter.conversationId) this.sql.exec(`DELETE FROM reroutes WHERE conversation_id = ?`, filter.conversationId);
  }

  dueReroutes(now: number): { conversationId: string; userId: string }[] {
    return this.sql
      .exec<{ conversation_id: string; user_id: string }>(`SELECT conversation_id, user_id FROM reroutes WHERE due_at <= ? ORDER BY due_at`, now)
      .toArray()
      .map((r) => ({ conversationId: r.conversation_id, userId: r.user_id }));
  }

  nextReroute(): number | null {
    return this.sql.exec<{ at: number | null }>(`SELECT min(due_at) AS at FROM reroutes`).one().at ?? null;
  }
}

type RawQueue = { conversation_id: string; priority_rank: number; waiting_since: number; seq: number; target: string; decision: string };

function toAssignment(r: RawAssignment): AssignmentRow {
  return {
    conversationId: r.conversation_id,
    userId: r.user_id,
    teamId: r.team_id,
    status: r.status,
    priority: r.priority,
    seq: r.seq,
    pendingSince: r.pending_since,
    decision: r.decision ? (JSON.parse(r.decision) as RoutingDecision) : null,
  };
}

function toQueue(r: RawQueue): QueueRow {
  return { conversationId: r.conversation_id, priorityRank: r.priority_rank, waitingSince: r.waiting_since, seq: r.seq, target: JSON.parse(r.target), decision: JSON.parse(r.decision) };
}
