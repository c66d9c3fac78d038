// Routing and assignment: who gets a conversation, and why. This folder is the pure core (rules,
// business hours, strategies, the decision, presence); WorkspaceDO and AgentDO are its shells.
import type { Conversation, Priority } from '../conversations/model';
import type { Calendar } from './business-hours';

export const PRESENCES = ['online', 'away', 'offline'] as const;
export type Presence = (typeof PRESENCES)[number];

export const ASSIGNMENT_MODES = ['round_robin', 'load_balanced', 'skill_based'] as const;
export type AssignmentMode = (typeof ASSIGNMENT_MODES)[number];

/**
 * Skill-based fallback steps, tried in the order the manager lists them after the strict step
 * (team members having every required and every optional skill):
 * - relax_optional: team members having every required skill, best optional match first;
 * - team: any team member, whatever their skills (best skill match first);
 * - workspace: anyone in the workspace having every required skill (best optional match first).
 * When every step finds nobody, the conversation waits in its team queue.
 */
export const FALLBACK_STEPS = ['relax_optional', 'team', 'workspace'] as const;
export type FallbackStep = (typeof FALLBACK_STEPS)[number];

/** A team's routing settings (PUT /api/teams/:id/routing). */
export interface TeamRouting {
  teamId: string;
  mode: AssignmentMode;
  requiredSkills: string[];
  optionalSkills: string[];
  fallback: FallbackStep[];
  /** When an assignee goes offline: re-route their open conversations after this many ms, or keep them (null). */
  offlineRerouteMs: number | null;
  /** The team's own business hours; null means the workspace calendar. */
  calendar: Calendar | null;
}

export const DEFAULT_TEAM_ROUTING: Omit<TeamRouting, 'teamId'> = {
  mode: 'round_robin',
  requiredSkills: [],
  optionalSkills: [],
  fallback: ['relax_optional'],
  offlineRerouteMs: null,
  calendar: null,
};

/** One agent as the router sees them: WorkspaceDO's roster row. */
export interface RosterAgent {
  userId: string;
  name: string;
  status: Presence;
  /** Open and pending conversations assigned to them. */
  load: number;
  capacity: number;
  skills: string[];
  languages: string[];
  teamIds: string[];
  /** When they were last given a conversation (0: never); "longest idle" breaks load ties. */
  lastAssignedAt: number;
}

/** What the router decided for one conversation; recorded as the `conversation.routed` event. */
export interface RoutingDecision {
  conversationId: string;
  trigger: RoutingTrigger;
  outcome: 'assigned' | 'queued' | 'unassigned';
  assigneeId: string | null;
  assigneeName: string | null;
  teamId: string | null;
  teamName: string | null;
  /** Set when a rule changed it. */
  priority: Priority | null;
  addTags: string[];
  rule: { id: string | null; name: string; isDefault: boolean } | null;
  mode: AssignmentMode | 'direct' | null;
  /** The skill-based step that found the agent ('strict', a fallback step), or 'queue'. */
  step: string | null;
  /** One sentence for the activity feed. */
  reason: string;
  candidates: CandidateSummary;
  /** Who made a manual decision (transfer, take over), and their note. */
  by: { id: string; name: string } | null;
  note: string | null;
  /** The assignee the conversation must still have for the decision to apply (null: unassigned). */
  expectAssigneeId: string | null;
  at: number;
}

export type RoutingTrigger = 'created' | 'reopened' | 'queue' | 'offline' | 'transfer' | 'takeover' | 'test';

export interface Candidate {
  userId: string;
  name: string;
  status: Presence;
  load: number;
  capacity: number;
  eligible: boolean;
  /** Why (not): "offline", "at capacity 4/4", "missing skills: es", "2/3 optional skills, load 1/4". */
  reason: string;
}

/** Candidates considered, kept short for the event: the best few plus counts by reason. */
export interface CandidateSummary {
  considered: number;
  eligible: number;
  excluded: Record<string, number>;
  top: Candidate[];
}

export const NO_CANDIDATES: CandidateSummary = { considered: 0, eligible: 0, excluded: {}, top: [] };

/** A new or reopened conversation asking the router who takes it. */
export interface RouteRequest {
  conversation: Conversation;
  /** The inbound message that triggered routing (keywords match on it). */
  text: string;
  trigger: 'created' | 'reopened';
}

/** The roster as the agent picker shows it. */
export interface AgentView extends RosterAgent {
  role: string;
  statusSince: number;
}

/** A made-up conversation for "which rule would match" (routing rules' try-out). */
export interface RoutingSample {
  channel: string;
  inboxId: string;
  text: string;
  priority: Priority;
  contact: { tags: string[]; attributes: Record<string, unknown> } | null;
  at?: number;
}
