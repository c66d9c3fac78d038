// (j) Broadcasts: one SMS broadcast over the sandbox transport, with what issue 13 asks of it:
//
// - time until every recipient is snapshotted and enqueued (the workflow's pages);
// - sends per second, counted from the sandbox transport's own record (`sandbox_outbound`, one row per
//   provider request), first at the inbox's default rate (SMS: 10/s, the consumer's per-inbox bucket)
//   for `defaultSeconds`, then with `settings.broadcastRate` raised to `highRate` (SMS allows up to 100/s)
//   for the rest, each set beside the bare probe (`POST /api/dev/probe/:n`) measured in the same run;
// - 0 duplicates and 0 sends to opted-out contacts, counted in D1 (the sandbox record's To numbers
//   against the contacts' subscriptions), not assumed;
// - progress visible throughout: `GET /api/broadcasts/:id` polled every second, checked to only move
//   forward, and how far behind the sandbox record its `sent` was (sends and seconds);
// - the status callbacks that follow: for every recorded send, three Twilio StatusCallbacks (sent,
//   delivered, read), form-encoded and X-Twilio-Signature-signed as Twilio does, POSTed to the inbox's
//   webhook as the sends appear; then counted back from the recipients' statuses;
// - bench (a) (widget visitor → 50 agent sockets) measured before the broadcast and again while sends
//   and callbacks flow, at each rate;
// - with `pgid` (the server's process group): how busy the busiest workerd thread is while sends and
//   callbacks flow at the default rate (a 15 s window before that (a)), and its time per send with its
//   callbacks against its time per bare probe. Locally that thread runs the Worker, every object and the
//   D1 and queue simulators, so its load is what agents' requests queue behind.
//
// The bench reads D1 directly (node:sqlite, read-only, on the local data directory wrangler dev writes):
// the provider message ids the sandbox handed out (which a status callback must carry) are only there.
// The contacts (one SMS identity each, tagged 'bcast') are generated as SQL and loaded with
// `wrangler d1 execute --local` while the server is stopped, as (i) loads its own.
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { call, pool, rawPost, request, sleep } from './lib/client.mjs';
import { sqlChunks } from './lib/sql-chunks.mjs';
import { ms, prng, rate, round, summarize } from './lib/stats.mjs';
import { threadUsage } from './lib/procs.mjs';
import { realtime } from './realtime.mjs';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const AUTH_TOKEN = 'bench-twilio-auth-token';
const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';

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

// --- D1, read-only -------------------------------------------------------------------------------

