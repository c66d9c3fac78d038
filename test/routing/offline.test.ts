// Re-routing when an assignee goes offline, per team setting (after a delay, or keep), driven by the
// AgentDO and WorkspaceDO alarms; and skill-based routing with its fallback chain through the real objects.
import { runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, eventually } from '../helpers';
import { agentDO, arrive, closeTabs, conversation, goOnline, rosterOf, routeEverythingTo, routed, routingWorkspace, setTeamRouting, workspaceDO } from './fixtures';

/** Close an agent's only tab and run their grace timer: they are offline. */
async function goOffline(workspaceId: string, userId: string, tab: { close(): void }) {
  tab.close();
  await eventually(async () => (await agentDO(workspaceId, userId).details())?.tabs === 0);
  await runDurableObjectAlarm(agentDO(workspaceId, userId));
  await eventually(async () => (await rosterOf(workspaceId)).find((a) => a.userId === userId)?.status === 'offline');
}

/** Run the WorkspaceDO's timers until `done` holds (an earlier timer may come first). */
async function runWorkspaceTimers(workspaceId: string, done: () => Promise<boolean>) {
  for (let i = 0; i < 5; i++) {
    if (await done()) return;
    await runDurableObjectAlarm(workspaceDO(workspaceId));
  }
  await eventually(done);
}

describe('re-routing on offline', () => {
  it('after the team’s delay, an offline assignee’s conversations go to someone available', async () => {
    const { ws, agents, teamId, inbox } = await routingWorkspace({ agents: 2, mode: 'round_robin', teamRouting: { offlineRerouteSeconds: 120 } });
    await routeEverythingTo(ws, teamId);
    const tabs = await Promise.all(agents.map((a) => goOnline(a.token)));
    await eventually(async () => (await rosterOf(ws.workspaceId)).filter((a) => a.status === 'online').length === 2);
    const { id } = await arrive(inbox.websiteToken, 'Where is my parcel?');
    const first = (await routed(ws.token, id)).data;
    const owner = agents.findIndex((a) => a.userId === first.assigneeId);
    const other = 1 - owner;

    await goOffline(ws.workspaceId, agents[owner].userId, tabs[owner]);
    expect((await conversation(ws.token, id)).assigneeId).toBe(agents[owner].userId); // not yet: the delay runs
    await runWorkspaceTimers(ws.workspaceId, async () => (await conversation(ws.token, id)).assigneeId === agents[other].userId);
    const second = (await routed(ws.token, id, 2)).data;
    expect(second).toMatchObject({ trigger: 'offline', outcome: 'assigned', assigneeId: agents[other].userId, expectAssigneeId: agents[owner].userId });
    expect(second.reason).toMatch(/^Assignee went offline; re-routed to /);
    const roster = await rosterOf(ws.workspaceId);
    expect(roster.find((a) => a.userId === agents[other].userId)!.load).toBe(1);
    expect(roster.find((a) => a.userId === agents[owner].userId)!.load).toBe(0);
    await closeTabs(ws.workspaceId, [[tabs[other], agents[other].userId]]);
  });

  it('nobody available: the conversation leaves the offline agent and waits in the queue', async () => {
    const { ws, agents, teamId, inbox } = await routingWorkspace({ agents: 1, mode: 'load_balanced', teamRouting: { offlineRerouteSeconds: 0 } });
    await routeEverythingTo(ws, teamId);
    const tab = await goOnline(agents[0].token);
    await eventually(async () => (await rosterOf(ws.workspaceId)).some((a) => a.userId === agents[0].userId && a.status === 'online'));
    const { id } = await arrive(inbox.websiteToken);
    await routed(ws.token, id);
    await goOffline(ws.workspaceId, agents[0].userId, tab);
    await runWorkspaceTimers(ws.workspaceId, async () => (await conversation(ws.token, id)).assigneeId === null);
    expect((await routed(ws.token, id, 2)).data).toMatchObject({ trigger: 'offline', outcome: 'queued' });
    expect((await workspaceDO(ws.workspaceId).waiting()).map((q) => q.conversationId)).toEqual([id]);
    // They come back: the conversation is theirs again.
    const back = await goOnline(agents[0].token);
    expect((await routed(ws.token, id, 3)).data).toMatchObject({ trigger: 'queue', assigneeId: agents[0].userId });
    await closeTabs(ws.workspaceId, [[back, agents[0].userId]]);
  });

  it('"keep" leaves conversations with the offline assignee; coming back before the delay cancels the re-route', async () => {
    const { ws, agents, teamId, inbox } = await routingWorkspace({ agents: 2, mode: 'round_robin', teamRouting: { offlineRerouteSeconds: null } });
    await routeEverythingTo(ws, teamId);
    const tabs = await Promise.all(agents.map((a) => goOnline(a.token)));
    await eventually(async () => (await rosterOf(ws.workspaceId)).filter((a) => a.status === 'online').length === 2);
    const { id } = await arrive(inbox.websiteToken);
    const routedAssignee = (await routed(ws.token, id)).data.assigneeId as string;
    const ownerIndex = agents.findIndex((a) => a.userId === routedAssignee);
    await goOffline(ws.workspaceId, routedAssignee, tabs[ownerIndex]);
    await runDurableObjectAlarm(workspaceDO(ws.workspaceId));
    await runDurableObjectAlarm(workspaceDO(ws.workspaceId));
    expect((await conversation(ws.token, id)).assigneeId).toBe(routedAssignee);

    // With a delay set, returning in time cancels it.
    await setTeamRouting(ws, teamId, { mode: 'round_robin', offlineRerouteSeconds: 300 });
    const back = await goOnline(agents[ownerIndex].token);
    await eventually(async () => (await rosterOf(ws.workspaceId)).find((a) => a.userId === routedAssignee)?.status === 'online');
    await goOffline(ws.workspaceId, routedAssignee, back);
    const again = await goOnline(agents[ownerIndex].token);
    await eventually(async () => (await rosterOf(ws.workspaceId)).find((a) => a.userId === routedAssignee)?.status === 'online');
    for (let i = 0; i < 3; i++) await runDurableObjectAlarm(workspaceDO(ws.workspaceId));
    expect((await conversation(ws.token, id)).assigneeId).toBe(routedAssignee);
    expect((await call('GET', `/api/conversations/${id}/events?after=0`, { token: ws.token })).body.items.filter((e: { type: string }) => e.type === 'conversation.routed')).toHaveLength(1);
    await closeTabs(ws.workspaceId, [[again, routedAssignee], [tabs[1 - ownerIndex], agents[1 - ownerIndex].userId]]);
  });
});

