// The sentiment analyzers: the local EN/ES lexicon (negation, intensifiers, contrast, emphasis, emoji,
// accents, customer-service phrases), its accuracy on the labelled sets in test/fixtures/sentiment,
// and the Workers AI analyzer against a faithful fake of the text-classification binding.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { analyzeText, detectLanguage, lexiconAnalyzer, LexiconSentimentAnalyzer, sentimentAnalyzer, SENTIMENT_MODEL, WorkersAiSentimentAnalyzer } from '../../worker/ai/sentiment';
import { fromClassification, fromLabel, LABEL_SCHEMA, labelRequest, SENTIMENT_TEXT_MODEL } from '../../worker/ai/sentiment/workers-ai';
import { containsPhrase } from '../../worker/ai/sentiment/text';
import en from '../fixtures/sentiment/en.json';
import es from '../fixtures/sentiment/es.json';
import holdout from '../fixtures/sentiment/holdout.json';
import devPhenomena from '../fixtures/sentiment/dev-phenomena.json';
import devSituations from '../fixtures/sentiment/dev-situations.json';
import devSituations2 from '../fixtures/sentiment/dev-situations-2.json';
import devProbes from '../fixtures/sentiment/dev-probes.json';
import devCourtesy from '../fixtures/sentiment/dev-courtesy.json';
import devResolutions from '../fixtures/sentiment/dev-resolutions.json';
import devSarcasm2 from '../fixtures/sentiment/dev-sarcasm-2.json';
import devQuestions from '../fixtures/sentiment/dev-questions.json';
import devPosthocSenti3 from '../fixtures/sentiment/dev-posthoc-senti3.json';
import devPosthocSenti3b from '../fixtures/sentiment/dev-posthoc-senti3-2.json';

const score = (t: string) => analyzeText(t).score;
const label = (t: string) => analyzeText(t).label;

