// The cloud sentiment analyzer: Workers AI text classification (@cf/huggingface/distilbert-sst-2-int8:
// input {text}, output [{label: 'NEGATIVE' | 'POSITIVE', score}]). The model is English-only and has no
// neutral class, so: text the lexicon detects as another language (Spanish) is scored by the lexicon;
// an English result close to 50/50 is neutral; on an error or timeout that text falls back to the lexicon.
import type { SentimentAnalyzer, SentimentLabel, SentimentResult } from '../../sla/model';
import { BudgetExceeded, withBudget } from '../budget';
import { detectLanguage, type LexiconSentimentAnalyzer } from './lexicon';

export const SENTIMENT_MODEL = '@cf/huggingface/distilbert-sst-2-int8';
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
    private fallback: LexiconSentimentAnalyzer,
    private budgetMs = BUDGET_MS,
  ) {}

  async analyze(texts: string[]): Promise<SentimentResult[]> {
    return Promise.all(texts.map((t) => this.#one(t)));
  }

  async #one(text: string): Promise<SentimentResult> {
    const language = detectLanguage(text);
    // Not English (or nothing to read): the model would answer with confident noise.
    if (language !== 'en' || !text.trim()) return (await this.fallback.analyze([text]))[0];
    try {
      const run = (this.ai as unknown as { run: (m: string, input: unknown, o?: unknown) => Promise<unknown> }).run;
      const out = (await withBudget(this.budgetMs, (signal) => run.call(this.ai, SENTIMENT_MODEL, { text: text.slice(0, MAX_CHARS) }, { signal }))) as Classification;
      return fromClassification(out);
    } catch (err) {
      console.warn(`sentiment with Workers AI ${err instanceof BudgetExceeded ? `exceeded ${this.budgetMs} ms` : `failed (${String(err)})`}; lexicon for this text`);
      return (await this.fallback.analyze([text]))[0];
    }
  }
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
