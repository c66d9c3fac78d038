// The AI evaluation: retrieval, answer confidence / auto-send and sentiment of the local (offline)
// implementations, measured on the held-out set in test/fixtures/ai-eval/ (see its README). Articles go
// in through the real import endpoint; retrieval and drafting run the same code the suggestions
// endpoint runs (retriever, then extractive drafter). It prints figures and asserts only that the set
// is what it claims to be: quality goals are read from the report, not enforced by brittle thresholds.
// Run with `npm run eval:ai`.
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExtractiveDrafter } from '../../worker/ai/drafter';
import { bm25 } from '../../worker/ai/providers';
import { analyzeText, readSentiment } from '../../worker/ai/sentiment';
import { DEFAULT_STYLE } from '../../worker/ai/style';
import { detectLanguage } from '../../worker/ai/text';
import { database, WorkspaceScope } from '../../worker/db/scope';
import kb from '../fixtures/ai-eval/kb.json';
import sentimentSet from '../fixtures/ai-eval/sentiment.json';
import { call, newWorkspace } from '../helpers';
import { DEFAULT_AUTO_SEND_THRESHOLD } from '../../worker/ai/settings';

interface Business {
  type: string;
  name: string;
  articles: { key: string; kind: string; title: string; tags: string[]; body: string }[];
  questions: { lang: string; q: string; expected: string[] }[];
}
const businesses = kb.businesses as Business[];
const LANGS = ['en', 'es', 'pt', 'fr'];
/** The assistant's default auto-send threshold. */
const THRESHOLD = DEFAULT_AUTO_SEND_THRESHOLD;

async function load(name: string, articles: (Business['articles'][number] & { extraTags?: string[] })[]) {
  const ws = await newWorkspace(name);
  const res = await call('POST', '/api/kb/import', {
    token: ws.token,
    body: { articles: articles.map((a) => ({ kind: a.kind, title: a.title, body: a.body, tags: [...a.tags, ...(a.extraTags ?? [])], status: 'published' })) },
  });
  if (res.status !== 201) throw new Error(`import failed: ${res.status} ${JSON.stringify(res.body)}`);
  const keyOf = new Map<string, string>(res.body.ids.map((id: string, i: number) => [id, articles[i].key]));
  return { scope: new WorkspaceScope(database(env.DB), env.DB, ws.workspaceId), keyOf };
}

interface Outcome {
  /** `<business type>#<index of the question in its business>`: misses are reported by id, never by text. */
  id: string;
  lang: string;
  q: string;
  expected: string[];
  ranked: string[];
  /** Top draft: its source article key (null for the "let me check" fallback) and confidence. */
  topSource: string | null;
  confidence: number;
}

const drafter = new ExtractiveDrafter();

async function run(scope: WorkspaceScope, keyOf: Map<string, string>, questions: (Business['questions'][number] & { id: string; tags?: string[] })[]): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const { id, lang, q, expected, tags } of questions) {
    const ranked = (await bm25.search(scope, q, { limit: 10, tags })).map((p) => keyOf.get(p.articleId)!);
    const passages = await bm25.search(scope, q, { limit: 3, tags });
    const drafts = passages.length
      ? await drafter.draft({ question: q, conversation: [{ role: 'customer', text: q }], passages, history: [], channel: 'webchat', language: detectLanguage(q), style: DEFAULT_STYLE, contactName: null, segment: 'new', workspaceName: 'Eval' })
      : [];
    const top = drafts[0];
    const src = top?.sources.find((s) => s.type === 'article');
    out.push({ id, lang, q, expected, ranked, topSource: src && src.type === 'article' ? (keyOf.get(src.id) ?? null) : null, confidence: top?.kind === 'kb' ? top.confidence : 0 });
  }
  return out;
}

const withIds = (b: Business) => b.questions.map((q, i) => ({ ...q, id: `${b.type}#${i}` }));
const answerable = (o: Outcome) => o.expected.length > 0;
const hit3 = (o: Outcome) => o.expected.some((e) => o.ranked.slice(0, 3).includes(e));
const rr = (o: Outcome) => {
  const i = o.ranked.findIndex((k) => o.expected.includes(k));
  return i >= 0 ? 1 / (i + 1) : 0;
};
const right = (o: Outcome) => o.topSource !== null && o.expected.includes(o.topSource);
const f = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '—');
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

