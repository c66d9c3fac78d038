// The cloud path (AI_MODE=cloud) against faithful fakes of the AI and VECTORIZE bindings: passages
// embedded and upserted to Vectorize through the KB_INDEX queue (and removed when unpublished), hybrid
// retrieval fused by reciprocal rank, drafts and summaries by a text model under a hard time budget,
// falling back to the local implementations when the model is slow or fails.
import { createExecutionContext, createMessageBatch, env, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { consumeKbIndex, type KbIndexMessage } from '../../worker/ai/indexer';
import { app } from '../../worker/app';
import { BASE, newWorkspace, type Workspace } from '../helpers';
import { FakeAi, FakeQueue, FakeVectorize } from './fakes';
import { customer, customerSays, type KbWorkspace } from './support';

let ai: FakeAi;
let vectorize: FakeVectorize;
let queue: FakeQueue<KbIndexMessage>;
let cloud: Env;

beforeEach(() => {
  ai = new FakeAi();
  vectorize = new FakeVectorize(1024);
  queue = new FakeQueue();
  cloud = { ...env, AI: ai, VECTORIZE: vectorize, KB_INDEX: queue, AI_MODE: 'cloud', AI_DRAFT_BUDGET_MS: '400' } as unknown as Env;
});

/** A request through the Worker with the cloud bindings; waits for its background work. */
async function cloudCall(method: string, path: string, token: string, body?: unknown, e: Env = cloud) {
  const ctx = createExecutionContext();
  const res = await app.fetch(
    new Request(`${BASE}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) }),
    e,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Run the KB_INDEX consumer on everything queued so far. */
async function drainIndexQueue() {
  const messages = queue.take().map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body }));
  const batch = createMessageBatch<KbIndexMessage>('parley-kb-index', messages);
  await consumeKbIndex(batch, cloud);
  return getQueueResult(batch, createExecutionContext());
}

const PETS = { title: 'Pets policy', body: '<p>Dogs and cats are welcome in Casa Maré for a €30 cleaning fee.</p>', status: 'published' };
const PARKING = { title: 'Parking', body: '<p>Each apartment has a free space in the garage under the building.</p>', status: 'published' };

async function cloudKb(ws: Workspace, articles = [PETS, PARKING]): Promise<string[]> {
  const ids: string[] = [];
  for (const a of articles) {
    const res = await cloudCall('POST', '/api/kb/articles', ws.token, a);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids.push(res.body.id);
  }
  return ids;
}

describe('cloud indexing', () => {
  it('queues changed sources; the consumer embeds with BGE-M3 and upserts to the workspace namespace', async () => {
    const ws = await newWorkspace();
    const [pets, parking] = await cloudKb(ws);
    expect(queue.sent).toEqual([
      { articleId: pets, chunkCount: 1, previousChunkCount: 0, workspaceId: ws.workspaceId },
      { articleId: parking, chunkCount: 1, previousChunkCount: 0, workspaceId: ws.workspaceId },
    ]);
    const result = await drainIndexQueue();
    expect(result.ackAll).toBe(true);
    expect(ai.calls[0]).toMatchObject({ model: '@cf/baai/bge-m3', inputs: { text: [expect.stringContaining('Pets policy\nDogs and cats'), expect.stringContaining('Parking\nEach apartment')] } });
    expect(vectorize.ids(ws.workspaceId)).toEqual([`${parking}#0`, `${pets}#0`].sort());
    expect((await vectorize.getByIds([`${pets}#0`]))[0]).toMatchObject({ namespace: ws.workspaceId, metadata: { articleId: pets, position: 0 } });
    expect((await cloudCall('GET', '/api/ai/status', ws.token)).body).toMatchObject({ mode: 'cloud', retriever: 'hybrid', drafter: 'workers-ai', indexQueue: true, models: { embeddings: '@cf/baai/bge-m3' } });
  });

  it('removes vectors when a source is unpublished, shrinks or is deleted', async () => {
    const ws = await newWorkspace();
    const long = { title: 'House manual', body: Array.from({ length: 6 }, (_, i) => `<p>Section ${i}. ${'The manual explains every appliance in the house in detail. '.repeat(6)}</p>`).join(''), status: 'published' };
    const [manual, pets] = await cloudKb(ws, [long, PETS]);
    await drainIndexQueue();
    const sections = vectorize.ids(ws.workspaceId).filter((id) => id.startsWith(manual));
    expect(sections.length).toBeGreaterThan(2);

    await cloudCall('PATCH', `/api/kb/articles/${manual}`, ws.token, { body: '<p>Short now.</p>' });
    await drainIndexQueue();
    expect(vectorize.ids(ws.workspaceId).filter((id) => id.startsWith(manual))).toEqual([`${manual}#0`]);

    await cloudCall('PATCH', `/api/kb/articles/${pets}`, ws.token, { status: 'draft' });
    await cloudCall('DELETE', `/api/kb/articles/${manual}`, ws.token);
    await drainIndexQueue();
    expect(vectorize.ids(ws.workspaceId)).toEqual([]);
    expect(vectorize.mutations.filter((m) => m.op === 'delete').flatMap((m) => m.ids)).toContain(`${pets}#0`);
  });

  it('retries the batch when embedding fails; without a queue binding, indexes inline', async () => {
    const ws = await newWorkspace();
    await cloudKb(ws, [PETS]);
    ai.embeddingFails = true;
    const failed = await drainIndexQueue();
    expect(failed.retryBatch.retry).toBe(true);
    expect(failed.ackAll).toBe(false);

    ai.embeddingFails = false;
    const noQueue = { ...cloud, KB_INDEX: undefined } as unknown as Env;
    const res = await cloudCall('POST', '/api/kb/articles', ws.token, PARKING, noQueue);
    expect(vectorize.ids(ws.workspaceId)).toEqual([`${res.body.id}#0`]);
  });
});

