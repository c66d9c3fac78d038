// Presence: the pure rules, then AgentDO driven by real live sockets (several tabs) with its timers
// run by runDurableObjectAlarm — no sleeps. Every agent's app hears presence changes live.
import { runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { presenceAt, type PresenceConfig } from '../../worker/routing/presence';
import { addMember, call, eventually, newWorkspace } from '../helpers';
import { agentDO, closeTabs, goOnline, rosterOf } from './fixtures';

const cfg: PresenceConfig = { awayAfterMs: 60_000, offlineGraceMs: 10_000 };

describe('presence rules (pure)', () => {
  it('online while any tab is open; tabs that never report activity count as active', () => {
    const r = presenceAt({ tabs: [{ connId: 'a', connectedAt: 0, lastActiveAt: null }], lastClosedAt: null, manualAway: false, previous: 'offline' }, 5_000_000, cfg);
    expect(r).toEqual({ status: 'online', nextCheckAt: null });
  });

  it('away after the idle period across every tab; the latest activity counts', () => {
    const tabs = [
      { connId: 'a', connectedAt: 0, lastActiveAt: 1_000 },
      { connId: 'b', connectedAt: 0, lastActiveAt: 30_000 },
    ];
    expect(presenceAt({ tabs, lastClosedAt: null, manualAway: false, previous: 'online' }, 50_000, cfg)).toEqual({ status: 'online', nextCheckAt: 90_000 });
    expect(presenceAt({ tabs, lastClosedAt: null, manualAway: false, previous: 'online' }, 90_000, cfg).status).toBe('away');
  });

  it('offline only after the grace period once the last tab closed; the previous status holds meanwhile', () => {
    const input = { tabs: [], lastClosedAt: 100_000, manualAway: false, previous: 'away' as const };
    expect(presenceAt(input, 105_000, cfg)).toEqual({ status: 'away', nextCheckAt: 110_000 });
    expect(presenceAt(input, 110_000, cfg)).toEqual({ status: 'offline', nextCheckAt: null });
  });

  it('away by choice while tabs are open', () => {
    expect(presenceAt({ tabs: [{ connId: 'a', connectedAt: 0, lastActiveAt: null }], lastClosedAt: null, manualAway: true, previous: 'online' }, 1, cfg).status).toBe('away');
  });
});

async function setup() {
  const ws = await newWorkspace();
  const agent = await addMember(ws, 'staff');
  const watcher = await goOnline(ws.token); // the manager's app: sees everyone's presence
  const statusOf = async (userId: string) => (await rosterOf(ws.workspaceId)).find((a) => a.userId === userId)?.status;
  const tabs = async () => (await agentDO(ws.workspaceId, agent.userId).details())?.tabs ?? 0;
  return { ws, agent, watcher, statusOf, tabs };
}

describe('AgentDO with several tabs', () => {
  it('online with the first tab, still online while one remains, offline after the grace period', async () => {
    const { ws, agent, watcher, statusOf, tabs } = await setup();
    const tab1 = await goOnline(agent.token);
    const online = await watcher.next((f) => f.t === 'presence' && f.userId === agent.userId);
    expect(online.status).toBe('online');
    const tab2 = await goOnline(agent.token);
    expect(await tabs()).toBe(2);

    tab1.close();
    await eventually(async () => (await tabs()) === 1);
    // The periodic tab check runs and finds the other tab alive: still online.
    expect(await runDurableObjectAlarm(agentDO(ws.workspaceId, agent.userId))).toBe(true);
    expect(await statusOf(agent.userId)).toBe('online');

    tab2.close();
    await eventually(async () => (await tabs()) === 0);
    expect(await statusOf(agent.userId)).toBe('online'); // within the grace period
    expect(await runDurableObjectAlarm(agentDO(ws.workspaceId, agent.userId))).toBe(true);
    expect(await statusOf(agent.userId)).toBe('offline');
    const offline = await watcher.next((f) => f.t === 'presence' && f.userId === agent.userId && f.status === 'offline');
    expect(offline.name).toBeTruthy();
    expect(watcher.frames.filter((f) => f.t === 'presence' && f.userId === agent.userId).map((f) => f.status)).toEqual(['online', 'offline']);
    await closeTabs(ws.workspaceId, [[watcher, ws.userId]]);
  });

  it('a reload within the grace period never shows offline', async () => {
    const { ws, agent, watcher, statusOf, tabs } = await setup();
    const tab = await goOnline(agent.token);
    await watcher.next((f) => f.t === 'presence' && f.userId === agent.userId);
    tab.close();
    await eventually(async () => (await tabs()) === 0);
    const again = await goOnline(agent.token);
    // The grace alarm (if it is still set) finds a tab open.
    await runDurableObjectAlarm(agentDO(ws.workspaceId, agent.userId));
    expect(await statusOf(agent.userId)).toBe('online');
    expect(watcher.frames.some((f) => f.t === 'presence' && f.userId === agent.userId && f.status === 'offline')).toBe(false);
    await closeTabs(ws.workspaceId, [[again, agent.userId], [watcher, ws.userId]]);
  });

  it('away after the idle period in every tab that reports activity; activity brings them back', async () => {
    const { ws, agent, watcher, statusOf } = await setup();
    const tab = await goOnline(agent.token);
    tab.send({ t: 'active' }); // this tab reports activity: the idle timer applies to it
    await eventually(async () => (await agentDO(ws.workspaceId, agent.userId).details())?.status === 'online');
    await eventually(async () => {
      await runDurableObjectAlarm(agentDO(ws.workspaceId, agent.userId));
      return (await statusOf(agent.userId)) === 'away';
    });
    expect((await watcher.next((f) => f.t === 'presence' && f.userId === agent.userId && f.status === 'away')).status).toBe('away');
    tab.send({ t: 'active' });
    await watcher.next((f) => f.t === 'presence' && f.userId === agent.userId && f.status === 'online' && watcher.frames.indexOf(f) > watcher.frames.findIndex((x) => x.status === 'away'));
    expect(await statusOf(agent.userId)).toBe('online');
    await closeTabs(ws.workspaceId, [[tab, agent.userId], [watcher, ws.userId]]);
  });

  it('an agent can set themselves away and back; GET /api/agents and /api/presence show it', async () => {
    const { ws, agent, watcher, statusOf } = await setup();
    const tab = await goOnline(agent.token);
    await watcher.next((f) => f.t === 'presence' && f.userId === agent.userId);
    const away = await call('PUT', '/api/me/presence', { token: agent.token, body: { status: 'away' } });
    expect(away.status).toBe(200);
    expect(away.body.status).toBe('away');
    expect(await statusOf(agent.userId)).toBe('away');
    await watcher.next((f) => f.t === 'presence' && f.userId === agent.userId && f.status === 'away');
    const list = await call('GET', '/api/presence', { token: ws.token });
    expect(list.body.items.find((u: { userId: string }) => u.userId === agent.userId).status).toBe('away');
    const picker = await call('GET', '/api/agents', { token: agent.token });
    expect(picker.body.items.find((a: { userId: string }) => a.userId === agent.userId)).toMatchObject({ status: 'away', load: 0, capacity: 10, skills: [] });
    expect((await call('PUT', '/api/me/presence', { token: agent.token, body: { status: 'online' } })).body.status).toBe('online');
    expect((await call('PUT', '/api/me/presence', { token: agent.token, body: { status: 'busy' } })).status).toBe(400);
    expect((await call('GET', '/api/me/presence', { token: agent.token })).body).toMatchObject({ status: 'online', tabs: 1, manualAway: false });
    await closeTabs(ws.workspaceId, [[tab, agent.userId], [watcher, ws.userId]]);
  });
});
