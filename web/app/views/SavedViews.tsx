// The saved-view dialogs (a lazy chunk): "Save view" (a new one, or update the one the list came from)
// and "Manage views" (rename, reorder, share, delete). Shared views of others are listed read-only.
import { useSignal } from '@preact/signals';
import { errorText } from '../lib/api';
import { channelLabel, PRIORITY_LABEL, STATUS_LABEL } from '../lib/format';
import { navigate } from '../lib/router';
import { refreshCountsSoon } from '../state/inbox';
import { TIME_FIELDS, TIME_RANGES } from '../state/route';
import {
  activeSavedView,
  createSavedView,
  currentSavedFilters,
  deleteSavedView,
  reorderSavedViews,
  savedHref,
  savedViewChanged,
  savedViewDialog,
  savedViews,
  updateSavedView,
  type SavedFilters,
  type SavedView,
} from '../state/saved-views';
import { inboxes, isManager, myId, teamsById, usersById } from '../state/session';
import { toast } from '../state/toast';
import { ErrorLine, FormActions } from '../ui/form';
import { Icon } from '../ui/Icon';
import { Modal } from '../ui/Modal';

export function SavedViewDialog() {
  const close = () => (savedViewDialog.value = null);
  return savedViewDialog.value === 'manage' ? <ManageViews onClose={close} /> : <SaveView onClose={close} />;
}

const SLA_LABEL: Record<string, string> = { breached: 'SLA breached', warning: 'SLA warning', breaching_soon: 'SLA breaching soon', ok: 'SLA on track' };

