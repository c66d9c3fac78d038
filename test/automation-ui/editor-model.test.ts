// The workflow editor's pure core (web/app/messaging/workflows/model.ts): edits of the step tree by
// JSON pointer, and which of the server's pointer-named errors belong to which node.
import { describe, expect, it } from 'vitest';
import { ACTION_TYPES } from '../../worker/automation/document';
import { ACTION_LABEL, at, dropStep, editList, moveStep, runVars, newStep, ownErrors, listErrors, pointerWords, replaceAt, triggerWords, type WorkflowDoc } from '../../web/app/messaging/workflows/model';

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

  it('offers every action the server knows', () => {
    for (const a of ACTION_TYPES) expect(ACTION_LABEL[a as keyof typeof ACTION_LABEL], a).toBeTruthy();
  });

  it('drops a dragged step into the gap before the indicator, within its list', () => {
    const d: WorkflowDoc = { ...doc(), steps: [newStep('add_tag'), newStep('set_priority'), newStep('add_note'), newStep('wait')] };
    const kinds = (x: WorkflowDoc) => x.steps.map((s) => (s.type === 'action' ? s.action : s.type));
    // The first step dragged into the gap after the third: it becomes the third.
    const down = dropStep(d, '/steps', 0, 3);
    expect(kinds(down.doc)).toEqual(['set_priority', 'add_note', 'add_tag', 'wait']);
    expect(down.index).toBe(2);
    // The last step dragged to the very top.
    const up = dropStep(d, '/steps', 3, 0);
    expect(kinds(up.doc)).toEqual(['wait', 'add_tag', 'set_priority', 'add_note']);
    expect(up.index).toBe(0);
    // Dropped just above or below itself: nothing moves, the same document comes back.
    expect(dropStep(d, '/steps', 1, 1).doc).toBe(d);
    expect(dropStep(d, '/steps', 1, 2).doc).toBe(d);
    expect(dropStep(d, '/steps', 1, 9).doc).toBe(d);
    // Nested lists move the same way.
    const nested = dropStep(doc(), '/steps/0/then', 1, 0);
    expect(at(nested.doc, '/steps/0/then/0/action')).toBe('set_priority');
  });

  it('lists the answers a condition can branch on: each ask by name, and whether the knowledge base answered', () => {
    const d: WorkflowDoc = {
      ...doc(),
      steps: [
        { type: 'action', action: 'ask', params: { name: 'topic', text: 'What is it about?', options: ['Billing', 'Shipping', ''] } },
        { type: 'if', when: { all: [{ field: 'vars.topic', op: 'eq', value: 'Billing' }] }, then: [{ type: 'action', action: 'answer_from_knowledge', params: { threshold: 0.7 } }] },
        { type: 'action', action: 'ask', params: { name: 'mail', text: 'Your e-mail?', validate: 'email' } },
        { type: 'action', action: 'ask', params: { name: '9bad', text: 'x' } },
      ],
    };
    expect(runVars(d)).toEqual([
      { field: 'vars.topic', label: 'Answer to “What is it about?”', options: ['Billing', 'Shipping'] },
      { field: 'vars.answered', label: 'The knowledge base answered', yesNo: true },
      { field: 'vars.mail', label: 'Answer to “Your e-mail?”', options: undefined },
    ]);
  });
});
