// What every AI feature on a conversation starts from: the conversation (if the caller may see it),
// its recent messages as turns, the customer's latest words, and the contact with their segment.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { canSeeConversation } from '../auth/principal';
import type { Conversation, Message } from '../conversations/model';
import { conversationStub } from '../conversations/service';
import type { WorkspaceScope } from '../db/scope';
import { Problem } from '../http/problem';
import type { Turn } from './drafter';

/** Schedules work to finish after the response (absent outside a request: callers then await it). */
export function afterResponse(c: Context<AppEnv>): ((p: Promise<unknown>) => void) | undefined {
  try {
    const ctx = c.executionCtx;
    return (p) => ctx.waitUntil(p);
  } catch {
    return undefined;
  }
}

/** The conversation if it exists in the caller's workspace and their role may see it. */
export async function visibleConversation(c: Context<AppEnv>, id: string): Promise<Conversation> {
  const p = c.get('principal');
  const view = await conversationStub(c.env, p.workspaceId, id).view(p.userId);
  if (!view) throw Problem.notFound('Conversation');
  if (!canSeeConversation(p, view)) throw Problem.forbidden('This conversation is not assigned to you or your teams');
  return view;
}

export interface ContactFacts {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
}

export interface ContactRow {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  tags: string;
  attributes: string;
}

/** The statement reading a contact (for batching with other reads); parse its row with contactFrom. */
export function contactStatement(scope: WorkspaceScope, contactId: string): D1PreparedStatement {
  return scope.prepare(`SELECT id, name, email, phone, tags, attributes FROM contacts WHERE workspace_id = ?1 AND id = ?2`, contactId);
}

export function contactFrom(row: ContactRow | undefined | null): ContactFacts | null {
  return row ? { ...row, tags: JSON.parse(row.tags) as string[], attributes: JSON.parse(row.attributes) as Record<string, unknown> } : null;
}

export async function loadContact(scope: WorkspaceScope, contactId: string): Promise<ContactFacts | null> {
  return contactFrom(await contactStatement(scope, contactId).first<ContactRow>());
}

/** Recent messages of a conversation, oldest first, without internal notes. */
export async function recentMessages(env: Env, conversation: Pick<Conversation, 'workspaceId' | 'id'>, limit = 20): Promise<Message[]> {
  return conversationStub(env, conversation.workspaceId, conversation.id).messages({ limit, includeNotes: false });
}

export function toTurns(messages: Message[]): Turn[] {
  return messages
    .filter((m) => !m.isInternalNote && m.text.trim() && m.authorType !== 'system')
    .map((m) => ({ role: m.direction === 'inbound' ? 'customer' : m.authorType === 'ai' ? 'ai' : 'agent', text: m.text.trim() }));
}

/** The customer's latest words: their messages since our last reply (at most three, 1000 characters). */
export function latestQuestion(turns: Turn[]): string {
  const lastCustomer = turns.map((t) => t.role).lastIndexOf('customer');
  if (lastCustomer < 0) return '';
  let start = lastCustomer;
  while (start > 0 && turns[start - 1].role === 'customer' && lastCustomer - start < 2) start--;
  return turns
    .slice(start, lastCustomer + 1)
    .map((t) => t.text)
    .join('\n')
    .slice(-1000);
}
