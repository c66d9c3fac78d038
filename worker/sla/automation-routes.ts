// /api/automation/settings: auto-status (pending, auto-close, archive) and auto-priority, per workspace.
// A write bumps the config version and re-applies it to live conversations.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import type { WorkspaceScope } from '../db/scope';
import { valid } from '../http/validate';
import { DEFAULT_AUTO_STATUS, type AutoStatusSettings } from './model';
import { configChanged } from './reapply';
import { AutoStatusBody } from './schemas';

const manager = requireRole('manager');
const reader = requireRole('manager', 'staff');

type Row = Record<string, unknown>;
const json = <T>(x: unknown): T => (typeof x === 'string' ? JSON.parse(x) : x) as T;

export const automationRoutes = new Hono<AppEnv>();

// ---- auto-status settings ----

async function readAutomation(scope: WorkspaceScope): Promise<AutoStatusSettings> {
  const r = await scope.prepare(`SELECT * FROM workspace_automation WHERE workspace_id = ?`).first<Row>();
  if (!r) return DEFAULT_AUTO_STATUS;
  const ap = json<Partial<AutoStatusSettings['autoPriority']>>(r.auto_priority ?? '{}');
  return {
    pendingAfterMs: (r.pending_after_ms as number | null) ?? null,
    autoCloseAfterMs: (r.auto_close_after_ms as number | null) ?? null,
    autoCloseMessage: (r.auto_close_message as string | null) || null,
    archiveAfterMs: (r.archive_after_ms as number | null) ?? null,
    autoPriority: { enabled: ap.enabled ?? DEFAULT_AUTO_STATUS.autoPriority.enabled, vipTags: ap.vipTags ?? DEFAULT_AUTO_STATUS.autoPriority.vipTags },
  };
}

automationRoutes.get('/settings', describeRoute({ tags: ['sla'], summary: 'Auto-status (pending, auto-close, archive) and auto-priority settings' }), reader, async (c) => {
  return c.json(await readAutomation(c.get('scope')));
});

automationRoutes.put(
  '/settings',
  describeRoute({ tags: ['sla'], summary: 'Change the auto-status and auto-priority settings (fields not sent keep their value; null turns a rule off)' }),
  manager,
  valid('json', AutoStatusBody),
  async (c) => {
    const scope = c.get('scope');
    const body = c.req.valid('json');
    const defined = Object.fromEntries(Object.entries(body).filter(([, x]) => x !== undefined)) as Partial<AutoStatusSettings>;
    const next = { ...(await readAutomation(scope)), ...defined };
    if (next.autoCloseMessage === '') next.autoCloseMessage = null;
    await scope
      .prepare(
        `INSERT INTO workspace_automation (workspace_id, pending_after_ms, auto_close_after_ms, auto_close_message, archive_after_ms, auto_priority, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(workspace_id) DO UPDATE SET pending_after_ms = excluded.pending_after_ms, auto_close_after_ms = excluded.auto_close_after_ms,
           auto_close_message = excluded.auto_close_message, archive_after_ms = excluded.archive_after_ms, auto_priority = excluded.auto_priority, updated_at = excluded.updated_at`,
        next.pendingAfterMs,
        next.autoCloseAfterMs,
        next.autoCloseMessage,
        next.archiveAfterMs,
        JSON.stringify(next.autoPriority),
        Date.now(),
      )
      .run();
    await configChanged(c);
    return c.json(await readAutomation(scope));
  },
);
