// A workspace's automation configuration as D1 stores it (SLA policies, escalation paths, AI alert
// rules, auto-status settings, calendars), loaded in one batch and cached per isolate, so a
// ConversationDO can apply it synchronously inside a commit and reload it only when it is old.
import { WorkspaceScope, database } from '../db/scope';
import type { Calendar, HolidayEntry, WeeklyHours } from '../routing/business-hours';
import type { SlaCalendars } from './deadlines';
import {
  DEFAULT_AUTO_STATUS,
  type AlertRule,
  type AutoStatusSettings,
  type EscalationPath,
  type EscalationTrigger,
  type SlaConditions,
  type SlaPolicy,
} from './model';

export interface AutomationConfig {
  workspaceId: string;
  /** workspace_automation.config_version (0 before anything was saved): objects reload when told of a higher one. */
  version: number;
  /** Enabled or not, by position (the pure matchers skip disabled ones). */
  policies: SlaPolicy[];
  paths: EscalationPath[];
  /** Enabled rules only, by position. */
  alertRules: AlertRule[];
  autoStatus: AutoStatusSettings;
  calendars: SlaCalendars;
}

/** How long a cached configuration is used before it is reloaded (config routes also push a new version). */
export const CONFIG_TTL_MS = 30_000;

type PolicyRow = {
  id: string;
  name: string;
  enabled: number;
  position: number;
  conditions: string;
  first_response_ms: number | null;
  next_response_ms: number | null;
  resolution_ms: number | null;
  business_hours: number;
  count_pending: number;
  count_snoozed: number;
  warning_pct: number;
};
type PathRow = { id: string; name: string; enabled: number; position: number; triggers: string; conditions: string; levels: string };
export type AlertRuleRow = { id: string; name: string; enabled: number; position: number; op: string; conditions: string; actions: string };
type AutomationRow = {
  pending_after_ms: number | null;
  auto_close_after_ms: number | null;
  auto_close_message: string | null;
  archive_after_ms: number | null;
  auto_priority: string | null;
  config_version: number;
};

/** Everything from D1 in one batch (no cache). */
export async function loadAutomationConfig(env: Env, workspaceId: string): Promise<AutomationConfig> {
  const scope = new WorkspaceScope(database(env.DB), env.DB, workspaceId);
  const [policies, paths, rules, automation, workspace, settings, teams] = await env.DB.batch([
    scope.prepare(
      `SELECT id, name, enabled, position, conditions, first_response_ms, next_response_ms, resolution_ms, business_hours, count_pending, count_snoozed, warning_pct
       FROM sla_policies WHERE workspace_id = ? ORDER BY position, created_at`,
    ),
    scope.prepare(`SELECT id, name, enabled, position, triggers, conditions, levels FROM escalation_paths WHERE workspace_id = ? ORDER BY position, created_at`),
    scope.prepare(`SELECT id, name, enabled, position, op, conditions, actions FROM ai_alert_rules WHERE workspace_id = ? AND enabled = 1 ORDER BY position, created_at`),
    scope.prepare(
      `SELECT pending_after_ms, auto_close_after_ms, auto_close_message, archive_after_ms, auto_priority, config_version FROM workspace_automation WHERE workspace_id = ?`,
    ),
    scope.prepare(`SELECT timezone, business_hours FROM workspaces WHERE id = ?`),
    scope.prepare(`SELECT holidays FROM routing_settings WHERE workspace_id = ?`),
    scope.prepare(`SELECT team_id, calendar FROM team_routing WHERE workspace_id = ? AND calendar IS NOT NULL`),
  ]);
  const a = automation.results[0] as AutomationRow | undefined;
  const ws = workspace.results[0] as { timezone: string; business_hours: string | null } | undefined;
  const h = settings.results[0] as { holidays: string } | undefined;
  const calendars: SlaCalendars = {
    workspace: { timezone: ws?.timezone ?? 'UTC', hours: ws?.business_hours ? (JSON.parse(ws.business_hours) as WeeklyHours) : null, holidays: h ? (JSON.parse(h.holidays) as HolidayEntry[]) : [] },
    teams: {},
  };
  for (const t of teams.results as { team_id: string; calendar: string }[]) calendars.teams[t.team_id] = JSON.parse(t.calendar) as Calendar;
  return {
    workspaceId,
    version: a?.config_version ?? 0,
    policies: (policies.results as PolicyRow[]).map(policyOf),
    paths: (paths.results as PathRow[]).map(pathOf),
    alertRules: (rules.results as AlertRuleRow[]).map(alertRuleOf),
    autoStatus: a ? autoStatusOf(a) : DEFAULT_AUTO_STATUS,
    calendars,
  };
}

