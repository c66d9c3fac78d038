// Valibot schemas for the SLA, auto-status and escalation APIs: one schema validates, types and documents
// each body. Shapes follow worker/sla/model.ts; references (inboxes, teams, users) are checked in the routes.
import * as v from 'valibot';
import { PRIORITIES } from '../conversations/model';
import { normalizeTags } from '../conversations/state';
import { Cursor, Limit, TagName } from '../http/schemas';
import { CHANNEL_KEYS } from '../inboxes/channels';

const DAY = 24 * 3600_000;
/** Short targets (≥ 1 s) are allowed on purpose: tests and the bench use them. */
export const MIN_TARGET_MS = 1000;
export const MAX_TARGET_MS = 365 * DAY;
export const MIN_AUTOMATION_MS = 60_000;

const Name = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(120));
const RefId = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(100));
const unique = <T>(xs: T[]) => new Set(xs).size === xs.length;
const List = <S extends v.GenericSchema>(item: S, max = 100) => v.optional(v.pipe(v.array(item), v.maxLength(max), v.check(unique, 'must not repeat a value')), []);
/** Tags as the conversations keep them: trimmed, lower case, unique, sorted. */
const Tags = (max = 50) => v.pipe(v.array(TagName), v.maxLength(max), v.transform(normalizeTags));

const Priorities = List(v.picklist(PRIORITIES, `must be one of ${PRIORITIES.join(', ')}`), PRIORITIES.length);
const Channels = List(v.picklist(CHANNEL_KEYS, 'must be a known channel key'), CHANNEL_KEYS.length);

// ---- SLA policies ----

const TargetMs = v.nullable(
  v.pipe(
    v.number(),
    v.integer('must be whole milliseconds'),
    v.minValue(MIN_TARGET_MS, `must be at least ${MIN_TARGET_MS} ms`),
    v.maxValue(MAX_TARGET_MS, 'must be at most 365 days'),
  ),
);
export const Targets = v.pipe(
  v.object({ firstResponse: v.optional(TargetMs, null), nextResponse: v.optional(TargetMs, null), resolution: v.optional(TargetMs, null) }),
  v.check((t) => t.firstResponse !== null || t.nextResponse !== null || t.resolution !== null, 'set at least one target'),
);

export const SlaConditionsBody = v.object({
  priorities: Priorities,
  channels: Channels,
  inboxIds: List(RefId),
  teamIds: List(RefId),
  contactTags: v.optional(Tags(), []),
});

const PolicyFields = {
  name: Name,
  enabled: v.optional(v.boolean(), true),
  conditions: v.optional(SlaConditionsBody, { priorities: [], channels: [], inboxIds: [], teamIds: [], contactTags: [] }),
  targets: Targets,
  businessHours: v.optional(v.boolean(), true),
  countPending: v.optional(v.boolean(), false),
  countSnoozed: v.optional(v.boolean(), false),
  warningPct: v.optional(v.pipe(v.number(), v.integer('must be a whole percentage'), v.minValue(1, 'must be 1–99'), v.maxValue(99, 'must be 1–99')), 75),
};
export const SlaPolicyBody = v.object(PolicyFields);
// A patch replaces whole sub-objects (conditions, targets): what is sent is what the policy becomes.
export const SlaPolicyPatch = v.pipe(
  v.object({
    name: v.optional(PolicyFields.name),
    enabled: v.optional(v.boolean()),
    conditions: v.optional(SlaConditionsBody),
    targets: v.optional(Targets),
    businessHours: v.optional(v.boolean()),
    countPending: v.optional(v.boolean()),
    countSnoozed: v.optional(v.boolean()),
    warningPct: v.optional(v.pipe(v.number(), v.integer('must be a whole percentage'), v.minValue(1, 'must be 1–99'), v.maxValue(99, 'must be 1–99'))),
  }),
  v.check((b) => Object.values(b).some((x) => x !== undefined), 'the body must change at least one field'),
);

export const OrderBody = v.object({ ids: v.pipe(v.array(v.pipe(v.string(), v.maxLength(100))), v.maxLength(500)) });

// ---- auto-status ----

const AutomationMs = v.nullable(
  v.pipe(v.number(), v.integer('must be whole milliseconds'), v.minValue(MIN_AUTOMATION_MS, 'must be at least 60000 ms (one minute)'), v.maxValue(MAX_TARGET_MS, 'must be at most 365 days')),
);
/** PUT merges what is sent onto the current settings (like PUT /api/routing/settings). */
export const AutoStatusBody = v.pipe(
  v.object({
    pendingAfterMs: v.optional(AutomationMs),
    autoCloseAfterMs: v.optional(AutomationMs),
    autoCloseMessage: v.optional(v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(2000)))),
    archiveAfterMs: v.optional(AutomationMs),
    autoPriority: v.optional(v.object({ enabled: v.boolean(), vipTags: v.optional(Tags(20), ['vip']) })),
  }),
  v.check((b) => Object.values(b).some((x) => x !== undefined), 'the body must change at least one field'),
);

