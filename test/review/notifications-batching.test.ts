// The notifications subscriber makes the same news of an event whatever else its queue batch holds:
// each event alone (a batch of one, as after a redelivery) says what it says in the full commit. The
// subscriber runs on the real Worker bindings (D1, AgentDO feeds); the events are as ConversationDO
// sends them.
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParleyEvent } from '../../worker/events/model';
import { createConversation } from '../../worker/conversations/state';
import { notificationsOnEvents } from '../../worker/notifications/subscriber';
import { routingTransition } from '../../worker/routing/apply';
import { directDecision } from '../../worker/routing/decide';
import { addMember, call, newWorkspace, visitorConversation, webchatInbox, type Workspace } from '../helpers';

let A: Workspace;
let staff: Awaited<ReturnType<typeof addMember>>;
let inbox: Awaited<ReturnType<typeof webchatInbox>>;

const feed = async (token: string, conversationId: string) =>
  ((await call('GET', '/api/me/notifications', { token })).body.items as { kind: string; conversationId: string; title: string; body: string }[]).filter((n) => n.conversationId === conversationId);

function event(conv: { id: string; contactId: string }, over: Partial<ParleyEvent> & Pick<ParleyEvent, 'type' | 'seq' | 'commit'>): ParleyEvent {
  return {
    id: `${conv.id}:${over.seq}`,
    workspaceId: A.workspaceId,
    conversationId: conv.id,
    at: Date.now(),
    actor: null,
    data: {},
    conversation: { contactId: conv.contactId, inboxId: inbox.id, channel: 'webchat', status: 'open', priority: 'normal', assigneeId: staff.userId, teamId: null, tags: [], createdAt: Date.now(), slaStatus: null },
    ...over,
  } as ParleyEvent;
}

beforeAll(async () => {
  A = await newWorkspace('Batching');
  staff = await addMember(A, 'staff');
  inbox = await webchatInbox(A);
});

describe('news independent of the queue batch', () => {
  it('a transfer carries its note on the assignment event itself (routing core)', () => {
    const state = { ...createConversation({ id: 'cnv_1', workspaceId: 'ws_1', contactId: 'ct_1', inboxId: 'inb_1', channel: 'sms' }, 1000, null).state, assigneeId: 'usr_b' };
    const agent = { userId: 'usr_a', name: 'Ana', status: 'online' as const, load: 0, capacity: 4, skills: [], languages: [], teamIds: [], lastAssignedAt: 0 };
    const d = directDecision({ id: 'cnv_1', assigneeId: 'usr_b' }, agent, { userId: 'usr_a', trigger: 'transfer', by: { id: 'usr_b', name: 'Ben' }, note: 'over to you', teamId: null, teamName: null, now: 5 });
    const t = routingTransition(state, d, 2000);
    if (typeof t === 'string') throw new Error(t);
    expect(t.events.find((e) => e.type === 'conversation.assigned')?.data).toMatchObject({ from: 'usr_b', to: 'usr_a', trigger: 'transfer', note: 'over to you' });
  });

  it('a transfer alone in its batch (its routed event elsewhere) is still "transferred" with the note', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'My booking is wrong', { name: 'Tess Transfer' });
    const assigned = event(conv, {
      type: 'conversation.assigned',
      seq: 7,
      commit: { first: 7, last: 8 },
      actor: { type: 'agent', id: A.userId, name: 'Manager' },
      data: { from: A.userId, to: staff.userId, trigger: 'transfer', note: 'Needs a refund approval' },
    });
    await notificationsOnEvents.handle(env, [assigned]);
    const [entry] = await feed(staff.token, conv.id);
    expect(entry).toMatchObject({ kind: 'assigned', title: 'Manager transferred Tess Transfer to you', body: 'Needs a refund approval' });
  });

  it('the first message of a conversation alone in its batch is no "replied" news; a later one is', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'Hello', { name: 'Fay First' });
    // Created already assigned (an assignment rule), first message in the creating commit 1..3.
    const first = event(conv, { type: 'message.received', seq: 3, commit: { first: 1, last: 3 }, data: { messageId: 'msg_1' }, message: { id: 'msg_1', direction: 'inbound', authorType: 'contact', authorId: null, text: 'Hello', isInternalNote: false, attachments: 0, externalId: null } });
    await notificationsOnEvents.handle(env, [first]);
    expect(await feed(staff.token, conv.id)).toEqual([]);
    expect(notificationsOnEvents.wants(first)).toBe(false);

    const later = event(conv, { type: 'message.received', seq: 5, commit: { first: 5, last: 5 }, data: { messageId: 'msg_2' }, message: { id: 'msg_2', direction: 'inbound', authorType: 'contact', authorId: null, text: 'Anyone?', isInternalNote: false, attachments: 0, externalId: null } });
    expect(notificationsOnEvents.wants(later)).toBe(true);
    await notificationsOnEvents.handle(env, [later]);
    expect(await feed(staff.token, conv.id)).toEqual([expect.objectContaining({ kind: 'customer_replied', title: 'Fay First replied', body: 'Anyone?' })]);
  });
});

/** env with its D1 binding counting round trips (a statement's first/all/run/raw, a batch) into `log`. */
function countingEnv(log: string[]): Env {
  const real = new WeakMap<object, D1PreparedStatement>();
  const wrap = (st: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(st, {
      get(t, p) {
        const v = (t as any)[p];
        if (p === 'bind') return (...a: unknown[]) => wrap(v.apply(t, a));
        if (p === 'first' || p === 'all' || p === 'run' || p === 'raw') return (...a: unknown[]) => (log.push(p), v.apply(t, a));
        return typeof v === 'function' ? v.bind(t) : v;
      },
    });
    real.set(proxy, st);
    return proxy;
  };
  const db = new Proxy(env.DB, {
    get(t, p) {
      const v = (t as any)[p];
      if (p === 'prepare') return (sql: string) => wrap(v.call(t, sql));
      if (p === 'batch') return (stmts: D1PreparedStatement[]) => (log.push(`batch(${stmts.length})`), v.call(t, stmts.map((st) => real.get(st) ?? st)));
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
  return { ...env, DB: db };
}

describe('the reads of a batch of news', () => {
  it("a batch's names and recipients are read in one round trip, whatever the news it holds", async () => {
    const one = await visitorConversation(inbox.websiteToken, 'First question', { name: 'Olga One' });
    const two = await visitorConversation(inbox.websiteToken, 'Second question', { name: 'Tom Two' });
    const news = [
      event(one, { type: 'conversation.assigned', seq: 3, commit: { first: 3, last: 4 }, data: { from: null, to: staff.userId } }),
      event(two, { type: 'conversation.assigned', seq: 3, commit: { first: 3, last: 4 }, data: { from: null, to: staff.userId } }),
      event(one, { type: 'message.received', seq: 6, commit: { first: 6, last: 6 }, data: { messageId: 'msg_9' }, message: { id: 'msg_9', direction: 'inbound', authorType: 'contact', authorId: null, text: 'Still there?', isInternalNote: false, attachments: 0, externalId: null } }),
    ];
    const log: string[] = [];
    await notificationsOnEvents.handle(countingEnv(log), news);
    expect(log).toEqual(['batch(2)']);
    expect((await feed(staff.token, one.id)).map((n) => n.title).sort()).toEqual(['Olga One replied', 'Olga One was assigned to you']);
    expect((await feed(staff.token, two.id)).map((n) => n.title)).toEqual(['Tom Two was assigned to you']);
  });
});
