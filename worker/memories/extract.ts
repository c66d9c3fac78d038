// The local memory extractor: patterns for what hosts, shops and clinics are told and should not have
// to be told twice — allergies and diets, room and bed preferences, how to be contacted, the language
// the customer writes in, plans they mention (an anniversary, a move) and how an earlier visit went.
// Only the customer's own words count (an agent saying "are you allergic to nuts?" is not a fact).
// English, Spanish, Portuguese and French, like the sentiment lexicon. Pure.
import { detectLanguage, type Language } from '../ai/text';
import { MAX_MEMORY_TEXT, textKey, type MemoryCandidate } from './model';

export interface ExtractionMessage {
  id: string;
  /** Only 'customer' messages are read. */
  role: 'customer' | 'agent' | 'ai' | 'note';
  text: string;
}

export interface MemoryExtractor {
  readonly name: string;
  extract(messages: ExtractionMessage[]): Promise<MemoryCandidate[]>;
}

const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', es: 'Spanish', pt: 'Portuguese', fr: 'French', de: 'German', it: 'Italian' };

/** What follows "allergic to": one to four words, up to punctuation or a joining word. */
const THING = String.raw`((?:[\p{L}'-]+\s?){1,4}?)(?=\s*(?:[.,!?;:)]|\band\b|\by\b|\be\b|\bet\b|\bbut\b|\bpero\b|\bmas\b|\bmais\b|\bso\b|$))`;
const ALLERGY: RegExp[] = [
  new RegExp(String.raw`\b(?:i(?:'m| am)|we(?:'re| are)|(?:my|our) (?:son|daughter|wife|husband|partner|kid|child|children|boyfriend|girlfriend|friend|mother|father|mom|dad) (?:is|are))\s+(?:(?:very|severely|highly|also|quite)\s+)?allergic to\s+(?:the\s+)?${THING}`, 'iu'),
  new RegExp(String.raw`\b(?:soy|somos|es)\s+(?:muy\s+)?al[ée]rgic[oa]s?\s+(?:a|al)\s+(?:la\s+|el\s+|los\s+|las\s+)?${THING}`, 'iu'),
  new RegExp(String.raw`\b(?:sou|somos|é)\s+(?:muito\s+)?al[ée]rgic[oa]s?\s+(?:a|ao|à)\s+(?:os\s+|as\s+)?${THING}`, 'iu'),
  new RegExp(String.raw`\b(?:je suis|nous sommes|il est|elle est)\s+(?:très\s+)?allergiques?\s+(?:à|au|aux)\s+(?:la\s+|l')?${THING}`, 'iu'),
];

const DIETS: [RegExp, string][] = [
  [/\b(?:i(?:'m| am)|we(?:'re| are)|soy|somos|sou|je suis|nous sommes)\s+(?:a\s+)?(vegetarian|vegetariano|vegetariana|vegetarianos|végétarien(?:ne)?s?)\b/iu, 'Vegetarian'],
  [/\b(?:i(?:'m| am)|we(?:'re| are)|soy|somos|sou|je suis|nous sommes)\s+(?:a\s+)?(vegan|vegano|vegana|veganos|végétalien(?:ne)?s?|vegan[eo]?s?)\b/iu, 'Vegan'],
  [/\b(?:i(?:'m| am)|we(?:'re| are))\s+(?:a\s+)?(coeliac|celiac|gluten[- ]free|gluten intolerant)\b|\b(?:soy|sou)\s+cel[ií]ac[oa]\b|\bje suis c[œo]eliaque\b/iu, 'Eats gluten-free'],
  [/\b(?:i(?:'m| am)|we(?:'re| are))\s+lactose[- ]intolerant\b|\bintolerante a la lactosa\b|\bintolerante à lactose\b|\bintol[ée]rant(?:e)? au lactose\b/iu, 'Lactose intolerant'],
  [/\b(?:i|we)\s+(?:only\s+)?eat\s+halal\b|\b(?:i|we)\s+keep\s+halal\b/iu, 'Eats halal'],
  [/\b(?:i|we)\s+(?:only\s+)?eat\s+kosher\b|\b(?:i|we)\s+keep\s+kosher\b/iu, 'Eats kosher'],
];

