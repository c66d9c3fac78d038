// The cloud sentiment analyzer. English: Workers AI text classification
// (@cf/huggingface/distilbert-sst-2-int8: input {text}, output [{label: 'NEGATIVE' | 'POSITIVE', score}]),
// fast and cheap, with a band around 50/50 read as neutral (the model has no neutral class). Every
// other language: the multilingual text model (Llama 3.1 reads EN/ES/PT/FR/DE/IT among others) asked
// for one of three labels in JSON mode (`response_format: {type: 'json_schema'}`), so Spanish,
// Portuguese and French are read by a model, not only by the word lists. On an error, a timeout or an
// answer outside the schema, that text falls back to the local analyzer (local.ts).
import type { SentimentAnalyzer, SentimentLabel, SentimentResult } from '../../sla/model';
import { BudgetExceeded, withBudget } from '../budget';
import { detectLanguage } from './lexicon';

export const SENTIMENT_MODEL = '@cf/huggingface/distilbert-sst-2-int8';
/**
 * The text model for languages other than English (`AI_SENTIMENT_MODEL` overrides it): one Workers AI
 * lists as taking `response_format` (JSON mode), multilingual, and the fast variant, since an inbound
 * message's alert rules wait for it.
 */
export const SENTIMENT_TEXT_MODEL = '@cf/meta/llama-3.1-8b-instruct-fast';
/** P(positive) − P(negative) below this in magnitude is neutral: SST-2 has only two classes. */
export const NEUTRAL_BAND = 0.5;
/** distilbert reads at most 512 tokens; longer text adds nothing but latency. */
const MAX_CHARS = 2000;
const BUDGET_MS = 2500;

type Classification = { label?: string; score?: number }[];

export class WorkersAiSentimentAnalyzer implements SentimentAnalyzer {
  readonly name = 'workers-ai';

  constructor(
    private ai: Ai,
    private fallback: SentimentAnalyzer,
    private budgetMs = BUDGET_MS,
    private textModel = SENTIMENT_TEXT_MODEL,
  ) {}

  async analyze(texts: string[]): Promise<SentimentResult[]> {
    return Promise.all(texts.map((t) => this.#one(t)));
  }

  async #one(text: string): Promise<SentimentResult> {
    if (!text.trim()) return (await this.fallback.analyze([text]))[0];
    const language = detectLanguage(text);
    const model = language === 'en' ? SENTIMENT_MODEL : this.textModel;
    // AI alert rules score the last few customer messages on every new one: a text already read by the
    // model in this isolate is not sent again.
    const key = `${model}\n${text}`;
    const seen = memo.get(key);
    if (seen) return seen;
    const run = (this.ai as unknown as { run: (m: string, input: unknown, o?: unknown) => Promise<unknown> }).run;
    try {
      const result =
        language === 'en'
          ? fromClassification((await withBudget(this.budgetMs, (signal) => run.call(this.ai, SENTIMENT_MODEL, { text: text.slice(0, MAX_CHARS) }, { signal }))) as Classification)
          : fromLabel(await withBudget(this.budgetMs, (signal) => run.call(this.ai, this.textModel, labelRequest(text), { signal })), language);
      remember(key, result);
      return result;
    } catch (err) {
      console.warn(`sentiment with Workers AI ${err instanceof BudgetExceeded ? `exceeded ${this.budgetMs} ms` : `failed (${String(err)})`}; local analyzer for this text`);
      return (await this.fallback.analyze([text]))[0];
    }
  }
}

const MEMO_SIZE = 2000;
const memo = new Map<string, SentimentResult>();

/** Keep a model's reading of a text, the oldest forgotten first (a Map iterates in insertion order). */
function remember(key: string, result: SentimentResult): void {
  memo.delete(key);
  memo.set(key, result);
  if (memo.size > MEMO_SIZE) memo.delete(memo.keys().next().value!);
}

/** What the text model is told: the same triage the labelled sets use (test/fixtures/sentiment*). */
const LABEL_SYSTEM = [
  'You read one message a customer sent to a business and say how a support agent triaging the inbox would file it.',
  'negative: a complaint, frustration, anger or disappointment, also when it is polite, sarcastic or told as plain facts (a double charge, a missing item, a long wait).',
  'neutral: a question, a request or logistics with no clear feeling; a closing "thanks" or a greeting does not make it positive.',
  'positive: thanks for something done, praise or satisfaction.',
  'The message can be in any language. Answer only with the JSON object: the label and your confidence from 0 to 1.',
].join('\n');

export const LABEL_SCHEMA = {
  type: 'object',
  properties: { label: { type: 'string', enum: ['positive', 'neutral', 'negative'] }, confidence: { type: 'number', minimum: 0, maximum: 1 } },
  required: ['label', 'confidence'],
} as const;

/** The text model's input: a chat in JSON mode (response_format json_schema), short and deterministic. */
export function labelRequest(text: string) {
  return {
    messages: [
      { role: 'system', content: LABEL_SYSTEM },
      { role: 'user', content: text.slice(0, MAX_CHARS) },
    ],
    response_format: { type: 'json_schema', json_schema: LABEL_SCHEMA },
    max_tokens: 40,
    temperature: 0,
  };
}

/** The text model's answer ({response: {label, confidence}}, or the same object as a JSON string) → our result. */
export function fromLabel(out: unknown, language: string | null): SentimentResult {
  let answer = (out as { response?: unknown } | null)?.response;
  if (typeof answer === 'string') answer = JSON.parse(answer) as unknown;
  const { label, confidence } = (answer ?? {}) as { label?: unknown; confidence?: unknown };
  if (label !== 'positive' && label !== 'neutral' && label !== 'negative') throw new Error(`the text model answered no label (${JSON.stringify(answer)?.slice(0, 80)})`);
  if (typeof confidence !== 'number' || !Number.isFinite(confidence) || confidence < 0 || confidence > 1) throw new Error('the text model answered a confidence outside [0, 1]');
  // A label with a confidence, as a score: the model's certainty signed by the label (neutral: 0).
  const score = label === 'neutral' ? 0 : label === 'positive' ? Math.max(NEUTRAL_BAND, confidence) : -Math.max(NEUTRAL_BAND, confidence);
  return { score: Math.round(score * 1000) / 1000, label, confidence: Math.round(confidence * 1000) / 1000, language };
}

/** The model's two-class output → our score in [-1, 1], label and confidence. */
export function fromClassification(out: Classification): SentimentResult {
  if (!Array.isArray(out)) throw new Error('the classifier returned no list');
  const p = (label: string) => out.find((o) => o.label?.toUpperCase() === label)?.score;
  let pos = p('POSITIVE');
  let neg = p('NEGATIVE');
  if (pos === undefined && neg === undefined) throw new Error('the classifier returned neither POSITIVE nor NEGATIVE');
  // One class only: the other is its complement.
  pos ??= 1 - neg!;
  neg ??= 1 - pos;
  if (![pos, neg].every((x) => Number.isFinite(x) && x >= 0 && x <= 1)) throw new Error('the classifier returned scores outside [0, 1]');
  const score = Math.max(-1, Math.min(1, pos - neg));
  const label: SentimentLabel = score >= NEUTRAL_BAND ? 'positive' : score <= -NEUTRAL_BAND ? 'negative' : 'neutral';
  const confidence = label === 'neutral' ? 1 - Math.abs(score) / NEUTRAL_BAND / 2 : Math.max(pos, neg);
  return { score: Math.round(score * 1000) / 1000, label, confidence: Math.round(confidence * 1000) / 1000, language: 'en' };
}
