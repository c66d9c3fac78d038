// The search syntax of `q`: words and "quoted phrases" match message text and the contact;
// phone:, email:, assigned:, tag:, channel:, status: narrow the result.

export interface SearchQuery {
  words: string[];
  phrases: string[];
  phone: string | null;
  email: string | null;
  /** 'me', 'none', or a user id / e-mail. */
  assigned: string | null;
  tags: string[];
  channels: string[];
  statuses: string[];
}

const KEYS = new Set(['phone', 'email', 'assigned', 'tag', 'channel', 'status']);

export function parseSearchQuery(q: string): SearchQuery {
  const out: SearchQuery = { words: [], phrases: [], phone: null, email: null, assigned: null, tags: [], channels: [], statuses: [] };
  // key:"quoted value" | key:value | "phrase" | word
  const re = /(\w+):"([^"]*)"|(\w+):(\S+)|"([^"]*)"|(\S+)/g;
  for (const m of q.matchAll(re)) {
    const key = (m[1] ?? m[3])?.toLowerCase();
    const value = (m[2] ?? m[4] ?? '').trim();
    if (key && KEYS.has(key)) {
      if (!value) continue;
      switch (key) {
        case 'phone':
          out.phone = value;
          break;
        case 'email':
          out.email = value.toLowerCase();
          break;
        case 'assigned':
          out.assigned = value;
          break;
        case 'tag':
          out.tags.push(value.toLowerCase());
          break;
        case 'channel':
          out.channels.push(value.toLowerCase());
          break;
        case 'status':
          out.statuses.push(value.toLowerCase());
          break;
      }
    } else if (m[5] !== undefined) {
      if (m[5].trim()) out.phrases.push(m[5].trim());
    } else {
      // An unknown key:value is just text.
      const word = m[0];
      if (word.trim()) out.words.push(word);
    }
  }
  return out;
}

/**
 * The FTS5 MATCH expression for the text part, or null when there is none. Every token is quoted,
 * so user input can never be read as FTS5 syntax; words match as prefixes.
 */
export function ftsExpression(q: SearchQuery): string | null {
  const parts: string[] = [];
  // A token with no letter or digit indexes to nothing; leave it out rather than match nothing.
  const meaningful = (s: string) => /[\p{L}\p{N}]/u.test(s);
  for (const w of q.words) {
    const token = w.replace(/["*^:()]/g, ' ').trim();
    if (meaningful(token)) parts.push(`"${token}"*`);
  }
  for (const p of q.phrases) {
    const phrase = p.replace(/"/g, ' ').trim();
    if (meaningful(phrase)) parts.push(`"${phrase}"`);
  }
  return parts.length ? parts.join(' AND ') : null;
}

/** Digits of a phone number, for matching regardless of formatting. */
export function phoneDigits(phone: string): string {
  return phone.replace(/\D/g, '');
}
