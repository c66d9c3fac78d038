// AI alert rules and auto-prioritization on labelled sample conversations, scored by the real local
// analyzer: which rule fires (and why) on each scenario, AND vs OR, order, and priorities that only rise.
import { describe, expect, it } from 'vitest';
import { lexiconAnalyzer } from '../../worker/ai/sentiment';
import type { Priority } from '../../worker/conversations/model';
import { autoPriority, evaluateAlertRules, evaluateConversationAlerts } from '../../worker/sla/alerts';
import type { AlertCondition, AlertFacts, AlertRule, SentimentResult, SlaStatus } from '../../worker/sla/model';

let n = 0;
function rule(conditions: AlertCondition[], extra: Partial<AlertRule> = {}): AlertRule {
  n++;
  return { id: `alr_${n}`, name: `rule ${n}`, enabled: true, position: n, op: 'and', conditions, actions: [{ type: 'flag' }], ...extra };
}

const ANGRY_SHIFT = rule([{ type: 'sentiment_shift', fromMin: 0.2, toMax: -0.4, window: 3 }], { name: 'Turned angry' });
const VERY_NEGATIVE = rule([{ type: 'sentiment_below', maxScore: -0.5 }], { name: 'Very negative' });
const MONEY = rule([{ type: 'keywords', any: ['refund', 'chargeback', 'reembolso', 'devolución', 'lawyer', 'abogado'] }], { name: 'Money or legal' });
const VIP = rule([{ type: 'vip', tags: ['VIP', 'gold'] }], { name: 'VIP' });
const SLA_WARNING = rule([{ type: 'sla', status: 'warning' }], { name: 'SLA pre-warning' });
const ALL = [ANGRY_SHIFT, VERY_NEGATIVE, MONEY, VIP, SLA_WARNING];
const OFF = { enabled: false, vipTags: ['vip'] };
const ON = { enabled: true, vipTags: ['vip', 'gold'] };

interface Scenario {
  name: string;
  messages: string[];
  tags?: string[];
  sla?: SlaStatus | null;
  /** The rules that must fire, by name, in order. */
  fires: string[];
}

const SCENARIOS: Scenario[] = [
  {
    name: 'angry after happy (EN): a shift, and very negative',
    messages: ['Hi! The apartment looks lovely, thanks 😊', 'Where do I find the keys?', 'The keys are not in the lockbox and nobody answers. This is terrible!!'],
    fires: ['Turned angry', 'Very negative'],
  },
  {
    name: 'enfadado después de contento (ES): a shift',
    messages: ['¡Muchas gracias, todo perfecto!', 'Pesima atención, llevo una hora esperando y nadie contesta 😡'],
    fires: ['Turned angry', 'Very negative'],
  },
  { name: 'negative from the start: no shift, still very negative', messages: ['The room is dirty.', 'Awful, the shower is broken too!'], fires: ['Very negative'] },
  { name: 'happy all along: nothing fires', messages: ['Great stay!', 'Thanks again, we loved it ❤️'], fires: [] },
  { name: 'keyword in English, case-insensitive', messages: ['Where is my REFUND?'], fires: ['Money or legal'] },
  { name: 'keyword in Spanish without accents', messages: ['Quiero la devolucion del dinero'], fires: ['Money or legal'] },
  { name: 'keyword only as a whole word: "refunded" is not "refund"', messages: ['You refunded me already, all good'], fires: [] },
  { name: 'keyword in an earlier message only: the latest decides', messages: ['I asked about a refund', 'Never mind, found it. Thanks!'], fires: [] },
  { name: 'VIP contact by tag (any case)', messages: ['What time is check-in?'], tags: ['vip'], fires: ['VIP'] },
  { name: 'SLA warning', messages: ['Any news?'], sla: 'warning', fires: ['SLA pre-warning'] },
  { name: 'SLA breached passes the pre-warning too', messages: ['Any news?'], sla: 'breached', fires: ['SLA pre-warning'] },
  { name: 'SLA ok', messages: ['Any news?'], sla: 'ok', fires: [] },
  {
    name: 'legal threat after a good start: everything but VIP/SLA',
    messages: ['Everything was fine yesterday, thank you', 'Still no hot water. I will call my lawyer, this is unacceptable!'],
    fires: ['Turned angry', 'Very negative', 'Money or legal'],
  },
];

