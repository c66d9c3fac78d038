// The list pane: view title, search, quick and advanced filters, sort, status tabs with counts,
// the batch bar, and the windowed list itself (fixed-height rows: only what is on screen renders,
// so ten thousand conversations scroll like ten).
import { useSignal } from '@preact/signals';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { channelLabel, contactName, PRIORITY_LABEL, relativeTime, STATUS_LABEL } from '../lib/format';
import { CsatBadge } from '../ui/CsatBadge';
import { Component } from 'preact';
import { location$, navigate, withParams } from '../lib/router';
import type { ListItem } from '../lib/types';
import { counts, cursor, items, listError, listState, loadMore, loadingMore, nextCursor, reload, selectAll, selected, toggleSelect } from '../state/inbox';
import { MOD } from './Shortcuts';
import { filters, route, SORTS, TIME_FIELDS, TIME_RANGES, type Filters } from '../state/route';
import { activeUsers, channels, inboxes, myId, presenceOf, tags, teams, teamsById, usersById, type Presence } from '../state/session';
import { activeSavedView, savedViewChanged, savedViewDialog } from '../state/saved-views';
import { Avatar } from '../ui/Avatar';
import { ChannelIcon } from '../ui/ChannelIcon';
import { Icon } from '../ui/Icon';
import { Dropdown, openMenu } from '../ui/Popover';
import { BulkBar } from './BulkBar';
import { focusRow } from './keyboard';
import { RowSlaTimer } from './SlaTimer';
import { dueLabel } from './FollowUps';

const SLA_FILTER_LABEL: Record<string, string> = { breaching_soon: 'Breaching soon', warning: 'SLA warning', breached: 'SLA breached' };

export const ROW_HEIGHT = 78;
const OVERSCAN = 8;

function viewTitle(): string {
  const r = route.value;
  if (r.name !== 'inbox') return 'Conversations';
  const v = r.view;
  const f = filters.value;
  const saved = activeSavedView.value;
  if (saved) return saved.name;
  if (v.kind === 'all' && f.assignee === 'others') return 'Assigned to others';
  if (v.kind === 'all' && f.sla) return SLA_FILTER_LABEL[f.sla] ?? 'SLA';
  if (v.kind === 'all' && f.escalated) return 'Escalated';
  switch (v.kind) {
    case 'mine':
      return 'Mine';
    case 'unassigned':
      return 'Unassigned';
    case 'unread':
      return 'Unread';
    case 'archived':
      return 'Archived';
    case 'team':
      return teamsById.value.get(v.id)?.name ?? 'Team';
    case 'channel':
      return channelLabel(v.key);
    default:
      return 'All conversations';
  }
}

export function ConversationList() {
  return (
    <section class="list-pane" aria-label="Conversation list">
      <ListHeader />
      {selected.value.size > 0 ? <BulkBar /> : <StatusTabs />}
      <VirtualList />
    </section>
  );
}

