// Config changes reach live conversations: a policy change through the API moves an open conversation's
// projected sla_due_at (config version bump + background re-apply), and reapplyWorkspace pages through
// every not-closed conversation (keyset pages, bounded concurrency), skipping closed ones.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { bumpConfigVersion, reapplyWorkspace } from '../../worker/sla/reapply';
import { call, eventually, newWorkspace, visitorConversation, webchatInbox, type Workspace } from '../helpers';

const HOUR = 3600_000;

const dueOf = async (id: string) =>
  (await env.DB.prepare(`SELECT sla_due_at, sla_status, status, created_at FROM conversations WHERE id = ?`).bind(id).first<{ sla_due_at: number | null; sla_status: string | null; status: string; created_at: number }>()) ??
  null;

async function withPolicy(ws: Workspace, firstResponse: number) {
  const res = await call('POST', '/api/sla/policies', { token: ws.token, body: { name: 'Around the clock', businessHours: false, targets: { firstResponse } } });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe('re-applying config to live conversations', () => {
  it('a change to the workspace calendar bumps the config version (business-hours deadlines move)', async () => {
    const ws = await newWorkspace();
    const version = async () =>
      (await env.DB.prepare(`SELECT config_version FROM workspace_automation WHERE workspace_id = ?`).bind(ws.workspaceId).first<{ config_version: number }>())?.config_version ?? 0;
    const before = await version();
    const res = await call('PATCH', '/api/workspace', { token: ws.token, body: { timezone: 'Europe/Madrid', businessHours: { '1': [['09:00', '17:00']] } } });
    expect(res.status).toBe(200);
    expect(await version()).toBe(before + 1);
    // A name change alone leaves it alone.
    expect((await call('PATCH', '/api/workspace', { token: ws.token, body: { name: 'Renamed' } })).status).toBe(200);
    expect(await version()).toBe(before + 1);
  });

  it('moves an open conversation deadline when its policy changes', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const policyId = await withPolicy(ws, HOUR);
    const conv = await visitorConversation(inbox.websiteToken, 'Is the flat free in May?');
    const first = await eventually(async () => {
      const row = await dueOf(conv.id);
      return row?.sla_due_at ? row : null;
    });
    expect(first.sla_status).toBe('ok');
    expect(first.sla_due_at! - first.created_at).toBeGreaterThan(HOUR - 5000);
    expect(first.sla_due_at! - first.created_at).toBeLessThanOrEqual(HOUR + 5000);

    const patched = await call('PATCH', `/api/sla/policies/${policyId}`, { token: ws.token, body: { targets: { firstResponse: 3 * HOUR } } });
    expect(patched.status).toBe(200);
    const moved = await eventually(async () => {
      const row = await dueOf(conv.id);
      return row?.sla_due_at && row.sla_due_at > first.sla_due_at! + HOUR ? row : null;
    });
    expect(moved.sla_due_at! - first.sla_due_at!).toBeGreaterThan(2 * HOUR - 5000);
    expect(moved.sla_due_at! - first.sla_due_at!).toBeLessThanOrEqual(2 * HOUR + 5000);

    // Deleting the only policy leaves the conversation without a deadline.
    expect((await call('DELETE', `/api/sla/policies/${policyId}`, { token: ws.token })).status).toBe(204);
    await eventually(async () => (await dueOf(conv.id))?.sla_due_at === null);
  });

  it('pages through every not-closed conversation of the workspace', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const policyId = await withPolicy(ws, HOUR);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await visitorConversation(inbox.websiteToken, `question ${i}`)).id);
    await call('PATCH', `/api/conversations/${ids[4]}`, { token: ws.token, body: { status: 'pending' } });
    await call('PATCH', `/api/conversations/${ids[5]}`, { token: ws.token, body: { status: 'closed' } });
    const before = await eventually(async () => {
      const rows = await Promise.all(ids.map(dueOf));
      return rows.every((r) => r) && rows[5]!.status === 'closed' && rows[4]!.status === 'pending' && rows.slice(0, 4).every((r) => r!.sla_due_at) ? rows : null;
    });

    // A change written straight to D1 (no route, so no background run): only reapplyWorkspace can spread it.
    await env.DB.prepare(`UPDATE sla_policies SET first_response_ms = ? WHERE id = ?`).bind(4 * HOUR, policyId).run();
    const version = await bumpConfigVersion(env.DB, ws.workspaceId);
    const result = await reapplyWorkspace(env, ws.workspaceId, version, { pageSize: 2, concurrency: 2 });
    expect(result).toEqual({ conversations: 5, failed: 0 });
    await eventually(async () => {
      const rows = await Promise.all(ids.slice(0, 4).map(dueOf));
      return rows.every((r, i) => r!.sla_due_at! >= before[i]!.sla_due_at! + 3 * HOUR - 5000);
    });
    const other = await newWorkspace();
    expect(await reapplyWorkspace(env, other.workspaceId, 1)).toEqual({ conversations: 0, failed: 0 });
  });
});
