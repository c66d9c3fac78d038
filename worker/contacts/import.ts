// Contact import from CSV. The upload is streamed to R2 as it came (worker/contacts/upload.ts finds the
// CSV inside a multipart body by two range reads); a queue (CONTACT_IMPORTS, one chunk
// per message) then works through it: each message reads a byte range, parses whole records with
// papaparse, writes them in one D1 batch with the import's progress, and sends the message for the next
// range. No invocation holds more than CHUNK_BYTES of the file or writes more than CHUNK_ROWS rows, so
// 100,000 rows (or ten times that) never meet a Worker's memory, CPU or D1 statement limits.
//
// The workspace's D1 database runs one query at a time (locally and in production), and a batch is one
// transaction: while a chunk's reads or its batch run, every other request of the workspace (the import's
// own progress poll, agents' lists) waits. So a chunk must be short, and its cost must not grow with the
// workspace:
// - Every statement that joins the chunk's keys (a json_each of them) to stored rows walks the keys and
//   looks each up by its index (CROSS JOIN fixes json_each as the outer loop; `+` keeps the UPDATE off the
//   workspace's indexes). Without it SQLite, which has no statistics on D1 and guesses json_each at a few
//   rows, walked the workspace's contacts and scanned the keys for each: O(contacts × keys), and growing
//   as the import adds contacts. 2,000 keys against 100,000 contacts was ~16 s of SQLite per lookup and
//   ~110 s for the UPDATE (node:sqlite); in bench (i) a chunk's lookups took 6–9 s at 20,000 contacts
//   while its write batch took 60–200 ms. LOOKUP_SQL and UPDATE_SQL are exported so
//   test/contacts/import-export.test.ts checks their plans.
// - CHUNK_ROWS is a few hundred: the write batch itself was only long because it was big (~30–100 µs a
//   row: the contacts' eight indexes, one of them wide; no triggers or FTS on contacts), so 500 rows hold
//   the database for tens of milliseconds and the workspace's other reads interleave between chunks. One
//   batch per chunk, not several per chunk, keeps exactly-once as simple as it was: the chunk's key
//   (contact_import_chunks) is in the same transaction as its rows and its progress.
//
// Why a Queue and not a Workflow: the work is a plain chain of idempotent steps with retries and a dead
// letter, which the ingest and event queues already give us here (and tests can drive), and a chunk's
// commit carries its own cursor and key (contact_import_chunks), so a redelivered message is recognised
// and skipped, and a chunk two deliveries worked at once commits once.
//
// Dedupe, in order: a channel identity column (identity.<channel>), then e-mail, then phone (E.164 as
// worker/contacts/phone.ts normalizes it), then a row earlier in the same chunk with the same key. An
// existing contact is updated: given fields set, tags merged, attributes set key by key.
import Papa from 'papaparse';
import * as v from 'valibot';
import { normalizeTags } from '../conversations/state';
import { newId } from '../db/ids';
import { Email, TagName } from '../http/schemas';
import { normalizePhone } from './phone';
import { customerOptOutConflict, patchKeepingCustomerOptOuts, SUBSCRIPTION_CHANNELS } from './subscriptions';

/**
 * Rows a chunk (one message, one D1 batch) writes at most: small enough that the batch holds the
 * workspace's database for tens of ms. The price is wall time, as each chunk has a fixed cost (claim, range
 * read, queue hop): bench (i), 100k new rows on a loaded 2-core machine, took 43 s with progress polls at
 * p50/p95/max 129/333/478 ms; 2000-row chunks took 15 s with polls at 250/393/495 ms.
 */
export const CHUNK_ROWS = 500;
export const CHUNK_BYTES = 1 << 20;
export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;
/** Per-row errors kept for the progress answer; errors.csv has them all. */
export const ERRORS_SHOWN = 50;
const LEASE_MS = 120_000;
/** Rows per JSON parameter of a multi-row statement (kept well under D1's per-value size). */
const ROWS_PER_STATEMENT = 250;

