// Contacts in bulk: CSV import (a queued job with progress and a per-row error report) and the streamed
// CSV export of a filter or saved audience. Managers only: both touch the whole directory at once.
// Mounted before contactRoutes so /contacts/import and /contacts/export.csv are not read as contact ids.
import Papa from 'papaparse';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { compileFilter, FilterError, parseFilter, type Filter } from '../audiences/filter';
import { pageAudience } from '../audiences/resolve';
import { requireRole } from '../auth/middleware';
import { Problem } from '../http/problem';
import { IdParam } from '../http/schemas';
import { valid } from '../http/validate';
import { effectiveMapping, ERRORS_SHOWN, MAX_IMPORT_BYTES, newImportUpload, readHeader, startImport } from './import';
import { boundaryOf, formLayout, streamToR2, UploadError, windowsOf } from './upload';
import { SUBSCRIPTION_CHANNELS, subscriptionStatus } from './subscriptions';

export const contactBulkRoutes = new Hono<AppEnv>();
const manager = requireRole('manager');

const ImportQuery = v.object({ mapping: v.optional(v.pipe(v.string(), v.maxLength(20_000))) });

function parseMapping(raw: unknown): Record<string, string> | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw Problem.badRequest('mapping', 'must be a JSON object {column: field}');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.keys(value).length > 200) throw Problem.badRequest('mapping', 'must be a JSON object {column: field} (at most 200 columns)');
  for (const [k, t] of Object.entries(value)) if (typeof t !== 'string') throw Problem.badRequest(`mapping.${k}`, 'must be a field name or skip');
  return value as Record<string, string>;
}

