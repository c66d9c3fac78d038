// GET /api/conversations filters behind saved views (issue 16): several statuses, channels, tags and
// priorities at once (bound as one JSON parameter each, whatever their number), "assigned to others",
// and time ranges on creation and on the last message.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { addMember, expectProblem, listConversations, newWorkspace, type Workspace } from '../helpers';
import { contactRow, projectionRow, type ProjectionRow } from '../sla/api-fixtures';

async function row(ws: Workspace, contact: string, r: ProjectionRow & { channel?: string; tags?: string[] }): Promise<string> {
  const id = await projectionRow(ws, contact, r);
  if (r.channel) await env.DB.prepare(`UPDATE conversations SET channel = ? WHERE id = ?`).bind(r.channel, id).run();
  for (const tag of r.tags ?? []) await env.DB.prepare(`INSERT INTO conversation_tags (conversation_id, workspace_id, tag) VALUES (?, ?, ?)`).bind(id, ws.workspaceId, tag).run();
  return id;
}

const ids = async (token: string, query: Record<string, string>) => {
  const res = await listConversations(token, { limit: 100, ...query });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items.map((i) => i.id).sort();
};

describe('list filters for saved views', () => {
  it('multi-select: statuses, channels, priorities and tags (any or all) at once', async () => {
    const ws = await newWorkspace();
    const c = await contactRow(ws);
    const wa = await row(ws, c, { channel: 'whatsapp', priority: 'urgent', tags: ['vip', 'refund'] });
    const sms = await row(ws, c, { channel: 'sms', status: 'pending', priority: 'high', tags: ['vip'] });
    const mail = await row(ws, c, { channel: 'email', status: 'snoozed', priority: 'low', tags: ['refund'] });
    const chat = await row(ws, c, { channel: 'webchat', status: 'closed' });

    expect(await ids(ws.token, { status: 'open,pending' })).toEqual([wa, sms].sort());
    expect(await ids(ws.token, { status: 'open,pending,snoozed,closed', channel: 'whatsapp,sms,email' })).toEqual([wa, sms, mail].sort());
    expect(await ids(ws.token, { status: 'open,pending,snoozed,closed', priority: 'urgent,low' })).toEqual([wa, mail].sort());
    expect(await ids(ws.token, { status: 'open,pending,snoozed,closed', tag: 'vip,refund', tagMode: 'any' })).toEqual([wa, sms, mail].sort());
    // Without tagMode, several tags must all be there (the older meaning, kept).
    expect(await ids(ws.token, { status: 'open,pending,snoozed,closed', tag: 'vip,refund' })).toEqual([wa]);
    expect(await ids(ws.token, { status: 'closed', channel: 'webchat' })).toEqual([chat]);
    // "all" is every status, as the app's All tab says it.
    expect(await ids(ws.token, { status: 'all' })).toEqual([wa, sms, mail, chat].sort());

    // Fifty channels are one bound parameter, not fifty (D1 allows 100 per statement).
    const many = Array.from({ length: 49 }, (_, i) => `channel${i}`).concat('sms').join(',');
    expect(await ids(ws.token, { status: 'open,pending,snoozed,closed', channel: many, tag: Array.from({ length: 19 }, (_, i) => `t${i}`).concat('vip').join(','), tagMode: 'any' })).toEqual([sms]);
    expectProblem(await listConversations(ws.token, { channel: Array.from({ length: 51 }, (_, i) => `c${i}`).join(',') }), 400, 'channel');
    expectProblem(await listConversations(ws.token, { tagMode: 'some' }), 400, 'tagMode');
    expectProblem(await listConversations(ws.token, { status: 'open,gone' }), 400, 'status');
  });

  it('assigned to others: assigned, and not to the caller', async () => {
    const ws = await newWorkspace();
    const staff = await addMember(ws, 'staff');
    const c = await contactRow(ws);
    const toStaff = await row(ws, c, { assigneeId: staff.userId });
    const toMe = await row(ws, c, { assigneeId: ws.userId });
    await row(ws, c, {});
    expect(await ids(ws.token, { assignee: 'others' })).toEqual([toStaff]);
    // Staff see unassigned, their own and their teams': someone else's outside their teams stays hidden.
    expect(await ids(staff.token, { assignee: 'others' })).toEqual([]);
    expect(await ids(ws.token, { assignee: 'me' })).toEqual([toMe]);
  });

  it('time ranges on creation and on the last message, from and to', async () => {
    const ws = await newWorkspace();
    const c = await contactRow(ws);
    const H = 3600_000;
    const now = Date.now();
    const fresh = await row(ws, c, { createdAt: now - 0.5 * H, lastActivityAt: now - 0.2 * H });
    const oldButActive = await row(ws, c, { createdAt: now - 48 * H, lastActivityAt: now - 0.1 * H });
    const old = await row(ws, c, { createdAt: now - 48 * H, lastActivityAt: now - 30 * H });
    expect(await ids(ws.token, { createdAfter: String(now - H) })).toEqual([fresh]);
    expect(await ids(ws.token, { activityAfter: String(now - H) })).toEqual([fresh, oldButActive].sort());
    expect(await ids(ws.token, { activityAfter: new Date(now - 40 * H).toISOString(), activityBefore: new Date(now - 24 * H).toISOString() })).toEqual([old]);
    expect(await ids(ws.token, { createdBefore: String(now - 24 * H) })).toEqual([oldButActive, old].sort());
    expectProblem(await listConversations(ws.token, { createdAfter: 'yesterday' }), 400, 'createdAfter');
  });
});
