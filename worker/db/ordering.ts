// Ordered lists a manager arranges (routing rules, SLA policies, escalation paths, AI alert rules):
// a `position` column per workspace, rewritten whole on every insert or reorder.
import { Problem } from '../http/problem';
import type { WorkspaceScope } from './scope';

export type OrderedTable = 'routing_rules' | 'sla_policies' | 'escalation_paths' | 'ai_alert_rules';

/** One UPDATE per id giving it its index as position (scope.prepare binds the workspace id as ?1). */
export function positionStatements(scope: WorkspaceScope, table: OrderedTable, ids: string[]): D1PreparedStatement[] {
  return ids.map((id, i) => scope.prepare(`UPDATE ${table} SET position = ?2 WHERE workspace_id = ?1 AND id = ?3`, i, id));
}

/** Where a new row goes (at `position`, clamped; appended by default) and the order of every id after it. */
export function insertAt(ids: string[], id: string, position?: number): { position: number; ordered: string[] } {
  const at = Math.min(position ?? ids.length, ids.length);
  const ordered = [...ids];
  ordered.splice(at, 0, id);
  return { position: at, ordered };
}

/** A reorder must list every id of the workspace's list exactly once. */
export function checkOrder(ids: string[], current: string[], what: string): void {
  if (ids.length !== current.length || new Set(ids).size !== ids.length || ids.some((id) => !current.includes(id))) {
    throw Problem.badRequest('ids', `must list every ${what} of the workspace exactly once`);
  }
}

/** The position after the last row of the workspace's list. */
export async function nextPosition(scope: WorkspaceScope, table: OrderedTable): Promise<number> {
  const row = await scope.prepare(`SELECT coalesce(max(position) + 1, 0) AS p FROM ${table} WHERE workspace_id = ?`).first<{ p: number }>();
  return row?.p ?? 0;
}

/** Which of `ids` exist in this workspace's `table` (users: enabled ones), for config that names them. */
export async function existingIds(scope: WorkspaceScope, table: 'inboxes' | 'teams' | 'users', ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const extra = table === 'users' ? ' AND disabled = 0' : '';
  const rows = await scope.prepare(`SELECT id FROM ${table} WHERE workspace_id = ?1${extra} AND id IN (${ids.map(() => '?').join(', ')})`, ...ids).all<{ id: string }>();
  return new Set(rows.results.map((r) => r.id));
}
