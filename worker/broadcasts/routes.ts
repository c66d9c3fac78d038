// /api/broadcasts: drafts, preview, send now or at a time in a zone, cancel, live stats and the
// recipient list. Managers only: a broadcast reaches a whole audience of the contact directory.
import { Hono, type Context } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { filterSchema } from '../audiences/schemas';
import { requireRole } from '../auth/middleware';
import { newId } from '../db/ids';
import { Problem } from '../http/problem';
import { IdParam, Timestamp } from '../http/schemas';
import { valid } from '../http/validate';
import { loadInbox } from '../ingest/inboxes';
import { mergeContext } from '../replies/context';
import { validTimeZone } from '../routing/business-hours';
import { canSendOutsideWindow, isSendable } from '../templates/store';
import { broadcastFilter, candidatePage } from './audience';
import { broadcastTemplate, compose } from './compose';
import { cancelUnsent, newToken, PAGE_SIZE } from './delivery';
import { RECIPIENT_STATUSES, scheduleInstant, type SkipReason } from './model';
import { broadcastJson, broadcastStats, loadBroadcast, transition, type BroadcastRow } from './store';

export const broadcastRoutes = new Hono<AppEnv>();
const manager = requireRole('manager');

const Ref = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(100));
const Variables = v.record(v.pipe(v.string(), v.regex(/^(header\.)?\d{1,2}$/, 'keys are WhatsApp parameter numbers ("1", "header.1")')), v.pipe(v.string(), v.maxLength(200)));
const Fields = {
  name: v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(200)),
  inboxId: Ref,
  templateId: Ref,
  audienceId: v.optional(v.nullable(Ref)),
  filter: v.optional(v.nullable(filterSchema('filter'))),
  variables: v.optional(Variables),
  scheduledAt: v.optional(v.nullable(Timestamp)),
  // Open pixel and tracked links (SMS links, e-mail links and pixel); on unless turned off.
  tracking: v.optional(v.boolean('must be true or false')),
};
const CreateBody = v.object(Fields);
const PatchBody = v.partial(v.object(Fields));
const PreviewBody = v.optional(v.object({ limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(20))) }), {});
const ScheduleBody = v.object({
  at: v.pipe(v.string(), v.maxLength(40)),
  timezone: v.pipe(v.string(), v.maxLength(64), v.check(validTimeZone, 'must be an IANA time zone such as Europe/Madrid')),
});
const RecipientsQuery = v.object({
  status: v.optional(v.picklist(RECIPIENT_STATUSES)),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(100))),
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(500))),
});

type Draft = { name: string; inboxId: string; templateId: string; audienceId: string | null; filter: unknown; variables: Record<string, string>; scheduledAt: number | null; tracking: boolean };

/** The references of a draft, checked together: the inbox, a template for its channel, one audience. */
async function check(c: Context<AppEnv>, d: Draft): Promise<void> {
  const ws = c.get('principal').workspaceId;
  const inbox = await c.env.DB.prepare(`SELECT id, channel, enabled FROM inboxes WHERE workspace_id = ? AND id = ?`).bind(ws, d.inboxId).first<{ channel: string; enabled: number }>();
  if (!inbox) throw Problem.badRequest('inboxId', 'no such inbox in this workspace');
  const template = await broadcastTemplate(c.env, { workspace_id: ws, template_id: d.templateId });
  if (!template) throw Problem.badRequest('templateId', 'no such template in this workspace');
  if (template.channel !== inbox.channel) throw Problem.badRequest('templateId', `a ${template.channel} template cannot be sent through a ${inbox.channel} inbox`);
  if (template.channel === 'whatsapp' && !canSendOutsideWindow(template)) throw Problem.badRequest('templateId', `only an approved WhatsApp template can be broadcast (this one is ${template.status})`);
  if (!isSendable(template)) throw Problem.badRequest('templateId', `the template is ${template.status}, not sendable`);
  if (!d.audienceId === !d.filter) throw Problem.badRequest('audienceId', 'give either audienceId or filter');
  if (d.audienceId && !(await c.env.DB.prepare(`SELECT 1 FROM audiences WHERE workspace_id = ? AND id = ?`).bind(ws, d.audienceId).first())) {
    throw Problem.badRequest('audienceId', 'no such audience in this workspace');
  }
}

const draftOf = (r: BroadcastRow): Draft => ({
  name: r.name,
  inboxId: r.inbox_id,
  templateId: r.template_id,
  audienceId: r.audience_id,
  filter: r.filter ? JSON.parse(r.filter) : null,
  variables: JSON.parse(r.variables || '{}'),
  scheduledAt: r.scheduled_at,
  tracking: r.tracking !== 0,
});

