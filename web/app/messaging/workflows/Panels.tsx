// The editor's side panels: a dry run of the draft on a chosen conversation (the path taken and the
// actions that would apply; nothing changes), the run log (each run's steps with timing and error,
// Cancel while it runs) and the version history with restore.
import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { api, errorText } from '../../lib/api';
import { contactName, fullDateTime, relativeTime } from '../../lib/format';
import type { ListItem } from '../../lib/types';
import { userName } from '../../state/session';
import { toast } from '../../state/toast';
import { Icon } from '../../ui/Icon';
import { Loading } from '../../ui/form';
import { ACTION_LABEL, FINISHED, pointerWords, secondsWords, type ActionType, type Run, type RunStep, type TraceEntry, type Version, type WorkflowDoc } from './model';
import { StateChip, type Tone } from '../../ui/StateChip';

interface TestResult {
  path: TraceEntry[];
  actions: { step: string; action: string; params: unknown; detail: unknown }[];
}

const convLabel = (c: ListItem) => `${contactName(c.contact ?? null)} — ${c.subject ?? c.lastMessagePreview ?? c.channel}`;

function detailText(x: unknown): string {
  if (x === null || x === undefined) return '';
  if (typeof x === 'string') return x;
  return JSON.stringify(x);
}

/**
 * The dry run's account of one action in words: the text it would send, the answer a question got,
 * or its settings as “key: value” — never the raw JSON (ids stay out: they mean nothing to a reader).
 */
