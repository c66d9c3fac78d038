// Notification preferences: for each kind of news, the channels that carry it (kept on the server per
// agent, GET/PUT /api/me/notification-preferences, and honoured by the sender), plus this browser's
// permission for pop-ups, push to this device (Web Push, lib/webpush.ts) and a sound test.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { errorText } from '../lib/api';
import { disablePush, enablePush, pushState, type PushState } from '../lib/webpush';
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
  ['push', 'Push'],
  ['email', 'E-mail'],
];

export function Preferences() {
  const denied = useSignal(typeof Notification !== 'undefined' && Notification.permission === 'denied');
  const busy = useSignal('');
  const push = useSignal<PushState | null>(null);
  const pushBusy = useSignal(false);
  useEffect(() => {
    void loadServerPrefs();
    void pushState().then((s) => (push.value = s)).catch(() => (push.value = 'unsupported'));
  }, []);

  async function togglePush() {
    pushBusy.value = true;
    try {
      push.value = push.value === 'on' ? await disablePush() : await enablePush();
      if (push.value === 'on') toast('Push is on for this device. Tick “Push” for the news you want pushed.', 'success');
    } catch (err) {
      toast(`Could not change push on this device: ${errorText(err)}`, 'error');
    } finally {
      pushBusy.value = false;
    }
  }
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
        <div class="prefs-push">
          {push.value === 'unsupported' ? (
            <p class="muted small">This browser cannot receive push notifications.</p>
          ) : push.value === 'unconfigured' ? (
            <p class="muted small">This server has no push keys configured, so it cannot send push notifications.</p>
          ) : push.value === null ? null : (
            <>
              <button type="button" class="btn" disabled={pushBusy.value || push.value === 'denied'} onClick={() => void togglePush()}>
                {push.value === 'on' ? 'Turn off browser push on this device' : 'Enable browser push on this device'}
              </button>
              <span class="muted small">
                {push.value === 'on'
                  ? 'This device gets “Push” news even when Parley is closed.'
                  : push.value === 'denied'
                    ? 'The browser blocks notifications for this site; allow them in the site settings.'
                    : 'Push reaches this device even when Parley is closed.'}
              </span>
            </>
          )}
        </div>
        <p class="muted small">The notification centre (the bell) keeps the latest 50.</p>
      </div>
    </section>
  );
}
