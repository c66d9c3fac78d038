// Dead letters: queue jobs that failed for good (unparseable payloads at once, transient failures after
// their retries). Stored in D1 with the error so an operator can read them and replay one.
import { newId } from '../db/ids';
import type { QueueJob } from './jobs';

export interface DeadLetterInput {
  queue: 'ingest' | 'outbound' | 'events' | 'broadcasts';
  job: QueueJob | unknown;
  error: string;
  attempts: number;
}

function facts(job: unknown): { workspaceId: string | null; channel: string | null; inboxId: string | null } {
  const outer = (typeof job === 'object' && job !== null ? job : {}) as Record<string, unknown>;
  // An EVENTS job wraps its event: the workspace is the event's.
  const j = (typeof outer.event === 'object' && outer.event !== null ? outer.event : outer) as Record<string, unknown>;
  const s = (v: unknown) => (typeof v === 'string' ? v : null);
  return { workspaceId: s(j.workspaceId), channel: s(j.channel), inboxId: s(j.inboxId) };
}

export async function storeDeadLetter(env: Env, input: DeadLetterInput): Promise<string> {
  const id = newId('dlq');
  const f = facts(input.job);
  let payload: string;
  try {
    payload = JSON.stringify(input.job ?? null);
  } catch {
    payload = JSON.stringify({ unserializable: String(input.job) });
  }
  await env.DB.prepare(
    `INSERT INTO dead_letters (id, workspace_id, queue, channel, inbox_id, payload, error, attempts, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)`,
  )
    .bind(id, f.workspaceId, input.queue, f.channel, f.inboxId, payload, input.error.slice(0, 4000), input.attempts, Date.now(), Date.now())
    .run();
  console.warn(`dead letter ${id} (${input.queue}${f.channel ? `/${f.channel}` : ''}): ${input.error}`);
  return id;
}
