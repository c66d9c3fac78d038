// The contact sidebar: duplicates to merge, the conversation summary, booking/order context, an editable profile, identities per channel, tags, custom attributes,
// previous conversations, files shared in this thread and the activity timeline.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, ApiError, errorText } from '../lib/api';
import { channelLabel, contactName, fullDateTime, relativeTime, STATUS_LABEL } from '../lib/format';
import { averageScore, scoreText, scoreTone } from '../lib/csat';
import { CsatBadge } from '../ui/CsatBadge';
import type { ContactDetail, TimelineEntry } from '../lib/types';
import { conversationHref } from '../state/route';
import { identityText, longDate, sentenceCase } from '../lib/wording';
import { userName } from '../state/session';
import { conversation, messages, setContact } from '../state/thread';
import { toast } from '../state/toast';
import { Avatar } from '../ui/Avatar';
import { ChannelIcon } from '../ui/ChannelIcon';
import { ContextSection, MergeSection, SummarySection } from './ContactExtras';
import { MemoriesSection } from './ContactMemories';
import { Icon } from '../ui/Icon';

export function ContactPanel({ contactId, onClose }: { contactId: string; onClose: () => void }) {
  const detail = useSignal<ContactDetail | null>(null);
  const error = useSignal('');
  const editing = useSignal(false);
  const seq = conversation.value?.seq;

  async function load() {
    try {
      detail.value = await api<ContactDetail>(`/contacts/${contactId}`);
      error.value = '';
    } catch (err) {
      error.value = errorText(err);
    }
  }
  useEffect(() => {
    detail.value = null;
    editing.value = false;
    void load();
  }, [contactId]);
  // The timeline grows as the conversation moves; refresh it now and then, not on every keystroke.
  useEffect(() => {
    const t = setTimeout(() => void load(), 1500);
    return () => clearTimeout(t);
  }, [seq]);

  async function save(patch: Record<string, unknown>): Promise<boolean> {
    try {
      const updated = await api<ContactDetail>(`/contacts/${contactId}`, { method: 'PATCH', json: patch });
      detail.value = { ...detail.value!, ...updated };
      setContact(updated);
      return true;
    } catch (err) {
      toast(`Could not save the contact: ${errorText(err)}`, 'error');
      return false;
    }
  }

  const c = detail.value;
  const currentId = conversation.value?.id;
  const files = messages.value.flatMap((m) => m.attachments.map((a) => ({ ...a, at: m.createdAt })));
  return (
    <aside class="contact-pane" aria-label="Contact details">
      <div class="contact-head">
        <h2 class="sr-only">Contact</h2>
        <button type="button" class="btn-icon contact-close" aria-label="Close contact details" onClick={onClose}>
          <Icon name="x" />
        </button>
        {c ? (
          <>
            <Avatar name={contactName(c)} seed={c.id} url={c.avatarUrl} size={56} />
            <p class="contact-name">{contactName(c)}</p>
            {c.blocked ? <span class="pill pill-danger">Blocked</span> : null}
          </>
        ) : error.value ? (
          <p class="form-error">{error.value}</p>
        ) : (
          <div class="sk sk-avatar" style={{ width: '56px', height: '56px' }} />
        )}
      </div>
      {c ? (
        <div class="contact-body">
          <MergeSection contactId={c.id} onMerged={() => void load()} />
          {currentId ? <SummarySection conversationId={currentId} /> : null}
          <ContextSection contactId={c.id} />
          <MemoriesSection contactId={c.id} />
          <section class="panel-section">
            <div class="section-head">
              <h3>Details</h3>
              {!editing.value ? (
                <button type="button" class="link" onClick={() => (editing.value = true)}>
                  Edit
                </button>
              ) : null}
            </div>
            {editing.value ? <ProfileForm c={c} onCancel={() => (editing.value = false)} onSave={async (p) => (await save(p)) && (editing.value = false)} /> : (
              <dl class="props">
                <div>
                  <dt>Name</dt>
                  <dd>{c.name || <span class="muted">—</span>}</dd>
                </div>
                <div>
                  <dt>E-mail</dt>
                  <dd>{c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : <span class="muted">—</span>}</dd>
                </div>
                <div>
                  <dt>Phone</dt>
                  <dd>{c.phone ? <a href={`tel:${c.phone}`}>{c.phone}</a> : <span class="muted">—</span>}</dd>
                </div>
                <div>
                  <dt>Customer since</dt>
                  <dd>{longDate(c.createdAt)}</dd>
                </div>
              </dl>
            )}
          </section>
          <section class="panel-section">
            <h3>Channels</h3>
            {c.identities.length ? (
              <ul class="identities">
                {c.identities.map((i) => (
                  <li key={i.id}>
                    <ChannelIcon channel={i.channel} size={18} />
                    <span>
                      <small class="muted">{channelLabel(i.channel)}</small>
                      <span class="ident-id">{identityText(i.channel, i.externalId)}</span>
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted">No channel identities.</p>
            )}
          </section>
          <section class="panel-section">
            <h3>Tags</h3>
            <TagEditor tags={c.tags} onChange={(tags) => void save({ tags })} />
          </section>
          <section class="panel-section">
            <h3>Attributes</h3>
            <AttributesEditor attributes={c.attributes} onChange={(attributes) => save({ attributes })} />
          </section>
          <section class="panel-section">
            <h3>Conversations</h3>
            <CsatSummary scores={c.conversations.map((x) => x.csatScore)} />
            <ul class="prev-convs">
              {c.conversations.map((x) => (
                <li key={x.id}>
                  <a href={conversationHref(x.id)} class={x.id === currentId ? 'current' : ''} aria-current={x.id === currentId ? 'true' : undefined}>
                    <ChannelIcon channel={x.channel} size={16} />
                    <span class="prev-text">{x.lastMessagePreview ?? 'No messages'}</span>
                    <span class={`status status-${x.status}`}>{STATUS_LABEL[x.status]}</span>
                    {x.csatScore != null ? (
                      <CsatBadge score={x.csatScore} scale={x.csatScale} raw={x.csatRaw} />
                    ) : null}
                    <time class="muted">{relativeTime(x.lastActivityAt)}</time>
                  </a>
                </li>
              ))}
            </ul>
          </section>
          <section class="panel-section">
            <h3>Files shared</h3>
            {files.length ? (
              <ul class="files">
                {files.map((f) => (
                  <li key={f.key}>
                    <Icon name="file" size={14} />
                    {f.url ? (
                      <a href={f.url} target="_blank" rel="noopener noreferrer">
                        {f.name}
                      </a>
                    ) : (
                      f.name
                    )}
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted">No files in this conversation.</p>
            )}
          </section>
          <section class="panel-section">
            <h3>Activity</h3>
            <ol class="timeline">
              {c.timeline.slice(0, 30).map((e, i) => (
                <li key={i}>
                  <span class="tl-dot" aria-hidden="true" />
                  <span>{timelineText(e)}</span>
                  <time title={fullDateTime(e.at)}>{relativeTime(e.at)}</time>
                </li>
              ))}
              {c.timeline.length === 0 ? <li class="muted">No activity yet.</li> : null}
            </ol>
          </section>
        </div>
      ) : null}
    </aside>
  );
}

function timelineText(e: TimelineEntry): string {
  const d = e.data ?? {};
  switch (e.type) {
    case 'conversation.created':
      return `Conversation started${d.channel ? ` on ${channelLabel(String(d.channel))}` : ''}`;
    case 'conversation.assigned':
      return d.to ? `Assigned to ${userName(String(d.to))}` : 'Unassigned';
    case 'conversation.status_changed':
      return `Status: ${STATUS_LABEL[String(d.to)] ?? String(d.to)}`;
    case 'message.received':
      return 'Sent a message';
    case 'message.created':
      return 'Team replied';
    case 'contact.merged':
      return 'Merged with another contact';
    case 'conversation.updated':
      return 'Conversation updated';
    case 'sla.applied':
      return 'SLA applied';
    case 'sla.breached':
      return 'SLA target missed';
    case 'alert.fired':
      return d.ruleName ? `AI alert “${String(d.ruleName)}”` : 'AI alert';
    case 'escalation.started':
      return 'Escalated';
    case 'escalation.resolved':
      return 'Escalation resolved';
    case 'csat.submitted': {
      const rating = typeof d.score === 'number' ? scoreText(Number(d.score)) : '';
      return d.source === 'manual' ? `Rating recorded by a manager${rating ? `: ${rating}` : ''}` : `Rated the conversation${rating ? ` ${rating}` : ''}`;
    }
    default:
      return sentenceCase(e.type);
  }
}

/** The customer's ratings across the conversations listed: "Rated 4.5 of 5 on average (2 ratings)". */
function CsatSummary({ scores }: { scores: (number | null | undefined)[] }) {
  const avg = averageScore(scores);
  if (!avg) return null;
  return (
    <p class="contact-csat" data-testid="contact-csat">
      <span class={`row-csat tone-${scoreTone(avg.average)}`} aria-hidden="true">
        ★ {avg.average}
      </span>{' '}
      {avg.count === 1 ? `Rated ${scoreText(avg.average)}` : `Rated ${scoreText(avg.average)} on average (${avg.count} ratings)`}
    </p>
  );
}

function ProfileForm({ c, onCancel, onSave }: { c: ContactDetail; onCancel: () => void; onSave: (p: Record<string, unknown>) => Promise<unknown> }) {
  const name = useSignal(c.name ?? '');
  const email = useSignal(c.email ?? '');
  const phone = useSignal(c.phone ?? '');
  const busy = useSignal(false);
  return (
    <form
      class="form compact"
      onSubmit={async (e) => {
        e.preventDefault();
        busy.value = true;
        await onSave({ name: name.value.trim() || null, email: email.value.trim() || null, phone: phone.value.trim() || null });
        busy.value = false;
      }}
    >
      <label class="field">
        <span>Name</span>
        <input value={name.value} onInput={(e) => (name.value = e.currentTarget.value)} autocomplete="off" />
      </label>
      <label class="field">
        <span>E-mail</span>
        <input type="email" value={email.value} onInput={(e) => (email.value = e.currentTarget.value)} autocomplete="off" />
      </label>
      <label class="field">
        <span>Phone</span>
        <input type="tel" value={phone.value} onInput={(e) => (phone.value = e.currentTarget.value)} autocomplete="off" />
      </label>
      <div class="form-actions">
        <button type="button" class="btn btn-sm btn-ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" class="btn btn-sm btn-primary" disabled={busy.value}>
          Save
        </button>
      </div>
    </form>
  );
}

export function TagEditor({ tags, onChange }: { tags: string[]; onChange: (tags: string[]) => void }) {
  const adding = useSignal('');
  return (
    <div class="tag-editor">
      {tags.map((t) => (
        <span class="chip" key={t}>
          {t}
          <button type="button" class="chip-x" aria-label={`Remove tag ${t}`} onClick={() => onChange(tags.filter((x) => x !== t))}>
            ✕
          </button>
        </span>
      ))}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const t = adding.value.trim().toLowerCase();
          if (t && !tags.includes(t)) onChange([...tags, t]);
          adding.value = '';
        }}
      >
        <label class="sr-only" for="contact-tag-input">
          Add a tag
        </label>
        <input id="contact-tag-input" class="tag-input" placeholder="Add tag…" value={adding.value} onInput={(e) => (adding.value = e.currentTarget.value)} />
      </form>
    </div>
  );
}

function AttributesEditor({ attributes, onChange }: { attributes: ContactDetail['attributes']; onChange: (a: ContactDetail['attributes']) => Promise<boolean> }) {
  const key = useSignal('');
  const value = useSignal('');
  const entries = Object.entries(attributes ?? {});
  return (
    <div>
      {entries.length ? (
        <dl class="props">
          {entries.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>
                {String(v ?? '—')}
                <button
                  type="button"
                  class="btn-icon tiny"
                  aria-label={`Remove attribute ${k}`}
                  onClick={() => {
                    const next = { ...attributes };
                    delete next[k];
                    void onChange(next).catch((err) => toast(err instanceof ApiError ? err.title : String(err), 'error'));
                  }}
                >
                  <Icon name="x" size={12} />
                </button>
              </dd>
            </div>
          ))}
        </dl>
      ) : (
        <p class="muted">No custom attributes.</p>
      )}
      <form
        class="attr-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const k = key.value.trim();
          if (!k) return;
          if (await onChange({ ...attributes, [k]: value.value })) {
            key.value = '';
            value.value = '';
          }
        }}
      >
        <label class="sr-only" for="attr-key">
          Attribute name
        </label>
        <input id="attr-key" placeholder="Attribute" value={key.value} onInput={(e) => (key.value = e.currentTarget.value)} />
        <label class="sr-only" for="attr-value">
          Attribute value
        </label>
        <input id="attr-value" placeholder="Value" value={value.value} onInput={(e) => (value.value = e.currentTarget.value)} />
        <button type="submit" class="btn btn-sm" disabled={!key.value.trim()}>
          Add
        </button>
      </form>
    </div>
  );
}
