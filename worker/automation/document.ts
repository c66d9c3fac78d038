// The workflow document: the API contract (POST/PATCH /api/workflows) and what the agent app's editor
// edits. A tree of steps — no gotos, so no loops — under one trigger. Strict objects everywhere: an
// unknown field is an error naming its JSON pointer, never silently dropped (worker/automation/validate.ts).
import * as v from 'valibot';
import { PRIORITIES, STATUSES } from '../conversations/model';

export const TRIGGER_TYPES = [
  'message.received',
  'conversation.opened',
  'conversation.status_changed',
  'conversation.assigned',
  'tag.applied',
  'sla.approaching',
  'segment.matched',
  'schedule',
  'csat.submitted',
  'manual',
] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

/** Triggers something starts runs for (the event subscriber, or the cron handler for `schedule`); the others only run by hand. */
export const EVENT_TRIGGERS: readonly TriggerType[] = ['message.received', 'conversation.opened', 'conversation.status_changed', 'conversation.assigned', 'tag.applied', 'csat.submitted', 'schedule', 'sla.approaching', 'segment.matched'];

export const CONDITION_OPS = ['eq', 'neq', 'contains', 'not_contains', 'in', 'not_in', 'matches', 'gt', 'lt', 'is_set', 'is_empty'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

/** Fields a condition may read; `contact.attributes.<key>` is open-ended. */
export const CONDITION_FIELDS = [
  'message.text',
  'message.channel',
  'conversation.status',
  'conversation.priority',
  'conversation.channel',
  'conversation.inboxId',
  'conversation.teamId',
  'conversation.assigneeId',
  'conversation.tags',
  'conversation.csatScore',
  'conversation.waitingMinutes',
  'contact.tags',
  'contact.email',
  'contact.name',
  'contact.phone',
  'time.businessHours',
  'time.weekday',
  'time.hour',
] as const;

/** A run's variables: what an `ask` stored (`vars.<name>`) and whether `answer_from_knowledge` answered (`vars.answered`). */
export const VAR_FIELD = /^vars\.[A-Za-z][A-Za-z0-9_]{0,49}$/;
const VarName = v.pipe(v.string(), v.regex(/^[A-Za-z][A-Za-z0-9_]{0,49}$/, 'must be a name of letters, digits and _ (starting with a letter)'));

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { field: string; op: ConditionOp; value?: unknown };

const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(100));
const Tag = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(50));
const Text = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(5000));
const Value = v.union([v.string(), v.number(), v.boolean(), v.null(), v.array(v.union([v.string(), v.number()]))]);

// One object with every form's key optional (plus a check that exactly one form is used) rather than a
// union: a union reports "invalid" at the condition, this reports the exact bad key inside it.
const ConditionSchema: v.GenericSchema<Condition> = v.pipe(
  v.strictObject({
    all: v.optional(v.pipe(v.array(v.lazy(() => ConditionSchema)), v.minLength(1, 'must hold at least one condition'), v.maxLength(50))),
    any: v.optional(v.pipe(v.array(v.lazy(() => ConditionSchema)), v.minLength(1, 'must hold at least one condition'), v.maxLength(50))),
    not: v.optional(v.lazy(() => ConditionSchema)),
    field: v.optional(v.pipe(v.string(), v.maxLength(200))),
    op: v.optional(v.picklist(CONDITION_OPS)),
    value: v.optional(Value),
  }),
  v.check((c) => {
    const forms = [c.all !== undefined, c.any !== undefined, c.not !== undefined, c.field !== undefined || c.op !== undefined].filter(Boolean).length;
    return forms === 1;
  }, 'a condition is exactly one of {all}, {any}, {not} or {field, op, value}'),
) as unknown as v.GenericSchema<Condition>;
export { ConditionSchema };

// ---- actions ----

const action = <A extends string, P extends v.ObjectEntries>(name: A, params: P) =>
  v.strictObject({ type: v.literal('action'), action: v.literal(name), params: v.strictObject(params), id: v.optional(Id) });

