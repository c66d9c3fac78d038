// Change your own password. The server ends your other sessions (their tabs are signed out); this one stays.
import { useSignal } from '@preact/signals';
import { api } from '../lib/api';
import { ErrorLine, runBusyText } from '../ui/form';

export function Password() {
  const current = useSignal('');
  const next = useSignal('');
  const again = useSignal('');
  const busy = useSignal(false);
  const error = useSignal('');
  const done = useSignal(false);
  const mismatch = again.value !== '' && again.value !== next.value;

  async function submit(e: Event) {
    e.preventDefault();
    done.value = false;
    await runBusyText(busy, error, async () => {
      await api('/auth/password', { json: { currentPassword: current.value, newPassword: next.value } });
      current.value = next.value = again.value = '';
      done.value = true;
    });
  }

  return (
    <section class="settings-section">
      <header class="settings-head">
        <div>
          <h2>Password</h2>
          <p class="muted">Changing it signs you out everywhere else.</p>
        </div>
      </header>
      <form class="card form" onSubmit={submit} noValidate>
        <label class="field">
          <span>Current password</span>
          <input type="password" autocomplete="current-password" required value={current.value} onInput={(e) => (current.value = e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>New password (8 characters or more)</span>
          <input type="password" autocomplete="new-password" minLength={8} required value={next.value} onInput={(e) => (next.value = e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>New password again</span>
          <input type="password" autocomplete="new-password" required value={again.value} onInput={(e) => (again.value = e.currentTarget.value)} aria-invalid={mismatch} />
        </label>
        {mismatch ? <ErrorLine text="The two new passwords differ." /> : null}
        {error.value ? <ErrorLine text={error.value} /> : null}
        {done.value ? (
          <p class="muted" role="status">
            Password changed. Your other sessions are signed out.
          </p>
        ) : null}
        <button type="submit" class="btn btn-primary" disabled={busy.value || !current.value || next.value.length < 8 || next.value !== again.value}>
          {busy.value ? 'Changing…' : 'Change password'}
        </button>
      </form>
    </section>
  );
}
