// /api/workspace: the workspace's name, time zone, business hours and settings (managers). The
// calendar drives business-hours SLA deadlines and routing conditions: both re-read it at once.
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { workspaces } from '../db/schema';
import { Name } from '../http/schemas';
import { valid } from '../http/validate';
import { forgetLoadedInboxes } from '../ingest/inboxes';
import { syncRouter } from '../routing/sync';
import { configChanged } from '../sla/reapply';
import { forgetSettings } from './settings';

const Hhmm = v.pipe(v.string(), v.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM'));
const WorkspaceBody = v.object({
  name: v.optional(Name),
  timezone: v.optional(v.pipe(v.string(), v.check(validTimeZone, 'must be an IANA time zone, e.g. Europe/Madrid'))),
  businessHours: v.optional(v.nullable(v.record(v.picklist(['0', '1', '2', '3', '4', '5', '6']), v.array(v.tuple([Hhmm, Hhmm]))))),
  settings: v.optional(
    v.object({
      conversationGrouping: v.optional(v.picklist(['contact', 'contact_inbox'])),
      reopenWindowHours: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(24 * 365))),
      /** The app asks for a closing note (prefilled with the summary) when an agent resolves one conversation; default on. */
      closingNotePrompt: v.optional(v.boolean()),
    }),
  ),
});

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const workspaceRoutes = new Hono<AppEnv>();

workspaceRoutes.patch('/', describeRoute({ tags: ['workspace'], summary: 'Workspace name, time zone, business hours and settings' }), requireRole('manager'), valid('json', WorkspaceBody), async (c) => {
  const scope = c.get('scope');
  const body = c.req.valid('json');
  const ws = await c.env.DB.prepare(`SELECT settings FROM workspaces WHERE id = ?`).bind(scope.workspaceId).first<{ settings: string }>();
  const settings = { ...(JSON.parse(ws?.settings ?? '{}') as Record<string, unknown>), ...(body.settings ?? {}) };
  await scope.db
    .update(workspaces)
    .set({
      ...(body.name ? { name: body.name } : {}),
      ...(body.timezone ? { timezone: body.timezone } : {}),
      ...(body.businessHours !== undefined ? { businessHours: body.businessHours as Record<string, [string, string][]> | null } : {}),
      settings,
    })
    .where(eq(workspaces.id, scope.workspaceId));
  forgetSettings(scope.workspaceId);
  forgetLoadedInboxes();
  // The workspace calendar drives business-hours SLA deadlines and routing conditions: both re-read it.
  await syncRouter(c.env, scope.workspaceId);
  if (body.timezone || body.businessHours !== undefined) await configChanged(c);
  return c.json({ ok: true, settings });
});
