// The conversation list: the API query the current view and filters make, its pages, live merging
// of changed conversations (from the live socket or, without one, from polling), counts for the
// views, selection for batch actions and the keyboard cursor.
import { batch, computed, effect, signal } from '@preact/signals';
import { api, errorText } from '../lib/api';
import { plural, startOfDay } from '../lib/format';
import { applyDelta, countDelta, todayDelta, type CountKey } from '../../../worker/conversations/view-counts';
import { undoPlan, type BulkAction, type BulkCall } from './bulk-undo';
import type { BulkResult, Conversation, Counts, ListItem, ListPage } from '../lib/types';
import { filters, route, type Filters, type View } from './route';
import { channels, me, myId, teams, usersById } from './session';
import { toast } from './toast';
import { applySavedCountsFrame, savedCounts } from './saved-views';

export const PAGE_SIZE = 100;
const PRIORITY_RANK: Record<string, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

export type ApiQuery = Record<string, string>;

const DAY = 86_400_000;
/** A YYYY-MM-DD day's first moment in the agent's own zone (null when not a date). */
function localDay(day: string, plusDays = 0): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays).getTime();
}

/** The time window a filter means now: relative ranges are resolved at each query, custom days in the agent's zone. */
export function timeWindow(f: Pick<Filters, 'time' | 'from' | 'to'>, now = Date.now()): { after: number | null; before: number | null } {
  switch (f.time) {
    case 'hour':
      return { after: now - 3_600_000, before: null };
    case 'today':
      return { after: startOfDay(now), before: null };
    case '7d':
      return { after: now - 7 * DAY, before: null };
    case '30d':
      return { after: now - 30 * DAY, before: null };
    case 'custom':
      return { after: localDay(f.from), before: localDay(f.to, 1) };
    default:
      return { after: null, before: null };
  }
}

/** The GET /api/conversations parameters for a view and filters (status included). */
export function apiQuery(view: View, f: Filters): ApiQuery {
  const q: ApiQuery = {};
  if (view.kind === 'mine') q.assignee = 'me';
  else if (view.kind === 'unassigned') q.assignee = 'unassigned';
  else if (f.assignee) q.assignee = f.assignee;
  if (view.kind === 'unread' || f.unread) q.unread = 'true';
  if (view.kind === 'archived') q.archived = 'true';
  if (view.kind === 'team') q.teamId = view.id;
  else if (f.teamId) q.teamId = f.teamId;
  if (view.kind === 'channel') q.channel = view.key;
  else if (f.channel) q.channel = f.channel;
  if (f.priority) q.priority = f.priority;
  if (f.tag) q.tag = f.tag;
  if (f.tag.includes(',') && f.tagMode === 'any') q.tagMode = 'any';
  if (f.inboxId) q.inboxId = f.inboxId;
  const { after, before } = timeWindow(f);
  const field = f.on === 'created' ? 'created' : f.on === 'activity' ? 'activity' : 'updated';
  if (after !== null) q[`${field}After`] = String(after);
  if (before !== null) q[`${field}Before`] = String(before);
  if (f.q.trim()) q.q = f.q.trim();
  if (f.status !== 'all') q.status = f.status;
  if (f.sla) q.sla = f.sla;
  if (f.escalated) q.escalated = 'true';
  if (f.flagged) q.flagged = 'true';
  // Channel and assignee orders are applied here over the loaded rows (the API orders by activity).
  q.sort = f.sort === 'channel' || f.sort === 'assignee' ? 'recent' : f.sort;
  return q;
}

const currentView = computed<View>(() => {
  const r = route.value;
  return r.name === 'inbox' ? r.view : { kind: 'all' };
});
export const listQuery = computed(() => apiQuery(currentView.value, filters.value));
const listKey = computed(() => JSON.stringify(listQuery.value));

export const items = signal<ListItem[]>([]);
export const counts = signal<Counts | null>(null);
export const nextCursor = signal<string | null>(null);
export const listState = signal<'idle' | 'loading' | 'error'>('idle');
export const listError = signal('');
export const loadingMore = signal(false);

