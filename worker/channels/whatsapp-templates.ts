// Meta's side of WhatsApp message templates: the Graph API requests that submit a template for review
// (POST /{waba-id}/message_templates to create, POST /{template-id} to edit one Meta already has), how
// their answers read, the sandbox's provider-exact answers, and the `message_template_status_update`
// webhook change that reports Meta's verdict.
import { cfg, interpretHttp, isObject, jsonRequest, jsonResponse, str } from './common';
import { GRAPH } from './meta';
import type { InboxConfig, ProviderRequest, ProviderResponse, TemplateStatusEvent } from './types';

export interface TemplateSubmission {
  name: string;
  /** Meta's code: en_US, pt_BR, es. */
  language: string;
  category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
  components: Record<string, unknown>[];
}

/** The request that submits the template; an edit when Meta already knows it (same name and language). */
export function templateSubmissionRequest(config: InboxConfig, t: TemplateSubmission, providerTemplateId: string | null): ProviderRequest | null {
  const waba = cfg(config, 'businessAccountId');
  const auth = { authorization: `Bearer ${cfg(config, 'accessToken') ?? ''}` };
  if (providerTemplateId) return jsonRequest('POST', `${GRAPH}/${providerTemplateId}`, { category: t.category, components: t.components }, auth);
  if (!waba) return null;
  return jsonRequest('POST', `${GRAPH}/${waba}/message_templates`, t, auth);
}

export type SubmissionResult = { ok: true; providerTemplateId: string | null; status: string | null } | { ok: false; permanent: boolean; reason: string };

/** Create answers {id, status, category}; edit answers {success: true}. */
export function readSubmission(res: ProviderResponse): SubmissionResult {
  const r = interpretHttp(res, (j) => j?.id);
  if (!r.ok) return { ok: false, permanent: r.permanent, reason: r.reason };
  let status: string | null = null;
  try {
    const j = JSON.parse(res.body);
    if (isObject(j) && j.success === false) return { ok: false, permanent: true, reason: 'Meta did not accept the template edit' };
    status = str(j?.status);
  } catch {
    // an empty 2xx: accepted, status unknown (the webhook will tell)
  }
  return { ok: true, providerTemplateId: r.providerMessageId, status };
}

/** What Meta answers in the sandbox: a fresh numeric id and PENDING for a create, success for an edit. */
export function sandboxSubmissionReply(req: ProviderRequest): ProviderResponse {
  const url = new URL(req.url);
  if (url.pathname.endsWith('/message_templates')) {
    let category = 'UTILITY';
    try {
      category = String(JSON.parse(req.body ?? '{}').category ?? category);
    } catch {
      // keep the default
    }
    const id = String(1e14 + Math.floor(Math.random() * 9e14));
    return jsonResponse(200, { id, status: 'PENDING', category });
  }
  return jsonResponse(200, { success: true });
}

export const TEMPLATE_EVENTS = ['APPROVED', 'REJECTED', 'PENDING', 'DISABLED', 'PAUSED', 'FLAGGED', 'REINSTATED', 'PENDING_DELETION', 'IN_APPEAL', 'LIMIT_EXCEEDED'] as const;

/** One `message_template_status_update` change (entry[].changes[].value) as an inbound event. */
export function templateStatusEvent(entry: Record<string, any>, value: Record<string, any>): TemplateStatusEvent | null {
  const id = value.message_template_id;
  const event = str(value.event);
  if ((typeof id !== 'number' && typeof id !== 'string') || !event) return null;
  const reason = str(value.reason);
  const other = isObject(value.other_info) ? [str(value.other_info.title), str(value.other_info.description)].filter(Boolean).join(': ') : '';
  return {
    type: 'template_status',
    providerTemplateId: String(id),
    name: str(value.message_template_name),
    language: str(value.message_template_language),
    event: event.toUpperCase(),
    reason: reason && reason !== 'NONE' ? reason : other || null,
    businessAccountId: entry.id !== undefined ? String(entry.id) : null,
    at: Number(entry.time) > 0 ? Number(entry.time) * 1000 : undefined,
  };
}
