// HTTP and WebSocket clients for the benchmarks. node:http with a keep-alive agent costs the client
// far less CPU than fetch, which matters when client and server share two cores.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });

let visitorCount = 0;
/**
 * A client address of its own for each simulated web chat visitor: the server throttles new visitors
 * per address and inbox (20 per 10 minutes), as it would a script making contacts from one machine.
 */
export function visitorAddress() {
  visitorCount++;
  return `10.${(visitorCount >> 16) & 255}.${(visitorCount >> 8) & 255}.${visitorCount & 255}`;
}

/**
 * One request. Resolves with {status, body (parsed JSON when it is JSON), ms}; never rejects on an
 * HTTP status, only on a network error or when no response comes within `timeoutMs`.
 */
export function request(origin, method, path, { token, body, headers = {}, timeoutMs = 30_000 } = {}) {
  const url = new URL(path, origin);
  const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (payload) {
    h['content-type'] = 'application/json';
    h['content-length'] = payload.length;
  }
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request({ agent, hostname: url.hostname, port: url.port, path: url.pathname + url.search, method, headers: h }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const elapsed = performance.now() - started;
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed = text;
        if (/json/.test(res.headers['content-type'] ?? '')) {
          try {
            parsed = JSON.parse(text);
          } catch {
            // leave as text
          }
        }
        resolve({ status: res.statusCode, body: parsed, ms: elapsed });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path}: no response in ${timeoutMs} ms`)));
    if (payload) req.write(payload);
    req.end();
  });
}

/**
 * A POST of exact bytes (signed webhooks: request() JSON-encodes bodies, and a signature covers the bytes
 * sent). Resolves with {status, body (text), ms}; never rejects on an HTTP status.
 */
export function rawPost(origin, path, body, headers) {
  const url = new URL(path, origin);
  const payload = Buffer.from(body);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request({ agent, hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...headers, 'content-length': payload.length } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`POST ${path}: no response in 30 s`)));
    req.end(payload);
  });
}

/** A request that must succeed (2xx); throws with the problem body otherwise. */
export async function call(origin, method, path, opts = {}) {
  const res = await request(origin, method, path, opts);
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`${method} ${path} → ${res.status} ${typeof res.body === 'string' ? res.body.slice(0, 500) : JSON.stringify(res.body).slice(0, 500)}`);
  }
  return res.body;
}

/** Run `count` jobs with `concurrency` in flight; job(i) gets the item index. */
export async function pool(count, concurrency, job) {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) await job(next++);
  });
  await Promise.all(workers);
}

/**
 * A WebSocket that records when each frame arrived (performance.now()) and lets the caller await
 * frames. `onFrame(frame, at)` runs for every frame as it arrives.
 */
export function openSocket(url, { onFrame, timeoutMs = 15_000 } = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const waiters = [];
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      try {
        ws.close();
      } catch {
        // ignore
      }
      reject(new Error(`socket ${url.replace(/(token|access_token)=[^&]+/, '$1=…')} gave no hello in ${timeoutMs} ms`));
    }, timeoutMs);
    const sock = {
      ws,
      closed: false,
      send: (frame) => ws.send(JSON.stringify(frame)),
      close: () => {
        try {
          ws.close(1000, 'bench done');
        } catch {
          // ignore
        }
      },
      /** Resolves with the next frame that matches (arriving after this call). */
      next(match, ms = 10_000) {
        return new Promise((res, rej) => {
          const t = setTimeout(() => rej(new Error(`no matching frame in ${ms} ms`)), ms);
          waiters.push({ match, resolve: (f) => (clearTimeout(t), res(f)) });
        });
      },
    };
    ws.addEventListener('message', (e) => {
      const at = performance.now();
      let frame;
      try {
        frame = JSON.parse(typeof e.data === 'string' ? e.data : Buffer.from(e.data).toString('utf8'));
      } catch {
        return;
      }
      // A `batch` message carries several frames, in order: each is handled as if it came alone.
      for (const f of frame?.t === 'batch' ? frame.frames : [frame]) {
        onFrame?.(f, at);
        for (let i = waiters.length - 1; i >= 0; i--) {
          if (waiters[i].match(f)) {
            const [w] = waiters.splice(i, 1);
            w.resolve(f);
          }
        }
      }
      if (!settled && frame.t === 'hello') {
        settled = true;
        clearTimeout(timer);
        resolve(sock);
      }
    });
    ws.addEventListener('close', (e) => {
      sock.closed = true;
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(new Error(`socket closed before hello (${e.code} ${e.reason})`));
      }
    });
    ws.addEventListener('error', () => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(new Error(`socket error before hello on ${url.replace(/(token|access_token)=[^&]+/, '$1=…')}`));
      }
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
