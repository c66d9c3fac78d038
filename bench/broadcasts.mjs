// (j) Broadcasts: one SMS broadcast to 100,000 recipients over the sandbox transport. Figures: time
// until every recipient is snapshotted and enqueued (the workflow's pages), sends per second as the
// BROADCAST_SENDS consumer hands them to the conversations and the OUTBOUND queue (the consumer's
// per-inbox bucket paces SMS at 10/s per inbox: the bench inbox sets no higher rate, so expect about
// that), and the time until all are sent or the bench's limit (--broadcast-minutes) is reached.
//
// The contacts (one SMS identity each, tagged 'bcast') are generated as SQL and loaded with
// `wrangler d1 execute --local` while the server is stopped, as (i) loads its own.
import { performance } from 'node:perf_hooks';
import { call, sleep } from './lib/client.mjs';
import { sqlChunks } from './lib/sql-chunks.mjs';
import { prng } from './lib/stats.mjs';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function generateBroadcastContacts(ws, dir, { contacts = 100_000, seed = 29, now = Date.now() } = {}) {
  const rand = prng(seed);
  const id = (prefix, at) => {
    let time = '';
    for (let i = 0, t = at; i < 10; i++, t = Math.floor(t / 32)) time = ALPHABET[t % 32] + time;
    let r = '';
    for (let i = 0; i < 16; i++) r += ALPHABET[Math.floor(rand() * 32)];
    return `${prefix}_${time}${r}`;
  };
  const out = sqlChunks(dir, 'broadcast-contacts', {
    contacts: 'id, workspace_id, name, phone, tags, attributes, subscriptions, created_at, updated_at',
    contact_identities: 'id, workspace_id, contact_id, channel, external_id, created_at',
  });
  for (let n = 0; n < contacts; n++) {
    const created = now - 1000 * (contacts - n);
    const cid = id('ct', created);
    const phone = `+1555${String(2_000_000 + n).padStart(7, '0')}`;
    // One in fifty opted out of SMS: skipped with a reason, never sent.
    const subs = n % 50 === 0 ? JSON.stringify({ sms: { status: 'unsubscribed', source: 'sms_keyword', changedAt: created } }) : '{}';
    out.add('contacts', [cid, ws.workspaceId, `Guest ${n}`, phone, '["bcast"]', '{}', subs, created, created]);
    out.add('contact_identities', [id('cid', created), ws.workspaceId, cid, 'sms', phone, created]);
    if ((n + 1) % 25_000 === 0) out.chunk();
  }
  out.chunk();
  return { files: out.files, counts: { contacts } };
}

export async function broadcastBench(origin, ws, { recipients = 100_000, minutes = 20, log = console.log } = {}) {
  const token = ws.manager.token;
  const inbox = await call(origin, 'POST', '/api/inboxes', { token, body: { channel: 'sms', name: 'Bench broadcasts', config: { accountSid: 'AC0123456789', authToken: 'bench', phoneNumber: '+15550009999' } } });
  const template = await call(origin, 'POST', '/api/templates', { token, body: { name: `bench_${Date.now()}`, channel: 'sms', category: 'marketing', language: 'en', body: 'Hi {{contact.first_name}}, our spring offer: https://shop.example/spring' } });
  const b = await call(origin, 'POST', '/api/broadcasts', { token, body: { name: 'Bench', inboxId: inbox.id, templateId: template.id, filter: { field: 'tags', op: 'has', value: 'bcast' } } });
  const t0 = performance.now();
  // Generous: on a loaded machine the workflow's first pages compete with this request.
  await call(origin, 'POST', `/api/broadcasts/${b.id}/send`, { token, timeoutMs: 180_000 });
  const sendMs = performance.now() - t0;
  log(`    POST /send answered in ${(sendMs / 1000).toFixed(1)} s`);
  let enqueuedMs = null;
  const samples = [];
  let stats = null;
  const deadline = t0 + minutes * 60_000;
  while (performance.now() < deadline) {
    await sleep(2000);
    const cur = await call(origin, 'GET', `/api/broadcasts/${b.id}`, { token });
    stats = cur.stats;
    const at = performance.now() - t0;
    samples.push({ at, sent: stats.sent, handed: stats.recipients - stats.skipped - stats.queued });
    if (enqueuedMs === null && stats.recipients >= recipients) enqueuedMs = at;
    log(`    ${(at / 1000).toFixed(0)} s: ${stats.recipients} snapshotted, ${stats.skipped} skipped, ${stats.queued} queued, ${stats.sent} sent, ${stats.failed} failed`);
    if (enqueuedMs !== null && stats.queued === 0 && stats.sent + stats.failed + stats.skipped >= recipients) break;
  }
  const last = samples[samples.length - 1];
  const first = samples.find((s) => s.sent > 0) ?? last;
  const sendRate = last && first && last.at > first.at ? ((last.sent - first.sent) / (last.at - first.at)) * 1000 : null;
  return { recipients, sendMs, enqueuedMs, sendsPerSecond: sendRate, finished: stats ? stats.queued === 0 && stats.sent + stats.failed + stats.skipped >= recipients : false, stats, elapsedMs: last?.at ?? null };
}
