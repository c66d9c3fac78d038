// "Escalate…" from the thread header: a reason and, optionally, which escalation path to run
// (POST /api/conversations/:id/escalate). Part of the main chunk: the thread header opens it.
import { signal, useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, ApiError, errorText } from '../../lib/api';
import type { EscalationPath } from '../../lib/types';
import { toast } from '../../state/toast';
import { ErrorLine, FormActions, Options, runBusyText } from '../../ui/form';
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
        onSubmit={(e) => {
          e.preventDefault();
          if (!reason.value.trim()) {
            error.value = 'Say why this needs escalating.';
            return;
          }
          return runBusyText(
            busy,
            error,
            async () => {
              await api(`/conversations/${id}/escalate`, { json: { reason: reason.value.trim(), ...(pathId.value ? { pathId: pathId.value } : {}) } });
              toast('Conversation escalated', 'success');
              onClose();
            },
            (err) => (err instanceof ApiError ? (err.field('reason') ?? err.field('pathId') ?? errorText(err)) : errorText(err)),
          );
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
            <Options of={manual} value={(p) => p.id} label={(p) => p.name} />
            <Options of={others} value={(p) => p.id} label={(p) => `${p.name} (not a manual trigger)`} />
          </select>
        </label>
        <ErrorLine text={error.value} id="escalate-error" />
        <FormActions onCancel={onClose} disabled={busy.value}>
          Escalate
        </FormActions>
      </form>
    </Modal>
  );
}
