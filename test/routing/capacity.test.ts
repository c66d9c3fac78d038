// Through the real objects: 200 conversations arriving at once never exceed anyone's capacity and are
// never assigned twice; whoever does not fit waits in the team queue, in priority then waiting order,
// and is assigned the moment an agent frees capacity or comes online.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { conversationStub } from '../../worker/conversations/service';
import { newId } from '../../worker/db/ids';
import { call, eventually, visitor, visitorSays } from '../helpers';
import { closeTabs, conversation, goOnline, rosterOf, routeEverythingTo, routed, routingWorkspace, workspaceDO } from './fixtures';

describe('load-balanced under a burst', () => {
  it('200 concurrent arrivals: nobody over capacity, nothing assigned twice, the rest queued', async () => {
    const { ws, agents, teamId, inbox } = await routingWorkspace({ agents: 10, capacity: 15, mode: 'load_balanced' });
    await routeEverythingTo(ws, teamId);
    const sockets = await Promise.all(agents.map((a) => goOnline(a.token)));
    await eventually(async () => (await rosterOf(ws.workspaceId)).filter((a) => a.status === 'online').length === 10);

    // 200 first messages at once, straight into 200 real ConversationDOs (the widget's HTTP hop is tested elsewhere).
    const ids = Array.from({ length: 200 }, () => newId('cnv'));
    const arrivals = await Promise.all(
      ids.map((id, i) =>
        conversationStub(env, ws.workspaceId, id).receive(
          { id, workspaceId: ws.workspaceId, contactId: `ct_burst${i}`, inboxId: inbox.id, channel: 'webchat' },
          { direction: 'inbound', author: { type: 'contact', id: `ct_burst${i}`, name: null }, text: `Burst message ${i}`, externalId: `burst-${i}` },
          0,
        ),
      ),
    );
    expect(arrivals.every((a) => a.ok)).toBe(true);

    // Every decision is in once the loads and the queue account for all 200.
    const wsDO = workspaceDO(ws.workspaceId);
    await eventually(async () => (await rosterOf(ws.workspaceId)).reduce((n, a) => n + a.load, 0) + (await wsDO.waiting()).length === 200, 30_000);
    const roster = await rosterOf(ws.workspaceId);
    const team = roster.filter((a) => agents.some((x) => x.userId === a.userId));
    expect(team.every((a) => a.load <= a.capacity)).toBe(true);
    expect(team.map((a) => a.load)).toEqual(Array(10).fill(15));
    expect(await wsDO.waiting()).toHaveLength(50);

    // Each conversation holds exactly one decision, and its assignee is the one the decision named.
    const states = await eventually(async () => {
      const all = await Promise.all(ids.map(async (id) => ({ state: await conversationStub(env, ws.workspaceId, id).state(), events: (await conversationStub(env, ws.workspaceId, id).events(0, 50, true)) as unknown as { type: string; data: Record<string, unknown> }[] })));
      return all.every((x) => x.events.some((e) => e.type === 'conversation.routed')) ? all : null;
    }, 30_000);
    const perAgent = new Map<string, number>();
    for (const { state, events: evs } of states) {
      const decisions = evs.filter((e) => e.type === 'conversation.routed');
      expect(decisions).toHaveLength(1);
      const d = decisions[0].data as { outcome: string; assigneeId: string | null };
      expect(state!.assigneeId).toBe(d.outcome === 'assigned' ? d.assigneeId : null);
      expect(state!.teamId).toBe(teamId);
      if (state!.assigneeId) perAgent.set(state!.assigneeId, (perAgent.get(state!.assigneeId) ?? 0) + 1);
    }
    expect([...perAgent.values()]).toEqual(Array(10).fill(15));
    await closeTabs(ws.workspaceId, sockets.map((s, i) => [s, agents[i].userId]));
  }, 90_000);
});

describe('the team queue', () => {
  it('waits in priority then waiting order and is assigned when capacity frees or an agent comes online', async () => {
    const { ws, agents, teamId, inbox } = await routingWorkspace({ agents: 2, capacity: 1, mode: 'round_robin' });
    await routeEverythingTo(ws, teamId);
    const first = await goOnline(agents[0].token);
    await eventually(async () => (await rosterOf(ws.workspaceId)).some((a) => a.userId === agents[0].userId && a.status === 'online'));

    const say = async (text: string) => {
      const v = await visitor(inbox.websiteToken);
      return (await visitorSays(v.visitorToken, text)).conversationId;
    };
    const a = await say('first');
    expect((await routed(ws.token, a)).data.assigneeId).toBe(agents[0].userId);
    const b = await say('second, normal');
    expect((await routed(ws.token, b)).data.outcome).toBe('queued');
    const c = await say('third, soon urgent');
    expect((await routed(ws.token, c)).data.reason).toMatch(/at capacity/);
    // An urgent conversation jumps the queue even though it came later.
    expect((await call('PATCH', `/api/conversations/${c}`, { token: ws.token, body: { priority: 'urgent' } })).status).toBe(200);
    await eventually(async () => (await workspaceDO(ws.workspaceId).waiting())[0]?.conversationId === c);

    // Closing frees capacity: the most urgent waiting conversation goes to that agent.
    await call('PATCH', `/api/conversations/${a}`, { token: ws.token, body: { status: 'closed' } });
    const drained = await routed(ws.token, c, 2);
    expect(drained.data).toMatchObject({ trigger: 'queue', outcome: 'assigned', assigneeId: agents[0].userId });
    expect(drained.data.reason).toMatch(/^Waited \d+ s in the queue; /);
    expect((await conversation(ws.token, c)).assigneeId).toBe(agents[0].userId);

    // The second agent comes online: the remaining conversation is theirs.
    const second = await goOnline(agents[1].token);
    expect((await routed(ws.token, b, 2)).data.assigneeId).toBe(agents[1].userId);
    expect(await workspaceDO(ws.workspaceId).waiting()).toHaveLength(0);
    await closeTabs(ws.workspaceId, [[first, agents[0].userId], [second, agents[1].userId]]);
  });

  it('a manual assignment takes a conversation out of the queue, and reassigning frees the old agent', async () => {
    const { ws, agents, teamId, inbox } = await routingWorkspace({ agents: 2, capacity: 1, mode: 'load_balanced' });
    await routeEverythingTo(ws, teamId);
    const s = await goOnline(agents[0].token);
    await eventually(async () => (await rosterOf(ws.workspaceId)).some((a) => a.userId === agents[0].userId && a.status === 'online'));
    const v1 = await visitor(inbox.websiteToken);
    const one = (await visitorSays(v1.visitorToken, 'one')).conversationId;
    const v2 = await visitor(inbox.websiteToken);
    const two = (await visitorSays(v2.visitorToken, 'two')).conversationId;
    await routed(ws.token, one);
    expect((await routed(ws.token, two)).data.outcome).toBe('queued');
    // Someone moves conversation one to the (offline) second agent: the first agent is free, two is theirs.
    await call('PATCH', `/api/conversations/${one}`, { token: ws.token, body: { assigneeId: agents[1].userId } });
    expect((await routed(ws.token, two, 2)).data.assigneeId).toBe(agents[0].userId);
    const roster = await rosterOf(ws.workspaceId);
    expect(roster.find((a) => a.userId === agents[0].userId)!.load).toBe(1);
    expect(roster.find((a) => a.userId === agents[1].userId)!.load).toBe(1);
    await closeTabs(ws.workspaceId, [[s, agents[0].userId]]);
  });
});
