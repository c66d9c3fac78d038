// Settings › Webhooks (managers): endpoints that receive signed conversation events
// (worker/webhooks/). Create with an event picker; the signing secret is shown once, after create or
// rotate, with a copy button; enable/disable, rotate, delete, a test ping, and each endpoint's delivery
// log (status, attempts, response code, latency, next retry) with Retry.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, ApiError, errorText } from '../lib/api';
import { fullDateTime, relativeTime } from '../lib/format';
import { toast } from '../state/toast';
import { Icon } from '../ui/Icon';
import { FormActions, Loading, runBusy } from '../ui/form';
import { StateChip } from '../ui/StateChip';

interface Endpoint {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  failingSince: number | null;
  consecutiveFailures: number;
  previousSecretExpiresAt: number | null;
  createdAt: number;
}

interface Delivery {
  id: string;
  type: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  nextAttemptAt: number | null;
  responseCode: number | null;
  latencyMs: number | null;
  error: string | null;
  createdAt: number;
}

const EVENTS: [string, string][] = [
  ['message.received', 'A customer message arrives'],
  ['message.created', 'Any message is sent or received (not internal notes)'],
  ['conversation.created', 'A conversation is created'],
  ['conversation.assigned', 'A conversation is assigned'],
  ['conversation.status_changed', 'A conversation changes status'],
  ['conversation.tag_added', 'A tag is added'],
  ['template.sent', 'A template is sent'],
  ['csat.submitted', 'A CSAT rating arrives'],
];

export function Webhooks() {
  const items = useSignal<Endpoint[] | null>(null);
  const error = useSignal('');
  const creating = useSignal(false);
  const secret = useSignal<{ url: string; secret: string; rotated: boolean } | null>(null);
  const load = async () => {
    try {
      items.value = (await api<{ items: Endpoint[] }>('/webhook-endpoints')).items;
      error.value = '';
    } catch (err) {
      error.value = errorText(err);
    }
  };
  useEffect(() => {
    void load();
  }, []);
  return (
    <section class="settings-section" aria-labelledby="webhooks-title">
      <header class="settings-head wh-head">
        <div>
          <h2 id="webhooks-title">Webhooks</h2>
          <p class="muted">
            Parley sends conversation events to your endpoints as they happen, signed the{' '}
            <a class="wh-link" href="https://www.standardwebhooks.com/" target="_blank" rel="noreferrer">
              Standard Webhooks
            </a>{' '}
            way. Failed deliveries are retried for about a day; an endpoint that keeps failing is disabled and managers are told.
          </p>
        </div>
        {!creating.value ? (
          <button type="button" class="btn btn-primary" onClick={() => (creating.value = true)}>
            <Icon name="plus" size={16} /> Add endpoint
          </button>
        ) : null}
      </header>
      {secret.value ? <SecretOnce {...secret.value} onDone={() => (secret.value = null)} /> : null}
      {creating.value ? (
        <CreateForm
          onCancel={() => (creating.value = false)}
          onCreated={(url, s) => {
            creating.value = false;
            secret.value = { url, secret: s, rotated: false };
            void load();
          }}
        />
      ) : null}
      {error.value ? (
        <p class="form-error" role="alert">
          Could not load the endpoints: {error.value}
        </p>
      ) : items.value === null ? (
        <Loading />
      ) : items.value.length === 0 && !creating.value ? (
        <div class="card mx-empty">
          <Icon name="globe" size={28} />
          <p>No endpoints yet. Add one to receive new messages, assignments and status changes in your own systems.</p>
        </div>
      ) : (
        <ul class="wh-list">
          {items.value.map((e) => (
            <EndpointCard key={e.id} e={e} reload={load} onSecret={(s) => (secret.value = { url: e.url, secret: s, rotated: true })} />
          ))}
        </ul>
      )}
    </section>
  );
}

function SecretOnce({ url, secret, rotated, onDone }: { url: string; secret: string; rotated: boolean; onDone: () => void }) {
  const copied = useSignal(false);
  return (
    <div class="card wh-secret" role="alert">
      <h3>
        <Icon name="key" size={16} /> {rotated ? 'New signing secret' : 'Signing secret'} for {url}
      </h3>
      <p>
        <strong>Copy it now: it is shown only this once.</strong> Your receiver uses it to verify the <code>webhook-signature</code> header.
        {rotated ? ' The previous secret keeps signing too (a second signature) for 24 hours, so you can switch over.' : ''}
      </p>
      <div class="wh-secret-row">
        <code class="wh-secret-value" aria-label="Signing secret">
          {secret}
        </code>
        <button
          type="button"
          class="btn"
          onClick={() =>
            void navigator.clipboard.writeText(secret).then(
              () => (copied.value = true),
              () => toast('Could not copy: select the secret and copy it by hand', 'error'),
            )
          }
        >
          <Icon name="copy" size={14} /> {copied.value ? 'Copied' : 'Copy'}
        </button>
      </div>
      <div>
        <button type="button" class="btn btn-sm" onClick={onDone}>
          I have saved it
        </button>
      </div>
    </div>
  );
}

