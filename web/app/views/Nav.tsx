// The left rail: views with live counts (all, mine, unassigned, unread, each team, each channel),
// notifications, shortcuts, settings and the signed-in agent.
import type { ComponentChildren, ComponentType } from 'preact';
import { channelLabel } from '../lib/format';
import { location$, query } from '../lib/router';
import { navCounts } from '../state/inbox';
import { liveState, setMyPresence } from '../state/live';
import { CONTACTS_PATH, KB_PATH, route, type View } from '../state/route';
import { canEditKb, channels, isManager, logout, me, myId, presence, teams } from '../state/session';
import { Avatar } from '../ui/Avatar';
import { CHANNEL_FAMILIES, ChannelIcon, channelFamily } from '../ui/ChannelIcon';
import { signal, useSignal } from '@preact/signals';
import type { Counts } from '../lib/types';
import { Icon } from '../ui/Icon';
import { Dropdown, MenuItem } from '../ui/Popover';
import { NotificationBell } from './Notifications';
import { unreadMentions } from '../state/notify';
import { MOD, showShortcuts } from './Shortcuts';
import { BrandMark } from '../ui/BrandMark';
import { useEffect } from 'preact/hooks';
import { savedCounts, savedHref, savedViewDialog, savedViews } from '../state/saved-views';
import { viewTotal } from '../../../worker/views/model';

/** SLA views count what still needs work: open and pending (snoozed and resolved ones wait anyway). */
function slaCount(c: { open: number; pending: number } | undefined): number | undefined {
  return c ? c.open + c.pending : undefined;
}