describe('alert rules on sample conversations', () => {
  for (const s of SCENARIOS) {
    it(s.name, async () => {
      const out = await evaluateConversationAlerts(lexiconAnalyzer, ALL, OFF, {
        channel: 'webchat',
        priority: 'normal',
        contactTags: s.tags ?? [],
        slaStatus: s.sla ?? null,
        recentCustomerTexts: s.messages,
      });
      expect(out.sentiment).toHaveLength(s.messages.length);
      expect(out.hits.map((h) => h.ruleName)).toEqual(s.fires);
      for (const h of out.hits) {
        expect(h.reasons.length).toBeGreaterThan(0);
        expect(h.actions).toEqual([{ type: 'flag' }]);
      }
      expect(out.priority).toBeNull();
    });
  }

  it('names the matched conditions in the reasons', async () => {
    const out = await evaluateConversationAlerts(lexiconAnalyzer, ALL, OFF, {
      channel: 'whatsapp',
      priority: 'normal',
      contactTags: ['Gold'],
      slaStatus: null,
      recentCustomerTexts: ['Love the place!', 'Quiero un reembolso YA, esto es una estafa'],
    });
    const byName = Object.fromEntries(out.hits.map((h) => [h.ruleName, h.reasons]));
    expect(byName['Money or legal']).toEqual(['keyword "reembolso"']);
    expect(byName.VIP).toEqual(['VIP contact (tag Gold)']);
    expect(byName['Turned angry'][0]).toMatch(/^sentiment shifted from 0\.\d+ to -0\.\d+$/);
    expect(byName['Very negative'][0]).toMatch(/^sentiment -0\.\d+ ≤ -0\.5$/);
  });
});

const neutral: SentimentResult = { score: 0, label: 'neutral', confidence: 0.5, language: 'en' };
function facts(over: Partial<AlertFacts> & { scores?: number[]; texts?: string[] } = {}): AlertFacts {
  const scores = over.scores ?? [0];
  const texts = over.texts ?? scores.map(() => 'hello');
  return {
    channel: over.channel ?? 'webchat',
    priority: over.priority ?? 'normal',
    contactTags: over.contactTags ?? [],
    slaStatus: over.slaStatus ?? null,
    recent: over.recent ?? texts.map((text, i) => ({ text, sentiment: { ...neutral, score: scores[i] ?? 0 } })),
  };
}

describe('evaluateAlertRules', () => {
  const channelAndVip = (op: 'and' | 'or') => rule([{ type: 'channel', in: ['whatsapp'] }, { type: 'vip', tags: ['vip'] }], { op, name: op });

  it('AND needs every condition, OR any one; reasons list what matched', () => {
    const whatsappOnly = facts({ channel: 'whatsapp' });
    expect(evaluateAlertRules([channelAndVip('and')], whatsappOnly)).toEqual([]);
    expect(evaluateAlertRules([channelAndVip('or')], whatsappOnly)).toEqual([{ ruleId: expect.any(String), ruleName: 'or', reasons: ['channel whatsapp'], actions: [{ type: 'flag' }] }]);
    const both = facts({ channel: 'whatsapp', contactTags: ['vip'] });
    expect(evaluateAlertRules([channelAndVip('and')], both)[0].reasons).toEqual(['channel whatsapp', 'VIP contact (tag vip)']);
    expect(evaluateAlertRules([channelAndVip('or')], facts({ channel: 'sms' }))).toEqual([]);
  });

  it('runs enabled rules in position order; a rule without conditions never fires', () => {
    const a = rule([{ type: 'priority', in: ['high'] }], { name: 'a', position: 2 });
    const b = rule([{ type: 'priority', in: ['high', 'urgent'] }], { name: 'b', position: 1 });
    const off = rule([{ type: 'priority', in: ['high'] }], { name: 'off', position: 0, enabled: false });
    const empty = rule([], { name: 'empty', op: 'and' });
    expect(evaluateAlertRules([a, b, off, empty], facts({ priority: 'high' })).map((h) => h.ruleName)).toEqual(['b', 'a']);
    expect(evaluateAlertRules([a, b], facts({ priority: 'low' }))).toEqual([]);
  });

  it('sentiment_shift: a high message earlier in the window, then the latest low', () => {
    const shift = rule([{ type: 'sentiment_shift', fromMin: 0.3, toMax: -0.3, window: 3 }]);
    expect(evaluateAlertRules([shift], facts({ scores: [0.5, 0, -0.6] }))).toHaveLength(1);
    // The high message fell out of the window.
    expect(evaluateAlertRules([shift], facts({ scores: [0.5, 0, 0, -0.6] }))).toHaveLength(0);
    // The latest is not low enough.
    expect(evaluateAlertRules([shift], facts({ scores: [0.5, -0.6, -0.1] }))).toHaveLength(0);
    // One message is no shift.
    expect(evaluateAlertRules([shift], facts({ scores: [-0.9] }))).toHaveLength(0);
    expect(evaluateAlertRules([shift], facts({ recent: [] }))).toHaveLength(0);
  });

  it('sentiment_below looks at the latest message only', () => {
    const below = rule([{ type: 'sentiment_below', maxScore: -0.5 }]);
    expect(evaluateAlertRules([below], facts({ scores: [-0.9, 0.2] }))).toHaveLength(0);
    expect(evaluateAlertRules([below], facts({ scores: [0.2, -0.5] }))).toHaveLength(1);
  });

  it('keywords match whole phrases without case or accents', () => {
    const kw = rule([{ type: 'keywords', any: ['still waiting', 'cuánto antes', 'estafa'] }]);
    const hit = (text: string) => evaluateAlertRules([kw], facts({ texts: [text] })).length === 1;
    expect(hit("I'm STILL waiting!")).toBe(true);
    expect(hit('Lo necesito cuanto antes')).toBe(true);
    expect(hit('¡Qué ESTAFA!')).toBe(true);
    expect(hit('estafador')).toBe(false);
    expect(hit('still, waiting is fine')).toBe(true); // punctuation between words does not break a phrase
    expect(hit('waiting still')).toBe(false);
  });
});

