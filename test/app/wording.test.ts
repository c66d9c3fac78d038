// The agent app's plain wording (web/app/lib/wording.ts) and activity grouping (web/app/lib/activity.ts):
// machine reasons and keys become sentences, dates and times share one locale, suggestions show only
// while the customer waits, and consecutive activity folds into one summarized row.
import { describe, expect, it } from 'vitest';
import { activityPhrase, groupRuns, groupSummary, redundantBeforeRouted } from '../../web/app/lib/activity';
import {
  alertReasonText,
  confidenceBand,
  confidenceText,
  daysFrom,
  escalationReasonText,
  escalationTitle,
  identityText,
  longDate,
  sentenceCase,
  slaTargetText,
  snoozedUntilText,
  timeText,
  wantsSuggestions,
  whenText,
  windowClosesText,
} from '../../web/app/lib/wording';

// Local-time construction, so the tests mean the same in any time zone the runner has.
const at = (y: number, mo: number, d: number, h: number, mi = 0) => new Date(y, mo - 1, d, h, mi).getTime();
const NOW = at(2026, 12, 3, 13, 10); // a Thursday

describe('dates and times in one locale', () => {
  it('a 24-hour locale gets 24-hour times and day-month dates; a US locale 12-hour times', () => {
    expect(timeText(at(2026, 12, 3, 14, 30), 'en-GB')).toBe('14:30');
    expect(timeText(at(2026, 12, 3, 14, 30), 'en-US')).toMatch(/^2:30\sPM$/);
    expect(whenText(at(2026, 12, 5, 9, 0), NOW, 'en-GB')).toBe('Sat 5 Dec, 09:00');
    expect(whenText(at(2026, 12, 5, 9, 0), NOW, 'en-US')).toMatch(/^Sat, Dec 5, 9:00\sAM$/);
    expect(longDate(at(2026, 12, 3, 9), 'en-GB')).toBe('3 Dec 2026');
  });

  it('names the day: today, tomorrow, yesterday, else the date (with the year only when it differs)', () => {
    expect(daysFrom(NOW, at(2026, 12, 4, 0, 5))).toBe(1);
    expect(whenText(at(2026, 12, 3, 14, 30), NOW, 'en-GB')).toBe('14:30');
    expect(whenText(at(2026, 12, 4, 9, 0), NOW, 'en-GB')).toBe('tomorrow 09:00');
    expect(whenText(at(2026, 12, 2, 18, 0), NOW, 'en-GB')).toBe('yesterday 18:00');
    expect(whenText(at(2027, 1, 8, 9, 0), NOW, 'en-GB')).toBe('Fri, 8 Jan 2027, 09:00');
  });

  it('snoozes say until when, never "in 60 min"', () => {
    expect(snoozedUntilText(NOW + 60 * 60_000, NOW, 'en-GB')).toBe('until 14:10');
    expect(snoozedUntilText(at(2026, 12, 4, 9), NOW, 'en-GB')).toBe('until tomorrow 09:00');
  });

  it('the WhatsApp window says the day when it closes on another one', () => {
    expect(windowClosesText(at(2026, 12, 3, 22, 15), NOW, 'en-GB')).toBe('closes at 22:15');
    expect(windowClosesText(at(2026, 12, 4, 6, 30), NOW, 'en-GB')).toBe('closes tomorrow at 06:30');
    expect(windowClosesText(at(2026, 12, 6, 6, 30), NOW, 'en-GB')).toBe('closes on Sun 6 Dec at 06:30');
  });
});

describe('reasons in words', () => {
  it('SLA targets and other keys never show camelCase', () => {
    expect(slaTargetText('firstResponse')).toBe('First response');
    expect(slaTargetText('nextResponse')).toBe('Next response');
    expect(slaTargetText('someNewTarget')).toBe('Some new target');
    expect(sentenceCase('snooze_expired')).toBe('Snooze expired');
  });

  it('alert and auto-priority reasons read as sentences', () => {
    expect(alertReasonText('sentiment -0.72 ≤ -0.7')).toBe('Customer sounds upset');
    expect(alertReasonText('sentiment −0.95 ≤ −0.7')).toBe('Customer sounds very upset');
    expect(alertReasonText('very negative sentiment (-0.72)')).toBe('Customer sounds very upset');
    expect(alertReasonText('sentiment shifted from 0.6 to -0.5')).toBe('Customer’s mood turned: now sounds upset');
    expect(alertReasonText('keyword "reembolso"')).toBe('Mentioned “reembolso”');
    expect(alertReasonText('urgency word "urgent"')).toBe('Mentioned “urgent”');
    expect(alertReasonText('VIP contact (tag vip)')).toBe('VIP contact (tagged vip)');
    expect(alertReasonText('SLA breached')).toBe('Reply time target missed');
    expect(alertReasonText('priority urgent')).toBe('Urgent priority');
    expect(alertReasonText('Something a person wrote')).toBe('Something a person wrote');
  });

  it('escalation reasons drop internal keys and never double the path name', () => {
    expect(escalationReasonText('SLA breached: firstResponse')).toBe('First response target missed');
    expect(escalationReasonText('Alert: Refund, chargeback or legal threat')).toBe('AI alert “Refund, chargeback or legal threat”');
    expect(escalationReasonText('VIP contact (vip, gold)')).toBe('VIP contact (tagged vip, gold)');
    expect(escalationReasonText('Guest locked out')).toBe('Guest locked out');
    const title = escalationTitle('SLA breached', 'SLA breached: firstResponse');
    expect(title).toBe('First response target missed · path “SLA breached”');
    expect(title).not.toMatch(/SLA breached: SLA breached/);
    expect(escalationTitle('Refunds', 'Alert: Refunds')).toBe('AI alert “Refunds”');
  });
});

