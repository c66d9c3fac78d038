// The page a password reset e-mail links to (/reset-password#token=…): choose a new password. The
// token rides in the fragment, which never reaches a server log or a Referer. Every session of the
// account ends; sign in again with the new password.
import { useSignal } from '@preact/signals';
import { api } from '../lib/api';
import { navigate } from '../lib/router';
import { ErrorLine, runBusyText } from '../ui/form';
import { AuthCard } from '../ui/BrandMark';

export function ResetPassword() {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  const password = useSignal('');
  const again = useSignal('');
  const busy = useSignal(false);
  const error = useSignal('');
  const done = useSignal(false);
  const mismatch = again.value !== '' && again.value !== password.value;

  async function submit(e: Event) {
    e.preventDefault();
    await runBusyText(busy, error, async () => {
      await api('/auth/password-reset/confirm', { json: { token, password: password.value } });
      done.value = true;
      history.replaceState(null, '', '/reset-password');
    });
  }

  return (
    <AuthCard title="Choose a new password" lead="Every session of your account will be signed out.">
      {done.value ? (
        <>
          <p role="status">Your password is set, and every session of your account is signed out.</p>
          <button type="button" class="btn btn-primary btn-block" onClick={() => navigate('/', { replace: true })}>
            Sign in
          </button>
        </>
      ) : !token ? (
        <p class="form-error" role="alert">
          This link is incomplete. Ask for a new one from the sign-in screen.
        </p>
      ) : (
        <form onSubmit={submit} class="form" noValidate>
          <label class="field">
            <span>New password (8 characters or more)</span>
            <input type="password" autocomplete="new-password" required value={password.value} onInput={(e) => (password.value = e.currentTarget.value)} autoFocus />
          </label>
          <label class="field">
            <span>New password again</span>
            <input type="password" autocomplete="new-password" required value={again.value} onInput={(e) => (again.value = e.currentTarget.value)} aria-invalid={mismatch} />
          </label>
          {mismatch ? <ErrorLine text="The two passwords differ." /> : null}
          <ErrorLine text={error.value} />
          <button type="submit" class="btn btn-primary btn-block" disabled={busy.value || password.value.length < 8 || password.value !== again.value}>
            {busy.value ? 'Saving…' : 'Set password'}
          </button>
        </form>
      )}
    </AuthCard>
  );
}
