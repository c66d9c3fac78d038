// Which contacts a caller may read or change. Managers and staff work the whole contact directory;
// the `personal` role (a freelancer, an owner who only answers their own guests) sees only what is
// assigned to them, so only the contacts of conversations assigned to them: no directory of every
// customer's e-mail and phone, no edits to strangers.
import { sql, type SQL } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import type { Principal } from '../auth/principal';
import { contacts } from '../db/schema';
import type { WorkspaceScope } from '../db/scope';
import { Problem } from '../http/problem';

/** A condition for contact queries; undefined when the caller reaches every contact of the workspace. */
export function reachableContacts(p: Pick<Principal, 'role' | 'userId'>): SQL | undefined {
  if (p.role !== 'personal') return undefined;
  return sql`EXISTS (SELECT 1 FROM conversations cv WHERE cv.workspace_id = ${contacts.workspaceId} AND cv.contact_id = ${contacts.id} AND cv.assignee_id = ${p.userId})`;
}

/** Whether the contact has a conversation assigned to this user: what puts a contact in the personal role's reach. */
export async function assignedContact(scope: WorkspaceScope, userId: string, contactId: string): Promise<boolean> {
  return !!(await scope.prepare(`SELECT 1 FROM conversations WHERE workspace_id = ? AND contact_id = ? AND assignee_id = ? LIMIT 1`, contactId, userId).first());
}

/**
 * Guards a `/:id…` contact route: a contact of another workspace, or (for the personal role) one out
 * of reach, is answered as if it did not exist. One indexed read. Put on each route, not with `use`:
 * a sub-app's `use` under /contacts would also run in front of the other contact sub-apps' routes.
 */
export const requireContactReach = createMiddleware<AppEnv>(async (c, next) => {
  const p = c.get('principal');
  const id = c.req.param('id') ?? '';
  const scope = c.get('scope');
  const hit = p.role === 'personal' ? await assignedContact(scope, p.userId, id) : !!(await scope.prepare(`SELECT 1 FROM contacts WHERE workspace_id = ? AND id = ?`, id).first());
  if (!hit) throw Problem.notFound('Contact');
  await next();
});
