// What a run's conditions read, loaded fresh for each `if`: the conversation from its object, the
// contact and the workspace calendar (timezone, business hours, holidays) from D1.
import { contactStatement, contactFrom } from '../ai/conversation-context';
import type { Conversation } from '../conversations/model';
import { conversationStub } from '../conversations/service';
import { database, WorkspaceScope } from '../db/scope';
import type { Calendar, HolidayEntry, WeeklyHours } from '../routing/business-hours';
import { timeFacts, type EvalContext } from './conditions';
import type { RunMessage } from './interpreter';

export function scopeFor(env: Env, workspaceId: string): WorkspaceScope {
  return new WorkspaceScope(database(env.DB), env.DB, workspaceId);
}

/** The workspace calendar, as SLA policies count in it (worker/sla/config.ts reads the same columns). */
export async function workspaceCalendar(scope: WorkspaceScope): Promise<Calendar> {
  const [ws, settings] = await scope.d1.batch([
    scope.prepare(`SELECT timezone, business_hours FROM workspaces WHERE id = ?`),
    scope.prepare(`SELECT holidays FROM routing_settings WHERE workspace_id = ?`),
  ]);
  const w = ws.results[0] as { timezone: string | null; business_hours: string | null } | undefined;
  const h = settings.results[0] as { holidays: string } | undefined;
  return { timezone: w?.timezone || 'UTC', hours: w?.business_hours ? (JSON.parse(w.business_hours) as WeeklyHours) : null, holidays: h ? (JSON.parse(h.holidays) as HolidayEntry[]) : [] };
}

export async function conversationState(env: Env, workspaceId: string, conversationId: string): Promise<Conversation | null> {
  return conversationStub(env, workspaceId, conversationId).state();
}

export async function loadEvalContext(env: Env, scope: WorkspaceScope, conversation: Conversation | null, message: RunMessage, now: number): Promise<EvalContext> {
  const [contact, calendar] = await Promise.all([conversation ? contactStatement(scope, conversation.contactId).first().then((r) => contactFrom(r as never)) : Promise.resolve(null), workspaceCalendar(scope)]);
  return {
    message,
    conversation: conversation
      ? { status: conversation.status, priority: conversation.priority, channel: conversation.channel, inboxId: conversation.inboxId, teamId: conversation.teamId, assigneeId: conversation.assigneeId, tags: conversation.tags, csatScore: conversation.csat?.score ?? null, waitingMinutes: conversation.waitingSince ? Math.floor((now - conversation.waitingSince) / 60_000) : null }
      : null,
    contact: contact ? { name: contact.name, email: contact.email, phone: contact.phone, tags: contact.tags, attributes: contact.attributes } : null,
    time: timeFacts(calendar, now),
  };
}
