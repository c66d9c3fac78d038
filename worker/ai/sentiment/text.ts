// Text folding and tokens shared by the sentiment analyzer and the alert rules: lower case without
// accents ("Pésimo" = "pesimo"), words kept with their original casing (caps emphasis), emoji and
// punctuation as their own tokens (clause boundaries, "!" emphasis, "?" questions).

/** Lower case, accents stripped, typographic apostrophes made plain: the form every lexicon key and keyword is compared in. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').replace(/[’‘`´]/g, "'").toLowerCase();
}

export type TokenKind = 'word' | 'emoji' | 'punct';

export interface Token {
  kind: TokenKind;
  /** As written (caps detection). */
  raw: string;
  /** Folded (lexicon lookups). */
  norm: string;
}

// Emoji (with variation selectors / joiners), ASCII emoticons, words (with an inner apostrophe: "didn't"), punctuation runs.
const TOKEN = /(\p{Extended_Pictographic}(?:\uFE0F|\u200D\p{Extended_Pictographic})*\uFE0F?|[\u2661\u2665])|((?<![\p{L}\p{N}/])(?:[:;=][-']?[)(DPp]|<3|[)(][-']?[:;=])(?![\p{L}\p{N}]))|([\p{L}\p{N}]+(?:['’][\p{L}]+)?)|([.!?;:,…¡¿]+)/gu;

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    if (m[1]) out.push({ kind: 'emoji', raw: m[1], norm: m[1].replace(/\uFE0F/g, '') });
    else if (m[2]) out.push({ kind: 'emoji', raw: m[2], norm: m[2].replace(/-|'/g, '') });
    else if (m[3]) out.push({ kind: 'word', raw: m[3], norm: fold(m[3]) });
    else if (m[4]) out.push({ kind: 'punct', raw: m[4], norm: m[4] });
  }
  return out;
}

/** The folded words of a text joined by single spaces, padded: whole-word phrase search is then a substring test. */
export function wordString(text: string): string {
  const words = fold(text).match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? [];
  return ` ${words.join(' ')} `;
}

/** Whether `phrase` occurs in `text` as whole words, case- and accent-insensitively ("reembolso" matches "¡REEMBOLSO!", not "reembolsos"). */
export function containsPhrase(text: string, phrase: string): boolean {
  const p = wordString(phrase);
  return p.trim() !== '' && wordString(text).includes(p);
}

/** The first of `phrases` found in `text` (same matching as containsPhrase), else null. */
export function findPhrase(text: string, phrases: readonly string[]): string | null {
  const haystack = wordString(text);
  for (const phrase of phrases) {
    const p = wordString(phrase);
    if (p.trim() !== '' && haystack.includes(p)) return phrase;
  }
  return null;
}
