// Sentiment analysis: Workers AI in production (a classifier for English, a text model for the other
// languages; workers-ai.ts), the local EN/ES/PT/FR analyzer offline and in tests (local.ts: a learned
// model stacked on the rule-based lexicon analyzer). Same rule as worker/ai/providers.ts: AI_MODE=local
// forces the local analyzer; auto (the default) and cloud use Workers AI when the AI binding is there
// (sentiment needs no Vectorize).
import type { SentimentAnalyzer } from '../../sla/model';
import type { AiEnv } from '../providers';
import { localAnalyzer } from './local';
import { WorkersAiSentimentAnalyzer } from './workers-ai';

export { analyzeText, detectLanguage, lexiconAnalyzer, LexiconSentimentAnalyzer } from './lexicon';
export { localAnalyzer, LocalSentimentAnalyzer, readSentiment } from './local';
export { SENTIMENT_MODEL, WorkersAiSentimentAnalyzer } from './workers-ai';

export function sentimentAnalyzer(env: Env): SentimentAnalyzer {
  const e = env as Env & AiEnv;
  if ((e.AI_MODE ?? 'auto').toLowerCase() === 'local' || !e.AI) return localAnalyzer;
  return new WorkersAiSentimentAnalyzer(e.AI, localAnalyzer, undefined, e.AI_SENTIMENT_MODEL ?? undefined);
}
