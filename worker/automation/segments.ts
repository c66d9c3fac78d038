// segment.matched: a contact joining a saved audience starts the workflow on the conversation where the
// contact is active. Audiences are filters (worker/audiences/filter.ts), not lists, so joining is
// observed rather than pushed: each customer message, new conversation or contact change on a
// conversation re-evaluates that contact against the audiences enabled segment.matched workflows name,
// and segment_members remembers who is inside, so runs start on entry only (an edge, not a level).
// Leaving deletes the row; coming back later starts the workflows again.
//
// Limits, by construction: a contact changed without conversation activity (an API edit, an import) is
// seen at their next message; and membership is tracked from the moment a workflow watches the
// audience, so a contact already inside then counts as joining when first seen.
import { where } from '../audiences/resolve';
import { FilterError, parseFilter } from '../audiences/filter';

export interface WatchedAudience {
  id: string;
  filter: unknown;
}

/** The saved filters of these audiences (deleted ones are simply absent: their workflows never start). */
export async function watchedAudiences(db: D1Database, workspaceId: string, ids: string[]): Promise<WatchedAudience[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .prepare(`/* downstream */ SELECT id, filter FROM audiences WHERE workspace_id = ? AND id IN (SELECT value FROM json_each(?))`)
    .bind(workspaceId, JSON.stringify([...new Set(ids)]))
    .all<{ id: string; filter: string }>();
  return rows.results.map((r) => ({ id: r.id, filter: JSON.parse(r.filter) as unknown }));
}

/**
 * Re-evaluates one contact against the audiences and returns those this event saw it enter. One D1
 * round trip for all of them (three statements per audience: enter if matching, leave if not, read who
 * entered). The row keeps the id of the event that saw the entry, so a redelivery of that event answers
 * "entered" again (its runs are deduplicated by event id) while any other event does not.
 */
export async function observeMembership(
  db: D1Database,
  event: { id: string; workspaceId: string },
  contactId: string,
  audiences: WatchedAudience[],
  now: number,
): Promise<Set<string>> {
  const statements: D1PreparedStatement[] = [];
  const checked: string[] = [];
  for (const a of audiences) {
    let w: { sql: string; params: unknown[] };
    try {
      w = where(event.workspaceId, parseFilter(a.filter), now);
    } catch (err) {
      // A saved audience's filter was valid when saved; one that no longer parses starts nothing.
      if (err instanceof FilterError) continue;
      throw err;
    }
    const inside = `EXISTS (SELECT 1 FROM contacts c WHERE c.id = ? AND ${w.sql})`;
    statements.push(
      db
        .prepare(`/* downstream */ INSERT INTO segment_members (workspace_id, audience_id, contact_id, entered_event_id, entered_at) SELECT ?, ?, ?, ?, ? WHERE ${inside} ON CONFLICT DO NOTHING`)
        .bind(event.workspaceId, a.id, contactId, event.id, now, contactId, ...w.params),
      db
        .prepare(`/* downstream */ DELETE FROM segment_members WHERE workspace_id = ? AND audience_id = ? AND contact_id = ? AND NOT ${inside}`)
        .bind(event.workspaceId, a.id, contactId, contactId, ...w.params),
      db.prepare(`/* downstream */ SELECT entered_event_id AS e FROM segment_members WHERE workspace_id = ? AND audience_id = ? AND contact_id = ?`).bind(event.workspaceId, a.id, contactId),
    );
    checked.push(a.id);
  }
  if (statements.length === 0) return new Set();
  const results = await db.batch<{ e: string }>(statements);
  const entered = new Set<string>();
  checked.forEach((id, i) => {
    if (results[i * 3 + 2]?.results[0]?.e === event.id) entered.add(id);
  });
  return entered;
}