async function withStats(db: D1Database, r: BroadcastRow) {
  return broadcastJson(r, await broadcastStats(db, r.id));
}

broadcastRoutes.get('/', describeRoute({ tags: ['broadcasts'], summary: 'Broadcasts, newest first, with their live stats' }), manager, async (c) => {
  const rows = await c.env.DB.prepare(`SELECT * FROM broadcasts WHERE workspace_id = ? ORDER BY created_at DESC LIMIT 100`).bind(c.get('principal').workspaceId).all<BroadcastRow>();
  return c.json({ items: await Promise.all(rows.results.map((r) => withStats(c.env.DB, r))) });
});

broadcastRoutes.post(
  '/',
  describeRoute({ tags: ['broadcasts'], summary: 'Draft a broadcast {name, inboxId, templateId, audienceId | filter, variables?, scheduledAt?, tracking?}', description: "The template's channel must be the inbox's; WhatsApp needs an approved template." }),
  manager,
  valid('json', CreateBody),
  async (c) => {
    const p = c.get('principal');
    const b = c.req.valid('json');
    const d: Draft = { name: b.name, inboxId: b.inboxId, templateId: b.templateId, audienceId: b.audienceId ?? null, filter: b.filter ?? null, variables: b.variables ?? {}, scheduledAt: b.scheduledAt ?? null, tracking: b.tracking ?? true };
    await check(c, d);
    const id = newId('brd');
    const now = Date.now();
    await c.env.DB.prepare(
      `INSERT INTO broadcasts (id, workspace_id, name, inbox_id, template_id, audience_id, filter, variables, status, scheduled_at, tracking, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?)`,
    )
      .bind(id, p.workspaceId, d.name, d.inboxId, d.templateId, d.audienceId, d.filter ? JSON.stringify(d.filter) : null, JSON.stringify(d.variables), d.scheduledAt, d.tracking ? 1 : 0, p.userId, now, now)
      .run();
    return c.json(await withStats(c.env.DB, await loadBroadcast(c.env.DB, p.workspaceId, id)), 201);
  },
);

broadcastRoutes.get('/:id', describeRoute({ tags: ['broadcasts'], summary: 'A broadcast with its live stats' }), manager, valid('param', IdParam), async (c) => {
  return c.json(await withStats(c.env.DB, await loadBroadcast(c.env.DB, c.get('principal').workspaceId, c.req.valid('param').id)));
});

broadcastRoutes.patch('/:id', describeRoute({ tags: ['broadcasts'], summary: 'Change a draft' }), manager, valid('param', IdParam), valid('json', PatchBody), async (c) => {
  const ws = c.get('principal').workspaceId;
  const row = await loadBroadcast(c.env.DB, ws, c.req.valid('param').id);
  if (row.status !== 'draft') throw Problem.conflict(`a ${row.status} broadcast cannot be changed`, 'status');
  const b = c.req.valid('json');
  const d = { ...draftOf(row), ...Object.fromEntries(Object.entries(b).filter(([, x]) => x !== undefined)) } as Draft;
  // Choosing one audience form clears the other.
  if (b.audienceId) d.filter = null;
  if (b.filter) d.audienceId = null;
  await check(c, d);
  await c.env.DB.prepare(`UPDATE broadcasts SET name = ?, inbox_id = ?, template_id = ?, audience_id = ?, filter = ?, variables = ?, scheduled_at = ?, tracking = ?, updated_at = ? WHERE id = ? AND status = 'draft'`)
    .bind(d.name, d.inboxId, d.templateId, d.audienceId, d.filter ? JSON.stringify(d.filter) : null, JSON.stringify(d.variables), d.scheduledAt, d.tracking ? 1 : 0, Date.now(), row.id)
    .run();
  return c.json(await withStats(c.env.DB, await loadBroadcast(c.env.DB, ws, row.id)));
});

broadcastRoutes.delete('/:id', describeRoute({ tags: ['broadcasts'], summary: 'Delete a draft' }), manager, valid('param', IdParam), async (c) => {
  const row = await loadBroadcast(c.env.DB, c.get('principal').workspaceId, c.req.valid('param').id);
  if (row.status !== 'draft') throw Problem.conflict(`a ${row.status} broadcast cannot be deleted`, 'status');
  await c.env.DB.prepare(`DELETE FROM broadcasts WHERE id = ? AND status = 'draft'`).bind(row.id).run();
  return c.body(null, 204);
});

