// A workspace's CSAT settings (one row; none means disabled, the defaults below).
import type { Scale } from './scale';

export interface CsatSettings {
  enabled: boolean;
  scale: Scale;
  /** null: the localized default question (worker/csat/i18n.ts). */
  question: string | null;
  commentPrompt: string | null;
  autoSendOnClose: boolean;
  /** null: every inbox. */
  inboxIds: string[] | null;
  /** 0: the survey goes at close; else it is scheduled in the conversation (a customer message first cancels it). */
  delayMinutes: number;
}

export const DEFAULT_CSAT: CsatSettings = { enabled: false, scale: 'stars5', question: null, commentPrompt: null, autoSendOnClose: true, inboxIds: null, delayMinutes: 0 };

type Row = { enabled: number; scale: string; question: string | null; comment_prompt: string | null; auto_send_on_close: number; inbox_ids: string | null; delay_minutes: number; public_origin: string | null };

export async function loadCsatSettings(db: D1Database, workspaceId: string): Promise<CsatSettings & { publicOrigin: string | null }> {
  const r = await db.prepare(`SELECT * FROM csat_settings WHERE workspace_id = ?`).bind(workspaceId).first<Row>();
  if (!r) return { ...DEFAULT_CSAT, publicOrigin: null };
  return {
    enabled: r.enabled === 1,
    scale: r.scale as Scale,
    question: r.question,
    commentPrompt: r.comment_prompt,
    autoSendOnClose: r.auto_send_on_close === 1,
    inboxIds: r.inbox_ids ? (JSON.parse(r.inbox_ids) as string[]) : null,
    delayMinutes: r.delay_minutes,
    publicOrigin: r.public_origin,
  };
}

export async function saveCsatSettings(db: D1Database, workspaceId: string, s: CsatSettings, publicOrigin: string, now = Date.now()): Promise<void> {
  await db
    .prepare(
      `INSERT INTO csat_settings (workspace_id, enabled, scale, question, comment_prompt, auto_send_on_close, inbox_ids, delay_minutes, public_origin, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(workspace_id) DO UPDATE SET enabled = excluded.enabled, scale = excluded.scale, question = excluded.question,
         comment_prompt = excluded.comment_prompt, auto_send_on_close = excluded.auto_send_on_close, inbox_ids = excluded.inbox_ids,
         delay_minutes = excluded.delay_minutes, public_origin = excluded.public_origin, updated_at = excluded.updated_at`,
    )
    .bind(workspaceId, s.enabled ? 1 : 0, s.scale, s.question, s.commentPrompt, s.autoSendOnClose ? 1 : 0, s.inboxIds ? JSON.stringify(s.inboxIds) : null, s.delayMinutes, publicOrigin, now)
    .run();
}

/** Whether a close in this inbox sends a survey. */
export function surveysOnClose(s: CsatSettings, inboxId: string): boolean {
  return s.enabled && s.autoSendOnClose && (s.inboxIds === null || s.inboxIds.includes(inboxId));
}