describe('skill-based through the objects', () => {
  it('required skills pick the agent; the fallback chain decides what happens when nobody has them', async () => {
    const { ws, agents, teamId, inbox } = await routingWorkspace({ agents: 3, mode: 'skill_based', languages: [['es'], ['en'], ['es', 'en']], skills: [['billing'], ['billing'], []], teamRouting: { requiredSkills: ['billing'], optionalSkills: ['es'], fallback: ['relax_optional'] } });
    await routeEverythingTo(ws, teamId);
    const tabs = await Promise.all(agents.map((a) => goOnline(a.token)));
    await eventually(async () => (await rosterOf(ws.workspaceId)).filter((a) => a.status === 'online').length === 3);

    const a = await arrive(inbox.websiteToken, 'Factura duplicada');
    const d1 = (await routed(ws.token, a.id)).data;
    expect(d1).toMatchObject({ assigneeId: agents[0].userId, mode: 'skill_based', step: 'strict' }); // billing + es
    // Agent 1 (billing + es) goes away: relax optional → agent 2 (billing, English).
    await call('PUT', '/api/me/presence', { token: agents[0].token, body: { status: 'away' } });
    const b = await arrive(inbox.websiteToken, 'Invoice question');
    expect((await routed(ws.token, b.id)).data).toMatchObject({ assigneeId: agents[1].userId, step: 'relax_optional' });
    // Agent 2 away too: nobody with billing. Without a further step the conversation is queued…
    await call('PUT', '/api/me/presence', { token: agents[1].token, body: { status: 'away' } });
    const c = await arrive(inbox.websiteToken, 'Refund please');
    const d3 = (await routed(ws.token, c.id)).data;
    expect(d3.outcome).toBe('queued');
    expect(d3.candidates.excluded).toMatchObject({ away: 2, missing_skills: 1 });
    // …and with "team" in the chain, anyone in the team takes the next one.
    await setTeamRouting(ws, teamId, { mode: 'skill_based', requiredSkills: ['billing'], optionalSkills: ['es'], fallback: ['relax_optional', 'team'] });
    const d = await arrive(inbox.websiteToken, 'Another refund');
    expect((await routed(ws.token, d.id)).data).toMatchObject({ assigneeId: agents[2].userId, step: 'team' });
    await closeTabs(ws.workspaceId, tabs.map((t, i) => [t, agents[i].userId]));
  });

  it('round-robin through the WorkspaceDO stays within ±1 over 1,000 decisions', async () => {
    const { ws, agents, teamId, inbox } = await routingWorkspace({ agents: 6, capacity: 1000, mode: 'round_robin' });
    await routeEverythingTo(ws, teamId);
    const tabs = await Promise.all(agents.map((a) => goOnline(a.token)));
    await eventually(async () => (await rosterOf(ws.workspaceId)).filter((a) => a.status === 'online').length === 6);
    const stub = workspaceDO(ws.workspaceId);
    const now = Date.now();
    const counts = new Map<string, number>();
    for (let i = 0; i < 1000; i += 50) {
      // Decisions only (no conversation objects): 50 requests in flight at a time.
      const batch = await Promise.all(
        Array.from({ length: 50 }, (_, k) =>
          stub.route({
            trigger: 'created',
            text: 'hello',
            conversation: { id: `cnv_rr${i + k}`, workspaceId: ws.workspaceId, contactId: 'ct_x', inboxId: inbox.id, channel: 'webchat', status: 'open', priority: 'normal', assigneeId: null, teamId: null, subject: null, tags: [], snoozeUntil: null, closedAt: null, closingNote: null, summary: null, createdAt: now, updatedAt: now, lastActivityAt: now, lastMessagePreview: null, lastMessageDirection: 'inbound', lastMessageAuthorType: 'contact', waitingSince: now, messageCount: 1, seq: 2, lastCustomerSeq: 2 },
          }),
        ),
      );
      for (const d of batch) {
        if (!d || 'unavailable' in d) throw new Error(`no decision: ${JSON.stringify(d)}`);
        counts.set(d.assigneeId!, (counts.get(d.assigneeId!) ?? 0) + 1);
      }
    }
    const values = [...counts.values()];
    expect(values).toHaveLength(6);
    expect(values.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(1);
    await closeTabs(ws.workspaceId, tabs.map((t, i) => [t, agents[i].userId]));
  }, 60_000);
});
