// The broadcast wizard: audience (saved, or built here) → message (inbox and a sendable template of
// its channel) → preview per sample recipient with the skip reasons → when (now, or a date and time in
// a time zone) → confirm with the recipient count. Leaving the message step saves a draft
// (POST/PATCH /api/broadcasts), which the preview renders and which the list keeps if the wizard is left.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, ApiError, errorText, type FieldError } from '../../lib/api';
import { channelLabel, contactName } from '../../lib/format';
import { navigate, query } from '../../lib/router';
import { inboxes } from '../../state/session';
import { toast } from '../../state/toast';
import { Icon } from '../../ui/Icon';
import { ErrorLine, Loading } from '../../ui/form';
import { FilterBuilder, PreviewPanel, useAudiencePreview } from '../audiences/Builder';
import { emptyGroup, filterWords, incomplete, toFilter, toGroup, type Audience, type Group } from '../audiences/model';
import { BROADCAST_CHANNELS, localZone, skipWords, timeZones, when, zonedToInstant, zoneLabel, type Broadcast, type BroadcastPreview, type SkipReason, type Template } from './model';

export const BROADCASTS_BASE = '/inbox/messaging/broadcasts';
const STEPS = ['Audience', 'Message', 'Preview', 'When', 'Confirm'] as const;

const pad = (n: number) => String(n).padStart(2, '0');
function localParts(at: number, zone: string): { date: string; time: string } {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(at)
      .map((x) => [x.type, x.value]),
  );
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

