// /inbox/messaging/broadcasts (managers): the scheduled queue (next to go first, each cancellable) and
// every broadcast with its status, recipients and sent count; /broadcasts/new is the wizard
// (broadcasts/Wizard.tsx), /broadcasts/:id a draft's wizard or a sent one's live progress
// (broadcasts/Progress.tsx).
import { signal, useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { channelLabel } from '../lib/format';
import { inboxes } from '../state/session';
import { Icon } from '../ui/Icon';
import { Loading } from '../ui/form';
import { EmptyCard, ListBody, TableRegion } from '../ui/ListBody';
import { type Broadcast, when } from './broadcasts/model';
import { BroadcastProgress, cancelBroadcast, StatusChip } from './broadcasts/Progress';
import { BroadcastWizard, BROADCASTS_BASE } from './broadcasts/Wizard';
import { ManagersOnly, PageFrame } from './sla/parts';

const broadcasts = signal<Broadcast[] | null>(null);
const loadError = signal('');

async function loadBroadcasts(): Promise<void> {
  try {
    broadcasts.value = (await api<{ items: Broadcast[] }>('/broadcasts')).items;
    loadError.value = '';
  } catch (err) {
    loadError.value = errorText(err);
  }
}

export function BroadcastsPage({ id }: { id: string | null }) {
  if (id === 'new')
    return (
      <PageFrame id="broadcast-new" title="New broadcast" intro="One message to many contacts: choose who, what and when. Contacts who unsubscribed, are blocked or cannot be reached on the channel are skipped.">
        <ManagersOnly what="broadcasts">
          <BroadcastWizard draft={null} />
        </ManagersOnly>
      </PageFrame>
    );
  if (id) return <BroadcastDetail key={id} id={id} />;
  return <BroadcastList />;
}

function BroadcastDetail({ id }: { id: string }) {
  const b = useSignal<Broadcast | null>(null);
  const failed = useSignal('');
  useEffect(() => {
    api<Broadcast>(`/broadcasts/${encodeURIComponent(id)}`)
      .then((x) => (b.value = x))
      .catch((err) => (failed.value = errorText(err)));
  }, [id]);
  const x = b.value;
  return (
    <PageFrame
      id="broadcast"
      title={x ? x.name : 'Broadcast'}
      intro={x?.status === 'draft' ? 'A draft: pick up where you left off.' : x?.status === 'sending' || x?.status === 'scheduled' ? 'Live while it sends: the bar, the funnel and the recipients follow the deliveries.' : 'Who received it, read it, clicked and replied — replies and receipts keep arriving for a while.'}
      actions={
        <a class="btn" href={BROADCASTS_BASE}>
          All broadcasts
        </a>
      }
    >
      <ManagersOnly what="broadcasts">{failed.value ? <p class="form-error" role="alert">Could not open the broadcast: {failed.value}</p> : !x ? <Loading /> : x.status === 'draft' ? <BroadcastWizard draft={x} /> : <BroadcastProgress broadcast={x} onChange={(n) => (b.value = n)} />}</ManagersOnly>
    </PageFrame>
  );
}

function BroadcastList() {
  useEffect(() => {
    void loadBroadcasts();
    // The list's sending rows move on their own: refresh while any is scheduled or sending.
    const timer = setInterval(() => {
      if (!document.hidden && broadcasts.value?.some((b) => b.status === 'sending' || b.status === 'scheduled')) void loadBroadcasts();
    }, 5000);
    return () => clearInterval(timer);
  }, []);
  const list = broadcasts.value;
  const queue = (list ?? []).filter((b) => b.status === 'scheduled').sort((a, b) => (a.scheduledAt ?? 0) - (b.scheduledAt ?? 0));
  const inboxOf = (b: Broadcast) => inboxes.value.find((i) => i.id === b.inboxId);
  return (
    <PageFrame
      id="broadcasts"
      title="Broadcasts"
      intro="Send one template to an audience over SMS, WhatsApp or e-mail, now or at a set time, and follow who received, read, clicked and replied."
      actions={
        <ManagersOnly what="broadcasts">
          <div class="bc-head-actions">
            <a class="btn" href="/inbox/messaging/audiences">
              Audiences
            </a>
            <a class="btn btn-primary" href={`${BROADCASTS_BASE}/new`}>
              <Icon name="plus" size={16} /> New broadcast
            </a>
          </div>
        </ManagersOnly>
      }
    >
      <ManagersOnly what="broadcasts">
        <ListBody
          what="broadcasts"
          error={loadError.value}
          items={list}
          retry={() => void loadBroadcasts()}
          empty={
            <EmptyCard icon="send" title="No broadcasts yet">
              <p>A broadcast sends one approved template to everyone in an audience — an offer to returning guests, a reminder before check-in — and shows who received, read and answered it.</p>
              <p>
                <a class="btn btn-primary" href={`${BROADCASTS_BASE}/new`}>
                  Create your first broadcast
                </a>
              </p>
            </EmptyCard>
          }
        >
          {(list) => (
            <>
              <section class="mx-section" aria-labelledby="bc-queue-title">
                <h2 id="bc-queue-title">Scheduled</h2>
                {queue.length === 0 ? (
                  <p class="muted">Nothing scheduled.</p>
                ) : (
                  <ol class="bc-queue">
                    {queue.map((b) => (
                      <li key={b.id} class="card bc-queue-item">
                        <Icon name="clock" size={18} />
                        <div class="bc-queue-main">
                          <a href={`${BROADCASTS_BASE}/${encodeURIComponent(b.id)}`}>{b.name}</a>
                          <span class="muted small">
                            {b.scheduledAt ? when(b.scheduledAt, b.timezone) : 'soon'} · {inboxOf(b) ? channelLabel(inboxOf(b)!.channel) : ''}
                          </span>
                        </div>
                        <button type="button" class="btn btn-sm btn-danger" aria-label={`Cancel ${b.name}`} onClick={() => void cancelBroadcast(b).then((x) => x && loadBroadcasts())}>
                          Cancel
                        </button>
                      </li>
                    ))}
                  </ol>
                )}
              </section>
              <section class="mx-section" aria-labelledby="bc-all-title">
                <h2 id="bc-all-title">All broadcasts</h2>
                <TableRegion label="Broadcasts" caption="Broadcasts, newest first" wrapClass="bc-table-wrap" tableClass="bc-table">
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Status</th>
                      <th scope="col">Channel</th>
                      <th scope="col" class="num">
                        Recipients
                      </th>
                      <th scope="col" class="num">
                        Sent
                      </th>
                      <th scope="col">When</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((b) => {
                      // Not started: no recipients yet (they are worked out when sending starts).
                      const unstarted = b.status === 'draft' || b.status === 'scheduled' || !b.startedAt;
                      const at = b.status === 'draft' ? null : unstarted ? b.scheduledAt : b.startedAt;
                      return (
                        <tr key={b.id}>
                          <th scope="row">
                            <a href={`${BROADCASTS_BASE}/${encodeURIComponent(b.id)}`}>{b.name}</a>
                          </th>
                          <td data-label="Status">
                            <StatusChip status={b.status} />
                          </td>
                          <td data-label="Channel">{inboxOf(b) ? channelLabel(inboxOf(b)!.channel) : '—'}</td>
                          <td data-label="Recipients" class="num">
                            {unstarted ? <span class="muted">—</span> : b.stats.recipients.toLocaleString()}
                          </td>
                          <td data-label="Sent" class="num">
                            {unstarted ? <span class="muted">—</span> : b.stats.sent.toLocaleString()}
                          </td>
                          <td data-label="When">{at ? `${unstarted && b.status !== 'scheduled' ? 'was set for ' : ''}${when(at, unstarted ? b.timezone : null)}` : <span class="muted">not sent</span>}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </TableRegion>
              </section>
            </>
          )}
        </ListBody>
      </ManagersOnly>
    </PageFrame>
  );
}