export const selected = signal<Set<string>>(new Set());
/** "Select all N matching": the batch goes to every conversation of the list (server side, up to the bulk limit), not just the loaded rows. */
export const selectAllMatching = signal(false);
let anchor = -1;
/** Index of the keyboard cursor in `items`. */
export const cursor = signal(0);

/** Comparator for the active sort (API sorts and the two client-side ones). */
function comparator(sort: Filters['sort']): (a: ListItem, b: ListItem) => number {
  const byActivityDesc = (a: ListItem, b: ListItem) => b.lastActivityAt - a.lastActivityAt || (a.id < b.id ? 1 : -1);
  switch (sort) {
    case 'oldest':
      return (a, b) => -byActivityDesc(a, b);
    case 'priority':
      return (a, b) => (PRIORITY_RANK[b.priority] ?? 1) - (PRIORITY_RANK[a.priority] ?? 1) || byActivityDesc(a, b);
    case 'waiting':
      return (a, b) => (a.waitingSince ?? Number.MAX_SAFE_INTEGER) - (b.waitingSince ?? Number.MAX_SAFE_INTEGER) || (a.id < b.id ? -1 : 1);
    case 'channel':
      return (a, b) => a.channel.localeCompare(b.channel) || byActivityDesc(a, b);
    case 'sla':
      // Soonest deadline first (overdue ones lead); rows without a running clock last.
      return (a, b) => (a.slaDueAt ?? Number.MAX_SAFE_INTEGER) - (b.slaDueAt ?? Number.MAX_SAFE_INTEGER) || byActivityDesc(a, b);
    case 'assignee': {
      const name = (id: string | null) => (id ? (usersById.value.get(id)?.name ?? '~') : '~~');
      return (a, b) => name(a.assigneeId).localeCompare(name(b.assigneeId)) || byActivityDesc(a, b);
    }
    default:
      return byActivityDesc;
  }
}

const clientSorted = (sort: Filters['sort']) => sort === 'channel' || sort === 'assignee';

/** Whether a conversation belongs in the list for this query (all but the free-text search). */
export function matches(item: ListItem, q: ApiQuery): boolean {
  if (q.status && !q.status.split(',').includes(item.status)) return false;
  if (q.assignee === 'me' && item.assigneeId !== myId.value) return false;
  if ((q.assignee === 'unassigned' || q.assignee === 'none') && item.assigneeId !== null) return false;
  if (q.assignee && !['me', 'unassigned', 'none', 'others'].includes(q.assignee) && item.assigneeId !== q.assignee) return false;
  if (q.teamId && item.teamId !== q.teamId) return false;
  if (q.channel && !q.channel.split(',').includes(item.channel)) return false;
  if (q.priority && !q.priority.split(',').includes(item.priority)) return false;
  if (q.assignee === 'others' && (item.assigneeId === null || item.assigneeId === myId.value)) return false;
  if (q.tag) {
    const has = (t: string) => item.tags.includes(t.toLowerCase());
    if (q.tagMode === 'any' ? !q.tag.split(',').some(has) : !q.tag.split(',').every(has)) return false;
  }
  if (q.inboxId && item.inboxId !== q.inboxId) return false;
  if (q.unread === 'true' && !(item.unreadCount > 0)) return false;
  if (q.updatedAfter && item.updatedAt <= Number(q.updatedAfter)) return false;
  if (q.updatedBefore && item.updatedAt >= Number(q.updatedBefore)) return false;
  if (q.createdAfter && item.createdAt < Number(q.createdAfter)) return false;
  if (q.createdBefore && item.createdAt >= Number(q.createdBefore)) return false;
  if (q.activityAfter && item.lastActivityAt < Number(q.activityAfter)) return false;
  if (q.activityBefore && item.lastActivityAt >= Number(q.activityBefore)) return false;
  if (q.sla === 'breached' && item.slaStatus !== 'breached') return false;
  if (q.sla === 'warning' && item.slaStatus !== 'warning') return false;
  // Breaching soon = warning, or running and due within the hour (the server's definition may be wider; its answer wins on reload).
  if (q.sla === 'breaching_soon' && !(item.slaStatus === 'warning' || (item.slaStatus === 'ok' && item.slaDueAt != null && item.slaDueAt - Date.now() < 3_600_000))) return false;
  if (q.escalated === 'true' && !(item.escalationLevel != null || item.escalatedAt != null)) return false;
  if (q.flagged === 'true' && !item.flagged) return false;
  // The server's rule: archived ones only in the archive (or a search), and the archive holds nothing else.
  const archived = !!item.archivedAt && item.status === 'closed';
  if (q.archived === 'true' ? !archived : archived && !q.q) return false;
  return true;
}