function ListHeader() {
  const f = filters.value;
  const r = route.value;
  const view = r.name === 'inbox' ? r.view : { kind: 'all' as const };
  const q = useSignal(f.q);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => {
    q.value = f.q;
  }, [f.q]);

  const setQ = (value: string, now = false) => {
    q.value = value;
    clearTimeout(timer.current);
    const go = () => navigate(withParams({ q: value.trim() || null }, r.name === 'inbox' ? r.base : '/inbox'), { replace: true });
    if (now) go();
    else timer.current = setTimeout(go, 350);
  };

  const chips: [string, string, string][] = [];
  if (f.assignee && view.kind !== 'mine' && view.kind !== 'unassigned') chips.push(['assignee', 'Assignee', assigneeLabel(f.assignee)]);
  if (f.channel && view.kind !== 'channel') chips.push(['channel', 'Channel', orList(split(f.channel).map(channelLabel))]);
  if (f.teamId && view.kind !== 'team') chips.push(['team', 'Team', teamsById.value.get(f.teamId)?.name ?? f.teamId]);
  if (f.inboxId) chips.push(['inbox', 'Inbox', inboxes.value.find((i) => i.id === f.inboxId)?.name ?? 'unknown']);
  if (f.priority) chips.push(['priority', 'Priority', orList(split(f.priority).map((p) => PRIORITY_LABEL[p] ?? p))]);
  if (f.tag) chips.push(['tag', 'Tag', f.tagMode === 'any' ? orList(split(f.tag)) : split(f.tag).join(' and ')]);
  if (f.time) chips.push(['time', TIME_FIELDS.find((t) => t.key === f.on)?.label ?? 'Any change', timeLabel(f)]);
  if (f.unread && view.kind !== 'unread') chips.push(['unread', 'Only', 'unread']);
  if (f.sla) chips.push(['sla', 'SLA', SLA_FILTER_LABEL[f.sla] ?? f.sla]);
  if (f.escalated) chips.push(['escalated', 'Only', 'escalated']);
  if (f.flagged) chips.push(['flagged', 'Only', 'flagged']);

  const set = (key: string, value: string | null) => navigate(withParams(key === 'time' && !value ? { time: null, on: null, from: null, to: null } : key === 'tag' && !value ? { tag: null, tagMode: null } : { [key]: value }));
  const total = counts.value ? statusTotal(f.status, counts.value as unknown as Record<string, number>) : undefined;
  const saved = activeSavedView.value;

  return (
    <header class="list-head">
      <div class="list-title">
        <h1>{viewTitle()}</h1>
        {total !== undefined ? <span class="muted">{total.toLocaleString()}</span> : null}
        {saved && savedViewChanged.value ? <span class="saved-view-edited">Edited</span> : null}
        <span class="spacer" />
        <button
          type="button"
          class={`btn-icon${saved && savedViewChanged.value && saved.editable ? ' is-active' : ''}`}
          title={saved && savedViewChanged.value && saved.editable ? `Save changes to “${saved.name}”` : 'Save this list as a view'}
          aria-label={saved && savedViewChanged.value && saved.editable ? `Save changes to the view ${saved.name}` : 'Save this list as a view'}
          onClick={() => (savedViewDialog.value = 'save')}
        >
          <Icon name="bookmark" size={17} />
        </button>
        <Dropdown id="sort" class={`btn-icon${f.sort !== 'recent' ? ' is-active' : ''}`} title={`Sort: ${SORTS.find((s) => s.key === f.sort)?.label}`} align="right" label={<Icon name="sort" size={17} />}>
          {(close) => (
            <div role="menu" aria-label="Sort by">
              {SORTS.map((s) => (
                <button
                  key={s.key}
                  type="button"
                  role="menuitemradio"
                  aria-checked={f.sort === s.key}
                  class={`menu-item${f.sort === s.key ? ' checked' : ''}`}
                  onClick={() => {
                    close();
                    set('sort', s.key === 'recent' ? null : s.key);
                  }}
                >
                  <span class="check" aria-hidden="true">{f.sort === s.key ? '✓' : ''}</span>
                  {s.label}
                </button>
              ))}
            </div>
          )}
        </Dropdown>
        <FilterMenu />
      </div>
      <div class="search">
        <Icon name="search" size={16} />
        <label class="sr-only" for="search-input">
          Search conversations
        </label>
        <input
          id="search-input"
          type="search"
          placeholder="Search  —  words, &quot;phrases&quot;, tag:, email:, phone:…"
          value={q.value}
          onInput={(e) => setQ(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') setQ(q.value, true);
            if (e.key === 'ArrowDown' && items.value.length) {
              e.preventDefault();
              focusRow(cursor.value);
            }
            if (e.key === 'Escape') {
              if (q.value) setQ('', true);
              (e.currentTarget as HTMLInputElement).blur();
              e.stopPropagation();
            }
          }}
          autocomplete="off"
          spellcheck={false}
        />
        <kbd class="search-kbd" aria-hidden="true">
          {MOD === '⌘' ? '⌘K' : 'Ctrl K'}
        </kbd>
      </div>
      <div class="quick-filters" role="group" aria-label="Quick filters">
        {view.kind !== 'mine' && view.kind !== 'unassigned' ? (
          <QuickSelect label="Assignment" value={f.assignee} onChange={(v) => set('assignee', v)} options={[['', 'Anyone'], ['me', 'Me'], ['unassigned', 'Unassigned'], ['others', 'Assigned to others'], ...activeUsers.value.filter((u) => u.id !== myId.value).map((u): [string, string] => [u.id, u.name])]} />
        ) : null}
        <QuickSelect label="Time" value={f.time} onChange={(v) => (v === 'custom' ? openFilters() : set('time', v))} options={TIME_RANGES.map((t): [string, string] => [t.key, t.key === 'custom' ? 'Custom range…' : t.label])} />
        {view.kind !== 'channel' ? (
          <QuickSelect
            label="Channel"
            value={f.channel}
            onChange={(v) => set('channel', v)}
            options={[['', 'Any channel'], ...(f.channel.includes(',') ? [[f.channel, `${split(f.channel).length} channels`] as [string, string]] : []), ...channels.value.map((c): [string, string] => [c, channelLabel(c)])]}
          />
        ) : null}
      </div>
      {chips.length ? (
        <div class="chips" aria-label="Active filters">
          {chips.map(([key, label, value]) => (
            <span class="chip" key={key}>
              {label}: <strong>{value}</strong>
              <button type="button" class="chip-x" aria-label={`Remove filter ${label}: ${value}`} onClick={() => set(key, null)}>
                ✕
              </button>
            </span>
          ))}
          <button
            type="button"
            class="link"
            onClick={() => navigate(withParams({ assignee: null, channel: null, team: null, inbox: null, priority: null, tag: null, tagMode: null, time: null, on: null, from: null, to: null, unread: null, q: null, sla: null, escalated: null, flagged: null }))}
          >
            Clear all
          </button>
        </div>
      ) : null}
    </header>
  );
}

