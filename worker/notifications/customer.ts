// How notifications name the customer: the contact's name, else their e-mail or phone, never an id.
import { scopeFor } from '../routing/config';

export async function customerName(env: Env, workspaceId: string, contactId: string): Promise<string> {
  // Marked for the round-trip budget (test/budget/counter.ts): the notifications subscriber reads it off the message path.
  const row = await scopeFor(env, workspaceId).prepare(`/* downstream */ SELECT name, email, phone FROM contacts WHERE workspace_id = ? AND id = ?`, contactId).first<{ name: string | null; email: string | null; phone: string | null }>();
  return row?.name?.trim() || row?.email || row?.phone || 'a customer';
}