export function policyOf(r: PolicyRow): SlaPolicy {
  const c = JSON.parse(r.conditions) as Partial<SlaConditions>;
  return {
    id: r.id,
    name: r.name,
    enabled: r.enabled === 1,
    position: r.position,
    conditions: { priorities: c.priorities ?? [], channels: c.channels ?? [], inboxIds: c.inboxIds ?? [], teamIds: c.teamIds ?? [], contactTags: c.contactTags ?? [] },
    targets: { firstResponse: r.first_response_ms, nextResponse: r.next_response_ms, resolution: r.resolution_ms },
    businessHours: r.business_hours === 1,
    countPending: r.count_pending === 1,
    countSnoozed: r.count_snoozed === 1,
    warningPct: r.warning_pct,
  };
}

export function pathOf(r: PathRow): EscalationPath {
  const c = JSON.parse(r.conditions) as Partial<EscalationPath['conditions']>;
  return {
    id: r.id,
    name: r.name,
    enabled: r.enabled === 1,
    position: r.position,
    triggers: JSON.parse(r.triggers) as EscalationTrigger[],
    conditions: { priorities: c.priorities ?? [], channels: c.channels ?? [], contactTags: c.contactTags ?? [] },
    levels: JSON.parse(r.levels) as EscalationPath['levels'],
  };
}

/** An ai_alert_rules row as the shared AlertRule (also used by the alert rules API). */
export function alertRuleOf(r: AlertRuleRow): AlertRule {
  return {
    id: r.id,
    name: r.name,
    enabled: r.enabled === 1,
    position: r.position,
    op: r.op === 'or' ? 'or' : 'and',
    conditions: JSON.parse(r.conditions) as AlertRule['conditions'],
    actions: JSON.parse(r.actions) as AlertRule['actions'],
  };
}

function autoStatusOf(a: AutomationRow): AutoStatusSettings {
  const p = JSON.parse(a.auto_priority || '{}') as Partial<AutoStatusSettings['autoPriority']>;
  return {
    pendingAfterMs: a.pending_after_ms,
    autoCloseAfterMs: a.auto_close_after_ms,
    autoCloseMessage: a.auto_close_message,
    archiveAfterMs: a.archive_after_ms,
    autoPriority: { enabled: p.enabled ?? DEFAULT_AUTO_STATUS.autoPriority.enabled, vipTags: p.vipTags ?? DEFAULT_AUTO_STATUS.autoPriority.vipTags },
  };
}

// ---- the isolate-level cache ----

const cache = new Map<string, { config: AutomationConfig; loadedAt: number }>();
const loading = new Map<string, Promise<AutomationConfig>>();

/** The cached configuration, however old (null when never loaded in this isolate): what a commit applies synchronously. */
export function peekAutomationConfig(workspaceId: string): { config: AutomationConfig; fresh: boolean } | null {
  const hit = cache.get(workspaceId);
  return hit ? { config: hit.config, fresh: Date.now() - hit.loadedAt < CONFIG_TTL_MS } : null;
}

/**
 * The configuration, from the cache while it is younger than CONFIG_TTL_MS and at least `minVersion`;
 * otherwise loaded from D1 (concurrent callers share one load).
 */
export async function automationConfig(env: Env, workspaceId: string, minVersion = 0): Promise<AutomationConfig> {
  return cachedConfig(env, workspaceId, minVersion, true);
}

async function cachedConfig(env: Env, workspaceId: string, minVersion: number, retry: boolean): Promise<AutomationConfig> {
  const hit = cache.get(workspaceId);
  if (hit && Date.now() - hit.loadedAt < CONFIG_TTL_MS && hit.config.version >= minVersion) return hit.config;
  let pending = loading.get(workspaceId);
  if (!pending) {
    pending = loadAutomationConfig(env, workspaceId)
      .then((config) => {
        cache.set(workspaceId, { config, loadedAt: Date.now() });
        return config;
      })
      .finally(() => loading.delete(workspaceId));
    loading.set(workspaceId, pending);
  }
  const config = await pending;
  // A load that started before the version was bumped may come back older than asked: load once more,
  // through the shared load (N objects told of the new version make one batch, not N).
  if (config.version < minVersion && retry) {
    if (cache.get(workspaceId)?.config === config) cache.delete(workspaceId);
    return cachedConfig(env, workspaceId, minVersion, false);
  }
  return config;
}

/** A contact's tags (segment for SLA policies, escalation paths and alert rules); [] when the contact is gone. */
export async function loadContactTags(env: Env, workspaceId: string, contactId: string): Promise<string[]> {
  const row = await new WorkspaceScope(database(env.DB), env.DB, workspaceId)
    .prepare(`SELECT tags FROM contacts WHERE workspace_id = ? AND id = ?`, contactId)
    .first<{ tags: string }>();
  return row ? (JSON.parse(row.tags) as string[]) : [];
}
