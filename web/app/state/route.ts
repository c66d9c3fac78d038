// What the URL means. Inbox views live under /inbox; a conversation opens inside its view at
// <view>/conversations/:id, so the list keeps its context; filters and sort are query parameters.
//   /inbox                         all conversations        /inbox/mine          assigned to me
//   /inbox/unassigned              nobody's yet             /inbox/unread        with unread messages
//   /inbox/archived                archived (closed, out of every other view)
//   /inbox/teams/:teamId           a team's                 /inbox/channels/:key one channel's
//   …/conversations/:id            that view with the thread open
//   /settings/:section             preferences; inboxes, users, teams, tags, AI, satisfaction surveys, channels, webhooks, dead letters for managers
//   /inbox/messaging/knowledge-base[/:articleId]   the knowledge base (managers and staff)
//   /inbox/messaging/:page[/:id]   routing rules, SLA policies, escalations, AI alerts, workflows, audiences, broadcasts (web/app/messaging)
//   /inbox/contacts[/:id]          the contact directory and one contact's profile (web/app/contacts)
import { computed } from '@preact/signals';
import { location$, query } from '../lib/router';

export type View =
  | { kind: 'all' }
  | { kind: 'mine' }
  | { kind: 'unassigned' }
  | { kind: 'unread' }
  | { kind: 'archived' }
  | { kind: 'team'; id: string }
  | { kind: 'channel'; key: string };

export type Route =
  | { name: 'inbox'; view: View; base: string; conversationId: string | null }
  | { name: 'settings'; section: string }
  | { name: 'kb'; articleId: string | null }
  | { name: 'messaging'; page: string; id: string | null }
  | { name: 'contacts'; id: string | null }
  | { name: 'login' }
  | { name: 'home' };

export function viewBase(view: View): string {
  switch (view.kind) {
    case 'all':
      return '/inbox';
    case 'team':
      return `/inbox/teams/${encodeURIComponent(view.id)}`;
    case 'channel':
      return `/inbox/channels/${encodeURIComponent(view.key)}`;
    default:
      return `/inbox/${view.kind}`;
  }
}

export function parseRoute(path: string): Route {
  const segs = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (segs[0] === 'login') return { name: 'login' };
  if (segs[0] === 'settings') return { name: 'settings', section: segs[1] ?? 'preferences' };
  if (segs[0] !== 'inbox') return { name: 'home' };
  if (segs[1] === 'messaging' && segs[2] === 'knowledge-base') return { name: 'kb', articleId: segs[3] ?? null };
  if (segs[1] === 'messaging' && segs[2]) return { name: 'messaging', page: segs[2], id: segs[3] ?? null };
  if (segs[1] === 'contacts') return { name: 'contacts', id: segs[2] ?? null };
  const at = segs.indexOf('conversations');
  const viewSegs = at >= 0 ? segs.slice(1, at) : segs.slice(1);
  const conversationId = at >= 0 ? (segs[at + 1] ?? null) : null;
  let view: View = { kind: 'all' };
  if (viewSegs[0] === 'mine' || viewSegs[0] === 'unassigned' || viewSegs[0] === 'unread' || viewSegs[0] === 'archived') view = { kind: viewSegs[0] };
  else if (viewSegs[0] === 'teams' && viewSegs[1]) view = { kind: 'team', id: viewSegs[1] };
  else if (viewSegs[0] === 'channels' && viewSegs[1]) view = { kind: 'channel', key: viewSegs[1] };
  return { name: 'inbox', view, base: viewBase(view), conversationId };
}

export const route = computed(() => parseRoute(location$.value.path));

/** The link to a conversation inside the current view, keeping the list's filters. */
export function conversationHref(id: string): string {
  const r = route.value;
  const base = r.name === 'inbox' ? r.base : '/inbox';
  return `${base}/conversations/${encodeURIComponent(id)}${location$.value.search}`;
}

/** The current view without an open conversation. */
export function listHref(): string {
  const r = route.value;
  return (r.name === 'inbox' ? r.base : '/inbox') + location$.value.search;
}

export const SORTS = [
  { key: 'recent', label: 'Most recent' },
  { key: 'oldest', label: 'Oldest' },
  { key: 'priority', label: 'Priority' },
  { key: 'waiting', label: 'Longest waiting' },
  { key: 'channel', label: 'Channel' },
  { key: 'assignee', label: 'Assignee' },
  { key: 'sla', label: 'SLA due' },
] as const;
export type SortKey = (typeof SORTS)[number]['key'];

export const TIME_RANGES = [
  { key: '', label: 'Any time' },
  { key: 'hour', label: 'Last hour' },
  { key: 'today', label: 'Today' },
  { key: '7d', label: 'Last 7 days' },
  { key: '30d', label: 'Last 30 days' },
  { key: 'custom', label: 'Custom range' },
] as const;

/** What a time range applies to ('' keeps the older meaning: any change to the conversation). */
export const TIME_FIELDS = [
  { key: 'activity', label: 'Last message' },
  { key: 'created', label: 'Created' },
  { key: '', label: 'Any change' },
] as const;

/** The list's filters as the URL states them. */
export interface Filters {
  /** open | pending | snoozed | closed | all, or a comma list of statuses. */
  status: string;
  assignee: string; // '' | me | unassigned | <userId>
  channel: string;
  priority: string;
  tag: string;
  teamId: string;
  unread: boolean;
  time: string;
  sort: SortKey;
  q: string;
  /** SLA filter (issue 6): '' | breaching_soon | warning | breached. */
  sla: string;
  escalated: boolean;
  flagged: boolean;
  /** Several tags: 'any' of them matches; otherwise all of them must be there. */
  tagMode: string;
  inboxId: string;
  /** The time range's field: '' (any change) | activity | created. */
  on: string;
  /** A custom range's first and last day (YYYY-MM-DD, the agent's own days). */
  from: string;
  to: string;
  /** The saved view this list was opened from (its name titles the list). */
  savedView: string;
}

export const filters = computed<Filters>(() => {
  const q = query.value;
  const sort = q.get('sort') ?? 'recent';
  return {
    status: q.get('status') ?? 'open',
    assignee: q.get('assignee') ?? '',
    channel: q.get('channel') ?? '',
    priority: q.get('priority') ?? '',
    tag: q.get('tag') ?? '',
    teamId: q.get('team') ?? '',
    unread: q.get('unread') === 'true',
    time: q.get('time') ?? '',
    sort: (SORTS.some((s) => s.key === sort) ? sort : 'recent') as SortKey,
    q: q.get('q') ?? '',
    sla: q.get('sla') ?? '',
    escalated: q.get('escalated') === 'true',
    flagged: q.get('flagged') === 'true',
    tagMode: q.get('tagMode') === 'any' ? 'any' : '',
    inboxId: q.get('inbox') ?? '',
    on: q.get('on') === 'created' || q.get('on') === 'activity' ? (q.get('on') as string) : '',
    from: q.get('from') ?? '',
    to: q.get('to') ?? '',
    savedView: q.get('view') ?? '',
  };
});

export const KB_PATH = '/inbox/messaging/knowledge-base';
export const CONTACTS_PATH = '/inbox/contacts';
