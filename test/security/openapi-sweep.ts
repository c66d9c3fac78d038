// The sweep's machinery: every operation of /api/openapi.json, its path filled with a workspace's real
// ids, and request bodies generated from its documented schema (minimal valid ones, and broken ones).
// Kept apart from the assertions (sweep.test.ts) so that adding an endpoint needs no edit here.
import { SELF } from 'cloudflare:test';
import { BASE, type Res } from '../helpers';

export interface Operation {
  method: string;
  /** OpenAPI path, e.g. /api/conversations/{id}. */
  path: string;
  /** `METHOD /path` — how tables in the test name an operation. */
  key: string;
  hasBody: boolean;
  bodySchema: JsonSchema | null;
  query: { name: string; required: boolean; schema: JsonSchema }[];
  pathParams: string[];
}

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  format?: string;
  pattern?: string;
  default?: unknown;
};

export async function operations(): Promise<Operation[]> {
  const doc = (await (await SELF.fetch(`${BASE}/api/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> }; parameters?: { in: string; name: string; required?: boolean; schema?: JsonSchema }[] }>>;
  };
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const params = op.parameters ?? [];
      ops.push({
        method: method.toUpperCase(),
        path,
        key: `${method.toUpperCase()} ${path}`,
        hasBody: !!op.requestBody,
        bodySchema: op.requestBody?.content?.['application/json']?.schema ?? null,
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, required: !!p.required, schema: p.schema ?? {} })),
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
      });
    }
  }
  return ops;
}

/** Replace each `{param}` with the id `ids` gives for it (by the path segment before it), or a well-formed unknown id. */
export function fillPath(path: string, idFor: (segmentBefore: string, param: string) => string): string {
  const parts = path.split('/');
  return parts
    .map((part, i) => {
      const m = /^\{(\w+)\}$/.exec(part);
      return m ? encodeURIComponent(idFor(parts[i - 1] ?? '', m[1])) : part;
    })
    .join('/');
}

let seq = 0;
/** The smallest value the schema accepts, as far as a schema can say (ids it cannot know are made up). */
export function minimalValue(schema: JsonSchema | undefined, name = 'x'): unknown {
  if (!schema) return 'x';
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const alt = schema.anyOf ?? schema.oneOf;
  if (alt?.length) return minimalValue(alt.find((s) => s.type !== 'null') ?? alt[0], name);
  if (schema.allOf?.length) return Object.assign({}, ...schema.allOf.map((s) => minimalValue(s, name) as object));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = minimalValue(schema.properties?.[key], key);
      return out;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => minimalValue(schema.items, name));
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.maximum !== undefined ? Math.min(1, schema.maximum) : 1);
    case 'boolean':
      return false;
    case 'null':
      return null;
    default: {
      if (schema.format === 'email' || /email/i.test(name)) return `sweep${seq++}@example.com`;
      if (schema.format === 'uri' || schema.format === 'url' || /url/i.test(name)) return 'https://example.com/';
      const length = Math.max(schema.minLength ?? 1, 8);
      return `${name}-${seq++}-${'x'.repeat(length)}`.slice(0, schema.maxLength ?? 200);
    }
  }
}

/** Broken variants of a body: wrong syntax, wrong top-level types, each field of the minimal body set to hostile values. */
export function malformedBodies(schema: JsonSchema | null): { label: string; body: string }[] {
  const out: { label: string; body: string }[] = [
    { label: 'invalid JSON', body: '{"unterminated' },
    { label: 'array', body: '[]' },
    { label: 'string', body: '"text"' },
    { label: 'null', body: 'null' },
    { label: 'number', body: '42' },
    { label: 'empty object', body: '{}' },
    { label: 'deep nesting', body: `${'['.repeat(2000)}${']'.repeat(2000)}` },
  ];
  const base = minimalValue(schema ?? undefined);
  const fields = schema?.properties ? Object.keys(schema.properties) : [];
  const hostile: [string, unknown][] = [
    ['huge string', 'x'.repeat(200_000)],
    ['object', { $gt: '' }],
    ['array of objects', [{}, { a: 1 }]],
    ['negative', -1],
    ['float', 1e308],
    ['NUL and controls', 'a\u0000b\r\nc'],
    ['wrong id', 'ct_00000000000000000000000000'],
  ];
  for (const field of fields) {
    for (const [label, value] of hostile) {
      out.push({ label: `${field}: ${label}`, body: JSON.stringify({ ...(base as object), [field]: value }) });
    }
  }
  return out;
}

/** How many requests the sweep has sent (printed with its summary). */
export const sent = { count: 0 };

export async function send(method: string, path: string, opts: { token?: string; body?: string; contentType?: string } = {}): Promise<Res> {
  sent.count++;
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
  const res = await SELF.fetch(`${BASE}${path}`, { method, headers, body: opts.body });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body };
}
