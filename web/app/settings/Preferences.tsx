// Notification preferences (kept in this browser).
import { useSignal } from '@preact/signals';
import { chime, enableBrowserNotifications, prefs, setPrefs } from '../state/notify';

export function Preferences() {
  const p = prefs.value;
  const denied = useSignal(typeof Notification !== 'undefined' && Notification.permission === 'denied');
  return (
    <section class="settings-section">
      <header class="settings-head">
        <div>
          <h2>Notifications</h2>
          <p class="muted">What Parley tells you about, in this browser.</p>
        </div>
      </header>
      <div class="card">
        <fieldset class="fieldset">
          <legend>Notify me about</legend>
          <label class="check-field">
            <input type="checkbox" checked={p.newConversation} onChange={(e) => setPrefs({ newConversation: e.currentTarget.checked })} /> New conversations
          </label>
          <label class="check-field">
            <input type="checkbox" checked={p.assigned} onChange={(e) => setPrefs({ assigned: e.currentTarget.checked })} /> Conversations assigned to me
          </label>
        </fieldset>
        <fieldset class="fieldset">
          <legend>How</legend>
          <label class="check-field">
            <input type="checkbox" checked={p.sound} onChange={(e) => setPrefs({ sound: e.currentTarget.checked })} /> Play a sound
          </label>
          <button type="button" class="link" onClick={chime}>
            Test sound
          </button>
          <label class="check-field">
            <input
              type="checkbox"
              checked={p.browser}
              onChange={async (e) => {
                const ok = await enableBrowserNotifications(e.currentTarget.checked);
                if (!ok) denied.value = true;
              }}
            />{' '}
            Browser notifications when Parley is in the background
          </label>
          {denied.value ? <p class="form-error">The browser blocks notifications for this site; allow them in the site settings.</p> : null}
        </fieldset>
        <p class="muted small">The in-app notification centre (the bell) always keeps the latest 50.</p>
      </div>
    </section>
  );
}
