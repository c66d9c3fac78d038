// Assignment strategies as pure functions over the roster: round-robin (a persisted cursor, even
// regardless of load), load-balanced (lowest load relative to capacity, ties by longest idle) and
// skill-based (every required skill, best optional match, with a configurable fallback chain).
// Capacity is a hard limit in every mode: an agent at capacity is not available.
import type { AssignmentMode, Candidate, CandidateSummary, FallbackStep, RosterAgent } from './model';

/** Where a conversation goes and how its agent is picked. */
export interface Target {
  /** null: the whole workspace. */
  teamId: string | null;
  mode: AssignmentMode;
  requiredSkills: string[];
  optionalSkills: string[];
  fallback: FallbackStep[];
}

export interface Choice {
  agent: RosterAgent | null;
  /** Skill-based: the step that found the agent ('strict' or a fallback step), else null. */
  step: string | null;
  /** Steps tried without success (skill-based). */
  tried: string[];
  candidates: CandidateSummary;
  /** Round-robin: the cursor to persist after this choice. */
  cursor: string | null;
}

const TOP = 8;

/** Why an agent cannot take a conversation now, or null when they can. */
export function unavailable(a: RosterAgent): 'offline' | 'away' | 'at_capacity' | null {
  if (a.status !== 'online') return a.status;
  if (a.load >= a.capacity) return 'at_capacity';
  return null;
}

export function loadRatio(a: RosterAgent): number {
  return a.capacity > 0 ? a.load / a.capacity : Infinity;
}

/** Lower load relative to capacity first, then longest since their last assignment, then id. */
export function byLoad(a: RosterAgent, b: RosterAgent): number {
  return loadRatio(a) - loadRatio(b) || a.lastAssignedAt - b.lastAssignedAt || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);
}

/** The agents of a team (or everyone, for the workspace), minus exclusions, in id order. */
export function poolOf(roster: RosterAgent[], teamId: string | null, exclude?: ReadonlySet<string>): RosterAgent[] {
  return roster.filter((a) => (teamId === null || a.teamIds.includes(teamId)) && !exclude?.has(a.userId)).sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
}

/**
 * Round-robin: the next available agent after the cursor in id order. Everyone gets their turn in
 * sequence whatever their current load (only capacity and presence make an agent skip a turn).
 */
export function roundRobin(pool: RosterAgent[], cursor: string | null): Choice {
  const sorted = [...pool].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  const start = cursor === null ? 0 : Math.max(0, sorted.findIndex((a) => a.userId > cursor));
  const ordered = sorted.map((_, k) => sorted[(start + k) % sorted.length]);
  const agent = ordered.find((a) => unavailable(a) === null) ?? null;
  return {
    agent,
    step: null,
    tried: [],
    cursor: agent ? agent.userId : cursor,
    candidates: summarize(ordered, (a) => (a === agent ? 'next in turn' : turnReason(a)), agent),
  };
}

function turnReason(a: RosterAgent): string {
  return describeUnavailable(a) ?? `eligible, load ${a.load}/${a.capacity}`;
}

/** Load-balanced: the available agent with the lowest open load relative to capacity; ties by longest idle. */
export function loadBalanced(pool: RosterAgent[]): Choice {
  const ranked = pool.filter((a) => unavailable(a) === null).sort(byLoad);
  const agent = ranked[0] ?? null;
  return {
    agent,
    step: null,
    tried: [],
    cursor: null,
    candidates: summarize([...ranked, ...pool.filter((a) => unavailable(a) !== null)], (a) => describeUnavailable(a) ?? `load ${a.load}/${a.capacity}${a === agent ? ', lowest' : ''}`, agent),
  };
}

export function skillSet(a: RosterAgent): Set<string> {
  return new Set([...a.skills, ...a.languages].map((s) => s.trim().toLowerCase()));
}

interface SkillStep {
  name: string;
  pool: RosterAgent[];
  /** Skills an agent must have in this step. */
  need: string[];
}

/**
 * Skill-based: strict first (team members with every required and optional skill), then the
 * fallback steps in the configured order; within a step the best skill match wins, then the lowest
 * load relative to capacity, then the longest idle. Nobody in any step: the conversation is queued.
 */
