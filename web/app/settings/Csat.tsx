// Satisfaction surveys (CSAT, worker/csat): whether a survey goes to the customer when a conversation
// is resolved, its scale, question and comment prompt, a delay, and which inboxes send it; beside the
// form, the card the customer sees, live, in each language the survey speaks. Managers only (like
// the other workspace settings, the section is hidden from staff).
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { LANGUAGES, strings, type Language } from '../../../worker/csat/i18n';
import { optionLabel } from '../../../worker/csat/options';
import { SCALE_VALUES } from '../../../worker/csat/scale';
import { api, ApiError, errorText } from '../lib/api';
import { DELAY_PRESETS, delayText, SCALE_NAMES, type Scale } from '../lib/csat';
import { channelLabel } from '../lib/format';
import { inboxes } from '../state/session';
import { toast } from '../state/toast';
import { ErrorLine, Loading } from '../ui/form';

interface CsatSettings {
  enabled: boolean;
  scale: Scale;
  question: string | null;
  commentPrompt: string | null;
  autoSendOnClose: boolean;
  inboxIds: string[] | null;
  delayMinutes: number;
}

/** The form's own shape: texts as typed ('' is the default), and the inbox choice as a mode plus a set. */
interface Draft {
  enabled: boolean;
  scale: Scale;
  question: string;
  commentPrompt: string;
  autoSendOnClose: boolean;
  allInboxes: boolean;
  inboxIds: string[];
  delayMinutes: number;
}

const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', es: 'Español', pt: 'Português', fr: 'Français' };
const SCALES: Scale[] = ['stars5', 'thumbs', 'emoji5'];

function toDraft(s: CsatSettings): Draft {
  return {
    enabled: s.enabled,
    scale: s.scale,
    question: s.question ?? '',
    commentPrompt: s.commentPrompt ?? '',
    autoSendOnClose: s.autoSendOnClose,
    allInboxes: s.inboxIds === null,
    inboxIds: s.inboxIds ?? [],
    delayMinutes: s.delayMinutes,
  };
}

function toBody(d: Draft): CsatSettings {
  return {
    enabled: d.enabled,
    scale: d.scale,
    question: d.question.trim() || null,
    commentPrompt: d.commentPrompt.trim() || null,
    autoSendOnClose: d.autoSendOnClose,
    inboxIds: d.allInboxes ? null : d.inboxIds,
    delayMinutes: d.delayMinutes,
  };
}

/** A field the server named, in words ("inboxIds.2" → "Inboxes"). */
function fieldWords(field: string | undefined): string {
  if (!field) return '';
  if (field.startsWith('inboxIds')) return 'Inboxes';
  if (field.startsWith('delayMinutes')) return 'Wait before sending';
  if (field.startsWith('commentPrompt')) return 'Comment prompt';
  if (field.startsWith('question')) return 'Question';
  return '';
}

