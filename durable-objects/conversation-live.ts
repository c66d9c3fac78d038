// Live list updates from a ConversationDO to its WorkspaceDO (agents' list sockets, loads, queues).
// Coalesced: while one call is in flight, later changes merge into the next, so a burst of commits
// costs one call per round trip, not one per commit. Live only: lists reload the truth over REST.
import type { Conversation, ConversationEvent } from '../worker/conversations/model';
import { countKey, type CountKey } from '../worker/conversations/view-counts';

type Workspace = { conversationChanged(c: Conversation, types: ConversationEvent['type'][], before?: CountKey | null): Promise<void> };

export class LiveNotifier {
  #pending: { state: Conversation; types: Set<ConversationEvent['type']>; before: CountKey | null } | null = null;
  #sending: Promise<void> | null = null;

  constructor(private readonly workspace: (workspaceId: string) => Workspace) {}

  /** The call in flight, if any (settled() waits on it). */
  get sending(): Promise<void> | null {
    return this.#sending;
  }

  /** `previous`: the conversation before this change (null when it is new): agents' counts move from it to `state`. */
  notify(state: Conversation, events: ConversationEvent[], previous: Conversation | null): void {
    if (this.#pending) {
      this.#pending.state = state;
      for (const e of events) this.#pending.types.add(e.type);
    } else {
      this.#pending = { state, types: new Set(events.map((e) => e.type)), before: previous ? countKey(previous) : null };
    }
    if (this.#sending) return;
    const workspace = this.workspace(state.workspaceId);
    this.#sending = (async () => {
      try {
        while (this.#pending) {
          const { state: s, types, before } = this.#pending;
          this.#pending = null;
          await workspace.conversationChanged(s, [...types], before);
        }
      } catch (err) {
        console.warn(`conversation ${state.id}: live update failed: ${String(err)}`);
      } finally {
        this.#sending = null;
      }
    })();
  }
}
