// How decisions land in a conversation, pure: when routing runs, the transition a decision makes
// (assignee, team, priority, tags and the routed event), refusals, and direct decisions.
import { describe, expect, it } from 'vitest';
import type { Conversation, Message } from '../../worker/conversations/model';
import { createConversation } from '../../worker/conversations/state';
import { routingTransition, routingTrigger } from '../../worker/routing/apply';
import { directDecision } from '../../worker/routing/decide';
import { NO_CANDIDATES, type RoutingDecision } from '../../worker/routing/model';

const base = createConversation({ id: 'cnv_1', workspaceId: 'ws_1', contactId: 'ct_1', inboxId: 'inb_1', channel: 'sms' }, 1000, null).state;
const inbound = { direction: 'inbound' } as Message;
const decision = (over: Partial<RoutingDecision> = {}): RoutingDecision => ({
  conversationId: 'cnv_1',
  trigger: 'created',
  outcome: 'assigned',
  assigneeId: 'usr_a',
  assigneeName: 'Ana',
  teamId: 'team_1',
  teamName: 'Support',
  priority: 'high',
  addTags: ['VIP'],
  rule: { id: 'rule_1', name: 'VIPs', isDefault: false },
  mode: 'load_balanced',
  step: null,
  reason: 'Rule “VIPs” matched → Support, load-balanced: Ana',
  candidates: NO_CANDIDATES,
  by: null,
  note: null,
  expectAssigneeId: null,
  at: 2000,
  ...over,
});

describe('routingTrigger', () => {
  it('routes the first customer message and a reopening, only while unassigned', () => {
    const first = { ...base, lastCustomerSeq: 2, messageCount: 1 };
    expect(routingTrigger(base, first, inbound)).toBe('created');
    expect(routingTrigger(first, { ...first, lastCustomerSeq: 3 }, inbound)).toBeNull();
    expect(routingTrigger({ ...first, status: 'closed' }, first, inbound)).toBe('reopened');
    expect(routingTrigger(base, { ...first, assigneeId: 'usr_a' }, inbound)).toBeNull();
    expect(routingTrigger(base, first, { direction: 'outbound' } as Message)).toBeNull();
    expect(routingTrigger(base, first, undefined)).toBeNull();
  });
});

describe('routingTransition', () => {
  it('applies assignee, team, priority and tags through the ordinary patch, then the routed event', () => {
    const t = routingTransition(base, decision(), 2000);
    if (typeof t === 'string') throw new Error(t);
    expect(t.state).toMatchObject({ assigneeId: 'usr_a', teamId: 'team_1', priority: 'high', tags: ['vip'] });
    expect(t.events.map((e) => e.type)).toEqual(['conversation.assigned', 'conversation.updated', 'conversation.routed']);
    expect(t.events[2].actor).toMatchObject({ type: 'system', name: 'Routing' });
    expect(t.events[2].data).toMatchObject({ outcome: 'assigned', reason: 'Rule “VIPs” matched → Support, load-balanced: Ana' });
    expect(t.events[2].data.conversationId).toBeUndefined();
  });

  it('a queued decision sets the team and unassigns an offline assignee', () => {
    const held: Conversation = { ...base, assigneeId: 'usr_gone', teamId: 'team_1' };
    const t = routingTransition(held, decision({ trigger: 'offline', outcome: 'queued', assigneeId: null, priority: null, addTags: [], expectAssigneeId: 'usr_gone' }), 2000);
    if (typeof t === 'string') throw new Error(t);
    expect(t.state.assigneeId).toBeNull();
    expect(t.events.map((e) => e.type)).toEqual(['conversation.assigned', 'conversation.routed']);
  });

  it('refuses a decision the conversation has moved past', () => {
    expect(routingTransition({ ...base, assigneeId: 'usr_b' }, decision(), 2000)).toBe('assignee_changed');
    expect(routingTransition({ ...base, status: 'closed' }, decision(), 2000)).toBe('closed');
    // A person's transfer may reach a closed conversation (it stays closed).
    const t = routingTransition({ ...base, status: 'closed' }, decision({ trigger: 'transfer', by: { id: 'usr_m', name: 'Mo' } }), 2000);
    expect(typeof t).toBe('object');
  });
});

describe('directDecision', () => {
  const agent = { userId: 'usr_a', name: 'Ana', status: 'online' as const, load: 4, capacity: 4, skills: [], languages: [], teamIds: [], lastAssignedAt: 0 };
  it('explains a transfer, saying when it goes over capacity', () => {
    const d = directDecision({ id: 'cnv_1', assigneeId: 'usr_b' }, agent, { userId: 'usr_a', trigger: 'transfer', by: { id: 'usr_b', name: 'Ben' }, note: 'over to you', teamId: null, teamName: null, now: 5 });
    expect(d).toMatchObject({ outcome: 'assigned', mode: 'direct', expectAssigneeId: 'usr_b', note: 'over to you', by: { name: 'Ben' } });
    expect(d.reason).toBe('Transferred by Ben to Ana (online, load 4/4, over capacity 5/4)');
  });
  it('explains a take-over', () => {
    const d = directDecision({ id: 'cnv_1', assigneeId: null }, agent, { userId: 'usr_a', trigger: 'takeover', by: { id: 'usr_a', name: 'Ana' }, note: null, teamId: null, teamName: null, now: 5, from: 'the bot' });
    expect(d.reason).toBe('Ana took over from the bot');
  });
});
