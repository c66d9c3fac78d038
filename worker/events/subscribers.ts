// Who listens to the event stream. A subscriber names itself, says which events it wants (a cheap
// filter, no I/O) and handles a batch of them, in sequence order per conversation. It must be
// idempotent: an event can come twice. A subscriber that throws is retried alone (worker/events/consumer.ts).
// Features add themselves here — analytics facts, automation triggers, outbound webhooks — and never
// touch the ConversationDO to learn what happened.
import { summaryOnClose } from '../ai/summary-on-close';
import { analyticsFacts } from '../analytics/subscriber';
import { broadcastTracking } from '../broadcasts/tracking';
import { outboundWebhooks } from '../webhooks/subscriber';
import { automationTriggers } from '../automation/triggers';
import { contactStats } from '../contacts/stats';
import { csatOnClose } from '../csat/subscriber';
import { memoriesOnClose } from '../memories/on-close';
import { notificationsOnEvents } from '../notifications/subscriber';
import type { ParleyEvent } from './model';

export interface Subscriber {
  name: string;
  wants(event: ParleyEvent): boolean;
  handle(env: Env, events: ParleyEvent[]): Promise<void>;
}

export const SUBSCRIBERS: readonly Subscriber[] = [summaryOnClose, analyticsFacts, outboundWebhooks, automationTriggers, contactStats, csatOnClose, broadcastTracking, memoriesOnClose, notificationsOnEvents];
