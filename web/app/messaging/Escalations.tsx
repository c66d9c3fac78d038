// /inbox/messaging/escalations: the escalation queue for supervisors (active / resolved, with a
// detail: notes and Resolve), the metrics (escalation rate, time to resolve p50/p90, re-escalation
// rate), and for managers the escalation paths (ordered; edited in a dialog).
//   /inbox/messaging/escalations            the queue          ?tab=paths | ?tab=metrics
//   /inbox/messaging/escalations/:id        one escalation's detail beside the queue
import { signal, useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { contactName, fullDateTime, relativeTime } from '../lib/format';
import { escalationReasonText } from '../lib/wording';
import { navigate, query, withParams } from '../lib/router';
import type { ContactRef, EscalationPath, EscalationTrigger, ListItem } from '../lib/types';
import type { EscalationMetrics } from '../../../worker/sla/model';
import { isManager } from '../state/session';
import { toast } from '../state/toast';
import { Icon } from '../ui/Icon';
import { shortDuration } from './sla/countdown';
import { ErrorLine, FormActions, Loading, Options, runBusy } from '../ui/form';
import { deleteRule, EmptyCard, FormErrors, ManagersOnly, PageFrame, RuleList, RuleRow, saveEnabled } from './sla/parts';
import { levelsSummary, loadWorkflowChoices, PathEditor, TRIGGER_LABEL } from './sla/PathEditor';

const BASE = '/inbox/messaging/escalations';

/** A row of GET /api/escalations (the D1 `escalations` table as the API returns it). */
export interface EscalationRow {
  id: string;
  conversationId: string;
  pathId: string | null;
  pathName: string | null;
  trigger: EscalationTrigger;
  reason: string;
  level: number;
  startedAt: number;
  resolvedAt: number | null;
  resolution?: string | null;
  resolvedBy?: string | null;
}
interface EscalationNote {
  id: string;
  authorId: string | null;
  authorName: string | null;
  text: string;
  createdAt: number;
}
type QueueConversation = Partial<ListItem> & { id: string; contact?: ContactRef | null };
interface QueueItem {
  escalation: EscalationRow;
  conversation: QueueConversation | null;
  /** The detail (GET /escalations/:id) carries the notes; queue rows only their count. */
  notes?: EscalationNote[];
  notesCount?: number;
}

/** Bumped after a resolve or a note, so the queue and an open detail reload. */
const queueVersion = signal(0);

export function EscalationsPage({ id }: { id: string | null }) {
  const tab = query.value.get('tab') ?? 'queue';
  const tabs: [string, string][] = [
    ['queue', 'Queue'],
    ['metrics', 'Metrics'],
    ...(isManager.value ? [['paths', 'Paths'] as [string, string]] : []),
  ];
  return (
    <PageFrame id="esc" title="Escalations" intro="Conversations an escalation path has taken over: by SLA breach, VIP contact, AI alert or by hand. Work them here, note what was done, and resolve them.">
      <nav class="tabs mx-tabs" aria-label="Escalation views">
        {tabs.map(([k, l]) => (
          <a key={k} class={`tab${tab === k ? ' active' : ''}`} aria-current={tab === k ? 'page' : undefined} href={k === 'queue' ? BASE : `${BASE}?tab=${k}`}>
            {l}
          </a>
        ))}
      </nav>
      {tab === 'paths' ? (
        <ManagersOnly what="escalation paths">
          <Paths />
        </ManagersOnly>
      ) : tab === 'metrics' ? (
        <MetricsView />
      ) : (
        <Queue openId={id} />
      )}
    </PageFrame>
  );
}

// ---- The queue ----

function Queue({ openId }: { openId: string | null }) {
  const state = query.value.get('state') === 'resolved' ? 'resolved' : 'active';
  const items = useSignal<QueueItem[] | null>(null);
  const next = useSignal<string | null>(null);
  const error = useSignal('');
  const load = async (cursor?: string) => {
    try {
      const page = await api<{ items: QueueItem[]; nextCursor: string | null }>('/escalations', { query: { state, cursor } });
      items.value = cursor ? [...(items.value ?? []), ...page.items] : page.items;
      next.value = page.nextCursor;
      error.value = '';
    } catch (err) {
      error.value = errorText(err);
    }
  };
  useEffect(() => {
    items.value = null;
    void load();
  }, [state, queueVersion.value]);
  const search = state === 'resolved' ? '?state=resolved' : '';
  return (
    <div class={`mx-queue${openId ? ' has-detail' : ''}`}>
      <div class="mx-queue-list">
        <div class="mx-filter" role="group" aria-label="Show">
          <a class={`btn btn-sm${state === 'active' ? ' is-active' : ' btn-ghost'}`} aria-current={state === 'active' ? 'page' : undefined} href={BASE}>
            Active
          </a>
          <a class={`btn btn-sm${state === 'resolved' ? ' is-active' : ' btn-ghost'}`} aria-current={state === 'resolved' ? 'page' : undefined} href={`${BASE}?state=resolved`}>
            Resolved
          </a>
        </div>
        {error.value ? (
          <ErrorLine text={`Could not load the queue: ${error.value}`} />
        ) : items.value === null ? (
          <Loading />
        ) : items.value.length === 0 ? (
          <EmptyCard icon="checks">{state === 'active' ? 'No active escalations.' : 'No resolved escalations yet.'}</EmptyCard>
        ) : (
          <div class="mx-table-wrap">
            <table class="mx-table mx-stack" aria-label={state === 'active' ? 'Active escalations' : 'Resolved escalations'}>
              <thead>
                <tr>
                  <th scope="col">Conversation</th>
                  <th scope="col">Level</th>
                  <th scope="col">Trigger</th>
                  <th scope="col">Reason</th>
                  <th scope="col">{state === 'active' ? 'Age' : 'Took'}</th>
                </tr>
              </thead>
              <tbody>
                {items.value.map((it) => {
                  const { escalation: e, conversation: c } = it;
                  return (
                  <tr key={e.id} class={openId === e.id ? 'active' : ''} data-id={e.id}>
                    <td data-label="Conversation">
                      <a href={`${BASE}/${encodeURIComponent(e.id)}${search}`} aria-current={openId === e.id ? 'true' : undefined}>
                        {c ? contactName(c.contact ?? { id: c.contactId, name: null }) : e.conversationId}
                      </a>
                      {e.pathName ? <small class="muted mx-block">{e.pathName}</small> : null}
                    </td>
                    <td data-label="Level">
                      <span class="pill pill-escalated">L{e.level}</span>
                    </td>
                    <td data-label="Trigger">{TRIGGER_LABEL[e.trigger] ?? e.trigger}</td>
                    <td class="mx-reason" data-label="Reason">
                      {escalationReasonText(e.reason)}
                      {it.notesCount ? <small class="muted mx-block">{it.notesCount === 1 ? '1 note' : `${it.notesCount} notes`}</small> : null}
                    </td>
                    <td data-label={state === 'active' ? 'Age' : 'Took'}>
                      <time dateTime={new Date(e.startedAt).toISOString()} title={fullDateTime(e.startedAt)}>
                        {e.resolvedAt ? shortDuration(e.resolvedAt - e.startedAt, false) : relativeTime(e.startedAt)}
                      </time>
                    </td>
                  </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {next.value ? (
          <button type="button" class="btn btn-sm" onClick={() => void load(next.value!)}>
            Load more
          </button>
        ) : null}
      </div>
      {openId ? <Detail key={openId} id={openId} onClose={() => navigate(`${BASE}${search}`)} /> : null}
    </div>
  );
}

function Detail({ id, onClose }: { id: string; onClose: () => void }) {
  const item = useSignal<QueueItem | null>(null);
  const error = useSignal('');
  const note = useSignal('');
  const resolveNote = useSignal('');
  const busy = useSignal(false);
  const formError = useSignal<unknown>(null);
  const load = async () => {
    try {
      item.value = await api<QueueItem>(`/escalations/${encodeURIComponent(id)}`);
    } catch (err) {
      error.value = errorText(err);
    }
  };
  useEffect(() => {
    void load();
  }, [id]);
  const it = item.value;
  const e = it?.escalation;
  return (
    <section class="card mx-detail" aria-labelledby="esc-detail-title">
      <header class="mx-detail-head">
        <h2 id="esc-detail-title">{it?.conversation ? contactName(it.conversation.contact ?? { id: it.conversation.contactId, name: null }) : 'Escalation'}</h2>
        <button type="button" class="btn-icon" aria-label="Close the detail" onClick={onClose}>
          <Icon name="x" />
        </button>
      </header>
      {error.value ? (
        <ErrorLine text={error.value} />
      ) : !it || !e ? (
        <Loading />
      ) : (
        <>
          <dl class="mx-facts">
            <dt>Status</dt>
            <dd>{e.resolvedAt ? `Resolved ${fullDateTime(e.resolvedAt)}${e.resolution ? ` (${e.resolution})` : ''}` : `Active, level ${e.level}`}</dd>
            <dt>Path</dt>
            <dd>{e.pathName ?? '—'}</dd>
            <dt>Trigger</dt>
            <dd>{TRIGGER_LABEL[e.trigger] ?? e.trigger}</dd>
            <dt>Reason</dt>
            <dd>{escalationReasonText(e.reason)}</dd>
            <dt>Started</dt>
            <dd>{fullDateTime(e.startedAt)}</dd>
          </dl>
          <a class="btn btn-sm" href={`/inbox/conversations/${encodeURIComponent(e.conversationId)}`}>
            <Icon name="chat" size={15} /> Open the conversation
          </a>
          <h3 class="mx-subhead">Notes</h3>
          {it.notes?.length ? (
            <ul class="mx-notes">
              {it.notes.map((n) => (
                <li key={n.id}>
                  <p>{n.text}</p>
                  <small class="muted">
                    {n.authorName ?? 'Parley'} · <time dateTime={new Date(n.createdAt).toISOString()}>{fullDateTime(n.createdAt)}</time>
                  </small>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted small">No notes yet.</p>
          )}
          <form
            class="form compact"
            onSubmit={(ev) => {
              ev.preventDefault();
              if (!note.value.trim()) return;
              return runBusy(busy, formError, async () => {
                await api(`/escalations/${encodeURIComponent(id)}/notes`, { json: { text: note.value.trim() } });
                note.value = '';
                await load();
              });
            }}
          >
            <label class="field">
              <span>Add a note</span>
              <textarea id="esc-note" rows={2} value={note.value} onInput={(ev) => (note.value = ev.currentTarget.value)} placeholder="What was done, who was called…" />
            </label>
            <FormActions submitClass="btn btn-sm" disabled={busy.value || !note.value.trim()}>
              Add note
            </FormActions>
          </form>
          {!e.resolvedAt ? (
            <form
              class="form compact mx-resolve"
              onSubmit={(ev) => {
                ev.preventDefault();
                return runBusy(busy, formError, async () => {
                  await api(`/escalations/${encodeURIComponent(id)}/resolve`, { json: resolveNote.value.trim() ? { note: resolveNote.value.trim() } : {} });
                  toast('Escalation resolved', 'success');
                  resolveNote.value = '';
                  queueVersion.value++;
                  await load();
                });
              }}
            >
              <label class="field">
                <span>Resolution note (optional)</span>
                <textarea id="esc-resolve-note" rows={2} value={resolveNote.value} onInput={(ev) => (resolveNote.value = ev.currentTarget.value)} />
              </label>
              <FormActions submitClass="btn btn-primary btn-sm" disabled={busy.value}>
                <Icon name="check" size={15} /> Resolve escalation
              </FormActions>
            </form>
          ) : null}
          <FormErrors error={formError.value} />
        </>
      )}
    </section>
  );
}

// ---- Metrics ----

const RANGES: [string, string, number][] = [
  ['7d', 'Last 7 days', 7],
  ['30d', 'Last 30 days', 30],
  ['90d', 'Last 90 days', 90],
];

function pct(x: number): string {
  return `${(x * 100).toFixed(x > 0 && x < 0.1 ? 1 : 0)}%`;
}

function MetricsView() {
  const range = RANGES.find((r) => r[0] === query.value.get('range')) ?? RANGES[0];
  const m = useSignal<EscalationMetrics | null>(null);
  const error = useSignal('');
  useEffect(() => {
    m.value = null;
    const to = Date.now();
    api<EscalationMetrics>('/escalations/metrics', { query: { from: to - range[2] * 86_400_000, to } })
      .then((r) => (m.value = r))
      .catch((err) => (error.value = errorText(err)));
  }, [range[0]]);
  const v = m.value;
  return (
    <section aria-labelledby="esc-metrics-title" class="mx-section">
      <div class="mx-section-head">
        <h2 id="esc-metrics-title">Metrics</h2>
        <label class="quick">
          <span class="sr-only">Period</span>
          <select value={range[0]} onChange={(e) => navigate(withParams({ range: e.currentTarget.value === '7d' ? null : e.currentTarget.value }), { replace: true })}>
            <Options of={RANGES} value={(r) => r[0]} label={(r) => r[1]} />
          </select>
        </label>
      </div>
      {error.value ? (
        <ErrorLine text={error.value} />
      ) : !v ? (
        <Loading />
      ) : (
        <>
          <dl class="mx-metrics">
            <div class="card">
              <dt>Escalation rate</dt>
              <dd>{pct(v.escalationRate)}</dd>
              <dd class="muted small">
                {v.escalated} of {v.conversations} conversations
              </dd>
            </div>
            <div class="card">
              <dt>Time to resolve (p50)</dt>
              <dd>{v.timeToResolveMs.p50 == null ? '—' : shortDuration(v.timeToResolveMs.p50, false)}</dd>
              <dd class="muted small">{v.resolved} resolved</dd>
            </div>
            <div class="card">
              <dt>Time to resolve (p90)</dt>
              <dd>{v.timeToResolveMs.p90 == null ? '—' : shortDuration(v.timeToResolveMs.p90, false)}</dd>
              <dd class="muted small">9 in 10 within this</dd>
            </div>
            <div class="card">
              <dt>Re-escalation rate</dt>
              <dd>{pct(v.reEscalationRate)}</dd>
              <dd class="muted small">{v.reEscalated} escalated more than once</dd>
            </div>
          </dl>
          <p class="muted small">
            By trigger:{' '}
            {(Object.keys(TRIGGER_LABEL) as EscalationTrigger[])
              .map((t) => `${TRIGGER_LABEL[t]} ${v.byTrigger?.[t] ?? 0}`)
              .join(' · ')}
          </p>
        </>
      )}
    </section>
  );
}

// ---- Paths (managers) ----

const paths = signal<EscalationPath[] | null>(null);
async function loadPaths(): Promise<void> {
  // The summaries name the workflows a level runs.
  loadWorkflowChoices();
  try {
    paths.value = (await api<{ items: EscalationPath[] }>('/escalations/paths')).items;
  } catch (err) {
    toast(`Could not load the paths: ${errorText(err)}`, 'error');
    paths.value = paths.value ?? [];
  }
}

function Paths() {
  const editing = useSignal<EscalationPath | 'new' | null>(null);
  useEffect(() => {
    void loadPaths();
  }, []);
  return (
    <section class="mx-section" aria-labelledby="esc-paths-title">
      <div class="mx-section-head">
        <h2 id="esc-paths-title">Escalation paths</h2>
        <button type="button" class="btn btn-primary" onClick={() => (editing.value = 'new')}>
          <Icon name="plus" size={16} /> New path
        </button>
      </div>
      <p class="muted">The first enabled path whose trigger and conditions match runs. Each level waits its delay, then acts.</p>
      <RuleList
        store={paths}
        label="Escalation paths, first match wins"
        orderUrl="/escalations/paths/order"
        emptyIcon="alert"
        empty="No escalation paths yet. Breaches only change the countdown’s colour until you add one."
        render={(p) => (
          <RuleRow
            rule={p}
            onOpen={() => (editing.value = p)}
            onToggle={(on) => void saveEnabled(paths, p, on, `/escalations/paths/${p.id}`, loadPaths)}
            onDelete={() => void deleteRule({ question: `Delete the escalation path “${p.name}”? Running escalations on it finish their current level.`, url: `/escalations/paths/${p.id}`, done: 'Path deleted', reload: loadPaths })}
          >
            <span class="mx-row-sub">On {p.triggers.map((t) => TRIGGER_LABEL[t]).join(', ')}</span>
            <span class="mx-row-sub muted">{levelsSummary(p.levels)}</span>
          </RuleRow>
        )}
      />
      {editing.value ? <PathEditor path={editing.value === 'new' ? null : editing.value} onClose={() => (editing.value = null)} onSaved={() => void loadPaths()} /> : null}
    </section>
  );
}
