// SLA clocks inside the ConversationDO: the policy applies when a conversation opens, is re-matched
// when priority changes (the alarm moves with it), pauses while pending, and the real alarm fires the
// warning and the breach on time. Policies are D1 rows as the API writes them (short targets).
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, eventually, newWorkspace, visitor, visitorConversation, visitorSays, webchatInbox } from '../helpers';
import { alarmOf, eventsOf, insertPolicy, projected, stateOf, stateWhen, stubOf, timersOf } from './do-fixtures';

async function setup() {
  const ws = await newWorkspace();
  const inbox = await webchatInbox(ws);
  return { ws, inbox };
}

describe('SLA policy in the ConversationDO', () => {
  it('applies the matching policy when a conversation opens, with the deadline from the customer message, and projects it', async () => {
    const { ws, inbox } = await setup();
    const policyId = await insertPolicy(ws, { firstResponseMs: 60_000, resolutionMs: 3_600_000 });
    const conv = await visitorConversation(inbox.websiteToken, 'Is the loft free this weekend?');
    const state = await stateWhen(ws, conv.id, (c) => c.sla?.policyId === policyId);
    const [message] = await stubOf(ws, conv.id).messages({ limit: 1, includeNotes: true });
    const first = state.sla!.clocks.find((c) => c.target === 'firstResponse')!;
    expect(first.startedAt).toBe(message.createdAt);
    expect(first.dueAt).toBe(message.createdAt + 60_000);
    expect(first.warnAt).toBe(message.createdAt + 45_000);
    expect(state.sla).toMatchObject({ status: 'ok', dueAt: message.createdAt + 60_000, nextWakeAt: message.createdAt + 45_000 });
    const resolution = state.sla!.clocks.find((c) => c.target === 'resolution')!;
    expect(resolution.dueAt).toBe(resolution.startedAt + 3_600_000);
    const applied = (await eventsOf(ws, conv.id)).filter((e) => e.type === 'sla.applied');
    expect(applied).toHaveLength(1);
    expect(applied[0].data).toMatchObject({ policyId });
    // The single alarm is the SLA timer once the outbox is empty; D1 lists can filter and sort by it.
    expect((await timersOf(ws, conv.id)).sla).toBe(message.createdAt + 45_000);
    await eventually(async () => (await alarmOf(ws, conv.id)) === message.createdAt + 45_000);
    const row = await eventually(async () => {
      const r = await projected(conv.id);
      return r?.sla_policy_id === policyId ? r : null;
    });
    expect(row).toMatchObject({ sla_status: 'ok', sla_due_at: message.createdAt + 60_000 });
  });

  it('re-applies the policy when the priority changes, and the alarm moves with the new deadline', async () => {
    const { ws, inbox } = await setup();
    const urgentId = await insertPolicy(ws, { position: 0, conditions: { priorities: ['urgent'] }, firstResponseMs: 20_000 });
    const normalId = await insertPolicy(ws, { position: 1, firstResponseMs: 600_000 });
    const conv = await visitorConversation(inbox.websiteToken, 'Hello, a question about my booking');
    const before = await stateWhen(ws, conv.id, (c) => c.sla?.policyId === normalId);
    const started = before.sla!.clocks[0].startedAt;
    expect(before.sla!.dueAt).toBe(started + 600_000);

    const patched = await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { priority: 'urgent' } });
    expect(patched.status).toBe(200);
    const after = await stateOf(ws, conv.id);
    expect(after.sla).toMatchObject({ policyId: urgentId, dueAt: started + 20_000, nextWakeAt: started + 15_000 });
    const applied = (await eventsOf(ws, conv.id)).filter((e) => e.type === 'sla.applied');
    expect(applied.at(-1)!.data).toMatchObject({ policyId: urgentId, previousPolicyId: normalId });
    expect((await timersOf(ws, conv.id)).sla).toBe(started + 15_000);
    await eventually(async () => (await alarmOf(ws, conv.id)) === started + 15_000);

    // And back: the clock keeps its start, the deadline is the other policy's again.
    await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { priority: 'normal' } });
    expect((await stateOf(ws, conv.id)).sla).toMatchObject({ policyId: normalId, dueAt: started + 600_000 });
  });

  it('pending pauses the clocks (no SLA timer) and reopening resumes them with the time that was left', async () => {
    const { ws, inbox } = await setup();
    await insertPolicy(ws, { resolutionMs: 600_000, countPending: false });
    const conv = await visitorConversation(inbox.websiteToken, 'Can I check in early?');
    const open = await stateWhen(ws, conv.id, (c) => !!c.sla);
    const due = open.sla!.dueAt!;

    await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { status: 'pending' } });
    const paused = await stateOf(ws, conv.id);
    const clock = paused.sla!.clocks.find((c) => c.target === 'resolution')!;
    expect(clock.dueAt).toBeNull();
    expect(clock.remainingMs).toBeGreaterThan(590_000);
    expect(paused.sla!.nextWakeAt).toBeNull();
    expect((await timersOf(ws, conv.id)).sla).toBeUndefined();

    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { status: 'open' } });
    const resumed = await stateOf(ws, conv.id);
    const dueAgain = resumed.sla!.clocks.find((c) => c.target === 'resolution')!.dueAt!;
    // The paused stretch does not count: the deadline moved out by (at least) the pause.
    expect(dueAgain).toBeGreaterThanOrEqual(due + 300);
    expect(dueAgain).toBeGreaterThanOrEqual(t0 + clock.remainingMs!);
    expect((await timersOf(ws, conv.id)).sla).toBe(resumed.sla!.nextWakeAt);
  });

  it('the real alarm fires the warning, then the breach, each within a second of its instant', async () => {
    const { ws, inbox } = await setup();
    await insertPolicy(ws, { firstResponseMs: 1500, warningPct: 50 });
    const conv = await visitorConversation(inbox.websiteToken, 'Anyone there?');
    const applied = await stateWhen(ws, conv.id, (c) => !!c.sla);
    const clock = applied.sla!.clocks[0];
    // Nothing advances the alarm by hand: the object wakes at warnAt and at dueAt by itself.
    const breached = await stateWhen(ws, conv.id, (c) => c.sla?.status === 'breached', 10_000);
    expect(breached.sla!.clocks[0].breachedAt).not.toBeNull();
    const events = await eventsOf(ws, conv.id);
    const warning = events.find((e) => e.type === 'sla.warning')!;
    const breach = events.find((e) => e.type === 'sla.breached')!;
    expect(warning.seq).toBeLessThan(breach.seq);
    expect(warning.at).toBeGreaterThanOrEqual(clock.warnAt!);
    expect(warning.at - clock.warnAt!).toBeLessThan(1000);
    expect(breach.at).toBeGreaterThanOrEqual(clock.dueAt!);
    expect(breach.data.lateMs).toBeLessThan(1000);
    expect(events.filter((e) => e.type === 'sla.breached')).toHaveLength(1);
    // Analytics and the list see it too.
    await eventually(async () => (await projected(conv.id))?.sla_status === 'breached');
    const analytics = await env.DB.prepare(`SELECT type FROM analytics_events WHERE conversation_id = ? AND type LIKE 'sla.%' ORDER BY seq`).bind(conv.id).all<{ type: string }>();
    expect(analytics.results.map((r) => r.type)).toEqual(['sla.applied', 'sla.warning', 'sla.breached']);
    // A reply meets the clock (late); nothing is left to wake for.
    await call('POST', `/api/conversations/${conv.id}/messages`, { token: ws.token, body: { text: 'Sorry for the wait!' } });
    const met = await stateOf(ws, conv.id);
    expect(met.sla!.nextWakeAt).toBeNull();
    expect((await eventsOf(ws, conv.id)).find((e) => e.type === 'sla.met')!.data).toMatchObject({ target: 'firstResponse', late: true });
  });

  it('unknown contact tags do not match a tag-conditioned workspace as "no tags": one policy, applied once', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const vipPolicy = await insertPolicy(ws, { position: 0, conditions: { contactTags: ['vip'] }, firstResponseMs: 600_000 });
    await insertPolicy(ws, { position: 1, firstResponseMs: 3_600_000 });
    // A first conversation loads the config into this isolate's cache: the next object commits with it at once.
    const first = await visitorConversation(inbox.websiteToken, 'warm up');
    await stateWhen(ws, first.id, (c) => !!c.sla);
    const vip = await visitor(inbox.websiteToken, { name: 'Valued Guest' });
    await env.DB.prepare(`UPDATE contacts SET tags = '["vip"]' WHERE id = ?`).bind(vip.contactId).run();
    const { conversationId } = await visitorSays(vip.visitorToken, 'Hello');
    const state = await stateWhen(ws, conversationId, (c) => !!c.sla);
    expect(state.sla!.policyId).toBe(vipPolicy);
    await stubOf(ws, conversationId).settled();
    const applied = (await eventsOf(ws, conversationId)).filter((e) => e.type === 'sla.applied');
    expect(applied.map((e) => e.data.policyId)).toEqual([vipPolicy]);
  });
});
