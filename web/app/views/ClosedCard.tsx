// The card at the end of a resolved conversation: when it was resolved (with the closing note) and
// the customer's rating, the survey's or one a manager recorded by hand (PUT /api/conversations/:id/csat,
// e.g. after a phone call). Managers record or change the rating here, on the workspace's scale.
import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { api, ApiError, errorText } from '../lib/api';
import { ratingPicture, rawText, scaleOptions, scoreTone, type Scale } from '../lib/csat';
import { fullDateTime } from '../lib/format';
import type { Conversation } from '../lib/types';
import { isManager } from '../state/session';
import { conversation, setConversation } from '../state/thread';
import { toast } from '../state/toast';
import { Icon } from '../ui/Icon';

export function ClosedCard() {
  const c = conversation.value;
  const editing = useSignal(false);
  const button = useRef<HTMLButtonElement>(null);
  const refocus = useRef(false);
  // Keyboard users land back on the button that opened the form when it closes.
  useEffect(() => {
    if (!editing.value && refocus.current) {
      refocus.current = false;
      button.current?.focus();
    }
  }, [editing.value]);
  if (!c || c.status !== 'closed') return null;
  const csat = c.csat ?? null;
  return (
    <section class="closed-card" aria-labelledby="closed-card-title" data-testid="closed-card">
      <h3 id="closed-card-title" class="closed-card-title">
        <Icon name="check" size={15} /> Resolved{c.closedAt ? <span class="muted"> · {fullDateTime(c.closedAt)}</span> : null}
      </h3>
      {c.closingNote ? <p class="closed-card-note">{c.closingNote}</p> : null}
      <div class="closed-card-rating">
        <div class="closed-card-given">
          <span class="closed-card-label">Customer rating</span>
          {csat ? (
            <>
              <span class={`csat-given tone-${scoreTone(csat.score)}`} data-testid="closed-card-rating">
                <span class="csat-picture" aria-hidden="true">
                  {ratingPicture(csat.scale, csat.raw)}
                </span>{' '}
                <strong>{rawText(csat.scale, csat.raw)}</strong>
              </span>
              <small class="muted block">
                {csat.source === 'manual' ? 'Recorded by a manager' : 'From the survey'}, {fullDateTime(csat.at)}
              </small>
            </>
          ) : (
            <span class="muted">No rating yet.</span>
          )}
        </div>
        {isManager.value && !editing.value ? (
          <button type="button" class="btn btn-sm" ref={button} onClick={() => (editing.value = true)}>
            {csat ? 'Change the rating' : 'Record a rating'}
          </button>
        ) : null}
      </div>
      {csat?.comment ? <blockquote class="closed-card-comment">“{csat.comment}”</blockquote> : null}
      {editing.value ? (
        <RatingForm
          c={c}
          onDone={() => {
            refocus.current = true;
            editing.value = false;
          }}
        />
      ) : null}
    </section>
  );
}

function RatingForm({ c, onDone }: { c: Conversation; onDone: () => void }) {
  // The workspace's scale now (read when the form opens: a manager may have changed it since).
  const scale = useSignal<Scale | null>(null);
  const failed = useSignal('');
  const choice = useSignal<number | null>(null);
  const comment = useSignal(c.csat?.comment ?? '');
  const busy = useSignal(false);
  const problem = useSignal('');
  const form = useRef<HTMLFormElement>(null);
  // Focus moves into the form once its answers are there (the button that opened it is gone).
  useEffect(() => {
    if (scale.value) form.current?.querySelector<HTMLInputElement>('input[type=radio]:checked, input[type=radio]')?.focus();
  }, [scale.value]);
  useEffect(() => {
    api<{ scale: Scale }>('/csat/settings').then(
      (s) => {
        scale.value = s.scale;
        // Changing a rating starts from the one given, when it is on the same scale.
        if (c.csat && c.csat.scale === s.scale) choice.value = c.csat.raw;
      },
      (err) => (failed.value = errorText(err)),
    );
  }, [c.id]);
  if (!scale.value) {
    return failed.value ? (
      <p class="form-error" role="alert">
        {failed.value}
      </p>
    ) : (
      <p class="muted small" aria-busy="true">
        Loading…
      </p>
    );
  }

  async function save(e: Event) {
    e.preventDefault();
    if (choice.value === null) {
      problem.value = 'Choose a rating first.';
      return;
    }
    busy.value = true;
    problem.value = '';
    try {
      const res = await api<{ conversation: Conversation }>(`/conversations/${c.id}/csat`, { method: 'PUT', json: { score: choice.value, comment: comment.value.trim() || null } });
      setConversation(res.conversation);
      toast('Rating recorded', 'success');
      onDone();
    } catch (err) {
      problem.value = err instanceof ApiError && err.errors[0] ? err.errors[0].message : errorText(err);
    } finally {
      busy.value = false;
    }
  }

  return (
    <form class="closed-card-form form compact" ref={form} onSubmit={save} noValidate aria-label="Record a rating">
      <fieldset class="fieldset">
        <legend>Rating the customer gave</legend>
        <div class="csat-pick">
          {scaleOptions(scale.value).map((o) => (
            <label key={o.value} class={`csat-pick-option${choice.value === o.value ? ' chosen' : ''}`} title={o.label}>
              <input type="radio" name={`csat-${c.id}`} value={String(o.value)} checked={choice.value === o.value} onChange={() => (choice.value = o.value)} />
              <span aria-hidden="true">{scale.value === 'stars5' ? `${o.value} ★` : o.face}</span>
              <span class="sr-only">{o.label}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <label class="field">
        <span>What the customer said (optional)</span>
        <textarea rows={2} maxLength={2000} value={comment.value} onInput={(e) => (comment.value = e.currentTarget.value)} placeholder="e.g. Said on the phone that the room change was quick" />
      </label>
      {problem.value ? (
        <p class="form-error" role="alert">
          {problem.value}
        </p>
      ) : null}
      <div class="form-actions">
        <button type="button" class="btn btn-sm" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" class="btn btn-sm btn-primary" disabled={busy.value}>
          {busy.value ? 'Saving…' : 'Save rating'}
        </button>
      </div>
    </form>
  );
}
