// Valibot schemas for the routing API: rules (recursive AND/OR conditions), actions, team settings,
// calendars and the tester's sample conversation. One schema validates, types and documents each body.
import * as v from 'valibot';
import { PRIORITIES } from '../conversations/model';
import { TagName, Timestamp } from '../http/schemas';
import { validTimeZone } from './business-hours';
import { ASSIGNMENT_MODES, FALLBACK_STEPS } from './model';
import type { RuleCondition } from './rules';

const Str = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(200));
const Values = v.pipe(v.array(Str), v.minLength(1, 'needs at least one value'), v.maxLength(100));
const Negate = v.optional(v.boolean());
export const Skills = v.pipe(v.array(v.pipe(v.string(), v.trim(), v.toLowerCase(), v.minLength(1), v.maxLength(60))), v.maxLength(50));

export const Condition: v.GenericSchema<unknown, RuleCondition> = v.lazy(() =>
  v.variant('type', [
    v.object({ type: v.literal('channel'), values: Values, negate: Negate }),
    v.object({ type: v.literal('inbox'), values: Values, negate: Negate }),
    v.object({ type: v.literal('keywords'), values: Values, negate: Negate }),
    v.object({ type: v.literal('contact_tags'), values: Values, match: v.optional(v.picklist(['any', 'all'])), negate: Negate }),
    v.object({
      type: v.literal('contact_attribute'),
      key: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100)),
      op: v.picklist(['equals', 'not_equals', 'in', 'contains', 'exists']),
      value: v.optional(v.union([v.string(), v.number(), v.boolean(), v.array(v.string())])),
      negate: Negate,
    }),
    v.object({ type: v.literal('business_hours'), calendar: v.optional(Str, 'workspace'), open: v.boolean(), negate: Negate }),
    v.object({ type: v.literal('agents_available'), teamId: v.optional(v.nullable(Str), null), available: v.boolean(), negate: Negate }),
    v.object({ type: v.literal('priority'), values: v.pipe(v.array(v.picklist(PRIORITIES)), v.minLength(1)), negate: Negate }),
    v.object({ type: v.literal('group'), op: v.picklist(['and', 'or']), conditions: v.pipe(v.array(Condition), v.minLength(1, 'a group needs conditions'), v.maxLength(20)), negate: Negate }),
  ]),
) as v.GenericSchema<unknown, RuleCondition>;

export const Actions = v.object({
  /** false: leave unassigned. */
  assign: v.optional(v.boolean(), true),
  teamId: v.optional(v.nullable(Str), null),
  mode: v.optional(v.picklist(ASSIGNMENT_MODES)),
  priority: v.optional(v.picklist(PRIORITIES)),
  addTags: v.optional(v.pipe(v.array(TagName), v.maxLength(20))),
  requiredSkills: v.optional(Skills),
  optionalSkills: v.optional(Skills),
});

const RuleFields = {
  name: v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(120)),
  enabled: v.optional(v.boolean()),
  op: v.optional(v.picklist(['and', 'or'])),
  conditions: v.optional(v.pipe(v.array(Condition), v.maxLength(50))),
  actions: Actions,
};
export const RuleBody = v.object({ ...RuleFields, position: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))) });
export const RulePatch = v.pipe(
  v.partial(v.object(RuleFields)),
  v.check((b) => Object.keys(b).length > 0, 'the body must change at least one field'),
);
export const OrderBody = v.object({ ids: v.pipe(v.array(v.string()), v.maxLength(500)) });

