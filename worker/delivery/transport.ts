// How provider requests leave Parley. The live transport calls the provider; the sandbox transport
// (development and tests: no network, no real credentials) records the exact request in D1
// (`sandbox_outbound`) and answers the way the provider would. Chosen by configuration:
// OUTBOUND_TRANSPORT = "live" | "sandbox"; unset means live in production and sandbox elsewhere.
//
// Sandbox scenarios for tests and demos: a message whose text contains [[sandbox:503]] gets that HTTP
// status from the "provider" every time; [[sandbox:503x2]] only for its first two attempts. 429s carry
// Retry-After: 1. Twilio's documented magic test numbers (+15005550001 …) answer as Twilio does.
import type { ChannelAdapter, OutboundMessage, ProviderRequest, ProviderResponse } from '../channels/types';
import { SEND_EMAIL_URL } from '../channels/email';
import { sandboxSubmissionReply } from '../channels/whatsapp-templates';

export interface TransportMeta {
  workspaceId: string;
  inboxId: string;
  channel: string;
  messageId?: string | null;
  /** template: submitting a message template for the provider's review (no message, no conversation). */
  purpose: 'send' | 'media' | 'template';
  adapter?: ChannelAdapter;
  out?: OutboundMessage;
  /** Return the body as bytes too (media downloads). */
  binary?: boolean;
}

export interface Transport {
  readonly name: 'live' | 'sandbox';
  execute(req: ProviderRequest, meta: TransportMeta): Promise<ProviderResponse>;
}

export function transportMode(env: Env): 'live' | 'sandbox' {
  const configured = (env as unknown as { OUTBOUND_TRANSPORT?: string }).OUTBOUND_TRANSPORT;
  if (configured === 'live' || configured === 'sandbox') return configured;
  return env.ENVIRONMENT === 'production' ? 'live' : 'sandbox';
}

export function transportFor(env: Env): Transport {
  return transportMode(env) === 'live' ? liveTransport(env) : sandboxTransport(env);
}

function lowerHeaders(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  h.forEach((v, k) => (out[k.toLowerCase()] = v));
  return out;
}

export function liveTransport(env: Env): Transport {
  return {
    name: 'live',
    async execute(req, meta) {
      if (req.url === SEND_EMAIL_URL) return sendEmailBinding(env, req);
      new URL(req.url); // throws TypeError on a relative or malformed URL, like fetch would
      const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.method === 'GET' ? undefined : req.body, signal: AbortSignal.timeout(20_000) });
      if (meta.binary) {
        const bytes = await res.arrayBuffer();
        return { status: res.status, headers: lowerHeaders(res.headers), body: '', bytes };
      }
      return { status: res.status, headers: lowerHeaders(res.headers), body: await res.text() };
    },
  };
}

async function sendEmailBinding(env: Env, req: ProviderRequest): Promise<ProviderResponse> {
  const binding = (env as unknown as { EMAIL?: { send(m: unknown): Promise<void> } }).EMAIL;
  if (!binding) return { status: 400, headers: {}, body: JSON.stringify({ message: 'no e-mail sender: add a send_email binding named EMAIL or set provider/apiKey on the inbox' }) };
  const { EmailMessage } = await import('cloudflare:email');
  // The binding takes one envelope recipient per message: the same MIME goes to each (Cc and Bcc too).
  // The customer (To, first) decides the outcome: once they have it, a copy that fails is reported but
  // does not fail the message, whose retry would send the customer a second one.
  const [to, ...copies] = req.headers['x-rcpt-to'].split(',').map((r) => r.trim()).filter(Boolean);
  try {
    await binding.send(new EmailMessage(req.headers['x-mail-from'], to, req.body ?? ''));
  } catch (err) {
    return { status: 400, headers: {}, body: JSON.stringify({ message: String(err) }) };
  }
  const failed: string[] = [];
  for (const rcpt of copies) {
    try {
      await binding.send(new EmailMessage(req.headers['x-mail-from'], rcpt, req.body ?? ''));
    } catch (err) {
      failed.push(rcpt);
      console.warn(`e-mail copy to ${rcpt} failed: ${String(err)}`);
    }
  }
  return { status: 202, headers: {}, body: failed.length ? JSON.stringify({ copiesFailed: failed }) : '' };
}

