// The event-stream subscriber for outbound webhooks (registered in worker/events/subscribers.ts).
import type { Subscriber } from '../events/subscribers';
import { mayBecomeWebhook } from './events';
import { fanOut } from './fanout';

export const outboundWebhooks: Subscriber = {
  name: 'outbound-webhooks',
  wants: mayBecomeWebhook,
  handle: async (env, events) => {
    await fanOut(env, events);
  },
};
