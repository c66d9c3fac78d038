// /api/channels: the registry with capabilities and this workspace's enablement (managers switch
// channels on and off), the composer's pre-send check (SMS segments, WhatsApp window, opt-out),
// WhatsApp template sends, and in development the sandboxed outbound requests.
import { subscriptionStatus } from '../contacts/subscriptions';
import { forgetLoadedInboxes } from '../ingest/inboxes';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { canSeeConversation } from '../auth/principal';
import { requireRole } from '../auth/middleware';
import { actorOf } from '../conversations/routes';
import { conversationStub } from '../conversations/service';
import { transportMode } from '../delivery/transport';
import { Problem } from '../http/problem';
import { valid } from '../http/validate';
import { channelEnabledIn } from '../ingest/inboxes';
import type { ChannelKey } from '../inboxes/channels';
import { ADAPTERS, acceptsWebhooks, adapterFor } from './registry';
import { segmentCount } from './segments';
import { WINDOW_MS } from './whatsapp';

export const channelRoutes = new Hono<AppEnv>();

async function workspaceSettingsRaw(env: Env, workspaceId: string): Promise<Record<string, unknown>> {
  const row = await env.DB.prepare(`SELECT settings FROM workspaces WHERE id = ?`).bind(workspaceId).first<string>('settings');
  try {
    return row ? (JSON.parse(row) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

channelRoutes.get('/', describeRoute({ tags: ['channels'], summary: 'Every channel and inbound source with capabilities and whether this workspace has it enabled' }), async (c) => {
  const p = c.get('principal');
  const [settings, inboxes] = await Promise.all([
    workspaceSettingsRaw(c.env, p.workspaceId),
    c.get('scope').prepare(`SELECT channel, count(*) AS n FROM inboxes WHERE workspace_id = ? GROUP BY channel`).all<{ channel: string; n: number }>(),
  ]);
  const counts = new Map(inboxes.results.map((r) => [r.channel, r.n]));
  return c.json({
    transport: transportMode(c.env),
    items: Object.values(ADAPTERS).map((a) => ({
      key: a.key,
      label: a.label,
      group: a.group,
      provider: a.provider,
      capabilities: a.capabilities,
      configKeys: a.configKeys,
      webhook: acceptsWebhooks(a) ? `/webhooks/${a.key}/:inboxId` : null,
      enabled: channelEnabledIn(settings, a.key),
      inboxes: counts.get(a.key) ?? 0,
    })),
  });
});

channelRoutes.patch(
  '/:key',
  describeRoute({ tags: ['channels'], summary: 'Enable or disable a channel for this workspace (managers); disabled channels answer webhooks with 403' }),
  requireRole('manager'),
  valid('json', v.object({ enabled: v.boolean() })),
  async (c) => {
    const adapter = adapterFor(c.req.param('key'));
    if (!adapter) throw Problem.notFound('Channel');
    const { enabled } = c.req.valid('json');
    const ws = c.get('principal').workspaceId;
    await c.env.DB.prepare(`UPDATE workspaces SET settings = json_set(coalesce(settings, '{}'), ?, json(?)) WHERE id = ?`)
      .bind(`$.channels.${adapter.key}`, enabled ? 'true' : 'false', ws)
      .run();
    forgetLoadedInboxes();
    return c.json({ key: adapter.key, enabled });
  },
);

const ComposeBody = v.object({
  text: v.pipe(v.string(), v.maxLength(10_000)),
  conversationId: v.optional(v.string()),
  channel: v.optional(v.string()),
});

channelRoutes.post(
  '/compose',
  describeRoute({
    tags: ['channels'],
    summary: 'Before sending: SMS segments (GSM-7 vs UCS-2), messaging window, opt-out — whether this reply can go out now',
  }),
  valid('json', ComposeBody),
  async (c) => {
    const p = c.get('principal');
    const body = c.req.valid('json');
    let channel = body.channel ?? null;
    let contactId: string | null = null;
    if (body.conversationId) {
      const conv = await conversationStub(c.env, p.workspaceId, body.conversationId).state();
      if (!conv || !canSeeConversation(p, conv)) throw Problem.notFound('Conversation');
      channel = conv.channel;
      contactId = conv.contactId;
    }
    if (!channel) throw Problem.badRequest('channel', 'give a conversationId or a channel');
    const adapter = adapterFor(channel);
    if (!adapter) throw Problem.badRequest('channel', 'unknown channel');
    const reasons: string[] = [];
    let window: { open: boolean; closesAt: number | null; templatesOnly: boolean } | null = null;
    let subscription: string | null = null;
    if (contactId) {
      const [activity, contact] = await c.env.DB.batch<any>([
        c.env.DB.prepare(`SELECT last_inbound_at FROM channel_activity WHERE workspace_id = ? AND contact_id = ? AND channel = ?`).bind(p.workspaceId, contactId, channel),
        c.env.DB.prepare(`SELECT subscriptions, blocked FROM contacts WHERE workspace_id = ? AND id = ?`).bind(p.workspaceId, contactId),
      ]);
      const last = (activity.results[0] as { last_inbound_at: number } | undefined)?.last_inbound_at ?? null;
      if (adapter.capabilities.window24h && channel === 'whatsapp') {
        const open = last !== null && Date.now() - last <= WINDOW_MS;
        window = { open, closesAt: last !== null ? last + WINDOW_MS : null, templatesOnly: !open };
        if (!open) reasons.push("WhatsApp's 24-hour customer service window is closed: only approved templates can be sent");
      } else if (adapter.policy && adapter.capabilities.window24h) {
        const refusal = adapter.policy({ messageId: '', conversationId: '', workspaceId: p.workspaceId, text: body.text, attachments: [], to: { externalId: '' }, authorName: null, lastInboundAt: last }, { now: Date.now(), lastInboundAt: last });
        if (refusal) reasons.push(refusal);
      }
      const row = contact.results[0] as { subscriptions: string; blocked: number } | undefined;
      const status = row ? subscriptionStatus(row.subscriptions, channel) : 'unknown';
      subscription = status === 'unknown' ? null : status;
      if (subscription === 'unsubscribed') reasons.push(`The recipient opted out of ${adapter.label} (replied STOP)`);
      if (row?.blocked) reasons.push('The contact is blocked');
    }
    if (!adapter.capabilities.outbound) reasons.push(`${adapter.label} does not take replies from Parley`);
    const max = adapter.capabilities.maxTextLength;
    if (max !== null && body.text.length > max) reasons.push(`${adapter.label} messages are limited to ${max} characters`);
    return c.json({
      channel,
      canSend: reasons.length === 0,
      reasons,
      segments: adapter.capabilities.segments ? segmentCount(body.text) : null,
      window,
      subscription,
      capabilities: adapter.capabilities,
    });
  },
);

const TemplateBody = v.object({
  conversationId: v.string(),
  name: v.pipe(v.string(), v.regex(/^[a-z0-9_]{1,512}$/, 'must be a WhatsApp template name (lowercase letters, digits, _)')),
  language: v.optional(v.pipe(v.string(), v.regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'must be a language code such as en_US')), 'en_US'),
  parameters: v.optional(v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(1024))), v.maxLength(20)), []),
  clientId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
});

