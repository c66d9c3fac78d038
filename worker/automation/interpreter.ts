// The step interpreter: walks a workflow document's steps. It knows nothing of Cloudflare Workflows
// or D1 — durability comes from the Runtime (worker/automation/workflow.ts wraps `step.do`,
// `step.sleep`, `step.sleepUntil`, `step.waitForEvent`), effects from the Effects (live: the
// conversation service; dry run: nothing changes). The same walk serves real runs and the dry run.
//
// Step names are deterministic: the node's JSON pointer in the document (`/steps/1/then/0`), plus a
// phase suffix (`#if`, `#wait`…). A document has no loops, so a node runs at most once per run and
// its pointer alone is unique; a replay after a restart takes the same names and gets cached results.
import type { ActionStep, Condition, Step, WorkflowDocument } from './document';
import { matchAnswer, type Answer, type Vars } from './ask';
import { evaluate, type EvalContext } from './conditions';

export interface Reply {
  messageId: string;
  text: string;
  channel: string;
  at: number;
}

/** What the interpreter knows of the message it is acting on (the trigger's, then the latest reply). */
export type RunMessage = EvalContext['message'];

export interface Runtime {
  /** A durable, retried step: its result is recorded and replayed, never computed twice once done. */
  do<T>(name: string, fn: () => Promise<T>): Promise<T>;
  sleep(name: string, ms: number): Promise<void>;
  sleepUntil(name: string, at: number): Promise<void>;
  /** The reply, or null when the timeout passed first. */
  waitForReply(name: string, timeoutMs: number): Promise<Reply | null>;
}

export interface StepRecord {
  name: string;
  type: string;
  status: 'done' | 'failed' | 'waiting' | 'skipped';
  input?: unknown;
  output?: unknown;
  error?: string | null;
  startedAt: number;
  finishedAt: number | null;
}

export interface Effects {
  /** Facts for conditions, read fresh (the conversation may have changed since the trigger). */
  context(message: RunMessage): Promise<EvalContext>;
  /** Apply one action; `key` is unique per run and step, so a retried step applies it once. Returns what it did. */
  act(step: ActionStep, key: string, message: RunMessage): Promise<unknown>;
  /** The calendar's next opening at or after `now` (null: it never opens). */
  nextOpen(now: number): Promise<number | null>;
  /** A run is waiting for a reply (the event consumer looks for such runs) or no longer. */
  waiting(on: boolean, name: string): Promise<void>;
  record(r: StepRecord): Promise<void>;
  now(): number;
}

/** The path a run took: one entry per step reached, in order (parallel branches interleave). */
export interface TraceEntry {
  step: string;
  type: string;
  outcome: string;
  action?: string;
  params?: unknown;
  output?: unknown;
}

const describeAction = (s: ActionStep) => ({ action: s.action, params: s.params });

/** How many stale replies one wait skips before it gives up and times out (a bounded loop: step names stay finite). */
export const MAX_STALE_REPLIES = 10;

/**
 * A reply written before this wait began is not its answer: it is an event Workflows kept for the run
 * (a redelivered message, or a second message while an earlier wait was finishing). Such a reply is
 * skipped and the wait goes on for what is left of its timeout, under the next name in the loop
 * (`#reply`, `#reply:1`, …) so a replay takes the same names.
 */
async function awaitFreshReply(rt: Runtime, name: string, startedAt: number, timeoutMs: number, fx: Effects): Promise<{ reply: Reply | null; skipped: number }> {
  for (let n = 0; n <= MAX_STALE_REPLIES; n++) {
    const left = n === 0 ? timeoutMs : startedAt + timeoutMs - fx.now();
    if (left <= 0) return { reply: null, skipped: n };
    const reply = await rt.waitForReply(n === 0 ? `${name}#reply` : `${name}#reply:${n}`, left);
    if (!reply || reply.at >= startedAt) return { reply, skipped: n };
  }
  return { reply: null, skipped: MAX_STALE_REPLIES + 1 };
}

