// Scheduled workflows: the Worker's cron handler (called here as the runtime calls it, with the tick's
// scheduledTime as the clock) fires each due slot once over the conversations its scope matches.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { fireSlot, nextSlot } from '../../worker/automation/schedule';
import { scopeFor } from '../../worker/automation/context';
import { findWorkflow } from '../../worker/automation/store';
import worker from '../../worker/index';
import { call, eventually, expectProblem, newWorkspace, visitor, visitorSays, webchatInbox, type Workspace } from '../helpers';

const tagStep = (tag: string) => ({ type: 'action', action: 'add_tag', params: { tag } });
const vipScope = { when: { field: 'conversation.tags', op: 'contains', value: 'vip' } };

/** A cron tick as the runtime delivers it (the handler awaits its work: no waitUntil to drain). */
async function tick(scheduledTime: number) {
  await worker.scheduled!({ scheduledTime, cron: '* * * * *', noRetry() {} } as ScheduledController, env);
}

const scheduleRow = (id: string) => env.DB.prepare(`SELECT next_run_at, last_slot FROM workflow_schedules WHERE id = ?1`).bind(id).first<{ next_run_at: number | null; last_slot: number | null }>();
const runsOf = async (ws: Workspace, id: string) => (await call('GET', `/api/workflows/${id}/runs`, { token: ws.token })).body.items as { id: string; conversationId: string; status: string; origin: string }[];

async function conversations(ws: Workspace, n: number) {
  const inbox = await webchatInbox(ws);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await visitorSays((await visitor(inbox.websiteToken)).visitorToken, `Hello ${i}`)).conversationId);
  // The list projection (what the scope reads first) catches up asynchronously.
  await eventually(async () => {
    const row = await env.DB.prepare(`SELECT count(*) AS n FROM conversations WHERE workspace_id = ?1`).bind(ws.workspaceId).first<number>('n');
    return row === n;
  });
  return ids;
}

