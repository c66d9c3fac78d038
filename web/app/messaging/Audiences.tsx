// /inbox/messaging/audiences (managers): saved audiences (contact filters) with their live size, and
// at /audiences/:id (or /new) the builder — nested AND/OR groups of conditions — beside the live count
// and a sample of who matches (POST /api/audiences/preview). Broadcasts send to these.
import { signal, useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, ApiError, errorText } from '../lib/api';
import { fullDateTime } from '../lib/format';
import { navigate } from '../lib/router';
import { toast } from '../state/toast';
import { Icon } from '../ui/Icon';
import { ErrorLine, Loading } from '../ui/form';
import { EmptyCard, ListBody, TableRegion } from '../ui/ListBody';
import { FilterBuilder, PreviewPanel, useAudiencePreview } from './audiences/Builder';
import { emptyGroup, filterWords, toFilter, toGroup, type Audience, type Group } from './audiences/model';
import { ManagersOnly, PageFrame } from './sla/parts';

export const AUDIENCES_BASE = '/inbox/messaging/audiences';

const audiences = signal<Audience[] | null>(null);
const counts = signal<Record<string, number>>({});
const loadError = signal('');

export async function loadAudiences(): Promise<Audience[]> {
  try {
    const items = (await api<{ items: Audience[] }>('/audiences')).items;
    audiences.value = items;
    loadError.value = '';
    return items;
  } catch (err) {
    loadError.value = errorText(err);
    return audiences.value ?? [];
  }
}

