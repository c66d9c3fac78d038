// Routing rules and the decision, pure: conditions with AND/OR and groups, first match wins, the
// default rule, business-hours conditions by time zone, and explained decisions.
import { describe, expect, it } from 'vitest';
import { decide, type RoutingConfig } from '../../worker/routing/decide';
import { DEFAULT_TEAM_ROUTING, type RosterAgent } from '../../worker/routing/model';
import { containsKeyword, matchRules, normalize, type RoutingFacts, type RoutingRule, type RuleContext } from '../../worker/routing/rules';

const facts = (over: Partial<RoutingFacts> = {}): RoutingFacts => ({
  channel: 'whatsapp',
  inboxId: 'inb_1',
  text: 'Hola, quiero un reembolso de mi pedido',
  priority: 'normal',
  contact: { tags: ['vip'], attributes: { plan: 'Enterprise', seats: 40 } },
  now: Date.parse('2026-03-04T10:00:00Z'), // a Wednesday
  ...over,
});
const ctx: RuleContext = { calendar: () => null, availableAgents: () => 1 };
const rule = (id: string, over: Partial<RoutingRule>): RoutingRule => ({ id, name: id, enabled: true, op: 'and', conditions: [], actions: { assign: true, teamId: null }, ...over });

describe('keywords', () => {
  it('match whole words and phrases, ignoring case and accents', () => {
    const t = normalize('¿Dónde está mi PEDIDO? Necesito un Reembolso.');
    expect(containsKeyword(t, 'pedido')).toBe(true);
    expect(containsKeyword(t, 'donde esta')).toBe(true);
    expect(containsKeyword(t, 'reembolso')).toBe(true);
    expect(containsKeyword(t, 'pedi')).toBe(false);
    expect(containsKeyword(t, 'pedi*')).toBe(true);
    expect(containsKeyword(t, 'mi pedido necesito')).toBe(true);
  });
});

describe('matchRules', () => {
  const rules = [
    rule('disabled', { enabled: false, actions: { assign: true, teamId: 'x' } }),
    rule('sms', { conditions: [{ type: 'channel', values: ['sms'] }] }),
    rule('refund-es', { conditions: [{ type: 'keywords', values: ['reembolso', 'refund'] }, { type: 'contact_tags', values: ['vip'] }] }),
    rule('catch-all', {}),
  ];

  it('first enabled match wins, with a trace of what failed before it', () => {
    const m = matchRules(rules, { assign: false, teamId: null }, facts(), ctx);
    expect(m.rule!.id).toBe('refund-es');
    expect(m.trace.map((t) => [t.ruleId, t.matched])).toEqual([
      ['disabled', false],
      ['sms', false],
      ['refund-es', true],
    ]);
    expect(m.trace[1].failed).toBe('channel is sms');
  });

  it('AND needs every condition; OR any; groups nest; negate inverts', () => {
    const and = rule('and', { conditions: [{ type: 'channel', values: ['whatsapp'] }, { type: 'priority', values: ['urgent'] }] });
    const or = rule('or', { op: 'or', conditions: [{ type: 'channel', values: ['sms'] }, { type: 'priority', values: ['normal'] }] });
    const nested = rule('nested', {
      conditions: [
        { type: 'contact_attribute', key: 'plan', op: 'equals', value: 'enterprise' },
        { type: 'group', op: 'or', conditions: [{ type: 'inbox', values: ['inb_9'] }, { type: 'contact_tags', values: ['vip', 'partner'], match: 'all', negate: true }] },
      ],
    });
    expect(matchRules([and], { assign: false, teamId: null }, facts(), ctx).rule).toBeNull();
    expect(matchRules([or], { assign: false, teamId: null }, facts(), ctx).rule?.id).toBe('or');
    expect(matchRules([nested], { assign: false, teamId: null }, facts(), ctx).rule?.id).toBe('nested');
    expect(matchRules([nested], { assign: false, teamId: null }, facts({ contact: { tags: ['vip', 'partner'], attributes: { plan: 'enterprise' } } }), ctx).rule).toBeNull();
  });

  it('segments by contact attribute: equals, in, exists, contains', () => {
    const attr = (c: RoutingRule['conditions'][number]) => matchRules([rule('r', { conditions: [c] })], { assign: false, teamId: null }, facts(), ctx).rule !== null;
    expect(attr({ type: 'contact_attribute', key: 'plan', op: 'in', value: ['pro', 'enterprise'] })).toBe(true);
    expect(attr({ type: 'contact_attribute', key: 'seats', op: 'exists' })).toBe(true);
    expect(attr({ type: 'contact_attribute', key: 'churned', op: 'exists' })).toBe(false);
    expect(attr({ type: 'contact_attribute', key: 'plan', op: 'contains', value: 'prise' })).toBe(true);
    expect(attr({ type: 'contact_attribute', key: 'plan', op: 'not_equals', value: 'enterprise' })).toBe(false);
  });

  it('the default applies when nothing matches', () => {
    const m = matchRules([rules[1]], { assign: true, teamId: 'support' }, facts(), ctx);
    expect(m.rule).toBeNull();
    expect(m.actions.teamId).toBe('support');
  });

  it('business hours by calendar and time zone: the same instant routes differently per team', () => {
    const hours = { '1': [['09:00', '17:00']], '2': [['09:00', '17:00']], '3': [['09:00', '17:00']], '4': [['09:00', '17:00']], '5': [['09:00', '17:00']] } as Record<string, [string, string][]>;
    const calendars: RuleContext = {
      calendar: (key) => (key === 'madrid' ? { timezone: 'Europe/Madrid', hours } : key === 'workspace' ? { timezone: 'America/Los_Angeles', hours } : null),
      availableAgents: () => 0,
    };
    const list = [
      rule('madrid-open', { conditions: [{ type: 'business_hours', calendar: 'madrid', open: true }], actions: { assign: true, teamId: 'madrid' } }),
      rule('after-hours', { conditions: [{ type: 'business_hours', calendar: 'workspace', open: false }, { type: 'agents_available', teamId: null, available: false }], actions: { assign: false, teamId: null } }),
    ];
    // 10:00 UTC Wednesday: 11:00 in Madrid (open), 02:00 in Los Angeles.
    expect(matchRules(list, { assign: true, teamId: null }, facts(), calendars).rule!.id).toBe('madrid-open');
    // 20:00 UTC: Madrid closed (21:00), Los Angeles open (12:00): nothing matches.
    expect(matchRules(list, { assign: true, teamId: null }, facts({ now: Date.parse('2026-03-04T20:00:00Z') }), calendars).rule).toBeNull();
    // 03:00 UTC: both closed, nobody available.
    expect(matchRules(list, { assign: true, teamId: null }, facts({ now: Date.parse('2026-03-04T03:00:00Z') }), calendars).rule!.id).toBe('after-hours');
  });

  it('business hours across the US DST change: 08:30 local is closed the Monday after', () => {
    const hours = Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, [['08:00', '17:00']] as [string, string][]]));
    const c: RuleContext = { calendar: () => ({ timezone: 'America/New_York', hours }), availableAgents: () => 1 };
    const list = [rule('open', { conditions: [{ type: 'business_hours', calendar: 'workspace', open: true }] })];
    // 12:30 UTC is 07:30 EST on Friday 6 March (closed) and 08:30 EDT on Monday 9 March (open).
    expect(matchRules(list, { assign: false, teamId: null }, facts({ now: Date.parse('2026-03-06T12:30:00Z') }), c).rule).toBeNull();
    expect(matchRules(list, { assign: false, teamId: null }, facts({ now: Date.parse('2026-03-09T12:30:00Z') }), c).rule?.id).toBe('open');
  });
});