const Hhmm = v.pipe(v.string(), v.regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be HH:MM (24:00 ends the day)'));
const IsoDate = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'), v.check((s) => { const t = Date.parse(`${s}T00:00:00Z`); return !Number.isNaN(t) && new Date(t).toISOString().startsWith(s); }, 'must be a real date'));
/** A closed day: a bare date (older clients) or { date, name, yearly } (yearly: every year on that month and day). */
export const HolidayInput = v.union([
  IsoDate,
  v.object({
    date: IsoDate,
    name: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(80)), ''),
    yearly: v.optional(v.boolean(), false),
  }),
]);
export const Holidays = v.pipe(v.array(HolidayInput), v.maxLength(400));
export const TimeZone = v.pipe(v.string(), v.check(validTimeZone, 'must be an IANA time zone, e.g. Europe/Madrid'));
export const CalendarBody = v.object({
  timezone: TimeZone,
  /** null: open around the clock. */
  hours: v.nullable(v.record(v.picklist(['0', '1', '2', '3', '4', '5', '6']), v.pipe(v.array(v.tuple([Hhmm, Hhmm])), v.maxLength(10)))),
  holidays: v.optional(Holidays, []),
});

export const TeamRoutingBody = v.object({
  mode: v.picklist(ASSIGNMENT_MODES),
  requiredSkills: v.optional(Skills, []),
  optionalSkills: v.optional(Skills, []),
  fallback: v.optional(
    v.pipe(
      v.array(v.picklist(FALLBACK_STEPS)),
      v.check((xs) => new Set(xs).size === xs.length, 'each step at most once'),
    ),
    ['relax_optional'],
  ),
  /** Re-route an offline assignee's open conversations after this many seconds; null keeps them with the assignee. */
  offlineRerouteSeconds: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(7 * 24 * 3600))), null),
  /** The team's own business hours; null uses the workspace's. */
  calendar: v.optional(v.nullable(CalendarBody), null),
});

export const SettingsBody = v.pipe(
  v.object({
    /** The default rule's actions; null restores the built-in default (leave unassigned, routing off). */
    defaultRule: v.optional(v.nullable(Actions)),
    holidays: v.optional(Holidays),
    awayAfterMinutes: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(24 * 60))),
    offlineGraceSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3600))),
  }),
  v.check((b) => Object.keys(b).length > 0, 'the body must change at least one field'),
);

export const TestBody = v.object({
  conversation: v.object({
    channel: Str,
    inboxId: v.optional(v.pipe(v.string(), v.maxLength(100)), ''),
    text: v.optional(v.pipe(v.string(), v.maxLength(10_000)), ''),
    priority: v.optional(v.picklist(PRIORITIES), 'normal'),
    contactTags: v.optional(v.pipe(v.array(TagName), v.maxLength(50)), []),
    contactAttributes: v.optional(v.record(v.string(), v.unknown()), {}),
    /** When it arrives (ISO date or epoch ms); default now. Business-hours conditions use it. */
    at: v.optional(v.union([Timestamp, v.pipe(v.string(), v.isoTimestamp('must be an ISO timestamp'))])),
  }),
  /** An unsaved rule to try: replaces the saved rule with the same id, else goes in at `position` (default first). */
  rule: v.optional(v.object({ ...RuleFields, id: v.optional(v.string()), position: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))) })),
  /** An unsaved default rule to try. */
  defaultRule: v.optional(Actions),
});

export const TransferBody = v.pipe(
  v.object({
    assigneeId: v.optional(v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(100))),
    teamId: v.optional(v.nullable(v.pipe(v.string(), v.minLength(1, 'must not be empty (null takes it out of its team)'), v.maxLength(100)))),
    note: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(2000))),
  }),
  v.forward(
    v.check((b) => b.assigneeId !== undefined || b.teamId !== undefined, 'transfer to an agent (assigneeId) or a team (teamId)'),
    ['assigneeId'],
  ),
);

export const PresenceBody = v.object({ status: v.picklist(['online', 'away']) });
export const NotificationsQuery = v.object({
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(200))),
  before: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1))),
  unread: v.optional(v.picklist(['true', 'false'])),
});
export const ReadBody = v.object({ ids: v.optional(v.pipe(v.array(v.pipe(v.number(), v.integer())), v.maxLength(500))) });
