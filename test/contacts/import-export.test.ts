// CSV import through the real contact-imports queue (R2 file, chunked consumer, D1 batches): good and
// bad rows, dedupe updating existing contacts, multi-chunk files, redelivery; and the streamed export
// parsed back.
import { env, SELF } from 'cloudflare:test';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, CHUNK_ROWS, LOOKUP_SQL, processImportChunk, rowToContact, UPDATE_SQL } from '../../worker/contacts/import';
import { formLayout, WINDOW } from '../../worker/contacts/upload';
import { BASE, addMember, call, createContact, eventually, expectProblem, newWorkspace, type Workspace } from '../helpers';

async function importCsv(ws: Workspace, csv: string, mapping?: Record<string, string>, how: 'multipart' | 'text' = 'multipart') {
  if (how === 'text') {
    return call('POST', `/api/contacts/import${mapping ? `?mapping=${encodeURIComponent(JSON.stringify(mapping))}` : ''}`, { token: ws.token, body: csv, headers: { 'content-type': 'text/csv' } });
  }
  const form = new FormData();
  form.set('file', new File([csv], 'contacts.csv', { type: 'text/csv' }));
  if (mapping) form.set('mapping', JSON.stringify(mapping));
  const res = await SELF.fetch(`${BASE}/api/contacts/import`, { method: 'POST', headers: { authorization: `Bearer ${ws.token}` }, body: form });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

async function finished(ws: Workspace, id: string, timeoutMs = 20_000) {
  return eventually(async () => {
    const r = await call('GET', `/api/contacts/imports/${id}`, { token: ws.token });
    return r.body.status === 'done' || r.body.status === 'failed' ? r.body : null;
  }, timeoutMs);
}

const byEmail = (ws: Workspace, email: string) => env.DB.prepare(`SELECT * FROM contacts WHERE workspace_id = ? AND email = ?`).bind(ws.workspaceId, email).all<Record<string, any>>();

describe('rows to contacts (pure)', () => {
  const cols = ['Name', 'E-mail', 'Tel', 'Labels', 'Plan', 'WA', 'SMS ok'];
  const map = { Name: 'name', 'E-mail': 'email', Tel: 'phone', Labels: 'tags', Plan: 'attributes.plan', WA: 'identity.whatsapp', 'SMS ok': 'subscribed.sms' };
  it('maps, normalizes, splits tags, types attributes', () => {
    expect(rowToContact(['Ada', ' ADA@x.io ', '+44 20 7946 0000', 'VIP; beta|vip', '12', '4477', 'yes'], cols, map, 2)).toEqual({
      contact: expect.objectContaining({ name: 'Ada', email: 'ada@x.io', phone: '+442079460000', tags: ['beta', 'vip'], attributes: { plan: 12 }, identities: [{ channel: 'whatsapp', externalId: '4477' }], subscriptions: { sms: 'subscribed' } }),
    });
  });
  it('names the column and reason of each bad cell', () => {
    expect(rowToContact(['Bo', 'not-mail', 'call me', '', '', '', 'perhaps'], cols, map, 7)).toEqual({
      errors: [
        { row: 7, column: 'E-mail', reason: expect.stringMatching(/"not-mail" is not an e-mail address/) },
        { row: 7, column: 'Tel', reason: expect.stringMatching(/is not a phone number/) },
        { row: 7, column: 'SMS ok', reason: expect.stringMatching(/subscribed\/unsubscribed/) },
      ],
    });
    expect(rowToContact(['a', 'b'], cols, map, 3)).toEqual({ errors: [{ row: 3, column: '', reason: 'has 2 fields where the header has 7' }] });
    expect(rowToContact(['', '', '', 'vip', '', '', ''], cols, map, 4)).toEqual({ errors: [{ row: 4, column: '', reason: 'has no name, e-mail, phone or identity' }] });
  });
});

describe('the CSV inside a multipart upload, from two windows (pure)', () => {
  const enc = new TextEncoder();
  const body = (csv: string) =>
    enc.encode(['--XyZ', 'Content-Disposition: form-data; name="note"', '', 'before', '--XyZ', 'Content-Disposition: form-data; name="file"; filename="c.csv"', 'Content-Type: text/csv', '', csv, '--XyZ', 'Content-Disposition: form-data; name="mapping"', '', '{"a":"name"}', '--XyZ--', ''].join('\r\n'));
  it('finds the file part and the fields around it, whole or through head and tail only', () => {
    const small = body('a\r\nAda\r\n');
    const text = new TextDecoder().decode(small);
    const l = formLayout([{ start: 0, bytes: small }], 'XyZ', small.length);
    expect(new TextDecoder().decode(small.subarray(l.file!.start, l.file!.end))).toBe('a\r\nAda\r\n');
    expect(l.fields).toEqual({ note: 'before', mapping: '{"a":"name"}' });
    expect(text.length).toBe(small.length);
    const big = body(`a\n${'x'.repeat(3 * WINDOW)}\n`);
    const seen = formLayout([{ start: 0, bytes: big.subarray(0, WINDOW) }, { start: big.length - WINDOW, bytes: big.subarray(big.length - WINDOW) }], 'XyZ', big.length);
    expect(seen.fields.mapping).toBe('{"a":"name"}');
    expect(seen.file!.end - seen.file!.start).toBe(3 * WINDOW + 3);
    expect(() => formLayout([{ start: 0, bytes: enc.encode('nothing here') }], 'XyZ', 12)).toThrow(/not a readable multipart/);
  });
});

describe('POST /api/contacts/import', () => {
  it('streams the upload: a large multipart file with its mapping after it imports whole; a body of unknown length is refused', async () => {
    const ws = await newWorkspace('Import stream');
    const n = 3000;
    const lines = ['Who,Mail,Filler'];
    for (let i = 0; i < n; i++) lines.push(`Person ${i},s${i}@stream.io,${'y'.repeat(200)}`);
    const csv = lines.join('\n');
    expect(csv.length).toBeGreaterThan(2 * WINDOW);
    const res = await importCsv(ws, csv, { Who: 'name', Mail: 'email', Filler: 'skip' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(await finished(ws, res.body.id, 60_000)).toMatchObject({ status: 'done', processed: n, created: n, failed: 0 });
    expect(await env.DB.prepare(`SELECT count(*) AS n FROM contacts WHERE workspace_id = ? AND email LIKE '%@stream.io'`).bind(ws.workspaceId).first('n')).toBe(n);
    // Chunked, without a Content-Length: R2 takes a stream of known length only, and nothing is buffered to learn it.
    const stream = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('name\nAda\n')), c.close()) });
    const chunked = await SELF.fetch(`${BASE}/api/contacts/import`, { method: 'POST', headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'text/csv' }, body: stream });
    expect(chunked.status).toBe(411);
    expect(chunked.headers.get('content-type')).toContain('application/problem+json');
    expect(((await chunked.json()) as any).errors[0].field).toBe('Content-Length');
  }, 90_000);

  it('imports good rows, reports bad ones by row and column, and dedupes onto existing contacts', async () => {
    const ws = await newWorkspace('Import');
    const existing = await createContact(ws, { name: 'Old Name', email: 'grace@navy.mil', tags: ['admiral'], attributes: { rank: 'rear admiral', keep: 'me' } });
    const byPhone = await createContact(ws, { name: 'Phone Person', phone: '+1 202 555 0100' });
    const csv = [
      'Full name,Email,Phone,Tags,Rank,Country,Lang,Notes',
      'Grace Hopper,GRACE@navy.mil,,"cobol, navy",Rear Admiral,us,en,',
      'Alan Turing,alan@bletchley.uk,+44 1908 640404,enigma,,GB,en-GB,"Line one',
      'line two, with comma"',
      'Broken Mail,broken@,,,,,,',
      ',,,vip,,,,no identity',
      'Dialer,,+1 (202) 555-0100,caller,,FR,fr,',
      'Bad Country,bc@x.io,,,,France,,',
      '',
      'Alan Again,alan@bletchley.uk,,crypto,,,,dup in file',
    ].join('\r\n');
    const mapping = { 'Full name': 'name', Email: 'email', Phone: 'phone', Tags: 'tags', Rank: 'attributes.rank', Country: 'country', Lang: 'language', Notes: 'attributes.notes' };
    const res = await importCsv(ws, csv, mapping);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.id).toMatch(/^imp_/);
    const done = await finished(ws, res.body.id);
    expect(done).toMatchObject({ status: 'done', total: 7, processed: 7, created: 1, updated: 2, failed: 3 });
    expect(done.errors).toEqual([
      // Row numbers count the header as row 1 and a quoted multi-line cell as one row, like a spreadsheet.
      { row: 4, column: 'Email', reason: expect.stringContaining('is not an e-mail address') },
      { row: 5, column: null, reason: 'has no name, e-mail, phone or identity' },
      { row: 7, column: 'Country', reason: expect.stringContaining('ISO 3166') },
    ]);

    const grace = (await byEmail(ws, 'grace@navy.mil')).results;
    expect(grace).toHaveLength(1);
    expect(grace[0].id).toBe(existing.id);
    expect(JSON.parse(grace[0].tags)).toEqual(['admiral', 'cobol', 'navy']);
    expect(JSON.parse(grace[0].attributes)).toEqual({ rank: 'Rear Admiral', keep: 'me' });
    expect(grace[0]).toMatchObject({ name: 'Grace Hopper', country: 'US', language: 'en' });

    const alan = (await byEmail(ws, 'alan@bletchley.uk')).results;
    expect(alan).toHaveLength(1);
    expect(alan[0]).toMatchObject({ name: 'Alan Again', phone: '+441908640404', country: 'GB', language: 'en-gb' });
    expect(JSON.parse(alan[0].tags)).toEqual(['crypto', 'enigma']);
    expect(JSON.parse(alan[0].attributes)).toEqual({ notes: 'dup in file' });

    const dialer = await env.DB.prepare(`SELECT * FROM contacts WHERE id = ?`).bind(byPhone.id).first<Record<string, any>>();
    expect(dialer).toMatchObject({ name: 'Dialer', phone: '+12025550100', country: 'FR' });

    const errorsCsv = await SELF.fetch(`${BASE}/api/contacts/imports/${res.body.id}/errors.csv`, { headers: { authorization: `Bearer ${ws.token}` } });
    expect(errorsCsv.headers.get('content-type')).toContain('text/csv');
    const parsed = Papa.parse<string[]>((await errorsCsv.text()).trim()).data;
    expect(parsed[0]).toEqual(['row', 'column', 'reason']);
    expect(parsed.slice(1).map((r) => [r[0], r[1]])).toEqual([['4', 'Email'], ['5', ''], ['7', 'Country']]);
  });

  it("cannot subscribe a contact who opted out themselves: that row is an error naming the column, the rest import", async () => {
    const ws = await newWorkspace('Import opt-out');
    const stopped = await createContact(ws, { name: 'Stopped', email: 'stop@x.io', subscriptions: { sms: 'subscribed' } });
    await env.DB.prepare(`UPDATE contacts SET subscriptions = json_set(subscriptions, '$.sms', json_object('status', 'unsubscribed', 'source', 'sms_keyword', 'changedAt', 5)) WHERE id = ?`).bind(stopped.id).run();
    const agentOff = await createContact(ws, { name: 'Agent off', email: 'agent@x.io', subscriptions: { sms: 'unsubscribed' } });
    const csv = ['Name,Email,SMS', 'Renamed,stop@x.io,yes', 'Agent On,agent@x.io,yes', 'Same Word,stop@x.io,no'].join('\n');
    const res = await importCsv(ws, csv, { Name: 'name', Email: 'email', SMS: 'subscribed.sms' });
    const done = await finished(ws, res.body.id);
    expect(done).toMatchObject({ status: 'done', processed: 3, updated: 2, failed: 1 });
    expect(done.errors).toEqual([{ row: 2, column: 'SMS', reason: expect.stringMatching(/unsubscribed from sms themselves \(by replying STOP.*only they can opt back in/) }]);
    const s = (await byEmail(ws, 'stop@x.io')).results[0];
    expect(s.name).toBe('Same Word'); // the refused row changed nothing; the later row that agrees applied
    expect(JSON.parse(s.subscriptions).sms).toEqual({ status: 'unsubscribed', source: 'sms_keyword', changedAt: 5 });
    const a = (await byEmail(ws, 'agent@x.io')).results[0];
    expect(a.id).toBe(agentOff.id);
    expect(JSON.parse(a.subscriptions).sms).toMatchObject({ status: 'subscribed', source: 'import' });
  });

  it('an identity that still names a merged-away contact updates the contact that survives (through a chain of merges)', async () => {
    const ws = await newWorkspace('Import merged');
    const a = await createContact(ws, { name: 'First' });
    const b = await createContact(ws, { name: 'Second' });
    const c = await createContact(ws, { name: 'Survivor' });
    // A merged into B, B into C; the identity row still names A (written for it after its merge moved the others).
    await env.DB.batch([
      env.DB.prepare(`UPDATE contacts SET merged_into = ? WHERE id = ?`).bind(b.id, a.id),
      env.DB.prepare(`UPDATE contacts SET merged_into = ? WHERE id = ?`).bind(c.id, b.id),
      env.DB.prepare(`INSERT INTO contact_identities (id, workspace_id, contact_id, channel, external_id) VALUES (?, ?, ?, 'whatsapp', '+4917000001')`).bind(`cid_m${ws.workspaceId.slice(-12)}`, ws.workspaceId, a.id),
    ]);
    const res = await importCsv(ws, 'who,wa,plan\nRenamed,+4917000001,gold\n', { who: 'name', wa: 'identity.whatsapp', plan: 'attributes.plan' }, 'text');
    expect(await finished(ws, res.body.id)).toMatchObject({ status: 'done', created: 0, updated: 1 });
    const rows = await env.DB.prepare(`SELECT id, name, attributes FROM contacts WHERE workspace_id = ? ORDER BY created_at`).bind(ws.workspaceId).all<any>();
    expect(rows.results.map((r) => [r.id, r.name, JSON.parse(r.attributes).plan ?? null])).toEqual([
      [a.id, 'First', null],
      [b.id, 'Second', null],
      [c.id, 'Renamed', 'gold'],
    ]);
  });

  it('takes a text/csv body, maps same-named columns without a mapping, and adds identities', async () => {
    const ws = await newWorkspace('Import text');
    const res = await importCsv(ws, '\ufeffname,email,phone,whatsapp\nZoe,zoe@x.io,,\n', undefined, 'text');
    expect(res.status).toBe(202);
    expect(res.body.mapping).toEqual({ name: 'name', email: 'email', phone: 'phone' });
    expect(await finished(ws, res.body.id)).toMatchObject({ status: 'done', created: 1, failed: 0 });
    const withIdentity = await importCsv(ws, 'name,wa\nZoe,+4915112345\n', { name: 'name', wa: 'identity.whatsapp' }, 'text');
    await finished(ws, withIdentity.body.id);
    const again = await importCsv(ws, 'who,wa,plan\nZoe W,+4915112345,gold\n', { who: 'name', wa: 'identity.whatsapp', plan: 'attributes.plan' }, 'text');
    expect(await finished(ws, again.body.id)).toMatchObject({ created: 0, updated: 1 });
    const row = await env.DB.prepare(`SELECT c.name, c.attributes FROM contact_identities ci JOIN contacts c ON c.id = ci.contact_id WHERE ci.workspace_id = ? AND ci.channel = 'whatsapp'`).bind(ws.workspaceId).all();
    expect(row.results).toEqual([{ name: 'Zoe W', attributes: '{"plan":"gold"}' }]);
  });

  it('works through a file of several chunks (cut by rows and by bytes), in order, each row once; a redelivered chunk is skipped', async () => {
    const ws = await newWorkspace('Import big');
    const n = CHUNK_ROWS * 3 - 50;
    // Two-byte characters, quotes and line breaks in a cell (~640 bytes a row). The first rows carry ~2.4 KB
    // more in a skipped column, so the first chunk ends on its byte budget inside a record (well before
    // CHUNK_ROWS); the rest are cut by CHUNK_ROWS.
    const note = 'é'.repeat(150) + ', "quoted"\nand a second line ' + 'x'.repeat(290);
    const longRows = Math.ceil((CHUNK_BYTES * 1.2) / 3000);
    expect(longRows).toBeLessThan(CHUNK_ROWS);
    const lines = ['email,name,tags,note,filler'];
    for (let i = 0; i < n; i++) lines.push(`p${i}@big.io,Person ${i},${i % 3 === 0 ? 'three' : 'other'},"${note.replace(/"/g, '""')}",${i < longRows ? 'f'.repeat(2400) : ''}`);
    const csv = lines.join('\n');
    expect(new TextEncoder().encode(csv).length).toBeGreaterThan(CHUNK_BYTES);
    const res = await importCsv(ws, csv, { email: 'email', name: 'name', tags: 'tags', note: 'attributes.note', filler: 'skip' }, 'text');
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const done = await finished(ws, res.body.id, 60_000);
    expect(done).toMatchObject({ status: 'done', total: n, processed: n, created: n, failed: 0 });
    const count = await env.DB.prepare(`SELECT count(*) AS n, count(DISTINCT email) AS d FROM contacts WHERE workspace_id = ?`).bind(ws.workspaceId).first();
    expect(count).toEqual({ n, d: n });
    expect(await env.DB.prepare(`SELECT count(*) AS n FROM contacts WHERE workspace_id = ? AND json_extract(attributes, '$.note') = ?`).bind(ws.workspaceId, note).first('n')).toBe(n);
    // CHUNK_ROWS alone would have made three chunks; the first, cut by bytes, is short, so there are four.
    expect(await env.DB.prepare(`SELECT count(*) AS n FROM contact_import_chunks WHERE import_id = ?`).bind(res.body.id).first('n')).toBe(4);
    const three = await call('POST', '/api/audiences/preview', { token: ws.token, body: { filter: { field: 'tags', op: 'has', value: 'three' } } });
    expect(three.body.count).toBe(Math.ceil(n / 3));
    // The first chunk's message again, after everything committed: nothing happens.
    const first = await env.DB.prepare(`SELECT workspace_id FROM contact_imports WHERE id = ?`).bind(res.body.id).first<string>('workspace_id');
    expect(await processImportChunk(env, { kind: 'contact-import', importId: res.body.id, workspaceId: first!, offset: 'email,name,tags,note,filler\n'.length })).toEqual({ outcome: 'skipped' });
    expect(await env.DB.prepare(`SELECT count(*) AS n FROM contacts WHERE workspace_id = ?`).bind(ws.workspaceId).first('n')).toBe(n);
  }, 90_000);

  it('a chunk commits at most CHUNK_ROWS rows, a few hundred (its one batch holds the database briefly); progress reads between chunks', async () => {
    // D1 runs one query at a time per database: a chunk's batch is a pause for every other request of the workspace.
    const ws = await newWorkspace('Import chunk size');
    const key = `imports/${ws.workspaceId}/size.csv`;
    const n = 1200;
    const csv = ['name,email', ...Array.from({ length: n }, (_, i) => `Person ${i},c${i}@size.io`)].join('\n');
    await env.FILES.put(key, csv);
    const now = Date.now();
    const id = `imp_size${ws.workspaceId.slice(-10)}`;
    await env.DB.prepare(
      `INSERT INTO contact_imports (id, workspace_id, file_key, file_size, mapping, columns, status, next_offset, next_row, created_at, updated_at)
       VALUES (?, ?, ?, ?, '{"name":"name","email":"email"}', '["name","email"]', 'queued', 11, 2, ?, ?)`,
    )
      .bind(id, ws.workspaceId, key, csv.length, now, now)
      .run();
    const contacts = async () => (await env.DB.prepare(`SELECT count(*) AS n FROM contacts WHERE workspace_id = ?`).bind(ws.workspaceId).first<number>('n')) ?? 0;
    let step = await processImportChunk(env, { kind: 'contact-import', importId: id, workspaceId: ws.workspaceId, offset: 11 }, now);
    expect(step.outcome).toBe('more');
    const first = await contacts();
    expect(first).toBe(CHUNK_ROWS);
    expect(first).toBeLessThanOrEqual(500);
    const progress = await call('GET', `/api/contacts/imports/${id}`, { token: ws.token });
    expect(progress.body).toMatchObject({ status: 'running', processed: first, created: first });
    expect(progress.body.total).toBeGreaterThan(first);
    let chunks = 1;
    while (step.next) {
      step = await processImportChunk(env, step.next, now);
      chunks++;
      // Each chunk adds at most CHUNK_ROWS contacts.
      expect(await contacts()).toBeLessThanOrEqual(chunks * CHUNK_ROWS);
    }
    expect(step.outcome).toBe('done');
    expect(chunks).toBe(Math.ceil(n / CHUNK_ROWS));
    expect(await contacts()).toBe(n);
    expect((await call('GET', `/api/contacts/imports/${id}`, { token: ws.token })).body).toMatchObject({ status: 'done', total: n, processed: n, created: n });
  });

  it("a chunk's statements look each of its keys up by an index: their cost follows the chunk, not the workspace", async () => {
    // SQLite on D1 has no statistics and guesses json_each at a few rows: a plain JOIN made it walk the
    // workspace's contacts and scan the chunk's keys for each (16 s per lookup at 100k contacts and 2,000 keys).
    const ws = await newWorkspace('Import plans');
    const plan = async (sql: string, ...params: unknown[]) => (await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>()).results.map((r) => r.detail);
    // A step on a stored table of the workspace that is not a lookup by a key: a walk of the workspace.
    const stored = /^(SCAN|SEARCH) (c|c0|ci|m|contacts|contact_identities)\b/;
    const byKey = /\((id=\?|workspace_id=\? AND (email|phone)=\?|workspace_id=\? AND channel=\? AND external_id=\?)\)$/;
    const cases: [string, string[]][] = [
      ['email', await plan(LOOKUP_SQL.email, ws.workspaceId, '["a@x.io"]')],
      ['phone', await plan(LOOKUP_SQL.phone, ws.workspaceId, '["+15550100"]')],
      ['identity', await plan(LOOKUP_SQL.identity, ws.workspaceId, '[["whatsapp","+15550100"]]')],
      ['update', await plan(UPDATE_SQL, ws.workspaceId, Date.now(), '[{"id":"ct_x"}]')],
    ];
    for (const [name, steps] of cases) {
      const tables = steps.filter((d) => stored.test(d));
      expect(tables.length, `${name}: ${steps.join(' | ')}`).toBeGreaterThan(0);
      expect(tables.filter((d) => !byKey.test(d)), `${name}: ${steps.join(' | ')}`).toEqual([]);
      // The keys are the outer loop: json_each comes before the first stored table.
      const keys = steps.findIndex((d) => /^SCAN (j|json_each)\b/.test(d));
      expect(keys, `${name}: ${steps.join(' | ')}`).toBeGreaterThanOrEqual(0);
      expect(keys, `${name}: ${steps.join(' | ')}`).toBeLessThan(steps.indexOf(tables[0]));
    }
  });

  it('a chunk whose lease ran out mid-commit, taken over by another delivery, commits once', async () => {
    const ws = await newWorkspace('Import twice');
    const key = `imports/${ws.workspaceId}/twice.csv`;
    const csv = 'name,email\nA,a@twice.io\nB,b@twice.io\n';
    await env.FILES.put(key, csv);
    const now = Date.now();
    const id = `imp_twice${ws.workspaceId.slice(-10)}`;
    await env.DB.prepare(
      `INSERT INTO contact_imports (id, workspace_id, file_key, file_size, mapping, columns, status, next_offset, next_row, created_at, updated_at)
       VALUES (?, ?, ?, ?, '{"name":"name","email":"email"}', '["name","email"]', 'queued', 11, 2, ?, ?)`,
    )
      .bind(id, ws.workspaceId, key, csv.length, now, now)
      .run();
    const job = { kind: 'contact-import' as const, importId: id, workspaceId: ws.workspaceId, offset: 11 };
    // Delivery B claimed the chunk once A's lease had run out, before A's commit landed: B saw the import as A left it.
    const before = await env.DB.prepare(`SELECT * FROM contact_imports WHERE id = ?`).bind(id).first<Record<string, unknown>>();
    expect(await processImportChunk(env, job, now)).toEqual({ outcome: 'done' });
    await env.FILES.put(key, csv); // A's finish removed the file; B had read it already
    await env.DB.prepare(`UPDATE contact_imports SET status = 'running', next_offset = 11, next_row = 2, processed = 0, created = 0, lease_until = ? WHERE id = ?`).bind(before!.lease_until, id).run();
    expect(await processImportChunk(env, job, now + 121_000)).toEqual({ outcome: 'skipped' });
    expect(await env.DB.prepare(`SELECT count(*) AS n FROM contacts WHERE workspace_id = ?`).bind(ws.workspaceId).first('n')).toBe(2);
  });

  it('a chunk another delivery holds is busy; a chunk whose next message was lost hands it on', async () => {
    const ws = await newWorkspace('Import lease');
    const key = `imports/${ws.workspaceId}/lease.csv`;
    await env.FILES.put(key, 'name\nA\nB\n');
    const now = Date.now();
    const insert = (id: string, nextOffset: number, leaseUntil: number | null) =>
      env.DB.prepare(
        `INSERT INTO contact_imports (id, workspace_id, file_key, file_size, mapping, columns, status, next_offset, next_row, lease_until, created_at, updated_at)
         VALUES (?, ?, ?, 9, '{"name":"name"}', '["name"]', 'running', ?, 2, ?, ?, ?)`,
      )
        .bind(id, ws.workspaceId, key, nextOffset, leaseUntil, now, now)
        .run();
    await insert('imp_leased', 5, now + 60_000);
    expect(await processImportChunk(env, { kind: 'contact-import', importId: 'imp_leased', workspaceId: ws.workspaceId, offset: 5 }, now)).toEqual({ outcome: 'busy' });
    // Once the lease has run out, the same message does the work.
    expect(await processImportChunk(env, { kind: 'contact-import', importId: 'imp_leased', workspaceId: ws.workspaceId, offset: 5 }, now + 61_000)).toEqual({ outcome: 'done' });
    expect(await env.DB.prepare(`SELECT count(*) AS n FROM contacts WHERE workspace_id = ?`).bind(ws.workspaceId).first('n')).toBe(2);

    await insert('imp_lost', 7, null);
    expect(await processImportChunk(env, { kind: 'contact-import', importId: 'imp_lost', workspaceId: ws.workspaceId, offset: 5 }, now)).toEqual({
      outcome: 'skipped',
      next: { kind: 'contact-import', importId: 'imp_lost', workspaceId: ws.workspaceId, offset: 7 },
    });
    // Another workspace's id for the import: nothing.
    expect(await processImportChunk(env, { kind: 'contact-import', importId: 'imp_lost', workspaceId: 'ws_other', offset: 7 }, now)).toEqual({ outcome: 'skipped' });
  });

  it('refuses what it cannot import, naming the field', async () => {
    const ws = await newWorkspace('Import bad');
    expectProblem(await importCsv(ws, 'name,email\nA,a@x.io\n', { nope: 'name' }), 400, 'mapping.nope');
    expectProblem(await importCsv(ws, 'name,email\nA,a@x.io\n', { name: 'shoe_size' }), 400, 'mapping.name');
    expectProblem(await importCsv(ws, 'name,email\nA,a@x.io\n', { name: 'attributes.bad key' }), 400, 'mapping.name');
    expectProblem(await importCsv(ws, 'plan\ngold\n'), 400, 'mapping');
    expectProblem(await importCsv(ws, 'a,a\n1,2\n'), 400, 'file');
    expectProblem(await importCsv(ws, '', undefined, 'text'), 400, 'file');
    expectProblem(await call('POST', '/api/contacts/import?mapping=%7Bx', { token: ws.token, body: 'name\nA\n', headers: { 'content-type': 'text/csv' } }), 400, 'mapping');
    expectProblem(await call('POST', '/api/contacts/import', { token: ws.token, body: { name: 'x' } }), 415);
  });

  it('is for managers; progress is per workspace', async () => {
    const ws = await newWorkspace('Import roles');
    const res = await importCsv(ws, 'name\nA\n');
    for (const role of ['staff', 'personal'] as const) {
      const m = await addMember(ws, role);
      expectProblem(await call('POST', '/api/contacts/import', { token: m.token, body: 'name\nB\n', headers: { 'content-type': 'text/csv' } }), 403);
      expectProblem(await call('GET', `/api/contacts/imports/${res.body.id}`, { token: m.token }), 403);
      expectProblem(await call('GET', '/api/contacts/export.csv', { token: m.token }), 403);
    }
    const other = await newWorkspace('Other');
    expectProblem(await call('GET', `/api/contacts/imports/${res.body.id}`, { token: other.token }), 404);
    expectProblem(await call('GET', `/api/contacts/imports/${res.body.id}/errors.csv`, { token: other.token }), 404);
  });
});

