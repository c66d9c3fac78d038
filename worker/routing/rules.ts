// Routing rules: an ordered list, first match wins, conditions combined with AND/OR (and nested
// groups); a default rule applies when none matches. Pure: the caller supplies facts and context.
import type { Priority } from '../conversations/model';
import { isOpen, type Calendar } from './business-hours';
import type { AssignmentMode } from './model';

export type RuleCondition = (
  | { type: 'channel'; values: string[] }
  | { type: 'inbox'; values: string[] }
  /** Any of these words or phrases in the message (whole words, case- and accent-insensitive; "refund*" matches a prefix). */
  | { type: 'keywords'; values: string[] }
  | { type: 'contact_tags'; values: string[]; match?: 'any' | 'all' }
  /** A segment of contacts by attribute (e.g. plan = enterprise, vip exists). */
  | { type: 'contact_attribute'; key: string; op: 'equals' | 'not_equals' | 'in' | 'contains' | 'exists'; value?: string | number | boolean | string[] }
  /** Open (or closed) by a calendar: "workspace" or a team id (a team without its own calendar uses the workspace's). */
  | { type: 'business_hours'; calendar: string; open: boolean }
  /** At least one agent online with spare capacity in a team (null: anywhere in the workspace). */
  | { type: 'agents_available'; teamId: string | null; available: boolean }
  | { type: 'priority'; values: Priority[] }
  | { type: 'group'; op: 'and' | 'or'; conditions: RuleCondition[] }
) & { negate?: boolean };

export interface RuleActions {
  /** false: leave the conversation unassigned (not queued, nobody is picked). */
  assign: boolean;
  /** The team whose queue it joins; null: the whole workspace. */
  teamId: string | null;
  /** Overrides the team's mode; absent: the team's own (load-balanced for the workspace). */
  mode?: AssignmentMode;
  priority?: Priority;
  addTags?: string[];
  /** Added to the team's skill requirements (skill-based mode). */
  requiredSkills?: string[];
  optionalSkills?: string[];
}

export interface RoutingRule {
  id: string;
  name: string;
  enabled: boolean;
  op: 'and' | 'or';
  conditions: RuleCondition[];
  actions: RuleActions;
}

/** What routing knows about the conversation at hand. */
export interface RoutingFacts {
  channel: string;
  inboxId: string;
  text: string;
  priority: Priority;
  contact: { tags: string[]; attributes: Record<string, unknown> } | null;
  now: number;
}

export interface RuleContext {
  /** The calendar for "workspace" or a team id (null: always open). */
  calendar(key: string): Calendar | null;
  /** Agents online with spare capacity in a team (null: the workspace). */
  availableAgents(teamId: string | null): number;
}

export interface RuleTrace {
  ruleId: string;
  name: string;
  matched: boolean;
  /** The first condition that did not hold, for the tester. */
  failed?: string;
}

export interface RuleMatch {
  rule: RoutingRule | null;
  actions: RuleActions;
  trace: RuleTrace[];
}

/** Used when the workspace never configured one: leave everything unassigned, as before routing existed. */
export const BUILT_IN_DEFAULT: RuleActions = { assign: false, teamId: null };

/** The first enabled rule whose conditions hold, else the default actions. */
export function matchRules(rules: RoutingRule[], defaults: RuleActions, facts: RoutingFacts, ctx: RuleContext): RuleMatch {
  const trace: RuleTrace[] = [];
  const text = normalize(facts.text);
  for (const rule of rules) {
    if (!rule.enabled) {
      trace.push({ ruleId: rule.id, name: rule.name, matched: false, failed: 'disabled' });
      continue;
    }
    const failed = evalGroup(rule.op, rule.conditions, facts, text, ctx);
    trace.push({ ruleId: rule.id, name: rule.name, matched: failed === null, ...(failed ? { failed } : {}) });
    if (failed === null) return { rule, actions: rule.actions, trace };
  }
  return { rule: null, actions: defaults, trace };
}

/** null when the group holds, else a description of what failed. */
function evalGroup(op: 'and' | 'or', conditions: RuleCondition[], facts: RoutingFacts, text: string, ctx: RuleContext): string | null {
  if (conditions.length === 0) return null;
  const failures: string[] = [];
  for (const c of conditions) {
    const failed = evalCondition(c, facts, text, ctx);
    if (op === 'and' && failed !== null) return failed;
    if (op === 'or' && failed === null) return null;
    if (failed) failures.push(failed);
  }
  return op === 'and' ? null : `none of: ${failures.join('; ')}`;
}

function evalCondition(c: RuleCondition, facts: RoutingFacts, text: string, ctx: RuleContext): string | null {
  const holds = test(c, facts, text, ctx);
  if (holds !== (c.negate === true)) return null;
  return `${c.negate ? 'not ' : ''}${describe(c)}`;
}

