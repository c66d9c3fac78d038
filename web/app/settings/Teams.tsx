// Teams: create, rename, choose members, delete.
import { useSignal } from '@preact/signals';
import { api, errorText } from '../lib/api';
import type { Team } from '../lib/types';
import { activeUsers, loadDirectory, teams } from '../state/session';
import { toast } from '../state/toast';
import { Icon } from '../ui/Icon';

async function run(fn: () => Promise<unknown>, label: string): Promise<boolean> {
  try {
    await fn();
    await loadDirectory();
    toast(label, 'success');
    return true;
  } catch (err) {
    toast(errorText(err), 'error');
    return false;
  }
}

export function Teams() {
  const name = useSignal('');
  return (
    <section class="settings-section">
      <header class="settings-head">
        <div>
          <h2>Teams</h2>
          <p class="muted">Teams group agents; conversations can be routed to a team, and staff see their teams’ conversations.</p>
        </div>
      </header>
      <form
        class="card form inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (await run(() => api('/teams', { json: { name: name.value.trim() } }), `Team “${name.value.trim()}” created`)) name.value = '';
        }}
      >
        <label class="field grow">
          <span>New team</span>
          <input value={name.value} onInput={(e) => (name.value = e.currentTarget.value)} placeholder="e.g. Billing" />
        </label>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={!name.value.trim()}>
            <Icon name="plus" size={16} /> Create team
          </button>
        </div>
      </form>
      <div class="cards">
        {teams.value.map((t) => (
          <TeamCard key={t.id} t={t} />
        ))}
        {teams.value.length === 0 ? <p class="muted">No teams yet.</p> : null}
      </div>
    </section>
  );
}

function TeamCard({ t }: { t: Team }) {
  const name = useSignal(t.name);
  return (
    <div class="card team-card">
      <form
        class="team-name"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.value.trim() && name.value.trim() !== t.name) void run(() => api(`/teams/${t.id}`, { method: 'PATCH', json: { name: name.value.trim() } }), 'Team renamed');
        }}
      >
        <label class="sr-only" for={`team-${t.id}`}>
          Team name
        </label>
        <input id={`team-${t.id}`} class="title-input" value={name.value} onInput={(e) => (name.value = e.currentTarget.value)} onBlur={(e) => (e.currentTarget.form as HTMLFormElement).requestSubmit()} />
        <button
          type="button"
          class="btn-icon"
          aria-label={`Delete team ${t.name}`}
          onClick={() => {
            if (confirm(`Delete the team “${t.name}”? Its conversations keep their assignees.`)) void run(() => api(`/teams/${t.id}`, { method: 'DELETE' }), 'Team deleted');
          }}
        >
          <Icon name="trash" size={16} />
        </button>
      </form>
      <fieldset class="fieldset">
        <legend>Members ({t.memberIds.length})</legend>
        <div class="team-checks">
          {activeUsers.value.map((u) => (
            <label key={u.id} class="check-pill">
              <input
                type="checkbox"
                checked={t.memberIds.includes(u.id)}
                onChange={(e) =>
                  void run(() => api(`/teams/${t.id}`, { method: 'PATCH', json: { memberIds: e.currentTarget.checked ? [...t.memberIds, u.id] : t.memberIds.filter((x) => x !== u.id) } }), 'Members updated')
                }
              />
              {u.name}
            </label>
          ))}
        </div>
      </fieldset>
    </div>
  );
}
