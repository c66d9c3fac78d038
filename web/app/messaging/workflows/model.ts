// The workflow document as the editor sees it (the server's contract is worker/automation/document.ts),
// plain-words labels for triggers, steps and actions, new-step factories, and edits of the step tree
// addressed by JSON pointer — the same pointers the server names in its validation errors.
import type { FieldError } from '../../lib/api';

export type ConditionOp = 'eq' | 'neq' | 'contains' | 'not_contains' | 'in' | 'not_in' | 'matches' | 'gt' | 'lt' | 'is_set' | 'is_empty';
export type Leaf = { field: string; op: ConditionOp; value?: unknown };
export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | Leaf;

export type ActionType = 'assign' | 'move_to_queue' | 'add_tag' | 'remove_tag' | 'set_priority' | 'set_status' | 'add_note' | 'send_message' | 'update_contact' | 'escalate' | 'handoff' | 'call_webhook' | 'send_template' | 'schedule_follow_up' | 'ask' | 'answer_from_knowledge';
export type ActionStep = { type: 'action'; id?: string; action: ActionType; params: Record<string, unknown> };
export type Step =
  | { type: 'if'; id?: string; when: Condition; then: Step[]; else?: Step[] }
  | { type: 'parallel'; id?: string; branches: Step[][] }
  | { type: 'wait'; id?: string; seconds: number }
  | { type: 'wait_until'; id?: string; at?: number; businessHours?: 'next_open' }
  | { type: 'wait_for_reply'; id?: string; timeoutSeconds: number; onReply?: Step[]; onTimeout?: Step[] }
  | ActionStep;
export type StepKind = Exclude<Step['type'], 'action'> | ActionType;

export type TriggerType = 'message.received' | 'conversation.opened' | 'conversation.status_changed' | 'conversation.assigned' | 'tag.applied' | 'sla.approaching' | 'segment.matched' | 'schedule' | 'csat.submitted' | 'manual';
export type Trigger = { type: TriggerType } & Record<string, unknown>;

export interface WorkflowDoc {
  name: string;
  description?: string | null;
  enabled: boolean;
  trigger: Trigger;
  steps: Step[];
}

export interface Workflow extends WorkflowDoc {
  id: string;
  version: number;
  createdAt: number;
  updatedAt: number;
  lastRunAt?: number | null;
  runsToday?: number;
  errorsToday?: number;
}

export type RunStatus = 'queued' | 'running' | 'waiting' | 'complete' | 'errored' | 'cancelled' | 'skipped';
export const FINISHED: RunStatus[] = ['complete', 'errored', 'cancelled', 'skipped'];
export interface Run {
  id: string;
  workflowId: string;
  version: number;
  conversationId: string;
  origin: string;
  status: RunStatus;
  reason: string | null;
  error: string | null;
  createdAt: number;
  finishedAt: number | null;
}
export interface RunStep {
  name: string;
  type: string;
  status: 'done' | 'failed' | 'waiting' | 'skipped';
  input: unknown;
  output: unknown;
  error: string | null;
  startedAt: number;
  finishedAt: number | null;
}
export interface TraceEntry {
  step: string;
  type: string;
  outcome: string;
  action?: string;
  params?: unknown;
  output?: unknown;
}
export interface Version {
  version: number;
  document: WorkflowDoc;
  createdBy: string | null;
  createdAt: number;
}

export const TRIGGER_LABEL: Record<TriggerType, string> = {
  'message.received': 'A customer sends a message',
  'conversation.opened': 'A conversation is opened',
  'conversation.status_changed': 'A conversation changes status',
  'conversation.assigned': 'A conversation is assigned',
  'tag.applied': 'A tag is applied',
  'sla.approaching': 'An SLA deadline approaches',
  'segment.matched': 'A contact joins an audience',
  schedule: 'On a schedule',
  'csat.submitted': 'A CSAT rating arrives',
  manual: 'Only when run by hand',
};

export const ACTION_LABEL: Record<ActionType, string> = {
  assign: 'Assign',
  move_to_queue: 'Move to a team queue',
  add_tag: 'Add tag',
  remove_tag: 'Remove tag',
  set_priority: 'Set priority',
  set_status: 'Set status',
  send_message: 'Send a message',
  add_note: 'Add an internal note',
  update_contact: 'Update the contact',
  escalate: 'Escalate',
  handoff: 'Hand off to a team',
  call_webhook: 'Call a webhook',
  send_template: 'Send a template or saved reply',
  schedule_follow_up: 'Schedule a follow-up',
  ask: 'Ask the customer a question',
  answer_from_knowledge: 'Answer from the knowledge base',
};
export const FLOW_LABEL: Record<Exclude<Step['type'], 'action'>, string> = {
  if: 'If / else',
  parallel: 'Parallel branches',
  wait: 'Wait',
  wait_until: 'Wait until',
  wait_for_reply: 'Wait for a reply',
};

export function stepLabel(s: Step): string {
  return s.type === 'action' ? ACTION_LABEL[s.action] : FLOW_LABEL[s.type];
}