/**
 * Existing contacts by the chunk's keys (?1 workspace, ?2 the keys as one JSON array): the oldest contact
 * holding each e-mail or phone, and the contact that survives for each identity. `json_each … CROSS JOIN`
 * makes the keys the outer loop, each looked up by its index: the cost grows with the chunk, not with the
 * workspace (see the header; a plain JOIN walked the workspace's contacts and scanned the keys for each).
 */
export const LOOKUP_SQL = {
  // An identity may still name a contact merged away since (a row written for it after the merge moved the
  // others, or a chain of merges): follow merged_into to the contact that survives.
  identity: `WITH RECURSIVE hit(k, id, next, depth) AS (
       SELECT ci.channel || char(0) || ci.external_id, c0.id, c0.merged_into, 0 FROM json_each(?2) j
         CROSS JOIN contact_identities ci ON ci.workspace_id = ?1 AND ci.channel = json_extract(j.value, '$[0]') AND ci.external_id = json_extract(j.value, '$[1]')
         JOIN contacts c0 ON c0.id = ci.contact_id AND c0.workspace_id = ?1
       UNION ALL
       SELECT hit.k, m.id, m.merged_into, hit.depth + 1 FROM hit JOIN contacts m ON m.id = hit.next AND m.workspace_id = ?1 WHERE hit.depth < 20)
     SELECT c.id, c.email, c.phone, c.tags, c.subscriptions, hit.k AS k FROM hit JOIN contacts c ON c.id = hit.id AND +c.workspace_id = ?1 WHERE hit.next IS NULL`,
  email: `SELECT c.id, c.email, c.phone, c.tags, c.subscriptions, c.email AS k FROM json_each(?2) j CROSS JOIN contacts c ON c.workspace_id = ?1 AND c.email = j.value WHERE c.merged_into IS NULL ORDER BY c.created_at`,
  phone: `SELECT c.id, c.email, c.phone, c.tags, c.subscriptions, c.phone AS k FROM json_each(?2) j CROSS JOIN contacts c ON c.workspace_id = ?1 AND c.phone = j.value WHERE c.merged_into IS NULL ORDER BY c.created_at`,
} as const;

/**
 * The chunk's updates of existing contacts (?1 workspace, ?2 now, ?3 the rows as JSON). An UPDATE … FROM
 * cannot be given a join order, so `+contacts.workspace_id` keeps SQLite from walking the workspace's
 * contacts by a workspace index (and the rows for each): the one usable index left is the id's, looked up
 * once per row. The workspace still bounds what is written.
 */
export const UPDATE_SQL = `UPDATE contacts SET
     name = coalesce(u.name, contacts.name), email = coalesce(u.email, contacts.email), phone = coalesce(u.phone, contacts.phone),
     language = coalesce(u.language, contacts.language), country = coalesce(u.country, contacts.country), city = coalesce(u.city, contacts.city),
     tags = u.tags, attributes = json_patch(contacts.attributes, u.attributes), subscriptions = ${patchKeepingCustomerOptOuts('contacts.subscriptions', 'u.subscriptions')}, updated_at = ?2
   FROM (SELECT json_extract(value, '$.id') AS id, json_extract(value, '$.name') AS name, json_extract(value, '$.email') AS email,
                json_extract(value, '$.phone') AS phone, json_extract(value, '$.language') AS language, json_extract(value, '$.country') AS country,
                json_extract(value, '$.city') AS city, json_extract(value, '$.tags') AS tags, json_extract(value, '$.attributes') AS attributes,
                json_extract(value, '$.subscriptions') AS subscriptions FROM json_each(?3)) AS u
   WHERE +contacts.workspace_id = ?1 AND contacts.id = u.id`;

export interface ImportJob {
  kind: 'contact-import';
  importId: string;
  workspaceId: string;
  offset: number;
}

const FIXED_TARGETS = ['name', 'email', 'phone', 'tags', 'language', 'country', 'city', 'skip'] as const;
const ATTRIBUTE_KEY = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;

