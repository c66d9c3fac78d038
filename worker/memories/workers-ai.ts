// The cloud memory extractor: the Workers AI text model reads the customer's side of the conversation
// and lists what is worth remembering, as JSON. It adds to the patterns (which always run and win on
// the same key) and falls back to them alone on a timeout, an error or an answer that is not JSON.
import { BudgetExceeded, withBudget } from '../ai/budget';
import { generate, type ChatMessage, type CloudEnv } from '../ai/workers-ai';
import { extractLocally, type ExtractionMessage, type MemoryExtractor } from './extract';
import { MAX_MEMORY_TEXT, MEMORY_TYPES, textKey, type MemoryCandidate, type MemoryType } from './model';

const BUDGET_MS = 4000;
const MAX_FOUND = 8;

export function extractionMessages(messages: ExtractionMessage[]): ChatMessage[] {
  const said = messages
    .filter((m) => m.role === 'customer' && m.text.trim())
    .slice(-40)
    .map((m) => `- ${m.text.replace(/\s+/g, ' ').slice(0, 600)}`)
    .join('\n');
  return [
    {
      role: 'system',
      content: [
        'You keep notes for a customer support team about one customer, so nobody has to ask them twice.',
        'From the customer\'s own messages, list only lasting things worth remembering for future conversations:',
        'facts (allergies, diets, accessibility needs, family), preferences (rooms, beds, products, times, how to be contacted, language),',
        'goals (occasions, plans) and experiences (how an earlier visit or order went).',
        'Skip one-off requests, order numbers, dates of this booking, payment details and anything you are unsure of.',
        'Write each note in English, short, in the third person without the name ("Allergic to peanuts").',
        'Reply with JSON only: {"memories": [{"type": "fact|preference|goal|experience", "text": "..."}]}; an empty list if nothing lasting was said.',
      ].join('\n'),
    },
    { role: 'user', content: `The customer wrote:\n${said}` },
  ];
}

export class WorkersAiMemoryExtractor implements MemoryExtractor {
  readonly name = 'workers-ai';

  constructor(
    private env: CloudEnv,
    private budgetMs = BUDGET_MS,
  ) {}

  async extract(messages: ExtractionMessage[]): Promise<MemoryCandidate[]> {
    const local = extractLocally(messages);
    if (!messages.some((m) => m.role === 'customer' && m.text.trim())) return local;
    let raw: string;
    try {
      raw = await withBudget(this.budgetMs, (signal) => generate(this.env, extractionMessages(messages), signal, 400));
    } catch (err) {
      console.warn(`memory extraction with Workers AI ${err instanceof BudgetExceeded ? `exceeded ${this.budgetMs} ms` : `failed (${String(err)})`}; patterns only`);
      return local;
    }
    const cloud = parseMemories(raw);
    const keys = new Set(local.map((c) => c.key));
    const texts = new Set(local.map((c) => textKey(c.text)));
    return [...local, ...cloud.filter((c) => !keys.has(c.key) && !texts.has(textKey(c.text)))];
  }
}

/** The model's JSON, checked item by item: unknown types and empty or overlong texts are dropped. */
export function parseMemories(raw: string): MemoryCandidate[] {
  const json = /\{[\s\S]*\}/.exec(raw)?.[0];
  if (!json) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return [];
  }
  const list = (parsed as { memories?: unknown })?.memories;
  if (!Array.isArray(list)) return [];
  const out: MemoryCandidate[] = [];
  for (const item of list) {
    const type = (item as { type?: unknown })?.type;
    const text = (item as { text?: unknown })?.text;
    if (typeof type !== 'string' || !(MEMORY_TYPES as readonly string[]).includes(type)) continue;
    if (typeof text !== 'string' || !text.trim() || text.length > MAX_MEMORY_TEXT) continue;
    const clean = text.replace(/\s+/g, ' ').trim();
    out.push({ type: type as MemoryType, text: clean, key: `ai:${textKey(clean)}`, messageId: null });
    if (out.length >= MAX_FOUND) break;
  }
  return out;
}
