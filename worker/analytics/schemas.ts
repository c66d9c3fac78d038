// Query schemas of /api/analytics: one schema validates, types and documents each route. Every value is
// bounded (lengths, picklists, a time range of at most three years) so hostile input is a 400 naming the
// field, never work or a 5xx.
import * as v from 'valibot';
import { CHANNEL_KEYS } from '../inboxes/channels';
import { validTimeZone } from '../routing/business-hours';

/** Epoch milliseconds (before 2100) or a local date YYYY-MM-DD (1970–2099) in `tz`. */
const TIME = /^(\d{1,13}|\d{4}-\d{2}-\d{2})$/;
const MAX_MS = Date.UTC(2100, 0, 1);
export function isTimeValue(s: string): boolean {
  if (!TIME.test(s)) return false;
  if (/^\d+$/.test(s)) return Number(s) <= MAX_MS;
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(t) && t >= 0 && t <= MAX_MS && new Date(t).toISOString().startsWith(s);
}
const Time = v.optional(v.pipe(v.string(), v.maxLength(20), v.check(isTimeValue, 'must be epoch milliseconds or a date YYYY-MM-DD (1970–2099)')));
const Tz = v.optional(v.pipe(v.string(), v.maxLength(64, 'must be an IANA time zone'), v.check(validTimeZone, 'must be an IANA time zone')));
const Ref = v.optional(v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(100)));

/** Range and filters shared by every analytics read. `agentId=me` is the caller. */
export const RangeFields = {
  from: Time,
  to: Time,
  tz: Tz,
  channel: v.optional(v.picklist(CHANNEL_KEYS, 'must be a known channel key')),
  inboxId: Ref,
  teamId: Ref,
  agentId: Ref,
};

/** `exact=true`: nearest-rank percentiles from the facts instead of the rollups' histogram bins (slower over long ranges). */
export const OverviewQuery = v.object({ ...RangeFields, exact: v.optional(v.picklist(['true', 'false'], 'must be true or false'), 'false') });

export const METRICS = ['created', 'resolved', 'reopened', 'firstResponse', 'responseTime', 'resolution', 'messagesIn', 'messagesOut'] as const;
export type Metric = (typeof METRICS)[number];
export const TIME_METRICS = ['firstResponse', 'responseTime', 'resolution'] as const;
export const GROUPS = ['channel', 'inbox', 'team', 'agent'] as const;
export type GroupBy = (typeof GROUPS)[number];

const pick = <T extends readonly string[]>(xs: T) => v.picklist(xs, `must be one of ${xs.join(', ')}`);

/** Time metrics in wall-clock seconds, or business-hours seconds in the workspace calendar. */
const Hours = v.optional(pick(['wall', 'business'] as const), 'wall');

export const TimeseriesQuery = v.object({
  ...RangeFields,
  hours: Hours,
  metric: v.optional(pick(METRICS), 'created'),
  interval: v.optional(pick(['hour', 'day', 'week'] as const), 'day'),
  groupBy: v.optional(pick(GROUPS)),
});

export const DistributionQuery = v.object({
  ...RangeFields,
  hours: Hours,
  metric: v.optional(pick(['firstResponse', 'responseTime', 'created'] as const), 'firstResponse'),
  by: v.optional(pick(['hour', 'weekday', 'weekdayHour'] as const), 'hour'),
});

/** `exact=true`: nearest-rank medians and p90 ranked from the facts instead of the rollups' histogram bins. */
export const AgentsQuery = v.object({ ...RangeFields, exact: v.optional(v.picklist(['true', 'false'], 'must be true or false'), 'false') });

export const REPORTS = ['overview', 'timeseries', 'agents', 'conversations'] as const;
export const ExportQuery = v.object({
  ...RangeFields,
  report: v.optional(pick(REPORTS), 'conversations'),
  hours: Hours,
  metric: v.optional(pick(METRICS), 'created'),
  interval: v.optional(pick(['hour', 'day', 'week'] as const), 'day'),
  groupBy: v.optional(pick(GROUPS)),
});
