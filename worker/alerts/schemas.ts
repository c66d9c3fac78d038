// Valibot schemas of the AI alert API (worker/alerts/routes.ts): rule bodies with every condition
// and action shape, the rule tester, the fired-alert list and POST /api/ai/sentiment.
import * as v from 'valibot';
import { PRIORITIES } from '../conversations/model';
import { Cursor, Limit, TagName } from '../http/schemas';
import { CHANNEL_KEYS } from '../inboxes/channels';
import type { AlertAction, AlertCondition } from '../sla/model';
import { ALERT_WINDOW } from '../sla/alerts';

const Score = v.pipe(v.number(), v.minValue(-1, 'must be between -1 and 1'), v.maxValue(1, 'must be between -1 and 1'));
const Phrase = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(100));
const Channel = v.picklist(CHANNEL_KEYS as unknown as string[], 'must be a channel name');
const RefId = v.pipe(v.string(), v.minLength(1), v.maxLength(100));

export const AlertConditionBody = v.variant('type', [
  v.object({ type: v.literal('sentiment_below'), maxScore: Score }),
  v.pipe(
    v.object({ type: v.literal('sentiment_shift'), fromMin: Score, toMax: Score, window: v.pipe(v.number(), v.integer(), v.minValue(2, 'must be at least 2 messages'), v.maxValue(ALERT_WINDOW, `must be at most ${ALERT_WINDOW} messages`)) }),
    v.forward(
      v.check((c) => c.toMax < c.fromMin, 'must be below fromMin (a shift goes down)'),
      ['toMax'],
    ),
  ),
  v.object({ type: v.literal('keywords'), any: v.pipe(v.array(Phrase), v.minLength(1, 'needs at least one word or phrase'), v.maxLength(100)) }),
  v.object({ type: v.literal('vip'), tags: v.pipe(v.array(TagName), v.minLength(1, 'needs at least one tag'), v.maxLength(20)) }),
  v.object({ type: v.literal('sla'), status: v.picklist(['warning', 'breached']) }),
  v.object({ type: v.literal('channel'), in: v.pipe(v.array(Channel), v.minLength(1, 'needs at least one channel'), v.maxLength(50)) }),
  v.object({ type: v.literal('priority'), in: v.pipe(v.array(v.picklist(PRIORITIES)), v.minLength(1, 'needs at least one priority')) }),
]) as v.GenericSchema<unknown, AlertCondition>;

const Recipients = v.pipe(
  v.object({
    userIds: v.optional(v.pipe(v.array(RefId), v.maxLength(50)), []),
    roles: v.optional(v.pipe(v.array(v.picklist(['manager', 'admin'])), v.maxLength(2)), []),
    assignee: v.optional(v.boolean(), false),
  }),
  v.check((r) => r.userIds.length > 0 || r.roles.length > 0 || r.assignee, 'name at least one recipient (userIds, roles or assignee)'),
);

export const AlertActionBody = v.variant('type', [
  v.object({ type: v.literal('flag') }),
  v.object({ type: v.literal('notify'), recipients: Recipients }),
  v.object({ type: v.literal('escalate'), pathId: v.optional(RefId) }),
  v.object({ type: v.literal('set_priority'), priority: v.picklist(PRIORITIES) }),
]) as v.GenericSchema<unknown, AlertAction>;

const RuleFields = {
  name: v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(120)),
  enabled: v.optional(v.boolean()),
  op: v.optional(v.picklist(['and', 'or'])),
  conditions: v.pipe(v.array(AlertConditionBody), v.minLength(1, 'a rule needs at least one condition'), v.maxLength(20)),
  actions: v.pipe(v.array(AlertActionBody), v.minLength(1, 'a rule needs at least one action'), v.maxLength(10)),
};

export const AlertRuleBody = v.object({ ...RuleFields, position: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))) });
export const AlertRulePatch = v.pipe(
  v.partial(v.object(RuleFields)),
  v.check((b) => Object.keys(b).length > 0, 'the body must change at least one field'),
);
export const AlertOrderBody = v.object({ ids: v.pipe(v.array(v.pipe(v.string(), v.maxLength(100))), v.maxLength(500)) });

const Texts = v.pipe(v.array(v.pipe(v.string(), v.maxLength(5000, 'must be at most 5000 characters'))), v.minLength(1, 'needs at least one text'), v.maxLength(20, 'at most 20 texts'));

export const AlertTestBody = v.object({
  /** A draft rule, the same shape as POST /api/ai-alerts/rules (saved or not). */
  rule: AlertRuleBody,
  /** Customer messages, oldest first; the last ALERT_WINDOW are evaluated (what a conversation's alerts see). */
  messages: Texts,
  channel: v.optional(Channel, 'webchat'),
  priority: v.optional(v.picklist(PRIORITIES), 'normal'),
  contactTags: v.optional(v.pipe(v.array(TagName), v.maxLength(50)), []),
  slaStatus: v.optional(v.nullable(v.picklist(['ok', 'warning', 'breached'])), null),
});

export const FiredAlertsQuery = v.object({ conversationId: v.optional(RefId), cursor: Cursor, limit: Limit });

export const SentimentBody = v.object({ texts: Texts });
