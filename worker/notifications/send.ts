// The notification sender: one piece of news for some agents, by their preferences. Never to the person
// whose action it reports; each recipient's AgentDO feed folds repeats (dedupe.ts), and a folded repeat
// rings no bell, opens no pop-up and sends no e-mail. The live frame tells the app which of the
// client-side channels (sound, browser pop-up) the recipient wants.
import { sendSystemMail } from '../email/outbound';
import { agentStub, workspaceStub } from '../routing/stubs';
import { scopeFor } from '../routing/config';
import { preferencesFrom, wants } from './preferences';
import { conversationUrl, enqueueWebPush, type WebPushJob } from './webpush';

export interface News {
  workspaceId: string;
  /** A kind of the preference table, or one mapped onto it ('alert' → escalation; 'followup' reaches the app always). */
  kind: 'mention' | 'assigned' | 'customer_replied' | 'sla_warning' | 'escalation' | 'new_conversation' | 'alert' | 'followup';
  conversationId: string;
  /** Says who the customer is ("Dana mentioned you on Ana García"): customer.ts. */
  title: string;
  body: string;
  at?: number;
  /** The agent whose action this reports: never notified about it. */
  actorId: string | null;
}

export interface SendResult {
  /** Who was told (a new feed entry; with in-app off, its e-mail or push only), who had news folded (deduplicated), who was left out by preference or as the actor. */
  notified: string[];
  folded: string[];
  skipped: string[];
  emailed: string[];
  /** Who gets it pushed to their browsers (queued on WEB_PUSH; each of their subscriptions receives it). */
  pushed: string[];
}

/** A recipient as recipientsQuery reads them: absent when disabled or not of the workspace. */
export type RecipientRow = { id: string; name: string; email: string; prefs: string | null };

/** The people and their preferences in one read; the ids as one JSON parameter (a big team stays under D1's 100 bound values). */
export function recipientsQuery(env: Env, workspaceId: string, userIds: string[]): D1PreparedStatement {
  return scopeFor(env, workspaceId).prepare(
    `SELECT u.id, u.name, u.email, p.prefs FROM users u LEFT JOIN notification_preferences p ON p.workspace_id = u.workspace_id AND p.id = u.id
     WHERE u.workspace_id = ?1 AND u.disabled = 0 AND u.id IN (SELECT value FROM json_each(?2))`,
    JSON.stringify(userIds),
  );
}

/**
 * `inAppOnly`: the caller handles e-mail itself (an escalation rule's own channel list). `known`: the
 * recipients as the caller already read them with recipientsQuery for (at least) these ids, so this
 * makes no read of its own (the notifications subscriber reads a whole batch's at once).
 */
export async function sendNotification(env: Env, recipients: string[], n: News, opts: { inAppOnly?: boolean; known?: Map<string, RecipientRow> } = {}): Promise<SendResult> {
  const result: SendResult = { notified: [], folded: [], skipped: [], emailed: [], pushed: [] };
  const people = [...new Set(recipients)].filter((id) => {
    if (id !== n.actorId) return true;
    result.skipped.push(id);
    return false;
  });
  if (people.length === 0) return result;
  const scope = scopeFor(env, n.workspaceId);
  const known = opts.known;
  const rows = known
    ? { results: people.flatMap((id) => (known.has(id) ? [known.get(id)!] : [])) }
    : await recipientsQuery(env, n.workspaceId, people).all<RecipientRow>();
  const prefs = new Map(rows.results.map((r) => [r.id, preferencesFrom(r.prefs)]));
  const at = n.at ?? Date.now();
  const live: { userId: string; sound: boolean; browser: boolean }[] = [];
  const mail: { email: string }[] = [];
  const push: WebPushJob[] = [];
  for (const u of rows.results) {
    const p = prefs.get(u.id)!;
    if (!wants(p, n.kind, 'in_app') && (opts.inAppOnly || (!wants(p, n.kind, 'email') && !wants(p, n.kind, 'push')))) {
      result.skipped.push(u.id);
      continue;
    }
    // In-app off: no feed entry, though the object still folds the e-mail and push of repeated news.
    const entry = await agentStub(env, n.workspaceId, u.id).notify({ workspaceId: n.workspaceId, userId: u.id, name: u.name }, { kind: n.kind, conversationId: n.conversationId, title: n.title, body: n.body, at }, { feed: wants(p, n.kind, 'in_app') });
    if (entry.folded) {
      result.folded.push(u.id);
      continue;
    }
    result.notified.push(u.id);
    if (wants(p, n.kind, 'in_app')) live.push({ userId: u.id, sound: wants(p, n.kind, 'sound'), browser: wants(p, n.kind, 'browser') });
    if (!opts.inAppOnly && wants(p, n.kind, 'email')) mail.push({ email: u.email });
    if (!opts.inAppOnly && wants(p, n.kind, 'push')) push.push({ workspaceId: n.workspaceId, userId: u.id, kind: n.kind, conversationId: n.conversationId, title: n.title, body: n.body, url: conversationUrl(n.conversationId) });
  }
  if (push.length) {
    await enqueueWebPush(env, push);
    result.pushed.push(...push.map((j) => j.userId));
  }
  if (live.length) {
    await workspaceStub(env, n.workspaceId)
      .pushNotification(live.map((l) => l.userId), { kind: n.kind, conversationId: n.conversationId, title: n.title, body: n.body, at }, Object.fromEntries(live.map((l) => [l.userId, { sound: l.sound, browser: l.browser }])))
      .catch(() => 0);
  }
  if (mail.length) {
    const conv = await scope.prepare(`SELECT inbox_id FROM conversations WHERE workspace_id = ? AND id = ?`, n.conversationId).first<{ inbox_id: string }>();
    await sendSystemMail(env, mail.map((m) => ({ workspaceId: n.workspaceId, inboxId: conv?.inbox_id ?? '', to: m.email, subject: n.title, text: n.body, purpose: 'notify' })));
    result.emailed.push(...mail.map((m) => m.email));
  }
  return result;
}
