// One broadcast after it left the wizard: its progress bar and funnel (sent → delivered → read or
// opened → clicked → replied, with unsubscribed, failed and skipped beside it), refreshed while it
// sends (GET /api/broadcasts/:id), Cancel while it is scheduled or sending, and the recipients table
// with a status filter (GET /api/broadcasts/:id/recipients?status=&cursor=).
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, errorText } from '../../lib/api';
import { channelLabel, contactName } from '../../lib/format';
import { inboxes } from '../../state/session';
import { toast } from '../../state/toast';
import { Icon } from '../../ui/Icon';
import { Loading } from '../../ui/form';
import { filterWords, type Audience } from '../audiences/model';
import { pct, pollEvery, RECIPIENT_STATUSES, RECIPIENT_TONE, RECIPIENT_WORDS, skipWords, STATUS_TONE, STATUS_WORDS, when, type Broadcast, type Recipient, type RecipientStatus, type Template } from './model';
import { StateChip } from '../../ui/StateChip';

export async function cancelBroadcast(b: Pick<Broadcast, 'id' | 'name' | 'status'>): Promise<Broadcast | null> {
  const question = b.status === 'scheduled' ? `Cancel “${b.name}”? Nobody will receive it.` : `Stop “${b.name}”? Messages already sent stay sent; nobody else receives it.`;
  if (!confirm(question)) return null;
  try {
    const next = await api<Broadcast>(`/broadcasts/${encodeURIComponent(b.id)}/cancel`, { method: 'POST' });
    toast(`“${b.name}” cancelled`, 'success');
    return next;
  } catch (err) {
    toast(`Could not cancel: ${errorText(err)}`, 'error');
    return null;
  }
}

export function StatusChip({ status }: { status: Broadcast['status'] }) {
  return (
    <StateChip tone={STATUS_TONE[status]} class="bc-chip">
      {STATUS_WORDS[status]}
    </StateChip>
  );
}