export function Csat() {
  const draft = useSignal<Draft | null>(null);
  const loadError = useSignal('');
  const problem = useSignal<{ text: string; field?: string }>({ text: '' });
  const busy = useSignal(false);
  const dirty = useSignal(false);
  const lang = useSignal<Language>('en');

  useEffect(() => {
    api<CsatSettings>('/csat/settings')
      .then((s) => (draft.value = toDraft(s)))
      .catch((err) => (loadError.value = errorText(err)));
  }, []);

  const d = draft.value;
  const set = (patch: Partial<Draft>) => {
    draft.value = { ...draft.value!, ...patch };
    dirty.value = true;
    problem.value = { text: '' };
  };

  async function save(e: Event) {
    e.preventDefault();
    if (!d) return;
    if (!d.allInboxes && d.inboxIds.length === 0) {
      problem.value = { text: 'Inboxes: choose at least one inbox, or send from every inbox.', field: 'inboxIds' };
      return;
    }
    busy.value = true;
    try {
      const saved = await api<CsatSettings>('/csat/settings', { method: 'PUT', json: toBody(d) });
      draft.value = toDraft(saved);
      dirty.value = false;
      toast(saved.enabled ? 'Satisfaction surveys saved' : 'Saved: satisfaction surveys are off', 'success');
    } catch (err) {
      const first = err instanceof ApiError ? err.errors[0] : undefined;
      const where = fieldWords(first?.field);
      const text = first ? first.message : errorText(err);
      problem.value = { text: where ? `${where}: ${text}` : text, field: first?.field };
    } finally {
      busy.value = false;
    }
  }

  const bad = (name: string) => (problem.value.field?.startsWith(name) ? true : undefined);
  const t = strings(lang.value);
  const known = inboxes.value;
  const delays = d && !DELAY_PRESETS.includes(d.delayMinutes) ? [...DELAY_PRESETS, d.delayMinutes].sort((a, b) => a - b) : DELAY_PRESETS;
  return (
    <section class="settings-section">
      <header class="settings-head">
        <div>
          <h2>Satisfaction surveys</h2>
          <p class="muted">Ask customers how the conversation went once it is resolved. Ratings show on the conversation, in the contact panel and in Analytics.</p>
        </div>
      </header>
      <ErrorLine text={loadError.value} />
      {!d ? (
        loadError.value ? null : <Loading />
      ) : (
        <div class="csat-layout">
          <form class="card form csat-form" onSubmit={save} noValidate aria-label="Survey settings">
            <label class="check-field csat-enable">
              <input type="checkbox" checked={d.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} />
              <span>
                <strong>Send satisfaction surveys</strong>
                <small class="muted block">{d.enabled ? 'On: customers are asked to rate the conversation.' : 'Off: no survey is sent. Managers can still record a rating by hand.'}</small>
              </span>
            </label>

            <fieldset class="fieldset">
              <legend>Rating scale</legend>
              <div class="csat-scales">
                {SCALES.map((s) => (
                  <label key={s} class={`csat-scale${d.scale === s ? ' chosen' : ''}`}>
                    <input type="radio" name="csat-scale" value={s} checked={d.scale === s} onChange={() => set({ scale: s })} />
                    <span class="csat-scale-faces" aria-hidden="true">
                      {s === 'stars5' ? '★★★★★' : s === 'thumbs' ? '👎 👍' : '😞 😐 😄'}
                    </span>
                    <span>{SCALE_NAMES[s]}</span>
                  </label>
                ))}
              </div>
            </fieldset>

            <label class="field">
              <span>Question</span>
              <input
                maxLength={500}
                value={d.question}
                placeholder={strings('en').question}
                aria-describedby="csat-texts-hint"
                aria-invalid={bad('question')}
                onInput={(e) => set({ question: e.currentTarget.value })}
              />
            </label>
            <label class="field">
              <span>Comment prompt</span>
              <input
                maxLength={500}
                value={d.commentPrompt}
                placeholder={strings('en').commentPrompt}
                aria-describedby="csat-texts-hint"
                aria-invalid={bad('commentPrompt')}
                onInput={(e) => set({ commentPrompt: e.currentTarget.value })}
              />
            </label>
            <p class="muted small csat-hint" id="csat-texts-hint">
              Leave a box empty to use the standard wording, translated into the customer’s language. Your own wording is sent as written.
            </p>

            <fieldset class="fieldset">
              <legend>When to send</legend>
              <label class="check-field">
                <input type="checkbox" checked={d.autoSendOnClose} onChange={(e) => set({ autoSendOnClose: e.currentTarget.checked })} />
                <span>Send the survey when a conversation is resolved</span>
              </label>
              <label class="field csat-delay">
                <span>Wait before sending</span>
                <select value={String(d.delayMinutes)} disabled={!d.autoSendOnClose} aria-invalid={bad('delayMinutes')} aria-describedby="csat-delay-hint" onChange={(e) => set({ delayMinutes: Number(e.currentTarget.value) })}>
                  {delays.map((m) => (
                    <option key={m} value={String(m)}>
                      {m === 0 ? 'Send right away' : `Wait ${delayText(m)}`}
                    </option>
                  ))}
                </select>
              </label>
              <p class="muted small csat-hint" id="csat-delay-hint">
                {!d.autoSendOnClose
                  ? 'Surveys are not sent. Ratings can still be recorded by hand.'
                  : d.delayMinutes > 0
                    ? `Sent ${delayText(d.delayMinutes)} after the conversation is resolved. If the customer writes again first, the survey is not sent.`
                    : 'Sent as soon as the conversation is resolved, once per conversation.'}
              </p>
            </fieldset>

            <fieldset class="fieldset">
              <legend>Inboxes</legend>
              <label class="check-field">
                <input type="radio" name="csat-inboxes" checked={d.allInboxes} onChange={() => set({ allInboxes: true })} />
                <span>Every inbox, including new ones</span>
              </label>
              <label class="check-field">
                <input type="radio" name="csat-inboxes" checked={!d.allInboxes} onChange={() => set({ allInboxes: false })} />
                <span>Only the inboxes I choose</span>
              </label>
              {!d.allInboxes ? (
                <ul class="csat-inboxes" aria-label="Inboxes that send surveys">
                  {known.length === 0 ? <li class="muted small">No inboxes yet.</li> : null}
                  {known.map((i) => (
                    <li key={i.id}>
                      <label class="check-field">
                        <input
                          type="checkbox"
                          checked={d.inboxIds.includes(i.id)}
                          onChange={(e) => set({ inboxIds: e.currentTarget.checked ? [...d.inboxIds, i.id] : d.inboxIds.filter((x) => x !== i.id) })}
                        />
                        <span>
                          {i.name}
                          {channelLabel(i.channel).toLowerCase() !== i.name.toLowerCase() ? <small class="muted"> {channelLabel(i.channel)}</small> : null}
                        </span>
                      </label>
                    </li>
                  ))}
                </ul>
              ) : null}
            </fieldset>

            <ErrorLine text={problem.value.text} />
            <div class="form-actions">
              {dirty.value ? <span class="muted small csat-unsaved">Unsaved changes</span> : null}
              <button type="submit" class="btn btn-primary" disabled={busy.value || !dirty.value}>
                {busy.value ? 'Saving…' : 'Save survey settings'}
              </button>
            </div>
          </form>

          <section class="csat-preview" aria-labelledby="csat-preview-title">
            <div class="csat-preview-head">
              <h3 id="csat-preview-title">What the customer sees</h3>
              <label class="field csat-preview-lang">
                <span>Language</span>
                <select value={lang.value} onChange={(e) => (lang.value = e.currentTarget.value as Language)}>
                  {LANGUAGES.map((l) => (
                    <option key={l} value={l}>
                      {LANGUAGE_NAMES[l]}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <p class="muted small">In the web chat, a rating card:</p>
            <div class="csat-card" data-testid="csat-preview">
              <p class="csat-card-q">{d.question.trim() || t.question}</p>
              <ul class={`csat-card-options scale-${d.scale}`} aria-label="Answers">
                {SCALE_VALUES[d.scale].map((raw) => {
                  const o = optionLabel(d.scale, raw, t);
                  return (
                    <li key={raw} class="csat-card-option" title={o.label}>
                      <span aria-hidden="true">{o.face}</span>
                      <span class="sr-only">{o.label}</span>
                    </li>
                  );
                })}
              </ul>
              <p class="csat-card-prompt">{d.commentPrompt.trim() || t.commentPrompt}</p>
              <div class="csat-card-box" aria-hidden="true" />
              <span class="csat-card-send" aria-hidden="true">
                {t.submit}
              </span>
            </div>
            <p class="muted small">By e-mail, SMS, WhatsApp and the other channels, a message with a link to the same survey:</p>
            <p class="csat-message" data-testid="csat-preview-message">
              {t.message.replace('{question}', d.question.trim() || t.question).replace('{link}', `${location.host}/csat/…`)}
            </p>
            {!d.enabled ? <p class="muted small">Surveys are off: nothing is sent until you turn them on.</p> : null}
          </section>
        </div>
      )}
    </section>
  );
}
