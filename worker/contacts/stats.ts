// The contact-stats subscriber: keeps the contact columns audience filters read (last_activity_at,
// conversation_count, last conversation id/status/CSAT) current from the event stream.
//
// It recomputes rather than increments: for each contact a batch touches, one UPDATE reads the
// conversations projection (which lands before the drain sends the events: conversation-outbox.ts) and
// the analytics facts for CSAT. Redelivered, reordered or duplicated events therefore change nothing
// extra: the subscriber is idempotent by construction. One D1 batch per event batch.
import type { ParleyEvent } from '../events/model';
import type { Subscriber } from '../events/subscribers';

const WANTED = new Set(['conversation.created', 'message.received', 'message.created', 'conversation.status_changed', 'conversation.updated']);

export const contactStats: Subscriber = {
  name: 'contact-stats',
  wants: (e) => WANTED.has(e.type) && (e.type !== 'conversation.updated' || 'contactId' in (e.data as object)),
  async handle(env, events) {
    await refreshContactStats(env.DB, contactsOf(events));
  },
};

function contactsOf(events: readonly ParleyEvent[]): [workspaceId: string, contactId: string][] {
  const seen = new Map<string, [string, string]>();
  for (const e of events) {
    const ids = [e.conversation.contactId];
    // A conversation moved by a merge: the contact it left loses it from its stats too.
    const from = (e.data as { previousContactId?: unknown }).previousContactId;
    if (typeof from === 'string') ids.push(from);
    for (const id of ids) if (id) seen.set(`${e.workspaceId}\u0000${id}`, [e.workspaceId, id]);
  }
  return [...seen.values()];
}

/** Recompute the stats of these contacts from the projection (also used by tests and repairs). */
export async function refreshContactStats(db: D1Database, contacts: readonly [workspaceId: string, contactId: string][]): Promise<void> {
  if (contacts.length === 0) return;
  const latest = `SELECT cv.id FROM conversations cv WHERE cv.workspace_id = ?1 AND cv.contact_id = ?2 ORDER BY cv.last_activity_at DESC, cv.id DESC LIMIT 1`;
  await db.batch(
    contacts.map(([ws, id]) =>
      db
        .prepare(
          `UPDATE contacts SET
             conversation_count = (SELECT count(*) FROM conversations cv WHERE cv.workspace_id = ?1 AND cv.contact_id = ?2),
             last_activity_at = (SELECT max(cv.last_activity_at) FROM conversations cv WHERE cv.workspace_id = ?1 AND cv.contact_id = ?2),
             last_conversation_id = (${latest}),
             last_conversation_status = (SELECT cv.status FROM conversations cv WHERE cv.id = (${latest})),
             last_conversation_csat = (SELECT f.csat_score FROM conversation_facts f WHERE f.conversation_id = (${latest}))
           WHERE workspace_id = ?1 AND id = ?2`,
        )
        .bind(ws, id),
    ),
  );
}
