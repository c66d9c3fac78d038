// The audience builder: nested AND/OR groups of conditions (audiences/model.ts), each condition a
// sentence of three controls (field, operator, value), and the live size with a sample from
// POST /api/audiences/preview, asked again 400 ms after the last change (the request before it aborted).
// Used by the audiences page and by the broadcast wizard's "build one for this broadcast".
import { useSignal, type Signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, ApiError, errorText, type FieldError } from '../../lib/api';
import { channelLabel, contactName, relativeTime, STATUS_LABEL } from '../../lib/format';
import { tags } from '../../state/session';
import { Icon } from '../../ui/Icon';
import { ListInput, PillChecks } from '../sla/parts';
import {
  ATTRIBUTE_PREFIX,
  attributeValue,
  CONVERSATION_STATUSES,
  DURATION_UNITS,
  emptyGroup,
  FIELDS,
  GROUP_MODES,
  incomplete,
  isGroup,
  isList,
  kindOf,
  newCondition,
  OPS,
  opKey,
  REACH_CHANNELS,
  serverPath,
  SUBSCRIPTION_VALUES,
  toFilter,
  withOp,
  type Group,
  type GroupMode,
  type Leaf,
  type Node,
  type SampleContact,
} from './model';

const MAX_GROUP_DEPTH = 3;

/** The filter editor. `errors` are the server's field errors (`filter.any.1.value`), shown on their node. */
export function FilterBuilder({ value, onChange, errors = [], id }: { value: Group; onChange: (g: Group) => void; errors?: FieldError[]; id: string }) {
  return (
    <div class="au-builder">
      <datalist id={`${id}-tags`}>
        {tags.value.map((t) => (
          <option key={t.id} value={t.name} />
        ))}
      </datalist>
      <GroupEditor group={value} root={value} path={[]} depth={0} id={id} errors={errors} onChange={(g) => onChange(g as Group)} />
    </div>
  );
}

function GroupEditor({ group, root, path, depth, id, errors, onChange, onRemove }: { group: Group; root: Group; path: number[]; depth: number; id: string; errors: FieldError[]; onChange: (n: Node) => void; onRemove?: () => void }) {
  const gid = `${id}-g${path.join('-')}`;
  const setItems = (items: Node[]) => onChange({ ...group, items });
  const joiner = group.mode === 'any' || group.mode === 'none' ? 'or' : 'and';
  const label = depth === 0 ? 'Contacts who match' : `Group ${path.map((i) => i + 1).join('.')}`;
  const here = serverPath(root, path);
  const own = errors.filter((e) => e.field === here || e.field === `${here}.${group.mode}`);
  return (
    <fieldset class={`au-group${depth ? ' au-group-nested' : ''}`} aria-label={label}>
      <legend class="au-group-legend">{label}</legend>
      <div class="au-group-head">
        <label class="au-inline" for={`${gid}-mode`}>
          Match
        </label>
        <select id={`${gid}-mode`} class="au-select" value={group.mode} onChange={(e) => onChange({ ...group, mode: e.currentTarget.value as GroupMode })}>
          {GROUP_MODES.map(([m, l]) => (
            <option key={m} value={m}>
              {l}
            </option>
          ))}
        </select>
        {onRemove ? (
          <button type="button" class="link small au-remove-group" onClick={onRemove}>
            Remove group
          </button>
        ) : null}
      </div>
      {own.map((e) => (
        <p key={e.message} class="form-error" role="alert">
          {e.message}
        </p>
      ))}
      <ul class="au-items">
        {group.items.map((n, i) => {
          const remove = group.items.length > 1 || depth > 0 ? () => setItems(group.items.filter((_, j) => j !== i)) : undefined;
          const put = (next: Node) => setItems(group.items.map((x, j) => (j === i ? next : x)));
          return (
            <li key={n.key} class="au-item">
              {i > 0 ? (
                <span class="au-joiner" aria-hidden="true">
                  {joiner}
                </span>
              ) : null}
              {isGroup(n) ? (
                <GroupEditor group={n} root={root} path={[...path, i]} depth={depth + 1} id={id} errors={errors} onChange={put} onRemove={() => setItems(group.items.filter((_, j) => j !== i))} />
              ) : (
                <ConditionRow cond={n} id={`${gid}-c${i}`} field={serverPath(root, [...path, i])} errors={errors} onChange={put} onRemove={remove} listId={`${id}-tags`} />
              )}
            </li>
          );
        })}
      </ul>
      <div class="au-group-add">
        <button type="button" class="btn btn-sm" onClick={() => setItems([...group.items, newCondition()])}>
          <Icon name="plus" size={14} /> Add condition
        </button>
        {depth < MAX_GROUP_DEPTH ? (
          <button type="button" class="btn btn-sm" onClick={() => setItems([...group.items, emptyGroup(group.mode === 'all' ? 'any' : 'all')])}>
            <Icon name="plus" size={14} /> Add group
          </button>
        ) : null}
      </div>
    </fieldset>
  );
}

