// How notifications name the customer: the contact's name, else their e-mail or phone, never an id.
import { scopeFor } from '../routing/config';

type NameRow = { name: string | null; email: string | null; phone: string | null };

function nameOf(row: NameRow | null | undefined): string {
  return row?.name?.trim() || row?.email || row?.phone || 'a customer';
}

export async function customerName(env: Env, workspaceId: string, contactId: string): Promise<string> {
  // Marked for the round-trip budget (test/budget/counter.ts): the notifications subscriber reads it off the message path.
  const row = await scopeFor(env, workspaceId).prepare(`/* downstream */ SELECT name, email, phone FROM contacts WHERE workspace_id = ? AND id = ?`, contactId).first<NameRow>();
  return nameOf(row);
}

/** Several contacts' names in one statement (the ids as one JSON parameter), for a batch that reads more in the same round trip. */
export function customerNamesQuery(env: Env, workspaceId: string, contactIds: string[]): D1PreparedStatement {
  return scopeFor(env, workspaceId).prepare(
    `/* downstream */ SELECT id, name, email, phone FROM contacts WHERE workspace_id = ?1 AND id IN (SELECT value FROM json_each(?2))`,
    JSON.stringify([...new Set(contactIds)]),
  );
}

/** customerNamesQuery's rows as names by contact id; a contact not found is 'a customer', as customerName says. */
export function customerNames(contactIds: string[], rows: (NameRow & { id: string })[]): Map<string, string> {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return new Map(contactIds.map((id) => [id, nameOf(byId.get(id))]));
}