const ActionSchemas = [
  // An agent, a team (its routing mode picks the agent), or nobody.
  action('assign', { to: v.picklist(['agent', 'team', 'unassign']), userId: v.optional(Id), teamId: v.optional(Id) }),
  // Into a team's queue, unassigned.
  action('move_to_queue', { teamId: Id }),
  action('add_tag', { tag: Tag }),
  action('remove_tag', { tag: Tag }),
  action('set_priority', { priority: v.picklist(PRIORITIES) }),
  action('set_status', { status: v.picklist(STATUSES), snoozeSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(60), v.maxValue(90 * 86400))) }),
  action('add_note', { text: Text }),
  action('send_message', { text: Text }),
  action('update_contact', {
    field: v.pipe(v.string(), v.regex(/^(name|email|phone|attributes\.[A-Za-z0-9_.-]{1,100})$/, 'must be name, email, phone or attributes.<key>')),
    value: v.union([v.pipe(v.string(), v.maxLength(1000)), v.number(), v.boolean(), v.null()]),
  }),
  action('escalate', { pathId: v.optional(Id), reason: v.optional(v.pipe(v.string(), v.maxLength(500))) }),
  // Ends the automated part: the conversation goes to a team's queue (or the shared inbox) with an optional message.
  action('handoff', { teamId: v.optional(Id), message: v.optional(Text) }),
  // A template of the library (its channel must be the conversation's; approved or active) or a saved
  // reply (its variant for the conversation's channel), merge fields filled for the conversation.
  action('send_template', { templateId: v.optional(Id), savedReplyId: v.optional(Id) }),
  // A follow-up in the conversation's own schedule (worker/follow-ups): with text, sent then; without,
  // the conversation comes back to open. A customer reply before then cancels it (unless cancelOnReply false).
  action('schedule_follow_up', {
    inSeconds: v.pipe(v.number(), v.integer(), v.minValue(60), v.maxValue(365 * 86400)),
    text: v.optional(Text),
    cancelOnReply: v.optional(v.boolean(), true),
  }),
  // Bot flows: a question sent to the customer; the reply is matched to an option (its number, the
  // exact text or a close one) or checked as an e-mail, stored as `vars.<name>` (null: no usable answer
  // or no reply in time) and, with saveTo, into the contact.
  action('ask', {
    name: VarName,
    text: Text,
    options: v.optional(v.pipe(v.array(v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(100))), v.minLength(2, 'give at least two options'), v.maxLength(10))),
    validate: v.optional(v.picklist(['email'])),
    saveTo: v.optional(v.picklist(['email', 'name', 'phone'])),
    timeoutSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(7 * 86400)), 86400),
  }),
  // An answer from the published knowledge base, sent only when its confidence reaches the threshold;
  // either way the run goes on (`vars.answered` says which).
  action('answer_from_knowledge', { threshold: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1)), 0.6) }),
  action('call_webhook', {
    url: v.pipe(v.string(), v.url('must be a URL'), v.regex(/^https?:\/\//, 'must be http(s)'), v.maxLength(2000)),
    method: v.optional(v.picklist(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']), 'POST'),
    headers: v.optional(v.pipe(v.record(v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{1,100}$/, 'must be a header name')), v.pipe(v.string(), v.maxLength(2000))), v.check((h) => Object.keys(h).length <= 20, 'at most 20 headers'))),
    body: v.optional(v.pipe(v.string(), v.maxLength(20_000))),
  }),
] as const;

export const ACTION_TYPES = ActionSchemas.map((s) => s.entries.action.literal);
export type ActionType = (typeof ACTION_TYPES)[number];

export type ActionStep = v.InferOutput<(typeof ActionSchemas)[number]>;

// ---- steps ----

export type Step =
  | { type: 'if'; id?: string; when: Condition; then: Step[]; else?: Step[] }
  | { type: 'parallel'; id?: string; branches: Step[][] }
  | { type: 'wait'; id?: string; seconds: number }
  | { type: 'wait_until'; id?: string; at?: number; businessHours?: 'next_open' }
  | { type: 'wait_for_reply'; id?: string; timeoutSeconds: number; onReply?: Step[]; onTimeout?: Step[] }
  | ActionStep;

/** A week: waits longer than this belong to a scheduled trigger. Workflows sleep up to a year; we keep runs short-lived. */
export const MAX_WAIT_SECONDS = 30 * 86400;

const Steps = v.pipe(
  v.array(v.lazy(() => StepSchema)),
  v.maxLength(100),
);

const StepSchema: v.GenericSchema<Step> = v.variant('type', [
  v.strictObject({ type: v.literal('if'), id: v.optional(Id), when: ConditionSchema, then: Steps, else: v.optional(Steps) }),
  v.strictObject({ type: v.literal('parallel'), id: v.optional(Id), branches: v.pipe(v.array(Steps), v.minLength(2, 'a parallel step needs at least two branches'), v.maxLength(10)) }),
  v.strictObject({ type: v.literal('wait'), id: v.optional(Id), seconds: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_WAIT_SECONDS)) }),
  v.strictObject({ type: v.literal('wait_until'), id: v.optional(Id), at: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))), businessHours: v.optional(v.literal('next_open')) }),
  v.strictObject({
    type: v.literal('wait_for_reply'),
    id: v.optional(Id),
    timeoutSeconds: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_WAIT_SECONDS)),
    onReply: v.optional(Steps),
    onTimeout: v.optional(Steps),
  }),
  v.variant('action', [...ActionSchemas]),
]) as unknown as v.GenericSchema<Step>;
export { StepSchema };