function test(c: RuleCondition, facts: RoutingFacts, text: string, ctx: RuleContext): boolean {
  switch (c.type) {
    case 'channel':
      return c.values.includes(facts.channel);
    case 'inbox':
      return c.values.includes(facts.inboxId);
    case 'keywords':
      return c.values.some((k) => containsKeyword(text, k));
    case 'contact_tags': {
      const tags = new Set((facts.contact?.tags ?? []).map((t) => t.toLowerCase()));
      const wanted = c.values.map((t) => t.toLowerCase());
      return c.match === 'all' ? wanted.every((t) => tags.has(t)) : wanted.some((t) => tags.has(t));
    }
    case 'contact_attribute':
      return attributeHolds(facts.contact?.attributes ?? {}, c);
    case 'business_hours': {
      const cal = ctx.calendar(c.calendar);
      return (cal ? isOpen(cal, facts.now) : true) === c.open;
    }
    case 'agents_available':
      return ctx.availableAgents(c.teamId) > 0 === c.available;
    case 'priority':
      return c.values.includes(facts.priority);
    case 'group':
      return evalGroup(c.op, c.conditions, facts, text, ctx) === null;
  }
}

function attributeHolds(attrs: Record<string, unknown>, c: Extract<RuleCondition, { type: 'contact_attribute' }>): boolean {
  const value = attrs[c.key];
  const str = (x: unknown) => String(x).toLowerCase();
  switch (c.op) {
    case 'exists':
      return value !== undefined && value !== null && value !== '' && value !== false;
    case 'equals':
      return value !== undefined && str(value) === str(c.value);
    case 'not_equals':
      return value === undefined || str(value) !== str(c.value);
    case 'in':
      return value !== undefined && (Array.isArray(c.value) ? c.value : [c.value]).some((x) => str(x) === str(value));
    case 'contains':
      return Array.isArray(value) ? value.some((x) => str(x) === str(c.value)) : value !== undefined && str(value).includes(str(c.value));
  }
}

function describe(c: RuleCondition): string {
  switch (c.type) {
    case 'channel':
    case 'inbox':
    case 'priority':
      return `${c.type} is ${c.values.join(' or ')}`;
    case 'keywords':
      return `message mentions ${c.values.map((k) => `"${k}"`).join(' or ')}`;
    case 'contact_tags':
      return `contact tagged ${c.values.join(c.match === 'all' ? ' and ' : ' or ')}`;
    case 'contact_attribute':
      return `contact ${c.key} ${c.op.replace('_', ' ')}${c.value === undefined ? '' : ` ${Array.isArray(c.value) ? c.value.join(', ') : String(c.value)}`}`;
    case 'business_hours':
      return `${c.calendar === 'workspace' ? 'workspace' : 'team'} hours ${c.open ? 'open' : 'closed'}`;
    case 'agents_available':
      return `agents ${c.available ? 'available' : 'unavailable'}${c.teamId ? ' in the team' : ''}`;
    case 'group':
      return `a group (${c.op.toUpperCase()})`;
  }
}

/** Lower case, accents off, anything not a letter or digit becomes a space; padded for whole-word search. */
export function normalize(text: string): string {
  const folded = text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return ` ${folded} `;
}

/** Whole-word (or phrase) match; a trailing * matches any ending ("refund*" → refunds, refunded). */
export function containsKeyword(normalizedText: string, keyword: string): boolean {
  const prefix = keyword.trim().endsWith('*');
  const k = normalize(keyword.replace(/\*+\s*$/, '')).trim();
  if (!k) return false;
  return normalizedText.includes(prefix ? ` ${k}` : ` ${k} `);
}

/** Every team and calendar id a rule list refers to (to check references when saving). */
export function referencedTeams(rule: Pick<RoutingRule, 'conditions' | 'actions'>): string[] {
  const out = new Set<string>();
  if (rule.actions.teamId) out.add(rule.actions.teamId);
  const walk = (cs: RuleCondition[]) => {
    for (const c of cs) {
      if (c.type === 'group') walk(c.conditions);
      else if (c.type === 'agents_available' && c.teamId) out.add(c.teamId);
      else if (c.type === 'business_hours' && c.calendar !== 'workspace') out.add(c.calendar);
    }
  };
  walk(rule.conditions);
  return [...out];
}

/** Whether any rule needs the contact (so the router looks it up only then). */
export function needsContact(rules: RoutingRule[]): boolean {
  const walk = (cs: RuleCondition[]): boolean => cs.some((c) => c.type === 'contact_tags' || c.type === 'contact_attribute' || (c.type === 'group' && walk(c.conditions)));
  return rules.some((r) => r.enabled && walk(r.conditions));
}
