// How a ConversationDO's outbox rows land in D1 (worker/conversations/projection.ts) and how its
// events are cut into queue batches (durable-objects/conversation-outbox.ts), on edge cases a drain
// can produce: a batch boundary between a projection and its tag change, a delivery receipt newer
// than the projection in the same batch, and non-Latin text near the queue's byte limit.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { eventChunks } from '../durable-objects/conversation-outbox';
import type { Conversation } from '../worker/conversations/model';
import { projectionStatements, type OutboxEntry } from '../worker/conversations/projection';
import { createConversation } from '../worker/conversations/state';
import type { ParleyEvent } from '../worker/events/model';
import { unique } from './helpers';

function conversation(seq: number, tags: string[]): Conversation {
  const ws = 'ws_proj';
  const c = createConversation({ id: `cnv_${unique('p')}`, workspaceId: ws, contactId: 'ct_p', inboxId: 'ib_p', channel: 'sms' }, Date.now(), null).state;
  return { ...c, seq, tags };
}

async function land(c: Conversation, entries: OutboxEntry[]) {
  await env.DB.batch(projectionStatements(env.DB, c, entries));
}

const tagsOf = async (id: string) =>
  (await env.DB.prepare(`SELECT tag FROM conversation_tags WHERE conversation_id = ? ORDER BY tag`).bind(id).all<{ tag: string }>()).results.map((r) => r.tag);

describe('projection batches', () => {
  it('a tag change whose projection went out in the batch before is rewritten from its own row', async () => {
    const c = conversation(3, ['billing', 'vip']);
    await land(c, [{ kind: 'projection', payload: c }]);
    expect(await tagsOf(c.id)).toEqual([]);
    await land(c, [{ kind: 'tags', payload: { tags: ['billing', 'vip'] } }]);
    expect(await tagsOf(c.id)).toEqual(['billing', 'vip']);
  });

  it('a delivery receipt newer than the projection in the same batch still moves the row’s seq', async () => {
    const c = conversation(10, []);
    await land(c, [
      { kind: 'projection', payload: c },
      { kind: 'seq', payload: { seq: 11, updatedAt: Date.now() } },
    ]);
    expect(await env.DB.prepare(`SELECT seq FROM conversations WHERE id = ?`).bind(c.id).first<number>('seq')).toBe(11);
  });
});

describe('event batches', () => {
  it('stay under the queue’s 256 KB batch limit in UTF-8, whatever the script', () => {
    const text = '顧客からの問い合わせ😀'.repeat(200).slice(0, 2000);
    const events = Array.from({ length: 90 }, (_, i) => ({ id: `c:${i}`, seq: i, message: { text } }) as unknown as ParleyEvent);
    const chunks = eventChunks(events);
    expect(chunks.flat()).toHaveLength(90);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(100);
      const bytes = chunk.reduce((n, e) => n + new TextEncoder().encode(JSON.stringify({ event: e })).byteLength, 0);
      expect(bytes).toBeLessThan(256 * 1024);
    }
    expect(chunks.length).toBeGreaterThan(1);
  });
});
