// The local sentiment analyzer: a lexicon scorer in the spirit of VADER/AFINN over our own English
// and Spanish word lists. It handles negation ("not good", "no me gustó", "nunca", "ni"),
// intensifiers and diminishers ("very", "muy", "súper", "un poco"), contrast ("but"/"pero": the
// second half weighs more), caps and "!" emphasis, emoji, accent-free spelling, questions (they ask,
// they do not judge: their positive words count less) and customer-service phrases ("still waiting",
// "todavía no", "chargeback", "estafa").
import type { SentimentAnalyzer, SentimentLabel, SentimentResult } from '../../sla/model';
import { EMOJI } from './emoji';
import { EN } from './lexicon-en';
import { ES } from './lexicon-es';
import type { LexiconSource } from './lexicon-types';
import { fold, tokenize, type Token } from './text';

/** |score| at or above this is positive/negative, below it neutral. */
export const LABEL_THRESHOLD = 0.2;
/** Normalization constant of score = sum / sqrt(sum² + ALPHA) (VADER's choice). */
const ALPHA = 15;
/** A negated word keeps about half its strength, reversed ("not good" is weaker than "bad"). */
const NEGATION = -0.55;
/** A negated expectation ("didn't arrive", "no funciona"). */
const EXPECTED_UNMET = -1.8;
const CAPS = 1.5;
const CONTRAST_BEFORE = 0.5;
const CONTRAST_AFTER = 1.5;
const QUESTION_POSITIVE = 0.3;
const EXCLAMATION = 0.3;
const MAX_TEXT = 5000;
const WINDOW = 3;

interface Lexicon {
  code: string;
  stop: Set<string>;
  words: Map<string, number>;
  phrases: Map<string, number>;
  boosters: Map<string, number>;
  negators: Set<string>;
  expected: Set<string>;
  contrast: Set<string>;
  afterNegation: Set<string>;
  /** Longest multi-word entry, in words. */
  longest: number;
}

function pairs(src: string, sep: RegExp): [string, number][] {
  return src
    .split(sep)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const at = entry.lastIndexOf(':');
      return [entry.slice(0, at).trim(), Number(entry.slice(at + 1))] as [string, number];
    });
}

/** `bueno*` → bueno, buena, buenos, buenas; `amable+` → amable, amables; `error+` → error, errores. */
function expand(word: string): string[] {
  if (word.endsWith('*')) {
    const stem = word.slice(0, -2);
    return [`${stem}o`, `${stem}a`, `${stem}os`, `${stem}as`];
  }
  if (word.endsWith('+')) {
    const w = word.slice(0, -1);
    return [w, /[aeiou]$/.test(w) ? `${w}s` : `${w}es`];
  }
  return [word];
}

function compile(src: LexiconSource): Lexicon {
  const words = new Map<string, number>();
  for (const [w, v] of pairs(src.words, /\s+/)) for (const form of expand(fold(w))) words.set(form, v);
  const phrases = new Map(pairs(src.phrases, /[|\n]/).map(([p, v]) => [fold(p), v]));
  const boosters = new Map<string, number>();
  for (const line of src.boosters.split('\n')) {
    // Entries are `word:0.3` or `two words:-0.5`, separated by spaces: split before each "<words>:<number>".
    for (const m of line.matchAll(/([^\s:][^:]*?):(-?\d+(?:\.\d+)?)/g)) boosters.set(fold(m[1].trim()), Number(m[2]));
  }
  const list = (s: string, sep: RegExp) => new Set(s.split(sep).map((x) => fold(x.trim())).filter(Boolean));
  const lex: Lexicon = {
    code: src.code,
    stop: list(src.stopWords, /\s+/),
    words,
    phrases,
    boosters,
    negators: list(src.negators, /\|/),
    expected: list(src.expected, /\s+/),
    contrast: list(src.contrast, /\|/),
    afterNegation: list(src.afterNegation, /\|/),
    longest: 1,
  };
  for (const set of [lex.phrases.keys(), lex.boosters.keys(), lex.negators, lex.contrast, lex.afterNegation]) {
    for (const k of set) lex.longest = Math.max(lex.longest, k.split(' ').length);
  }
  return lex;
}

const LEXICONS: Record<string, Lexicon> = { en: compile(EN), es: compile(ES) };