function ConditionRow({ cond, id, field, errors, onChange, onRemove, listId }: { cond: Leaf; id: string; field: string; errors: FieldError[]; onChange: (c: Leaf) => void; onRemove?: () => void; listId: string }) {
  const kind = kindOf(cond.field);
  const isAttr = kind === 'attribute';
  const mine = errors.filter((e) => e.field === field || e.field.startsWith(`${field}.`));
  const bad = (k: string) => mine.some((e) => e.field === `${field}.${k}`);
  return (
    <div class={`au-cond${mine.length ? ' has-error' : ''}`} role="group" aria-label="Condition">
      <label class="sr-only" for={`${id}-field`}>
        Field
      </label>
      <select
        id={`${id}-field`}
        class="au-select"
        value={isAttr ? ATTRIBUTE_PREFIX : cond.field}
        aria-invalid={bad('field')}
        onChange={(e) => {
          const f = e.currentTarget.value;
          onChange({ ...newCondition(f === ATTRIBUTE_PREFIX ? `${ATTRIBUTE_PREFIX}${isAttr ? cond.field.slice(ATTRIBUTE_PREFIX.length) : ''}` : f), key: cond.key });
        }}
      >
        {FIELDS.map((f) => (
          <option key={f.field} value={f.field}>
            {f.label}
          </option>
        ))}
        <option value={ATTRIBUTE_PREFIX}>Contact attribute…</option>
      </select>
      {isAttr ? (
        <>
          <label class="sr-only" for={`${id}-attr`}>
            Attribute name
          </label>
          <input id={`${id}-attr`} class="au-input au-attr" placeholder="attribute, e.g. plan" value={cond.field.slice(ATTRIBUTE_PREFIX.length)} aria-invalid={bad('field')} onInput={(e) => onChange({ ...cond, field: `${ATTRIBUTE_PREFIX}${e.currentTarget.value.trim()}` })} />
        </>
      ) : null}
      <label class="sr-only" for={`${id}-op`}>
        Operator
      </label>
      <select id={`${id}-op`} class="au-select" value={opKey(cond)} aria-invalid={bad('op')} onChange={(e) => onChange(withOp(cond, e.currentTarget.value))}>
        {OPS[kind].map(([k, l]) => (
          <option key={k} value={k}>
            {l}
          </option>
        ))}
      </select>
      {cond.op === 'exists' ? null : <ValueControl cond={cond} id={`${id}-value`} invalid={bad('value')} onChange={(value) => onChange({ ...cond, value })} listId={listId} />}
      {onRemove ? (
        <button type="button" class="btn-icon au-cond-remove" aria-label="Remove condition" onClick={onRemove}>
          <Icon name="x" size={14} />
        </button>
      ) : null}
      {mine.map((e) => (
        <p key={e.field + e.message} class="form-error au-cond-error" role="alert">
          {e.message}
        </p>
      ))}
    </div>
  );
}

