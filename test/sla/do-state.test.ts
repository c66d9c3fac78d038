// The state machine's part in auto-status and alerts, pure: an archived conversation accepts the
// customer whatever the reopen window and loses archivedAt when it reopens; agents clear the flag.
import { describe, expect, it } from 'vitest';
import { acceptsInbound, applyMessage, applyPatch, createConversation } from '../../worker/conversations/state';

const open = createConversation({ id: 'cnv_1', workspaceId: 'ws_1', contactId: 'ct_1', inboxId: 'inb_1', channel: 'sms' }, 1000, null).state;
const closed = { ...open, status: 'closed' as const, closedAt: 2000 };
const archived = { ...closed, archivedAt: 3000 };
const inbound = { id: 'msg_1', direction: 'inbound' as const, authorType: 'contact' as const, text: 'back again', isInternalNote: false, hasAttachments: false };

describe('archived conversations', () => {
  it('accept an inbound message whatever the reopen window; closed ones only within it', () => {
    expect(acceptsInbound(archived, 10_000_000, { reopenWindowMs: 0 })).toBe(true);
    expect(acceptsInbound(closed, 10_000_000, { reopenWindowMs: 0 })).toBe(false);
    expect(acceptsInbound(closed, 2500, { reopenWindowMs: 1000 })).toBe(true);
  });

  it('reopen on the customer message, or by hand, and stop being archived', () => {
    const t = applyMessage(archived, inbound, 5, 9000, null);
    expect(t.state).toMatchObject({ status: 'open', archivedAt: null, closedAt: null });
    expect(t.events.map((e) => e.data.reason).filter(Boolean)).toEqual(['customer_replied']);
    expect(applyPatch(archived, { status: 'open' }, 9000, null).state.archivedAt).toBeNull();
    // A change that keeps it closed keeps it archived.
    expect(applyPatch(archived, { tags: ['x'] }, 9000, null).state.archivedAt).toBe(3000);
  });
});

describe('the flag', () => {
  it('is set and cleared by a patch with a conversation.updated event; an unchanged flag is no event', () => {
    const flagged = applyPatch(open, { flagged: true }, 2000, null);
    expect(flagged.state.flagged).toBe(true);
    expect(flagged.events).toEqual([{ type: 'conversation.updated', actor: null, data: { flagged: true } }]);
    expect(applyPatch(flagged.state, { flagged: false }, 3000, null).events[0].data).toEqual({ flagged: false });
    expect(applyPatch(open, { flagged: false }, 3000, null).events).toEqual([]);
  });
});
