// The AUTOMATION Workflow class (wrangler.toml [[workflows]]): one instance per run. A thin shell:
// it adapts `step` to the interpreter's Runtime and marks the run's status; everything else is the
// pure interpreter (worker/automation/interpreter.ts) acting through liveEffects.
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowStepConfig } from 'cloudflare:workers';
import { conversationState, scopeFor } from './context';
import { interpret, type Reply, type Runtime } from './interpreter';
import { liveEffects, setRunStatus, type RunParams } from './runs';

/** Each action is retried a few times (a conversation object restarting, a receiver's 5xx), then the run fails. */
const STEP: WorkflowStepConfig = { retries: { limit: 3, delay: '2 seconds', backoff: 'exponential' }, timeout: '2 minutes' };

export function workflowRuntime(step: WorkflowStep): Runtime {
  return {
    do: <T>(name: string, fn: () => Promise<T>) => step.do(name, STEP, fn as () => Promise<never>) as Promise<T>,
    sleep: (name, ms) => step.sleep(name, ms),
    sleepUntil: (name, at) => step.sleepUntil(name, at),
    waitForReply: async (name, timeoutMs) => {
      try {
        const e = await step.waitForEvent<Reply>(name, { type: 'reply', timeout: timeoutMs });
        return e.payload;
      } catch {
        // The only way waitForEvent fails is its timeout.
        return null;
      }
    },
  };
}

export class AutomationWorkflow extends WorkflowEntrypoint<Env, RunParams> {
  async run(event: Readonly<WorkflowEvent<RunParams>>, step: WorkflowStep): Promise<{ steps: number }> {
    const p = event.payload;
    const scope = scopeFor(this.env, p.workspaceId);
    await step.do('run#start', STEP, async () => {
      await setRunStatus(scope, p.runId, 'running');
      return true;
    });
    const sla = p.sla;
    if (sla) {
      // sla.approaching: wait until minutesBefore the deadline; by then the target may be met or moved.
      if (sla.startAt > Date.now()) await step.sleepUntil('run#sla-wait', sla.startAt);
      const pending = await step.do('run#sla-check', STEP, async () => {
        const c = await conversationState(this.env, p.workspaceId, p.conversationId);
        return Boolean(c?.sla?.clocks.some((k) => k.target === sla.target && k.dueAt === sla.dueAt && k.metAt === null && k.breachedAt === null));
      });
      if (!pending) {
        await step.do('run#skipped', STEP, async () => {
          await setRunStatus(scope, p.runId, 'skipped', { reason: `SLA ${sla.target} no longer due at ${new Date(sla.dueAt).toISOString()} (met, breached or rescheduled)` });
          return true;
        });
        return { steps: 0 };
      }
    }
    try {
      const trace = await interpret(p.document, workflowRuntime(step), liveEffects(this.env, p), p.trigger.message);
      await step.do('run#complete', STEP, async () => {
        await setRunStatus(scope, p.runId, 'complete');
        return true;
      });
      return { steps: trace.length };
    } catch (err) {
      await step.do('run#errored', STEP, async () => {
        await setRunStatus(scope, p.runId, 'errored', { error: err instanceof Error ? err.message : String(err) });
        return true;
      });
      throw err;
    }
  }
}
