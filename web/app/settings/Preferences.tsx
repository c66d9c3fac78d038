// Notification preferences: for each kind of news, the channels that carry it (kept on the server per
// agent, GET/PUT /api/me/notification-preferences, and honoured by the sender), plus this browser's
// permission for pop-ups and a sound test.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { errorText } from '../lib/api';
import { browserAllowed, chime, enableBrowserNotifications, loadServerPrefs, saveServerPrefs, serverPrefs } from '../state/notify';
import { toast } from '../state/toast';
import { Loading } from '../ui/form';

const KINDS: [string, string][] = [
  ['new_conversation', 'New conversation'],
  ['assigned', 'Assigned to me'],
  ['customer_replied', 'Customer replied'],
  ['mention', 'Mentioned in a note'],
  ['sla_warning', 'SLA deadline close'],
  ['escalation', 'Escalation'],
];
const CHANNELS: [string, string][] = [
  ['in_app', 'In the app'],
  ['sound', 'Sound'],
  ['browser', 'Browser pop-up'],
  ['push', 'Mobile push'],
  ['email', 'E-mail'],
];

export function Preferences() {
  const denied = useSignal(typeof Notification !== 'undefined' && Notification.permission === 'denied');
  const busy = useSignal('');
  useEffect(() => {
    void loadServerPrefs();
  }, []);
  const table = serverPrefs.value;

  async function toggle(kind: string, channel: string, on: boolean) {
    if (channel === 'browser' && on && !browserAllowed.value) {
      const ok = await enableBrowserNotifications(true);
      if (!ok) denied.value = true;
    }
    busy.value = `${kind}.${channel}`;
    try {
      await saveServerPrefs({ [kind]: { [channel]: on } });
    } catch (err) {
      toast(`Could not save: ${errorText(err)}`, 'error');
    } finally {
      busy.value = '';
    }
  }

  return (
    <section class="settings-section">
      <header class="settings-head">
        <div>
          <h2>Notifications</h2>
          <p class="muted">What Parley tells you about, and how. Saved to your account, so every device follows it. You are never notified about your own actions.</p>
        </div>
      </header>
      <div class="card">
        {!table ? (
          <Loading />
        ) : (
          <div class="prefs-table-wrap">
            <table class="prefs-table">
              <caption class="sr-only">Notification preferences: one row per kind of news, one column per way of telling you</caption>
              <thead>
                <tr>
                  <th scope="col">Tell me about</th>
                  {CHANNELS.map(([, label]) => (
                    <th scope="col" key={label}>
                      {label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {KINDS.map(([kind, label]) => (
                  <tr key={kind}>
                    <th scope="row">{label}</th>
                    {CHANNELS.map(([channel, chLabel]) => (
                      <td key={channel} data-label={chLabel}>
                        <input
                          type="checkbox"
                          aria-label={`${label}: ${chLabel}`}
                          checked={table[kind]?.[channel as 'in_app'] ?? false}
                          disabled={busy.value === `${kind}.${channel}`}
                          onChange={(e) => void toggle(kind, channel, e.currentTarget.checked)}
                        />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p class="prefs-foot">
          <button type="button" class="link" onClick={chime}>
            Test sound
          </button>
          <span class="muted small">Browser pop-ups show while Parley is in the background{browserAllowed.value ? '.' : ', once you allow them (turning one on asks).'}</span>
        </p>
        {denied.value ? <p class="form-error">The browser blocks notifications for this site; allow them in the site settings.</p> : null}
        <p class="muted small">Mobile push is kept for the mobile app; this server does not send push messages yet. The notification centre (the bell) keeps the latest 50.</p>
      </div>
    </section>
  );
}