/** A filter in plain words, for the dialog to say what will be saved. */
export function describeFilters(f: SavedFilters): string[] {
  const out: string[] = [];
  const list = (xs: string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}` : xs[0]);
  out.push(f.status?.length ? list(f.status.map((s) => STATUS_LABEL[s] ?? s)) : 'Any status');
  if (f.assignee) out.push(f.assignee === 'me' ? 'Assigned to me' : f.assignee === 'unassigned' ? 'Unassigned' : f.assignee === 'others' ? 'Assigned to others' : `Assigned to ${usersById.value.get(f.assignee)?.name ?? 'an agent'}`);
  if (f.channels?.length) out.push(list(f.channels.map(channelLabel)));
  if (f.teamId) out.push(`Team ${teamsById.value.get(f.teamId)?.name ?? ''}`.trim());
  if (f.inboxId) out.push(`Inbox ${inboxes.value.find((i) => i.id === f.inboxId)?.name ?? ''}`.trim());
  if (f.priorities?.length) out.push(`${list(f.priorities.map((p) => PRIORITY_LABEL[p] ?? p))} priority`);
  if (f.tags?.length) out.push(`Tagged ${f.tagMode === 'any' ? list(f.tags) : f.tags.join(' and ')}`);
  if (f.sla?.length) out.push(list(f.sla.map((s) => SLA_LABEL[s] ?? s)));
  if (f.time) {
    const on = TIME_FIELDS.find((t) => t.key === (f.time!.on === 'updated' ? '' : f.time!.on))?.label ?? 'Any change';
    const range =
      f.time.range === 'custom'
        ? [f.time.from !== undefined ? `from ${new Date(f.time.from).toLocaleDateString()}` : '', f.time.to !== undefined ? `to ${new Date(f.time.to - 1).toLocaleDateString()}` : ''].filter(Boolean).join(' ')
        : (TIME_RANGES.find((t) => t.key === f.time!.range)?.label ?? '').toLowerCase();
    out.push(`${on}: ${range}`);
  }
  if (f.q) out.push(`Matching “${f.q}”`);
  if (f.unread) out.push('Unread');
  if (f.escalated) out.push('Escalated');
  if (f.flagged) out.push('Flagged');
  if (f.archived) out.push('Archived');
  return out;
}

function SaveView({ onClose }: { onClose: () => void }) {
  const active = activeSavedView.value;
  const canUpdate = !!active && active.editable && savedViewChanged.value;
  const mode = useSignal<'update' | 'new'>(canUpdate ? 'update' : 'new');
  const name = useSignal('');
  const shared = useSignal(false);
  const error = useSignal('');
  const busy = useSignal(false);
  const f = currentSavedFilters.value;
  return (
    <Modal title="Save view" onClose={onClose}>
      <form
        class="form saved-view-form"
        onSubmit={async (e) => {
          e.preventDefault();
          busy.value = true;
          error.value = '';
          try {
            const view = mode.value === 'update' && active ? await updateSavedView(active.id, { filters: f }) : await createSavedView(name.value.trim(), f, shared.value);
            onClose();
            navigate(savedHref(view));
            refreshCountsSoon(300);
            toast(mode.value === 'update' ? `Updated the view “${view.name}”` : `Saved the view “${view.name}”`, 'success');
          } catch (err) {
            error.value = errorText(err);
          } finally {
            busy.value = false;
          }
        }}
      >
        <p class="muted">This list shows:</p>
        <ul class="saved-view-summary">
          {describeFilters(f).map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
        {canUpdate ? (
          <fieldset class="radio-group">
            <legend class="sr-only">Save how</legend>
            <label class="check-field">
              <input type="radio" name="save-mode" checked={mode.value === 'update'} onChange={() => (mode.value = 'update')} /> Update “{active!.name}”
            </label>
            <label class="check-field">
              <input type="radio" name="save-mode" checked={mode.value === 'new'} onChange={() => (mode.value = 'new')} /> Save as a new view
            </label>
          </fieldset>
        ) : null}
        {mode.value === 'new' ? (
          <>
            <label class="field">
              <span>Name</span>
              <input id="saved-view-name" type="text" required maxLength={80} value={name.value} onInput={(e) => (name.value = e.currentTarget.value)} placeholder="For example: Urgent WhatsApp" autoFocus />
            </label>
            {isManager.value ? (
              <label class="check-field">
                <input type="checkbox" checked={shared.value} onChange={(e) => (shared.value = e.currentTarget.checked)} /> Share with the whole workspace (others can use it, not change it)
              </label>
            ) : null}
          </>
        ) : null}
        <ErrorLine text={error.value} />
        <FormActions onCancel={onClose} disabled={busy.value || (mode.value === 'new' && !name.value.trim())}>
          {busy.value ? 'Saving…' : mode.value === 'update' ? 'Update view' : 'Save view'}
        </FormActions>
      </form>
    </Modal>
  );
}

function ManageViews({ onClose }: { onClose: () => void }) {
  const views = savedViews.value;
  const own = views.filter((v) => v.ownerId === myId.value);
  const others = views.filter((v) => v.ownerId !== myId.value);
  const error = useSignal('');
  const run = async (what: () => Promise<unknown>) => {
    error.value = '';
    try {
      await what();
    } catch (err) {
      error.value = errorText(err);
    }
  };
  const move = (i: number, by: number) => {
    const ids = own.map((v) => v.id);
    const [id] = ids.splice(i, 1);
    ids.splice(i + by, 0, id);
    void run(() => reorderSavedViews(ids));
  };
  return (
    <Modal title="Manage views" onClose={onClose} wide>
      <ErrorLine text={error.value} />
      {own.length ? (
        <>
          <h3 class="saved-views-heading">Your views</h3>
          <ol class="saved-views-list">
            {own.map((v, i) => (
              <ViewRow key={v.id} view={v} first={i === 0} last={i === own.length - 1} onMove={(by) => move(i, by)} run={run} />
            ))}
          </ol>
        </>
      ) : (
        <p class="muted">You have no saved views yet. Filter the list, then choose “Save view”.</p>
      )}
      {others.length ? (
        <>
          <h3 class="saved-views-heading">Shared with everyone</h3>
          <ul class="saved-views-list">
            {others.map((v) => (v.editable ? <ViewRow key={v.id} view={v} run={run} /> : <SharedRow key={v.id} view={v} />))}
          </ul>
        </>
      ) : null}
      <div class="form-actions">
        <button type="button" class="btn btn-primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Modal>
  );
}

function SharedRow({ view }: { view: SavedView }) {
  return (
    <li class="saved-view-row">
      <Icon name="globe" size={16} />
      <span class="saved-view-name">{view.name}</span>
      <span class="muted">Shared by {view.ownerName ?? 'a manager'}</span>
    </li>
  );
}

function ViewRow({ view, first, last, onMove, run }: { view: SavedView; first?: boolean; last?: boolean; onMove?: (by: number) => void; run: (what: () => Promise<unknown>) => Promise<void> }) {
  const name = useSignal(view.name);
  const confirming = useSignal(false);
  const rename = () => {
    const next = name.value.trim();
    if (!next || next === view.name) {
      name.value = view.name;
      return;
    }
    void run(() => updateSavedView(view.id, { name: next }));
  };
  return (
    <li class="saved-view-row">
      <label class="saved-view-name-field">
        <span class="sr-only">Name of the view {view.name}</span>
        <input type="text" maxLength={80} value={name.value} onInput={(e) => (name.value = e.currentTarget.value)} onBlur={rename} onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), rename())} />
      </label>
      {onMove ? (
        <span class="saved-view-move">
          <button type="button" class="btn-icon" aria-label={`Move ${view.name} up`} disabled={first} onClick={() => onMove(-1)}>
            <Icon name="up" size={16} />
          </button>
          <button type="button" class="btn-icon" aria-label={`Move ${view.name} down`} disabled={last} onClick={() => onMove(1)}>
            <Icon name="down" size={16} />
          </button>
        </span>
      ) : null}
      {isManager.value ? (
        <label class="check-field saved-view-share">
          <input type="checkbox" checked={view.shared} onChange={(e) => void run(() => updateSavedView(view.id, { shared: e.currentTarget.checked }))} /> Shared
        </label>
      ) : null}
      {confirming.value ? (
        <span class="saved-view-confirm">
          <button type="button" class="btn btn-sm btn-danger" onClick={() => void run(() => deleteSavedView(view.id))}>
            Delete {view.name}
          </button>
          <button type="button" class="btn btn-sm" onClick={() => (confirming.value = false)}>
            Keep
          </button>
        </span>
      ) : (
        <button type="button" class="btn-icon" aria-label={`Delete ${view.name}`} onClick={() => (confirming.value = true)}>
          <Icon name="trash" size={16} />
        </button>
      )}
    </li>
  );
}
