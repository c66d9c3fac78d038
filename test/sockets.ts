// A WebSocket client for tests: opens through the real Worker and lets a test await frames.
import { SELF } from 'cloudflare:test';
import { BASE } from './helpers';

export interface TestSocket {
  /** Every frame in order, the frames inside a `batch` message each in its place (the app applies them so). */
  frames: any[];
  /** The messages as they came over the socket (a `batch` message as one). */
  messages: any[];
  next(match: (frame: any) => boolean, timeoutMs?: number): Promise<any>;
  send(frame: unknown): void;
  close(): void;
  /** Resolves when the server closes the socket, with its code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  /** Rejects if the socket is not closed within the time (the server should have closed it). */
  closedWithin(timeoutMs?: number): Promise<{ code: number; reason: string }>;
}

export async function openSocket(path: string): Promise<TestSocket> {
  const res = await SELF.fetch(`${BASE}${path}`, { headers: { upgrade: 'websocket' } });
  const ws = res.webSocket;
  if (!ws) throw new Error(`no socket: ${res.status} ${await res.text()}`);
  ws.accept();
  const frames: any[] = [];
  const messages: any[] = [];
  const waiters: { match: (f: any) => boolean; resolve: (f: any) => void; from: number }[] = [];
  let consumed = 0;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.addEventListener('close', (e) => resolve({ code: e.code, reason: e.reason })));
  ws.addEventListener('message', (e) => {
    const message = JSON.parse(String(e.data));
    messages.push(message);
    for (const frame of message?.t === 'batch' ? message.frames : [message]) {
      frames.push(frame);
      for (const w of [...waiters]) {
        if (w.match(frame)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(frame);
        }
      }
    }
  });
  return {
    frames,
    messages,
    // Resolves with the first frame (already received or arriving) that matches.
    next(match, timeoutMs = 10_000) {
      const found = frames.slice(consumed).find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(frames).slice(0, 500)}`)), timeoutMs);
        waiters.push({ match, from: frames.length, resolve: (f) => (clearTimeout(timer), resolve(f)) });
      });
    },
    send: (frame) => ws.send(JSON.stringify(frame)),
    close: () => ws.close(1000, 'done'),
    closed,
    closedWithin(timeoutMs = 10_000) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms; got ${JSON.stringify(frames).slice(-500)}`)), timeoutMs)));
      return Promise.race([closed, late]).finally(() => clearTimeout(timer));
    },
  };
}
