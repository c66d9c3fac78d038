// SLAs, escalations, auto-status and AI alerts: the shapes shared by the pure functions
// (worker/sla/*.ts, worker/ai/sentiment/*), the ConversationDO that runs their timers, the D1
// projection, the API and the agent app (type-only imports on the client side).
import type { Priority } from '../conversations/model';

// ---------------------------------------------------------------------------------------------
// SLA policies (D1 table sla_policies; managed at /inbox/messaging/sla and /api/sla/policies)
// ---------------------------------------------------------------------------------------------

export const SLA_TARGETS = ['firstResponse', 'nextResponse', 'resolution'] as const;
export type SlaTarget = (typeof SLA_TARGETS)[number];

/** Which conversations a policy applies to. Every non-empty list must match (AND); an empty list matches all. */
export interface SlaConditions {
  priorities: Priority[];
  channels: string[];
  inboxIds: string[];
  teamIds: string[];
  /** Contact segment: the contact has at least one of these tags. */
  contactTags: string[];
}

export interface SlaPolicy {
  id: string;
  name: string;
  enabled: boolean;
  /** Lower first; the first enabled policy whose conditions match applies. */
  position: number;
  conditions: SlaConditions;
  /** Targets in ms of (business) time; null = no target of that kind. */
  targets: Record<SlaTarget, number | null>;
  /** true: deadlines count only open business time (team calendar if the team has one, else the workspace's). */
  businessHours: boolean;
  /** Whether time in 'pending' / 'snoozed' counts toward the targets (false pauses the clocks). */
  countPending: boolean;
  countSnoozed: boolean;
  /** Warn at this percentage of each target (1–99), e.g. 75. */
  warningPct: number;
}

export type SlaStatus = 'ok' | 'warning' | 'breached';

/** One target's clock inside a conversation. */
export interface SlaClock {
  target: SlaTarget;
  /** When the clock started (ms epoch). */
  startedAt: number;
  /** Absolute deadline while running; null while paused or once met. */
  dueAt: number | null;
  /** Absolute warning time while running. */
  warnAt: number | null;
  /** While paused: how much (business) time was left. */
  remainingMs: number | null;
  /** When the target was met (reply sent / conversation closed), else null. */
  metAt: number | null;
  /** When the deadline passed unmet (the breach), else null. */
  breachedAt: number | null;
  // Bookkeeping of worker/sla/deadlines.ts (optional: absent on clocks written before it existed).
  /** When the warning fired (once per clock), else null. */
  warnedAt?: number | null;
  /** Business time counted before `runningSince` (all of it while paused): survives policy changes. */
  usedMs?: number;
  /** Start of the current running stretch; null while paused or met. dueAt = addBusinessTime(runningSince, target - usedMs). */
  runningSince?: number | null;
}

/** A conversation's SLA state: part of Conversation (`sla`) and projected to D1 (sla_status, sla_due_at). */
export interface SlaState {
  policyId: string;
  policyName: string;
  clocks: SlaClock[];
  /** Worst of the running/finished clocks: breached > warning > ok. */
  status: SlaStatus;
  /** Earliest deadline of a running clock (what the countdown shows), null when nothing runs. */
  dueAt: number | null;
  /** Earliest future warning/breach instant the object must wake at; null when nothing is pending. */
  nextWakeAt: number | null;
  /** We have answered publicly (or opened the conversation ourselves): the customer's next wait is a nextResponse, not a firstResponse. */
  responded?: boolean;
  /** Fingerprint of the targets and calendar the running deadlines were computed for (deadlines.ts recomputes when it changes). */
  scheduleKey?: string;
}

// ---------------------------------------------------------------------------------------------
// Escalation paths (D1 escalation_paths; /inbox/messaging/escalations; /api/escalations/*)
// ---------------------------------------------------------------------------------------------

export type EscalationTrigger = 'breach' | 'vip' | 'alert' | 'manual';

export type EscalationAction =
  | { type: 'reassign'; to: 'agent'; userId: string }
  | { type: 'reassign'; to: 'team'; teamId: string }
  | { type: 'reassign'; to: 'queue' }
  | { type: 'notify'; channels: ('in_app' | 'browser' | 'email')[]; recipients: { userIds: string[]; roles: ('manager' | 'admin')[]; assignee: boolean } }
  | { type: 'raise_priority'; to?: Priority }
  | { type: 'add_tags'; tags: string[] }
  | { type: 'flag'; reason?: string }
  | { type: 'workflow'; workflowId: string };

export interface EscalationLevel {
  /** Delay after the path starts (level 1) or after the previous level, in ms. */
  delayMs: number;
  name: string;
  actions: EscalationAction[];
}

export interface EscalationPath {
  id: string;
  name: string;
  enabled: boolean;
  position: number;
  /** Which starts this path: breach / VIP contact (by contactTags) / AI alert / manual. */
  triggers: EscalationTrigger[];
  conditions: { priorities: Priority[]; channels: string[]; contactTags: string[] };
  levels: EscalationLevel[];
}

