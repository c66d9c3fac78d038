// The demo workspace's automation (worker/dev/seed-automation.ts, worker/dev/seed.ts): the config is
// what the config APIs would accept, the demo texts trip the rules they are there to show, and after
// `npm start`'s seed the workspace has the policies, paths, rules and settings, and its conversations
// carry SLA states: on track, warning and breached.
import { env } from 'cloudflare:test';
import * as v from 'valibot';
import { beforeAll, describe, expect, it } from 'vitest';
import { lexiconAnalyzer } from '../../worker/ai/sentiment';
import { DEMO, LIVE_GUESTS, seedDemo, type SeedResult } from '../../worker/dev/seed';
import { AUTO_CLOSE_MESSAGE, BOOKING_PLATFORMS, demoAutomation, demoHolidays, ESCALATION_KEYWORDS } from '../../worker/dev/seed-automation';
import { RuleBody, SettingsBody, TeamRoutingBody } from '../../worker/routing/schemas';
import { evaluateConversationAlerts } from '../../worker/sla/alerts';
import { AlertRuleBody } from '../../worker/alerts/schemas';
import { loadAutomationConfig } from '../../worker/sla/config';
import { matchPolicy } from '../../worker/sla/deadlines';
import { AutoStatusBody, EscalationPathBody, SlaPolicyBody } from '../../worker/sla/schemas';
import { call, eventually, login } from '../helpers';

const MIN = 60_000;
const HOUR = 60 * MIN;
const people = { managerId: 'usr_manager', vipHandlerId: 'usr_sam', reservationsTeamId: 'team_res', guestCareTeamId: 'team_care' };
let counter = 0;
const demo = demoAutomation(people, Date.UTC(2026, 10, 21), (p) => `${p}_${++counter}`);

/** The body as a config API would take it; throws naming the path of the first issue. */
function accepts<S extends v.GenericSchema>(schema: S, body: unknown): void {
  const r = v.safeParse(schema, body);
  if (!r.success) throw new Error(`${JSON.stringify(body)} refused: ${r.issues.map((i) => `${v.getDotPath(i)}: ${i.message}`).join('; ')}`);
}

describe('the demo automation (pure)', () => {
  it('is what the config APIs accept, so managers can edit it in the app', () => {
    for (const { id: _id, position: _p, ...p } of demo.policies) accepts(SlaPolicyBody, p);
    for (const { id: _id, position: _p, ...p } of demo.paths) accepts(EscalationPathBody, p);
    for (const { id: _id, ...r } of demo.alertRules) accepts(AlertRuleBody, r);
    accepts(AutoStatusBody, demo.autoStatus);
    for (const { id: _id, ...r } of demo.routing.rules) accepts(RuleBody, r);
    for (const { teamId: _t, offlineRerouteMs, ...t } of demo.routing.teams) {
      accepts(TeamRoutingBody, { ...t, offlineRerouteSeconds: offlineRerouteMs === null ? null : offlineRerouteMs / 1000 });
    }
    accepts(SettingsBody, { defaultRule: demo.routing.defaults, holidays: demo.routing.holidays });
  });

  it('has the policies a holiday-rental business runs on, matched in order', () => {
    const [vip, urgent, platforms, standard] = demo.policies;
    expect(vip).toMatchObject({ conditions: { contactTags: ['vip'] }, targets: { firstResponse: 15 * MIN, resolution: 4 * HOUR }, businessHours: false });
    expect(urgent).toMatchObject({ conditions: { priorities: ['urgent'] }, targets: { firstResponse: 15 * MIN, resolution: 4 * HOUR }, businessHours: false });
    expect(platforms.conditions.channels).toEqual(BOOKING_PLATFORMS);
    expect(standard).toMatchObject({
      targets: { firstResponse: HOUR, nextResponse: 2 * HOUR, resolution: 24 * HOUR },
      businessHours: true,
      countPending: false,
      warningPct: 75,
    });
    const facts = { priority: 'normal' as const, channel: 'webchat', inboxId: 'inb_1', teamId: null, contactTags: [] as string[] };
    expect(matchPolicy(demo.policies, { ...facts, contactTags: ['VIP'] })?.id).toBe(vip.id);
    expect(matchPolicy(demo.policies, { ...facts, priority: 'urgent' })?.id).toBe(urgent.id);
    expect(matchPolicy(demo.policies, { ...facts, channel: 'airbnb' })?.id).toBe(platforms.id);
    expect(matchPolicy(demo.policies, facts)?.id).toBe(standard.id);
  });

  it('escalates a breach in two levels, VIPs on arrival, and complaints through the alert rules', () => {
    const [complaints, breach, vip] = demo.paths;
    expect(breach.triggers).toEqual(['breach']);
    expect(breach.levels[0]).toMatchObject({ delayMs: 0, actions: [{ type: 'raise_priority' }, { type: 'notify', channels: ['in_app'], recipients: { assignee: true } }] });
    expect(breach.levels[1]).toMatchObject({
      delayMs: 30 * MIN,
      actions: [
        { type: 'reassign', to: 'agent', userId: people.managerId },
        { type: 'notify', recipients: { roles: ['manager'] } },
      ],
    });
    expect(vip).toMatchObject({ triggers: ['vip'], conditions: { contactTags: ['vip'] } });
    expect(complaints.triggers).toEqual(['alert', 'manual']);
    const keywordRule = demo.alertRules.find((r) => r.conditions.some((c) => c.type === 'keywords'))!;
    expect(keywordRule.conditions).toEqual([{ type: 'keywords', any: ESCALATION_KEYWORDS }]);
    expect(keywordRule.actions).toEqual([{ type: 'escalate', pathId: complaints.id }]);
    expect(demo.autoStatus).toEqual({
      pendingAfterMs: 24 * HOUR,
      autoCloseAfterMs: 72 * HOUR,
      autoCloseMessage: AUTO_CLOSE_MESSAGE,
      archiveAfterMs: 30 * 24 * HOUR,
      autoPriority: { enabled: true, vipTags: ['vip'] },
    });
    expect(demoHolidays(Date.UTC(2026, 10, 21))).toContain('2027-01-06');
  });

  it("the live guests' messages trip the rules they are there to show (local sentiment analyzer)", async () => {
    const fired: Record<string, { rules: string[]; priority: string | null }> = {};
    for (const g of LIVE_GUESTS) {
      const texts = g.script.filter((l) => l.from === 'guest').map((l) => l.text);
      const r = await evaluateConversationAlerts(lexiconAnalyzer, demo.alertRules, demo.autoStatus.autoPriority, {
        channel: g.channel,
        priority: 'normal',
        contactTags: g.tags,
        slaStatus: 'ok',
        recentCustomerTexts: texts,
      });
      fired[g.name] = { rules: r.hits.map((h) => h.ruleName), priority: r.priority?.priority ?? null };
    }
    expect(fired).toEqual({
      'Isabel Fernández': { rules: [], priority: 'high' },
      'Thomas Becker': { rules: ['Very unhappy guest', 'Refund, chargeback or legal threat'], priority: 'high' },
      'Lucía Romero': { rules: ['Very unhappy guest', 'Refund, chargeback or legal threat'], priority: 'high' },
      'Emma Johansson': { rules: ['Mood turned sour'], priority: null },
    });
  });
});