const SCENARIO = /\[\[sandbox:(\d{3})(?:x(\d+))?\]\]/;
// A 1×1 PNG: what an image "downloads" as in the sandbox.
const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));

function redact(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const lower = k.toLowerCase();
    out[lower] = lower === 'authorization' ? `${v.split(' ')[0]} [redacted]` : /token|secret|key/.test(lower) && !lower.startsWith('x-line-retry') ? '[redacted]' : v;
  }
  return out;
}

/** Secrets in URLs (Telegram's bot token) are redacted in the record too. */
function redactUrl(url: string): string {
  return url.replace(/\/bot\d+:[\w-]+/g, '/bot[redacted]').replace(/access_token=[^&]+/g, 'access_token=[redacted]');
}

export function sandboxTransport(env: Env): Transport {
  return {
    name: 'sandbox',
    async execute(req, meta) {
      if (req.url !== SEND_EMAIL_URL) new URL(req.url); // malformed URLs fail as they would live
      let res: ProviderResponse;
      if (meta.purpose === 'media') res = sandboxMedia(req, meta);
      else if (meta.purpose === 'template') res = sandboxSubmissionReply(req);
      else {
        const m = meta.out?.text.match(SCENARIO);
        // Earlier attempts are counted only for a scenario that fails the first N ("[[sandbox:503x2]]"):
        // an ordinary send costs the record below and nothing else.
        const earlier =
          m?.[2] !== undefined && meta.messageId
            ? ((await env.DB.prepare(`SELECT count(*) AS n FROM sandbox_outbound WHERE message_id = ? AND purpose = 'send'`).bind(meta.messageId).first<number>('n')) ?? 0)
            : 0;
        if (m && (m[2] === undefined || earlier < Number(m[2]))) {
          const status = Number(m[1]);
          res = {
            status,
            headers: { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '1' } : {}) },
            body: JSON.stringify({ error: { message: `Sandbox: simulated HTTP ${status}`, code: status } }),
          };
        } else {
          res = meta.adapter?.sandboxReply && meta.out ? meta.adapter.sandboxReply(req, meta.out) : { status: 200, headers: {}, body: '{}' };
        }
      }
      await env.DB.prepare(
        `INSERT INTO sandbox_outbound (workspace_id, inbox_id, channel, message_id, purpose, method, url, headers, body, response_status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
        .bind(meta.workspaceId, meta.inboxId, meta.channel, meta.messageId ?? null, meta.purpose, req.method, redactUrl(req.url), JSON.stringify(redact(req.headers)), req.body ?? null, res.status, Date.now())
        .run();
      return res;
    },
  };
}

function sandboxMedia(req: ProviderRequest, meta: TransportMeta): ProviderResponse {
  const url = new URL(req.url);
  // WhatsApp's media lookup answers with a download URL.
  const wa = url.hostname === 'graph.facebook.com' && url.pathname.match(/^\/v[\d.]+\/(\d+)$/);
  if (wa) return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: `https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=${wa[1]}`, mime_type: 'image/jpeg', id: wa[1] }) };
  // Telegram's getFile answers with a file path.
  if (url.hostname === 'api.telegram.org' && url.pathname.endsWith('/getFile')) {
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ok: true, result: { file_id: url.searchParams.get('file_id'), file_path: `photos/${url.searchParams.get('file_id')}.jpg` } }) };
  }
  if (url.hostname.endsWith('.invalid') || url.pathname.includes('/missing')) return { status: 404, headers: {}, body: 'not found', bytes: new ArrayBuffer(0) };
  const looksImage = /\.(jpe?g|png|gif|webp)$/i.test(url.pathname) || url.hostname.includes('lookaside') || url.pathname.includes('/photos/') || url.hostname === 'api-data.line.me';
  const bytes = looksImage ? PNG : new TextEncoder().encode(`sandbox media for ${redactUrl(req.url)}`);
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return { status: 200, headers: { 'content-type': looksImage ? 'image/png' : meta.channel === 'voice' ? 'audio/wav' : 'application/octet-stream' }, body: '', bytes: buf };
}
