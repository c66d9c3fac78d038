// Manual control: transfer to an agent or a team with a note, take over from the AI, the reply lock
// (who holds it, confirm to send anyway), and the personal notification feed.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { conversationStub } from '../../worker/conversations/service';
import { addMember, call, eventually, expectProblem } from '../helpers';
import { openSocket } from '../sockets';
import { arrive, closeTabs, conversation, goOnline, rosterOf, routeEverythingTo, routed, routingWorkspace, setTeamRouting } from './fixtures';
import { createTeam } from '../helpers';

describe('transfer', () => {
  it('to an agent with a note: assigned, explained, and in their notification feed', async () => {
    const { ws, agents, inbox } = await routingWorkspace({ agents: 2 });
    const { id } = await arrive(inbox.websiteToken, 'My booking is wrong');
    await call('PATCH', `/api/conversations/${id}`, { token: ws.token, body: { assigneeId: agents[0].userId } });
    const res = await call('POST', `/api/conversations/${id}/transfer`, { token: agents[0].token, body: { assigneeId: agents[1].userId, note: 'Needs a refund approval' } });
    expect(res.status).toBe(200);
    expect(res.body.conversation.assigneeId).toBe(agents[1].userId);
    const event = await routed(ws.token, id);
    expect(event.actor).toMatchObject({ type: 'agent', id: agents[0].userId });
    expect(event.data).toMatchObject({ trigger: 'transfer', mode: 'direct', assigneeId: agents[1].userId, note: 'Needs a refund approval', by: { id: agents[0].userId } });
    expect(event.data.reason).toMatch(/^Transferred by .+ to .+ \(offline, load 0\/10\)$/);

    const feed = await eventually(async () => {
      const r = await call('GET', '/api/me/notifications', { token: agents[1].token });
      return r.body.items.length > 0 ? r.body : null;
    });
    expect(feed.unread).toBe(1);
    expect(feed.items[0]).toMatchObject({ kind: 'assigned', conversationId: id, body: 'Needs a refund approval', readAt: null });
    expect(feed.items[0].title).toMatch(/transferred .+ to you$/);
    const read = await call('POST', '/api/me/notifications/read', { token: agents[1].token, body: {} });
    expect(read.body.unread).toBe(0);
    expect((await call('GET', '/api/me/notifications?unread=true', { token: agents[1].token })).body.items).toEqual([]);
  });

  it('to a team: routed by the team’s mode (never back to the sender), else queued', async () => {
    const { ws, agents, teamId, inbox } = await routingWorkspace({ agents: 2, mode: 'round_robin' });
    const billing = await createTeam(ws, 'Billing', [agents[0].userId, agents[1].userId]);
    await setTeamRouting(ws, billing, { mode: 'load_balanced' });
    const tabs = await Promise.all(agents.map((a) => goOnline(a.token)));
    await eventually(async () => (await rosterOf(ws.workspaceId)).filter((a) => a.status === 'online').length === 2);
    const { id } = await arrive(inbox.websiteToken, 'Invoice');
    await call('PATCH', `/api/conversations/${id}`, { token: ws.token, body: { assigneeId: agents[0].userId, teamId } });
    const res = await call('POST', `/api/conversations/${id}/transfer`, { token: agents[0].token, body: { teamId: billing, note: 'Billing question' } });
    expect(res.status).toBe(200);
    expect(res.body.decision).toMatchObject({ trigger: 'transfer', outcome: 'assigned', assigneeId: agents[1].userId, teamId: billing, mode: 'load_balanced' });
    expect(res.body.conversation).toMatchObject({ assigneeId: agents[1].userId, teamId: billing });
    // Nobody else available in the team: it waits in the Billing queue, unassigned.
    await call('PUT', '/api/me/presence', { token: agents[0].token, body: { status: 'away' } });
    const again = await call('POST', `/api/conversations/${id}/transfer`, { token: agents[1].token, body: { teamId: billing } });
    expect(again.body.decision).toMatchObject({ outcome: 'queued', teamId: billing });
    expect(again.body.conversation.assigneeId).toBeNull();
    await closeTabs(ws.workspaceId, tabs.map((t, i) => [t, agents[i].userId]));
  });

  it('validates the target and the caller', async () => {
    const { ws, inbox } = await routingWorkspace({ agents: 0 });
    const { id } = await arrive(inbox.websiteToken);
    expectProblem(await call('POST', `/api/conversations/${id}/transfer`, { token: ws.token, body: { note: 'to whom?' } }), 400, 'assigneeId');
    expectProblem(await call('POST', `/api/conversations/${id}/transfer`, { token: ws.token, body: { assigneeId: 'usr_nobody0000000' } }), 400, 'assigneeId');
    expectProblem(await call('POST', `/api/conversations/${id}/transfer`, { token: ws.token, body: { teamId: 'team_nobody000000' } }), 400, 'teamId');
    const personal = await addMember(ws, 'personal');
    expectProblem(await call('POST', `/api/conversations/${id}/transfer`, { token: personal.token, body: { assigneeId: personal.userId } }), 403);
    expectProblem(await call('POST', '/api/conversations/cnv_doesnotexist000/transfer', { token: ws.token, body: { teamId: null } }), 404);
  });
});

