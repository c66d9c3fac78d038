// The Drafter interface (reply candidates from retrieved passages, the contact's history and the
// conversation) and the extractive drafter: greeting by name, the passage sentences that best answer
// the question, a closing; no model involved. The cloud drafter (workers-ai.ts) falls back to it.
import { calibrated, confidenceCap, confidenceFeatures } from './confidence';
import type { Passage } from './retriever';
import { channelLimit, clip, compose, isEmail, phrases, type ReplyStyle, type Segment } from './style';
import { sentences, stem, stems, stopLanguage, terms, textStems, type Language } from './text';
import { expand } from './synonyms';

export type SourceRef =
  | { type: 'article'; id: string; title: string; kind: string; url: string | null }
  | { type: 'conversation'; id: string; messageId: string };

export interface Draft {
  text: string;
  /** 0..1: how well the sources match the question (what auto-send compares with its threshold). */
  confidence: number;
  kind: 'kb' | 'history' | 'generated' | 'fallback';
  sources: SourceRef[];
}

/** An agent's earlier reply to this contact that matches the question. */
export interface HistoryReply {
  conversationId: string;
  messageId: string;
  text: string;
  coverage: number;
}

export interface Turn {
  role: 'customer' | 'agent' | 'ai';
  text: string;
}

export interface DraftContext {
  /** The customer's latest words (their messages since our last reply). */
  question: string;
  /** Recent turns, oldest first. */
  conversation: Turn[];
  passages: Passage[];
  history: HistoryReply[];
  channel: string;
  language: Language;
  style: ReplyStyle;
  contactName: string | null;
  segment: Segment;
  workspaceName: string;
  /** Extra instructions (an inbox assistant's prompt). */
  prompt?: string | null;
  /** What the team remembers about the customer (allergies, preferences, plans): the model may use them, never contradict them. */
  memories?: string[];
}

export interface Drafter {
  readonly name: string;
  /** Up to three candidates, best first. */
  draft(ctx: DraftContext): Promise<Draft[]>;
}

export function articleRef(p: Passage): SourceRef {
  return { type: 'article', id: p.articleId, title: p.title, kind: p.kind, url: p.sourceUrl };
}

/**
 * Confidence of answering from a passage: the calibrated probability that it answers the question
 * (confidence.ts), given the other passages retrieved with it, within its cap (one content word; a
 * thing the knowledge never mentions). The cloud path's embedding similarity can only raise it: the
 * embedding knows words the keyword lexicon lacks, so the cap, read from keyword matches, gives way.
 */
export function passageConfidence(p: Passage, passages: Passage[], question: string, questionWordCount = new Set(terms(question, stopLanguage(question))).size): number {
  let c = p.coverage === 0 ? 0 : Math.min(calibrated(confidenceFeatures(p, passages, question, questionWordCount)), confidenceCap(p, passages, questionWordCount));
  const best = passages[0] ?? p;
  const relative = best.score > 0 ? Math.max(0, Math.min(1, p.score / best.score)) : 1;
  if (p.similarity !== undefined) c = Math.max(c, Math.min(1, (p.similarity - 0.35) / 0.5) * relative);
  return Math.round(Math.max(0, Math.min(1, c)) * 100) / 100;
}

const WANTS_NUMBER = /\b(when|what time|how much|how many|how long|hours?|price|cost|fee|time|until|cuándo|cuanto|cuánto|quando|quanto|combien|quand)\b/i;

/**
 * The passage sentences that best answer the question, in their original order, within `budget`
 * characters. Sentences score by the question words they contain (rarer words weigh more, synonyms
 * less); numbers earn a bonus when the question asks when/how much/how long.
 */
