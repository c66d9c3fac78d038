// Knowledge sources and their lifecycle: create, change (a new version each time), restore, delete,
// bulk import. Published sources are cut into passages in the same D1 batch, so the index is never
// behind the article; the cloud indexer is told afterwards.
import { and, desc, eq } from 'drizzle-orm';
import { indexerFor } from '../ai/providers';
import { detectLanguage } from '../ai/text';
import { newId } from '../db/ids';
import { kbArticles, kbArticleVersions, kbCategories } from '../db/schema';
import type { WorkspaceScope } from '../db/scope';
import { Problem, uniqueViolationField } from '../http/problem';
import { workspaceToken } from '../ai/retriever';
import { chunkText } from './chunks';
import { htmlToText } from './html';
import { sanitizeHtml } from './sanitize';

export const KINDS = ['article', 'qa', 'file', 'url'] as const;
export type Kind = (typeof KINDS)[number];
export const STATUSES = ['draft', 'published'] as const;
export type ArticleStatus = (typeof STATUSES)[number];

export type ArticleRow = typeof kbArticles.$inferSelect;

export interface KbActor {
  id: string | null;
  name: string | null;
}

export interface KbContext {
  env: Env;
  scope: WorkspaceScope;
  actor: KbActor;
  /** Schedules work after the response (cloud indexing); runs inline when absent. */
  waitUntil?: (p: Promise<unknown>) => void;
}

export interface ArticleInput {
  kind?: Kind;
  title: string;
  /** Rich text (HTML): sanitized before it is stored. */
  body: string;
  categoryId?: string | null;
  tags?: string[];
  status?: ArticleStatus;
  language?: string | null;
  sourceUrl?: string | null;
  sourceName?: string | null;
  sourceEtag?: string | null;
  sourceHash?: string | null;
  fetchedAt?: number | null;
}

export type ArticlePatch = Partial<Omit<ArticleInput, 'kind'>>;

/** A UNIQUE constraint failure, however wrapped (drizzle puts the D1 error in `cause`). */
export function isUniqueViolation(err: unknown): boolean {
  return uniqueViolationField(err) !== null;
}

export function normalizeTags(tags: string[] | undefined): string[] {
  return [...new Set((tags ?? []).map((t) => t.trim().toLowerCase()).filter(Boolean))].sort();
}

/** The article as the API returns it (no workspace id). */
export function articleJson(a: ArticleRow, opts: { body?: boolean } = { body: true }) {
  const { workspaceId: _ws, body, bodyText, sourceEtag: _etag, ...rest } = a;
  return opts.body === false ? { ...rest, excerpt: excerpt(bodyText) } : { ...rest, body, bodyText };
}

