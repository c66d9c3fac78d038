// The AI alert API through the real Worker: rule CRUD, order and validation (problem+json naming the
// field), roles, the config version bump, the rule tester, fired alerts filtered by visibility with
// keyset pages, and POST /api/ai/sentiment (locally and with a fake Workers AI binding).
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { app } from '../../worker/app';
import { addMember, BASE, call, createTeam, eventually, expectProblem, newWorkspace, unique, visitorConversation, webchatInbox, type Workspace } from '../helpers';

const RULE = {
  name: 'Angry customer',
  conditions: [{ type: 'sentiment_below', maxScore: -0.5 }],
  actions: [{ type: 'flag' }],
};

async function configVersion(ws: Workspace): Promise<number> {
  const row = await env.DB.prepare('SELECT config_version FROM workspace_automation WHERE workspace_id = ?').bind(ws.workspaceId).first<{ config_version: number }>();
  return row?.config_version ?? 0;
}

async function escalationPath(ws: Workspace): Promise<string> {
  const id = unique('esc_');
  await env.DB.prepare(`INSERT INTO escalation_paths (id, workspace_id, name, position, triggers, conditions, levels) VALUES (?, ?, 'Supervisors', 0, '["alert"]', '{}', '[]')`)
    .bind(id, ws.workspaceId)
    .run();
  return id;
}

