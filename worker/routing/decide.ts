// The routing decision, pure: rules pick the target (team, mode, skills, priority, tags), the
// strategy picks the agent, and the result explains itself (rule, mode, step, candidates).
import type { Calendar } from './business-hours';
import { DEFAULT_TEAM_ROUTING, NO_CANDIDATES, type AssignmentMode, type RosterAgent, type RoutingDecision, type RoutingTrigger, type TeamRouting } from './model';
import { matchRules, type RoutingFacts, type RoutingRule, type RuleActions, type RuleMatch } from './rules';
import { choose, poolOf, unavailable, type Choice, type Target } from './strategies';

export interface RoutingConfig {
  rules: RoutingRule[];
  defaults: RuleActions;
  /** False until a manager saves a rule or a default: then routing records nothing and assigns nobody. */
  configured: boolean;
  teams: Map<string, { name: string; routing: TeamRouting }>;
  workspaceCalendar: Calendar | null;
}

export interface DecideInput {
  conversationId: string;
  trigger: RoutingTrigger;
  facts: RoutingFacts;
  config: RoutingConfig;
  roster: RosterAgent[];
  /** The persisted round-robin cursor for a key (team id, or '*' for the workspace). */
  cursor(key: string): string | null;
  exclude?: ReadonlySet<string>;
  /** Transfers to a team skip the rules. */
  forceTeam?: { teamId: string | null };
  expectAssigneeId?: string | null;
  by?: { id: string; name: string } | null;
  note?: string | null;
}

export interface Decided {
  decision: RoutingDecision;
  /** Where the conversation waits when queued (also how a later drain picks its agent). */
  target: Target | null;
  /** Round-robin cursor to persist: [key, userId]. */
  cursor: [string, string] | null;
  match: RuleMatch | null;
}

export const MODE_LABEL: Record<AssignmentMode, string> = { round_robin: 'round-robin', load_balanced: 'load-balanced', skill_based: 'skill-based' };

export function cursorKey(teamId: string | null): string {
  return teamId ?? '*';
}

/** The calendar for a business-hours condition: a team's own, else the workspace's. */
export function calendarFor(config: RoutingConfig, key: string): Calendar | null {
  if (key === 'workspace') return config.workspaceCalendar;
  return config.teams.get(key)?.routing.calendar ?? config.workspaceCalendar;
}

/** The team's settings with a rule's overrides (mode, extra skills). */
export function targetFor(config: RoutingConfig, actions: Pick<RuleActions, 'teamId' | 'mode' | 'requiredSkills' | 'optionalSkills'>): Target {
  const team = actions.teamId ? config.teams.get(actions.teamId) : undefined;
  const routing = team?.routing ?? { ...DEFAULT_TEAM_ROUTING, mode: 'load_balanced' as const };
  const uniq = (xs: string[]) => [...new Set(xs.map((x) => x.trim().toLowerCase()).filter(Boolean))];
  return {
    teamId: team ? actions.teamId! : null,
    mode: actions.mode ?? routing.mode,
    requiredSkills: uniq([...routing.requiredSkills, ...(actions.requiredSkills ?? [])]),
    optionalSkills: uniq([...routing.optionalSkills, ...(actions.optionalSkills ?? [])]),
    fallback: routing.fallback,
  };
}

export function decide(input: DecideInput): Decided {
  const { config, roster, facts } = input;
  const match = input.forceTeam
    ? null
    : matchRules(config.rules, config.defaults, facts, {
        calendar: (key) => calendarFor(config, key),
        availableAgents: (teamId) => poolOf(roster, teamId).filter((a) => unavailable(a) === null).length,
      });
  const actions: RuleActions = input.forceTeam ? { assign: true, teamId: input.forceTeam.teamId } : match!.actions;
  const teamName = actions.teamId ? (config.teams.get(actions.teamId)?.name ?? null) : null;
  const teamId = teamName === null ? null : actions.teamId;
  const rule = match ? (match.rule ? { id: match.rule.id, name: match.rule.name, isDefault: false } : { id: null, name: 'Default', isDefault: true }) : null;
  const priority = actions.priority && actions.priority !== facts.priority ? actions.priority : null;
  const base = {
    conversationId: input.conversationId,
    trigger: input.trigger,
    teamId,
    teamName,
    priority,
    addTags: actions.addTags ?? [],
    rule,
    by: input.by ?? null,
    note: input.note ?? null,
    expectAssigneeId: input.expectAssigneeId ?? null,
    at: facts.now,
  };
  const lead = leadOf(input, rule);

  if (!actions.assign) {
    return {
      decision: { ...base, outcome: 'unassigned', assigneeId: null, assigneeName: null, mode: null, step: null, candidates: NO_CANDIDATES, reason: `${lead}leave unassigned${teamName ? ` in ${teamName}` : ''}` },
      target: null,
      cursor: null,
      match,
    };
  }
  const target = targetFor(config, { ...actions, teamId });
  const key = cursorKey(target.teamId);
  const choice = choose(target, roster, input.cursor(key), input.exclude);
  return {
    decision: { ...base, ...describeChoice(choice, target, lead, teamName) },
    target,
    cursor: choice.agent && target.mode === 'round_robin' ? [key, choice.agent.userId] : null,
    match,
  };
}

