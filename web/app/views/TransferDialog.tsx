// Manual routing on the open conversation: transfer to an agent or a team with a note
// (POST /api/conversations/:id/transfer; Shift+T), and take over from a bot or the AI assistant
// (POST /api/conversations/:id/takeover, which also assigns it to you).
import { signal, useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, ApiError, errorText } from '../lib/api';
import type { Conversation } from '../lib/types';
import { assistant, assistantFor } from '../state/assistant';
import { myId, teams } from '../state/session';
import { conversation, setConversation } from '../state/thread';
import { toast } from '../state/toast';
import { Icon } from '../ui/Icon';
import { ErrorLine, FormActions, Options, runBusyText } from '../ui/form';
import { Modal } from '../ui/Modal';
import { openMenu } from '../ui/Popover';
import { AgentPicker, agentPresence, PRESENCE_LABEL, type AgentInfo } from './AgentPicker';

export const transferOpen = signal(false);

interface ManualResult {
  conversation: Conversation;
  decision: { outcome: string; assigneeName: string | null; teamName: string | null; reason: string } | null;
}

export async function takeOver(conversationId: string): Promise<boolean> {
  try {
    const res = await api<ManualResult>(`/conversations/${conversationId}/takeover`, { method: 'POST' });
    setConversation(res.conversation);
    if (assistantFor.value === conversationId && assistant.value) assistant.value = { ...assistant.value, state: 'taken_over', byUserId: myId.value };
    toast('You took over the conversation', 'success');
    return true;
  } catch (err) {
    toast(`Could not take over: ${errorText(err)}`, 'error');
    return false;
  }
}

/** The header's Transfer button; Shift+T opens it too (when no field, menu or dialog has the keyboard). */
export function TransferButton() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.key !== 'T' || !e.shiftKey || e.ctrlKey || e.metaKey || e.altKey) return;
      const el = document.activeElement as HTMLElement | null;
      if (el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable)) return;
      if (document.querySelector('dialog[open]') || openMenu.value) return;
      e.preventDefault();
      transferOpen.value = true;
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <>
      <button type="button" class="btn btn-sm btn-ghost" title="Transfer to an agent or team (Shift+T)" onClick={() => (transferOpen.value = true)}>
        <Icon name="reply" size={15} /> <span class="lbl">Transfer</span>
      </button>
      {transferOpen.value && conversation.value ? <TransferDialog conversationId={conversation.value.id} onClose={() => (transferOpen.value = false)} /> : null}
    </>
  );
}

/** "Take over" when a bot answered last and it is not already yours (the AI assistant has its own control). */
export function BotTakeover() {
  const c = conversation.value;
  if (!c || c.lastMessageAuthorType !== 'bot' || c.assigneeId === myId.value || c.status === 'closed') return null;
  return (
    <button type="button" class="btn btn-sm" onClick={() => void takeOver(c.id)}>
      <Icon name="bot" size={15} /> <span class="lbl">Take over</span>
    </button>
  );
}

export function TransferDialog({ conversationId, onClose }: { conversationId: string; onClose: () => void }) {
  const to = useSignal<'agent' | 'team'>('agent');
  const agent = useSignal<AgentInfo | null>(null);
  const teamId = useSignal(teams.value[0]?.id ?? '');
  const note = useSignal('');
  const busy = useSignal(false);
  const error = useSignal('');
  const current = conversation.value?.assigneeId ?? null;

  async function submit(e: Event) {
    e.preventDefault();
    error.value = '';
    if (to.value === 'agent' && !agent.value) {
      error.value = 'Pick an agent to transfer to.';
      return;
    }
    if (to.value === 'team' && !teamId.value) {
      error.value = 'Pick a team to transfer to.';
      return;
    }
    const body = to.value === 'agent' ? { assigneeId: agent.value!.userId, note: note.value.trim() || undefined } : { teamId: teamId.value, note: note.value.trim() || undefined };
    await runBusyText(
      busy,
      error,
      async () => {
        const res = await api<ManualResult>(`/conversations/${conversationId}/transfer`, { json: body });
        setConversation(res.conversation);
        const d = res.decision;
        toast(d ? `Transferred to ${d.assigneeName ?? d.teamName ?? 'the queue'}${d.outcome === 'queued' ? ' (queued: nobody available)' : ''}` : 'Transferred', 'success');
        onClose();
      },
      (err) => (err instanceof ApiError && err.status === 409 ? `${err.detail ?? err.title}` : errorText(err)),
    );
  }

  return (
    <Modal title="Transfer conversation" onClose={onClose} wide>
      <form class="form transfer-form" onSubmit={submit}>
        <div class="seg" role="radiogroup" aria-label="Transfer to">
          {(['agent', 'team'] as const).map((k) => (
            <label key={k} class={`seg-opt${to.value === k ? ' active' : ''}`}>
              <input type="radio" name="transfer-to" value={k} checked={to.value === k} onChange={() => (to.value = k)} /> {k === 'agent' ? 'An agent' : 'A team'}
            </label>
          ))}
        </div>
        {to.value === 'agent' ? (
          <div class="field">
            <span id="transfer-agent-label">Agent{agent.value ? `: ${agent.value.name} (${PRESENCE_LABEL[agentPresence(agent.value)].toLowerCase()}, ${agent.value.load}/${agent.value.capacity})` : ''}</span>
            <AgentPicker id="transfer-agent" selected={agent.value?.userId ?? current} label="Transfer to agent" onPick={(a) => (agent.value = a)} />
          </div>
        ) : (
          <label class="field">
            <span>Team</span>
            <select value={teamId.value} onChange={(e) => (teamId.value = e.currentTarget.value)}>
              <Options of={teams.value} value={(t) => t.id} label={(t) => t.name} />
            </select>
            <small class="muted">The team’s assignment mode picks the agent; if nobody is available it waits in the team’s queue.</small>
          </label>
        )}
        <label class="field">
          <span>Note for the next agent (optional)</span>
          <textarea rows={3} maxLength={2000} value={note.value} onInput={(e) => (note.value = e.currentTarget.value)} placeholder="What they need to know…" />
        </label>
        <ErrorLine text={error.value} />
        <FormActions onCancel={onClose} disabled={busy.value}>
          {busy.value ? 'Transferring…' : 'Transfer'}
        </FormActions>
      </form>
    </Modal>
  );
}
