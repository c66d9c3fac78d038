// Text embeddings through Workers AI (multilingual BGE-M3 by default: 1024 dimensions, cosine).
// The Vectorize index must be created with the model's dimensions (see README).

export const DEFAULT_EMBEDDING_MODEL = '@cf/baai/bge-m3';
/** Texts per Workers AI call. */
const BATCH = 50;
/** Characters per text: passages are shorter; this only guards against pathological input. */
const MAX_CHARS = 8000;

interface EmbeddingOutput {
  shape?: number[];
  data?: number[][];
}

export async function embed(ai: Ai, texts: string[], opts: { model?: string; signal?: AbortSignal } = {}): Promise<number[][]> {
  const model = opts.model ?? DEFAULT_EMBEDDING_MODEL;
  const out: number[][] = [];
  for (let i = 0; i < texts.length; i += BATCH) {
    const batch = texts.slice(i, i + BATCH).map((t) => t.slice(0, MAX_CHARS));
    const res = (await (ai as unknown as { run: (m: string, input: unknown, o?: unknown) => Promise<unknown> }).run(
      model,
      { text: batch },
      opts.signal ? { signal: opts.signal } : undefined,
    )) as EmbeddingOutput;
    if (!Array.isArray(res?.data) || res.data.length !== batch.length) {
      throw new Error(`embedding model ${model} returned ${Array.isArray(res?.data) ? res.data.length : 'no'} vectors for ${batch.length} texts`);
    }
    out.push(...res.data);
  }
  return out;
}
