// How a drafted reply sounds and how long it may be: the workspace's tone and formality, the
// contact's segment and language, and the channel (an SMS is short, an e-mail fuller and signed).
import type { Language } from './text';

export const TONES = ['warm', 'neutral', 'concise'] as const;
export type Tone = (typeof TONES)[number];
export const FORMALITIES = ['informal', 'formal'] as const;
export type Formality = (typeof FORMALITIES)[number];

export interface ReplyStyle {
  tone: Tone;
  formality: Formality;
  /** Appended to e-mail replies after the sign-off line (e.g. the business name and phone). */
  signature: string | null;
}

export const DEFAULT_STYLE: ReplyStyle = { tone: 'warm', formality: 'informal', signature: null };

export type Segment = 'vip' | 'returning' | 'new';

/** Longest reply per channel, in characters (SMS: two segments). */
export function channelLimit(channel: string): number {
  if (channel === 'sms' || channel === 'voice') return 320;
  if (channel === 'email') return 1500;
  return 600;
}

export const isEmail = (channel: string) => channel === 'email';

interface Phrases {
  hi: (name: string) => string;
  hiAnon: string;
  hello: (name: string) => string;
  helloAnon: string;
  dear: (name: string) => string;
  closing: Record<Tone, Record<Formality, string>>;
  vip: string;
  returning: string;
  signOff: Record<Formality, string>;
  acknowledge: Record<Formality, string>;
  handoff: string;
}

const PHRASES: Record<Language, Phrases> = {
  en: {
    hi: (n) => `Hi ${n}!`, hiAnon: 'Hi there!', hello: (n) => `Hello ${n},`, helloAnon: 'Hello,', dear: (n) => `Dear ${n},`,
    closing: {
      warm: { informal: "Let me know if there's anything else I can do for you!", formal: 'Please let us know if there is anything else we can do for you.' },
      neutral: { informal: 'Let me know if you have any other questions.', formal: 'Please let us know if you have any further questions.' },
      concise: { informal: '', formal: '' },
    },
    vip: "It's always a pleasure to help you.", returning: 'Good to hear from you again.',
    signOff: { informal: 'Best,', formal: 'Kind regards,' },
    acknowledge: { informal: "Thanks for your message! Let me check and I'll get back to you shortly.", formal: 'Thank you for your message. We are looking into it and will get back to you shortly.' },
    handoff: "I'm bringing in a member of our team, who will reply here shortly.",
  },
  es: {
    hi: (n) => `¡Hola, ${n}!`, hiAnon: '¡Hola!', hello: (n) => `Buenos días, ${n}:`, helloAnon: 'Buenos días:', dear: (n) => `Estimado/a ${n}:`,
    closing: {
      warm: { informal: '¡Avísame si necesitas algo más!', formal: 'Quedamos a su disposición para cualquier otra cosa que necesite.' },
      neutral: { informal: 'Dime si tienes alguna otra pregunta.', formal: 'Quedamos a su disposición para cualquier otra consulta.' },
      concise: { informal: '', formal: '' },
    },
    vip: 'Siempre es un placer ayudarte.', returning: '¡Qué bueno saber de ti otra vez!',
    signOff: { informal: 'Un saludo,', formal: 'Atentamente,' },
    acknowledge: { informal: '¡Gracias por tu mensaje! Lo reviso y te respondo enseguida.', formal: 'Gracias por su mensaje. Lo estamos revisando y le responderemos en breve.' },
    handoff: 'Te paso con una persona de nuestro equipo, que te responderá aquí en breve.',
  },
  pt: {
    hi: (n) => `Olá, ${n}!`, hiAnon: 'Olá!', hello: (n) => `Bom dia, ${n}.`, helloAnon: 'Bom dia.', dear: (n) => `Prezado(a) ${n},`,
    closing: {
      warm: { informal: 'Qualquer coisa, é só avisar!', formal: 'Estamos à disposição para o que precisar.' },
      neutral: { informal: 'Avise se tiver outras dúvidas.', formal: 'Estamos à disposição para outras dúvidas.' },
      concise: { informal: '', formal: '' },
    },
    vip: 'É sempre um prazer ajudar.', returning: 'Que bom falar com você de novo.',
    signOff: { informal: 'Abraço,', formal: 'Atenciosamente,' },
    acknowledge: { informal: 'Obrigado pela mensagem! Vou verificar e já te respondo.', formal: 'Obrigado pela sua mensagem. Estamos verificando e responderemos em breve.' },
    handoff: 'Vou chamar uma pessoa da nossa equipe, que responderá aqui em breve.',
  },
  fr: {
    hi: (n) => `Bonjour ${n} !`, hiAnon: 'Bonjour !', hello: (n) => `Bonjour ${n},`, helloAnon: 'Bonjour,', dear: (n) => `Cher/Chère ${n},`,
    closing: {
      warm: { informal: "N'hésite pas si tu as besoin d'autre chose !", formal: "N'hésitez pas à nous contacter si vous avez besoin d'autre chose." },
      neutral: { informal: "Dis-moi si tu as d'autres questions.", formal: "N'hésitez pas si vous avez d'autres questions." },
      concise: { informal: '', formal: '' },
    },
    vip: "C'est toujours un plaisir de vous aider.", returning: 'Ravi de vous relire.',
    signOff: { informal: 'Bien à toi,', formal: 'Cordialement,' },
    acknowledge: { informal: 'Merci pour ton message ! Je vérifie et je reviens vers toi rapidement.', formal: 'Merci pour votre message. Nous vérifions et revenons vers vous rapidement.' },
    handoff: 'Je passe la main à un membre de notre équipe, qui vous répondra ici très bientôt.',
  },
  de: {
    hi: (n) => `Hallo ${n}!`, hiAnon: 'Hallo!', hello: (n) => `Guten Tag ${n},`, helloAnon: 'Guten Tag,', dear: (n) => `Sehr geehrte/r ${n},`,
    closing: {
      warm: { informal: 'Melde dich gern, wenn du noch etwas brauchst!', formal: 'Bei weiteren Fragen sind wir gerne für Sie da.' },
      neutral: { informal: 'Sag Bescheid, wenn du noch Fragen hast.', formal: 'Bei weiteren Fragen stehen wir Ihnen zur Verfügung.' },
      concise: { informal: '', formal: '' },
    },
    vip: 'Es ist uns immer eine Freude, Ihnen zu helfen.', returning: 'Schön, wieder von Ihnen zu hören.',
    signOff: { informal: 'Viele Grüße,', formal: 'Mit freundlichen Grüßen,' },
    acknowledge: { informal: 'Danke für deine Nachricht! Ich schaue nach und melde mich gleich.', formal: 'Vielen Dank für Ihre Nachricht. Wir prüfen das und melden uns in Kürze.' },
    handoff: 'Ich übergebe an ein Mitglied unseres Teams, das Ihnen hier in Kürze antwortet.',
  },
  it: {
    hi: (n) => `Ciao ${n}!`, hiAnon: 'Ciao!', hello: (n) => `Buongiorno ${n},`, helloAnon: 'Buongiorno,', dear: (n) => `Gentile ${n},`,
    closing: {
      warm: { informal: 'Fammi sapere se ti serve altro!', formal: 'Restiamo a disposizione per qualsiasi altra esigenza.' },
      neutral: { informal: 'Fammi sapere se hai altre domande.', formal: 'Restiamo a disposizione per ulteriori domande.' },
      concise: { informal: '', formal: '' },
    },
    vip: 'È sempre un piacere aiutarla.', returning: 'Che piacere risentirla.',
    signOff: { informal: 'A presto,', formal: 'Cordiali saluti,' },
    acknowledge: { informal: 'Grazie per il messaggio! Controllo e ti rispondo a breve.', formal: 'Grazie per il suo messaggio. Stiamo verificando e le risponderemo a breve.' },
    handoff: 'Passo la conversazione a un membro del nostro team, che le risponderà qui a breve.',
  },
};