export function Nav({ onNavigate }: { onNavigate?: () => void }) {
  const r = route.value;
  const view: View | null = r.name === 'inbox' ? r.view : null;
  const status = query.value.get('status') ?? 'open';
  const time = query.value.get('time') ?? '';
  const sla = query.value.get('sla') ?? '';
  const escalated = query.value.get('escalated') === 'true';
  const c = navCounts.value;
  const same = (v: View) => !!view && view.kind === v.kind && JSON.stringify(view) === JSON.stringify(v);

  const item = (href: string, label: string, icon: ComponentChildren, count: number | undefined, active: boolean, sub = false) => (
    <li>
      <a href={href} class={`nav-item${sub ? ' nav-sub' : ''}${active ? ' active' : ''}`} aria-current={active ? 'page' : undefined} onClick={onNavigate}>
        {icon}
        <span class="nav-label">{label}</span>
        {count ? <span class="nav-count">{count > 999 ? '999+' : count}</span> : null}
      </a>
    </li>
  );

  const savedId = query.value.get('view') ?? '';
  const assignee = query.value.get('assignee') ?? '';
  // A saved view or "assigned to others" opens at /inbox too: then "All" is not the current view.
  const isAll = same({ kind: 'all' }) && !savedId && !assignee;
  // Assigned to others = everything visible minus mine minus unassigned (disjoint), so it moves with the live frames.
  const others = c.all && c.mine && c.unassigned ? Math.max(0, c.all.open - c.mine.open - c.unassigned.open) : undefined;
  const isMine = same({ kind: 'mine' });
  // Supervisor pages scroll with the views: a fixed footer of them left the views one row at 900 px.
  const manageLinks = [
    canEditKb.value ? item(CONTACTS_PATH, 'Contacts', <Icon name="users" />, undefined, r.name === 'contacts') : null,
    canEditKb.value ? item(KB_PATH, 'Knowledge base', <Icon name="file" />, undefined, r.name === 'kb') : null,
    isManager.value ? item('/inbox/messaging/routing', 'Routing', <Icon name="users" />, undefined, r.name === 'messaging' && r.page === 'routing') : null,
    isManager.value ? item('/inbox/messaging/sla', 'SLA policies', <Icon name="clock" />, undefined, r.name === 'messaging' && r.page === 'sla') : null,
    canEditKb.value ? item('/inbox/messaging/escalations', 'Escalations', <Icon name="alert" />, undefined, r.name === 'messaging' && r.page === 'escalations') : null,
    isManager.value ? item('/inbox/messaging/ai-alerts', 'AI alerts', <Icon name="sparkle" />, undefined, r.name === 'messaging' && r.page === 'ai-alerts') : null,
    isManager.value ? item('/inbox/messaging/workflows', 'Workflows', <Icon name="bot" />, undefined, r.name === 'messaging' && r.page === 'workflows') : null,
    canEditKb.value ? item('/inbox/messaging/analytics', 'Analytics', <Icon name="chart" />, undefined, r.name === 'messaging' && r.page === 'analytics') : null,
    canEditKb.value ? item('/inbox/messaging/templates', 'Templates', <Icon name="mail" />, undefined, r.name === 'messaging' && r.page === 'templates') : null,
    isManager.value ? item('/inbox/messaging/broadcasts', 'Broadcasts', <Icon name="send" />, undefined, r.name === 'messaging' && (r.page === 'broadcasts' || r.page === 'audiences')) : null,
  ].filter(Boolean);
  return (
    <nav class="rail" aria-label="Inbox views">
      <div class="rail-head">
        <a href="/inbox" class="brand" onClick={onNavigate}>
          <BrandMark size={26} />
          <span class="brand-text">
            <span>Parley</span>
            <small>{me.value?.workspace?.name}</small>
          </span>
        </a>
        <NotificationBell />
      </div>
      <div class="rail-scroll">
        <ul class="nav-list">
          {item('/inbox', 'All', <Icon name="inbox" />, c.all?.open, isAll && status === 'open' && !time)}
          {item('/inbox?status=pending', 'Pending', <span class="nav-dot" />, c.all?.pending, isAll && status === 'pending', true)}
          {item('/inbox?status=closed&time=today', 'Resolved today', <span class="nav-dot" />, c.today?.closed, isAll && status === 'closed' && time === 'today', true)}
          {item('/inbox/mine', 'Mine', <Icon name="user" />, c.mine?.open, isMine && status === 'open')}
          {item('/inbox/mine?status=pending', 'Awaiting customer', <span class="nav-dot" />, c.mine?.pending, isMine && status === 'pending', true)}
          {item('/inbox/unassigned', 'Unassigned', <Icon name="userPlus" />, c.unassigned?.open, same({ kind: 'unassigned' }))}
          {item('/inbox/unread?status=all', 'Unread', <Icon name="eyeOff" />, c.unread ? c.unread.open + c.unread.pending : undefined, same({ kind: 'unread' }))}
          {item('/inbox/archived?status=all', 'Archived', <Icon name="file" />, undefined, same({ kind: 'archived' }))}
          {item('/inbox/messaging/mentions', 'Mentions', <Icon name="at" />, unreadMentions.value || undefined, r.name === 'messaging' && r.page === 'mentions')}
        </ul>
        <div class="nav-heading-row">
          <h2 class="nav-heading">Views</h2>
          {savedViews.value.length ? (
            <button type="button" class="nav-manage" onClick={() => (savedViewDialog.value = 'manage')}>
              Manage
            </button>
          ) : null}
        </div>
        <ul class="nav-list" aria-label="Views">
          {/* "Assigned to others" (the list's title); shorter here so the rail does not cut it. */}
          {item('/inbox?assignee=others', 'Taken by others', <Icon name="users" />, others, same({ kind: 'all' }) && assignee === 'others' && !savedId)}
          {savedViews.value.map((v) => {
            const counted = savedCounts.value[v.id];
            const n = counted ? viewTotal(v.filters, counted) : undefined;
            const active = savedId === v.id;
            return (
              <li key={v.id}>
                <a href={savedHref(v)} class={`nav-item${active ? ' active' : ''}`} aria-current={active ? 'page' : undefined} onClick={onNavigate} title={v.shared ? `${v.name} (shared by ${v.ownerName ?? 'a manager'})` : v.name}>
                  <Icon name={v.shared ? 'globe' : 'filter'} />
                  <span class="nav-label">
                    {v.name}
                    {v.shared ? <span class="sr-only"> (shared with the workspace)</span> : null}
                  </span>
                  {n ? <span class="nav-count">{n > 999 ? '999+' : n}</span> : null}
                </a>
              </li>
            );
          })}
        </ul>
        <h2 class="nav-heading">SLA</h2>
        <ul class="nav-list">
          {item('/inbox?status=all&sla=breaching_soon&sort=sla', 'Breaching soon', <span class="nav-dot sla-dot-warning" />, slaCount(c['sla:breaching_soon']), isAll && sla === 'breaching_soon')}
          {item('/inbox?status=all&sla=breached&sort=sla', 'Breached', <span class="nav-dot sla-dot-breached" />, slaCount(c['sla:breached']), isAll && sla === 'breached')}
          {item('/inbox?status=all&escalated=true', 'Escalated', <Icon name="alert" />, slaCount(c.escalated), isAll && escalated)}
        </ul>
        {teams.value.length ? (
          <>
            <h2 class="nav-heading">Teams</h2>
            <ul class="nav-list">
              {teams.value.map((t) => item(`/inbox/teams/${t.id}`, t.name, <Icon name="users" />, c[`team:${t.id}`]?.open, same({ kind: 'team', id: t.id })))}
            </ul>
          </>
        ) : null}
        {channels.value.length ? <ChannelGroups counts={c} view={view} item={item} /> : null}
        {manageLinks.length ? (
          <>
            <h2 class="nav-heading">Manage</h2>
            <ul class="nav-list">{manageLinks}</ul>
          </>
        ) : null}
      </div>
      <div class="rail-foot">
        <ul class="nav-list">
          <li>
            <button type="button" class="nav-item" onClick={() => (showShortcuts.value = true)}>
              <Icon name="keyboard" />
              <span class="nav-label">Shortcuts</span>
              <kbd class="nav-kbd">{MOD === '⌘' ? '⌘/' : 'Ctrl /'}</kbd>
            </button>
          </li>
          {item(isManager.value ? '/settings/inboxes' : '/settings/preferences', 'Settings', <Icon name="settings" />, undefined, location$.value.path.startsWith('/settings'))}
        </ul>
        <Dropdown
          id="me-menu"
          class="me-button"
          label={
            <>
              <Avatar name={me.value?.user.name} seed={myId.value} size={28} presence={liveState.value === 'live' ? (presence.value[myId.value] ?? 'online') : null} />
              <span class="me-name">
                <span>{me.value?.user.name}</span>
                <small>{me.value?.user.role}</small>
              </span>
            </>
          }
        >
          {(close) => (
            <div role="menu" aria-label="Account">
              <div class="menu-note">{me.value?.user.email}</div>
              {liveState.value === 'live' ? (
                <MenuItem
                  role="menuitemcheckbox"
                  checked={presence.value[myId.value] === 'away'}
                  onSelect={() => {
                    close();
                    void setMyPresence(presence.value[myId.value] === 'away' ? 'online' : 'away');
                  }}
                >
                  Away (no new conversations)
                </MenuItem>
              ) : null}
              <MenuItem
                onSelect={() => {
                  close();
                  void logout();
                }}
              >
                <Icon name="logout" /> Sign out
              </MenuItem>
            </div>
          )}
        </Dropdown>
      </div>
    </nav>
  );
}

