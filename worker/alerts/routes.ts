// The AI alert API: rules in order (/ai-alerts/rules, managers write), the rule builder's tester
// (/ai-alerts/test), the alerts that fired (/ai-alerts, filtered by what the caller may see) and
// sentiment on demand (/ai/sentiment). Every rule write bumps workspace_automation.config_version
// so conversation objects reload their configuration.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { sentimentAnalyzer } from '../ai/sentiment';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import type { Principal } from '../auth/principal';
import { newId } from '../db/ids';
import { insertAt, positionStatements } from '../db/ordering';
import { Problem } from '../http/problem';
import { valid } from '../http/validate';
import { removeFrom, reorder, type OrderedList } from '../http/ordered-list';
import { AlertOrderBody, AlertRuleBody, AlertRulePatch, AlertTestBody, FiredAlertsQuery, SentimentBody } from './schemas';
import { evaluateConversationAlerts } from '../sla/alerts';
import { alertRuleOf, type AlertRuleRow } from '../sla/config';
import { DEFAULT_AUTO_STATUS, type AlertAction, type AlertRule, type AutoStatusSettings } from '../sla/model';

export const alertRoutes = new Hono<AppEnv>();

const manager = requireRole('manager');

type Scope = AppEnv['Variables']['scope'];



async function listRules(scope: Scope): Promise<AlertRule[]> {
  const rows = await scope.prepare(`SELECT id, name, enabled, position, op, conditions, actions FROM ai_alert_rules WHERE workspace_id = ? ORDER BY position, created_at`).all<AlertRuleRow>();
  return (rows.results ?? []).map(alertRuleOf);
}

/** Escalation paths and users an action names must exist in this workspace; the error names the field. */
async function checkReferences(scope: Scope, actions: AlertAction[] | undefined, prefix = ''): Promise<void> {
  if (!actions?.length) return;
  const pathIds = actions.flatMap((a) => (a.type === 'escalate' && a.pathId ? [a.pathId] : []));
  const userIds = actions.flatMap((a) => (a.type === 'notify' ? a.recipients.userIds : []));
  const known = async (sql: string, ids: string[]) =>
    ids.length ? new Set(((await scope.prepare(`${sql} (${ids.map(() => '?').join(', ')})`, ...ids).all<{ id: string }>()).results ?? []).map((r) => r.id)) : new Set<string>();
  const paths = await known(`SELECT id FROM escalation_paths WHERE workspace_id = ? AND id IN`, [...new Set(pathIds)]);
  const users = await known(`SELECT id FROM users WHERE workspace_id = ? AND disabled = 0 AND id IN`, [...new Set(userIds)]);
  actions.forEach((a, i) => {
    if (a.type === 'escalate' && a.pathId && !paths.has(a.pathId)) throw Problem.badRequest(`${prefix}actions.${i}.pathId`, 'no such escalation path in this workspace');
    if (a.type === 'notify') {
      a.recipients.userIds.forEach((id, j) => {
        if (!users.has(id)) throw Problem.badRequest(`${prefix}actions.${i}.recipients.userIds.${j}`, 'no such active user in this workspace');
      });
    }
  });
}

/** Conversation objects compare this version with theirs and reload the rules when it grew. */
function bumpConfigVersion(scope: Scope) {
  return scope.prepare(
    `INSERT INTO workspace_automation (workspace_id, config_version) VALUES (?, 1)
     ON CONFLICT(workspace_id) DO UPDATE SET config_version = config_version + 1, updated_at = ?2`,
    Date.now(),
  );
}

const RULES: OrderedList<AlertRule> = {
  table: 'ai_alert_rules',
  noun: 'rule',
  title: 'Alert rule',
  list: listRules,
  changed: async (c) => void (await bumpConfigVersion(c.get('scope')).run()),
};


// ---- rules ----

alertRoutes.get('/ai-alerts/rules', describeRoute({ tags: ['ai-alerts'], summary: 'AI alert rules in order (every enabled rule that matches fires)' }), async (c) => {
  return c.json({ items: await listRules(c.get('scope')) });
});

