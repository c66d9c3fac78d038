// The pure automation applied inside every ConversationDO commit (worker/sla/automate.ts).
import { describe, expect, it } from 'vitest';
import { usesContactTags } from '../../worker/sla/automate';

describe('automate', () => {
  it('usesContactTags: only enabled policies and paths with a contact-tag condition count', () => {
    const policy = (enabled: boolean, contactTags: string[]) => ({ enabled, conditions: { contactTags } }) as never;
    expect(usesContactTags({ policies: [policy(true, [])], paths: [] })).toBe(false);
    expect(usesContactTags({ policies: [policy(false, ['vip'])], paths: [policy(false, ['vip'])] })).toBe(false);
    expect(usesContactTags({ policies: [], paths: [policy(true, ['vip'])] })).toBe(true);
    expect(usesContactTags({ policies: [policy(true, ['VIP'])], paths: [] })).toBe(true);
  });
});
