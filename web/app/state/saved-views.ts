// Saved views (issue 16): the agent's named list filters and the workspace's shared ones, as the
// sidebar lists them. A view opens as an ordinary list URL (/inbox?…&view=<id>), so reload, back and
// the filter bar all keep working; `view` only names which saved view the list came from.
import { computed, effect, signal } from '@preact/signals';
import { api } from '../lib/api';
import type { Counts } from '../lib/types';
import { countable, keyInView, type SavedFilters, type SavedView } from '../../../worker/views/model';
import type { CountKey } from '../../../worker/conversations/view-counts';
import { filters, route, type Filters, type View } from './route';
import { me } from './session';

export type { SavedFilters, SavedView };

export const savedViews = signal<SavedView[]>([]);
/** Counts of the views GET /api/conversations/counts can answer (by view id); the others show none. */
export const savedCounts = signal<Record<string, Counts>>({});

/** Which saved-view dialog is open (web/app/views/SavedViews.tsx, a lazy chunk). */
export const savedViewDialog = signal<'save' | 'manage' | null>(null);

export async function loadSavedViews(): Promise<void> {
  try {
    savedViews.value = (await api<{ items: SavedView[] }>('/views')).items;
  } catch {
    // The sidebar works without them; the next change tries again.
  }
}

let loadedFor = '';
effect(() => {
  const user = me.value?.user.id ?? '';
  if (user === loadedFor) return;
  loadedFor = user;
  savedViews.value = [];
  savedCounts.value = {};
  if (user) void loadSavedViews();
});

const split = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

/** The list the agent is looking at (route view and filters) as a saved view's filter. */
export function filtersToSaved(view: View, f: Filters): SavedFilters {
  const out: SavedFilters = {};
  if (f.status !== 'all') out.status = split(f.status) as SavedFilters['status'];
  const assignee = view.kind === 'mine' ? 'me' : view.kind === 'unassigned' ? 'unassigned' : f.assignee;
  if (assignee) out.assignee = assignee;
  const channels = view.kind === 'channel' ? [view.key] : split(f.channel);
  if (channels.length) out.channels = channels;
  const team = view.kind === 'team' ? view.id : f.teamId;
  if (team) out.teamId = team;
  if (f.inboxId) out.inboxId = f.inboxId;
  if (f.tag) out.tags = split(f.tag).map((t) => t.toLowerCase());
  if (out.tags && out.tags.length > 1 && f.tagMode === 'any') out.tagMode = 'any';
  if (f.priority) out.priorities = split(f.priority) as SavedFilters['priorities'];
  if (f.sla) out.sla = split(f.sla) as SavedFilters['sla'];
  if (f.q.trim()) out.q = f.q.trim();
  if (f.time && (f.time !== 'custom' || f.from || f.to)) {
    out.time = { on: (f.on || 'updated') as 'activity' | 'created' | 'updated', range: f.time as 'hour' | 'today' | '7d' | '30d' | 'custom' };
    if (f.time === 'custom') {
      if (f.from) out.time.from = dayStart(f.from);
      if (f.to) out.time.to = dayStart(f.to, 1);
    }
  }
  if (f.sort !== 'recent') out.sort = f.sort;
  if (f.unread || view.kind === 'unread') out.unread = true;
  if (f.escalated) out.escalated = true;
  if (f.flagged) out.flagged = true;
  if (view.kind === 'archived') out.archived = true;
  return out;
}

function dayStart(day: string, plus = 0): number {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d + plus).getTime();
}