let loadController: AbortController | null = null;

export async function reload(): Promise<void> {
  loadController?.abort();
  const controller = (loadController = new AbortController());
  const q = listQuery.value;
  listState.value = 'loading';
  try {
    const page = await api<ListPage>('/conversations', { query: { ...q, limit: PAGE_SIZE }, signal: controller.signal });
    if (controller.signal.aborted) return;
    batch(() => {
      items.value = sortIfClient(page.items);
      nextCursor.value = page.nextCursor;
      counts.value = page.counts;
      listState.value = 'idle';
      if (cursor.value >= page.items.length) cursor.value = 0;
    });
    for (const item of page.items) remember(item);
  } catch (err) {
    if ((err as Error).name === 'AbortError') return;
    listError.value = errorText(err);
    listState.value = 'error';
  }
}

function sortIfClient(list: ListItem[]): ListItem[] {
  const sort = filters.value.sort;
  return clientSorted(sort) ? [...list].sort(comparator(sort)) : list;
}

export async function loadMore(): Promise<void> {
  const cursorValue = nextCursor.value;
  if (!cursorValue || loadingMore.value || listState.value !== 'idle') return;
  loadingMore.value = true;
  const key = listKey.value;
  try {
    const page = await api<ListPage>('/conversations', { query: { ...listQuery.value, limit: PAGE_SIZE, cursor: cursorValue } });
    if (key !== listKey.value) return;
    const have = new Set(items.value.map((i) => i.id));
    batch(() => {
      items.value = sortIfClient([...items.value, ...page.items.filter((i) => !have.has(i.id))]);
      nextCursor.value = page.nextCursor;
    });
  } catch (err) {
    toast(`Could not load more conversations: ${errorText(err)}`, 'error');
  } finally {
    loadingMore.value = false;
  }
}

// A new query starts a fresh list and selection.
let lastKey = '';
effect(() => {
  const user = me.value?.user.id;
  if (!user) {
    lastKey = '';
    return;
  }
  const key = `${user}:${listKey.value}`;
  if (key === lastKey) return;
  lastKey = key;
  selected.value = new Set();
  selectAllMatching.value = false;
  anchor = -1;
  cursor.value = 0;
  void reload();
});

/**
 * A conversation changed (live frame, poll, thread event or our own action): update, insert or
 * remove it so the list matches its query and order. Rows without a contact are fetched once.
 */