export function answerSentences(question: string, passage: Passage, budget: number): string {
  const lang = stopLanguage(question);
  const qStems = [...new Set(stems(question, lang))];
  const synonyms = new Set(terms(question, lang).flatMap(expand).map(stem));
  const list = sentences(passage.text).filter((s) => !/^#+\s/.test(s));
  if (list.length === 0) return clip(passage.text.replace(/\s+/g, ' ').trim(), budget);
  const sentenceStems = list.map((s) => new Set(textStems(s)));
  const df = new Map<string, number>();
  for (const set of sentenceStems) for (const q of qStems) if (set.has(q)) df.set(q, (df.get(q) ?? 0) + 1);
  const wantsNumber = WANTS_NUMBER.test(question);
  const scored = list.map((s, i) => {
    let score = 0;
    for (const q of qStems) if (sentenceStems[i].has(q)) score += Math.log(1 + list.length / (df.get(q) ?? 1));
    for (const syn of synonyms) if (sentenceStems[i].has(syn)) score += 0.4;
    if (wantsNumber && /\d/.test(s)) score += 0.8;
    if (i === 0) score += 0.2; // the opening sentence of a passage often states the answer
    return { s, i, score };
  });
  const picked: typeof scored = [];
  let used = 0;
  for (const cand of [...scored].sort((a, b) => b.score - a.score || a.i - b.i)) {
    if (picked.length > 0 && cand.score <= 0) break;
    if (picked.length >= 3) break;
    if (used + cand.s.length + 1 > budget) {
      if (picked.length === 0) picked.push({ ...cand, s: clip(cand.s, budget) });
      continue;
    }
    picked.push(cand);
    used += cand.s.length + 1;
  }
  return picked
    .sort((a, b) => a.i - b.i)
    .map((p) => (/[.!?…:]$/.test(p.s) ? p.s : `${p.s}.`))
    .join(' ');
}

/** Room for the answer once greeting and closing are in. */
function bodyBudget(channel: string): number {
  const limit = channelLimit(channel);
  return isEmail(channel) ? 900 : Math.max(120, limit - 140);
}

export class ExtractiveDrafter implements Drafter {
  readonly name = 'extractive';

  async draft(ctx: DraftContext): Promise<Draft[]> {
    const framing = { language: ctx.language, style: ctx.style, channel: ctx.channel, contactName: ctx.contactName, segment: ctx.segment };
    const words = new Set(terms(ctx.question, stopLanguage(ctx.question))).size;
    const budget = bodyBudget(ctx.channel);
    const out: Draft[] = [];
    const best = ctx.passages[0];
    for (const p of ctx.passages.slice(0, 3)) {
      const confidence = passageConfidence(p, ctx.passages.slice(0, 3), ctx.question, words);
      // A passage that shares (almost) nothing with the question is not an answer.
      if (p.coverage === 0 && p.similarity === undefined) continue;
      const body = p.kind === 'qa' && p.text.length <= budget ? p.text.replace(/\s*\n+\s*/g, ' ') : answerSentences(ctx.question, p, budget);
      if (body) out.push({ text: compose(framing, body), confidence, kind: 'kb', sources: [articleRef(p)] });
    }
    const kbCount = out.length;
    const previous = ctx.history[0];
    if (previous) {
      out.push({
        text: clip(previous.text, channelLimit(ctx.channel)),
        confidence: Math.round(previous.coverage * 0.8 * 100) / 100,
        kind: 'history',
        sources: [{ type: 'conversation', id: previous.conversationId, messageId: previous.messageId }],
      });
    }
    if (kbCount === 1 && out.length < 3 && best.kind !== 'qa') {
      // A second, shorter take on the best passage: one sentence instead of up to three.
      const short = answerSentences(ctx.question, best, Math.min(budget, 160));
      const text = compose(framing, short);
      if (text !== out[0].text) out.push({ ...out[0], text, confidence: Math.round(out[0].confidence * 0.95 * 100) / 100 });
    }
    if (out.length === 0 || out.every((d) => d.confidence < 0.2)) {
      out.push({ text: acknowledgement(ctx), confidence: 0, kind: 'fallback', sources: [] });
    }
    return uniqueByText(out)
      .sort((a, b) => b.confidence - a.confidence)
      .slice(0, 3);
  }
}

/** "Thanks, let me check": the candidate when nothing in the knowledge base answers. */
export function acknowledgement(ctx: Pick<DraftContext, 'language' | 'style' | 'channel' | 'contactName' | 'segment'>): string {
  const formal = ctx.style.formality === 'formal' || ctx.segment === 'vip';
  const framing = { language: ctx.language, style: { ...ctx.style, tone: 'concise' as const }, channel: ctx.channel, contactName: ctx.contactName, segment: ctx.segment };
  return compose(framing, phrases(ctx.language).acknowledge[formal ? 'formal' : 'informal']);
}

function uniqueByText(drafts: Draft[]): Draft[] {
  const seen = new Set<string>();
  return drafts.filter((d) => (seen.has(d.text) ? false : (seen.add(d.text), true)));
}