describe('reindex', () => {
  it('re-queues every published source (switching an existing knowledge base to the cloud path)', async () => {
    const ws = await newWorkspace();
    const local = await cloudCall('POST', '/api/kb/articles', ws.token, PETS, { ...env } as Env);
    await cloudCall('POST', '/api/kb/articles', ws.token, { ...PARKING, status: 'draft' }, { ...env } as Env);
    expect(queue.sent).toEqual([]);
    expect((await cloudCall('POST', '/api/kb/reindex', ws.token, undefined, { ...env } as Env)).body).toMatchObject({ mode: 'local', queued: 0 });
    expect((await cloudCall('POST', '/api/kb/reindex', ws.token)).body).toEqual({ mode: 'cloud', queued: 1 });
    await drainIndexQueue();
    expect(vectorize.ids(ws.workspaceId)).toEqual([`${local.body.id}#0`]);
  });
});

describe('hybrid retrieval', () => {
  it('finds by meaning what keywords miss, fused with keyword ranks', async () => {
    const ws = await newWorkspace();
    const [pets] = await cloudKb(ws);
    await drainIndexQueue();
    // No word of this question is in the pets article; the (fake) embedding knows furry friends are pets.
    const res = await cloudCall('GET', `/api/kb/search?q=${encodeURIComponent('Can I come with my furry friend?')}`, ws.token);
    expect(res.body.items[0]).toMatchObject({ articleId: pets, title: 'Pets policy' });
    const query = ai.calls.find((c) => (c.inputs as { text: string[] }).text?.[0] === 'Can I come with my furry friend?');
    expect(query?.model).toBe('@cf/baai/bge-m3');
  });

  it('falls back to keywords when the embedding fails, and never leaves the workspace', async () => {
    const ws = await newWorkspace();
    const [, parking] = await cloudKb(ws);
    await drainIndexQueue();
    const other = await newWorkspace();
    await cloudKb(other, [{ ...PARKING, title: 'Parking elsewhere' }]);
    await drainIndexQueue();
    ai.embeddingFails = true;
    const res = await cloudCall('GET', '/api/kb/search?q=garage%20parking', ws.token);
    expect(res.body.items.map((i: { articleId: string }) => i.articleId)).toEqual([parking]);
    ai.embeddingFails = false;
    const both = await cloudCall('GET', '/api/kb/search?q=garage%20parking', ws.token);
    expect(both.body.items.map((i: { articleId: string }) => i.articleId)).toEqual([parking]);
  });
});

