// The demo workspace's automation (development only): SLA policies, escalation paths, AI alert rules,
// auto-status settings and routing for a holiday-rental business, stored exactly as the config APIs
// store them. demoAutomation is pure (tested on its own); seedAutomation writes it in one D1 batch.
import { newId } from '../db/ids';
import type { TeamRouting } from '../routing/model';
import type { RoutingRule, RuleActions } from '../routing/rules';
import { workspaceStub } from '../routing/stubs';
import type { AlertRule, AutoStatusSettings, EscalationPath, SlaConditions, SlaPolicy } from '../sla/model';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Channels whose platforms rank hosts on response time around the clock. */
export const BOOKING_PLATFORMS = ['airbnb', 'bookingcom', 'expedia', 'vrbo'];
/** Words that put a conversation in front of a manager at once (EN/ES). */
export const ESCALATION_KEYWORDS = ['refund', 'chargeback', 'lawyer', 'reembolso', 'abogado'];
export const AUTO_CLOSE_MESSAGE =
  "We haven't heard back from you, so we're closing this conversation for now. Just reply here if there's anything else we can do for your stay. — Casa Azul Rentals";

export interface DemoPeople {
  managerId: string;
  /** The staff member with the 'vip' and 'billing' skills. */
  vipHandlerId: string;
  reservationsTeamId: string;
  guestCareTeamId: string;
}

export interface DemoAutomation {
  policies: SlaPolicy[];
  paths: EscalationPath[];
  alertRules: AlertRule[];
  autoStatus: AutoStatusSettings;
  routing: { rules: RoutingRule[]; defaults: RuleActions; teams: TeamRouting[]; holidays: string[] };
}

const NONE: SlaConditions = { priorities: [], channels: [], inboxIds: [], teamIds: [], contactTags: [] };

/** Spain's fixed-date national holidays this year and next (YYYY-MM-DD), for the workspace calendar. */
export function demoHolidays(now: number): string[] {
  const year = new Date(now).getUTCFullYear();
  const days = ['01-01', '01-06', '05-01', '08-15', '10-12', '11-01', '12-06', '12-08', '12-25'];
  return [year, year + 1].flatMap((y) => days.map((d) => `${y}-${d}`));
}