type NavItem = (href: string, label: string, icon: ComponentChildren, count: number | undefined, active: boolean, sub?: boolean) => ComponentChildren;

/**
 * Channels by family (messaging, social, booking, delivery, voice, digital) under small headings; the
 * ones without any conversation wait folded under "More channels" (the open one always shows).
 */
function ChannelGroups({ counts, view, item }: { counts: Record<string, Counts>; view: View | null; item: NavItem }) {
  const open = useSignal(false);
  const known = Object.keys(counts).length > 0;
  const current = view?.kind === 'channel' ? view.key : null;
  const empty = (ch: string) => known && ch !== current && !counts[`channel:${ch}`]?.all;
  const link = (ch: string) => item(`/inbox/channels/${ch}`, channelLabel(ch), <ChannelIcon channel={ch} size={18} label={false} />, counts[`channel:${ch}`]?.open, current === ch);
  const families = [...CHANNEL_FAMILIES.map(([f]) => f)];
  const busy = families.map((f) => [f, channels.value.filter((ch) => channelFamily(ch) === f && !empty(ch))] as const).filter(([, list]) => list.length);
  const idle = channels.value.filter(empty);
  return (
    <div class="nav-channels">
      <h2 class="nav-heading">Channels</h2>
      {busy.map(([family, list]) => (
        <div key={family} class="nav-family-group">
          <h3 class="nav-family">{family}</h3>
          <ul class="nav-list nav-family-list">{list.map(link)}</ul>
        </div>
      ))}
      {idle.length ? (
        <>
          <button type="button" class="nav-item nav-more" aria-expanded={open.value} aria-controls="more-channels" onClick={() => (open.value = !open.value)}>
            <span class="nav-more-chevron" aria-hidden="true">
              {open.value ? '▾' : '▸'}
            </span>
            <span class="nav-label">More channels</span>
            <span class="nav-more-n">{idle.length}</span>
          </button>
          <ul id="more-channels" class="nav-list nav-more-list" hidden={!open.value}>
            {idle.map(link)}
          </ul>
        </>
      ) : null}
    </div>
  );
}

// The save and manage dialogs are a chunk of their own: loaded the first time one opens.
const dialogsModule = signal<ComponentType | null>(null);
export function SavedViewDialogs() {
  const open = savedViewDialog.value !== null;
  useEffect(() => {
    if (open && !dialogsModule.value) void import('./SavedViews').then((m) => (dialogsModule.value = m.SavedViewDialog));
  }, [open]);
  const D = dialogsModule.value;
  return open && D ? <D /> : null;
}
