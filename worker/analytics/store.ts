// The facts tables in D1 for the analytics subscriber: one read for a batch (facts rows with their current
// cycle, the workspaces' calendars, when facts began) and the statements that write a fold's result.
// Rows are keyed by conversation id (globally unique); every write also checks the row it read is still
// the one it folded from, so two consumers racing on one conversation never interleave their events.
import type { Calendar, HolidayEntry, WeeklyHours } from '../routing/business-hours';
import type { Cycle, Facts, FactsState, ResponseFact } from './facts';

type Row = Record<string, unknown>;

const FACT_COLUMNS: [keyof Facts, string][] = [
  ['conversationId', 'conversation_id'],
  ['workspaceId', 'workspace_id'],
  ['contactId', 'contact_id'],
  ['channel', 'channel'],
  ['inboxId', 'inbox_id'],
  ['teamId', 'team_id'],
  ['assigneeId', 'assignee_id'],
  ['status', 'status'],
  ['createdAt', 'created_at'],
  ['firstResponseAt', 'first_response_at'],
  ['firstResponseS', 'first_response_s'],
  ['firstResponseBhS', 'first_response_bh_s'],
  ['resolvedAt', 'resolved_at'],
  ['resolutionS', 'resolution_s'],
  ['resolutionBhS', 'resolution_bh_s'],
  ['reopens', 'reopens'],
  ['messagesIn', 'messages_in'],
  ['messagesOut', 'messages_out'],
  ['responses', 'responses'],
  ['responseSTotal', 'response_s_total'],
  ['responseBhSTotal', 'response_bh_s_total'],
  ['slaFirstResponse', 'sla_first_response'],
  ['slaResolution', 'sla_resolution'],
  ['escalations', 'escalations'],
  ['csatScore', 'csat_score'],
  ['cycle', 'cycle'],
  ['waitingSince', 'waiting_since'],
  ['lastSeq', 'last_seq'],
  ['updatedAt', 'updated_at'],
];

const CYCLE_COLUMNS: [keyof Cycle, string][] = [
  ['conversationId', 'conversation_id'],
  ['cycle', 'cycle'],
  ['workspaceId', 'workspace_id'],
  ['channel', 'channel'],
  ['inboxId', 'inbox_id'],
  ['teamId', 'team_id'],
  ['assigneeId', 'assignee_id'],
  ['startedAt', 'started_at'],
  ['firstResponseAt', 'first_response_at'],
  ['firstResponseS', 'first_response_s'],
  ['firstResponseBhS', 'first_response_bh_s'],
  ['responderId', 'responder_id'],
  ['resolvedAt', 'resolved_at'],
  ['resolutionS', 'resolution_s'],
  ['resolutionBhS', 'resolution_bh_s'],
];

const RESPONSE_COLUMNS: [keyof ResponseFact, string][] = [
  ['conversationId', 'conversation_id'],
  ['seq', 'seq'],
  ['workspaceId', 'workspace_id'],
  ['channel', 'channel'],
  ['inboxId', 'inbox_id'],
  ['teamId', 'team_id'],
  ['assigneeId', 'assignee_id'],
  ['responderId', 'responder_id'],
  ['cycle', 'cycle'],
  ['first', 'first'],
  ['waitedFrom', 'waited_from'],
  ['respondedAt', 'responded_at'],
  ['responseS', 'response_s'],
  ['responseBhS', 'response_bh_s'],
];

function fromRow<T>(row: Row, columns: [keyof T, string][], prefix = ''): T {
  const out = {} as Record<keyof T, unknown>;
  for (const [key, col] of columns) out[key] = row[prefix + col] ?? null;
  return out as T;
}

export interface BatchContext {
  states: Map<string, FactsState>;
  calendars: Map<string, Calendar>;
  /** Conversations created before this have no facts (their early events were never folded). */
  factsSince: number;
  /** Conversations deleted already: their late events fold into nothing (deletion took their facts out of the rollups). */
  deleted: Set<string>;
}