/** The whole demo configuration; `id` mints row ids (newId in the seed, a counter in tests). */
export function demoAutomation(people: DemoPeople, now: number, id: (prefix: string) => string = (p) => newId(p)): DemoAutomation {
  const allDay = { businessHours: false, countPending: false, countSnoozed: false, warningPct: 75 };
  const policies: SlaPolicy[] = [
    {
      id: id('sla'),
      name: 'VIP guests (24/7)',
      enabled: true,
      position: 0,
      conditions: { ...NONE, contactTags: ['vip'] },
      targets: { firstResponse: 15 * MIN, nextResponse: 30 * MIN, resolution: 4 * HOUR },
      ...allDay,
    },
    {
      id: id('sla'),
      name: 'Urgent issues (24/7)',
      enabled: true,
      position: 1,
      conditions: { ...NONE, priorities: ['urgent'] },
      targets: { firstResponse: 15 * MIN, nextResponse: 30 * MIN, resolution: 4 * HOUR },
      ...allDay,
    },
    {
      // Airbnb, Booking.com and co. measure response time on the wall clock, nights and weekends included.
      id: id('sla'),
      name: 'Booking platforms',
      enabled: true,
      position: 2,
      conditions: { ...NONE, channels: BOOKING_PLATFORMS },
      targets: { firstResponse: HOUR, nextResponse: 2 * HOUR, resolution: DAY },
      ...allDay,
    },
    {
      id: id('sla'),
      name: 'Standard (business hours)',
      enabled: true,
      position: 3,
      conditions: NONE,
      targets: { firstResponse: HOUR, nextResponse: 2 * HOUR, resolution: DAY },
      businessHours: true,
      countPending: false,
      countSnoozed: false,
      warningPct: 75,
    },
  ];

  const managers = { userIds: [], roles: ['manager' as const], assignee: false };
  // First by position: a manual escalation without an explicit path takes this one.
  const complaints: EscalationPath = {
    id: id('esp'),
    name: 'Complaints and manual escalations',
    enabled: true,
    position: 0,
    triggers: ['alert', 'manual'],
    conditions: { priorities: [], channels: [], contactTags: [] },
    levels: [
      {
        delayMs: 0,
        name: 'Flag for a manager',
        actions: [
          { type: 'flag', reason: 'Refund, chargeback or legal threat' },
          { type: 'raise_priority', to: 'high' },
          { type: 'notify', channels: ['in_app', 'browser'], recipients: { ...managers, assignee: true } },
        ],
      },
      { delayMs: HOUR, name: 'Manager takes over', actions: [{ type: 'reassign', to: 'agent', userId: people.managerId }] },
    ],
  };
  const paths: EscalationPath[] = [
    complaints,
    {
      id: id('esp'),
      name: 'SLA breached',
      enabled: true,
      position: 1,
      triggers: ['breach'],
      conditions: { priorities: [], channels: [], contactTags: [] },
      levels: [
        {
          delayMs: 0,
          name: 'Raise priority, tell the assignee',
          actions: [
            { type: 'raise_priority' },
            { type: 'notify', channels: ['in_app'], recipients: { userIds: [], roles: [], assignee: true } },
          ],
        },
        {
          delayMs: 30 * MIN,
          name: 'Hand over to the manager',
          actions: [
            { type: 'reassign', to: 'agent', userId: people.managerId },
            { type: 'notify', channels: ['in_app', 'browser'], recipients: managers },
          ],
        },
      ],
    },
    {
      id: id('esp'),
      name: 'VIP guests',
      enabled: true,
      position: 2,
      triggers: ['vip'],
      conditions: { priorities: [], channels: [], contactTags: ['vip'] },
      levels: [
        {
          delayMs: 0,
          name: 'VIP desk',
          actions: [
            { type: 'raise_priority', to: 'high' },
            { type: 'notify', channels: ['in_app', 'browser'], recipients: { userIds: [people.vipHandlerId], roles: [], assignee: true } },
          ],
        },
        { delayMs: HOUR, name: 'Manager check-in', actions: [{ type: 'notify', channels: ['in_app'], recipients: managers }] },
      ],
    },
  ];

  const alertRules: AlertRule[] = [
    {
      id: id('alr'),
      name: 'Very unhappy guest',
      enabled: true,
      position: 0,
      op: 'and',
      conditions: [{ type: 'sentiment_below', maxScore: -0.7 }],
      actions: [{ type: 'flag' }, { type: 'notify', recipients: { ...managers, assignee: true } }],
    },
    {
      id: id('alr'),
      name: 'Refund, chargeback or legal threat',
      enabled: true,
      position: 1,
      op: 'and',
      conditions: [{ type: 'keywords', any: ESCALATION_KEYWORDS }],
      actions: [{ type: 'escalate', pathId: complaints.id }],
    },
    {
      id: id('alr'),
      name: 'Mood turned sour',
      enabled: true,
      position: 2,
      op: 'and',
      conditions: [{ type: 'sentiment_shift', fromMin: 0.3, toMax: -0.3, window: 3 }],
      actions: [{ type: 'set_priority', priority: 'high' }],
    },
    {
      id: id('alr'),
      name: 'VIP about to breach',
      enabled: true,
      position: 3,
      op: 'and',
      conditions: [
        { type: 'vip', tags: ['vip'] },
        { type: 'sla', status: 'warning' },
      ],
      actions: [{ type: 'notify', recipients: managers }],
    },
  ];

  const autoStatus: AutoStatusSettings = {
    pendingAfterMs: DAY,
    autoCloseAfterMs: 3 * DAY,
    autoCloseMessage: AUTO_CLOSE_MESSAGE,
    archiveAfterMs: 30 * DAY,
    autoPriority: { enabled: true, vipTags: ['vip'] },
  };

  const reservations = people.reservationsTeamId;
  const guestCare = people.guestCareTeamId;
  const rules: RoutingRule[] = [
    {
      id: id('rule'),
      name: 'VIP guests to the VIP desk',
      enabled: true,
      op: 'and',
      conditions: [{ type: 'contact_tags', values: ['vip'] }],
      actions: { assign: true, teamId: reservations, mode: 'skill_based', requiredSkills: ['vip'], priority: 'high' },
    },
    {
      id: id('rule'),
      name: 'Billing and refunds to Reservations',
      enabled: true,
      op: 'and',
      conditions: [{ type: 'keywords', values: ['refund*', 'charged', 'invoice', 'payment', 'reembolso', 'factura', 'cobro'] }],
      actions: { assign: true, teamId: reservations, requiredSkills: ['billing'], addTags: ['billing'] },
    },
    {
      id: id('rule'),
      name: 'Maintenance to Guest care',
      enabled: true,
      op: 'and',
      conditions: [{ type: 'keywords', values: ['not working', 'broken', 'leak*', 'hot water', 'heating', 'wifi', 'no funciona', 'avería', 'calefacción'] }],
      actions: { assign: true, teamId: guestCare, addTags: ['maintenance'] },
    },
    {
      id: id('rule'),
      name: 'Booking platforms to Reservations',
      enabled: true,
      op: 'and',
      conditions: [{ type: 'channel', values: BOOKING_PLATFORMS }],
      actions: { assign: true, teamId: reservations },
    },
  ];
  const teams: TeamRouting[] = [
    {
      teamId: reservations,
      mode: 'skill_based',
      requiredSkills: [],
      optionalSkills: ['billing', 'vip'],
      fallback: ['relax_optional', 'team', 'workspace'],
      offlineRerouteMs: 15 * MIN,
      calendar: null,
    },
    {
      // Guests call about a broken boiler at 9 pm too: Guest care keeps longer hours than the office.
      teamId: guestCare,
      mode: 'load_balanced',
      requiredSkills: [],
      optionalSkills: [],
      fallback: ['relax_optional'],
      offlineRerouteMs: null,
      calendar: {
        timezone: 'Europe/Madrid',
        hours: Object.fromEntries([0, 1, 2, 3, 4, 5, 6].map((d) => [d, [['08:00', '22:00']]])),
        holidays: [],
      },
    },
  ];
  return { policies, paths, alertRules, autoStatus, routing: { rules, defaults: { assign: true, teamId: guestCare }, teams, holidays: demoHolidays(now) } };
}

