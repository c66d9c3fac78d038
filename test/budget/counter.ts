// Counts what a path costs: every D1 round trip (a statement's first/run/all/raw, a batch, an exec)
// and every Durable Object RPC call, by namespace and method, made anywhere in this isolate — the
// Worker, the queue consumers and the Durable Objects all run here under the vitest plugin.
// The prototypes are patched once; a recording is on only between start() and stop(), or for the
// async flow of one costOf() call.
import { AsyncLocalStorage } from 'node:async_hooks';
import { env } from 'cloudflare:test';
import type { ParleyEvent } from '../../worker/events/model';

export interface Tally {
  d1: string[];
  calls: string[];
}

/** Queries the test itself makes while waiting carry this marker and are not counted. */
export const UNCOUNTED = '/* uncounted */';

/**
 * Event-stream subscribers run downstream of the path, in the EVENTS consumer, and may fire inside a
 * measured window for earlier conversations' events (the queue batches for up to a second): their
 * statements — the analytics facts' tables, the outbound webhooks' tables, the automation subscriber's workflow and bot tables,
 * contact memories, broadcast tracking, the notifications' preferences and mentions, and reads a subscriber marks `/* downstream *\/` — are not
 * part of the path and are not counted.
 */
const DOWNSTREAM = /\b(conversation_facts?|conversation_fact_\w+|analytics_state|analytics_hourly|analytics_daily|analytics_bins|webhook_\w+|workflows|workflow_\w+|bot_conversations|contact_memories|notification_preferences|note_mentions|broadcast_recipients)\b|\/\* downstream \*\//;

let current: Tally | null = null;
let installed = false;
/** The tally of a costOf() call, seen only by the code running in its own async flow. */
const own = new AsyncLocalStorage<Tally>();

/** `downstream`: a subscriber's statement, left out of start()/stop() windows (costOf counts everything its flow does). */
function record(kind: keyof Tally, what: string, downstream = false): void {
  own.getStore()?.[kind].push(what);
  if (current && !downstream && !what.includes(UNCOUNTED)) current[kind].push(what);
}

function install(): void {
  if (installed) return;
  installed = true;
  const db = env.DB as unknown as Record<string, any>;
  const dbProto = Object.getPrototypeOf(db);
  const stmtProto = Object.getPrototypeOf(env.DB.prepare('SELECT 1'));
  const sqlOf = new WeakMap<object, string>();
  const prepare = dbProto.prepare;
  dbProto.prepare = function (this: unknown, sql: string) {
    const stmt = prepare.call(this, sql);
    sqlOf.set(stmt, sql);
    return stmt;
  };
  const bind = stmtProto.bind;
  stmtProto.bind = function (this: object, ...args: unknown[]) {
    const bound = bind.apply(this, args);
    sqlOf.set(bound, sqlOf.get(this) ?? '?');
    return bound;
  };
  for (const m of ['first', 'run', 'all', 'raw']) {
    const original = stmtProto[m];
    stmtProto[m] = function (this: object, ...args: unknown[]) {
      record('d1', `${m}: ${oneLine(sqlOf.get(this) ?? '?')}`, DOWNSTREAM.test(sqlOf.get(this) ?? ''));
      return original.apply(this, args);
    };
  }
  const batch = dbProto.batch;
  dbProto.batch = function (this: unknown, stmts: object[]) {
    record(
      'd1',
      `batch(${stmts.length}): ${stmts.map((s) => oneLine(sqlOf.get(s) ?? '?').slice(0, 40)).join(' | ')}`,
      stmts.some((st) => DOWNSTREAM.test(sqlOf.get(st) ?? '')),
    );
    return batch.call(this, stmts);
  };
  const exec = dbProto.exec;
  dbProto.exec = function (this: unknown, sql: string) {
    record('d1', `exec: ${oneLine(sql)}`);
    return exec.call(this, sql);
  };
  installQueueCapture();
  for (const name of ['CONVERSATIONS', 'WORKSPACES', 'AGENTS'] as const) {
    const ns = (env as unknown as Record<string, DurableObjectNamespace>)[name];
    const nsProto = Object.getPrototypeOf(ns);
    if (nsProto.__counted) continue;
    nsProto.__counted = true;
    const get = nsProto.get;
    nsProto.get = function (this: DurableObjectNamespace, id: DurableObjectId, ...rest: unknown[]) {
      const stub = get.call(this, id, ...rest);
      const label = bindingName(this);
      return new Proxy(stub, {
        get(target, prop) {
          const value = target[prop];
          // settled() is how the test waits, not part of any path.
          if (typeof prop !== 'string' || typeof value !== 'function' || prop === 'then' || prop === 'settled') return value;
          return (...args: unknown[]) => {
            record('calls', `${label}.${prop}`);
            return Reflect.apply(value, target, args);
          };
        },
      });
    };
  }
}

/** Every event job sent to EVENTS from now on (the stream as the queue receives it), in send order. */
export function captureEvents(): ParleyEvent[] {
  install();
  const captured: ParleyEvent[] = [];
  captures.add(captured);
  return captured;
}

const captures = new Set<ParleyEvent[]>();

function installQueueCapture(): void {
  const proto = Object.getPrototypeOf(env.EVENTS) as Record<string, any>;
  const sendBatch = proto.sendBatch;
  proto.sendBatch = function (this: unknown, messages: { body: unknown }[], ...rest: unknown[]) {
    for (const m of messages) {
      const event = (m.body as { event?: ParleyEvent } | null)?.event;
      if (event) for (const c of captures) c.push(event);
    }
    return sendBatch.call(this, messages, ...rest);
  };
}

function bindingName(ns: DurableObjectNamespace): string {
  for (const name of ['CONVERSATIONS', 'WORKSPACES', 'AGENTS'] as const) if ((env as unknown as Record<string, unknown>)[name] === ns) return name;
  return 'DO';
}

function oneLine(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim().slice(0, 120);
}

/** Start counting (every earlier recording is dropped). */
export function start(): void {
  install();
  current = { d1: [], calls: [] };
}

/**
 * What `fn` itself costs: the D1 round trips and object calls made in its own async flow, every table
 * counted, and nothing of what runs meanwhile elsewhere in the isolate (the objects' own drains, the
 * queues' consumers), so the figure does not depend on when a queue batch happens to fire.
 */
export async function costOf<T>(fn: () => Promise<T>): Promise<{ result: T; tally: Tally }> {
  install();
  const tally: Tally = { d1: [], calls: [] };
  const result = await own.run(tally, fn);
  return { result, tally };
}

/** Stop counting and return what was counted. */
export function stop(): Tally {
  const t = current ?? { d1: [], calls: [] };
  current = null;
  return t;
}