alertRoutes.post('/ai-alerts/rules', describeRoute({ tags: ['ai-alerts'], summary: 'Add an AI alert rule (at the end, or at `position`)' }), manager, valid('json', AlertRuleBody), async (c) => {
  const scope = c.get('scope');
  const body = c.req.valid('json');
  await checkReferences(scope, body.actions);
  const rules = await listRules(scope);
  const id = newId('alr');
  const { position, ordered } = insertAt(rules.map((r) => r.id), id, body.position);
  await scope.d1.batch([
    scope.prepare(
      `INSERT INTO ai_alert_rules (workspace_id, id, name, enabled, position, op, conditions, actions) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      body.name,
      body.enabled === false ? 0 : 1,
      position,
      body.op ?? 'and',
      JSON.stringify(body.conditions),
      JSON.stringify(body.actions),
    ),
    ...positionStatements(scope, 'ai_alert_rules', ordered),
    bumpConfigVersion(scope),
  ]);
  return c.json((await listRules(scope)).find((r) => r.id === id), 201);
});

// Registered before /ai-alerts/rules/:id so "order" is never taken for an id.
alertRoutes.put('/ai-alerts/rules/order', describeRoute({ tags: ['ai-alerts'], summary: 'Reorder the rules: every rule id, in the new order' }), manager, valid('json', AlertOrderBody), async (c) => {
  return reorder(c, RULES, c.req.valid('json').ids);
});

alertRoutes.get('/ai-alerts/rules/:id', describeRoute({ tags: ['ai-alerts'], summary: 'One AI alert rule' }), async (c) => {
  const rule = (await listRules(c.get('scope'))).find((r) => r.id === c.req.param('id'));
  if (!rule) throw Problem.notFound('Alert rule');
  return c.json(rule);
});

alertRoutes.patch('/ai-alerts/rules/:id', describeRoute({ tags: ['ai-alerts'], summary: 'Change an AI alert rule' }), manager, valid('json', AlertRulePatch), async (c) => {
  const scope = c.get('scope');
  const body = c.req.valid('json');
  const existing = (await listRules(scope)).find((r) => r.id === c.req.param('id'));
  if (!existing) throw Problem.notFound('Alert rule');
  await checkReferences(scope, body.actions);
  const next = { ...existing, ...body };
  await scope.d1.batch([
    scope.prepare(
      `UPDATE ai_alert_rules SET name = ?2, enabled = ?3, op = ?4, conditions = ?5, actions = ?6, updated_at = ?7 WHERE workspace_id = ?1 AND id = ?8`,
      next.name,
      next.enabled ? 1 : 0,
      next.op,
      JSON.stringify(next.conditions),
      JSON.stringify(next.actions),
      Date.now(),
      existing.id,
    ),
    bumpConfigVersion(scope),
  ]);
  return c.json((await listRules(scope)).find((r) => r.id === existing.id));
});

alertRoutes.delete('/ai-alerts/rules/:id', describeRoute({ tags: ['ai-alerts'], summary: 'Delete an AI alert rule (alerts it fired stay)' }), manager, (c) => removeFrom(c, RULES, c.req.param('id')));

// ---- the rule tester ----

async function autoPrioritySettings(scope: Scope): Promise<AutoStatusSettings['autoPriority']> {
  const row = await scope.prepare(`SELECT auto_priority FROM workspace_automation WHERE workspace_id = ?`).first<{ auto_priority: string | null }>();
  let saved: Partial<AutoStatusSettings['autoPriority']> = {};
  try {
    saved = JSON.parse(row?.auto_priority || '{}');
  } catch {
    // A damaged value counts as never saved.
  }
  return { enabled: saved.enabled ?? DEFAULT_AUTO_STATUS.autoPriority.enabled, vipTags: saved.vipTags ?? DEFAULT_AUTO_STATUS.autoPriority.vipTags };
}

alertRoutes.post(
  '/ai-alerts/test',
  describeRoute({
    tags: ['ai-alerts'],
    summary: 'Try a draft rule on sample customer messages: their sentiment, whether the rule fires and why, and auto-priority',
    description: 'Nothing is saved. The last 5 messages are evaluated, oldest first, as a conversation would; the rule runs even when disabled.',
  }),
  manager,
  valid('json', AlertTestBody),
  async (c) => {
    const scope = c.get('scope');
    const body = c.req.valid('json');
    await checkReferences(scope, body.rule.actions, 'rule.');
    const rule: AlertRule = { id: 'draft', name: body.rule.name, enabled: true, position: 0, op: body.rule.op ?? 'and', conditions: body.rule.conditions, actions: body.rule.actions };
    const result = await evaluateConversationAlerts(sentimentAnalyzer(c.env), [rule], await autoPrioritySettings(scope), {
      channel: body.channel,
      priority: body.priority,
      contactTags: body.contactTags,
      slaStatus: body.slaStatus,
      recentCustomerTexts: body.messages,
    });
    return c.json(result);
  },
);

// ---- fired alerts ----

/** canSeeConversation (worker/auth/principal.ts) as SQL over the conversations projection `c`. */
function visibleTo(p: Principal): { sql: string; params: unknown[] } {
  switch (p.role) {
    case 'manager':
      return { sql: '1 = 1', params: [] };
    case 'personal':
      return { sql: 'c.assignee_id = ?', params: [p.userId] };
    case 'staff':
      return p.teamIds.length
        ? { sql: `(c.assignee_id IS NULL OR c.assignee_id = ? OR c.team_id IN (${p.teamIds.map(() => '?').join(', ')}))`, params: [p.userId, ...p.teamIds] }
        : { sql: '(c.assignee_id IS NULL OR c.assignee_id = ?)', params: [p.userId] };
  }
}

function encodeCursor(createdAt: number, id: string): string {
  return btoa(JSON.stringify([createdAt, id])).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const [at, id] = JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))) as unknown[];
    if (typeof at === 'number' && Number.isFinite(at) && typeof id === 'string') return [at, id];
  } catch {
    // fall through
  }
  throw Problem.badRequest('query.cursor', 'is not a cursor this list returned');
}

interface AlertRow {
  id: string;
  conversation_id: string;
  rule_id: string;
  rule_name: string;
  reasons: string;
  sentiment: number | null;
  message_seq: number | null;
  created_at: number;
}

alertRoutes.get(
  '/ai-alerts',
  describeRoute({ tags: ['ai-alerts'], summary: 'Alerts that fired, newest first, on the conversations you may see (`conversationId` for one conversation)' }),
  valid('query', FiredAlertsQuery),
  async (c) => {
    const q = c.req.valid('query');
    const limit = q.limit ?? 50;
    const where: string[] = ['a.workspace_id = ?'];
    const params: unknown[] = [];
    const vis = visibleTo(c.get('principal'));
    where.push(vis.sql);
    params.push(...vis.params);
    if (q.conversationId) {
      where.push('a.conversation_id = ?');
      params.push(q.conversationId);
    }
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor);
      where.push('(a.created_at < ? OR (a.created_at = ? AND a.id < ?))');
      params.push(at, at, id);
    }
    const rows = await c
      .get('scope')
      .prepare(
        `SELECT a.id, a.conversation_id, a.rule_id, a.rule_name, a.reasons, a.sentiment, a.message_seq, a.created_at
         FROM ai_alerts a JOIN conversations c ON c.id = a.conversation_id AND c.workspace_id = a.workspace_id
         WHERE ${where.join(' AND ')} ORDER BY a.created_at DESC, a.id DESC LIMIT ?`,
        ...params,
        limit + 1,
      )
      .all<AlertRow>();
    const page = (rows.results ?? []).slice(0, limit);
    const last = page.at(-1);
    return c.json({
      items: page.map((r) => ({
        id: r.id,
        conversationId: r.conversation_id,
        ruleId: r.rule_id,
        ruleName: r.rule_name,
        reasons: JSON.parse(r.reasons) as string[],
        sentiment: r.sentiment,
        messageSeq: r.message_seq,
        createdAt: r.created_at,
      })),
      nextCursor: (rows.results ?? []).length > limit && last ? encodeCursor(last.created_at, last.id) : null,
    });
  },
);

// ---- sentiment on demand ----

alertRoutes.post(
  '/ai/sentiment',
  describeRoute({ tags: ['ai'], summary: 'Sentiment of up to 20 texts: score -1…1, label, confidence, language (Workers AI in the cloud, the EN/ES/PT/FR lexicon locally)' }),
  valid('json', SentimentBody),
  async (c) => {
    return c.json(await sentimentAnalyzer(c.env).analyze(c.req.valid('json').texts));
  },
);
