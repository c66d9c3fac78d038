// Routing configuration as D1 stores it, loaded for one workspace: rules, the default rule, team
// settings, calendars (workspace and teams, with holidays), presence timings and the agents' profiles.
import { database, WorkspaceScope } from '../db/scope';
import type { AssignmentRow } from './assignments';
import type { Calendar, HolidayEntry, WeeklyHours } from './business-hours';
import type { RoutingConfig } from './decide';
import { DEFAULT_TEAM_ROUTING, type TeamRouting } from './model';
import { DEFAULT_PRESENCE, type PresenceConfig } from './presence';
import { BUILT_IN_DEFAULT, type RoutingFacts, type RoutingRule, type RuleActions } from './rules';

export interface WorkspaceRouting {
  config: RoutingConfig;
  presence: PresenceConfig;
  profiles: { userId: string; name: string; role: string; capacity: number; skills: string[]; languages: string[]; teamIds: string[] }[];
}

export function scopeFor(env: Env, workspaceId: string): WorkspaceScope {
  return new WorkspaceScope(database(env.DB), env.DB, workspaceId);
}

type RuleRow = { id: string; name: string; enabled: number; op: string; conditions: string; actions: string };
type TeamRow = { id: string; name: string; mode: string | null; required_skills: string | null; optional_skills: string | null; fallback: string | null; offline_reroute_ms: number | null; calendar: string | null };
type SettingsRow = { default_actions: string | null; holidays: string; away_after_ms: number | null; offline_grace_ms: number | null };
type UserRow = { id: string; name: string; role: string; capacity: number; skills: string; languages: string };

/** Everything the router needs from D1, in one batch. */
export async function loadWorkspaceRouting(env: Env, workspaceId: string): Promise<WorkspaceRouting> {
  const scope = scopeFor(env, workspaceId);
  const [rules, teams, settings, workspace, users, members] = await env.DB.batch([
    scope.prepare(`SELECT id, name, enabled, op, conditions, actions FROM routing_rules WHERE workspace_id = ? ORDER BY position, created_at`),
    scope.prepare(
      `SELECT t.id, t.name, r.mode, r.required_skills, r.optional_skills, r.fallback, r.offline_reroute_ms, r.calendar
       FROM teams t LEFT JOIN team_routing r ON r.team_id = t.id WHERE t.workspace_id = ?`,
    ),
    scope.prepare(`SELECT default_actions, holidays, away_after_ms, offline_grace_ms FROM routing_settings WHERE workspace_id = ?`),
    scope.prepare(`SELECT timezone, business_hours FROM workspaces WHERE id = ?`),
    scope.prepare(`SELECT id, name, role, capacity, skills, languages FROM users WHERE workspace_id = ? AND disabled = 0`),
    scope.prepare(`SELECT team_id, user_id FROM team_members WHERE workspace_id = ?`),
  ]);
  const s = (settings.results[0] as SettingsRow | undefined) ?? null;
  const ws = workspace.results[0] as { timezone: string; business_hours: string | null } | undefined;
  const workspaceCalendar: Calendar = {
    timezone: ws?.timezone ?? 'UTC',
    hours: ws?.business_hours ? (JSON.parse(ws.business_hours) as WeeklyHours) : null,
    holidays: s ? (JSON.parse(s.holidays) as HolidayEntry[]) : [],
  };
  const teamMap = new Map<string, { name: string; routing: TeamRouting }>();
  for (const t of teams.results as TeamRow[]) teamMap.set(t.id, { name: t.name, routing: teamRoutingOf(t) });
  const teamIds = new Map<string, string[]>();
  for (const m of members.results as { team_id: string; user_id: string }[]) teamIds.set(m.user_id, [...(teamIds.get(m.user_id) ?? []), m.team_id]);
  const defaults = s?.default_actions ? (JSON.parse(s.default_actions) as RuleActions) : null;
  const ruleList = (rules.results as RuleRow[]).map(ruleOf);
  return {
    config: { rules: ruleList, defaults: defaults ?? BUILT_IN_DEFAULT, configured: defaults !== null || ruleList.length > 0, teams: teamMap, workspaceCalendar },
    presence: { awayAfterMs: s?.away_after_ms ?? DEFAULT_PRESENCE.awayAfterMs, offlineGraceMs: s?.offline_grace_ms ?? DEFAULT_PRESENCE.offlineGraceMs },
    profiles: (users.results as UserRow[]).map((u) => ({
      userId: u.id,
      name: u.name,
      role: u.role,
      capacity: u.capacity,
      skills: JSON.parse(u.skills) as string[],
      languages: JSON.parse(u.languages) as string[],
      teamIds: (teamIds.get(u.id) ?? []).sort(),
    })),
  };
}

