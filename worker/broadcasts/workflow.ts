// The BROADCASTS Workflow class (wrangler.toml [[workflows]]): one instance per broadcast, its id the
// broadcast's id (so a second send cannot start a second delivery). A thin shell over delivery.ts:
// sleep until the scheduled time, snapshot and enqueue page by page (each page a step whose output is
// the next cursor, so a restart resumes where it was), wait for the consumer, finalize.
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowStepConfig } from 'cloudflare:workers';
import { begin, finish, scheduledFor, snapshotPage, unsettled, type BroadcastParams, type PageResult } from './delivery';

const STEP: WorkflowStepConfig = { retries: { limit: 5, delay: '5 seconds', backoff: 'exponential' }, timeout: '5 minutes' };
/**
 * How often the workflow looks at the consumer's progress before finalizing anyway (each wait sized to
 * what is left at the inbox's rate, 15 s to 10 min: up to ~50 h), within a Workflow's step limit.
 */
const MAX_POLLS = 300;

export class BroadcastWorkflow extends WorkflowEntrypoint<Env, BroadcastParams> {
  async run(event: Readonly<WorkflowEvent<BroadcastParams>>, step: WorkflowStep): Promise<{ recipients: number; sendable: number; settled: boolean } | null> {
    const id = event.payload.broadcastId;
    const at = await step.do('schedule', STEP, () => scheduledFor(this.env, id));
    if (at === null) return null;
    if (at > Date.now()) await step.sleepUntil('until scheduled', at);
    if (!(await step.do('begin', STEP, () => begin(this.env, id)))) return null;
    try {
      let cursor: [number, string] | null = null;
      let recipients = 0;
      let sendable = 0;
      for (let page = 0; ; page++) {
        const after: [number, string] | null = cursor;
        const r: PageResult = await step.do(`page ${page}`, STEP, (): Promise<PageResult> => snapshotPage(this.env, id, after));
        recipients += r.recipients;
        sendable += r.sendable;
        if (r.stopped || !r.next) break;
        cursor = r.next;
      }
      let settled = false;
      for (let poll = 0; poll < MAX_POLLS && !settled; poll++) {
        const left = await step.do(`poll ${poll}`, STEP, () => unsettled(this.env, id));
        settled = left.n === 0;
        if (!settled) await step.sleep(`wait ${poll}`, left.waitMs);
      }
      await step.do('finish', STEP, async () => {
        await finish(this.env, id, null);
        return true;
      });
      return { recipients, sendable, settled };
    } catch (err) {
      await step.do('failed', STEP, async () => {
        await finish(this.env, id, err instanceof Error ? err.message : String(err));
        return true;
      });
      throw err;
    }
  }
}