/** 'en' | 'es' by stop words (and Spanish-only characters); null when the text gives no clue. */
export function detectLanguage(text: string): 'en' | 'es' | null {
  const words = tokenize(text.slice(0, MAX_TEXT)).filter((t) => t.kind === 'word').map((t) => t.norm);
  let en = 0;
  let es = /[ñ¿¡]/i.test(text) ? 2 : /[áéíóú]/i.test(text) ? 1 : 0;
  for (const w of words) {
    if (LEXICONS.en.stop.has(w)) en++;
    if (LEXICONS.es.stop.has(w)) es++;
  }
  if (en === 0 && es === 0) {
    // No function words ("Pesima experiencia", "Awful!"): the lexicon that knows more of the words.
    for (const w of words) {
      if (LEXICONS.en.words.has(w) || LEXICONS.en.expected.has(w)) en++;
      if (LEXICONS.es.words.has(w) || LEXICONS.es.expected.has(w)) es++;
    }
  }
  if (en === es) return en === 0 ? null : 'en';
  return es > en ? 'es' : 'en';
}

/** A unit: one word, emoji or punctuation token, or a multi-word entry matched as a whole. */
interface Unit {
  kind: 'word' | 'emoji' | 'punct';
  norm: string;
  raw: string;
  /** Sentiment valence (words, phrases, emoji). */
  valence?: number;
  phrase: boolean;
  negator: boolean;
  booster?: number;
  contrast: boolean;
  expected: boolean;
  sentence: number;
}

function isCaps(raw: string): boolean {
  const letters = raw.replace(/[^\p{L}]/gu, '');
  return letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase();
}

/** Spanish absolute superlatives: riquísima → rica, malísimo → malo (stronger than the base word). */
function superlative(word: string, lex: Lexicon): number | undefined {
  const m = /^(.+?)isim([oa])s?$/.exec(word);
  if (!m) return undefined;
  const stem = m[1].replace(/qu$/, 'c').replace(/gu$/, 'g');
  for (const form of [`${stem}${m[2]}`, `${stem}o`, stem, `${stem}e`]) {
    const v = lex.words.get(form);
    if (v !== undefined) return v * 1.4;
  }
  return undefined;
}

function units(tokens: Token[], primary: Lexicon, secondary: Lexicon): Unit[] {
  const out: Unit[] = [];
  let sentence = 0;
  const isMulti = (key: string) => [primary, secondary].some((l) => l.phrases.has(key) || l.contrast.has(key) || l.negators.has(key) || l.boosters.has(key) || l.afterNegation.has(key));
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const base = { phrase: false, negator: false, contrast: false, expected: false, sentence };
    if (t.kind === 'punct') {
      out.push({ ...base, kind: 'punct', norm: t.norm, raw: t.raw });
      if (/[.!?…]/.test(t.raw)) sentence++;
      continue;
    }
    if (t.kind === 'emoji') {
      out.push({ ...base, kind: 'emoji', norm: t.norm, raw: t.raw, valence: EMOJI[t.norm] });
      continue;
    }
    // Longest multi-word entry starting here (phrases, contrast, boosters, negators), then the single word.
    let span = 1;
    for (let n = Math.min(primary.longest, tokens.length - i); n >= 2; n--) {
      const slice = tokens.slice(i, i + n);
      if (slice.some((s) => s.kind !== 'word')) continue;
      if (isMulti(slice.map((s) => s.norm).join(' '))) {
        span = n;
        break;
      }
    }
    const slice = tokens.slice(i, i + span);
    const norm = slice.map((s) => s.norm).join(' ');
    const raw = slice.map((s) => s.raw).join(' ');
    const has = (pick: (l: Lexicon) => Set<string> | Map<string, number>) => pick(primary).has(norm) || pick(secondary).has(norm);
    const get = (pick: (l: Lexicon) => Map<string, number>) => pick(primary).get(norm) ?? pick(secondary).get(norm);
    const phraseValence = span > 1 ? get((l) => l.phrases) : undefined;
    out.push({
      ...base,
      kind: 'word',
      norm,
      raw,
      phrase: phraseValence !== undefined,
      valence: phraseValence ?? (span === 1 ? (get((l) => l.words) ?? superlative(norm, primary) ?? superlative(norm, secondary)) : undefined),
      negator: has((l) => l.negators),
      booster: get((l) => l.boosters),
      contrast: has((l) => l.contrast),
      expected: span === 1 && has((l) => l.expected),
    });
    i += span - 1;
  }
  return out;
}

export interface SentimentDetail extends SentimentResult {
  /** The sum of weighted valences before normalization, and what contributed (for tests and the rule tester). */
  sum: number;
  contributions: { text: string; valence: number }[];
}

