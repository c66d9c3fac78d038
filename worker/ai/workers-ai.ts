// The cloud drafter and summarizer: a Workers AI text model writes from the retrieved passages and
// the conversation, under a hard time budget; on timeout or error the extractive versions answer.
import { BudgetExceeded, withBudget } from './budget';
import { articleRef, type Draft, type DraftContext, type Drafter } from './drafter';
import type { AiEnv } from './providers';
import { channelLimit, clip, compose, isEmail } from './style';
import type { Summarizer, Summary, SummaryInput } from './summarizer';

export const DEFAULT_TEXT_MODEL = '@cf/meta/llama-3.1-8b-instruct-fp8';
const DRAFT_BUDGET_MS = 1500;
const SUMMARY_BUDGET_MS = 4000;

export type CloudEnv = Env & AiEnv & { AI: Ai; VECTORIZE: Vectorize };
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

const LANGUAGE_NAMES: Record<string, string> = { en: 'English', es: 'Spanish', pt: 'Portuguese', fr: 'French', de: 'German', it: 'Italian' };

/** One chat completion from the text model (throws on an empty answer). */
export async function generate(env: CloudEnv, messages: ChatMessage[], signal: AbortSignal, maxTokens: number): Promise<string> {
  const run = (env.AI as unknown as { run: (m: string, input: unknown, o?: unknown) => Promise<unknown> }).run;
  const res = (await run.call(env.AI, env.AI_TEXT_MODEL ?? DEFAULT_TEXT_MODEL, { messages, max_tokens: maxTokens, temperature: 0.2 }, { signal })) as { response?: unknown };
  const text = typeof res?.response === 'string' ? res.response.trim() : '';
  if (!text) throw new Error('the text model returned no response');
  return text;
}

/** The chat for a reply draft: grounded in numbered passages, answer body only (greeting and closing are ours). */
export function draftMessages(ctx: DraftContext): ChatMessage[] {
  const limit = isEmail(ctx.channel) ? 900 : channelLimit(ctx.channel) - 140;
  const passages = ctx.passages.map((p, i) => `[${i + 1}] ${p.title}\n${p.text}`).join('\n\n');
  const turns = ctx.conversation.map((t) => `${t.role === 'customer' ? 'Customer' : 'Us'}: ${t.text}`).join('\n');
  const system = [
    `You write replies for ${ctx.workspaceName}'s customer support.`,
    'Answer only with facts from the numbered passages. If they do not answer the question, say that you will check with the team.',
    `Write in ${LANGUAGE_NAMES[ctx.language] ?? 'English'}, ${ctx.style.formality === 'formal' || ctx.segment === 'vip' ? 'formally' : 'informally'}, in a ${ctx.style.tone} tone.`,
    `Write only the answer itself: no greeting, no closing, no signature, no markdown. At most ${limit} characters.`,
    'Cite the passages you used as [1], [2] at the end of the sentence that uses them.',
    ctx.prompt ? `Business instructions: ${ctx.prompt}` : '',
    ctx.memories?.length ? `What the team knows about this customer (use it where it matters, e.g. an allergy when food comes up; never contradict it): ${ctx.memories.slice(0, 12).join('; ')}.` : '',
  ]
    .filter(Boolean)
    .join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: `Passages:\n${passages}\n\nConversation so far:\n${turns}\n\nWrite the answer to the customer's last message.` },
  ];
}

export class WorkersAiDrafter implements Drafter {
  readonly name = 'workers-ai';

  constructor(
    private env: CloudEnv,
    private fallback: Drafter,
    private budgetMs = Number(env.AI_DRAFT_BUDGET_MS ?? DRAFT_BUDGET_MS),
  ) {}

  async draft(ctx: DraftContext): Promise<Draft[]> {
    const extractive = this.fallback.draft(ctx);
    // Nothing to ground an answer on: a model would only make one up.
    if (ctx.passages.length === 0) return extractive;
    let raw: string;
    try {
      raw = await withBudget(this.budgetMs, (signal) => generate(this.env, draftMessages(ctx), signal, 400));
    } catch (err) {
      console.warn(`drafting with Workers AI ${err instanceof BudgetExceeded ? `exceeded ${this.budgetMs} ms` : `failed (${String(err)})`}; extractive drafts only`);
      return extractive;
    }
    const cited = new Set([...raw.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]) - 1).filter((i) => i >= 0 && i < ctx.passages.length));
    const used = cited.size ? [...cited].sort((a, b) => a - b).map((i) => ctx.passages[i]) : ctx.passages.slice(0, 1);
    const body = raw
      .replace(/\s*\[\d+\](?:\s*\[\d+\])*/g, '')
      .replace(/^(answer|reply)\s*:\s*/i, '')
      .trim();
    const framing = { language: ctx.language, style: ctx.style, channel: ctx.channel, contactName: ctx.contactName, segment: ctx.segment };
    const base = await extractive;
    const confidence = Math.max(0, ...base.filter((d) => d.kind === 'kb' && d.sources.some((s) => s.type === 'article' && used.some((p) => p.articleId === s.id))).map((d) => d.confidence));
    const generated: Draft = { text: compose(framing, clip(body, isEmail(ctx.channel) ? 900 : channelLimit(ctx.channel))), confidence, kind: 'generated', sources: used.map(articleRef) };
    return [generated, ...base.filter((d) => d.kind !== 'fallback' && d.text !== generated.text)].slice(0, 3);
  }
}

export function summaryMessages(input: SummaryInput): ChatMessage[] {
  const transcript = input.messages
    .filter((m) => m.role !== 'note')
    .map((m) => `${m.role === 'customer' ? (input.contactName ?? 'Customer') : 'Us'}: ${m.text}`)
    .join('\n');
  return [
    {
      role: 'system',
      content:
        'Summarize this customer support conversation for a colleague in at most three sentences: what the customer wanted, what we did or answered, and where it stands. ' +
        'Then suggest up to three concrete follow-up actions for the team. Reply with JSON only: {"summary": "...", "followUps": ["..."]}',
    },
    { role: 'user', content: `Status: ${input.status}\n\n${transcript}` },
  ];
}

export class WorkersAiSummarizer implements Summarizer {
  readonly name = 'workers-ai';

  constructor(
    private env: CloudEnv,
    private fallback: Summarizer,
    private budgetMs = SUMMARY_BUDGET_MS,
  ) {}

  async summarize(input: SummaryInput): Promise<Summary> {
    try {
      const raw = await withBudget(this.budgetMs, (signal) => generate(this.env, summaryMessages(input), signal, 500));
      const json = /\{[\s\S]*\}/.exec(raw)?.[0];
      const parsed = json ? (JSON.parse(json) as { summary?: unknown; followUps?: unknown }) : null;
      if (parsed && typeof parsed.summary === 'string' && parsed.summary.trim()) {
        const followUps = Array.isArray(parsed.followUps) ? parsed.followUps.filter((f): f is string => typeof f === 'string' && f.trim() !== '').slice(0, 5) : [];
        return { summary: parsed.summary.trim().slice(0, 1500), followUps, generator: this.name };
      }
      const fallback = await this.fallback.summarize(input);
      return { ...fallback, summary: raw.slice(0, 1500), generator: this.name };
    } catch (err) {
      console.warn(`summarizing with Workers AI ${err instanceof BudgetExceeded ? `exceeded ${this.budgetMs} ms` : `failed (${String(err)})`}; extractive summary`);
      return this.fallback.summarize(input);
    }
  }
}
