// What a contact memory is: something the team (and the assistant) should remember about a customer
// across channels, of one of four kinds. A memory's `key` says what it is about, so the same thing
// learnt twice (a second stay, a redelivered close event) updates one row instead of adding another.

export const MEMORY_TYPES = ['fact', 'preference', 'goal', 'experience'] as const;
export type MemoryType = (typeof MEMORY_TYPES)[number];

export interface Memory {
  id: string;
  contactId: string;
  type: MemoryType;
  text: string;
  source: { conversationId: string | null; messageId: string | null };
  /** Who wrote it: an agent, the extractor on close, or an API key. */
  origin: 'agent' | 'extracted' | 'api';
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A memory found in a conversation, before it is stored. */
export interface MemoryCandidate {
  type: MemoryType;
  text: string;
  key: string;
  messageId: string | null;
}

export const MAX_MEMORY_TEXT = 500;

/** The dedupe key of free text: lower case, letters and digits, single spaces. */
export function textKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .slice(0, 120);
}