const Trigger = v.variant('type', [
  v.strictObject({
    type: v.literal('message.received'),
    channels: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(50))), v.maxLength(20))),
    inboxIds: v.optional(v.pipe(v.array(Id), v.maxLength(50))),
  }),
  v.strictObject({ type: v.literal('conversation.opened'), channels: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(50))), v.maxLength(20))), inboxIds: v.optional(v.pipe(v.array(Id), v.maxLength(50))) }),
  v.strictObject({ type: v.literal('conversation.status_changed'), to: v.optional(v.picklist(STATUSES)) }),
  v.strictObject({ type: v.literal('conversation.assigned') }),
  v.strictObject({ type: v.literal('tag.applied'), tag: Tag }),
  v.strictObject({ type: v.literal('sla.approaching'), minutesBefore: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_080)) }),
  v.strictObject({ type: v.literal('segment.matched'), audienceId: Id }),
  // A cron (5 fields, in `timezone`, default the workspace's) or one `at`; each slot runs the workflow
  // over the conversations its `scope` matches (not closed, `when` true), at most `limit` of them.
  v.strictObject({
    type: v.literal('schedule'),
    cron: v.optional(v.pipe(v.string(), v.maxLength(100))),
    timezone: v.optional(v.pipe(v.string(), v.maxLength(100))),
    at: v.optional(v.pipe(v.number(), v.integer())),
    scope: v.strictObject({ when: ConditionSchema, limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000)), 100) }),
  }),
  // Optionally only scores at or below maxScore (1–5, thumbs down is 1): "a bad rating → escalate".
  v.strictObject({ type: v.literal('csat.submitted'), maxScore: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(5))) }),
  v.strictObject({ type: v.literal('manual') }),
]);
export type Trigger = v.InferOutput<typeof Trigger>;

const Name = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(200));
const Description = v.nullable(v.pipe(v.string(), v.maxLength(2000)));

/** POST /api/workflows */
export const WorkflowDocument = v.strictObject({
  name: Name,
  description: v.optional(Description),
  enabled: v.boolean(),
  trigger: Trigger,
  steps: Steps,
});
export type WorkflowDocument = Omit<v.InferOutput<typeof WorkflowDocument>, 'steps'> & { steps: Step[] };

/** PATCH /api/workflows/:id: any part; what is sent replaces the stored part whole (a new version). */
export const WorkflowPatch = v.strictObject({
  name: v.optional(Name),
  description: v.optional(Description),
  enabled: v.optional(v.boolean()),
  trigger: v.optional(Trigger),
  steps: v.optional(Steps),
});
export type WorkflowPatch = Omit<v.InferOutput<typeof WorkflowPatch>, 'steps'> & { steps?: Step[] };

/** The Problem field for a valibot issue: its JSON pointer (RFC 6901) into the document. */
export function pointerOf(path: readonly { key: unknown }[] | undefined): string {
  if (!path || path.length === 0) return '';
  return path.map((seg) => `/${String(seg.key).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
