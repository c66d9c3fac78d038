// From the event stream to deliveries: each conversation event that becomes a webhook event is
// recorded once per enabled endpoint subscribed to its type (unique on endpoint and event, so a
// redelivered event adds nothing) and its first attempt is queued. Redelivery also re-queues any of
// those deliveries never attempted yet (the first run may have stored them and failed before queueing);
// a job queued twice still sends once (the attempt claim in delivery.ts).
import { newId } from '../db/ids';
import type { ParleyEvent } from '../events/model';
import type { WebhookJob } from './delivery';
import { bodyOf, subscribes, webhookEventOf, webhookIdOf } from './events';

export interface FanOutDeps {
  enqueue: (jobs: WebhookJob[]) => Promise<void>;
}

export function defaultFanOutDeps(env: Env): FanOutDeps {
  return {
    enqueue: async (jobs) => {
      // sendBatch takes at most 100 messages.
      for (let i = 0; i < jobs.length; i += 100) await env.WEBHOOKS.sendBatch(jobs.slice(i, i + 100).map((body) => ({ body, contentType: 'json' as const })));
    },
  };
}

export async function fanOut(env: Env, events: ParleyEvent[], deps: FanOutDeps = defaultFanOutDeps(env)): Promise<number> {
  const byWorkspace = new Map<string, { event: ParleyEvent; type: string; data: Record<string, unknown> }[]>();
  for (const event of events) {
    const w = webhookEventOf(event);
    if (!w) continue;
    byWorkspace.set(event.workspaceId, [...(byWorkspace.get(event.workspaceId) ?? []), { event, ...w }]);
  }
  const jobs: WebhookJob[] = [];
  for (const [workspaceId, items] of byWorkspace) {
    const endpoints = await env.DB.prepare(`SELECT id, events FROM webhook_endpoints WHERE workspace_id = ? AND enabled = 1`).bind(workspaceId).all<{ id: string; events: string }>();
    const stmts: D1PreparedStatement[] = [];
    const eventIds = new Set<string>();
    for (const ep of endpoints.results) {
      const types = JSON.parse(ep.events) as string[];
      for (const it of items) {
        if (!subscribes(types, it.type)) continue;
        eventIds.add(it.event.id);
        stmts.push(
          env.DB.prepare(
            `INSERT INTO webhook_deliveries (id, workspace_id, endpoint_id, event_id, webhook_id, type, payload, status, attempts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)
             ON CONFLICT(endpoint_id, event_id) DO NOTHING`,
          ).bind(newId('whd'), workspaceId, ep.id, it.event.id, webhookIdOf(it.event.id), it.type, bodyOf(it.type, it.event.at, it.data), Date.now()),
        );
      }
    }
    if (stmts.length === 0) continue;
    await env.DB.batch(stmts);
    const ids = [...eventIds];
    // D1 binds at most 100 parameters a statement.
    for (let i = 0; i < ids.length; i += 90) {
      const chunk = ids.slice(i, i + 90);
      const fresh = await env.DB.prepare(`SELECT id FROM webhook_deliveries WHERE workspace_id = ? AND status = 'pending' AND attempts = 0 AND event_id IN (${chunk.map(() => '?').join(', ')})`)
        .bind(workspaceId, ...chunk)
        .all<{ id: string }>();
      for (const r of fresh.results) jobs.push({ deliveryId: r.id, workspaceId, attempt: 1 });
    }
  }
  if (jobs.length) await deps.enqueue(jobs);
  return jobs.length;
}
