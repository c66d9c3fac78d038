// Follow-ups and messages scheduled to send later, in the open thread: a menu in the header to set a
// reminder (and optionally the message to send then) or schedule a message, and a banner listing
// what is pending with edit and cancel. The server keeps them in the ConversationDO
// (worker/follow-ups/); `conversation.followUps` {count, nextAt} tells us when to reload the banner.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { conversation } from '../state/thread';
import { toast } from '../state/toast';
import { Icon } from '../ui/Icon';
import { Dropdown, MenuItem } from '../ui/Popover';
import { snoozePresets, toLocalInput } from './snooze';

interface Item {
  id: string;
  kind: 'followup' | 'message';
  dueAt: number;
  text: string | null;
  cancelOnReply: boolean;
}
/** As the API answers them: follow-ups carry `dueAt`, scheduled messages `sendAt`. */
type FollowUpJson = { id: string; dueAt: number; text: string | null; cancelOnReply: boolean };
type ScheduledJson = { id: string; sendAt: number; text: string | null };

/** A due time in words the agent reads at a glance: the weekday, date and time in their locale. */
export function dueLabel(at: number): string {
  const d = new Date(at);
  const sameDay = d.toDateString() === new Date().toDateString();
  const tomorrow = d.toDateString() === new Date(Date.now() + 86_400_000).toDateString();
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (sameDay) return `today ${time}`;
  if (tomorrow) return `tomorrow ${time}`;
  return d.toLocaleString(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

/** What GET …/follow-ups/suggestion proposes (worker/follow-ups/suggest.ts). */
interface Suggestion {
  inSeconds: number;
  text: string;
  reason: string;
  waitingSince: number;
}
/** Suggestions the agent dismissed (by conversation and the turn they hang on), for this session. */
const dismissed = new Set<string>();

/** Bumped after a change here, so the banner reloads without waiting for the conversation frame. */
const changed = { n: 0, listeners: new Set<() => void>() };
function bump() {
  changed.n++;
  for (const l of changed.listeners) l();
}

export function FollowUpMenu({ conversationId }: { conversationId: string }) {
  const mode = useSignal<'followup' | 'message'>('followup');
  const text = useSignal('');
  const onlyIfNoReply = useSignal(true);
  const custom = useSignal(toLocalInput(Date.now() + 24 * 3600_000));

  async function schedule(at: number, close: () => void) {
    if (!(at > Date.now())) return toast('Pick a time in the future', 'error');
    if (mode.value === 'message' && !text.value.trim()) return toast('Write the message to send', 'error');
    try {
      if (mode.value === 'message') await api(`/conversations/${conversationId}/messages`, { json: { text: text.value.trim(), sendAt: at } });
      else await api(`/conversations/${conversationId}/follow-ups`, { json: { at, text: text.value.trim() || null, cancelOnReply: onlyIfNoReply.value } });
      close();
      toast(mode.value === 'message' ? `Message scheduled for ${dueLabel(at)}` : `Follow-up set for ${dueLabel(at)}`, 'success');
      text.value = '';
      bump();
    } catch (err) {
      toast(`Could not schedule it: ${errorText(err)}`, 'error');
    }
  }

  return (
    <Dropdown id="follow-up" class="btn-icon" title="Remind me or schedule a message" align="right" wide label={<Icon name="bell" />}>
      {(close) => (
        <div class="picker follow-up-picker">
          <fieldset class="seg" aria-label="What to schedule">
            <label>
              <input type="radio" name="fu-mode" checked={mode.value === 'followup'} onChange={() => (mode.value = 'followup')} /> Remind me
            </label>
            <label>
              <input type="radio" name="fu-mode" checked={mode.value === 'message'} onChange={() => (mode.value = 'message')} /> Send later
            </label>
          </fieldset>
          <label class="field">
            <span>{mode.value === 'message' ? 'Message to send' : 'Message to send then (optional)'}</span>
            <textarea rows={2} maxLength={4000} value={text.value} onInput={(e) => (text.value = e.currentTarget.value)} />
          </label>
          {mode.value === 'followup' ? (
            <label class="check">
              <input type="checkbox" checked={onlyIfNoReply.value} onChange={(e) => (onlyIfNoReply.value = e.currentTarget.checked)} /> Only if the customer has not replied
            </label>
          ) : null}
          <div role="menu" aria-label="When">
            {snoozePresets().map((p) => (
              <MenuItem key={p.label} onSelect={() => void schedule(p.at, close)}>
                {p.label} <span class="menu-hint">{p.hint}</span>
              </MenuItem>
            ))}
          </div>
          <div class="menu-sep" />
          <form
            class="snooze-custom"
            onSubmit={(e) => {
              e.preventDefault();
              void schedule(new Date(custom.value).getTime(), close);
            }}
          >
            <label class="field">
              <span>At a date and time</span>
              <input type="datetime-local" value={custom.value} min={toLocalInput(Date.now())} onInput={(e) => (custom.value = e.currentTarget.value)} required />
            </label>
            <button type="submit" class="btn btn-sm btn-primary">
              Schedule
            </button>
          </form>
        </div>
      )}
    </Dropdown>
  );
}

export function FollowUpBanner({ conversationId }: { conversationId: string }) {
  const items = useSignal<Item[]>([]);
  const editing = useSignal<string | null>(null);
  const draft = useSignal('');
  const summary = conversation.value?.followUps;
  const load = () =>
    Promise.all([
      api<{ items: FollowUpJson[] }>(`/conversations/${conversationId}/follow-ups`),
      api<{ items: ScheduledJson[] }>(`/conversations/${conversationId}/scheduled-messages`),
    ])
      .then(
        ([f, m]) =>
          (items.value = [
            ...f.items.map((x): Item => ({ id: x.id, kind: 'followup', dueAt: x.dueAt, text: x.text, cancelOnReply: x.cancelOnReply })),
            ...m.items.map((x): Item => ({ id: x.id, kind: 'message', dueAt: x.sendAt, text: x.text, cancelOnReply: false })),
          ].sort((a, b) => a.dueAt - b.dueAt)),
      )
      .catch(() => (items.value = []));
  useEffect(() => {
    void load();
    changed.listeners.add(load);
    return () => void changed.listeners.delete(load);
  }, [conversationId, summary?.count, summary?.nextAt]);

  async function cancel(it: Item) {
    try {
      await api(`/conversations/${conversationId}/${it.kind === 'message' ? 'scheduled-messages' : 'follow-ups'}/${it.id}`, { method: 'DELETE' });
      toast(it.kind === 'message' ? 'Scheduled message cancelled' : 'Follow-up cancelled', 'success');
      bump();
    } catch (err) {
      toast(`Could not cancel: ${errorText(err)}`, 'error');
    }
  }
  async function save(it: Item) {
    try {
      await api(`/conversations/${conversationId}/scheduled-messages/${it.id}`, { method: 'PATCH', json: { text: draft.value.trim() } });
      editing.value = null;
      bump();
    } catch (err) {
      toast(`Could not save: ${errorText(err)}`, 'error');
    }
  }

  if (items.value.length === 0) return <FollowUpSuggestion conversationId={conversationId} />;
  return (
    <section class="follow-up-banner" aria-label="Follow-ups and scheduled messages">
      <ul>
        {items.value.map((it) => (
          <li key={it.id}>
            <Icon name={it.kind === 'message' ? 'send' : 'bell'} size={14} />
            {editing.value === it.id ? (
              <form
                class="fu-edit"
                onSubmit={(e) => {
                  e.preventDefault();
                  void save(it);
                }}
              >
                <label class="sr-only" for={`fu-${it.id}`}>
                  Scheduled message
                </label>
                <input id={`fu-${it.id}`} value={draft.value} maxLength={4000} onInput={(e) => (draft.value = e.currentTarget.value)} />
                <button type="submit" class="btn btn-sm btn-primary" disabled={!draft.value.trim()}>
                  Save
                </button>
                <button type="button" class="btn btn-sm btn-ghost" onClick={() => (editing.value = null)}>
                  Cancel
                </button>
              </form>
            ) : (
              <span class="fu-text">
                <strong>{it.kind === 'message' ? `Sends ${dueLabel(it.dueAt)}` : `Follow-up ${dueLabel(it.dueAt)}`}</strong>
                {it.text ? <span class="fu-quote">“{it.text}”</span> : null}
                {it.kind === 'followup' && it.cancelOnReply ? <span class="muted"> · cancelled if the customer replies</span> : null}
              </span>
            )}
            {editing.value !== it.id ? (
              <span class="fu-actions">
                {it.kind === 'message' ? (
                  <button
                    type="button"
                    class="link"
                    onClick={() => {
                      draft.value = it.text ?? '';
                      editing.value = it.id;
                    }}
                  >
                    Edit
                  </button>
                ) : null}
                <button type="button" class="link" onClick={() => void cancel(it)} aria-label={`Cancel ${it.kind === 'message' ? 'the message scheduled' : 'the follow-up'} for ${dueLabel(it.dueAt)}`}>
                  Cancel
                </button>
              </span>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * When the conversation has gone quiet with the customer left to answer, the proposed follow-up: when,
 * why and what it would send, scheduled in one click (cancelled if the customer replies first).
 */
function FollowUpSuggestion({ conversationId }: { conversationId: string }) {
  const suggestion = useSignal<Suggestion | null>(null);
  const c = conversation.value;
  const open = c?.status === 'open' || c?.status === 'pending';
  useEffect(() => {
    suggestion.value = null;
    if (!open) return;
    let live = true;
    api<{ suggestion: Suggestion | null }>(`/conversations/${conversationId}/follow-ups/suggestion`)
      .then((r) => {
        if (live) suggestion.value = r.suggestion && !dismissed.has(`${conversationId}:${r.suggestion.waitingSince}`) ? r.suggestion : null;
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [conversationId, open, c?.lastActivityAt]);

  const s = suggestion.value;
  if (!s) return null;
  const at = Date.now() + s.inSeconds * 1000;
  async function accept() {
    try {
      await api(`/conversations/${conversationId}/follow-ups`, { json: { inSeconds: s!.inSeconds, text: s!.text, cancelOnReply: true } });
      toast(`Follow-up set for ${dueLabel(at)}`, 'success');
      suggestion.value = null;
      bump();
    } catch (err) {
      toast(`Could not schedule it: ${errorText(err)}`, 'error');
    }
  }
  return (
    <section class="follow-up-banner fu-suggest" aria-label="Suggested follow-up">
      <div class="fu-suggest-row">
        <Icon name="bell" size={14} />
        <span class="fu-suggest-text">
          <strong>Follow up {dueLabel(at)}?</strong> <span class="muted">{s.reason}</span>
          <span class="fu-quote">Would send: “{s.text}”</span>
        </span>
        <span class="fu-actions">
          <button type="button" class="link" onClick={() => void accept()}>
            Schedule it
          </button>
          <button
            type="button"
            class="link"
            onClick={() => {
              dismissed.add(`${conversationId}:${s.waitingSince}`);
              suggestion.value = null;
            }}
          >
            Dismiss
          </button>
        </span>
      </div>
    </section>
  );
}
