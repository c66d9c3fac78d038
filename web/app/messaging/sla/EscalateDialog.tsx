// "Escalate…" from the thread header: a reason and, optionally, which escalation path to run
// (POST /api/conversations/:id/escalate). Part of the main chunk: the thread header opens it.
import { signal, useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, ApiError, errorText } from '../../lib/api';
import type { EscalationPath } from '../../lib/types';
import { toast } from '../../state/toast';
import { Modal } from '../../ui/Modal';

/** The conversation the dialog is open for, or null. */
export const escalateFor = signal<string | null>(null);

export function EscalateDialog() {
  const id = escalateFor.value;
  if (!id) return null;
  return <EscalateForm id={id} onClose={() => (escalateFor.value = null)} />;
}

function EscalateForm({ id, onClose }: { id: string; onClose: () => void }) {
  const reason = useSignal('');
  const pathId = useSignal('');
  const paths = useSignal<EscalationPath[] | null>(null);
  const error = useSignal('');
  const busy = useSignal(false);
  useEffect(() => {
    // Staff may not read the paths; the server then picks the first manual path.
    api<{ items: EscalationPath[] }>('/escalations/paths')
      .then((r) => (paths.value = r.items.filter((p) => p.enabled)))
      .catch(() => (paths.value = []));
  }, []);
  const manual = (paths.value ?? []).filter((p) => p.triggers.includes('manual'));
  const others = (paths.value ?? []).filter((p) => !p.triggers.includes('manual'));
  return (
    <Modal title="Escalate conversation" onClose={onClose}>
      <form
        class="form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!reason.value.trim()) {
            error.value = 'Say why this needs escalating.';
            return;
          }
          busy.value = true;
          error.value = '';
          try {
            await api(`/conversations/${id}/escalate`, { json: { reason: reason.value.trim(), ...(pathId.value ? { pathId: pathId.value } : {}) } });
            toast('Conversation escalated', 'success');
            onClose();
          } catch (err) {
            error.value = err instanceof ApiError ? (err.field('reason') ?? err.field('pathId') ?? errorText(err)) : errorText(err);
          } finally {
            busy.value = false;
          }
        }}
      >
        <label class="field">
          <span>Reason</span>
          <textarea id="escalate-reason" rows={3} value={reason.value} onInput={(e) => (reason.value = e.currentTarget.value)} placeholder="e.g. Guest locked out, needs a manager" required aria-invalid={!!error.value} aria-describedby={error.value ? 'escalate-error' : undefined} />
        </label>
        <label class="field">
          <span>Escalation path</span>
          <select value={pathId.value} onChange={(e) => (pathId.value = e.currentTarget.value)} disabled={paths.value === null}>
            <option value="">Default (first manual path)</option>
            {manual.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
            {others.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} (not a manual trigger)
              </option>
            ))}
          </select>
        </label>
        {error.value ? (
          <p class="form-error" id="escalate-error" role="alert">
            {error.value}
          </p>
        ) : null}
        <div class="form-actions">
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy.value}>
            Escalate
          </button>
        </div>
      </form>
    </Modal>
  );
}