export function skillBased(teamPool: RosterAgent[], workspacePool: RosterAgent[], required: string[], optional: string[], fallback: FallbackStep[]): Choice {
  const req = required.map((s) => s.toLowerCase());
  const opt = optional.map((s) => s.toLowerCase()).filter((s) => !req.includes(s));
  const steps: SkillStep[] = [{ name: 'strict', pool: teamPool, need: [...req, ...opt] }];
  for (const f of fallback) {
    if (f === 'relax_optional') steps.push({ name: f, pool: teamPool, need: req });
    if (f === 'team') steps.push({ name: f, pool: teamPool, need: [] });
    if (f === 'workspace') steps.push({ name: f, pool: workspacePool, need: req });
  }
  const tried: string[] = [];
  let last: SkillStep = steps[0];
  for (const step of steps) {
    last = step;
    const ranked = step.pool
      .filter((a) => unavailable(a) === null && missing(a, step.need).length === 0)
      .map((a) => ({ a, score: matched(a, [...req, ...opt]) }))
      .sort((x, y) => y.score - x.score || byLoad(x.a, y.a))
      .map((x) => x.a);
    if (ranked.length > 0) {
      const agent = ranked[0];
      return { agent, step: step.name, tried, cursor: null, candidates: skillSummary(step, ranked, req, opt, agent) };
    }
    tried.push(step.name);
  }
  return { agent: null, step: null, tried, cursor: null, candidates: skillSummary(last, [], req, opt, null) };
}

function missing(a: RosterAgent, need: string[]): string[] {
  if (need.length === 0) return [];
  const has = skillSet(a);
  return need.filter((s) => !has.has(s));
}

function matched(a: RosterAgent, skills: string[]): number {
  if (skills.length === 0) return 0;
  const has = skillSet(a);
  return skills.filter((s) => has.has(s)).length;
}

function skillSummary(step: SkillStep, ranked: RosterAgent[], req: string[], opt: string[], agent: RosterAgent | null): CandidateSummary {
  const rest = step.pool.filter((a) => !ranked.includes(a));
  return summarize([...ranked, ...rest], (a) => {
    const miss = missing(a, step.need);
    if (miss.length > 0) return `missing skills: ${miss.join(', ')}`;
    const off = describeUnavailable(a);
    if (off) return off;
    const optional = opt.length ? `${matched(a, opt)}/${opt.length} optional skills, ` : '';
    return `${req.length ? 'required skills, ' : ''}${optional}load ${a.load}/${a.capacity}${a === agent ? ', best match' : ''}`;
  }, agent, (a) => (missing(a, step.need).length > 0 ? 'missing_skills' : null));
}

function describeUnavailable(a: RosterAgent): string | null {
  const why = unavailable(a);
  if (why === 'at_capacity') return `at capacity ${a.load}/${a.capacity}`;
  return why;
}

/** The few candidates worth showing (chosen first, then the rest in rank order) and counts by reason. */
function summarize(ordered: RosterAgent[], reason: (a: RosterAgent) => string, chosen: RosterAgent | null, extraExclusion?: (a: RosterAgent) => string | null): CandidateSummary {
  const excluded: Record<string, number> = {};
  let eligible = 0;
  const top: Candidate[] = [];
  for (const a of ordered) {
    const why = extraExclusion?.(a) ?? unavailable(a);
    if (why) excluded[why] = (excluded[why] ?? 0) + 1;
    else eligible++;
    if (top.length < TOP) top.push({ userId: a.userId, name: a.name, status: a.status, load: a.load, capacity: a.capacity, eligible: why === null, reason: reason(a) });
  }
  if (chosen && !top.some((c) => c.userId === chosen.userId)) top.unshift({ userId: chosen.userId, name: chosen.name, status: chosen.status, load: chosen.load, capacity: chosen.capacity, eligible: true, reason: reason(chosen) });
  return { considered: ordered.length, eligible, excluded, top };
}

/** Pick an agent for a target with its mode. `workspace` is every agent (the skill-based workspace step). */
export function choose(target: Target, roster: RosterAgent[], cursor: string | null, exclude?: ReadonlySet<string>): Choice {
  const pool = poolOf(roster, target.teamId, exclude);
  switch (target.mode) {
    case 'round_robin':
      return roundRobin(pool, cursor);
    case 'load_balanced':
      return loadBalanced(pool);
    case 'skill_based':
      return skillBased(pool, target.teamId === null ? pool : poolOf(roster, null, exclude), target.requiredSkills, target.optionalSkills, target.fallback);
  }
}