describe('npm start: the seeded demo workspace', () => {
  let seed: SeedResult;
  let token: string;
  let seedMs = 0;

  beforeAll(async () => {
    const started = Date.now();
    seed = await seedDemo(env);
    seedMs = Date.now() - started;
    console.log(`seedDemo took ${seedMs} ms`);
    const res = await login(DEMO.manager.email, DEMO.password);
    token = res.body.token;
  }, 120_000);

  it('has the policies, paths, rules and settings, loaded as the ConversationDO loads them', async () => {
    expect(seed.created).toBe(true);
    const config = await loadAutomationConfig(env, seed.workspaceId);
    expect(config.version).toBeGreaterThanOrEqual(1);
    expect(config.policies.map((p) => p.name)).toEqual(['VIP guests (24/7)', 'Urgent issues (24/7)', 'Booking platforms', 'Standard (business hours)']);
    expect(config.paths.map((p) => [p.name, p.triggers])).toEqual([
      ['Complaints and manual escalations', ['alert', 'manual']],
      ['SLA breached', ['breach']],
      ['VIP guests', ['vip']],
    ]);
    expect(config.alertRules.map((r) => r.name)).toEqual(['Very unhappy guest', 'Refund, chargeback or legal threat', 'Mood turned sour', 'VIP about to breach']);
    expect(config.autoStatus).toEqual(demo.autoStatus);
    expect(config.calendars.workspace.timezone).toBe('Europe/Madrid');
    expect(config.calendars.workspace.holidays).toEqual(demoHolidays(Date.now()));
    // The manager's L2 reassignment points at the real manager.
    const breach = config.paths.find((p) => p.name === 'SLA breached')!;
    const manager = await env.DB.prepare(`SELECT id FROM users WHERE email = ?`).bind(DEMO.manager.email).first<string>('id');
    expect(breach.levels[1].actions[0]).toEqual({ type: 'reassign', to: 'agent', userId: manager });

    // The same through the API the app's pages read.
    expect((await call('GET', '/api/sla/policies', { token })).body.items).toHaveLength(4);
    expect((await call('GET', '/api/escalations/paths', { token })).body.items).toHaveLength(3);
    expect((await call('GET', '/api/ai-alerts/rules', { token })).body.items).toHaveLength(4);
    const routing = await call('GET', '/api/routing/rules', { token });
    expect(routing.body.items.map((r: { name: string }) => r.name)).toEqual([
      'VIP guests to the VIP desk',
      'Billing and refunds to Reservations',
      'Maintenance to Guest care',
      'Booking platforms to Reservations',
    ]);
    const teams = await env.DB.prepare(`SELECT mode FROM team_routing WHERE workspace_id = ? ORDER BY mode`).bind(seed.workspaceId).all<{ mode: string }>();
    expect(teams.results.map((t) => t.mode)).toEqual(['load_balanced', 'skill_based']);

    const vips = await env.DB.prepare(`SELECT count(*) AS n FROM contacts WHERE workspace_id = ? AND tags LIKE '%"vip"%'`).bind(seed.workspaceId).first<number>('n');
    expect(vips).toBeGreaterThanOrEqual(5);
  });

  it('its not-closed conversations carry an SLA, and the live guests trip the alert rules and escalation paths', async () => {
    const ids = await eventually(async () => {
      const rows = await env.DB.prepare(`SELECT id FROM conversations WHERE workspace_id = ? AND status IN ('open', 'pending', 'snoozed')`)
        .bind(seed.workspaceId)
        .all<{ id: string }>();
      return rows.results.length >= 40 ? rows.results.map((r) => r.id) : null;
    });
    await eventually(async () => {
      for (const id of ids) {
        const c = await call('GET', `/api/conversations/${id}`, { token });
        if (c.status !== 200 || !c.body.sla) return false;
      }
      return true;
    }, 30_000);

    const fired = await eventually(async () => {
      const rows = await env.DB.prepare(`SELECT DISTINCT rule_name FROM ai_alerts WHERE workspace_id = ? ORDER BY rule_name`).bind(seed.workspaceId).all<{ rule_name: string }>();
      return rows.results.length >= 3 ? rows.results.map((r) => r.rule_name) : null;
    }, 30_000);
    expect(fired).toEqual(expect.arrayContaining(['Very unhappy guest', 'Refund, chargeback or legal threat', 'Mood turned sour']));
    const triggers = await eventually(async () => {
      const rows = await env.DB.prepare(`SELECT DISTINCT "trigger" AS t FROM escalations WHERE workspace_id = ?`).bind(seed.workspaceId).all<{ t: string }>();
      const t = rows.results.map((r) => r.t);
      return t.includes('alert') && t.includes('vip') ? t : null;
    }, 30_000);
    expect(triggers).toEqual(expect.arrayContaining(['alert', 'vip']));
  });

  // Needs the ConversationDO to date a conversation by the createdAt of messages marked `history` (the seed's are).
  it('shows every SLA state right after the seed: on track, warning and breached', async () => {
    const states = await eventually(async () => {
      const rows = await env.DB.prepare(`SELECT id FROM conversations WHERE workspace_id = ? AND status = 'open'`).bind(seed.workspaceId).all<{ id: string }>();
      const seen = new Set<string>();
      for (const { id } of rows.results) {
        const c = await call('GET', `/api/conversations/${id}`, { token });
        if (c.body.sla) seen.add(c.body.sla.status);
      }
      return seen.has('ok') && seen.has('warning') && seen.has('breached') ? seen : null;
    }, 20_000);
    expect([...states].sort()).toEqual(['breached', 'ok', 'warning']);
    // A breach starts the breach path.
    await eventually(async () => env.DB.prepare(`SELECT 1 FROM escalations WHERE workspace_id = ? AND "trigger" = 'breach'`).bind(seed.workspaceId).first(), 15_000);
    // Auto-status: the conversation pending for four days was closed with the friendly message.
    const closed = await eventually(async () =>
      env.DB.prepare(`SELECT status, last_message_preview AS preview FROM conversations WHERE workspace_id = ? AND last_message_preview LIKE 'We haven%'`)
        .bind(seed.workspaceId)
        .first<{ status: string; preview: string }>(),
    );
    expect(closed.status).toBe('closed');
    expect(AUTO_CLOSE_MESSAGE.startsWith(closed.preview.replace(/…$/, ''))).toBe(true);
  }, 60_000);

  it('its history is measured as it happened: first responses take minutes, not the instant of the import', async () => {
    const r = await eventually(async () => {
      const row = await env.DB.prepare(`SELECT count(*) AS n, max(first_response_s) AS longest, min(first_response_at) AS earliest FROM conversation_fact_cycles WHERE workspace_id = ? AND first_response_s IS NOT NULL`)
        .bind(seed.workspaceId)
        .first<{ n: number; longest: number | null; earliest: number | null }>();
      return row && row.n >= 20 ? row : null;
    }, 60_000);
    // Stamped with the import's clock, every reply came a fraction of a second after its question.
    expect(r.longest).toBeGreaterThan(60);
    expect(r.earliest).toBeLessThan(Date.now() - 86_400_000);
  }, 90_000);

  it('is idempotent, and a second start is quick', async () => {
    const started = Date.now();
    const again = await seedDemo(env);
    expect(again).toMatchObject({ created: false, workspaceId: seed.workspaceId });
    expect(Date.now() - started).toBeLessThan(2000);
    const n = await env.DB.prepare(`SELECT count(*) AS n FROM sla_policies WHERE workspace_id = ?`).bind(seed.workspaceId).first<number>('n');
    expect(n).toBe(4);
  });
});
