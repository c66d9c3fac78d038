// Sarcasm: praise whose target is a bad situation, so the praise is the complaint ("Great, another two
// hours on hold", "qué maravilla, otra vez sin luz", "adorei esperar", "merci d'avoir annulé sans
// prévenir"). Read on the analyzer's units (lexicon.ts): a positive word here is one the word lists
// know; a bad situation is a negative word or a factual complaint (situations.ts). When one of the
// frames below fits, the analyzer counts every positive word of the message reversed (SARCASM).
//
// The frames, each a praise-like opener plus a complaint cue in the same sentence:
//   - an eye-roll emoji, praise in quotes, or openly ironic thanks ("thanks for nothing");
//   - praise opening a sentence, then a pause ("Great, …", "Excelente atendimento: …"), then a
//     complaint: a negative word or negation, time lost (TIME_SINK), or a repetition with nothing
//     else good in the message;
//   - an exclamation "qué/how/quel + praise" over a complaint, without the pause;
//   - liking an activity ("love being transferred", "me encanta pasarme", "adoro ficar", "j'adore
//     passer") when the sentence also holds time lost, a repetition, waiting or a bad thing, or
//     liking how/that something happened ("love how it took nine days") over time lost or a repetition;
//   - thanks or praise *for* an act ("thanks for cancelling", "great job losing", "obrigado por
//     cancelar", "merci d'avoir annulé") when the sentence holds a factual complaint and the act is
//     not a repair ("thanks for fixing the leak" stays sincere); praise for a thing, a pause, then time
//     lost, a repetition or a factual complaint ("Parabéns pela organização, … de novo").
// Sincere praise is kept: another praise word beside the liking, a good outcome in the message
// (outcomes.ts), the customer's own "again" ("we'll come again"), a question.
import type { Unit } from './lexicon';

const EYE_ROLL = new Set(['🙄', '😒', '🙃']);
/** Words that open a sarcastic exclamation before the praise ("oh great", "qué maravilla", "ah super"). */
const OPENERS = new Set(['oh', 'ah', 'yeah', 'wow', 'just', 'que', 'what', 'how', 'ay', 'nossa', 'quel', 'quelle', 'vraiment']);
/** Of those, the exclamative ones: "¡Qué maravilloso es hablar con un robot…!" needs no pause after the praise. */
const EXCLAIM = new Set(['que', 'how', 'what', 'quel', 'quelle', 'comme']);
/** Verbs of liking that, followed by waiting or a bad thing, are sarcasm ("love waiting on hold", "me encanta esperar"). */
const LIKE = new Set(['love', 'loving', 'adore', 'enjoy', 'enjoying', 'encanta', 'encantan', 'adoro', 'amo', "j'adore", 'amei', 'adorei', "j'aime", 'aime']);
const WAIT = new Set(['wait', 'waiting', 'esperar', 'esperando', 'attendre', 'aguardar', 'aguardando', 'esperarem']);
/** Thanks or praise for an act or a thing: "thanks for…", "great job losing…", "congrats on…", "gracias por…", "obrigado por…", "merci d'avoir…". */
const FOR = new Set(['for', 'on', 'por', 'pelo', 'pela', 'de', "d'avoir", 'pour', 'job', 'work']);
/** Acts that are sincerely thanked even beside a bad word: repairs and help ("thanks for fixing the leak"). */
const REPAIR = /^(?:fix|sort|solv|resolv|repair|replac|help|refund|arregl|soluci|repar|ayud|devolv|reembols|consert|ajud|trocar|estorn|regl|aid|rembours|remplac|chang)/;
/** EN gerund, ES/PT/FR infinitive (with a clitic: "pasarme", "cobrarme"): an activity, not a thing. */
const ACTIVITY = /^(?:\w+ing|\w+(?:ar|er|ir|re)(?:me|nos|se|lo|la)?|being|ficar|passer|estar)$/;
/** English words that end like an infinitive but are not one ("love their…", "love the other…"). */
const NOT_ACTIVITY = new Set(['their', 'there', 'where', 'other', 'every', 'never', 'under', 'after', 'order', 'ever', 'here', 'your', 'sure', 'more', 'before', 'nature', 'culture', 'centre', 'theatre', 'future', 'feature', 'picture']);
/**
 * A situation repeating itself, strictly ("again", "twice", "otra vez", "de novo", "encore", "as always",
 * "volvió a", "the third time"): with praise opening the message and no other praise in it, the praise is
 * sarcasm ("Fantastic, the courier left it in the rain again"). Stricter than AGAIN ("still", bare "otra"),
 * which also occur in sincere messages. An ordinal counts only with an attempt it numbers ("third floor",
 * "la tercera opción" are not repetitions), and a frequency only of the customer having to get in touch
 * ("every time I call", "à chaque appel"): "cada vez que voy me atienden" praises as often as not.
 */
