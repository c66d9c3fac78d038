// AI alert rules and auto-prioritization: pure evaluation of AlertRule conditions over a
// conversation's recent customer messages (with their sentiment), SLA state, channel, priority and
// contact segment. The ConversationDO calls evaluateConversationAlerts on each inbound message and
// applies the hits' actions; POST /api/ai-alerts/test runs the same code on a draft rule.
import { findPhrase } from '../ai/sentiment/text';
import { PRIORITY_RANK, type Priority } from '../conversations/model';
import type { AlertCondition, AlertFacts, AlertHit, AlertRule, AutoStatusSettings, SentimentAnalyzer, SentimentResult, SlaStatus } from './model';

/** How many recent customer messages alerts look at (the sentiment_shift window cannot exceed it). */
export const ALERT_WINDOW = 5;
/** At or below this sentiment score the latest message counts as very negative for auto-prioritization. */
export const VERY_NEGATIVE = -0.6;

/** Urgency words and phrases (EN/ES), matched as whole words without case or accents. */
export const URGENCY_WORDS = [
  'urgent',
  'urgently',
  'asap',
  'as soon as possible',
  'emergency',
  'immediately',
  'right now',
  'right away',
  'critical',
  'urgente',
  'urgentemente',
  'urgencia',
  'emergencia',
  'cuanto antes',
  'lo antes posible',
  'lo mas pronto posible',
  'inmediatamente',
  'de inmediato',
  'ya mismo',
];

const fmt = (x: number) => (Math.round(x * 100) / 100).toString();
const lower = (xs: string[]) => new Set(xs.map((x) => x.trim().toLowerCase()));

/** One condition against the facts: the reason when it holds, else null. */
export function matchCondition(cond: AlertCondition, facts: AlertFacts): string | null {
  const latest = facts.recent.at(-1);
  switch (cond.type) {
    case 'sentiment_below':
      return latest && latest.sentiment.score <= cond.maxScore ? `sentiment ${fmt(latest.sentiment.score)} ≤ ${fmt(cond.maxScore)}` : null;
    case 'sentiment_shift': {
      // Some message in the window at or above fromMin, followed later by the latest at or below toMax.
      const window = facts.recent.slice(-Math.max(2, cond.window));
      if (window.length < 2 || window.at(-1)!.sentiment.score > cond.toMax) return null;
      const before = window.slice(0, -1).filter((m) => m.sentiment.score >= cond.fromMin);
      if (before.length === 0) return null;
      const high = Math.max(...before.map((m) => m.sentiment.score));
      return `sentiment shifted from ${fmt(high)} to ${fmt(window.at(-1)!.sentiment.score)}`;
    }
    case 'keywords': {
      const hit = latest ? findPhrase(latest.text, cond.any) : null;
      return hit ? `keyword "${hit}"` : null;
    }
    case 'vip': {
      const wanted = lower(cond.tags);
      const tag = facts.contactTags.find((t) => wanted.has(t.toLowerCase()));
      return tag ? `VIP contact (tag ${tag})` : null;
    }
    case 'sla':
      // "warning" is a pre-warning: a conversation already breached is past it, so it matches too.
      if (facts.slaStatus === 'breached') return `SLA breached`;
      return cond.status === 'warning' && facts.slaStatus === 'warning' ? 'SLA warning' : null;
    case 'channel':
      return cond.in.includes(facts.channel) ? `channel ${facts.channel}` : null;
    case 'priority':
      return cond.in.includes(facts.priority) ? `priority ${facts.priority}` : null;
  }
}

/** The enabled rules that fire, in position order. AND needs every condition, OR any; a rule without conditions never fires. */
export function evaluateAlertRules(rules: AlertRule[], facts: AlertFacts): AlertHit[] {
  const hits: AlertHit[] = [];
  for (const rule of [...rules].filter((r) => r.enabled).sort((a, b) => a.position - b.position)) {
    if (rule.conditions.length === 0) continue;
    const reasons = rule.conditions.map((c) => matchCondition(c, facts));
    const fired = rule.op === 'or' ? reasons.some((r) => r !== null) : reasons.every((r) => r !== null);
    if (fired) hits.push({ ruleId: rule.id, ruleName: rule.name, reasons: reasons.filter((r): r is string => r !== null), actions: rule.actions });
  }
  return hits;
}

/**
 * Auto-prioritization of an inbound message: urgency words, very negative sentiment and a VIP tag
 * each ask for at least high; two or more together for urgent. Returns the new priority only when it
 * is above the current one (never lowers), else null.
 */
export function autoPriority(settings: AutoStatusSettings['autoPriority'], facts: AlertFacts): { priority: Priority; reasons: string[] } | null {
  if (!settings.enabled) return null;
  const latest = facts.recent.at(-1);
  const reasons: string[] = [];
  const urgent = latest ? findPhrase(latest.text, URGENCY_WORDS) : null;
  if (urgent) reasons.push(`urgency word "${urgent}"`);
  if (latest && latest.sentiment.score <= VERY_NEGATIVE) reasons.push(`very negative sentiment (${fmt(latest.sentiment.score)})`);
  const vip = lower(settings.vipTags);
  const tag = facts.contactTags.find((t) => vip.has(t.toLowerCase()));
  if (tag) reasons.push(`VIP contact (tag ${tag})`);
  if (reasons.length === 0) return null;
  const priority: Priority = reasons.length >= 2 ? 'urgent' : 'high';
  return PRIORITY_RANK[priority] > PRIORITY_RANK[facts.priority] ? { priority, reasons } : null;
}

/** Scores the recent customer messages, then runs the alert rules and auto-prioritization on them. */
export async function evaluateConversationAlerts(
  analyzer: SentimentAnalyzer,
  rules: AlertRule[],
  autoPrioritySettings: AutoStatusSettings['autoPriority'],
  facts: { channel: string; priority: Priority; contactTags: string[]; slaStatus: SlaStatus | null; recentCustomerTexts: string[] /* oldest first, ≤ 5 */ },
): Promise<{ sentiment: SentimentResult[]; hits: AlertHit[]; priority: { priority: Priority; reasons: string[] } | null }> {
  const texts = facts.recentCustomerTexts.slice(-ALERT_WINDOW);
  const sentiment = texts.length ? await analyzer.analyze(texts) : [];
  const full: AlertFacts = {
    channel: facts.channel,
    priority: facts.priority,
    contactTags: facts.contactTags,
    slaStatus: facts.slaStatus,
    recent: texts.map((text, i) => ({ text, sentiment: sentiment[i] })),
  };
  return { sentiment, hits: evaluateAlertRules(rules, full), priority: autoPriority(autoPrioritySettings, full) };
}
