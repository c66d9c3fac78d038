// AI: which implementations run, the workspace's reply style (tone, formality, signature, VIP tags,
// pre-computed suggestions) and each inbox's assistant (off, suggest, auto-send above a confidence).
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { channelLabel } from '../lib/format';
import { me } from '../state/session';
import { toast } from '../state/toast';
import { ChannelIcon } from '../ui/ChannelIcon';

interface AiSettings {
  tone: 'warm' | 'neutral' | 'concise';
  formality: 'informal' | 'formal';
  signature: string | null;
  vipTags: string[];
  prewarm: boolean;
  /** Suggested replies below this confidence (0–1) are not shown. */
  suggestionThreshold: number;
  /** Sent as the agent when they take over from the assistant; null: nothing is sent. */
  takeoverMessage: string | null;
}
interface AiStatus {
  mode: string;
  configured: string;
  retriever: string;
  drafter: string;
  summarizer: string;
  models: { text: string; embeddings: string } | null;
}
interface Assistant {
  inboxId: string;
  inboxName: string;
  inboxChannel: string;
  mode: 'off' | 'suggest' | 'auto-send';
  prompt: string | null;
  channels: string[];
  threshold: number;
  handoffMessage: string | null;
}

export function Ai() {
  const status = useSignal<AiStatus | null>(null);
  const settings = useSignal<AiSettings | null>(null);
  const assistants = useSignal<Assistant[]>([]);
  const vip = useSignal('');
  const busy = useSignal(false);
  useEffect(() => {
    api<AiStatus>('/ai/status').then((s) => (status.value = s)).catch(() => {});
    api<AiSettings>('/ai/settings')
      .then((s) => ((settings.value = s), (vip.value = s.vipTags.join(', '))))
      .catch((err) => toast(errorText(err), 'error'));
    api<{ items: Assistant[] }>('/ai/assistants').then((r) => (assistants.value = r.items)).catch(() => {});
  }, []);

  const s = settings.value;
  const set = (patch: Partial<AiSettings>) => (settings.value = { ...settings.value!, ...patch });
  return (
    <section class="settings-section">
      <header class="settings-head">
        <div>
          <h2>AI</h2>
          <p class="muted">How suggested replies and the assistant write, and where the assistant answers on its own.</p>
        </div>
      </header>
      {status.value ? (
        <p class="card ai-status small">
          <strong>{status.value.mode === 'cloud' ? 'Cloud models' : 'Local (on the edge, no model calls)'}</strong> · retrieval {status.value.retriever} · drafting {status.value.drafter} · summaries {status.value.summarizer}
          {status.value.models ? ` · ${status.value.models.text}` : ''}
        </p>
      ) : null}
      {s ? (
        <form
          class="card form grid-form"
          onSubmit={async (e) => {
            e.preventDefault();
            busy.value = true;
            try {
              const tags = vip.value.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
              settings.value = await api<AiSettings>('/ai/settings', { method: 'PUT', json: { tone: s.tone, formality: s.formality, signature: s.signature?.trim() || null, vipTags: tags, prewarm: s.prewarm, suggestionThreshold: s.suggestionThreshold } });
              toast('AI settings saved; suggestions will be recomputed', 'success');
            } catch (err) {
              toast(errorText(err), 'error');
            } finally {
              busy.value = false;
            }
          }}
        >
          <h3 class="ai-sub">Reply style</h3>
          <label class="field">
            <span>Tone</span>
            <select value={s.tone} onChange={(e) => set({ tone: e.currentTarget.value as AiSettings['tone'] })}>
              <option value="warm">Warm</option>
              <option value="neutral">Neutral</option>
              <option value="concise">Concise</option>
            </select>
          </label>
          <label class="field">
            <span>Formality</span>
            <select value={s.formality} onChange={(e) => set({ formality: e.currentTarget.value as AiSettings['formality'] })}>
              <option value="informal">Informal</option>
              <option value="formal">Formal</option>
            </select>
          </label>
          <label class="field">
            <span>Signature</span>
            <textarea rows={2} value={s.signature ?? ''} maxLength={500} onInput={(e) => set({ signature: e.currentTarget.value })} placeholder="— The Casa Azul team" />
          </label>
          <label class="field">
            <span>VIP tags (formal replies, never auto-answered)</span>
            <input value={vip.value} onInput={(e) => (vip.value = e.currentTarget.value)} placeholder="vip" />
          </label>
          <label class="check-field">
            <input type="checkbox" checked={s.prewarm} onChange={(e) => set({ prewarm: e.currentTarget.checked })} />
            <span>Prepare suggestions as soon as a customer writes</span>
          </label>
          <label class="field">
            <span>Hide suggestions below this confidence (%)</span>
            <input
              type="number"
              min={0}
              max={100}
              step={5}
              value={Math.round((s.suggestionThreshold ?? 0.3) * 100)}
              onInput={(e) => {
                const n = Number(e.currentTarget.value);
                if (Number.isFinite(n)) set({ suggestionThreshold: Math.min(100, Math.max(0, n)) / 100 });
              }}
            />
          </label>
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled={busy.value}>
              Save reply style
            </button>
          </div>
        </form>
      ) : (
        <div class="card">
          <div class="sk sk-lines" />
        </div>
      )}
      {s ? <HandingOver initial={s.takeoverMessage} onSaved={(takeoverMessage) => set({ takeoverMessage })} /> : null}
      <h3 class="ai-sub">Assistants</h3>
      <ul class="ai-assistants">
        {assistants.value.map((a) => (
          <AssistantCard key={a.inboxId} a={a} onSaved={(next) => (assistants.value = assistants.value.map((x) => (x.inboxId === a.inboxId ? { ...x, ...next } : x)))} />
        ))}
      </ul>
    </section>
  );
}

