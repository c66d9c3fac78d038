// Regressions from the review of the ConversationDO's automation wiring: an escalation whose path lost
// levels must not keep a timer in the past (the alarm re-fired forever); no sentiment scoring without
// alert rules or auto-prioritization; unknown contact tags never match a tag-conditioned policy as "no
// tags"; a reapply visits closed, not archived conversations while archiving is on.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { usesContactTags } from '../../worker/sla/automate';
import { reapplyWorkspace } from '../../worker/sla/reapply';
import { call, newWorkspace, visitor, visitorConversation, visitorSays, webchatInbox } from '../helpers';
import { alarmOf, bumpVersion, eventsOf, insertAlertRule, insertPath, insertPolicy, setAutomation, stateOf, stateWhen, stubOf, timersOf } from './do-fixtures';

const manager = (ws: { userId: string }) => ({ type: 'agent' as const, id: ws.userId, name: 'Manager' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('review fixes in the ConversationDO', () => {
  it('a path cut to fewer levels than the episode ran: the escalation stops and its timer is dropped', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const conv = await visitorConversation(inbox.websiteToken, 'I need a manager');
    const stub = stubOf(ws, conv.id);
    const pathId = await insertPath(ws, {
      triggers: ['manual'],
      levels: [
        { delayMs: 0, name: 'L1', actions: [{ type: 'flag' }] },
        { delayMs: 1_500, name: 'L2', actions: [{ type: 'add_tags', tags: ['l2'] }] },
      ],
    });
    await stub.reapplyAutomation(await bumpVersion(ws));
    expect((await stub.escalate({ trigger: 'manual', reason: 'asked', actor: manager(ws) })).ok).toBe(true);
    await stateWhen(ws, conv.id, (c) => c.escalation?.level === 1, 5_000);
    // The path loses its second level before it is due.
    await env.DB.prepare(`UPDATE escalation_paths SET levels = ? WHERE id = ?`).bind(JSON.stringify([{ delayMs: 0, name: 'L1', actions: [{ type: 'flag' }] }]), pathId).run();
    await stub.reapplyAutomation(await bumpVersion(ws));
    const done = await stateWhen(ws, conv.id, (c) => c.escalation?.nextLevelAt === null, 6_000);
    expect(done.escalation).toMatchObject({ level: 1, resolvedAt: null });
    expect(done.tags).not.toContain('l2');
    expect((await timersOf(ws, conv.id)).escalation).toBeUndefined();
    const alarm = await alarmOf(ws, conv.id);
    expect(alarm === null || alarm > Date.now()).toBe(true);
  });

  it('each escalation level is committed before its event, and its intermediate state names the following level', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const conv = await visitorConversation(inbox.websiteToken, 'Still waiting');
    const stub = stubOf(ws, conv.id);
    await insertPath(ws, {
      triggers: ['manual'],
      levels: [
        { delayMs: 0, name: 'L1', actions: [{ type: 'flag' }] },
        { delayMs: 0, name: 'L2', actions: [{ type: 'raise_priority' }] },
        { delayMs: 3_600_000, name: 'L3', actions: [{ type: 'raise_priority' }] },
      ],
    });
    await stub.reapplyAutomation(await bumpVersion(ws));
    const started = await stub.escalate({ trigger: 'manual', reason: 'asked', actor: manager(ws) });
    if (!started.ok) throw new Error('not started');
    const startedAt = started.conversation.escalation!.startedAt;
    const done = await stateWhen(ws, conv.id, (c) => c.escalation?.level === 2, 5_000);
    expect(done.escalation!.nextLevelAt).toBe(startedAt + 3_600_000);
    expect((await timersOf(ws, conv.id)).escalation).toBe(startedAt + 3_600_000);
    const events = await eventsOf(ws, conv.id);
    const levels = events.filter((e) => e.type === 'escalation.level');
    expect(levels.map((e) => e.data.level)).toEqual([1, 2]);
    expect((levels[0].data.results as { type: string; ok: boolean }[]).map((r) => [r.type, r.ok])).toEqual([['flag', true]]);
    // The flag (the level's own change) is committed before the level's event that records the results.
    const flagged = events.find((e) => e.type === 'conversation.updated' && (e.data as Record<string, unknown>).flagged !== undefined);
    if (flagged) expect(flagged.seq).toBeLessThan(levels[0].seq);
  });

  it('no alert rules and no auto-prioritization: no sentiment scoring; a rule turns it on', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const conv = await visitorConversation(inbox.websiteToken, 'This is terrible, I am furious');
    await stateWhen(ws, conv.id, (c) => c.messageCount === 1);
    await sleep(500);
    expect((await stateOf(ws, conv.id)).sentiment ?? null).toBeNull();

    await insertAlertRule(ws, { name: 'Angry', conditions: [{ type: 'sentiment_below', maxScore: -0.3 }], actions: [{ type: 'flag' }] });
    await stubOf(ws, conv.id).reapplyAutomation(await bumpVersion(ws));
    await visitorSays(conv.visitorToken, 'Still furious, this is awful');
    const scored = await stateWhen(ws, conv.id, (c) => typeof c.sentiment === 'number', 5_000);
    expect(scored.sentiment).toBeLessThan(0);
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
    await sleep(300);
    const applied = (await eventsOf(ws, conversationId)).filter((e) => e.type === 'sla.applied');
    expect(applied.map((e) => e.data.policyId)).toEqual([vipPolicy]);
  });

  it('usesContactTags: only enabled policies and paths with a contact-tag condition count', () => {
    const policy = (enabled: boolean, contactTags: string[]) => ({ enabled, conditions: { contactTags } }) as never;
    expect(usesContactTags({ policies: [policy(true, [])], paths: [] })).toBe(false);
    expect(usesContactTags({ policies: [policy(false, ['vip'])], paths: [policy(false, ['vip'])] })).toBe(false);
    expect(usesContactTags({ policies: [], paths: [policy(true, ['vip'])] })).toBe(true);
    expect(usesContactTags({ policies: [policy(true, ['VIP'])], paths: [] })).toBe(true);
  });

  it('a reapply with archiving on arms the archive timer of closed, not archived conversations', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const conv = await visitorConversation(inbox.websiteToken, 'Thanks, all good');
    await stateWhen(ws, conv.id, (c) => c.messageCount === 1);
    expect((await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { status: 'closed' } })).status).toBe(200);
    // Wait for the projection to say closed (the reapply pages D1).
    for (let i = 0; i < 50; i++) {
      const row = await env.DB.prepare(`SELECT status FROM conversations WHERE id = ?`).bind(conv.id).first<{ status: string }>();
      if (row?.status === 'closed') break;
      await sleep(100);
    }
    expect((await timersOf(ws, conv.id)).auto_status).toBeUndefined();
    const version = await setAutomation(ws, { archiveAfterMs: 3_600_000 });
    const result = await reapplyWorkspace(env, ws.workspaceId, version);
    expect(result).toEqual({ conversations: 1, failed: 0 });
    const closed = await stateOf(ws, conv.id);
    expect((await timersOf(ws, conv.id)).auto_status).toBe(closed.closedAt! + 3_600_000);
  });
});
