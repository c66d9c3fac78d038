// Importing contacts from a CSV file, in three steps inside one dialog: pick a file (its header and first
// rows are read here, with papaparse, the parser the server uses), map each column to a contact field, a
// custom attribute or nothing, then follow the job (GET /api/contacts/imports/:id, polled) to the end with
// its per-row error report, which downloads as CSV.
import { useSignal } from '@preact/signals';
import Papa from 'papaparse';
import { useEffect } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { fileSize, plural } from '../lib/format';
import { Modal } from '../ui/Modal';
import { ErrorLine } from '../ui/form';
import { guessMapping, MAP_TARGETS, mappingJson, mappingProblem, type ColumnMap, type ImportJob, type MapTarget } from './model';

const PREVIEW_BYTES = 64 * 1024;
const POLL_MS = 1000;

export function ImportDialog({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const file = useSignal<File | null>(null);
  const samples = useSignal<string[][]>([]);
  const maps = useSignal<ColumnMap[]>([]);
  const error = useSignal('');
  const busy = useSignal(false);
  const jobId = useSignal<string | null>(null);
  const job = useSignal<ImportJob | null>(null);

  // Follows the job until it is done or failed; the dialog closing stops it.
  useEffect(() => {
    if (!jobId.value) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const j = await api<ImportJob>(`/contacts/imports/${encodeURIComponent(jobId.value!)}`);
        if (stopped) return;
        job.value = j;
        if (j.status === 'done' || j.status === 'failed') {
          onDone();
          return;
        }
      } catch (err) {
        if (stopped) return;
        error.value = errorText(err);
      }
      timer = setTimeout(() => void tick(), POLL_MS);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [jobId.value]);

  const pick = async (f: File | null) => {
    error.value = '';
    file.value = f;
    maps.value = [];
    if (!f) return;
    const text = await f.slice(0, PREVIEW_BYTES).text();
    const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { preview: 4, skipEmptyLines: true });
    const [header, ...rest] = parsed.data;
    if (!header?.length || header.every((h) => !h.trim())) {
      error.value = 'This file has no header row. The first line must name the columns.';
      return;
    }
    samples.value = rest;
    maps.value = guessMapping(header);
  };

  const start = async () => {
    const problem = mappingProblem(maps.value);
    if (problem) {
      error.value = problem;
      return;
    }
    busy.value = true;
    error.value = '';
    try {
      const form = new FormData();
      form.set('file', file.value!);
      form.set('mapping', JSON.stringify(mappingJson(maps.value)));
      const res = await api<{ id: string }>('/contacts/import', { method: 'POST', body: form });
      jobId.value = res.id;
    } catch (err) {
      error.value = errorText(err);
    } finally {
      busy.value = false;
    }
  };

  const setMap = (i: number, patch: Partial<ColumnMap>) => {
    maps.value = maps.value.map((m, j) => (j === i ? { ...m, ...patch } : m));
  };

  const j = job.value;
  return (
    <Modal title="Import contacts" onClose={onClose} wide>
      {jobId.value ? (
        <>
          <ImportProgress job={j} id={jobId.value} />
          {j?.status === 'done' || j?.status === 'failed' ? (
            <div class="form-actions">
              <button type="button" class="btn btn-primary" onClick={onClose}>
                Done
              </button>
            </div>
          ) : null}
        </>
      ) : (
        <form
          class="form ct-import"
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <ol class="ct-steps" aria-label="Steps">
            <li aria-current={maps.value.length ? undefined : 'step'}>Choose a file</li>
            <li aria-current={maps.value.length ? 'step' : undefined}>Match the columns</li>
            <li>Import</li>
          </ol>
          <label class="field">
            <span>CSV file (first line: column names)</span>
            <input type="file" accept=".csv,text/csv" onChange={(e) => void pick(e.currentTarget.files?.[0] ?? null)} />
          </label>
          {file.value && maps.value.length ? (
            <>
              <p class="muted">
                {file.value.name} · {fileSize(file.value.size)} · {plural(maps.value.length, 'column')}. Contacts already known by e-mail or phone are updated (tags are added), the others are created.
              </p>
              <div class="ct-map-wrap" role="region" aria-label="Column mapping" tabIndex={0}>
                <table class="ct-map ct-map-columns">
                  <caption class="sr-only">Match each column of the file to a contact field</caption>
                  <thead>
                    <tr>
                      <th scope="col">Column in the file</th>
                      <th scope="col">Example</th>
                      <th scope="col">Import as</th>
                    </tr>
                  </thead>
                  <tbody>
                    {maps.value.map((m, i) => (
                      <tr key={m.column}>
                        <th scope="row">{m.column}</th>
                        <td class="ct-map-sample">{samples.value.map((r) => r[i]).filter(Boolean).slice(0, 2).join(', ') || <span class="muted">empty</span>}</td>
                        <td>
                          <div class="ct-map-target">
                            <select aria-label={`Import “${m.column}” as`} value={m.target} onChange={(e) => setMap(i, { target: e.currentTarget.value as MapTarget })}>
                              {MAP_TARGETS.map((t) => (
                                <option key={t.key} value={t.key}>
                                  {t.label}
                                </option>
                              ))}
                            </select>
                            {m.target === 'attribute' ? <input aria-label={`Attribute name for “${m.column}”`} value={m.key} maxLength={64} onInput={(e) => setMap(i, { key: e.currentTarget.value })} /> : null}
                          </div>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <p class="muted ct-help">Tags may hold several, separated by commas or semicolons. Custom attributes keep the value as text or number.</p>
            </>
          ) : null}
          <ErrorLine text={error.value} />
          <div class="form-actions">
            <button type="button" class="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" class="btn btn-primary" disabled={!maps.value.length || busy.value}>
              {busy.value ? 'Uploading…' : 'Start import'}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}

function ImportProgress({ job, id }: { job: ImportJob | null; id: string }) {
  const finished = job?.status === 'done' || job?.status === 'failed';
  const total = job?.total ?? null;
  const processed = job?.processed ?? 0;
  const shownTotal = finished ? processed : Math.max(total ?? 0, processed);
  const status = !job || job.status === 'queued' ? 'Waiting to start…' : job.status === 'running' ? 'Importing…' : job.status === 'done' ? 'Import finished' : 'Import stopped';
  return (
    <div class="ct-progress">
      <p class="ct-progress-status" role="status" aria-live="polite">
        <strong>{status}</strong> {job ? `${processed.toLocaleString()} of ${shownTotal ? `${finished ? '' : 'about '}${shownTotal.toLocaleString()}` : '…'} rows` : null}
      </p>
      <progress aria-label="Import progress" max={shownTotal || 1} value={finished ? shownTotal || 1 : processed} />
      {job ? (
        <ul class="ct-progress-counts">
          <li>
            <strong>{job.created.toLocaleString()}</strong> created
          </li>
          <li>
            <strong>{job.updated.toLocaleString()}</strong> updated
          </li>
          <li class={job.failed ? 'ct-failed' : ''}>
            <strong>{job.failed.toLocaleString()}</strong> {job.failed === 1 ? 'row' : 'rows'} with errors
          </li>
        </ul>
      ) : null}
      {job?.error ? (
        <p class="form-error" role="alert">
          {job.error}
        </p>
      ) : null}
      {job && job.errors.length ? (
        <section class="ct-errors" aria-labelledby="ct-errors-title">
          <div class="ct-errors-head">
            <h3 id="ct-errors-title">Rows that were not imported</h3>
            <a class="btn btn-sm" href={`/api/contacts/imports/${encodeURIComponent(id)}/errors.csv`} download={`import-errors.csv`}>
              Download error report
            </a>
          </div>
          <div class="ct-map-wrap" role="region" aria-label="Import errors" tabIndex={0}>
            <table class="ct-map">
              <caption class="sr-only">Import errors by row</caption>
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">Column</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {job.errors.map((e, i) => (
                  <tr key={`${e.row}-${e.column}-${i}`}>
                    <td>{e.row}</td>
                    <td>{e.column || <span class="muted">whole row</span>}</td>
                    <td>{e.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {job.failed > job.errors.length ? <p class="muted">The first {job.errors.length} are shown; the report has every one.</p> : null}
        </section>
      ) : null}
    </div>
  );
}
