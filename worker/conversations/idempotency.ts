// Which earlier message a retry is a repeat of. A message's external id comes from whoever wrote it
// (a provider's message id, an agent's or a visitor's client id), so it is only unique per author:
// a visitor who sends an agent's client id must neither get the agent's note back nor pre-claim the
// agent's next reply. The key is the id namespaced by who wrote it.
import type { Actor } from './model';

/**
 * Agents are namespaced by user (two agents' client ids never collide); the customer side by kind
 * only, because the conversation's contact can change under a retry (a merge) while a provider's
 * message id or a visitor's client id stays theirs; AI, bot and system messages by kind.
 */
export function idempotencyKey(author: Pick<Actor, 'type' | 'id'>, externalId: string): string {
  return author.type === 'agent' ? `agent:${author.id ?? ''}:${externalId}` : `${author.type}:${externalId}`;
}

/**
 * A web chat visitor's client id as stored: prefixed, because on the customer side provider message
 * ids (`<channel>:<id>`) share the namespace, and a visitor must not be able to name one of those.
 */
export function visitorExternalId(clientId: string): string {
  return `visitor:${clientId}`;
}