const REPEATED = /(?<!\p{L})(?:again|yet again|once again|twice|as always|as usual|otra vez|de nuevo|dos veces|como siempre|como de costumbre|(?:volvi[oó]|vuelve|volvieron|ha vuelto|han vuelto) a|outra vez|de novo|mais uma vez|duas vezes|como sempre|(?:voltou|voltaram|volta) a|encore|de nouveau|à nouveau|deux fois|comme d'habitude|comme toujours|(?:every (?:single )?time|each time|cada vez|toda vez|sempre que|[aà] chaque fois) (?:que |qu'|that )?(?:i |we |je |j'|on |nous )?(?:call|ring|phone|write|email|contact|ask|order|llamo|llamamos|escribo|escribimos|pregunto|contacto|pido|ligo|ligamos|escrevo|pergunto|pe[cç]o|appelle|appelons|[eé]cris|demande|commande)|[aà] chaque (?:appel|commande|relance|demande)|(?:second|third|fourth|segunda|tercera|cuarta|terceira|quarta|deuxi[eè]me|troisi[eè]me|quatri[eè]me) (?:time|call|attempt|vez|llamada|intento|liga[cç][aã]o|tentativa|fois|appel|tentative)|(?:tercer|segundo|cuarto) (?:intento|aviso|reclamo|correo)|(?:segundo|terceiro|quarto) (?:aviso|e-?mail|contato))(?!\p{L})/iu;
const IRONIC_THANKS = /(?<!\p{L})(?:thanks for nothing|thank you for nothing|gracias por nada|obrigad[oa] por nada|merci pour rien)(?!\p{L})/iu;
/**
 * "See you again", "thanks again", and the customer's own plan to repeat ("we'll come again", "volveremos
 * otra vez", "volto mais uma vez", "nous reviendrons encore"): the repetition is friendly.
 */
const FRIENDLY_AGAIN = new RegExp(
  String.raw`(?<!\p{L})(?:see you again|thanks again|hasta otra|gracias de nuevo|at[eé] a pr[oó]xima|obrigad[oa] de novo|encore merci|merci encore|à bientôt` +
    String.raw`|(?:we'll|we will|i'll|i will|we'd|i'd|would|will definitely|will surely) (?:\p{L}+ ){0,2}again` +
    String.raw`|(?:volveremos|volver[eé]|repetiremos|vendremos|pediremos|reservaremos|compraremos|vamos a volver|voy a volver) (?:\p{L}+ ){0,2}(?:otra vez|de nuevo)` +
    String.raw`|(?:voltaremos|voltarei|volto|vamos voltar|vou voltar|compraremos|comprarei|pediremos|pedirei) (?:\p{L}+ ){0,2}(?:de novo|mais uma vez|outra vez)` +
    String.raw`|(?:reviendrons|reviendrai|repasserons|repasserai|commanderons|commanderai|reviendrions) (?:\p{L}+ ){0,2}(?:encore|de nouveau|à nouveau))(?!\p{L})`,
  'iu',
);
/** "Again / another / still" in the four languages: a situation repeating itself. */
const AGAIN = /(?<!\p{L})(?:again|another|yet another|once more|otra vez|de nuevo|otra|todav[ií]a|outra vez|de novo|mais uma|encore|de nouveau|toujours)(?!\p{L})/iu;
/** A stretch of time or a count of attempts: "2 hours", "dos horas", "três vezes", "trois jours". */
export const DURATION = /(?<!\p{L})(?:\d+|two|three|four|several|dos|tres|cuatro|duas|dois|tr[eê]s|quatro|deux|trois|quatre|plusieurs|une|an|one|una|uma)\s+(?:more\s+)?(?:hours?|days?|weeks?|times|horas?|d[ií]as|semanas?|veces|vezes|heures?|jours?|semaines?|fois|emails?|calls?|llamadas|liga[cç][oõ]es|appels)(?!\p{L})/iu;
const N = String.raw`(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|several|un|una|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|doce|quince|veinte|varias|varios|um|uma|dois|duas|tr[eê]s|quatro|cinco|seis|sete|oito|nove|dez|doze|quinze|vinte|v[aá]rias|v[aá]rios|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|quinze|vingt|plusieurs)(?: (?:whole|full|entire|long))?`;
/**
 * Time lost, the usual object of sarcastic praise: hours, weeks or months (not "in two weeks", a date
 * ahead); days spent to get an answer; a morning or a lunch break gone; hold music and queues.
 */
const TIME_SINK = new RegExp(
  String.raw`(?<!\p{L})(?:(?<!(?:in|en|em|dans|within|next|pr[oó]ximas?|prochaines?) )${N} (?:hours?|weeks?|months?|horas?|semanas?|mes(?:es)?|heures?|semaines?|mois)` +
    String.raw`|${N} (?:days?|d[ií]as|jours?) (?:to|para|pra|pour)|(?:took|takes|taking|tard[oó]|tardaron|levou|levaram|demorou|demoraram|a pris|ont pris|a mis|ont mis) (?:me |us |nos )?(?:only |just |solo |s[oó] |seulement )?${N} (?:days?|d[ií]as|jours?)` +
    String.raw`|(?:\d{2,}|twenty|thirty|forty|fifty|veinte|treinta|cuarenta|cincuenta|vinte|trinta|quarenta|cinquenta|vingt|trente|quarante|cinquante) (?:minutes?|minutos|mins?) (?:to|para|pra|pour|on hold|en espera|esperando|de espera|na espera|d'attente|waiting|de cola|de fila|de queue)` +
    String.raw`|${N} (?:reminders|follow-ups|follow ups|chasers|recordatorios|reclamaciones|lembretes|cobran[cç]as|relances|rappels)` +
    String.raw`|(?:depois|despu[eé]s|after|au bout) (?:de |d')?${N} (?:days?|d[ií]as|jours?)` +
    String.raw`|(?:all|the whole|my whole) (?:morning|afternoon|day|evening|weekend)|(?:toda )?la (?:ma[nñ]ana|tarde) (?:entera )?(?:al tel[eé]fono|esperando|en espera)|pasarme la (?:ma[nñ]ana|tarde)|(?:a )?(?:manh[aã]|tarde) (?:inteira|toda)|(?:toute )?(?:la matin[eé]e|l'apr[eè]s-midi|ma pause)` +
    String.raw`|on hold|hold music|en espera|na espera|musiquinha|en attente|al tel[eé]fono|no telefone|au t[eé]l[eé]phone|queue|de cola|na fila|transferred|transferid[oa]|transf[eé]r[eé])(?!\p{L})`,
  'iu',
);

/** Whether a unit reads as a complaint: a negative word or factual complaint. */
const bad = (u: Unit) => (u.valence ?? 0) < 0;
/** …clearly: not a mild word like "never" or "sorry" ("love staying here, the staff never disappoint"). */
const clearlyBad = (u: Unit) => (u.valence ?? 0) <= -1 && !u.negator;

/** Whether the text is sarcastic (see the frames above). */
export function isSarcastic(text: string, us: Unit[]): boolean {
  if (us.some((u) => u.kind === 'emoji' && EYE_ROLL.has(u.norm))) return true;
  for (const m of text.matchAll(/["“«]\s*([^"”»]{2,30}?)\s*["”»]/g)) {
    if (us.some((u) => u.kind === 'word' && (u.valence ?? 0) > 0 && m[1].toLowerCase().includes(u.raw.toLowerCase()))) return true;
  }
  // "Thanks for nothing, really helpful": once the thanks are openly ironic, so is the rest of the praise.
  if (IRONIC_THANKS.test(text)) return true;
  const words = us.filter((u) => u.kind === 'word');
  const friendly = FRIENDLY_AGAIN.test(text);
  // A friendly repetition ("volveremos otra vez") is no complaint, though "otra vez" weighs a little in the word lists.
  const complaint = us.some((u) => (bad(u) && !(friendly && REPEATED.test(u.norm))) || u.negator);
  const timeLost = TIME_SINK.test(text);
  const repeated = REPEATED.test(text) && !friendly;
  /** A good outcome told as a fact ("works again"): sincere praise around it, not irony. */
  const outcome = us.some((u) => u.situation && (u.valence ?? 0) > 0);
  // Liking an activity over time lost, a repetition, waiting or a bad thing: "love waiting on hold",
  // "just love being transferred between five departments", "adoro ficar uma hora…", "j'adore passer ma pause…".
  for (let i = 0; i < words.length - 1; i++) {
    if (!LIKE.has(words[i].norm)) continue;
    // Other praise beside the liking ("j'adore venir chez vous, à chaque fois c'est parfait"): sincere.
    const alsoPraise = words.some((w, k) => k !== i && (w.valence ?? 0) > 0);
    const next = words.slice(i + 1, i + 3);
    if (next.some((w) => WAIT.has(w.norm) || bad(w))) return true;
    // "Love how the express delivery took nine days", "me encanta que me pidan… cada vez", "j'adore que…".
    if (['how', 'that', 'when', 'que', 'como', 'cuando', 'quando', 'quand', 'lorsque'].includes(next[0].norm) && !outcome && !alsoPraise && (timeLost || repeated)) return true;
    const sentence = words[i].sentence;
    const activity = ACTIVITY.test(next[0].norm) && !NOT_ACTIVITY.has(next[0].norm);
    if (activity && !outcome && !alsoPraise && (timeLost || repeated || us.some((u) => u.sentence === sentence && (clearlyBad(u) || WAIT.has(u.norm))))) return true;
  }
  for (let i = 0; i < us.length; i++) {
    const u = us[i];
    // "¡Qué maravilla…!" opens after "¡".
    const sentenceStart = i === 0 || (us[i - 1].kind === 'punct' && /[.!?…¡]/.test(us[i - 1].raw));
    if (!sentenceStart || u.kind !== 'word') continue;
    let j = i;
    const oh = OPENERS.has(us[j].norm);
    // Up to two opener words, a comma allowed after one: "oh wow great", "oh, great", "nossa, que rapidez".
    for (let n = 0; n < 2 && OPENERS.has(us[j].norm); n++) {
      const comma = us[j + 1]?.kind === 'punct' && us[j + 1].raw === ',' ? 1 : 0;
      if (us[j + 1 + comma]?.kind !== 'word') break;
      j += 1 + comma;
    }
    // "Muy profesional todo, …", "Very helpful, …": an intensifier before the praise.
    if (us[j].booster !== undefined && (us[j].valence ?? 0) === 0 && us[j + 1]?.kind === 'word') j++;
    // A good outcome told as a fact ("J'ai pu me reconnecter, l'erreur a disparu") is not exclamatory praise.
    const praise = (us[j].valence ?? 0) > 0 && !us[j].situation;
    if (!praise || words.length < 3) continue;
    const sentence = us[j].sentence;
    const badHere = us.some((w, k) => k > j && w.sentence === sentence && bad(w));
    // Thanks or praise for an act that hurt: "Thanks so much for cancelling my flight without telling me",
    // "Great job losing my bag twice", "Muchas gracias por cobrarme una suscripción que cancelé".
    let forObject = -1;
    const thanks = /^(?:thank|gracias|obrigad|merci|agradec)/.test(us[j].norm);
    for (let k = j + 1; k < Math.min(us.length, j + 4) && us[k].kind === 'word'; k++) {
      if (!FOR.has(us[k].norm)) continue;
      // "Great job, you managed to…" keeps the plain pause rule below; "great job losing…" is the act itself.
      if (us[k].norm !== 'job' && us[k].norm !== 'work') forObject = k;
      const act = us.slice(k + 1).find((w) => w.kind === 'word' && !['me', 'us', 'nos', 'my', 'avoir'].includes(w.norm));
      if (act && !REPAIR.test(act.norm) && !outcome && us.some((w) => w.sentence === sentence && w.situation && bad(w))) return true;
      if (act && !REPAIR.test(act.norm) && !outcome && /ing$/.test(act.norm) && (bad(act) || repeated)) return true;
      break;
    }
    // "¡Qué maravilloso es hablar con un robot que no entiende nada!": the exclamation needs no pause.
    if (oh && EXCLAIM.has(us[i].norm) && !outcome && (badHere || us.some((w, k) => k > j && w.sentence === sentence && w.negator))) return true;
    // "Great job, …", "Excelente servicio, …": one plain word may sit between the praise and the pause.
    let at = us[j + 1]?.kind === 'word' && us[j + 1].valence === undefined && !us[j + 1].negator ? j + 2 : j + 1;
    // …or praise for a thing, then the pause: "Parabéns pela organização, …", "Bravo pour l'organisation, …"
    // (not thanks: "gracias por avisarme del retraso, sin problema" is courtesy).
    let viaFor = false;
    if (forObject > 0 && !thanks) for (let k = forObject + 1; k < Math.min(us.length, forObject + 5); k++) if (us[k].kind === 'punct') { at = k; viaFor = true; break; }
    const pause = us[at]?.kind === 'punct' && /[,.!…:]/.test(us[at].raw);
    if (!pause) continue;
    // Praise for a thing, then a mild complaint, is mixed ("Well done on the new menu, the fish was a bit
    // cold"): sarcasm only over time lost, a repetition or a factual complaint.
    if (viaFor) {
      if (!outcome && (timeLost || repeated || us.some((w) => w.situation && bad(w)))) return true;
      continue;
    }
    if (complaint || (AGAIN.test(text) && (oh || DURATION.test(text)))) return true;
    // Praise, then time lost or a repeated situation and nothing else good, and no question:
    // "Awesome, it only took three weeks to get a reply", "Great, another update that logs me out".
    const otherPraise = us.some((w, k) => k !== j && (w.valence ?? 0) > 0);
    if (!otherPraise && !text.includes('?') && (timeLost || repeated || /(?<!\p{L})(?:another|otra|outra|mais um|mais uma|encore un|encore une)(?!\p{L})/iu.test(text))) return true;
  }
  return false;
}
