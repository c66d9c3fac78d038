// The SSRF guard in production mode: every refused address class, the legacy IPv4 spellings, IPv6
// forms that embed IPv4, and every redirect hop; outside production loopback is allowed.
import { describe, expect, it } from 'vitest';
import { fetchChecked, hostProblem, MAX_HOPS, parseIPv4, parseIPv6, RefusedTarget, targetProblem } from '../../worker/webhooks/ssrf';

const PROD = 'production';

describe('targetProblem in production', () => {
  const refused: [string, RegExp][] = [
    ['https://10.1.2.3/h', /private/],
    ['https://172.16.0.1/h', /private/],
    ['https://172.31.255.255/h', /private/],
    ['https://192.168.1.1/h', /private/],
    ['https://127.0.0.1/h', /loopback/],
    ['https://127.8.9.10/h', /loopback/],
    ['https://localhost/h', /loopback/],
    ['https://LOCALHOST./h', /loopback/],
    ['https://api.localhost/h', /loopback/],
    ['https://169.254.169.254/latest/meta-data', /link-local/],
    ['https://0.0.0.0/h', /unspecified/],
    ['https://100.64.0.1/h', /carrier-grade/],
    ['https://100.127.255.254/h', /carrier-grade/],
    ['https://[::1]/h', /loopback/],
    ['https://[::]/h', /unspecified/],
    ['https://[fc00::1]/h', /private/],
    ['https://[fd12:3456::1]/h', /private/],
    ['https://[fe80::1]/h', /link-local/],
    ['https://[::ffff:127.0.0.1]/h', /IPv4-mapped/],
    ['https://[::ffff:8.8.8.8]/h', /IPv4-mapped/],
    ['https://[::ffff:7f00:1]/h', /IPv4-mapped/],
    ['https://[64:ff9b::a00:1]/h', /private/],
    // Decimal, hex and octal spellings of 127.0.0.1 and 10.0.0.1.
    ['https://2130706433/h', /loopback/],
    ['https://0x7f000001/h', /loopback/],
    ['https://0x7f.0.0.1/h', /loopback/],
    ['https://0177.0.0.1/h', /loopback/],
    ['https://017700000001/h', /loopback/],
    ['https://127.1/h', /loopback/],
    ['https://167772161/h', /private/],
    ['http://example.com/h', /https/],
    ['ftp://example.com/h', /https/],
    ['https://user:pass@example.com/h', /credentials/],
    ['not a url', /absolute URL/],
  ];
  for (const [url, why] of refused) {
    it(`refuses ${url}`, () => {
      expect(targetProblem(url, PROD)).toMatch(why);
    });
  }

  it('accepts public https targets', () => {
    for (const url of ['https://example.com/hooks', 'https://hooks.example.com:8443/p?q=1', 'https://8.8.8.8/h', 'https://172.32.0.1/h', 'https://100.128.0.1/h', 'https://[2606:4700::1111]/h', 'https://192.169.0.1/h']) {
      expect(targetProblem(url, PROD), url).toBeNull();
    }
  });

  it('outside production, loopback and http are allowed (the local product receives its own deliveries)', () => {
    expect(targetProblem('http://127.0.0.1:8787/hook', 'development')).toBeNull();
    expect(targetProblem('http://localhost:3000/hook', 'test')).toBeNull();
    expect(targetProblem('ftp://127.0.0.1/hook', 'development')).toMatch(/http/);
  });
});

describe('address parsing', () => {
  it('reads IPv4 the way inet_aton does', () => {
    expect(parseIPv4('127.0.0.1')).toBe(0x7f000001);
    expect(parseIPv4('0x7f.1')).toBe(0x7f000001);
    expect(parseIPv4('0177.0.0.01')).toBe(0x7f000001);
    expect(parseIPv4('2130706433')).toBe(0x7f000001);
    expect(parseIPv4('10.257')).toBe(0x0a000101);
    expect(parseIPv4('256.1.1.1')).toBeNull();
    expect(parseIPv4('example.com')).toBeNull();
    expect(parseIPv4('08.1.1.1')).toBeNull();
  });

  it('reads IPv6 with compression and an IPv4 tail', () => {
    expect(parseIPv6('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('::ffff:10.0.0.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0a00, 1]);
    expect(parseIPv6('::10.0.0.1')).toEqual([0, 0, 0, 0, 0, 0, 0x0a00, 1]);
    expect(parseIPv6('2001:db8:0:0:0:0:2:1')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 2, 1]);
    expect(parseIPv6('1::2::3')).toBeNull();
    expect(parseIPv6('fe80::1%eth0')).toBeNull();
    expect(hostProblem('[::10.0.0.1]')).toMatch(/private/);
    expect(hostProblem('[::8.8.8.8]')).toMatch(/IPv4-compatible/);
  });
});