/** Room, bed and seat preferences: the adjective that matters and what it is about. */
const ROOM_FEATURE = String.raw`(quiet|high[- ]floor|higher[- ]floor|top[- ]floor|ground[- ]floor|low(?:er)?[- ]floor|sea[- ]view|ocean[- ]view|garden[- ]view|king(?:[- ]size)?|queen(?:[- ]size)?|twin|double|single|non[- ]smoking|accessible|corner|extra|firm|soft|window|aisle)`;
const ROOM_THING = String.raw`(room|bed|beds|floor|view|suite|pillows?|seat|table|apartment)`;
const ROOM_PREF = new RegExp(String.raw`\b(?:i|we)(?:'d|\s+would)?\s+(?:really\s+|much\s+|always\s+)?(?:prefer|like|love|want|need|request(?:ed)?)\s+(?:a|an|the|to have a|to have an)?\s*${ROOM_FEATURE}\s+${ROOM_THING}\b`, 'iu');
const ROOM_PREF_ES = /\b(?:prefiero|preferimos|prefiro|preferimos|je préfère|nous préférons)\s+(?:una?|la|el|um|uma|une?|la)?\s*(habitaci[oó]n|quarto|chambre|cama|lit)\s+([\p{L}-]+(?:\s[\p{L}-]+)?)/iu;

const CONTACT_PREF = /\b(?:please\s+)?(?:contact|reach|text|call|email|e-mail|message|write to)\s+(?:me|us)\s+(?:by|on|via|through|over)\s+(whatsapp|sms|text(?: message)?|e-?mail|phone|telegram|messenger|instagram)\b/iu;
const CHANNEL_NAMES: Record<string, string> = { whatsapp: 'WhatsApp', sms: 'SMS', text: 'SMS', 'text message': 'SMS', email: 'e-mail', 'e-mail': 'e-mail', phone: 'phone', telegram: 'Telegram', messenger: 'Messenger', instagram: 'Instagram' };

const OCCASION = /\b(?:(?:it(?:'s| is)|we(?:'re| are)\s+celebrating|celebrating|for)\s+(?:our|my|his|her)\s+(anniversary|birthday|honeymoon|wedding|graduation|retirement))\b|\b(?:nuestro|nuestra|mi|nosso|nossa|meu|minha|notre|mon|ma)\s+(aniversario|aniversário|cumpleaños|luna de miel|lua de mel|anniversaire|voyage de noces)\b/iu;
const OCCASION_NAMES: Record<string, string> = {
  aniversario: 'anniversary', 'aniversário': 'anniversary', 'cumpleaños': 'birthday', 'luna de miel': 'honeymoon', 'lua de mel': 'honeymoon', anniversaire: 'birthday', 'voyage de noces': 'honeymoon',
};
const PLAN = /\b(?:i(?:'m| am)|we(?:'re| are))\s+(?:planning|hoping|looking|trying|going)\s+to\s+([^.!?\n]{4,80})/iu;

const EXPERIENCE = /\b(?:last time|the last time|on (?:my|our) (?:last|previous) (?:stay|visit|order|trip)|(?:my|our) (?:last|previous) (?:stay|visit|order|trip))\b[^.!?\n]{3,140}/iu;

function sentence(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return (t.charAt(0).toUpperCase() + t.slice(1)).slice(0, MAX_MEMORY_TEXT);
}

function clean(thing: string): string {
  return thing.trim().replace(/\s+/g, ' ').replace(/^(?:the|a|an|la|el|los|las|o|os|as|le|les)\s+/i, '');
}

