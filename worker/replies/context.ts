// The values merge fields draw from for one conversation: contact (with attributes), agent,
// conversation, inbox, workspace, and the latest reservation or order the channels recorded.
import type { Principal } from '../auth/principal';
import type { Conversation } from '../conversations/model';
import type { WorkspaceScope } from '../db/scope';
import { loadContact, type ContactFacts } from '../ai/conversation-context';
import { humanize, type Presentation } from './human-values';
import { nameParts, type MergeContext, type MergeValue } from './merge-fields';

type Flat = Record<string, MergeValue>;

function flatten(data: Record<string, unknown>): Flat {
  const out: Flat = {};
  for (const [k, v] of Object.entries(data)) {
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) out[k] = v as MergeValue;
    else if (Array.isArray(v)) out[k] = v.map((x) => (typeof x === 'object' && x !== null ? ((x as { name?: string }).name ?? JSON.stringify(x)) : String(x))).join(', ');
    else if (typeof v === 'object') for (const [k2, v2] of Object.entries(flatten(v as Record<string, unknown>))) out[`${k}_${k2}`] = v2;
  }
  return out;
}

/** The reservation and order rows (contact_contexts, written by the booking and delivery channels) merge fields draw from. */
export function platformStatement(scope: WorkspaceScope, contactId: string, conversationId: string | null): D1PreparedStatement {
  return scope.prepare(
    `SELECT kind, reference, channel, data FROM contact_contexts WHERE workspace_id = ?1 AND contact_id = ?2 AND kind IN ('reservation', 'order')
     ORDER BY (conversation_id = ?3) DESC, updated_at DESC LIMIT 10`,
    contactId,
    conversationId,
  );
}

export type PlatformRow = { kind: string; reference: string; channel: string; data: string };

/** The latest reservation and order among the rows (empty when there is none). */
function platformFrom(rows: PlatformRow[], p: Presentation): { reservation?: Flat; order?: Flat } {
  const out: { reservation?: Flat; order?: Flat } = {};
  for (const r of rows) {
    const kind = r.kind === 'order' ? 'order' : r.kind === 'reservation' ? 'reservation' : null;
    if (kind && !out[kind]) out[kind] = { ...humanize(kind, flatten(JSON.parse(r.data) as Record<string, unknown>), r.reference, p), channel: r.channel };
  }
  return out;
}

/** The workspace row merge fields read: its name, and its calendar and language for dates and money. */
export function workspaceStatement(scope: WorkspaceScope): D1PreparedStatement {
  return scope.prepare(`SELECT name, timezone, settings FROM workspaces WHERE id = ?1`);
}

export type WorkspaceRow = { name: string; timezone: string | null; settings: string | null };

function presentationOf(workspace: WorkspaceRow | null): Presentation {
  // Dates and money in the workspace's calendar and language (settings.locale; British English by default).
  const settings = JSON.parse(workspace?.settings || '{}') as { locale?: unknown };
  return { timeZone: workspace?.timezone || 'UTC', locale: typeof settings.locale === 'string' ? settings.locale : 'en-GB' };
}

/** The conversation fields merge fields read (a full Conversation, or a projection row of one). */
export type MergeConversation = Pick<Conversation, 'id' | 'contactId' | 'inboxId' | 'subject' | 'channel' | 'status'>;

/**
 * Merge values for a conversation; `contactId` alone (templates previewed or sent to a contact, with
 * the contact's latest conversation or none) gives the contact's values and reservation/order context.
 */
export async function mergeContext(scope: WorkspaceScope, agent: Pick<Principal, 'name' | 'email'>, conversation: MergeConversation | null, contactId: string | null = conversation?.contactId ?? null): Promise<MergeContext> {
  const [contact, inbox, workspace, platform] = await Promise.all([
    contactId ? loadContact(scope, contactId) : Promise.resolve(null),
    conversation ? scope.prepare(`SELECT name, channel FROM inboxes WHERE workspace_id = ?1 AND id = ?2`, conversation.inboxId).first<{ name: string; channel: string }>() : Promise.resolve(null),
    workspaceStatement(scope).first<WorkspaceRow>(),
    contactId
      ? platformStatement(scope, contactId, conversation?.id ?? null)
          .all<PlatformRow>()
          .then((r) => r.results)
          // Merge values never fail a reply over the booking/order context (an unreadable row, a D1
          // hiccup): without it, those fields stay unfilled.
          .catch(() => [])
      : Promise.resolve([]),
  ]);
  return assembleMergeContext({ agent, contact, conversation, inbox, workspace, platform });
}

/**
 * Merge values from rows already read (a caller that reads them in a batch of its own, like the
 * broadcast sender's claim, builds the same context without another round trip).
 */
export function assembleMergeContext(rows: {
  agent: Pick<Principal, 'name' | 'email'>;
  contact: ContactFacts | null;
  conversation: MergeConversation | null;
  inbox: { name: string; channel: string } | null;
  workspace: WorkspaceRow | null;
  platform: PlatformRow[];
}): MergeContext {
  const { agent, contact, conversation, inbox, workspace } = rows;
  const platform = platformFrom(rows.platform, presentationOf(workspace));
  return {
    agent: { ...nameParts(agent.name), email: agent.email },
    workspace: { name: workspace?.name ?? null },
    ...(contact
      ? { contact: { ...flatten(contact.attributes), ...nameParts(contact.name), email: contact.email, phone: contact.phone } }
      : {}),
    ...(conversation ? { conversation: { id: conversation.id, subject: conversation.subject, channel: conversation.channel, status: conversation.status } } : {}),
    ...(inbox ? { inbox: { name: inbox.name, channel: inbox.channel } } : {}),
    ...platform,
  };
}