describe('decide', () => {
  const roster: RosterAgent[] = [
    { userId: 'u1', name: 'Ana', status: 'online', load: 1, capacity: 3, skills: ['billing'], languages: ['es'], teamIds: ['billing'], lastAssignedAt: 0 },
    { userId: 'u2', name: 'Ben', status: 'online', load: 0, capacity: 3, skills: [], languages: ['en'], teamIds: ['billing'], lastAssignedAt: 0 },
    { userId: 'u3', name: 'Cai', status: 'offline', load: 0, capacity: 3, skills: ['billing'], languages: ['es'], teamIds: ['billing'], lastAssignedAt: 0 },
  ];
  const config: RoutingConfig = {
    rules: [
      rule('es', { name: 'Spanish billing', conditions: [{ type: 'keywords', values: ['reembolso'] }], actions: { assign: true, teamId: 'billing', priority: 'high', addTags: ['refund'], requiredSkills: ['es'] } }),
      rule('quiet', { name: 'Leave newsletters', conditions: [{ type: 'keywords', values: ['unsubscribe'] }], actions: { assign: false, teamId: 'billing' } }),
    ],
    defaults: { assign: true, teamId: 'billing', mode: 'round_robin' },
    configured: true,
    teams: new Map([['billing', { name: 'Billing', routing: { teamId: 'billing', ...DEFAULT_TEAM_ROUTING, mode: 'skill_based' as const } }]]),
    workspaceCalendar: null,
  };
  const base = { conversationId: 'cnv_1', trigger: 'created' as const, config, roster, cursor: () => null };

  it('explains itself: rule, team, mode, agent, candidates, and the actions to apply', () => {
    const { decision } = decide({ ...base, facts: facts() });
    expect(decision).toMatchObject({ outcome: 'assigned', assigneeId: 'u1', teamId: 'billing', teamName: 'Billing', priority: 'high', addTags: ['refund'], mode: 'skill_based', step: 'strict' });
    expect(decision.rule).toEqual({ id: 'es', name: 'Spanish billing', isDefault: false });
    expect(decision.reason).toBe('Rule “Spanish billing” matched → Billing, skill-based (es): Ana (load 1/3, 1 of 3 available)');
    expect(decision.candidates.excluded).toEqual({ missing_skills: 1, offline: 1 });
  });

  it('"leave unassigned" assigns nobody and queues nothing', () => {
    const { decision, target } = decide({ ...base, facts: facts({ text: 'please unsubscribe me' }) });
    expect(decision.outcome).toBe('unassigned');
    expect(target).toBeNull();
    expect(decision.reason).toContain('leave unassigned in Billing');
  });

  it('the default rule, and a queue when nobody can take it', () => {
    const d = decide({ ...base, facts: facts({ text: 'hello' }) });
    expect(d.decision.rule).toEqual({ id: null, name: 'Default', isDefault: true });
    expect(d.decision.mode).toBe('round_robin');
    expect(d.cursor).toEqual(['billing', 'u1']);
    const full = roster.map((a) => ({ ...a, load: a.capacity }));
    const q = decide({ ...base, roster: full, facts: facts({ text: 'hello' }) });
    expect(q.decision.outcome).toBe('queued');
    expect(q.target?.teamId).toBe('billing');
    expect(q.decision.reason).toMatch(/nobody available \(2 at capacity, 1 offline\); waiting in the queue/);
  });
});