// ---- escalation paths ----

export const ESCALATION_TRIGGERS = ['breach', 'vip', 'alert', 'manual'] as const;
const Roles = v.optional(v.pipe(v.array(v.picklist(['manager', 'admin'])), v.maxLength(2), v.check(unique, 'must not repeat a value')), []);

export const EscalationActionBody = v.variant('type', [
  v.variant('to', [
    v.object({ type: v.literal('reassign'), to: v.literal('agent'), userId: RefId }),
    v.object({ type: v.literal('reassign'), to: v.literal('team'), teamId: RefId }),
    v.object({ type: v.literal('reassign'), to: v.literal('queue') }),
  ]),
  v.object({
    type: v.literal('notify'),
    channels: v.pipe(v.array(v.picklist(['in_app', 'browser', 'email'])), v.minLength(1, 'pick at least one channel'), v.maxLength(3), v.check(unique, 'must not repeat a value')),
    recipients: v.pipe(
      v.object({ userIds: List(RefId, 50), roles: Roles, assignee: v.optional(v.boolean(), false) }),
      v.check((r) => r.userIds.length > 0 || r.roles.length > 0 || r.assignee, 'name at least one recipient (userIds, roles or assignee)'),
    ),
  }),
  v.object({ type: v.literal('raise_priority'), to: v.optional(v.picklist(PRIORITIES)) }),
  v.object({ type: v.literal('add_tags'), tags: v.pipe(Tags(20), v.minLength(1, 'needs at least one tag')) }),
  v.object({ type: v.literal('flag'), reason: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(500))) }),
  v.object({ type: v.literal('workflow'), workflowId: RefId }),
]);

export const EscalationLevelBody = v.object({
  delayMs: v.pipe(v.number(), v.integer('must be whole milliseconds'), v.minValue(0, 'must be 0 or more'), v.maxValue(MAX_TARGET_MS, 'must be at most 365 days')),
  name: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(120))),
  actions: v.pipe(v.array(EscalationActionBody), v.minLength(1, 'a level needs at least one action'), v.maxLength(20)),
});

const PathFields = {
  name: Name,
  enabled: v.optional(v.boolean(), true),
  triggers: v.pipe(v.array(v.picklist(ESCALATION_TRIGGERS, `must be one of ${ESCALATION_TRIGGERS.join(', ')}`)), v.minLength(1, 'needs at least one trigger'), v.check(unique, 'must not repeat a value')),
  conditions: v.optional(v.object({ priorities: Priorities, channels: Channels, contactTags: v.optional(Tags(), []) }), { priorities: [], channels: [], contactTags: [] }),
  levels: v.pipe(v.array(EscalationLevelBody), v.minLength(1, 'needs at least one level'), v.maxLength(10, 'at most 10 levels')),
};
export const EscalationPathBody = v.object(PathFields);
export const EscalationPathPatch = v.pipe(
  v.object({
    name: v.optional(PathFields.name),
    enabled: v.optional(v.boolean()),
    triggers: v.optional(PathFields.triggers),
    conditions: v.optional(v.object({ priorities: Priorities, channels: Channels, contactTags: v.optional(Tags(), []) })),
    levels: v.optional(PathFields.levels),
  }),
  v.check((b) => Object.values(b).some((x) => x !== undefined), 'the body must change at least one field'),
);

// ---- the escalation queue ----

export const QueueQuery = v.object({ state: v.optional(v.picklist(['active', 'resolved', 'all']), 'active'), cursor: Cursor, limit: Limit });
const Text = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(5000));
export const NoteBody = v.object({ text: Text });
export const ResolveBody = v.optional(v.object({ note: v.optional(v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(5000)))) }), {});
export const EscalateBody = v.object({ reason: v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(1000)), pathId: v.optional(RefId) });

const Ms = v.optional(v.pipe(v.string(), v.regex(/^\d{1,16}$/, 'must be epoch milliseconds'), v.toNumber()));
export const MetricsQuery = v.pipe(
  v.object({ from: Ms, to: Ms }),
  v.forward(
    v.check((q) => q.from === undefined || q.to === undefined || q.from < q.to, 'must be before `to`'),
    ['from'],
  ),
);
