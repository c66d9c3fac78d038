// The pure rules behind notifications: when repeats fold, and how stored preferences meet the defaults.
import { describe, expect, it } from 'vitest';
import { DEDUPE_WINDOW_MS, foldsInto } from '../../worker/notifications/dedupe';
import { mentionProblems } from '../../worker/notifications/mentions';
import { defaultPreferences, preferenceKind, wants, withDefaults } from '../../worker/notifications/preferences';

describe('folding repeats', () => {
  const prev = { kind: 'customer_replied', conversationId: 'cnv_1', at: 1_000, readAt: null };
  it('folds the same kind about the same conversation within the window, while unread', () => {
    expect(foldsInto(prev, { kind: 'customer_replied', conversationId: 'cnv_1', at: 1_000 + DEDUPE_WINDOW_MS - 1 })).toBe(true);
    expect(foldsInto(prev, { kind: 'customer_replied', conversationId: 'cnv_1', at: 1_000 + DEDUPE_WINDOW_MS })).toBe(false);
    expect(foldsInto(prev, { kind: 'mention', conversationId: 'cnv_1', at: 2_000 })).toBe(false);
    expect(foldsInto(prev, { kind: 'customer_replied', conversationId: 'cnv_2', at: 2_000 })).toBe(false);
    expect(foldsInto({ ...prev, readAt: 1_500 }, { kind: 'customer_replied', conversationId: 'cnv_1', at: 2_000 })).toBe(false);
    expect(foldsInto({ ...prev, conversationId: null }, { kind: 'customer_replied', conversationId: null, at: 2_000 })).toBe(false);
  });
});

describe('preferences', () => {
  it('stored values over the defaults; unknown keys and non-booleans dropped', () => {
    const p = withDefaults({ mention: { email: true, sound: 'loud' as unknown as boolean }, gossip: { in_app: true } });
    expect(p.mention.email).toBe(true);
    expect(p.mention.sound).toBe(defaultPreferences().mention.sound);
    expect(Object.keys(p)).toEqual(['new_conversation', 'assigned', 'customer_replied', 'mention', 'sla_warning', 'escalation']);
  });
  it('AI alerts follow the escalation row; kinds outside the table reach the app only', () => {
    const p = withDefaults({ escalation: { in_app: false } });
    expect(preferenceKind('alert')).toBe('escalation');
    expect(wants(p, 'alert', 'in_app')).toBe(false);
    expect(wants(p, 'followup', 'in_app')).toBe(true);
    expect(wants(p, 'followup', 'email')).toBe(false);
  });
});

describe('mention problems', () => {
  it('names the field of each mention that is no agent here or cannot see the conversation', () => {
    const people = [
      { id: 'usr_a', name: 'Ann', avatarUrl: null, canSee: true },
      { id: 'usr_b', name: 'Ben', avatarUrl: null, canSee: false },
    ];
    expect(mentionProblems(['usr_a', 'usr_b', 'usr_x'], people)).toEqual([
      { field: 'mentions.1', message: 'Ben cannot see this conversation' },
      { field: 'mentions.2', message: 'is not an agent of this workspace' },
    ]);
  });
});