/** Whether a mapping target is one the importer knows; null when it is, else why not. */
export function targetProblem(target: string): string | null {
  if ((FIXED_TARGETS as readonly string[]).includes(target)) return null;
  if (target.startsWith('attributes.')) return ATTRIBUTE_KEY.test(target.slice(11)) ? null : 'attribute keys are letters, digits, _ and - (at most 64)';
  if (target.startsWith('identity.')) return /^[a-z][a-z0-9_-]{0,39}$/.test(target.slice(9)) ? null : 'identity.<channel> names a channel such as whatsapp';
  if (target.startsWith('subscribed.')) return (SUBSCRIPTION_CHANNELS as readonly string[]).includes(target.slice(11)) ? null : `subscriptions are ${SUBSCRIPTION_CHANNELS.join(', ')}`;
  return `must be one of ${[...FIXED_TARGETS, 'attributes.<key>', 'identity.<channel>', 'subscribed.<channel>'].join(', ')}`;
}

/** The mapping in effect: given entries, and columns named like a field map to it when no mapping names them. */
export function effectiveMapping(columns: string[], given: Record<string, string> | undefined): { mapping: Record<string, string>; errors: { field: string; message: string }[] } {
  const errors: { field: string; message: string }[] = [];
  const mapping: Record<string, string> = {};
  if (given) {
    for (const [col, target] of Object.entries(given)) {
      if (!columns.includes(col)) errors.push({ field: `mapping.${col}`, message: `no such column in the file's header (${columns.slice(0, 20).join(', ')})` });
      else if (targetProblem(target)) errors.push({ field: `mapping.${col}`, message: targetProblem(target)! });
      else mapping[col] = target;
    }
  } else {
    for (const col of columns) {
      const t = col.trim().toLowerCase();
      if ((FIXED_TARGETS as readonly string[]).includes(t) && t !== 'skip') mapping[col] = t;
    }
  }
  const targets = Object.values(mapping).filter((t) => t !== 'skip' && t !== 'tags' && !t.startsWith('attributes.'));
  const twice = targets.find((t, i) => targets.indexOf(t) !== i);
  if (twice) errors.push({ field: 'mapping', message: `two columns map to ${twice}` });
  if (!errors.length && !Object.values(mapping).some((t) => t === 'name' || t === 'email' || t === 'phone' || t.startsWith('identity.'))) {
    errors.push({ field: 'mapping', message: 'map at least one of name, email, phone or identity.<channel>' });
  }
  return { mapping, errors };
}

export interface ImportedContact {
  name: string | null;
  email: string | null;
  phone: string | null;
  language: string | null;
  country: string | null;
  city: string | null;
  tags: string[];
  attributes: Record<string, string | number | boolean>;
  identities: { channel: string; externalId: string }[];
  subscriptions: Record<string, 'subscribed' | 'unsubscribed'>;
}

export interface RowError {
  row: number;
  column: string;
  reason: string;
}

const Phone = v.pipe(v.string(), v.regex(/^\+?[\d\s().-]{5,25}$/, 'is not a phone number'));
const Language = v.pipe(v.string(), v.toLowerCase(), v.regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/, 'is not a language tag such as en or pt-br'));
const Country = v.pipe(v.string(), v.toUpperCase(), v.regex(/^[A-Z]{2}$/, 'is not an ISO 3166 two-letter country code'));
const YES = new Set(['subscribed', 'yes', 'true', '1', 'y', 'opted in', 'opt-in']);
const NO = new Set(['unsubscribed', 'no', 'false', '0', 'n', 'opted out', 'opt-out']);

/** Attribute cells: numbers and booleans as such, everything else text. */
function attributeValue(s: string): string | number | boolean {
  if (/^-?\d{1,15}(\.\d+)?$/.test(s)) return Number(s);
  if (s === 'true' || s === 'false') return s === 'true';
  return s;
}