broadcastRoutes.post(
  '/:id/preview',
  describeRoute({
    tags: ['broadcasts'],
    summary: 'What the first recipients would receive, and who would be skipped and why',
    description: '`sample`: up to `limit` (default 5) contacts of the audience as it is now, each with its rendered message or its skip reason. `skipped` counts the reasons over the first 5,000 contacts (`counted`).',
  }),
  manager,
  valid('param', IdParam),
  valid('json', PreviewBody),
  async (c) => {
    const ws = c.get('principal').workspaceId;
    const b = await loadBroadcast(c.env.DB, ws, c.req.valid('param').id);
    const limit = c.req.valid('json')?.limit ?? 5;
    const inbox = await loadInbox(c.env, b.inbox_id);
    const template = await broadcastTemplate(c.env, b);
    if (!inbox || !template) throw Problem.conflict('the inbox or template of this broadcast was deleted', inbox ? 'templateId' : 'inboxId');
    const filter = await broadcastFilter(c.env.DB, b).catch(() => {
      throw Problem.conflict('the audience of this broadcast was deleted', 'audienceId');
    });
    const skipped: Partial<Record<SkipReason, number>> = {};
    let counted = 0;
    let sample: Awaited<ReturnType<typeof candidatePage>>['items'] = [];
    let after: [number, string] | null = null;
    for (let i = 0; i < 10; i++) {
      const page = await candidatePage(c.env.DB, ws, filter, inbox.channel, after, PAGE_SIZE);
      if (i === 0) sample = page.items.slice(0, limit);
      counted += page.items.length;
      for (const x of page.items) if (x.reason) skipped[x.reason] = (skipped[x.reason] ?? 0) + 1;
      if (!page.next) break;
      after = page.next;
    }
    const token = newToken();
    const items = await Promise.all(
      sample.map(async (x) => {
        const composed = x.reason ? null : await compose(c.env, b, template, { contactId: x.id, context: await mergeContext(c.get('scope'), { name: '', email: '' }, null, x.id) }, inbox, token, { preview: true });
        return {
          contact: { id: x.id, name: x.name, email: x.email, phone: x.phone },
          skipReason: x.reason,
          // E-mail: the parts as they go out (tracked links, footer, pixel; the unsubscribe link a placeholder).
          message: composed
            ? {
                text: composed.email?.text ?? composed.message.text,
                subject: composed.message.email?.subject ?? null,
                html: composed.email?.html ?? composed.rendered.html,
                headers: composed.email?.headers ?? null,
                fromName: composed.email?.fromName ?? null,
                template: composed.message.template,
                missing: composed.rendered.missing,
              }
            : null,
        };
      }),
    );
    return c.json({ counted, skipped, sample: items });
  },
);

async function start(c: Context<AppEnv>, row: BroadcastRow, at: number, timezone: string | null) {
  if (row.status !== 'draft') throw Problem.conflict(`a ${row.status} broadcast cannot be sent again`, 'status');
  // Checked again at send time: the template may have lost its approval since the draft was saved.
  await check(c, draftOf(row));
  // The row as scheduled and its counts are read before the workflow starts, and nothing after: once it
  // runs, its snapshot writes the recipient rows (a page of 500 at a time), and counting them while it
  // writes made the answer wait for the snapshot (9.7 s at 100,000 recipients). A draft has no recipient
  // rows yet, so these are its counts at the moment it was handed over; GET /:id follows them live.
  const [updated, stats] = await Promise.all([
    c.env.DB.prepare(`UPDATE broadcasts SET status = 'scheduled', scheduled_at = ?, timezone = ?, updated_at = ? WHERE id = ? AND status = 'draft' RETURNING *`)
      .bind(at, timezone, Date.now(), row.id)
      .first<BroadcastRow>(),
    broadcastStats(c.env.DB, row.id),
  ]);
  if (!updated) throw Problem.conflict('the broadcast was sent or changed meanwhile', 'status');
  await c.env.BROADCASTS.create({ id: row.id, params: { broadcastId: row.id, workspaceId: row.workspace_id } });
  return c.json(broadcastJson(updated, stats), 202);
}

broadcastRoutes.post('/:id/send', describeRoute({ tags: ['broadcasts'], summary: 'Send a draft now (or at its scheduledAt if that is later)' }), manager, valid('param', IdParam), async (c) => {
  const row = await loadBroadcast(c.env.DB, c.get('principal').workspaceId, c.req.valid('param').id);
  return start(c, row, Math.max(Date.now(), row.scheduled_at ?? 0), null);
});