/** A fake network: answers per URL, records what was asked. */
function network(routes: Record<string, () => Response>) {
  const asked: { url: string; method: string; body: string | null; signature: string | null }[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    asked.push({ url, method: init?.method ?? 'GET', body: (init?.body as string) ?? null, signature: new Headers(init?.headers).get('webhook-signature') });
    expect(init?.redirect).toBe('manual');
    const route = routes[url];
    return route ? route() : new Response('nope', { status: 404 });
  }) as typeof globalThis.fetch;
  return { fetch, asked };
}

const redirect = (to: string, status = 302) => () => new Response(null, { status, headers: { location: to } });
const init = { method: 'POST', headers: { 'webhook-signature': 'v1,abc' }, body: '{"a":1}' };

describe('fetchChecked', () => {
  it('follows redirects by hand, re-sending the same request to each checked hop', async () => {
    const net = network({ 'https://a.example.com/h': redirect('https://b.example.com/h', 307), 'https://b.example.com/h': redirect('/final', 301), 'https://b.example.com/final': () => new Response('ok') });
    const res = await fetchChecked('https://a.example.com/h', init, { fetch: net.fetch, environment: PROD });
    expect(res.status).toBe(200);
    expect(net.asked.map((a) => [a.url, a.method, a.body, a.signature])).toEqual([
      ['https://a.example.com/h', 'POST', '{"a":1}', 'v1,abc'],
      ['https://b.example.com/h', 'POST', '{"a":1}', 'v1,abc'],
      ['https://b.example.com/final', 'POST', '{"a":1}', 'v1,abc'],
    ]);
  });

  for (const hop of ['https://169.254.169.254/latest/meta-data', 'https://[::ffff:a00:1]/x', 'https://0x7f000001/x', 'http://example.org/x']) {
    it(`refuses a redirect hop to ${hop} without sending anything there`, async () => {
      const net = network({ 'https://a.example.com/h': redirect('https://b.example.com/h'), 'https://b.example.com/h': redirect(hop) });
      await expect(fetchChecked('https://a.example.com/h', init, { fetch: net.fetch, environment: PROD })).rejects.toThrow(RefusedTarget);
      await expect(fetchChecked('https://a.example.com/h', init, { fetch: net.fetch, environment: PROD })).rejects.toThrow(/redirect hop 2/);
      expect(net.asked.every((a) => a.url.includes('example.com/h'))).toBe(true);
    });
  }

  it(`stops after ${MAX_HOPS} redirects`, async () => {
    const net = network({
      'https://a.example.com/0': redirect('https://a.example.com/1'),
      'https://a.example.com/1': redirect('https://a.example.com/2'),
      'https://a.example.com/2': redirect('https://a.example.com/3'),
      'https://a.example.com/3': redirect('https://a.example.com/4'),
    });
    await expect(fetchChecked('https://a.example.com/0', init, { fetch: net.fetch, environment: PROD })).rejects.toThrow(/more than 3 redirects/);
    expect(net.asked).toHaveLength(MAX_HOPS + 1);
  });

  it('refuses the first target before any request', async () => {
    const net = network({});
    await expect(fetchChecked('https://10.0.0.5/h', init, { fetch: net.fetch, environment: PROD })).rejects.toThrow(/private/);
    expect(net.asked).toEqual([]);
  });

  it('outside production a redirect to loopback is followed', async () => {
    const net = network({ 'http://a.example.com/h': redirect('http://127.0.0.1:9999/h'), 'http://127.0.0.1:9999/h': () => new Response('ok') });
    expect((await fetchChecked('http://a.example.com/h', init, { fetch: net.fetch, environment: 'test' })).status).toBe(200);
  });
});