describe('GET /api/contacts/export.csv', () => {
  it('streams every matching contact with tags, identities, subscriptions and attributes; parses back', async () => {
    const ws = await newWorkspace('Export');
    const a = await createContact(ws, { name: 'Ann "The" Lee', email: 'ann@x.io', phone: '+1 555 010 2000', tags: ['vip', 'beta'], attributes: { plan: 'gold', seats: 3 }, subscriptions: { sms: 'subscribed' }, country: 'us' });
    await createContact(ws, { name: '=HYPERLINK("http://evil")', tags: ['vip'], attributes: { note: 'line\nbreak, comma' } });
    await createContact(ws, { name: 'Not VIP', tags: ['other'] });
    const res = await SELF.fetch(`${BASE}/api/contacts/export.csv?filter=${encodeURIComponent(JSON.stringify({ field: 'tags', op: 'has', value: 'vip' }))}`, { headers: { authorization: `Bearer ${ws.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const rows = Papa.parse<Record<string, string>>((await res.text()).trim(), { header: true }).data;
    expect(rows).toHaveLength(2);
    const ann = rows.find((r) => r.id === a.id)!;
    expect(ann).toMatchObject({ name: 'Ann "The" Lee', email: 'ann@x.io', phone: '+15550102000', country: 'US', tags: 'beta;vip', 'subscribed.sms': 'subscribed', 'subscribed.email': 'unknown', 'attributes.plan': 'gold', 'attributes.seats': '3' });
    expect(ann.identities).toMatch(/^webchat:/);
    const evil = rows.find((r) => r.id !== a.id)!;
    expect(evil.name).toBe(`'=HYPERLINK("http://evil")`);
    expect(evil['attributes.note']).toBe('line\nbreak, comma');
  });

  it('pages through more than one page, each contact once; by saved audience; bad filters named', async () => {
    const ws = await newWorkspace('Export many');
    const csv = ['email,tags', ...Array.from({ length: 1234 }, (_, i) => `m${i}@x.io,${i % 2 ? 'odd' : 'even'}`)].join('\n');
    await finished(ws, (await importCsv(ws, csv, undefined, 'text')).body.id, 60_000);
    const aud = await call('POST', '/api/audiences', { token: ws.token, body: { name: 'Odd', filter: { field: 'tags', op: 'has', value: 'odd' } } });
    const all = await SELF.fetch(`${BASE}/api/contacts/export.csv`, { headers: { authorization: `Bearer ${ws.token}` } });
    const rows = Papa.parse<Record<string, string>>((await all.text()).trim(), { header: true }).data;
    expect(rows).toHaveLength(1234);
    expect(new Set(rows.map((r) => r.email)).size).toBe(1234);
    const odd = await SELF.fetch(`${BASE}/api/contacts/export.csv?audienceId=${aud.body.id}`, { headers: { authorization: `Bearer ${ws.token}` } });
    expect(Papa.parse((await odd.text()).trim(), { header: true }).data).toHaveLength(617);
    expectProblem(await call('GET', `/api/contacts/export.csv?filter=${encodeURIComponent('{"field":"tags","op":"nope"}')}`, { token: ws.token }), 400, 'query.filter.op');
    expectProblem(await call('GET', '/api/contacts/export.csv?filter=not-json', { token: ws.token }), 400, 'query.filter');
    expectProblem(await call('GET', '/api/contacts/export.csv?audienceId=aud_missing', { token: ws.token }), 400, 'query.audienceId');
  }, 90_000);
});
