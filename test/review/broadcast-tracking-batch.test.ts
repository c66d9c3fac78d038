// Broadcast delivery tracking takes a queue batch of status reports in a fixed number of D1 round trips
// (not one or two per report), in report order, and a redelivered batch changes no count. The broadcast
// is really sent (SMS, sandbox transport); the reports are message.status events as the channels' status
// webhooks produce them, handed to the subscriber with the real D1 binding (its calls counted).
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { broadcastTracking } from '../../worker/broadcasts/tracking';
import type { ParleyEvent } from '../../worker/events/model';
import { audience, broadcast, draft, recipients, sendAndComplete, settled, smsSetup } from '../broadcasts/setup';

/** The real D1 binding, counting the calls that reach the database (a batch is one). */
function countingEnv() {
  let trips = 0;
  const real = new WeakMap<object, D1PreparedStatement>();
  const wrapStmt = (s: D1PreparedStatement): D1PreparedStatement => {
    const p = new Proxy(s, {
      get(target, prop) {
        if (prop === 'bind') return (...args: unknown[]) => wrapStmt(target.bind(...args));
        if (prop === 'run' || prop === 'first' || prop === 'all' || prop === 'raw') trips++;
        const v = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    real.set(p, s);
    return p;
  };
  const db = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === 'prepare') return (q: string) => wrapStmt(target.prepare(q));
      if (prop === 'batch') return (stmts: D1PreparedStatement[]) => {
        trips++;
        return target.batch(stmts.map((x) => real.get(x) ?? x));
      };
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { env: { ...env, DB: db } as Env, trips: () => trips };
}

describe('broadcast tracking per queue batch', () => {
  it('a batch of reports: a fixed number of round trips, statuses in order, redelivery changes nothing', async () => {
    const { ws, inbox, templateId } = await smsSetup();
    await audience(ws);
    const b = await draft(ws, inbox.id, templateId);
    await sendAndComplete(ws, b.id);
    await settled(ws, b.id, 2);
    const rs = (await recipients(ws, b.id, 'sent')) as { messageId: string; conversationId: string; contactId: string }[];
    expect(rs).toHaveLength(2);

    let seq = 100;
    const report = (r: (typeof rs)[number], status: string, at: number): ParleyEvent => ({
      id: `${r.conversationId}:${++seq}`,
      workspaceId: ws.workspaceId,
      conversationId: r.conversationId,
      seq,
      type: 'message.status',
      at,
      actor: null,
      data: { messageId: r.messageId, status, reason: null },
      commit: { first: seq, last: seq },
      conversation: { contactId: r.contactId, inboxId: inbox.id, channel: 'sms', status: 'open', priority: 'normal', assigneeId: null, teamId: null, tags: [], createdAt: at, slaStatus: null },
    });
    const t = Date.now();
    // Both delivered then read, and a late 'sent' that must not move anyone back.
    const batch = [report(rs[0], 'delivered', t), report(rs[1], 'delivered', t + 1), report(rs[0], 'read', t + 2), report(rs[1], 'read', t + 3), report(rs[0], 'sent', t + 4)];

    const counted = countingEnv();
    await broadcastTracking.handle(counted.env, batch);
    expect(counted.trips()).toBeLessThanOrEqual(2);
    const after = await broadcast(ws, b.id);
    expect(after.stats).toMatchObject({ delivered: 2, read: 2 });
    const read = (await recipients(ws, b.id, 'read')) as { deliveredAt: number; readAt: number }[];
    expect(read).toHaveLength(2);
    expect(read.every((r) => r.deliveredAt >= t && r.readAt >= r.deliveredAt)).toBe(true);

    // The same batch again (a redelivery): nothing moves, no count changes.
    const again = countingEnv();
    await broadcastTracking.handle(again.env, batch);
    expect(again.trips()).toBeLessThanOrEqual(2);
    expect((await broadcast(ws, b.id)).stats).toEqual(after.stats);
    expect(await recipients(ws, b.id, 'read')).toEqual(read);
  });
});
