// POST /api/contacts/:id/widget-sessions/revoke: ends every web chat visitor token of a contact (a
// stolen or shared device, a visitor the team no longer trusts). The widget then starts a new session:
// a verified visitor (the site vouches for them) comes back as the same contact, an anonymous one as a
// new contact without the old conversation.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { closeContactSockets } from '../auth/socket-revocation';
import { CLOSE } from '../conversations/socket-protocol';
import { contacts } from '../db/schema';
import { Problem } from '../http/problem';
import { revokeVisitorTokens } from '../webchat/visitor-token';

export const widgetSessionRoutes = new Hono<AppEnv>();

widgetSessionRoutes.post(
  '/:id/widget-sessions/revoke',
  describeRoute({
    tags: ['contacts'],
    summary: "Revoke the contact's web chat visitor tokens",
    description: 'Every visitor token issued for this contact (and for contacts merged into it) stops working at once, and their open chat sockets close.',
    responses: { 204: { description: 'Revoked' } },
  }),
  requireRole('manager', 'staff'),
  async (c) => {
    const scope = c.get('scope');
    const contact = await scope.find(contacts, c.req.param('id'));
    if (!contact) throw Problem.notFound('Contact');
    await revokeVisitorTokens(c.env.DB, scope.workspaceId, contact.id);
    // Open sockets end too (the contact's and its merged contacts'): a reconnect meets the revoked token.
    const merged = await scope.prepare(`SELECT id FROM contacts WHERE workspace_id = ? AND merged_into = ?`, contact.id).all<{ id: string }>();
    await Promise.all([contact.id, ...merged.results.map((m) => m.id)].map((id) => closeContactSockets(c.env, scope.workspaceId, id, CLOSE.sessionRevoked)));
    return c.body(null, 204);
  },
);
