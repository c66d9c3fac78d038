// Faithful fakes of the Workers AI and Vectorize bindings (they have no local simulator), following
// the documented shapes: env.AI.run(model, inputs, options) → embeddings {shape, data} or text
// {response, usage}; Vectorize upsert/insert/deleteByIds → {mutationId}, query → {count, matches},
// with the documented limits enforced. Plus a queue producer that records what was sent.

const EMBEDDING_DIMENSIONS: Record<string, number> = { '@cf/baai/bge-m3': 1024, '@cf/baai/bge-base-en-v1.5': 768, '@cf/baai/bge-small-en-v1.5': 384, '@cf/baai/bge-large-en-v1.5': 1024 };
const TEXT_MODELS = new Set(['@cf/meta/llama-3.1-8b-instruct-fp8', '@cf/meta/llama-3.1-8b-instruct-awq', '@cf/meta/llama-3.2-3b-instruct', '@cf/meta/llama-3.3-70b-instruct-fp8-fast']);

/** Words that mean the same thing to the fake embedding model: its stand-in for semantics. */
const CONCEPTS: Record<string, string> = {
  dog: 'pet', dogs: 'pet', cat: 'cat', cats: 'pet', pet: 'pet', pets: 'pet', puppy: 'pet', furry: 'pet', animal: 'pet', animals: 'pet',
  park: 'car', parking: 'car', car: 'car', garage: 'car', vehicle: 'car',
  wifi: 'net', internet: 'net', connection: 'net', online: 'net', router: 'net',
  arrive: 'arrival', arrival: 'arrival', checkin: 'arrival', 'check-in': 'arrival', lockbox: 'arrival', keys: 'arrival',
};

function tokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}-]+/gu) ?? [];
}

