// Plain words for what the agent reads: the server keeps machine-readable reasons and keys in its
// events (rules, tests and webhooks match on them), and this module turns them into sentences. Pure:
// the time and the locale are parameters (the browser's locale when left undefined), so it is tested
// without a DOM and every date and time in the app shares one locale.

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

// ---------------------------------------------------------------------------------------------
// Dates and times: one locale for both, so a 24-hour locale never shows a US date and vice versa.

/** "14:30" or "2:30 PM", as the locale writes a time. */
export function timeText(at: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(at);
}

/** "5 Dec" / "Dec 5" (with the year when not this year's). */
export function dateText(at: number, now: number, locale?: string): string {
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }) }).format(at);
}

/** "Customer since": a date with no time, in the same locale. */
export function longDate(at: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(at);
}

function midnight(at: number): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Whole calendar days from `now`'s day to `at`'s day (local time; DST-safe by rounding). */
export function daysFrom(now: number, at: number): number {
  return Math.round((midnight(at) - midnight(now)) / DAY);
}

/**
 * A moment named by its day and clock time: "14:30" today, "tomorrow 09:00", "yesterday 18:00",
 * else "Fri 5 Dec, 09:00". Never "in 60 min": the agent wants to know when, not how long.
 */
export function whenText(at: number, now: number, locale?: string): string {
  const days = daysFrom(now, at);
  const time = timeText(at, locale);
  if (days === 0) return time;
  if (days === 1) return `tomorrow ${time}`;
  if (days === -1) return `yesterday ${time}`;
  return `${dateText(at, now, locale)}, ${time}`;
}

/** "Snoozed until 14:30" / "until tomorrow 09:00". */
export function snoozedUntilText(at: number, now: number, locale?: string): string {
  return `until ${whenText(at, now, locale)}`;
}

/** The WhatsApp 24-hour window: "closes at 14:30" today, else with the day. */
export function windowClosesText(at: number, now: number, locale?: string): string {
  const days = daysFrom(now, at);
  const time = timeText(at, locale);
  if (days === 0) return `closes at ${time}`;
  if (days === 1) return `closes tomorrow at ${time}`;
  return `closes on ${dateText(at, now, locale)} at ${time}`;
}

// ---------------------------------------------------------------------------------------------
// SLA, alerts, escalations and priority reasons.

const SLA_TARGET: Record<string, string> = { firstResponse: 'First response', nextResponse: 'Next response', resolution: 'Resolution' };

/** "First response" for `firstResponse`; unknown keys become words rather than camelCase. */
export function slaTargetText(key: unknown): string {
  const k = String(key ?? '');
  if (SLA_TARGET[k]) return SLA_TARGET[k];
  return k ? sentenceCase(k) : 'SLA';
}

