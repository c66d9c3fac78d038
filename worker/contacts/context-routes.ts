// A contact's reservation and order context (booking and delivery platforms), merged contacts' included.
import { requireContactReach } from './reach';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { AppEnv } from '../app-env';

export const contactContextRoutes = new Hono<AppEnv>();

contactContextRoutes.get('/:id/context', describeRoute({ tags: ['contacts'], summary: 'Reservation and order context of a contact (booking and delivery platforms)' }), requireContactReach, async (c) => {
  const rows = await c
    .get('scope')
    .prepare(
      `SELECT x.id, x.channel, x.kind, x.reference, x.conversation_id AS conversationId, x.data, x.created_at AS createdAt, x.updated_at AS updatedAt
       FROM contact_contexts x WHERE x.workspace_id = ?1 AND (x.contact_id = ?2 OR x.contact_id IN (SELECT id FROM contacts WHERE workspace_id = ?1 AND merged_into = ?2))
       ORDER BY x.updated_at DESC LIMIT 50`,
      c.req.param('id'),
    )
    .all<Record<string, unknown> & { data: string }>();
  return c.json({ items: rows.results.map((r) => ({ ...r, data: JSON.parse(r.data) as unknown })) });
});
