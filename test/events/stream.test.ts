// The event stream: every conversation event leaves its ConversationDO through the outbox onto EVENTS,
// in order, with a stable id, the commit it belongs to and the conversation as it stood; the consumer
// runs each subscriber apart, retries a failing one alone and ends it in dead letters (replayable).
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { conversationStub } from '../../worker/conversations/service';
import { handleEventBatch, MAX_ATTEMPTS, type EventJob } from '../../worker/events/consumer';
import type { ConversationEvent } from '../../worker/conversations/model';
import type { ParleyEvent } from '../../worker/events/model';
import type { Subscriber } from '../../worker/events/subscribers';
import { captureEvents } from '../budget/counter';
import { call, eventually, newWorkspace, unique, visitor, visitorSays, webchatInbox } from '../helpers';

async function conversationWithHistory() {
  const ws = await newWorkspace();
  const inbox = await webchatInbox(ws);
  const events = captureEvents();
  const v = await visitor(inbox.websiteToken, { name: 'Ada' });
  const { conversationId } = await visitorSays(v.visitorToken, 'My order #1234 never arrived');
  expect((await call('PATCH', `/api/conversations/${conversationId}`, { token: ws.token, body: { tags: ['shipping', 'vip'] } })).status).toBe(200);
  expect((await call('PATCH', `/api/conversations/${conversationId}`, { token: ws.token, body: { tags: ['shipping'], priority: 'high' } })).status).toBe(200);
  expect((await call('POST', `/api/conversations/${conversationId}/messages`, { token: ws.token, body: { text: 'Looking into it', clientId: unique('c') } })).status).toBe(201);
  expect((await call('PATCH', `/api/conversations/${conversationId}`, { token: ws.token, body: { status: 'closed', summary: 'Resent the parcel.' } })).status).toBe(200);
  const stub = conversationStub(env, ws.workspaceId, conversationId);
  await stub.settled();
  const last = (await stub.state())!.seq;
  const mine = await eventually(async () => {
    const e = events.filter((x) => x.conversationId === conversationId);
    return e.length >= last ? e : null;
  });
  return { ws, conversationId, events: mine, last };
}

describe('the event stream', () => {
  it('carries every event once per send, in sequence, with a stable id, its commit and the conversation as it stood', async () => {
    const { ws, conversationId, events, last } = await conversationWithHistory();
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    for (const e of events) {
      expect(e.id).toBe(`${conversationId}:${e.seq}`);
      expect(e.workspaceId).toBe(ws.workspaceId);
      expect(e.commit.first).toBeLessThanOrEqual(e.seq);
      expect(e.commit.last).toBeGreaterThanOrEqual(e.seq);
    }
    const received = events.find((e) => e.type === 'message.received')!;
    expect(received.message).toMatchObject({ direction: 'inbound', authorType: 'contact', text: 'My order #1234 never arrived' });
    expect(received.conversation).toMatchObject({ channel: 'webchat', status: 'open' });
    const tagged = events.filter((e) => e.type === 'conversation.updated' && e.tagsAdded);
    expect(tagged.map((e) => [e.tagsAdded, e.tagsRemoved])).toEqual([
      [['shipping', 'vip'], []],
      [[], ['vip']],
    ]);
    const closed = events.find((e) => e.type === 'conversation.status_changed' && (e as ParleyEvent<'conversation.status_changed'>).data.to === 'closed')!;
    expect(closed.conversation.status).toBe('closed');
    expect(closed.conversation.priority).toBe('high');
    // The close and the summary written with it are one commit.
    const summary = events.find((e) => e.type === 'conversation.updated' && 'summary' in e.data)!;
    expect(summary.commit).toEqual(closed.commit);
  });

  it('the summary subscriber keeps the summary an agent wrote while closing, and writes one when they did not', async () => {
    const { ws, conversationId } = await conversationWithHistory();
    expect((await call('GET', `/api/conversations/${conversationId}/summary`, { token: ws.token })).body.summary).toBe('Resent the parcel.');
    const inbox = await webchatInbox(ws);
    const v = await visitor(inbox.websiteToken, { name: 'Bo' });
    const other = (await visitorSays(v.visitorToken, 'Can I change my booking to Friday?')).conversationId;
    await call('PATCH', `/api/conversations/${other}`, { token: ws.token, body: { status: 'closed' } });
    const written = await eventually(async () => (await call('GET', `/api/conversations/${other}/summary`, { token: ws.token })).body.summary);
    expect(written).toContain('booking');
  });
});

function job(event: ParleyEvent, extra: Partial<EventJob> = {}): EventJob {
  return { event, ...extra };
}

function sampleEvent(seq: number): ParleyEvent {
  return {
    id: `cnv_test:${seq}`,
    workspaceId: 'ws_test',
    conversationId: 'cnv_test',
    seq,
    type: 'conversation.updated',
    at: Date.now(),
    actor: null,
    data: { priority: 'high' },
    commit: { first: seq, last: seq },
    conversation: { contactId: 'ct', inboxId: 'ib', channel: 'sms', status: 'open', priority: 'high', assigneeId: null, teamId: null, tags: [], slaStatus: null, createdAt: 0 },
  };
}