export function ruleOf(r: RuleRow): RoutingRule {
  return { id: r.id, name: r.name, enabled: r.enabled === 1, op: r.op === 'or' ? 'or' : 'and', conditions: JSON.parse(r.conditions), actions: JSON.parse(r.actions) };
}

export function teamRoutingOf(t: TeamRow): TeamRouting {
  if (t.mode === null) return { teamId: t.id, ...DEFAULT_TEAM_ROUTING };
  return {
    teamId: t.id,
    mode: t.mode as TeamRouting['mode'],
    requiredSkills: JSON.parse(t.required_skills ?? '[]'),
    optionalSkills: JSON.parse(t.optional_skills ?? '[]'),
    fallback: JSON.parse(t.fallback ?? '[]'),
    offlineRerouteMs: t.offline_reroute_ms,
    calendar: t.calendar ? (JSON.parse(t.calendar) as Calendar) : null,
  };
}

/** The workspace calendar with its holidays (for SLA deadlines as well as routing conditions). */
export async function workspaceCalendar(env: Env, workspaceId: string): Promise<Calendar> {
  const scope = scopeFor(env, workspaceId);
  const [ws, settings] = await env.DB.batch([
    scope.prepare(`SELECT timezone, business_hours FROM workspaces WHERE id = ?`),
    scope.prepare(`SELECT holidays FROM routing_settings WHERE workspace_id = ?`),
  ]);
  const w = ws.results[0] as { timezone: string; business_hours: string | null } | undefined;
  const h = settings.results[0] as { holidays: string } | undefined;
  return { timezone: w?.timezone ?? 'UTC', hours: w?.business_hours ? (JSON.parse(w.business_hours) as WeeklyHours) : null, holidays: h ? (JSON.parse(h.holidays) as HolidayEntry[]) : [] };
}

/** Open and pending conversations with an assignee, from the D1 index: a router's first loads in a workspace that had conversations before routing existed. */
export async function loadAssignedConversations(env: Env, workspaceId: string): Promise<AssignmentRow[]> {
  const rows = await scopeFor(env, workspaceId)
    .prepare(`SELECT id, assignee_id, team_id, status, priority, seq FROM conversations WHERE workspace_id = ? AND assignee_id IS NOT NULL AND status IN ('open', 'pending')`)
    .all<{ id: string; assignee_id: string; team_id: string | null; status: string; priority: string; seq: number }>();
  return rows.results.map((r) => ({ conversationId: r.id, userId: r.assignee_id, teamId: r.team_id, status: r.status, priority: r.priority, seq: r.seq, pendingSince: null, decision: null }));
}

/** The contact facts routing rules match on (tags, attributes); null when the contact is gone. */
export async function loadRoutingContact(env: Env, workspaceId: string, contactId: string): Promise<RoutingFacts['contact']> {
  const row = await scopeFor(env, workspaceId)
    .prepare(`SELECT tags, attributes FROM contacts WHERE workspace_id = ? AND id = ?`, contactId)
    .first<{ tags: string; attributes: string }>();
  return row ? { tags: JSON.parse(row.tags) as string[], attributes: JSON.parse(row.attributes) as Record<string, unknown> } : null;
}
