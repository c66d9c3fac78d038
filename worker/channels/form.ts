// Website forms: a submission ({type:"form.submitted", data:{submissionId, formName?, contact:{name?,
// email?, phone?}, fields, message?}}) signed with Standard Webhooks lands as a message from the
// contact it names. Forms take no replies. Config: {signingSecret}.
import { capabilities, e164, isObject, str } from './common';
import { event, verify } from './sources';
import type { ChannelAdapter, InboundEvent } from './types';
import { ParseError } from './types';

export const form: ChannelAdapter = {
  key: 'form',
  label: 'Website forms',
  group: 'source',
  provider: 'Standard Webhooks (Parley form.submitted)',
  capabilities: capabilities({ outbound: false }),
  configKeys: ['signingSecret'],
  bodyFormat: 'json',
  verify,
  parse(req) {
    const d = event(req, 'form.submitted');
    const id = str(d.submissionId);
    const c = isObject(d.contact) ? d.contact : {};
    const email = str(c.email)?.toLowerCase() ?? null;
    const phone = e164(str(c.phone));
    const externalId = email ?? phone ?? str(c.id);
    if (!id || !externalId) throw new ParseError('a form submission needs data.submissionId and a contact e-mail, phone or id');
    const fields = isObject(d.fields) ? Object.entries(d.fields).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`) : [];
    const text = [d.formName ? `📝 ${d.formName}` : '📝 Form submission', str(d.message), ...fields].filter(Boolean).join('\n');
    return [{ type: 'message', providerMessageId: id, contact: { externalId, name: str(c.name), email, phone }, text } satisfies InboundEvent];
  },
};