/** camelCase, snake_case or dotted keys as a sentence: `snooze_expired` → "Snooze expired". */
export function sentenceCase(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[._-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words ? words[0].toUpperCase() + words.slice(1) : '';
}

/** How a sentiment score (−1 … 1) sounds to a person. */
export function moodText(score: number): string {
  if (score <= -0.7) return 'Customer sounds very upset';
  if (score <= -0.3) return 'Customer sounds upset';
  if (score < 0.3) return 'Customer sounds neutral';
  return 'Customer sounds happy';
}

const NUM = String.raw`([−-]?\d+(?:\.\d+)?)`;
const num = (s: string) => Number(s.replace('−', '-'));

/**
 * One reason an AI alert rule or auto-priority gave (worker/sla/alerts.ts writes them for people who
 * build rules): "sentiment -0.72 ≤ -0.7" → "Customer sounds upset".
 */
export function alertReasonText(reason: string): string {
  const r = reason.trim();
  let m: RegExpMatchArray | null;
  if ((m = r.match(new RegExp(`^sentiment ${NUM} ≤ ${NUM}$`)))) return num(m[1]) <= -0.85 ? 'Customer sounds very upset' : 'Customer sounds upset';
  if ((m = r.match(new RegExp(`^sentiment shifted from ${NUM} to ${NUM}$`)))) return `Customer’s mood turned: ${moodText(num(m[2])).replace(/^Customer sounds /, 'now sounds ')}`;
  if ((m = r.match(new RegExp(`^very negative sentiment \\(${NUM}\\)$`)))) return 'Customer sounds very upset';
  if ((m = r.match(/^(?:keyword|urgency word) "(.+)"$/))) return `Mentioned “${m[1]}”`;
  if ((m = r.match(/^VIP contact \(tags? (.+)\)$/))) return `VIP contact (tagged ${m[1]})`;
  if (r === 'SLA breached') return 'Reply time target missed';
  if (r === 'SLA warning') return 'Reply due soon';
  if ((m = r.match(/^channel (\w+)$/))) return `On ${m[1]}`;
  if ((m = r.match(/^priority (\w+)$/))) return `${sentenceCase(m[1])} priority`;
  return r;
}

/**
 * An escalation's reason as stored (worker/sla/automate.ts): "SLA breached: firstResponse",
 * "Alert: <rule>", "VIP contact (vip, gold)", or what an agent typed.
 */
export function escalationReasonText(reason: string | null | undefined): string {
  const r = (reason ?? '').trim();
  let m: RegExpMatchArray | null;
  if ((m = r.match(/^SLA breached: (\w+)$/))) return `${slaTargetText(m[1])} target missed`;
  if ((m = r.match(/^Alert: (.+)$/))) return `AI alert “${m[1]}”`;
  if ((m = r.match(/^VIP contact \((.*)\)$/))) return m[1] ? `VIP contact (tagged ${m[1]})` : 'VIP contact';
  return r;
}

/** The escalation pill's title: the reason in words, naming the path unless the reason already says it. */
export function escalationTitle(pathName: string | null | undefined, reason: string | null | undefined): string {
  const why = escalationReasonText(reason);
  const path = (pathName ?? '').trim();
  if (!path) return why || 'Escalated';
  if (!why) return `Escalated on “${path}”`;
  const lower = why.toLowerCase();
  return lower.includes(path.toLowerCase()) || path.toLowerCase().includes(lower) ? why : `${why} · path “${path}”`;
}

const TRIGGER: Record<string, string> = { breach: 'SLA breach', vip: 'VIP contact', alert: 'AI alert', manual: 'by an agent' };
export function escalationTriggerText(t: unknown): string {
  return TRIGGER[String(t)] ?? '';
}

// ---------------------------------------------------------------------------------------------
// Suggested replies.

/**
 * A suggestion's band, from the calibrated confidence (the probability the article answers): 'high' from
 * 0.5 (what the AI evaluation counts as shown confident), 'mid' from 0.3 (the default suggestion
 * threshold). The words below and the strip's colours both come from these cut-offs.
 */
export function confidenceBand(c: number): 'high' | 'mid' | 'low' {
  return c >= 0.5 ? 'high' : c >= 0.3 ? 'mid' : 'low';
}

/** A suggestion's confidence as words a person can weigh ("Strong match"), never a bare percentage. */
export function confidenceText(c: number): string {
  if (c >= 0.75) return 'Strong match';
  if (c >= 0.5) return 'Good match';
  if (c >= 0.3) return 'Possible match';
  return 'Weak match';
}

/**
 * Whether the strip should offer replies: only while the customer waits for one (their message is the
 * latest; a reply, an AI answer or Resolve clears it) and the conversation is not resolved.
 */
export function wantsSuggestions(status: string, latest: { direction: string; isInternalNote: boolean } | undefined): boolean {
  if (status === 'closed') return false;
  return latest?.direction === 'inbound';
}

// ---------------------------------------------------------------------------------------------
// People.

/** A channel identity as shown in the contact panel: no anonymous web chat ids. */
export function identityText(channel: string, externalId: string): string {
  if (externalId.startsWith('anon:')) return channel === 'webchat' ? 'Website visitor' : 'Anonymous';
  return externalId;
}
