// The small pattern language shared by situations.ts (bad situations told as facts) and outcomes.ts
// (good outcomes told as facts): regex over folded text (lower case, no accents, one space between
// units, punctuation kept as its own unit so a pattern never runs across a sentence), plus
//   `~N ` — up to N words in between ("charged ~3 twice" also matches "charged me for it twice").
// Each language's list becomes one regex with one capturing group per pattern, scanned once per message.

export interface Situation {
  /** Regex source over folded text, without capturing groups. */
  source: string;
  valence: number;
}

/**
 * One language's situations as a single regex, one capturing group per situation: a message is
 * scanned once per language instead of once per pattern (the analyzer runs on every message).
 * At one position the first listed situation that matches wins.
 */
export interface SituationSet {
  re: RegExp;
  /** Valence of capturing group k + 1. */
  valences: number[];
}

// Folded text is units joined by single spaces: words (letters, digits, an inner apostrophe),
// punctuation runs and "·" for an emoji. So a word is a run of anything but a space, punctuation or
// "·", and a unit boundary is a space or an end. The same matches as `[\p{L}\p{N}'-]+` and
// `(?<![\p{L}\p{N}'])` on every sentiment text in the repo (5,120), with ASCII classes instead of Unicode
// property ones repeated in every gap: the four patterns compile ~15 % faster on an isolate's first
// message (210–235 → 181–193 ms, node, quiet); a message's scan takes the same ~155 µs after that.
export const WORD = String.raw`[^ .,!?;:…·¡¿]+`;

/**
 * Negation words of the four languages. A gap in a good-outcome pattern may not hold one: "the noise
 * has never stopped" is no outcome, though "noise ~3 stopped" would reach across it.
 */
const NEGATION_WORD = String.raw`(?:not|no|never|nothing|don't|doesn't|didn't|isn't|wasn't|hasn't|haven't|won't|can't|nao|nunca|nem|ne|pas|jamais|rien|n'\S*|sin|sem|sans|todavia|ainda)`;

export function compile(valence: number, pattern: string): Situation {
  return { valence, source: pattern.replace(/~(\d) /g, (_, n) => `(?:${WORD} ){0,${n}}`) };
}

/** As compile, but a `~N ` gap skips no negation word (for good outcomes: see NEGATION_WORD). */
export function compileOutcome(valence: number, pattern: string): Situation {
  return { valence, source: pattern.replace(/~(\d) /g, (_, n) => `(?:(?!${NEGATION_WORD} )${WORD} ){0,${n}}?`) };
}

export function combine(list: Situation[]): SituationSet {
  const body = list.map((s) => `(${s.source})`).join('|');
  return { re: new RegExp(String.raw`(?<![^ ])(?:${body})(?![^ ])`, 'gu'), valences: list.map((s) => s.valence) };
}

/** Numbers and vague amounts before a unit of time ("two hours", "una hora", "plusieurs jours"). */
export const N_EN = String.raw`(?:\d+|a|an|one|two|three|four|five|six|seven|ten|several|many|half an)`;
export const N_ES = String.raw`(?:\d+|un|una|dos|tres|cuatro|cinco|seis|diez|varios|varias|media|mas de)`;
export const N_PT = String.raw`(?:\d+|um|uma|dois|duas|tres|quatro|cinco|seis|dez|varios|varias|meia|mais de)`;
export const N_FR = String.raw`(?:\d+|un|une|deux|trois|quatre|cinq|six|dix|plusieurs|plus de)`;