function dayOf(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The list URL a saved view opens. */
export function savedHref(v: Pick<SavedView, 'id' | 'filters'>): string {
  const f = v.filters;
  const p = new URLSearchParams();
  const status = f.status?.length ? f.status.join(',') : 'all';
  if (status !== 'open') p.set('status', status);
  if (f.assignee) p.set('assignee', f.assignee);
  if (f.channels?.length) p.set('channel', f.channels.join(','));
  if (f.teamId) p.set('team', f.teamId);
  if (f.inboxId) p.set('inbox', f.inboxId);
  if (f.tags?.length) p.set('tag', f.tags.join(','));
  if (f.tagMode === 'any') p.set('tagMode', 'any');
  if (f.priorities?.length) p.set('priority', f.priorities.join(','));
  if (f.sla?.length) p.set('sla', f.sla.join(','));
  if (f.q) p.set('q', f.q);
  if (f.time) {
    p.set('time', f.time.range);
    if (f.time.on !== 'updated') p.set('on', f.time.on);
    if (f.time.from !== undefined) p.set('from', dayOf(f.time.from));
    if (f.time.to !== undefined) p.set('to', dayOf(f.time.to - 1));
  }
  if (f.sort) p.set('sort', f.sort);
  if (f.unread) p.set('unread', 'true');
  if (f.escalated) p.set('escalated', 'true');
  if (f.flagged) p.set('flagged', 'true');
  p.set('view', v.id);
  return `${f.archived ? '/inbox/archived' : '/inbox'}?${p.toString()}`;
}

/** Key order and list order do not make two filters different. */
export function sameFilters(a: SavedFilters, b: SavedFilters): boolean {
  const canon = (f: SavedFilters) =>
    JSON.stringify(
      Object.entries(f)
        .filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))
        .map(([k, v]) => [k, Array.isArray(v) ? [...v].sort() : v && typeof v === 'object' ? Object.entries(v).sort() : v])
        .sort(([x], [y]) => String(x).localeCompare(String(y))),
    );
  return canon(a) === canon(b);
}

const currentView = computed<View>(() => (route.value.name === 'inbox' ? route.value.view : { kind: 'all' }));
/** The list's filter as a saved view would store it. */
export const currentSavedFilters = computed(() => filtersToSaved(currentView.value, filters.value));
/** The saved view the list was opened from, if the agent can still see it. */
export const activeSavedView = computed(() => {
  const id = filters.value.savedView;
  return id ? (savedViews.value.find((v) => v.id === id) ?? null) : null;
});
/** Opened from a saved view, then filtered differently: offer to update it. */
export const savedViewChanged = computed(() => {
  const v = activeSavedView.value;
  return !!v && !sameFilters(v.filters, currentSavedFilters.value);
});

/** A `counts` frame moves the saved views' counts by the same rule the server counted them with. */
export function applySavedCountsFrame(before: CountKey | null, after: CountKey | null, userId: string, now: number): void {
  const current = savedCounts.value;
  let next: Record<string, Counts> | null = null;
  for (const v of savedViews.value) {
    if (!current[v.id] || !countable(v.filters)) continue;
    const c = { ...current[v.id] };
    let moved = false;
    if (before && keyInView(v.filters, before, userId, now)) {
      const s = before.status as keyof Counts;
      c[s] = Math.max(0, c[s] - 1);
      moved = true;
    }
    if (after && keyInView(v.filters, after, userId, now)) {
      const s = after.status as keyof Counts;
      c[s] += 1;
      moved = true;
    }
    if (!moved) continue;
    c.all = c.open + c.pending + c.snoozed + c.closed;
    (next ??= { ...current })[v.id] = c;
  }
  if (next) savedCounts.value = next;
}

export async function createSavedView(name: string, f: SavedFilters, shared: boolean): Promise<SavedView> {
  const view = await api<SavedView>('/views', { json: { name, filters: f, shared } });
  await loadSavedViews();
  return view;
}

export async function updateSavedView(id: string, patch: { name?: string; filters?: SavedFilters; shared?: boolean }): Promise<SavedView> {
  const view = await api<SavedView>(`/views/${id}`, { method: 'PATCH', json: patch });
  savedViews.value = savedViews.value.map((v) => (v.id === id ? view : v));
  return view;
}

export async function deleteSavedView(id: string): Promise<void> {
  await api(`/views/${id}`, { method: 'DELETE' });
  savedViews.value = savedViews.value.filter((v) => v.id !== id);
}

export async function reorderSavedViews(ids: string[]): Promise<void> {
  savedViews.value = (await api<{ items: SavedView[] }>('/views/order', { method: 'PUT', json: { ids } })).items;
}
