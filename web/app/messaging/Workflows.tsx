// /inbox/messaging/workflows (managers): the automation workflows — each with its enable switch, its
// trigger in words, its last run, runs and errors in the last 24 hours — and at /workflows/:id (or /new)
// the editor (workflows/Editor.tsx).
import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { relativeTime } from '../lib/format';
import { inboxes } from '../state/session';
import { Icon } from '../ui/Icon';
import { EmptyCard, ListBody, TableRegion } from '../ui/ListBody';
import { deleteRule, ManagersOnly, PageFrame, saveEnabled, Toggle } from './sla/parts';
import { WorkflowEditor } from './workflows/Editor';
import { triggerWords, type Workflow } from './workflows/model';

export const WORKFLOWS_BASE = '/inbox/messaging/workflows';

const workflows = signal<Workflow[] | null>(null);
const loadError = signal('');

export async function loadWorkflows(): Promise<void> {
  try {
    workflows.value = (await api<{ items: Workflow[] }>('/workflows')).items;
    loadError.value = '';
  } catch (err) {
    loadError.value = errorText(err);
  }
}

export function WorkflowsPage({ id }: { id: string | null }) {
  if (id) return <WorkflowEditor key={id} id={id === 'new' ? null : id} onSaved={() => void loadWorkflows()} />;
  return <WorkflowList />;
}

function WorkflowList() {
  useEffect(() => {
    void loadWorkflows();
  }, []);
  const list = workflows.value;
  return (
    <PageFrame
      id="workflows"
      title="Workflows"
      intro="Automations that run on their own: when something happens (a message arrives, a tag is applied…), check conditions and act — assign, tag, reply, wait, escalate or call a webhook."
      actions={
        <ManagersOnly what="workflows">
          <a class="btn btn-primary" href={`${WORKFLOWS_BASE}/new`}>
            <Icon name="plus" size={16} /> New workflow
          </a>
        </ManagersOnly>
      }
    >
      <ManagersOnly what="workflows">
        <ListBody
          what="workflows"
          error={loadError.value}
          items={list}
          retry={() => void loadWorkflows()}
          empty={
            <EmptyCard icon="bot" title="No workflows yet" class="wf-empty">
              <p>
                A workflow is a trigger, then steps: <strong>when</strong> a customer writes, a conversation opens or a tag is applied, <strong>if</strong> conditions match (text, channel, contact, business
                hours…), <strong>do</strong> things — assign to a team, tag, set priority, send a reply, wait for an answer, escalate or call your own system.
              </p>
              <p>
                <a class="btn btn-primary" href={`${WORKFLOWS_BASE}/new`}>
                  Create your first workflow
                </a>
              </p>
            </EmptyCard>
          }
        >
          {(list) => (
            <TableRegion label="Workflows" wrapClass="wf-table-wrap" tableClass="wf-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Trigger</th>
                  <th scope="col">Last run</th>
                  <th scope="col">Runs (24 h)</th>
                  <th scope="col">Errors (24 h)</th>
                  <th scope="col">
                    <span class="sr-only">Enabled</span>
                  </th>
                  <th scope="col">
                    <span class="sr-only">Delete</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((w) => (
                  <tr key={w.id} class={w.enabled ? '' : 'is-off'}>
                    <th scope="row">
                      <a href={`${WORKFLOWS_BASE}/${encodeURIComponent(w.id)}`}>{w.name}</a>
                      <span class="wf-cell-sub muted">v{w.version}</span>
                    </th>
                    <td data-label="Trigger">{triggerWords(w.trigger, { inbox: (x) => inboxes.value.find((i) => i.id === x)?.name ?? 'an inbox' })}</td>
                    <td data-label="Last run">{w.lastRunAt ? relativeTime(w.lastRunAt) : <span class="muted">never</span>}</td>
                    <td data-label="Runs (24 h)">{w.runsToday ?? 0}</td>
                    <td data-label="Errors (24 h)">{w.errorsToday ? <span class="wf-errors">{w.errorsToday}</span> : 0}</td>
                    <td>
                      <Toggle checked={w.enabled} label={`${w.name} enabled`} hideLabel onChange={(on) => void saveEnabled(workflows, w, on, `/workflows/${w.id}`, loadWorkflows, true)} />
                    </td>
                    <td>
                      <button
                        type="button"
                        class="btn-icon"
                        aria-label={`Delete ${w.name}`}
                        onClick={() => void deleteRule({ question: `Delete the workflow “${w.name}”? Runs in progress finish; its history is kept.`, url: `/workflows/${w.id}`, done: 'Workflow deleted', reload: loadWorkflows })}
                      >
                        <Icon name="trash" size={16} />
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </TableRegion>
          )}
        </ListBody>
      </ManagersOnly>
    </PageFrame>
  );
}