/** One CSV record → a contact, or the reasons it cannot be one. Empty cells set nothing. Pure. */
export function rowToContact(cells: string[], columns: string[], mapping: Record<string, string>, row: number): { contact: ImportedContact } | { errors: RowError[] } {
  const out: ImportedContact = { name: null, email: null, phone: null, language: null, country: null, city: null, tags: [], attributes: {}, identities: [], subscriptions: {} };
  const errors: RowError[] = [];
  if (cells.length !== columns.length && !(cells.length === 1 && cells[0] === '')) {
    errors.push({ row, column: '', reason: `has ${cells.length} fields where the header has ${columns.length}` });
    return { errors };
  }
  columns.forEach((column, i) => {
    const target = mapping[column];
    const raw = (cells[i] ?? '').trim();
    if (!target || target === 'skip' || raw === '') return;
    const fail = (reason: string) => errors.push({ row, column, reason });
    const check = <S extends v.GenericSchema<string, string>>(schema: S, value: string): string | null => {
      const r = v.safeParse(schema, value);
      if (r.success) return r.output;
      fail(`${JSON.stringify(value.slice(0, 60))} ${r.issues[0].message.replace(/^must be/, 'is not')}`);
      return null;
    };
    if (raw.length > 1000) return fail('is longer than 1000 characters');
    if (target === 'name') out.name = raw.slice(0, 200);
    else if (target === 'email') out.email = check(Email, raw);
    else if (target === 'phone') {
      const p = check(Phone, raw);
      out.phone = p === null ? null : normalizePhone(p);
    } else if (target === 'language') out.language = check(Language, raw);
    else if (target === 'country') out.country = check(Country, raw);
    else if (target === 'city') out.city = raw.slice(0, 100);
    else if (target === 'tags') {
      const tags = raw.split(/[;,|]/).map((t) => t.trim()).filter(Boolean);
      for (const t of tags) if (!v.safeParse(TagName, t).success) return fail(`tag ${JSON.stringify(t.slice(0, 60))} is longer than 50 characters`);
      out.tags = normalizeTags([...out.tags, ...tags]);
      if (out.tags.length > 50) fail('at most 50 tags per contact');
    } else if (target.startsWith('attributes.')) out.attributes[target.slice(11)] = attributeValue(raw);
    else if (target.startsWith('identity.')) out.identities.push({ channel: target.slice(9), externalId: raw.slice(0, 300) });
    else if (target.startsWith('subscribed.')) {
      const s = raw.toLowerCase();
      if (YES.has(s)) out.subscriptions[target.slice(11)] = 'subscribed';
      else if (NO.has(s)) out.subscriptions[target.slice(11)] = 'unsubscribed';
      else fail(`${JSON.stringify(raw.slice(0, 60))} is not subscribed/unsubscribed (or yes/no)`);
    }
  });
  if (errors.length) return { errors };
  if (!out.name && !out.email && !out.phone && out.identities.length === 0) return { errors: [{ row, column: '', reason: 'has no name, e-mail, phone or identity' }] };
  return { contact: out };
}

/** The header record and where the data starts (bytes), BOM skipped. Throws a message for an unusable file. */
export function readHeader(bytes: Uint8Array): { columns: string[]; dataOffset: number } {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const head = new TextDecoder().decode(bytes.subarray(bom, bom + 64 * 1024));
  let columns: string[] | null = null;
  let cursor = 0;
  Papa.parse<string[]>(head, {
    step: (r, parser) => {
      columns = r.data.map((c) => c.trim());
      cursor = r.meta.cursor;
      parser.abort();
    },
  });
  const cols = columns as string[] | null;
  if (!cols || cols.every((c) => c === '')) throw new Error('the file has no header row');
  if (cols.length > 200) throw new Error('at most 200 columns');
  const seen = new Set<string>();
  for (const c of cols) {
    if (c !== '' && seen.has(c)) throw new Error(`the column ${JSON.stringify(c)} appears twice in the header`);
    seen.add(c);
  }
  if (cursor >= head.length && bom + new TextEncoder().encode(head).length >= 64 * 1024) throw new Error('the header row is longer than 64 KB');
  return { columns: cols, dataOffset: bom + new TextEncoder().encode(head.slice(0, cursor)).length };
}

/** Where an upload is stored: the import's id and its R2 key (the route streams the body there first). */
export function newImportUpload(workspaceId: string): { id: string; key: string } {
  const id = newId('imp');
  return { id, key: `imports/${workspaceId}/${id}.upload` };
}

