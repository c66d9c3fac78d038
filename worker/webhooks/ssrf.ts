// Where an outbound webhook may go. A manager types the URL, so in production it must not point the
// Worker at addresses that only make sense inside someone's network: private, loopback, link-local,
// CGNAT, unspecified, multicast/reserved, and IPv6 forms that embed an IPv4 address. Every redirect
// hop is checked the same way (fetchChecked follows redirects itself, at most MAX_HOPS).
//
// What this cannot do: a Worker has no DNS lookup before fetch(), so a hostname that resolves to a
// private address (a rebinding domain, "127.0.0.1.nip.io") is only caught when the address is written
// literally. That is acceptable here because Cloudflare's fetch() leaves from the edge and cannot reach
// the account's private networks, nor our own zone's internals, by any name; the literal checks stop the
// obvious cases and keep the local product honest about what production refuses.
//
// Outside production nothing but the scheme is checked: the local product and its tests receive
// deliveries on loopback.

export const MAX_HOPS = 3;

export type Environment = string;

/** Why `raw` may not be a webhook target in this environment, or null when it may. */
export function targetProblem(raw: string | URL, environment: Environment): string | null {
  let url: URL;
  try {
    url = typeof raw === 'string' ? new URL(raw) : raw;
  } catch {
    return 'must be an absolute URL';
  }
  const production = environment === 'production';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && !production)) return production ? 'must be an https:// URL' : 'must be an http:// or https:// URL';
  if (url.username || url.password) return 'must not carry credentials (put them in a header on your side, or in the path)';
  if (!production) return null;
  const why = hostProblem(url.hostname);
  return why ? `refused: ${why}` : null;
}

/** Why a hostname (as URL.hostname gives it: lowercased, IPv6 in brackets) is not a public host, or null. */
export function hostProblem(hostname: string): string | null {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === '') return 'no host';
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback host';
  if (host.startsWith('[')) {
    const groups = parseIPv6(host.slice(1, -1));
    return groups ? ipv6Problem(groups) : 'not an IPv6 address';
  }
  // The WHATWG parser already rewrites 2130706433, 0x7f.1 and 0177.0.0.1 to 127.0.0.1; parsing the
  // legacy spellings again here keeps the guard right for any caller that passes a raw host.
  const v4 = parseIPv4(host);
  if (v4 !== null) return ipv4Problem(v4);
  if (/^[\d.]+$/.test(host) || /^0x/i.test(host)) return 'not a valid IP address';
  return null;
}

/** inet_aton rules: 1–4 parts, each decimal, 0x-hex or 0-octal; the last part fills the remaining bytes. */
export function parseIPv4(host: string): number | null {
  const parts = host.split('.');
  if (parts.length === 0 || parts.length > 4) return null;
  const nums: number[] = [];
  for (const p of parts) {
    let n: number;
    if (/^0x[0-9a-f]*$/i.test(p)) n = p.length === 2 ? 0 : parseInt(p.slice(2), 16);
    else if (/^0[0-7]+$/.test(p)) n = parseInt(p.slice(1), 8);
    else if (/^(0|[1-9]\d*)$/.test(p)) n = Number(p);
    else return null;
    if (!Number.isFinite(n)) return null;
    nums.push(n);
  }
  const last = nums.pop()!;
  if (nums.some((n) => n > 255)) return null;
  if (last >= 2 ** (8 * (4 - nums.length))) return null;
  let value = 0;
  nums.forEach((n, i) => (value += n * 2 ** (8 * (3 - i))));
  return value + last;
}

const V4_BLOCKS: [string, number, string][] = [
  ['0.0.0.0', 8, 'unspecified ("this network") address'],
  ['10.0.0.0', 8, 'private address (10/8)'],
  ['100.64.0.0', 10, 'carrier-grade NAT address (100.64/10)'],
  ['127.0.0.0', 8, 'loopback address'],
  ['169.254.0.0', 16, 'link-local address (169.254/16, cloud metadata)'],
  ['172.16.0.0', 12, 'private address (172.16/12)'],
  ['192.0.0.0', 24, 'IETF protocol assignment (192.0.0/24)'],
  ['192.168.0.0', 16, 'private address (192.168/16)'],
  ['198.18.0.0', 15, 'benchmarking address (198.18/15)'],
  ['224.0.0.0', 4, 'multicast address'],
  ['240.0.0.0', 4, 'reserved address'],
];

function v4Number(dotted: string): number {
  return dotted.split('.').reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function ipv4Problem(ip: number): string | null {
  for (const [base, bits, why] of V4_BLOCKS) {
    const size = 2 ** (32 - bits);
    const start = v4Number(base);
    if (ip >= start && ip < start + size) return why;
  }
  return null;
}

/** Eight 16-bit groups, or null. Accepts "::" compression and a dotted IPv4 tail; a zone id is refused. */
export function parseIPv6(text: string): number[] | null {
  if (text.includes('%')) return null;
  let tail: number[] = [];
  let s = text;
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return null;
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseStrictIPv4(last);
    if (v4 === null) return null;
    tail = [Math.floor(v4 / 65536), v4 % 65536];
    // Keep a "::" that ends right before the IPv4 part; drop a single separating ':'.
    s = s.slice(0, lastColon + 1);
    if (!s.endsWith('::')) s = s.slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  if ([...head, ...rest].some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return null;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return null;
  const fill = new Array(8 - known).fill(0);
  return [...head.map((g) => parseInt(g, 16)), ...fill, ...rest.map((g) => parseInt(g, 16)), ...tail];
}

function parseStrictIPv4(s: string): number | null {
  const parts = s.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255)) return null;
  return v4Number(s);
}

export function ipv6Problem(g: number[]): string | null {
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return 'unspecified address (::)';
  if (zeroUpTo(7) && g[7] === 1) return 'loopback address (::1)';
  if (zeroUpTo(5) && g[5] === 0xffff) return 'IPv4-mapped IPv6 address';
  // IPv4-compatible (deprecated ::a.b.c.d) and NAT64 (64:ff9b::/96) carry an IPv4 address: judge it.
  const embedded = g[6] * 65536 + g[7];
  if (zeroUpTo(6)) return ipv4Problem(embedded) ?? 'IPv4-compatible IPv6 address';
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return ipv4Problem(embedded);
  if ((g[0] & 0xfe00) === 0xfc00) return 'private address (fc00::/7)';
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local address (fe80::/10)';
  if ((g[0] & 0xffc0) === 0xfec0) return 'site-local address (fec0::/10)';
  if ((g[0] & 0xff00) === 0xff00) return 'multicast address';
  return null;
}

export class RefusedTarget extends Error {}

/**
 * POST (or any request) to `url`, following up to MAX_HOPS redirects by hand so each hop's target is
 * checked before anything is sent to it. A webhook has nothing to GET, so every redirect re-sends the
 * same request (method, headers, body) to the new location. Throws RefusedTarget for a refused hop.
 */
export async function fetchChecked(
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
  opts: { fetch: typeof fetch; environment: Environment },
): Promise<Response> {
  let target = url;
  for (let hop = 0; ; hop++) {
    const why = targetProblem(target, opts.environment)?.replace(/^refused: /, '');
    if (why) throw new RefusedTarget(hop === 0 ? `${target}: ${why}` : `redirect hop ${hop} to ${target}: ${why}`);
    const res = await opts.fetch(target, { ...init, redirect: 'manual' });
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || res.status === 304 || !location) return res;
    await res.body?.cancel();
    if (hop >= MAX_HOPS) throw new RefusedTarget(`more than ${MAX_HOPS} redirects`);
    target = new URL(location, target).toString();
  }
}