/** Everything the patterns find in one customer message. */
export function extractFromText(text: string, messageId: string | null): MemoryCandidate[] {
  const out: MemoryCandidate[] = [];
  for (const re of ALLERGY) {
    const m = re.exec(text);
    if (m?.[1]) {
      const thing = clean(m[1]);
      if (thing) out.push({ type: 'fact', text: sentence(`${/^\s*(?:my|our|es\b|é\b|il|elle)/iu.test(m[0]) ? 'Someone in the party is allergic' : 'Allergic'} to ${thing}`), key: `allergy:${textKey(thing)}`, messageId });
    }
  }
  for (const [re, label] of DIETS) if (re.test(text)) out.push({ type: 'fact', text: label, key: `diet:${textKey(label)}`, messageId });
  const room = ROOM_PREF.exec(text);
  if (room) {
    const what = `${room[1].toLowerCase().replace(/-/g, ' ')} ${room[2].toLowerCase()}`;
    out.push({ type: 'preference', text: sentence(`Prefers ${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what}`), key: `room:${textKey(room[2])}:${textKey(room[1])}`, messageId });
  }
  const roomEs = ROOM_PREF_ES.exec(text);
  if (roomEs) out.push({ type: 'preference', text: sentence(roomEs[0]), key: `room:${textKey(roomEs[0])}`, messageId });
  const contact = CONTACT_PREF.exec(text);
  if (contact) {
    const channel = CHANNEL_NAMES[contact[1].toLowerCase()] ?? contact[1];
    out.push({ type: 'preference', text: `Prefers to be contacted by ${channel}`, key: 'contact-channel', messageId });
  }
  const occasion = OCCASION.exec(text);
  if (occasion) {
    const what = (occasion[1] ?? OCCASION_NAMES[occasion[2]?.toLowerCase() ?? ''] ?? occasion[2] ?? '').toLowerCase();
    if (what) out.push({ type: 'goal', text: `Celebrating ${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what}`, key: `occasion:${textKey(what)}`, messageId });
  }
  const plan = PLAN.exec(text);
  if (plan) out.push({ type: 'goal', text: sentence(`${/^\s*we/i.test(plan[0]) ? 'They are' : 'Is'} ${plan[0].replace(/^\s*(?:i(?:'m| am)|we(?:'re| are))\s+/i, '')}`), key: `plan:${textKey(plan[1]).slice(0, 60)}`, messageId });
  const exp = EXPERIENCE.exec(text);
  if (exp) out.push({ type: 'experience', text: sentence(exp[0]), key: `experience:${textKey(exp[0]).slice(0, 80)}`, messageId });
  return out;
}

/** The language the customer writes in, once they have written enough to tell. */
export function languageMemory(messages: ExtractionMessage[]): MemoryCandidate | null {
  const words = messages.map((m) => m.text).join(' ');
  if ((words.match(/\p{L}+/gu) ?? []).length < 8) return null;
  const lang = detectLanguage(words, 'en');
  return { type: 'preference', text: `Writes in ${LANGUAGE_NAMES[lang]}`, key: 'language', messageId: messages.at(-1)?.id ?? null };
}

export class PatternExtractor implements MemoryExtractor {
  readonly name = 'patterns';

  async extract(messages: ExtractionMessage[]): Promise<MemoryCandidate[]> {
    return extractLocally(messages);
  }
}

/** The local extraction, synchronous: the cloud extractor adds to it rather than replacing it. */
export function extractLocally(messages: ExtractionMessage[]): MemoryCandidate[] {
  const customer = messages.filter((m) => m.role === 'customer' && m.text.trim());
  const found = new Map<string, MemoryCandidate>();
  // Later messages win: "we'd like a twin room… actually a king bed" keeps what was said last.
  for (const m of customer) for (const c of extractFromText(m.text, m.id)) found.set(c.key, c);
  const lang = languageMemory(customer);
  if (lang) found.set(lang.key, lang);
  return [...found.values()];
}