/**
 * Records the import of the CSV at bytes [start, end) of the stored upload and queues its first chunk.
 * The caller has streamed the upload to R2 and checked the header and mapping (readHeader, effectiveMapping).
 */
export async function startImport(
  env: Pick<Env, 'DB' | 'CONTACT_IMPORTS'>,
  input: { id: string; key: string; workspaceId: string; userId: string; start: number; end: number; columns: string[]; dataOffset: number; mapping: Record<string, string> },
): Promise<string> {
  const now = Date.now();
  const offset = input.start + input.dataOffset;
  // file_size is where the CSV ends in the object (a multipart body goes on past it).
  await env.DB.prepare(
    `INSERT INTO contact_imports (id, workspace_id, created_by, file_key, file_size, mapping, columns, status, next_offset, next_row, total, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, 2, NULL, ?, ?)`,
  )
    .bind(input.id, input.workspaceId, input.userId, input.key, input.end, JSON.stringify(input.mapping), JSON.stringify(input.columns), offset, now, now)
    .run();
  await env.CONTACT_IMPORTS.send({ kind: 'contact-import', importId: input.id, workspaceId: input.workspaceId, offset } satisfies ImportJob);
  return input.id;
}

interface ImportRow {
  id: string;
  workspace_id: string;
  file_key: string;
  file_size: number;
  mapping: string;
  columns: string;
  status: string;
  next_offset: number;
  next_row: number;
  processed: number;
  lease_until: number | null;
}

type Existing = { id: string; email: string | null; phone: string | null; tags: string; subscriptions?: string | null };

/**
 * Works one chunk of an import. 'skipped': not this message's turn (already done, or another delivery
 * holds the lease: 'busy'). The caller sends `next` when there is one.
 */
