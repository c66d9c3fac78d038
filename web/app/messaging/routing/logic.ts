// Pure helpers of the routing page: reordering, the weekly-hours text format, comma lists, blank
// conditions and one-line summaries of rules and tester results. No DOM, so unit tests import them.
import type { Priority } from '../../../../worker/conversations/model';
import type { AssignmentMode, FallbackStep, RoutingDecision } from '../../../../worker/routing/model';
import type { RoutingRule, RuleActions, RuleCondition } from '../../../../worker/routing/rules';

export type { AssignmentMode, FallbackStep, Priority, RoutingDecision, RoutingRule, RuleActions, RuleCondition };

export const MODE_LABEL: Record<AssignmentMode, string> = { round_robin: 'Round-robin', load_balanced: 'Load-balanced', skill_based: 'Skill-based' };
export const STEP_LABEL: Record<FallbackStep, string> = { relax_optional: 'Relax optional skills', team: 'Anyone in the team', workspace: 'Anyone in the workspace with the required skills' };
export const CONDITION_LABEL: Record<RuleCondition['type'], string> = {
  channel: 'Channel',
  inbox: 'Inbox',
  keywords: 'Message mentions',
  contact_tags: 'Contact tags',
  contact_attribute: 'Contact segment (attribute)',
  business_hours: 'Business hours',
  agents_available: 'Agent availability',
  priority: 'Priority',
  group: 'Group (nested AND/OR)',
};
export const PRIORITIES: Priority[] = ['urgent', 'high', 'normal', 'low'];
/** The queue's priority rank (worker PRIORITY_RANK: low 0 … urgent 3) as a priority. */
export const priorityOfRank = (rank: number): Priority => (['low', 'normal', 'high', 'urgent'] as const)[Math.max(0, Math.min(3, rank))];

/** A copy of `list` with the item at `from` moved to `to` (both clamped). */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  if (from < 0 || from >= out.length) return out;
  const [item] = out.splice(from, 1);
  out.splice(Math.max(0, Math.min(to, out.length)), 0, item);
  return out;
}

/** "a, b ,, c" → ["a", "b", "c"] (trimmed, no empties, no duplicates). */
export function splitList(text: string): string[] {
  return [...new Set(text.split(/[,\n]/).map((s) => s.trim()).filter(Boolean))];
}

const HHMM = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const pad = (t: string) => (/^\d:\d\d$/.test(t) ? `0${t}` : t);

/** "09:00-12:30, 13:30-18:00" → [["09:00","12:30"],["13:30","18:00"]]; an error names the bad part. Empty: closed all day. */
export function parseIntervals(text: string): [string, string][] | { error: string } {
  const out: [string, string][] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d{1,2}:\d\d)\s*[-–]\s*(\d{1,2}:\d\d)$/.exec(part);
    const from = m ? pad(m[1]) : '';
    const to = m ? pad(m[2]) : '';
    if (!m || !HHMM.test(from) || !HHMM.test(to)) return { error: `“${part}” is not HH:MM-HH:MM` };
    // An end before its start runs past midnight (business-hours.ts); equal ends are meaningless.
    if (from === to) return { error: `“${part}” starts and ends at the same time` };
    out.push([from, to]);
  }
  return out;
}

export function formatIntervals(xs: [string, string][] | undefined): string {
  return (xs ?? []).map(([a, b]) => `${a}-${b}`).join(', ');
}

export const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A new condition of a type with sensible empty values (the server rejects empty value lists, naming the field). */
export function blankCondition(type: RuleCondition['type']): RuleCondition {
  switch (type) {
    case 'channel':
    case 'inbox':
    case 'keywords':
      return { type, values: [] };
    case 'contact_tags':
      return { type, values: [], match: 'any' };
    case 'contact_attribute':
      return { type, key: '', op: 'equals', value: '' };
    case 'business_hours':
      return { type, calendar: 'workspace', open: true };
    case 'agents_available':
      return { type, teamId: null, available: true };
    case 'priority':
      return { type, values: ['urgent'] };
    case 'group':
      return { type, op: 'or', conditions: [{ type: 'keywords', values: [] }] };
  }
}

type Names = { team: (id: string | null) => string; inbox: (id: string) => string; channel: (key: string) => string };

