// A WebSocket that stays connected: jittered exponential backoff, a ping so idle proxies keep it
// open, silence detection for connections that died without a close, and an immediate retry when
// the browser comes back online or the tab becomes visible. It knows nothing about Parley's frames,
// only the close codes that say the socket's rights ended (worker/conversations/socket-protocol.ts).
import { CLOSE } from '../../../worker/conversations/socket-protocol';

export type SocketState = 'connecting' | 'live' | 'retrying' | 'stopped';

export interface SocketOptions {
  /** Path (same origin) of the socket, e.g. /api/live. */
  path: string;
  onFrame(frame: unknown): void;
  onState?(state: SocketState): void;
  /** Called on every successful (re)connection, before any frame. */
  onOpen?(reconnect: boolean): void;
  /** Give up after this many consecutive failures without ever connecting (e.g. the route does not exist). */
  maxFailuresBeforeFirstOpen?: number;
  /**
   * The server ended the socket because its rights ended: 4401 (session revoked) and 4403 (no longer
   * allowed) stop it for good; 4409 (role or teams changed) reconnects at once with the new rights.
   */
  onEnded?(code: number): void;
}

const PING_MS = 25_000;
const SILENCE_MS = 2 * PING_MS + 10_000;
const BASE_MS = 500;
const MAX_MS = 15_000;

/** Every socket of the page, so tests (and the offline handler) can reach them. */
const all = new Set<ReconnectingSocket>();

export class ReconnectingSocket {
  #ws: WebSocket | null = null;
  #running = false;
  #attempt = 0;
  #everOpened = false;
  #lastHeard = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #ping: ReturnType<typeof setInterval> | undefined;
  state: SocketState = 'stopped';

  constructor(private readonly opts: SocketOptions) {}

  start(): void {
    if (this.#running) return;
    this.#running = true;
    all.add(this);
    this.#connect();
  }

  stop(): void {
    this.#running = false;
    all.delete(this);
    clearTimeout(this.#retry);
    this.#close();
    this.#set('stopped');
  }

  send(frame: unknown): boolean {
    if (this.#ws?.readyState !== WebSocket.OPEN) return false;
    this.#ws.send(JSON.stringify(frame));
    return true;
  }

  /** Reconnect now instead of waiting out the backoff (network back, tab visible). */
  wake(): void {
    if (!this.#running || this.#ws) return;
    clearTimeout(this.#retry);
    this.#connect();
  }

  /** Drop the connection as a network failure would; it reconnects with backoff. */
  drop(): void {
    if (!this.#ws) return;
    this.#close();
    this.#scheduleRetry();
  }

  #set(state: SocketState): void {
    if (this.state === state) return;
    this.state = state;
    this.opts.onState?.(state);
  }

  #connect(): void {
    if (!navigator.onLine) {
      this.#set('retrying');
      return; // the 'online' event wakes us
    }
    this.#set(this.#everOpened ? 'retrying' : 'connecting');
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    let ws: WebSocket;
    try {
      ws = new WebSocket(`${proto}//${location.host}${this.opts.path}`);
    } catch {
      this.#scheduleRetry();
      return;
    }
    this.#ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      const reconnect = this.#everOpened;
      this.#everOpened = true;
      this.#attempt = 0;
      this.#lastHeard = Date.now();
      this.#set('live');
      this.opts.onOpen?.(reconnect);
      clearInterval(this.#ping);
      this.#ping = setInterval(() => {
        if (Date.now() - this.#lastHeard > SILENCE_MS) return this.drop();
        this.send({ t: 'ping' });
      }, PING_MS);
    };
    ws.onmessage = (e) => {
      this.#lastHeard = Date.now();
      let frame: unknown;
      try {
        frame = JSON.parse(String(e.data));
      } catch {
        return;
      }
      this.opts.onFrame(frame);
    };
    ws.onclose = (e) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      clearInterval(this.#ping);
      if (e.code === CLOSE.sessionRevoked || e.code === CLOSE.forbidden) {
        this.stop();
        this.opts.onEnded?.(e.code);
        return;
      }
      if (e.code === CLOSE.rightsChanged) {
        this.opts.onEnded?.(e.code);
        this.#attempt = 0;
        this.#connect();
        return;
      }
      if (!opened && !this.#everOpened && ++this.#attempt >= (this.opts.maxFailuresBeforeFirstOpen ?? Infinity)) {
        this.stop();
        return;
      }
      this.#scheduleRetry();
    };
  }

  #close(): void {
    const ws = this.#ws;
    this.#ws = null;
    clearInterval(this.#ping);
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null;
      try {
        ws.close();
      } catch {
        // already closed
      }
    }
  }

  #scheduleRetry(): void {
    if (!this.#running) return;
    this.#set('retrying');
    clearTimeout(this.#retry);
    const n = this.#attempt++;
    const delay = Math.min(MAX_MS, BASE_MS * 2 ** n) * (0.7 + Math.random() * 0.6);
    this.#retry = setTimeout(() => this.#connect(), delay);
  }
}

window.addEventListener('online', () => all.forEach((s) => s.wake()));
window.addEventListener('offline', () => all.forEach((s) => s.drop()));
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') all.forEach((s) => s.wake());
});

/** For the browser tests: drop every socket of the page, as a network failure would. */
(window as unknown as { parleyDropSockets: () => number }).parleyDropSockets = () => {
  all.forEach((s) => s.drop());
  return all.size;
};
