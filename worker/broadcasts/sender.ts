// The BROADCAST_SENDS consumer's work for one recipient: claim it (only while the broadcast is
// sending: nothing goes out after a cancel), check it may still be sent, compose it, and append it to
// the contact's conversation as a `broadcast` message, which the conversation's outbox hands to the
// OUTBOUND queue like any reply (so retries, provider errors, STOP checks and statuses are the channel's).
// A broadcast the workflow finalized while recipients were still queued (its wait is bounded) keeps
// sending them; cancelled or failed ones never.
// Exactly once: the claim is one conditional UPDATE, and the message's external id
// `<broadcast>:<contact>` (idempotency key `broadcast:<broadcast>:<contact>`) makes a repeated append a duplicate.
import { conversationStub, startConversation, startId, threadScope } from '../conversations/service';
import type { Actor } from '../conversations/model';
import type { IncomingMessage } from '../conversations/inputs';
import { loadInbox } from '../ingest/inboxes';
import { contactFrom, contactStatement, type ContactRow } from '../ai/conversation-context';
import { database, WorkspaceScope } from '../db/scope';
import { assembleMergeContext, platformStatement, workspaceStatement, type PlatformRow, type WorkspaceRow } from '../replies/context';
import { fromRaw, type RawTemplateRow } from '../templates/store';
import { rememberSettings, workspaceSettings } from '../workspaces/settings';
import { compose, templateStatement } from './compose';
import type { SendJob } from './delivery';
import { skipReason } from './model';
import type { BroadcastRow } from './store';

export type SendOutcome = 'sent' | 'skipped' | 'not_claimed';

type Recipient = { status: string; token: string; conversation_id: string | null };

type Facts = { blocked: number; subscriptions: string; hasIdentity: number };

