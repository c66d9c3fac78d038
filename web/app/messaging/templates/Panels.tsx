// The editor's side panels: the preview for a chosen contact (GET /api/templates/:id/preview — what
// that contact would receive from the saved version, merge fields filled), with e-mail shown in a
// sandboxed frame at desktop and phone widths; the version list with Restore; and the status chip.
import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { api, errorText } from '../../lib/api';
import { contactName, fullDateTime } from '../../lib/format';
import { userName } from '../../state/session';
import { Loading } from '../../ui/form';
import { fieldLabel, reasonWords, statusWords, type Preview, type Template, type TemplateVersion } from './model';
import { StateChip } from '../../ui/StateChip';

export function StatusChip({ t }: { t: Pick<Template, 'channel' | 'status' | 'statusReason'> }) {
  const s = statusWords(t);
  const reason = t.status === 'rejected' || t.status === 'paused' || t.status === 'disabled' ? reasonWords(t.statusReason) : null;
  return (
    <span class="tpl-status">
      <StateChip tone={s.tone === 'draft' ? 'muted' : s.tone} class="tpl-chip">
        {s.label}
      </StateChip>
      {reason ? <span class="tpl-reason">Reason: {reason}</span> : null}
    </span>
  );
}

interface ContactLite {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
}

const WIDTHS = { desktop: 600, phone: 375 } as const;
type Width = keyof typeof WIDTHS;