export async function processImportChunk(env: Pick<Env, 'DB' | 'FILES'>, job: ImportJob, now = Date.now()): Promise<{ outcome: 'done' | 'more' | 'skipped' | 'busy'; next?: ImportJob }> {
  const db = env.DB;
  const claim = await db
    .prepare(
      `UPDATE contact_imports SET status = 'running', lease_until = ?1, updated_at = ?2 WHERE id = ?3 AND workspace_id = ?4 AND next_offset = ?5
         AND status IN ('queued', 'running') AND (lease_until IS NULL OR lease_until < ?2) RETURNING *`,
    )
    .bind(now + LEASE_MS, now, job.importId, job.workspaceId, job.offset)
    .first<ImportRow>();
  if (!claim) {
    const row = await db.prepare(`SELECT * FROM contact_imports WHERE id = ? AND workspace_id = ?`).bind(job.importId, job.workspaceId).first<ImportRow>();
    if (!row || row.status === 'done' || row.status === 'failed') return { outcome: 'skipped' };
    if (row.lease_until !== null && row.lease_until >= now) return { outcome: 'busy' };
    // This chunk committed but the message for the next one was lost: send it again (the lease makes a duplicate harmless).
    if (row.next_offset > job.offset) return { outcome: 'skipped', next: { ...job, offset: row.next_offset } };
    return { outcome: 'skipped' };
  }

  const columns = JSON.parse(claim.columns) as string[];
  const mapping = JSON.parse(claim.mapping) as Record<string, string>;
  const end = Math.min(claim.file_size, job.offset + CHUNK_BYTES);
  const atEof = end >= claim.file_size;
  const object = end > job.offset ? await env.FILES.get(claim.file_key, { range: { offset: job.offset, length: end - job.offset } }) : null;
  if (end > job.offset && !object) return fail(db, claim, now, 'the uploaded file is gone from storage');
  const text = object ? await object.text() : '';

  // Whole records only: the last one of a range that does not reach the end may be cut, so it waits for the next chunk.
  const records: { cells: string[]; end: number }[] = [];
  Papa.parse<string[]>(text, {
    step: (r, parser) => {
      records.push({ cells: r.data, end: r.meta.cursor });
      if (records.length > CHUNK_ROWS) parser.abort();
    },
  });
  if (!atEof || records.length > CHUNK_ROWS) records.pop();
  if (records.length === 0 && !atEof) return fail(db, claim, now, `row ${claim.next_row} is longer than ${CHUNK_BYTES} bytes`);
  const consumed = records.length ? new TextEncoder().encode(text.slice(0, records[records.length - 1].end)).length : end - job.offset;
  const nextOffset = job.offset + consumed;
  const done = nextOffset >= claim.file_size;

  const errors: RowError[] = [];
  const good: { row: number; contact: ImportedContact }[] = [];
  let row = claim.next_row;
  for (const rec of records) {
    const isBlank = rec.cells.length === 1 && rec.cells[0].trim() === '';
    if (!isBlank) {
      const r = rowToContact(rec.cells, columns, mapping, row);
      if ('errors' in r) errors.push(...r.errors);
      else good.push({ row, contact: r.contact });
    }
    row++;
  }

  // Existing contacts by every key in the chunk: three reads whatever the chunk size (keys travel as one JSON value).
  const emails = [...new Set(good.map((g) => g.contact.email).filter((x): x is string => !!x))];
  const phones = [...new Set(good.map((g) => g.contact.phone).filter((x): x is string => !!x))];
  const idents = good.flatMap((g) => g.contact.identities.map((i) => `${i.channel}\u0000${i.externalId}`));
  const lookups: [kind: 'e' | 'p' | 'i', keys: unknown[], sql: string][] = [
    ['i', [...new Set(idents)].map((k) => k.split('\u0000')), LOOKUP_SQL.identity],
    ['e', emails, LOOKUP_SQL.email],
    ['p', phones, LOOKUP_SQL.phone],
  ];
  const wanted = lookups.filter(([, keys]) => keys.length > 0);
  const found = wanted.length ? await db.batch<Record<string, unknown>>(wanted.map(([, keys, sql]) => db.prepare(sql).bind(job.workspaceId, JSON.stringify(keys)))) : [];
  const known = new Map<string, Existing & { inserted?: boolean }>();
  const keyed = (rows: Record<string, unknown>[], key: (r: Record<string, unknown>) => string) => {
    for (const r of rows) if (!known.has(key(r))) known.set(key(r), r as unknown as Existing);
  };
  // Per kind of key, the oldest contact holding it (keysOf then tries identity, e-mail, phone in that order).
  wanted.forEach(([kind], i) => keyed(found[i].results, (r) => `${kind}:${String(r.k)}`));

  const inserts = new Map<string, Record<string, unknown>>();
  const updates = new Map<string, Record<string, unknown>>();
  const identities: Record<string, unknown>[] = [];
  const keysOf = (c: ImportedContact) => [...c.identities.map((i) => `i:${i.channel}\u0000${i.externalId}`), ...(c.email ? [`e:${c.email}`] : []), ...(c.phone ? [`p:${c.phone}`] : [])];
  const subs = (c: ImportedContact) => Object.fromEntries(Object.entries(c.subscriptions).map(([ch, status]) => [ch, { status, source: 'import', changedAt: now }]));
  for (const { row: at, contact: c } of good) {
    const keys = keysOf(c);
    const match = keys.map((k) => known.get(k)).find(Boolean);
    // A customer's own opt-out is theirs to take back: the row is refused, naming the column, rather than half applied.
    const conflict = match && !match.inserted ? customerOptOutConflict(match.subscriptions, c.subscriptions) : null;
    if (conflict) {
      errors.push({ row: at, column: Object.keys(mapping).find((col) => mapping[col] === `subscribed.${conflict.channel}`) ?? '', reason: conflict.reason });
      continue;
    }
    if (match && inserts.has(match.id)) {
      // The same person twice in this chunk: the later row adds to the contact the earlier one creates.
      const ins = inserts.get(match.id)!;
      for (const k of ['name', 'email', 'phone', 'language', 'country', 'city'] as const) if (c[k]) ins[k] = c[k];
      ins.tags = normalizeTags([...(ins.tags as string[]), ...c.tags]);
      ins.attributes = { ...(ins.attributes as object), ...c.attributes };
      ins.subscriptions = { ...(ins.subscriptions as object), ...subs(c) };
    } else if (match) {
      const prev = updates.get(match.id);
      const tags = normalizeTags([...(prev ? (prev.tags as string[]) : (JSON.parse(match.tags) as string[])), ...c.tags]);
      updates.set(match.id, {
        ...prev,
        id: match.id,
        ...Object.fromEntries((['name', 'email', 'phone', 'language', 'country', 'city'] as const).filter((k) => c[k]).map((k) => [k, c[k]])),
        tags,
        attributes: { ...((prev?.attributes as object) ?? {}), ...c.attributes },
        subscriptions: { ...((prev?.subscriptions as object) ?? {}), ...subs(c) },
      });
    } else {
      const id = newId('ct', now);
      inserts.set(id, { id, name: c.name, email: c.email, phone: c.phone, language: c.language, country: c.country, city: c.city, tags: c.tags, attributes: c.attributes, subscriptions: subs(c) });
      const entry = { id, email: c.email, phone: c.phone, tags: '[]', inserted: true };
      for (const k of keys) if (!known.has(k)) known.set(k, entry);
    }
    const owner = match?.id ?? [...inserts.keys()].pop()!;
    for (const i of c.identities) {
      if (known.get(`i:${i.channel}\u0000${i.externalId}`)?.id === owner || !known.has(`i:${i.channel}\u0000${i.externalId}`)) identities.push({ id: newId('cid', now), contact: owner, channel: i.channel, external: i.externalId });
      known.set(`i:${i.channel}\u0000${i.externalId}`, known.get(`i:${i.channel}\u0000${i.externalId}`) ?? { id: owner, email: null, phone: null, tags: '[]' });
    }
  }

  const stmts: D1PreparedStatement[] = [];
  for (const part of chunks([...inserts.values()], ROWS_PER_STATEMENT)) {
    stmts.push(
      db
        .prepare(
          `INSERT INTO contacts (id, workspace_id, name, email, phone, language, country, city, tags, attributes, subscriptions, created_at, updated_at)
           SELECT json_extract(value, '$.id'), ?1, json_extract(value, '$.name'), json_extract(value, '$.email'), json_extract(value, '$.phone'),
                  json_extract(value, '$.language'), json_extract(value, '$.country'), json_extract(value, '$.city'),
                  json_extract(value, '$.tags'), json_extract(value, '$.attributes'), json_extract(value, '$.subscriptions'), ?2, ?2
           FROM json_each(?3)`,
        )
        .bind(job.workspaceId, now, JSON.stringify(part)),
    );
  }
  for (const part of chunks([...updates.values()], ROWS_PER_STATEMENT)) {
    stmts.push(
      db
        .prepare(UPDATE_SQL)
        .bind(job.workspaceId, now, JSON.stringify(part)),
    );
  }
  for (const part of chunks(identities, ROWS_PER_STATEMENT)) {
    stmts.push(
      db
        .prepare(
          `INSERT OR IGNORE INTO contact_identities (id, workspace_id, contact_id, channel, external_id, created_at)
           SELECT json_extract(value, '$.id'), ?1, json_extract(value, '$.contact'), json_extract(value, '$.channel'), json_extract(value, '$.external'), ?2 FROM json_each(?3)`,
        )
        .bind(job.workspaceId, now, JSON.stringify(part)),
    );
  }
  for (const part of chunks(errors, ROWS_PER_STATEMENT)) {
    stmts.push(
      db
        .prepare(`INSERT OR IGNORE INTO contact_import_errors (import_id, row, "column", reason) SELECT ?1, json_extract(value, '$.row'), json_extract(value, '$.column'), json_extract(value, '$.reason') FROM json_each(?2)`)
        .bind(job.importId, JSON.stringify(part)),
    );
  }
  const failedRows = new Set(errors.map((e) => e.row)).size;
  // Progress before the end: the rows left estimated at this chunk's bytes per row (the file is never read whole for a count).
  const remainingRows = done || records.length === 0 ? 0 : Math.round(((claim.file_size - nextOffset) * records.length) / Math.max(1, consumed));
  const processed = records.filter((r) => !(r.cells.length === 1 && r.cells[0].trim() === '')).length;
  stmts.push(
    db
      .prepare(
        `UPDATE contact_imports SET next_offset = ?1, next_row = ?2, processed = processed + ?3, created = created + ?4, updated = updated + ?5, failed = failed + ?6,
           status = ?7, total = CASE WHEN ?7 = 'done' THEN processed + ?3 ELSE processed + ?3 + ?11 END, lease_until = NULL, updated_at = ?8, finished_at = ?9
         WHERE id = ?10`,
      )
      .bind(nextOffset, row, processed, inserts.size, updates.size, failedRows, done ? 'done' : 'running', now, done ? now : null, job.importId, remainingRows),
  );
  // The chunk's key first: if another delivery already committed this chunk (its lease ran out while this
  // one worked, or the other way round), the key exists, the batch fails as a whole and nothing is written twice.
  stmts.unshift(db.prepare(`INSERT INTO contact_import_chunks (import_id, "offset", committed_at) VALUES (?, ?, ?)`).bind(job.importId, job.offset, now));
  try {
    await db.batch(stmts);
  } catch (e) {
    if (!/UNIQUE constraint failed: contact_import_chunks/.test(String((e as Error)?.message ?? e))) throw e;
    const row = await db.prepare(`SELECT next_offset FROM contact_imports WHERE id = ?`).bind(job.importId).first<{ next_offset: number }>();
    return row && row.next_offset > job.offset ? { outcome: 'skipped', next: { ...job, offset: row.next_offset } } : { outcome: 'skipped' };
  }
  if (done) await env.FILES.delete(claim.file_key).catch(() => undefined);
  return done ? { outcome: 'done' } : { outcome: 'more', next: { ...job, offset: nextOffset } };
}