export async function sendRecipient(env: Env, job: SendJob): Promise<SendOutcome> {
  // The claim and every read the send needs, in one D1 round trip (one transaction, in this order): a
  // claim that changed no row returns none, and the reads that rode with it are dropped. The facts are
  // read here too, the channel taken from the broadcast's inbox: the snapshot may be hours old, and an
  // unsubscribe or a block since then still wins. The template, the workspace and the contact's merge
  // values ride along (reads are cheap beside a round trip, and a template edited mid-send is read as
  // it is now, as before).
  const scope = new WorkspaceScope(database(env.DB), env.DB, job.workspaceId);
  const [claim, broadcast, recipient, contact, template, contactRow, workspace, platform] = await env.DB.batch<Record<string, unknown>>([
    env.DB.prepare(
      `UPDATE broadcast_recipients SET status = 'sending'
       WHERE broadcast_id = ?1 AND contact_id = ?2 AND status IN ('queued', 'sending') AND message_id IS NULL
         AND EXISTS (SELECT 1 FROM broadcasts WHERE id = ?1 AND status IN ('sending', 'sent'))
       RETURNING 1 AS claimed`,
    ).bind(job.broadcastId, job.contactId),
    env.DB.prepare(`SELECT * FROM broadcasts WHERE id = ?`).bind(job.broadcastId),
    env.DB.prepare(`SELECT status, token, conversation_id FROM broadcast_recipients WHERE broadcast_id = ? AND contact_id = ?`).bind(job.broadcastId, job.contactId),
    env.DB.prepare(
      `SELECT c.blocked, c.subscriptions, EXISTS (SELECT 1 FROM contact_identities ci WHERE ci.workspace_id = c.workspace_id AND ci.contact_id = c.id AND ci.channel = i.channel) AS hasIdentity
       FROM broadcasts b JOIN inboxes i ON i.id = b.inbox_id JOIN contacts c ON c.workspace_id = b.workspace_id AND c.id = ?2 AND c.merged_into IS NULL
       WHERE b.id = ?1`,
    ).bind(job.broadcastId, job.contactId),
    templateStatement(scope, job.broadcastId),
    contactStatement(scope, job.contactId),
    workspaceStatement(scope),
    platformStatement(scope, job.contactId, null),
  ]);
  if (claim.results.length === 0) return 'not_claimed';
  const b = broadcast.results[0] as unknown as BroadcastRow | undefined;
  const r = recipient.results[0] as unknown as Recipient | undefined;
  if (!b || !r) return 'not_claimed';
  // The reads that rode with the claim were scoped to the job's workspace; a job naming another
  // workspace than its broadcast's (never written so) is not sent on mixed facts.
  if (b.workspace_id !== job.workspaceId) return skip(env, job, 'the job names another workspace');
  const inbox = await loadInbox(env, b.inbox_id);
  const templateRow = template.results[0] as unknown as RawTemplateRow | undefined;
  if (!inbox || !templateRow) return skip(env, job, inbox ? 'the template was deleted' : 'the inbox was deleted');

  const facts = contact.results[0] as unknown as Facts | undefined;
  const reason = facts ? skipReason(facts, inbox.channel) : 'no_identity';
  if (reason) return skip(env, job, reason);

  const ws = workspace.results[0] as unknown as WorkspaceRow | undefined;
  const recipientContact = contactFrom(contactRow.results[0] as unknown as ContactRow | undefined);
  const context = assembleMergeContext({
    agent: { name: '', email: '' },
    contact: recipientContact,
    conversation: null,
    inbox: null,
    workspace: ws ?? null,
    platform: platform.results as unknown as PlatformRow[],
  });
  const composed = await compose(env, b, fromRaw(templateRow), { contactId: job.contactId, context }, inbox, r.token);
  // The settings came with the workspace row (and refresh the isolate's cache, which startConversation reads).
  const settings = ws ? rememberSettings(env, b.workspace_id, JSON.parse(ws.settings || '{}') as Record<string, unknown>) : await workspaceSettings(env, b.workspace_id);

  const author: Actor = { type: 'broadcast', id: b.id, name: b.name };
  const externalId = `${b.id}:${job.contactId}`;
  // The recipient's tags ride with the message, so a new conversation's SLA policy matching has them in its
  // first commit instead of reading them from D1 and committing again.
  const message: IncomingMessage = { direction: 'outbound', author, text: composed.message.text, externalId, status: 'queued', ...(recipientContact ? { contactTags: recipientContact.tags, contactTagsOf: job.contactId } : {}) };
  const target = { workspaceId: b.workspace_id, contactId: job.contactId, inboxId: b.inbox_id, channel: inbox.channel };
  // What goes out beside the timeline's copy: WhatsApp's template reference, or the e-mail as sent
  // (subject, tracked text and HTML parts, List-Unsubscribe headers, from name).
  const options = composed.message.template ? JSON.stringify({ template: composed.message.template }) : composed.email ? JSON.stringify({ email: composed.email }) : null;
  const remember = (conversationId: string) =>
    options
      ? env.DB.prepare(`INSERT OR IGNORE INTO outbound_options (workspace_id, conversation_id, client_id, options, created_at) VALUES (?, ?, ?, ?, ?)`)
          .bind(b.workspace_id, conversationId, externalId, options, Date.now())
          .run()
      : null;

  // The tracked links are stored before the message exists (a click can only follow it), in the same
  // round trip as the read of the contact's current thread.
  // The thread's projection row rides along: when it already names this inbox and contact, the
  // conversation is not asked for its state first (one object call fewer per recipient); otherwise
  // (not projected yet, or projected before a change) the object is asked.
  const [, thread] = await env.DB.batch<{ conversation_id: string; inbox_id: string | null; contact_id: string | null }>([
    env.DB.prepare(`UPDATE broadcast_recipients SET links = ? WHERE broadcast_id = ? AND contact_id = ?`).bind(JSON.stringify(composed.links), job.broadcastId, job.contactId),
    env.DB.prepare(
      `SELECT t.conversation_id, c.inbox_id, c.contact_id FROM (SELECT coalesce(?4, (SELECT conversation_id FROM contact_threads WHERE workspace_id = ?1 AND contact_id = ?2 AND scope = ?3)) AS conversation_id) t
       LEFT JOIN conversations c ON c.id = t.conversation_id AND c.workspace_id = ?1
       WHERE t.conversation_id IS NOT NULL`,
    ).bind(b.workspace_id, job.contactId, threadScope(settings, b.inbox_id), r.conversation_id),
  ]);
  // The contact's current conversation on this inbox takes the message even when closed (an outbound
  // message never reopens one: only the customer's reply does); without one, a new conversation is
  // started and closed at once, so a campaign does not fill the agents' open queue.
  const current = thread.results[0] ?? null;
  // The recipient's mark: the status only moves on from 'sending' (the status subscriber may already have
  // recorded a later one).
  const mark = (d: { conversationId: string; messageId: string; status: string }) =>
    env.DB.prepare(
      `UPDATE broadcast_recipients SET message_id = ?, conversation_id = ?, status = CASE WHEN status = 'sending' THEN ? ELSE status END, sent_at = CASE WHEN ? = 'sent' THEN coalesce(sent_at, ?) ELSE sent_at END
       WHERE broadcast_id = ? AND contact_id = ?`,
    ).bind(d.messageId, d.conversationId, d.status, d.status, Date.now(), job.broadcastId, job.contactId);
  let delivered: { conversationId: string; messageId: string; status: string } | null = null;
  if (current) {
    const stub = conversationStub(env, b.workspace_id, current.conversation_id);
    const ours = (x: { inboxId: string | null; contactId: string | null } | null) => x?.inboxId === b.inbox_id && x?.contactId === job.contactId;
    // The row can lag the object (a contact merge's projection retried after a failure): anything but
    // "ours" is checked with the object before a new conversation would replace the contact's thread.
    if (ours({ inboxId: current.inbox_id, contactId: current.contact_id }) || ours(await stub.state())) {
      await remember(current.conversation_id);
      const res = await stub.addMessage(message, 0);
      if (res.ok) delivered = { conversationId: current.conversation_id, messageId: res.message.id, status: res.message.status };
    }
  }
  if (delivered) await mark(delivered).run();
  else {
    const id = await startId(target, externalId);
    await remember(id);
    // A new conversation: the mark rides in the round trip that makes it the contact's thread.
    await startConversation(env, target, message, null, composed.message.email?.subject ?? null, author, (res) => [
      mark({ conversationId: res.conversationId, messageId: res.message.id, status: res.message.status }),
    ]);
  }
  return 'sent';
}

async function skip(env: Env, job: SendJob, reason: string): Promise<SendOutcome> {
  await env.DB.prepare(`UPDATE broadcast_recipients SET status = 'skipped', reason = ? WHERE broadcast_id = ? AND contact_id = ? AND status = 'sending'`).bind(reason, job.broadcastId, job.contactId).run();
  return 'skipped';
}
