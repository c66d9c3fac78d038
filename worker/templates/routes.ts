// /api/templates: the template library (SMS, WhatsApp, e-mail). Managers write; every signed-in role
// reads, counts and previews (what a contact would receive, merge fields filled). Every change is a
// version; WhatsApp templates go to Meta for review through POST /:id/submit.
import { Hono, type Context } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { Problem } from '../http/problem';
import { valid } from '../http/validate';
import { mergeContext, type MergeConversation } from '../replies/context';
import { submitTemplate } from './approval';
import { buildContent, invalid, nameErrors, type ContentInput } from './build';
import { BUTTON_TYPES, HEADER_FORMATS, TEMPLATE_CATEGORIES, TEMPLATE_CHANNELS, TEMPLATE_STATUSES, type TemplateCategory, type TemplateMeta } from './content';
import { renderTemplate } from './render';
import { countSms } from './sms';
import { changeTemplate, createTemplate, deleteTemplate, findTemplate, listTemplates, templateJson, templateVersions, type TemplateRow } from './store';

const Text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const Name = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(512));
const Channel = v.picklist(TEMPLATE_CHANNELS, `must be one of ${TEMPLATE_CHANNELS.join(', ')}`);
const Category = v.picklist(TEMPLATE_CATEGORIES, `must be one of ${TEMPLATE_CATEGORIES.join(', ')}`);
const Language = v.pipe(v.string(), v.trim(), v.regex(/^[a-z]{2,3}([_-][A-Za-z0-9]{2,4})?$/, 'must be a language code such as en, en_US or pt-BR'));
const Header = v.object({
  format: v.picklist(HEADER_FORMATS, `must be one of ${HEADER_FORMATS.join(', ')}`),
  text: v.optional(v.nullable(Text(1000))),
  mediaUrl: v.optional(v.nullable(Text(2000))),
  handle: v.optional(v.nullable(Text(2000))),
});
const Button = v.object({
  type: v.picklist(BUTTON_TYPES, `must be one of ${BUTTON_TYPES.join(', ')}`),
  text: Text(200),
  url: v.optional(v.nullable(Text(4000))),
  phoneNumber: v.optional(v.nullable(Text(40))),
});
const ParamKey = v.pipe(v.string(), v.regex(/^(header\.)?[1-9]\d{0,2}$/, 'keys are parameter numbers ("1", "2" …) or "header.1"'));
const Params = v.pipe(v.record(ParamKey, Text(200)), v.check((r) => Object.keys(r).length <= 100, 'at most 100 parameters'));
const ContentFields = {
  body: v.optional(v.nullable(Text(20_000))),
  subject: v.optional(v.nullable(Text(300))),
  html: v.optional(v.nullable(Text(200_000))),
  header: v.optional(v.nullable(Header)),
  footer: v.optional(v.nullable(Text(1000))),
  buttons: v.optional(v.nullable(v.pipe(v.array(Button), v.maxLength(50)))),
  variables: v.optional(v.nullable(Params)),
  examples: v.optional(v.nullable(Params)),
};
const CreateBody = v.object({ name: Name, channel: Channel, category: Category, language: Language, ...ContentFields });
const PatchBody = v.pipe(
  v.object({ name: v.optional(Name), channel: v.optional(Channel), category: v.optional(Category), language: v.optional(Language), ...ContentFields }),
  v.check((b) => Object.keys(b).length > 0, 'the body must change at least one field'),
);
const ListQuery = v.object({
  channel: v.optional(Channel),
  category: v.optional(Category),
  status: v.optional(v.picklist(TEMPLATE_STATUSES, `must be one of ${TEMPLATE_STATUSES.join(', ')}`)),
  q: v.optional(Text(100)),
});
const PreviewQuery = v.object({ contactId: v.optional(Text(100)) });
const SubmitBody = v.object({ inboxId: v.optional(Text(100)) });
const CountBody = v.object({ body: Text(20_000), category: v.optional(Category), language: v.optional(Language) });
const VersionParam = v.object({ id: Text(100), version: v.pipe(v.string(), v.regex(/^[1-9]\d{0,8}$/, 'must be a version number'), v.toNumber()) });