/** One line for a condition, as the rule list shows it. */
export function describeCondition(c: RuleCondition, n: Names): string {
  const not = c.negate ? 'not ' : '';
  switch (c.type) {
    case 'channel':
      return `${not}channel is ${c.values.map(n.channel).join(' or ')}`;
    case 'inbox':
      return `${not}inbox is ${c.values.map(n.inbox).join(' or ')}`;
    case 'keywords':
      return `message ${c.negate ? 'does not mention' : 'mentions'} ${c.values.map((k) => `“${k}”`).join(' or ')}`;
    case 'contact_tags':
      return `contact ${not}tagged ${c.values.join(c.match === 'all' ? ' and ' : ' or ')}`;
    case 'contact_attribute':
      return `${not}contact ${c.key} ${c.op.replace('_', ' ')}${c.op === 'exists' || c.value === undefined ? '' : ` ${Array.isArray(c.value) ? c.value.join(', ') : String(c.value)}`}`;
    case 'business_hours':
      return `${not}${c.calendar === 'workspace' ? 'workspace' : `${n.team(c.calendar)}`} hours ${c.open ? 'open' : 'closed'}`;
    case 'agents_available':
      return `${not}agents ${c.available ? 'available' : 'unavailable'} ${c.teamId ? `in ${n.team(c.teamId)}` : 'in the workspace'}`;
    case 'priority':
      return `${not}priority is ${c.values.join(' or ')}`;
    case 'group':
      return `${not}(${c.conditions.map((x) => describeCondition(x, n)).join(` ${c.op.toUpperCase()} `)})`;
  }
}

/** One line for a rule's actions. */
export function describeActions(a: RuleActions, n: Names): string {
  if (!a.assign) return 'leave unassigned';
  const parts = [`route to ${a.teamId ? n.team(a.teamId) : 'the workspace'}`];
  if (a.mode) parts.push(MODE_LABEL[a.mode].toLowerCase());
  if (a.priority) parts.push(`priority ${a.priority}`);
  if (a.addTags?.length) parts.push(`tag ${a.addTags.join(', ')}`);
  if (a.requiredSkills?.length) parts.push(`needs ${a.requiredSkills.join(', ')}`);
  return parts.join(' · ');
}

export interface TestResult {
  rule: { id: string; name: string } | null;
  isDefault: boolean;
  trace: { ruleId: string; name: string; matched: boolean; failed?: string }[];
  decision: RoutingDecision;
}

/** "Rule “VIP” matched → team Billing → agent Alex (load-balanced, 4 candidates considered)". */
export function describeTest(r: TestResult): string {
  const d = r.decision;
  const rule = r.rule ? `Rule “${r.rule.name}” matched` : r.isDefault ? 'No rule matched: the default rule applies' : 'No rule matched';
  const team = d.teamName ? `team ${d.teamName}` : 'the workspace';
  const who = d.outcome === 'assigned' ? `agent ${d.assigneeName ?? d.assigneeId}` : d.outcome === 'queued' ? 'queued (nobody available)' : 'left unassigned';
  const mode = d.mode && d.mode !== 'direct' ? MODE_LABEL[d.mode] : d.mode === 'direct' ? 'direct' : null;
  const count = `${d.candidates.considered} ${d.candidates.considered === 1 ? 'candidate' : 'candidates'} considered`;
  return `${rule} → ${team} → ${who} (${mode ? `${mode.toLowerCase()}, ` : ''}${count})`;
}

/** Text for the activity line of a `conversation.routed` event. */
export function routedText(d: Partial<RoutingDecision>, who: string): string {
  const target = d.assigneeName ?? (d.teamName ? `the ${d.teamName} team` : null);
  switch (d.trigger) {
    case 'transfer':
      return `${who} transferred the conversation to ${target ?? 'the workspace queue'}${d.outcome === 'queued' ? ' (queued)' : ''}`;
    case 'takeover':
      return `${who} took over the conversation`;
    default: {
      const how = d.rule ? (d.rule.isDefault ? 'by the default rule' : `by rule “${d.rule.name}”`) : '';
      if (d.outcome === 'assigned') return `Routed to ${d.assigneeName ?? 'an agent'}${d.teamName ? ` (${d.teamName})` : ''} ${how}`.trim();
      if (d.outcome === 'queued') return `Queued for ${d.teamName ?? 'the workspace'} ${how}: nobody available`.replace(/ :/, ':');
      return `Left unassigned ${how}`.trim();
    }
  }
}
