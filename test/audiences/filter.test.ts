// Audience filters against real D1: every field and operator, nesting, relative times with an injected
// clock, and bad filters rejected with the JSON pointer of the bad node.
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileFilter, FilterError, MAX_DEPTH, MAX_PARAMS, parseFilter } from '../../worker/audiences/filter';
import { contactMatches, pageAudience, previewAudience } from '../../worker/audiences/resolve';
import { newWorkspace, type Workspace } from '../helpers';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1, 12);
let ws: Workspace;
const id: Record<string, string> = {};

/** Contacts with known values, written straight to D1 (the stats columns are the subscriber's, tested in stats.test.ts). */
async function seed() {
  ws = await newWorkspace('Filters');
  const rows = [
    {
      key: 'ana', tags: ['vip', 'beta'], country: 'US', city: 'New York', language: 'en-us', lastActivityAt: NOW - 5 * DAY, count: 3, status: 'open', csat: 4.5,
      subs: { sms: { status: 'subscribed', source: 'import', changedAt: NOW - DAY } }, attrs: { plan: 'gold', seats: 10, beta: true }, createdAt: Date.UTC(2026, 0, 10), channels: ['whatsapp', 'webchat'],
    },
    {
      key: 'bo', tags: ['vip'], country: 'DE', city: 'berlin', language: 'de', lastActivityAt: NOW - 100 * DAY, count: 1, status: 'closed', csat: null,
      // A pre-0017 bare status string: still read correctly.
      subs: { email: 'unsubscribed', sms: { status: 'unsubscribed', source: 'sms_keyword', changedAt: NOW } }, attrs: { plan: 'silver', seats: 2, note: 'Likes Parking' }, createdAt: Date.UTC(2026, 5, 1), channels: ['sms'],
    },
    { key: 'cy', tags: [], country: null, city: null, language: 'pt', lastActivityAt: null, count: 0, status: null, csat: null, subs: {}, attrs: {}, createdAt: Date.UTC(2026, 10, 1), channels: [] },
    { key: 'merged', tags: ['vip'], country: 'US', city: null, language: null, lastActivityAt: NOW, count: 9, status: 'open', csat: null, subs: {}, attrs: { plan: 'gold' }, createdAt: Date.UTC(2026, 0, 1), channels: [] },
  ];
  for (const r of rows) {
    id[r.key] = `ct_${r.key}${ws.workspaceId.slice(-12)}`;
    await env.DB.prepare(
      `INSERT INTO contacts (id, workspace_id, name, tags, attributes, subscriptions, country, city, language, last_activity_at, conversation_count, last_conversation_status, last_conversation_csat, merged_into, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
      .bind(id[r.key], ws.workspaceId, r.key, JSON.stringify(r.tags), JSON.stringify(r.attrs), JSON.stringify(r.subs), r.country, r.city, r.language, r.lastActivityAt, r.count, r.status, r.csat, r.key === 'merged' ? id.ana : null, r.createdAt, r.createdAt)
      .run();
    for (const ch of r.channels) {
      await env.DB.prepare(`INSERT INTO contact_identities (id, workspace_id, contact_id, channel, external_id) VALUES (?, ?, ?, ?, ?)`).bind(`cid_${r.key}${ch}${ws.workspaceId.slice(-8)}`, ws.workspaceId, id[r.key], ch, `${r.key}-${ch}-${ws.workspaceId}`).run();
    }
  }
}
beforeAll(seed);

async function matched(filter: unknown): Promise<string[]> {
  const { count, sample } = await previewAudience(env.DB, ws.workspaceId, parseFilter(filter), NOW);
  const names = sample.map((s) => s.name!).sort();
  expect(count).toBe(names.length);
  return names;
}

const cases: [string, unknown, string[]][] = [
  ['tags has', { field: 'tags', op: 'has', value: 'VIP' }, ['ana', 'bo']],
  ['tags hasAny', { field: 'tags', op: 'hasAny', value: ['beta', 'nope'] }, ['ana']],
  ['tags hasAll', { field: 'tags', op: 'hasAll', value: ['vip', 'beta'] }, ['ana']],
  ['tags hasNone', { field: 'tags', op: 'hasNone', value: ['vip'] }, ['cy']],
  ['tags: a prefix is not a tag', { field: 'tags', op: 'has', value: 'vi' }, []],
  ['channel is', { field: 'channel', op: 'is', value: 'whatsapp' }, ['ana']],
  ['channel in', { field: 'channel', op: 'in', value: ['sms', 'whatsapp'] }, ['ana', 'bo']],
  ['channel notIn', { field: 'channel', op: 'notIn', value: ['sms'] }, ['ana', 'cy']],
  ['country eq (any case)', { field: 'location.country', op: 'eq', value: 'us' }, ['ana']],
  ['country neq keeps unknown', { field: 'location.country', op: 'neq', value: 'US' }, ['bo', 'cy']],
  ['country in', { field: 'location.country', op: 'in', value: ['de', 'fr'] }, ['bo']],
  ['country notIn', { field: 'location.country', op: 'notIn', value: ['DE'] }, ['ana', 'cy']],
  ['country exists', { field: 'location.country', op: 'exists', value: false }, ['cy']],
  ['city eq ignores case', { field: 'location.city', op: 'eq', value: 'BERLIN' }, ['bo']],
  ['city in', { field: 'location.city', op: 'in', value: ['new york', 'Paris'] }, ['ana']],
  ['city neq', { field: 'location.city', op: 'neq', value: 'berlin' }, ['ana', 'cy']],
  ['city notIn', { field: 'location.city', op: 'notIn', value: ['New York'] }, ['bo', 'cy']],
  ['city exists', { field: 'location.city', op: 'exists', value: true }, ['ana', 'bo']],
  ['language eq covers regions', { field: 'language', op: 'eq', value: 'en' }, ['ana']],
  ['language eq exact tag', { field: 'language', op: 'eq', value: 'EN-US' }, ['ana']],
  ['language in', { field: 'language', op: 'in', value: ['de', 'pt'] }, ['bo', 'cy']],
  ['language neq', { field: 'language', op: 'neq', value: 'de' }, ['ana', 'cy']],
  ['language notIn', { field: 'language', op: 'notIn', value: ['en', 'pt'] }, ['bo']],
  ['language exists', { field: 'language', op: 'exists', value: true }, ['ana', 'bo', 'cy']],
  ['lastActivityAt within', { field: 'lastActivityAt', op: 'within', value: '30d' }, ['ana']],
  ['lastActivityAt olderThan', { field: 'lastActivityAt', op: 'olderThan', value: '12w' }, ['bo']],
  ['lastActivityAt after ISO', { field: 'lastActivityAt', op: 'after', value: '2026-11-01' }, ['ana']],
  ['lastActivityAt before ISO', { field: 'lastActivityAt', op: 'before', value: '2026-11-01T00:00:00Z' }, ['bo']],
  ['lastActivityAt exists false (never talked)', { field: 'lastActivityAt', op: 'exists', value: false }, ['cy']],
  ['createdAt before', { field: 'createdAt', op: 'before', value: '2026-06-01' }, ['ana']],
  ['createdAt after', { field: 'createdAt', op: 'after', value: '2026-06-01' }, ['bo', 'cy']],
  ['createdAt within (1y)', { field: 'createdAt', op: 'within', value: '1y' }, ['ana', 'bo', 'cy']],
  ['createdAt olderThan 60 days', { field: 'createdAt', op: 'olderThan', value: '60d' }, ['ana', 'bo']],
  ['conversationCount eq', { field: 'conversationCount', op: 'eq', value: 0 }, ['cy']],
  ['conversationCount neq', { field: 'conversationCount', op: 'neq', value: 0 }, ['ana', 'bo']],
  ['conversationCount gt', { field: 'conversationCount', op: 'gt', value: 1 }, ['ana']],
  ['conversationCount gte', { field: 'conversationCount', op: 'gte', value: 1 }, ['ana', 'bo']],
  ['conversationCount lt', { field: 'conversationCount', op: 'lt', value: 3 }, ['bo', 'cy']],
  ['conversationCount lte', { field: 'conversationCount', op: 'lte', value: 3 }, ['ana', 'bo', 'cy']],
  ['lastConversation.status eq', { field: 'lastConversation.status', op: 'eq', value: 'closed' }, ['bo']],
  ['lastConversation.status neq', { field: 'lastConversation.status', op: 'neq', value: 'closed' }, ['ana', 'cy']],
  ['lastConversation.status in', { field: 'lastConversation.status', op: 'in', value: ['open', 'pending'] }, ['ana']],
  ['lastConversation.status notIn', { field: 'lastConversation.status', op: 'notIn', value: ['open'] }, ['bo', 'cy']],
  ['lastConversation.status exists', { field: 'lastConversation.status', op: 'exists', value: false }, ['cy']],
  ['lastConversation.csat gte', { field: 'lastConversation.csat', op: 'gte', value: 4 }, ['ana']],
  ['lastConversation.csat lt', { field: 'lastConversation.csat', op: 'lt', value: 4 }, []],
  ['lastConversation.csat exists', { field: 'lastConversation.csat', op: 'exists', value: false }, ['bo', 'cy']],
  ['lastConversation.csat eq/neq/gt/lte', { any: [{ field: 'lastConversation.csat', op: 'eq', value: 4.5 }, { field: 'lastConversation.csat', op: 'gt', value: 9 }] }, ['ana']],
  ['lastConversation.csat neq', { field: 'lastConversation.csat', op: 'neq', value: 4.5 }, ['bo', 'cy']],
  ['lastConversation.csat lte', { field: 'lastConversation.csat', op: 'lte', value: 4.5 }, ['ana']],
  ['subscribed.sms eq subscribed', { field: 'subscribed.sms', op: 'eq', value: 'subscribed' }, ['ana']],
  ['subscribed.sms eq unsubscribed', { field: 'subscribed.sms', op: 'eq', value: 'unsubscribed' }, ['bo']],
  ['subscribed.email legacy string', { field: 'subscribed.email', op: 'eq', value: 'unsubscribed' }, ['bo']],
  ['subscribed.whatsapp unknown', { field: 'subscribed.whatsapp', op: 'eq', value: 'unknown' }, ['ana', 'bo', 'cy']],
  ['subscribed.sms neq unsubscribed', { field: 'subscribed.sms', op: 'neq', value: 'unsubscribed' }, ['ana', 'cy']],
  ['attributes eq string', { field: 'attributes.plan', op: 'eq', value: 'gold' }, ['ana']],
  ['attributes eq boolean', { field: 'attributes.beta', op: 'eq', value: true }, ['ana']],
  ['attributes neq keeps missing', { field: 'attributes.plan', op: 'neq', value: 'gold' }, ['bo', 'cy']],
  ['attributes in', { field: 'attributes.plan', op: 'in', value: ['silver', 'bronze'] }, ['bo']],
  ['attributes notIn', { field: 'attributes.plan', op: 'notIn', value: ['silver'] }, ['ana', 'cy']],
  ['attributes gt number', { field: 'attributes.seats', op: 'gt', value: 5 }, ['ana']],
  ['attributes gte', { field: 'attributes.seats', op: 'gte', value: 2 }, ['ana', 'bo']],
  ['attributes lt', { field: 'attributes.seats', op: 'lt', value: 10 }, ['bo']],
  ['attributes lte', { field: 'attributes.seats', op: 'lte', value: 10 }, ['ana', 'bo']],
  ['attributes contains (no case)', { field: 'attributes.note', op: 'contains', value: 'parking' }, ['bo']],
  ['attributes exists', { field: 'attributes.plan', op: 'exists', value: true }, ['ana', 'bo']],
  ['all', { all: [{ field: 'tags', op: 'has', value: 'vip' }, { field: 'location.country', op: 'eq', value: 'DE' }] }, ['bo']],
  ['any', { any: [{ field: 'tags', op: 'has', value: 'beta' }, { field: 'language', op: 'eq', value: 'pt' }] }, ['ana', 'cy']],
  ['not', { not: { field: 'tags', op: 'has', value: 'vip' } }, ['cy']],
  ['not over a NULL comparison counts as not matching', { not: { field: 'attributes.plan', op: 'eq', value: 'gold' } }, ['bo', 'cy']],
  [
    'nested AND/OR with attribute and relative activity',
    {
      all: [
        { any: [{ field: 'attributes.plan', op: 'in', value: ['gold', 'silver'] }, { field: 'tags', op: 'has', value: 'beta' }] },
        { any: [{ field: 'lastActivityAt', op: 'within', value: '30d' }, { not: { field: 'subscribed.sms', op: 'eq', value: 'subscribed' } }] },
        { not: { field: 'location.city', op: 'eq', value: 'Paris' } },
      ],
    },
    ['ana', 'bo'],
  ],
];

describe('every field and operator', () => {
  for (const [name, filter, expected] of cases) {
    it(name, async () => {
      expect(await matched(filter)).toEqual(expected);
    });
  }

  it('merged contacts never match, even when their columns would', async () => {
    expect(await contactMatches(env, ws.workspaceId, id.merged, { field: 'tags', op: 'has', value: 'vip' }, NOW)).toBe(false);
    expect(await contactMatches(env, ws.workspaceId, id.ana, { field: 'tags', op: 'has', value: 'vip' }, NOW)).toBe(true);
    expect(await contactMatches(env, ws.workspaceId, id.cy, { field: 'tags', op: 'has', value: 'vip' }, NOW)).toBe(false);
  });

  it('contacts of another workspace never match', async () => {
    const other = await newWorkspace('Other');
    expect((await previewAudience(env.DB, other.workspaceId, parseFilter({ field: 'tags', op: 'has', value: 'vip' }), NOW)).count).toBe(0);
    expect(await contactMatches(env, other.workspaceId, id.ana, { field: 'tags', op: 'has', value: 'vip' }, NOW)).toBe(false);
  });

  it('pages in (createdAt, id) order without repeats', async () => {
    const filter = parseFilter({ field: 'language', op: 'exists', value: true });
    const seen: string[] = [];
    let after: [number, string] | null = null;
    do {
      const page: Awaited<ReturnType<typeof pageAudience>> = await pageAudience(env.DB, ws.workspaceId, filter, { after, limit: 1, now: NOW });
      seen.push(...page.items.map((i) => String(i.name)));
      after = page.next;
    } while (after);
    expect(seen).toEqual(['ana', 'bo', 'cy']);
  });
});

describe('values are bound, never spliced', () => {
  it('an injection attempt in a value is just a value', async () => {
    expect(await matched({ field: 'attributes.plan', op: 'eq', value: "gold' OR 1=1 --" })).toEqual([]);
    const compiled = compileFilter(parseFilter({ field: 'attributes.plan', op: 'eq', value: "x' OR 1=1" }), NOW);
    expect(compiled.sql).not.toContain('OR 1=1');
    expect(compiled.params).toContain("x' OR 1=1");
  });
});

describe('bad filters name the node', () => {
  const bad: [unknown, string, RegExp][] = [
    [null, '', /must be an object/],
    [{ all: [] }, '/all', /non-empty/],
    [{ all: [{ field: 'tags', op: 'has', value: 'x' }], any: [] }, '', /no other keys/],
    [{ any: [{ field: 'tags', op: 'has', value: 'x' }, { field: 'shoeSize', op: 'eq', value: 1 }] }, '/any/1/field', /unknown field/],
    [{ all: [{ not: { field: 'tags', op: 'eq', value: 'x' } }] }, '/all/0/not/op', /tags takes has, hasAny/],
    [{ field: 'attributes.bad key"', op: 'eq', value: 1 }, '/field', /attribute keys/],
    [{ field: 'subscribed.fax', op: 'eq', value: 'subscribed' }, '/field', /subscriptions are/],
    [{ field: 'lastActivityAt', op: 'within', value: '30 days' }, '/value', /duration/],
    [{ field: 'createdAt', op: 'before', value: 'yesterday' }, '/value', /ISO 8601/],
    [{ field: 'conversationCount', op: 'gt', value: -1 }, '/value', /whole number/],
    [{ field: 'lastConversation.status', op: 'in', value: ['open', 'gone'] }, '/value', /item 1/],
    [{ field: 'tags', op: 'hasAny', value: [] }, '/value', /list of 1/],
    [{ field: 'tags', op: 'has', value: 'x', extra: 1 }, '/extra', /unknown key/],
    [{ field: 'attributes.plan', op: 'eq', value: { nested: true } }, '/value', /string, number or boolean/],
    [{ field: 'location.country', op: 'exists', value: 'yes' }, '/value', /true or false/],
  ];
  for (const [filter, pointer, message] of bad) {
    it(`${JSON.stringify(filter)} → ${pointer || '(root)'}`, () => {
      try {
        parseFilter(filter);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(FilterError);
        expect((e as FilterError).pointer).toBe(pointer);
        expect((e as FilterError).message).toMatch(message);
      }
    });
  }

  it('limits depth and size', () => {
    let deep: unknown = { field: 'tags', op: 'has', value: 'x' };
    for (let i = 0; i <= MAX_DEPTH; i++) deep = { not: deep };
    expect(() => parseFilter(deep)).toThrow(/nest at most/);
    const wide = { any: Array.from({ length: 3 }, () => ({ any: Array.from({ length: 40 }, () => ({ field: 'tags', op: 'has', value: 'x' })) })) };
    expect(() => parseFilter(wide)).toThrow(/at most 100 nodes/);
  });
});

describe("D1's 100 bound parameters", () => {
  const many = (n: number, last: string) => [...Array.from({ length: n - 1 }, (_, i) => `v${i}`), last];

  it('a 150-value list is one parameter and still matches exactly', async () => {
    const cases: [unknown, string[]][] = [
      [{ field: 'attributes.plan', op: 'in', value: many(150, 'silver') }, ['bo']],
      [{ field: 'attributes.plan', op: 'notIn', value: many(150, 'silver') }, ['ana', 'cy']],
      [{ field: 'tags', op: 'hasAny', value: many(150, 'beta') }, ['ana']],
      [{ field: 'tags', op: 'hasNone', value: many(150, 'vip') }, ['cy']],
      [{ field: 'language', op: 'in', value: many(150, 'de') }, ['bo']],
      [{ field: 'location.city', op: 'in', value: many(150, 'BERLIN') }, ['bo']],
      [{ field: 'location.country', op: 'in', value: many(150, 'us') }, ['ana']],
    ];
    for (const [filter, expected] of cases) {
      expect(compileFilter(parseFilter(filter), NOW).params.length).toBeLessThanOrEqual(2); // the list (and an attribute's path)
      expect(await matched(filter), JSON.stringify(filter).slice(0, 60)).toEqual(expected);
    }
  });

  it('two 75-value lists (150 values) page and test one contact', async () => {
    const filter = parseFilter({ any: [{ field: 'attributes.plan', op: 'in', value: many(75, 'gold') }, { field: 'language', op: 'in', value: many(75, 'pt') }] });
    expect((await pageAudience(env.DB, ws.workspaceId, filter, { limit: 1, after: [0, ''], now: NOW })).items.map((i) => i.name)).toEqual(['ana']);
    expect(await contactMatches(env, ws.workspaceId, id.cy, filter, NOW)).toBe(true);
  });

  it('too many conditions are refused at the condition that crosses the limit', () => {
    // An attribute condition binds its path and its value: 46 of them need 92 values.
    const filter = { any: Array.from({ length: 46 }, (_, i) => ({ field: `attributes.k${i}`, op: 'eq', value: i })) };
    try {
      parseFilter(filter);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(FilterError);
      expect((e as FilterError).pointer).toBe(`/any/${MAX_PARAMS / 2}`);
      expect((e as FilterError).message).toMatch(/at most 90 values/);
    }
    // Every filter that parses fits, with room for what the queries bind around it.
    const fits = { any: Array.from({ length: 45 }, (_, i) => ({ field: `attributes.k${i}`, op: 'eq', value: i })) };
    expect(compileFilter(parseFilter(fits), NOW).params.length).toBeLessThanOrEqual(MAX_PARAMS);
  });
});
