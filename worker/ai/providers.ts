// Which AI implementations run: AI_MODE=local (BM25 + extractive, no bindings), cloud (Workers AI +
// Vectorize) or auto (the default: cloud exactly when the AI and VECTORIZE bindings are present).
import { Bm25Retriever } from './bm25-retriever';
import { ExtractiveDrafter, type Drafter } from './drafter';
import { HybridRetriever } from './hybrid-retriever';
import { LocalIndexer, VectorIndexer, type KbIndexer, type KbIndexMessage } from './indexer';
import type { Retriever } from './retriever';
import { ExtractiveSummarizer, type Summarizer } from './summarizer';
import { WorkersAiDrafter, WorkersAiSummarizer } from './workers-ai';

/** Bindings and settings of the cloud path; optional because they are not declared for local runs (see README). */
export interface AiEnv {
  AI?: Ai;
  VECTORIZE?: Vectorize;
  KB_INDEX?: Queue<KbIndexMessage>;
  /** 'auto' (default) | 'local' | 'cloud'. */
  AI_MODE?: string;
  AI_TEXT_MODEL?: string;
  /** The JSON-mode text model that reads sentiment in languages other than English (worker/ai/sentiment/workers-ai.ts). */
  AI_SENTIMENT_MODEL?: string;
  AI_EMBEDDING_MODEL?: string;
  /** Hard time budget of a drafted reply on request, in milliseconds. */
  AI_DRAFT_BUDGET_MS?: string;
}

export type AiMode = 'local' | 'cloud';

let warned = false;

export function aiMode(env: Env): AiMode {
  const e = env as Env & AiEnv;
  const mode = (e.AI_MODE ?? 'auto').toLowerCase();
  if (mode === 'local') return 'local';
  const bound = Boolean(e.AI && e.VECTORIZE);
  if (mode === 'cloud' && !bound && !warned) {
    warned = true;
    console.warn('AI_MODE=cloud but the AI and VECTORIZE bindings are missing: using the local implementations');
  }
  return bound ? 'cloud' : 'local';
}

export function cloudEnv(env: Env): Env & Required<Pick<AiEnv, 'AI' | 'VECTORIZE'>> & AiEnv {
  return env as Env & Required<Pick<AiEnv, 'AI' | 'VECTORIZE'>> & AiEnv;
}

export const bm25 = new Bm25Retriever();

export function retrieverFor(env: Env): Retriever {
  return aiMode(env) === 'cloud' ? new HybridRetriever(bm25, cloudEnv(env)) : bm25;
}

export const extractive = new ExtractiveDrafter();

export function drafterFor(env: Env, opts: { budgetMs?: number } = {}): Drafter {
  return aiMode(env) === 'cloud' ? new WorkersAiDrafter(cloudEnv(env), extractive, opts.budgetMs) : extractive;
}

const extractiveSummarizer = new ExtractiveSummarizer();

export function summarizerFor(env: Env, opts: { budgetMs?: number } = {}): Summarizer {
  return aiMode(env) === 'cloud' ? new WorkersAiSummarizer(cloudEnv(env), extractiveSummarizer, opts.budgetMs) : extractiveSummarizer;
}

const localIndexer = new LocalIndexer();

export function indexerFor(env: Env): KbIndexer {
  return aiMode(env) === 'cloud' ? new VectorIndexer(cloudEnv(env)) : localIndexer;
}
