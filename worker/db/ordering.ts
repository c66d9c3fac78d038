// Ordered lists a manager arranges (routing rules, SLA policies, escalation paths, AI alert rules):
// a `position` column per workspace, rewritten whole on every insert or reorder.
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
