// AI alert rules after a customer message (asynchronously, after the acknowledgement): sentiment of
// the latest messages stored on the conversation, a rule that fires flags, notifies and escalates,
// auto-prioritization raises the priority; each hit is projected into ai_alerts once.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { PRIORITY_RANK } from '../../worker/conversations/model';
import { agentStub } from '../../worker/routing/stubs';
import { eventually, newWorkspace, visitor, visitorConversation, visitorSays, webchatInbox } from '../helpers';
import { bumpVersion, eventsOf, insertAlertRule, insertPath, projected, setAutomation, stateOf, stateWhen, stubOf } from './do-fixtures';

describe('AI alert rules in the ConversationDO', () => {
  it('an angry message fires the rule (flag, notify, escalate) and raises the priority; a calm one does not', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    await setAutomation(ws, { autoPriority: { enabled: true, vipTags: ['vip'] } });
    const pathId = await insertPath(ws, { triggers: ['alert'], levels: [{ delayMs: 3_600_000, name: 'Supervisor', actions: [{ type: 'flag' }] }] });
    const ruleId = await insertAlertRule(ws, {
      name: 'Angry customer',
      conditions: [{ type: 'sentiment_below', maxScore: -0.3 }],
      actions: [{ type: 'flag' }, { type: 'notify', recipients: { userIds: [ws.userId], roles: [], assignee: false } }, { type: 'escalate', pathId }],
    });
    const v = await visitor(inbox.websiteToken, { name: 'Guest' });
    const { conversationId: id } = await visitorSays(v.visitorToken, 'Hi, what time is check-in? Thanks!');
    const calm = await stateWhen(ws, id, (c) => typeof c.sentiment === 'number');
    expect(calm.sentiment).toBeGreaterThan(-0.3);
    expect(calm.flagged ?? false).toBe(false);
    expect(calm.priority).toBe('normal');

    const angry = await visitorSays(v.visitorToken, 'This is terrible, I am furious! The room is filthy and nobody answers. Fix it immediately!');
    const state = await stateWhen(ws, id, (c) => c.flagged === true && !!c.escalation);
    expect(state.sentiment).toBeLessThanOrEqual(-0.3);
    expect(PRIORITY_RANK[state.priority]).toBeGreaterThanOrEqual(PRIORITY_RANK.high);
    expect(state.escalation).toMatchObject({ pathId, trigger: 'alert', reason: 'Alert: Angry customer' });

    const events = await eventsOf(ws, id);
    const fired = events.filter((e) => e.type === 'alert.fired');
    expect(fired).toHaveLength(1);
    expect(fired[0].data).toMatchObject({ ruleId, ruleName: 'Angry customer', messageSeq: angry.message.seq });
    expect((fired[0].data.reasons as string[]).length).toBeGreaterThan(0);
    const auto = events.find((e) => e.type === 'conversation.updated' && e.data.reason === 'auto_priority')!;
    expect(auto.data.priority).toBe(state.priority);
    expect(auto.data.reasons).toEqual(expect.arrayContaining([expect.stringContaining('immediately')]));

    const row = await eventually(() => env.DB.prepare(`SELECT * FROM ai_alerts WHERE conversation_id = ?`).bind(id).first<Record<string, any>>());
    expect(row).toMatchObject({ rule_id: ruleId, rule_name: 'Angry customer', message_seq: angry.message.seq });
    expect(row.sentiment).toBeLessThanOrEqual(-0.3);
    const feed = await eventually(async () => {
      const f = await agentStub(env, ws.workspaceId, ws.userId).notifications({ limit: 10 });
      return f.items.find((n) => n.kind === 'alert');
    });
    expect(feed).toMatchObject({ conversationId: id, title: 'Alert: Angry customer' });
    await eventually(async () => (await projected(id))?.flagged === 1);

    // An agent clears the flag; a polite follow-up neither refires the rule nor lowers the priority.
    const cleared = await stubOf(ws, id).update({ flagged: false }, { type: 'agent', id: ws.userId, name: 'Manager' });
    expect(cleared).toMatchObject({ ok: true, conversation: { flagged: false } });
    expect((await eventsOf(ws, id)).at(-1)).toMatchObject({ type: 'conversation.updated', data: { flagged: false } });
    await visitorSays(v.visitorToken, 'Thank you, that is great, much better now.');
    const later = await stateWhen(ws, id, (c) => (c.sentiment ?? -1) > 0);
    expect(later.priority).toBe(state.priority);
    expect((await eventsOf(ws, id)).filter((e) => e.type === 'alert.fired')).toHaveLength(1);
  });

  it('no alert rules and no auto-prioritization: no sentiment scoring; a rule turns it on', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const conv = await visitorConversation(inbox.websiteToken, 'This is terrible, I am furious');
    await stateWhen(ws, conv.id, (c) => c.messageCount === 1);
    await stubOf(ws, conv.id).settled();
    expect((await stateOf(ws, conv.id)).sentiment ?? null).toBeNull();

    await insertAlertRule(ws, { name: 'Angry', conditions: [{ type: 'sentiment_below', maxScore: -0.3 }], actions: [{ type: 'flag' }] });
    await stubOf(ws, conv.id).reapplyAutomation(await bumpVersion(ws));
    await visitorSays(conv.visitorToken, 'Still furious, this is awful');
    const scored = await stateWhen(ws, conv.id, (c) => typeof c.sentiment === 'number', 5_000);
    expect(scored.sentiment).toBeLessThan(0);
  });
});
