// Batch actions over the selected conversations, through POST /api/conversations/bulk (and
// /bulk/export for downloads), the delete confirmation and the dialog with each conversation's result.
import { signal } from '@preact/signals';
import { errorText } from '../lib/api';
import { plural } from '../lib/format';
import { downloadExport } from '../state/bulk-export';
import { BULK_LIMIT, bulkBusy, bulkResult, counts, items, listQuery, runBulk, selectAll, selectAllMatching, selected } from '../state/inbox';
import { activeUsers, isManager, myId, presenceOf, tags, teams } from '../state/session';
import { toast } from '../state/toast';
import { Avatar } from '../ui/Avatar';
import { Icon } from '../ui/Icon';
import { Modal } from '../ui/Modal';
import { Dropdown, MenuItem } from '../ui/Popover';
import { snoozePresets } from './snooze';

/** How many the batch delete dialog is asking about, or null when it is closed. */
const confirmDelete = signal<number | null>(null);

async function exportSelection(format: 'csv' | 'json'): Promise<void> {
  const target = selectAllMatching.value ? { filter: listQuery.value as Record<string, string> } : { ids: [...selected.value] };
  bulkBusy.value = true;
  try {
    await downloadExport(target, format);
    toast(`Exported as ${format.toUpperCase()}`, 'success');
  } catch (err) {
    toast(`Export failed: ${errorText(err)}`, 'error');
  } finally {
    bulkBusy.value = false;
  }
}

/** The list's size for the status tab on show (what "select all matching" would take). */
function matchingTotal(): number {
  const c = counts.value;
  if (!c) return 0;
  const status = listQuery.value.status as keyof typeof c | undefined;
  return status && status in c ? c[status] : c.all;
}

export function BulkBar() {
  const n = selected.value.size;
  const all = items.value.length;
  const busy = bulkBusy.value;
  const total = matchingTotal();
  const matching = selectAllMatching.value;
  const shown = matching ? Math.min(total, BULK_LIMIT) : n;
  return (
    <div class="bulk-bar" role="toolbar" aria-label={`Batch actions for ${plural(shown, 'selected conversation')}`}>
      <div class="bulk-line">
        <input type="checkbox" class="select-all" aria-label="Select all conversations in view" checked={n === all} ref={(el) => {
            if (el) el.indeterminate = n > 0 && n < all;
          }} onChange={(e) => selectAll(e.currentTarget.checked)} />
        <span class="bulk-count" aria-live="polite">
          {matching ? `All ${shown} selected` : `${n} selected`}
        </span>
        <span class="spacer" />
        <button type="button" class="btn btn-sm" disabled={busy} onClick={() => void runBulk('close', {}, 'resolve')}>
          <Icon name="check" size={15} /> Resolve
        </button>
        <Dropdown id="bulk-assign" class="btn btn-sm btn-ghost" label={<>Assign <Icon name="down" size={12} /></>} disabled={busy} align="right">
          {(close) => (
            <div role="menu" aria-label="Assign to" class="bulk-menu">
              <MenuItem
                onSelect={() => {
                  close();
                  void runBulk('assign', { assigneeId: myId.value }, 'assign');
                }}
              >
                <Icon name="user" /> Me
              </MenuItem>
              <MenuItem
                onSelect={() => {
                  close();
                  void runBulk('assign', { assigneeId: null }, 'unassign');
                }}
              >
                <Icon name="x" /> Unassign
              </MenuItem>
              <div class="menu-sep" />
              {activeUsers.value
                .filter((u) => u.id !== myId.value)
                .map((u) => (
                  <MenuItem
                    key={u.id}
                    onSelect={() => {
                      close();
                      void runBulk('assign', { assigneeId: u.id }, 'assign');
                    }}
                  >
                    <Avatar name={u.name} seed={u.id} size={20} presence={presenceOf(u.id)} /> {u.name}
                  </MenuItem>
                ))}
              {/* Teams in the same menu: the bar keeps to one line in the list column. */}
              <div class="menu-sep" />
              <div class="menu-label">Team</div>
              {teams.value.map((t) => (
                <MenuItem
                  key={t.id}
                  onSelect={() => {
                    close();
                    void runBulk('team', { teamId: t.id }, `assign to ${t.name}`);
                  }}
                >
                  <Icon name="users" /> {t.name}
                </MenuItem>
              ))}
              <MenuItem
                onSelect={() => {
                  close();
                  void runBulk('team', { teamId: null }, 'remove from team');
                }}
              >
                <Icon name="x" /> No team
              </MenuItem>
            </div>
          )}
        </Dropdown>
        {/* Everything else in one menu; the bar wraps to a second line where the column is too narrow. */}
        <Dropdown id="bulk-more" class="btn btn-sm btn-ghost" title="More batch actions" label={<><Icon name="more" size={16} /><span class="sr-only">More batch actions</span></>} disabled={busy} align="right">
          {(close) => (
            <div role="menu" aria-label="More batch actions" class="bulk-menu">
              <MenuItem
                onSelect={() => {
                  close();
                  void runBulk('reopen', {}, 'reopen');
                }}
              >
                <Icon name="undo" /> Reopen
              </MenuItem>
              <div class="menu-sep" />
              <div class="menu-label">Snooze until</div>
              {snoozePresets().map((p) => (
                <MenuItem
                  key={p.label}
                  onSelect={() => {
                    close();
                    void runBulk('snooze', { snoozeUntil: p.at }, 'snooze');
                  }}
                >
                  <Icon name="clock" /> {p.label} <span class="menu-hint">{p.hint}</span>
                </MenuItem>
              ))}
              <div class="menu-sep" />
              <div class="menu-label">Priority</div>
              {(['urgent', 'high', 'normal', 'low'] as const).map((p) => (
                <MenuItem
                  key={p}
                  onSelect={() => {
                    close();
                    void runBulk('priority', { priority: p }, `set priority ${p}`);
                  }}
                >
                  <span class={`prio-dot prio-${p}`} /> {p[0].toUpperCase() + p.slice(1)}
                </MenuItem>
              ))}
              <div class="menu-sep" />
              <div class="menu-label">Add tag</div>
              {tags.value.length === 0 ? <div class="menu-note">No tags yet.</div> : null}
              {tags.value.map((t) => (
                <MenuItem
                  key={t.id}
                  onSelect={() => {
                    close();
                    void runBulk('tag', { tags: [t.name] }, `tag "${t.name}"`);
                  }}
                >
                  <Icon name="tag" /> {t.name}
                </MenuItem>
              ))}
              <div class="menu-sep" />
              <div class="menu-label">Export</div>
              <MenuItem
                onSelect={() => {
                  close();
                  void exportSelection('csv');
                }}
              >
                <Icon name="download" /> Export as CSV
              </MenuItem>
              <MenuItem
                onSelect={() => {
                  close();
                  void exportSelection('json');
                }}
              >
                <Icon name="download" /> Export as JSON
              </MenuItem>
              {isManager.value ? (
                <>
                  <div class="menu-sep" />
                  <MenuItem
                    danger
                    onSelect={() => {
                      close();
                      confirmDelete.value = shown;
                    }}
                  >
                    <Icon name="trash" /> Delete…
                  </MenuItem>
                </>
              ) : null}
            </div>
          )}
        </Dropdown>
        <button type="button" class="btn-icon" aria-label="Clear selection" title="Clear selection (Esc)" onClick={() => selectAll(false)}>
          <Icon name="x" size={16} />
        </button>
      </div>
      {/* Every loaded row is selected and the list has more: offer the whole list (the server finds them, up to the limit). */}
      {!matching && n > 0 && n === all && total > all ? (
        <div class="bulk-line bulk-more-line">
          <button type="button" class="btn-link" onClick={() => (selectAllMatching.value = true)}>
            Select all {Math.min(total, BULK_LIMIT)} matching{total > BULK_LIMIT ? ` (of ${total}; ${BULK_LIMIT} at a time)` : ''}
          </button>
        </div>
      ) : matching ? (
        <div class="bulk-line bulk-more-line">
          <span class="muted">Every conversation in this list{total > BULK_LIMIT ? `, the first ${BULK_LIMIT}` : ''}.</span>
          <button type="button" class="btn-link" onClick={() => selectAll(false)}>
            Clear
          </button>
        </div>
      ) : null}
    </div>
  );
}

