// Where `call_webhook` may not go in production: loopback, private, link-local and unique-local
// addresses, and names that mean this machine. Checked on the URL as written (a name that resolves to
// such an address cannot be seen from a Worker; Cloudflare's own fetch does not reach private networks).
// Redirects are not followed, so the checked URL is the only one called. Outside production, loopback
// is allowed so a local receiver works.

function ipv4(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
}

function privateV4([a, b]: number[]): boolean {
  return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
}

/** Why a target is refused, or null when it may be called. */
export function refusedTarget(url: string, production: boolean): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'only http(s) targets';
  if (!production) return null;
  const host = u.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return `${host} is a local name`;
  const v4 = ipv4(host);
  if (v4 && privateV4(v4)) return `${host} is a private or loopback address`;
  if (host.includes(':')) {
    // IPv4-mapped addresses: URL writes ::ffff:127.0.0.1 as ::ffff:7f00:1.
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
    if (mapped) {
      const [hi, lo] = [parseInt(mapped[1], 16), parseInt(mapped[2], 16)];
      if (privateV4([hi >> 8, hi & 255, lo >> 8, lo & 255])) return `${host} is a private or loopback address`;
    }
    if (host === '::1' || host === '::' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host)) return `${host} is a private, loopback or link-local address`;
  }
  return null;
}