describe('alert rules CRUD', () => {
  let ws: Workspace;
  let staff: { token: string; userId: string };
  beforeAll(async () => {
    ws = await newWorkspace();
    staff = await addMember(ws, 'staff');
  });

  it('creates, reads, changes, reorders and deletes rules, bumping the config version each time', async () => {
    const v0 = await configVersion(ws);
    const pathId = await escalationPath(ws);
    const a = await call('POST', '/api/ai-alerts/rules', {
      token: ws.token,
      body: { ...RULE, op: 'or', actions: [{ type: 'escalate', pathId }, { type: 'notify', recipients: { userIds: [staff.userId], roles: ['manager'] } }] },
    });
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(a.body).toMatchObject({ id: expect.stringMatching(/^alr_/), name: 'Angry customer', enabled: true, position: 0, op: 'or', conditions: RULE.conditions });
    expect(a.body.actions[1]).toEqual({ type: 'notify', recipients: { userIds: [staff.userId], roles: ['manager'], assignee: false } });
    expect(await configVersion(ws)).toBe(v0 + 1);

    const b = await call('POST', '/api/ai-alerts/rules', { token: ws.token, body: { name: 'Refunds', conditions: [{ type: 'keywords', any: ['refund', 'reembolso'] }], actions: [{ type: 'set_priority', priority: 'high' }], position: 0 } });
    expect(b.status).toBe(201);
    expect(b.body.position).toBe(0);
    let list = await call('GET', '/api/ai-alerts/rules', { token: ws.token });
    expect(list.body.items.map((r: { name: string }) => r.name)).toEqual(['Refunds', 'Angry customer']);

    const patched = await call('PATCH', `/api/ai-alerts/rules/${a.body.id}`, { token: ws.token, body: { enabled: false, name: 'Very angry' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Very angry', enabled: false, op: 'or', conditions: RULE.conditions });
    expect((await call('GET', `/api/ai-alerts/rules/${a.body.id}`, { token: ws.token })).body.name).toBe('Very angry');

    const ordered = await call('PUT', '/api/ai-alerts/rules/order', { token: ws.token, body: { ids: [a.body.id, b.body.id] } });
    expect(ordered.status).toBe(200);
    expect(ordered.body.items.map((r: { id: string; position: number }) => [r.id, r.position])).toEqual([
      [a.body.id, 0],
      [b.body.id, 1],
    ]);
    expectProblem(await call('PUT', '/api/ai-alerts/rules/order', { token: ws.token, body: { ids: [a.body.id] } }), 400, 'ids');

    expect((await call('DELETE', `/api/ai-alerts/rules/${b.body.id}`, { token: ws.token })).status).toBe(204);
    expectProblem(await call('DELETE', `/api/ai-alerts/rules/${b.body.id}`, { token: ws.token }), 404);
    list = await call('GET', '/api/ai-alerts/rules', { token: ws.token });
    expect(list.body.items.map((r: { id: string }) => r.id)).toEqual([a.body.id]);
    expect(await configVersion(ws)).toBe(v0 + 5);
  });

  it('validates every condition and action shape, naming the field', async () => {
    const post = (body: unknown) => call('POST', '/api/ai-alerts/rules', { token: ws.token, body });
    expectProblem(await post({ ...RULE, name: ' ' }), 400, 'name');
    expectProblem(await post({ ...RULE, conditions: [] }), 400, 'conditions');
    expectProblem(await post({ ...RULE, actions: [] }), 400, 'actions');
    expectProblem(await post({ ...RULE, conditions: [{ type: 'sentiment_below', maxScore: -3 }] }), 400, 'conditions.0.maxScore');
    expectProblem(await post({ ...RULE, conditions: [{ type: 'sentiment_shift', fromMin: -0.5, toMax: 0.2, window: 3 }] }), 400, 'conditions.0.toMax');
    expectProblem(await post({ ...RULE, conditions: [{ type: 'sentiment_shift', fromMin: 0.2, toMax: -0.5, window: 9 }] }), 400, 'conditions.0.window');
    expectProblem(await post({ ...RULE, conditions: [{ type: 'keywords', any: [] }] }), 400, 'conditions.0.any');
    expectProblem(await post({ ...RULE, conditions: [{ type: 'channel', in: ['carrier-pigeon'] }] }), 400, 'conditions.0.in.0');
    expectProblem(await post({ ...RULE, conditions: [{ type: 'sla', status: 'late' }] }), 400, 'conditions.0.status');
    expectProblem(await post({ ...RULE, conditions: [{ type: 'mood', value: 1 }] }), 400, 'conditions.0.type');
    expectProblem(await post({ ...RULE, op: 'xor' }), 400, 'op');
    expectProblem(await post({ ...RULE, actions: [{ type: 'set_priority', priority: 'whenever' }] }), 400, 'actions.0.priority');
    expectProblem(await post({ ...RULE, actions: [{ type: 'notify', recipients: {} }] }), 400, 'actions.0.recipients');
    expectProblem(await post({ ...RULE, actions: [{ type: 'escalate', pathId: 'esc_nope' }] }), 400, 'actions.0.pathId');
    expectProblem(await post({ ...RULE, actions: [{ type: 'flag' }, { type: 'notify', recipients: { userIds: ['usr_nope'] } }] }), 400, 'actions.1.recipients.userIds.0');
    // A path of another workspace does not exist here.
    const other = await newWorkspace();
    expectProblem(await post({ ...RULE, actions: [{ type: 'escalate', pathId: await escalationPath(other) }] }), 400, 'actions.0.pathId');
    expectProblem(await call('PATCH', `/api/ai-alerts/rules/${unique('alr_')}`, { token: ws.token, body: { name: 'x' } }), 404);
    const created = await post(RULE);
    expectProblem(await call('PATCH', `/api/ai-alerts/rules/${created.body.id}`, { token: ws.token, body: {} }), 400);
    expectProblem(await call('PATCH', `/api/ai-alerts/rules/${created.body.id}`, { token: ws.token, body: { actions: [{ type: 'escalate', pathId: 'esc_nope' }] } }), 400, 'actions.0.pathId');
  });

  it('lets staff read rules but only managers write; other workspaces see nothing', async () => {
    const created = await call('POST', '/api/ai-alerts/rules', { token: ws.token, body: RULE });
    expect((await call('GET', '/api/ai-alerts/rules', { token: staff.token })).status).toBe(200);
    expectProblem(await call('POST', '/api/ai-alerts/rules', { token: staff.token, body: RULE }), 403);
    expectProblem(await call('PATCH', `/api/ai-alerts/rules/${created.body.id}`, { token: staff.token, body: { enabled: false } }), 403);
    expectProblem(await call('DELETE', `/api/ai-alerts/rules/${created.body.id}`, { token: staff.token }), 403);
    expectProblem(await call('POST', '/api/ai-alerts/test', { token: staff.token, body: { rule: RULE, messages: ['hi'] } }), 403);
    expectProblem(await call('GET', '/api/ai-alerts/rules'), 401);
    const other = await newWorkspace();
    expect((await call('GET', '/api/ai-alerts/rules', { token: other.token })).body.items).toEqual([]);
    expectProblem(await call('GET', `/api/ai-alerts/rules/${created.body.id}`, { token: other.token }), 404);
    expectProblem(await call('DELETE', `/api/ai-alerts/rules/${created.body.id}`, { token: other.token }), 404);
  });
});

describe('rule tester', () => {
  it('scores the sample messages and says whether the draft fires, and auto-priority', async () => {
    const ws = await newWorkspace();
    const rule = { name: 'Turned angry', op: 'and', enabled: false, conditions: [{ type: 'sentiment_shift', fromMin: 0.2, toMax: -0.4, window: 3 }, { type: 'channel', in: ['whatsapp'] }], actions: [{ type: 'flag' }] };
    const messages = ['¡Muchas gracias, todo perfecto!', 'Es urgente: no funciona la calefacción y nadie contesta, pésimo servicio 😡'];
    const res = await call('POST', '/api/ai-alerts/test', { token: ws.token, body: { rule, messages, channel: 'whatsapp', contactTags: ['vip'] } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.sentiment).toHaveLength(2);
    expect(res.body.sentiment[0]).toMatchObject({ label: 'positive', language: 'es' });
    expect(res.body.sentiment[1]).toMatchObject({ label: 'negative', language: 'es' });
    expect(res.body.hits).toEqual([{ ruleId: 'draft', ruleName: 'Turned angry', reasons: [expect.stringMatching(/^sentiment shifted/), 'channel whatsapp'], actions: [{ type: 'flag' }] }]);
    // Auto-prioritization is off until the workspace turns it on.
    expect(res.body.priority).toBeNull();
    await env.DB.prepare(`INSERT INTO workspace_automation (workspace_id, auto_priority) VALUES (?, '{"enabled":true,"vipTags":["vip"]}')`).bind(ws.workspaceId).run();
    const on = await call('POST', '/api/ai-alerts/test', { token: ws.token, body: { rule, messages, channel: 'sms', contactTags: ['vip'] } });
    expect(on.body.hits).toEqual([]);
    expect(on.body.priority.priority).toBe('urgent');
    expect(on.body.priority.reasons).toEqual(['urgency word "urgente"', expect.stringMatching(/^very negative sentiment/), 'VIP contact (tag vip)']);
  });

  it('validates the draft and the messages', async () => {
    const ws = await newWorkspace();
    const test = (body: unknown) => call('POST', '/api/ai-alerts/test', { token: ws.token, body });
    expectProblem(await test({ rule: RULE, messages: [] }), 400, 'messages');
    expectProblem(await test({ rule: { ...RULE, conditions: [{ type: 'keywords' }] }, messages: ['x'] }), 400, 'rule.conditions.0.any');
    expectProblem(await test({ rule: { ...RULE, actions: [{ type: 'escalate', pathId: 'esc_nope' }] }, messages: ['x'] }), 400, 'rule.actions.0.pathId');
    expectProblem(await test({ rule: RULE, messages: ['x'], priority: 'meh' }), 400, 'priority');
    expectProblem(await test({ rule: RULE, messages: ['x'], slaStatus: 'late' }), 400, 'slaStatus');
  });
});

describe('fired alerts', () => {
  it('lists newest first with keyset pages, only on conversations the caller may see', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const teamId = await createTeam(ws);
    const staff = await addMember(ws, 'staff');
    const teammate = await addMember(ws, 'staff', [teamId]);
    const open = await visitorConversation(inbox.websiteToken, 'Hello');
    const theirs = await visitorConversation(inbox.websiteToken, 'Hello again');
    // Assigned to the teammate: the other staff member no longer sees it.
    const assigned = await call('PATCH', `/api/conversations/${theirs.id}`, { token: ws.token, body: { assigneeId: teammate.userId } });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    await eventually(async () => {
      const row = await env.DB.prepare('SELECT assignee_id FROM conversations WHERE id = ?').bind(theirs.id).first<{ assignee_id: string | null }>();
      return row?.assignee_id === teammate.userId;
    });
    const t0 = Date.now();
    const insert = (conversationId: string, i: number) =>
      env.DB.prepare(`INSERT INTO ai_alerts (id, workspace_id, conversation_id, rule_id, rule_name, reasons, sentiment, message_seq, created_at) VALUES (?, ?, ?, 'alr_x', 'Angry', ?, -0.7, ?, ?)`)
        .bind(`ala_${i.toString().padStart(3, '0')}`, ws.workspaceId, conversationId, JSON.stringify([`reason ${i}`]), i, t0 + i)
        .run();
    for (let i = 0; i < 5; i++) await insert(open.id, i);
    for (let i = 5; i < 8; i++) await insert(theirs.id, i);
    // Another workspace's alert on the same conversation id never shows.
    const other = await newWorkspace();
    await env.DB.prepare(`INSERT INTO ai_alerts (id, workspace_id, conversation_id, rule_id, rule_name, reasons, created_at) VALUES ('ala_other', ?, ?, 'r', 'r', '[]', ?)`).bind(other.workspaceId, open.id, t0).run();

    const all = await call('GET', '/api/ai-alerts?limit=3', { token: ws.token });
    expect(all.status).toBe(200);
    expect(all.body.items.map((a: { id: string }) => a.id)).toEqual(['ala_007', 'ala_006', 'ala_005']);
    expect(all.body.items[0]).toEqual({ id: 'ala_007', conversationId: theirs.id, ruleId: 'alr_x', ruleName: 'Angry', reasons: ['reason 7'], sentiment: -0.7, messageSeq: 7, createdAt: t0 + 7 });
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await call('GET', `/api/ai-alerts?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { token: ws.token });
      ids.push(...page.body.items.map((a) => a.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(ids).toEqual(['ala_007', 'ala_006', 'ala_005', 'ala_004', 'ala_003', 'ala_002', 'ala_001', 'ala_000']);

    const forStaff = await call('GET', '/api/ai-alerts', { token: staff.token });
    expect(forStaff.body.items.map((a: { conversationId: string }) => a.conversationId)).toEqual(Array(5).fill(open.id));
    const forTeammate = await call('GET', '/api/ai-alerts', { token: teammate.token });
    expect(forTeammate.body.items).toHaveLength(8);
    const one = await call('GET', `/api/ai-alerts?conversationId=${theirs.id}`, { token: ws.token });
    expect(one.body.items.map((a: { id: string }) => a.id)).toEqual(['ala_007', 'ala_006', 'ala_005']);
    expect((await call('GET', `/api/ai-alerts?conversationId=${theirs.id}`, { token: staff.token })).body.items).toEqual([]);
    expect((await call('GET', '/api/ai-alerts', { token: other.token })).body.items).toEqual([]);

    expectProblem(await call('GET', '/api/ai-alerts?cursor=nonsense', { token: ws.token }), 400, 'cursor');
    expectProblem(await call('GET', '/api/ai-alerts?limit=0', { token: ws.token }), 400, 'limit');
  });
});

describe('POST /api/ai/sentiment', () => {
  it('scores texts with the local analyzer', async () => {
    const ws = await newWorkspace();
    const res = await call('POST', '/api/ai/sentiment', { token: ws.token, body: { texts: ['Thank you, perfect stay!', 'Pésimo, quiero un reembolso', 'What time is check-in?'] } });
    expect(res.status).toBe(200);
    expect(res.body.map((r: { label: string; language: string }) => [r.label, r.language])).toEqual([
      ['positive', 'en'],
      ['negative', 'es'],
      ['neutral', 'en'],
    ]);
  });

  it('validates the texts and needs a login', async () => {
    const ws = await newWorkspace();
    const post = (body: unknown) => call('POST', '/api/ai/sentiment', { token: ws.token, body });
    expectProblem(await post({ texts: [] }), 400, 'texts');
    expectProblem(await post({ texts: Array(21).fill('hi') }), 400, 'texts');
    expectProblem(await post({ texts: ['x'.repeat(5001)] }), 400, 'texts.0');
    expectProblem(await post({ texts: [42] }), 400, 'texts.0');
    expectProblem(await call('POST', '/api/ai/sentiment', { body: { texts: ['hi'] } }), 401);
  });

  it('uses Workers AI when the AI binding is there: the classifier for English, the multilingual text model for Spanish', async () => {
    const ws = await newWorkspace();
    const calls: { model: string; inputs: unknown }[] = [];
    // The binding as documented: the classifier answers [{label, score}]; a text model in JSON mode {response: {...}}.
    const ai = {
      async run(model: string, inputs: { text?: string; messages?: unknown[] }) {
        calls.push({ model, inputs });
        if (model === '@cf/huggingface/distilbert-sst-2-int8')
          return [
            { label: 'NEGATIVE', score: 0.9 },
            { label: 'POSITIVE', score: 0.1 },
          ];
        return { response: { label: 'positive', confidence: 0.95 } };
      },
    };
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request(`${BASE}/api/ai/sentiment`, { method: 'POST', headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ texts: ['The heating broke', 'Todo perfecto, gracias'] }) }),
      { ...env, AI: ai, AI_MODE: 'auto' } as unknown as Env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const body = (await res.json()) as { score: number; label: string; language: string }[];
    expect(res.status).toBe(200);
    expect(calls.map((c) => c.model)).toEqual(['@cf/huggingface/distilbert-sst-2-int8', '@cf/meta/llama-3.1-8b-instruct-fast']);
    expect(calls[0].inputs).toEqual({ text: 'The heating broke' });
    expect(body[0]).toEqual({ score: -0.8, label: 'negative', confidence: 0.9, language: 'en' });
    expect(body[1]).toEqual({ score: 0.95, label: 'positive', confidence: 0.95, language: 'es' });
  });
});
