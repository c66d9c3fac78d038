// Resolving one conversation (the Resolve button, Ctrl/Cmd+3, Alt+4) asks for a closing note first,
// prefilled with the conversation's summary when there is one (or on request): kept as an internal
// note by POST /api/conversations/:id/resolve. The workspace setting `closingNotePrompt` (default on)
// decides whether to ask; batch Resolve never asks. Escape cancels and leaves the conversation open.
import { signal, useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import type { Conversation } from '../lib/types';
import { patchItem, refreshCountsSoon } from '../state/inbox';
import { me } from '../state/session';
import { conversation, patchConversation, setConversation, threadId } from '../state/thread';
import { toast } from '../state/toast';
import { ErrorLine } from '../ui/form';
import { Modal } from '../ui/Modal';

/** The conversation the closing-note dialog is open for, or null. */
export const resolveFor = signal<string | null>(null);

export function asksForClosingNote(): boolean {
  return me.value?.workspace?.settings?.closingNotePrompt !== false;
}

/** Resolve the open conversation: through the closing-note dialog when the workspace asks for one. */
export function requestResolve(): void {
  const c = conversation.value;
  if (!c || c.status === 'closed') return;
  if (asksForClosingNote()) resolveFor.value = c.id;
  else void patchConversation({ status: 'closed' }, 'Conversation resolved');
}

export function ResolveDialog() {
  const id = resolveFor.value;
  if (!id || threadId.value !== id) return null;
  return <ResolveForm key={id} id={id} onClose={() => (resolveFor.value = null)} />;
}

function ResolveForm({ id, onClose }: { id: string; onClose: () => void }) {
  const note = useSignal('');
  const summarized = useSignal<'loading' | 'none' | 'shown' | 'working'>('loading');
  const busy = useSignal(false);
  const error = useSignal('');
  const clientId = useRef(`close_${crypto.randomUUID()}`);
  const area = useRef<HTMLTextAreaElement>(null);
  const touched = useRef(false);

  useEffect(() => {
    let live = true;
    api<{ summary: string | null }>(`/conversations/${id}/summary`).then(
      (s) => {
        if (!live) return;
        // The agent may have started typing while it loaded: theirs stands.
        if (s.summary && !touched.current) note.value = s.summary;
        summarized.value = s.summary ? 'shown' : 'none';
      },
      () => live && (summarized.value = 'none'),
    );
    area.current?.focus();
    return () => {
      live = false;
    };
  }, [id]);

  async function summarize() {
    summarized.value = 'working';
    try {
      const s = await api<{ summary: string }>(`/conversations/${id}/summary`, { method: 'POST' });
      note.value = note.value.trim() && touched.current ? `${note.value.trim()}\n\n${s.summary}` : s.summary;
      summarized.value = 'shown';
      area.current?.focus();
    } catch (err) {
      summarized.value = 'none';
      error.value = `Could not summarize: ${errorText(err)}`;
    }
  }

  async function resolve(withNote: boolean) {
    busy.value = true;
    error.value = '';
    try {
      const text = withNote ? note.value.trim() : '';
      const res = await api<{ conversation: Conversation }>(`/conversations/${id}/resolve`, { json: text ? { note: text, clientId: clientId.current } : {} });
      if (threadId.value === id) setConversation(res.conversation);
      patchItem(id, { status: 'closed' });
      refreshCountsSoon(1500);
      onClose();
      toast(text ? 'Resolved with a closing note' : 'Conversation resolved', 'success');
    } catch (err) {
      error.value = errorText(err);
    } finally {
      busy.value = false;
    }
  }

  return (
    <Modal title="Resolve conversation" onClose={onClose}>
      <form
        class="form resolve-form"
        onSubmit={(e) => {
          e.preventDefault();
          void resolve(true);
        }}
      >
        <label class="field">
          <span>Closing note</span>
          <textarea
            ref={area}
            rows={6}
            maxLength={5000}
            value={note.value}
            placeholder="What was the outcome? Only your team sees this."
            aria-describedby="resolve-hint"
            onInput={(e) => {
              touched.current = true;
              note.value = e.currentTarget.value;
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                void resolve(true);
              }
            }}
          />
        </label>
        <p class="muted small resolve-hint" id="resolve-hint">
          {summarized.value === 'loading'
            ? 'Looking for the summary…'
            : summarized.value === 'shown'
              ? 'Prefilled with the conversation summary: edit it as you like. Saved as an internal note.'
              : 'Saved as an internal note. No summary yet.'}{' '}
          {summarized.value === 'none' || summarized.value === 'working' ? (
            <button type="button" class="btn-link" disabled={summarized.value === 'working'} onClick={() => void summarize()}>
              {summarized.value === 'working' ? 'Summarizing…' : 'Summarize the conversation'}
            </button>
          ) : null}
        </p>
        <ErrorLine text={error.value} />
        <div class="form-actions resolve-actions">
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" class="btn" disabled={busy.value} onClick={() => void resolve(false)}>
            Resolve without note
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy.value || !note.value.trim()}>
            {busy.value ? 'Resolving…' : 'Resolve'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
