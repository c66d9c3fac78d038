// A saved view: a named conversation-list filter (issue 16). The filter is stored as the list
// endpoint's own vocabulary, so opening a view is one GET /api/conversations; relative time ranges
// ("last 7 days", "today") stay relative and are resolved when the view is opened, in the agent's zone.
// No valibot here: the agent app imports this file (worker/views/schema.ts validates).
import type { CountKey, Counts } from '../conversations/view-counts';
import { BREACHING_SOON_MS } from '../conversations/view-counts';

export const VIEW_STATUSES = ['open', 'pending', 'snoozed', 'closed'] as const;
export const VIEW_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const VIEW_SLA = ['breached', 'warning', 'breaching_soon', 'ok'] as const;
export const VIEW_SORTS = ['recent', 'oldest', 'priority', 'waiting', 'channel', 'assignee', 'sla'] as const;
export const TIME_RANGES = ['hour', 'today', '7d', '30d', 'custom'] as const;
/** Which timestamp a time range applies to: the last message, creation, or any change (the list's `updatedAfter`). */
export const TIME_FIELDS = ['activity', 'created', 'updated'] as const;

export interface TimeFilter {
  on: (typeof TIME_FIELDS)[number];
  range: (typeof TIME_RANGES)[number];
  /** Custom ranges only: epoch ms, inclusive start / exclusive end. */
  from?: number;
  to?: number;
}

export interface SavedFilters {
  /** Absent or empty: any status. */
  status?: (typeof VIEW_STATUSES)[number][];
  channels?: string[];
  inboxId?: string;
  teamId?: string;
  /** me | unassigned | others (assigned, not to me) | a user id. */
  assignee?: string;
  tags?: string[];
  /** How several tags combine: any of them (default) or all of them. */
  tagMode?: 'any' | 'all';
  priorities?: (typeof VIEW_PRIORITIES)[number][];
  sla?: (typeof VIEW_SLA)[number][];
  q?: string;
  time?: TimeFilter;
  sort?: (typeof VIEW_SORTS)[number];
  unread?: boolean;
  escalated?: boolean;
  flagged?: boolean;
  archived?: boolean;
}

export interface SavedView {
  id: string;
  name: string;
  filters: SavedFilters;
  shared: boolean;
  ownerId: string;
  ownerName: string | null;
  /** Whether the caller may rename, change, share or delete it (its owner; a manager for shared views). */
  editable: boolean;
  position: number;
  createdAt: number;
  updatedAt: number;
}

export const MAX_VIEWS_PER_OWNER = 50;

/**
 * Whether GET /api/conversations/counts can count this view from its grouped scan (status, channel,
 * team, me/unassigned/others, breached/breaching soon, escalated): then the count costs no query.
 * Anything else (tags, text, time, a named assignee…) would need a statement per view: no count.
 */
export function countable(f: SavedFilters): boolean {
  if (f.inboxId || f.tags?.length || f.priorities?.length || f.q || f.time || f.unread || f.flagged || f.archived || f.escalated === false) return false;
  if (f.assignee && !['me', 'unassigned', 'others'].includes(f.assignee)) return false;
  if (f.sla?.some((s) => s !== 'breached' && s !== 'breaching_soon')) return false;
  return true;
}

/** Whether a conversation (as CountKey) is in a countable view, its status aside (counts are per status). */
export function keyInView(f: SavedFilters, k: CountKey, userId: string, now: number): boolean {
  if (k.archived) return false;
  if (f.channels?.length && !f.channels.includes(k.channel)) return false;
  if (f.teamId && k.teamId !== f.teamId) return false;
  if (f.assignee === 'me' && k.assigneeId !== userId) return false;
  if (f.assignee === 'unassigned' && k.assigneeId !== null) return false;
  if (f.assignee === 'others' && (k.assigneeId === null || k.assigneeId === userId)) return false;
  if (f.escalated && !k.escalated) return false;
  if (f.sla?.length) {
    const breached = k.slaStatus === 'breached';
    const soon = k.slaStatus === 'warning' || (k.slaStatus === 'ok' && k.slaDueAt !== null && k.slaDueAt <= now + BREACHING_SOON_MS);
    if (!((f.sla.includes('breached') && breached) || (f.sla.includes('breaching_soon') && soon))) return false;
  }
  return true;
}

/** The number a view shows: its statuses' counts summed (any status: all of them). */
export function viewTotal(f: SavedFilters, c: Counts): number {
  if (!f.status?.length) return c.all;
  return f.status.reduce((n, s) => n + c[s], 0);
}
