// (i) Audiences: POST /api/audiences/preview over 100,000 contacts (p50/p95 per filter; goal p95 ≤ 200 ms),
// and the import of a 100,000-row CSV through POST /api/contacts/import and its queue (wall time, rows/s,
// the peak resident memory of the wrangler/workerd process group while it runs, and the latency of the
// progress polls, GET /api/contacts/imports/:id, made meanwhile: D1 runs one query at a time per database,
// so a chunk that holds it long shows here as a slow poll). `--import-rows` (run.mjs) sets the import's
// size apart from the contacts already there.
//
// The contacts are generated as SQL and loaded with `wrangler d1 execute --local` while the server is
// stopped, as (c) and (h) load theirs; their stats columns are set as the contact-stats subscriber would.
import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { call, request } from './lib/client.mjs';
import { sqlChunks } from './lib/sql-chunks.mjs';
import { ms, prng, summarize } from './lib/stats.mjs';

const DAY = 86_400_000;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const GOALS = { previewP95: 200 };
/** A progress poll with no answer by then is counted as timed out (and polling goes on). */
const POLL_TIMEOUT_MS = 120_000;
const TAGS = ['vip', 'newsletter', 'returning', 'corporate', 'family', 'spa', 'late-checkout', 'allergies', 'golf', 'wedding'];
const COUNTRIES = ['US', 'DE', 'FR', 'GB', 'ES', 'IT', 'NL', 'BR', 'JP', 'CH'];
const CITIES = ['Berlin', 'Paris', 'London', 'Madrid', 'Rome', 'Amsterdam', 'Zürich', 'New York', 'Tokyo', 'São Paulo'];
const LANGS = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt-br', 'ja'];
const PLANS = ['free', 'silver', 'gold', 'platinum'];

/** SQL files with `contacts` contacts (and their channel identities) in the bench workspace. */
export function generateContacts(ws, dir, { contacts = 100_000, seed = 23, now = Date.now() } = {}) {
  const rand = prng(seed);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const id = (prefix, at) => {
    let time = '';
    for (let i = 0, t = at; i < 10; i++, t = Math.floor(t / 32)) time = ALPHABET[t % 32] + time;
    let r = '';
    for (let i = 0; i < 16; i++) r += ALPHABET[Math.floor(rand() * 32)];
    return `${prefix}_${time}${r}`;
  };
  const out = sqlChunks(dir, 'audience-contacts', {
    contacts:
      'id, workspace_id, name, email, phone, tags, attributes, subscriptions, language, country, city, last_activity_at, conversation_count, last_conversation_status, created_at, updated_at',
    contact_identities: 'id, workspace_id, contact_id, channel, external_id, created_at',
  });
  for (let n = 0; n < contacts; n++) {
    const created = now - Math.floor(730 * DAY * rand());
    const cid = id('ct', created);
    const tags = TAGS.filter(() => rand() < 0.12).sort();
    const talked = rand() < 0.7;
    const phone = `+1555${String(1_000_000 + n).padStart(7, '0')}`;
    const subs = {};
    if (rand() < 0.6) subs.sms = { status: rand() < 0.9 ? 'subscribed' : 'unsubscribed', source: 'import', changedAt: created };
    if (rand() < 0.5) subs.email = { status: rand() < 0.85 ? 'subscribed' : 'unsubscribed', source: 'import', changedAt: created };
    out.add('contacts', [
      cid,
      ws.workspaceId,
      `Audience Contact ${n}`,
      `aud${n}@bench.test`,
      phone,
      JSON.stringify(tags),
      JSON.stringify({ plan: pick(PLANS), nights: Math.floor(rand() * 40), member: rand() < 0.3 }),
      JSON.stringify(subs),
      pick(LANGS),
      pick(COUNTRIES),
      pick(CITIES),
      talked ? now - Math.floor(365 * DAY * rand() ** 2) : null,
      talked ? 1 + Math.floor(rand() * 8) : 0,
      talked ? pick(['open', 'pending', 'closed', 'closed', 'closed']) : null,
      created,
      created,
    ]);
    out.add('contact_identities', [id('cid', created), ws.workspaceId, cid, rand() < 0.5 ? 'whatsapp' : 'sms', phone, created]);
    if ((n + 1) % 25_000 === 0) out.chunk();
  }
  out.chunk();
  return { files: out.files, counts: { contacts } };
}

