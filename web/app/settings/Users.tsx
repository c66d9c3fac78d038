// Users and roles: add people, change their role, teams and capacity, disable them.
import { useSignal } from '@preact/signals';
import { api, ApiError, errorText } from '../lib/api';
import type { Role, User } from '../lib/types';
import { loadDirectory, myId, presenceOf, teams, users } from '../state/session';
import { toast } from '../state/toast';
import { Avatar } from '../ui/Avatar';
import { Icon } from '../ui/Icon';

const ROLES: { key: Role; label: string; hint: string }[] = [
  { key: 'manager', label: 'Manager', hint: 'Everything, including settings' },
  { key: 'staff', label: 'Staff', hint: 'Unassigned, their own and their teams’ conversations' },
  { key: 'personal', label: 'Personal', hint: 'Only conversations assigned to them' },
];

export function Users() {
  const adding = useSignal(false);
  return (
    <section class="settings-section">
      <header class="settings-head">
        <div>
          <h2>Users &amp; roles</h2>
          <p class="muted">{ROLES.map((r) => `${r.label}: ${r.hint.toLowerCase()}.`).join(' ')}</p>
        </div>
        <button type="button" class="btn btn-primary" onClick={() => (adding.value = true)}>
          <Icon name="userPlus" size={16} /> Add user
        </button>
      </header>
      {adding.value ? <NewUser onDone={() => (adding.value = false)} /> : null}
      <div class="card">
        <table class="table">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Teams</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {users.value.map((u) => (
              <UserRow key={u.id} u={u} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

async function update(u: User, patch: Record<string, unknown>, label: string) {
  try {
    await api(`/users/${u.id}`, { method: 'PATCH', json: patch });
    await loadDirectory();
    toast(label, 'success');
  } catch (err) {
    toast(errorText(err), 'error');
  }
}

function UserRow({ u }: { u: User }) {
  const self = u.id === myId.value;
  return (
    <tr class={u.disabled ? 'disabled' : ''}>
      <td>
        <span class="user-cell">
          <Avatar name={u.name} seed={u.id} size={30} presence={presenceOf(u.id)} />
          <span>
            <strong>{u.name}</strong>
            {self ? <span class="pill">You</span> : null}
            <small class="muted">{u.email}</small>
          </span>
        </span>
      </td>
      <td>
        <label class="sr-only" for={`role-${u.id}`}>
          Role of {u.name}
        </label>
        <select id={`role-${u.id}`} value={u.role} disabled={self} onChange={(e) => void update(u, { role: e.currentTarget.value }, `${u.name} is now ${e.currentTarget.value}`)}>
          {ROLES.map((r) => (
            <option key={r.key} value={r.key}>
              {r.label}
            </option>
          ))}
        </select>
      </td>
      <td>
        <div class="team-checks" role="group" aria-label={`Teams of ${u.name}`}>
          {teams.value.map((t) => (
            <label key={t.id} class="check-pill">
              <input
                type="checkbox"
                checked={u.teamIds.includes(t.id)}
                onChange={(e) => void update(u, { teamIds: e.currentTarget.checked ? [...u.teamIds, t.id] : u.teamIds.filter((x) => x !== t.id) }, 'Teams updated')}
              />
              {t.name}
            </label>
          ))}
        </div>
      </td>
      <td>
        {self ? (
          <span class="muted">Active</span>
        ) : (
          <button type="button" class="btn btn-sm btn-ghost" onClick={() => void update(u, { disabled: !u.disabled }, u.disabled ? `${u.name} enabled` : `${u.name} disabled`)}>
            {u.disabled ? 'Enable' : 'Disable'}
          </button>
        )}
      </td>
    </tr>
  );
}

function NewUser({ onDone }: { onDone: () => void }) {
  const name = useSignal('');
  const email = useSignal('');
  const password = useSignal('');
  const role = useSignal<Role>('staff');
  const errors = useSignal<Record<string, string>>({});
  return (
    <form
      class="card form grid-form"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await api('/users', { json: { name: name.value.trim(), email: email.value.trim(), password: password.value, role: role.value } });
          await loadDirectory();
          toast(`${name.value} added`, 'success');
          onDone();
        } catch (err) {
          if (err instanceof ApiError && err.errors.length) errors.value = Object.fromEntries(err.errors.map((x) => [x.field, x.message]));
          else errors.value = { _: errorText(err) };
        }
      }}
    >
      <label class="field">
        <span>Name</span>
        <input value={name.value} onInput={(e) => (name.value = e.currentTarget.value)} required autoFocus aria-invalid={!!errors.value.name} />
        {errors.value.name ? <small class="form-error">{errors.value.name}</small> : null}
      </label>
      <label class="field">
        <span>E-mail</span>
        <input type="email" value={email.value} onInput={(e) => (email.value = e.currentTarget.value)} required aria-invalid={!!errors.value.email} />
        {errors.value.email ? <small class="form-error">{errors.value.email}</small> : null}
      </label>
      <label class="field">
        <span>Initial password</span>
        <input type="password" autocomplete="new-password" value={password.value} onInput={(e) => (password.value = e.currentTarget.value)} required minLength={8} aria-invalid={!!errors.value.password} />
        {errors.value.password ? <small class="form-error">{errors.value.password}</small> : null}
      </label>
      <label class="field">
        <span>Role</span>
        <select value={role.value} onChange={(e) => (role.value = e.currentTarget.value as Role)}>
          {ROLES.map((r) => (
            <option key={r.key} value={r.key}>
              {r.label}
            </option>
          ))}
        </select>
      </label>
      {errors.value._ ? <p class="form-error" role="alert">{errors.value._}</p> : null}
      <div class="form-actions">
        <button type="button" class="btn btn-ghost" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" class="btn btn-primary">
          Add user
        </button>
      </div>
    </form>
  );
}