/**
 * Write the demo automation and routing for a new workspace in one batch, bump the config version
 * (what every config route does) and tell the WorkspaceDO its routing changed. Returns the version.
 */
export async function seedAutomation(env: Env, workspaceId: string, people: DemoPeople, now = Date.now()): Promise<{ version: number; automation: DemoAutomation }> {
  const a = demoAutomation(people, now);
  const ws = workspaceId;
  const db = env.DB;
  const stmts: D1PreparedStatement[] = [
    ...a.policies.map((p) =>
      db
        .prepare(
          `INSERT INTO sla_policies (id, workspace_id, name, enabled, position, conditions, first_response_ms, next_response_ms, resolution_ms,
             business_hours, count_pending, count_snoozed, warning_pct)
           VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(
          p.id,
          ws,
          p.name,
          p.position,
          JSON.stringify(p.conditions),
          p.targets.firstResponse,
          p.targets.nextResponse,
          p.targets.resolution,
          p.businessHours ? 1 : 0,
          p.countPending ? 1 : 0,
          p.countSnoozed ? 1 : 0,
          p.warningPct,
        ),
    ),
    ...a.paths.map((p) =>
      db
        .prepare(`INSERT INTO escalation_paths (id, workspace_id, name, enabled, position, triggers, conditions, levels) VALUES (?, ?, ?, 1, ?, ?, ?, ?)`)
        .bind(p.id, ws, p.name, p.position, JSON.stringify(p.triggers), JSON.stringify(p.conditions), JSON.stringify(p.levels)),
    ),
    ...a.alertRules.map((r) =>
      db
        .prepare(`INSERT INTO ai_alert_rules (id, workspace_id, name, enabled, position, op, conditions, actions) VALUES (?, ?, ?, 1, ?, ?, ?, ?)`)
        .bind(r.id, ws, r.name, r.position, r.op, JSON.stringify(r.conditions), JSON.stringify(r.actions)),
    ),
    ...a.routing.rules.map((r, i) =>
      db
        .prepare(`INSERT INTO routing_rules (id, workspace_id, name, enabled, position, op, conditions, actions) VALUES (?, ?, ?, 1, ?, ?, ?, ?)`)
        .bind(r.id, ws, r.name, i, r.op, JSON.stringify(r.conditions), JSON.stringify(r.actions)),
    ),
    ...a.routing.teams.map((t) =>
      db
        .prepare(`INSERT INTO team_routing (team_id, workspace_id, mode, required_skills, optional_skills, fallback, offline_reroute_ms, calendar) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
        .bind(
          t.teamId,
          ws,
          t.mode,
          JSON.stringify(t.requiredSkills),
          JSON.stringify(t.optionalSkills),
          JSON.stringify(t.fallback),
          t.offlineRerouteMs,
          t.calendar ? JSON.stringify(t.calendar) : null,
        ),
    ),
    db
      .prepare(`INSERT INTO routing_settings (workspace_id, default_actions, holidays) VALUES (?, ?, ?)`)
      .bind(ws, JSON.stringify(a.routing.defaults), JSON.stringify(a.routing.holidays)),
    db
      .prepare(
        `INSERT INTO workspace_automation (workspace_id, pending_after_ms, auto_close_after_ms, auto_close_message, archive_after_ms, auto_priority, config_version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)
         ON CONFLICT(workspace_id) DO UPDATE SET pending_after_ms = ?2, auto_close_after_ms = ?3, auto_close_message = ?4, archive_after_ms = ?5, auto_priority = ?6,
           config_version = config_version + 1
         RETURNING config_version`,
      )
      .bind(ws, a.autoStatus.pendingAfterMs, a.autoStatus.autoCloseAfterMs, a.autoStatus.autoCloseMessage, a.autoStatus.archiveAfterMs, JSON.stringify(a.autoStatus.autoPriority)),
  ];
  const results = await db.batch(stmts);
  const version = (results.at(-1)!.results[0] as { config_version: number }).config_version;
  await workspaceStub(env, ws).configChanged();
  return { version, automation: a };
}
