// Surveys in D1: one per conversation (the unique index makes opening one idempotent), and its
// response: the first answer opens a 24-hour window in which a later one replaces it; after that the
// survey is closed (409).
import type { Conversation } from '../conversations/model';
import { newId } from '../db/ids';
import { pickLanguage, type Language } from './i18n';
import type { Scale } from './scale';
import type { CsatSettings } from './settings';

export const REPLACE_WINDOW_MS = 24 * 3600_000;

export interface Survey {
  id: string;
  workspaceId: string;
  conversationId: string;
  contactId: string;
  inboxId: string;
  channel: string;
  agentId: string | null;
  scale: Scale;
  /** The contact's language when known (else the page follows the browser's Accept-Language). */
  language: Language | null;
  question: string | null;
  commentPrompt: string | null;
  sentAt: number;
  score: number | null;
  rawScore: number | null;
  comment: string | null;
  firstRespondedAt: number | null;
  respondedAt: number | null;
}

type Row = Record<string, unknown>;

function surveyOf(r: Row): Survey {
  return {
    id: r.id as string,
    workspaceId: r.workspace_id as string,
    conversationId: r.conversation_id as string,
    contactId: r.contact_id as string,
    inboxId: r.inbox_id as string,
    channel: r.channel as string,
    agentId: (r.agent_id as string | null) ?? null,
    scale: r.scale as Scale,
    language: r.language ? pickLanguage(r.language as string) : null,
    question: (r.question as string | null) ?? null,
    commentPrompt: (r.comment_prompt as string | null) ?? null,
    sentAt: r.sent_at as number,
    score: (r.score as number | null) ?? null,
    rawScore: (r.raw_score as number | null) ?? null,
    comment: (r.comment as string | null) ?? null,
    firstRespondedAt: (r.first_responded_at as number | null) ?? null,
    respondedAt: (r.responded_at as number | null) ?? null,
  };
}

export async function surveyById(db: D1Database, id: string): Promise<Survey | null> {
  const r = await db.prepare(`SELECT * FROM csat_surveys WHERE id = ?`).bind(id).first<Row>();
  return r ? surveyOf(r) : null;
}

/**
 * The conversation's survey, opened now with the settings' scale and text if it has none. The
 * customer's language is the contact's `language` attribute, else English.
 */
export async function openSurvey(db: D1Database, c: Conversation, s: CsatSettings, now = Date.now()): Promise<{ survey: Survey; created: boolean }> {
  const contact = await db
    .prepare(`SELECT json_extract(attributes, '$.language') AS language FROM contacts WHERE id = ? AND workspace_id = ?`)
    .bind(c.contactId, c.workspaceId)
    .first<{ language: unknown }>();
  const language = typeof contact?.language === 'string' && contact.language ? pickLanguage(contact.language) : '';
  const inserted = await db
    .prepare(
      `INSERT OR IGNORE INTO csat_surveys (id, workspace_id, conversation_id, contact_id, inbox_id, channel, agent_id, scale, language, question, comment_prompt, sent_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(newId('csv', now), c.workspaceId, c.id, c.contactId, c.inboxId, c.channel, c.assigneeId, s.scale, language, s.question, s.commentPrompt, now)
    .run();
  const r = await db.prepare(`SELECT * FROM csat_surveys WHERE conversation_id = ?`).bind(c.id).first<Row>();
  return { survey: surveyOf(r!), created: (inserted.meta.changes ?? 0) > 0 };
}

/** Whether a response now may (still) be given: the first ever, or a replacement within 24 h of it. */
export function acceptsResponse(s: Survey, now: number): boolean {
  return s.firstRespondedAt === null || now - s.firstRespondedAt <= REPLACE_WINDOW_MS;
}

/** Stores the response unless the window closed meanwhile (a concurrent answer); false then. */
export async function storeResponse(db: D1Database, s: Survey, r: { score: number; raw: number; comment: string | null }, now = Date.now()): Promise<boolean> {
  const res = await db
    .prepare(
      `UPDATE csat_surveys SET score = ?, raw_score = ?, comment = ?, responded_at = ?, first_responded_at = coalesce(first_responded_at, ?)
       WHERE id = ? AND (first_responded_at IS NULL OR first_responded_at >= ?)`,
    )
    .bind(r.score, r.raw, r.comment, now, now, s.id, now - REPLACE_WINDOW_MS)
    .run();
  return (res.meta.changes ?? 0) > 0;
}
