// How a ConversationDO reaches the workspace's router. `decide` is the one round of a new or reopened
// conversation (the decision is applied in the same commit as the message); when the router cannot
// be reached, `request` tries again in the background, then keeps the request in the object's
// schedule ('route' timer, backing off) and `retryDue` asks again by alarm, up to a cap.
import { withDecision, type Draft } from '../worker/conversations/append';
import type { Conversation } from '../worker/conversations/model';
import type { RoutingResult } from '../worker/conversations/inputs';
import { routingTrigger } from '../worker/routing/apply';
import type { RoutingDecision } from '../worker/routing/model';
import type { ConversationStore } from './conversation-store';

const ROUTE_RETRY_MS = 5_000;
const ROUTE_MAX_RETRY_MS = 5 * 60_000;
/** After this many failed retries (about an hour at the cap) the request is dropped and logged: the conversation stays unassigned in the lists. */
const ROUTE_MAX_FAILURES = 16;
/** How long a message waits for the router before it is stored without a decision (routing then follows by retry). */
const ROUTE_ASK_TIMEOUT_MS = 2_000;

export type RouteTrigger = 'created' | 'reopened';
type RouteRetry = { trigger: RouteTrigger; text: string; failures: number };

export interface RoutingDeps {
  env: Pick<Env, 'WORKSPACES'>;
  store: ConversationStore;
  state: () => Conversation | null;
  applyRouting: (d: RoutingDecision) => Promise<RoutingResult>;
  transaction: (fn: () => void) => void;
  rearm: () => void;
}

export class RouterClient {
  #chain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: RoutingDeps) {}

  /** Background routing in progress (settled() waits on it). */
  get running(): Promise<void> {
    return this.#chain;
  }

  workspace(workspaceId: string) {
    return this.deps.env.WORKSPACES.get(this.deps.env.WORKSPACES.idFromName(workspaceId));
  }

  /** The router's decision for this conversation (null: routing is not configured). Bounded in time; throws when unreachable. */
  async ask(conversation: Conversation, trigger: RouteTrigger, text: string): Promise<RoutingDecision | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the router did not answer within ${ROUTE_ASK_TIMEOUT_MS} ms`)), ROUTE_ASK_TIMEOUT_MS);
    });
    try {
      const answer = await Promise.race([this.workspace(conversation.workspaceId).route({ conversation, text, trigger }), timeout]);
      if (answer && 'unavailable' in answer) throw new Error(`the router is unavailable: ${answer.unavailable}`);
      return answer;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The one round of a new or reopened conversation's message: the router decides before the commit and
   * the decision joins the draft's transition, so message and assignment are one commit. When something
   * else was committed while the router answered (an agent's change), the draft is rebuilt on it (`redraft`);
   * a decision that no longer fits is released. `later`: the router could not be reached, so routing
   * follows the commit in the background (`request`).
   */
  async decide(draft: Extract<Draft, { ok: true }>, redraft: () => Draft): Promise<{ draft: Draft; later: RouteTrigger | null }> {
    const base = this.deps.state();
    const trigger = routingTrigger(base, draft.transition.state, draft.message);
    if (!trigger) return { draft, later: null };
    let decision: RoutingDecision | null = null;
    let later: RouteTrigger | null = null;
    try {
      decision = await this.ask(draft.transition.state, trigger, draft.message.text);
    } catch (err) {
      console.warn(`conversation ${draft.transition.state.id}: routing failed (${String(err)}); retrying after the commit`);
      later = trigger;
    }
    let current: Draft = draft;
    if (this.deps.state() !== base) current = redraft();
    const now = this.deps.state();
    if (!current.ok) {
      if (decision) void this.release(decision, now, draft.transition.state.workspaceId).catch(() => undefined);
      return { draft: current, later: null };
    }
    const routed = decision ? withDecision(current.transition, decision, Date.now()) : null;
    if (typeof routed === 'string') {
      const id = current.transition.state.id;
      void this.release(decision!, now, current.transition.state.workspaceId).catch((err) => console.warn(`conversation ${id}: release failed (${String(err)})`));
    } else if (routed) current = { ...current, transition: routed };
    return { draft: current, later };
  }

  /** A decision the conversation refused (it moved on meanwhile): the router frees the reservation. */
  release(decision: RoutingDecision, conversation: Conversation | null, workspaceId: string): Promise<void> {
    return this.workspace(workspaceId).release(decision.conversationId, conversation);
  }

  /** Route in the background, one request at a time (the inline round failed, or a retry fell due). */
  request(trigger: RouteTrigger, text: string, failures = 0): Promise<void> {
    const run = this.#chain.then(() => this.#attempt(trigger, text, failures));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #attempt(trigger: RouteTrigger, text: string, failures: number): Promise<void> {
    // The first background try gets three quick attempts; a retry by alarm is one attempt.
    const attempts = failures === 0 ? 3 : 1;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const state = this.deps.state();
      try {
        if (!state || state.assigneeId !== null || state.status === 'closed') return this.#setRetry(null);
        const decision = await this.ask(state, trigger, text);
        if (decision) {
          const res = await this.deps.applyRouting(decision);
          if (!res.ok) await this.release(decision, res.conversation, state.workspaceId);
        }
        this.#setRetry(null);
        return;
      } catch (err) {
        console.warn(`conversation ${state?.id}: routing failed (${String(err)})`);
        if (attempt < attempts - 1) await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
    }
    // The router is still unreachable: keep the request and retry it by alarm rather than drop it, up to a cap.
    if (failures + 1 >= ROUTE_MAX_FAILURES) {
      console.error(`conversation ${this.deps.state()?.id}: routing gave up after ${failures + 1} failed attempts; left unassigned`);
      return this.#setRetry(null);
    }
    this.#setRetry({ trigger, text, failures: failures + 1 });
  }

  #setRetry(retry: RouteRetry | null): void {
    const { store } = this.deps;
    if (retry === null && store.timer('route') === null && store.meta('route_retry') === null) return;
    const at = retry ? Date.now() + Math.min(ROUTE_RETRY_MS * 2 ** (retry.failures - 1), ROUTE_MAX_RETRY_MS) : null;
    this.deps.transaction(() => {
      store.setMeta('route_retry', retry);
      store.setTimer('route', at);
    });
    this.deps.rearm();
  }

  /** The 'route' timer fell due: ask again unless someone took the conversation (or it closed) meanwhile. */
  async retryDue(): Promise<void> {
    const retry = this.deps.store.meta<RouteRetry>('route_retry');
    const state = this.deps.state();
    if (!retry || !state || state.assigneeId !== null || state.status === 'closed') return this.#setRetry(null);
    this.deps.store.setTimer('route', null);
    await this.request(retry.trigger, retry.text, retry.failures);
  }
}