contactBulkRoutes.post(
  '/import',
  describeRoute({
    tags: ['contacts'],
    summary: 'Import contacts from CSV (multipart `file` + `mapping`, or a text/csv body with ?mapping=)',
    description:
      'mapping: {column → name|email|phone|tags|language|country|city|attributes.<key>|identity.<channel>|subscribed.<channel>|skip}; without it, columns named like a field map to it. ' +
      'Dedupes on identity, e-mail, then phone; existing contacts are updated (tags merged, attributes set). 202 {id}: follow GET /api/contacts/imports/{id}.',
  }),
  manager,
  valid('query', ImportQuery),
  async (c) => {
    const p = c.get('principal');
    const contentType = c.req.header('content-type') ?? '';
    const type = contentType.split(';')[0].trim().toLowerCase();
    const multipart = type === 'multipart/form-data';
    if (!multipart && type !== 'text/csv' && type !== 'application/csv' && type !== 'text/plain') {
      throw new Problem(415, 'Unsupported media type', 'Content-Type: must be multipart/form-data or text/csv', [{ field: 'Content-Type', message: 'must be multipart/form-data or text/csv' }]);
    }
    const boundary = multipart ? boundaryOf(contentType) : null;
    if (multipart && !boundary) throw Problem.badRequest('Content-Type', 'a multipart/form-data body needs its boundary');
    const tooLarge = () => new Problem(413, 'Payload too large', `Imports are limited to ${MAX_IMPORT_BYTES} bytes`);
    const length = Number(c.req.header('content-length') ?? NaN);
    // The upload goes to R2 as it arrives, never whole into memory; R2 needs its length up front.
    if (!Number.isInteger(length) || length < 0) throw new Problem(411, 'Length required', 'Content-Length: an import upload must declare its length', [{ field: 'Content-Length', message: 'is required' }]);
    if (length > MAX_IMPORT_BYTES + 64 * 1024) throw tooLarge();
    if (length === 0 || !c.req.raw.body) throw Problem.badRequest('file', 'the file is empty');

    const { id, key } = newImportUpload(p.workspaceId);
    const files = c.env.FILES;
    try {
      await streamToR2(files, key, c.req.raw.body, length, contentType);
      let start = 0;
      let end = length;
      let rawMapping: unknown = c.req.valid('query').mapping;
      if (multipart) {
        const layout = formLayout(await windowsOf(files, key, length), boundary!, length);
        if (!layout.file) throw Problem.badRequest('file', 'attach the CSV as the form field `file`');
        ({ start, end } = layout.file);
        rawMapping = layout.fields.mapping ?? rawMapping;
      }
      if (end <= start) throw Problem.badRequest('file', 'the file is empty');
      if (end - start > MAX_IMPORT_BYTES) throw tooLarge();
      const head = await files.get(key, { range: { offset: start, length: Math.min(end - start, 64 * 1024 + 3) } });
      let header: ReturnType<typeof readHeader>;
      try {
        header = readHeader(new Uint8Array(await head!.arrayBuffer()));
      } catch (e) {
        throw Problem.badRequest('file', (e as Error).message);
      }
      const { mapping, errors } = effectiveMapping(header.columns, parseMapping(rawMapping));
      if (errors.length) throw new Problem(400, 'Invalid request', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
      await startImport(c.env, { id, key, workspaceId: p.workspaceId, userId: p.userId, start, end, columns: header.columns, dataOffset: header.dataOffset, mapping });
      return c.json({ id, status: 'queued', columns: header.columns, mapping }, 202);
    } catch (e) {
      await files.delete(key).catch(() => undefined);
      if (e instanceof UploadError) throw Problem.badRequest(e.field, e.message);
      throw e;
    }
  },
);

type ImportRow = { id: string; status: string; total: number | null; processed: number; created: number; updated: number; failed: number; error: string | null; mapping: string; created_at: number; finished_at: number | null };

contactBulkRoutes.get('/imports/:id', describeRoute({ tags: ['contacts'], summary: 'Progress of a contact import, with the first per-row errors' }), manager, valid('param', IdParam), async (c) => {
  const ws = c.get('principal').workspaceId;
  const id = c.req.valid('param').id;
  const [row, errs] = await c.env.DB.batch<Record<string, unknown>>([
    c.env.DB.prepare(`SELECT * FROM contact_imports WHERE workspace_id = ? AND id = ?`).bind(ws, id),
    c.env.DB.prepare(`SELECT e.row, e."column", e.reason FROM contact_import_errors e JOIN contact_imports i ON i.id = e.import_id WHERE i.workspace_id = ? AND e.import_id = ? ORDER BY e.row, e."column" LIMIT ${ERRORS_SHOWN}`).bind(ws, id),
  ]);
  const r = row.results[0] as ImportRow | undefined;
  if (!r) throw Problem.notFound('Import');
  return c.json({
    id: r.id,
    status: r.status,
    total: r.total,
    processed: r.processed,
    created: r.created,
    updated: r.updated,
    failed: r.failed,
    error: r.error,
    mapping: JSON.parse(r.mapping) as Record<string, string>,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    errors: errs.results.map((e) => ({ row: Number(e.row), column: e.column || null, reason: e.reason })),
  });
});

contactBulkRoutes.get('/imports/:id/errors.csv', describeRoute({ tags: ['contacts'], summary: "Every per-row error of an import, as CSV (row, column, reason)" }), manager, valid('param', IdParam), async (c) => {
  const ws = c.get('principal').workspaceId;
  const id = c.req.valid('param').id;
  if (!(await c.env.DB.prepare(`SELECT 1 FROM contact_imports WHERE workspace_id = ? AND id = ?`).bind(ws, id).first())) throw Problem.notFound('Import');
  const db = c.env.DB;
  let after = 0;
  let first = true;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const rows = await db.prepare(`SELECT row, "column", reason FROM contact_import_errors WHERE import_id = ? AND row > ? ORDER BY row, "column" LIMIT 2000`).bind(id, after).all<{ row: number; column: string; reason: string }>();
      // Rows with several errors never straddle a page: a page ends on a whole row.
      let list = rows.results;
      if (list.length === 2000) {
        const lastRow = list[list.length - 1].row;
        const whole = list.filter((r) => r.row !== lastRow);
        list = whole.length ? whole : list;
      }
      const text = Papa.unparse({ fields: ['row', 'column', 'reason'], data: list.map((r) => [r.row, r.column, r.reason]) }, { header: first, escapeFormulae: true, newline: '\r\n' });
      if (text) controller.enqueue(new TextEncoder().encode(`${text}\r\n`));
      first = false;
      if (list.length === 0 || rows.results.length < 2000) return controller.close();
      after = list[list.length - 1].row;
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="import-${id}-errors.csv"` } });
});

const ExportQuery = v.object({
  filter: v.optional(v.pipe(v.string(), v.maxLength(20_000))),
  audienceId: v.optional(v.pipe(v.string(), v.maxLength(100))),
});

/** A cell that a spreadsheet would run as a formula gets a leading quote; phone numbers (+1…, -) stay as they are. */
const FORMULA = /^[=@\t\r]|^[+-](?![\d\s().-]*$)/;
const iso = (t: unknown) => (t === null || t === undefined ? '' : new Date(Number(t)).toISOString());

contactBulkRoutes.get(
  '/export.csv',
  describeRoute({
    tags: ['contacts'],
    summary: 'Stream contacts as CSV (?filter=<audience filter JSON> or ?audienceId=; neither: every contact)',
    description: 'Columns: id, name, email, phone, language, country, city, tags, identities, subscribed.<channel>, createdAt, lastActivityAt, conversationCount, attributes.<key>…',
  }),
  manager,
  valid('query', ExportQuery),
  async (c) => {
    const ws = c.get('principal').workspaceId;
    const q = c.req.valid('query');
    let filter: Filter = { field: 'createdAt', op: 'exists', value: true };
    if (q.filter && q.audienceId) throw Problem.badRequest('query.filter', 'give a filter or an audienceId, not both');
    if (q.filter) {
      try {
        filter = parseFilter(JSON.parse(q.filter));
      } catch (e) {
        if (e instanceof FilterError) throw Problem.badRequest(['query.filter', ...e.pointer.split('/').filter(Boolean)].join('.'), `${e.message} (at /filter${e.pointer})`);
        throw Problem.badRequest('query.filter', 'must be an audience filter as JSON');
      }
    } else if (q.audienceId) {
      const row = await c.env.DB.prepare(`SELECT filter FROM audiences WHERE workspace_id = ? AND id = ?`).bind(ws, q.audienceId).first<{ filter: string }>();
      if (!row) throw Problem.badRequest('query.audienceId', 'no such audience in this workspace');
      filter = parseFilter(JSON.parse(row.filter));
    }
    const db = c.env.DB;
    const now = Date.now();
    // Attribute keys become columns: one pass over the matching contacts' attribute keys first.
    const keys = await keysOf(db, ws, filter, now);
    const fields = ['id', 'name', 'email', 'phone', 'language', 'country', 'city', 'tags', 'identities', ...SUBSCRIPTION_CHANNELS.map((ch) => `subscribed.${ch}`), 'createdAt', 'lastActivityAt', 'conversationCount', ...keys.map((k) => `attributes.${k}`)];
    const columns = `c.id, c.name, c.email, c.phone, c.language, c.country, c.city, c.tags, c.attributes, c.subscriptions, c.created_at AS createdAt, c.last_activity_at AS lastActivityAt, c.conversation_count AS conversationCount,
      (SELECT json_group_array(ci.channel || ':' || ci.external_id) FROM contact_identities ci WHERE ci.workspace_id = c.workspace_id AND ci.contact_id = c.id) AS identities`;
    let after: [number, string] | null = null;
    let first = true;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const page = await pageAudience(db, ws, filter, { after, limit: 500, columns, now });
        const data = page.items.map((r) => {
          const attrs = JSON.parse(String(r.attributes ?? '{}')) as Record<string, unknown>;
          return [
            r.id, r.name ?? '', r.email ?? '', r.phone ?? '', r.language ?? '', r.country ?? '', r.city ?? '',
            (JSON.parse(String(r.tags ?? '[]')) as string[]).join(';'),
            (JSON.parse(String(r.identities ?? '[]')) as string[]).join(';'),
            ...SUBSCRIPTION_CHANNELS.map((ch) => subscriptionStatus(r.subscriptions, ch)),
            iso(r.createdAt), iso(r.lastActivityAt), r.conversationCount ?? 0,
            ...keys.map((k) => (attrs[k] === undefined || attrs[k] === null ? '' : typeof attrs[k] === 'object' ? JSON.stringify(attrs[k]) : String(attrs[k]))),
          ];
        });
        if (first || data.length) {
          const text = Papa.unparse({ fields, data }, { header: first, escapeFormulae: FORMULA, newline: '\r\n' });
          controller.enqueue(new TextEncoder().encode(`${text}\r\n`));
        }
        first = false;
        if (!page.next) return controller.close();
        after = page.next;
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="contacts.csv"', 'cache-control': 'no-store' } });
  },
);

async function keysOf(db: D1Database, ws: string, filter: Filter, now: number): Promise<string[]> {
  const f = compileFilter(filter, now);
  const rows = await db
    .prepare(`SELECT DISTINCT j.key AS k FROM contacts c, json_each(c.attributes) j WHERE c.workspace_id = ? AND c.merged_into IS NULL AND ${f.sql} ORDER BY 1 LIMIT 200`)
    .bind(ws, ...f.params)
    .all<{ k: string }>();
  return rows.results.map((r) => r.k);
}
