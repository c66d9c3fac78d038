// Merge fields in saved replies and drafts: {{contact.first_name}}, {{agent.name}},
// {{reservation.check_in}}, with an optional fallback {{contact.first_name|there}}. Pure functions.

export const NAMESPACES = ['contact', 'agent', 'conversation', 'inbox', 'workspace', 'reservation', 'order'] as const;
export type Namespace = (typeof NAMESPACES)[number];

/** Documented fields (any key of a contact's attributes or of a reservation/order also works). */
export const FIELDS: Record<Namespace, string[]> = {
  contact: ['name', 'first_name', 'last_name', 'email', 'phone'],
  agent: ['name', 'first_name', 'email'],
  conversation: ['id', 'subject', 'channel', 'status'],
  inbox: ['name', 'channel'],
  workspace: ['name'],
  reservation: ['reference', 'channel', 'check_in', 'check_out', 'guests', 'property', 'total', 'record_id'],
  order: ['reference', 'channel', 'status', 'total', 'items', 'eta', 'record_id'],
};

/** Namespaces whose keys are open-ended (free-form attributes and platform data). */
const OPEN: Set<Namespace> = new Set(['contact', 'reservation', 'order']);

export type MergeValue = string | number | boolean | null | undefined;
export type MergeContext = Partial<Record<Namespace, Record<string, MergeValue>>>;

const FIELD = /\{\{\s*([a-z_]+)\.([a-zA-Z0-9_.-]+)\s*(?:\|([^}]*))?\}\}/g;

export interface FieldRef {
  namespace: string;
  key: string;
  fallback: string | null;
  raw: string;
}

export function fieldsIn(text: string): FieldRef[] {
  return [...text.matchAll(FIELD)].map((m) => ({ namespace: m[1], key: m[2], fallback: m[3]?.trim() ?? null, raw: m[0] }));
}

/** Problems with the fields of a template: unknown namespaces, unknown keys of closed namespaces. */
export function checkFields(text: string): string[] {
  const problems: string[] = [];
  for (const f of fieldsIn(text)) {
    if (!(NAMESPACES as readonly string[]).includes(f.namespace)) problems.push(`unknown merge field ${f.raw} (use ${NAMESPACES.map((n) => `${n}.…`).join(', ')})`);
    else if (!OPEN.has(f.namespace as Namespace) && !FIELDS[f.namespace as Namespace].includes(f.key)) problems.push(`unknown merge field ${f.raw} (${f.namespace} has ${FIELDS[f.namespace as Namespace].join(', ')})`);
  }
  return problems;
}

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[-.\s]+/g, '_').toLowerCase();

/** A value by key, matching camelCase, snake_case and kebab-case spellings of the same name. */
export function lookup(values: Record<string, MergeValue> | undefined, key: string): MergeValue {
  if (!values) return undefined;
  if (values[key] !== undefined) return values[key];
  const want = snake(key);
  for (const [k, v] of Object.entries(values)) if (snake(k) === want) return v;
  return undefined;
}

function show(v: MergeValue): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v).trim();
  return s === '' ? null : s;
}

export interface Rendered {
  text: string;
  /** Fields that had no value (and no fallback): the agent should fill them in. */
  missing: string[];
}

/** Fill the fields; a missing value uses the fallback, else renders empty and is reported. */
/** `escape`: how a value goes into the text when the text is not prose (a JSON body: values must not end its strings). */
export function renderFields(text: string, ctx: MergeContext, escape: (value: string) => string = (v) => v): Rendered {
  const missing: string[] = [];
  const out = text.replace(FIELD, (_raw, ns: string, key: string, fallback?: string) => {
    const value = show(lookup(ctx[ns as Namespace], key));
    if (value !== null) return escape(value);
    if (fallback !== undefined && fallback.trim() !== '') return escape(fallback.trim());
    missing.push(`${ns}.${key}`);
    return '';
  });
  if (missing.length === 0) return { text: out, missing };
  // Tidy what empty fields leave behind ("Hi , thanks" → "Hi, thanks").
  return { text: out.replace(/[ \t]{2,}/g, ' ').replace(/ +([,.!?;:])/g, '$1'), missing: [...new Set(missing)] };
}

/** first_name / last_name derived from a full name. */
export function nameParts(name: string | null | undefined): { name: string | null; first_name: string | null; last_name: string | null } {
  const clean = name?.trim().replace(/\s+/g, ' ') || null;
  // An e-mail address or a phone number is not a name to split.
  if (!clean || clean.includes('@') || /^\+?[\d\s().-]+$/.test(clean)) return { name: clean, first_name: null, last_name: null };
  const parts = clean.split(' ');
  return { name: clean, first_name: parts[0], last_name: parts.length > 1 ? parts.slice(1).join(' ') : null };
}
