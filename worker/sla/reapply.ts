// After an SLA / escalation / automation / calendar change: bump the workspace's config version and ask
// every not-closed conversation's object (and the closed, not archived ones while archiving is on) to
// re-apply it (new deadlines, re-armed timers). The objects compare versions, so a repeated or
// overlapping run is harmless.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { conversationStub } from '../conversations/service';

export const REAPPLY_PAGE = 200;
export const REAPPLY_CONCURRENCY = 8;
const LIVE_STATUSES = ['open', 'pending', 'snoozed'] as const;

/** Bump workspace_automation.config_version (creating the row with defaults) and return the new version. */
export async function bumpConfigVersion(db: D1Database, workspaceId: string): Promise<number> {
  const row = await db
    .prepare(
      `INSERT INTO workspace_automation (workspace_id, config_version, updated_at) VALUES (?1, 1, ?2)
       ON CONFLICT(workspace_id) DO UPDATE SET config_version = config_version + 1, updated_at = excluded.updated_at
       RETURNING config_version`,
    )
    .bind(workspaceId, Date.now())
    .first<{ config_version: number }>();
  return row!.config_version;
}

export interface ReapplyResult {
  conversations: number;
  failed: number;
}

/**
 * Page through the projection's not-closed conversations (keyset over conv_ws_status_recent, one status
 * at a time, REAPPLY_PAGE per page) and call each object's reapplyAutomation(version), REAPPLY_CONCURRENCY
 * at a time. Closed, not yet archived conversations are visited too while the workspace archives (their
 * archive timer may have to be armed, moved or dropped). One failing object is logged and counted, never stops the run.
 */
export async function reapplyWorkspace(env: Env, workspaceId: string, version: number, opts: { pageSize?: number; concurrency?: number } = {}): Promise<ReapplyResult> {
  const pageSize = opts.pageSize ?? REAPPLY_PAGE;
  const concurrency = opts.concurrency ?? REAPPLY_CONCURRENCY;
  const result: ReapplyResult = { conversations: 0, failed: 0 };
  const statuses: string[] = [...LIVE_STATUSES];
  // A closed conversation's only timer is the archive one; with archiving off there is nothing to arm.
  // (Turning archiving off leaves old archive timers to fire harmlessly: the object re-checks the settings.)
  const automation = await env.DB.prepare(`SELECT archive_after_ms FROM workspace_automation WHERE workspace_id = ?`).bind(workspaceId).first<{ archive_after_ms: number | null }>();
  if (automation?.archive_after_ms != null) statuses.push('closed');
  for (const status of statuses) {
    let after: [number, string] | null = null;
    for (;;) {
      const page: D1Result<{ id: string; last_activity_at: number }> = await env.DB.prepare(
        `SELECT id, last_activity_at FROM conversations
         WHERE workspace_id = ?1 AND status = ?2 ${status === 'closed' ? 'AND archived_at IS NULL' : ''} ${after ? 'AND (last_activity_at, id) > (?3, ?4)' : ''}
         ORDER BY last_activity_at, id LIMIT ${pageSize}`,
      )
        .bind(workspaceId, status, ...(after ?? []))
        .all<{ id: string; last_activity_at: number }>();
      const rows = page.results;
      let next = 0;
      const worker = async () => {
        while (next < rows.length) {
          const id = rows[next++].id;
          try {
            await conversationStub(env, workspaceId, id).reapplyAutomation(version);
            result.conversations++;
          } catch (err) {
            result.failed++;
            console.warn(`reapply config v${version} to ${id}: ${String(err)}`);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
      if (rows.length < pageSize) break;
      const last = rows[rows.length - 1];
      after = [last.last_activity_at, last.id];
    }
  }
  return result;
}

/** For config routes (SLA, escalation paths, auto-status, AI alert rules, calendars and holidays): bump the version now, re-apply in the background. */
export async function configChanged(c: Context<AppEnv>): Promise<number> {
  const ws = c.get('principal').workspaceId;
  const version = await bumpConfigVersion(c.env.DB, ws);
  c.executionCtx.waitUntil(
    reapplyWorkspace(c.env, ws, version).catch((err) => console.error(`reapply config v${version} in ${ws}: ${String(err)}`)),
  );
  return version;
}