/** The list has no counts (each is a query over the directory): fetched per audience, four at a time. */
async function loadCounts(items: Audience[]): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let a = queue.shift(); a; a = queue.shift()) {
      const id = a.id;
      try {
        const one = await api<Audience>(`/audiences/${encodeURIComponent(id)}`);
        counts.value = { ...counts.value, [id]: one.count ?? 0 };
      } catch {
        // A deleted audience drops out at the next reload.
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

export function AudiencesPage({ id }: { id: string | null }) {
  if (id) return <AudienceEditor key={id} id={id === 'new' ? null : id} />;
  return <AudienceList />;
}

function AudienceList() {
  useEffect(() => {
    void loadAudiences().then(loadCounts);
  }, []);
  const list = audiences.value;
  return (
    <PageFrame
      id="audiences"
      title="Audiences"
      intro="Saved groups of contacts, described by conditions — tags, channels, location, language, activity, conversations, subscriptions and your own attributes. Each is worked out again whenever it is used, so it stays current."
      actions={
        <ManagersOnly what="audiences">
          <a class="btn btn-primary" href={`${AUDIENCES_BASE}/new`}>
            <Icon name="plus" size={16} /> New audience
          </a>
        </ManagersOnly>
      }
    >
      <ManagersOnly what="audiences">
        <ListBody
          what="audiences"
          error={loadError.value}
          items={list}
          retry={() => void loadAudiences().then(loadCounts)}
          empty={
            <EmptyCard icon="users" title="No audiences yet">
              <p>An audience picks contacts by what you know about them: “tagged VIP and active in the last 30 days”, “reachable on WhatsApp in Spain or Portugal”. Use it for a broadcast.</p>
              <p>
                <a class="btn btn-primary" href={`${AUDIENCES_BASE}/new`}>
                  Build your first audience
                </a>
              </p>
            </EmptyCard>
          }
        >
          {(list) => (
            <TableRegion label="Audiences" wrapClass="bc-table-wrap" tableClass="bc-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Who</th>
                  <th scope="col" class="num">
                    Contacts now
                  </th>
                  <th scope="col">Changed</th>
                </tr>
              </thead>
              <tbody>
                {list.map((a) => (
                  <tr key={a.id}>
                    <th scope="row">
                      <a href={`${AUDIENCES_BASE}/${encodeURIComponent(a.id)}`}>{a.name}</a>
                    </th>
                    <td data-label="Who" class="bc-who">
                      {filterWords(a.filter)}
                    </td>
                    <td data-label="Contacts now" class="num">
                      {counts.value[a.id] === undefined ? <span class="muted">…</span> : counts.value[a.id].toLocaleString()}
                    </td>
                    <td data-label="Changed">{fullDateTime(a.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </TableRegion>
          )}
        </ListBody>
      </ManagersOnly>
    </PageFrame>
  );
}

function AudienceEditor({ id }: { id: string | null }) {
  const loaded = useSignal<Audience | null>(null);
  const name = useSignal('');
  const group = useSignal<Group>(emptyGroup());
  const failed = useSignal('');
  const saveError = useSignal<unknown>(null);
  const busy = useSignal(false);
  const dirty = useSignal(false);
  useEffect(() => {
    if (!id) return;
    api<Audience>(`/audiences/${encodeURIComponent(id)}`)
      .then((a) => {
        loaded.value = a;
        name.value = a.name;
        group.value = toGroup(a.filter);
      })
      .catch((err) => (failed.value = errorText(err)));
  }, [id]);
  const preview = useAudiencePreview(group.value);
  const title = id ? (loaded.value?.name ?? 'Audience') : 'New audience';
  const serverErrors = saveError.value instanceof ApiError ? saveError.value.errors : [];
  const nameError = serverErrors.find((e) => e.field === 'name')?.message;
  const save = async (e: Event) => {
    e.preventDefault();
    busy.value = true;
    saveError.value = null;
    try {
      const body = { name: name.value.trim(), filter: toFilter(group.value) };
      const saved = id ? await api<Audience>(`/audiences/${encodeURIComponent(id)}`, { method: 'PATCH', json: body }) : await api<Audience>('/audiences', { json: body });
      toast(id ? 'Audience saved' : `Audience “${saved.name}” created`, 'success');
      dirty.value = false;
      void loadAudiences();
      if (!id) navigate(`${AUDIENCES_BASE}/${encodeURIComponent(saved.id)}`, { replace: true });
      else loaded.value = saved;
    } catch (err) {
      saveError.value = err;
    } finally {
      busy.value = false;
    }
  };
  const remove = async () => {
    if (!id || !confirm(`Delete the audience “${loaded.value?.name ?? ''}”? Broadcasts already sent keep their recipients; drafts that use it cannot be sent.`)) return;
    try {
      await api(`/audiences/${encodeURIComponent(id)}`, { method: 'DELETE' });
      toast('Audience deleted', 'success');
      void loadAudiences();
      navigate(AUDIENCES_BASE);
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };
  return (
    <PageFrame
      id="audience"
      title={title}
      intro="Add conditions and groups; the count of who matches follows every change. Groups let you mix AND and OR: “tagged VIP and (in Spain or in Portugal)”."
      actions={
        <a class="btn" href={AUDIENCES_BASE}>
          All audiences
        </a>
      }
    >
      <ManagersOnly what="audiences">
        {failed.value ? (
          <p class="form-error" role="alert">
            Could not open the audience: {failed.value}
          </p>
        ) : id && !loaded.value ? (
          <Loading />
        ) : (
          <div class="au-layout">
            <form class="form au-form" onSubmit={save} onInput={() => (dirty.value = true)}>
              <label class="field au-name">
                <span>Name</span>
                <input id="audience-name" value={name.value} required maxLength={120} aria-invalid={!!nameError} aria-describedby={nameError ? 'audience-name-error' : undefined} onInput={(e) => (name.value = e.currentTarget.value)} />
              </label>
              <ErrorLine text={nameError ?? ''} id="audience-name-error" />
              <FilterBuilder
                id="aud"
                value={group.value}
                errors={[...serverErrors, ...preview.value.errors]}
                onChange={(g) => {
                  group.value = g;
                  dirty.value = true;
                }}
              />
              {saveError.value && !nameError && !serverErrors.some((x) => x.field.startsWith('filter')) ? <ErrorLine text={errorText(saveError.value)} /> : null}
              <div class="au-actions">
                {id ? (
                  <button type="button" class="btn btn-danger" onClick={() => void remove()}>
                    <Icon name="trash" size={16} /> Delete
                  </button>
                ) : null}
                <span class="muted small" aria-live="polite">
                  {dirty.value ? 'Unsaved changes' : id ? 'Saved' : ''}
                </span>
                {id && !dirty.value ? (
                  <a class="btn" href={`/inbox/messaging/broadcasts/new?audience=${encodeURIComponent(id)}`}>
                    Use in a broadcast
                  </a>
                ) : null}
                <button type="submit" class="btn btn-primary" disabled={busy.value}>
                  {busy.value ? 'Saving…' : id ? 'Save' : 'Save audience'}
                </button>
              </div>
            </form>
            <PreviewPanel state={preview.value} />
          </div>
        )}
      </ManagersOnly>
    </PageFrame>
  );
}
