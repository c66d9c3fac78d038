// A contact's merge suggestions: other contacts sharing a phone or e-mail (found as identities arrive,
// worker/ingest/contacts.ts), listed for the sidebar and dismissed one by one.
import { requireContactReach } from './reach';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { AppEnv } from '../app-env';
import { Problem } from '../http/problem';

export const mergeSuggestionRoutes = new Hono<AppEnv>();

mergeSuggestionRoutes.get('/:id/merge-suggestions', describeRoute({ tags: ['contacts'], summary: 'Contacts that share a phone or e-mail with this one' }), requireContactReach, async (c) => {
  const rows = await c
    .get('scope')
    .prepare(
      `SELECT s.id, s.reason, s.value, s.created_at AS createdAt, o.id AS candidateId, o.name, o.email, o.phone
       FROM merge_suggestions s JOIN contacts o ON o.id = s.candidate_id AND o.workspace_id = s.workspace_id
       WHERE s.workspace_id = ? AND s.contact_id = ? AND s.status = 'open' AND o.merged_into IS NULL
       ORDER BY s.created_at DESC LIMIT 50`,
      c.req.param('id'),
    )
    .all<{ id: string; reason: string; value: string; createdAt: number; candidateId: string; name: string | null; email: string | null; phone: string | null }>();
  return c.json({
    items: rows.results.map((r) => ({ id: r.id, reason: r.reason, value: r.value, createdAt: r.createdAt, candidate: { id: r.candidateId, name: r.name, email: r.email, phone: r.phone } })),
  });
});

mergeSuggestionRoutes.post('/:id/merge-suggestions/:sid/dismiss', describeRoute({ tags: ['contacts'], summary: 'Dismiss a merge suggestion' }), requireContactReach, async (c) => {
  const res = await c
    .get('scope')
    .prepare(`UPDATE merge_suggestions SET status = 'dismissed' WHERE workspace_id = ? AND contact_id = ? AND id = ?`, c.req.param('id'), c.req.param('sid'))
    .run();
  if (res.meta.changes === 0) throw Problem.notFound('Merge suggestion');
  return c.body(null, 204);
});