function excerpt(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

async function checkCategory(scope: WorkspaceScope, categoryId: string | null | undefined): Promise<string | null> {
  if (!categoryId) return null;
  if (!(await scope.find(kbCategories, categoryId))) throw Problem.badRequest('categoryId', 'no such category in this workspace');
  return categoryId;
}

async function categoryNames(scope: WorkspaceScope): Promise<Map<string, string>> {
  const rows = await scope.list(kbCategories);
  return new Map(rows.map((r) => [r.id, r.name]));
}

interface Prepared {
  title: string;
  body: string;
  bodyText: string;
  tags: string[];
  categoryId: string | null;
}

function prepare(input: { title: string; body: string; tags?: string[]; categoryId?: string | null }): Prepared {
  const body = sanitizeHtml(input.body);
  const bodyText = htmlToText(body);
  if (!input.title.trim()) throw Problem.badRequest('title', 'must not be empty');
  if (!bodyText.trim()) throw Problem.badRequest('body', 'has no text after sanitizing');
  return { title: input.title.trim(), body, bodyText, tags: normalizeTags(input.tags), categoryId: input.categoryId ?? null };
}

/** Passages of a published source as rows for kb_chunks (inserted with json_each: one statement per batch). */
function chunkRows(workspaceId: string, a: { id: string; title: string; bodyText: string; tags: string[]; categoryId: string | null }, categories: Map<string, string>) {
  const keywords = [...a.tags, a.categoryId ? (categories.get(a.categoryId) ?? '') : ''].join(' ').trim();
  return chunkText(a.bodyText).map((body, position) => ({ a: a.id, p: position, w: workspaceToken(workspaceId), t: a.title, k: keywords, b: body }));
}

const INSERT_CHUNKS = `INSERT INTO kb_chunks (workspace_id, article_id, position, ws, title, keywords, body)
  SELECT ?1, json_extract(value, '$.a'), json_extract(value, '$.p'), json_extract(value, '$.w'), json_extract(value, '$.t'), json_extract(value, '$.k'), json_extract(value, '$.b')
  FROM json_each(?2)`;
const BUMP_REVISION = `INSERT INTO ai_revisions (workspace_id, revision) VALUES (?1, 1) ON CONFLICT(workspace_id) DO UPDATE SET revision = revision + 1`;

/** D1 caps a bound value at 2 MB: rows go in as JSON arrays of at most this many bytes each. */
const JSON_PARAM_BYTES = 900_000;

/** One `INSERT … SELECT … FROM json_each(?2)` per slice of rows (?1 is the workspace, extra params follow ?2). */
function jsonInserts(scope: WorkspaceScope, sqlText: string, rows: object[], ...extra: unknown[]): D1PreparedStatement[] {
  const out: D1PreparedStatement[] = [];
  let slice: string[] = [];
  let size = 0;
  const flush = () => {
    if (slice.length) out.push(scope.prepare(sqlText, `[${slice.join(',')}]`, ...extra));
    slice = [];
    size = 0;
  };
  const encoder = new TextEncoder();
  for (const row of rows) {
    const json = JSON.stringify(row);
    const bytes = encoder.encode(json).length;
    if (size + bytes > JSON_PARAM_BYTES) flush();
    slice.push(json);
    size += bytes + 1;
  }
  flush();
  return out;
}

export function bumpRevision(scope: WorkspaceScope): D1PreparedStatement {
  return scope.prepare(BUMP_REVISION);
}

/** Tell the (cloud) indexer which sources changed; local indexing already happened in the batch. */
async function reindex(ctx: KbContext, jobs: { articleId: string; chunkCount: number; previousChunkCount: number }[]): Promise<void> {
  if (jobs.length === 0) return;
  const work = indexerFor(ctx.env)
    .changed(ctx.scope.workspaceId, jobs)
    .catch((err) => console.warn(`kb: indexing ${jobs.length} sources failed to start: ${String(err)}`));
  if (ctx.waitUntil) ctx.waitUntil(work);
  else await work;
}

export async function createArticle(ctx: KbContext, input: ArticleInput): Promise<ArticleRow> {
  const [row] = await importArticles(ctx, [input]);
  return row;
}

/**
 * Create many sources in one D1 batch (articles, their first versions and passages): the bulk import
 * and the single create share this path. Rows are written with json_each, so the statement count grows
 * with the total size of the articles, not with their number.
 */
export async function importArticles(ctx: KbContext, inputs: ArticleInput[]): Promise<ArticleRow[]> {
  const { scope, actor } = ctx;
  const categories = await categoryNames(scope);
  const now = Date.now();
  const rows: ArticleRow[] = inputs.map((input, i) => {
    const field = inputs.length > 1 ? `articles.${i}.` : '';
    if (input.categoryId && !categories.has(input.categoryId)) throw Problem.badRequest(`${field}categoryId`, 'no such category in this workspace');
    let p: Prepared;
    try {
      p = prepare(input);
    } catch (err) {
      if (err instanceof Problem && err.errors) throw Problem.badRequest(`${field}${err.errors[0].field}`, err.errors[0].message);
      throw err;
    }
    const status = input.status ?? 'draft';
    return {
      id: newId('kba'),
      workspaceId: scope.workspaceId,
      kind: input.kind ?? 'article',
      ...p,
      status,
      language: input.language ?? detectLanguage(`${p.title} ${p.bodyText.slice(0, 2000)}`),
      sourceUrl: input.sourceUrl ?? null,
      sourceName: input.sourceName ?? null,
      sourceEtag: input.sourceEtag ?? null,
      sourceHash: input.sourceHash ?? null,
      fetchedAt: input.fetchedAt ?? null,
      version: 1,
      chunkCount: 0,
      publishedAt: status === 'published' ? now : null,
      createdBy: actor.id,
      updatedBy: actor.id,
      createdAt: now,
      updatedAt: now,
    };
  });
  const chunks = rows.filter((r) => r.status === 'published').flatMap((r) => chunkRows(scope.workspaceId, r, categories));
  const counts = new Map<string, number>();
  for (const c of chunks) counts.set(c.a, (counts.get(c.a) ?? 0) + 1);
  for (const r of rows) r.chunkCount = counts.get(r.id) ?? 0;

  const statements = [
    ...jsonInserts(
      scope,
      `INSERT INTO kb_articles (id, workspace_id, kind, title, body, body_text, category_id, tags, status, language, source_url, source_name, source_etag, source_hash, fetched_at, version, chunk_count, published_at, created_by, updated_by, created_at, updated_at)
       SELECT json_extract(value, '$.id'), ?1, json_extract(value, '$.kind'), json_extract(value, '$.title'), json_extract(value, '$.body'), json_extract(value, '$.bodyText'),
              json_extract(value, '$.categoryId'), json_extract(value, '$.tags'), json_extract(value, '$.status'), json_extract(value, '$.language'), json_extract(value, '$.sourceUrl'),
              json_extract(value, '$.sourceName'), json_extract(value, '$.sourceEtag'), json_extract(value, '$.sourceHash'), json_extract(value, '$.fetchedAt'), 1, json_extract(value, '$.chunkCount'),
              json_extract(value, '$.publishedAt'), json_extract(value, '$.createdBy'), json_extract(value, '$.updatedBy'), json_extract(value, '$.createdAt'), json_extract(value, '$.updatedAt')
       FROM json_each(?2)`,
      rows,
    ),
    ...jsonInserts(
      scope,
      `INSERT INTO kb_article_versions (id, workspace_id, article_id, version, title, body, body_text, category_id, tags, status, author_id, author_name, note, created_at)
       SELECT json_extract(value, '$.vid'), ?1, json_extract(value, '$.id'), 1, json_extract(value, '$.title'), json_extract(value, '$.body'), json_extract(value, '$.bodyText'),
              json_extract(value, '$.categoryId'), json_extract(value, '$.tags'), json_extract(value, '$.status'), ?3, ?4, 'Created', json_extract(value, '$.createdAt')
       FROM json_each(?2)`,
      rows.map((r) => ({ vid: newId('kbv'), id: r.id, title: r.title, body: r.body, bodyText: r.bodyText, categoryId: r.categoryId, tags: r.tags, status: r.status, createdAt: r.createdAt })),
      actor.id,
      actor.name,
    ),
    ...jsonInserts(scope, INSERT_CHUNKS, chunks),
  ];
  if (chunks.length) statements.push(bumpRevision(scope));
  await scope.d1.batch(statements);
  await reindex(
    ctx,
    rows.filter((r) => r.chunkCount > 0).map((r) => ({ articleId: r.id, chunkCount: r.chunkCount, previousChunkCount: 0 })),
  );
  return rows;
}

export async function getArticle(scope: WorkspaceScope, id: string): Promise<ArticleRow> {
  const row = await scope.find(kbArticles, id);
  if (!row) throw Problem.notFound('Article');
  return row;
}

/**
 * Apply a change as a new version. `baseVersion` (when given) must be the current version, so two
 * editors never overwrite each other silently; the versions' unique key catches the remaining race.
 */
export async function updateArticle(ctx: KbContext, id: string, patch: ArticlePatch, opts: { baseVersion?: number; note?: string | null } = {}): Promise<ArticleRow> {
  const { scope, actor } = ctx;
  const current = await getArticle(scope, id);
  if (opts.baseVersion !== undefined && opts.baseVersion !== current.version) {
    throw Problem.conflict(`The article is at version ${current.version}; reload it and apply your change again`, 'baseVersion');
  }
  const categoryId = patch.categoryId === undefined ? current.categoryId : await checkCategory(scope, patch.categoryId);
  const p = prepare({
    title: patch.title ?? current.title,
    body: patch.body ?? current.body,
    tags: patch.tags ?? current.tags,
    categoryId,
  });
  const status = patch.status ?? (current.status as ArticleStatus);
  const next: ArticleRow = {
    ...current,
    ...p,
    status,
    language: patch.language !== undefined ? patch.language : current.language,
    sourceUrl: patch.sourceUrl !== undefined ? patch.sourceUrl : current.sourceUrl,
    sourceName: patch.sourceName !== undefined ? patch.sourceName : current.sourceName,
    sourceEtag: patch.sourceEtag !== undefined ? patch.sourceEtag : current.sourceEtag,
    sourceHash: patch.sourceHash !== undefined ? patch.sourceHash : current.sourceHash,
    fetchedAt: patch.fetchedAt !== undefined ? patch.fetchedAt : current.fetchedAt,
  };
  const contentChanged =
    next.title !== current.title ||
    next.body !== current.body ||
    next.status !== current.status ||
    next.categoryId !== current.categoryId ||
    next.tags.join('\n') !== current.tags.join('\n') ||
    next.language !== current.language;
  const sourceOnly = !contentChanged && (next.fetchedAt !== current.fetchedAt || next.sourceEtag !== current.sourceEtag || next.sourceHash !== current.sourceHash);
  if (!contentChanged && !sourceOnly) return current;

  const now = Date.now();
  if (sourceOnly) {
    // A re-fetch that found nothing new: remember when, no new version.
    await scope.update(kbArticles, id, { fetchedAt: next.fetchedAt, sourceEtag: next.sourceEtag, sourceHash: next.sourceHash });
    return next;
  }
  return saveVersion(ctx, current, { ...next, version: current.version + 1, updatedBy: actor.id, updatedAt: now, publishedAt: status === 'published' ? (current.status === 'published' ? current.publishedAt : now) : current.publishedAt }, opts.note ?? null);
}

async function saveVersion(ctx: KbContext, current: ArticleRow, next: ArticleRow, note: string | null): Promise<ArticleRow> {
  const { scope, actor } = ctx;
  const categories = await categoryNames(scope);
  const indexed = current.status === 'published' || next.status === 'published';
  const chunks = next.status === 'published' ? chunkRows(scope.workspaceId, next, categories) : [];
  next.chunkCount = chunks.length;
  const statements = [
    // First: a concurrent save of the same version number fails here and the whole batch rolls back.
    scope.prepare(
      `INSERT INTO kb_article_versions (id, workspace_id, article_id, version, title, body, body_text, category_id, tags, status, author_id, author_name, note, created_at)
       VALUES (?2, ?1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)`,
      newId('kbv'), next.id, next.version, next.title, next.body, next.bodyText, next.categoryId, JSON.stringify(next.tags), next.status, actor.id, actor.name, note, next.updatedAt,
    ),
    scope.prepare(
      `UPDATE kb_articles SET title = ?3, body = ?4, body_text = ?5, category_id = ?6, tags = ?7, status = ?8, language = ?9, source_url = ?10, source_name = ?11,
              source_etag = ?12, source_hash = ?13, fetched_at = ?14, version = ?15, chunk_count = ?16, published_at = ?17, updated_by = ?18, updated_at = ?19
       WHERE workspace_id = ?1 AND id = ?2`,
      next.id, next.title, next.body, next.bodyText, next.categoryId, JSON.stringify(next.tags), next.status, next.language, next.sourceUrl, next.sourceName,
      next.sourceEtag, next.sourceHash, next.fetchedAt, next.version, next.chunkCount, next.publishedAt, next.updatedBy, next.updatedAt,
    ),
  ];
  if (indexed) {
    statements.push(scope.prepare(`DELETE FROM kb_chunks WHERE workspace_id = ?1 AND article_id = ?2`, next.id));
    statements.push(...jsonInserts(scope, INSERT_CHUNKS, chunks));
    statements.push(bumpRevision(scope));
  }
  try {
    await scope.d1.batch(statements);
  } catch (err) {
    if (isUniqueViolation(err)) throw Problem.conflict('Someone saved this article at the same moment; reload it and apply your change again', 'baseVersion');
    throw err;
  }
  if (indexed) await reindex(ctx, [{ articleId: next.id, chunkCount: next.chunkCount, previousChunkCount: current.chunkCount }]);
  return next;
}

export async function deleteArticle(ctx: KbContext, id: string): Promise<void> {
  const { scope } = ctx;
  const current = await getArticle(scope, id);
  const statements = [
    scope.prepare(`DELETE FROM kb_chunks WHERE workspace_id = ?1 AND article_id = ?2`, id),
    scope.prepare(`DELETE FROM kb_article_versions WHERE workspace_id = ?1 AND article_id = ?2`, id),
    scope.prepare(`DELETE FROM kb_articles WHERE workspace_id = ?1 AND id = ?2`, id),
  ];
  if (current.status === 'published') statements.push(bumpRevision(scope));
  await scope.d1.batch(statements);
  if (current.chunkCount > 0) await reindex(ctx, [{ articleId: id, chunkCount: 0, previousChunkCount: current.chunkCount }]);
}

export type VersionRow = typeof kbArticleVersions.$inferSelect;

export async function listVersions(scope: WorkspaceScope, articleId: string): Promise<VersionRow[]> {
  await getArticle(scope, articleId);
  return scope.db
    .select()
    .from(kbArticleVersions)
    .where(scope.where(kbArticleVersions, eq(kbArticleVersions.articleId, articleId)))
    .orderBy(desc(kbArticleVersions.version));
}

export async function getVersion(scope: WorkspaceScope, articleId: string, version: number): Promise<VersionRow> {
  const [row] = await scope.db
    .select()
    .from(kbArticleVersions)
    .where(scope.where(kbArticleVersions, and(eq(kbArticleVersions.articleId, articleId), eq(kbArticleVersions.version, version))))
    .limit(1);
  if (!row) throw Problem.notFound(`Version ${version} of this article`);
  return row;
}

/** Restore an old version's content (title, body, tags, category) as a new version; the status stays. */
export async function restoreVersion(ctx: KbContext, articleId: string, version: number): Promise<ArticleRow> {
  const old = await getVersion(ctx.scope, articleId, version);
  const current = await getArticle(ctx.scope, articleId);
  const categoryId = old.categoryId && (await ctx.scope.find(kbCategories, old.categoryId)) ? old.categoryId : null;
  const p = prepare({ title: old.title, body: old.body, tags: old.tags, categoryId });
  return saveVersion(ctx, current, { ...current, ...p, version: current.version + 1, updatedBy: ctx.actor.id, updatedAt: Date.now() }, `Restored version ${version}`);
}