export function TemplatePreview({ template, dirty }: { template: Template; dirty: boolean }) {
  const contacts = useSignal<ContactLite[]>([]);
  const query = useSignal('');
  const contactId = useSignal('');
  const preview = useSignal<Preview | null>(null);
  const error = useSignal('');
  const width = useSignal<Width>(window.innerWidth < 700 ? 'phone' : 'desktop');

  useEffect(() => {
    const ctl = new AbortController();
    const timer = setTimeout(() => {
      api<{ items: ContactLite[] }>('/contacts', { query: { q: query.value.trim(), limit: 25 }, signal: ctl.signal })
        .then((r) => (contacts.value = r.items))
        .catch(() => {});
    }, 200);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [query.value]);

  useEffect(() => {
    const ctl = new AbortController();
    error.value = '';
    api<Preview>(`/templates/${encodeURIComponent(template.id)}/preview`, { query: { contactId: contactId.value }, signal: ctl.signal })
      .then((p) => (preview.value = p))
      .catch((err) => {
        if ((err as Error).name !== 'AbortError') error.value = errorText(err);
      });
    return () => ctl.abort();
  }, [template.id, template.version, contactId.value]);

  const p = preview.value;
  const chosen = contacts.value.find((c) => c.id === contactId.value);
  return (
    <section class="card tpl-panel" aria-labelledby="tpl-preview-title">
      <h2 id="tpl-preview-title">Preview</h2>
      <div class="tpl-preview-for">
        <label class="field">
          <span>Find a contact</span>
          <input type="search" value={query.value} placeholder="Name, e-mail or phone" onInput={(e) => (query.value = e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Preview for</span>
          <select id="tpl-preview-contact" value={contactId.value} onChange={(e) => (contactId.value = e.currentTarget.value)}>
            <option value="">No contact</option>
            {chosen || !contactId.value ? null : <option value={contactId.value}>The chosen contact</option>}
            {contacts.value.map((c) => (
              <option key={c.id} value={c.id}>
                {contactName(c)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {dirty ? <p class="muted small tpl-preview-note">Showing the saved version {template.version}: save to preview your changes.</p> : null}
      {error.value ? (
        <p class="form-error" role="alert">
          {error.value}
        </p>
      ) : !p ? (
        <Loading />
      ) : (
        <div class="tpl-preview" aria-live="polite" data-version={p.version}>
          {template.channel === 'email' ? (
            <>
              <p class="tpl-preview-subject">
                <span class="muted small">Subject</span> <strong>{p.subject || '—'}</strong>
              </p>
              <div class="seg tpl-widths" role="radiogroup" aria-label="Preview width">
                {(Object.keys(WIDTHS) as Width[]).map((w) => (
                  <label key={w} class={`seg-opt${width.value === w ? ' active' : ''}`}>
                    <input type="radio" name="tpl-width" value={w} checked={width.value === w} onChange={() => (width.value = w)} />
                    {w === 'desktop' ? 'Desktop' : 'Phone'}
                  </label>
                ))}
              </div>
              {p.html ? <EmailFrame html={p.html} width={WIDTHS[width.value]} label={`E-mail preview, ${width.value === 'desktop' ? 'desktop' : 'phone'} width`} /> : <p class="muted">No formatted body: the plain text is sent.</p>}
              <details class="tpl-plain">
                <summary>Plain-text version</summary>
                <pre>{p.body}</pre>
              </details>
            </>
          ) : template.channel === 'whatsapp' ? (
            <div class="tpl-bubble tpl-bubble-wa">
              {p.header ? <p class="tpl-wa-header">{p.header}</p> : template.header && template.header.format !== 'text' ? <p class="muted small">[{template.header.format}]</p> : null}
              <p class="tpl-wa-body">{p.body}</p>
              {p.footer ? <p class="tpl-wa-footer">{p.footer}</p> : null}
              {p.buttons.length ? (
                <ul class="tpl-wa-buttons" aria-label="Buttons">
                  {p.buttons.map((b, i) => (
                    <li key={i}>{b.text}</li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : (
            <>
              <div class="tpl-bubble tpl-bubble-sms">{p.text}</div>
              {p.sms ? (
                <p class="muted small">
                  {p.sms.characters} characters · {p.sms.segments} {p.sms.segments === 1 ? 'message' : 'messages'} · {p.sms.encoding === 'GSM-7' ? 'standard characters' : 'special characters'}
                </p>
              ) : null}
            </>
          )}
          {p.missing.length ? (
            <p class="tpl-missing">
              <strong>No value{contactId.value ? ' for this contact' : ''}:</strong> {p.missing.map((m) => (m.startsWith('{{') ? `parameter ${m}` : fieldLabel(m))).join(', ')}. These are left empty.
            </p>
          ) : null}
        </div>
      )}
    </section>
  );
}

/**
 * The e-mail as sent, in a sandboxed frame: no scripts run in it and its links go nowhere. The srcdoc
 * document inherits the app's content security policy, whose style-src refuses the style attributes the
 * server inlined; writes through the CSSOM are outside CSP, so each element's declared style is copied
 * onto it that way (the HTML is the server's sanitized output, never raw author input). The frame keeps
 * its real width (600 or 375 CSS pixels, what the mail client lays out) and is scaled down to fit the panel.
 */
function EmailFrame({ html, width, label }: { html: string; width: number; label: string }) {
  const frameRef = useRef<HTMLIFrameElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const scale = useSignal(1);
  const fit = () => {
    const frame = frameRef.current;
    const wrap = wrapRef.current;
    const doc = frame?.contentDocument;
    if (!frame || !wrap || !doc?.body) return;
    if (!doc.body.dataset.styled) {
      for (const el of doc.querySelectorAll<HTMLElement>('[style]')) el.style.cssText = el.getAttribute('style') ?? '';
      doc.body.style.cssText = 'margin:0;padding:16px;font:15px/1.5 -apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1f2328;background:#ffffff;overflow-wrap:anywhere';
      for (const img of doc.querySelectorAll<HTMLImageElement>('img')) img.style.maxWidth = '100%';
      doc.body.dataset.styled = '1';
    }
    const height = Math.min(Math.max(doc.documentElement.scrollHeight, 120), 1600);
    frame.style.height = `${height}px`;
    const s = Math.min(1, wrap.clientWidth / (width + 2));
    scale.value = s;
    frame.style.transform = s < 1 ? `scale(${s})` : '';
    wrap.style.height = `${Math.ceil((height + 2) * s)}px`;
  };
  useEffect(() => {
    fit();
    const ro = new ResizeObserver(fit);
    if (wrapRef.current) ro.observe(wrapRef.current);
    return () => ro.disconnect();
  }, [width, html]);
  return (
    <figure class="tpl-frame-fig">
      <div ref={wrapRef} class="tpl-frame-wrap">
        <iframe
          ref={frameRef}
          class="tpl-frame"
          title={label}
          sandbox="allow-same-origin"
          width={width}
          srcDoc={`<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head><body>${html}</body></html>`}
          onLoad={fit}
        />
      </div>
      <figcaption class="muted small">
        {width} pixels wide{scale.value < 1 ? `, shown at ${Math.round(scale.value * 100)}%` : ''}
      </figcaption>
    </figure>
  );
}

export function VersionList({ templateId, current, canRestore, onRestore }: { templateId: string; current: number; canRestore: boolean; onRestore: (version: number) => void }) {
  const versions = useSignal<TemplateVersion[] | null>(null);
  const error = useSignal('');
  useEffect(() => {
    api<{ items: TemplateVersion[] }>(`/templates/${encodeURIComponent(templateId)}/versions`)
      .then((r) => (versions.value = r.items))
      .catch((err) => (error.value = errorText(err)));
  }, [templateId, current]);
  return (
    <section class="card tpl-panel" aria-labelledby="tpl-versions-title">
      <h2 id="tpl-versions-title">Versions</h2>
      {error.value ? (
        <p class="form-error" role="alert">
          {error.value}
        </p>
      ) : versions.value === null ? (
        <Loading />
      ) : (
        <ul class="tpl-versions">
          {versions.value.map((v) => (
            <li key={v.version} data-version={v.version}>
              <span class="tpl-version-main">
                <strong>Version {v.version}</strong>
                <span class="muted small">
                  {' '}
                  <time dateTime={new Date(v.createdAt).toISOString()}>{fullDateTime(v.createdAt)}</time>
                  {v.createdBy ? ` by ${userName(v.createdBy)}` : ''} · {changeWords(v.change)}
                </span>
                <span class="tpl-version-text">{(v.subject ? `${v.subject} — ` : '') + v.body}</span>
              </span>
              {v.version === current ? (
                <span class="muted small">Current</span>
              ) : canRestore ? (
                <button type="button" class="btn btn-sm" aria-label={`Restore version ${v.version}`} onClick={() => onRestore(v.version)}>
                  Restore
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function changeWords(change: string): string {
  if (change === 'created') return 'created';
  if (change === 'edited') return 'edited';
  return change; // "restored from version N" is already words.
}
