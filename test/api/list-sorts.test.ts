// Grouped sorts (channel, assignee) and the closedAfter filter of GET /api/conversations.
import { expect, it } from 'vitest';
import { call, eventually, newWorkspace, visitor, visitorSays, webchatInbox } from '../helpers';

it('sorts by assignee (unassigned first) and filters by close time', async () => {
  const ws = await newWorkspace();
  const inbox = await webchatInbox(ws);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const v = await visitor(inbox.websiteToken);
    ids.push((await visitorSays(v.visitorToken, `hello ${i}`)).conversationId);
  }
  await call('PATCH', `/api/conversations/${ids[0]}`, { token: ws.token, body: { assigneeId: ws.userId } });
  const before = Date.now() - 1;
  await call('PATCH', `/api/conversations/${ids[1]}`, { token: ws.token, body: { status: 'closed' } });

  const byAssignee = await eventually(async () => {
    const r = await call('GET', '/api/conversations?sort=assignee&limit=2', { token: ws.token });
    return r.body.items.length === 2 && r.body.nextCursor && r.body.items.every((c: { assigneeId: string | null }) => c.assigneeId === null) ? r : null;
  });
  // The next page continues the same order: the assigned conversation comes after the unassigned.
  const rest = await call('GET', `/api/conversations?sort=assignee&limit=2&cursor=${byAssignee.body.nextCursor}`, { token: ws.token });
  expect(rest.body.items.map((c: { id: string }) => c.id)).toEqual([ids[0]]);

  const closed = await eventually(async () => {
    const r = await call('GET', `/api/conversations?closedAfter=${before}`, { token: ws.token });
    return r.body.items.length === 1 ? r : null;
  });
  expect(closed.body.items[0].id).toBe(ids[1]);
  expect((await call('GET', '/api/conversations?sort=channel', { token: ws.token })).status).toBe(200);
  expect((await call('GET', '/api/conversations?sort=sideways', { token: ws.token })).status).toBe(400);
});