export function phrases(language: Language): Phrases {
  return PHRASES[language] ?? PHRASES.en;
}

/** A name worth greeting by: letters and spaces only (not an e-mail address, phone number or handle). */
export function greetableName(name: string | null | undefined): { first: string; full: string } | null {
  const clean = (name ?? '').trim().replace(/\s+/g, ' ');
  if (!clean || clean.length > 60 || !/^[\p{L}][\p{L}' .-]*$/u.test(clean)) return null;
  return { first: clean.split(' ')[0], full: clean };
}

export interface Framing {
  language: Language;
  style: ReplyStyle;
  channel: string;
  contactName: string | null;
  segment: Segment;
}

/** The opening line: by first name when informal, full name when formal; "Dear …" for formal e-mail. */
export function greeting(f: Framing): string {
  const p = phrases(f.language);
  const name = greetableName(f.contactName);
  const formal = f.style.formality === 'formal' || f.segment === 'vip';
  let line: string;
  if (!formal) line = name ? p.hi(name.first) : p.hiAnon;
  else if (isEmail(f.channel)) line = name ? p.dear(name.full) : p.helloAnon;
  else line = name ? p.hello(name.full) : p.helloAnon;
  if (f.style.tone === 'concise' || f.channel === 'sms') return line;
  if (f.segment === 'vip') return `${line} ${p.vip}`;
  if (f.segment === 'returning' && f.style.tone === 'warm') return `${line} ${p.returning}`;
  return line;
}

export function closing(f: Framing): string {
  const formal = f.style.formality === 'formal' || f.segment === 'vip';
  return phrases(f.language).closing[f.style.tone][formal ? 'formal' : 'informal'];
}

/** E-mail sign-off; `{{agent.…}}` merge fields are filled per agent when the draft is shown. */
export function signOff(f: Framing): string {
  const formal = f.style.formality === 'formal' || f.segment === 'vip';
  const lines = [phrases(f.language).signOff[formal ? 'formal' : 'informal'], formal ? '{{agent.name}}' : '{{agent.first_name}}'];
  if (f.style.signature) lines.push(f.style.signature);
  return lines.join('\n');
}

/** Greeting + body + closing, laid out for the channel and kept within its length limit. */
export function compose(f: Framing, body: string): string {
  const hello = greeting(f);
  const bye = closing(f);
  if (isEmail(f.channel)) return [hello, body, bye, signOff(f)].filter(Boolean).join('\n\n');
  const limit = channelLimit(f.channel);
  const full = [hello, body, bye].filter(Boolean).join(' ');
  if (full.length <= limit) return full;
  const noClosing = [hello, body].filter(Boolean).join(' ');
  return noClosing.length <= limit ? noClosing : clip(noClosing, limit);
}

/** Cut at the last sentence end (or word) that fits. */
export function clip(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  const sentenceEnd = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('! '), cut.lastIndexOf('? '));
  if (sentenceEnd > limit * 0.5) return cut.slice(0, sentenceEnd + 1);
  const space = cut.lastIndexOf(' ');
  return `${cut.slice(0, space > 0 ? space : limit - 1)}…`;
}