/** The agent-dependent half of a decision, also used when a queued conversation is picked up later. */
export function describeChoice(choice: Choice, target: Target, lead: string, teamName: string | null): Pick<RoutingDecision, 'outcome' | 'assigneeId' | 'assigneeName' | 'mode' | 'step' | 'candidates' | 'reason'> {
  const where = teamName ?? 'the workspace';
  const how = `${MODE_LABEL[target.mode]}${target.mode === 'skill_based' && target.requiredSkills.length ? ` (${target.requiredSkills.join(', ')})` : ''}`;
  if (choice.agent) {
    const a = choice.agent;
    const step = choice.step && choice.step !== 'strict' ? `, fallback ${choice.step.replace('_', ' ')}` : '';
    return {
      outcome: 'assigned',
      assigneeId: a.userId,
      assigneeName: a.name,
      mode: target.mode,
      step: choice.step,
      candidates: choice.candidates,
      reason: `${lead}${where}, ${how}${step}: ${a.name} (load ${a.load}/${a.capacity}, ${choice.candidates.eligible} of ${choice.candidates.considered} available)`,
    };
  }
  const why = Object.entries(choice.candidates.excluded)
    .map(([k, n]) => `${n} ${k.replace('_', ' ')}`)
    .join(', ');
  return {
    outcome: 'queued',
    assigneeId: null,
    assigneeName: null,
    mode: target.mode,
    step: 'queue',
    candidates: choice.candidates,
    reason: `${lead}${where}, ${how}: nobody available${why ? ` (${why})` : choice.candidates.considered === 0 ? ' (no agents)' : ''}; waiting in the queue`,
  };
}

/** A person's direct choice (transfer to an agent, take over): capacity is their call, and the reason says where the agent stands. */
export function directDecision(
  c: { id: string; assigneeId: string | null },
  agent: RosterAgent | null,
  o: { userId: string; trigger: 'transfer' | 'takeover'; by: { id: string; name: string }; note: string | null; teamId: string | null; teamName: string | null; now: number; from?: string | null },
): RoutingDecision {
  const standing = agent ? ` (${agent.status}, load ${agent.load}/${agent.capacity}${agent.load >= agent.capacity ? `, over capacity ${agent.load + 1}/${agent.capacity}` : ''})` : '';
  return {
    conversationId: c.id,
    trigger: o.trigger,
    outcome: 'assigned',
    assigneeId: o.userId,
    assigneeName: agent?.name ?? null,
    teamId: o.teamId,
    teamName: o.teamName,
    priority: null,
    addTags: [],
    rule: null,
    mode: 'direct',
    step: null,
    reason: o.trigger === 'takeover' ? `${o.by.name} took over${o.from ? ` from ${o.from}` : ''}` : `Transferred by ${o.by.name} to ${agent?.name ?? 'an agent'}${standing}`,
    candidates: { considered: 1, eligible: agent && unavailable(agent) === null ? 1 : 0, excluded: {}, top: [] },
    by: o.by,
    note: o.note,
    expectAssigneeId: c.assigneeId,
    at: o.now,
  };
}

function leadOf(input: DecideInput, rule: RoutingDecision['rule']): string {
  switch (input.trigger) {
    case 'transfer':
      return `Transferred by ${input.by?.name ?? 'an agent'} to `;
    case 'offline':
      return 'Assignee went offline; re-routed to ';
    default:
      if (!rule) return 'Routed to ';
      return rule.isDefault ? 'No rule matched; default → ' : `Rule “${rule.name}” matched → `;
  }
}