function wouldText(action: string, params: unknown, detail: unknown): string {
  const d = (detail ?? {}) as Record<string, unknown>;
  const p = (params ?? d.params ?? {}) as Record<string, unknown>;
  if (typeof d.text === 'string') return d.text;
  if (action === 'ask') {
    if (d.timedOut) return 'No answer (a dry run does not wait for one)';
    return d.value === null || d.value === undefined ? 'The reply matched no option' : `Answer: ${String(d.value)}`;
  }
  if (action === 'answer_from_knowledge') {
    if (typeof d.answered === 'boolean') return d.answered ? 'An answer would be sent' : 'No answer confident enough: the run goes on';
    return `When at least ${Math.round(Number(p.threshold ?? 0.6) * 100)} % confident`;
  }
  if (action === 'send_template') return p.savedReplyId ? 'A saved reply, for the conversation’s channel' : 'A template';
  if (action === 'schedule_follow_up') return `In ${secondsWords(Number(p.inSeconds ?? 0))}`;
  return Object.entries(p)
    .filter(([k, v]) => !/Id$/.test(k) && v !== undefined && v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k.replace(/([A-Z])/g, ' $1').toLowerCase()}: ${String(v)}`)
    .join(', ');
}

export function TestPanel({ workflowId, draft, onErrors }: { workflowId: string; draft: WorkflowDoc; onErrors: (err: unknown) => void }) {
  const q = useSignal('');
  const found = useSignal<ListItem[] | null>(null);
  const picked = useSignal<ListItem | null>(null);
  const result = useSignal<TestResult | null>(null);
  const error = useSignal('');
  const busy = useSignal(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const search = (text: string) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      api<{ items: ListItem[] }>('/conversations', { query: { q: text || undefined, limit: 6 } })
        .then((r) => (found.value = r.items))
        .catch((err) => (error.value = errorText(err)));
    }, 200);
  };
  useEffect(() => {
    search('');
    return () => clearTimeout(timer.current);
  }, []);
  const run = async () => {
    if (!picked.value) return;
    busy.value = true;
    error.value = '';
    result.value = null;
    try {
      result.value = await api<TestResult>(`/workflows/${encodeURIComponent(workflowId)}/test`, { json: { conversationId: picked.value.id, steps: draft.steps } });
    } catch (err) {
      error.value = 'The draft has problems: see the steps marked in red.';
      onErrors(err);
    } finally {
      busy.value = false;
    }
  };
  return (
    <section class="card wf-panel" aria-labelledby="wf-test-title">
      <h2 id="wf-test-title">Test the draft</h2>
      <p class="muted small">Runs the steps as they are now (unsaved too) on a conversation. Nothing changes; waits pass at once and a wait for a reply takes its timeout.</p>
      <label class="field">
        <span>Find a conversation</span>
        <input
          type="search"
          value={q.value}
          placeholder="Name, e-mail or text"
          onInput={(e) => {
            q.value = e.currentTarget.value;
            search(e.currentTarget.value);
          }}
        />
      </label>
      {found.value === null ? (
        <Loading />
      ) : found.value.length === 0 ? (
        <p class="muted small">No conversation matches.</p>
      ) : (
        <fieldset class="fieldset wf-pick">
          <legend class="sr-only">Conversation to test on</legend>
          {found.value.map((c) => (
            <label key={c.id} class={`wf-pick-row${picked.value?.id === c.id ? ' is-picked' : ''}`}>
              <input type="radio" name="wf-test-conv" checked={picked.value?.id === c.id} onChange={() => (picked.value = c)} />
              <span>{convLabel(c)}</span>
            </label>
          ))}
        </fieldset>
      )}
      <div class="form-actions">
        <button type="button" class="btn btn-primary" disabled={!picked.value || busy.value} onClick={() => void run()}>
          Run test
        </button>
      </div>
      {error.value ? (
        <p class="form-error" role="alert">
          {error.value}
        </p>
      ) : null}
      <div aria-live="polite">
        {result.value ? (
          <div class="wf-result">
            <h3>Path taken</h3>
            {result.value.path.length === 0 ? (
              <p class="muted small">No step ran.</p>
            ) : (
              <ol class="wf-path" aria-label="Path taken">
                {result.value.path.map((p, i) => (
                  <li key={i}>
                    <span class="wf-path-step">{pointerWords(p.step, draft)}</span> <span class="muted">→ {p.outcome}</span>
                  </li>
                ))}
              </ol>
            )}
            <h3>Would do</h3>
            {result.value.actions.length === 0 ? (
              <p class="muted small">No action would apply.</p>
            ) : (
              <ul class="wf-would" aria-label="Actions that would apply">
                {result.value.actions.map((a, i) => (
                  <li key={i}>
                    <strong>{ACTION_LABEL[a.action as ActionType] ?? a.action}</strong> <span class="muted small">{wouldText(a.action, a.params, a.detail)}</span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        ) : null}
      </div>
    </section>
  );
}

const STATUS_TONE: Record<string, Tone> = { complete: 'ok', errored: 'bad', cancelled: 'muted', skipped: 'muted', running: 'live', waiting: 'live', queued: 'live' };

const took = (a: number, b: number | null) => (b === null ? '…' : b - a < 1000 ? `${b - a} ms` : `${((b - a) / 1000).toFixed(1)} s`);

export function RunLog({ workflowId, doc }: { workflowId: string; doc: WorkflowDoc }) {
  const runs = useSignal<Run[] | null>(null);
  const error = useSignal('');
  const open = useSignal<string | null>(null);
  const load = () =>
    api<{ items: Run[] }>(`/workflows/${encodeURIComponent(workflowId)}/runs`, { query: { limit: 20 } })
      .then((r) => {
        runs.value = r.items;
        error.value = '';
      })
      .catch((err) => (error.value = errorText(err)));
  useEffect(() => {
    void load();
  }, [workflowId]);
  return (
    <section class="card wf-panel" aria-labelledby="wf-runs-title">
      <div class="wf-panel-head">
        <h2 id="wf-runs-title">Runs</h2>
        <button type="button" class="btn btn-sm" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {error.value ? (
        <p class="form-error" role="alert">
          {error.value}
        </p>
      ) : runs.value === null ? (
        <Loading />
      ) : runs.value.length === 0 ? (
        <p class="muted small">No runs yet. A run starts when the trigger happens on a conversation while the workflow is enabled.</p>
      ) : (
        <ul class="wf-runs" aria-label="Runs, newest first">
          {runs.value.map((r) => (
            <li key={r.id} class="wf-run">
              <button type="button" class="wf-run-head" aria-expanded={open.value === r.id} aria-controls={`run-${r.id}`} onClick={() => (open.value = open.value === r.id ? null : r.id)}>
                <StateChip tone={STATUS_TONE[r.status] ?? 'muted'}>{r.status}</StateChip>
                <span>{relativeTime(r.createdAt)}</span>
                <span class="muted small">
                  v{r.version} · {r.origin}
                  {r.finishedAt ? ` · ${took(r.createdAt, r.finishedAt)}` : ''}
                </span>
              </button>
              {open.value === r.id ? <RunDetail id={r.id} doc={doc} onChanged={() => void load()} /> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function RunDetail({ id, doc, onChanged }: { id: string; doc: WorkflowDoc; onChanged: () => void }) {
  const run = useSignal<(Run & { steps: RunStep[] }) | null>(null);
  const error = useSignal('');
  useEffect(() => {
    api<Run & { steps: RunStep[] }>(`/workflow-runs/${encodeURIComponent(id)}`)
      .then((r) => (run.value = r))
      .catch((err) => (error.value = errorText(err)));
  }, [id]);
  const r = run.value;
  const cancel = async () => {
    if (!confirm('Cancel this run? Steps already done stay done.')) return;
    try {
      run.value = await api<Run & { steps: RunStep[] }>(`/workflow-runs/${encodeURIComponent(id)}/cancel`, { method: 'POST' });
      toast('Run cancelled', 'success');
      onChanged();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };
  return (
    <div class="wf-run-detail" id={`run-${id}`}>
      {error.value ? (
        <p class="form-error" role="alert">
          {error.value}
        </p>
      ) : !r ? (
        <Loading />
      ) : (
        <>
          <p class="small">
            Started {fullDateTime(r.createdAt)} on <a href={`/inbox/conversations/${encodeURIComponent(r.conversationId)}`}>this conversation</a>
            {r.reason ? ` · ${r.reason}` : ''}
          </p>
          {r.error ? (
            <p class="form-error">
              <Icon name="alert" size={14} /> {r.error}
            </p>
          ) : null}
          {r.steps.length === 0 ? (
            <p class="muted small">No steps recorded.</p>
          ) : (
            <table class="wf-steps-table">
                <caption class="sr-only">Steps of the run</caption>
                <thead>
                  <tr>
                    <th scope="col">Step</th>
                    <th scope="col">Status</th>
                    <th scope="col">Took</th>
                  </tr>
                </thead>
                <tbody>
                  {r.steps.map((s) => (
                    <tr key={s.name}>
                      <td>
                        {pointerWords(s.name, doc)}
                        {s.error ? <div class="form-error small">{s.error}</div> : s.output ? <div class="muted small wf-output">{detailText(s.output)}</div> : null}
                      </td>
                      <td>{s.status}</td>
                      <td>{took(s.startedAt, s.finishedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
          )}
          {!FINISHED.includes(r.status) ? (
            <button type="button" class="btn btn-sm btn-danger" onClick={() => void cancel()}>
              Cancel run
            </button>
          ) : null}
        </>
      )}
    </div>
  );
}

export function VersionHistory({ workflowId, current, onRestore }: { workflowId: string; current: number; onRestore: (doc: WorkflowDoc, version: number) => void }) {
  const versions = useSignal<Version[] | null>(null);
  const error = useSignal('');
  useEffect(() => {
    api<{ items: Version[] }>(`/workflows/${encodeURIComponent(workflowId)}/versions`)
      .then((r) => (versions.value = r.items))
      .catch((err) => (error.value = errorText(err)));
  }, [workflowId]);
  return (
    <section class="card wf-panel" aria-labelledby="wf-versions-title">
      <h2 id="wf-versions-title">Version history</h2>
      {error.value ? (
        <p class="form-error" role="alert">
          {error.value}
        </p>
      ) : versions.value === null ? (
        <Loading />
      ) : (
        <ul class="wf-versions">
          {versions.value.map((v) => (
            <li key={v.version}>
              <span>
                <strong>Version {v.version}</strong>
                <span class="muted small">
                  {' '}
                  {relativeTime(v.createdAt)}
                  {v.createdBy ? ` by ${userName(v.createdBy)}` : ''} · {v.document.steps.length} step{v.document.steps.length === 1 ? '' : 's'}
                </span>
              </span>
              {v.version === current ? (
                <span class="muted small">current</span>
              ) : (
                <button type="button" class="btn btn-sm" aria-label={`Restore version ${v.version}`} onClick={() => onRestore(v.document, v.version)}>
                  Restore
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
