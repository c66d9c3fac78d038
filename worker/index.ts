// Parley's Worker entry: the HTTP app and the Durable Object classes it binds.
import { app } from './app';

export { ConversationDO } from '../durable-objects/conversation';
export { WorkspaceDO } from '../durable-objects/workspace';
export { ProbeDO } from '../durable-objects/probe';

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