channelRoutes.post(
  '/whatsapp/templates',
  describeRoute({ tags: ['channels'], summary: 'Send an approved WhatsApp template (the only thing allowed outside the 24-hour window)' }),
  valid('json', TemplateBody),
  async (c) => {
    const p = c.get('principal');
    const body = c.req.valid('json');
    const stub = conversationStub(c.env, p.workspaceId, body.conversationId);
    const conv = await stub.state();
    if (!conv || !canSeeConversation(p, conv)) throw Problem.notFound('Conversation');
    if (conv.channel !== 'whatsapp') throw Problem.badRequest('conversationId', 'templates are a WhatsApp feature; this conversation is on another channel');
    const clientId = body.clientId ?? `tpl_${crypto.randomUUID()}`;
    const template = { name: body.name, language: body.language, parameters: body.parameters };
    await c.env.DB.prepare(`INSERT OR IGNORE INTO outbound_options (workspace_id, conversation_id, client_id, options, created_at) VALUES (?, ?, ?, ?, ?)`)
      .bind(p.workspaceId, conv.id, clientId, JSON.stringify({ template }), Date.now())
      .run();
    const preview = `📋 Template ${body.name}${body.parameters.length ? `: ${body.parameters.join(' · ')}` : ''}`;
    const res = await stub.addMessage({ direction: 'outbound', author: actorOf(p), text: preview, externalId: clientId, status: 'queued' }, 0);
    if (!res.ok) throw Problem.notFound('Conversation');
    return c.json({ message: res.message, duplicate: res.duplicate }, res.duplicate ? 200 : 201);
  },
);

channelRoutes.post('/sms/segments', describeRoute({ tags: ['channels'], summary: 'SMS segment count of a text (GSM-7 or UCS-2)' }), valid('json', v.object({ text: v.pipe(v.string(), v.maxLength(10_000)) })), async (c) =>
  c.json(segmentCount(c.req.valid('json').text)),
);

channelRoutes.get(
  '/sandbox/outbound',
  describeRoute({ tags: ['channels'], summary: 'Provider requests the sandbox transport recorded instead of sending (development and tests)' }),
  // The recorded requests carry every channel's outbound text and provider credentials' shapes: managers only.
  requireRole('manager'),
  valid('query', v.object({ messageId: v.optional(v.string()), channel: v.optional(v.string()), after: v.optional(v.pipe(v.string(), v.toNumber(), v.integer())), limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(500))) })),
  async (c) => {
    const q = c.req.valid('query');
    // Password reset links are a colleague's credentials: the sandbox keeps them (tests read D1) but never lists them.
    const rows = await c
      .get('scope')
      .prepare(
        `SELECT id, inbox_id AS inboxId, channel, message_id AS messageId, purpose, method, url, headers, body, response_status AS responseStatus, created_at AS createdAt
         FROM sandbox_outbound WHERE workspace_id = ?1 AND purpose != 'password_reset' AND (?2 IS NULL OR message_id = ?2) AND (?3 IS NULL OR channel = ?3) AND id > ?4 ORDER BY id DESC LIMIT ?5`,
        q.messageId ?? null,
        q.channel ?? null,
        q.after ?? 0,
        q.limit ?? 100,
      )
      .all<Record<string, unknown> & { headers: string }>();
    return c.json({ transport: transportMode(c.env), items: rows.results.map((r) => ({ ...r, headers: JSON.parse(r.headers) as Record<string, string> })) });
  },
);

export type { ChannelKey };