export function BroadcastWizard({ draft: initial }: { draft: Broadcast | null }) {
  const step = useSignal(0);
  const name = useSignal(initial?.name ?? '');
  const mode = useSignal<'saved' | 'adhoc'>(initial?.filter ? 'adhoc' : 'saved');
  const audienceId = useSignal(initial?.audienceId ?? query.value.get('audience') ?? '');
  const group = useSignal<Group>(initial?.filter ? toGroup(initial.filter) : emptyGroup());
  const saved = useSignal<Audience[] | null>(null);
  const savedCount = useSignal<number | null>(null);
  const sendable = inboxes.value.filter((i) => i.enabled !== false && BROADCAST_CHANNELS.includes(i.channel));
  const inboxId = useSignal(initial?.inboxId ?? sendable[0]?.id ?? '');
  const templates = useSignal<Template[] | null>(null);
  const templateId = useSignal(initial?.templateId ?? '');
  const draft = useSignal<Broadcast | null>(initial);
  const preview = useSignal<BroadcastPreview | null>(null);
  const whenMode = useSignal<'now' | 'later'>(initial?.scheduledAt && initial.scheduledAt > Date.now() ? 'later' : 'now');
  const zone = useSignal(localZone());
  const start = localParts(initial?.scheduledAt && initial.scheduledAt > Date.now() ? initial.scheduledAt : Date.now() + 3600_000, localZone());
  const date = useSignal(start.date);
  const time = useSignal(start.time);
  const busy = useSignal(false);
  const error = useSignal<unknown>(null);

  const inbox = inboxes.value.find((i) => i.id === inboxId.value);
  const channel = inbox?.channel ?? '';
  const adhocPreview = useAudiencePreview(group.value);

  useEffect(() => {
    api<{ items: Audience[] }>('/audiences')
      .then((r) => {
        saved.value = r.items;
        if (!initial && !audienceId.value && r.items.length === 0) mode.value = 'adhoc';
      })
      .catch((err) => (error.value = err));
  }, []);
  useEffect(() => {
    savedCount.value = null;
    if (!audienceId.value) return;
    api<Audience>(`/audiences/${encodeURIComponent(audienceId.value)}`)
      .then((a) => (savedCount.value = a.count ?? 0))
      .catch(() => {});
  }, [audienceId.value]);
  useEffect(() => {
    templates.value = null;
    if (!channel) return;
    api<{ items: Template[] }>('/templates', { query: { channel } })
      .then((r) => {
        templates.value = r.items;
        if (!r.items.some((t) => t.id === templateId.value && t.sendable)) templateId.value = r.items.find((t) => t.sendable)?.id ?? '';
      })
      .catch((err) => (error.value = err));
  }, [channel]);

  const errors: FieldError[] = error.value instanceof ApiError ? error.value.errors : [];
  const errorOf = (f: string) => errors.find((e) => e.field === f)?.message;
  const audienceCount = mode.value === 'saved' ? savedCount.value : adhocPreview.value.count;
  const chosenTemplate = templates.value?.find((t) => t.id === templateId.value) ?? null;
  const skippedTotal = preview.value ? Object.values(preview.value.skipped).reduce((a, b) => a + (b ?? 0), 0) : 0;
  const exact = preview.value !== null && audienceCount !== null && preview.value.counted >= audienceCount;
  const scheduledInstant = whenMode.value === 'later' ? zonedToInstant(date.value, time.value, zone.value) : null;

  const canLeave = (s: number): string | null => {
    if (s === 0) {
      if (mode.value === 'saved') return audienceId.value ? null : 'Choose an audience.';
      return incomplete(group.value);
    }
    if (s === 1) {
      if (!name.value.trim()) return 'Give the broadcast a name.';
      if (!inboxId.value) return 'Choose the inbox to send from.';
      if (!templateId.value) return 'Choose a template.';
    }
    if (s === 3 && whenMode.value === 'later') {
      if (scheduledInstant === null) return 'Choose a date and a time.';
      if (scheduledInstant < Date.now()) return 'That time has passed: choose a later one.';
    }
    return null;
  };
  const gap = useSignal('');

  /** Saves the draft (create or update) and renders the preview. */
  const saveDraft = async () => {
    const body = {
      name: name.value.trim(),
      inboxId: inboxId.value,
      templateId: templateId.value,
      ...(mode.value === 'saved' ? { audienceId: audienceId.value } : { filter: toFilter(group.value) }),
    };
    const b = draft.value ? await api<Broadcast>(`/broadcasts/${encodeURIComponent(draft.value.id)}`, { method: 'PATCH', json: body }) : await api<Broadcast>('/broadcasts', { json: body });
    draft.value = b;
    preview.value = await api<BroadcastPreview>(`/broadcasts/${encodeURIComponent(b.id)}/preview`, { json: { limit: 5 } });
  };

  const go = async (to: number) => {
    gap.value = '';
    if (to > step.value) {
      for (let s = step.value; s < to; s++) {
        const why = canLeave(s);
        if (why) {
          gap.value = why;
          step.value = s;
          return;
        }
      }
    }
    if (to >= 2 && step.value < 2) {
      busy.value = true;
      error.value = null;
      try {
        await saveDraft();
      } catch (err) {
        error.value = err;
        const fields = err instanceof ApiError ? err.errors.map((e) => e.field) : [];
        step.value = fields.some((f) => f.startsWith('filter') || f === 'audienceId') ? 0 : 1;
        return;
      } finally {
        busy.value = false;
      }
    }
    step.value = to;
    requestAnimationFrame(() => document.getElementById('bc-step-title')?.focus());
  };

  const launch = async () => {
    const b = draft.value;
    if (!b) return;
    busy.value = true;
    error.value = null;
    try {
      if (whenMode.value === 'now') await api(`/broadcasts/${encodeURIComponent(b.id)}/send`, { method: 'POST' });
      else await api(`/broadcasts/${encodeURIComponent(b.id)}/schedule`, { json: { at: `${date.value}T${time.value}`, timezone: zone.value } });
      toast(whenMode.value === 'now' ? `“${b.name}” is on its way` : `“${b.name}” scheduled`, 'success');
      navigate(`${BROADCASTS_BASE}/${encodeURIComponent(b.id)}`);
    } catch (err) {
      error.value = err;
    } finally {
      busy.value = false;
    }
  };

  const savedAudience = saved.value?.find((a) => a.id === audienceId.value);
  const audienceWords = mode.value === 'saved' ? (savedAudience ? `${savedAudience.name}: ${filterWords(savedAudience.filter)}` : '—') : filterWords(toFilter(group.value));

  return (
    <div class="bc-wizard">
      <nav aria-label="Steps">
        <ol class="bc-steps">
          {STEPS.map((label, i) => (
            <li key={label} class={i === step.value ? 'is-current' : i < step.value ? 'is-done' : ''}>
              <button type="button" class="bc-step" aria-current={i === step.value ? 'step' : undefined} disabled={busy.value || (i > step.value + 1 && !draft.value)} onClick={() => void go(i)}>
                <span class="bc-step-n" aria-hidden="true">
                  {i < step.value ? '✓' : i + 1}
                </span>
                <span class="sr-only">Step {i + 1}: </span>
                <span class="bc-step-label">{label}</span>
              </button>
            </li>
          ))}
        </ol>
      </nav>
      <section class="card bc-panel" aria-labelledby="bc-step-title">
        <h2 id="bc-step-title" tabIndex={-1}>
          {step.value + 1}. {STEP_TITLES[step.value]}
        </h2>
        {step.value === 0 ? (
          <>
            <fieldset class="bc-choice">
              <legend class="sr-only">Audience</legend>
              <label class="check-field">
                <input type="radio" name="bc-audience-mode" checked={mode.value === 'saved'} onChange={() => (mode.value = 'saved')} /> A saved audience
              </label>
              <label class="check-field">
                <input type="radio" name="bc-audience-mode" checked={mode.value === 'adhoc'} onChange={() => (mode.value = 'adhoc')} /> Build one for this broadcast
              </label>
            </fieldset>
            {mode.value === 'saved' ? (
              saved.value === null ? (
                <Loading />
              ) : saved.value.length === 0 ? (
                <p class="muted">
                  No saved audiences yet. Build one here, or on the <a href="/inbox/messaging/audiences/new">audiences page</a>.
                </p>
              ) : (
                <div class="bc-saved">
                  <label class="field">
                    <span>Audience</span>
                    <select id="bc-audience" value={audienceId.value} aria-invalid={!!errorOf('audienceId')} onChange={(e) => (audienceId.value = e.currentTarget.value)}>
                      <option value="">Choose…</option>
                      {saved.value.map((a) => (
                        <option key={a.id} value={a.id}>
                          {a.name}
                        </option>
                      ))}
                    </select>
                  </label>
                  {savedAudience ? (
                    <p class="bc-audience-sum">
                      <strong>{savedCount.value === null ? '…' : savedCount.value.toLocaleString()}</strong> {savedCount.value === 1 ? 'contact' : 'contacts'} now · <span class="muted">{filterWords(savedAudience.filter)}</span>
                    </p>
                  ) : null}
                  <ErrorLine text={errorOf('audienceId') ?? ''} />
                </div>
              )
            ) : (
              <div class="au-layout au-layout-embedded">
                <FilterBuilder id="bca" value={group.value} errors={[...errors, ...adhocPreview.value.errors]} onChange={(g) => (group.value = g)} />
                <PreviewPanel state={adhocPreview.value} />
              </div>
            )}
          </>
        ) : step.value === 1 ? (
          <div class="form bc-message">
            <label class="field">
              <span>Name (only your team sees it)</span>
              <input id="bc-name" value={name.value} maxLength={200} placeholder="e.g. Spring offer for returning guests" aria-invalid={!!errorOf('name')} onInput={(e) => (name.value = e.currentTarget.value)} />
            </label>
            <ErrorLine text={errorOf('name') ?? ''} />
            <label class="field">
              <span>Send from</span>
              <select id="bc-inbox" value={inboxId.value} aria-invalid={!!errorOf('inboxId')} onChange={(e) => (inboxId.value = e.currentTarget.value)}>
                {sendable.length === 0 ? <option value="">No SMS, WhatsApp or e-mail inbox</option> : null}
                {sendable.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.name} ({channelLabel(i.channel)})
                  </option>
                ))}
              </select>
            </label>
            <ErrorLine text={errorOf('inboxId') ?? ''} />
            <fieldset class="fieldset bc-templates">
              <legend>Template</legend>
              {channel === 'whatsapp' ? <p class="muted small">Only templates WhatsApp has approved can be broadcast: messages to people who have not written in the last 24 hours must use one.</p> : null}
              {templates.value === null ? (
                <Loading />
              ) : templates.value.filter((t) => t.sendable).length === 0 ? (
                <p class="muted">
                  No {channelLabel(channel)} template can be sent yet{templates.value.length ? ` (${templates.value.length} waiting for approval or drafts)` : ''}. Create one on the <a href="/inbox/messaging/templates">templates page</a>.
                </p>
              ) : (
                <div class="bc-template-list">
                  {templates.value
                    .filter((t) => t.sendable)
                    .map((t) => (
                      <label key={t.id} class={`bc-template${t.id === templateId.value ? ' is-chosen' : ''}`}>
                        <input type="radio" name="bc-template" value={t.id} checked={t.id === templateId.value} onChange={() => (templateId.value = t.id)} />
                        <span class="bc-template-text">
                          <span class="bc-template-name">{t.name.replace(/_/g, ' ')}</span>
                          <span class="muted small">
                            {t.category} · {t.language}
                          </span>
                          <span class="bc-template-body">{t.subject ? `${t.subject} — ${t.body}` : t.body}</span>
                        </span>
                      </label>
                    ))}
                  {templates.value.some((t) => !t.sendable) ? <p class="muted small">{templates.value.filter((t) => !t.sendable).length} more not shown: drafts, or waiting for WhatsApp's approval.</p> : null}
                </div>
              )}
              <ErrorLine text={errorOf('templateId') ?? ''} />
            </fieldset>
          </div>
        ) : step.value === 2 ? (
          <PreviewStep preview={preview.value} channel={channel} count={audienceCount} exact={exact} />
        ) : step.value === 3 ? (
          <div class="form bc-when">
            <fieldset class="bc-choice">
              <legend class="sr-only">When</legend>
              <label class="check-field">
                <input type="radio" name="bc-when" checked={whenMode.value === 'now'} onChange={() => (whenMode.value = 'now')} /> Send now
              </label>
              <label class="check-field">
                <input type="radio" name="bc-when" checked={whenMode.value === 'later'} onChange={() => (whenMode.value = 'later')} /> Schedule for later
              </label>
            </fieldset>
            {whenMode.value === 'later' ? (
              <div class="bc-schedule">
                <label class="field">
                  <span>Date</span>
                  <input id="bc-date" type="date" value={date.value} min={localParts(Date.now(), zone.value).date} onInput={(e) => (date.value = e.currentTarget.value)} />
                </label>
                <label class="field">
                  <span>Time</span>
                  <input id="bc-time" type="time" value={time.value} onInput={(e) => (time.value = e.currentTarget.value)} />
                </label>
                <label class="field bc-zone">
                  <span>Time zone</span>
                  <select id="bc-zone" value={zone.value} onChange={(e) => (zone.value = e.currentTarget.value)}>
                    {timeZones().map((z) => (
                      <option key={z} value={z}>
                        {z.replace(/_/g, ' ')}
                      </option>
                    ))}
                  </select>
                </label>
                <p class="muted small bc-zone-note">
                  {scheduledInstant !== null ? (
                    <>
                      {zoneLabel(zone.value, scheduledInstant)}.{' '}
                      {zone.value !== localZone() ? <>That is {new Date(scheduledInstant).toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'short' })} your time.</> : <>{new Date(scheduledInstant).toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'short' })}.</>}
                    </>
                  ) : null}
                </p>
              </div>
            ) : (
              <p class="muted">Sending starts as soon as you confirm, paced to what the channel allows.</p>
            )}
          </div>
        ) : (
          <div class="bc-confirm">
            <dl class="bc-facts">
              <dt>Name</dt>
              <dd>{name.value}</dd>
              <dt>Audience</dt>
              <dd>{audienceWords}</dd>
              <dt>From</dt>
              <dd>{inbox ? `${inbox.name} (${channelLabel(inbox.channel)})` : '—'}</dd>
              <dt>Template</dt>
              <dd>{chosenTemplate?.name.replace(/_/g, ' ') ?? '—'}</dd>
              <dt>When</dt>
              <dd>{whenMode.value === 'now' ? 'Now' : scheduledInstant !== null ? when(scheduledInstant, zone.value) : '—'}</dd>
            </dl>
            <p class="bc-recipient-count" data-testid="confirm-count">
              <strong>{audienceCount === null ? '…' : audienceCount.toLocaleString()}</strong> {audienceCount === 1 ? 'recipient' : 'recipients'}
              {preview.value && skippedTotal > 0 ? (
                <span class="muted">
                  {' '}
                  — {exact ? '' : 'about '}
                  {skippedTotal.toLocaleString()} will be skipped ({skipSummary(preview.value.skipped, channel)})
                </span>
              ) : null}
            </p>
            <p class="muted small">The audience is worked out again when sending starts: contacts who match by then are included.</p>
          </div>
        )}
        {gap.value ? (
          <p class="form-error" role="alert">
            {gap.value}
          </p>
        ) : null}
        {error.value && !errors.length ? <ErrorLine text={errorText(error.value)} /> : null}
        {error.value && errors.length && !errors.some((e) => ['name', 'inboxId', 'templateId', 'audienceId'].includes(e.field) || e.field.startsWith('filter')) ? <ErrorLine text={errors.map((e) => e.message).join(' ')} /> : null}
        <div class="bc-nav">
          {step.value > 0 ? (
            <button type="button" class="btn" disabled={busy.value} onClick={() => void go(step.value - 1)}>
              <Icon name="left" size={16} /> Back
            </button>
          ) : (
            <a class="btn" href={BROADCASTS_BASE}>
              Cancel
            </a>
          )}
          {draft.value ? <span class="muted small">Saved as a draft</span> : null}
          {step.value < STEPS.length - 1 ? (
            <button type="button" class="btn btn-primary" disabled={busy.value} onClick={() => void go(step.value + 1)}>
              {busy.value ? 'Preparing the preview…' : 'Next'} <Icon name="right" size={16} />
            </button>
          ) : (
            <button type="button" class="btn btn-primary" disabled={busy.value || !draft.value} onClick={() => void launch()}>
              <Icon name="send" size={16} /> {whenMode.value === 'now' ? 'Send' : 'Schedule'} to {audienceCount === null ? '' : `${audienceCount.toLocaleString()} `}
              {audienceCount === 1 ? 'contact' : 'contacts'}
            </button>
          )}
        </div>
      </section>
    </div>
  );
}