describe('suggested replies', () => {
  it('confidence in words', () => {
    expect(confidenceText(0.85)).toBe('Strong match');
    expect(confidenceText(0.6)).toBe('Good match');
    expect(confidenceText(0.3)).toBe('Possible match');
    expect(confidenceText(0.04)).toBe('Weak match');
    // The strip's colour agrees with the words: every "Good match" is high, every "Possible match" mid.
    expect([0.85, 0.5, 0.49, 0.3, 0.29].map(confidenceBand)).toEqual(['high', 'high', 'mid', 'mid', 'low']);
    for (const c of [0.95, 0.6, 0.5, 0.45, 0.3, 0.1]) expect(confidenceBand(c) === 'high').toBe(/Strong|Good/.test(confidenceText(c)));
  });

  it('are wanted only while the customer waits for a reply', () => {
    expect(wantsSuggestions('open', { direction: 'inbound', isInternalNote: false })).toBe(true);
    expect(wantsSuggestions('open', { direction: 'outbound', isInternalNote: false })).toBe(false);
    expect(wantsSuggestions('closed', { direction: 'inbound', isInternalNote: false })).toBe(false);
    expect(wantsSuggestions('open', undefined)).toBe(false);
  });
});

describe('people', () => {
  it('anonymous web chat ids are never shown', () => {
    expect(identityText('webchat', 'anon:v_01ABC')).toBe('Website visitor');
    expect(identityText('whatsapp', '+34600000000')).toBe('+34600000000');
  });
});

describe('activity grouping', () => {
  const look = { user: (id: string) => ({ u1: 'Ana', u2: 'Sam' })[id] ?? 'someone', team: (id: string) => ({ t1: 'Reservations' })[id] ?? null };

  it('folds runs of two or more activity lines; lone lines and messages stay', () => {
    const items = ['m1', 's1', 'm2', 's2', 's3', 's4', 'm3', 's5'];
    const runs = groupRuns(items, (x) => x.startsWith('s'));
    expect(runs).toEqual([
      { kind: 'one', item: 'm1' },
      { kind: 'one', item: 's1' },
      { kind: 'one', item: 'm2' },
      { kind: 'group', items: ['s2', 's3', 's4'] },
      { kind: 'one', item: 'm3' },
      { kind: 'one', item: 's5' },
    ]);
    expect(groupRuns([], () => true)).toEqual([]);
  });

  it('summarizes a group by count and its first distinct changes', () => {
    const phrases = [
      activityPhrase('conversation.assigned', { to: 'u1' }, 'u2', look),
      activityPhrase('conversation.updated', { tags: ['billing', 'vip'] }, 'u2', look),
      activityPhrase('conversation.routed', { teamName: 'Reservations' }, null, look),
      activityPhrase('sla.applied', {}, null, look),
      activityPhrase('conversation.updated', { flagged: true }, null, look),
    ];
    expect(phrases).toEqual(['assigned to Ana', 'tagged billing, vip', 'routed to Reservations', 'SLA applied', 'flagged']);
    expect(groupSummary(phrases, 5)).toBe('5 updates · assigned to Ana, tagged billing, vip, routed to Reservations…');
    expect(groupSummary([null, 'SLA applied', 'SLA applied'], 3)).toBe('3 updates · SLA applied');
    expect(activityPhrase('conversation.assigned', { to: 'u1' }, 'u1', look)).toBe('taken by Ana');
    expect(activityPhrase('conversation.updated', { subject: 'x' }, null, look)).toBeNull();
  });

  it('shows one line per action: the changes a routing decision made fold into its explanation', () => {
    const maria = { id: 'u1' };
    // Take over: assigned + routed, same actor, adjacent.
    const takeover = [
      { seq: 11, type: 'message.received', actor: null, data: {} },
      { seq: 12, type: 'conversation.assigned', actor: maria, data: { from: null, to: 'u1' } },
      { seq: 13, type: 'conversation.routed', actor: maria, data: { trigger: 'takeover', assigneeId: 'u1', addTags: [] } },
      { seq: 14, type: 'conversation.updated', actor: maria, data: { tags: ['billing', 'vip', 'late-checkout'] } },
    ];
    expect([...redundantBeforeRouted(takeover)]).toEqual([12]);
    // A rule: team and tags, then the routed event that names the rule.
    const rule = [
      { seq: 3, type: 'conversation.updated', actor: null, data: { teamId: 't1', tags: ['billing'] } },
      { seq: 4, type: 'conversation.routed', actor: null, data: { teamId: 't1', addTags: ['billing'], assigneeId: null } },
    ];
    expect([...redundantBeforeRouted(rule)]).toEqual([3]);
    // Someone else's change, or one the decision does not explain, stays.
    expect([...redundantBeforeRouted([{ ...takeover[1], actor: { id: 'u2' } }, takeover[2]])]).toEqual([]);
    expect([...redundantBeforeRouted([{ seq: 3, type: 'conversation.updated', actor: null, data: { subject: 'x' } }, { ...rule[1], seq: 4 }])]).toEqual([]);
  });
});