function EventPicker({ value, onChange }: { value: string[]; onChange: (v: string[]) => void }) {
  const all = value.includes('*');
  return (
    <fieldset class="fieldset">
      <legend>Events</legend>
      <label class="check-field">
        <input type="checkbox" checked={all} onChange={(e) => onChange(e.currentTarget.checked ? ['*'] : [])} /> All events (including ones added later)
      </label>
      <div class="wh-events">
        {EVENTS.map(([k, l]) => (
          <label key={k} class="check-field">
            <input type="checkbox" disabled={all} checked={all || value.includes(k)} onChange={(e) => onChange(e.currentTarget.checked ? [...value, k] : value.filter((x) => x !== k))} />
            <span>
              {l} <code class="muted small">{k}</code>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function CreateForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (url: string, secret: string) => void }) {
  const url = useSignal('');
  const description = useSignal('');
  const events = useSignal<string[]>(['message.received', 'conversation.status_changed']);
  const busy = useSignal(false);
  const error = useSignal<unknown>(null);
  const fieldErr = (f: string) => (error.value instanceof ApiError ? (error.value.field(f) ?? error.value.errors.find((x) => x.field.startsWith(`${f}.`) || x.field.startsWith(`${f}/`))?.message) : undefined);
  return (
    <form
      class="card form wh-create"
      aria-label="New webhook endpoint"
      onSubmit={(e) => {
        e.preventDefault();
        return runBusy(busy, error, async () => {
          const r = await api<Endpoint & { secret: string }>('/webhook-endpoints', { json: { url: url.value, events: events.value, description: description.value || null } });
          toast('Endpoint added', 'success');
          onCreated(r.url, r.secret);
        });
      }}
    >
      <h3>New endpoint</h3>
      <label class="field">
        <span>URL</span>
        <input type="url" required value={url.value} placeholder="https://example.com/parley-events" aria-invalid={!!fieldErr('url')} aria-describedby={fieldErr('url') ? 'wh-url-err' : undefined} onInput={(e) => (url.value = e.currentTarget.value)} />
        {fieldErr('url') ? (
          <span class="form-error" id="wh-url-err">
            {fieldErr('url')}
          </span>
        ) : null}
      </label>
      <label class="field">
        <span>Description (optional)</span>
        <input value={description.value} maxLength={500} onInput={(e) => (description.value = e.currentTarget.value)} />
      </label>
      <EventPicker value={events.value} onChange={(v) => (events.value = v)} />
      {fieldErr('events') ? <p class="form-error">{fieldErr('events')}</p> : null}
      {error.value && !fieldErr('url') && !fieldErr('events') ? (
        <p class="form-error" role="alert">
          {errorText(error.value)}
        </p>
      ) : null}
      <FormActions onCancel={onCancel} disabled={busy.value || events.value.length === 0}>
        Add endpoint
      </FormActions>
    </form>
  );
}

function EndpointCard({ e, reload, onSecret }: { e: Endpoint; reload: () => Promise<void>; onSecret: (s: string) => void }) {
  const open = useSignal(false);
  const deliveries = useSignal<Delivery[] | null>(null);
  const logKey = useSignal(0);
  const editing = useSignal(false);
  const call = async (what: string, run: () => Promise<unknown>) => {
    try {
      await run();
      toast(what, 'success');
    } catch (err) {
      toast(errorText(err), 'error');
    }
    await reload();
  };
  const loadDeliveries = async () => {
    try {
      deliveries.value = (await api<{ items: Delivery[] }>(`/webhook-endpoints/${e.id}/deliveries`, { query: { limit: 25 } })).items;
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };
  useEffect(() => {
    if (open.value) void loadDeliveries();
  }, [open.value, logKey.value]);
  const events = e.events.includes('*') ? 'All events' : e.events.join(', ');
  return (
    <li class={`card wh-endpoint${e.enabled ? '' : ' is-off'}`}>
      <div class="wh-endpoint-head">
        <div class="wh-endpoint-main">
          <span class="wh-url">{e.url}</span>
          {e.description ? <span class="muted small">{e.description}</span> : null}
          <span class="small">{events}</span>
          {!e.enabled ? (
            <span class="form-error small">Disabled{e.disabledReason ? `: ${e.disabledReason}` : ''}</span>
          ) : e.consecutiveFailures > 0 ? (
            <span class="form-error small">
              {e.consecutiveFailures} failure{e.consecutiveFailures === 1 ? '' : 's'} in a row{e.failingSince ? ` since ${relativeTime(e.failingSince)}` : ''}
            </span>
          ) : null}
          {e.previousSecretExpiresAt ? <span class="muted small">The previous secret still signs until {fullDateTime(e.previousSecretExpiresAt)}</span> : null}
        </div>
        <label class="mx-toggle">
          <input type="checkbox" role="switch" checked={e.enabled} onChange={(ev) => void call(ev.currentTarget.checked ? 'Endpoint enabled' : 'Endpoint disabled', () => api(`/webhook-endpoints/${e.id}`, { method: 'PATCH', json: { enabled: ev.currentTarget.checked } }))} />
          <span class="sr-only">{e.url} enabled</span>
        </label>
      </div>
      <div class="wh-actions">
        <button
          type="button"
          class="btn btn-sm"
          disabled={!e.enabled}
          onClick={() =>
            void call('Test ping sent', async () => {
              await api(`/webhook-endpoints/${e.id}/test`, { method: 'POST' });
              open.value = true;
              logKey.value++;
            })
          }
        >
          <Icon name="send" size={14} /> Send test ping
        </button>
        <button type="button" class="btn btn-sm" aria-expanded={open.value} onClick={() => (open.value = !open.value)}>
          Deliveries
        </button>
        <button type="button" class="btn btn-sm" onClick={() => (editing.value = !editing.value)} aria-expanded={editing.value}>
          <Icon name="edit" size={14} /> Events
        </button>
        <button
          type="button"
          class="btn btn-sm"
          onClick={() => {
            if (!confirm(`Rotate the signing secret of ${e.url}? The current secret keeps signing for 24 hours.`)) return;
            void call('Secret rotated', async () => onSecret((await api<{ secret: string }>(`/webhook-endpoints/${e.id}/rotate-secret`, { method: 'POST' })).secret));
          }}
        >
          <Icon name="key" size={14} /> Rotate secret
        </button>
        <button
          type="button"
          class="btn btn-sm btn-danger"
          onClick={() => {
            if (!confirm(`Delete the endpoint ${e.url}? It stops receiving events at once.`)) return;
            void call('Endpoint deleted', () => api(`/webhook-endpoints/${e.id}`, { method: 'DELETE' }));
          }}
        >
          <Icon name="trash" size={14} /> Delete
        </button>
      </div>
      {editing.value ? <EditEvents e={e} onDone={() => ((editing.value = false), void reload())} /> : null}
      {open.value ? (
        <div class="wh-log">
          <div class="wf-panel-head">
            <h3>Deliveries</h3>
            <button type="button" class="btn btn-sm" onClick={() => void loadDeliveries()}>
              Refresh
            </button>
          </div>
          {deliveries.value === null ? (
            <Loading />
          ) : deliveries.value.length === 0 ? (
            <p class="muted small">No deliveries yet.</p>
          ) : (
            <div class="wf-table-wrap" role="region" aria-label="Deliveries table" tabIndex={0}>
              <table class="wh-table">
                <caption class="sr-only">Deliveries to {e.url}, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Event</th>
                    <th scope="col">Status</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Response</th>
                    <th scope="col">Latency</th>
                    <th scope="col">Next retry</th>
                    <th scope="col">
                      <span class="sr-only">Retry</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {deliveries.value.map((d) => (
                    <tr key={d.id}>
                      <td>
                        <code>{d.type}</code>
                        <div class="muted small">{relativeTime(d.createdAt)}</div>
                      </td>
                      <td>
                        <StateChip tone={d.status === 'succeeded' ? 'ok' : d.status === 'failed' ? 'bad' : 'live'}>{d.status}</StateChip>
                        {d.error ? <div class="form-error small">{d.error}</div> : null}
                      </td>
                      <td>{d.attempts}</td>
                      <td>{d.responseCode ?? '—'}</td>
                      <td>{d.latencyMs === null ? '—' : `${d.latencyMs} ms`}</td>
                      <td>{d.nextAttemptAt ? relativeTime(d.nextAttemptAt) : '—'}</td>
                      <td>
                        {d.status !== 'succeeded' ? (
                          <button
                            type="button"
                            class="btn btn-sm"
                            disabled={!e.enabled}
                            aria-label={`Retry ${d.type} delivery`}
                            onClick={() =>
                              void api(`/webhook-endpoints/${e.id}/deliveries/${d.id}/retry`, { method: 'POST' }).then(
                                () => {
                                  toast('Retry queued', 'success');
                                  void loadDeliveries();
                                },
                                (err) => toast(errorText(err), 'error'),
                              )
                            }
                          >
                            Retry
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      ) : null}
    </li>
  );
}

function EditEvents({ e, onDone }: { e: Endpoint; onDone: () => void }) {
  const events = useSignal(e.events);
  const description = useSignal(e.description ?? '');
  const busy = useSignal(false);
  const error = useSignal<unknown>(null);
  return (
    <form
      class="form wh-edit"
      aria-label={`Events for ${e.url}`}
      onSubmit={(ev) => {
        ev.preventDefault();
        return runBusy(busy, error, async () => {
          await api(`/webhook-endpoints/${e.id}`, { method: 'PATCH', json: { events: events.value, description: description.value || null } });
          toast('Endpoint saved', 'success');
          onDone();
        });
      }}
    >
      <label class="field">
        <span>Description</span>
        <input value={description.value} maxLength={500} onInput={(ev) => (description.value = ev.currentTarget.value)} />
      </label>
      <EventPicker value={events.value} onChange={(v) => (events.value = v)} />
      {error.value ? (
        <p class="form-error" role="alert">
          {errorText(error.value)}
        </p>
      ) : null}
      <FormActions onCancel={onDone} disabled={busy.value || events.value.length === 0}>
        Save
      </FormActions>
    </form>
  );
}
