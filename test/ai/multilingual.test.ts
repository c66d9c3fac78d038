// Cross-lingual retrieval pieces and the multilingual sentiment rules, as units (the end-to-end figures
// are in test/ai-eval/).
import { describe, expect, it } from 'vitest';
import { ftsQuery } from '../../worker/ai/bm25-retriever';
import { lightStem, translations } from '../../worker/ai/multilingual';
import { coverageDetail, questionTerms } from '../../worker/ai/retriever';
import { analyzeText } from '../../worker/ai/sentiment';
import { detectLanguage as detectSentimentLanguage } from '../../worker/ai/sentiment/lexicon';
import { words } from '../../worker/ai/text';

describe('cross-lingual lexicon', () => {
  it('light-stems plural, gender and verb endings so inflections meet', () => {
    expect(lightStem('reservar', 'es')).toBe(lightStem('reserva', 'es'));
    expect(lightStem('toalhas', 'pt')).toBe(lightStem('toalha', 'pt'));
    expect(lightStem('remboursement', 'fr')).toBe(lightStem('rembourser', 'fr'));
    expect(lightStem('parking', 'en')).toBe(lightStem('park', 'en'));
  });
  it('carries a word into the other languages, English first, never the word itself', () => {
    expect(translations('contraseña', 'es')).toContain('password');
    expect(translations('encomenda', 'pt')).toContain('order');
    expect(translations('livraison', 'fr')).toContain('delivery');
    expect(translations('refund', 'en')).toEqual(expect.arrayContaining(['reembolso', 'remboursement']));
    expect(translations('contraseña', 'es')).not.toContain('contrasena');
    expect(translations('zzzz', 'es')).toEqual([]);
  });
  it('keeps French elided words ("l\'appartement", "j\'annule") and English contractions as before', () => {
    expect(words("j'annule l'appartement")).toEqual(['annule', 'appartement']);
    expect(words("it's fine, don't")).toEqual(['it', 'fine', 'don']);
  });
  it('puts translations in the keyword query and credits them in coverage, flagged as cross-lingual', () => {
    expect(ftsQuery('ws1', '¿Cuál es la contraseña del wifi?')).toContain('"password"');
    const q = questionTerms('¿Cuál es la contraseña del wifi?');
    const d = coverageDetail(q, 'Wifi and internet. The password is on the card.', 'es');
    expect(d.coverage).toBeGreaterThan(0.8);
    expect(d.crossLingual).toBeGreaterThan(0);
    expect(coverageDetail(q, 'Parking is 200 metres away.', 'es').coverage).toBe(0);
  });
});

describe('sentiment in four languages', () => {
  const label = (t: string) => analyzeText(t).label;
  it('detects Portuguese and French', () => {
    expect(detectSentimentLanguage('Não estou satisfeito com a encomenda')).toBe('pt');
    expect(detectSentimentLanguage('Je ne suis pas content de la chambre')).toBe('fr');
    expect(detectSentimentLanguage('No estoy contento con el servicio')).toBe('es');
  });
  it('negation in each language, French "ne … pas" included', () => {
    expect(label('I am not happy with the room')).toBe('negative');
    expect(label('No estoy contento con el servicio')).toBe('negative');
    expect(label('Não estou satisfeito com o quarto')).toBe('negative');
    expect(label('Je ne suis pas content')).toBe('negative');
    expect(label('Le wifi ne fonctionne pas')).toBe('negative');
    expect(label('Pas mal du tout !')).toBe('positive');
  });
  it('reads sarcasm cues as negative, and leaves plain praise alone', () => {
    expect(label('Great, another 2 hours waiting for my order 🙄')).toBe('negative');
    expect(label('Genial, otra vez sin luz y nadie contesta')).toBe('negative');
    expect(label('Oh perfect, the lift is broken')).toBe('negative');
    expect(label('Thanks for the "excellent" service')).toBe('negative');
    expect(label('Merci pour rien')).toBe('negative');
    expect(label('Great, thanks a lot!')).toBe('positive');
    expect(label('Perfect, see you tomorrow')).toBe('positive');
  });
  it('polite complaints are complaints', () => {
    expect(label("I'm afraid the shower was cold the whole stay")).toBe('negative');
    expect(label('Infelizmente o pedido veio incompleto')).toBe('negative');
    expect(label('Malheureusement la chambre était bruyante')).toBe('negative');
  });
  it('a clear complaint without any known word does not score exactly 0', () => {
    expect(analyzeText('Four calls and still nothing??').score).toBeLessThan(0);
    expect(analyzeText('Cadê o meu pedido').score).toBeLessThan(0);
  });
  it('leaves neutral questions neutral', () => {
    expect(label('Je voudrais modifier ma réservation.')).toBe('neutral');
    expect(label('Qual é o horário de funcionamento?')).toBe('neutral');
  });
});