/** A deterministic, normalized bag-of-concepts vector (hashing trick). */
export function fakeEmbedding(text: string, dims: number): number[] {
  const v = new Array<number>(dims).fill(0);
  for (const t of tokens(text)) {
    if (t.length < 3) continue;
    const key = CONCEPTS[t] ?? t.replace(/(ing|ed|es|s)$/, '');
    let h = 2166136261;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
    v[Math.abs(h) % dims] += CONCEPTS[t] ? 2 : 1;
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

class AiError extends Error {}

export interface TextCall {
  model: string;
  messages: { role: string; content: string }[];
  maxTokens?: number;
}

export class FakeAi {
  calls: { model: string; inputs: unknown; options?: { signal?: AbortSignal } }[] = [];
  textCalls: TextCall[] = [];
  /** Milliseconds a text generation takes; Infinity never answers (until aborted). */
  textLatencyMs = 0;
  embeddingFails = false;
  textFails = false;
  /** What the text model says; by default the first passage's first sentence, cited. */
  respond: (call: TextCall) => string = (call) => {
    const user = call.messages.find((m) => m.role === 'user')?.content ?? '';
    const first = /\[1\] [^\n]*\n([^.!?]*[.!?])/.exec(user)?.[1];
    return first ? `${first.trim()} [1]` : 'I will check with the team.';
  };

  async run(model: string, inputs: Record<string, unknown>, options?: { signal?: AbortSignal }): Promise<unknown> {
    this.calls.push({ model, inputs, options });
    if (options?.signal?.aborted) throw new DOMException('The operation was aborted', 'AbortError');
    const dims = EMBEDDING_DIMENSIONS[model];
    if (dims) {
      const text = inputs?.text;
      const list = typeof text === 'string' ? [text] : Array.isArray(text) && text.every((t) => typeof t === 'string') ? (text as string[]) : null;
      if (!list || list.length === 0) throw new AiError('AiError: 5006: Error: required properties at \'/\' are \'text\'');
      if (list.length > 100) throw new AiError('AiError: 5006: Error: too many inputs in a batch (max 100)');
      if (this.embeddingFails) throw new AiError('AiError: 3040: Capacity temporarily exceeded, please try again.');
      return { shape: [list.length, dims], data: list.map((t) => fakeEmbedding(t, dims)), pooling: 'cls' };
    }
    if (TEXT_MODELS.has(model)) {
      const messages = inputs?.messages;
      if (!Array.isArray(messages) || !messages.every((m) => m && typeof m.role === 'string' && typeof m.content === 'string')) {
        throw new AiError("AiError: 5006: Error: required properties at '/' are 'messages' or 'prompt'");
      }
      const call: TextCall = { model, messages, maxTokens: inputs.max_tokens as number | undefined };
      this.textCalls.push(call);
      if (this.textLatencyMs > 0) {
        await new Promise<void>((resolve, reject) => {
          const timer = Number.isFinite(this.textLatencyMs) ? setTimeout(resolve, this.textLatencyMs) : undefined;
          options?.signal?.addEventListener('abort', () => (clearTimeout(timer), reject(new DOMException('The operation was aborted', 'AbortError'))));
        });
      }
      if (this.textFails) throw new AiError('AiError: 3043: Internal server error');
      const response = this.respond(call);
      return { response, usage: { prompt_tokens: 100, completion_tokens: response.length / 4, total_tokens: 100 + response.length / 4 } };
    }
    throw new AiError(`AiError: 5007: No such model ${model} or task`);
  }
}

interface Stored {
  id: string;
  values: number[];
  namespace?: string;
  metadata?: Record<string, unknown>;
}

const bytes = (s: string) => new TextEncoder().encode(s).length;

export class FakeVectorize {
  /** By namespace ('' is the default namespace), then id. */
  readonly store = new Map<string, Map<string, Stored>>();
  readonly mutations: { op: 'insert' | 'upsert' | 'delete'; ids: string[] }[] = [];
  /** Vectorize applies mutations asynchronously; set false to hold them until process(). */
  applyAtOnce = true;
  #pending: (() => void)[] = [];
  #mutationCount = 0;

  constructor(readonly dimensions = 1024) {}

  #validate(vectors: VectorizeVector[]) {
    if (!Array.isArray(vectors) || vectors.length === 0) throw new Error('VECTOR_INSERT_ERROR (code = 40006): no vectors');
    if (vectors.length > 1000) throw new Error('VECTOR_INSERT_ERROR (code = 40007): more than 1000 vectors in one call from a Worker');
    for (const v of vectors) {
      if (typeof v.id !== 'string' || v.id.length === 0 || bytes(v.id) > 64) throw new Error(`VECTOR_INSERT_ERROR (code = 40008): invalid vector id "${v.id}" (1 to 64 bytes)`);
      const values = Array.from(v.values as ArrayLike<number>);
      if (values.length !== this.dimensions) throw new Error(`VECTOR_INSERT_ERROR (code = 40012): vector "${v.id}" has ${values.length} dimensions, the index ${this.dimensions}`);
      if (!values.every(Number.isFinite)) throw new Error(`VECTOR_INSERT_ERROR: vector "${v.id}" has non-finite values`);
      if (v.namespace !== undefined && bytes(v.namespace) > 64) throw new Error('VECTOR_INSERT_ERROR: namespace longer than 64 bytes');
      if (v.metadata !== undefined && bytes(JSON.stringify(v.metadata)) > 10_240) throw new Error('VECTOR_INSERT_ERROR: metadata larger than 10 KiB');
    }
  }

  #mutate(op: 'insert' | 'upsert' | 'delete', ids: string[], apply: () => void): VectorizeAsyncMutation {
    this.mutations.push({ op, ids });
    if (this.applyAtOnce) apply();
    else this.#pending.push(apply);
    return { mutationId: `mut-${++this.#mutationCount}` };
  }

  /** Apply held mutations (what Vectorize does a few seconds later). */
  process(): void {
    for (const apply of this.#pending.splice(0)) apply();
  }

  #space(ns: string | undefined): Map<string, Stored> {
    const key = ns ?? '';
    if (!this.store.has(key)) this.store.set(key, new Map());
    return this.store.get(key)!;
  }

  async upsert(vectors: VectorizeVector[]): Promise<VectorizeAsyncMutation> {
    this.#validate(vectors);
    const copies = vectors.map((v) => ({ id: v.id, values: Array.from(v.values as ArrayLike<number>), namespace: v.namespace, metadata: v.metadata }));
    return this.#mutate('upsert', copies.map((v) => v.id), () => {
      for (const v of copies) {
        // An id lives in one namespace: upserting elsewhere moves it (full replacement, no merge).
        for (const space of this.store.values()) space.delete(v.id);
        this.#space(v.namespace).set(v.id, v);
      }
    });
  }

  async insert(vectors: VectorizeVector[]): Promise<VectorizeAsyncMutation> {
    this.#validate(vectors);
    const copies = vectors.map((v) => ({ id: v.id, values: Array.from(v.values as ArrayLike<number>), namespace: v.namespace, metadata: v.metadata }));
    return this.#mutate('insert', copies.map((v) => v.id), () => {
      for (const v of copies) if (![...this.store.values()].some((s) => s.has(v.id))) this.#space(v.namespace).set(v.id, v);
    });
  }

  async deleteByIds(ids: string[]): Promise<VectorizeAsyncMutation> {
    if (!Array.isArray(ids) || ids.length > 1000) throw new Error('VECTOR_DELETE_ERROR: between 1 and 1000 ids per call');
    return this.#mutate('delete', [...ids], () => {
      for (const space of this.store.values()) for (const id of ids) space.delete(id);
    });
  }

  async getByIds(ids: string[]): Promise<VectorizeVector[]> {
    return [...this.store.values()].flatMap((s) => ids.map((id) => s.get(id)).filter((v): v is Stored => Boolean(v))) as VectorizeVector[];
  }

  async query(vector: VectorFloatArray | number[], options: VectorizeQueryOptions = {}): Promise<VectorizeMatches> {
    const q = Array.from(vector as ArrayLike<number>);
    if (q.length !== this.dimensions) throw new Error(`VECTOR_QUERY_ERROR (code = 40012): query has ${q.length} dimensions, the index ${this.dimensions}`);
    const topK = options.topK ?? 5;
    const heavy = options.returnValues === true || options.returnMetadata === true || options.returnMetadata === 'all';
    if (topK < 1 || topK > (heavy ? 20 : 100)) throw new Error(`VECTOR_QUERY_ERROR (code = 40025): topK must be 1 to ${heavy ? 20 : 100}${heavy ? ' when returning values or all metadata' : ''}`);
    const spaces = options.namespace !== undefined ? [this.store.get(options.namespace) ?? new Map<string, Stored>()] : [...this.store.values()];
    const qn = Math.hypot(...q) || 1;
    const scored = spaces
      .flatMap((s) => [...s.values()])
      .map((v) => ({ v, score: v.values.reduce((sum, x, i) => sum + x * q[i], 0) / (qn * (Math.hypot(...v.values) || 1)) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, topK);
    const withMetadata = options.returnMetadata === true || options.returnMetadata === 'all' || options.returnMetadata === 'indexed';
    return {
      count: scored.length,
      matches: scored.map(({ v, score }) => ({
        id: v.id,
        score,
        ...(v.namespace !== undefined ? { namespace: v.namespace } : {}),
        ...(options.returnValues ? { values: v.values } : {}),
        ...(withMetadata && v.metadata ? { metadata: v.metadata as Record<string, VectorizeVectorMetadata> } : {}),
      })),
    };
  }

  async describe(): Promise<VectorizeIndexInfo> {
    return { vectorCount: [...this.store.values()].reduce((n, s) => n + s.size, 0), dimensions: this.dimensions, processedUpToDatetime: Date.now(), processedUpToMutation: this.#mutationCount };
  }

  /** All stored ids, sorted (for assertions). */
  ids(namespace?: string): string[] {
    return [...(namespace === undefined ? [...this.store.values()].flatMap((s) => [...s.keys()]) : this.store.get(namespace)?.keys() ?? [])].sort();
  }
}

export class FakeQueue<T> {
  sent: T[] = [];
  async send(body: T): Promise<void> {
    this.sent.push(structuredClone(body));
  }
  async sendBatch(messages: Iterable<MessageSendRequest<T>>): Promise<void> {
    const list = [...messages];
    if (list.length > 100) throw new Error('Queue sendBatch accepts at most 100 messages');
    for (const m of list) this.sent.push(structuredClone(m.body));
  }
  /** Take what was sent so far (to hand to the consumer as a batch). */
  take(): T[] {
    return this.sent.splice(0);
  }
}
