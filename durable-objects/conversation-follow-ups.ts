// The ConversationDO's follow-ups and scheduled messages: the I/O around the pure schedule in
// worker/follow-ups/schedule.ts. The list lives in the object's meta table, its earliest due time in
// the schedule as the 'followup' timer (so the one alarm fires exactly then: no poller), and every
// change is one commit of the object (state summary, list, timer and events together).
import type { IncomingMessage, MessageResult } from '../worker/conversations/inputs';
import type { Actor, Conversation, Message } from '../worker/conversations/model';
import type { Transition } from '../worker/conversations/state';
import {
  cancel,
  cancelledByReply,
  edit,
  fired,
  firstDue,
  markFiring,
  nextDueAt,
  schedule,
  ScheduleError,
  voidedByReply,
  withdrawn,
  type ScheduleChange,
  type ScheduleInput,
  type ScheduledItem,
  type ScheduledKind,
} from '../worker/follow-ups/schedule';
import { authorMayNoLonger } from '../worker/follow-ups/author-rights';
import { notifyPeople } from '../worker/sla/effects';
import type { ConversationStore } from './conversation-store';

/** A due item whose run threw is tried again this much later (never a tight alarm loop). */
const RETRY_MS = 30_000;

export interface FollowUpDeps {
  env: Env;
  store: ConversationStore;
  state: () => Conversation | null;
  commit: (t: Transition, message?: Message, extraWrite?: () => void) => void;
  addMessage: (input: IncomingMessage, reopenWindowMs: number) => Promise<MessageResult>;
}

/** Errors travel as data: error classes do not survive the RPC boundary. */
export type ScheduleResult = { ok: true; item: ScheduledItem | null } | { ok: false; status: 400 | 404 | 409; field: string; message: string };

export class ConversationFollowUps {
  constructor(private readonly deps: FollowUpDeps) {}

  list(): ScheduledItem[] {
    return this.deps.store.meta<ScheduledItem[]>('scheduled') ?? [];
  }

  #apply(c: ScheduleChange): void {
    const { store } = this.deps;
    this.deps.commit(c.transition, undefined, () => {
      store.setMeta('scheduled', c.list.length ? c.list : null);
      store.setTimer('followup', nextDueAt(c.list));
    });
  }

  #run(fn: (state: Conversation, list: ScheduledItem[]) => (ScheduleChange & { item?: ScheduledItem }) | { item: ScheduledItem; list: null }): ScheduleResult {
    const state = this.deps.state();
    if (!state) return { ok: false, status: 404, field: 'id', message: 'no such conversation' };
    try {
      const c = fn(state, this.list());
      // Already pending under this id: nothing to commit.
      if (c.list !== null) this.#apply(c);
      return { ok: true, item: c.item ?? null };
    } catch (err) {
      if (err instanceof ScheduleError) return { ok: false, status: err.status, field: err.field, message: err.message };
      throw err;
    }
  }

  schedule(input: ScheduleInput): ScheduleResult {
    return this.#run((state, list) => schedule(state, list, input, Date.now()));
  }

  cancel(id: string, kind: ScheduledKind, actor: Actor): ScheduleResult {
    return this.#run((state, list) => cancel(state, list, id, kind, actor, Date.now()));
  }

  edit(id: string, patch: { text?: string; sendAt?: number }, actor: Actor): ScheduleResult {
    return this.#run((state, list) => edit(state, list, id, patch, actor, Date.now()));
  }

  /** After a customer message was committed: the follow-ups it cancels go, in a commit of their own. */
  customerReplied(): void {
    const state = this.deps.state();
    const c = state && cancelledByReply(state, this.list(), Date.now());
    if (c) this.#apply(c);
  }

  /** The alarm: run what is due, one item at a time in due order. */
  async runDue(now: number): Promise<void> {
    const { store } = this.deps;
    for (let guard = 0; guard < 100; guard++) {
      const item = firstDue(this.list(), now);
      if (!item) return;
      try {
        await this.#fire(item, now);
      } catch (err) {
        console.warn(`conversation ${this.deps.state()?.id}: follow-up ${item.id} failed (${String(err)}); retrying`);
        store.setTimer('followup', now + RETRY_MS);
        return;
      }
    }
  }

  async #fire(due: ScheduledItem, now: number): Promise<void> {
    // The author's current rights: read before deciding, as the check awaits D1 and a cancel may land meanwhile.
    const refused = due.firing ? null : await authorMayNoLonger(this.deps.env.DB, this.deps.state()!, due.by);
    // From here to markFiring nothing awaits: this is the object's one step that decides to send. A cancel
    // acknowledged before it removed the item (nothing is sent); one after it finds the item firing (409).
    const state = this.deps.state()!;
    const item = this.list().find((i) => i.id === due.id);
    if (!item || item.dueAt > now) return; // cancelled, or moved later, while the rights were read
    if (!item.firing) {
      if (refused) {
        console.warn(`conversation ${state.id}: scheduled ${item.kind} ${item.id} not sent: ${refused}`);
        return this.#apply(withdrawn(state, this.list(), item, refused, now));
      }
      if (voidedByReply(state, item)) {
        const c = cancelledByReply(state, this.list(), now);
        if (c) return this.#apply(c);
      }
      this.deps.store.setMeta('scheduled', markFiring(this.list(), item.id));
    }
    let messageId: string | null = null;
    if (item.text !== null) {
      // The external id makes the send idempotent: a retry after a failure between send and commit sends nothing twice.
      const sent = await this.deps.addMessage({ direction: 'outbound', author: item.by, text: item.text, externalId: item.externalId ?? `scheduled:${item.id}` }, 0);
      if (sent.ok) messageId = sent.message.id;
      else console.warn(`conversation ${state.id}: scheduled ${item.kind} ${item.id} not sent (${sent.reason})`);
    }
    this.#apply(fired(this.deps.state()!, this.list(), item, messageId, Date.now()));
    if (item.kind === 'followup' && item.text === null) {
      const c = this.deps.state()!;
      const recipients = { userIds: c.assigneeId || !item.by.id ? [] : [item.by.id], roles: [], assignee: true };
      const r = await notifyPeople(this.deps.env, c, recipients, ['in_app', 'browser'], { kind: 'followup', title: 'Follow-up due', body: c.lastMessagePreview ?? c.subject ?? 'A conversation you follow up on' });
      if (!r.ok) console.warn(`conversation ${c.id}: follow-up ${item.id} notify: ${r.detail}`);
    }
  }
}
