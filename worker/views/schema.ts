// The saved-view request bodies (valibot): the same schemas validate, type and document the routes.
import * as v from 'valibot';
import { Timestamp } from '../http/schemas';
import { MAX_VIEWS_PER_OWNER, TIME_FIELDS, TIME_RANGES, VIEW_PRIORITIES, VIEW_SLA, VIEW_SORTS, VIEW_STATUSES } from './model';

const Short = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(max, `must be at most ${max} characters`));
const unique = <T>(xs: T[]) => new Set(xs).size === xs.length;

const Time = v.pipe(
  v.strictObject({
    on: v.optional(v.picklist(TIME_FIELDS, `must be one of ${TIME_FIELDS.join(', ')}`), 'activity'),
    range: v.picklist(TIME_RANGES, `must be one of ${TIME_RANGES.join(', ')}`),
    from: v.optional(Timestamp),
    to: v.optional(Timestamp),
  }),
  v.forward(
    v.check((t) => t.range !== 'custom' || t.from !== undefined || t.to !== undefined, 'a custom range needs from, to or both'),
    ['from'],
  ),
  v.forward(
    v.check((t) => t.range === 'custom' || (t.from === undefined && t.to === undefined), 'only a custom range takes from and to'),
    ['from'],
  ),
  v.forward(
    v.check((t) => t.from === undefined || t.to === undefined || t.from < t.to, 'must be before to'),
    ['from'],
  ),
);

// Lists are bounded (and the list query binds each as one JSON parameter, not one per value).
export const SavedFiltersSchema = v.strictObject({
  status: v.optional(v.pipe(v.array(v.picklist(VIEW_STATUSES, `must be ${VIEW_STATUSES.join(', ')}`)), v.maxLength(4), v.check(unique, 'must not repeat a status'))),
  channels: v.optional(v.pipe(v.array(v.pipe(v.string(), v.regex(/^[a-z0-9_]{1,40}$/, 'must be channel keys'))), v.maxLength(50, 'at most 50 channels'), v.check(unique, 'must not repeat a channel'))),
  inboxId: v.optional(Short(100)),
  teamId: v.optional(Short(100)),
  assignee: v.optional(Short(100)),
  tags: v.optional(v.pipe(v.array(v.pipe(v.string(), v.trim(), v.toLowerCase(), v.minLength(1), v.maxLength(50))), v.maxLength(20, 'at most 20 tags'), v.check(unique, 'must not repeat a tag'))),
  tagMode: v.optional(v.picklist(['any', 'all'], 'must be any or all')),
  priorities: v.optional(v.pipe(v.array(v.picklist(VIEW_PRIORITIES, `must be ${VIEW_PRIORITIES.join(', ')}`)), v.maxLength(4), v.check(unique, 'must not repeat a priority'))),
  sla: v.optional(v.pipe(v.array(v.picklist(VIEW_SLA, `must be ${VIEW_SLA.join(', ')}`)), v.maxLength(4), v.check(unique, 'must not repeat an SLA state'))),
  q: v.optional(v.pipe(v.string(), v.maxLength(500, 'must be at most 500 characters'))),
  time: v.optional(Time),
  sort: v.optional(v.picklist(VIEW_SORTS, `must be one of ${VIEW_SORTS.join(', ')}`)),
  unread: v.optional(v.boolean()),
  escalated: v.optional(v.boolean()),
  flagged: v.optional(v.boolean()),
  archived: v.optional(v.boolean()),
});

export const CreateViewBody = v.object({
  name: Short(80),
  filters: SavedFiltersSchema,
  /** Show it to the whole workspace (managers only). */
  shared: v.optional(v.boolean(), false),
});

export const PatchViewBody = v.pipe(
  v.object({
    name: v.optional(Short(80)),
    filters: v.optional(SavedFiltersSchema),
    shared: v.optional(v.boolean()),
  }),
  v.check((b) => b.name !== undefined || b.filters !== undefined || b.shared !== undefined, 'the body must change name, filters or shared'),
);

export const OrderBody = v.object({ ids: v.pipe(v.array(v.pipe(v.string(), v.maxLength(100))), v.maxLength(MAX_VIEWS_PER_OWNER)) });