async function fail(db: D1Database, row: ImportRow, now: number, error: string) {
  await db.prepare(`UPDATE contact_imports SET status = 'failed', error = ?, lease_until = NULL, updated_at = ?, finished_at = ? WHERE id = ?`).bind(error, now, now, row.id).run();
  return { outcome: 'done' as const };
}

function chunks<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** Below the consumer's max_retries (wrangler.toml): the import is marked failed before the message would go to dead letters. */
const MAX_ATTEMPTS = 10;

async function nextRow(db: D1Database, job: ImportJob): Promise<number | string> {
  return (await db.prepare(`SELECT next_row FROM contact_imports WHERE id = ?`).bind(job.importId).first<number>('next_row').catch(() => null)) ?? '?';
}

/** The queue's consumer: one chunk per message, then the next chunk's message. */
export async function consumeContactImports(batch: MessageBatch<ImportJob>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
    const job = msg.body;
    if (job?.kind !== 'contact-import') {
      msg.ack();
      continue;
    }
    try {
      const r = await processImportChunk(env, job);
      if (r.outcome === 'busy') {
        msg.retry({ delaySeconds: 30 });
        continue;
      }
      if (r.next) await env.CONTACT_IMPORTS.send(r.next);
      msg.ack();
    } catch (e) {
      console.error('contact import chunk failed', job.importId, job.offset, e);
      if (msg.attempts >= MAX_ATTEMPTS) {
        // Out of retries: the import says so (its progress stays as committed) rather than running forever.
        const reason = `stopped at row ${await nextRow(env.DB, job)} after ${msg.attempts} attempts: ${String((e as Error)?.message ?? e).slice(0, 500)}`;
        await env.DB.prepare(`UPDATE contact_imports SET status = 'failed', error = ?, lease_until = NULL, finished_at = ?, updated_at = ? WHERE id = ? AND status IN ('queued', 'running')`)
          .bind(reason, Date.now(), Date.now(), job.importId)
          .run()
          .then(() => msg.ack(), () => msg.retry());
        continue;
      }
      // Release the lease so the retry is not refused as busy.
      await env.DB.prepare(`UPDATE contact_imports SET lease_until = NULL WHERE id = ? AND next_offset = ?`).bind(job.importId, job.offset).run().catch(() => undefined);
      msg.retry({ delaySeconds: Math.min(300, 5 * 2 ** msg.attempts) });
    }
  }
}
