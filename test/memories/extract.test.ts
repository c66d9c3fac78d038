// The local memory extractor (patterns) and the cloud one against the faithful Workers AI fake.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { extractFromText, extractLocally } from '../../worker/memories/extract';
import { WorkersAiMemoryExtractor, parseMemories } from '../../worker/memories/workers-ai';
import { FakeAi } from '../ai/fakes';

const texts = (found: { text: string }[]) => found.map((f) => f.text);

describe('memory patterns', () => {
  it('finds allergies in four languages, naming who has them', () => {
    expect(texts(extractFromText("Hi! I'm allergic to peanuts, so please no welcome cookies.", 'm1'))).toEqual(['Allergic to peanuts']);
    expect(texts(extractFromText('My daughter is severely allergic to shellfish and eggs.', 'm1'))).toEqual(['Someone in the party is allergic to shellfish']);
    expect(texts(extractFromText('Hola, soy alérgica a los frutos secos.', 'm1'))).toEqual(['Allergic to frutos secos']);
    expect(texts(extractFromText('Olá, sou alérgico a amendoim.', 'm1'))).toEqual(['Allergic to amendoim']);
    expect(texts(extractFromText('Bonjour, je suis allergique aux arachides.', 'm1'))).toEqual(['Allergic to arachides']);
    expect(extractFromText("I'm allergic to peanuts", 'm1')[0].key).toBe('allergy:peanuts');
  });

  it('finds diets, room and contact preferences, occasions, plans and earlier experiences', () => {
    expect(texts(extractFromText("We're vegetarian, is breakfast ok?", null))).toEqual(['Vegetarian']);
    expect(texts(extractFromText("We'd prefer a quiet room away from the street.", null))).toEqual(['Prefers a quiet room']);
    expect(texts(extractFromText('I always want a high-floor room if possible', null))).toEqual(['Prefers a high floor room']);
    expect(texts(extractFromText('Please contact me by WhatsApp, I never read e-mail.', null))).toEqual(['Prefers to be contacted by WhatsApp']);
    expect(texts(extractFromText("It's our anniversary on Saturday!", null))).toEqual(['Celebrating an anniversary']);
    expect(texts(extractFromText("We're planning to visit the wine region on Sunday.", null))).toEqual(['They are planning to visit the wine region on Sunday']);
    expect(texts(extractFromText('Last time the heating did not work at all.', null))).toEqual(['Last time the heating did not work at all']);
  });

  it('reads only what the customer said, keeps what was said last, and records the language they write in', () => {
    const found = extractLocally([
      { id: 'a1', role: 'agent', text: "Are you allergic to anything? I'm allergic to cats myself." },
      { id: 'c1', role: 'customer', text: "Hola, queremos reservar. Preferimos una habitación tranquila, por favor, y somos vegetarianos." },
      { id: 'c2', role: 'customer', text: 'Mi hija es alérgica al gluten. Gracias por todo.' },
    ]);
    expect(found.find((f) => f.key.startsWith('allergy'))).toMatchObject({ type: 'fact', text: 'Someone in the party is allergic to gluten', messageId: 'c2' });
    expect(found.some((f) => /cats/.test(f.text))).toBe(false);
    expect(found.find((f) => f.key === 'language')).toMatchObject({ type: 'preference', text: 'Writes in Spanish' });
    expect(found.find((f) => f.key.startsWith('diet'))?.text).toBe('Vegetarian');
    expect(found.find((f) => f.key.startsWith('room'))?.type).toBe('preference');
  });

  it('finds nothing in small talk, and no language from a greeting alone', () => {
    expect(extractLocally([{ id: 'c', role: 'customer', text: 'Thanks, see you soon!' }])).toEqual([]);
  });
});

describe('cloud memory extraction', () => {
  const messages = [{ id: 'c1', role: 'customer' as const, text: "I'm allergic to peanuts. I use a wheelchair, so step-free access matters. Thanks so much for the help today!" }];

  it('adds what the model lists to the patterns, the patterns winning on the same thing', async () => {
    const ai = new FakeAi();
    ai.respond = () => 'Here you go: {"memories": [{"type": "fact", "text": "Allergic to peanuts"}, {"type": "fact", "text": "Uses a wheelchair; needs step-free access"}, {"type": "mood", "text": "happy"}, {"type": "goal", "text": ""}]}';
    const extractor = new WorkersAiMemoryExtractor({ ...env, AI: ai } as never);
    const found = await extractor.extract(messages);
    expect(texts(found)).toEqual(['Allergic to peanuts', 'Writes in English', 'Uses a wheelchair; needs step-free access']);
    // Only the customer's words go to the model.
    expect(ai.textCalls[0].messages[1].content).toContain('wheelchair');
  });

  it('falls back to the patterns when the model fails, is too slow or does not answer in JSON', async () => {
    const ai = new FakeAi();
    ai.textFails = true;
    expect(texts(await new WorkersAiMemoryExtractor({ ...env, AI: ai } as never).extract(messages))).toEqual(['Allergic to peanuts', 'Writes in English']);
    const slow = new FakeAi();
    slow.textLatencyMs = Infinity;
    expect(texts(await new WorkersAiMemoryExtractor({ ...env, AI: slow } as never, 50).extract(messages))).toEqual(['Allergic to peanuts', 'Writes in English']);
    expect(parseMemories('Sorry, I cannot help with that.')).toEqual([]);
    expect(parseMemories('{"memories": "none"}')).toEqual([]);
  });
});