const PLACEHOLDER: Record<string, string> = { 'location.country': 'country code, e.g. ES', 'location.city': 'city, e.g. Lisbon', language: 'language code, e.g. en' };

function ValueControl({ cond, id, invalid, onChange, listId }: { cond: Leaf; id: string; invalid: boolean; onChange: (v: unknown) => void; listId: string }) {
  const kind = kindOf(cond.field);
  const v = cond.value;
  const label = (
    <label class="sr-only" for={id}>
      Value
    </label>
  );
  const select = (options: [string, string][]) => (
    <>
      {label}
      <select id={id} class="au-select" value={String(v ?? '')} aria-invalid={invalid} onChange={(e) => onChange(e.currentTarget.value)}>
        {options.map(([k, l]) => (
          <option key={k} value={k}>
            {l}
          </option>
        ))}
      </select>
    </>
  );
  const pills = (legend: string, options: [string, string][]) => (
    <fieldset class="au-pills">
      <legend class="sr-only">{legend}</legend>
      <PillChecks options={options} value={Array.isArray(v) ? (v as string[]) : []} onChange={onChange} />
    </fieldset>
  );
  const text = (placeholder: string, convert: (s: string) => unknown = (s) => s, list?: string) => (
    <>
      {label}
      <input id={id} class="au-input" value={v === undefined || v === null ? '' : String(v)} placeholder={placeholder} list={list} aria-invalid={invalid} onInput={(e) => onChange(convert(e.currentTarget.value))} />
    </>
  );
  const many = (placeholder: string, convert: (s: string) => unknown = (s) => s) => (
    <div class="au-list">
      <ListInput id={id} label="Values, separated by commas" value={Array.isArray(v) ? v.map(String) : []} placeholder={placeholder} onChange={(xs) => onChange(xs.map(convert))} />
    </div>
  );
  const channelOptions = REACH_CHANNELS.map((c): [string, string] => [c, channelLabel(c)]);
  const statusOptions = CONVERSATION_STATUSES.map((s): [string, string] => [s, STATUS_LABEL[s] ?? s]);
  switch (kind) {
    case 'tags':
      return isList(cond.op) ? many('vip, returning') : text('tag', (s) => s, listId);
    case 'channel':
      return isList(cond.op) ? pills('Channels', channelOptions) : select(channelOptions);
    case 'status':
      return isList(cond.op) ? pills('Statuses', statusOptions) : select(statusOptions);
    case 'subscription':
      return select(SUBSCRIPTION_VALUES);
    case 'count':
    case 'number':
      return (
        <>
          {label}
          <input
            id={id}
            class="au-input au-number"
            type="number"
            min={kind === 'count' ? 0 : undefined}
            step={kind === 'count' ? 1 : 'any'}
            value={typeof v === 'number' ? String(v) : ''}
            aria-invalid={invalid}
            onInput={(e) => onChange(e.currentTarget.value === '' ? '' : Number(e.currentTarget.value))}
          />
        </>
      );
    case 'time':
      return cond.op === 'within' || cond.op === 'olderThan' ? <DurationValue id={id} value={String(v ?? '30d')} invalid={invalid} onChange={onChange} /> : (
        <>
          {label}
          <input id={id} class="au-input" type="date" value={typeof v === 'string' ? v.slice(0, 10) : ''} aria-invalid={invalid} onInput={(e) => onChange(e.currentTarget.value)} />
        </>
      );
    case 'attribute':
      if (isList(cond.op)) return many('gold, silver', attributeValue);
      return text('value', cond.op === 'contains' ? (s) => s : attributeValue);
    default:
      return isList(cond.op) ? many(PLACEHOLDER[cond.field] ?? 'values') : text(PLACEHOLDER[cond.field] ?? 'value');
  }
}