export const CONDITION_FIELDS = [
  ['message.text', 'Message text'],
  ['message.channel', 'Message channel'],
  ['conversation.status', 'Conversation status'],
  ['conversation.priority', 'Priority'],
  ['conversation.channel', 'Channel'],
  ['conversation.inboxId', 'Inbox'],
  ['conversation.teamId', 'Team'],
  ['conversation.assigneeId', 'Assignee'],
  ['conversation.tags', 'Conversation tags'],
  ['contact.tags', 'Contact tags'],
  ['contact.email', 'Contact e-mail'],
  ['contact.name', 'Contact name'],
  ['contact.phone', 'Contact phone'],
  ['time.businessHours', 'Within business hours'],
  ['time.weekday', 'Weekday (0 = Sunday)'],
  ['time.hour', 'Hour of the day'],
] as const;
export const ATTRIBUTE_PREFIX = 'contact.attributes.';

export const OP_LABEL: Record<ConditionOp, string> = {
  eq: 'is',
  neq: 'is not',
  contains: 'contains',
  not_contains: 'does not contain',
  in: 'is one of',
  not_in: 'is none of',
  matches: 'matches pattern',
  gt: 'is greater than',
  lt: 'is less than',
  is_set: 'is set',
  is_empty: 'is empty',
};

export const STATUSES = ['open', 'pending', 'snoozed', 'closed'] as const;
export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;

export function newStep(kind: StepKind): Step {
  switch (kind) {
    case 'if':
      return { type: 'if', when: { all: [{ field: 'message.text', op: 'contains', value: '' }] }, then: [] };
    case 'parallel':
      return { type: 'parallel', branches: [[], []] };
    case 'wait':
      return { type: 'wait', seconds: 3600 };
    case 'wait_until':
      return { type: 'wait_until', businessHours: 'next_open' };
    case 'wait_for_reply':
      return { type: 'wait_for_reply', timeoutSeconds: 86400, onReply: [], onTimeout: [] };
    default:
      return { type: 'action', action: kind, params: defaultParams(kind) };
  }
}

function defaultParams(a: ActionType): Record<string, unknown> {
  switch (a) {
    case 'assign':
      return { to: 'unassign' };
    case 'move_to_queue':
      return { teamId: '' };
    case 'add_tag':
    case 'remove_tag':
      return { tag: '' };
    case 'set_priority':
      return { priority: 'high' };
    case 'set_status':
      return { status: 'pending' };
    case 'add_note':
    case 'send_message':
      return { text: '' };
    case 'update_contact':
      return { field: 'name', value: '' };
    case 'escalate':
      return {};
    case 'handoff':
      return {};
    case 'call_webhook':
      return { url: 'https://', method: 'POST' };
    case 'send_template':
      return { templateId: '' };
    case 'schedule_follow_up':
      return { inSeconds: 86400 };
    case 'ask':
      return { name: 'choice', text: '', options: ['', ''] };
    case 'answer_from_knowledge':
      return { threshold: 0.6 };
  }
}

/** The answers a run stores (`vars.<name>`, see worker/automation/ask.ts): each ask's name, and `answered` after a knowledge answer. */
export interface RunVar {
  field: string;
  label: string;
  /** The ask's options, when it has some: the values a condition on it can compare with. */
  options?: string[];
  yesNo?: boolean;
}

/** Every variable some step of the document stores, in document order (one per name). */
export function runVars(doc: WorkflowDoc): RunVar[] {
  const out = new Map<string, RunVar>();
  const walk = (steps: Step[]) => {
    for (const s of steps) {
      if (s.type === 'if') {
        walk(s.then);
        if (s.else) walk(s.else);
      } else if (s.type === 'parallel') s.branches.forEach(walk);
      else if (s.type === 'wait_for_reply') {
        if (s.onReply) walk(s.onReply);
        if (s.onTimeout) walk(s.onTimeout);
      } else if (s.type === 'action' && s.action === 'ask') {
        const name = String(s.params.name ?? '');
        if (/^[A-Za-z][A-Za-z0-9_]{0,49}$/.test(name) && !out.has(name)) {
          const q = String(s.params.text ?? '').trim();
          const options = Array.isArray(s.params.options) ? (s.params.options as string[]).filter((o) => o.trim()) : undefined;
          out.set(name, { field: `vars.${name}`, label: `Answer to “${q.length > 40 ? `${q.slice(0, 40)}…` : q || name}”`, options: options?.length ? options : undefined });
        }
      } else if (s.type === 'action' && s.action === 'answer_from_knowledge' && !out.has('answered')) {
        out.set('answered', { field: 'vars.answered', label: 'The knowledge base answered', yesNo: true });
      }
    }
  };
  walk(doc.steps);
  return [...out.values()];
}

export function blankDocument(): WorkflowDoc {
  return { name: '', description: null, enabled: true, trigger: { type: 'message.received' }, steps: [] };
}

// ---- pointers ----

const decode = (seg: string) => seg.replace(/~1/g, '/').replace(/~0/g, '~');

