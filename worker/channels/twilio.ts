// Twilio's shared plumbing for SMS and voice: X-Twilio-Signature (base64 HMAC-SHA1 of the full URL
// followed by the sorted form parameters, each as name+value), the JSON-body variant (bodySHA256 in the
// URL), the TwiML acknowledgement, and the REST API's answers.
import { sha256Hex } from '../crypto/bytes';
import { cfg, hmacSha1Base64, interpretHttp, parseForm, safeEqual } from './common';
import type { InboxConfig, ProviderResponse, RawWebhook, SendResult } from './types';

export const TWILIO_API = 'https://api.twilio.com/2010-04-01';

/** The string Twilio signs: the URL, then each parameter name+value, names sorted, repeated values deduplicated and sorted. */
export function twilioSignedString(url: string, params: Record<string, string | string[]> | [string, string][]): string {
  const grouped = new Map<string, Set<string>>();
  const pairs = Array.isArray(params) ? params : Object.entries(params).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x] as [string, string]) : [[k, v] as [string, string]]));
  for (const [k, v] of pairs) {
    if (!grouped.has(k)) grouped.set(k, new Set());
    grouped.get(k)!.add(v);
  }
  let data = url;
  for (const key of [...grouped.keys()].sort()) for (const v of [...grouped.get(key)!].sort()) data += key + v;
  return data;
}

export function twilioSignature(authToken: string, url: string, params: Record<string, string | string[]> | [string, string][]): Promise<string> {
  return hmacSha1Base64(authToken, twilioSignedString(url, params));
}

/** The URL forms Twilio's SDKs accept: as given, without the port, and with the scheme's default port. */
function urlVariants(raw: string): string[] {
  const out = new Set<string>([raw]);
  try {
    const u = new URL(raw);
    const auth = u.username ? `${u.username}${u.password ? `:${u.password}` : ''}@` : '';
    const rest = `${u.pathname}${u.search}`;
    out.add(`${u.protocol}//${auth}${u.hostname}${rest}`);
    const port = u.port || (u.protocol === 'https:' ? '443' : '80');
    out.add(`${u.protocol}//${auth}${u.hostname}:${port}${rest}`);
  } catch {
    // not a URL: only the raw form
  }
  return [...out];
}

export async function verifyTwilio(req: RawWebhook, config: InboxConfig): Promise<string | null> {
  const token = cfg(config, 'authToken');
  if (!token) return 'the inbox has no authToken configured';
  const given = req.headers['x-twilio-signature'];
  if (!given) return 'missing X-Twilio-Signature';
  let bodySha: string | null = null;
  try {
    bodySha = new URL(req.url).searchParams.get('bodySHA256');
  } catch {
    return 'unparseable request URL';
  }
  // JSON webhooks sign the URL only, and bind the body through its SHA-256 in the URL. Without that
  // parameter the body is signed as form parameters, whatever the Content-Type claims: the
  // parameters signed are exactly the ones the adapter will read (a "json" type must not unsign them).
  const params = bodySha !== null ? [] : parseForm(req.body);
  if (bodySha !== null && !safeEqual(await sha256Hex(req.body), bodySha.toLowerCase())) return 'bodySHA256 does not match the body';
  for (const url of urlVariants(req.url)) if (safeEqual(await twilioSignature(token, url, params), given)) return null;
  return 'X-Twilio-Signature does not match';
}

export function twiml(inner = ''): Response {
  return new Response(`<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`, { status: 200, headers: { 'content-type': 'text/xml' } });
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

// Twilio error codes that will not succeed on retry (invalid or unreachable numbers, opt-outs, bad content).
const PERMANENT_CODES = new Set([21211, 21408, 21610, 21612, 21614, 21617, 21635, 30003, 30004, 30005, 30006, 30007, 30008]);

export function interpretTwilio(res: ProviderResponse): SendResult {
  const result = interpretHttp(res, (j) => j?.sid);
  if (!result.ok && !result.permanent) {
    try {
      if (PERMANENT_CODES.has(Number(JSON.parse(res.body)?.code))) return { ...result, permanent: true };
    } catch {
      // keep the plain reading
    }
  }
  return result;
}

/** Twilio's documented test numbers, answered by the sandbox as Twilio's test credentials do. */
export const TWILIO_MAGIC: Record<string, { code: number; message: string }> = {
  '+15005550001': { code: 21211, message: "The 'To' number +15005550001 is not a valid phone number." },
  '+15005550002': { code: 21612, message: "The 'To' phone number: +15005550002, is not currently reachable using the 'From' phone number via SMS." },
  '+15005550003': { code: 21408, message: 'Permission to send an SMS has not been enabled for the region indicated by the \'To\' number: +15005550003.' },
  '+15005550004': { code: 21610, message: 'Attempt to send to unsubscribed recipient' },
  '+15005550009': { code: 21614, message: "'To' number is not a valid mobile number" },
};
