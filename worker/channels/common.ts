// Shared building blocks for adapters: HMAC signature schemes compared in constant time, body
// decoding, capability defaults and the usual reading of a provider's HTTP answer.
import { timingSafeEqual, toHex, utf8 } from '../crypto/bytes';
import type { Capabilities, InboxConfig, ProviderResponse, RawWebhook, SendResult } from './types';
import { ParseError } from './types';

const keys = new Map<string, Promise<CryptoKey>>();

/** HMAC keys are imported once per secret and isolate: webhooks of one inbox reuse theirs. */
function hmacKey(hash: 'SHA-1' | 'SHA-256', secret: string): Promise<CryptoKey> {
  const id = `${hash}:${secret}`;
  let key = keys.get(id);
  if (!key) {
    if (keys.size > 1000) keys.clear();
    key = crypto.subtle.importKey('raw', utf8(secret), { name: 'HMAC', hash }, false, ['sign']);
    keys.set(id, key);
  }
  return key;
}

async function hmac(hash: 'SHA-1' | 'SHA-256', secret: string, data: string | Uint8Array): Promise<Uint8Array> {
  const key = await hmacKey(hash, secret);
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, typeof data === 'string' ? utf8(data) : (data as Uint8Array<ArrayBuffer>)));
}

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export async function hmacSha256Hex(secret: string, data: string | Uint8Array): Promise<string> {
  return toHex(await hmac('SHA-256', secret, data));
}

export async function hmacSha256Base64(secret: string | Uint8Array, data: string): Promise<string> {
  if (typeof secret === 'string') return toBase64(await hmac('SHA-256', secret, data));
  const key = await crypto.subtle.importKey('raw', secret as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return toBase64(new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(data))));
}

export async function hmacSha1Base64(secret: string, data: string): Promise<string> {
  return toBase64(await hmac('SHA-1', secret, data));
}

export const safeEqual = timingSafeEqual;

/** A config value as a string, or null when missing or empty. */
export function cfg(config: InboxConfig, key: string): string | null {
  const v = config[key];
  if (v === undefined || v === null || v === '') return null;
  return String(v);
}

/** Verify a "header = f(secret, body)" signature: null when it matches, else the reason. */
export async function checkSignature(given: string | undefined, secret: string | null, expected: () => Promise<string>, what: string): Promise<string | null> {
  if (!secret) return `the inbox has no ${what} secret configured`;
  if (!given) return `missing ${what} signature`;
  return safeEqual(await expected(), given.trim()) ? null : `${what} signature does not match`;
}

export function parseJsonBody<T = any>(req: RawWebhook): T {
  try {
    return JSON.parse(req.body) as T;
  } catch {
    throw new ParseError('body is not valid JSON');
  }
}

/** Form fields in order (repeated keys kept). */
export function parseForm(body: string): [string, string][] {
  return [...new URLSearchParams(body).entries()];
}

export function formObject(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of parseForm(body)) if (!(k in out)) out[k] = v;
  return out;
}

export function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

export function e164(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const digits = raw.replace(/[^\d]/g, '');
  if (digits.length < 5) return null;
  return `+${digits}`;
}

export function capabilities(partial: Partial<Capabilities>): Capabilities {
  return {
    outbound: true,
    media: false,
    templates: false,
    window24h: false,
    deliveryReceipts: false,
    readReceipts: false,
    segments: false,
    publicReply: false,
    maxTextLength: null,
    ...partial,
  };
}

export function jsonRequest(method: string, url: string, body: unknown, headers: Record<string, string> = {}) {
  return { method, url, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}) {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The provider's error text from the common error shapes. */
export function providerError(res: ProviderResponse): string {
  const j = safeJson(res.body);
  const parts: string[] = [];
  if (isObject(j)) {
    const e = isObject(j.error) ? j.error : isObject(j.errors?.[0]) ? j.errors[0] : j;
    const code = e.code ?? e.error_code ?? j.code;
    const msg = e.message ?? e.error_user_msg ?? e.description ?? e.detail ?? e.title ?? j.message ?? j.description ?? (typeof j.error === 'string' ? j.error : null);
    if (code !== undefined && code !== null) parts.push(`[${code}]`);
    if (msg) parts.push(String(msg));
  }
  const text = parts.join(' ') || res.body.slice(0, 300) || `HTTP ${res.status}`;
  return `${text} (HTTP ${res.status})`;
}

/**
 * The usual reading of a provider's answer: 2xx sent; 408, 429 and 5xx transient (429 honours
 * Retry-After); other 4xx permanent with the provider's own reason.
 */
export function interpretHttp(res: ProviderResponse, idOf: (json: any) => unknown): SendResult {
  if (res.status >= 200 && res.status < 300) {
    const id = idOf(safeJson(res.body));
    return { ok: true, providerMessageId: id === undefined || id === null ? null : String(id) };
  }
  const retryAfter = Number(res.headers['retry-after']);
  if (res.status === 429 || res.status === 408 || res.status >= 500) {
    return { ok: false, permanent: false, reason: providerError(res), retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined };
  }
  return { ok: false, permanent: true, reason: providerError(res) };
}

export function basicAuth(user: string, pass: string): string {
  return `Basic ${btoa(`${user}:${pass}`)}`;
}

/** A short random provider-looking id for sandbox answers. */
export function sandboxId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return prefix + [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export const EMPTY_OK = () => new Response(null, { status: 200 });