export function upsert(change: Partial<ListItem> & { id: string }): void {
  const list = items.value;
  const at = list.findIndex((i) => i.id === change.id);
  const prev = at >= 0 ? list[at] : undefined;
  const known = knownItems.get(change.id);
  const merged = { ...known, ...prev, ...dropUndefined(change) } as ListItem;
  merged.contact = change.contact ?? prev?.contact ?? known?.contact ?? null;
  if (typeof merged.unreadCount !== 'number') merged.unreadCount = 0;
  if (!Array.isArray(merged.tags)) merged.tags = [];
  remember(merged);
  const q = listQuery.value;
  if (q.q) {
    // Free-text matches are the server's call: update in place, and look again soon.
    if (prev) items.value = list.map((i) => (i.id === merged.id ? merged : i));
    scheduleTopRefresh();
    return;
  }
  const belongs = merged.status !== undefined && matches(merged, q);
  if (!belongs) {
    if (prev) items.value = list.filter((i) => i.id !== change.id);
    return;
  }
  if (!merged.contact) {
    void fetchRow(merged.id);
    return;
  }
  const rest = at >= 0 ? [...list.slice(0, at), ...list.slice(at + 1)] : [...list];
  const cmp = comparator(filters.value.sort);
  let pos = rest.findIndex((i) => cmp(merged, i) < 0);
  if (pos === -1) {
    // Past the loaded pages: it arrives with its page, unless this is the whole list.
    if (nextCursor.value && !prev) return;
    pos = rest.length;
  }
  rest.splice(pos, 0, merged);
  items.value = rest;
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

const fetching = new Set<string>();
async function fetchRow(id: string): Promise<void> {
  if (fetching.has(id)) return;
  fetching.add(id);
  try {
    const c = await api<ListItem & { contact: ListItem['contact'] }>(`/conversations/${id}`);
    if (c.contact) upsert({ ...c, contact: { id: c.contact.id, name: c.contact.name, email: c.contact.email, phone: c.contact.phone, avatarUrl: c.contact.avatarUrl } });
  } catch {
    // Not visible to us (any more): nothing to show.
  } finally {
    fetching.delete(id);
  }
}

let topTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleTopRefresh(): void {
  clearTimeout(topTimer);
  topTimer = setTimeout(refreshTop, 800);
}

/** Refetch the first page and put it in front of whatever else is loaded. */
async function refreshTop(): Promise<void> {
  const key = listKey.value;
  try {
    const page = await api<ListPage>('/conversations', { query: { ...listQuery.value, limit: PAGE_SIZE } });
    if (key !== listKey.value) return;
    const fresh = new Set(page.items.map((i) => i.id));
    const tail = page.nextCursor ? items.value.slice(page.items.length).filter((i) => !fresh.has(i.id)) : [];
    batch(() => {
      items.value = sortIfClient([...page.items, ...tail]);
      counts.value = page.counts;
    });
  } catch {
    // The next change tries again.
  }
}

/** Apply a local change to a conversation at once (before the server confirms it). */
export function patchItem(id: string, patch: Partial<ListItem>): void {
  const existing = items.value.find((i) => i.id === id) ?? knownItems.get(id);
  if (!existing) return;
  upsert({ ...existing, ...patch, id });
}

/** A deleted conversation leaves the list, the selection and what we know (counts follow from the counts frame or a refresh). */
export function removeConversation(id: string): void {
  knownItems.delete(id);
  if (items.value.some((i) => i.id === id)) items.value = items.value.filter((i) => i.id !== id);
  if (selected.value.has(id)) {
    const next = new Set(selected.value);
    next.delete(id);
    selected.value = next;
  }
  refreshCountsSoon(1500);
}

// ---- What we know about every conversation we have seen, for notifications and contacts ----

const knownItems = new Map<string, ListItem>();
function remember(item: ListItem): void {
  knownItems.set(item.id, { ...knownItems.get(item.id), ...item });
}
export function knownItem(id: string): ListItem | undefined {
  return knownItems.get(id);
}

// ---- Mark unread (kept on the server per agent: reload and this agent's other devices see it) ----

/** Returns how many messages now count as unread for this agent (0: the customer has not written yet). */
export async function markUnread(id: string): Promise<number> {
  const res = await api<{ lastReadSeq: number; unread: number }>(`/conversations/${id}/unread`, { method: 'POST' });
  patchItem(id, { unreadCount: res.unread });
  refreshCountsSoon(1500);
  return res.unread;
}

// ---- Counts per view (nav), refreshed after changes ----

export const navCounts = signal<Record<string, Counts>>({});
let countsTimer: ReturnType<typeof setTimeout> | undefined;
let countsInFlight = false;

/** Throttled: a burst of changes costs one refresh. */
export function refreshCountsSoon(delay = 3000): void {
  if (countsTimer) return;
  countsTimer = setTimeout(() => {
    countsTimer = undefined;
    void refreshCounts();
  }, delay);
}

/** Every view's counts in one request (GET /api/conversations/counts), the open list's tabs included. */
export async function refreshCounts(): Promise<void> {
  if (!me.value || countsInFlight) return;
  countsInFlight = true;
  try {
    const { status: _status, sort: _sort, ...filtersOnly } = listQuery.value;
    const query: ApiQuery = { ...filtersOnly, since: String(startOfDay()), list: 'true' };
    const res = await api<{ views: Record<string, Counts>; list: Counts | null; saved?: Record<string, Counts> }>('/conversations/counts', { query });
    navCounts.value = res.views;
    savedCounts.value = res.saved ?? {};
    if (res.list) counts.value = res.list;
    countsSince = startOfDay();
    countsFetchedAt = Date.now();
  } catch {
    // Offline or a hiccup: the next change or reconnect tries again.
  } finally {
    countsInFlight = false;
  }
}
let countsSince = 0;
let countsFetchedAt = 0;
/** Frames keep counts current; this refetch catches what they cannot (time passing into "breaching soon", a missed frame). */
const COUNTS_RECONCILE_MS = 120_000;

/**
 * A `counts` frame from the list socket: the conversation before and after a change, as far as this
 * agent may see each. Views move by the same rule the server counts with (worker/conversations/view-counts.ts),
 * so no request per change. `unread` (read positions are per agent) and a filtered list's own tabs
 * are reconciled by one throttled refetch instead.
 */
export function applyCountsFrame(before: CountKey | null, after: CountKey | null): void {
  const uid = myId.value;
  if (!uid) return;
  const now = Date.now();
  // A new day since the last fetch: `today` restarts, so fetch rather than fold.
  if (startOfDay() !== countsSince) {
    refreshCountsSoon(1000);
    return;
  }
  const delta = { ...countDelta(before, after, uid, now), ...todayDelta(before, after, countsSince) };
  if (Object.keys(delta).length) navCounts.value = applyDelta(navCounts.value, delta);
  applySavedCountsFrame(before, after, uid, now);
  const listView = plainView(listQuery.value);
  if (listView && navCounts.value[listView]) counts.value = navCounts.value[listView];
  else if (Object.keys(delta).length) refreshCountsSoon(10_000);
  // A customer message may make it unread for this agent (the frame cannot say: reads are per agent).
  if (after && (!before || after.updatedAt !== before.updatedAt)) refreshCountsSoon(15_000);
}

/** The nav view a list query is exactly (its tabs' counts then move with the frames), or null. */
function plainView(q: ApiQuery): string | null {
  const keys = Object.entries(q)
    .filter(([k, v]) => v !== undefined && v !== '' && k !== 'status' && k !== 'sort')
    .map(([k]) => k);
  if (keys.length === 0) return 'all';
  if (keys.length > 1) return null;
  const [k] = keys;
  const v = String(q[k]);
  if (k === 'assignee') return v === 'me' ? 'mine' : v === 'unassigned' ? 'unassigned' : null;
  if (k === 'teamId') return `team:${v}`;
  if (k === 'channel' && !v.includes(',')) return `channel:${v}`;
  if (k === 'sla' && (v === 'breached' || v === 'breaching_soon')) return `sla:${v}`;
  if (k === 'escalated' && v === 'true') return 'escalated';
  return null;
}

/** Conversations with unread messages that still need work (for the tab title). */
export const unreadTotal = computed(() => {
  const c = navCounts.value.unread;
  return c ? c.open + c.pending : 0;
});

// ---- Selection and cursor ----

export function toggleSelect(id: string, opts: { range?: boolean; index?: number } = {}): void {
  const next = new Set(selected.value);
  const list = items.value;
  const index = opts.index ?? list.findIndex((i) => i.id === id);
  if (opts.range && anchor >= 0 && index >= 0) {
    const [a, b] = anchor < index ? [anchor, index] : [index, anchor];
    for (let i = a; i <= b; i++) if (list[i]) next.add(list[i].id);
  } else if (next.has(id)) next.delete(id);
  else next.add(id);
  anchor = index;
  selected.value = next;
  selectAllMatching.value = false;
}

export function selectAll(on: boolean): void {
  selected.value = on ? new Set(items.value.map((i) => i.id)) : new Set();
  selectAllMatching.value = false;
  anchor = -1;
}

export function moveCursor(delta: number): number {
  const n = items.value.length;
  if (n === 0) return -1;
  const next = Math.max(0, Math.min(n - 1, cursor.value + delta));
  cursor.value = next;
  if (next >= n - 10) void loadMore();
  return next;
}

// ---- Batch actions ----

export const bulkResult = signal<(BulkResult & { action: string; labels: Record<string, string> }) | null>(null);
export const bulkBusy = signal(false);
export { BULK_LIMIT } from '../../../worker/conversations/bulk-limit';
import { BULK_LIMIT } from '../../../worker/conversations/bulk-limit';

export type { BulkAction };

const PAST: Record<BulkAction, string> = {
  close: 'Resolved',
  reopen: 'Reopened',
  assign: 'Assigned',
  team: 'Changed the team of',
  tag: 'Tagged',
  untag: 'Untagged',
  snooze: 'Snoozed',
  priority: 'Changed priority of',
  status: 'Changed status of',
  delete: 'Deleted',
};

export async function runBulk(action: BulkAction, extra: Record<string, unknown> = {}, label: string = action): Promise<void> {
  const ids = [...selected.value];
  const matching = selectAllMatching.value;
  if (ids.length === 0 && !matching) return;
  bulkBusy.value = true;
  try {
    const target = matching ? { filter: listQuery.value } : { ids };
    const res = await api<BulkResult>('/conversations/bulk', { json: { ...target, action, ...extra } });
    applyBulk(action, extra, res);
    const names: Record<string, string> = {};
    for (const r of res.results) {
      const it = knownItems.get(r.id);
      names[r.id] = it?.contact?.name || it?.contact?.email || it?.contact?.phone || r.id;
    }
    selectAllMatching.value = false;
    selected.value = new Set(res.results.filter((r) => !r.ok).map((r) => r.id));
    // Failures need reading (which, and why): the dialog. Success is a toast that can take it back.
    if (res.failed > 0) bulkResult.value = { ...res, action: label, labels: names };
    if (res.succeeded > 0) {
      const plan = undoPlan(action, extra, res.results);
      toast(`${PAST[action]} ${plural(res.succeeded, 'conversation')}`, 'success', 8000, plan.length ? { label: 'Undo', run: () => void undoBulk(plan) } : undefined);
    }
    refreshCountsSoon(300);
  } catch (err) {
    toast(`Batch ${label} failed: ${errorText(err)}`, 'error');
  } finally {
    bulkBusy.value = false;
  }
}

/** Apply what succeeded right away; live updates and the next poll confirm it. */
function applyBulk(action: BulkAction, extra: Record<string, unknown>, res: BulkResult): void {
  for (const r of res.results) {
    if (!r.ok) continue;
    const prev = knownItems.get(r.id);
    if (!prev) continue;
    const patch: Partial<ListItem> = {};
    if (action === 'close') patch.status = 'closed';
    if (action === 'reopen') patch.status = 'open';
    if (action === 'status' && extra.status) patch.status = extra.status as ListItem['status'];
    if (action === 'snooze') Object.assign(patch, { status: 'snoozed', snoozeUntil: extra.snoozeUntil as number });
    if (action === 'delete') {
      removeConversation(r.id);
      continue;
    }
    if (action === 'assign') patch.assigneeId = (extra.assigneeId as string | null) ?? null;
    if (action === 'team') patch.teamId = (extra.teamId as string | null) ?? null;
    if (action === 'priority') patch.priority = extra.priority as ListItem['priority'];
    if (action === 'tag') patch.tags = [...new Set([...prev.tags, ...((extra.tags as string[]) ?? []).map((t) => t.toLowerCase())])];
    if (action === 'untag') patch.tags = prev.tags.filter((t) => !((extra.tags as string[]) ?? []).includes(t));
    patchItem(r.id, { ...patch, updatedAt: Date.now() });
  }
}

async function undoBulk(plan: BulkCall[]): Promise<void> {
  bulkBusy.value = true;
  let restored = 0;
  let failed = 0;
  try {
    for (const call of plan) {
      for (let i = 0; i < call.ids.length; i += BULK_LIMIT) {
        const res = await api<BulkResult>('/conversations/bulk', { json: { ids: call.ids.slice(i, i + BULK_LIMIT), action: call.action, ...call.extra } });
        applyBulk(call.action, call.extra, res);
        restored += res.succeeded;
        failed += res.failed;
      }
    }
    toast(failed ? `Undone for ${plural(restored, 'conversation')}; ${failed} could not be changed back` : `Undone for ${plural(restored, 'conversation')}`, failed ? 'error' : 'info');
  } catch (err) {
    toast(`Undo failed: ${errorText(err)}`, 'error');
  } finally {
    bulkBusy.value = false;
    refreshCountsSoon(300);
  }
}

// ---- Polling: the fallback (and safety net) for live list updates ----

let pollSince = 0;
let pollTimer: ReturnType<typeof setTimeout> | undefined;
/** Fast while the live socket is down, slow while it is up. */
export const liveConnected = signal(false);
type ChangeListener = (item: ListItem, previous: ListItem | undefined) => void;
const changeListeners: ChangeListener[] = [];
export function onConversationChange(fn: ChangeListener): void {
  changeListeners.push(fn);
}

/**
 * The list's SLA/escalation columns from a full conversation (live frames and the thread carry
 * `sla` and `escalation`, list rows `slaStatus`, `slaDueAt`…). Only what the sender included.
 */
export function slaColumns(c: { sla?: Conversation['sla']; escalation?: Conversation['escalation']; flagged?: boolean; followUps?: Conversation['followUps']; csat?: Conversation['csat'] }): Partial<ListItem> {
  const out: Partial<ListItem> = {};
  if (c.sla !== undefined) Object.assign(out, { slaStatus: c.sla?.status ?? null, slaDueAt: c.sla?.dueAt ?? null });
  if (c.escalation !== undefined) {
    const live = c.escalation && !c.escalation.resolvedAt ? c.escalation : null;
    Object.assign(out, { escalationLevel: live ? live.level : null, escalatedAt: live ? live.startedAt : null });
  }
  if (c.flagged !== undefined) out.flagged = c.flagged;
  if (c.followUps !== undefined) out.followUpAt = c.followUps?.nextAt ?? null;
  if (c.csat !== undefined) Object.assign(out, { csatScore: c.csat?.score ?? null, csatScale: c.csat?.scale ?? null, csatRaw: c.csat?.raw ?? null });
  return out;
}

/** A changed conversation from anywhere (poll or live frame): notify listeners, then merge. */
export function conversationChanged(item: Partial<ListItem> & { id: string }, source: 'poll' | 'live'): void {
  if ('sla' in item || 'escalation' in item || 'followUps' in item || 'csat' in item) item = { ...item, ...slaColumns(item as Partial<Conversation>) };
  const previous = knownItems.get(item.id);
  if (previous && item.updatedAt !== undefined && previous.updatedAt === item.updatedAt && previous.seq === item.seq && previous.unreadCount === (item.unreadCount ?? previous.unreadCount)) return;
  const merged = { ...previous, ...dropUndefined(item) } as ListItem;
  for (const fn of changeListeners) fn(merged, previous ? { ...previous } : undefined);
  upsert(item);
  // Live changes move counts through `counts` frames; polled ones (no socket) refetch them.
  if (source === 'poll' && (previous?.status !== merged.status || previous?.assigneeId !== merged.assigneeId || !previous)) refreshCountsSoon();
}

export async function poll(): Promise<void> {
  clearTimeout(pollTimer);
  if (!me.value) return;
  try {
    const page = await api<ListPage>('/conversations', { query: { updatedAfter: pollSince ? String(pollSince - 2000) : undefined, sort: 'recent', limit: 200 } });
    let max = pollSince;
    for (const item of page.items) {
      max = Math.max(max, item.updatedAt);
      if (pollSince) conversationChanged(item, 'poll');
      else remember(item);
    }
    if (!pollSince) {
      pollBaseline = max;
      firstPollDone.value = true;
    }
    pollSince = max || Date.now();
  } catch {
    // Offline or the server hiccuped; try again on the next tick.
  } finally {
    pollTimer = setTimeout(poll, liveConnected.value ? 30_000 : 4_000);
    if (Date.now() - countsFetchedAt > COUNTS_RECONCILE_MS) void refreshCounts();
  }
}
export const firstPollDone = signal(false);
/** The newest change the first poll saw (server clock): anything created after it is new to this tab. */
export let pollBaseline = 0;

export function startPolling(): void {
  void poll();
  void refreshCounts();
}

export function stopPolling(): void {
  clearTimeout(pollTimer);
  pollSince = 0;
  firstPollDone.value = false;
}
