// Parley's Worker entry: the HTTP app, the queue consumers, the Email Workers handler and the
// Durable Object classes it binds.
import { consumeKbIndex, type KbIndexMessage } from './ai/indexer';
import { app } from './app';
import { handleBroadcastSends } from './broadcasts/consumer';
import type { SendJob } from './broadcasts/delivery';
import { consumeContactImports, type ImportJob } from './contacts/import';
import { handleEmail } from './email/handler';
import { handleQueue } from './ingest/queue';
import { runDueSchedules } from './automation/schedule';
import { consumeWebPush, type WebPushJob } from './notifications/webpush';

export { ConversationDO } from '../durable-objects/conversation';
export { WorkspaceDO } from '../durable-objects/workspace';
export { AgentDO } from '../durable-objects/agent';
export { ProbeDO } from '../durable-objects/probe';
export { AutomationWorkflow } from './automation/workflow';
export { BroadcastWorkflow } from './broadcasts/workflow';

export default {
  fetch: app.fetch,
  queue: (batch, env) =>
    batch.queue.startsWith('parley-kb-index')
      ? consumeKbIndex(batch as MessageBatch<KbIndexMessage>, env)
      : batch.queue.startsWith('parley-contact-imports')
        ? consumeContactImports(batch as MessageBatch<ImportJob>, env)
        : batch.queue.startsWith('parley-broadcast-sends')
          ? handleBroadcastSends(batch as MessageBatch<SendJob>, env)
          : batch.queue.startsWith('parley-web-push')
            ? consumeWebPush(batch as MessageBatch<WebPushJob>, env)
            : handleQueue(batch, env),
  email: async (message, env) => {
    await handleEmail(message, env);
  },
  // Every minute (wrangler.toml [triggers]): scheduled workflows due at the tick's time.
  scheduled: async (controller, env) => {
    await runDueSchedules(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>;