describe('schedule trigger: the document', () => {
  it('validates the cron, the zone, cron or at, and the scope, naming the node', async () => {
    const ws = await newWorkspace();
    const post = (trigger: Record<string, unknown>) => call('POST', '/api/workflows', { token: ws.token, body: { name: 'x', enabled: true, trigger: { type: 'schedule', ...trigger }, steps: [tagStep('x')] } });
    expectProblem(await post({ cron: '0 0 9 * * *', scope: vipScope }), 400, '/trigger/cron');
    expectProblem(await post({ cron: '61 9 * * *', scope: vipScope }), 400, '/trigger/cron');
    expectProblem(await post({ cron: '0 9 * * *', timezone: 'Mars/Olympus', scope: vipScope }), 400, '/trigger/timezone');
    expectProblem(await post({ cron: '0 9 * * *', at: Date.now(), scope: vipScope }), 400, '/trigger');
    expectProblem(await post({ cron: '0 9 * * *' }), 400, '/trigger/scope');
    expectProblem(await post({ cron: '0 9 * * *', scope: { when: { field: 'conversation.mood', op: 'eq', value: 'x' } } }), 400, '/trigger/scope/when/field');
    expectProblem(await post({ cron: '0 9 * * *', scope: { ...vipScope, limit: 5000 } }), 400, '/trigger/scope/limit');
    expect((await post({ cron: '0 9 * * 1-5', timezone: 'Europe/Paris', scope: vipScope })).status).toBe(201);
  });

  it('next slot: a cron in its time zone, across a DST change; an at once', () => {
    const t = { type: 'schedule' as const, cron: '0 9 * * *', timezone: 'Europe/Paris', scope: { when: vipScope.when as never, limit: 100 } };
    // 2026-03-28 12:00 UTC: the next 09:00 in Paris is on the 29th, after the clocks went forward (07:00 UTC).
    expect(new Date(nextSlot(t, 'UTC', Date.UTC(2026, 2, 28, 12))!).toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(new Date(nextSlot(t, 'UTC', Date.UTC(2026, 2, 27, 12))!).toISOString()).toBe('2026-03-28T08:00:00.000Z');
    // Without its own zone the workspace's is used.
    expect(new Date(nextSlot({ ...t, timezone: undefined }, 'America/New_York', Date.UTC(2026, 0, 5, 20))!).toISOString()).toBe('2026-01-06T14:00:00.000Z');
    const at = Date.UTC(2026, 5, 1);
    expect(nextSlot({ type: 'schedule', at, scope: t.scope }, 'UTC', at - 1)).toBe(at);
    expect(nextSlot({ type: 'schedule', at, scope: t.scope }, 'UTC', at)).toBeNull();
  });
});

describe('the cron handler', () => {
  it('fires a due slot once over the matching conversations, then moves to the next slot', async () => {
    const ws = await newWorkspace();
    const [vip, plain] = await conversations(ws, 2);
    expect((await call('PATCH', `/api/conversations/${vip}`, { token: ws.token, body: { tags: ['vip'] } })).status).toBe(200);
    const wf = await call('POST', '/api/workflows', { token: ws.token, body: { name: 'Morning', enabled: true, trigger: { type: 'schedule', cron: '0 8 * * *', timezone: 'UTC', scope: vipScope }, steps: [tagStep('morning')] } });
    expect(wf.status, JSON.stringify(wf.body)).toBe(201);
    const slot = (await scheduleRow(wf.body.id))!.next_run_at!;
    expect(new Date(slot).getUTCHours()).toBe(8);
    expect(slot).toBeGreaterThan(Date.now());

    // A tick before the slot: nothing.
    await tick(slot - 60_000);
    expect(await runsOf(ws, wf.body.id)).toEqual([]);
    // The slot's tick: one run, for the VIP conversation only.
    await tick(slot);
    const runs = await eventually(async () => {
      const r = await runsOf(ws, wf.body.id);
      return r.length === 1 && r[0].status === 'complete' ? r : null;
    });
    expect(runs[0]).toMatchObject({ conversationId: vip, origin: 'schedule' });
    await eventually(async () => (await call('GET', `/api/conversations/${vip}`, { token: ws.token })).body.tags.includes('morning'));
    expect((await call('GET', `/api/conversations/${plain}`, { token: ws.token })).body.tags).not.toContain('morning');
    expect(await scheduleRow(wf.body.id)).toEqual({ next_run_at: slot + 86_400_000, last_slot: slot });

    // A second tick at the same time, and the same slot fired again (two ticks racing): nothing new.
    await tick(slot + 1000);
    const again = await fireSlot(env, scopeFor(env, ws.workspaceId), (await findWorkflow(scopeFor(env, ws.workspaceId), wf.body.id))!, slot, slot);
    expect(again).toEqual({ matched: 1, started: 0 });
    expect(await runsOf(ws, wf.body.id)).toHaveLength(1);
  });

  it('an at fires once; a disabled or deleted workflow leaves the schedule', async () => {
    const ws = await newWorkspace();
    const [conv] = await conversations(ws, 1);
    const at = Date.now() + 3_600_000;
    const wf = await call('POST', '/api/workflows', { token: ws.token, body: { name: 'Once', enabled: true, trigger: { type: 'schedule', at, scope: { when: { field: 'conversation.status', op: 'eq', value: 'open' }, limit: 10 } }, steps: [tagStep('once')] } });
    expect(await scheduleRow(wf.body.id)).toEqual({ next_run_at: at, last_slot: null });
    await tick(at);
    await eventually(async () => (await runsOf(ws, wf.body.id)).some((r) => r.conversationId === conv && r.status === 'complete'));
    expect(await scheduleRow(wf.body.id)).toEqual({ next_run_at: null, last_slot: at });
    await tick(at + 86_400_000);
    expect(await runsOf(ws, wf.body.id)).toHaveLength(1);

    const daily = await call('POST', '/api/workflows', { token: ws.token, body: { name: 'Daily', enabled: true, trigger: { type: 'schedule', cron: '*/5 * * * *', scope: vipScope }, steps: [tagStep('x')] } });
    expect((await scheduleRow(daily.body.id))?.next_run_at).toBeGreaterThan(Date.now());
    expect((await call('PATCH', `/api/workflows/${daily.body.id}`, { token: ws.token, body: { enabled: false } })).status).toBe(200);
    expect(await scheduleRow(daily.body.id)).toBeNull();
    expect((await call('PATCH', `/api/workflows/${daily.body.id}`, { token: ws.token, body: { enabled: true } })).status).toBe(200);
    expect(await scheduleRow(daily.body.id)).not.toBeNull();
    expect((await call('DELETE', `/api/workflows/${daily.body.id}`, { token: ws.token })).status).toBe(204);
    expect(await scheduleRow(daily.body.id)).toBeNull();
  });

  it('conditions read how long the customer has waited (conversation.waitingMinutes) at the tick', async () => {
    const ws = await newWorkspace();
    const [conv] = await conversations(ws, 1);
    const wf = await call('POST', '/api/workflows', {
      token: ws.token,
      body: { name: 'Waiting', enabled: true, trigger: { type: 'schedule', cron: '0 * * * *', scope: { when: { field: 'conversation.waitingMinutes', op: 'gt', value: 24 * 60 } } }, steps: [tagStep('waiting-a-day')] },
    });
    const slot = (await scheduleRow(wf.body.id))!.next_run_at!;
    const s = scopeFor(env, ws.workspaceId);
    const w = (await findWorkflow(s, wf.body.id))!;
    expect(await fireSlot(env, s, w, slot, Date.now())).toEqual({ matched: 0, started: 0 });
    // The same slot seen a day and a minute later: the customer has waited more than 24 h.
    expect(await fireSlot(env, s, w, slot, Date.now() + 24 * 3_600_000 + 60_000)).toEqual({ matched: 1, started: 1 });
    await eventually(async () => (await runsOf(ws, wf.body.id)).some((r) => r.conversationId === conv));
  });
});
