// /inbox/messaging/templates: the template library — SMS, WhatsApp and e-mail templates with their
// category, language, approval status (WhatsApp's review in plain words) and last edit, filtered by
// channel and category — and at /templates/:id (or /new) the editor (templates/Editor.tsx). Managers
// edit; staff read and preview (the server lets every role read).
import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { fullDateTime, relativeTime } from '../lib/format';
import { isManager } from '../state/session';
import { Icon } from '../ui/Icon';
import { EmptyCard, ListBody, TableRegion } from '../ui/ListBody';
import { PageFrame } from './sla/parts';
import { TemplateEditor } from './templates/Editor';
import { StatusChip } from './templates/Panels';
import { CATEGORY_LABEL, CHANNEL_LABEL, CHANNELS, languageLabel, TEMPLATE_CATEGORIES, type Template } from './templates/model';

export const TEMPLATES_BASE = '/inbox/messaging/templates';

const templates = signal<Template[] | null>(null);
const loadError = signal('');
const channelFilter = signal('');
const categoryFilter = signal('');

export async function loadTemplates(): Promise<void> {
  try {
    templates.value = (await api<{ items: Template[] }>('/templates', { query: { channel: channelFilter.value, category: categoryFilter.value } })).items;
    loadError.value = '';
  } catch (err) {
    loadError.value = errorText(err);
  }
}

export function TemplatesPage({ id }: { id: string | null }) {
  if (id) return <TemplateEditor key={id} id={id === 'new' ? null : id} onSaved={() => void loadTemplates()} />;
  return <TemplateList />;
}

/** "just now", "5m ago", or the date for older edits. */
function edited(at: number): string {
  const r = relativeTime(at);
  if (r === 'now') return 'just now';
  return /^\d+[mhd]$/.test(r) ? `${r} ago` : r;
}

function TemplateList() {
  useEffect(() => {
    void loadTemplates();
  }, []);
  const list = templates.value;
  const filtered = !!(channelFilter.value || categoryFilter.value);
  return (
    <PageFrame
      id="templates"
      title="Templates"
      intro="Ready-made SMS, WhatsApp and e-mail messages with merge fields, for broadcasts, automations and replies outside WhatsApp’s 24-hour window."
      actions={
        isManager.value ? (
          <a class="btn btn-primary" href={`${TEMPLATES_BASE}/new`}>
            <Icon name="plus" size={16} /> New template
          </a>
        ) : null
      }
    >
      <div class="tpl-filters" role="group" aria-label="Filter templates">
        <label class="field tpl-filter">
          <span>Channel</span>
          <select
            value={channelFilter.value}
            onChange={(e) => {
              channelFilter.value = e.currentTarget.value;
              void loadTemplates();
            }}
          >
            <option value="">All channels</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {CHANNEL_LABEL[c]}
              </option>
            ))}
          </select>
        </label>
        <label class="field tpl-filter">
          <span>Category</span>
          <select
            value={categoryFilter.value}
            onChange={(e) => {
              categoryFilter.value = e.currentTarget.value;
              void loadTemplates();
            }}
          >
            <option value="">All categories</option>
            {TEMPLATE_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {CATEGORY_LABEL[c] ?? c}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ListBody
        what="templates"
        error={loadError.value}
        items={list}
        retry={() => void loadTemplates()}
        empty={
          <EmptyCard icon="file" title={filtered ? 'No templates match' : 'No templates yet'} class="tpl-empty">
            {filtered ? (
              <p>No template has this channel and category. Clear a filter to see more.</p>
            ) : (
              <>
                <p>
                  A template is a message you write once and send many times: an <strong>SMS</strong> with its character count, a <strong>WhatsApp</strong> message WhatsApp approves before it can open a
                  conversation, or an <strong>e-mail</strong> with its formatted body. Merge fields such as the guest’s first name or check-in date are filled in for each contact.
                </p>
                {isManager.value ? (
                  <p>
                    <a class="btn btn-primary" href={`${TEMPLATES_BASE}/new`}>
                      Create your first template
                    </a>
                  </p>
                ) : null}
              </>
            )}
          </EmptyCard>
        }
      >
        {(list) => (
          <TableRegion label="Templates" wrapClass="wf-table-wrap tpl-table-wrap" tableClass="wf-table tpl-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Channel</th>
                <th scope="col">Category</th>
                <th scope="col">Language</th>
                <th scope="col">Status</th>
                <th scope="col">Last edited</th>
              </tr>
            </thead>
            <tbody>
              {list.map((t) => (
                <tr key={t.id}>
                  <th scope="row">
                    <a href={`${TEMPLATES_BASE}/${encodeURIComponent(t.id)}`}>{t.name}</a>
                  </th>
                  <td data-label="Channel">{CHANNEL_LABEL[t.channel]}</td>
                  <td data-label="Category">{CATEGORY_LABEL[t.category] ?? t.category}</td>
                  <td data-label="Language">{languageLabel(t.language)}</td>
                  <td data-label="Status">
                    <StatusChip t={t} />
                  </td>
                  <td data-label="Last edited">
                    <time dateTime={new Date(t.updatedAt).toISOString()} title={fullDateTime(t.updatedAt)}>
                      {edited(t.updatedAt)}
                    </time>
                  </td>
                </tr>
              ))}
            </tbody>
          </TableRegion>
        )}
      </ListBody>
    </PageFrame>
  );
}
