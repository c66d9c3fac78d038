// The two handlers every ordered list a manager arranges shares (routing rules, SLA policies,
// escalation paths, AI alert rules): reorder (every id exactly once, positions rewritten in one batch)
// and delete (404 when it is not there), each followed by the list's own "config changed" step.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { checkOrder, positionStatements, type OrderedTable } from '../db/ordering';
import type { WorkspaceScope } from '../db/scope';
import { Problem } from './problem';

export interface OrderedList<T extends { id: string }> {
  table: OrderedTable;
  /** What one row is called: "rule", "policy", "path" (in messages). */
  noun: string;
  /** Its name in a 404 ("Rule", "SLA policy"). */
  title: string;
  list: (scope: WorkspaceScope) => Promise<T[]>;
  /** After a write: re-read by the router, re-applied to live conversations, or a version bump. */
  changed: (c: Context<AppEnv>) => Promise<unknown>;
}

/** PUT …/order {ids}: the new order, answered with the list as it now is. */
export async function reorder<T extends { id: string }>(c: Context<AppEnv>, list: OrderedList<T>, ids: string[]): Promise<Response> {
  const scope = c.get('scope');
  checkOrder(ids, (await list.list(scope)).map((r) => r.id), list.noun);
  await scope.d1.batch(positionStatements(scope, list.table, ids));
  await list.changed(c);
  return c.json({ items: await list.list(scope) });
}

/** DELETE …/:id. */
export async function removeFrom<T extends { id: string }>(c: Context<AppEnv>, list: OrderedList<T>, id: string): Promise<Response> {
  const res = await c.get('scope').prepare(`DELETE FROM ${list.table} WHERE workspace_id = ? AND id = ?`, id).run();
  if (res.meta.changes === 0) throw Problem.notFound(list.title);
  await list.changed(c);
  return c.body(null, 204);
}