describe('take over', () => {
  it('an agent takes a conversation over from the AI assistant', async () => {
    const { ws, agents, inbox } = await routingWorkspace({ agents: 1 });
    const { id } = await arrive(inbox.websiteToken, 'Do you have parking?');
    await conversationStub(env, ws.workspaceId, id).addMessage({ direction: 'outbound', author: { type: 'ai', id: null, name: 'Assistant' }, text: 'Yes, there is parking.' }, 0);
    const res = await call('POST', `/api/conversations/${id}/takeover`, { token: agents[0].token });
    expect(res.status).toBe(200);
    expect(res.body.conversation.assigneeId).toBe(agents[0].userId);
    expect(res.body.decision).toMatchObject({ trigger: 'takeover', mode: 'direct', assigneeId: agents[0].userId });
    expect(res.body.decision.reason).toMatch(/took over from the AI assistant$/);
    expect((await routed(ws.token, id)).data.trigger).toBe('takeover');
    // Taking over what is already yours (and not the AI's) changes nothing.
    await call('POST', `/api/conversations/${id}/messages`, { token: agents[0].token, body: { text: 'Hello, I am here' } });
    const again = await call('POST', `/api/conversations/${id}/takeover`, { token: agents[0].token });
    expect(again.body.decision).toBeNull();
  });
});

describe('reply lock', () => {
  it('while one agent is writing a reply, another must confirm (force) to send; notes are never locked', async () => {
    const { ws, agents, inbox } = await routingWorkspace({ agents: 1 });
    const { id } = await arrive(inbox.websiteToken, 'Anyone there?');
    const writer = await openSocket(`/api/conversations/${id}/ws?access_token=${agents[0].token}`);
    await writer.next((f) => f.t === 'hello');
    const other = await openSocket(`/api/conversations/${id}/ws?access_token=${ws.token}`);
    await other.next((f) => f.t === 'hello');
    writer.send({ t: 'typing', typing: true });
    // The second agent sees who holds it.
    const holder = await other.next((f) => f.t === 'viewers' && f.viewers.some((v: { typing: boolean }) => v.typing));
    expect(holder.viewers.find((v: { typing: boolean }) => v.typing).userId).toBe(agents[0].userId);

    const blocked = await call('POST', `/api/conversations/${id}/messages`, { token: ws.token, body: { text: 'I will answer this' } });
    expectProblem(blocked, 409, 'force');
    expect(blocked.body.detail).toMatch(/is writing a reply/);
    expect((await call('POST', `/api/conversations/${id}/messages`, { token: ws.token, body: { text: 'a note', isInternalNote: true } })).status).toBe(201);
    expect((await call('POST', `/api/conversations/${id}/messages`, { token: agents[0].token, body: { text: 'the holder sends freely' } })).status).toBe(201);
    const forced = await call('POST', `/api/conversations/${id}/messages`, { token: ws.token, body: { text: 'Sending anyway', force: true } });
    expect(forced.status).toBe(201);

    // Over the socket too (the writer is still typing): an error naming the holder, then force.
    other.send({ t: 'message', clientId: 'lock-1', text: 'over the socket' });
    const err = await other.next((f) => f.t === 'error' && f.clientId === 'lock-1');
    expect(err).toMatchObject({ status: 409, lock: { userId: agents[0].userId } });
    other.send({ t: 'message', clientId: 'lock-2', text: 'over the socket, anyway', force: true });
    expect((await other.next((f) => f.t === 'ack' && f.clientId === 'lock-2')).message.text).toBe('over the socket, anyway');

    // The lock goes when the holder stops typing.
    writer.send({ t: 'typing', typing: false });
    await eventually(async () => (await conversationStub(env, ws.workspaceId, id).replyLockHolder(ws.userId)) === null);
    expect((await call('POST', `/api/conversations/${id}/messages`, { token: ws.token, body: { text: 'free again' } })).status).toBe(201);
    writer.close();
    other.close();
  });
});

describe('agent picker', () => {
  it('lists everyone with presence, load, capacity, skills, languages and teams', async () => {
    const { ws, agents, teamId, inbox } = await routingWorkspace({ agents: 2, capacity: 3, skills: [['vip'], []], languages: [['es'], ['en']] });
    await routeEverythingTo(ws, teamId);
    const tab = await goOnline(agents[0].token);
    await eventually(async () => (await rosterOf(ws.workspaceId)).some((a) => a.userId === agents[0].userId && a.status === 'online'));
    const { id } = await arrive(inbox.websiteToken);
    await routed(ws.token, id);
    const res = await call('GET', '/api/agents', { token: agents[1].token });
    expect(res.status).toBe(200);
    const a0 = res.body.items.find((a: { userId: string }) => a.userId === agents[0].userId);
    expect(a0).toMatchObject({ status: 'online', load: 1, capacity: 3, skills: ['vip'], languages: ['es'], teamIds: [teamId] });
    expect(a0.lastAssignedAt).toBeGreaterThan(0);
    expect(res.body.items.find((a: { userId: string }) => a.userId === agents[1].userId)).toMatchObject({ status: 'offline', load: 0 });
    // A capacity change reaches the router at once.
    await call('PATCH', `/api/users/${agents[0].userId}`, { token: ws.token, body: { capacity: 7, skills: ['vip', 'billing'] } });
    expect((await rosterOf(ws.workspaceId)).find((a) => a.userId === agents[0].userId)).toMatchObject({ capacity: 7, skills: ['vip', 'billing'] });
    expect((await conversation(ws.token, id)).assigneeId).toBe(agents[0].userId);
    await closeTabs(ws.workspaceId, [[tab, agents[0].userId]]);
  });
});