/** A conversation's live escalation: part of Conversation (`escalation`) and projected (escalation_level, escalated_at). */
export interface EscalationState {
  /** Row id in D1 `escalations` (one per escalation episode). */
  id: string;
  pathId: string;
  pathName: string;
  trigger: EscalationTrigger;
  reason: string;
  /** Levels already executed (0 = started, none run yet). */
  level: number;
  startedAt: number;
  /** When the next level runs; null when the last level has run. */
  nextLevelAt: number | null;
  resolvedAt: number | null;
}

/** GET /api/escalations/metrics (worker/sla/metrics.ts). */
export interface EscalationMetrics {
  from: number;
  to: number;
  /** Conversations active in the window (created before `to`, with activity or an escalation in it). */
  conversations: number;
  /** Conversations with at least one escalation started in the window. */
  escalated: number;
  escalationRate: number;
  /** Episodes started in the window that are resolved. */
  resolved: number;
  /** Over those resolved episodes (nearest rank); null without any. */
  timeToResolveMs: { p50: number | null; p90: number | null };
  /** Conversations escalated more than once in the window. */
  reEscalated: number;
  reEscalationRate: number;
  /** Episodes started in the window, by what started them. */
  byTrigger: Record<EscalationTrigger, number>;
}

// ---------------------------------------------------------------------------------------------
// Auto-status rules (D1 workspace_automation; per workspace)
// ---------------------------------------------------------------------------------------------

export interface AutoStatusSettings {
  /** open → pending after this long with our reply the last word (no customer reply); null = off. */
  pendingAfterMs: number | null;
  /** pending → closed after this long idle, sending `autoCloseMessage` first if set; null = off. */
  autoCloseAfterMs: number | null;
  autoCloseMessage: string | null;
  /** closed → archived after this long; null = off. Archived stays searchable and reopens on a new message. */
  archiveAfterMs: number | null;
  /** Auto-prioritization on inbound messages (urgency words, sentiment, VIP segment): never lowers. */
  autoPriority: { enabled: boolean; vipTags: string[] };
}

export const DEFAULT_AUTO_STATUS: AutoStatusSettings = {
  pendingAfterMs: null,
  autoCloseAfterMs: null,
  autoCloseMessage: null,
  archiveAfterMs: null,
  autoPriority: { enabled: false, vipTags: ['vip'] },
};

// ---------------------------------------------------------------------------------------------
// AI alert rules (D1 ai_alert_rules; /inbox/messaging/ai-alerts; /api/ai-alerts/rules)
// ---------------------------------------------------------------------------------------------

export type SentimentLabel = 'negative' | 'neutral' | 'positive';

export interface SentimentResult {
  /** -1 (very negative) … +1 (very positive). */
  score: number;
  label: SentimentLabel;
  /** 0…1 how sure the analyzer is. */
  confidence: number;
  language: string | null;
}

export interface SentimentAnalyzer {
  readonly name: string;
  analyze(texts: string[]): Promise<SentimentResult[]>;
}

export type AlertCondition =
  /** The latest customer message's sentiment score is at or below `maxScore` (e.g. -0.5 = very negative). */
  | { type: 'sentiment_below'; maxScore: number }
  /** Sentiment went from ≥ fromMin to ≤ toMax across the last `window` customer messages. */
  | { type: 'sentiment_shift'; fromMin: number; toMax: number; window: number }
  /** Any of the words/phrases appears in the latest customer message (case/accents-insensitive, whole words). */
  | { type: 'keywords'; any: string[] }
  | { type: 'vip'; tags: string[] }
  /** The SLA state is warning (pre-warning) or breached. */
  | { type: 'sla'; status: 'warning' | 'breached' }
  | { type: 'channel'; in: string[] }
  | { type: 'priority'; in: Priority[] };

export type AlertAction =
  | { type: 'flag' }
  | { type: 'notify'; recipients: { userIds: string[]; roles: ('manager' | 'admin')[]; assignee: boolean } }
  | { type: 'escalate'; pathId?: string }
  | { type: 'set_priority'; priority: Priority };

export interface AlertRule {
  id: string;
  name: string;
  enabled: boolean;
  position: number;
  op: 'and' | 'or';
  conditions: AlertCondition[];
  actions: AlertAction[];
}

/** What alert rules and auto-prioritization see about a conversation at one instant. */
export interface AlertFacts {
  channel: string;
  priority: Priority;
  contactTags: string[];
  slaStatus: SlaStatus | null;
  /** The last customer messages, oldest first, with their sentiment. */
  recent: { text: string; sentiment: SentimentResult }[];
}

/** A rule that fired on a conversation (D1 ai_alerts; shown on the conversation and in notifications). */
export interface AlertHit {
  ruleId: string;
  ruleName: string;
  /** Human-readable: which conditions matched. */
  reasons: string[];
  actions: AlertAction[];
}