describe('lexicon analyzer', () => {
  it('scores in [-1, 1] with a label and a confidence', () => {
    for (const t of ['', 'ok', 'AMAZING!!!! 😍😍😍 best ever, thank you so so much', 'WORST. SCAM. LAWYER. CHARGEBACK. 🤬🤬🤬 estafa total!!!!!']) {
      const r = analyzeText(t);
      expect(r.score).toBeGreaterThanOrEqual(-1);
      expect(r.score).toBeLessThanOrEqual(1);
      expect(r.confidence).toBeGreaterThan(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
    }
    expect(analyzeText('')).toMatchObject({ score: 0, label: 'neutral', language: null });
    expect(label('What time is check-out?')).toBe('neutral');
  });

  it('negation flips and softens: "not good" is negative, "not bad" positive, "no me gustó" negative', () => {
    expect(label('The room was good')).toBe('positive');
    expect(label('The room was not good')).toBe('negative');
    expect(score('The room was not good')).toBeGreaterThan(score('The room was bad'));
    expect(score('not bad')).toBeGreaterThan(0);
    expect(label('Me gustó la habitación')).toBe('positive');
    expect(label('No me gustó la habitación')).toBe('negative');
    expect(score('No me gustó nada')).toBeLessThan(score('No me gustó'));
    expect(label('Nunca recibí mi pedido')).toBe('negative');
    expect(label("The package didn't arrive")).toBe('negative');
    expect(label('Todo bien, ninguna queja')).toBe('positive');
    expect(label('Ni bueno ni malo')).toBe('neutral');
    // A negation does not reach across a clause boundary.
    expect(label('No. The host was lovely')).toBe('positive');
  });

  it('intensifiers raise and diminishers lower the strength', () => {
    expect(score('very good')).toBeGreaterThan(score('good'));
    expect(score('extremely bad')).toBeLessThan(score('bad'));
    expect(score('muy bueno')).toBeGreaterThan(score('bueno'));
    expect(score('súper lento')).toBeLessThan(score('lento'));
    expect(score('a bit dirty')).toBeGreaterThan(score('dirty'));
    expect(score('un poco sucio')).toBeGreaterThan(score('sucio'));
    expect(score('riquísima')).toBeGreaterThan(score('rica'));
    // French "si" is "so" right before its word, and "if" anywhere else: "if" intensifies nothing.
    expect(score("C'est si lent")).toBeLessThan(score("C'est lent"));
    expect(score('Si tout est bon, je confirme')).toBe(score('Tout est bon, je confirme'));
    expect(score('Si ça marche bien je reviendrai')).toBe(score('Ça marche bien je reviendrai'));
  });

  it('but / pero: the second half weighs more', () => {
    expect(label('The location is great but the bed was really uncomfortable')).toBe('negative');
    expect(label('The bed was uncomfortable but the location is great')).toBe('positive');
    expect(label('La ubicación es buena pero la cama era muy incómoda')).toBe('negative');
    expect(label('La cama era incómoda, pero la ubicación es genial')).toBe('positive');
    expect(label('La cama era incómoda, sin embargo la ubicación es genial')).toBe('positive');
  });

  it('caps and exclamation marks emphasize; emoji count', () => {
    expect(score('this is BAD')).toBeLessThan(score('this is bad'));
    expect(score('this is bad!!!')).toBeLessThan(score('this is bad'));
    expect(score('great!!')).toBeGreaterThan(score('great'));
    expect(label('my order 😡')).toBe('negative');
    expect(label('thanks 🙏')).toBe('positive');
    expect(label('👍')).toBe('positive');
    expect(label('ok :(')).toBe('negative');
    expect(score('the food 👎')).toBeLessThan(0);
  });

  it('matches without accents or case: "pesimo" is "pésimo"', () => {
    expect(score('Pesima experiencia')).toBe(score('Pésima experiencia'));
    expect(score('PESIMO')).toBeLessThan(-0.4);
    expect(score('todavia no llega')).toBe(score('todavía no llega'));
    expect(containsPhrase('¡Quiero mi REEMBOLSÓ ya!', 'reembolso')).toBe(true);
    expect(containsPhrase('refunds policy', 'refund')).toBe(false);
    expect(containsPhrase('I want my money back now', 'money back')).toBe(true);
  });

  it('knows customer-service language in both languages', () => {
    for (const t of ['I am filing a chargeback', 'I will call my lawyer', 'This is a scam', 'STILL WAITING', 'Todavía no me devuelven el dinero', 'Esto es una estafa', 'Voy a hablar con mi abogado', 'Sigo esperando']) {
      expect(label(t), t).toBe('negative');
    }
    expect(score('This is a scam')).toBeLessThan(-0.6);
    // Questions ask rather than judge: their positive words count less.
    expect(label('Is there a good restaurant nearby?')).toBe('neutral');
    expect(label('There is a good restaurant nearby.')).toBe('positive');
  });

  it('reads sarcasm: praise opening a repeated situation, liking what nobody likes, a lone "Super," before a complaint', () => {
    expect(label('Fantastic, the courier left my parcel in the rain again.')).toBe('negative');
    expect(label('Ótimo, mais uma vez o pacote na chuva.')).toBe('negative');
    expect(label('Love waiting on hold for forty minutes.')).toBe('negative');
    expect(label("J'adore attendre au téléphone.")).toBe('negative');
    expect(label('Super, encore une fois le colis est en retard.')).toBe('negative');
    expect(label('Great job, you managed to lose my luggage.')).toBe('negative');
    // Sincere: other praise, a friendly "again", or a question.
    expect(label('Great, thanks again!')).toBe('positive');
    expect(label('Perfect, see you again next year')).toBe('positive');
    expect(label('Perfeito, obrigado de novo!')).toBe('positive');
    expect(label('Super, merci beaucoup !')).toBe('positive');
    expect(label('Great, another question: is parking free?')).not.toBe('negative');
  });

  it('reads good outcomes told as facts, unless negated, supposed, excepted or asked about', () => {
    expect(label('The technician came round and the boiler heats up normally again.')).toBe('positive');
    expect(label('The rattle in the engine is gone since the garage visit.')).toBe('positive');
    expect(label('Ya me devolvieron el dinero de la reserva.')).toBe('positive');
    expect(label('A máquina voltou a funcionar depois da visita.')).toBe('positive');
    expect(label("Le lave-vaisselle ne fuit plus depuis l'intervention.")).toBe('positive');
    expect(label('The parcel turned up intact this morning.')).toBe('positive');
    // Not an outcome: negated, a supposition, an exception, a question.
    expect(label("The heating still doesn't work normally.")).toBe('negative');
    expect(label('If the parcel arrives intact I will keep it.')).toBe('neutral');
    expect(label('Everything was there except the charger.')).not.toBe('positive');
    expect(label('Has the refund come through yet?')).toBe('neutral');
  });

  it('reads sarcasm over time lost, ironic thanks and liking an activity, and keeps sincere praise', () => {
    expect(label('Brilliant, only took four hours for someone to pick up.')).toBe('negative');
    expect(label('Thanks a lot for closing my account without any warning.')).toBe('negative');
    expect(label('Me encanta tener que repetir mi número de pedido cada vez que llamo.')).toBe('negative');
    expect(label('Parabéns, a entrega atrasou de novo.')).toBe('negative');
    expect(label('¡Qué maravilla de servicio, nadie contesta nunca!')).toBe('negative');
    // Sincere: a repair thanked, another praise beside the liking, the customer's own "again".
    expect(label('Thanks so much for fixing the leak so quickly!')).not.toBe('negative');
    expect(label("J'adore venir chez vous, à chaque fois c'est parfait.")).toBe('positive');
    expect(label('Amazing stay, we will definitely come again.')).toBe('positive');
    expect(label('Genial, ya funciona otra vez, gracias.')).toBe('positive');
  });

  it('questions: praise stated before the question counts, rhetorical questions complain, habitual questions ask', () => {
    expect(label('Loved the spa day, do you sell gift vouchers?')).toBe('positive');
    expect(label('How many more times do I need to reset my password?')).toBe('negative');
    expect(label('¿Alguien me va a contestar algún día?')).toBe('negative');
    expect(label('How long does it usually take to replace a broken zip?')).toBe('neutral');
    expect(label('Great, can you send me the invoice?')).not.toBe('negative');
  });

  it('regret about the customer\'s own plans is polite, not a complaint; about the service it is', () => {
    expect(label('Unfortunately I can\'t make it on Friday, could we move the booking?')).toBe('neutral');
    expect(label('Lamentablemente esa semana estaré de viaje, ¿podemos mover la llamada?')).toBe('neutral');
    expect(label('Malheureusement je ne pourrai pas venir vendredi.')).toBe('neutral');
    expect(label('Lamentablemente no puedo acceder a mi cuenta.')).toBe('negative');
    expect(label('Unfortunately I was charged twice.')).toBe('negative');
    expect(label('Infelizmente o produto chegou com defeito.')).toBe('negative');
  });

  it('"still not" alone is mild; an unmet expectation after it is the complaint', () => {
    expect(label('Todavía no he reservado, ¿hay descuento?')).toBe('neutral');
    expect(label('Todavía no ha llegado el reembolso.')).toBe('negative');
    expect(label('Ainda não reservei.')).toBe('neutral');
    expect(label('Ainda não chegou o pedido.')).toBe('negative');
  });

  it('reads a bad situation told as plain facts, in the four languages', () => {
    for (const t of [
      'They billed me two times for one order.',
      'The parcel came open and some pieces are missing.',
      'Nobody has called me back since Monday.',
      'The app keeps logging me out.',
      'You closed my account without any notice.',
      'Me cobraron dos veces la misma factura.',
      'Sigue sin funcionar.',
      'Se corta la conexión cada noche.',
      'Fui cobrada em dobro.',
      'Ainda nada.',
      'O aplicativo trava toda hora e fecha sozinho.',
      'Toujours rien reçu.',
      'Le colis est arrivé écrasé.',
      'Vous continuez à me prélever après la résiliation.',
      'I restarted the router as you said, but nothing changed.',
      'La lavadora dejó de centrifugar a la semana.',
      'Estou há 40 minutos na espera.',
      'La chambre sentait la cigarette.',
      'Cobrança indevida.',
    ]) expect(label(t), t).toBe('negative');
    // A resolution reads as good news, not as the word "refund".
    expect(label('The refund came through, thanks!')).toBe('positive');
    expect(label('O estorno caiu, obrigado!')).toBe('positive');
  });

  it('keeps requests and plain questions neutral, even with "refund", "cancel" or a situation in them', () => {
    for (const t of [
      'How do I cancel my booking for next week?',
      'Please let me know when the refund has been processed.',
      'Will I be charged twice if I update my card?',
      'Do you charge for late check-out?',
      'I booked two weeks ago, can I still change the dates?',
      '¿Puedo pedir un reembolso si devuelvo el producto sin abrir?',
      'Posso pedir reembolso se devolver o produto lacrado?',
      "Est-ce que je peux être remboursé si je renvoie l'article ?",
      'Thanks, but I already found the answer.',
    ]) expect(label(t), t).toBe('neutral');
    // A question can still complain.
    expect(label('Why has nobody answered my three emails?')).toBe('negative');
    expect(label('¿Por qué me cobraron después de darme de baja?')).toBe('negative');
  });

  it('weighs the clause after a contrast even when only facts carry it; a concession opening the sentence is the weaker half', () => {
    expect(label('The driver was nice, but the pizza showed up an hour after we ordered.')).toBe('negative');
    expect(label('Me gusta el diseño, aunque se calienta muchísimo y se apaga solo.')).toBe('negative');
    expect(label('Aunque hubo un pequeño retraso, la habitación era preciosa.')).toBe('positive');
    expect(label('O quarto era bonito, mas o ar-condicionado pingava a noite toda.')).toBe('negative');
    expect(label('Il y a eu un petit retard, mais la chambre était superbe.')).toBe('positive');
  });

  it('detects English and Spanish by their function words', () => {
    expect(detectLanguage('The apartment was great, thank you')).toBe('en');
    expect(detectLanguage('El apartamento estaba genial, gracias')).toBe('es');
    expect(detectLanguage('¿Aceptan mascotas?')).toBe('es');
    expect(detectLanguage('Pesima experiencia')).toBe('es');
    expect(detectLanguage('12345')).toBeNull();
    expect(analyzeText('Muy mala experiencia').language).toBe('es');
  });

  it('analyzes a batch in order', async () => {
    const out = await new LexiconSentimentAnalyzer().analyze(['great', 'terrible', 'where is it?']);
    expect(out.map((r) => r.label)).toEqual(['positive', 'negative', 'neutral']);
    expect(Object.keys(out[0]).sort()).toEqual(['confidence', 'label', 'language', 'score']);
  });

  it('praise beside an ordinal, a frequency or time asked for is sincere; only a numbered attempt repeats (review, 2026-12-04)', () => {
    for (const text of ['Perfect, we are on the third floor.', "Parfait, c'est au deuxième étage.", 'Perfecto, la tercera opción me sirve.', 'Genial, cada vez que voy me atienden.', 'Great, I need two more weeks to decide.'])
      expect(analyzeText(text).label, text).toBe('positive');
    for (const text of ['Great, third time I call about this', 'Perfecto, es la tercera vez que llamo', 'Oh great, two more hours on hold'])
      expect(analyzeText(text).label, text).toBe('negative');
  });

  it('"now I can" is good news only when something can be done now', () => {
    expect(analyzeText('Now I can finally log in, thanks!').label).toBe('positive');
    for (const text of ['Now I can not log in at all.', 'Now I can only wait, I guess.', 'My refund was back to zero']) expect(analyzeText(text).label, text).not.toBe('positive');
  });
});

describe('accuracy on the labelled sets', () => {
  type Item = { text: string; label: string; language?: string };
  const accuracy = (items: Item[]) => items.filter((i) => analyzeText(i.text).label === i.label).length / items.length;

  it('meets its floor per language and overall (development set, 140 messages)', () => {
    const all = [...en.items, ...es.items];
    expect(en.items.length + es.items.length).toBeGreaterThanOrEqual(120);
    const figures = { en: accuracy(en.items), es: accuracy(es.items), overall: accuracy(all) };
    console.log(`sentiment accuracy (development set): en ${figures.en.toFixed(3)} (${en.items.length}), es ${figures.es.toFixed(3)} (${es.items.length}), overall ${figures.overall.toFixed(3)} (${all.length})`);
    expect(figures.en).toBeGreaterThanOrEqual(0.9);
    expect(figures.es).toBeGreaterThanOrEqual(0.9);
    expect(figures.overall).toBeGreaterThanOrEqual(0.9);
    // The language is detected right on every labelled message.
    expect(en.items.every((i) => analyzeText(i.text).language === 'en')).toBe(true);
    expect(es.items.every((i) => analyzeText(i.text).language === 'es')).toBe(true);
  });

  it('meets its floor on the phenomena development set (EN/ES/PT/FR, 112 messages)', () => {
    const items = devPhenomena.items as (Item & { lang: string })[];
    const overall = accuracy(items);
    console.log(`sentiment accuracy (phenomena development set): ${overall.toFixed(3)} (${items.length})`);
    expect(overall).toBeGreaterThanOrEqual(0.9);
  });

  it.each([
    ['situations development set', devSituations.items, 120],
    ['second situations development set', devSituations2.items, 100],
    ['probes (paraphrases, precision, short PT/FR, implicit complaints)', devProbes.items, 260],
    ['courtesy set (thanks closing a request, thanks for something done, thanks beside a complaint)', devCourtesy.items, 40],
    ['resolutions set (satisfaction told as facts, with unresolved and asked-about distractors)', devResolutions.items, 60],
    ['second sarcasm set (praise over time lost or repetition, ironic thanks, sincere "again")', devSarcasm2.items, 60],
    ['questions set (neutral questions naming problems, rhetorical complaints, praise then a question)', devQuestions.items, 60],
    ['post-hoc check set written after the outcome and sarcasm rules (first measured 0.581)', devPosthocSenti3.items, 40],
    ['second post-hoc check set, plainer wording (first measured 0.625)', devPosthocSenti3b.items, 40],
  ])('meets its floor on the %s (factual complaints, contrast, questions, short messages; EN/ES/PT/FR)', (name, set, size) => {
    const items = set as (Item & { lang: string })[];
    expect(items.length).toBeGreaterThanOrEqual(size);
    const negatives = items.filter((i) => i.label === 'negative');
    const negativeRecall = negatives.filter((i) => analyzeText(i.text).label === 'negative').length / negatives.length;
    const perLanguage = Object.fromEntries(['en', 'es', 'pt', 'fr'].map((l) => [l, accuracy(items.filter((i) => i.lang === l))]));
    const overall = accuracy(items);
    console.log(`sentiment accuracy (${name}): ${overall.toFixed(3)} (${items.length}), ${Object.entries(perLanguage).map(([l, a]) => `${l} ${a.toFixed(3)}`).join(', ')}, negative recall ${negativeRecall.toFixed(3)}`);
    expect(overall).toBeGreaterThanOrEqual(0.9);
    for (const a of Object.values(perLanguage)) expect(a).toBeGreaterThanOrEqual(0.85);
    expect(negativeRecall).toBeGreaterThanOrEqual(0.85);
  });

  it('meets a lower floor on the held-out set', () => {
    const items = holdout.items as Item[];
    const figures = { en: accuracy(items.filter((i) => i.language === 'en')), es: accuracy(items.filter((i) => i.language === 'es')), overall: accuracy(items) };
    console.log(`sentiment accuracy (held-out set): en ${figures.en.toFixed(3)}, es ${figures.es.toFixed(3)}, overall ${figures.overall.toFixed(3)} (${items.length})`);
    expect(figures.overall).toBeGreaterThanOrEqual(0.75);
  });
});

/**
 * A faithful fake of env.AI for the two models the analyzer uses. @cf/huggingface/distilbert-sst-2-int8:
 * input {text: string}, output [{label, score}] for both classes (summing to 1, most likely first).
 * The text model in JSON mode: input {messages, response_format: {type: 'json_schema', json_schema}},
 * output {response: <an object matching the schema>}. Errors like the binding's.
 */
class FakeClassifierAi {
  calls: { model: string; inputs: unknown }[] = [];
  fails = false;
  latencyMs = 0;
  textModel = SENTIMENT_TEXT_MODEL;
  /** P(POSITIVE) the fake model gives a text. */
  positive: (text: string) => number = (text) => (/\b(great|love|thanks?)\b/i.test(text) ? 0.98 : /\b(bad|awful|refund|never)\b/i.test(text) ? 0.03 : 0.55);
  /** The text model's answer to a message. */
  answer: (text: string) => unknown = (text) => ({
    response: /reembolso|nada|jamais|nunca/i.test(text) ? { label: 'negative', confidence: 0.9 } : /obrigad|merci|gracias|perfect/i.test(text) ? { label: 'positive', confidence: 0.8 } : { label: 'neutral', confidence: 0.7 },
  });

  async run(model: string, inputs: Record<string, unknown>, options?: { signal?: AbortSignal }): Promise<unknown> {
    this.calls.push({ model, inputs });
    if (model !== SENTIMENT_MODEL && model !== this.textModel) throw new Error(`AiError: 5007: No such model ${model} or task`);
    if (model === SENTIMENT_MODEL && typeof inputs?.text !== 'string') throw new Error("AiError: 5006: Error: required properties at '/' are 'text'");
    if (model === this.textModel && !Array.isArray(inputs?.messages) && typeof inputs?.prompt !== 'string') throw new Error("AiError: 5006: Error: required properties at '/' are 'prompt' or 'messages'");
    if (this.latencyMs) {
      await new Promise<void>((resolve, reject) => {
        const timer = Number.isFinite(this.latencyMs) ? setTimeout(resolve, this.latencyMs) : undefined;
        options?.signal?.addEventListener('abort', () => (clearTimeout(timer), reject(new DOMException('The operation was aborted', 'AbortError'))));
      });
    }
    if (this.fails) throw new Error('AiError: 3040: Capacity temporarily exceeded, please try again.');
    if (model === this.textModel) {
      const messages = inputs.messages as { role: string; content: string }[];
      return this.answer(messages[messages.length - 1].content);
    }
    const p = this.positive(inputs.text as string);
    return [
      { label: 'POSITIVE', score: p },
      { label: 'NEGATIVE', score: 1 - p },
    ].sort((a, b) => b.score - a.score);
  }
}

describe('Workers AI analyzer', () => {
  const cloud = (ai: FakeClassifierAi, budgetMs?: number) => new WorkersAiSentimentAnalyzer(ai as unknown as Ai, lexiconAnalyzer, budgetMs);

  it('sends each English text as {text} to distilbert and maps the two classes to a score', async () => {
    const ai = new FakeClassifierAi();
    const out = await cloud(ai).analyze(['I love this place', 'This was bad, I want a refund', 'Is the pool heated?']);
    expect(ai.calls).toEqual([
      { model: '@cf/huggingface/distilbert-sst-2-int8', inputs: { text: 'I love this place' } },
      { model: '@cf/huggingface/distilbert-sst-2-int8', inputs: { text: 'This was bad, I want a refund' } },
      { model: '@cf/huggingface/distilbert-sst-2-int8', inputs: { text: 'Is the pool heated?' } },
    ]);
    expect(out[0]).toEqual({ score: 0.96, label: 'positive', confidence: 0.98, language: 'en' });
    expect(out[1]).toMatchObject({ score: -0.94, label: 'negative', confidence: 0.97, language: 'en' });
    // Close to 50/50: the two-class model has no neutral, so the band around 0 is ours.
    expect(out[2]).toMatchObject({ score: 0.1, label: 'neutral', language: 'en' });
  });

  it('asks the multilingual text model, in JSON mode, for one of three labels for every other language', async () => {
    const ai = new FakeClassifierAi();
    const texts = ['No me gustó nada, quiero un reembolso', 'O pedido chegou certinho, obrigado!', 'Vous ouvrez à quelle heure samedi ?'];
    const out = await cloud(ai).analyze(texts);
    expect(ai.calls.map((c) => c.model)).toEqual([SENTIMENT_TEXT_MODEL, SENTIMENT_TEXT_MODEL, SENTIMENT_TEXT_MODEL]);
    const input = ai.calls[0].inputs as ReturnType<typeof labelRequest>;
    expect(input).toEqual(labelRequest(texts[0]));
    expect(input.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(input.messages[1].content).toBe(texts[0]);
    expect(input.response_format).toEqual({ type: 'json_schema', json_schema: LABEL_SCHEMA });
    expect(out).toEqual([
      { score: -0.9, label: 'negative', confidence: 0.9, language: 'es' },
      { score: 0.8, label: 'positive', confidence: 0.8, language: 'pt' },
      { score: 0, label: 'neutral', confidence: 0.7, language: 'fr' },
    ]);
    // A text already read is not sent again (alert rules re-score the last few messages on each new one).
    await cloud(ai).analyze([texts[0]]);
    expect(ai.calls).toHaveLength(3);
    // A model named by AI_SENTIMENT_MODEL is the one asked.
    const other = new FakeClassifierAi();
    other.textModel = '@cf/meta/llama-3.3-70b-instruct-fp8-fast';
    await new WorkersAiSentimentAnalyzer(other as unknown as Ai, lexiconAnalyzer, undefined, other.textModel).analyze(['Todo perfecto, gracias']);
    expect(other.calls.map((c) => c.model)).toEqual(['@cf/meta/llama-3.3-70b-instruct-fp8-fast']);
  });

  it("reads the text model's answer as an object or a JSON string; anything outside the schema, a failure or a timeout falls back to the lexicon", async () => {
    expect(fromLabel({ response: '{"label":"negative","confidence":0.3}' }, 'es')).toEqual({ score: -0.5, label: 'negative', confidence: 0.3, language: 'es' });
    expect(() => fromLabel({ response: { label: 'mixed', confidence: 0.5 } }, 'es')).toThrow();
    expect(() => fromLabel({ response: { label: 'negative', confidence: 3 } }, 'es')).toThrow();
    expect(() => fromLabel({ response: 'not json' }, 'es')).toThrow();
    expect(() => fromLabel(null, 'es')).toThrow();
    const text = 'Llevo tres semanas esperando el reembolso';
    const odd = new FakeClassifierAi();
    odd.answer = () => ({ response: { label: 'furious' } });
    expect((await cloud(odd).analyze([text]))[0]).toEqual(analyzeTextResult(text));
    const failing = new FakeClassifierAi();
    failing.fails = true;
    expect((await cloud(failing).analyze([text]))[0]).toEqual(analyzeTextResult(text));
    expect(failing.calls.map((c) => c.model)).toEqual([SENTIMENT_TEXT_MODEL]);
    const slow = new FakeClassifierAi();
    slow.latencyMs = Infinity;
    const started = Date.now();
    expect((await cloud(slow, 50).analyze([text]))[0]).toEqual(analyzeTextResult(text));
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('falls back to the lexicon per text when the model fails or is too slow', async () => {
    const failing = new FakeClassifierAi();
    failing.fails = true;
    const [r] = await cloud(failing).analyze(['The host was wonderful']);
    expect(failing.calls).toHaveLength(1);
    expect(r).toEqual(analyzeTextResult('The host was wonderful'));

    const slow = new FakeClassifierAi();
    slow.latencyMs = Infinity;
    const started = Date.now();
    const [s] = await cloud(slow, 50).analyze(['The heater is broken']);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(s).toEqual(analyzeTextResult('The heater is broken'));
  });

  it('rejects malformed model output (then the lexicon answers)', async () => {
    expect(() => fromClassification({} as never)).toThrow();
    expect(() => fromClassification([{ label: 'LABEL_0', score: 0.5 }])).toThrow();
    expect(() => fromClassification([{ label: 'POSITIVE', score: 7 }])).toThrow();
    expect(fromClassification([{ label: 'NEGATIVE', score: 0.9 }])).toMatchObject({ score: -0.8, label: 'negative' });
    const ai = new FakeClassifierAi();
    ai.run = async () => [{ label: 'LABEL_1' }];
    expect((await cloud(ai).analyze(['great stay']))[0]).toEqual(analyzeTextResult('great stay'));
  });

  it('is chosen by AI_MODE and the AI binding, like the other AI providers', () => {
    const ai = new FakeClassifierAi() as unknown as Ai;
    // Offline: the learned model stacked on the rules (local.ts), not the rules alone.
    expect(sentimentAnalyzer(env).name).toBe('local');
    expect(sentimentAnalyzer({ ...env, AI: ai, AI_MODE: 'auto' } as unknown as Env).name).toBe('workers-ai');
    expect(sentimentAnalyzer({ ...env, AI: ai, AI_MODE: 'cloud' } as unknown as Env).name).toBe('workers-ai');
    expect(sentimentAnalyzer({ ...env, AI: ai, AI_MODE: 'local' } as unknown as Env).name).toBe('local');
    expect(sentimentAnalyzer({ ...env, AI_MODE: 'cloud' } as unknown as Env).name).toBe('local');
  });
});

function analyzeTextResult(text: string) {
  const { score, label, confidence, language } = analyzeText(text);
  return { score, label, confidence, language };
}