const STEP_TITLES = ['Who receives it', 'What they receive', 'How it looks', 'When it goes out', 'Check and send'];

function skipSummary(skipped: Partial<Record<SkipReason, number>>, channel: string): string {
  return Object.entries(skipped)
    .filter(([, n]) => n)
    .map(([r, n]) => `${n} ${skipWords(r, channel)}`)
    .join(', ');
}

function PreviewStep({ preview, channel, count, exact }: { preview: BroadcastPreview | null; channel: string; count: number | null; exact: boolean }) {
  if (!preview) return <Loading />;
  const skipped = Object.values(preview.skipped).reduce((a, b) => a + (b ?? 0), 0);
  return (
    <div class="bc-preview">
      <p class="bc-preview-sum">
        {skipped === 0 ? (
          <>Nobody {exact ? 'in this audience' : `among the first ${preview.counted.toLocaleString()}`} will be skipped.</>
        ) : (
          <>
            {exact ? `${skipped.toLocaleString()} of ${(count ?? preview.counted).toLocaleString()}` : `${skipped.toLocaleString()} of the first ${preview.counted.toLocaleString()}`} will be skipped: {skipSummary(preview.skipped, channel)}. They are never sent to.
          </>
        )}
      </p>
      {preview.sample.length === 0 ? (
        <p class="muted">The audience is empty right now.</p>
      ) : (
        <ul class="bc-samples">
          {preview.sample.map((s) => (
            <li key={s.contact.id} class={`card bc-sample${s.skipReason ? ' is-skipped' : ''}`}>
              <div class="bc-sample-head">
                <strong>{contactName(s.contact)}</strong>
                <span class="muted small">{channel === 'email' ? s.contact.email : s.contact.phone}</span>
              </div>
              {s.skipReason ? (
                <p class="bc-skip">
                  <Icon name="ban" size={14} /> Skipped: {skipWords(s.skipReason, channel)}
                </p>
              ) : s.message ? (
                <>
                  {s.message.subject ? <p class="bc-subject">{s.message.subject}</p> : null}
                  <p class="bc-bubble">{s.message.text}</p>
                  {s.message.missing.length ? <p class="small bc-missing">No value for {s.message.missing.map(fieldWords).join(', ')} for this contact: left blank or its fallback used.</p> : null}
                </>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A merge field as words: contact.first_name → first name. */
const fieldWords = (f: string) => f.replace(/^(contact|conversation|reservation|order)\./, '').replace(/[._]/g, ' ');
