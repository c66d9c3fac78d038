// The routing API: the agent picker (/agents), rules, the default rule and calendars (/routing, managers),
// the rule tester, team assignment settings (/teams/:id/routing), transfer and take-over, and the
// caller's own presence and notification feed (/me/presence, /me/notifications).
import { Hono, type Context } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { canSeeConversation } from '../auth/principal';
import type { Conversation } from '../conversations/model';
import { conversationStub } from '../conversations/service';
import { configChanged } from '../sla/reapply';
import { newId } from '../db/ids';
import { insertAt, positionStatements } from '../db/ordering';
import { teams, users } from '../db/schema';
import { Problem } from '../http/problem';
import { valid } from '../http/validate';
import { removeFrom, reorder, type OrderedList } from '../http/ordered-list';
import { ruleOf } from './config';
import type { HolidayEntry } from './business-hours';
import { DEFAULT_PRESENCE } from './presence';
import type { RoutingRule, RuleActions, RuleCondition } from './rules';
import { OrderBody, RuleBody, RulePatch, SettingsBody, TeamRoutingBody, TestBody, TransferBody } from './schemas';
import { workspaceStub } from './stubs';
import { assistantInvolved, claimTakeover, sendTakeoverMessage } from '../ai/takeover-message';
import { loadAiSettings } from '../ai/settings';

export const routingRoutes = new Hono<AppEnv>();

const manager = requireRole('manager');

type Scope = AppEnv['Variables']['scope'];

// ---- agent picker and queue ----

routingRoutes.get('/agents', describeRoute({ tags: ['routing'], summary: 'Agents with presence, load, capacity, skills and teams (the agent picker)' }), async (c) => {
  return c.json({ items: await workspaceStub(c.env, c.get('principal').workspaceId).agents() });
});

routingRoutes.get('/routing/queue', describeRoute({ tags: ['routing'], summary: 'Conversations waiting for an agent, most urgent first' }), requireRole('manager', 'staff'), async (c) => {
  return c.json({ items: await workspaceStub(c.env, c.get('principal').workspaceId).waiting() });
});

// ---- rules ----

async function listRules(scope: Scope): Promise<RoutingRule[]> {
  const rows = await scope.prepare(`SELECT id, name, enabled, op, conditions, actions FROM routing_rules WHERE workspace_id = ? ORDER BY position, created_at`).all();
  return (rows.results as Parameters<typeof ruleOf>[0][]).map(ruleOf);
}

/** Every team a rule names must exist here; the error names the field. */
async function checkReferences(scope: Scope, rule: { conditions?: RuleCondition[]; actions?: RuleActions }, prefix = ''): Promise<void> {
  const known = new Set(((await scope.prepare(`SELECT id FROM teams WHERE workspace_id = ?`).all<{ id: string }>()).results ?? []).map((r) => r.id));
  if (rule.actions?.teamId && !known.has(rule.actions.teamId)) throw Problem.badRequest(`${prefix}actions.teamId`, 'no such team in this workspace');
  const walk = (cs: RuleCondition[], path: string) =>
    cs.forEach((cond, i) => {
      if (cond.type === 'group') walk(cond.conditions, `${path}.${i}.conditions`);
      if (cond.type === 'agents_available' && cond.teamId && !known.has(cond.teamId)) throw Problem.badRequest(`${path}.${i}.teamId`, 'no such team in this workspace');
      if (cond.type === 'business_hours' && cond.calendar !== 'workspace' && !known.has(cond.calendar)) throw Problem.badRequest(`${path}.${i}.calendar`, 'must be "workspace" or a team id');
    });
  walk(rule.conditions ?? [], `${prefix}conditions`);
}

async function routingChanged(c: Context<AppEnv>): Promise<void> {
  const ws = c.get('principal').workspaceId;
  await workspaceStub(c.env, ws).configChanged();
}

const RULES: OrderedList<RoutingRule> = { table: 'routing_rules', noun: 'rule', title: 'Rule', list: listRules, changed: routingChanged };

