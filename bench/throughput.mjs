// (b) Messages/s through POST /api/conversations/:id/messages over 200 conversations, beside the bare
// Durable Object round trip (POST /api/dev/probe/:n: Worker → ProbeDO → one SQLite write) measured the
// same way in the same run. Blocks alternate (probe, messages, probe, messages) so background load on a
// shared machine falls on both alike; after each messages block we also time how long the D1
// projection takes to catch up, since that work continues after the responses.
import { performance } from 'node:perf_hooks';
import { call, pool, request, sleep, visitorAddress } from './lib/client.mjs';
import { round, summarize } from './lib/stats.mjs';

export async function throughput(origin, ws, { conversations = 200, messages = 4000, concurrency = 48, rounds = 2, blockTimeoutMs = 40_000, waitForProjection = true, log = console.log } = {}) {
  const token = ws.manager.token;
  const inbox = ws.throughputInbox;

  // 200 conversations opened the way customers open them: a widget visitor's first message.
  const ids = new Array(conversations);
  await pool(conversations, 16, async (i) => {
    const session = await call(origin, 'POST', '/widget/api/session', { body: { websiteToken: inbox.websiteToken, name: `Throughput visitor ${i}` }, headers: { 'cf-connecting-ip': visitorAddress() } });
    const res = await call(origin, 'POST', '/widget/api/messages', { token: session.visitorToken, body: { text: `Hi, question ${i}`, clientId: `tp-open-${i}` } });
    ids[i] = res.conversationId;
  });
  if (new Set(ids).size !== conversations) throw new Error('expected one conversation per visitor');
  let accepted = conversations; // messages the projection must eventually count

  const probe = (i) => request(origin, 'POST', `/api/dev/probe/bench-${i % conversations}`);
  let sent = 0;
  const post = (i) => {
    const n = sent++;
    return request(origin, 'POST', `/api/conversations/${ids[i % conversations]}/messages`, { token, body: { text: `Reply ${n}: your order ships tomorrow.`, clientId: `tp-${n}` } });
  };

  // Warm-up: every object and every conversation once, not measured.
  const warm = await block(probe, conversations, concurrency, blockTimeoutMs);
  const warmMsgs = await block(post, conversations, concurrency, blockTimeoutMs);
  if (warm.errors || warmMsgs.errors) throw new Error(`warm-up failed: ${warm.firstError ?? warmMsgs.firstError}`);
  accepted += warmMsgs.ok;
  const drain = waitForProjection ? projectionLag : async () => NaN;
  await drain(origin, token, inbox.id, accepted);

  const perRound = Math.ceil(messages / rounds);
  const probeBlocks = [];
  const msgBlocks = [];
  for (let r = 0; r < rounds; r++) {
    const p = await block(probe, perRound, concurrency, blockTimeoutMs);
    probeBlocks.push(p);
    log(`  (b) round ${r + 1}/${rounds}: probe ${p.ok} in ${(p.elapsedMs / 1000).toFixed(1)} s = ${p.rate.toFixed(0)}/s (p50 ${p.latency.p50} ms)${p.errors ? `, ${p.errors} errors` : ''}`);
    const m = await block(post, perRound, concurrency, blockTimeoutMs);
    accepted += m.ok;
    m.projectionLagMs = round(await drain(origin, token, inbox.id, accepted));
    msgBlocks.push(m);
    log(`  (b) round ${r + 1}/${rounds}: messages ${m.ok} in ${(m.elapsedMs / 1000).toFixed(1)} s = ${m.rate.toFixed(0)}/s (p50 ${m.latency.p50} ms), D1 caught up ${m.projectionLagMs.toFixed(0)} ms later${m.errors ? `, ${m.errors} errors (${m.firstError})` : ''}`);
  }
  const probeAll = combine(probeBlocks);
  const msgAll = combine(msgBlocks);
  const lag = msgBlocks.reduce((s, b) => s + b.projectionLagMs, 0);
  return {
    conversations,
    concurrency,
    rounds,
    messages: { ...msgAll, projectionLagMs: round(lag), rateWithProjection: round(msgAll.ok / ((msgAll.elapsedMs + lag) / 1000)) },
    probe: probeAll,
    /** Cost of one message relative to one bare DO round trip (throughput ratio). */
    costRatio: round(probeAll.rate / msgAll.rate),
    latencyRatioP50: round(msgAll.latency.p50 / probeAll.latency.p50),
  };
}

/** Closed loop: `concurrency` callers, `count` requests, stopped early at the time bound. */
async function block(fn, count, concurrency, timeoutMs) {
  const latencies = [];
  let errors = 0;
  let firstError = null;
  let next = 0;
  const started = performance.now();
  const deadline = started + timeoutMs;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count && performance.now() < deadline) {
        const i = next++;
        try {
          const res = await fn(i);
          if (res.status >= 200 && res.status < 300) latencies.push(res.ms);
          else {
            errors++;
            firstError ??= `${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
          }
        } catch (err) {
          errors++;
          firstError ??= String(err);
        }
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  return { ok: latencies.length, errors, firstError, attempted: next, timedOut: next < count, elapsedMs: round(elapsedMs), rate: round(latencies.length / (elapsedMs / 1000)), latency: summarize(latencies), latencies };
}

function combine(blocks) {
  const latencies = blocks.flatMap((b) => b.latencies);
  const ok = latencies.length;
  const elapsedMs = blocks.reduce((s, b) => s + b.elapsedMs, 0);
  return {
    ok,
    errors: blocks.reduce((s, b) => s + b.errors, 0),
    firstError: blocks.find((b) => b.firstError)?.firstError ?? null,
    timedOut: blocks.some((b) => b.timedOut),
    elapsedMs: round(elapsedMs),
    rate: round(ok / (elapsedMs / 1000)),
    latency: summarize(latencies),
    blocks: blocks.map(({ latencies: _l, ...b }) => b),
  };
}

/** Wait until the D1 projection counts `expected` messages in the inbox; returns how long it took. */
async function projectionLag(origin, token, inboxId, expected, timeoutMs = 60_000) {
  const started = performance.now();
  for (;;) {
    const res = await call(origin, 'GET', `/api/conversations?inboxId=${inboxId}&limit=200`, { token });
    const projected = res.items.reduce((s, c) => s + c.messageCount, 0);
    if (projected >= expected) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`D1 projection did not catch up: ${projected}/${expected} messages after ${timeoutMs} ms`);
    await sleep(100);
  }
}
