// What the learned sentiment model (model.ts) reads from a message: one function shared by the
// Worker and the trainer (scripts/train-sentiment.ts), so the two can never disagree on a feature.
//
// Features are names ("w:refund", "w:¬happy", "l:thanks") hashed into a fixed number of buckets, so
// the model is a flat weight table. A word never seen in training mostly lands in an empty bucket;
// about one in five shares a trained one (48k of 262k buckets are filled), a small noise the weights
// of the words around it outvote. What they cover:
// - words and word pairs, folded (case and accents off: typos with missing accents read the same);
// - words in the scope of a negation, marked ("not happy" is ¬happy, not happy): the classic cue
//   that bag-of-words models otherwise miss, in the four languages' negators;
// - words after the last contrast ("…but nobody called back") and words of the last sentence: what
//   a message ends on is what the agent acts on;
// - the rule-based analyzer's reading (lexicon.ts) as a handful of features, so the model learns
//   where the rules are right rather than relearning every word they know;
// - the message's shape: questions, exclamations, shouting, emoji, length.
import type { SentimentDetail } from './lexicon';
import { tokenize } from './text';

/** log2 of the hashed feature space: 2^18 buckets for ~50k trained features. */
export const FEATURE_BITS = 18;

const NEGATORS = new Set([
  // en ("n't" words arrive whole: "didn't", "wasn't")
  'not', 'no', 'never', 'nobody', 'nothing', 'none', 'nor', 'neither', 'nowhere', 'without', 'cannot', 'cant', 'dont', 'didnt', 'doesnt', 'isnt', 'wasnt', 'wont', 'havent', 'hasnt', 'hadnt', 'couldnt', 'wouldnt', 'shouldnt', 'arent', 'werent',
  // es / pt ("ni" serves French too)
  'nunca', 'nada', 'nadie', 'ni', 'tampoco', 'jamas', 'sin', 'ningun', 'ninguna', 'ninguno', 'nao', 'nem', 'ninguem', 'nenhum', 'nenhuma', 'sem',
  // fr ("ne … pas": "ne"/"n'" opens the scope; "pas", "jamais", "rien" carry it when "ne" is dropped in
  // writing; not "plus" or "personne", which are "more" and "person" as often as "no more" and "nobody")
  'pas', 'jamais', 'rien', 'aucun', 'aucune', 'sans', 'ne',
]);

const CONTRASTS = new Set(['but', 'however', 'though', 'although', 'yet', 'pero', 'aunque', 'embargo', 'mas', 'porem', 'embora', 'contudo', 'mais', 'pourtant', 'cependant', 'neanmoins', 'toutefois']);

/** A feature and its value (1 for presence; real values for the analyzer's score). */
export type Feature = readonly [name: string, value: number];

/** 32-bit FNV-1a of a feature name: stable across runtimes, cheap, good enough spread for a hashed linear model. */
export function hashFeature(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & ((1 << FEATURE_BITS) - 1);
}

function isNegator(norm: string): boolean {
  return NEGATORS.has(norm) || norm.endsWith("n't") || norm.startsWith("n'");
}

/** A sentence's end, a clause break inside it, or a question / exclamation (they read differently). */
function punctuation(raw: string): string {
  if (raw.includes('?') || raw.includes('¿')) return '?';
  if (raw.includes('!') || raw.includes('¡')) return '!';
  return raw.includes('.') || raw.includes('…') ? '.' : ',';
}

/** The features of one message, given the rule-based analyzer's reading of it. */
export function features(text: string, lexicon: SentimentDetail): Feature[] {
  const out: Feature[] = [['bias', 1]];
  const tokens = tokenize(text);
  const seq: string[] = [];
  let negated = false;
  let afterContrast = -1;
  for (const t of tokens) {
    if (t.kind === 'punct') {
      negated = false;
      seq.push(punctuation(t.raw));
      continue;
    }
    const norm = t.kind === 'word' ? t.norm.replace(/'/g, '') : t.norm;
    // Spanish "más" folds to "mas" ("more"), Portuguese "mas" is "but".
    if (t.kind === 'word' && CONTRASTS.has(norm) && !(norm === 'mas' && lexicon.language === 'es')) {
      afterContrast = seq.length;
      negated = false;
    }
    seq.push(negated ? `¬${norm}` : norm);
    if (t.kind === 'word' && isNegator(t.norm)) negated = true;
  }
  // Where the last sentence starts (a sentence-ending mark before the final words).
  let lastSentence = 0;
  for (let i = 0; i < seq.length - 1; i++) if (seq[i] === '.' || seq[i] === '!' || seq[i] === '?') lastSentence = i + 1;
  for (let i = 0; i < seq.length; i++) {
    const w = seq[i];
    out.push([`w:${w}`, 1]);
    if (lastSentence > 0 && i >= lastSentence) out.push([`l:${w}`, 1]);
    if (afterContrast >= 0 && i > afterContrast) out.push([`a:${w}`, 1]);
    if (i + 1 < seq.length) out.push([`b:${w} ${seq[i + 1]}`, 1]);
  }
  // No character n-grams: leaving one training author out, they cost 0.5–1.5 points of accuracy once
  // each language had two authors (they help only across languages) and tripled the table.

  // The rules' reading: their label, their score and how much evidence they found on each side.
  out.push([`lex:${lexicon.label}`, 1]);
  out.push(['lex:score', lexicon.score]);
  let pos = 0;
  let neg = 0;
  for (const c of lexicon.contributions) if (c.valence > 0) pos += c.valence;
  else neg -= c.valence;
  out.push(['lex:pos', Math.min(pos, 4) / 4]);
  out.push(['lex:neg', Math.min(neg, 4) / 4]);
  if (lexicon.contributions.length === 0) out.push(['lex:nothing', 1]);

  // Shape.
  const words = tokens.filter((t) => t.kind === 'word');
  const letters = text.replace(/[^\p{L}]/gu, '');
  const upper = letters.replace(/[^\p{Lu}]/gu, '').length;
  if (letters.length >= 8 && upper / letters.length > 0.6) out.push(['shape:shouting', 1]);
  if (/[?¿]/.test(text)) out.push(['shape:question', 1]);
  if (/[?¿]\s*$/.test(text.trim())) out.push(['shape:ends-question', 1]);
  if (/!{2,}|\?{2,}/.test(text)) out.push(['shape:repeated-punct', 1]);
  if (tokens.some((t) => t.kind === 'emoji')) out.push(['shape:emoji', 1]);
  out.push([`shape:len${words.length <= 4 ? 's' : words.length <= 15 ? 'm' : words.length <= 35 ? 'l' : 'xl'}`, 1]);
  return out;
}
