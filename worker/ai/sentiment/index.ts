// Sentiment analysis: Workers AI in production (a classifier for English, a text model for the other
// languages; workers-ai.ts), the local EN/ES/PT/FR lexicon analyzer
// offline and in tests. Same rule as worker/ai/providers.ts: AI_MODE=local forces the lexicon; auto
// (the default) and cloud use Workers AI when the AI binding is there (sentiment needs no Vectorize).
import type { SentimentAnalyzer } from '../../sla/model';
import type { AiEnv } from '../providers';
import { lexiconAnalyzer } from './lexicon';
import { WorkersAiSentimentAnalyzer } from './workers-ai';

export { analyzeText, detectLanguage, lexiconAnalyzer, LexiconSentimentAnalyzer } from './lexicon';
export { SENTIMENT_MODEL, WorkersAiSentimentAnalyzer } from './workers-ai';

export function sentimentAnalyzer(env: Env): SentimentAnalyzer {
  const e = env as Env & AiEnv;
  if ((e.AI_MODE ?? 'auto').toLowerCase() === 'local' || !e.AI) return lexiconAnalyzer;
  return new WorkersAiSentimentAnalyzer(e.AI, lexiconAnalyzer, undefined, e.AI_SENTIMENT_MODEL ?? undefined);
}
