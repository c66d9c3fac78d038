// Inboxes: list, create, rename, enable/disable; web chat inboxes show the embed snippet, widget
// look and allowed origins, and reveal the identity-verification secret on request.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, ApiError, errorText } from '../lib/api';
import { CHANNEL_KEYS, channelLabel } from '../lib/format';
import { navigate, query } from '../lib/router';
import type { Inbox } from '../lib/types';
import { inboxes, loadDirectory } from '../state/session';
import { toast } from '../state/toast';
import { ChannelIcon } from '../ui/ChannelIcon';
import { Icon } from '../ui/Icon';

export function Inboxes() {
  const selectedId = query.value.get('id');
  const creating = useSignal(false);
  const list = inboxes.value;
  const selected = list.find((i) => i.id === selectedId) ?? null;
  return (
    <section class="settings-section">
      <header class="settings-head">
        <div>
          <h2>Inboxes</h2>
          <p class="muted">Each inbox is one channel account: a website chat, a WhatsApp number, an e-mail address…</p>
        </div>
        <button type="button" class="btn btn-primary" onClick={() => (creating.value = true)}>
          <Icon name="plus" size={16} /> New inbox
        </button>
      </header>
      {creating.value ? <NewInbox onDone={(id) => ((creating.value = false), id && navigate(`/settings/inboxes?id=${id}`))} /> : null}
      <div class="split">
        <ul class="card list-card" aria-label="Inboxes">
          {list.map((i) => (
            <li key={i.id}>
              <a href={`/settings/inboxes?id=${i.id}`} class={`list-link${i.id === selectedId ? ' active' : ''}`} aria-current={i.id === selectedId ? 'true' : undefined}>
                <ChannelIcon channel={i.channel} size={24} />
                <span>
                  <strong>{i.name}</strong>
                  <small class="muted">{channelLabel(i.channel)}</small>
                </span>
                {!i.enabled ? <span class="pill">Disabled</span> : null}
              </a>
            </li>
          ))}
        </ul>
        {selected ? <InboxDetail key={selected.id} inbox={selected} /> : <div class="card empty-card muted">Select an inbox to see its settings.</div>}
      </div>
    </section>
  );
}

function NewInbox({ onDone }: { onDone: (id?: string) => void }) {
  const channel = useSignal('webchat');
  const name = useSignal('');
  const error = useSignal('');
  return (
    <form
      class="card form inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          const created = await api<Inbox>('/inboxes', { json: { channel: channel.value, name: name.value.trim() } });
          await loadDirectory();
          toast(`Inbox “${created.name}” created`, 'success');
          onDone(created.id);
        } catch (err) {
          error.value = err instanceof ApiError ? (err.field('name') ?? err.field('channel') ?? errorText(err)) : errorText(err);
        }
      }}
    >
      <label class="field">
        <span>Channel</span>
        <select value={channel.value} onChange={(e) => (channel.value = e.currentTarget.value)}>
          {CHANNEL_KEYS.map((c) => (
            <option key={c} value={c}>
              {channelLabel(c)}
            </option>
          ))}
        </select>
      </label>
      <label class="field grow">
        <span>Name</span>
        <input value={name.value} onInput={(e) => (name.value = e.currentTarget.value)} placeholder="e.g. Website chat" required autoFocus />
      </label>
      <div class="form-actions">
        <button type="button" class="btn btn-ghost" onClick={() => onDone()}>
          Cancel
        </button>
        <button type="submit" class="btn btn-primary" disabled={!name.value.trim()}>
          Create
        </button>
      </div>
      {error.value ? <p class="form-error" role="alert">{error.value}</p> : null}
    </form>
  );
}

/** How fast broadcasts may leave an inbox by channel (worker/broadcasts/rate.ts RATE_BOUNDS; the server checks). */
const BROADCAST_PACE: Record<string, { default: number; max: number }> = { whatsapp: { default: 80, max: 1000 }, sms: { default: 10, max: 100 }, email: { default: 10, max: 500 } };

