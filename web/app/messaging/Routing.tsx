// /inbox/messaging/routing (managers): the ordered rule list (first match wins) with drag-and-drop
// and keyboard reordering, the rule editor with a tester that runs the draft before it is saved, the
// default rule and presence timings, team assignment settings, the waiting queue and agents' load.
import { signal, useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { api, ApiError, errorText } from '../lib/api';
import { channelLabel } from '../lib/format';
import { inboxes, isManager, teamsById } from '../state/session';
import { toast } from '../state/toast';
import { Icon } from '../ui/Icon';
import { Modal } from '../ui/Modal';
import { ActionsEditor, ConditionList, OpChoice, Tester, type DraftRule } from './routing/editors';
import { describeActions, describeCondition, moveItem, type RoutingRule, type RuleActions } from './routing/logic';
import { AgentsPanel, DefaultPanel, QueuePanel, TeamsPanel, type RoutingSettings } from './routing/panels';

const rules = signal<RoutingRule[] | null>(null);
const settings = signal<RoutingSettings | null>(null);
const loadError = signal('');
/** What the page tester tries as the default rule (the default panel's unsaved edits). */
const draftDefault = signal<RuleActions | null | undefined>(undefined);
const announce = signal('');

const names = {
  team: (id: string | null) => (id ? (teamsById.value.get(id)?.name ?? 'a deleted team') : 'the workspace'),
  inbox: (id: string) => inboxes.value.find((i) => i.id === id)?.name ?? id,
  channel: channelLabel,
};

async function load(): Promise<void> {
  try {
    const [r, s] = await Promise.all([api<{ items: RoutingRule[] }>('/routing/rules'), api<RoutingSettings>('/routing/settings')]);
    rules.value = r.items;
    settings.value = s;
    loadError.value = '';
  } catch (err) {
    loadError.value = errorText(err);
  }
}

export function RoutingPage(_props: { id: string | null }) {
  const editing = useSignal<DraftRule | null>(null);
  useEffect(() => {
    void load();
  }, []);
  if (!isManager.value)
    return (
      <section class="page routing-page" aria-labelledby="routing-h">
        <h1 id="routing-h">Routing</h1>
        <p class="muted">Only managers can change routing.</p>
      </section>
    );
  const list = rules.value;
  return (
    <section class="page routing-page" aria-labelledby="routing-h">
      <header class="rt-head">
        <div>
          <h1 id="routing-h">Routing</h1>
          <p class="muted">Rules run top to bottom on every new or reopened conversation; the first that matches decides. Nothing matches: the default rule.</p>
        </div>
        <button type="button" class="btn btn-primary" onClick={() => (editing.value = { name: '', enabled: true, op: 'and', conditions: [], actions: { assign: true, teamId: null } })}>
          <Icon name="plus" size={16} /> New rule
        </button>
      </header>
      {loadError.value ? (
        <p class="form-error" role="alert">
          Could not load routing: {loadError.value}{' '}
          <button type="button" class="link" onClick={() => void load()}>
            Retry
          </button>
        </p>
      ) : null}
      <div class="rt-grid">
        <div class="rt-main">
          <section class="card rt-panel" aria-labelledby="rt-rules-h">
            <h2 id="rt-rules-h">Rules {list ? <span class="pill">{list.length}</span> : null}</h2>
            {list === null ? <p class="muted">Loading…</p> : list.length === 0 ? <p class="muted">No rules yet: every conversation gets the default rule.</p> : <RuleList list={list} onEdit={(r) => (editing.value = structuredClone(r))} />}
            <p class="sr-only" aria-live="polite">
              {announce.value}
            </p>
          </section>
          {settings.value ? (
            <DefaultPanel
              key={JSON.stringify(settings.value)}
              settings={settings.value}
              onSaved={(s) => {
                settings.value = s;
                draftDefault.value = undefined;
              }}
              onTry={(a) => (draftDefault.value = a)}
            />
          ) : null}
          <section class="card rt-panel">
            <Tester id="page-tester" defaultRule={draftDefault.value ?? undefined} />
          </section>
          <TeamsPanel />
        </div>
        <aside class="rt-side" aria-label="Live routing">
          <QueuePanel />
          <AgentsPanel />
        </aside>
      </div>
      {editing.value ? <RuleEditor draft={editing.value} onClose={() => (editing.value = null)} /> : null}
    </section>
  );
}

async function saveOrder(next: RoutingRule[], before: RoutingRule[]): Promise<void> {
  rules.value = next;
  try {
    rules.value = (await api<{ items: RoutingRule[] }>('/routing/rules/order', { method: 'PUT', json: { ids: next.map((r) => r.id) } })).items;
  } catch (err) {
    rules.value = before;
    toast(`Could not reorder: ${errorText(err)}`, 'error');
  }
}

function RuleList({ list, onEdit }: { list: RoutingRule[]; onEdit: (r: RoutingRule) => void }) {
  const drag = useSignal<{ id: string; from: number; over: number } | null>(null);
  const ol = useRef<HTMLOListElement>(null);

  function move(from: number, to: number, keepFocus = true) {
    if (to < 0 || to >= list.length || to === from) return;
    const rule = list[from];
    const act = (document.activeElement as HTMLElement | null)?.dataset.act ?? 'handle';
    void saveOrder(moveItem(list, from, to), list);
    announce.value = `“${rule.name}” moved to position ${to + 1} of ${list.length}`;
    if (keepFocus)
      requestAnimationFrame(() => {
        const row = ol.current?.querySelector(`[data-rule-id="${rule.id}"]`);
        (row?.querySelector<HTMLElement>(`[data-act="${act}"]:not(:disabled)`) ?? row?.querySelector<HTMLElement>('[data-act="handle"]'))?.focus();
      });
  }

  /** The row index the pointer is over (by the rows' vertical midpoints). */
  function indexAt(y: number): number {
    const rows = [...(ol.current?.querySelectorAll<HTMLElement>('.rt-rule') ?? [])];
    const i = rows.findIndex((r) => {
      const b = r.getBoundingClientRect();
      return y < b.top + b.height / 2;
    });
    return i < 0 ? rows.length - 1 : i;
  }

  async function toggle(r: RoutingRule, enabled: boolean) {
    rules.value = list.map((x) => (x.id === r.id ? { ...x, enabled } : x));
    try {
      await api(`/routing/rules/${r.id}`, { method: 'PATCH', json: { enabled } });
      toast(`“${r.name}” ${enabled ? 'enabled' : 'disabled'}`, 'success');
    } catch (err) {
      rules.value = list;
      toast(errorText(err), 'error');
    }
  }

  async function remove(r: RoutingRule) {
    if (!confirm(`Delete the rule “${r.name}”?`)) return;
    try {
      await api(`/routing/rules/${r.id}`, { method: 'DELETE' });
      rules.value = list.filter((x) => x.id !== r.id);
      toast('Rule deleted', 'success');
    } catch (err) {
      toast(errorText(err), 'error');
    }
  }

  const d = drag.value;
  return (
    <>
    <p id="rt-reorder-hint" class="sr-only">
      Reorder with the handle: drag it, or press Alt with the up or down arrow.
    </p>
    <ol class={`rt-rules${d ? ' dragging' : ''}`} ref={ol} aria-label="Routing rules, first match wins" aria-describedby="rt-reorder-hint">
      {list.map((r, i) => {
        const cls = d && d.over === i && d.from !== i ? (d.over < d.from ? ' drop-before' : ' drop-after') : '';
        return (
          <li
            key={r.id}
            class={`rt-rule${r.enabled ? '' : ' disabled'}${d?.id === r.id ? ' is-dragged' : ''}${cls}`}
            data-rule-id={r.id}
            onKeyDown={(e) => {
              if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
                e.preventDefault();
                move(i, i + (e.key === 'ArrowUp' ? -1 : 1));
              }
            }}
          >
            <button
              type="button"
              class="rt-handle"
              data-act="handle"
              aria-label={`Reorder “${r.name}”, position ${i + 1} of ${list.length}`}
              title="Drag to reorder (or Alt+↑/↓)"
              onPointerDown={(e) => {
                if (e.button !== 0) return;
                e.preventDefault();
                (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
                drag.value = { id: r.id, from: i, over: i };
              }}
              onPointerMove={(e) => {
                if (drag.value?.id === r.id) drag.value = { ...drag.value, over: indexAt(e.clientY) };
              }}
              onPointerUp={() => {
                const cur = drag.value;
                drag.value = null;
                if (cur && cur.id === r.id && cur.over !== cur.from) move(cur.from, cur.over, false);
              }}
              onPointerCancel={() => (drag.value = null)}
            >
              <span aria-hidden="true">⠿</span>
            </button>
            <span class="rt-pos" aria-hidden="true">
              {i + 1}
            </span>
            <div class="rt-rule-body">
              <strong class="rt-rule-name">{r.name}</strong>
              <span class="rt-rule-sum">
                {r.conditions.length ? `If ${r.conditions.map((c) => describeCondition(c, names)).join(r.op === 'or' ? ' OR ' : ' AND ')}` : 'Every conversation'} → {describeActions(r.actions, names)}
              </span>
            </div>
            <label class="rt-switch" title={r.enabled ? 'Enabled' : 'Disabled'}>
              <input type="checkbox" role="switch" checked={r.enabled} onChange={(e) => void toggle(r, e.currentTarget.checked)} />
              <span class="sr-only">Enabled: {r.name}</span>
            </label>
            <span class="rt-rule-actions">
              <button type="button" class="btn-icon tiny" data-act="up" aria-label={`Move “${r.name}” up`} disabled={i === 0} onClick={() => move(i, i - 1)}>
                ↑
              </button>
              <button type="button" class="btn-icon tiny" data-act="down" aria-label={`Move “${r.name}” down`} disabled={i === list.length - 1} onClick={() => move(i, i + 1)}>
                ↓
              </button>
              <button type="button" class="btn-icon" data-act="edit" aria-label={`Edit “${r.name}”`} onClick={() => onEdit(r)}>
                <Icon name="edit" size={15} />
              </button>
              <button type="button" class="btn-icon" data-act="delete" aria-label={`Delete “${r.name}”`} onClick={() => void remove(r)}>
                <Icon name="trash" size={15} />
              </button>
            </span>
          </li>
        );
      })}
    </ol>
    </>
  );
}

function RuleEditor({ draft, onClose }: { draft: DraftRule; onClose: () => void }) {
  const d = useSignal<DraftRule>(draft);
  const busy = useSignal(false);
  const errors = useSignal<string[]>([]);
  const r = d.value;
  const set = (patch: Partial<DraftRule>) => (d.value = { ...d.value, ...patch });

  async function save(e: Event) {
    e.preventDefault();
    busy.value = true;
    errors.value = [];
    const { id, ...body } = d.value;
    try {
      if (id) await api(`/routing/rules/${id}`, { method: 'PATCH', json: body });
      else await api('/routing/rules', { json: body });
      await load();
      toast(id ? 'Rule saved' : `Rule “${body.name}” added`, 'success');
      onClose();
    } catch (err) {
      errors.value = err instanceof ApiError && err.errors.length ? err.errors.map((x) => `${x.field}: ${x.message}`) : [errorText(err)];
    } finally {
      busy.value = false;
    }
  }

  return (
    <Modal title={r.id ? `Edit rule “${draft.name}”` : 'New routing rule'} onClose={onClose} wide>
      <form id="rule-form" class="form rt-editor" onSubmit={save}>
        <div class="rt-row">
          <label class="field grow">
            <span>Name</span>
            <input value={r.name} required maxLength={120} onInput={(e) => set({ name: e.currentTarget.value })} placeholder="e.g. Refunds to Billing" />
          </label>
          <label class="check-field">
            <input type="checkbox" checked={r.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} /> Enabled
          </label>
        </div>
        <fieldset class="fieldset">
          <legend>When</legend>
          <OpChoice name="rule-op" op={r.op} onChange={(op) => set({ op })} />
          <ConditionList conditions={r.conditions} onChange={(conditions) => set({ conditions })} />
        </fieldset>
        <fieldset class="fieldset">
          <legend>Then</legend>
          <ActionsEditor a={r.actions} name="rule" onChange={(actions) => set({ actions })} />
        </fieldset>
        {errors.value.length ? (
          <ul class="form-error" role="alert">
            {errors.value.map((x) => (
              <li key={x}>{x}</li>
            ))}
          </ul>
        ) : null}
      </form>
      {/* Its own form (forms do not nest): runs the draft in place of the saved rule, nothing is saved. */}
      <Tester id="rule-tester" rule={r} defaultRule={draftDefault.value ?? undefined} />
      <div class="form-actions rt-editor-foot">
        <button type="button" class="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" form="rule-form" class="btn btn-primary" disabled={busy.value}>
          {busy.value ? 'Saving…' : 'Save rule'}
        </button>
      </div>
    </Modal>
  );
}