/** The value at a JSON pointer ('/steps/0/then') inside `root`. */
export function at(root: unknown, pointer: string): unknown {
  let cur = root as Record<string, unknown> | unknown[] | undefined;
  for (const seg of pointer.split('/').slice(1).map(decode)) {
    if (cur === undefined || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[seg] as typeof cur;
  }
  return cur;
}

/** A copy of the document with `edit` applied to the array (a step list) at `listPointer`. */
export function editList(doc: WorkflowDoc, listPointer: string, edit: (list: Step[]) => void): WorkflowDoc {
  const next = structuredClone(doc);
  edit(at(next, listPointer) as Step[]);
  return next;
}

/** A copy of the document with the object at `pointer` (a step, a condition…) replaced. */
export function replaceAt(doc: WorkflowDoc, pointer: string, value: unknown): WorkflowDoc {
  const next = structuredClone(doc);
  const segs = pointer.split('/').slice(1).map(decode);
  const last = segs.pop()!;
  const parent = at(next, segs.length ? `/${segs.join('/')}` : '') as Record<string, unknown>;
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = value;
  return next;
}

/**
 * Moves a step to another place in the same list (drag and drop): `to` is the gap index before the
 * drop (0 = before the first step, length = after the last), as the drop indicator shows it.
 */
export function dropStep(doc: WorkflowDoc, listPointer: string, from: number, to: number): { doc: WorkflowDoc; index: number } {
  const list = at(doc, listPointer) as Step[];
  const dest = to > from ? to - 1 : to;
  if (from < 0 || from >= list.length || to < 0 || to > list.length || dest === from) return { doc, index: from };
  return {
    doc: editList(doc, listPointer, (l) => {
      const [s] = l.splice(from, 1);
      l.splice(dest, 0, s);
    }),
    index: dest,
  };
}

/** Moves a step one place up or down in its list; returns the new document and the step's new index. */
export function moveStep(doc: WorkflowDoc, listPointer: string, index: number, delta: -1 | 1): { doc: WorkflowDoc; index: number } {
  const list = at(doc, listPointer) as Step[];
  const to = index + delta;
  if (to < 0 || to >= list.length) return { doc, index };
  return {
    doc: editList(doc, listPointer, (l) => {
      const [s] = l.splice(index, 1);
      l.splice(to, 0, s);
    }),
    index: to,
  };
}

const NESTED = /^\/(then|else|branches|onReply|onTimeout)(\/|$)/;

/**
 * The server's errors that belong to this node itself: its pointer, or below it but not inside one of
 * its nested step lists (those are shown on the nested nodes).
 */
export function ownErrors(errors: FieldError[], pointer: string): FieldError[] {
  return errors.filter((e) => {
    if (e.field === pointer) return true;
    if (!e.field.startsWith(`${pointer}/`)) return false;
    return !NESTED.test(e.field.slice(pointer.length));
  });
}

/** A step list's own error (an empty branch). */
export function listErrors(errors: FieldError[], listPointer: string): FieldError[] {
  return errors.filter((e) => e.field === listPointer);
}

/** Words for a pointer in run logs and the test panel: '/steps/1/then/0' → 'Step 2 › then › 1'. */
export function pointerWords(pointer: string, doc?: WorkflowDoc): string {
  const segs = pointer.replace(/#.*$/, '').split('/').slice(2);
  const words: string[] = [];
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    if (/^\d+$/.test(s)) words.push(i === 0 ? `Step ${Number(s) + 1}` : `${Number(s) + 1}`);
    else if (s === 'branches') {
      words.push(`branch ${Number(segs[i + 1]) + 1}`);
      i++;
    } else words.push(s === 'onReply' ? 'on reply' : s === 'onTimeout' ? 'on timeout' : s);
  }
  const step = doc ? (at(doc, pointer.replace(/#.*$/, '')) as Step | undefined) : undefined;
  return `${words.join(' › ')}${step && typeof step === 'object' && 'type' in step ? ` (${stepLabel(step)})` : ''}`;
}

export function secondsWords(s: number): string {
  if (s % 86400 === 0) return `${s / 86400} day${s === 86400 ? '' : 's'}`;
  if (s % 3600 === 0) return `${s / 3600} hour${s === 3600 ? '' : 's'}`;
  if (s % 60 === 0) return `${s / 60} minute${s === 60 ? '' : 's'}`;
  return `${s} second${s === 1 ? '' : 's'}`;
}

/** The trigger in plain words, for the list. */
export function triggerWords(t: Trigger, names: { inbox: (id: string) => string } = { inbox: (x) => x }): string {
  const base = TRIGGER_LABEL[t.type] ?? t.type;
  switch (t.type) {
    case 'tag.applied':
      return `The tag “${String(t.tag ?? '')}” is applied`;
    case 'conversation.status_changed':
      return t.to ? `A conversation becomes ${String(t.to)}` : base;
    case 'message.received':
    case 'conversation.opened': {
      const ch = (t.channels as string[] | undefined) ?? [];
      const ib = ((t.inboxIds as string[] | undefined) ?? []).map(names.inbox);
      const where = [...ch, ...ib];
      return where.length ? `${base} (${where.join(', ')})` : base;
    }
    case 'sla.approaching':
      return `An SLA deadline is ${String(t.minutesBefore)} minutes away`;
    default:
      return base;
  }
}