const FILTERS = [
  { label: 'simple tag', filter: { field: 'tags', op: 'has', value: 'vip' } },
  {
    label: 'nested AND/OR: attribute, relative lastActivity, subscription',
    filter: {
      all: [
        { any: [{ field: 'attributes.plan', op: 'in', value: ['gold', 'platinum'] }, { field: 'attributes.nights', op: 'gte', value: 20 }] },
        { field: 'lastActivityAt', op: 'within', value: '90d' },
        { not: { field: 'subscribed.sms', op: 'eq', value: 'unsubscribed' } },
      ],
    },
  },
  { label: 'channel + country + language', filter: { all: [{ field: 'channel', op: 'is', value: 'whatsapp' }, { field: 'location.country', op: 'in', value: ['DE', 'CH'] }, { field: 'language', op: 'eq', value: 'de' }] } },
];

/** Resident memory (kB) of a process group: wrangler and the workerd it spawned. */
function groupRssKb(pgid) {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (rss) total += Number(rss[1]);
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

function postCsv(origin, path, token, bytes) {
  const url = new URL(path, origin);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { hostname: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'content-length': bytes.length } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(bytes);
  });
}

export async function audienceBench(origin, ws, { requests = 200, warmup = 10, importRows = 100_000, reimport = false, pgid = null, log = console.log } = {}) {
  const token = ws.manager.token;
  const out = { previews: [], import: null };
  for (const f of FILTERS) {
    for (let i = 0; i < warmup; i++) await call(origin, 'POST', '/api/audiences/preview', { token, body: { filter: f.filter } });
    const times = [];
    let count = null;
    for (let i = 0; i < requests; i++) {
      const res = await request(origin, 'POST', '/api/audiences/preview', { token, body: { filter: f.filter } });
      if (res.status !== 200) throw new Error(`preview ${f.label} → ${res.status} ${JSON.stringify(res.body)}`);
      count = res.body.count;
      times.push(res.ms);
    }
    const latency = summarize(times);
    out.previews.push({ label: f.label, count, latency });
    log(`    preview ${f.label}: ${count} contacts, p50 ${ms(latency.p50)} p95 ${ms(latency.p95)}`);
  }

  // The import: new people, with a few columns of each kind a real export from a PMS or CRM has.
  const lines = ['Name,Email,Phone,Tags,Country,Language,Plan,Nights'];
  for (let i = 0; i < importRows; i++) lines.push(`Imported ${i},imp${i}@bench.test,+1556${String(1_000_000 + i).padStart(7, '0')},"${TAGS[i % 10]}; imported",${COUNTRIES[i % 10]},${LANGS[i % 8]},${PLANS[i % 4]},${i % 40}`);
  const bytes = Buffer.from(lines.join('\n'));
  const mapping = { Name: 'name', Email: 'email', Phone: 'phone', Tags: 'tags', Country: 'country', Language: 'language', Plan: 'attributes.plan', Nights: 'attributes.nights' };
  const importOnce = async (label) => {
    const rssBefore = pgid ? groupRssKb(pgid) : null;
    let rssPeak = rssBefore;
    const started = performance.now();
    const res = await postCsv(origin, `/api/contacts/import?mapping=${encodeURIComponent(JSON.stringify(mapping))}`, token, bytes);
    if (res.status !== 202) throw new Error(`import → ${res.status} ${JSON.stringify(res.body)}`);
    const acceptedMs = performance.now() - started;
    // Progress is polled one request at a time, as the app's import dialog does. A poll that takes long (the
    // database busy with a chunk) is a result, not a failure: its time is recorded (a poll with no answer in
    // POLL_TIMEOUT_MS counts as that long and as timed out) and polling goes on.
    let progress = null;
    const polls = [];
    let timedOut = 0;
    let lastLogged = 0;
    for (;;) {
      const t = performance.now();
      try {
        const r = await request(origin, 'GET', `/api/contacts/imports/${res.body.id}`, { token, timeoutMs: POLL_TIMEOUT_MS });
        polls.push(r.ms);
        if (r.status === 200) progress = r.body;
        else log(`    progress poll → ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      } catch (err) {
        polls.push(performance.now() - t);
        timedOut++;
        log(`    progress poll: ${err.message}`);
      }
      if (pgid) rssPeak = Math.max(rssPeak, groupRssKb(pgid));
      if (progress && (progress.status === 'done' || progress.status === 'failed')) break;
      if (performance.now() - started > 30 * 60_000) {
        log(`    import still ${progress?.status} after 30 min (${progress?.processed} rows): stopped waiting`);
        break;
      }
      if (performance.now() - lastLogged > 30_000) {
        lastLogged = performance.now();
        log(`    import${label}: ${progress?.processed ?? 0} rows processed after ${Math.round((performance.now() - started) / 1000)} s; slowest poll so far ${Math.round(Math.max(...polls))} ms`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const totalMs = performance.now() - started;
    const poll = { ...summarize(polls), timedOut, overOneSecond: polls.filter((p) => p > 1000).length };
    const processed = progress?.processed ?? 0;
    const figures = { rows: importRows, bytes: bytes.length, acceptedMs, totalMs, rowsPerSecond: (processed / totalMs) * 1000, processed, status: progress?.status ?? 'unknown', created: progress?.created ?? 0, updated: progress?.updated ?? 0, failed: progress?.failed ?? 0, rssBeforeKb: rssBefore, rssPeakKb: rssPeak, poll };
    log(`    import${label}: ${processed} rows in ${Math.round(totalMs)} ms (${figures.status}, created ${figures.created}, updated ${figures.updated}, failed ${figures.failed})`);
    log(`    progress polls during the import${label}: ${poll.n}, p50 ${ms(poll.p50)} p95 ${ms(poll.p95)} max ${ms(poll.max)} (${poll.overOneSecond} over 1 s, ${timedOut} without an answer in ${POLL_TIMEOUT_MS / 1000} s)`);
    return figures;
  };
  out.import = await importOnce('');
  // The same file again: every row now matches a contact by e-mail, so each chunk updates rather than inserts.
  if (reimport) out.reimport = await importOnce(' again (updates)');
  return out;
}

export function audienceRows(i) {
  const rows = [];
  for (const p of i.previews) {
    rows.push([`(i) audience preview, ${p.label} (${p.count} match)`, `p50 ${ms(p.latency.p50)}  p95 ${ms(p.latency.p95)}`, `p95 ≤ ${GOALS.previewP95} ms`, p.latency.p95 <= GOALS.previewP95 ? 'met' : 'NOT met']);
  }
  for (const [what, im] of [['import', i.import], ['import again (updates)', i.reimport]]) {
    if (!im) continue;
    const mem = im.rssPeakKb ? `  peak RSS ${(im.rssPeakKb / 1024).toFixed(0)} MB (from ${(im.rssBeforeKb / 1024).toFixed(0)})` : '';
    const all = what === 'import' ? im.created + im.updated + im.failed >= im.rows : im.updated + im.failed >= im.rows;
    rows.push([`    ${what} ${im.rows} rows CSV (${(im.bytes / 1e6).toFixed(1)} MB)`, `${(im.totalMs / 1000).toFixed(1)} s, ${Math.round(im.rowsPerSecond)} rows/s${mem}`, 'all rows imported', im.status === 'done' && all && im.failed === 0 ? 'met' : 'NOT met']);
    if (im.poll) {
      const p = im.poll;
      rows.push([`    progress polls during it (${p.n})`, `p50 ${ms(p.p50)}  p95 ${ms(p.p95)}  max ${ms(p.max)}${p.timedOut ? `  (${p.timedOut} timed out)` : ''}`, '', '']);
    }
  }
  return rows;
}
