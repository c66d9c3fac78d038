// The local sentiment analyzer: a lexicon scorer in the spirit of VADER/AFINN over our own English
// and Spanish word lists. It handles negation ("not good", "no me gustó", "nunca", "ni"),
// intensifiers and diminishers ("very", "muy", "súper", "un poco"), contrast ("but"/"pero": the
// second half weighs more), caps and "!" emphasis, emoji, accent-free spelling, questions (they ask,
// they do not judge: their positive words count less, their negative ones too unless the question
// complains) and customer-service phrases ("still waiting", "todavía no", "chargeback", "estafa").
// Complaints told as plain facts ("I was charged twice", "ainda não caiu") are read by situations.ts,
// satisfaction told as plain facts ("works again", "o erro sumiu", "rien ne manque") by outcomes.ts,
// and praise that is a complaint ("Great, another two hours on hold") by sarcasm.ts.
import type { SentimentAnalyzer, SentimentLabel, SentimentResult } from '../../sla/model';
import { EMOJI } from './emoji';
import { EN } from './lexicon-en';
import { ES } from './lexicon-es';
import { FR } from './lexicon-fr';
import { PT } from './lexicon-pt';
import type { LexiconSource } from './lexicon-types';
import { DURATION, isSarcastic } from './sarcasm';
import { COMPLAINING_QUESTION, HYPOTHETICAL, REQUEST, REQUEST_WORDS, SITUATIONS } from './situations';
import { fold, tokenize, type Token } from './text';

/** |score| at or above this is positive/negative, below it neutral. */
export const LABEL_THRESHOLD = 0.2;
/** Normalization constant of score = sum / sqrt(sum² + ALPHA) (VADER's choice). */
const ALPHA = 15;
/** A negated word keeps about half its strength, reversed ("not good" is weaker than "bad"). */
const NEGATION = -0.55;
/**
 * A bad thing said to be absent ("without a scratch", "sin hacer ruido", "sem barulho", "sans bruit")
 * is good news, stronger than a negated bad word ("not bad"): see absent().
 */
const ABSENT = -0.8;
/** A negated expectation ("didn't arrive", "no funciona"). */
const EXPECTED_UNMET = -1.8;
const CAPS = 1.5;
const CONTRAST_BEFORE = 0.5;
const CONTRAST_AFTER = 1.5;
const QUESTION_POSITIVE = 0.2;
/** A factual bad situation inside a plain question ("will I be charged twice if…?") is a worry, not yet a complaint. */
const QUESTION_SITUATION = 0.3;
/** A negative word inside a plain question ("do you charge for late check-out?") asks about it more than it complains. */
const QUESTION_NEGATIVE = 0.5;
/**
 * "The driver was nice, but the pizza showed up cold and an hour late": praise, a contrast, then a
 * clause with no praise at all. Customers rarely write "but" before good news they do not name, so
 * the contrast itself counts as a mild complaint (weighted like the clause after it). Alone it only
 * cancels light praise ("Thanks, but…" is neutral); a situation or negative word after it decides.
 */
const CONTRAST_CUE = -1.4;
/** …but after thanks alone it is politeness ("Thanks, but I already found it"): weaker. */
const CONTRAST_CUE_AFTER_THANKS = -0.9;
const EXCLAMATION = 0.3;
const MAX_TEXT = 5000;
const WINDOW = 3;
/** Boosters that boost only the word right after them (elsewhere they mean something else). */
const ADJACENT_ONLY = new Set(['si']);

interface Lexicon {
  code: string;
  stop: Set<string>;
  words: Map<string, number>;
  phrases: Map<string, number>;
  boosters: Map<string, number>;
  negators: Set<string>;
  expected: Set<string>;
  contrast: Set<string>;
  concessive: Set<string>;
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
    concessive: list(src.concessive, /\|/),
    afterNegation: list(src.afterNegation, /\|/),
    longest: 1,
  };
  for (const set of [lex.phrases.keys(), lex.boosters.keys(), lex.negators, lex.contrast, lex.concessive, lex.afterNegation]) {
    for (const k of set) lex.longest = Math.max(lex.longest, k.split(' ').length);
  }
  return lex;
}

