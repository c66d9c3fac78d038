// Drafts per conversation (and per agent), kept in localStorage so a reload never loses a reply,
// and the saved replies the composer's "/" picker offers (the server renders their merge fields).
import { api } from '../lib/api';
import { load, save } from '../lib/storage';
import type { SavedReply } from '../lib/types';
import { me } from './session';

export interface Draft {
  text: string;
  note: boolean;
}

const key = (conversationId: string) => `draft:${me.value?.user.id}:${conversationId}`;

export function loadDraft(conversationId: string): Draft {
  return load<Draft>(key(conversationId), { text: '', note: false });
}

export function saveDraft(conversationId: string, draft: Draft): void {
  save(key(conversationId), draft.text ? draft : null);
}

/**
 * GET /api/saved-replies?q=&channel=: the server matches shortcut, name and text and picks each
 * reply's variant for the channel. Answers are kept briefly so typing "/wel" does not refetch.
 */
const cache = new Map<string, { at: number; items: SavedReply[] }>();
export async function searchSavedReplies(q: string, channel?: string): Promise<SavedReply[]> {
  const key = `${channel ?? ''}|${q.toLowerCase()}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < 30_000) return hit.items;
  try {
    const res = await api<{ items: SavedReply[] }>('/saved-replies', { query: { q, channel } });
    cache.set(key, { at: Date.now(), items: res.items ?? [] });
    return res.items ?? [];
  } catch {
    return [];
  }
}