/** "Delete…" (managers): names how many go, then deletes them; there is no undo. */
export function BulkDeleteDialog() {
  const n = confirmDelete.value;
  if (n === null) return null;
  const close = () => (confirmDelete.value = null);
  return (
    <Modal title={`Delete ${plural(n, 'conversation')}?`} onClose={close}>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          close();
          void runBulk('delete', {}, 'delete');
        }}
      >
        <p>
          {n === 1 ? 'The selected conversation' : `All ${n} selected conversations`} and their messages and notes are removed for everyone and cannot be brought back. The customers stay in your contacts.
        </p>
        <div class="form-actions">
          <button type="button" class="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" class="btn btn-danger">
            Delete {plural(n, 'conversation')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function BulkResultDialog() {
  const r = bulkResult.value;
  if (!r) return null;
  return (
    <Modal title={`Batch ${r.action}: ${r.succeeded} done${r.failed ? `, ${r.failed} failed` : ''}`} onClose={() => (bulkResult.value = null)}>
      <p class={r.failed ? 'form-error' : 'muted'} role="status">
        {r.failed ? `${plural(r.failed, 'conversation')} could not be changed; they stay selected so you can try again.` : `All ${plural(r.succeeded, 'conversation')} updated.`}
      </p>
      <ul class="bulk-results">
        {r.results.map((x) => (
          <li key={x.id} class={x.ok ? 'ok' : 'failed'}>
            <span aria-hidden="true">{x.ok ? '✓' : '✕'}</span>
            <span class="bulk-name">{r.labels[x.id] ?? x.id}</span>
            <span class="muted">{x.ok ? 'Done' : `${x.error ?? 'Failed'} (${x.status})`}</span>
          </li>
        ))}
      </ul>
      <div class="modal-actions">
        <button type="button" class="btn btn-primary" onClick={() => (bulkResult.value = null)}>
          OK
        </button>
      </div>
    </Modal>
  );
}
