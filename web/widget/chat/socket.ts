// A WebSocket that keeps itself alive: it pings so idle proxies don't cut it, notices connections that
// died silently, and reconnects with jittered exponential backoff. It knows nothing about chat.
import { CLOSE, type ClientFrame, type ServerFrame } from '../../../worker/conversations/socket-protocol';

const PING_MS = 25_000;
// Two pings without any answer: the connection is gone even if the browser has not noticed yet.
const SILENCE_MS = 2 * PING_MS + 5_000;
const MAX_BACKOFF_MS = 30_000;

/** `retrying` means a connection was lost or refused and another attempt is scheduled. */
export type SocketState = 'offline' | 'connecting' | 'live' | 'retrying';

export interface SocketOptions {
  url(): string;
  onFrame(frame: ServerFrame): void;
  onState(state: SocketState): void;
  /**
   * Runs before every reconnect attempt. The caller catches up over REST here (which also refreshes an
   * expired token), so messages keep arriving at the backoff rate even where WebSockets are blocked.
   * A rejection counts as a failed attempt.
   */
  beforeReconnect(): Promise<unknown>;
}

export class LiveSocket {
  #ws: WebSocket | null = null;
  #running = false;
  #reconnecting = false;
  #attempt = 0;
  #lastHeard = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: SocketOptions) {}

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#attempt = 0;
    this.#connect();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#retryTimer);
    this.#drop();
    this.options.onState('offline');
  }

  /** Sends if connected; returns false otherwise (callers decide whether that matters). */
  send(frame: ClientFrame): boolean {
    if (this.#ws?.readyState !== WebSocket.OPEN) return false;
    this.#ws.send(JSON.stringify(frame));
    return true;
  }

  /** Skips the backoff wait, for when the network is back or the page becomes visible again. */
  wake(): void {
    if (!this.#running || this.#ws || this.#reconnecting) return;
    clearTimeout(this.#retryTimer);
    void this.#reconnect();
  }

  #connect(): void {
    this.options.onState(this.#attempt ? 'retrying' : 'connecting');
    const ws = new WebSocket(this.options.url());
    this.#ws = ws;
    ws.onopen = () => {
      this.#lastHeard = Date.now();
      this.#pingTimer = setInterval(() => {
        if (Date.now() - this.#lastHeard < SILENCE_MS) this.send({ t: 'ping' });
        else this.#lost();
      }, PING_MS);
    };
    ws.onmessage = (e) => {
      this.#lastHeard = Date.now();
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(e.data)) as ServerFrame;
      } catch {
        return;
      }
      if (frame.t === 'hello') {
        this.#attempt = 0;
        this.options.onState('live');
      }
      this.options.onFrame(frame);
    };
    // Blocked (4403): the chat is closed for this visitor; retrying would only be refused.
    ws.onclose = (e) => (e.code === CLOSE.forbidden ? this.stop() : this.#lost());
  }

  #lost(): void {
    this.#drop();
    if (!this.#running) return;
    this.options.onState('retrying');
    const ceiling = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.#attempt++);
    // Jitter spreads visitors out so a deploy doesn't bring them all back in the same instant.
    this.#retryTimer = setTimeout(() => void this.#reconnect(), ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  async #reconnect(): Promise<void> {
    this.#reconnecting = true;
    try {
      await this.options.beforeReconnect();
    } catch {
      this.#reconnecting = false;
      this.#lost();
      return;
    }
    this.#reconnecting = false;
    if (this.#running && !this.#ws) this.#connect();
  }

  /** Forgets the current socket without triggering its close handler. */
  #drop(): void {
    clearInterval(this.#pingTimer);
    const ws = this.#ws;
    this.#ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    ws.close();
  }
}