export async function interpret(doc: Pick<WorkflowDocument, 'steps'>, rt: Runtime, fx: Effects, message: RunMessage): Promise<TraceEntry[]> {
  const trace: TraceEntry[] = [];
  // The run's variables. Only ever set from results of durable steps, so a replay rebuilds them the same.
  const vars: Vars = {};
  // Parallel branches each carry their own latest message: a reply one branch waited for is its own.
  const walk = async (steps: Step[], at: string, msg: RunMessage): Promise<RunMessage> => {
    for (let i = 0; i < steps.length; i++) msg = await one(steps[i], `${at}/${i}`, msg);
    return msg;
  };

  const one = async (s: Step, name: string, msg: RunMessage): Promise<RunMessage> => {
    switch (s.type) {
      case 'if': {
        const taken = await rt.do(`${name}#if`, async () => {
          const startedAt = fx.now();
          const result = evaluate(s.when as Condition, { ...(await fx.context(msg)), vars });
          const branch = result ? 'then' : s.else ? 'else' : 'none';
          await fx.record({ name, type: 'if', status: 'done', input: s.when, output: { result, branch }, startedAt, finishedAt: fx.now() });
          return branch;
        });
        trace.push({ step: name, type: 'if', outcome: taken });
        if (taken === 'then') return walk(s.then, `${name}/then`, msg);
        if (taken === 'else' && s.else) return walk(s.else, `${name}/else`, msg);
        return msg;
      }
      case 'parallel': {
        trace.push({ step: name, type: 'parallel', outcome: `${s.branches.length} branches` });
        await Promise.all(s.branches.map((b, j) => walk(b, `${name}/branches/${j}`, msg)));
        return msg;
      }
      case 'wait': {
        const ms = s.seconds * 1000;
        const startedAt = await rt.do(`${name}#start`, async () => {
          const t = fx.now();
          await fx.record({ name, type: 'wait', status: 'waiting', input: { seconds: s.seconds }, startedAt: t, finishedAt: null });
          return t;
        });
        await rt.sleep(`${name}#wait`, ms);
        await rt.do(`${name}#end`, async () => fx.record({ name, type: 'wait', status: 'done', input: { seconds: s.seconds }, startedAt, finishedAt: fx.now() }));
        trace.push({ step: name, type: 'wait', outcome: `waited ${s.seconds}s` });
        return msg;
      }
      case 'wait_until': {
        const plan = await rt.do(`${name}#start`, async () => {
          const t = fx.now();
          const until = s.at ?? (await fx.nextOpen(t));
          await fx.record({ name, type: 'wait_until', status: 'waiting', input: { at: s.at, businessHours: s.businessHours }, output: { until }, startedAt: t, finishedAt: null });
          return { startedAt: t, until };
        });
        // In the past, or a calendar that never opens: nothing to wait for.
        if (plan.until !== null && plan.until > plan.startedAt) await rt.sleepUntil(`${name}#wait`, plan.until);
        await rt.do(`${name}#end`, async () =>
          fx.record({ name, type: 'wait_until', status: 'done', input: { at: s.at, businessHours: s.businessHours }, output: { until: plan.until }, startedAt: plan.startedAt, finishedAt: fx.now() }),
        );
        trace.push({ step: name, type: 'wait_until', outcome: plan.until === null ? 'calendar never opens: went on' : `until ${new Date(plan.until).toISOString()}` });
        return msg;
      }
      case 'wait_for_reply': {
        const startedAt = await rt.do(`${name}#start`, async () => {
          const t = fx.now();
          await fx.waiting(true, name);
          await fx.record({ name, type: 'wait_for_reply', status: 'waiting', input: { timeoutSeconds: s.timeoutSeconds }, startedAt: t, finishedAt: null });
          return t;
        });
        const { reply, skipped } = await awaitFreshReply(rt, name, startedAt, s.timeoutSeconds * 1000, fx);
        await rt.do(`${name}#end`, async () => {
          await fx.waiting(false, name);
          await fx.record({ name, type: 'wait_for_reply', status: 'done', input: { timeoutSeconds: s.timeoutSeconds }, output: { ...(reply ? { reply: reply.messageId } : { timedOut: true }), ...(skipped ? { staleSkipped: skipped } : {}) }, startedAt, finishedAt: fx.now() });
        });
        trace.push({ step: name, type: 'wait_for_reply', outcome: reply ? 'reply' : 'timeout' });
        if (reply) {
          const next: RunMessage = { text: reply.text, channel: reply.channel, direction: 'inbound' };
          return s.onReply ? walk(s.onReply, `${name}/onReply`, next) : next;
        }
        return s.onTimeout ? walk(s.onTimeout, `${name}/onTimeout`, msg) : msg;
      }
      case 'action': {
        if (s.action === 'ask') return ask(s, name, msg);
        const output = await rt.do(name, async () => {
          const startedAt = fx.now();
          try {
            const out = await fx.act(s, name, msg);
            await fx.record({ name, type: `action:${s.action}`, status: 'done', input: s.params, output: out, startedAt, finishedAt: fx.now() });
            return out as never;
          } catch (err) {
            await fx.record({ name, type: `action:${s.action}`, status: 'failed', input: s.params, error: err instanceof Error ? err.message : String(err), startedAt, finishedAt: fx.now() });
            throw err;
          }
        });
        if (s.action === 'answer_from_knowledge') vars.answered = Boolean((output as { answered?: boolean } | null)?.answered);
        trace.push({ step: name, type: 'action', outcome: 'applied', ...describeAction(s), output });
        return msg;
      }
    }
  };

  // A bot question: sent, then the reply waited for like wait_for_reply, read against the options, stored.
  const ask = async (s: Extract<ActionStep, { action: 'ask' }>, name: string, msg: RunMessage): Promise<RunMessage> => {
    const asked = await rt.do(`${name}#ask`, async () => {
      const t = fx.now();
      const out = await fx.act(s, name, msg);
      await fx.waiting(true, name);
      await fx.record({ name, type: 'action:ask', status: 'waiting', input: s.params, output: out, startedAt: t, finishedAt: null });
      return t;
    });
    const timeoutMs = (s.params.timeoutSeconds ?? 86400) * 1000;
    const { reply } = await awaitFreshReply(rt, name, asked, timeoutMs, fx);
    const answer = await rt.do(`${name}#answer`, async (): Promise<Answer & { timedOut: boolean }> => {
      await fx.waiting(false, name);
      const a: Answer = reply ? matchAnswer(reply.text, s.params) : { value: null, how: 'none' };
      let saved: unknown = null;
      if (a.value !== null && s.params.saveTo) {
        saved = await fx.act({ type: 'action', action: 'update_contact', params: { field: s.params.saveTo, value: a.value } }, `${name}#save`, msg);
      }
      await fx.record({
        name,
        type: 'action:ask',
        status: 'done',
        input: s.params,
        output: { [s.params.name]: a.value, how: a.how, ...(reply ? { reply: reply.messageId } : { timedOut: true }), ...(saved ? { saved } : {}) },
        startedAt: asked,
        finishedAt: fx.now(),
      });
      return { ...a, timedOut: !reply };
    });
    vars[s.params.name] = answer.value;
    trace.push({ step: name, type: 'action', outcome: answer.timedOut ? 'timeout' : answer.value === null ? 'unmatched' : `answered ${answer.value}`, action: 'ask', params: s.params, output: answer });
    return reply ? { text: reply.text, channel: reply.channel, direction: 'inbound' } : msg;
  };

  await walk(doc.steps, '/steps', message);
  return trace;
}