function AssistantCard({ a, onSaved }: { a: Assistant; onSaved: (a: Partial<Assistant>) => void }) {
  const mode = useSignal(a.mode);
  const threshold = useSignal(a.threshold);
  const prompt = useSignal(a.prompt ?? '');
  const handoff = useSignal(a.handoffMessage ?? '');
  const open = useSignal(false);
  const busy = useSignal(false);
  const id = `as-${a.inboxId}`;
  async function save() {
    busy.value = true;
    try {
      const res = await api<Partial<Assistant>>(`/ai/assistants/${a.inboxId}`, {
        method: 'PUT',
        json: { mode: mode.value, threshold: threshold.value, prompt: prompt.value.trim() || null, handoffMessage: handoff.value.trim() || null, channels: a.channels },
      });
      onSaved(res);
      toast(`${a.inboxName}: assistant ${mode.value === 'off' ? 'off' : mode.value === 'suggest' ? 'suggests replies' : 'answers on its own'}`, 'success');
    } catch (err) {
      toast(errorText(err), 'error');
    } finally {
      busy.value = false;
    }
  }
  return (
    <li class="card ai-card">
      <div class="ai-card-head">
        <ChannelIcon channel={a.inboxChannel} size={20} label={false} />
        <span>
          <strong>{a.inboxName}</strong>
          <small class="muted block">{channelLabel(a.inboxChannel)}</small>
        </span>
        <span class="spacer" />
        <label class="sr-only" for={`${id}-mode`}>
          Assistant mode for {a.inboxName}
        </label>
        <select id={`${id}-mode`} value={mode.value} onChange={(e) => ((mode.value = e.currentTarget.value as Assistant['mode']), (open.value = mode.value !== 'off' || open.value))}>
          <option value="off">Off</option>
          <option value="suggest">Suggest to agents</option>
          <option value="auto-send">Answer automatically</option>
        </select>
        <button type="button" class="btn btn-sm btn-ghost" aria-expanded={open.value} aria-controls={`${id}-more`} onClick={() => (open.value = !open.value)}>
          Details
        </button>
        <button type="button" class="btn btn-sm btn-primary" disabled={busy.value} onClick={() => void save()}>
          Save
        </button>
      </div>
      {open.value ? (
        <div class="form ai-card-more" id={`${id}-more`}>
          <label class="field">
            <span>Answer automatically above {Math.round(threshold.value * 100)}% confidence</span>
            <input type="range" min={0} max={1} step={0.05} value={threshold.value} onInput={(e) => (threshold.value = Number(e.currentTarget.value))} disabled={mode.value !== 'auto-send'} />
          </label>
          <label class="field">
            <span>Instructions</span>
            <textarea rows={3} maxLength={4000} value={prompt.value} onInput={(e) => (prompt.value = e.currentTarget.value)} placeholder="e.g. Never promise refunds; offer to check with the team." />
          </label>
          <label class="field">
            <span>Handoff message (when it passes to a person)</span>
            <input maxLength={1000} value={handoff.value} onInput={(e) => (handoff.value = e.currentTarget.value)} placeholder="A colleague will be with you shortly." />
          </label>
        </div>
      ) : null}
    </li>
  );
}

/**
 * Where people take over from the AI and close conversations: the message the customer gets on a take
 * over (empty: none) and whether Resolve asks for a closing note prefilled with the summary.
 */
function HandingOver({ initial, onSaved }: { initial: string | null; onSaved: (takeoverMessage: string | null) => void }) {
  const message = useSignal(initial ?? '');
  const ask = useSignal(me.value?.workspace?.settings?.closingNotePrompt !== false);
  const busy = useSignal(false);
  return (
    <form
      class="card form grid-form handing-over"
      onSubmit={async (e) => {
        e.preventDefault();
        busy.value = true;
        try {
          const saved = await api<AiSettings>('/ai/settings', { method: 'PUT', json: { takeoverMessage: message.value.trim() || null } });
          const ws = await api<{ settings: Record<string, unknown> }>('/workspace', { method: 'PATCH', json: { settings: { closingNotePrompt: ask.value } } });
          if (me.value?.workspace) me.value = { ...me.value, workspace: { ...me.value.workspace, settings: ws.settings } };
          message.value = saved.takeoverMessage ?? '';
          onSaved(saved.takeoverMessage);
          toast('Saved', 'success');
        } catch (err) {
          toast(errorText(err), 'error');
        } finally {
          busy.value = false;
        }
      }}
    >
      <h3 class="ai-sub">Taking over and resolving</h3>
      <label class="field">
        <span>Message to the customer when an agent takes over from the AI</span>
        <textarea
          rows={2}
          maxLength={1000}
          value={message.value}
          aria-describedby="takeover-hint"
          onInput={(e) => (message.value = e.currentTarget.value)}
          placeholder="Leave empty to send nothing"
        />
      </label>
      <p class="muted small" id="takeover-hint">
        Sent once per take over, as the agent, on the conversation's channel. {'{{agent.first_name}}'} and {'{{agent.name}}'} become the agent's name, {'{{contact.first_name}}'} the customer's.
      </p>
      <label class="check-field">
        <input type="checkbox" checked={ask.value} onChange={(e) => (ask.value = e.currentTarget.checked)} />
        <span>Ask for a closing note when resolving a conversation (prefilled with its summary)</span>
      </label>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy.value}>
          Save
        </button>
      </div>
    </form>
  );
}