describe('autoPriority', () => {
  const ap = (text: string, over: { priority?: Priority; tags?: string[]; score?: number } = {}) =>
    autoPriority(ON, facts({ texts: [text], scores: [over.score ?? 0], priority: over.priority ?? 'normal', contactTags: over.tags ?? [] }));

  it('raises to high on one signal: urgency words (EN/ES), very negative sentiment, a VIP tag', () => {
    expect(ap('This is URGENT please')).toEqual({ priority: 'high', reasons: ['urgency word "urgent"'] });
    expect(ap('Need it asap')).toMatchObject({ priority: 'high' });
    expect(ap('Lo necesito lo antes posible')).toMatchObject({ priority: 'high', reasons: ['urgency word "lo antes posible"'] });
    expect(ap('Es urgente')).toMatchObject({ priority: 'high' });
    expect(ap('hello', { score: -0.8 })).toEqual({ priority: 'high', reasons: ['very negative sentiment (-0.8)'] });
    expect(ap('hello', { tags: ['Gold'] })).toEqual({ priority: 'high', reasons: ['VIP contact (tag Gold)'] });
  });

  it('raises to urgent on two signals', () => {
    expect(ap('EMERGENCY: water everywhere', { tags: ['vip'] })).toEqual({ priority: 'urgent', reasons: ['urgency word "emergency"', 'VIP contact (tag vip)'] });
    expect(ap('¡Emergencia!', { score: -0.7 })).toMatchObject({ priority: 'urgent' });
  });

  it('never lowers and stays quiet without signals or when off', () => {
    expect(ap('urgent', { priority: 'high' })).toBeNull();
    expect(ap('urgent', { priority: 'urgent', tags: ['vip'] })).toBeNull();
    expect(ap('urgent', { priority: 'high', tags: ['vip'] })).toMatchObject({ priority: 'urgent' });
    expect(ap('when is breakfast?')).toBeNull();
    expect(ap('an urgently-needed towel', { priority: 'low' })).toMatchObject({ priority: 'high' });
    expect(autoPriority(OFF, facts({ texts: ['URGENT'], contactTags: ['vip'] }))).toBeNull();
  });

  it('runs inside evaluateConversationAlerts on the scored messages', async () => {
    const out = await evaluateConversationAlerts(lexiconAnalyzer, [], ON, {
      channel: 'sms',
      priority: 'low',
      contactTags: [],
      slaStatus: null,
      recentCustomerTexts: ['Hi', 'This is a disaster, the apartment is flooded and nobody answers, it is an emergency!!!'],
    });
    expect(out.hits).toEqual([]);
    expect(out.priority?.priority).toBe('urgent');
    expect(out.priority?.reasons).toEqual(['urgency word "emergency"', expect.stringMatching(/^very negative sentiment/)]);
  });

  it('looks at the last five messages at most', async () => {
    const out = await evaluateConversationAlerts(lexiconAnalyzer, [], OFF, { channel: 'sms', priority: 'low', contactTags: [], slaStatus: null, recentCustomerTexts: ['1', '2', '3', '4', '5', '6', '7'] });
    expect(out.sentiment).toHaveLength(5);
    const none = await evaluateConversationAlerts(lexiconAnalyzer, ALL, ON, { channel: 'sms', priority: 'low', contactTags: [], slaStatus: null, recentCustomerTexts: [] });
    expect(none).toEqual({ sentiment: [], hits: [], priority: null });
  });
});