export const templateRoutes = new Hono<AppEnv>();
const manager = requireRole('manager');

function contentOf(body: Record<string, unknown>): ContentInput {
  const out: ContentInput = {};
  for (const k of Object.keys(ContentFields) as (keyof ContentInput)[]) if (body[k] !== undefined) (out as Record<string, unknown>)[k] = body[k];
  return out;
}

async function load(c: Context<AppEnv>, id: string): Promise<TemplateRow> {
  const row = await findTemplate(c.get('scope'), id);
  if (!row) throw Problem.notFound('Template');
  return row;
}

templateRoutes.get(
  '/',
  describeRoute({ tags: ['templates'], summary: 'The template library (latest change first)', description: 'Filters: `channel`, `category`, `status`; `q` matches the name.' }),
  valid('query', ListQuery),
  async (c) => {
    const rows = await listTemplates(c.get('scope'), c.req.valid('query'));
    return c.json({ items: rows.map(templateJson) });
  },
);

templateRoutes.post(
  '/count-sms',
  describeRoute({ tags: ['templates'], summary: 'Live SMS count of a text: GSM-7 or UCS-2, characters and segments, with the opt-out footer a marketing text gets' }),
  valid('json', CountBody),
  (c) => {
    const b = c.req.valid('json');
    return c.json(countSms(b.body, b.category ?? 'utility', b.language ?? 'en'));
  },
);

templateRoutes.post(
  '/',
  describeRoute({
    tags: ['templates'],
    summary: 'Create a template (SMS, WhatsApp in the Cloud API format, or e-mail with sanitized, CSS-inlined HTML)',
    description: 'WhatsApp templates start as `draft` (submit them for review); SMS and e-mail templates are `active` at once.',
    responses: { 201: { description: 'The template, version 1' } },
  }),
  manager,
  valid('json', CreateBody),
  async (c) => {
    const body = c.req.valid('json');
    const meta: TemplateMeta = { name: body.name, channel: body.channel, category: body.category, language: body.language };
    const errors = nameErrors(meta.name);
    if (errors.length) throw invalid(errors);
    const content = await buildContent(meta, contentOf(body));
    const row = await createTemplate(c.get('scope'), meta, content, c.get('principal').userId);
    return c.json(templateJson(row), 201);
  },
);

templateRoutes.get('/:id', describeRoute({ tags: ['templates'], summary: 'One template with its current version, approval status and (SMS) segment count' }), async (c) => c.json(templateJson(await load(c, c.req.param('id')))));

templateRoutes.patch(
  '/:id',
  describeRoute({ tags: ['templates'], summary: 'Change a template: a new version (an approved or rejected WhatsApp template goes back to draft)', description: 'Fields not sent stay; null clears an optional one. The channel cannot change.' }),
  manager,
  valid('json', PatchBody),
  async (c) => {
    const scope = c.get('scope');
    const row = await load(c, c.req.param('id'));
    const body = c.req.valid('json');
    if (body.channel && body.channel !== row.channel) throw Problem.badRequest('channel', 'a template keeps its channel (create a new template for another one)');
    const meta: TemplateMeta = { name: body.name ?? row.name, channel: row.channel, category: body.category ?? (row.category as TemplateCategory), language: body.language ?? row.language };
    const errors = nameErrors(meta.name);
    if (errors.length) throw invalid(errors);
    const content = await buildContent(meta, contentOf(body), row.content);
    const next = await changeTemplate(scope, row, { ...meta, content, change: 'edited' }, c.get('principal').userId);
    if (!next) throw Problem.conflict('The template changed meanwhile; reload it and try again');
    return c.json(templateJson(next));
  },
);

templateRoutes.delete('/:id', describeRoute({ tags: ['templates'], summary: 'Delete a template and its versions' }), manager, async (c) => {
  if (!(await deleteTemplate(c.get('scope'), c.req.param('id')))) throw Problem.notFound('Template');
  return c.body(null, 204);
});

