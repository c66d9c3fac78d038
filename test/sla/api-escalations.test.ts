// Manual escalation, the supervisors' escalation queue, notes and resolution, through the real
// ConversationDO (escalate / resolveEscalation RPCs) and its D1 projection; roles and workspaces.
import { describe, expect, it } from 'vitest';
import { addMember, call, createTeam, eventually, expectProblem, newWorkspace, visitorConversation, webchatInbox, type Workspace } from '../helpers';
import { contactRow, episodeRow, projectionRow } from './api-fixtures';

const manualPath = (extra: Record<string, unknown> = {}) => ({
  name: 'Manual',
  triggers: ['manual'],
  levels: [
    { delayMs: 0, actions: [{ type: 'flag', reason: 'escalated by hand' }] },
    { delayMs: 3600_000, actions: [{ type: 'raise_priority' }] },
  ],
  ...extra,
});

const queue = (ws: { token: string }, query = '') => call('GET', `/api/escalations${query}`, { token: ws.token });
const queueIds = async (ws: { token: string }, query = '') => ((await queue(ws, query)).body.items as { escalation: { id: string } }[]).map((i) => i.escalation.id);

async function escalationWorkspace() {
  const ws = await newWorkspace();
  const inbox = await webchatInbox(ws);
  const path = await call('POST', '/api/escalations/paths', { token: ws.token, body: manualPath() });
  expect(path.status).toBe(201);
  return { ws, inbox, pathId: path.body.id as string };
}

describe('POST /api/conversations/:id/escalate', () => {
  it('escalates once (409 after), answers 422 naming pathId without a path, 400 for a path of another workspace', async () => {
    const { ws, inbox, pathId } = await escalationWorkspace();
    const conv = await visitorConversation(inbox.websiteToken, 'This is the third time I write!');
    const escalate = (body: unknown, token = ws.token, id = conv.id) => call('POST', `/api/conversations/${id}/escalate`, { token, body });
    expectProblem(await escalate({}), 400, 'reason');
    expectProblem(await escalate({ reason: 'x', pathId: 'esp_nothere' }), 400, 'pathId');

    const res = await escalate({ reason: 'Angry repeat customer', pathId });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.conversation.escalation).toMatchObject({ pathId, trigger: 'manual', reason: 'Angry repeat customer', resolvedAt: null });
    expectProblem(await escalate({ reason: 'again' }), 409);

    // Another workspace cannot reach it, and has no path of its own to escalate on.
    const other = await newWorkspace();
    expectProblem(await escalate({ reason: 'x' }, other.token), 404);
    const otherInbox = await webchatInbox(other);
    const lonely = await visitorConversation(otherInbox.websiteToken, 'hello');
    expectProblem(await escalate({ reason: 'x' }, other.token, lonely.id), 422, 'pathId');
    expectProblem(await escalate({ reason: 'x', pathId }, other.token, lonely.id), 400, 'pathId');
  });

  it('lets staff escalate what they can see, and nobody else', async () => {
    const { ws, inbox } = await escalationWorkspace();
    const teamId = await createTeam(ws, 'Front desk');
    const member = await addMember(ws, 'staff', [teamId]);
    const outsider = await addMember(ws, 'staff');
    const personal = await addMember(ws, 'personal');
    const conv = await visitorConversation(inbox.websiteToken, 'Help');
    expect((await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { teamId, assigneeId: ws.userId } })).status).toBe(200);
    const escalate = (token: string) => call('POST', `/api/conversations/${conv.id}/escalate`, { token, body: { reason: 'Needs a supervisor' } });
    expectProblem(await escalate(outsider.token), 403);
    expectProblem(await escalate(personal.token), 403);
    expect((await escalate(member.token)).status).toBe(200);
  });
});

