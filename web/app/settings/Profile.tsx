// Your profile: name, picture (uploaded through the files API) or initials colour, time zone, language,
// theme, and a signature per inbox that the composer adds to your replies from that inbox.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { channelLabel, hue as hueOf } from '../lib/format';
import { loadProfile, profile, saveProfile, type Theme } from '../state/profile';
import { inboxes, loadDirectory } from '../state/session';
import { toast } from '../state/toast';
import { Avatar } from '../ui/Avatar';
import { ErrorLine, Loading } from '../ui/form';

const LANGUAGES: [string, string][] = [
  ['en-GB', 'English (UK)'],
  ['en-US', 'English (US)'],
  ['es', 'Español'],
  ['fr', 'Français'],
  ['de', 'Deutsch'],
  ['it', 'Italiano'],
  ['pt-BR', 'Português (Brasil)'],
  ['nl', 'Nederlands'],
];
const THEMES: [Theme, string][] = [
  ['system', 'Same as the system'],
  ['light', 'Light'],
  ['dark', 'Dark'],
];

function timeZones(): string[] {
  const list = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return list.length ? list : ['UTC'];
}

export function Profile() {
  useEffect(() => {
    if (!profile.value) void loadProfile();
  }, []);
  const p = profile.value;
  if (!p) return <Loading />;
  return (
    <section class="settings-section">
      <header class="settings-head">
        <div>
          <h2>Profile</h2>
          <p class="muted">How you appear to your team and customers, and how Parley looks for you.</p>
        </div>
      </header>
      <Identity />
      <Appearance />
      <Signatures />
      <p class="muted small">
        Your password is changed under <a href="/settings/password">Password</a>.
      </p>
    </section>
  );
}

function Identity() {
  const p = profile.value!;
  const name = useSignal(p.name);
  const timezone = useSignal(p.timezone ?? '');
  const language = useSignal(p.language ?? '');
  const busy = useSignal(false);
  const error = useSignal('');
  const zones = timeZones();

  async function save(e: Event) {
    e.preventDefault();
    busy.value = true;
    error.value = '';
    try {
      await saveProfile({ name: name.value, timezone: timezone.value || null, language: language.value || null });
      await loadDirectory();
      toast('Profile saved', 'success');
    } catch (err) {
      error.value = errorText(err);
    } finally {
      busy.value = false;
    }
  }

  async function upload(file: File) {
    try {
      const up = await api<{ key: string }>('/files', { query: { name: file.name }, body: file, headers: { 'content-type': file.type || 'application/octet-stream' } });
      await saveProfile({ avatarKey: up.key });
      await loadDirectory();
      toast('Picture updated', 'success');
    } catch (err) {
      toast(errorText(err), 'error');
    }
  }

  const hue = p.avatarHue ?? hueOf(p.name);
  return (
    <form class="card form profile-card" onSubmit={save} noValidate>
      <h3>About you</h3>
      <div class="profile-avatar">
        <Avatar name={p.name} url={p.avatarUrl} size={64} hue={hue} />
        <div class="profile-avatar-controls">
          <label class="btn btn-sm file-btn">
            Upload a picture
            <input
              type="file"
              accept="image/png,image/jpeg,image/gif,image/webp"
              class="sr-only"
              onChange={(e) => {
                const f = e.currentTarget.files?.[0];
                if (f) void upload(f);
                e.currentTarget.value = '';
              }}
            />
          </label>
          {p.avatarUrl ? (
            <button type="button" class="btn btn-sm" onClick={() => void saveProfile({ avatarKey: null }).then(loadDirectory)}>
              Use initials instead
            </button>
          ) : (
            <label class="field profile-hue">
              <span>Initials colour</span>
              <input type="range" min={0} max={359} value={hue} onChange={(e) => void saveProfile({ avatarHue: Number(e.currentTarget.value) })} />
            </label>
          )}
        </div>
      </div>
      <label class="field">
        <span>Name</span>
        <input required maxLength={200} autocomplete="name" value={name.value} onInput={(e) => (name.value = e.currentTarget.value)} />
      </label>
      <div class="form-row">
        <label class="field grow">
          <span>Time zone</span>
          <select value={timezone.value} onChange={(e) => (timezone.value = e.currentTarget.value)}>
            <option value="">The workspace’s</option>
            {zones.map((z) => (
              <option key={z} value={z}>
                {z.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        <label class="field grow">
          <span>Language for dates</span>
          <select value={language.value} onChange={(e) => (language.value = e.currentTarget.value)}>
            <option value="">The browser’s</option>
            {LANGUAGES.map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p class="muted small">The app’s words are in English. Times show in this device’s time zone; yours is kept with your profile.</p>
      <ErrorLine text={error.value} />
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy.value || !name.value.trim()}>
          {busy.value ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}

function Appearance() {
  const p = profile.value!;
  return (
    <div class="card form">
      <fieldset class="fieldset theme-choice">
        <legend>Theme</legend>
        {THEMES.map(([value, label]) => (
          <label key={value} class="check-field">
            <input
              type="radio"
              name="theme"
              value={value}
              checked={p.theme === value}
              onChange={async () => {
                try {
                  await saveProfile({ theme: value });
                } catch (err) {
                  toast(errorText(err), 'error');
                }
              }}
            />{' '}
            {label}
          </label>
        ))}
      </fieldset>
      <p class="muted small">Kept with your account: every browser you sign in on opens in it.</p>
    </div>
  );
}

function Signatures() {
  const p = profile.value!;
  const drafts = useSignal<Record<string, string>>({ ...p.signatures });
  const busy = useSignal(false);
  const error = useSignal('');
  const list = inboxes.value.filter((i) => i.enabled);

  async function save(e: Event) {
    e.preventDefault();
    busy.value = true;
    error.value = '';
    try {
      await saveProfile({ signatures: Object.fromEntries(Object.entries(drafts.value).map(([k, v]) => [k, v.trim()])) });
      toast('Signatures saved', 'success');
    } catch (err) {
      error.value = errorText(err);
    } finally {
      busy.value = false;
    }
  }

  return (
    <form class="card form" onSubmit={save} noValidate>
      <h3>Signatures</h3>
      <p class="muted small">Added after a blank line to the replies you send from an inbox (not to internal notes). The composer shows it before you send.</p>
      {list.length === 0 ? <p class="muted">No inboxes yet.</p> : null}
      {list.map((i) => (
        <label key={i.id} class="field">
          <span>
            {i.name} <span class="muted">· {channelLabel(i.channel)}</span>
          </span>
          <textarea rows={2} maxLength={1000} value={drafts.value[i.id] ?? ''} onInput={(e) => (drafts.value = { ...drafts.value, [i.id]: e.currentTarget.value })} placeholder="— Your name, Team" />
        </label>
      ))}
      <ErrorLine text={error.value} />
      {list.length ? (
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy.value}>
            {busy.value ? 'Saving…' : 'Save signatures'}
          </button>
        </div>
      ) : null}
    </form>
  );
}
