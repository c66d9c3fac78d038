// Saved views in D1: the caller's own (in their order) and the workspace's shared ones, and the rules
// for who may change which (its owner; a manager for a shared view). Every statement is workspace-scoped.
import type { Principal } from '../auth/principal';
import { existingIds } from '../db/ordering';
import { newId } from '../db/ids';
import type { WorkspaceScope } from '../db/scope';
import { Problem } from '../http/problem';
import { MAX_VIEWS_PER_OWNER, type SavedFilters, type SavedView } from './model';

interface Row {
  id: string;
  owner_id: string;
  owner_name: string | null;
  name: string;
  filters: string;
  shared: number;
  position: number;
  created_at: number;
  updated_at: number;
}

function toView(r: Row, p: Principal): SavedView {
  const shared = Number(r.shared) === 1;
  return {
    id: r.id,
    name: r.name,
    filters: JSON.parse(r.filters) as SavedFilters,
    shared,
    ownerId: r.owner_id,
    ownerName: r.owner_name,
    editable: r.owner_id === p.userId || (shared && p.role === 'manager'),
    position: r.position,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const SELECT = `SELECT v.id, v.owner_id, u.name AS owner_name, v.name, v.filters, v.shared, v.position, v.created_at, v.updated_at
  FROM saved_views v LEFT JOIN users u ON u.id = v.owner_id`;

/** The statement listing what the caller sees: their own views first (in their order), then others' shared ones. */
export function visibleViewsStatement(scope: WorkspaceScope, p: Principal): D1PreparedStatement {
  return scope.prepare(`${SELECT} WHERE v.workspace_id = ?1 AND (v.owner_id = ?2 OR v.shared = 1) ORDER BY v.owner_id <> ?2, v.position, v.name, v.id`, p.userId);
}

export function viewsFromRows(rows: Record<string, unknown>[], p: Principal): SavedView[] {
  return (rows as unknown as Row[]).map((r) => toView(r, p));
}

export async function listViews(scope: WorkspaceScope, p: Principal): Promise<SavedView[]> {
  return viewsFromRows((await visibleViewsStatement(scope, p).all<Record<string, unknown>>()).results, p);
}

/** One view the caller may see (404 otherwise: someone else's private view does not exist for them). */
async function visibleView(scope: WorkspaceScope, p: Principal, id: string): Promise<SavedView> {
  const row = await scope.prepare(`${SELECT} WHERE v.workspace_id = ?1 AND v.id = ?2 AND (v.owner_id = ?3 OR v.shared = 1)`, id, p.userId).first<Row>();
  if (!row) throw Problem.notFound('Saved view');
  return toView(row, p);
}

/** A view as it is after the caller's own write (a manager who just unshared someone's view still gets the answer). */
async function writtenView(scope: WorkspaceScope, p: Principal, id: string): Promise<SavedView> {
  const row = await scope.prepare(`${SELECT} WHERE v.workspace_id = ?1 AND v.id = ?2`, id).first<Row>();
  if (!row) throw Problem.notFound('Saved view');
  return toView(row, p);
}

async function editableView(scope: WorkspaceScope, p: Principal, id: string): Promise<SavedView> {
  const view = await visibleView(scope, p, id);
  if (!view.editable) throw Problem.forbidden('A shared view can only be changed by its owner or a manager');
  return view;
}

/** The team, inbox and agent a filter names must be this workspace's (a typo would silently show nothing). */
async function checkReferences(scope: WorkspaceScope, f: SavedFilters): Promise<void> {
  const checks: [('teams' | 'inboxes' | 'users'), string | undefined, string][] = [
    ['teams', f.teamId, 'filters.teamId'],
    ['inboxes', f.inboxId, 'filters.inboxId'],
    ['users', f.assignee && !['me', 'unassigned', 'others'].includes(f.assignee) ? f.assignee : undefined, 'filters.assignee'],
  ];
  for (const [table, id, field] of checks) {
    if (id && !(await existingIds(scope, table, [id])).has(id)) throw Problem.badRequest(field, `no such ${table === 'inboxes' ? 'inbox' : table === 'teams' ? 'team' : 'agent'} in this workspace`);
  }
}

function checkShare(p: Principal, shared: boolean | undefined): void {
  if (shared && p.role !== 'manager') throw Problem.forbidden('Only managers share views with the workspace');
}

async function checkNameFree(scope: WorkspaceScope, p: Principal, name: string, except?: string): Promise<void> {
  const clash = await scope
    .prepare(`SELECT 1 FROM saved_views WHERE workspace_id = ?1 AND owner_id = ?2 AND lower(name) = lower(?3) AND id <> ?4`, p.userId, name, except ?? '')
    .first();
  if (clash) throw Problem.conflict('You already have a view with this name', 'name');
}

export async function createView(scope: WorkspaceScope, p: Principal, body: { name: string; filters: SavedFilters; shared: boolean }, now = Date.now()): Promise<SavedView> {
  checkShare(p, body.shared);
  await checkReferences(scope, body.filters);
  await checkNameFree(scope, p, body.name);
  const stats = await scope.prepare(`SELECT count(*) AS n, coalesce(max(position) + 1, 0) AS next FROM saved_views WHERE workspace_id = ?1 AND owner_id = ?2`, p.userId).first<{ n: number; next: number }>();
  if ((stats?.n ?? 0) >= MAX_VIEWS_PER_OWNER) throw Problem.conflict(`You have ${MAX_VIEWS_PER_OWNER} saved views, the most one agent may keep: delete one first`);
  const id = newId('view', now);
  await scope
    .prepare(
      `INSERT INTO saved_views (id, workspace_id, owner_id, name, filters, shared, position, created_at, updated_at) VALUES (?2, ?1, ?3, ?4, ?5, ?6, ?7, ?8, ?8)`,
      id,
      p.userId,
      body.name,
      JSON.stringify(body.filters),
      body.shared ? 1 : 0,
      stats?.next ?? 0,
      now,
    )
    .run();
  return visibleView(scope, p, id);
}

export async function updateView(scope: WorkspaceScope, p: Principal, id: string, patch: { name?: string; filters?: SavedFilters; shared?: boolean }, now = Date.now()): Promise<SavedView> {
  const view = await editableView(scope, p, id);
  checkShare(p, patch.shared);
  if (patch.filters) await checkReferences(scope, patch.filters);
  // Names are unique per owner: a manager renaming someone else's shared view checks that owner's names.
  if (patch.name !== undefined) await checkNameFree(scope, { ...p, userId: view.ownerId }, patch.name, id);
  await scope
    .prepare(
      `UPDATE saved_views SET name = coalesce(?3, name), filters = coalesce(?4, filters), shared = coalesce(?5, shared), updated_at = ?6 WHERE workspace_id = ?1 AND id = ?2`,
      id,
      patch.name ?? null,
      patch.filters ? JSON.stringify(patch.filters) : null,
      patch.shared === undefined ? null : patch.shared ? 1 : 0,
      now,
    )
    .run();
  return writtenView(scope, p, id);
}

export async function deleteView(scope: WorkspaceScope, p: Principal, id: string): Promise<void> {
  await editableView(scope, p, id);
  await scope.prepare(`DELETE FROM saved_views WHERE workspace_id = ?1 AND id = ?2`, id).run();
}

/** The caller's own views in a new order (every one of them exactly once). */
export async function reorderViews(scope: WorkspaceScope, p: Principal, ids: string[]): Promise<SavedView[]> {
  const own = await scope.prepare(`SELECT id FROM saved_views WHERE workspace_id = ?1 AND owner_id = ?2`, p.userId).all<{ id: string }>();
  const current = new Set(own.results.map((r) => r.id));
  if (ids.length !== current.size || new Set(ids).size !== ids.length || ids.some((id) => !current.has(id))) {
    throw Problem.badRequest('ids', 'must list every one of your saved views exactly once');
  }
  if (ids.length) await scope.d1.batch(ids.map((id, i) => scope.prepare(`UPDATE saved_views SET position = ?3 WHERE workspace_id = ?1 AND id = ?2`, id, i)));
  return listViews(scope, p);
}
