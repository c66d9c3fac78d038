// An article's versions, newest first; each opens the diff against the one before it (word-level
// inside changed lines), and any older version can be restored as a new version.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { fullDateTime, relativeTime } from '../lib/format';
import { toast } from '../state/toast';
import type { Article } from './KnowledgeBase';

interface Version {
  version: number;
  title: string;
  status: string;
  authorName: string | null;
  note: string | null;
  createdAt: number;
}

interface DiffOp {
  op: 'equal' | 'insert' | 'delete';
  text: string;
}
interface LineDiff {
  op: 'equal' | 'insert' | 'delete' | 'change';
  text?: string;
  words?: DiffOp[];
}
interface Diff {
  from: number;
  to: number;
  title: DiffOp[] | null;
  body: LineDiff[];
  tags: { added: string[]; removed: string[] };
  status: { from: string; to: string } | null;
}

function Words({ ops }: { ops: DiffOp[] }) {
  return (
    <>
      {ops.map((o, i) => (o.op === 'insert' ? <ins key={i}>{o.text}</ins> : o.op === 'delete' ? <del key={i}>{o.text}</del> : <span key={i}>{o.text}</span>))}
    </>
  );
}

export function HistoryPanel({ article, onRestored }: { article: Article; onRestored: (a: Article) => void }) {
  const versions = useSignal<Version[] | null>(null);
  const picked = useSignal(article.version);
  const diff = useSignal<Diff | null>(null);
  const busy = useSignal(false);

  useEffect(() => {
    api<{ items: Version[] }>(`/kb/articles/${article.id}/versions`)
      .then((r) => (versions.value = r.items))
      .catch((err) => toast(errorText(err), 'error'));
  }, [article.id, article.version]);

  useEffect(() => {
    diff.value = null;
    if (picked.value <= 1) return;
    api<Diff>(`/kb/articles/${article.id}/diff`, { query: { from: picked.value - 1, to: picked.value } })
      .then((d) => (diff.value = d))
      .catch((err) => toast(errorText(err), 'error'));
  }, [article.id, picked.value]);

  async function restore(version: number) {
    if (!confirm(`Restore version ${version}? Its title, text and tags become a new version; the status stays.`)) return;
    busy.value = true;
    try {
      const a = await api<Article>(`/kb/articles/${article.id}/restore`, { json: { version } });
      toast(`Version ${version} restored as version ${a.version}`, 'success');
      onRestored(a);
    } catch (err) {
      toast(`Could not restore: ${errorText(err)}`, 'error');
    } finally {
      busy.value = false;
    }
  }

  const d = diff.value;
  return (
    <div class="kb-history">
      <ol class="kb-versions" aria-label="Versions">
        {(versions.value ?? []).map((v) => (
          <li key={v.version}>
            <button type="button" class={`kb-version${v.version === picked.value ? ' active' : ''}`} aria-pressed={v.version === picked.value} onClick={() => (picked.value = v.version)}>
              <strong>Version {v.version}</strong>
              {v.version === article.version ? <span class="pill">Current</span> : null}
              <span class="muted small" title={fullDateTime(v.createdAt)}>
                {v.authorName ?? 'Someone'} · {relativeTime(v.createdAt)}
              </span>
              {v.note ? <span class="small">{v.note}</span> : null}
              <span class={`kb-status kb-${v.status}`}>{v.status === 'published' ? 'Published' : 'Draft'}</span>
            </button>
          </li>
        ))}
      </ol>
      <div class="kb-diff" aria-live="polite">
        <div class="kb-diff-head">
          <h3>{picked.value > 1 ? `Changes in version ${picked.value}` : 'Version 1 (first version)'}</h3>
          {picked.value !== article.version ? (
            <button type="button" class="btn btn-sm" disabled={busy.value} onClick={() => void restore(picked.value)}>
              Restore version {picked.value}
            </button>
          ) : null}
        </div>
        {picked.value <= 1 ? (
          <p class="muted">The article as it was first saved. Pick a later version to see what changed.</p>
        ) : !d ? (
          <div class="sk sk-lines" />
        ) : (
          <>
            {d.title ? (
              <p class="diff-title">
                Title: <Words ops={d.title} />
              </p>
            ) : null}
            {d.status ? (
              <p class="small">
                Status: {d.status.from} → {d.status.to}
              </p>
            ) : null}
            {d.tags.added.length || d.tags.removed.length ? (
              <p class="small">
                Tags: {d.tags.added.map((t) => <ins key={t}>+{t} </ins>)}
                {d.tags.removed.map((t) => <del key={t}>−{t} </del>)}
              </p>
            ) : null}
            <div class="diff-body" role="list" aria-label="Text changes">
              {d.body.every((l) => l.op === 'equal') ? <p class="muted">The text did not change.</p> : null}
              {d.body.map((l, i) => (
                <div key={i} role="listitem" class={`diff-line diff-${l.op}`}>
                  <span class="diff-mark" aria-label={l.op === 'insert' ? 'Added' : l.op === 'delete' ? 'Removed' : l.op === 'change' ? 'Changed' : undefined}>
                    {l.op === 'insert' ? '+' : l.op === 'delete' ? '−' : l.op === 'change' ? '~' : ' '}
                  </span>
                  <span>{l.op === 'change' && l.words ? <Words ops={l.words} /> : l.text || '\u00a0'}</span>
                </div>
              ))}
            </div>
          </>
        )}
      </div>
    </div>
  );
}
