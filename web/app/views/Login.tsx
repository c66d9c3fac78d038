// The sign-in screen.
import { useSignal } from '@preact/signals';
import { api, ApiError, errorText } from '../lib/api';
import { login } from '../state/session';
import { AuthCard } from '../ui/BrandMark';

export function Login() {
  const email = useSignal('');
  const password = useSignal('');
  const error = useSignal('');
  const busy = useSignal(false);
  /** Asking for a reset link instead of signing in; 'sent' once asked (the answer never says whether the address exists). */
  const forgot = useSignal<'no' | 'asking' | 'sent'>('no');

  async function askReset(e: Event) {
    e.preventDefault();
    error.value = '';
    busy.value = true;
    try {
      await api('/auth/password-reset', { json: { email: email.value.trim() } });
      forgot.value = 'sent';
    } catch (err) {
      error.value = errorText(err);
    } finally {
      busy.value = false;
    }
  }

  async function submit(e: Event) {
    e.preventDefault();
    error.value = '';
    busy.value = true;
    try {
      await login(email.value.trim(), password.value);
    } catch (err) {
      error.value = err instanceof ApiError && err.status === 401 ? 'Wrong e-mail or password.' : errorText(err);
    } finally {
      busy.value = false;
    }
  }

  return (
    <AuthCard title="Sign in to your inbox" lead="Every channel, one queue.">
      {forgot.value !== 'no' ? (
        <form onSubmit={askReset} class="form" noValidate>
          {forgot.value === 'sent' ? (
            <p role="status">If that address has an account, a link to choose a new password is on its way. It works once, for 30 minutes.</p>
          ) : (
            <label class="field">
              <span>E-mail</span>
              <input type="email" name="email" autocomplete="username" required value={email.value} onInput={(e) => (email.value = e.currentTarget.value)} autoFocus />
            </label>
          )}
          {error.value ? (
            <p class="form-error" role="alert">
              {error.value}
            </p>
          ) : null}
          {forgot.value === 'asking' ? (
            <button type="submit" class="btn btn-primary btn-block" disabled={busy.value || !email.value}>
              {busy.value ? 'Sending…' : 'E-mail me a link'}
            </button>
          ) : null}
          <button type="button" class="link" onClick={() => ((forgot.value = 'no'), (error.value = ''))}>
            Back to sign in
          </button>
        </form>
      ) : (
      <form onSubmit={submit} class="form" noValidate>
        <label class="field">
          <span>E-mail</span>
          <input type="email" name="email" autocomplete="username" required value={email.value} onInput={(e) => (email.value = e.currentTarget.value)} autoFocus />
        </label>
        <label class="field">
          <span>Password</span>
          <input type="password" name="password" autocomplete="current-password" required value={password.value} onInput={(e) => (password.value = e.currentTarget.value)} />
        </label>
        {error.value ? (
          <p class="form-error" role="alert">
            {error.value}
          </p>
        ) : null}
        <button type="submit" class="btn btn-primary btn-block" disabled={busy.value || !email.value || !password.value}>
          {busy.value ? 'Signing in…' : 'Sign in'}
        </button>
        <button type="button" class="link" onClick={() => ((forgot.value = 'asking'), (error.value = ''))}>
          Forgot your password?
        </button>
      </form>
      )}
      {/^(127\.0\.0\.1|localhost)$/.test(location.hostname) ? (
      <p class="login-hint muted">
        Demo: <code>manager@parley.test</code> / <code>parley-demo</code>
      </p>
      ) : null}
    </AuthCard>
  );
}
