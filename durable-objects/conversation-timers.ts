// The ConversationDO's timers: one row per kind in the store's schedule (snooze, SLA, auto-status,
// escalation, route retry, follow-up, outbox retry), and the object's single alarm kept on the
// earliest. When it fires, each job checks its own due time (an early or forced alarm changes
// nothing that is not due), a pending outbox always gets another try, and the alarm is re-armed.
import type { ConversationStore, TimerKind } from './conversation-store';
import type { OutboxDrain } from './conversation-outbox';

export interface TimerJobs {
  /** SLA clocks, auto-status rules, escalation levels and the snooze wake. */
  automation(now: number): Promise<void>;
  /** A routing request the router did not answer, asked again. */
  route(): Promise<void>;
  /** Follow-ups and scheduled messages that are due. */
  followUps(now: number): Promise<void>;
}

export class TimerSchedule {
  #alarmAt: number | null = null;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly store: ConversationStore,
    private readonly outbox: OutboxDrain,
  ) {}

  /** Keep the single alarm on the earliest timer in the schedule. */
  arm(): void {
    const next = this.store.nextTimer();
    if (next === this.#alarmAt) return;
    this.#alarmAt = next;
    if (next === null) void this.storage.deleteAlarm();
    else void this.storage.setAlarm(next);
  }

  /** The alarm fired (`jobs` null: the conversation is gone, only the outbox may be left). */
  async fire(jobs: TimerJobs | null): Promise<void> {
    this.#alarmAt = null;
    const now = Date.now();
    try {
      if (jobs) {
        await jobs.automation(now);
        if (this.#due('route', now)) await jobs.route();
        if (this.#due('followup', now)) await jobs.followUps(now);
      }
    } finally {
      if (this.store.outboxSize() > 0) {
        this.outbox.kick();
        await this.outbox.running;
      }
      this.arm();
    }
  }

  /** A storage transaction; if it throws (and rolls back), the store's in-memory schedule is re-read. */
  transaction(fn: () => void): void {
    try {
      this.storage.transactionSync(fn);
    } catch (err) {
      this.store.reloadTimers();
      throw err;
    }
  }

  #due(kind: TimerKind, now: number): boolean {
    const at = this.store.timer(kind);
    return at !== null && at <= now;
  }
}