/** Scores one text; pure. */
export function analyzeText(input: string): SentimentDetail {
  const text = input.slice(0, MAX_TEXT);
  const language = detectLanguage(text);
  const primary = LEXICONS[language ?? 'en'];
  const secondary = primary === LEXICONS.en ? LEXICONS.es : LEXICONS.en;
  const us = units(tokenize(text), primary, secondary);

  // Shouting in whole: caps carry no extra emphasis word by word.
  const wordUnits = us.filter((u) => u.kind === 'word');
  const shouting = wordUnits.length > 0 && wordUnits.filter((u) => isCaps(u.raw)).length / wordUnits.length > 0.6;
  // Sentences that ask (end with "?" or open with "¿").
  const questions = new Set<number>();
  for (const u of us) if (u.kind === 'punct' && (u.raw.includes('?') || u.raw.includes('¿'))) questions.add(u.sentence);

  const items: { text: string; valence: number; afterContrast: number }[] = [];
  let contrasts = 0;
  let clauseStart = 0;
  for (let i = 0; i < us.length; i++) {
    const u = us[i];
    if (u.kind === 'punct' && !u.raw.includes('¿') && !u.raw.includes('¡')) {
      clauseStart = i + 1;
      continue;
    }
    if (u.contrast) {
      contrasts++;
      clauseStart = i + 1;
      continue;
    }
    if (u.valence === undefined && !u.expected) continue;
    // Up to WINDOW words back in this clause: negators and boosters (nearer ones weigh more).
    let negated = false;
    let boost = 1;
    let seen = 0;
    for (let j = i - 1; j >= clauseStart && seen < WINDOW; j--) {
      const w = us[j];
      if (w.kind !== 'word') continue;
      seen++;
      if (w.negator) negated = true;
      else if (w.booster !== undefined) boost *= 1 + w.booster * (1 - 0.05 * (seen - 1));
    }
    let v: number;
    if (u.kind === 'emoji') v = u.valence!;
    else if (u.phrase) v = u.valence!;
    else if (negated) {
      v = u.expected && (u.valence === undefined || u.valence > 0) ? EXPECTED_UNMET : u.valence! * NEGATION;
      // "no me gustó nada", "didn't like it at all": the negation is emphatic.
      for (let j = i + 1; j < us.length && us[j].kind === 'word' && !us[j].contrast; j++) {
        if (primary.afterNegation.has(us[j].norm) || secondary.afterNegation.has(us[j].norm)) {
          v *= 1.5;
          break;
        }
      }
    } else if (u.valence === undefined) continue;
    else v = u.valence;
    v *= boost;
    if (!shouting && u.kind === 'word' && isCaps(u.raw)) v *= CAPS;
    if (v > 0 && questions.has(u.sentence)) v *= QUESTION_POSITIVE;
    items.push({ text: u.raw, valence: v, afterContrast: contrasts });
  }

  let sum = 0;
  const contributions: SentimentDetail['contributions'] = [];
  for (const it of items) {
    // Only the last contrast splits the text: before it weighs less, after it more.
    const w = contrasts === 0 ? 1 : it.afterContrast < contrasts ? CONTRAST_BEFORE : CONTRAST_AFTER;
    sum += it.valence * w;
    contributions.push({ text: it.text, valence: Math.round(it.valence * w * 100) / 100 });
  }
  const bangs = Math.min(4, (text.match(/!/g) ?? []).length);
  if (sum !== 0) sum += Math.sign(sum) * bangs * EXCLAMATION;

  const score = sum / Math.sqrt(sum * sum + ALPHA);
  const label: SentimentLabel = score >= LABEL_THRESHOLD ? 'positive' : score <= -LABEL_THRESHOLD ? 'negative' : 'neutral';
  const evidence = items.length;
  const confidence =
    label === 'neutral' ? (evidence === 0 ? 0.55 : 0.35 + 0.3 * (1 - Math.abs(score) / LABEL_THRESHOLD)) : Math.min(0.98, 0.5 + Math.abs(score) * 0.4 + Math.min(evidence, 3) * 0.03);
  return { score: round(score), label, confidence: round(confidence), language, sum: round(sum), contributions };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export class LexiconSentimentAnalyzer implements SentimentAnalyzer {
  readonly name = 'lexicon';

  async analyze(texts: string[]): Promise<SentimentResult[]> {
    return texts.map((t) => {
      const { score, label, confidence, language } = analyzeText(t);
      return { score, label, confidence, language };
    });
  }
}

export const lexiconAnalyzer = new LexiconSentimentAnalyzer();
