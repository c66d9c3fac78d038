// Which memory extractor runs: the patterns locally, Workers AI (with the patterns) when the AI
// bindings are present — the same switch as the other AI features (worker/ai/providers.ts).
import { aiMode, cloudEnv } from '../ai/providers';
import { PatternExtractor, type MemoryExtractor } from './extract';
import { WorkersAiMemoryExtractor } from './workers-ai';

const patterns = new PatternExtractor();

export function memoryExtractorFor(env: Env): MemoryExtractor {
  return aiMode(env) === 'cloud' ? new WorkersAiMemoryExtractor(cloudEnv(env)) : patterns;
}
