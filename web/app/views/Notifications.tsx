// The notification centre: a bell with the unseen count and the latest notifications.
import { relativeTime } from '../lib/format';
import { navigate } from '../lib/router';
import { useEffect } from 'preact/hooks';
import { clearNotifications, markAllSeen, notifications, syncServerNotifications, unseen } from '../state/notify';
import { Icon } from '../ui/Icon';
import { Dropdown, openMenu } from '../ui/Popover';

export function NotificationBell() {
  const n = unseen.value;
  // Opening the centre brings in the server's feed (assignments and transfers made while this tab slept).
  const open = openMenu.value === 'notifications';
  useEffect(() => {
    if (open) void syncServerNotifications();
  }, [open]);
  return (
    <Dropdown
      id="notifications"
      class="btn-icon bell"
      title={n ? `Notifications, ${n > 9 ? '9+' : n} new` : 'Notifications'}
      align="left"
      wide
      label={
        <>
          <Icon name="bell" />
          {n ? <span class="bell-count" aria-hidden="true">{n > 9 ? '9+' : n}</span> : null}
        </>
      }
    >
      {(close) => (
        <div class="notif-panel" role="menu" aria-label="Notifications">
          <div class="notif-head" role="none">
            <strong>Notifications</strong>
            <span role="none">
              <button type="button" role="menuitem" class="link" onClick={markAllSeen} disabled={!n}>
                Mark all read
              </button>
              <button type="button" role="menuitem" class="link" onClick={clearNotifications} disabled={!notifications.value.length}>
                Clear
              </button>
            </span>
          </div>
          {notifications.value.length === 0 ? (
            <p class="empty-small">You are all caught up. New conversations, assignments and mentions show up here.</p>
          ) : (
            <ul class="notif-list" role="group" aria-label="Latest">
              {notifications.value.map((x) => (
                <li key={x.id} role="none">
                  <button
                    type="button"
                    role="menuitem"
                    class={`notif${x.read ? '' : ' unread'}`}
                    onClick={() => {
                      close();
                      markAllSeen();
                      if (x.conversationId) navigate(`/inbox/conversations/${x.conversationId}`);
                    }}
                  >
                    <Icon name={x.kind === 'assigned' ? (/transferred/.test(x.title) ? 'users' : 'user') : x.kind === 'new_conversation' || x.kind === 'customer_replied' ? 'chat' : x.kind === 'mention' ? 'at' : x.kind === 'sla_warning' ? 'clock' : 'bell'} />
                    <span class="notif-text">
                      <strong>{x.title}</strong>
                      {x.body ? <span>{x.body}</span> : null}
                    </span>
                    <time dateTime={new Date(x.at).toISOString()}>{relativeTime(x.at)}</time>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Dropdown>
  );
}