export function BroadcastProgress({ broadcast: b, onChange }: { broadcast: Broadcast; onChange: (b: Broadcast) => void }) {
  const template = useSignal<Template | null>(null);
  const audience = useSignal<Audience | null>(null);
  const inbox = inboxes.value.find((i) => i.id === b.inboxId);
  const channel = inbox?.channel ?? '';
  const status = useSignal<RecipientStatus | ''>('');
  const rows = useSignal<Recipient[] | null>(null);
  const next = useSignal<string | null>(null);
  const pages = useSignal(1);
  const rowsError = useSignal('');

  const loadRows = async (more = false) => {
    try {
      const r = await api<{ items: Recipient[]; nextCursor: string | null }>(`/broadcasts/${encodeURIComponent(b.id)}/recipients`, { query: { status: status.value || undefined, cursor: more ? (next.value ?? undefined) : undefined, limit: 50 } });
      rows.value = more ? [...(rows.value ?? []), ...r.items] : r.items;
      next.value = r.nextCursor;
      pages.value = more ? pages.value + 1 : 1;
      rowsError.value = '';
    } catch (err) {
      rowsError.value = errorText(err);
    }
  };

  useEffect(() => {
    api<Template>(`/templates/${encodeURIComponent(b.templateId)}`)
      .then((t) => (template.value = t))
      .catch(() => {});
    if (b.audienceId)
      api<Audience>(`/audiences/${encodeURIComponent(b.audienceId)}`)
        .then((a) => (audience.value = a))
        .catch(() => {});
  }, [b.id]);
  useEffect(() => {
    rows.value = null;
    void loadRows();
  }, [b.id, status.value]);

  // Fresh stats while it runs (and the first page of recipients with them, unless more were loaded).
  useEffect(() => {
    const every = pollEvery(b.status);
    if (!every) return;
    const timer = setInterval(async () => {
      if (document.hidden) return;
      try {
        onChange(await api<Broadcast>(`/broadcasts/${encodeURIComponent(b.id)}`));
        if (pages.value === 1) void loadRows();
      } catch {
        // The next tick tries again.
      }
    }, every);
    return () => clearInterval(timer);
  }, [b.id, b.status]);

  const s = b.stats;
  const sendable = Math.max(0, s.recipients - s.skipped);
  const handled = s.sent + s.failed + s.cancelled;
  const done = b.status === 'sent' || b.status === 'cancelled' || b.status === 'failed';
  const progress = sendable > 0 ? pct(handled, sendable) : done ? 100 : 0;
  const readLabel = channel === 'email' ? 'Opened' : 'Read';
  const readValue = channel === 'email' ? s.opened : s.read;
  const funnel: [string, number, string][] = [
    ['Sent', s.sent, 'handed to the provider'],
    ['Delivered', s.delivered, 'reached the phone or mailbox'],
    ...(channel === 'sms' ? [] : ([[readLabel, readValue, channel === 'email' ? 'opened by a person (privacy proxies apart)' : 'read it']] as [string, number, string][])),
    ...(channel === 'whatsapp' ? [] : ([['Clicked', s.clicked, 'clicked a link (scanners not counted)']] as [string, number, string][])),
    ['Replied', s.replied, 'wrote back within 7 days'],
  ];

  return (
    <>
      <div class="bc-meta">
        <StatusChip status={b.status} />
        <span>
          From {inbox ? `${inbox.name} (${channelLabel(inbox.channel)})` : 'a deleted inbox'} · Template {template.value ? template.value.name.replace(/_/g, ' ') : '…'}
        </span>
        <span class="muted">{b.audienceId ? (audience.value ? `To ${audience.value.name}` : 'To a saved audience') : b.filter ? `To: ${filterWords(b.filter)}` : null}</span>
      </div>
      {b.status === 'failed' && b.error ? (
        <p class="form-error" role="alert">
          It stopped: {b.error}
        </p>
      ) : null}
      <section class="card bc-progress" aria-labelledby="bc-progress-title">
        <div class="bc-progress-head">
          <h2 id="bc-progress-title">Progress</h2>
          {b.status === 'scheduled' || b.status === 'sending' ? (
            <button type="button" class="btn btn-danger" onClick={() => void cancelBroadcast(b).then((x) => x && onChange(x))}>
              <Icon name="ban" size={16} /> {b.status === 'scheduled' ? 'Cancel broadcast' : 'Stop sending'}
            </button>
          ) : null}
        </div>
        {b.status === 'scheduled' ? (
          <p class="bc-when-line">
            <Icon name="clock" size={16} /> Goes out {b.scheduledAt ? when(b.scheduledAt, b.timezone) : 'soon'}.
          </p>
        ) : (
          <>
            <div class="bc-bar" role="progressbar" aria-label="Sent so far" aria-valuemin={0} aria-valuemax={100} aria-valuenow={progress} aria-valuetext={`${handled} of ${sendable} handled`}>
              <span style={{ width: `${progress}%` }} />
            </div>
            <p class="bc-progress-text" aria-live="polite">
              <strong>{progress}%</strong> · {s.sent.toLocaleString()} of {sendable.toLocaleString()} sent
              {s.queued ? ` · ${s.queued.toLocaleString()} waiting` : ''}
              {s.skipped ? ` · ${s.skipped.toLocaleString()} skipped` : ''}
              {s.cancelled ? ` · ${s.cancelled.toLocaleString()} not sent (cancelled)` : ''}
            </p>
            <p class="muted small">
              {b.startedAt ? `Started ${when(b.startedAt)}` : 'Starting…'}
              {b.finishedAt ? ` · ${b.status === 'sent' ? 'finished' : b.status === 'cancelled' ? 'cancelled' : 'stopped'} ${when(b.finishedAt)}` : ''}
              {b.status === 'sending' ? ' · updates every few seconds' : ''}
            </p>
          </>
        )}
      </section>
      <section class="card bc-funnel-card" aria-labelledby="bc-funnel-title">
        <h2 id="bc-funnel-title">Funnel</h2>
        <ol class="bc-funnel">
          {funnel.map(([label, n, hint]) => (
            <li key={label}>
              <span class="bc-funnel-label">
                {label}
                <span class="muted small"> {hint}</span>
              </span>
              <span class="bc-funnel-bar" aria-hidden="true">
                <span style={{ width: `${pct(n, Math.max(s.sent, 1))}%` }} />
              </span>
              <span class="bc-funnel-n">
                <strong>{n.toLocaleString()}</strong> <span class="muted small">{label === 'Sent' ? `${pct(n, sendable)}%` : `${pct(n, s.sent)}%`}</span>
              </span>
            </li>
          ))}
        </ol>
        <dl class="bc-side-stats">
          <div>
            <dt>Unsubscribed</dt>
            <dd>{s.unsubscribed.toLocaleString()}</dd>
          </div>
          {channel === 'email' ? (
            <div>
              <dt title="Opened by Apple Mail Privacy Protection or an image proxy as the mail arrived, not by a person">Opened by mail privacy proxies</dt>
              <dd>{(s.machineOpened ?? 0).toLocaleString()}</dd>
            </div>
          ) : null}
          <div>
            <dt>Failed</dt>
            <dd class={s.failed ? 'bc-bad' : ''}>{s.failed.toLocaleString()}</dd>
          </div>
          <div>
            <dt>Skipped</dt>
            <dd>{s.skipped.toLocaleString()}</dd>
          </div>
        </dl>
      </section>
      <section class="card bc-recipients" aria-labelledby="bc-recipients-title">
        <div class="bc-progress-head">
          <h2 id="bc-recipients-title">Recipients</h2>
          <label class="field bc-filter">
            <span>Show</span>
            <select id="bc-recipient-status" value={status.value} onChange={(e) => (status.value = e.currentTarget.value as RecipientStatus | '')}>
              <option value="">Everyone</option>
              {RECIPIENT_STATUSES.map((x) => (
                <option key={x} value={x}>
                  {RECIPIENT_WORDS[x]}
                </option>
              ))}
            </select>
          </label>
        </div>
        {rowsError.value ? (
          <p class="form-error" role="alert">
            Could not load the recipients: {rowsError.value}
          </p>
        ) : rows.value === null ? (
          <Loading />
        ) : rows.value.length === 0 ? (
          <p class="muted">{b.status === 'scheduled' ? 'Recipients are worked out when sending starts.' : status.value ? `Nobody is “${RECIPIENT_WORDS[status.value]}”.` : 'No recipients yet.'}</p>
        ) : (
          <>
            <div class="bc-table-wrap" role="region" aria-label="Recipients table" tabIndex={0}>
              <table class="bc-table bc-recipient-table">
                <caption class="sr-only">Recipients{status.value ? `: ${RECIPIENT_WORDS[status.value]}` : ''}</caption>
                <thead>
                  <tr>
                    <th scope="col">Contact</th>
                    <th scope="col">Status</th>
                    <th scope="col">Sent</th>
                    <th scope="col">Engagement</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.value.map((r) => (
                    <tr key={r.contactId}>
                      <th scope="row">
                        {r.conversationId ? <a href={`/inbox/conversations/${encodeURIComponent(r.conversationId)}`}>{contactName({ id: r.contactId, name: r.name, email: r.email, phone: r.phone })}</a> : contactName({ id: r.contactId, name: r.name, email: r.email, phone: r.phone })}
                        <span class="muted small bc-cell-sub">{channel === 'email' ? r.email : r.phone}</span>
                      </th>
                      <td data-label="Status">
                        <StateChip tone={RECIPIENT_TONE[r.status]}>{RECIPIENT_WORDS[r.status]}</StateChip>
                        {r.reason ? <span class="muted small bc-cell-sub">{skipWords(r.reason, channel)}</span> : null}
                      </td>
                      <td data-label="Sent">{r.sentAt ? when(r.sentAt) : <span class="muted">—</span>}</td>
                      <td data-label="Engagement">{engagement(r) || <span class="muted">—</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {next.value ? (
              <button type="button" class="btn btn-sm bc-more" onClick={() => void loadRows(true)}>
                Show more
              </button>
            ) : null}
          </>
        )}
      </section>
    </>
  );
}

function engagement(r: Recipient): string {
  const t = (at: number) => new Date(at).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
  return [
    r.deliveredAt ? `delivered ${t(r.deliveredAt)}` : null,
    r.readAt ? `read ${t(r.readAt)}` : null,
    r.openedAt ? `opened ${t(r.openedAt)}` : null,
    r.machineOpenedAt && !r.openedAt ? `fetched by a mail privacy proxy ${t(r.machineOpenedAt)}` : null,
    r.clickedAt ? `clicked ${r.clicks > 1 ? `${r.clicks}×` : ''} ${t(r.clickedAt)}` : null,
    r.repliedAt ? `replied ${t(r.repliedAt)}` : null,
    r.unsubscribedAt ? `unsubscribed ${t(r.unsubscribedAt)}` : null,
    r.failedAt ? `failed ${t(r.failedAt)}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
}
