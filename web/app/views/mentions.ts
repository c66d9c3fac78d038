// @mentions in the composer's note mode: who may be mentioned in this conversation (the server says,
// GET /conversations/:id/mentionable, including who cannot see it), the "@query" at the caret, and
// which picked names are still in the text when the note is sent.
import { api } from '../lib/api';

export interface Mentionable {
  id: string;
  name: string;
  avatarUrl: string | null;
  canSee: boolean;
}

const cache = new Map<string, Promise<Mentionable[]>>();

export function loadMentionable(conversationId: string): Promise<Mentionable[]> {
  let p = cache.get(conversationId);
  if (!p) {
    p = api<{ items: Mentionable[] }>(`/conversations/${conversationId}/mentionable`).then((r) => r.items);
    // Who can see a conversation changes with its assignment: a failure or a minute later, ask again.
    p.catch(() => cache.delete(conversationId));
    setTimeout(() => cache.delete(conversationId), 60_000);
    cache.set(conversationId, p);
  }
  return p;
}

/** The "@query" being typed just before the caret, if any (names may hold spaces once picked, not while typed). */
export function mentionQuery(before: string): string | null {
  const m = /(?:^|\s)@([\p{L}\p{N}._-]*)$/u.exec(before);
  return m ? m[1] : null;
}

export function matchPeople(people: Mentionable[], query: string, selfId: string): Mentionable[] {
  const q = query.toLocaleLowerCase();
  const hits = people.filter((p) => p.id !== selfId && (!q || p.name.toLocaleLowerCase().split(/\s+/).some((w) => w.startsWith(q)) || p.name.toLocaleLowerCase().startsWith(q)));
  // Those who can see it first; the rest are listed so the composer can say why they would not hear of it.
  return [...hits.filter((p) => p.canSee), ...hits.filter((p) => !p.canSee)].slice(0, 8);
}

/** The picked people whose "@Name" is still in the text (a deleted mention mentions nobody). */
export function mentionedIds(text: string, picked: Mentionable[]): string[] {
  return [...new Set(picked.filter((p) => p.canSee && text.includes(`@${p.name}`)).map((p) => p.id))];
}
