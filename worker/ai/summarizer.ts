// The Summarizer interface (a conversation in a few lines, plus follow-up suggestions) and the
// extractive summarizer: the customer's request, our key answer and where things stand, picked by
// sentence centrality; follow-ups from promises made, dates mentioned and questions left open.
import { sentences, stems, terms } from './text';

export interface SummaryMessage {
  role: 'customer' | 'agent' | 'ai' | 'note';
  name: string | null;
  text: string;
  at: number;
}

export interface SummaryInput {
  messages: SummaryMessage[];
  contactName: string | null;
  status: string;
}

export interface Summary {
  summary: string;
  followUps: string[];
  generator: string;
}

export interface Summarizer {
  readonly name: string;
  summarize(input: SummaryInput): Promise<Summary>;
}

const MAX_SUMMARY = 600;

/** Sentences weighted by how many of the conversation's recurring words they carry (per length). */
function central(list: string[], weights: Map<string, number>): { s: string; score: number }[] {
  return list.map((s) => {
    const st = stems(s);
    const score = st.reduce((sum, w) => sum + (weights.get(w) ?? 0), 0) / Math.sqrt(1 + st.length);
    return { s, score };
  });
}

function firstName(name: string | null): string {
  return name?.trim().split(/\s+/)[0] || 'The customer';
}

function clipSentence(s: string, max = 220): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const PROMISE = /\b(i'll|i will|we'll|we will|let me|i'm going to|we are going to|will send|will call|will check|get back to you|follow up)\b/i;
const DATE = /\b(today|tonight|tomorrow|next (?:week|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|monday|tuesday|wednesday|thursday|friday|saturday|sunday|\d{1,2}(?:st|nd|rd|th)\b|\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?|\d{1,2}(?::\d{2})?\s?(?:am|pm))\b/i;
const PROBLEM = /\b(not working|doesn't work|does not work|broken|refund|charged twice|complain|complaint|disappointed|wrong|missing|leak|dirty|cold|no hot water)\b/i;

export function followUpSuggestions(input: SummaryInput): string[] {
  const out: string[] = [];
  const msgs = input.messages.filter((m) => m.role !== 'note');
  const last = msgs[msgs.length - 1];
  const who = firstName(input.contactName);
  if (last?.role === 'customer' && input.status !== 'closed') out.push(`Reply to ${who}'s last message: "${clipSentence(last.text, 120)}"`);
  for (const m of msgs) {
    if (m.role === 'customer') continue;
    for (const s of sentences(m.text)) if (PROMISE.test(s)) out.push(`Do what was promised: "${clipSentence(s, 140)}"`);
  }
  for (const m of msgs) {
    if (m.role !== 'customer') continue;
    const date = DATE.exec(m.text);
    if (date) {
      out.push(`Check in around "${date[0]}" (${who} mentioned it: "${clipSentence(m.text, 100)}")`);
      break;
    }
  }
  if (msgs.some((m) => m.role === 'customer' && PROBLEM.test(m.text))) out.push(`Confirm with ${who} that the problem is solved`);
  if (input.status === 'closed' && out.length === 0) out.push(`Ask ${who} for feedback on how we did`);
  return [...new Set(out)].slice(0, 5);
}

export class ExtractiveSummarizer implements Summarizer {
  readonly name = 'extractive';

  async summarize(input: SummaryInput): Promise<Summary> {
    const msgs = input.messages.filter((m) => m.role !== 'note' && m.text.trim());
    const who = firstName(input.contactName);
    if (msgs.length === 0) return { summary: 'No messages yet.', followUps: [], generator: this.name };
    const weights = new Map<string, number>();
    for (const m of msgs) for (const w of new Set(stems(m.text))) weights.set(w, (weights.get(w) ?? 0) + 1);
    for (const [w, n] of weights) weights.set(w, n > 1 ? Math.log(1 + n) : 0.2);

    const customer = msgs.filter((m) => m.role === 'customer').flatMap((m) => sentences(m.text));
    const ours = msgs.filter((m) => m.role !== 'customer').flatMap((m) => sentences(m.text));
    const parts: string[] = [];
    // The request: a question from the customer if there is one, else their most central sentence.
    const asked = customer.find((s) => s.includes('?') && terms(s).length >= 2) ?? central(customer, weights).sort((a, b) => b.score - a.score)[0]?.s;
    if (asked) parts.push(`${who} asked: "${clipSentence(asked)}"`);
    const answer = central(ours.filter((s) => terms(s).length >= 3), weights).sort((a, b) => b.score - a.score)[0]?.s;
    if (answer) parts.push(`We answered: "${clipSentence(answer)}"`);
    const last = msgs[msgs.length - 1];
    if (input.status === 'closed') parts.push('The conversation is closed.');
    else if (last.role === 'customer') parts.push(`Waiting on us: ${who} wrote last ("${clipSentence(last.text, 100)}").`);
    else parts.push(`Waiting on ${who}.`);
    let summary = parts.join(' ');
    if (summary.length > MAX_SUMMARY) summary = `${summary.slice(0, MAX_SUMMARY - 1)}…`;
    return { summary, followUps: followUpSuggestions(input), generator: this.name };
  }
}
