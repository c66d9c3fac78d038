// The notification centre: a bell with the unseen count and the latest notifications.
import { relativeTime } from '../lib/format';
import { navigate } from '../lib/router';
import { clearNotifications, markAllSeen, notifications, unseen } from '../state/notify';
import { Icon } from '../ui/Icon';
import { Dropdown } from '../ui/Popover';

export function NotificationBell() {
  const n = unseen.value;
  return (
    <Dropdown
      id="notifications"
      class="btn-icon bell"
      title={n ? `Notifications, ${n} new` : 'Notifications'}
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
          <div class="notif-head">
            <strong>Notifications</strong>
            <span>
              <button type="button" class="link" onClick={markAllSeen} disabled={!n}>
                Mark all read
              </button>
              <button type="button" class="link" onClick={clearNotifications} disabled={!notifications.value.length}>
                Clear
              </button>
            </span>
          </div>
          {notifications.value.length === 0 ? (
            <p class="empty-small">You are all caught up. New conversations and assignments show up here.</p>
          ) : (
            <ul class="notif-list">
              {notifications.value.map((x) => (
                <li key={x.id}>
                  <button
                    type="button"
                    role="menuitem"
                    class={`notif${x.read ? '' : ' unread'}`}
                    onClick={() => {
                      close();
                      markAllSeen();
                      navigate(`/inbox/conversations/${x.conversationId}`);
                    }}
                  >
                    <Icon name={x.kind === 'assigned' ? 'user' : 'chat'} />
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
