// What the customer reads (the survey message, the /csat page, the widget card), in the contact's
// language: English, Spanish, Portuguese, French. A workspace's own question/prompt text, when set,
// is used as written.
export const LANGUAGES = ['en', 'es', 'pt', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface Strings {
  question: string;
  commentPrompt: string;
  /** The message on channels without the widget card; `{link}` is the survey page. */
  message: string;
  submit: string;
  thanks: string;
  closed: string;
  invalid: string;
  scoreLabels: { thumbs: [string, string]; stars: string; emoji: [string, string, string, string, string] };
}

const STRINGS: Record<Language, Strings> = {
  en: {
    question: 'How would you rate our conversation?',
    commentPrompt: 'Anything you would like to add? (optional)',
    message: '{question} Tell us here: {link}',
    submit: 'Send',
    thanks: 'Thank you for your feedback!',
    closed: 'This survey can no longer be changed.',
    invalid: 'Please choose a rating.',
    scoreLabels: { thumbs: ['Not helpful', 'Helpful'], stars: '{n} of 5 stars', emoji: ['Very unhappy', 'Unhappy', 'Neutral', 'Happy', 'Very happy'] },
  },
  es: {
    question: '¿Cómo valorarías nuestra conversación?',
    commentPrompt: '¿Quieres añadir algo? (opcional)',
    message: '{question} Cuéntanos aquí: {link}',
    submit: 'Enviar',
    thanks: '¡Gracias por tu opinión!',
    closed: 'Esta encuesta ya no se puede cambiar.',
    invalid: 'Elige una valoración.',
    scoreLabels: { thumbs: ['No me ayudó', 'Me ayudó'], stars: '{n} de 5 estrellas', emoji: ['Muy insatisfecho', 'Insatisfecho', 'Neutral', 'Satisfecho', 'Muy satisfecho'] },
  },
  pt: {
    question: 'Como você avalia nossa conversa?',
    commentPrompt: 'Quer acrescentar algo? (opcional)',
    message: '{question} Conte-nos aqui: {link}',
    submit: 'Enviar',
    thanks: 'Obrigado pela sua opinião!',
    closed: 'Esta pesquisa não pode mais ser alterada.',
    invalid: 'Escolha uma avaliação.',
    scoreLabels: { thumbs: ['Não ajudou', 'Ajudou'], stars: '{n} de 5 estrelas', emoji: ['Muito insatisfeito', 'Insatisfeito', 'Neutro', 'Satisfeito', 'Muito satisfeito'] },
  },
  fr: {
    question: 'Comment évalueriez-vous notre conversation ?',
    commentPrompt: 'Voulez-vous ajouter quelque chose ? (facultatif)',
    message: '{question} Dites-le-nous ici : {link}',
    submit: 'Envoyer',
    thanks: 'Merci pour votre avis !',
    closed: 'Cette enquête ne peut plus être modifiée.',
    invalid: 'Choisissez une note.',
    scoreLabels: { thumbs: ['Pas utile', 'Utile'], stars: '{n} sur 5 étoiles', emoji: ['Très mécontent', 'Mécontent', 'Neutre', 'Content', 'Très content'] },
  },
};

/** The first supported language of a tag or Accept-Language list ("pt-BR", "fr-CA,fr;q=0.9"), else English. */
export function pickLanguage(...candidates: (string | null | undefined)[]): Language {
  for (const c of candidates) {
    for (const part of (c ?? '').split(',')) {
      const base = part.trim().slice(0, 2).toLowerCase();
      if ((LANGUAGES as readonly string[]).includes(base)) return base as Language;
    }
  }
  return 'en';
}

export function strings(lang: Language): Strings {
  return STRINGS[lang];
}
