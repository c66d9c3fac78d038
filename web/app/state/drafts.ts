// Drafts per conversation (and per agent), kept in localStorage so a reload never loses a reply,
// and the saved replies the composer's "/" picker inserts, with their merge fields.
import { signal } from '@preact/signals';
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

export const savedReplies = signal<SavedReply[] | null>(null);

/** GET /api/saved-replies; an API without it (404) just means there are none yet. */
export async function loadSavedReplies(): Promise<SavedReply[]> {
  if (savedReplies.value) return savedReplies.value;
  try {
    const res = await api<{ items: SavedReply[] }>('/saved-replies');
    savedReplies.value = res.items ?? [];
  } catch {
    savedReplies.value = [];
  }
  return savedReplies.value;
}

/** {{contact.name}}, {{contact.first_name}}, {{contact.email}}, {{agent.name}}, …; unknown fields stay visible. */
export function renderMerge(text: string, fields: Record<string, string | null | undefined>): string {
  return text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (all, name: string) => {
    const value = fields[name.toLowerCase()];
    return value ? value : all;
  });
}
