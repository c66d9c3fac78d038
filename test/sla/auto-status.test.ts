// Auto-status rules, pure: open → pending, pending → closed (with the closing message), closed → archived.
import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../worker/conversations/model';
import { applyMessage, applyPatch, createConversation, systemActor } from '../../worker/conversations/state';
import { autoStatusTransition, nextAutoStatusAt } from '../../worker/sla/auto-status';
import { DEFAULT_AUTO_STATUS, type AutoStatusSettings } from '../../worker/sla/model';

const H = 3600_000;
const D = 24 * H;
const T0 = 1_772_600_000_000;
const settings: AutoStatusSettings = { ...DEFAULT_AUTO_STATUS, pendingAfterMs: 24 * H, autoCloseAfterMs: 3 * D, autoCloseMessage: 'Closing this for now — just reply to reopen.', archiveAfterMs: 30 * D };
const msg = (direction: 'inbound' | 'outbound' | 'internal') => ({
  id: 'm',
  direction,
  authorType: direction === 'inbound' ? ('contact' as const) : ('agent' as const),
  text: 'hi',
  isInternalNote: direction === 'internal',
  hasAttachments: false,
});
const base = () => createConversation({ id: 'cnv_1', workspaceId: 'ws_1', contactId: 'ct_1', inboxId: 'inb_1', channel: 'email' }, T0, null).state;
/** Customer wrote at T0, we answered at T0 + 1h. */
const answered = (): Conversation => applyMessage(applyMessage(base(), msg('inbound'), 1, T0, null).state, msg('outbound'), 2, T0 + H, null).state;

describe('nextAutoStatusAt', () => {
  it('open with our reply as the last word: lastActivityAt + pendingAfterMs', () => {
    expect(nextAutoStatusAt(answered(), settings)).toBe(T0 + H + 24 * H);
  });
  it('open with the customer waiting, or nothing said yet, or the rule off: never', () => {
    const waiting = applyMessage(answered(), msg('inbound'), 3, T0 + 2 * H, null).state;
    expect(nextAutoStatusAt(waiting, settings)).toBeNull();
    expect(nextAutoStatusAt(base(), settings)).toBeNull();
    expect(nextAutoStatusAt(answered(), { ...settings, pendingAfterMs: null })).toBeNull();
  });
  it('a note after our reply does not count as the customer speaking but moves the idle time', () => {
    const noted = applyMessage(answered(), msg('internal'), 3, T0 + 2 * H, null).state;
    expect(noted.waitingSince).toBeNull();
    // The last message is internal, not outbound: the rule waits for our reply to be the last word.
    expect(nextAutoStatusAt(noted, settings)).toBeNull();
  });
  it('pending: lastActivityAt + autoCloseAfterMs; closed: closedAt + archiveAfterMs; snoozed and archived: never', () => {
    const pending = applyPatch(answered(), { status: 'pending' }, T0 + 2 * H, null).state;
    expect(nextAutoStatusAt(pending, settings)).toBe(T0 + H + 3 * D);
    const closed = applyPatch(answered(), { status: 'closed' }, T0 + 5 * H, null).state;
    expect(nextAutoStatusAt(closed, settings)).toBe(T0 + 5 * H + 30 * D);
    expect(nextAutoStatusAt({ ...closed, archivedAt: T0 + 31 * D }, settings)).toBeNull();
    const snoozed = applyPatch(answered(), { status: 'snoozed', snoozeUntil: T0 + 5 * D }, T0 + 2 * H, null).state;
    expect(nextAutoStatusAt(snoozed, settings)).toBeNull();
    expect(nextAutoStatusAt(pending, DEFAULT_AUTO_STATUS)).toBeNull();
    expect(nextAutoStatusAt(closed, DEFAULT_AUTO_STATUS)).toBeNull();
  });
});

describe('autoStatusTransition', () => {
  it('not due yet: unchanged, no events', () => {
    const conv = answered();
    const r = autoStatusTransition(conv, settings, T0 + H + 24 * H - 1);
    expect(r).toEqual({ state: conv, events: [], closingMessage: null });
  });

  it('open → pending → closed (with the closing message) → archived, each at its time', () => {
    const open = answered();
    const p = autoStatusTransition(open, settings, T0 + 25 * H);
    expect(p.state).toMatchObject({ status: 'pending', updatedAt: T0 + 25 * H, lastActivityAt: T0 + H });
    expect(p.events).toEqual([{ type: 'conversation.status_changed', actor: systemActor, data: { from: 'open', to: 'pending', reason: 'auto_pending' } }]);
    expect(p.closingMessage).toBeNull();

    // Idle is measured from the last activity, not from when it went pending.
    expect(nextAutoStatusAt(p.state, settings)).toBe(T0 + H + 3 * D);
    expect(autoStatusTransition(p.state, settings, T0 + H + 3 * D - 1).events).toEqual([]);
    const c = autoStatusTransition(p.state, settings, T0 + H + 3 * D + 500);
    expect(c.state).toMatchObject({ status: 'closed', closedAt: T0 + H + 3 * D + 500 });
    expect(c.events).toEqual([{ type: 'conversation.status_changed', actor: systemActor, data: { from: 'pending', to: 'closed', reason: 'auto_close' } }]);
    expect(c.closingMessage).toBe(settings.autoCloseMessage);

    const archiveAt = T0 + H + 3 * D + 500 + 30 * D;
    expect(autoStatusTransition(c.state, settings, archiveAt - 1).events).toEqual([]);
    const a = autoStatusTransition(c.state, settings, archiveAt);
    expect(a.state).toMatchObject({ status: 'closed', archivedAt: archiveAt });
    expect(a.events).toEqual([{ type: 'conversation.updated', actor: systemActor, data: { archivedAt: archiveAt, reason: 'auto_archive' } }]);
    // Archived: nothing further, even much later.
    expect(autoStatusTransition(a.state, settings, archiveAt + 365 * D).events).toEqual([]);
  });

  it('auto-close without a configured message closes silently', () => {
    const pending = applyPatch(answered(), { status: 'pending' }, T0 + 2 * H, null).state;
    for (const autoCloseMessage of [null, '  ']) {
      const r = autoStatusTransition(pending, { ...settings, autoCloseMessage }, T0 + 10 * D);
      expect(r.state.status).toBe('closed');
      expect(r.closingMessage).toBeNull();
    }
  });

  it('a customer reply in between pushes the rule out (the conversation is waiting on us again)', () => {
    const pending = applyPatch(answered(), { status: 'pending' }, T0 + 2 * H, null).state;
    const replied = applyMessage(pending, msg('inbound'), 3, T0 + 2 * D, null).state;
    expect(replied.status).toBe('open');
    expect(autoStatusTransition(replied, settings, T0 + 10 * D).events).toEqual([]);
  });
});
