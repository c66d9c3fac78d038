// The workflow editor's pure core (web/app/messaging/workflows/model.ts): edits of the step tree by
// JSON pointer, and which of the server's pointer-named errors belong to which node.
import { describe, expect, it } from 'vitest';
import { at, editList, moveStep, newStep, ownErrors, listErrors, pointerWords, replaceAt, triggerWords, type WorkflowDoc } from '../../web/app/messaging/workflows/model';

const doc = (): WorkflowDoc => ({
  name: 'w',
  enabled: true,
  trigger: { type: 'tag.applied', tag: 'vip' },
  steps: [
    { type: 'if', when: { all: [{ field: 'conversation.tags', op: 'contains', value: 'vip' }] }, then: [newStep('add_tag'), newStep('set_priority')] },
    newStep('wait'),
  ],
});

describe('workflow editor model', () => {
  it('reads and edits nested step lists by pointer, never mutating the input', () => {
    const d = doc();
    const before = JSON.stringify(d);
    const next = editList(d, '/steps/0/then', (l) => l.splice(1, 0, newStep('add_note')));
    expect((at(next, '/steps/0/then') as unknown[]).length).toBe(3);
    expect(at(next, '/steps/0/then/1/action')).toBe('add_note');
    expect(JSON.stringify(d)).toBe(before);
    const removed = replaceAt(next, '/steps/0/then/0', undefined);
    expect(at(removed, '/steps/0/then/0/action')).toBe('add_note');
    const replaced = replaceAt(d, '/steps/0/when', { any: [{ field: 'time.businessHours', op: 'eq', value: true }] });
    expect(at(replaced, '/steps/0/when/any/0/field')).toBe('time.businessHours');
  });

  it('moves a step within its list and stops at the ends', () => {
    const d = doc();
    const down = moveStep(d, '/steps/0/then', 0, 1);
    expect(down.index).toBe(1);
    expect(at(down.doc, '/steps/0/then/0/action')).toBe('set_priority');
    const stuck = moveStep(d, '/steps', 0, -1);
    expect(stuck.index).toBe(0);
    expect(stuck.doc).toBe(d);
  });

  it("gives each node its own errors, not its nested steps' ones", () => {
    const errors = [
      { field: '/steps/0/when/all/0/value', message: 'is required' },
      { field: '/steps/0/then/1/params/priority', message: 'bad' },
      { field: '/steps/0/else', message: 'an empty branch does nothing' },
      { field: '/steps/1/seconds', message: 'too long' },
    ];
    expect(ownErrors(errors, '/steps/0').map((e) => e.field)).toEqual(['/steps/0/when/all/0/value']);
    expect(ownErrors(errors, '/steps/0/then/1').map((e) => e.field)).toEqual(['/steps/0/then/1/params/priority']);
    expect(ownErrors(errors, '/steps/1').map((e) => e.field)).toEqual(['/steps/1/seconds']);
    expect(listErrors(errors, '/steps/0/else')).toHaveLength(1);
    // '/steps/1' is not a prefix of '/steps/10'.
    expect(ownErrors([{ field: '/steps/10/seconds', message: 'x' }], '/steps/1')).toEqual([]);
  });

  it('words pointers and triggers for people', () => {
    expect(pointerWords('/steps/0/then/1', doc())).toBe('Step 1 › then › 2 (Set priority)');
    expect(pointerWords('/steps/2/branches/1/0#if')).toBe('Step 3 › branch 2 › 1');
    expect(triggerWords({ type: 'tag.applied', tag: 'vip' })).toBe('The tag “vip” is applied');
    expect(triggerWords({ type: 'message.received', channels: ['whatsapp'] })).toBe('A customer sends a message (whatsapp)');
    expect(triggerWords({ type: 'conversation.status_changed', to: 'closed' })).toBe('A conversation becomes closed');
  });
});