function InboxDetail({ inbox }: { inbox: Inbox }) {
  const name = useSignal(inbox.name);
  const greeting = useSignal(inbox.settings?.greeting ?? '');
  const color = useSignal(inbox.settings?.color ?? '#2563eb');
  const origins = useSignal((inbox.settings?.allowedOrigins ?? []).join('\n'));
  const requireVerified = useSignal(inbox.settings?.requireVerifiedIdentity === true);
  const rate = useSignal(inbox.settings?.broadcastRate ? String(inbox.settings.broadcastRate) : '');
  const knowledge = useSignal((inbox.settings?.knowledgeTags ?? []).join(', '));
  const pace = BROADCAST_PACE[inbox.channel];
  const secret = useSignal<string | null>(null);
  const busy = useSignal(false);
  useEffect(() => {
    secret.value = null;
  }, [inbox.id]);
  const snippet = inbox.websiteToken ? `<script src="${location.origin}/widget.js" data-website-token="${inbox.websiteToken}" async></script>` : '';

  async function save(patch: Record<string, unknown>, label: string) {
    busy.value = true;
    try {
      await api(`/inboxes/${inbox.id}`, { method: 'PATCH', json: patch });
      await loadDirectory();
      toast(label, 'success');
    } catch (err) {
      toast(errorText(err), 'error');
    } finally {
      busy.value = false;
    }
  }

  async function reveal() {
    try {
      const full = await api<Inbox>(`/inboxes/${inbox.id}`, { query: { reveal: 'true' } });
      secret.value = String(full.config?.identitySecret ?? '');
    } catch (err) {
      toast(errorText(err), 'error');
    }
  }

  const copy = async (text: string, what: string) => {
    try {
      await navigator.clipboard.writeText(text);
      toast(`${what} copied`, 'success');
    } catch {
      toast('Copy failed; select the text and copy it by hand', 'error');
    }
  };

  return (
    <div class="card detail-card">
      <div class="detail-head">
        <ChannelIcon channel={inbox.channel} size={32} />
        <div>
          <h3>{inbox.name}</h3>
          <p class="muted">{channelLabel(inbox.channel)} · {inbox.enabled ? 'Enabled' : 'Disabled'}</p>
        </div>
        <span class="spacer" />
        <button type="button" class={`btn btn-sm${inbox.enabled ? ' btn-ghost' : ''}`} disabled={busy.value} onClick={() => void save({ enabled: !inbox.enabled }, inbox.enabled ? 'Inbox disabled' : 'Inbox enabled')}>
          {inbox.enabled ? 'Disable' : 'Enable'}
        </button>
      </div>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          const channelSettings =
            inbox.channel === 'webchat'
              ? { greeting: greeting.value || null, color: color.value, allowedOrigins: origins.value.split(/\s+/).filter(Boolean), requireVerifiedIdentity: requireVerified.value }
              : pace
                ? { broadcastRate: rate.value.trim() ? Number(rate.value) : null }
                : {};
          const knowledgeTags = knowledge.value.split(',').map((t) => t.trim()).filter(Boolean);
          void save({ name: name.value.trim(), settings: { ...channelSettings, knowledgeTags } }, 'Inbox saved');
        }}
      >
        <label class="field">
          <span>Name</span>
          <input value={name.value} onInput={(e) => (name.value = e.currentTarget.value)} required />
        </label>
        {inbox.channel === 'webchat' ? (
          <>
            <label class="field">
              <span>Greeting</span>
              <input value={greeting.value} onInput={(e) => (greeting.value = e.currentTarget.value)} placeholder="Hi! Ask us anything." />
            </label>
            <label class="field">
              <span>Accent colour</span>
              <span class="color-row">
                <input type="color" value={color.value} onInput={(e) => (color.value = e.currentTarget.value)} aria-label="Accent colour" />
                <code>{color.value}</code>
              </span>
            </label>
            <label class="field">
              <span>Allowed origins (one per line, e.g. https://www.example.com or https://*.example.com; empty allows any site)</span>
              <textarea rows={2} value={origins.value} onInput={(e) => (origins.value = e.currentTarget.value)} placeholder="https://www.example.com" />
            </label>
            <label class="check-field">
              <input type="checkbox" checked={requireVerified.value} onChange={(e) => (requireVerified.value = e.currentTarget.checked)} />
              <span>Require identity verification (only visitors your site signs with the identity secret can chat)</span>
            </label>
          </>
        ) : null}
        {pace ? (
          <label class="field">
            <span>Broadcast speed (messages per second, 1–{pace.max}; empty: {pace.default}, the provider’s usual limit)</span>
            <input type="number" min={1} max={pace.max} step={1} inputMode="numeric" value={rate.value} placeholder={String(pace.default)} onInput={(e) => (rate.value = e.currentTarget.value)} />
          </label>
        ) : null}
        <label class="field">
          <span>Answer from knowledge base articles tagged (comma-separated; empty: every article). For a workspace of several businesses or brands: suggestions and the assistant in this inbox use only these.</span>
          <input value={knowledge.value} onInput={(e) => (knowledge.value = e.currentTarget.value)} placeholder="e.g. hotel, spa" />
        </label>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy.value}>
            Save changes
          </button>
        </div>
      </form>
      {inbox.websiteToken ? (
        <div class="subsection">
          <h4>Embed the chat widget</h4>
          <p class="muted">Paste this tag before <code>&lt;/body&gt;</code> on every page of your website.</p>
          <div class="code-row">
            <pre class="code" data-testid="embed-snippet">
              <code>{snippet}</code>
            </pre>
            <button type="button" class="btn btn-sm" onClick={() => void copy(snippet, 'Snippet')}>
              <Icon name="copy" size={14} /> Copy
            </button>
          </div>
          <h4>Identity verification</h4>
          <p class="muted">Sign your logged-in users' identifiers with this secret (HMAC-SHA256) so visitors cannot impersonate each other. Keep it on your server.</p>
          {secret.value === null ? (
            <button type="button" class="btn btn-sm" onClick={() => void reveal()}>
              <Icon name="key" size={14} /> Reveal secret
            </button>
          ) : (
            <div class="code-row">
              <pre class="code">
                <code>{secret.value || '(none set)'}</code>
              </pre>
              {secret.value ? (
                <button type="button" class="btn btn-sm" onClick={() => void copy(secret.value!, 'Secret')}>
                  <Icon name="copy" size={14} /> Copy
                </button>
              ) : null}
            </div>
          )}
        </div>
      ) : (
        <div class="subsection">
          <h4>Credentials</h4>
          <p class="muted">{inbox.configuredKeys.length ? `Configured: ${inbox.configuredKeys.join(', ')}` : 'No credentials configured yet.'}</p>
          <p class="muted small">Webhook URL: <code>{`${location.origin}/webhooks/${inbox.channel}/${inbox.id}`}</code></p>
        </div>
      )}
    </div>
  );
}