templateRoutes.get('/:id/versions', describeRoute({ tags: ['templates'], summary: 'Every version of a template, newest first' }), async (c) => {
  const row = await load(c, c.req.param('id'));
  const versions = await templateVersions(c.get('scope'), row.id);
  return c.json({
    current: row.version,
    items: versions.map(({ content, ...v }) => ({ ...v, ...content, bodyFromHtml: !!content.bodyFromHtml })),
  });
});

templateRoutes.post(
  '/:id/versions/:version/restore',
  describeRoute({ tags: ['templates'], summary: 'Restore an earlier version: a new version equal to it' }),
  manager,
  valid('param', VersionParam),
  async (c) => {
    const scope = c.get('scope');
    const { id, version } = c.req.valid('param');
    const row = await load(c, id);
    const [old] = await templateVersions(scope, row.id, version);
    if (!old) throw Problem.notFound('Template version');
    const next = await changeTemplate(scope, row, { name: old.name, category: old.category, language: old.language, content: old.content, change: `restored from version ${version}` }, c.get('principal').userId);
    if (!next) throw Problem.conflict('The template changed meanwhile; reload it and try again');
    return c.json(templateJson(next));
  },
);

templateRoutes.post(
  '/:id/submit',
  describeRoute({
    tags: ['templates'],
    summary: 'Submit a WhatsApp template for Meta’s review: draft or rejected → pending',
    description: 'Sent through the WhatsApp inbox’s credentials (`inboxId`, or the workspace’s only WhatsApp inbox; its config needs `businessAccountId`). Meta’s verdict arrives by webhook.',
  }),
  manager,
  valid('json', SubmitBody),
  async (c) => {
    const row = await load(c, c.req.param('id'));
    const next = await submitTemplate(c.env, c.get('scope'), row, c.req.valid('json').inboxId ?? null);
    return c.json(templateJson(next));
  },
);

/** The contact if the caller may see it, and its latest conversation the caller may see (for reservation/order context). */
async function previewTarget(c: Context<AppEnv>, contactId: string): Promise<MergeConversation | null> {
  const p = c.get('principal');
  const scope = c.get('scope');
  const personal = p.role === 'personal';
  const contact = await scope.prepare(`SELECT id FROM contacts WHERE workspace_id = ?1 AND id = ?2`, contactId).first();
  const latest = await scope
    .prepare(
      `SELECT id, contact_id AS contactId, inbox_id AS inboxId, subject, channel, status FROM conversations
       WHERE workspace_id = ?1 AND contact_id = ?2 AND (?3 IS NULL OR assignee_id = ?3) ORDER BY last_activity_at DESC LIMIT 1`,
      contactId,
      personal ? p.userId : null,
    )
    .first<MergeConversation>();
  // The personal role reaches only the contacts of conversations assigned to it (worker/contacts/reach.ts).
  if (!contact || (personal && !latest)) throw Problem.notFound('Contact');
  return latest ?? null;
}

templateRoutes.get(
  '/:id/preview',
  describeRoute({
    tags: ['templates'],
    summary: 'The template as a contact would receive it: merge fields from the contact and its latest reservation or order, dates in the workspace’s zone',
    description: '`missing` names every merge field without a value (rendered empty, never as a raw placeholder). SMS: `sms` has the encoding, characters and segments with the footer. E-mail: `previews.desktop` and `previews.phone` (the same HTML; the client sets the width).',
  }),
  valid('query', PreviewQuery),
  async (c) => {
    const row = await load(c, c.req.param('id'));
    const { contactId } = c.req.valid('query');
    const conversation = contactId ? await previewTarget(c, contactId) : null;
    const ctx = await mergeContext(c.get('scope'), c.get('principal'), conversation, contactId ?? null);
    const rendered = renderTemplate({ name: row.name, channel: row.channel, category: row.category as TemplateCategory, language: row.language }, row.content, ctx);
    return c.json({
      templateId: row.id,
      version: row.version,
      contactId: contactId ?? null,
      conversationId: conversation?.id ?? null,
      ...rendered,
      buttons: row.content.buttons ?? [],
      ...(row.channel === 'email' ? { previews: { desktop: rendered.html, phone: rendered.html } } : {}),
    });
  },
);