describe('drafting with Workers AI', () => {
  async function thread(question: string) {
    const ws = (await newWorkspace()) as KbWorkspace;
    ws.articles = {};
    ws.inboxes = {};
    await cloudKb(ws);
    await drainIndexQueue();
    const { conversationId } = await customerSays(ws, 'webchat', await customer(ws, 'webchat'), question);
    return { ws, conversationId };
  }

  it('drafts from the retrieved passages, grounded and cited, in the workspace frame', async () => {
    const { ws, conversationId } = await thread('Can we bring our dog?');
    const res = await cloudCall('GET', `/api/conversations/${conversationId}/suggestions`, ws.token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.drafter).toBe('workers-ai');
    const [generated] = res.body.items;
    expect(generated).toMatchObject({ kind: 'generated', sources: [{ type: 'article', title: 'Pets policy' }] });
    expect(generated.text).toBe("Hi Ana! Dogs and cats are welcome in Casa Maré for a €30 cleaning fee. Let me know if there's anything else I can do for you!");
    const call = ai.textCalls[0];
    expect(call.model).toBe('@cf/meta/llama-3.1-8b-instruct-fp8');
    expect(call.messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('Answer only with facts from the numbered passages') });
    expect(call.messages[1].content).toContain('[1] Pets policy\nDogs and cats are welcome');
    expect(call.messages[1].content).toContain('Customer: Can we bring our dog?');
  });

  it('answers within the time budget with extractive drafts when the model is too slow', async () => {
    const { ws, conversationId } = await thread('Can we bring our dog?');
    ai.textLatencyMs = Infinity;
    const started = Date.now();
    const res = await cloudCall('GET', `/api/conversations/${conversationId}/suggestions`, ws.token);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.body.items[0]).toMatchObject({ kind: 'kb', sources: [{ title: 'Pets policy' }] });
    expect(ai.calls.at(-1)?.options?.signal?.aborted).toBe(true);
  });

  it('falls back to extractive drafts when the model fails, and does not generate without passages', async () => {
    const { ws, conversationId } = await thread('Can we bring our dog?');
    ai.textFails = true;
    expect((await cloudCall('GET', `/api/conversations/${conversationId}/suggestions`, ws.token)).body.items[0].kind).toBe('kb');
    const nothing = await customerSays(ws as KbWorkspace, 'webchat', await customer(ws, 'webchat'), 'Do you sell surfboards?');
    ai.textFails = false;
    const before = ai.textCalls.length;
    const res = await cloudCall('GET', `/api/conversations/${nothing.conversationId}/suggestions`, ws.token);
    expect(res.body.items.map((i: { kind: string }) => i.kind)).not.toContain('generated');
    expect(ai.textCalls.length).toBe(before);
  });
});

describe('summaries with Workers AI', () => {
  it('uses the model’s JSON summary and follow-ups; falls back to the extractive summary on failure', async () => {
    const ws = (await newWorkspace()) as KbWorkspace;
    ws.articles = {};
    ws.inboxes = {};
    const { conversationId } = await customerSays(ws, 'webchat', await customer(ws, 'webchat'), 'The hot water is not working, can someone come tomorrow?');
    ai.respond = () => 'Here you go: {"summary": "Ana reported no hot water and asked for a visit tomorrow.", "followUps": ["Send the technician tomorrow"]}';
    const res = await cloudCall('POST', `/api/conversations/${conversationId}/summary`, ws.token);
    expect(res.body).toMatchObject({ summary: 'Ana reported no hot water and asked for a visit tomorrow.', followUps: ['Send the technician tomorrow'], generator: 'workers-ai' });
    expect(ai.textCalls.at(-1)?.messages[1].content).toContain('Ana García: The hot water is not working');

    ai.textFails = true;
    const fallback = await cloudCall('POST', `/api/conversations/${conversationId}/summary`, ws.token);
    expect(fallback.body.generator).toBe('extractive');
    expect(fallback.body.summary).toContain('Ana asked:');
  });
});
