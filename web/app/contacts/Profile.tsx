// /inbox/contacts/:id — one contact: how to reach them (identities), profile fields and custom attributes,
// tags, per-channel subscriptions (editable: who changed each and when is shown) and their conversations,
// newest first, each with its status and last message and a link into the thread.
import { useSignal } from '@preact/signals';
import { Fragment } from 'preact';
import { useEffect } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { channelLabel, contactName, fullDateTime, STATUS_LABEL } from '../lib/format';
import { CsatBadge } from '../ui/CsatBadge';
import { CONTACTS_PATH } from '../state/route';
import { toast } from '../state/toast';
import { Avatar } from '../ui/Avatar';
import { ChannelIcon } from '../ui/ChannelIcon';
import { Icon } from '../ui/Icon';
import { Loading } from '../ui/form';
import { localeDate, sourceLabel, SUB_CHANNELS, SUB_LABEL, type ContactProfile, type SubChannel, type SubStatus } from './model';

export function ContactProfilePage({ id }: { id: string }) {
  const contact = useSignal<ContactProfile | null>(null);
  const error = useSignal('');
  const load = async () => {
    try {
      contact.value = await api<ContactProfile>(`/contacts/${encodeURIComponent(id)}`);
      error.value = '';
    } catch (err) {
      error.value = errorText(err);
    }
  };
  useEffect(() => {
    void load();
  }, [id]);
  const c = contact.value;
  const name = c ? contactName(c) : 'Contact';
  useEffect(() => {
    document.title = `${name} · Contacts · Parley`;
  }, [name]);

  return (
    <section class="mx-page ct-page" aria-labelledby="contact-title">
      <p class="ct-back">
        <a href={CONTACTS_PATH}>
          <Icon name="left" size={16} /> All contacts
        </a>
      </p>
      {error.value ? (
        <>
          <h1 id="contact-title">Contact</h1>
          <p class="form-error" role="alert">
            Could not load this contact: {error.value}
          </p>
        </>
      ) : !c ? (
        <>
          <h1 id="contact-title" class="sr-only">
            Contact
          </h1>
          <Loading />
        </>
      ) : (
        <>
          <header class="ct-profile-head">
            <Avatar name={name} seed={c.id} url={c.avatarUrl} size={56} />
            <div>
              <h1 id="contact-title">{name}</h1>
              <p class="muted">
                {[c.email, c.phone].filter(Boolean).join(' · ') || 'No e-mail or phone'}
                {c.blocked ? <span class="pill pill-danger">Blocked</span> : null}
              </p>
            </div>
          </header>
          <div class="ct-grid">
            <div class="ct-col">
              <section class="card ct-card" aria-labelledby="ct-reach">
                <h2 id="ct-reach">Channels</h2>
                {c.identities.length ? (
                  <ul class="ct-identities">
                    {c.identities.map((i) => (
                      <li key={i.id}>
                        <ChannelIcon channel={i.channel} size={22} label={false} />
                        <span>
                          <strong>{channelLabel(i.channel)}</strong>
                          <span class="ct-ident-id">{i.externalId}</span>
                        </span>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p class="muted">No channel identities yet.</p>
                )}
              </section>
              <Subscriptions contact={c} onSaved={(next) => (contact.value = next)} />
              <section class="card ct-card" aria-labelledby="ct-details">
                <h2 id="ct-details">Details</h2>
                <dl class="ct-dl">
                  <dt>Language</dt>
                  <dd>{c.language ?? <span class="muted">Unknown</span>}</dd>
                  <dt>Location</dt>
                  <dd>{[c.city, c.country].filter(Boolean).join(', ') || <span class="muted">Unknown</span>}</dd>
                  <dt>Added</dt>
                  <dd>{localeDate(c.createdAt)}</dd>
                  {Object.entries(c.attributes).map(([k, v]) => (
                    <Fragment key={k}>
                      <dt>{k.replace(/[_-]+/g, ' ')}</dt>
                      <dd>{v === null || v === undefined || v === '' ? <span class="muted">Empty</span> : typeof v === 'boolean' ? (v ? 'Yes' : 'No') : String(v)}</dd>
                    </Fragment>
                  ))}
                </dl>
                <h3 class="ct-subhead">Tags</h3>
                {c.tags.length ? (
                  <span class="ct-tags">
                    {c.tags.map((t) => (
                      <span key={t} class="ct-tag">
                        {t}
                      </span>
                    ))}
                  </span>
                ) : (
                  <p class="muted">No tags.</p>
                )}
              </section>
            </div>
            <section class="card ct-card ct-timeline" aria-labelledby="ct-convs">
              <h2 id="ct-convs">Conversations</h2>
              {c.conversations.length ? (
                <ol class="ct-conv-list">
                  {c.conversations.map((cv) => (
                    <li key={cv.id}>
                      <a class="ct-conv" href={`/inbox/conversations/${encodeURIComponent(cv.id)}`}>
                        <ChannelIcon channel={cv.channel} size={20} />
                        <span class="ct-conv-body">
                          <span class="ct-conv-top">
                            <strong>{cv.subject || `${channelLabel(cv.channel)} conversation`}</strong>
                            <span class={`pill ct-status ct-status-${cv.status}`}>{STATUS_LABEL[cv.status] ?? cv.status}</span>
                            {cv.csatScore != null ? (
                              <CsatBadge score={cv.csatScore} scale={cv.csatScale} raw={cv.csatRaw} />
                            ) : null}
                          </span>
                          <span class="ct-conv-preview">{cv.lastMessagePreview || <span class="muted">No messages yet</span>}</span>
                          <time class="muted" dateTime={new Date(cv.lastActivityAt).toISOString()}>
                            {fullDateTime(cv.lastActivityAt)}
                          </time>
                        </span>
                      </a>
                    </li>
                  ))}
                </ol>
              ) : (
                <p class="muted">No conversations you can see.</p>
              )}
            </section>
          </div>
        </>
      )}
    </section>
  );
}

function Subscriptions({ contact, onSaved }: { contact: ContactProfile; onSaved: (c: ContactProfile) => void }) {
  const busy = useSignal<SubChannel | null>(null);
  const error = useSignal('');
  const change = async (ch: SubChannel, status: SubStatus) => {
    busy.value = ch;
    error.value = '';
    try {
      const updated = await api<Omit<ContactProfile, 'identities' | 'conversations'>>(`/contacts/${encodeURIComponent(contact.id)}`, { method: 'PATCH', json: { subscriptions: { [ch]: status } } });
      onSaved({ ...contact, ...updated });
      toast(`${channelLabel(ch)}: ${SUB_LABEL[status].toLowerCase()}`, 'success');
    } catch (err) {
      error.value = errorText(err);
    } finally {
      busy.value = null;
    }
  };
  return (
    <section class="card ct-card" aria-labelledby="ct-subs">
      <h2 id="ct-subs">Subscriptions</h2>
      <p class="muted ct-help">Whether broadcasts may reach this contact on each channel. Replies in conversations are not affected.</p>
      <ul class="ct-sub-edit">
        {SUB_CHANNELS.map((ch) => {
          const s = contact.subscriptions[ch] ?? { status: 'unknown', source: null, changedAt: null };
          const id = `ct-sub-${ch}`;
          return (
            <li key={ch}>
              <label for={id}>{channelLabel(ch)}</label>
              <select id={id} value={s.status} disabled={busy.value !== null} aria-describedby={`${id}-why`} onChange={(e) => void change(ch, e.currentTarget.value as SubStatus)}>
                {(['subscribed', 'unsubscribed', 'unknown'] as const).map((st) => (
                  <option key={st} value={st}>
                    {SUB_LABEL[st]}
                  </option>
                ))}
              </select>
              <span id={`${id}-why`} class="muted ct-sub-why">
                {s.changedAt ? `Set by ${sourceLabel(s.source)} on ${fullDateTime(s.changedAt)}` : s.status === 'unknown' ? 'Never asked' : `Set by ${sourceLabel(s.source)}`}
              </span>
            </li>
          );
        })}
      </ul>
      {error.value ? (
        <p class="form-error" role="alert">
          {error.value}
        </p>
      ) : null}
    </section>
  );
}
