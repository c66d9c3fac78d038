// /inbox/contacts — the contact directory: search and filters (tag, channel, subscription, last activity)
// kept in the URL, keyset pages ("Show more"), CSV export of the current filters and CSV import (managers);
// /inbox/contacts/:id — one contact's profile (Profile.tsx). This file is the chunk's entry point.
import { signal, useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { channelLabel, contactName } from '../lib/format';
import { navigate, query, withParams } from '../lib/router';
import { CONTACTS_PATH } from '../state/route';
import { canEditKb, channels, isManager, tags } from '../state/session';
import { Avatar } from '../ui/Avatar';
import { ChannelIcon } from '../ui/ChannelIcon';
import { Icon } from '../ui/Icon';
import { Loading } from '../ui/form';
import { ImportDialog } from './Import';
import { ACTIVITY_OPTIONS, audienceFilter, exportHref, localeDate, readFilters, SUB_CHANNELS, SUB_LABEL, type ContactRow, type ListFilters } from './model';
import { ContactProfilePage } from './Profile';

export function Contacts({ id }: { id: string | null }) {
  useEffect(() => {
    document.title = 'Contacts · Parley';
    return () => (document.title = 'Parley');
  }, []);
  if (!canEditKb.value) {
    return (
      <section class="mx-page" aria-labelledby="contacts-title">
        <h1 id="contacts-title">Contacts</h1>
        <div class="card mx-empty">
          <Icon name="lock" size={24} />
          <p>The contact directory is for managers and staff. You see your customers in their conversations.</p>
        </div>
      </section>
    );
  }
  return id ? <ContactProfilePage key={id} id={id} /> : <ContactList />;
}

interface Page {
  items: ContactRow[];
  nextCursor: string | null;
}

const rows = signal<ContactRow[] | null>(null);
const next = signal<string | null>(null);
const listError = signal('');
let loadSeq = 0;

async function loadPage(f: ListFilters, cursor: string | null): Promise<void> {
  const seq = ++loadSeq;
  const filter = audienceFilter(f);
  try {
    const page = await api<Page>('/contacts', { query: { q: f.q.trim() || undefined, filter: filter ? JSON.stringify(filter) : undefined, cursor: cursor ?? undefined, limit: 50 } });
    if (seq !== loadSeq) return;
    rows.value = cursor ? [...(rows.value ?? []), ...page.items] : page.items;
    next.value = page.nextCursor;
    listError.value = '';
  } catch (err) {
    if (seq === loadSeq) listError.value = errorText(err);
  }
}

export function reloadContacts(): void {
  void loadPage(readFilters(query.value), null);
}

const SUB_OPTIONS = [
  { key: '', label: 'Any subscription' },
  ...SUB_CHANNELS.flatMap((ch) => (['subscribed', 'unsubscribed', 'unknown'] as const).map((s) => ({ key: `${ch}:${s}`, label: `${channelLabel(ch)}: ${SUB_LABEL[s].toLowerCase()}` }))),
];

function ContactList() {
  const f = readFilters(query.value);
  const key = JSON.stringify(f);
  const search = useSignal(f.q);
  const importing = useSignal(false);
  const loadingMore = useSignal(false);
  const searchTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    rows.value = null;
    next.value = null;
    void loadPage(f, null);
  }, [key]);
  useEffect(() => () => clearTimeout(searchTimer.current), []);

  const set = (changes: Partial<Record<keyof ListFilters, string>>) => navigate(withParams(changes as Record<string, string>), { replace: true });
  const onSearch = (v: string) => {
    search.value = v;
    clearTimeout(searchTimer.current);
    searchTimer.current = setTimeout(() => set({ q: v.trim() }), 250);
  };
  const filtered = !!(f.tag || f.channel || f.sub || f.active);
  const channelChoices = [...new Set([...channels.value, 'sms', 'whatsapp', 'email', 'webchat'])];
  const list = rows.value;

  return (
    <section class="mx-page ct-page" aria-labelledby="contacts-title">
      <header class="mx-head">
        <div>
          <h1 id="contacts-title">Contacts</h1>
          <p class="muted">Everyone who has written in or was imported: their channels, tags and whether they agreed to hear from you.</p>
        </div>
        {isManager.value ? (
          <div class="mx-head-actions ct-actions">
            <button type="button" class="btn" onClick={() => (importing.value = true)}>
              <Icon name="plus" size={16} /> Import CSV
            </button>
            <a class="btn" href={exportHref(f)} download="contacts.csv">
              <Icon name="download" size={16} /> Export CSV
            </a>
          </div>
        ) : null}
      </header>

      <form class="ct-filters" role="search" aria-label="Find contacts" onSubmit={(e) => e.preventDefault()}>
        <label class="field ct-search">
          <span>Search</span>
          <input type="search" aria-label="Search" value={search.value} placeholder="Name, e-mail or phone" onInput={(e) => onSearch(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Tag</span>
          <select aria-label="Tag" value={f.tag} onChange={(e) => set({ tag: e.currentTarget.value })}>
            <option value="">Any tag</option>
            {tags.value.map((t) => (
              <option key={t.id} value={t.name}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>Channel</span>
          <select aria-label="Channel" value={f.channel} onChange={(e) => set({ channel: e.currentTarget.value })}>
            <option value="">Any channel</option>
            {channelChoices.map((ch) => (
              <option key={ch} value={ch}>
                {channelLabel(ch)}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>Subscription</span>
          <select aria-label="Subscription" value={f.sub} onChange={(e) => set({ sub: e.currentTarget.value })}>
            {SUB_OPTIONS.map((o) => (
              <option key={o.key} value={o.key}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>Last activity</span>
          <select aria-label="Last activity" value={f.active} onChange={(e) => set({ active: e.currentTarget.value })}>
            {ACTIVITY_OPTIONS.map((o) => (
              <option key={o.key} value={o.key}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        {filtered || f.q ? (
          <button
            type="button"
            class="btn btn-sm ct-clear"
            onClick={() => {
              search.value = '';
              set({ q: '', tag: '', channel: '', sub: '', active: '' });
            }}
          >
            Clear filters
          </button>
        ) : null}
      </form>
      {isManager.value && f.q ? <p class="muted ct-note">Export includes every contact matching the filters; the search text is not applied to it.</p> : null}

      {listError.value ? (
        <p class="form-error" role="alert">
          Could not load contacts: {listError.value}{' '}
          <button type="button" class="link" onClick={reloadContacts}>
            Try again
          </button>
        </p>
      ) : list === null ? (
        <Loading />
      ) : list.length === 0 ? (
        <div class="card mx-empty">
          <Icon name="users" size={28} />
          <h2>{filtered || f.q ? 'No contacts match' : 'No contacts yet'}</h2>
          <p>{filtered || f.q ? 'Try fewer filters or another search.' : 'Contacts appear when customers write in, or import a CSV file.'}</p>
        </div>
      ) : (
        <>
          <div class="ct-table-wrap" role="region" aria-label="Contacts table" tabIndex={0}>
            <table class="ct-table">
              <caption class="sr-only">Contacts{filtered || f.q ? ' matching the filters' : ''}</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Channels</th>
                  <th scope="col">Tags</th>
                  <th scope="col">Subscriptions</th>
                  <th scope="col">Last activity</th>
                </tr>
              </thead>
              <tbody>
                {list.map((c) => (
                  <ContactTableRow key={c.id} c={c} />
                ))}
              </tbody>
            </table>
          </div>
          {next.value ? (
            <p class="ct-more">
              <button
                type="button"
                class="btn"
                disabled={loadingMore.value}
                onClick={async () => {
                  loadingMore.value = true;
                  await loadPage(f, next.value);
                  loadingMore.value = false;
                }}
              >
                {loadingMore.value ? 'Loading…' : 'Show more'}
              </button>
            </p>
          ) : null}
        </>
      )}
      {importing.value ? <ImportDialog onClose={() => (importing.value = false)} onDone={reloadContacts} /> : null}
    </section>
  );
}

function ContactTableRow({ c }: { c: ContactRow }) {
  const name = contactName(c);
  const sub = c.name ? (c.email ?? c.phone) : null;
  return (
    <tr>
      <th scope="row">
        <a class="ct-name" href={`${CONTACTS_PATH}/${encodeURIComponent(c.id)}`}>
          <Avatar name={name} seed={c.id} url={c.avatarUrl} size={28} />
          <span>
            <span class="ct-name-text">{name}</span>
            {sub ? <span class="ct-name-sub muted">{sub}</span> : null}
          </span>
        </a>
      </th>
      <td data-label="Channels">
        {c.channels.length ? (
          <span class="ct-channels">
            {c.channels.map((ch) => (
              <ChannelIcon key={ch} channel={ch} size={20} />
            ))}
          </span>
        ) : (
          <span class="muted">None</span>
        )}
      </td>
      <td data-label="Tags">
        {c.tags.length ? (
          <span class="ct-tags">
            {c.tags.map((t) => (
              <span key={t} class="ct-tag">
                {t}
              </span>
            ))}
          </span>
        ) : (
          <span class="muted">None</span>
        )}
      </td>
      <td data-label="Subscriptions">
        <ul class="ct-subs" aria-label={`Subscriptions of ${name}`}>
          {SUB_CHANNELS.map((ch) => {
            const s = c.subscriptions[ch]?.status ?? 'unknown';
            return (
              <li key={ch} class={`ct-sub ct-sub-${s}`}>
                {channelLabel(ch)}: {SUB_LABEL[s].toLowerCase()}
              </li>
            );
          })}
        </ul>
      </td>
      <td data-label="Last activity">{c.lastActivityAt ? <time dateTime={new Date(c.lastActivityAt).toISOString()}>{localeDate(c.lastActivityAt)}</time> : <span class="muted">Never</span>}</td>
    </tr>
  );
}