/** The local D1 database file wrangler dev keeps under `persistTo` (the one D1 binding, DB). */
export async function openD1(persistTo) {
  const { DatabaseSync } = await import('node:sqlite');
  const dir = join(persistTo, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  const files = readdirSync(dir).filter((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite');
  if (files.length !== 1) throw new Error(`expected one D1 database in ${dir}, found ${files.join(', ') || 'none'}`);
  const db = new DatabaseSync(join(dir, files[0]), { readOnly: true });
  // The server writes while we read: wait for its write lock instead of failing.
  db.exec('PRAGMA busy_timeout = 5000');
  return db;
}

// --- Twilio status callbacks ---------------------------------------------------------------------

/** X-Twilio-Signature: base64 HMAC-SHA1 of the URL followed by each parameter name+value, names sorted. */
export function twilioSignature(authToken, url, params) {
  let data = url;
  for (const key of Object.keys(params).sort()) data += key + params[key];
  return createHmac('sha1', authToken).update(data).digest('base64');
}

/** Check the signer against Twilio's own SDK test vector before trusting it with 3 × N callbacks. */
function checkSigner() {
  const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/providers/twilio_signature_vectors.json', import.meta.url), 'utf8'));
  const got = twilioSignature(fixture.authToken, fixture.url, fixture.params);
  if (got !== fixture.expectedSignature) throw new Error(`Twilio signer disagrees with the SDK vector: ${got} ≠ ${fixture.expectedSignature}`);
}

/**
 * One Programmable Messaging StatusCallback as Twilio POSTs it (the parameters Twilio's docs list for a
 * message status callback, in Twilio's order; `read` is what Twilio reports where the channel has
 * read receipts, RCS and WhatsApp senders).
 */
export function statusCallback(url, { sid, to, from, status }) {
  const params = { SmsSid: sid, SmsStatus: status, MessageStatus: status, To: to, MessageSid: sid, AccountSid: ACCOUNT_SID, From: from, ApiVersion: '2010-04-01' };
  if (status === 'delivered' || status === 'read') params.RawDlrDoneDate = dlrDate(new Date());
  return { body: new URLSearchParams(params).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(AUTH_TOKEN, url, params), 'i-twilio-idempotency-token': `${sid}-${status}` } };
}

/** The carrier's delivery-report time, YYMMDDhhmm. */
function dlrDate(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}


/**
 * Follows the sandbox record and answers every send with its three callbacks, as they appear: polls
 * D1 for sends (and the provider id the sandbox gave each), posts in order per message.
 */
function callbackPump(origin, db, { workspaceId, inboxId, concurrency = 8, log }) {
  const q = db.prepare(
    `SELECT s.id, s.body, s.created_at AS at, o.provider_message_id AS sid FROM sandbox_outbound s LEFT JOIN outbound_messages o ON o.message_id = s.message_id
     WHERE s.workspace_id = ? AND s.inbox_id = ? AND s.purpose = 'send' AND s.response_status < 300 AND s.id > ? ORDER BY s.id LIMIT 2000`,
  );
  const state = { cursor: 0, messages: 0, posted: 0, rejected: 0, firstRejection: null, latencies: [], noSid: 0, stopped: false, idle: null };
  const waitingSince = new Map();
  const run = async () => {
    while (!state.stopped) {
      const rows = q.all(workspaceId, inboxId, state.cursor);
      const ready = [];
      for (const r of rows) {
        if (!r.sid) {
          // The sandbox wrote its record just before the consumer stored the id it answered: next round.
          const since = waitingSince.get(r.id) ?? Date.now();
          waitingSince.set(r.id, since);
          if (Date.now() - since < 30_000) break;
          state.noSid++;
        } else ready.push(r);
        state.cursor = r.id;
        waitingSince.delete(r.id);
      }
      if (ready.length) {
        await pool(ready.length, concurrency, async (i) => {
          // Stopped: the rest of this round is left (an overloaded server could take minutes for 2,000 × 3).
          if (state.stopped) return;
          const form = new URLSearchParams(ready[i].body);
          const path = new URL(form.get('StatusCallback')).pathname;
          for (const status of ['sent', 'delivered', 'read']) {
            const cb = statusCallback(`${origin}${path}`, { sid: ready[i].sid, to: form.get('To'), from: form.get('From'), status });
            // A callback the server did not answer counts as rejected (Twilio would retry it); the pump goes on.
            const res = await rawPost(origin, path, cb.body, cb.headers).catch((err) => ({ status: 0, body: String(err), ms: 30_000 }));
            state.posted++;
            state.latencies.push(res.ms);
            if (res.status !== 200) {
              state.rejected++;
              state.firstRejection ??= `${res.status} ${res.body.slice(0, 200)}`;
            }
          }
          state.messages++;
        });
      } else {
        state.idle = Date.now();
        await sleep(500);
      }
    }
  };
  const done = run().catch((err) => {
    state.error = String(err?.stack ?? err);
    log(`    callbacks stopped: ${state.error}`);
  });
  return { state, stop: async () => ((state.stopped = true), done) };
}

// --- the bench -----------------------------------------------------------------------------------

/**
 * @param {string} origin
 * @param {object} ws  bench/workspace.mjs's workspace
 * @param {{ recipients?: number, minutes?: number, defaultSeconds?: number, highRate?: number, persistTo: string, probes?: number, latencyMessages?: number, pgid?: number | null, log?: (s: string) => void }} opts
 */
export async function broadcastBench(origin, ws, { recipients = 100_000, minutes = 20, defaultSeconds = 60, highRate = 100, persistTo, probes = 3000, latencyMessages = 100, pgid = null, log = console.log } = {}) {
  checkSigner();
  const db = await openD1(persistTo);
  const token = ws.manager.token;
  const inbox = await call(origin, 'POST', '/api/inboxes', { token, body: { channel: 'sms', name: 'Bench broadcasts', config: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, phoneNumber: '+15550009999' } } });
  const template = await call(origin, 'POST', '/api/templates', { token, body: { name: `bench_${Date.now()}`, channel: 'sms', category: 'marketing', language: 'en', body: 'Hi {{contact.first_name}}, our spring offer: https://shop.example/spring' } });
  const b = await call(origin, 'POST', '/api/broadcasts', { token, body: { name: 'Bench', inboxId: inbox.id, templateId: template.id, filter: { field: 'tags', op: 'has', value: 'bcast' } } });

  // The floor on this machine now, before the broadcast: Worker → Durable Object → one SQLite write.
  // Warm-up, not measured: the probe's 200 objects created once.
  await pool(200, 48, (i) => request(origin, 'POST', `/api/dev/probe/bcast-${i}`));
  const busiest = (before) => {
    let max = 0;
    for (const [tid, t] of threadUsage(pgid)) max = Math.max(max, t - (before.get(tid) ?? 0));
    return max;
  };
  const threads0 = pgid ? threadUsage(pgid) : null;
  const tp = performance.now();
  let probeErrors = 0;
  await pool(probes, 48, async (i) => {
    const res = await request(origin, 'POST', `/api/dev/probe/bcast-${i % 200}`);
    if (res.status !== 200) probeErrors++;
  });
  const probePerSecond = round(probes / ((performance.now() - tp) / 1000), 1);
  const probeSerialMs = threads0 ? (busiest(threads0) * 1000) / probes : null;
  log(`    bare probe: ${probePerSecond}/s (${probes} calls, 48 in flight${probeErrors ? `, ${probeErrors} errors` : ''})`);
  log(`    (a) before the broadcast: ${latencyMessages} widget messages → 50 agent sockets`);
  const latencyBefore = await realtime(origin, ws, { messages: latencyMessages, log: (s) => log(`  ${s}`) });

  const sandboxCount = db.prepare(`SELECT count(*) AS n FROM sandbox_outbound WHERE workspace_id = ? AND inbox_id = ? AND purpose = 'send' AND response_status < 300`);
  const sentCount = () => Number(sandboxCount.get(ws.workspaceId, inbox.id).n);

  const t0 = performance.now();
  const started = Date.now();
  // Generous: on a loaded machine the workflow's first pages compete with this request.
  await call(origin, 'POST', `/api/broadcasts/${b.id}/send`, { token, timeoutMs: 180_000 });
  const sendMs = performance.now() - t0;
  log(`    POST /send answered in ${(sendMs / 1000).toFixed(1)} s`);
  const pump = callbackPump(origin, db, { workspaceId: ws.workspaceId, inboxId: inbox.id, log });

  // Progress, every second: the endpoint's stats beside the sandbox record's count at that moment.
  const polls = [];
  let enqueuedMs = null;
  let stats = null;
  let stopPolling = false;
  const pollErrors = [];
  const poller = (async () => {
    while (!stopPolling) {
      const asked = performance.now();
      const res = await request(origin, 'GET', `/api/broadcasts/${b.id}`, { token, timeoutMs: 60_000 }).catch((err) => ({ status: 0, body: String(err) }));
      const at = Date.now();
      if (res.status === 200) {
        stats = res.body.stats;
        polls.push({ at, ms: performance.now() - asked, status: res.body.status, stats, recorded: sentCount() });
        if (enqueuedMs === null && stats.recipients >= recipients) enqueuedMs = at - started;
      } else pollErrors.push({ at, status: res.status, body: String(typeof res.body === 'string' ? res.body : JSON.stringify(res.body)).slice(0, 200) });
      await sleep(1000);
    }
  })();

  let switchAt = null;
  const during = {};
  // A loaded machine can time a socket out: that is a figure (recorded), not the end of the run.
  const measureLatency = () => realtime(origin, ws, { messages: latencyMessages, log: (s) => log(`  ${s}`) }).catch((err) => ({ error: String(err) }));
  const deadline = started + minutes * 60_000;
  let lastLog = 0;
  let firstSendAt = null;
  let load = null;
  try {
    while (Date.now() < deadline) {
      await sleep(500);
      if (!stats) continue;
      const recorded = sentCount();
      if (firstSendAt === null && recorded > 0) firstSendAt = Date.now();
      if (Date.now() - lastLog >= 10_000) {
        lastLog = Date.now();
        log(`    ${((Date.now() - started) / 1000).toFixed(0)} s: ${stats.recipients} snapshotted, ${stats.skipped} skipped, ${recorded} sent (sandbox record; progress says ${stats.sent}), ${stats.delivered} delivered, ${stats.read} read; callbacks posted ${pump.state.posted}`);
      }
      // The event loop's load while sends and callbacks flow at the default rate, before (a) adds its own.
      if (pgid && !load && !switchAt && firstSendAt && Date.now() - firstSendAt > 5_000) {
        const w0 = { threads: threadUsage(pgid), sent: recorded, posted: pump.state.posted, at: performance.now() };
        await sleep(15_000);
        const seconds = (performance.now() - w0.at) / 1000;
        const busy = busiest(w0.threads);
        const sends = sentCount() - w0.sent;
        load = { seconds: round(seconds, 1), busiestShare: round(busy / seconds, 3), sendsPerSecond: round(sends / seconds, 1), callbacksPerSecond: round((pump.state.posted - w0.posted) / seconds, 1), serialMsPerSend: sends ? round((busy * 1000) / sends, 2) : null, probeSerialMs: probeSerialMs === null ? null : round(probeSerialMs, 2) };
        log(`    load: busiest thread ${(load.busiestShare * 100).toFixed(0)} % busy at ${load.sendsPerSecond} sends/s + ${load.callbacksPerSecond} callbacks/s: ${load.serialMsPerSend} ms per send with its callbacks (a bare probe: ${load.probeSerialMs} ms)`);
      }
      // (a) during the default rate, once sends and their callbacks flow.
      if (!during.default && !switchAt && firstSendAt && Date.now() - firstSendAt > 10_000 && (!pgid || load)) {
        log(`    (a) during the broadcast at the default rate`);
        during.default = await measureLatency();
      }
      if (switchAt === null && firstSendAt && Date.now() - firstSendAt >= defaultSeconds * 1000) {
        await call(origin, 'PATCH', `/api/inboxes/${inbox.id}`, { token, body: { settings: { broadcastRate: highRate } } });
        switchAt = Date.now();
        log(`    inbox rate raised to ${highRate}/s`);
      }
      if (switchAt && !during.high && Date.now() - switchAt > 10_000) {
        log(`    (a) during the broadcast at ${highRate}/s`);
        during.high = await measureLatency();
      }
      if (enqueuedMs !== null && recorded >= stats.recipients - stats.skipped) break;
    }
    const endedAt = Date.now();
    // The callbacks for the last sends, then their effect on the recipients (the INGEST queue, the
    // conversations, the event stream's broadcast subscriber).
    const target = sentCount();
    const drainUntil = Date.now() + 120_000;
    while (pump.state.messages + pump.state.noSid < target && Date.now() < drainUntil) await sleep(500);
    await pump.stop();
    let applied = null;
    const applyUntil = Date.now() + 180_000;
    while (Date.now() < applyUntil) {
      applied = (await call(origin, 'GET', `/api/broadcasts/${b.id}`, { token })).stats;
      if (applied.read >= pump.state.messages) break;
      await sleep(1000);
    }
    const appliedMs = Date.now() - endedAt;
    stopPolling = true;
    await poller;
    return summarizeRun({ db, ws, inbox, b, origin, token, recipients, pollErrors, started, firstSendAt, switchAt, endedAt, enqueuedMs, sendMs, polls, pump: pump.state, applied, appliedMs, probePerSecond, latencyBefore, during, highRate, load });
  } finally {
    stopPolling = true;
    await pump.stop();
    await poller.catch(() => {});
    db.close();
  }
}

async function summarizeRun(r) {
  const { db, ws, inbox } = r;
  // Every provider request the sandbox recorded for this inbox: the ground truth of what went out.
  const rows = db.prepare(`SELECT s.body, s.created_at AS at, s.message_id AS messageId FROM sandbox_outbound s WHERE s.workspace_id = ? AND s.inbox_id = ? AND s.purpose = 'send' AND s.response_status < 300 ORDER BY s.id`).all(ws.workspaceId, inbox.id);
  const times = rows.map((x) => Number(x.at)).sort((a, b) => a - b);
  const perNumber = new Map();
  const perMessage = new Map();
  for (const x of rows) {
    const to = new URLSearchParams(x.body).get('To');
    perNumber.set(to, (perNumber.get(to) ?? 0) + 1);
    perMessage.set(x.messageId, (perMessage.get(x.messageId) ?? 0) + 1);
  }
  const duplicates = [...perNumber.values()].reduce((s, n) => s + (n - 1), 0);
  const duplicateMessages = [...perMessage.values()].reduce((s, n) => s + (n - 1), 0);
  const optedOut = db
    .prepare(`SELECT phone FROM contacts WHERE workspace_id = ? AND json_extract(subscriptions, '$.sms.status') = 'unsubscribed'`)
    .all(ws.workspaceId)
    .map((x) => x.phone);
  const sentToOptedOut = optedOut.filter((p) => perNumber.has(p)).length;
  const skippedWithMessage = Number(db.prepare(`SELECT count(*) AS n FROM broadcast_recipients WHERE broadcast_id = ? AND status = 'skipped' AND message_id IS NOT NULL`).get(r.b.id).n);
  const deadLetters = (await call(r.origin, 'GET', '/api/admin/dead-letters?status=all', { token: r.token })).items.length;

  // Rates from the record itself: the default-rate window (first send → the switch) and the high-rate
  // one (5 s after the switch, once batches paced at the old rate are through → the last send).
  const windowRate = (from, to) => {
    const n = times.filter((t) => t >= from && t < to).length;
    return to > from ? round((n / (to - from)) * 1000, 1) : null;
  };
  const firstSend = times[0] ?? null;
  const lastSend = times[times.length - 1] ?? null;
  const defaultRate = firstSend !== null ? windowRate(firstSend, r.switchAt ?? lastSend + 1) : null;
  const highRate = r.switchAt && lastSend > r.switchAt + 5000 ? windowRate(r.switchAt + 5000, lastSend + 1) : null;

  // Progress: never backwards, and how far `sent` trailed the sandbox record (in sends, and as the
  // age of the oldest send it did not show yet).
  const keys = ['recipients', 'skipped', 'sent', 'delivered', 'read'];
  let backwards = 0;
  for (let i = 1; i < r.polls.length; i++) for (const k of keys) if (r.polls[i].stats[k] < r.polls[i - 1].stats[k]) backwards++;
  const sending = r.polls.filter((p) => firstSend !== null && p.at >= firstSend && p.at <= r.endedAt);
  const behindSends = sending.map((p) => Math.max(0, p.recorded - p.stats.sent));
  const behindMs = sending.map((p) => {
    const shown = p.stats.sent;
    const oldestUnshown = times[shown];
    return oldestUnshown !== undefined && oldestUnshown <= p.at ? p.at - oldestUnshown : 0;
  });
  // Visible throughout: the longest stretch of polls in which sends happened but `sent` stood still.
  let stuckMs = 0;
  for (let i = 0, from = null; i < sending.length; i++) {
    if (i > 0 && sending[i].stats.sent === sending[i - 1].stats.sent && sending[i].recorded > sending[i - 1].recorded) {
      from ??= sending[i - 1].at;
      stuckMs = Math.max(stuckMs, sending[i].at - from);
    } else from = null;
  }

  const last = r.polls[r.polls.length - 1]?.stats ?? null;
  const sendable = last ? last.recipients - last.skipped : null;
  const result = {
    recipients: r.recipients,
    sendMs: round(r.sendMs),
    enqueuedMs: r.enqueuedMs,
    sent: rows.length,
    sendable,
    finished: sendable !== null && rows.length >= sendable,
    elapsedMs: r.endedAt - r.started,
    probePerSecond: r.probePerSecond,
    defaultRate: { perSecond: defaultRate, ratio: defaultRate !== null ? round(defaultRate / r.probePerSecond, 3) : null },
    highRate: { setting: r.highRate, perSecond: highRate, ratio: highRate !== null ? round(highRate / r.probePerSecond, 3) : null },
    // Kept for older readers of latest.json.
    sendsPerSecond: highRate ?? defaultRate,
    checks: { duplicates, duplicateMessages, optedOut: optedOut.length, sentToOptedOut, skippedWithMessage, deadLetters },
    progress: { polls: r.polls.length, failedPolls: r.pollErrors.length, firstPollError: r.pollErrors[0] ?? null, answered: summarize(r.polls.map((p) => p.ms)), backwards, behindSends: summarize(behindSends), behindMs: summarize(behindMs), longestStillWhileSendingMs: stuckMs },
    callbacks: {
      messages: r.pump.messages,
      posted: r.pump.posted,
      rejected: r.pump.rejected,
      firstRejection: r.pump.firstRejection,
      withoutProviderId: r.pump.noSid,
      accepted: summarize(r.pump.latencies),
      applied: r.applied ? { sent: r.applied.sent, delivered: r.applied.delivered, read: r.applied.read, failed: r.applied.failed } : null,
      appliedWithinMs: r.appliedMs,
    },
    latency: { before: pick(r.latencyBefore), duringDefault: pick(r.during.default), duringHigh: pick(r.during.high) },
    load: r.load,
    stats: r.applied,
  };
  return result;
}

const pick = (a) => (!a ? null : a.error ? { error: a.error } : { p50: a.latency.p50, p99: a.latency.p99, lost: a.lost, deliveries: a.deliveries });

/** Rows for bench/run.mjs's summary table. */
export function broadcastRows(j) {
  const rows = [];
  const s = (v) => (v === null || v === undefined ? 'n/a' : `${(v / 1000).toFixed(1)} s`);
  rows.push([`(j) broadcast to ${j.recipients} (${j.sendable ?? '?'} sendable): snapshot + enqueue`, `${s(j.enqueuedMs)} (POST /send ${s(j.sendMs)})`, '', '']);
  rows.push([`    sends/s at the default rate (SMS 10/s)`, `${rate(j.defaultRate.perSecond)} = ${j.defaultRate.ratio ?? 'n/a'}× probe (${rate(j.probePerSecond)})`, '', '']);
  rows.push([`    sends/s at broadcastRate ${j.highRate.setting}/s`, `${rate(j.highRate.perSecond)} = ${j.highRate.ratio ?? 'n/a'}× probe`, '', '']);
  rows.push([`    sent ${j.sent} of ${j.sendable ?? '?'}${j.finished ? '' : ' (time bound reached)'}`, s(j.elapsedMs), '', '']);
  const c = j.checks;
  rows.push(['    duplicates / sends to opted-out / skipped with a message', `${c.duplicates} / ${c.sentToOptedOut} (of ${c.optedOut}) / ${c.skippedWithMessage}`, '0 / 0 / 0', c.duplicates === 0 && c.sentToOptedOut === 0 && c.skippedWithMessage === 0 && c.duplicateMessages === 0 ? 'met' : 'NOT met']);
  const p = j.progress;
  rows.push([`    progress (${p.polls} polls, ${p.failedPolls} failed; answered p50 ${ms(p.answered.p50)}, max ${ms(p.answered.max)}): backwards / behind the record`, `${p.backwards} / p50 ${p.behindSends.p50} sends, ${ms(p.behindMs.p50)}; max ${p.behindSends.max} sends, ${ms(p.behindMs.max)}`, 'never backwards', p.backwards === 0 ? 'met' : 'NOT met']);
  const cb = j.callbacks;
  const applied = cb.applied ? `${cb.applied.delivered} delivered, ${cb.applied.read} read` : 'n/a';
  rows.push([`    status callbacks: ${cb.posted} posted for ${cb.messages} sends`, `accept p50 ${ms(cb.accepted.p50)} p99 ${ms(cb.accepted.p99)}; ${cb.rejected} rejected; applied ${applied}`, 'all applied', cb.rejected === 0 && cb.applied && cb.applied.read >= cb.messages ? 'met' : 'NOT met']);
  const l = j.latency;
  const fmt = (x) => (x?.error ? x.error.slice(0, 60) : x ? `p50 ${ms(x.p50)}  p99 ${ms(x.p99)}${x.lost ? ` (${x.lost} lost)` : ''}` : 'n/a');
  rows.push(['    (a) widget → 50 sockets before the broadcast', fmt(l.before), '', '']);
  rows.push(['    (a) during, default rate + callbacks', fmt(l.duringDefault), '', '']);
  rows.push([`    (a) during, ${j.highRate.setting}/s + callbacks`, fmt(l.duringHigh), '', '']);
  const w = j.load;
  if (w)
    rows.push([
      `    busiest thread at ${w.sendsPerSecond} sends/s + ${w.callbacksPerSecond} callbacks/s (${w.seconds} s)`,
      `${(w.busiestShare * 100).toFixed(0)} % busy; ${w.serialMsPerSend} ms per send with its callbacks${w.probeSerialMs ? ` = ${round(w.serialMsPerSend / w.probeSerialMs, 1)} probes (${w.probeSerialMs} ms)` : ''}`,
      '',
      '',
    ]);
  return rows;
}
