// GET /api/contacts with the largest filter parseFilter accepts (MAX_PARAMS bound values) together with a
// search, a tag and a page cursor, as the personal role (whose reach binds one more value): answered,
// never D1's "too many SQL variables" as a 500.
import { describe, expect, it } from 'vitest';
import { MAX_PARAMS } from '../../worker/audiences/filter';
import { addMember, call, eventually, newWorkspace, visitorConversation, webchatInbox } from '../helpers';

const list = (token: string, query: Record<string, string>) => call('GET', `/api/contacts?${new URLSearchParams(query)}`, { token });

describe('a contacts filter at the parameter limit', () => {
  it('with search, tag and cursor, for a manager and the personal role', async () => {
    const ws = await newWorkspace('Filter limit');
    const personal = await addMember(ws, 'personal');
    const inbox = await webchatInbox(ws);
    const convs = [await visitorConversation(inbox.websiteToken, 'Hi', { name: 'Ada Limit One' }), await visitorConversation(inbox.websiteToken, 'Hi', { name: 'Ada Limit Two' })];
    for (const c of convs) {
      expect((await call('PATCH', `/api/contacts/${c.contactId}`, { token: ws.token, body: { tags: ['t5', 't50', 'promo'] } })).status).toBe(200);
      expect((await call('PATCH', `/api/conversations/${c.id}`, { token: ws.token, body: { assigneeId: personal.userId } })).status).toBe(200);
    }
    // One bound value per condition: exactly the most a filter may bind (groups hold at most 50).
    const has = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ field: 'tags', op: 'has', value: `t${from + i}` }));
    const filter = JSON.stringify({ all: [{ any: has(0, MAX_PARAMS / 2) }, { any: has(MAX_PARAMS / 2, MAX_PARAMS) }] });
    const query = { q: 'ada limit', tag: 'promo', filter, limit: '1' };

    for (const token of [ws.token, personal.token]) {
      const first = await eventually(async () => {
        const r = await list(token, query);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        return r.body.items.length === 1 && r.body.nextCursor ? r : null;
      });
      const second = await list(token, { ...query, cursor: first.body.nextCursor });
      expect(second.status).toBe(200);
      expect([...first.body.items, ...second.body.items].map((i: { name: string }) => i.name).sort()).toEqual(['Ada Limit One', 'Ada Limit Two']);
      expect(second.body.nextCursor).toBeNull();
    }
  });
});