const split = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const orList = (xs: string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}` : (xs[0] ?? ''));

function assigneeLabel(a: string): string {
  if (a === 'me') return 'Me';
  if (a === 'unassigned') return 'Unassigned';
  if (a === 'others') return 'Others';
  return usersById.value.get(a)?.name ?? 'an agent';
}

function timeLabel(f: Filters): string {
  if (f.time !== 'custom') return TIME_RANGES.find((t) => t.key === f.time)?.label ?? f.time;
  const day = (d: string) => {
    const [y, m, dd] = d.split('-').map(Number);
    return Number.isFinite(y) && m && dd ? new Date(y, m - 1, dd).toLocaleDateString() : d;
  };
  if (f.from && f.to) return `${day(f.from)} – ${day(f.to)}`;
  if (f.from) return `since ${day(f.from)}`;
  if (f.to) return `until ${day(f.to)}`;
  return 'pick the days';
}

/** The count for a status filter: one status, several (summed) or all. */
function statusTotal(status: string, c: Record<string, number>): number | undefined {
  if (status === 'all') return c.all;
  return split(status).reduce((n, s) => n + (c[s] ?? 0), 0);
}

function openFilters(): void {
  navigate(withParams({ time: 'custom' }));
  openMenu.value = 'filters';
}

/** Several values of one filter at once (checkboxes; a URL comma list). */
function CheckGroup({ legend, options, value, onChange, id }: { legend: string; id: string; options: [string, string][]; value: string[]; onChange: (next: string[]) => void }) {
  const chosen = new Set(value);
  return (
    <fieldset class="check-group" id={id}>
      <legend>{legend}</legend>
      <div class="check-group-options">
        {options.map(([k, label]) => (
          <label class="check-field" key={k}>
            <input
              type="checkbox"
              checked={chosen.has(k)}
              onChange={(e) => {
                const next = new Set(chosen);
                if (e.currentTarget.checked) next.add(k);
                else next.delete(k);
                onChange(options.map(([o]) => o).filter((o) => next.has(o)));
              }}
            />{' '}
            {label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function QuickSelect({ label, value, onChange, options }: { label: string; value: string; onChange: (v: string | null) => void; options: [string, string][] }) {
  return (
    <label class={`quick${value ? ' on' : ''}`}>
      <span class="sr-only">{label}</span>
      <select value={value} onChange={(e) => onChange(e.currentTarget.value || null)}>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The advanced filter: every filter in one panel, combined with AND. */
function FilterMenu() {
  const f = filters.value;
  const r = route.value;
  const view = r.name === 'inbox' ? r.view : { kind: 'all' as const };
  const set = (key: string, value: string | null) =>
    navigate(withParams(key === 'time' && !value ? { time: null, on: null, from: null, to: null } : key === 'tag' && split(value ?? '').length < 2 ? { tag: value, tagMode: null } : { [key]: value }));
  const active = [f.assignee, f.channel, f.teamId, f.inboxId, f.priority, f.tag, f.time, f.unread ? 'x' : '', f.sla, f.escalated ? 'x' : '', f.flagged ? 'x' : ''].filter(Boolean).length;
  return (
    <Dropdown id="filters" class={`btn-icon filter-btn${active ? ' is-active' : ''}`} title={active ? `Filters: ${active} active` : 'Filters'} align="right" wide label={<><Icon name="filter" size={17} />{active ? (<span class="badge" aria-hidden="true">{active}</span>) : null}</>}>
      {() => (
        <form class="filter-panel" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
          <CheckGroup
            id="filter-status"
            legend="Status"
            options={['open', 'pending', 'snoozed', 'closed'].map((k): [string, string] => [k, STATUS_LABEL[k]])}
            value={f.status === 'all' ? [] : split(f.status)}
            onChange={(next) => set('status', next.length === 0 ? 'all' : next.join(',') === 'open' ? null : next.join(','))}
          />
          {view.kind !== 'mine' && view.kind !== 'unassigned' ? (
            <label class="field">
              <span>Assignee</span>
              <select value={f.assignee} onChange={(e) => set('assignee', e.currentTarget.value || null)}>
                <option value="">Anyone</option>
                <option value="me">Me</option>
                <option value="unassigned">Unassigned</option>
                <option value="others">Assigned to others</option>
                {activeUsers.value.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {view.kind !== 'team' ? (
            <label class="field">
              <span>Team</span>
              <select value={f.teamId} onChange={(e) => set('team', e.currentTarget.value || null)}>
                <option value="">Any team</option>
                {teams.value.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {inboxes.value.length > 1 ? (
            <label class="field">
              <span>Inbox</span>
              <select value={f.inboxId} onChange={(e) => set('inbox', e.currentTarget.value || null)}>
                <option value="">Any inbox</option>
                {inboxes.value.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {view.kind !== 'channel' ? (
            <CheckGroup id="filter-channel" legend="Channel" options={channels.value.map((c): [string, string] => [c, channelLabel(c)])} value={split(f.channel)} onChange={(next) => set('channel', next.join(',') || null)} />
          ) : null}
          <CheckGroup
            id="filter-priority"
            legend="Priority"
            options={['urgent', 'high', 'normal', 'low'].map((k): [string, string] => [k, PRIORITY_LABEL[k]])}
            value={split(f.priority)}
            onChange={(next) => set('priority', next.join(',') || null)}
          />
          {tags.value.length ? (
            <>
              <CheckGroup id="filter-tag" legend="Tags" options={tags.value.map((t): [string, string] => [t.name, t.name])} value={split(f.tag)} onChange={(next) => set('tag', next.join(',') || null)} />
              {split(f.tag).length > 1 ? (
                <label class="field">
                  <span>With several tags</span>
                  <select value={f.tagMode} onChange={(e) => set('tagMode', e.currentTarget.value || null)}>
                    <option value="">All of them</option>
                    <option value="any">Any of them</option>
                  </select>
                </label>
              ) : null}
            </>
          ) : null}
          <fieldset class="check-group">
            <legend>Time</legend>
            <label class="field">
              <span>When</span>
              <select value={f.time} onChange={(e) => set('time', e.currentTarget.value || null)}>
                {TIME_RANGES.map((t) => (
                  <option key={t.key} value={t.key}>
                    {t.label}
                  </option>
                ))}
              </select>
            </label>
            {f.time ? (
              <label class="field">
                <span>Counted on</span>
                <select value={f.on} onChange={(e) => set('on', e.currentTarget.value || null)}>
                  {TIME_FIELDS.map((t) => (
                    <option key={t.key} value={t.key}>
                      {t.label}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
            {f.time === 'custom' ? (
              <div class="date-range">
                <label class="field">
                  <span>From</span>
                  <input type="date" value={f.from} max={f.to || undefined} onChange={(e) => set('from', e.currentTarget.value || null)} />
                </label>
                <label class="field">
                  <span>To</span>
                  <input type="date" value={f.to} min={f.from || undefined} onChange={(e) => set('to', e.currentTarget.value || null)} />
                </label>
              </div>
            ) : null}
          </fieldset>
          <label class="field">
            <span>SLA</span>
            <select value={f.sla} onChange={(e) => set('sla', e.currentTarget.value || null)}>
              <option value="">Any SLA state</option>
              {Object.entries(SLA_FILTER_LABEL).map(([k, l]) => (
                <option key={k} value={k}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <label class="check-field">
            <input type="checkbox" checked={f.unread} onChange={(e) => set('unread', e.currentTarget.checked ? 'true' : null)} /> Only unread
          </label>
          <label class="check-field">
            <input type="checkbox" checked={f.escalated} onChange={(e) => set('escalated', e.currentTarget.checked ? 'true' : null)} /> Only escalated
          </label>
          <label class="check-field">
            <input type="checkbox" checked={f.flagged} onChange={(e) => set('flagged', e.currentTarget.checked ? 'true' : null)} /> Only flagged
          </label>
        </form>
      )}
    </Dropdown>
  );
}

function StatusTabs() {
  const f = filters.value;
  const c = counts.value;
  const n = items.value.length;
  const allSelected = n > 0 && selected.value.size === n;
  const tabs: [string, string][] = [
    // Several statuses chosen in the filter panel: one tab for the set, first so it is in sight.
    ...(f.status.includes(',') ? [[f.status, orList(split(f.status).map((x) => STATUS_LABEL[x] ?? x))] as [string, string]] : []),
    ['open', 'Open'],
    ['pending', 'Pending'],
    ['snoozed', 'Snoozed'],
    ['closed', 'Resolved'],
    // "Any status" lives in the filter panel; its tab only shows while it is chosen.
    ...(f.status === 'all' ? [['all', 'All'] as [string, string]] : []),
  ];
  return (
    <div class="tabs-row">
      <input type="checkbox" class="select-all" aria-label="Select all conversations in view" checked={allSelected} disabled={n === 0} onChange={(e) => selectAll(e.currentTarget.checked)} />
      <nav class="tabs" aria-label="Status">
        {tabs.map(([key, label]) => {
          const active = f.status === key;
          const value = c ? statusTotal(key, c as unknown as Record<string, number>) : undefined;
          return (
            <a key={key} href={withParams({ status: key === 'open' ? null : key })} class={`tab${active ? ' active' : ''}`} aria-current={active ? 'page' : undefined}>
              {label}
              {value !== undefined && key !== 'all' ? <span class="tab-count">{value > 9999 ? `${Math.floor(value / 1000)}k` : value}</span> : null}
            </a>
          );
        })}
      </nav>
    </div>
  );
}

function VirtualList() {
  const scroller = useRef<HTMLDivElement>(null);
  const frame = useRef(0);
  const scrollTop = useSignal(0);
  const height = useSignal(800);
  const list = items.value;
  const n = list.length;
  const r = route.value;
  const openId = r.name === 'inbox' ? r.conversationId : null;

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => (height.value = el.clientHeight));
    ro.observe(el);
    height.value = el.clientHeight;
    return () => ro.disconnect();
  }, []);

  // A new query starts at the top.
  useEffect(() => {
    if (scroller.current && listState.value === 'loading') {
      scroller.current.scrollTop = 0;
      scrollTop.value = 0;
    }
  }, [listState.value]);

  // Keep the keyboard cursor on screen.
  const cur = cursor.value;
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const top = cur * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  }, [cur]);

  const start = Math.max(0, Math.floor(scrollTop.value / ROW_HEIGHT) - OVERSCAN);
  const end = Math.min(n, Math.ceil((scrollTop.value + height.value) / ROW_HEIGHT) + OVERSCAN);
  useEffect(() => {
    if (end >= n - 20 && nextCursor.value) void loadMore();
  }, [end, n]);

  const onScroll = () => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      if (scroller.current) scrollTop.value = scroller.current.scrollTop;
    });
  };

  if (listState.value === 'error')
    return (
      <div class="list-empty" role="alert">
        <Icon name="alert" size={28} />
        <p>Could not load conversations.</p>
        <p class="muted">{listError.value}</p>
        <button type="button" class="btn" onClick={() => void reload()}>
          Try again
        </button>
      </div>
    );

  const rows = [];
  const sel = selected.value;
  const base = r.name === 'inbox' ? r.base : '/inbox';
  const search = location$.value.search;
  for (let i = start; i < end; i++) {
    const item = list[i];
    const assignee = item.assigneeId ? (usersById.value.get(item.assigneeId) ?? null) : null;
    rows.push(
      <Row
        key={item.id}
        item={item}
        index={i}
        total={n}
        active={item.id === openId}
        isSelected={sel.has(item.id)}
        selecting={sel.size > 0}
        unread={item.unreadCount > 0}
        isCursor={cur === i}
        href={`${base}/conversations/${encodeURIComponent(item.id)}${search}`}
        assignee={assignee}
        assigneePresence={assignee ? presenceOf(assignee.id) : null}
      />,
    );
  }
  return (
    <div class="list-scroll" ref={scroller} onScroll={onScroll} data-testid="conversation-list">
      {listState.value === 'loading' && n === 0 ? (
        <div class="skeletons" aria-busy="true" aria-label="Loading conversations">
          {Array.from({ length: 8 }, (_, i) => (
            <div class="skeleton-row" key={i}>
              <span class="sk sk-avatar" />
              <span class="sk-lines">
                <span class="sk sk-line" />
                <span class="sk sk-line short" />
              </span>
            </div>
          ))}
        </div>
      ) : n === 0 ? (
        <div class="list-empty">
          <Icon name="checks" size={32} />
          <p>{filters.value.q ? 'No conversations match this search.' : 'Nothing here. Inbox zero!'}</p>
        </div>
      ) : (
        <div role="list" aria-label="Conversations" class="rows" style={{ height: `${n * ROW_HEIGHT}px` }} aria-busy={listState.value === 'loading'}>
          {rows}
        </div>
      )}
      {loadingMore.value ? <div class="list-more">Loading more…</div> : null}
    </div>
  );
}

interface RowProps {
  item: ListItem;
  index: number;
  total: number;
  active: boolean;
  isSelected: boolean;
  selecting: boolean;
  unread: boolean;
  isCursor: boolean;
  href: string;
  assignee: { id: string; name: string } | null;
  assigneePresence: Presence | null;
}

/** A row re-renders only when its own props change (rows read no signals themselves), so scrolling mounts new rows and leaves the others alone. */
class Row extends Component<RowProps> {
  shouldComponentUpdate(next: RowProps): boolean {
    const p = this.props as unknown as Record<string, unknown>;
    const n = next as unknown as Record<string, unknown>;
    for (const k in n) if (p[k] !== n[k]) return true;
    return false;
  }
  render() {
    return <RowView {...this.props} />;
  }
}

function RowView({ item, index, total, active, isSelected, selecting, unread, isCursor, href, assignee, assigneePresence }: RowProps) {
  const name = contactName(item.contact);
  const outbound = item.lastMessageDirection === 'outbound';
  return (
    <div
      role="listitem"
      aria-setsize={total}
      aria-posinset={index + 1}
      class={`row${active ? ' active' : ''}${isSelected ? ' selected' : ''}${unread ? ' unread' : ''}${isCursor ? ' cursor' : ''}${selecting ? ' selecting' : ''}`}
      style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}
      data-id={item.id}
    >
      <span class="row-pick">
        <Avatar name={name} seed={item.contactId} url={item.contact?.avatarUrl} size={36} />
        <span class="row-channel">
          <ChannelIcon channel={item.channel} size={16} />
        </span>
        <input
          type="checkbox"
          class="row-check"
          checked={isSelected}
          aria-label={`Select conversation with ${name}`}
          // No preventDefault: a prevented click puts the box back to its old state after our re-render
          // has ticked it, so selected rows showed empty boxes. The box toggles itself; we follow.
          onClick={(e) => toggleSelect(item.id, { range: e.shiftKey, index })}
        />
      </span>
      <a
        href={href}
        class="row-link"
        data-index={index}
        aria-current={active ? 'true' : undefined}
        onFocus={() => (cursor.value = index)}
        onClick={(e) => {
          if (e.shiftKey) {
            e.preventDefault();
            toggleSelect(item.id, { range: true, index });
          }
        }}
      >
        <span class="row-top">
          <span class="row-name">{name}</span>
          {unread ? <span class="sr-only">, unread</span> : null}
          {item.priority === 'urgent' || item.priority === 'high' ? (
            <span class={`prio prio-${item.priority}`} title={`${PRIORITY_LABEL[item.priority]} priority`}>
              <Icon name="flag" size={13} />
              <span class="sr-only">{PRIORITY_LABEL[item.priority]} priority</span>
            </span>
          ) : null}
          {item.flagged ? (
            <span class="row-flagged" title="Flagged">
              <Icon name="bell" size={13} />
              <span class="sr-only">, flagged</span>
            </span>
          ) : null}
          {item.escalationLevel != null || item.escalatedAt != null ? (
            <span class="row-escalated" title={`Escalated${item.escalationLevel ? ` (level ${item.escalationLevel})` : ''}`}>
              <Icon name="alert" size={12} />
              {item.escalationLevel ? <span aria-hidden="true">L{item.escalationLevel}</span> : null}
              <span class="sr-only">, escalated{item.escalationLevel ? ` to level ${item.escalationLevel}` : ''}</span>
            </span>
          ) : null}
          {item.followUpAt ? (
            <span class="row-followup" title={`Follow-up ${dueLabel(item.followUpAt)}`}>
              <Icon name="clock" size={12} />
              <span class="sr-only">, follow-up {dueLabel(item.followUpAt)}</span>
            </span>
          ) : null}
          <RowSlaTimer item={item} />
          <time class="row-time" dateTime={new Date(item.lastActivityAt).toISOString()}>
            {relativeTime(item.lastActivityAt)}
          </time>
        </span>
        <span class="row-preview">
          {outbound ? <Icon name="reply" size={13} class="row-replied" /> : null}
          <span class="row-text">{item.lastMessagePreview || (item.subject ?? 'No messages yet')}</span>
          {unread ? <span class="unread-badge">{item.unreadCount > 0 ? (item.unreadCount > 99 ? '99+' : item.unreadCount) : ''}</span> : null}
        </span>
        <span class="row-meta">
          {item.status !== 'open' ? <span class={`status status-${item.status}`}>{STATUS_LABEL[item.status]}</span> : null}
          {item.csatScore != null ? (
            <CsatBadge score={item.csatScore} scale={item.csatScale} raw={item.csatRaw} />
          ) : null}
          {item.tags.slice(0, 3).map((t) => (
            <span class="tag" key={t}>
              {t}
            </span>
          ))}
          {item.tags.length > 3 ? <span class="tag">+{item.tags.length - 3}</span> : null}
          <span class="spacer" />
          {assignee ? (
            <span class="row-assignee" title={`Assigned to ${assignee.name}`}>
              <Avatar name={assignee.name} seed={assignee.id} size={18} presence={assigneePresence} />
              <span class="sr-only">Assigned to {assignee.name}</span>
            </span>
          ) : (
            <span class="row-unassigned">Unassigned</span>
          )}
        </span>
      </a>
    </div>
  );
}
