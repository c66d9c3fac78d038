// The follow-up suggestion: a conversation that went quiet while the ball is in the customer's court
// (the team asked them something, or they said they would check and come back) gets a proposed
// follow-up — when, what to send, and why — so nobody has to remember to chase. Local heuristic,
// pure; in the cloud Workers AI reads the same turns (./suggest-ai.ts) and the heuristic stays the
// fallback. English, Spanish, Portuguese and French, like the rest of the local AI.
import { detectLanguage, type Language } from '../ai/text';
import type { Status } from '../conversations/model';

/** Quiet for this long before a follow-up is worth suggesting. */
export const QUIET_MS = 4 * 3_600_000;
/** Propose chasing this long after the open question (at least an hour from now). */
export const FOLLOW_UP_AFTER_MS = 24 * 3_600_000;
const MIN_AHEAD_MS = 3_600_000;

export interface TurnIn {
  /** customer: the contact; team: an agent, the AI or a bot writing to the customer. Notes are left out. */
  role: 'customer' | 'team';
  text: string;
  at: number;
}

export interface SuggestInput {
  turns: TurnIn[];
  status: Status;
  /** Follow-ups or scheduled messages already pending: nothing more to suggest. */
  pending: number;
  now: number;
}

export interface FollowUpSuggestion {
  /** When to follow up, as the follow-up API takes it. */
  inSeconds: number;
  /** What to send then, in the customer's language. */
  text: string;
  /** Why, in plain words, for the agent. */
  reason: string;
  /** The words the suggestion hangs on (the question asked, or the customer's promise). */
  quote: string;
  kind: 'question' | 'customer_will_reply';
  waitingSince: number;
  language: Language;
}

// Asking the customer for something without a question mark: "let me know", "please confirm"…
const ASKS =
  /\b(let (?:me|us) know|please (?:confirm|send|share|reply|tell)|can you (?:confirm|send|share)|could you (?:confirm|send|share)|waiting for your|av[ií]s(?:a|e)nos|av[ií]same|conf[ií]rm(?:a|e|ame|anos)|env[ií](?:a|e)(?:me|nos)|por favor,? (?:confirm|env[ií]|ind[ií]c)|me (?:diga|avise|informe)|nos (?:diga|avise|informe)|diga-me|avise-me|por favor,? confirme|dites-(?:moi|nous)|merci de (?:confirmer|nous|me)|pourriez-vous|pouvez-vous|tenez-(?:moi|nous) au courant)\b/iu;
// The customer saying they will come back: the team is waiting on them.
const WILL_REPLY =
  /\b(i'?ll (?:check|get back|let you know|confirm|ask|see)|let me (?:check|ask|see|think)|i will (?:check|get back|let you know|confirm)|get back to you|lo (?:consulto|miro|reviso|compruebo)|te (?:aviso|confirmo|digo)|les (?:aviso|confirmo)|(?:lo|la) pienso|vou (?:verificar|ver|confirmar|pensar)|te (?:aviso|confirmo)|depois (?:aviso|confirmo)|je (?:vais|vous) (?:v[ée]rifier|confirmer|redis|tiens au courant)|je reviens vers vous|je vous redis)\b/iu;

/** The last sentence of a message that asks the customer something, or null. */
export function openQuestion(text: string): string | null {
  const sentences = text
    .replace(/\s+/g, ' ')
    .trim()
    .split(/(?<=[.!?])\s+/)
    .filter(Boolean);
  // The end of a message is what the customer is left with; an early question already answered in the
  // same message ("Did you mean May? It is booked.") does not count.
  for (const s of sentences.slice(-2).reverse()) {
    if (/\?\s*$/.test(s) || ASKS.test(s)) return s.length > 160 ? `${s.slice(0, 157)}…` : s;
  }
  return null;
}

export function customerWillReply(text: string): string | null {
  const m = WILL_REPLY.exec(text);
  if (!m) return null;
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 160 ? `${t.slice(0, 157)}…` : t;
}

const NUDGE: Record<Language, { question: (q: string) => string; willReply: string }> = {
  en: { question: (q) => `Hi! Just following up on my last message: ${q}`, willReply: 'Hi! Just checking in: did you get a chance to look into it? Happy to help with anything.' },
  es: { question: (q) => `¡Hola! Te escribo para dar seguimiento a mi último mensaje: ${q}`, willReply: '¡Hola! Solo quería saber si pudiste revisarlo. Aquí estamos para lo que necesites.' },
  pt: { question: (q) => `Olá! Estou a dar seguimento à minha última mensagem: ${q}`, willReply: 'Olá! Só queria saber se já conseguiu ver. Estamos aqui para o que precisar.' },
  fr: { question: (q) => `Bonjour ! Je reviens vers vous au sujet de mon dernier message : ${q}`, willReply: 'Bonjour ! Avez-vous pu regarder ? Nous restons à votre disposition.' },
  de: { question: (q) => `Hallo! Ich melde mich noch einmal zu meiner letzten Nachricht: ${q}`, willReply: 'Hallo! Konnten Sie schon nachsehen? Wir helfen gern weiter.' },
  it: { question: (q) => `Ciao! Riprendo il mio ultimo messaggio: ${q}`, willReply: 'Ciao! Sei riuscito a verificare? Siamo qui per qualsiasi cosa.' },
};

function ago(ms: number): string {
  const h = Math.round(ms / 3_600_000);
  if (h < 48) return `${h} hour${h === 1 ? '' : 's'}`;
  const d = Math.round(h / 24);
  return `${d} day${d === 1 ? '' : 's'}`;
}

/**
 * A follow-up to propose, or null: only for an open or pending conversation with nothing pending,
 * whose last word is the team's open question or the customer's promise to come back, quiet for at
 * least QUIET_MS. The customer's language is read from what they wrote.
 */
export function suggestFollowUp(input: SuggestInput): FollowUpSuggestion | null {
  if ((input.status !== 'open' && input.status !== 'pending') || input.pending > 0) return null;
  const last = input.turns[input.turns.length - 1];
  if (!last || input.now - last.at < QUIET_MS) return null;
  const customerText = input.turns
    .filter((t) => t.role === 'customer')
    .slice(-5)
    .map((t) => t.text)
    .join('\n');
  const language = customerText.trim() ? detectLanguage(customerText) : 'en';
  const nudge = NUDGE[language] ?? NUDGE.en;
  const dueIn = Math.max(last.at + FOLLOW_UP_AFTER_MS - input.now, MIN_AHEAD_MS);
  const inSeconds = Math.round(dueIn / 1000);
  if (last.role === 'team') {
    const q = openQuestion(last.text);
    if (!q) return null;
    return { inSeconds, text: nudge.question(q), reason: `You asked “${q}” ${ago(input.now - last.at)} ago and the customer has not answered.`, quote: q, kind: 'question', waitingSince: last.at, language };
  }
  const promise = customerWillReply(last.text);
  if (!promise) return null;
  return {
    inSeconds,
    text: nudge.willReply,
    reason: `The customer said “${promise}” ${ago(input.now - last.at)} ago and has not written since.`,
    quote: promise,
    kind: 'customer_will_reply',
    waitingSince: last.at,
    language,
  };
}
