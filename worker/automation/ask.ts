// The answer to a bot question (`ask`): which option the customer chose, or the e-mail they gave.
// Pure. Customers answer "2", "billing", "Billing please", "biling": all of those pick "Billing".
// The edit distance is a dozen lines written here rather than a dependency for one call on short strings.

/** The variables an ask stores: `vars.<name>` (null when the reply gave no usable answer). */
export type Vars = Record<string, string | number | boolean | null>;

export interface AskParams {
  options?: string[];
  validate?: 'email';
}

export interface Answer {
  value: string | null;
  /** How the reply was read: by option number, exact text, the option named inside the reply, a close spelling, or not at all. */
  how: 'number' | 'exact' | 'contains' | 'fuzzy' | 'email' | 'free' | 'none';
}

const norm = (s: string) => s.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

// The same loose check the contact forms use: something@something.tld, no spaces.
const EMAIL = /[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[A-Za-z]{2,}/;

export function matchAnswer(reply: string, p: AskParams): Answer {
  const text = reply.trim();
  if (p.validate === 'email') {
    const m = text.match(EMAIL);
    return m ? { value: m[0].replace(/\.$/, '').toLowerCase(), how: 'email' } : { value: null, how: 'none' };
  }
  const options = p.options;
  if (!options?.length) return text ? { value: text.slice(0, 1000), how: 'free' } : { value: null, how: 'none' };
  const said = norm(text);
  const n = /^\s*(\d{1,2})\s*[.)]?\s*$/.exec(text);
  if (n) {
    const i = Number(n[1]) - 1;
    return i >= 0 && i < options.length ? { value: options[i], how: 'number' } : { value: null, how: 'none' };
  }
  const exact = options.find((o) => norm(o) === said);
  if (exact) return { value: exact, how: 'exact' };
  // The option named inside a longer reply ("billing please"); exactly one, or it is ambiguous.
  const words = ` ${said} `;
  const inside = options.filter((o) => norm(o) && words.includes(` ${norm(o)} `));
  if (inside.length === 1) return { value: inside[0], how: 'contains' };
  // A misspelling: the closest option within a quarter of its length (at least one edit), and no tie.
  const scored = options.map((o) => ({ o, d: editDistance(norm(o), said), max: Math.max(1, Math.floor(norm(o).length / 4)) })).filter((x) => x.d <= x.max);
  scored.sort((a, b) => a.d - b.d);
  if (scored.length === 1 || (scored.length > 1 && scored[0].d < scored[1].d)) return { value: scored[0].o, how: 'fuzzy' };
  return { value: null, how: 'none' };
}

/** The question as sent: its text, then the options numbered so "2" is an answer. */
export function questionText(text: string, options?: string[]): string {
  if (!options?.length) return text;
  return `${text}\n${options.map((o, i) => `${i + 1}. ${o}`).join('\n')}`;
}
