// (a) Widget message → delivered on the sockets of 50 agents watching the thread. A visitor writes over
// the widget socket; every agent socket's `message.received` frame is timed against the send.
import { performance } from 'node:perf_hooks';
import { call, openSocket, sleep, visitorAddress } from './lib/client.mjs';
import { summarize } from './lib/stats.mjs';

export async function realtime(origin, ws, { agents = 50, messages = 200, warmup = 10, gapMs = 5, log = console.log } = {}) {
  const people = [ws.manager, ...ws.staff].slice(0, agents);
  if (people.length < agents) throw new Error(`only ${people.length} agents available`);
  const wsOrigin = origin.replace(/^http/, 'ws');

  // A visitor starts the conversation over REST (the first message opens it), then holds the socket.
  const session = await call(origin, 'POST', '/widget/api/session', { body: { websiteToken: ws.inboxes.webchat.websiteToken, name: 'Realtime Visitor' }, headers: { 'cf-connecting-ip': visitorAddress() } });
  const first = await call(origin, 'POST', '/widget/api/messages', { token: session.visitorToken, body: { text: 'Hello, is anyone there?', clientId: 'rt-open' } });
  const conversationId = first.conversationId;

  // clientId → { sent, arrivals: Map<agentIndex, at> }
  const pending = new Map();
  const settle = (entry) => {
    if (entry.arrivals.size >= agents && entry.ack) entry.done?.();
  };
  const sockets = [];
  try {
    for (let i = 0; i < people.length; i++) {
      const who = i;
      const sock = await openSocket(`${wsOrigin}/api/conversations/${conversationId}/ws?access_token=${encodeURIComponent(people[i].token)}`, {
        onFrame(frame, at) {
          if (frame.t !== 'event' || frame.event?.type !== 'message.received') return;
          // A visitor's client id is stored namespaced (worker/conversations/idempotency.ts visitorExternalId).
          const entry = pending.get(frame.event.message?.externalId?.replace(/^visitor:/, ''));
          if (entry && !entry.arrivals.has(who)) {
            entry.arrivals.set(who, at);
            settle(entry);
          }
        },
      });
      sockets.push(sock);
    }
    const visitor = await openSocket(`${wsOrigin}/widget/api/ws?token=${encodeURIComponent(session.visitorToken)}`, {
      onFrame(frame, at) {
        if (frame.t === 'ack') {
          const entry = pending.get(frame.clientId);
          if (entry) {
            entry.ack = at;
            settle(entry);
          }
        }
      },
    });
    sockets.push(visitor);
    await sleep(300); // let the viewer/collision frames of 50 joins settle

    const fanout = [];
    const ack = [];
    const allDelivered = [];
    let lost = 0;
    let timedOut = 0;
    for (let m = 0; m < warmup + messages; m++) {
      const clientId = `rt-${m}`;
      const entry = { sent: 0, arrivals: new Map(), ack: 0, done: null };
      const complete = new Promise((resolve) => (entry.done = resolve));
      pending.set(clientId, entry);
      entry.sent = performance.now();
      visitor.send({ t: 'message', clientId, text: `Realtime message ${m}: where is my order?` });
      let timer;
      await Promise.race([complete, new Promise((r) => (timer = setTimeout(r, 5_000)))]);
      clearTimeout(timer);
      if (m >= warmup) {
        if (entry.arrivals.size < agents || !entry.ack) timedOut++;
        lost += agents - entry.arrivals.size;
        for (const at of entry.arrivals.values()) fanout.push(at - entry.sent);
        if (entry.ack) ack.push(entry.ack - entry.sent);
        if (entry.arrivals.size === agents) allDelivered.push(Math.max(...entry.arrivals.values()) - entry.sent);
      }
      pending.delete(clientId);
      if (gapMs) await sleep(gapMs);
    }
    const result = {
      agents,
      messages,
      deliveries: fanout.length,
      expectedDeliveries: agents * messages,
      lost,
      timedOutMessages: timedOut,
      latency: summarize(fanout),
      lastOfFanout: summarize(allDelivered),
      visitorAck: summarize(ack),
    };
    log(`  (a) ${result.deliveries}/${result.expectedDeliveries} deliveries: p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms (all 50 in: p50 ${result.lastOfFanout.p50}, p99 ${result.lastOfFanout.p99} ms)`);
    return result;
  } finally {
    for (const s of sockets) s.close();
  }
}
