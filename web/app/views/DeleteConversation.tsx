// "Delete conversation…" (managers): a confirmation dialog, then DELETE /api/conversations/:id. The
// list drops it here at once; other agents' lists drop it from the live `removed` frame.
import { signal, useSignal } from '@preact/signals';
import { api, errorText } from '../lib/api';
import { navigate } from '../lib/router';
import { removeConversation } from '../state/inbox';
import { listHref } from '../state/route';
import { toast } from '../state/toast';
import { ErrorLine, FormActions } from '../ui/form';
import { Modal } from '../ui/Modal';

/** The conversation the dialog is open for (with the customer's name for the question), or null. */
export const deleteFor = signal<{ id: string; who: string } | null>(null);

export function DeleteConversationDialog() {
  const target = deleteFor.value;
  if (!target) return null;
  return <DeleteForm {...target} onClose={() => (deleteFor.value = null)} />;
}

function DeleteForm({ id, who, onClose }: { id: string; who: string; onClose: () => void }) {
  const error = useSignal('');
  const busy = useSignal(false);
  return (
    <Modal title="Delete conversation" onClose={onClose}>
      <form
        class="form delete-conversation"
        onSubmit={async (e) => {
          e.preventDefault();
          busy.value = true;
          error.value = '';
          try {
            await api(`/conversations/${id}`, { method: 'DELETE' });
            onClose();
            removeConversation(id);
            navigate(listHref());
            toast('Conversation deleted', 'success');
          } catch (err) {
            error.value = errorText(err);
          } finally {
            busy.value = false;
          }
        }}
      >
        <p>
          Delete the conversation with {who}? Its messages and notes are removed for everyone and cannot be brought back. {who} stays in your contacts.
        </p>
        <ErrorLine text={error.value} />
        <FormActions onCancel={onClose} submitClass="btn btn-danger" disabled={busy.value}>
          {busy.value ? 'Deleting…' : 'Delete'}
        </FormActions>
      </form>
    </Modal>
  );
}
