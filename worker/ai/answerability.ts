// Answerability: does the knowledge base say anything about what the customer asks? A question is
// about a thing (the sauna, the kayaks, an iron) and asks something of it (do you have, can I bring,
// how much). The thing words are what an answer must cover: if the best article covers only the
// asking words, or the workspace's knowledge never mentions the thing at all, the article is a
// lookalike, not an answer. Auto-send and the "good match" band must not trust it.
//
// No part-of-speech tagger runs in the Worker: "salient" words are the question's content words
// (stop words already gone) minus a short list of asking words in the four supported languages
// (request verbs, price and time aspects, who it is for). What is left is mostly nouns and named
// things. Matching is the same as coverage (stem, everyday synonym, cross-lingual lexicon), plus
// one typo ("pasword", "resevation") for longer words, since customers type fast.
import { translations } from './multilingual';
import { questionTerms } from './retriever';
import { expand } from './synonyms';
import { detectLanguage, fold, stem, textStems, type Language } from './text';

/**
 * Words that ask rather than name the thing asked about. Inflected forms are listed as written
 * (folded), because each language would need its own stemmer to key them.
 */
const ASKING = `
  bring bringing brought take taking took back get getting got have has had do does did doing done make making made
  sell selling sold rent renting rented hire offer offering offers provide provided provides providing serve serving
  buy buying accept accepted accepts allow allowed need needs needed use using used give giving come coming go going
  put keep find see available possible include included includes somewhere anywhere something around instead else
  way cost costs price prices fee fees charge charged charges pay paying much time times day days today tomorrow
  tonight mum mom dad son daughter husband wife friend friends someone anyone everyone people father mother parents
  help problem happen happens thing things stuff chance option options kind sort type bit little enough really good
  far near nearby inside outside within away long quick minute minutes min week weeks month months year years old
  next last first morning mornings afternoon evening night nights midnight weekend weekends monday mondays tuesday
  tuesdays wednesday wednesdays thursday thursdays friday fridays saturday saturdays sunday sundays
  isn don doesn didn aren wasn won cant dont wont couldn wouldn shouldn
  tienen tiene tengo tenemos tener hay venden vende vender alquilan alquila alquilar ofrecen ofrece ofrecer hacen
  hacer hace aceptan acepta aceptar dan dar necesito necesitamos necesita llevar traer traemos traigo usar
  incluido incluida incluye disponible cuanto cuanta cuesta cuestan precio cobran cobrar hora dia hoy manana
  alguna alguno algun ir venir sirven servir comprar dejar mama papa hijo hija amigo amigos donde cerca lejos
  ayuda tarde noche semana mes ano proximo ultimo nuestro nuestra propio propia soy estan lunes martes miercoles
  jueves viernes sabado domingo
  tem vendem vender alugam aluga alugar oferecem oferece fazem faz aceitam aceita aceitar dao preciso precisamos
  precisa levar trazer incluido incluida inclui disponivel quanto quanta custa custam preco cobram amanha algum
  alguma vir servem comprar deixar mae pai filho filha amigos onde perto longe ajuda noite semana mes ano proximo
  ultimo nosso nossa proprio propria estao faco segunda terca quarta quinta sexta sabado domingo
  avez ai avoir vendez vendre louez louer proposez proposer faites fait acceptez accepter donnez fournissez fournir
  besoin faut apporter amener utiliser compris comprise inclus incluse disponible possible combien coute coutent
  prix jour demain quelque aller venir servez acheter laisser maman papa fils fille ami amis quel quelle quels
  quelles comment depuis contre sans chez suis etes dois doit prendre soir matin semaine mois an prochain dernier
  pres lundi mardi mercredi jeudi vendredi samedi dimanche
`;
const ASKING_WORDS = new Set(ASKING.split(/\s+/).filter(Boolean).map(fold));

/** The question's content words that name what it is about (asking words and figures removed), in order. */
export function salientTerms(question: string): string[] {
  // Figures (4 people, 1pm, 3km) are details of the request, not what it is about.
  return questionTerms(question).filter((w) => !ASKING_WORDS.has(w) && !/\d/.test(w));
}

/** True when a and b differ by at most one insertion, deletion, substitution or swap of neighbours. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // swap
  }
  const [long, short] = a.length > b.length ? [a, b] : [b, a];
  return long.slice(i + 1) === short.slice(i);
}

/** Stems of some texts: what `mentions` looks words up in. */
export function vocabulary(texts: string[]): Set<string> {
  const have = new Set<string>();
  for (const t of texts) for (const s of textStems(t)) have.add(s);
  return have;
}

/** Whether a vocabulary mentions a question word: itself, a synonym, a translation, or itself with one typo (5+ letters). */
export function mentions(have: Set<string>, word: string, lang: Language): boolean {
  const s = stem(word);
  if (have.has(s)) return true;
  if (expand(word).some((x) => have.has(stem(x)))) return true;
  if (translations(word, lang).some((t) => have.has(stem(t)))) return true;
  if (s.length < 5) return false;
  for (const h of have) if (h.length >= 4 && h[0] === s[0] && withinOneEdit(h, s)) return true;
  return false;
}

/**
 * The question's salient words that some text mentions: called with the retriever's keyword
 * candidates (every passage the keyword query reached, not only the few kept), it tells which things
 * the workspace's knowledge mentions at all. A rare word's passages rank high in BM25, so a word
 * absent from the candidates is very likely absent from the knowledge base.
 */
export function mentionedTerms(question: string, texts: string[], lang: Language = detectLanguage(question)): string[] {
  const have = vocabulary(texts);
  return salientTerms(question).filter((w) => mentions(have, w, lang));
}
