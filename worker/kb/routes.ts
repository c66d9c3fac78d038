// /api/kb: knowledge-base sources (articles, Q&A pairs, files, imported pages), categories, tags,
// version history with diff and restore, bulk import and the agents' knowledge search.
import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import { afterResponse } from '../ai/conversation-context';
import { answerSentences } from '../ai/drafter';
import { aiMode, indexerFor, retrieverFor } from '../ai/providers';
import { LANGUAGES } from '../ai/text';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { fromBase64Url, toBase64Url, utf8 } from '../crypto/bytes';
import { newId } from '../db/ids';
import { kbArticles, kbCategories } from '../db/schema';
import { Problem } from '../http/problem';
import { Cursor, Limit, Name, TagName } from '../http/schemas';
import { valid } from '../http/validate';
import {
  articleJson,
  bumpRevision,
  createArticle,
  deleteArticle,
  getArticle,
  getVersion,
  importArticles,
  isUniqueViolation,
  KINDS,
  listVersions,
  restoreVersion,
  STATUSES,
  updateArticle,
  type ArticleInput,
  type KbContext,
} from './articles';
import { diffVersions } from './diff';
import { textToHtml } from './html';
import { convertFile, fileFormat, importPage, refetchPage } from './import';

const Title = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(300));
const Html = v.pipe(v.string(), v.maxLength(200_000, 'must be at most 200000 characters'));
const Tags = v.pipe(v.array(TagName), v.maxLength(30));
const Status = v.picklist(STATUSES);
const Language = v.nullable(v.picklist(LANGUAGES));

const ArticleBody = v.pipe(
  v.object({
    kind: v.optional(v.picklist(['article', 'qa'])),
    title: v.optional(Title),
    body: v.optional(Html),
    /** Q&A pairs may be written as question + plain-text answer. */
    question: v.optional(Title),
    answer: v.optional(v.pipe(v.string(), v.maxLength(20_000))),
    categoryId: v.optional(v.nullable(v.string())),
    tags: v.optional(Tags),
    status: v.optional(Status),
    language: v.optional(Language),
  }),
  v.forward(
    v.check((b) => Boolean(b.title ?? b.question), 'is required (or question, for a Q&A pair)'),
    ['title'],
  ),
  v.forward(
    v.check((b) => Boolean((b.body ?? b.answer)?.trim()), 'is required (or answer, for a Q&A pair)'),
    ['body'],
  ),
);
type ArticleBodyT = v.InferOutput<typeof ArticleBody>;

const PatchBody = v.pipe(
  v.object({
    title: v.optional(Title),
    body: v.optional(Html),
    answer: v.optional(v.pipe(v.string(), v.maxLength(20_000))),
    categoryId: v.optional(v.nullable(v.string())),
    tags: v.optional(Tags),
    status: v.optional(Status),
    language: v.optional(Language),
    /** The version the edit started from: 409 when someone saved in between. */
    baseVersion: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
    note: v.optional(v.pipe(v.string(), v.maxLength(300))),
  }),
  v.check((b) => Object.keys(b).some((k) => k !== 'baseVersion' && k !== 'note'), 'the body must change at least one field'),
);

const ListQuery = v.object({
  q: v.optional(v.pipe(v.string(), v.maxLength(200))),
  status: v.optional(Status),
  kind: v.optional(v.picklist(KINDS)),
  categoryId: v.optional(v.string()),
  tag: v.optional(v.string()),
  cursor: Cursor,
  limit: Limit,
});

const VersionParam = v.object({ id: v.string(), version: v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1)) });
const DiffQuery = v.object({
  from: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1))),
  to: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1))),
});
const ImportBody = v.object({ articles: v.pipe(v.array(ArticleBody), v.minLength(1, 'at least one article'), v.maxLength(500, 'at most 500 articles per request')) });
const UrlBody = v.object({
  url: v.pipe(v.string(), v.trim(), v.maxLength(2000)),
  title: v.optional(Title),
  categoryId: v.optional(v.nullable(v.string())),
  tags: v.optional(Tags),
  status: v.optional(Status),
});
const FileQuery = v.object({
  name: v.pipe(v.string(), v.trim(), v.minLength(1, 'the ?name= of the file is required'), v.maxLength(200)),
  title: v.optional(Title),
  categoryId: v.optional(v.string()),
  status: v.optional(Status),
  tags: v.optional(v.pipe(v.string(), v.transform((s) => s.split(',').map((t) => t.trim()).filter(Boolean)), v.array(TagName))),
});
const SearchQuery = v.object({
  q: v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(500)),
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(20))),
});
const CategoryBody = v.object({
  name: Name,
  description: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(1000)))),
  position: v.optional(v.pipe(v.number(), v.integer())),
});
const CategoryPatch = v.pipe(v.partial(CategoryBody), v.check((b) => Object.keys(b).length > 0, 'the body must change at least one field'));