broadcastRoutes.post(
  '/:id/schedule',
  describeRoute({ tags: ['broadcasts'], summary: 'Send a draft at a time {at, timezone}', description: '`at` is a local date-time in `timezone` (2026-12-24T09:00) or an ISO time with an offset.' }),
  manager,
  valid('param', IdParam),
  valid('json', ScheduleBody),
  async (c) => {
    const row = await loadBroadcast(c.env.DB, c.get('principal').workspaceId, c.req.valid('param').id);
    const { at, timezone } = c.req.valid('json');
    const instant = scheduleInstant(at, timezone);
    if (instant === null) throw Problem.badRequest('at', 'must be a date-time such as 2026-12-24T09:00');
    if (instant < Date.now() - 60_000) throw Problem.badRequest('at', 'is in the past');
    return start(c, row, instant, timezone);
  },
);

broadcastRoutes.post('/:id/cancel', describeRoute({ tags: ['broadcasts'], summary: 'Stop a scheduled or sending broadcast: nobody not yet sent to is sent to' }), manager, valid('param', IdParam), async (c) => {
  const ws = c.get('principal').workspaceId;
  const row = await loadBroadcast(c.env.DB, ws, c.req.valid('param').id);
  // The status first: the consumer claims recipients only while it is 'sending'.
  if (!(await transition(c.env.DB, row.id, ['scheduled', 'sending'], 'cancelled', { finishedAt: Date.now() }))) {
    throw Problem.conflict(`a ${row.status} broadcast cannot be cancelled`, 'status');
  }
  try {
    await (await c.env.BROADCASTS.get(row.id)).terminate();
  } catch {
    // Already finished (or never started): nothing left to stop; the status above is what counts.
  }
  await cancelUnsent(c.env.DB, row.id);
  return c.json(await withStats(c.env.DB, await loadBroadcast(c.env.DB, ws, row.id)));
});

type RecipientRow = Record<string, unknown> & { contact_id: string };

broadcastRoutes.get(
  '/:id/recipients',
  describeRoute({ tags: ['broadcasts'], summary: 'Recipients with their delivery status, skip reason and open, click and reply times (?status=&cursor=)' }),
  manager,
  valid('param', IdParam),
  valid('query', RecipientsQuery),
  async (c) => {
    const ws = c.get('principal').workspaceId;
    const row = await loadBroadcast(c.env.DB, ws, c.req.valid('param').id);
    const q = c.req.valid('query');
    const limit = q.limit ?? 100;
    const rows = await c.env.DB.prepare(
      `SELECT r.contact_id, c.name, c.email, c.phone, r.status, r.reason, r.conversation_id, r.message_id, r.queued_at, r.sent_at, r.delivered_at, r.read_at, r.failed_at,
              r.opened_at, r.opens, r.machine_opened_at, r.machine_opens, r.clicked_at, r.clicks, r.machine_clicks, r.replied_at, r.unsubscribed_at
       FROM broadcast_recipients r LEFT JOIN contacts c ON c.id = r.contact_id
       WHERE r.broadcast_id = ?1 AND (?2 IS NULL OR r.status = ?2) AND r.contact_id > ?3 ORDER BY r.contact_id LIMIT ?4`,
    )
      .bind(row.id, q.status ?? null, q.cursor ?? '', limit + 1)
      .all<RecipientRow>();
    const items = rows.results.slice(0, limit).map((r) => ({
      contactId: r.contact_id,
      name: r.name ?? null,
      email: r.email ?? null,
      phone: r.phone ?? null,
      status: r.status,
      reason: r.reason ?? null,
      conversationId: r.conversation_id ?? null,
      messageId: r.message_id ?? null,
      queuedAt: r.queued_at ?? null,
      sentAt: r.sent_at ?? null,
      deliveredAt: r.delivered_at ?? null,
      readAt: r.read_at ?? null,
      failedAt: r.failed_at ?? null,
      openedAt: r.opened_at ?? null,
      opens: r.opens,
      machineOpenedAt: r.machine_opened_at ?? null,
      machineOpens: r.machine_opens,
      clickedAt: r.clicked_at ?? null,
      clicks: r.clicks,
      machineClicks: r.machine_clicks,
      repliedAt: r.replied_at ?? null,
      unsubscribedAt: r.unsubscribed_at ?? null,
    }));
    return c.json({ items, nextCursor: rows.results.length > limit ? items[items.length - 1]!.contactId : null });
  },
);