function retrievalReport(title: string, outcomes: Outcome[]): string[] {
  const ans = outcomes.filter(answerable);
  const lines = [title];
  for (const lang of LANGS) {
    const l = ans.filter((o) => o.lang === lang);
    lines.push(`  ${lang}  ${String(l.length).padStart(2)} q   recall@3 ${f(mean(l.map((o) => (hit3(o) ? 1 : 0))))}   MRR ${f(mean(l.map(rr)))}`);
  }
  lines.push(`  all ${String(ans.length).padStart(2)} q   recall@3 ${f(mean(ans.map((o) => (hit3(o) ? 1 : 0))))}   MRR ${f(mean(ans.map(rr)))}`);
  const sent = outcomes.filter((o) => o.confidence >= THRESHOLD);
  const sentRight = sent.filter((o) => answerable(o) && right(o));
  const none = outcomes.filter((o) => !answerable(o));
  lines.push(
    `  auto-send at ${THRESHOLD}: ${sentRight.length} of ${ans.length} answerable answered right (${f((100 * sentRight.length) / ans.length)} %), wrong answers sent ${sent.length - sentRight.length}; precision ${f(sent.length ? sentRight.length / sent.length : NaN)}`,
    `  no-answer: ${none.length} questions, auto-sent ${none.filter((o) => o.confidence >= THRESHOLD).length}, shown confident (≥ 0.5) ${none.filter((o) => o.confidence >= 0.5).length}`,
    `  auto-send at ${THRESHOLD} by language (coverage of answerable / precision of sent): ${LANGS.map((lang) => {
      const l = outcomes.filter((o) => o.lang === lang);
      const s = l.filter((o) => o.confidence >= THRESHOLD);
      const ok = s.filter((o) => answerable(o) && right(o)).length;
      return `${lang} ${ok}/${l.filter(answerable).length} (${f((100 * ok) / l.filter(answerable).length)} %) / ${f(s.length ? ok / s.length : NaN)}`;
    }).join(' · ')}`,
    `  mean top confidence: right ${f(mean(outcomes.filter((o) => answerable(o) && right(o)).map((o) => o.confidence)))} / wrong or no-answer ${f(mean(outcomes.filter((o) => !(answerable(o) && right(o))).map((o) => o.confidence)))}`,
  );
  const sweep = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((t) => {
    const s = outcomes.filter((o) => o.confidence >= t);
    const ok = s.filter((o) => answerable(o) && right(o)).length;
    return `${t}: ${ok}/${ans.length} right, ${s.length - ok} wrong`;
  });
  lines.push(`  coverage/precision by threshold  ${sweep.join(' · ')}`);
  // Held-out questions are never printed (reading them invites tuning on them): ids and counts only.
  const misses = ans.filter((o) => !hit3(o));
  if (misses.length) lines.push(`  misses (not in top 3): ${misses.length} — ${misses.map((o) => `${o.id} [${o.lang}]`).join(', ')}`);
  const wrongSent = sent.filter((o) => !(answerable(o) && right(o)));
  if (wrongSent.length) lines.push(`  wrongly sent: ${wrongSent.length} — ${wrongSent.map((o) => `${o.id} [${o.lang}] at ${o.confidence}`).join(', ')}`);
  return lines;
}

describe('AI evaluation on the held-out set', () => {
  const separate: Outcome[] = [];
  let combined: Outcome[] = [];
  let scoped: Outcome[] = [];

  beforeAll(async () => {
    for (const b of businesses) {
      const { scope, keyOf } = await load(b.name, b.articles);
      separate.push(...(await run(scope, keyOf, withIds(b))));
    }
    const all = await load('All three', businesses.flatMap((b) => b.articles));
    combined = await run(all.scope, all.keyOf, businesses.flatMap(withIds));
    // The same workspace as a tenant with an inbox per business would set it up: each business's
    // articles carry its tag and each question is asked in its business's inbox (knowledgeTags).
    const tagOf = (b: Business) => `inbox-${b.type}`;
    const tagged = await load('All three, an inbox each', businesses.flatMap((b) => b.articles.map((a) => ({ ...a, extraTags: [tagOf(b)] }))));
    scoped = await run(tagged.scope, tagged.keyOf, businesses.flatMap((b) => withIds(b).map((q) => ({ ...q, tags: [tagOf(b)] }))));
  }, 120_000);

  it('covers three businesses, four languages and unanswerable questions', () => {
    expect(businesses.length).toBeGreaterThanOrEqual(3);
    for (const lang of LANGS) expect(separate.filter((o) => o.lang === lang).length).toBeGreaterThanOrEqual(8);
    expect(separate.filter((o) => !answerable(o)).length).toBeGreaterThanOrEqual(4);
  });

  it('reports retrieval, confidence and auto-send figures', () => {
    console.log([...retrievalReport('Retrieval (local BM25), one workspace per business', separate), ...retrievalReport('Retrieval, all three businesses in one workspace', combined), ...retrievalReport('Retrieval, one workspace, an inbox per business (knowledgeTags)', scoped)].join('\n'));
    expect(separate.length).toBe(businesses.reduce((n, b) => n + b.questions.length, 0));
  });

  it.each([
    ['rules', analyzeText],
    ['model', readSentiment],
  ] as const)('reports sentiment figures (%s)', (reader, read) => {
    const items = sentimentSet.items as { lang: string; label: string; phenomenon: string; text: string }[];
    const results = items.map((it) => ({ ...it, got: read(it.text) }));
    const acc = (xs: typeof results) => `${f(mean(xs.map((r) => (r.got.label === r.label ? 1 : 0))))} (${xs.filter((r) => r.got.label === r.label).length}/${xs.length})`;
    const lines = [`Sentiment (local ${reader === 'rules' ? 'rules' : 'learned model on the rules'}), ${items.length} messages`, `  accuracy all ${acc(results)}`];
    for (const lang of LANGS) lines.push(`  ${lang} ${acc(results.filter((r) => r.lang === lang))}`);
    for (const label of ['positive', 'neutral', 'negative']) lines.push(`  class ${label.padEnd(8)} recall ${acc(results.filter((r) => r.label === label))}`);
    for (const ph of [...new Set(items.map((i) => i.phenomenon))]) lines.push(`  ${ph.padEnd(11)} ${acc(results.filter((r) => r.phenomenon === ph))}`);
    const zeroNeg = results.filter((r) => r.label === 'negative' && r.got.score === 0);
    lines.push(`  negatives scored exactly 0: ${zeroNeg.length}`);
    // Counts only: the items are held out.
    const wrong = results.filter((r) => r.got.label !== r.label);
    lines.push(`  wrong: ${wrong.length}`);
    console.log(lines.join('\n'));
    expect(results.length).toBe(items.length);
  });
});