export const kbRoutes = new Hono<AppEnv>();
/** Who may change the knowledge base; the personal role reads only. */
const editor = requireRole('manager', 'staff');

export function kbContext(c: Context<AppEnv>): KbContext {
  const p = c.get('principal');
  return { env: c.env, scope: c.get('scope'), actor: { id: p.userId, name: p.name }, waitUntil: afterResponse(c) };
}

function toInput(b: ArticleBodyT): ArticleInput {
  return {
    kind: b.kind ?? 'article',
    title: (b.title ?? b.question)!,
    body: b.body ?? textToHtml(b.answer ?? ''),
    categoryId: b.categoryId ?? null,
    tags: b.tags,
    status: b.status,
    language: b.language,
  };
}

kbRoutes.get('/articles', describeRoute({ tags: ['knowledge base'], summary: 'List knowledge sources (newest change first)', description: '`q` matches titles and text.' }), valid('query', ListQuery), async (c) => {
  const scope = c.get('scope');
  const q = c.req.valid('query');
  const limit = q.limit ?? 50;
  let after: [number, string] | null = null;
  if (q.cursor) {
    try {
      after = JSON.parse(new TextDecoder().decode(fromBase64Url(q.cursor))) as [number, string];
    } catch {
      // handled below
    }
    if (!Array.isArray(after) || typeof after[0] !== 'number' || typeof after[1] !== 'string') throw Problem.badRequest('cursor', 'is not a cursor this endpoint issued');
  }
  const term = q.q?.trim().toLowerCase();
  const rows = await scope.db
    .select()
    .from(kbArticles)
    .where(
      scope.where(
        kbArticles,
        q.status ? eq(kbArticles.status, q.status) : undefined,
        q.kind ? eq(kbArticles.kind, q.kind) : undefined,
        q.categoryId ? eq(kbArticles.categoryId, q.categoryId) : undefined,
        q.tag ? sql`instr(${kbArticles.tags}, ${JSON.stringify(q.tag.toLowerCase())}) > 0` : undefined,
        term ? or(sql`instr(lower(${kbArticles.title}), ${term}) > 0`, sql`instr(lower(${kbArticles.bodyText}), ${term}) > 0`) : undefined,
        after ? or(lt(kbArticles.updatedAt, after[0]), and(eq(kbArticles.updatedAt, after[0]), lt(kbArticles.id, after[1]))) : undefined,
      ),
    )
    .orderBy(desc(kbArticles.updatedAt), desc(kbArticles.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return c.json({
    items: page.map((a) => articleJson(a, { body: false })),
    nextCursor: rows.length > limit && last ? toBase64Url(utf8(JSON.stringify([last.updatedAt, last.id]))) : null,
  });
});

kbRoutes.post('/articles', describeRoute({ tags: ['knowledge base'], summary: 'Create an article or a Q&A pair (rich text is sanitized; draft unless status=published)' }), editor, valid('json', ArticleBody), async (c) => {
  const article = await createArticle(kbContext(c), toInput(c.req.valid('json')));
  return c.json(articleJson(article), 201);
});

kbRoutes.post('/import', describeRoute({ tags: ['knowledge base'], summary: 'Bulk import up to 500 articles or Q&A pairs in one request' }), requireRole('manager'), valid('json', ImportBody), async (c) => {
  const rows = await importArticles(kbContext(c), c.req.valid('json').articles.map(toInput));
  return c.json({ created: rows.length, ids: rows.map((r) => r.id) }, 201);
});

kbRoutes.post(
  '/reindex',
  describeRoute({ tags: ['knowledge base'], summary: 'Index every published source again (cloud: re-embed into Vectorize, e.g. after switching AI_MODE to cloud)' }),
  requireRole('manager'),
  async (c) => {
    if (aiMode(c.env) === 'local') return c.json({ mode: 'local', queued: 0, note: 'The local full-text index is kept current as sources change.' });
    const { results } = await c
      .get('scope')
      .prepare(`SELECT id, chunk_count FROM kb_articles WHERE workspace_id = ?1 AND status = 'published' AND chunk_count > 0`)
      .all<{ id: string; chunk_count: number }>();
    const jobs = results.map((r) => ({ articleId: r.id, chunkCount: r.chunk_count, previousChunkCount: r.chunk_count }));
    await indexerFor(c.env).changed(c.get('scope').workspaceId, jobs);
    return c.json({ mode: 'cloud', queued: jobs.length });
  },
);

kbRoutes.post('/import-url', describeRoute({ tags: ['knowledge base'], summary: 'Import a web page by URL (fetched, cleaned to text; re-fetchable)' }), editor, valid('json', UrlBody), async (c) => {
  const article = await importPage(kbContext(c), c.req.valid('json'));
  return c.json(articleJson(article), 201);
});

kbRoutes.post(
  '/files',
  describeRoute({ tags: ['knowledge base'], summary: 'Upload a text, Markdown or HTML file as a source (raw body; ?name= the file name)' }),
  editor,
  valid('query', FileQuery),
  async (c) => {
    const q = c.req.valid('query');
    const format = fileFormat(q.name, c.req.header('content-type'));
    if (!format) throw new Problem(415, 'Unsupported media type', 'Upload .txt, .md or .html files (text/plain, text/markdown or text/html)', [{ field: 'name', message: 'not a text, Markdown or HTML file' }]);
    const content = await c.req.text();
    if (!content.trim()) throw Problem.badRequest('(body)', 'the file is empty');
    const { title, body } = convertFile(content, format, q.name);
    const article = await createArticle(kbContext(c), { kind: 'file', title: q.title ?? title, body, categoryId: q.categoryId, tags: q.tags, status: q.status, sourceName: q.name });
    return c.json(articleJson(article), 201);
  },
);

kbRoutes.get('/articles/:id', describeRoute({ tags: ['knowledge base'], summary: 'One source with its sanitized HTML and plain text' }), async (c) => {
  return c.json(articleJson(await getArticle(c.get('scope'), c.req.param('id'))));
});

kbRoutes.patch(
  '/articles/:id',
  describeRoute({ tags: ['knowledge base'], summary: 'Change a source (each change is a new version); status publishes or unpublishes', description: 'Pass baseVersion to get 409 instead of overwriting a concurrent edit.' }),
  editor,
  valid('json', PatchBody),
  async (c) => {
    const { baseVersion, note, answer, ...patch } = c.req.valid('json');
    const article = await updateArticle(kbContext(c), c.req.param('id'), { ...patch, ...(answer !== undefined && patch.body === undefined ? { body: textToHtml(answer) } : {}) }, { baseVersion, note });
    return c.json(articleJson(article));
  },
);

kbRoutes.delete('/articles/:id', describeRoute({ tags: ['knowledge base'], summary: 'Delete a source, its versions and its index entries' }), editor, async (c) => {
  await deleteArticle(kbContext(c), c.req.param('id'));
  return c.body(null, 204);
});

kbRoutes.post('/articles/:id/refetch', describeRoute({ tags: ['knowledge base'], summary: 'Fetch an imported page again (a new version only if its text changed)' }), editor, async (c) => {
  const res = await refetchPage(kbContext(c), c.req.param('id'));
  return c.json({ changed: res.changed, article: articleJson(res.article) });
});

kbRoutes.get('/articles/:id/versions', describeRoute({ tags: ['knowledge base'], summary: 'Version history, newest first' }), async (c) => {
  const rows = await listVersions(c.get('scope'), c.req.param('id'));
  return c.json({
    items: rows.map((r) => ({ version: r.version, title: r.title, status: r.status, tags: r.tags, categoryId: r.categoryId, authorId: r.authorId, authorName: r.authorName, note: r.note, createdAt: r.createdAt })),
  });
});

kbRoutes.get('/articles/:id/versions/:version', describeRoute({ tags: ['knowledge base'], summary: 'One version in full' }), valid('param', VersionParam), async (c) => {
  const { id, version } = c.req.valid('param');
  const { workspaceId: _ws, ...row } = await getVersion(c.get('scope'), id, version);
  return c.json(row);
});

kbRoutes.get(
  '/articles/:id/diff',
  describeRoute({ tags: ['knowledge base'], summary: 'What changed between two versions (default: the latest against the one before)' }),
  valid('query', DiffQuery),
  async (c) => {
    const scope = c.get('scope');
    const id = c.req.param('id');
    const article = await getArticle(scope, id);
    const q = c.req.valid('query');
    const to = q.to ?? article.version;
    const from = q.from ?? Math.max(1, to - 1);
    const [a, b] = await Promise.all([getVersion(scope, id, from), getVersion(scope, id, to)]);
    return c.json(diffVersions(a, b));
  },
);

kbRoutes.post(
  '/articles/:id/restore',
  describeRoute({ tags: ['knowledge base'], summary: "Restore a version's content as a new version (the status stays)" }),
  editor,
  valid('json', v.object({ version: v.pipe(v.number(), v.integer(), v.minValue(1)) })),
  async (c) => {
    const article = await restoreVersion(kbContext(c), c.req.param('id'), c.req.valid('json').version);
    return c.json(articleJson(article));
  },
);

kbRoutes.get(
  '/search',
  describeRoute({ tags: ['knowledge base'], summary: 'Search published knowledge: the best passage of each matching source, with a snippet' }),
  valid('query', SearchQuery),
  async (c) => {
    const q = c.req.valid('query');
    const passages = await retrieverFor(c.env).search(c.get('scope'), q.q, { limit: q.limit ?? 5 });
    return c.json({
      items: passages.map((p) => ({
        articleId: p.articleId,
        title: p.title,
        kind: p.kind,
        url: p.sourceUrl,
        snippet: answerSentences(q.q, p, 300),
        score: Math.round(p.score * 1000) / 1000,
        coverage: Math.round(p.coverage * 100) / 100,
      })),
    });
  },
);

kbRoutes.get('/tags', describeRoute({ tags: ['knowledge base'], summary: 'Tags in use, with counts' }), async (c) => {
  const { results } = await c
    .get('scope')
    .prepare(`SELECT t.value AS tag, count(*) AS count FROM kb_articles a, json_each(a.tags) t WHERE a.workspace_id = ?1 GROUP BY t.value ORDER BY count DESC, tag`)
    .all<{ tag: string; count: number }>();
  return c.json({ items: results });
});

kbRoutes.get('/categories', describeRoute({ tags: ['knowledge base'], summary: 'Categories with their source counts' }), async (c) => {
  const scope = c.get('scope');
  const [rows, counts] = await Promise.all([
    scope.db.select().from(kbCategories).where(scope.where(kbCategories)).orderBy(kbCategories.position, kbCategories.name),
    scope.prepare(`SELECT category_id AS id, count(*) AS n FROM kb_articles WHERE workspace_id = ?1 AND category_id IS NOT NULL GROUP BY category_id`).all<{ id: string; n: number }>(),
  ]);
  const n = new Map(counts.results.map((r) => [r.id, r.n]));
  return c.json({ items: rows.map(({ workspaceId: _ws, ...r }) => ({ ...r, articleCount: n.get(r.id) ?? 0 })) });
});

kbRoutes.post('/categories', describeRoute({ tags: ['knowledge base'], summary: 'Create a category' }), editor, valid('json', CategoryBody), async (c) => {
  const scope = c.get('scope');
  const body = c.req.valid('json');
  const id = newId('kbc');
  try {
    await scope.insert(kbCategories, { id, name: body.name, description: body.description ?? null, position: body.position ?? 0 });
  } catch (err) {
    if (isUniqueViolation(err)) throw Problem.conflict('A category with this name exists', 'name');
    throw err;
  }
  const { workspaceId: _ws, ...row } = (await scope.find(kbCategories, id))!;
  return c.json(row, 201);
});

kbRoutes.patch('/categories/:id', describeRoute({ tags: ['knowledge base'], summary: 'Rename, describe or reorder a category' }), editor, valid('json', CategoryPatch), async (c) => {
  const scope = c.get('scope');
  const id = c.req.param('id');
  try {
    if (!(await scope.update(kbCategories, id, c.req.valid('json')))) throw Problem.notFound('Category');
  } catch (err) {
    if (isUniqueViolation(err)) throw Problem.conflict('A category with this name exists', 'name');
    throw err;
  }
  const { workspaceId: _ws, ...row } = (await scope.find(kbCategories, id))!;
  return c.json(row);
});

kbRoutes.delete('/categories/:id', describeRoute({ tags: ['knowledge base'], summary: 'Delete a category (its sources stay, uncategorized)' }), editor, async (c) => {
  const scope = c.get('scope');
  const id = c.req.param('id');
  if (!(await scope.find(kbCategories, id))) throw Problem.notFound('Category');
  // Category names are indexed as keywords; the passages of its sources keep them until their next change.
  await scope.d1.batch([
    scope.prepare(`UPDATE kb_articles SET category_id = NULL WHERE workspace_id = ?1 AND category_id = ?2`, id),
    scope.prepare(`DELETE FROM kb_categories WHERE workspace_id = ?1 AND id = ?2`, id),
    bumpRevision(scope),
  ]);
  return c.body(null, 204);
});