type Code = 'en' | 'es' | 'pt' | 'fr';
const LEXICONS: Record<Code, Lexicon> = { en: compile(EN), es: compile(ES), pt: compile(PT), fr: compile(FR) };
const CODES = Object.keys(LEXICONS) as Code[];
/** Letters only one of the languages uses (folding removes them, so they are read from the raw text). */
const TELLTALE: Partial<Record<Code, RegExp>> = { es: /[ñ¿¡]/i, pt: /[ãõ]|ção|ções/i, fr: /[èêàùâîôûœ]|\b(?:c'|j'|n'|l'|qu')/i };

/** 'en' | 'es' | 'pt' | 'fr' by stop words (and telltale letters); null when the text gives no clue. */
export function detectLanguage(text: string): Code | null {
  const words = tokenize(text.slice(0, MAX_TEXT)).filter((t) => t.kind === 'word').map((t) => t.norm);
  const score = Object.fromEntries(CODES.map((c) => [c, TELLTALE[c]?.test(text) ? 2 : 0])) as Record<Code, number>;
  // A function word shared by several languages ("que", "no", "a") splits its vote between them.
  for (const w of words) {
    const having = CODES.filter((c) => LEXICONS[c].stop.has(w));
    for (const c of having) score[c] += 1 / having.length;
  }
  if (CODES.every((c) => score[c] === 0)) {
    // No function words ("Pesima experiencia", "Awful!"): the lexicon that knows more of the words.
    for (const w of words) for (const c of CODES) if (LEXICONS[c].words.has(w) || LEXICONS[c].expected.has(w)) score[c]++;
  }
  let best: Code | null = null;
  for (const c of CODES) if (score[c] > 0 && (best === null || score[c] > score[best])) best = c;
  return best;
}

/** A unit: one word, emoji or punctuation token, or a multi-word entry matched as a whole. */
export interface Unit {
  kind: 'word' | 'emoji' | 'punct';
  norm: string;
  raw: string;
  /** Sentiment valence (words, phrases, emoji). */
  valence?: number;
  phrase: boolean;
  negator: boolean;
  booster?: number;
  contrast: boolean;
  /** "although", "aunque", "embora", "bien que": a contrast mid-sentence, a concession opening one. */
  concessive: boolean;
  expected: boolean;
  /** French "n'existe", "n'apparaît": the negation is inside the token. */
  selfNegated: boolean;
  /** A bad (or resolved) situation matched by situations.ts. */
  situation: boolean;
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

/** "n'existe", "n'apparaît", "n'arrive": a French verb negated by its own elided "ne". */
function elidedExpected(norm: string): boolean {
  return norm.startsWith("n'") && norm.length > 3 && Object.values(LEXICONS).some((l) => l.expected.has(norm.slice(2)));
}

/** "Without", "sin", "sem", "sans" (or "without a", "sin hacer", "sans aucun") right before unit i. */
const WITHOUT = new Set(['without', 'sin', 'sem', 'sans']);
const WITHOUT_FILLER = new Set(['a', 'any', 'un', 'una', 'ningun', 'ninguna', 'hacer', 'um', 'uma', 'nenhum', 'nenhuma', 'fazer', 'une', 'aucun', 'aucune', 'faire', 'le', 'la', 'de']);
function absent(us: Unit[], i: number, clauseStart: number): boolean {
  for (let j = i - 1, seen = 0; j >= clauseStart && seen < 2; j--, seen++) {
    if (us[j].kind !== 'word') return false;
    if (WITHOUT.has(us[j].norm)) return true;
    if (!WITHOUT_FILLER.has(us[j].norm)) return false;
  }
  return false;
}

/** Tokens → units, looking words up in the text's language first, then in the others (mixed-language messages). */
function units(tokens: Token[], primary: Lexicon): Unit[] {
  const out: Unit[] = [];
  let sentence = 0;
  const all = [primary, ...Object.values(LEXICONS).filter((l) => l !== primary)];
  const longest = Math.max(...all.map((l) => l.longest));
  const isMulti = (key: string) => all.some((l) => l.phrases.has(key) || l.contrast.has(key) || l.concessive.has(key) || l.negators.has(key) || l.boosters.has(key) || l.afterNegation.has(key));
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const base = { phrase: false, negator: false, contrast: false, concessive: false, expected: false, selfNegated: false, situation: false, sentence };
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
    for (let n = Math.min(longest, tokens.length - i); n >= 2; n--) {
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
    // Other languages' lists only for longer words that are not function words here: short words
    // collide across languages (French "ma" = my, Portuguese "má" = bad).
    const foreign = norm.length >= 4 && !primary.stop.has(norm);
    const has = (pick: (l: Lexicon) => Set<string> | Map<string, number>) => (foreign ? all : [primary]).some((l) => pick(l).has(norm));
    const get = (pick: (l: Lexicon) => Map<string, number>) => {
      for (const l of foreign ? all : [primary]) {
        const v = pick(l).get(norm);
        if (v !== undefined) return v;
      }
      return undefined;
    };
    const phraseValence = span > 1 ? get((l) => l.phrases) : undefined;
    out.push({
      ...base,
      kind: 'word',
      norm,
      raw,
      phrase: phraseValence !== undefined,
      valence: phraseValence ?? (span === 1 ? (get((l) => l.words) ?? superlative(norm, primary) ?? superlative(norm, LEXICONS.es)) : undefined),
      negator: has((l) => l.negators),
      booster: get((l) => l.boosters),
      contrast: has((l) => l.contrast),
      concessive: has((l) => l.concessive),
      expected: span === 1 && (has((l) => l.expected) || elidedExpected(norm)),
      selfNegated: span === 1 && elidedExpected(norm),
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
  const us = situations(units(tokenize(text), primary));
  concessions(us);
  regretForOwnPlans(us);
  interjections(us);
  const sarcastic = isSarcastic(text, us);

  // Shouting in whole: caps carry no extra emphasis word by word.
  const wordUnits = us.filter((u) => u.kind === 'word');
  const shouting = wordUnits.length > 0 && wordUnits.filter((u) => isCaps(u.raw)).length / wordUnits.length > 0.6;
  // Sentences that ask (end with "?" or open with "¿").
  const questions = new Set<number>();
  for (const u of us) if (u.kind === 'punct' && (u.raw.includes('?') || u.raw.includes('¿'))) questions.add(u.sentence);
  // Per sentence: whether it asks politely / asks as a complaint (read on its folded words).
  const sentenceText = new Map<number, string>();
  for (const u of us) sentenceText.set(u.sentence, `${sentenceText.get(u.sentence) ?? ''} ${u.kind === 'punct' ? u.raw : u.norm}`);
  const requests = new Set<number>();
  const complainingQuestions = new Set<number>();
  // "What should I do if my parcel is damaged?": the bad word is a supposition.
  const hypotheticals = new Set<number>();
  for (const [s, t] of sentenceText) {
    if (questions.has(s) || REQUEST.test(t)) requests.add(s);
    if (questions.has(s) && COMPLAINING_QUESTION.test(t)) complainingQuestions.add(s);
    if (questions.has(s) && HYPOTHETICAL.test(t)) hypotheticals.add(s);
  }
  const stated = statedBeforeQuestion(us, questions);

  const items: { text: string; valence: number; afterContrast: number; thanks?: boolean }[] = [];
  let contrasts = 0;
  let clauseStart = 0;
  let lastContrast = -1;
  for (let i = 0; i < us.length; i++) {
    const u = us[i];
    if (u.contrast) {
      contrasts++;
      lastContrast = i;
      clauseStart = i + 1;
      continue;
    }
    if (u.kind === 'punct' && !u.raw.includes('¿') && !u.raw.includes('¡')) {
      clauseStart = i + 1;
      continue;
    }
    if (u.valence === undefined && !u.expected) continue;
    // Up to WINDOW words back in this clause: negators and boosters (nearer ones weigh more).
    let negated = u.selfNegated;
    let boost = 1;
    let seen = 0;
    for (let j = i - 1; j >= clauseStart && seen < WINDOW; j--) {
      const w = us[j];
      if (w.kind !== 'word') continue;
      seen++;
      if (w.negator) negated = true;
      // French "si" is "so" only right before its word ("si lent"); further back it is "if" ("si vous
      // pouvez m'aider ce serait super"), as is Spanish and Portuguese "si"/"se".
      else if (w.booster !== undefined && !(ADJACENT_ONLY.has(w.norm) && seen > 1)) boost *= 1 + w.booster * (1 - 0.05 * (seen - 1));
    }
    let v: number;
    if (u.kind === 'emoji') v = u.valence!;
    else if (u.phrase) v = u.valence!;
    else if (negated) {
      v = u.expected && (u.valence === undefined || u.valence > 0) ? EXPECTED_UNMET : u.valence! * (u.valence! < 0 && absent(us, i, clauseStart) ? ABSENT : NEGATION);
      // "no me gustó nada", "didn't like it at all": the negation is emphatic.
      for (let j = i + 1; j < us.length && us[j].kind === 'word' && !us[j].contrast; j++) {
        if (Object.values(LEXICONS).some((l) => l.afterNegation.has(us[j].norm))) {
          v *= 1.5;
          break;
        }
      }
    } else if (u.valence === undefined) continue;
    else v = u.valence;
    // "How do I cancel?", "¿Puedo pedir un reembolso?", "Please let me know when the refund is processed": a request.
    if (v < 0 && REQUEST_WORDS.has(u.norm) && requests.has(u.sentence)) v = 0;
    if (v < 0 && questions.has(u.sentence) && !complainingQuestions.has(u.sentence)) v *= u.situation || u.phrase || hypotheticals.has(u.sentence) ? QUESTION_SITUATION : QUESTION_NEGATIVE;
    v *= boost;
    if (!shouting && u.kind === 'word' && isCaps(u.raw)) v *= CAPS;
    if (v > 0 && questions.has(u.sentence) && !stated.has(i)) v *= QUESTION_POSITIVE;
    // Sarcasm: the praise is the complaint ("Great, another two hours waiting 🙄").
    if (v > 0 && sarcastic) v *= SARCASM;
    // Courtesy: thanks ("merci bien" included) and greetings ("Buenas", "Bonjour").
    const courtesy = isGratitude(u.norm) || GREETING.test(u.norm) || (u.norm === 'bien' && i > 0 && isGratitude(us[i - 1].norm));
    items.push({ text: u.raw, valence: v, afterContrast: contrasts, thanks: courtesy });
  }
  // Thanks closing a question or a request is courtesy, not satisfaction ("Is the pool heated? Thanks",
  // "pouvez-vous m'envoyer la facture ? Merci d'avance"): when the message asks something and thanks
  // (or a greeting) are its only praise, they weigh nothing. Thanks for something done, with no request, still count.
  const asksSomething = [...requests].some((s) => !complainingQuestions.has(s));
  if (asksSomething && items.every((it) => it.valence <= 0 || it.thanks)) for (const it of items) if (it.thanks && it.valence > 0) it.valence = 0;
  if (contrasts > 0 && contrastComplains(us, lastContrast, questions, items, contrasts)) {
    const onlyThanks = items.every((it) => it.afterContrast === contrasts || it.valence <= 0 || it.thanks);
    items.push({ text: us[lastContrast].raw, valence: onlyThanks ? CONTRAST_CUE_AFTER_THANKS : CONTRAST_CUE, afterContrast: contrasts });
  }
  // Every sentence a plain question or request ("I booked two weeks ago, can I still change the dates?"): no fallback cue.
  const asking = [...sentenceText.keys()].every((s) => !/[\p{L}\p{N}]/u.test(sentenceText.get(s)!) || (requests.has(s) && !complainingQuestions.has(s)));
  if (!asking && (items.length === 0 || items.every((it) => it.valence === 0))) {
    // No known word: customer-service cues that read as a complaint in any language.
    for (const cue of COMPLAINT_CUES) if (cue.test(text)) items.push({ text: cue.source.slice(0, 24), valence: FALLBACK_CUE, afterContrast: contrasts });
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

/**
 * Bad situations (situations.ts) found in the folded words replace the units they span with one
 * unit carrying the situation's valence, unless the lexicon already reads that span at least as
 * strongly ("charged twice" is a phrase of its own). Matches never overlap: first come, longest first.
 */
function situations(us: Unit[]): Unit[] {
  const starts: number[] = [];
  let folded = '';
  for (const u of us) {
    if (folded) folded += ' ';
    starts.push(folded.length);
    folded += u.kind === 'word' ? u.norm : u.kind === 'punct' ? u.raw : '·';
  }
  // The unit an offset falls in: a binary search (a long message has many units and many matches).
  const unitAt = (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  // Where each sentence's first supposition word is, found once rather than per match.
  const firstUnreal = new Map<number, number>();
  us.forEach((u, k) => {
    if (u.kind === 'word' && !firstUnreal.has(u.sentence) && isUnreal(u)) firstUnreal.set(u.sentence, k);
  });
  const found: { from: number; to: number; valence: number }[] = [];
  for (const set of SITUATIONS) {
    // exec on the shared regex, not matchAll: matchAll clones it, and a clone of these large
    // patterns may be compiled again (measured: most of the analyzer's time went there).
    set.re.lastIndex = 0;
    for (let m = set.re.exec(folded); m; m = set.re.exec(folded)) {
      if (!m[0]) {
        set.re.lastIndex++;
        continue;
      }
      let k = 1;
      while (m[k] === undefined) k++;
      found.push({ from: unitAt(m.index!), to: unitAt(m.index! + m[0].length - 1), valence: set.valences[k - 1] });
    }
  }
  if (found.length === 0) return us;
  found.sort((a, b) => a.from - b.from || b.to - a.to);
  const out: Unit[] = [];
  let i = 0;
  for (const f of found) {
    if (f.from < i) continue;
    // Good news negated ("todavía no ha llegado el reembolso") is not good news, nor is good news
    // supposed or wished for earlier in its sentence ("if it arrives intact", "espero que vuelva a funcionar").
    if (f.valence > 0 && us.slice(Math.max(0, f.from - 2), f.from).some((u) => u.negator)) continue;
    if (f.valence > 0 && (firstUnreal.get(us[f.from].sentence) ?? Infinity) < f.from) continue;
    // "Everything was there except the charger": the exception is the message.
    if (f.valence > 0 && f.to + 1 < us.length && EXCEPT.has(us[f.to + 1].norm)) continue;
    const span = us.slice(f.from, f.to + 1);
    // The span as the word lists read it, summed: "le remboursement est bien arrivé" is refund (−1) and
    // bien (+1.6), weaker than the resolution it states, though one of its words alone is as strong.
    const known = span.reduce((sum, u) => sum + (u.valence ?? 0), 0);
    if (f.valence < 0 ? known <= f.valence : known >= f.valence) continue;
    out.push(...us.slice(i, f.from));
    out.push({
      kind: 'word',
      norm: span.map((u) => u.norm).join(' '),
      raw: span.map((u) => u.raw).join(' '),
      valence: f.valence,
      phrase: true,
      negator: false,
      contrast: false,
      concessive: false,
      expected: false,
      selfNegated: false,
      situation: true,
      sentence: span[0].sentence,
    });
    i = f.to + 1;
  }
  out.push(...us.slice(i));
  return out;
}

/**
 * Words that make what follows in their sentence a supposition, a wish or an expectation, not a fact:
 * a good outcome after them has not happened ("if it arrives intact", "ojalá vuelva a funcionar",
 * "se chegar inteiro", "j'espère qu'il arrivera à l'heure", "it should work fine now").
 */
const UNREAL = new Set([
  'if', 'unless', 'hope', 'hopefully', 'once', 'until', 'should', 'supposed', 'expect',
  'si', 'ojala', 'espero', 'esperamos', 'deberia', 'deberian', 'supone', 'suponia',
  'caso', 'tomara', 'deveria', 'deveriam', 'suposto',
  "j'espere", 'espere', 'esperons', 'devrait', 'devraient', 'cense', 'censee',
]);

/** Words that take an exception out of a good outcome ("except", "salvo", "exceto", "sauf"). */
const EXCEPT = new Set(['except', 'apart', 'besides', 'but', 'excepto', 'salvo', 'menos', 'exceto', 'fora', 'tirando', 'sauf', 'hormis', 'excepte']);

/** Spanish "sí" (yes) folds to "si" (if): only the unaccented one supposes. Portuguese "se" (if) is left out: it is mostly a pronoun. */
function isUnreal(u: Unit): boolean {
  return UNREAL.has(u.norm) && !(u.norm === 'si' && /í/i.test(u.raw));
}

/**
 * "Me gusta el diseño, aunque se calienta": mid-sentence, a concessive word introduces the part that
 * matters, like "but". Opening the sentence ("Aunque hubo un retraso, la habitación era preciosa")
 * its clause is the concession: the comma that ends it is the contrast.
 */
function concessions(us: Unit[]): void {
  for (let i = 0; i < us.length; i++) {
    if (!us[i].concessive) continue;
    const opens = i === 0 || (us[i - 1].kind === 'punct' && /[.!?…¿¡]/.test(us[i - 1].raw));
    if (!opens) {
      us[i] = { ...us[i], contrast: true };
      continue;
    }
    for (let k = i + 1; k < us.length && us[k].sentence === us[i].sentence; k++) {
      if (us[k].kind === 'punct' && us[k].raw.includes(',')) {
        us[k] = { ...us[k], contrast: true };
        break;
      }
    }
  }
}

/** Words that open a question or a supposition: a clause opening with one is part of the question. */
const ASKING_OPENER = /^(?:what|how|why|when|where|who|which|is|are|was|do|does|did|can|could|would|will|should|may|if|que|como|cuando|cuanto|cuanta|cuantos|cuantas|donde|quien|cual|por|puedo|podria|pueden|hay|si|o|quando|quanto|quanta|onde|quem|qual|posso|poderia|podem|tem|se|caso|quoi|comment|quand|combien|ou|qui|quel|quelle|pourquoi|est|puis|pouvez|pourriez|y|en)$/;
/**
 * Units of a question sentence that precede its question clause and state something: "Loved the
 * cooking class, is there an advanced one?", "Me encantó el taller, ¿hay uno avanzado?". The question
 * clause starts at "¿" or after the last comma; praise before it is praise, not part of what is asked,
 * unless that first clause itself asks or supposes ("If it arrives intact, can…", "What if…, …?")
 * or is a mere interjection.
 */
function statedBeforeQuestion(us: Unit[], questions: Set<number>): Set<number> {
  const stated = new Set<number>();
  let start = 0;
  for (let i = 1; i <= us.length; i++) {
    if (i < us.length && us[i].sentence === us[start].sentence) continue;
    const sentence = us[start].sentence;
    if (questions.has(sentence)) {
      let split = -1;
      for (let k = start; k < i; k++) if (us[k].kind === 'punct' && (us[k].raw.includes('¿') || us[k].raw.includes(',') || us[k].raw.includes(';'))) split = k;
      // At least three words: an interjection ("Great, can you…?", "Ok, …?") is still the question's tone.
      const clause = us.slice(start, Math.max(start, split)).filter((u) => u.kind === 'word');
      if (clause.length >= 3 && !ASKING_OPENER.test(clause[0].norm)) for (let k = start; k < split; k++) stated.add(k);
    }
    start = i;
  }
  return stated;
}

/** Thanks alone before "but" is politeness, not praise the "but" overturns. */
/** Thanks in any of its forms ("many thanks", "thanks in advance", "mil gracias", "desde já agradeço", "un grand merci"). */
const GRATITUDE_FORM = /^(?:many |mil |muchas |muito |un grand |desde ja |desde já )?(?:thank|thx$|ty$|gracias|grax$|obrigad|valeu|agradec|agradeç|merci)/;
/** Greetings carry a little warmth in the word lists ("buenas", "bonjour"); before a question they are courtesy too. */
const GREETING = /^(?:hi|hello|hey|good (?:morning|afternoon|evening)|buenas|buenos dias|buenas tardes|buenas noches|hola|bom dia|boa tarde|boa noite|ola|bonjour|bonsoir|salut|coucou)$/;
function isGratitude(norm: string): boolean {
  return GRATITUDE_FORM.test(norm);
}

/** Words after "but" that keep adding rather than oppose ("not only… but also"). */
const ALSO = new Set(['also', 'tambien', 'tambem', 'aussi']);

/** Whether the last contrast opens a praise-free clause after praise: see CONTRAST_CUE. */
function contrastComplains(us: Unit[], at: number, questions: Set<number>, items: { valence: number; afterContrast: number }[], contrasts: number): boolean {
  const after = us.slice(at + 1).filter((u) => u.kind === 'word');
  if (after.length < 2 || ALSO.has(after[0].norm) || questions.has(after[0].sentence)) return false;
  const before = items.filter((it) => it.afterContrast < contrasts).reduce((s, it) => s + it.valence, 0);
  return before > 0 && !items.some((it) => it.afterContrast === contrasts && it.valence > 0);
}

/** Words of regret that usually open a polite complaint ("unfortunately the box was torn"). */
const REGRET = new Set(['unfortunately', 'sadly', 'lamentablemente', 'desafortunadamente', 'desgraciadamente', 'infelizmente', 'lamentavelmente', 'malheureusement', 'helas']);
/**
 * …but not when what follows is the customer's own plan or inability ("unfortunately I can't make it
 * on Friday", "lamentablemente esa semana estaré de viaje"): that regret is politeness, not a
 * complaint. Matched within the next four words, on folded text.
 */
const CANT = String.raw`(?:i can't|i cannot|i cant|we can't|we cannot|i won't be able to|we won't be able to|no puedo|no podre|no podemos|no podremos|nao posso|nao poderei|nao vou poder|nao podemos|je ne peux pas|je ne pourrai pas|nous ne pourrons pas|nous ne pouvons pas)`;
/** Going somewhere, not the service failing: "I can't make it", "no puedo ir", "je ne pourrai pas venir" ("I can't log in" stays a complaint). */
const GO = String.raw`(?:make it|come|go|attend|join|be there|ir|venir|asistir|vir|comparecer|aller|assister|etre la)`;
const OWN_PLAN = new RegExp(
  String.raw`^(?:\S+ ){0,3}?(?:${CANT} ${GO}|i'll be|i will be|we'll be|we will be|i'll be away|estare|estaremos|estarei|estaremos|je serai|nous serons)(?: |$)`,
);

/** An intensifier standing alone at the start of a sentence is an exclamation of praise: "Super, …", "Génial", "Mega!". */
function interjections(us: Unit[]): void {
  for (let i = 0; i < us.length - 1; i++) {
    const u = us[i];
    const start = i === 0 || (us[i - 1].kind === 'punct' && /[.!?…]/.test(us[i - 1].raw));
    if (start && u.kind === 'word' && u.valence === undefined && (u.booster ?? 0) >= 0.3 && us[i + 1].kind === 'punct' && /[,!.…]/.test(us[i + 1].raw)) us[i] = { ...u, valence: 2, booster: undefined };
  }
}

function regretForOwnPlans(us: Unit[]): void {
  for (let i = 0; i < us.length; i++) {
    if (us[i].kind !== 'word' || !REGRET.has(us[i].norm)) continue;
    const next: string[] = [];
    for (let k = i + 1; k < us.length && next.length < 8 && us[k].kind !== 'punct'; k++) if (us[k].kind === 'word') next.push(us[k].norm);
    if (OWN_PLAN.test(next.join(' '))) us[i] = { ...us[i], valence: 0 };
  }
}

/** A positive word turned sarcastic counts reversed and a little weaker. */
const SARCASM = -0.8;
/** Each complaint cue in a text without any known sentiment word. */
const FALLBACK_CUE = -1.1;
const COMPLAINT_CUES = [
  /\?{2,}|\?!|!\?/,
  DURATION,
  /(?<!\p{L})(?:still no|still not|todav[ií]a no|a[uú]n no|ainda n[aã]o|toujours pas|toujours rien|nobody|nadie|ningu[eé]m|personne)(?!\p{L})/iu,
  /(?<!\p{L})(?:where is my|d[oó]nde est[aá] mi|cad[eê]|o[uù] est (?:ma|mon))(?!\p{L})/iu,
];

/** Scores and confidences to three decimals (the offline analyzer's, too). */
export function round(x: number): number {
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
