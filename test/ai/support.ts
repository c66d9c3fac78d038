// Helpers for the AI and knowledge-base tests: a workspace whose knowledge base holds one business of
// the labelled set, and customer messages arriving on any channel through the real delivery path.
import { env } from 'cloudflare:test';
import { deliverInbound } from '../../worker/conversations/service';
import labelled from '../fixtures/kb/labelled-set.json';
import { call, newWorkspace, unique, type Workspace } from '../helpers';

export interface KbWorkspace extends Workspace {
  /** Fixture key → article id. */
  articles: Record<string, string>;
  inboxes: Record<string, string>;
}

/** A workspace with the given business's knowledge base imported and published. */
export async function kbWorkspace(type: 'rental' | 'restaurant' | 'clinic' = 'rental'): Promise<KbWorkspace> {
  const business = labelled.businesses.find((b) => b.type === type)!;
  const ws = await newWorkspace(business.name);
  const res = await call('POST', '/api/kb/import', {
    token: ws.token,
    body: { articles: business.articles.map((a) => ({ kind: a.kind, title: a.title, body: a.body, tags: a.tags, status: 'published' })) },
  });
  if (res.status !== 201) throw new Error(`import failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...ws, articles: Object.fromEntries(business.articles.map((a, i) => [a.key, res.body.ids[i] as string])), inboxes: {} };
}

export async function inboxFor(ws: KbWorkspace, channel: string): Promise<string> {
  if (!ws.inboxes[channel]) {
    const res = await call('POST', '/api/inboxes', { token: ws.token, body: { channel, name: `${channel} inbox` } });
    if (res.status !== 201) throw new Error(`inbox failed: ${res.status} ${JSON.stringify(res.body)}`);
    ws.inboxes[channel] = res.body.id;
  }
  return ws.inboxes[channel];
}

export interface Customer {
  contactId: string;
  name: string | null;
}

export async function customer(ws: Workspace, channel: string, fields: Record<string, unknown> = {}): Promise<Customer> {
  const res = await call('POST', '/api/contacts', { token: ws.token, body: { name: 'Ana García', identities: [{ channel, externalId: unique('ext') }], ...fields } });
  if (res.status !== 201) throw new Error(`contact failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { contactId: res.body.id, name: res.body.name };
}

/** A customer message delivered the way every channel delivers (deliverInbound); returns the conversation id. */
export async function customerSays(ws: KbWorkspace, channel: string, who: Customer, text: string): Promise<{ conversationId: string; messageId: string }> {
  const inboxId = await inboxFor(ws, channel);
  const res = await deliverInbound(
    env,
    { workspaceId: ws.workspaceId, contactId: who.contactId, inboxId, channel },
    { direction: 'inbound', author: { type: 'contact', id: who.contactId, name: who.name }, text, externalId: unique('in') },
  );
  return { conversationId: res.conversationId, messageId: res.message.id };
}

export async function suggestions(token: string, conversationId: string, query = '') {
  const res = await call('GET', `/api/conversations/${conversationId}/suggestions${query}`, { token });
  if (res.status !== 200) throw new Error(`suggestions failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as {
    items: { id: string; text: string; confidence: number; kind: string; sources: { type: string; id: string; title?: string }[] }[];
    cached: boolean;
    basedOn: string;
    language: string;
    channel: string;
    question: string;
    retriever: string;
    drafter: string;
    tookMs: number;
    threshold: number;
    hidden: number;
  };
}
