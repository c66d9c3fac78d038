// Language plumbing shared by the local AI implementations: words, stop words, a light stemmer,
// sentence splitting and language detection. Small on purpose: enough for retrieval and extraction.

export const LANGUAGES = ['en', 'es', 'pt', 'fr', 'de', 'it'] as const;
export type Language = (typeof LANGUAGES)[number];

const STOP: Record<Language, string> = {
  en: `a about above after again all also am an and any are as at be because been before being below between both but by can
    could did do does doing down during each few for from further had has have having he her here hers him his how i if in into is it
    its itself just me more most my no nor not now of off on once only or other our ours out over own same she should so some such
    than that the their them then there these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours hi hello hey thanks thank please pls can't dont don't im i'm it's there's we're
    you're i'd i'll we'll let know get got want would like need could may might shall any anything something someone ok okay yes yeah
    dear regards best cheers also still just really much many u ur pls plz thx ty whats wats hii hiya guys tell ask asking wondering
    possible question quick btw`,
  es: `a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el ella ellas ellos en entre era
    es esa esas ese eso esos esta estaba estado estamos estan estar este esto estos fue fueron ha hay la las le les lo los mas me mi mis
    mucho muy nada ni no nos nosotros o os otra otro para pero poco por porque que quien se sea ser si sin sobre son su sus tambien
    te tiene tengo tenemos tienen tu tus un una uno unos y ya yo hola gracias favor puedo puede quiero quisiera
    podemos pueden podria saber hacer hace q xq porfa buenas buenos dias tardes posible`,
  pt: `a ao aos as com como da das de do dos e ela elas ele eles em entre era essa esse esta este eu foi ha isso isto ja mais mas me
    meu minha muito na nas nao no nos o os ou para pela pelo por qual quando que quem se sem seu sua tambem tem temos um uma uns voce
    voces ola obrigado obrigada posso pode quero gostaria
    podemos podem saber fazer vc vcs pra pro bom dia tarde possivel`,
  fr: `a au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me meme mes moi mon ne nos notre nous on
    ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous est sont etait bonjour merci puis peux
    voudrais veux avez avons
    peut pouvez pouvons faire savoir svp stp ca cela est-ce si possible`,
  de: `aber alle als am an auch auf aus bei bin bis bist da das dass dem den der des die doch du ein eine einem einen einer es fur hat
    hatte ich ihr im in ist ja kann mit nach nicht noch nur oder schon sehr sie sind so uber um und uns von vor war wie wir wird zu zum
    zur hallo danke bitte mochte konnen`,
  it: `a ad al alla alle anche che chi ci come con da dal dalla dei del della delle di e ed era gli ha hai ho i il in io la le lei lo
    loro lui ma mi mio ne nel nella noi non o per perche piu quale quando questo se si sono su sua suo ti tu un una uno vi voi ciao
    grazie vorrei posso potete`,
};

const STOPWORDS: Record<Language, Set<string>> = Object.fromEntries(
  LANGUAGES.map((l) => [l, new Set(STOP[l].split(/\s+/).filter(Boolean).map(fold))]),
) as Record<Language, Set<string>>;
const ANY_STOP = new Set(LANGUAGES.flatMap((l) => [...STOPWORDS[l]]));

