// Escalation paths as pure functions: which path a trigger starts, starting it, the levels due at an
// instant (several when the object wakes late), resolving it, and the priority an escalation raises to.
// The ConversationDO runs the returned levels' actions and keeps nextLevelAt in its schedule table.
import { PRIORITIES, PRIORITY_RANK, type Priority } from '../conversations/model';
import type { EscalationLevel, EscalationPath, EscalationState, EscalationTrigger } from './model';

export interface EscalationFacts {
  priority: Priority;
  channel: string;
  contactTags: string[];
}

/**
 * The path to start: an explicit pathId wins if that path is enabled; otherwise the first enabled path
 * (by position) whose triggers include the trigger ('manual' accepts any enabled path) and whose
 * conditions match (every non-empty list must match; contactTags is any-of, case-insensitive).
 */
export function matchEscalationPath(paths: EscalationPath[], trigger: EscalationTrigger, facts: EscalationFacts, pathId?: string | null): EscalationPath | null {
  if (pathId) {
    const explicit = paths.find((p) => p.id === pathId && p.enabled);
    if (explicit) return explicit;
  }
  const tags = new Set(facts.contactTags.map((t) => t.trim().toLowerCase()));
  const ordered = paths.filter((p) => p.enabled).sort((a, b) => a.position - b.position);
  for (const p of ordered) {
    if (trigger !== 'manual' && !p.triggers.includes(trigger)) continue;
    const c = p.conditions;
    if (c.priorities.length && !c.priorities.includes(facts.priority)) continue;
    if (c.channels.length && !c.channels.includes(facts.channel)) continue;
    if (c.contactTags.length && !c.contactTags.some((t) => tags.has(t.trim().toLowerCase()))) continue;
    return p;
  }
  return null;
}

/** A new escalation episode: no level run yet, the first one due after its delay. */
export function startEscalation(path: EscalationPath, trigger: EscalationTrigger, reason: string, id: string, now: number): EscalationState {
  const first = path.levels[0];
  return { id, pathId: path.id, pathName: path.name, trigger, reason, level: 0, startedAt: now, nextLevelAt: first ? now + first.delayMs : null, resolvedAt: null };
}

/**
 * Levels due at `now` (possibly several if the object woke late), and the state after running them.
 * Each next level is scheduled from the previous level's due time, not from the late wake-up, so the
 * path keeps its timeline; levels run in order and never twice (an early call returns none).
 */
export function dueEscalationLevels(state: EscalationState, path: EscalationPath, now: number): { levels: { index: number; level: EscalationLevel }[]; state: EscalationState } {
  const levels: { index: number; level: EscalationLevel }[] = [];
  if (state.resolvedAt !== null || state.pathId !== path.id) return { levels, state };
  let level = state.level;
  let nextLevelAt = state.nextLevelAt;
  while (nextLevelAt !== null && nextLevelAt <= now && level < path.levels.length) {
    levels.push({ index: level, level: path.levels[level] });
    level++;
    const following = path.levels[level];
    nextLevelAt = following ? nextLevelAt + following.delayMs : null;
  }
  // The path may have lost levels since the episode started: nothing further to run.
  if (level >= path.levels.length) nextLevelAt = null;
  if (levels.length === 0 && nextLevelAt === state.nextLevelAt) return { levels, state };
  return { levels, state: { ...state, level, nextLevelAt } };
}

/** Close the episode (idempotent: the first resolution time stays). */
export function resolveEscalation(state: EscalationState, now: number): EscalationState {
  if (state.resolvedAt !== null) return state;
  return { ...state, resolvedAt: now, nextLevelAt: null };
}

/** The priority one step up (low→normal→high→urgent), or `to` if higher; never lowers. */
export function raisedPriority(current: Priority, to?: Priority): Priority {
  if (to !== undefined) return PRIORITY_RANK[to] > PRIORITY_RANK[current] ? to : current;
  return PRIORITIES[Math.min(PRIORITY_RANK[current] + 1, PRIORITIES.length - 1)];
}