/** "30 days" as the server's '30d'. */
function DurationValue({ id, value, invalid, onChange }: { id: string; value: string; invalid: boolean; onChange: (v: string) => void }) {
  const m = /^(\d*)([hdwmy])$/.exec(value);
  const n = m?.[1] ?? '30';
  const unit = m?.[2] ?? 'd';
  return (
    <span class="au-duration">
      <label class="sr-only" for={id}>
        How many
      </label>
      <input id={id} class="au-input au-number" type="number" min={1} max={9999} step={1} value={n} aria-invalid={invalid} onInput={(e) => onChange(`${e.currentTarget.value.replace(/\D/g, '')}${unit}`)} />
      <label class="sr-only" for={`${id}-unit`}>
        Unit
      </label>
      <select id={`${id}-unit`} class="au-select" value={unit} onChange={(e) => onChange(`${n}${e.currentTarget.value}`)}>
        {DURATION_UNITS.map(([k, l]) => (
          <option key={k} value={k}>
            {l}
          </option>
        ))}
      </select>
    </span>
  );
}

export interface PreviewState {
  count: number | null;
  sample: SampleContact[];
  loading: boolean;
  /** What the user still has to fill in, or the server's answer in words. */
  note: string;
  errors: FieldError[];
}

/** The live size of a filter: asked 400 ms after the last change, the previous request aborted. */
export function useAudiencePreview(group: Group): Signal<PreviewState> {
  const state = useSignal<PreviewState>({ count: null, sample: [], loading: false, note: '', errors: [] });
  const json = JSON.stringify(toFilter(group));
  useEffect(() => {
    const gap = incomplete(group);
    if (gap) {
      state.value = { ...state.value, loading: false, note: gap, errors: [] };
      return;
    }
    state.value = { ...state.value, loading: true };
    const ctl = new AbortController();
    const timer = setTimeout(() => {
      api<{ count: number; sample: SampleContact[] }>('/audiences/preview', { json: { filter: JSON.parse(json) }, signal: ctl.signal })
        .then((r) => (state.value = { count: r.count, sample: r.sample, loading: false, note: '', errors: [] }))
        .catch((err) => {
          if ((err as Error).name === 'AbortError') return;
          state.value = { ...state.value, loading: false, note: err instanceof ApiError && err.errors.length ? 'Fix the highlighted condition to see the size.' : errorText(err), errors: err instanceof ApiError ? err.errors : [] };
        });
    }, 400);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [json]);
  return state;
}

/** The live count and the sample of who matches. */
export function PreviewPanel({ state, title = 'Who matches' }: { state: PreviewState; title?: string }) {
  return (
    <section class="card au-preview" aria-labelledby="au-preview-title" aria-busy={state.loading}>
      <h2 id="au-preview-title">{title}</h2>
      <p class="au-count" aria-live="polite">
        {state.count === null ? (
          <span class="muted">{state.loading ? 'Counting…' : '—'}</span>
        ) : (
          <>
            <strong data-testid="audience-count">{state.count.toLocaleString()}</strong> {state.count === 1 ? 'contact' : 'contacts'}
            {state.loading ? <span class="muted small"> (updating…)</span> : null}
          </>
        )}
      </p>
      {state.note ? <p class={state.errors.length ? 'form-error' : 'muted small'}>{state.note}</p> : null}
      {state.sample.length ? (
        <>
          <h3 class="au-sample-title">{state.count !== null && state.count > state.sample.length ? `The ${state.sample.length} most recently active` : 'All of them'}</h3>
          <ul class="au-sample">
            {state.sample.map((c) => (
              <li key={c.id}>
                <span class="au-sample-name">{contactName(c)}</span>
                <span class="muted small">
                  {[c.email || c.phone, c.tags.length ? c.tags.join(', ') : null, c.lastActivityAt ? lastActive(c.lastActivityAt) : null].filter(Boolean).join(' · ')}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : state.count === 0 ? (
        <p class="muted small">Nobody matches yet. Loosen a condition or switch a group to “any of these”.</p>
      ) : null}
    </section>
  );
}

function lastActive(at: number): string {
  const r = relativeTime(at);
  if (r === 'now') return 'active now';
  return /^\d+[mhd]$/.test(r) ? `active ${r} ago` : `last active ${r}`;
}