/** Lower case without diacritics. */
export function fold(s: string): string {
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

const ELISION = /^(?:l|d|j|qu|n|s|c|m|t|jusqu|lorsqu|puisqu|all|dell|nell|sull)['’](?=\p{L}{2})/u;

/** Words (letters and digits) of a text, folded. */
export function words(s: string): string[] {
  // French and Italian elision keeps the word after the apostrophe ("l'appartement", "j'annule");
  // English contractions keep the word before it ("it's", "don't").
  return fold(s).match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu)?.map((w) => (ELISION.test(w) ? w.replace(ELISION, '') : w.replace(/['’].*$/, ''))) ?? [];
}

export function isStopword(w: string): boolean {
  return ANY_STOP.has(w);
}

/**
 * Content words, no single letters. With `lang`, that language's stop words go; without, those of
 * every supported language. A question's words are read in its detected language: English "sea",
 * "come" or "son" are Spanish or Italian function words, not noise, in an English question.
 */
export function terms(s: string, lang?: Language): string[] {
  const stop = lang ? STOPWORDS[lang] : ANY_STOP;
  return words(s).filter((w) => (w.length > 1 || /\d/.test(w)) && !stop.has(w));
}

/**
 * Stems of every word of a text, stop words included: the side a question's words are looked up in
 * (passages, articles). Keeping them costs nothing — the question side has already dropped its own
 * language's stop words — and lets "sea" in an English question find "sea" in an English article.
 */
export function textStems(s: string): string[] {
  return words(s).filter((w) => w.length > 1 || /\d/.test(w)).map(stem);
}

/**
 * A light suffix stripper: close enough to the index's Porter stemmer for overlap scoring in code
 * ("parking" ~ "park", "checked" ~ "check", "policies" ~ "polici").
 */
export function stem(w: string): string {
  if (w.length <= 3 || /\d/.test(w)) return w;
  let s = w;
  if (s.endsWith('ies') && s.length > 4) s = `${s.slice(0, -3)}i`;
  else if (s.endsWith('sses')) s = s.slice(0, -2);
  else if (s.endsWith('s') && !s.endsWith('ss') && !s.endsWith('us') && !s.endsWith('is')) s = s.slice(0, -1);
  for (const suffix of ['ingly', 'edly', 'ing', 'ed', 'ly']) {
    if (s.endsWith(suffix) && s.length - suffix.length >= 3 && /[aeiouy]/.test(s.slice(0, -suffix.length))) {
      s = s.slice(0, -suffix.length);
      if (/(.)\1$/.test(s) && !/[lsz]$/.test(s)) s = s.slice(0, -1);
      break;
    }
  }
  if (s.endsWith('e') && s.length > 4) s = s.slice(0, -1);
  if (s.endsWith('y') && s.length > 3) s = `${s.slice(0, -1)}i`;
  return s;
}

export function stems(s: string, lang?: Language): string[] {
  return terms(s, lang).map(stem);
}

/** Sentences of a text (terminal punctuation or line breaks end one). */
export function sentences(text: string): string[] {
  return text
    .split(/\n+/)
    .flatMap((line) => line.split(/(?<=[.!?…])\s+(?=[\p{Lu}\p{N}"'“¿¡(])/u))
    .map((s) => s.replace(/^\s*[-*•]\s+/, '').trim())
    .filter((s) => s.length > 1);
}

const MARKERS: Partial<Record<Language, RegExp>> = {
  es: /[ñ¿¡]|\b(?:usted|gracias|hola|quiero|tienen|puedo)\b/i,
  pt: /[ãõ]|\b(?:voce|você|obrigad[oa]|olá|gostaria|não)\b/i,
  fr: /\b(?:bonjour|merci|vous|je voudrais|s'il)\b/i,
  de: /[ß]|\b(?:danke|bitte|hallo|ich|nicht)\b/i,
  it: /\b(?:grazie|ciao|vorrei|buongiorno)\b/i,
};

/** The most likely language of a short customer text (stop word votes plus a few telltale words); 'en' by default. */
export function detectLanguage(text: string, fallback: Language = 'en'): Language {
  return languageVotes(text, fallback).lang;
}

/** The winner of the stop word vote and its lead over the runner-up. */
function languageVotes(text: string, fallback: Language): { lang: Language; lead: number } {
  const ws = words(text);
  if (ws.length === 0) return { lang: fallback, lead: 0 };
  let best: Language = fallback;
  let bestScore = 0;
  let second = 0;
  for (const lang of LANGUAGES) {
    let score = 0;
    for (const w of ws) if (STOPWORDS[lang].has(w)) score++;
    if (MARKERS[lang]?.test(text)) score += 2;
    if (score > bestScore || (score === bestScore && lang === fallback)) {
      second = Math.max(second, bestScore);
      best = lang;
      bestScore = score;
    } else second = Math.max(second, score);
  }
  return bestScore === 0 ? { lang: fallback, lead: 0 } : { lang: best, lead: bestScore - second };
}

/**
 * Whose stop words a question drops: its language's when the vote is clear (a lead of two or more),
 * else every language's. Short questions are often misread ("y a-t-il un lit bébé?" votes Spanish),
 * and then their own function words would pass for content; a clear English question keeps "sea".
 */
export function stopLanguage(text: string): Language | undefined {
  const { lang, lead } = languageVotes(text, 'en');
  return lead >= 2 ? lang : undefined;
}
