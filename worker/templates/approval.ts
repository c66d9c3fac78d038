// WhatsApp template review, kept in step with Meta: submitting sends the template through the inbox's
// credentials (Graph API behind the injected transport: the sandbox records it and answers as Meta
// does), and Meta's verdict arrives later as a signed `message_template_status_update` webhook that
// the INGEST consumer hands to applyTemplateStatus.
import { cfg } from '../channels/common';
import type { TemplateStatusEvent } from '../channels/types';
import { readSubmission, templateSubmissionRequest } from '../channels/whatsapp-templates';
import type { WorkspaceScope } from '../db/scope';
import { transportFor, type Transport } from '../delivery/transport';
import { Problem } from '../http/problem';
import { loadInbox } from '../ingest/inboxes';
import type { TemplateStatus } from './content';
import { findTemplate, type TemplateRow } from './store';
import { metaCategory, metaComponents, metaLanguage } from './whatsapp-format';

/** Meta's template events as our statuses; FLAGGED keeps the status and only says why. */
const EVENT_STATUS: Record<string, TemplateStatus | null> = {
  APPROVED: 'approved',
  REINSTATED: 'approved',
  REJECTED: 'rejected',
  PENDING: 'pending',
  IN_APPEAL: 'pending',
  PAUSED: 'paused',
  DISABLED: 'disabled',
  PENDING_DELETION: 'disabled',
  FLAGGED: null,
};

async function whatsappInbox(env: Env, scope: WorkspaceScope, wanted: string | null) {
  let id = wanted;
  if (!id) {
    const { results } = await scope.prepare(`SELECT id FROM inboxes WHERE workspace_id = ?1 AND channel = 'whatsapp' ORDER BY created_at LIMIT 2`).all<{ id: string }>();
    if (results.length !== 1) throw Problem.badRequest('inboxId', results.length ? 'name the WhatsApp inbox whose business account reviews the template' : 'the workspace has no WhatsApp inbox to submit through');
    id = results[0].id;
  }
  const inbox = await loadInbox(env, id);
  if (!inbox || inbox.workspaceId !== scope.workspaceId) throw Problem.badRequest('inboxId', 'no such inbox in this workspace');
  if (inbox.channel !== 'whatsapp') throw Problem.badRequest('inboxId', 'must be a WhatsApp inbox');
  return inbox;
}

/** draft | rejected → pending (or whatever Meta answers at once). */
export async function submitTemplate(env: Env, scope: WorkspaceScope, row: TemplateRow, inboxId: string | null, transport: Transport = transportFor(env)): Promise<TemplateRow> {
  if (row.channel !== 'whatsapp') throw Problem.conflict(`Only WhatsApp templates are reviewed by the provider; ${row.channel} templates are active as saved`);
  if (row.status !== 'draft' && row.status !== 'rejected') throw Problem.conflict(`The template is ${row.status}: edit it (back to draft) before submitting again`, 'status');
  const inbox = await whatsappInbox(env, scope, inboxId ?? row.inboxId);
  const req = templateSubmissionRequest(
    inbox.config,
    { name: row.name, language: metaLanguage(row.language), category: metaCategory(row.category), components: metaComponents(row.content) },
    // An edit only for what Meta already knows under this name (a rename clears the id).
    row.providerTemplateId,
  );
  if (!req) throw Problem.badRequest('inboxId', 'the WhatsApp inbox has no businessAccountId (the WhatsApp Business Account id) in its config');
  let res;
  try {
    res = await transport.execute(req, { workspaceId: scope.workspaceId, inboxId: inbox.id, channel: 'whatsapp', purpose: 'template' });
  } catch (err) {
    throw new Problem(502, 'Provider unreachable', `Meta could not be reached: ${err instanceof Error ? err.message : String(err)}`);
  }
  const result = readSubmission(res);
  if (!result.ok) {
    if (!result.permanent) throw new Problem(502, 'Provider unavailable', `Meta did not take the template now; try again: ${result.reason}`);
    throw new Problem(422, 'Refused by the provider', result.reason, [{ field: 'template', message: result.reason }]);
  }
  const status = (result.status && EVENT_STATUS[result.status.toUpperCase()]) || 'pending';
  const now = Date.now();
  const done = await scope
    .prepare(
      `UPDATE templates SET status = ?3, status_reason = NULL, status_at = NULL, inbox_id = ?4, provider_template_id = coalesce(?5, provider_template_id),
       submitted_version = version, submitted_at = ?6, updated_at = ?6 WHERE workspace_id = ?1 AND id = ?2 AND version = ?7`,
      row.id,
      status,
      inbox.id,
      result.providerTemplateId,
      now,
      row.version,
    )
    .run();
  if (!done.meta.changes) throw Problem.conflict('The template changed while it was being submitted; submit it again');
  return (await findTemplate(scope, row.id))!;
}

export type StatusOutcome = 'applied' | 'stale' | 'unknown';

/**
 * Meta's verdict on a template of this inbox's workspace. Idempotent (at-least-once webhooks); an
 * update older than the last one applied is ignored, and so is a verdict on a template edited back to
 * draft since (it is about content we no longer hold). Templates made outside Parley are not ours to track.
 */
export async function applyTemplateStatus(env: Env, inbox: { id: string; workspaceId: string; config: Record<string, unknown> }, ev: TemplateStatusEvent): Promise<StatusOutcome> {
  const waba = cfg(inbox.config, 'businessAccountId');
  if (waba && ev.businessAccountId && waba !== ev.businessAccountId) return 'unknown';
  const row = await env.DB.prepare(
    `SELECT id, status FROM templates WHERE workspace_id = ?1 AND channel = 'whatsapp'
       AND (provider_template_id = ?2 OR (provider_template_id IS NULL AND status = 'pending' AND name = ?3 AND replace(language, '-', '_') = ?4))
     ORDER BY (provider_template_id = ?2) DESC LIMIT 1`,
  )
    .bind(inbox.workspaceId, ev.providerTemplateId, ev.name ?? '', ev.language ?? '')
    .first<{ id: string; status: string }>();
  if (!row) {
    console.log(`templates: status ${ev.event} for WhatsApp template ${ev.providerTemplateId} (${ev.name}) that no template of ${inbox.workspaceId} knows`);
    return 'unknown';
  }
  if (!(ev.event in EVENT_STATUS)) return 'stale';
  const status = EVENT_STATUS[ev.event];
  const at = ev.at ?? Date.now();
  const res = await env.DB.prepare(
    `UPDATE templates SET status = coalesce(?3, status), status_reason = ?4, status_at = ?5, provider_template_id = coalesce(provider_template_id, ?6), updated_at = ?7
     WHERE workspace_id = ?1 AND id = ?2 AND status != 'draft' AND (status_at IS NULL OR status_at <= ?5)`,
  )
    .bind(inbox.workspaceId, row.id, status, ev.reason, at, ev.providerTemplateId, Date.now())
    .run();
  return res.meta.changes ? 'applied' : 'stale';
}