describe('the escalation queue', () => {
  it('lists active escalations with their conversation, takes notes, resolves with a note', async () => {
    const { ws, inbox, pathId } = await escalationWorkspace();
    const conv = await visitorConversation(inbox.websiteToken, 'Where is my refund?');
    const started = await call('POST', `/api/conversations/${conv.id}/escalate`, { token: ws.token, body: { reason: 'Refund overdue' } });
    const escalationId = started.body.conversation.escalation.id as string;

    const active = await eventually(async () => {
      const r = await queue(ws);
      return r.body.items.length === 1 && r.body.items[0].conversation.escalatedAt ? r.body : null;
    });
    expect(active.nextCursor).toBeNull();
    expect(active.items[0]).toMatchObject({
      escalation: { id: escalationId, conversationId: conv.id, pathId, pathName: 'Manual', trigger: 'manual', reason: 'Refund overdue', resolvedAt: null },
      conversation: { id: conv.id, status: 'open', escalationLevel: expect.any(Number), contact: { id: conv.contactId } },
      notesCount: 0,
    });

    const note = await call('POST', `/api/escalations/${escalationId}/notes`, { token: ws.token, body: { text: ' Called the bank. ' } });
    expect(note.status).toBe(201);
    expect(note.body).toMatchObject({ text: 'Called the bank.', authorId: ws.userId });
    expectProblem(await call('POST', `/api/escalations/${escalationId}/notes`, { token: ws.token, body: { text: '   ' } }), 400, 'text');
    const detail = await call('GET', `/api/escalations/${escalationId}`, { token: ws.token });
    expect(detail.body).toMatchObject({ escalation: { id: escalationId }, conversation: { id: conv.id }, notesCount: 1, notes: [{ text: 'Called the bank.' }] });

    const resolved = await call('POST', `/api/escalations/${escalationId}/resolve`, { token: ws.token, body: { note: 'Refund sent' } });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect(resolved.body.conversation.escalation).toMatchObject({ id: escalationId, resolvedAt: expect.any(Number) });
    await eventually(async () => (await queueIds(ws, '?state=resolved')).includes(escalationId));
    expect(await queueIds(ws)).toEqual([]);
    expect(await queueIds(ws, '?state=all')).toEqual([escalationId]);
    const after = await eventually(async () => {
      const r = await call('GET', `/api/escalations/${escalationId}`, { token: ws.token });
      return r.body.notes.length === 2 ? r.body : null;
    });
    expect(after.notes.map((n: { text: string }) => n.text)).toEqual(['Called the bank.', 'Refund sent']);
    expect(after.escalation).toMatchObject({ resolution: 'manual', resolvedBy: ws.userId });
    expectProblem(await call('POST', `/api/escalations/${escalationId}/resolve`, { token: ws.token, body: {} }), 409);

    // A new escalation of the same conversation is a new episode.
    const again = await call('POST', `/api/conversations/${conv.id}/escalate`, { token: ws.token, body: { reason: 'Refund bounced' } });
    expect(again.status).toBe(200);
    expect(again.body.conversation.escalation.id).not.toBe(escalationId);
  });

  it('shows staff only the escalations of conversations they can see; other workspaces get 404', async () => {
    const { ws, inbox } = await escalationWorkspace();
    const staff = await addMember(ws, 'staff');
    const mine = await visitorConversation(inbox.websiteToken, 'one');
    const hidden = await visitorConversation(inbox.websiteToken, 'two');
    await call('PATCH', `/api/conversations/${hidden.id}`, { token: ws.token, body: { assigneeId: ws.userId } });
    const ids: string[] = [];
    for (const c of [mine, hidden]) ids.push((await call('POST', `/api/conversations/${c.id}/escalate`, { token: ws.token, body: { reason: 'r' } })).body.conversation.escalation.id);
    await eventually(async () => (await queueIds(ws)).length === 2);
    // The queue reads the projection: wait until it has the assignment.
    const hiddenVisible = async () => ((await queue(ws)).body.items as { conversation: { id: string; assigneeId: string | null } }[]).find((i) => i.conversation.id === hidden.id)?.conversation.assigneeId === ws.userId;
    await eventually(hiddenVisible);
    expect(await queueIds(staff)).toEqual([ids[0]]);
    expect((await call('GET', `/api/escalations/${ids[0]}`, { token: staff.token })).status).toBe(200);
    expectProblem(await call('GET', `/api/escalations/${ids[1]}`, { token: staff.token }), 403);
    expectProblem(await call('POST', `/api/escalations/${ids[1]}/notes`, { token: staff.token, body: { text: 'x' } }), 403);
    expectProblem(await call('POST', `/api/escalations/${ids[1]}/resolve`, { token: staff.token, body: {} }), 403);
    expect((await call('POST', `/api/escalations/${ids[0]}/resolve`, { token: staff.token, body: {} })).status).toBe(200);

    const other = await newWorkspace();
    expectProblem(await call('GET', `/api/escalations/${ids[0]}`, { token: other.token }), 404);
    expectProblem(await call('POST', `/api/escalations/${ids[0]}/notes`, { token: other.token, body: { text: 'x' } }), 404);
    expectProblem(await call('POST', `/api/escalations/${ids[1]}/resolve`, { token: other.token, body: {} }), 404);
    expect(await queueIds(other, '?state=all')).toEqual([]);
    const personal = await addMember(ws, 'personal');
    expectProblem(await queue(personal), 403);
  });

  it('pages newest first with a keyset cursor', async () => {
    const ws: Workspace = await newWorkspace();
    const contact = await contactRow(ws);
    const t0 = Date.now() - 3600_000;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const conv = await projectionRow(ws, contact, { escalatedAt: t0 + i * 1000, escalationLevel: 0 });
      ids.push(await episodeRow(ws, { conversationId: conv, startedAt: t0 + i * 1000 }));
    }
    // Same start instant: the id breaks the tie, and the cursor still visits each row once.
    const twin = await projectionRow(ws, contact, {});
    ids.push(await episodeRow(ws, { conversationId: twin, startedAt: t0 + 4000 }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { escalation: { id: string; startedAt: number } }[]; nextCursor: string | null } } = await queue(ws, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((i) => i.escalation.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
    expect(seen.slice(2)).toEqual([ids[3], ids[2], ids[1], ids[0]]);
    expect(seen.slice(0, 2).sort()).toEqual([ids[4], ids[5]].sort());
    expectProblem(await queue(ws, '?cursor=bm9wZQ'), 400, 'cursor');
    expectProblem(await queue(ws, '?state=sideways'), 400, 'state');
  });
});