routingRoutes.get('/routing/rules', describeRoute({ tags: ['routing'], summary: 'Routing rules in order (first match wins) and the default rule' }), manager, async (c) => {
  const scope = c.get('scope');
  const settings = await scope.prepare(`SELECT default_actions FROM routing_settings WHERE workspace_id = ?`).first<{ default_actions: string | null }>();
  return c.json({ items: await listRules(scope), defaultRule: settings?.default_actions ? JSON.parse(settings.default_actions) : null });
});

routingRoutes.post('/routing/rules', describeRoute({ tags: ['routing'], summary: 'Add a rule (at the end, or at `position`)' }), manager, valid('json', RuleBody), async (c) => {
  const scope = c.get('scope');
  const body = c.req.valid('json');
  await checkReferences(scope, body);
  const rules = await listRules(scope);
  const id = newId('rule');
  const { position, ordered } = insertAt(rules.map((r) => r.id), id, body.position);
  await scope.d1.batch([
    scope.prepare(
      `INSERT INTO routing_rules (workspace_id, id, name, enabled, position, op, conditions, actions) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      body.name,
      body.enabled === false ? 0 : 1,
      position,
      body.op ?? 'and',
      JSON.stringify(body.conditions ?? []),
      JSON.stringify(body.actions),
    ),
    ...positionStatements(scope, 'routing_rules', ordered),
  ]);
  await routingChanged(c);
  const rule = (await listRules(scope)).find((r) => r.id === id)!;
  return c.json({ ...rule, position }, 201);
});

/** Statements giving each rule its index as position (scope.prepare binds the workspace id as ?1). */

// Registered before /routing/rules/:id so "order" is never taken for an id.
routingRoutes.put('/routing/rules/order', describeRoute({ tags: ['routing'], summary: 'Reorder the rules: every rule id, in the new order' }), manager, valid('json', OrderBody), async (c) => {
  return reorder(c, RULES, c.req.valid('json').ids);
});

routingRoutes.patch('/routing/rules/:id', describeRoute({ tags: ['routing'], summary: 'Change a rule' }), manager, valid('json', RulePatch), async (c) => {
  const scope = c.get('scope');
  const body = c.req.valid('json');
  const existing = (await listRules(scope)).find((r) => r.id === c.req.param('id'));
  if (!existing) throw Problem.notFound('Rule');
  await checkReferences(scope, { conditions: body.conditions, actions: body.actions });
  const next = { ...existing, ...body };
  await scope
    .prepare(
      `UPDATE routing_rules SET name = ?2, enabled = ?3, op = ?4, conditions = ?5, actions = ?6, updated_at = ?7 WHERE workspace_id = ?1 AND id = ?8`,
      next.name,
      next.enabled ? 1 : 0,
      next.op,
      JSON.stringify(next.conditions),
      JSON.stringify(next.actions),
      Date.now(),
      existing.id,
    )
    .run();
  await routingChanged(c);
  return c.json((await listRules(scope)).find((r) => r.id === existing.id));
});

routingRoutes.delete('/routing/rules/:id', describeRoute({ tags: ['routing'], summary: 'Delete a rule' }), manager, (c) => removeFrom(c, RULES, c.req.param('id')));

// ---- settings: default rule, holidays, presence timings ----

async function readSettings(scope: Scope) {
  const s = await scope.prepare(`SELECT default_actions, holidays, away_after_ms, offline_grace_ms FROM routing_settings WHERE workspace_id = ?`).first<{
    default_actions: string | null;
    holidays: string;
    away_after_ms: number | null;
    offline_grace_ms: number | null;
  }>();
  return {
    defaultRule: s?.default_actions ? (JSON.parse(s.default_actions) as RuleActions) : null,
    holidays: s ? (JSON.parse(s.holidays) as HolidayEntry[]) : [],
    awayAfterMinutes: (s?.away_after_ms ?? DEFAULT_PRESENCE.awayAfterMs) / 60_000,
    offlineGraceSeconds: (s?.offline_grace_ms ?? DEFAULT_PRESENCE.offlineGraceMs) / 1000,
  };
}

routingRoutes.get('/routing/settings', describeRoute({ tags: ['routing'], summary: 'Default rule, workspace holidays and presence timings' }), manager, async (c) => {
  return c.json(await readSettings(c.get('scope')));
});

routingRoutes.put('/routing/settings', describeRoute({ tags: ['routing'], summary: 'Set the default rule (null: leave unassigned), holidays, away-after and offline grace' }), manager, valid('json', SettingsBody), async (c) => {
  const scope = c.get('scope');
  const body = c.req.valid('json');
  if (body.defaultRule) await checkReferences(scope, { actions: body.defaultRule as RuleActions }, 'defaultRule.');
  const cur = await readSettings(scope);
  const next = { ...cur, ...body };
  await scope
    .prepare(
      `INSERT INTO routing_settings (workspace_id, default_actions, holidays, away_after_ms, offline_grace_ms, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(workspace_id) DO UPDATE SET default_actions = excluded.default_actions, holidays = excluded.holidays,
         away_after_ms = excluded.away_after_ms, offline_grace_ms = excluded.offline_grace_ms, updated_at = excluded.updated_at`,
      next.defaultRule ? JSON.stringify(next.defaultRule) : null,
      JSON.stringify(next.holidays),
      Math.round(next.awayAfterMinutes * 60_000),
      Math.round(next.offlineGraceSeconds * 1000),
      Date.now(),
    )
    .run();
  await routingChanged(c);
  // Holidays are part of the SLA calendars: business-hours clocks re-apply with them.
  if (JSON.stringify(next.holidays) !== JSON.stringify(cur.holidays)) await configChanged(c);
  return c.json(await readSettings(scope));
});

// ---- the rule tester ----

routingRoutes.post(
  '/routing/test',
  describeRoute({ tags: ['routing'], summary: 'Which rule would match a sample conversation and who would get it (nothing is assigned)', description: 'Pass `rule` to try an unsaved rule, `defaultRule` an unsaved default.' }),
  manager,
  valid('json', TestBody),
  async (c) => {
    const scope = c.get('scope');
    const ws = c.get('principal').workspaceId;
    const body = c.req.valid('json');
    let rules: RoutingRule[] | undefined;
    if (body.rule) {
      await checkReferences(scope, body.rule, 'rule.');
      const draft: RoutingRule = { id: body.rule.id ?? 'draft', name: body.rule.name, enabled: body.rule.enabled ?? true, op: body.rule.op ?? 'and', conditions: body.rule.conditions ?? [], actions: body.rule.actions };
      const saved = await listRules(scope);
      const at = saved.findIndex((r) => r.id === draft.id);
      rules = saved.filter((r) => r.id !== draft.id);
      rules.splice(at >= 0 ? at : Math.min(body.rule.position ?? 0, rules.length), 0, draft);
    }
    if (body.defaultRule) await checkReferences(scope, { actions: body.defaultRule as RuleActions }, 'defaultRule.');
    const s = body.conversation;
    const at = s.at === undefined ? Date.now() : typeof s.at === 'number' ? s.at : Date.parse(s.at);
    const result = await workspaceStub(c.env, ws).tryRouting(
      { channel: s.channel, inboxId: s.inboxId, text: s.text, priority: s.priority, contact: { tags: s.contactTags, attributes: s.contactAttributes }, at },
      { rules, defaults: body.defaultRule as RuleActions | undefined },
    );
    return c.json({
      rule: result.match?.rule ? { id: result.match.rule.id, name: result.match.rule.name } : null,
      isDefault: result.match?.rule === null,
      trace: result.match?.trace ?? [],
      decision: result.decision,
    });
  },
);

// ---- team assignment settings ----

routingRoutes.get('/teams/:id/routing', describeRoute({ tags: ['routing'], summary: "A team's assignment mode, skills, fallback chain, offline re-route and calendar" }), async (c) => {
  const scope = c.get('scope');
  const team = await scope.find(teams, c.req.param('id'));
  if (!team) throw Problem.notFound('Team');
  return c.json(await teamRoutingJson(scope, team.id));
});

async function teamRoutingJson(scope: Scope, teamId: string) {
  const r = await scope.prepare(`SELECT * FROM team_routing WHERE workspace_id = ? AND team_id = ?`, teamId).first<Record<string, string | number | null>>();
  return {
    teamId,
    mode: (r?.mode as string) ?? 'round_robin',
    requiredSkills: JSON.parse(String(r?.required_skills ?? '[]')),
    optionalSkills: JSON.parse(String(r?.optional_skills ?? '[]')),
    fallback: JSON.parse(String(r?.fallback ?? '["relax_optional"]')),
    offlineRerouteSeconds: r?.offline_reroute_ms === null || r?.offline_reroute_ms === undefined ? null : Number(r.offline_reroute_ms) / 1000,
    calendar: r?.calendar ? JSON.parse(String(r.calendar)) : null,
  };
}

routingRoutes.put('/teams/:id/routing', describeRoute({ tags: ['routing'], summary: "Set a team's assignment mode, skills, fallback chain, offline re-route delay and calendar" }), manager, valid('json', TeamRoutingBody), async (c) => {
  const scope = c.get('scope');
  const team = await scope.find(teams, c.req.param('id'));
  if (!team) throw Problem.notFound('Team');
  const b = c.req.valid('json');
  const before = await scope.prepare(`SELECT calendar FROM team_routing WHERE workspace_id = ? AND team_id = ?`, team.id).first<{ calendar: string | null }>();
  await scope
    .prepare(
      `INSERT INTO team_routing (workspace_id, team_id, mode, required_skills, optional_skills, fallback, offline_reroute_ms, calendar, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(team_id) DO UPDATE SET mode = excluded.mode, required_skills = excluded.required_skills, optional_skills = excluded.optional_skills,
         fallback = excluded.fallback, offline_reroute_ms = excluded.offline_reroute_ms, calendar = excluded.calendar, updated_at = excluded.updated_at`,
      team.id,
      b.mode,
      JSON.stringify(b.requiredSkills),
      JSON.stringify(b.optionalSkills),
      JSON.stringify(b.fallback),
      b.offlineRerouteSeconds === null ? null : b.offlineRerouteSeconds * 1000,
      b.calendar ? JSON.stringify(b.calendar) : null,
      Date.now(),
    )
    .run();
  await routingChanged(c);
  // A team calendar is the SLA calendar of its conversations' business-hours policies: re-apply them.
  if ((before?.calendar ?? null) !== (b.calendar ? JSON.stringify(b.calendar) : null)) await configChanged(c);
  return c.json(await teamRoutingJson(scope, team.id));
});

// ---- manual control: transfer and take over ----

/** The conversation if the caller may see it (404 across workspaces, 403 otherwise). */
async function visibleConversation(c: Context<AppEnv>): Promise<Conversation> {
  const p = c.get('principal');
  const state = await conversationStub(c.env, p.workspaceId, c.req.param('id')!).state();
  if (!state) throw Problem.notFound('Conversation');
  if (!canSeeConversation(p, state)) throw Problem.forbidden('This conversation is not assigned to you or your teams');
  return state;
}

async function applyDecision(c: Context<AppEnv>, decision: Awaited<ReturnType<ReturnType<typeof workspaceStub>['transfer']>>) {
  const p = c.get('principal');
  const res = await conversationStub(c.env, p.workspaceId, decision.conversationId).applyRouting(decision);
  if (!res.ok) {
    await workspaceStub(c.env, p.workspaceId).release(decision.conversationId, res.conversation);
    throw Problem.conflict(res.reason === 'closed' ? 'The conversation is closed' : 'The conversation was reassigned meanwhile; reload and try again');
  }
  return c.json({ conversation: res.conversation, decision });
}

routingRoutes.post(
  '/conversations/:id/transfer',
  describeRoute({ tags: ['routing'], summary: 'Transfer to an agent, or to a team (routed by its mode, else queued), with a note' }),
  requireRole('manager', 'staff'),
  valid('json', TransferBody),
  async (c) => {
    const p = c.get('principal');
    const scope = c.get('scope');
    const body = c.req.valid('json');
    const conversation = await visibleConversation(c);
    if (body.assigneeId) {
      const user = await scope.find(users, body.assigneeId);
      if (!user || user.disabled) throw Problem.badRequest('assigneeId', 'no such active user in this workspace');
    }
    if (body.teamId && !(await scope.find(teams, body.teamId))) throw Problem.badRequest('teamId', 'no such team in this workspace');
    const decision = await workspaceStub(c.env, p.workspaceId).transfer({
      conversation,
      toUserId: body.assigneeId,
      toTeamId: body.teamId,
      note: body.note || null,
      by: { id: p.userId, name: p.name },
    });
    return applyDecision(c, decision);
  },
);

routingRoutes.post(
  '/conversations/:id/takeover',
  describeRoute({
    tags: ['routing'],
    summary: 'Take the conversation over (from the AI assistant, a bot or a colleague): it is assigned to you',
    description: "Taking it from the AI assistant also sends the customer the workspace's take-over message (AI settings `takeoverMessage`, e.g. \"You're now talking with Ana from our team.\") as your reply, once: a second take over of the same conversation sends nothing.",
  }),
  requireRole('manager', 'staff'),
  async (c) => {
    const p = c.get('principal');
    const conversation = await visibleConversation(c);
    const scope = c.get('scope');
    // The assistant stops either way, even when the conversation is already yours. Taking it from the
    // assistant (only the request that stopped it) also tells the customer, once routing has run.
    const takenAt = Date.now();
    const fromAi = (await assistantInvolved(scope, conversation)) && (await claimTakeover(scope, conversation.id, p.userId, takenAt));
    if (!fromAi) await markAiTakenOver(c, conversation.id);
    const tellCustomer = async (current: Conversation) => {
      if (!fromAi) return;
      const me = await scope.find(users, p.userId);
      await sendTakeoverMessage(c.env, scope, current, { id: p.userId, name: me?.name ?? p.name }, (await loadAiSettings(scope)).takeoverMessage, takenAt);
    };
    if (conversation.assigneeId === p.userId && conversation.lastMessageAuthorType !== 'ai' && conversation.lastMessageAuthorType !== 'bot') {
      await tellCustomer(conversation);
      return c.json({ conversation, decision: null });
    }
    const from =
      conversation.lastMessageAuthorType === 'ai' ? 'the AI assistant' : conversation.lastMessageAuthorType === 'bot' ? 'the bot' : conversation.assigneeId ? ((await scope.find(users, conversation.assigneeId))?.name ?? null) : null;
    const decision = await workspaceStub(c.env, p.workspaceId).takeover({ conversation, by: { id: p.userId, name: p.name }, from });
    const res = await applyDecision(c, decision);
    await tellCustomer((await conversationStub(c.env, p.workspaceId, conversation.id).state()) ?? conversation);
    return res;
  },
);

/** The AI assistant stops answering a conversation a person took over (its state lives in ai_conversations). */
async function markAiTakenOver(c: Context<AppEnv>, conversationId: string): Promise<void> {
  const p = c.get('principal');
  try {
    await c
      .get('scope')
      .prepare(`UPDATE ai_conversations SET state = 'taken_over', by_user_id = ?3, updated_at = ?4 WHERE workspace_id = ?1 AND id = ?2 AND state = 'active'`, conversationId, p.userId, Date.now())
      .run();
  } catch (err) {
    console.warn(`take over ${conversationId}: could not mark the AI conversation taken over: ${String(err)}`);
  }
}
