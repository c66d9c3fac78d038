// Escalations inside the ConversationDO: a breach starts the path and its levels run on the object's
// own alarm with their actions (priority raised, tags, reassigned through the WorkspaceDO, notified in
// the AgentDO feed, flagged); VIP contacts start a path when they open a conversation; the manual
// escalate / resolve RPCs; closing resolves; the D1 projection of episodes.
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { agentStub } from '../../worker/routing/stubs';
import { addMember, call, eventually, newWorkspace, visitor, visitorConversation, visitorSays, webchatInbox } from '../helpers';
import { openSocket } from '../sockets';
import { alarmOf, bumpVersion, eventsOf, insertPath, insertPolicy, projected, stateOf, stateWhen, stubOf, timersOf } from './do-fixtures';

const manager = (ws: { userId: string }) => ({ type: 'agent' as const, id: ws.userId, name: 'Manager' });

describe('escalation paths in the ConversationDO', () => {
  it('a breach starts the path; each level runs its actions on the alarm and records their results', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const watcher = await addMember(ws, 'staff');
    const senior = await addMember(ws, 'staff');
    await insertPolicy(ws, { firstResponseMs: 1000 });
    const pathId = await insertPath(ws, {
      triggers: ['breach'],
      name: 'Breach ladder',
      levels: [
        {
          delayMs: 0,
          name: 'L1',
          actions: [
            { type: 'raise_priority' },
            { type: 'add_tags', tags: ['escalated'] },
            { type: 'notify', channels: ['in_app', 'email'], recipients: { userIds: [watcher.userId], roles: [], assignee: false } },
          ],
        },
        {
          delayMs: 400,
          name: 'L2',
          actions: [
            { type: 'reassign', to: 'agent', userId: senior.userId },
            { type: 'flag', reason: 'still unanswered' },
            { type: 'workflow', workflowId: 'wf_later' },
          ],
        },
      ],
    });
    // The watcher has the app open: the notification reaches their tab live, not only their feed.
    const watcherTab = await openSocket(`/api/live?access_token=${watcher.token}`);
    await watcherTab.next((f) => f.t === 'hello');
    const conv = await visitorConversation(inbox.websiteToken, 'Hello? My key code does not work');
    // The real alarms: breach at ~1 s, level 1 at once, level 2 400 ms later.
    // A level is claimed (committed) first, its remote actions follow, then its event with every result.
    await stateWhen(ws, conv.id, (c) => c.escalation?.level === 2, 10_000);
    await eventually(async () => (await eventsOf(ws, conv.id)).filter((e) => e.type === 'escalation.level').length === 2 || null, 10_000);
    const done = await stateOf(ws, conv.id);
    expect(done.escalation).toMatchObject({ pathId, trigger: 'breach', level: 2, nextLevelAt: null, resolvedAt: null });
    expect(done.priority).toBe('high');
    expect(done.tags).toContain('escalated');
    expect(done.assigneeId).toBe(senior.userId);
    expect(done.flagged).toBe(true);

    const events = await eventsOf(ws, conv.id);
    const types = events.map((e) => e.type);
    expect(types.indexOf('sla.breached')).toBeLessThan(types.indexOf('escalation.started'));
    expect(events.find((e) => e.type === 'escalation.started')!.data).toMatchObject({ pathId, trigger: 'breach' });
    const levels = events.filter((e) => e.type === 'escalation.level');
    expect(levels.map((e) => [e.data.level, e.data.name])).toEqual([
      [1, 'L1'],
      [2, 'L2'],
    ]);
    const l1 = levels[0].data.results as { type: string; ok: boolean; detail: string }[];
    expect(l1.map((r) => [r.type, r.ok])).toEqual([
      ['raise_priority', true],
      ['add_tags', true],
      ['notify', true],
    ]);
    expect(l1[2].detail).toContain('e-mail (sandbox)');
    const l2 = levels[1].data.results as { type: string; ok: boolean; detail: string }[];
    expect(l2.map((r) => [r.type, r.ok])).toEqual([
      ['reassign', true],
      ['flag', true],
      ['workflow', false],
    ]);
    expect(l2[2].detail).toMatch(/skipped/);
    const routed = events.find((e) => e.type === 'conversation.routed')!;
    expect(routed.data).toMatchObject({ trigger: 'transfer', assigneeId: senior.userId, note: 'Escalated: L2' });

    // The notification is in the watcher's AgentDO feed; the e-mail was recorded by the sandbox.
    const pushed = await watcherTab.next((f) => f.t === 'notification' && f.kind === 'escalation');
    expect(pushed).toMatchObject({ conversationId: conv.id, title: 'Escalated: L1' });
    watcherTab.close();
    const feed = await agentStub(env, ws.workspaceId, watcher.userId).notifications({ limit: 10 });
    expect(feed.items.find((n) => n.kind === 'escalation')).toMatchObject({ conversationId: conv.id, title: 'Escalated: L1' });
    const mail = await env.DB.prepare(`SELECT headers FROM sandbox_outbound WHERE workspace_id = ? AND purpose = 'notify'`).bind(ws.workspaceId).first<{ headers: string }>();
    expect(JSON.parse(mail!.headers)).toMatchObject({ to: watcher.email, subject: 'Escalated: L1' });

    // D1: the episode row and the list columns.
    const row = await eventually(async () => {
      const r = await env.DB.prepare(`SELECT * FROM escalations WHERE conversation_id = ?`).bind(conv.id).first<Record<string, any>>();
      return r?.level === 2 ? r : null;
    });
    expect(row).toMatchObject({ id: done.escalation!.id, path_id: pathId, trigger: 'breach', resolved_at: null });
    await eventually(async () => {
      const r = await projected(conv.id);
      return r?.escalation_level === 2 && r.escalated_at === done.escalation!.startedAt && r.flagged === 1;
    });
  });

  it('manual escalate and resolve through the RPCs; closing the conversation resolves the next one', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const conv = await visitorConversation(inbox.websiteToken, 'I need a manager');
    const stub = stubOf(ws, conv.id);
    await stateWhen(ws, conv.id, (c) => c.seq > 0);
    expect(await stub.escalate({ trigger: 'manual', reason: 'asked for a manager', actor: manager(ws) })).toMatchObject({ ok: false, reason: 'no_path' });

    // A path saved after the object cached the config: the version bump makes it reload.
    const pathId = await insertPath(ws, { triggers: ['breach'], levels: [{ delayMs: 3_600_000, name: 'Later', actions: [{ type: 'flag' }] }] });
    await stub.reapplyAutomation(await bumpVersion(ws));
    const started = await stub.escalate({ trigger: 'manual', reason: 'asked for a manager', actor: manager(ws) });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    expect(started.conversation.escalation).toMatchObject({ pathId, trigger: 'manual', level: 0, reason: 'asked for a manager' });
    expect(await stub.escalate({ trigger: 'manual', reason: 'again', actor: manager(ws) })).toMatchObject({ ok: false, reason: 'already_escalated' });
    const timers = await runInDurableObject(stub, (_i, s) => s.storage.sql.exec<{ at: number }>(`SELECT at FROM schedule WHERE kind = 'escalation'`).toArray());
    expect(timers[0].at).toBe(started.conversation.escalation!.nextLevelAt);

    const resolved = await stub.resolveEscalation(manager(ws), 'Called the guest back');
    expect(resolved.ok).toBe(true);
    expect(await stub.resolveEscalation(manager(ws), null)).toMatchObject({ ok: false, reason: 'not_escalated' });
    const firstId = started.conversation.escalation!.id;
    const row = await eventually(() => env.DB.prepare(`SELECT * FROM escalations WHERE id = ? AND resolved_at IS NOT NULL`).bind(firstId).first<Record<string, any>>());
    expect(row).toMatchObject({ resolution: 'manual', resolved_by: ws.userId });
    const note = await env.DB.prepare(`SELECT text, author_id FROM escalation_notes WHERE escalation_id = ?`).bind(firstId).first();
    expect(note).toEqual({ text: 'Called the guest back', author_id: ws.userId });
    await eventually(async () => (await projected(conv.id))?.escalation_level === null && (await projected(conv.id))?.seq === (await stateOf(ws, conv.id)).seq);

    // A second episode; closing the conversation resolves it ('closed') and drops its timer.
    const again = await stub.escalate({ trigger: 'manual', reason: 'second time', actor: manager(ws) });
    expect(again.ok).toBe(true);
    await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { status: 'closed' } });
    const closed = await stateOf(ws, conv.id);
    expect(closed.escalation!.resolvedAt).not.toBeNull();
    const resolvedEvent = (await eventsOf(ws, conv.id)).filter((e) => e.type === 'escalation.resolved').at(-1)!;
    expect(resolvedEvent.data).toMatchObject({ resolution: 'closed' });
    const secondId = closed.escalation!.id;
    expect(secondId).not.toBe(firstId);
    await eventually(() => env.DB.prepare(`SELECT 1 FROM escalations WHERE id = ? AND resolution = 'closed'`).bind(secondId).first());
    const left = await runInDurableObject(stub, (_i, s) => s.storage.sql.exec(`SELECT 1 FROM schedule WHERE kind = 'escalation'`).toArray().length);
    expect(left).toBe(0);
  });

  it('a VIP contact opening a conversation starts the VIP path', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const pathId = await insertPath(ws, { triggers: ['vip'], contactTags: ['vip'], levels: [{ delayMs: 0, name: 'Heads up', actions: [{ type: 'raise_priority', to: 'urgent' }] }] });
    const vip = await visitor(inbox.websiteToken, { name: 'Valued Guest' });
    await env.DB.prepare(`UPDATE contacts SET tags = '["VIP"]' WHERE id = ?`).bind(vip.contactId).run();
    const { conversationId } = await visitorSays(vip.visitorToken, 'Hi, checking in tonight');
    const state = await stateWhen(ws, conversationId, (c) => c.escalation?.level === 1);
    expect(state.escalation).toMatchObject({ pathId, trigger: 'vip' });
    expect(state.priority).toBe('urgent');
    // An ordinary contact does not.
    const plain = await visitorConversation(inbox.websiteToken, 'Hi, checking in tonight too');
    await stateWhen(ws, plain.id, (c) => c.messageCount === 1);
    await stubOf(ws, plain.id).settled();
    expect((await stateOf(ws, plain.id)).escalation ?? null).toBeNull();
  });

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
    expect(flagged).toBeDefined();
    expect(flagged!.seq).toBeLessThan(levels[0].seq);
  });
});