async function run(jobs: EventJob[], subscribers: Subscriber[], attempts = 1) {
  const requeued: { jobs: EventJob[]; delay: number }[] = [];
  const batch = createMessageBatch<EventJob>('parley-events', jobs.map((body, i) => ({ id: `m${i}`, timestamp: Date.now(), attempts, body })));
  const ctx = createExecutionContext();
  await handleEventBatch(batch, env, { subscribers, requeue: async (j, delay) => void requeued.push({ jobs: j, delay }) });
  return { result: await getQueueResult(batch, ctx), requeued };
}

describe('the EVENTS consumer', () => {
  it('runs subscribers in sequence order; a failing one is retried alone, with backoff, and the batch is acked', async () => {
    const seen: string[] = [];
    const ok: Subscriber = { name: 'ok', wants: () => true, handle: async (_env, events) => void seen.push(...events.map((e) => e.id)) };
    const failing: Subscriber = {
      name: 'failing',
      wants: () => true,
      handle: async () => {
        throw new Error('endpoint down');
      },
    };
    const { result, requeued } = await run([job(sampleEvent(2)), job(sampleEvent(1))], [ok, failing]);
    expect(seen).toEqual(['cnv_test:1', 'cnv_test:2']);
    expect(result.explicitAcks.sort()).toEqual(['m0', 'm1']);
    expect(result.retryMessages).toEqual([]);
    expect(requeued.flatMap((r) => r.jobs.map((j) => [j.event.seq, j.subscriber, j.attempt]))).toEqual([
      [1, 'failing', 2],
      [2, 'failing', 2],
    ]);
    expect(requeued.every((r) => r.delay >= 1)).toBe(true);

    // The retry runs the failing subscriber only; the one that succeeded is not run twice.
    seen.length = 0;
    const again = await run(requeued.flatMap((r) => r.jobs), [ok, { ...failing, handle: async () => undefined }]);
    expect(seen).toEqual([]);
    expect(again.requeued).toEqual([]);
  });

  it('after its last attempt a failing subscriber’s event lands in dead letters, named; an operator replays it', async () => {
    const ws = await newWorkspace();
    const failing: Subscriber = {
      name: 'summary-on-close',
      wants: () => true,
      handle: async () => {
        throw new Error('summarizer unavailable');
      },
    };
    // A real closed conversation whose closing summary never got written.
    const inbox = await webchatInbox(ws);
    const v = await visitor(inbox.websiteToken, { name: 'Cy' });
    const { conversationId } = await visitorSays(v.visitorToken, 'The heating is broken again');
    const stub = conversationStub(env, ws.workspaceId, conversationId);
    await stub.update({ status: 'closed' }, null);
    await stub.settled();
    const close = ((await stub.events(0, 50, true)) as unknown as ConversationEvent[]).find((e) => e.type === 'conversation.status_changed')!;
    const event: ParleyEvent = { ...sampleEvent(close.seq), id: `${conversationId}:${close.seq}`, workspaceId: ws.workspaceId, conversationId, type: 'conversation.status_changed', at: close.at, data: close.data as any };
    // Wait for the real subscriber to have summarized, then clear that so the replay has work to do.
    await eventually(async () => (await stub.state())?.summary);
    await stub.update({ summary: null }, null);
    await env.DB.prepare(`UPDATE ai_conversations SET summary_at = NULL WHERE id = ?`).bind(conversationId).run();

    const { result, requeued } = await run([job(event, { subscriber: 'summary-on-close', attempt: MAX_ATTEMPTS })], [failing]);
    expect(requeued).toEqual([]);
    expect(result.explicitAcks).toEqual(['m0']);
    const list = await call('GET', '/api/admin/dead-letters', { token: ws.token });
    const dead = list.body.items.find((d: any) => d.queue === 'events');
    expect(dead).toMatchObject({ queue: 'events', attempts: 1 });
    expect(dead.error).toBe('summary-on-close: summarizer unavailable');

    const replay = await call('POST', `/api/admin/dead-letters/${dead.id}/replay`, { token: ws.token });
    expect(replay.status).toBe(200);
    expect(replay.body.result).toEqual({ subscribers: ['summary-on-close'] });
    expect((await stub.state())!.summary).toContain('heating');
  });

  it('a job that is not an event goes to dead letters at once', async () => {
    const { result } = await run([{ nonsense: true } as unknown as EventJob], []);
    expect(result.explicitAcks).toEqual(['m0']);
    const row = await env.DB.prepare(`SELECT error FROM dead_letters WHERE queue = 'events' AND error = 'not an event job' LIMIT 1`).first<string>('error');
    expect(row).toBe('not an event job');
  });
});