/** Everything a batch's fold needs, in one D1 round trip. */
export async function loadBatchContext(db: D1Database, conversationIds: string[], workspaceIds: string[]): Promise<BatchContext> {
  const cycleSelect = CYCLE_COLUMNS.map(([, col]) => `c.${col} AS c_${col}`).join(', ');
  const [facts, calendars, since, deleted] = await db.batch<Row>([
    db
      .prepare(
        `SELECT f.*, ${cycleSelect} FROM conversation_facts f
           LEFT JOIN conversation_fact_cycles c ON c.conversation_id = f.conversation_id AND c.cycle = f.cycle
         WHERE f.conversation_id IN (SELECT value FROM json_each(?1))`,
      )
      .bind(JSON.stringify(conversationIds)),
    db
      .prepare(
        `SELECT w.id, w.timezone, w.business_hours, rs.holidays FROM workspaces w LEFT JOIN routing_settings rs ON rs.workspace_id = w.id
         WHERE w.id IN (SELECT value FROM json_each(?1))`,
      )
      .bind(JSON.stringify(workspaceIds)),
    db.prepare(`SELECT facts_since FROM analytics_state WHERE id = 1`),
    db.prepare(`SELECT conversation_id FROM conversation_deletions WHERE conversation_id IN (SELECT value FROM json_each(?1))`).bind(JSON.stringify(conversationIds)),
  ]);
  const states = new Map<string, FactsState>();
  for (const row of facts.results) {
    const f = fromRow<Facts>(row, FACT_COLUMNS);
    const cycle =
      row.c_cycle === null || row.c_cycle === undefined
        ? // The current cycle's row is written with the facts in one batch; this only covers a row written by hand.
          { conversationId: f.conversationId, cycle: f.cycle, workspaceId: f.workspaceId, channel: f.channel, inboxId: f.inboxId, teamId: f.teamId, assigneeId: f.assigneeId, startedAt: f.createdAt, firstResponseAt: null, firstResponseS: null, firstResponseBhS: null, responderId: null, resolvedAt: null, resolutionS: null, resolutionBhS: null }
        : fromRow<Cycle>(row, CYCLE_COLUMNS, 'c_');
    states.set(f.conversationId, { facts: f, cycle });
  }
  const cals = new Map<string, Calendar>();
  for (const r of calendars.results) {
    cals.set(String(r.id), {
      timezone: String(r.timezone ?? 'UTC'),
      hours: r.business_hours ? (JSON.parse(String(r.business_hours)) as WeeklyHours) : null,
      holidays: r.holidays ? (JSON.parse(String(r.holidays)) as HolidayEntry[]) : [],
    });
  }
  return { states, calendars: cals, factsSince: Number(since.results[0]?.facts_since ?? 0), deleted: new Set(deleted.results.map((r) => String(r.conversation_id))) };
}

const value = (v: unknown) => (typeof v === 'boolean' ? (v ? 1 : 0) : v === undefined ? null : v);

/**
 * The statements that store one conversation's fold: the facts row (only if the stored row is still at
 * `prevLastSeq`, -1 for none, and the conversation was not deleted: its `changes` tells whether it won),
 * then its cycles and responses (only if the facts row now is the one just written).
 */
export function writeStatements(db: D1Database, state: FactsState, prevLastSeq: number, cycles: Cycle[], responses: ResponseFact[]): D1PreparedStatement[] {
  const f = state.facts;
  const cols = FACT_COLUMNS.map(([, c]) => c);
  const n = cols.length;
  const facts = db
    .prepare(
      // Not for a conversation deleted meanwhile: the batch's context may have been read just before the
      // deletion's transaction, this write lands after it (the cycles and responses follow the facts row).
      `INSERT INTO conversation_facts (${cols.join(', ')}) SELECT ${cols.map((_, i) => `?${i + 1}`).join(', ')}
       WHERE NOT EXISTS (SELECT 1 FROM conversation_deletions WHERE conversation_id = ?1)
       ON CONFLICT (conversation_id) DO UPDATE SET ${cols.slice(1).map((c) => `${c} = excluded.${c}`).join(', ')}
       WHERE conversation_facts.last_seq = ?${n + 1}`,
    )
    .bind(...FACT_COLUMNS.map(([k]) => value(f[k])), prevLastSeq);
  const guard = (offset: number) => `WHERE EXISTS (SELECT 1 FROM conversation_facts WHERE conversation_id = ?${offset + 1} AND last_seq = ?${offset + 2})`;
  const insertIf = <T>(table: string, columns: [keyof T, string][], row: T) =>
    db
      .prepare(`INSERT OR REPLACE INTO ${table} (${columns.map(([, c]) => c).join(', ')}) SELECT ${columns.map((_, i) => `?${i + 1}`).join(', ')} ${guard(columns.length)}`)
      .bind(...columns.map(([k]) => value(row[k])), f.conversationId, f.lastSeq);
  return [facts, ...cycles.map((c) => insertIf('conversation_fact_cycles', CYCLE_COLUMNS, c)), ...responses.map((r) => insertIf('conversation_fact_responses', RESPONSE_COLUMNS, r))];
}
