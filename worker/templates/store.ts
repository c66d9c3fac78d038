// Templates in D1: create, change and restore, each change a new row in template_versions written in
// the same batch as the template (a concurrent change of the same version fails on the version's
// primary key instead of being lost), and the JSON the API answers with.
import type { WorkspaceScope } from '../db/scope';
import { Problem } from '../http/problem';
import { newId } from '../db/ids';
import type { templates } from '../db/schema';
import { countSms } from './sms';
import type { TemplateContent, TemplateMeta, TemplateStatus } from './content';
import { metaCategory, metaComponents, metaLanguage } from './whatsapp-format';

export type TemplateRow = typeof templates.$inferSelect;

export interface RawTemplateRow {
  id: string;
  workspace_id: string;
  name: string;
  channel: TemplateMeta['channel'];
  category: string;
  language: string;
  content: string;
  status: string;
  status_reason: string | null;
  status_at: number | null;
  version: number;
  inbox_id: string | null;
  provider_template_id: string | null;
  submitted_version: number | null;
  submitted_at: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export function fromRaw(r: RawTemplateRow): TemplateRow {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    channel: r.channel,
    category: r.category,
    language: r.language,
    content: JSON.parse(r.content) as TemplateContent,
    status: r.status,
    statusReason: r.status_reason,
    statusAt: r.status_at,
    version: r.version,
    inboxId: r.inbox_id,
    providerTemplateId: r.provider_template_id,
    submittedVersion: r.submitted_version,
    submittedAt: r.submitted_at,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function findTemplate(scope: WorkspaceScope, id: string): Promise<TemplateRow | null> {
  const r = await scope.prepare(`SELECT * FROM templates WHERE workspace_id = ?1 AND id = ?2`, id).first<RawTemplateRow>();
  return r ? fromRaw(r) : null;
}

export async function listTemplates(scope: WorkspaceScope, filter: { channel?: string; category?: string; status?: string; q?: string }): Promise<TemplateRow[]> {
  const { results } = await scope
    .prepare(
      `SELECT * FROM templates WHERE workspace_id = ?1 AND (?2 IS NULL OR channel = ?2) AND (?3 IS NULL OR category = ?3) AND (?4 IS NULL OR status = ?4)
       AND (?5 IS NULL OR instr(lower(name), ?5) > 0) ORDER BY updated_at DESC, id LIMIT 500`,
      filter.channel ?? null,
      filter.category ?? null,
      filter.status ?? null,
      filter.q?.toLowerCase() ?? null,
    )
    .all<RawTemplateRow>();
  return results.map(fromRaw);
}

/** A taken name (per channel and language, as Meta keys templates) or a version written meanwhile, as a 409. */
function conflict(err: unknown): never {
  const text = String((err as Error)?.message ?? err) + String((err as { cause?: Error })?.cause?.message ?? '');
  if (/UNIQUE constraint failed: templates\./.test(text)) throw Problem.conflict('Another template on this channel has this name and language', 'name');
  if (/UNIQUE constraint failed: template_versions\./.test(text)) throw Problem.conflict('The template changed meanwhile; reload it and try again', 'version');
  throw err;
}

/** SMS and e-mail need no provider approval; WhatsApp starts as a draft until Meta approves it. */
export function initialStatus(channel: TemplateMeta['channel']): TemplateStatus {
  return channel === 'whatsapp' ? 'draft' : 'active';
}

const VERSION_FROM_ROW = `INSERT INTO template_versions (workspace_id, template_id, version, name, category, language, content, change, created_by, created_at)
  SELECT workspace_id, id, version, name, category, language, content, ?3, ?4, ?5 FROM templates WHERE workspace_id = ?1 AND id = ?2`;

export async function createTemplate(scope: WorkspaceScope, meta: TemplateMeta, content: TemplateContent, userId: string | null): Promise<TemplateRow> {
  const id = newId('tpl');
  const now = Date.now();
  await scope.d1
    .batch([
      scope.prepare(
        `INSERT INTO templates (id, workspace_id, name, channel, category, language, content, status, version, created_by, created_at, updated_at) VALUES (?2, ?1, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?10, ?10)`,
        id,
        meta.name,
        meta.channel,
        meta.category,
        meta.language,
        JSON.stringify(content),
        initialStatus(meta.channel),
        userId,
        now,
      ),
      scope.prepare(VERSION_FROM_ROW, id, 'created', userId, now),
    ])
    .catch(conflict);
  return (await findTemplate(scope, id))!;
}

export interface Change {
  name: string;
  category: string;
  language: string;
  content: TemplateContent;
  /** created | edited | restored from version N */
  change: string;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A new version of the template. A WhatsApp template whose name, category, language or content changes
 * goes back to draft (what Meta approved is no longer what we hold); a new name or language is a new
 * template on Meta's side. Nothing changed: no version, the row as it is. Null when the row changed meanwhile.
 */
export async function changeTemplate(scope: WorkspaceScope, row: TemplateRow, next: Change, userId: string | null): Promise<TemplateRow | null> {
  const changed = next.name !== row.name || next.category !== row.category || next.language !== row.language || !sameJson(next.content, row.content);
  if (!changed) return row;
  const backToDraft = row.channel === 'whatsapp' && row.status !== 'draft';
  const newProviderTemplate = next.name !== row.name || next.language !== row.language;
  const now = Date.now();
  const version = row.version + 1;
  const [updated] = await scope.d1
    .batch([
      scope.prepare(
        `UPDATE templates SET name = ?3, category = ?4, language = ?5, content = ?6, status = ?7, status_reason = ?8, provider_template_id = ?9, version = ?10, updated_at = ?11
         WHERE workspace_id = ?1 AND id = ?2 AND version = ?12`,
        row.id,
        next.name,
        next.category,
        next.language,
        JSON.stringify(next.content),
        backToDraft ? 'draft' : row.status,
        backToDraft ? null : row.statusReason,
        newProviderTemplate ? null : row.providerTemplateId,
        version,
        now,
        row.version,
      ),
      // Copies the row just written; inserts nothing when the update above matched nothing.
      scope.prepare(`${VERSION_FROM_ROW} AND version = ?6`, row.id, next.change, userId, now, version),
    ])
    .catch(conflict);
  if (!updated.meta.changes) return null;
  return findTemplate(scope, row.id);
}

export async function deleteTemplate(scope: WorkspaceScope, id: string): Promise<boolean> {
  const [del] = await scope.d1.batch([scope.prepare(`DELETE FROM templates WHERE workspace_id = ?1 AND id = ?2`, id), scope.prepare(`DELETE FROM template_versions WHERE workspace_id = ?1 AND template_id = ?2`, id)]);
  return del.meta.changes > 0;
}

export interface VersionRow {
  version: number;
  name: string;
  category: string;
  language: string;
  content: TemplateContent;
  change: string;
  createdBy: string | null;
  createdAt: number;
}

export async function templateVersions(scope: WorkspaceScope, templateId: string, version?: number): Promise<VersionRow[]> {
  const { results } = await scope
    .prepare(
      `SELECT version, name, category, language, content, change, created_by, created_at FROM template_versions WHERE workspace_id = ?1 AND template_id = ?2 AND (?3 IS NULL OR version = ?3) ORDER BY version DESC LIMIT 1000`,
      templateId,
      version ?? null,
    )
    .all<{ version: number; name: string; category: string; language: string; content: string; change: string; created_by: string | null; created_at: number }>();
  return results.map((r) => ({ version: r.version, name: r.name, category: r.category, language: r.language, content: JSON.parse(r.content) as TemplateContent, change: r.change, createdBy: r.created_by, createdAt: r.created_at }));
}

/** Only an approved WhatsApp template may open a conversation outside the 24-hour customer service window. */
export function canSendOutsideWindow(row: Pick<TemplateRow, 'channel' | 'status'>): boolean {
  return row.channel === 'whatsapp' && row.status === 'approved';
}

/** What a broadcast may send today: approved WhatsApp templates, active SMS and e-mail ones. */
export function isSendable(row: Pick<TemplateRow, 'channel' | 'status'>): boolean {
  return row.status === 'active' || row.status === 'approved';
}

export function templateJson(row: TemplateRow) {
  const c = row.content;
  const base = {
    id: row.id,
    name: row.name,
    channel: row.channel,
    category: row.category,
    language: row.language,
    status: row.status,
    statusReason: row.statusReason,
    version: row.version,
    body: c.body,
    subject: c.subject ?? null,
    html: c.html ?? null,
    header: c.header ?? null,
    footer: c.footer ?? null,
    buttons: c.buttons ?? [],
    variables: c.variables ?? {},
    examples: c.examples ?? {},
    bodyFromHtml: !!c.bodyFromHtml,
    canSendOutsideWindow: canSendOutsideWindow(row),
    sendable: isSendable(row),
    inboxId: row.inboxId,
    providerTemplateId: row.providerTemplateId,
    submittedVersion: row.submittedVersion,
    submittedAt: row.submittedAt,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
  if (row.channel === 'sms') {
    const { text: _text, ...sms } = countSms(c.body, row.category, row.language);
    return { ...base, sms };
  }
  if (row.channel === 'whatsapp') return { ...base, whatsapp: { name: row.name, language: metaLanguage(row.language), category: metaCategory(row.category), components: metaComponents(c) } };
  return base;
}
