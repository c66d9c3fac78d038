// The keyboard shortcuts and the dialog that lists them (Ctrl/Cmd + /).
import { signal } from '@preact/signals';
import { Modal } from '../ui/Modal';

export const showShortcuts = signal(false);

// userAgentData where the browser has it (navigator.platform is deprecated), the platform string elsewhere.
const platform = (navigator as Navigator & { userAgentData?: { platform?: string } }).userAgentData?.platform || navigator.platform;
const mac = /mac|iphone|ipad/i.test(platform);
export const MOD = mac ? '⌘' : 'Ctrl';
const ALT = mac ? '⌥' : 'Alt';

const GROUPS: [string, [string, string][]][] = [
  [
    'Moving around',
    [
      ['↑ ↓  or  j k', 'Move up / down the list'],
      [`${MOD} [  or  ${MOD} ]`, 'Open the previous / next conversation'],
      ['Enter', 'Open the conversation'],
      ['Esc', 'Close the conversation, menu or dialog'],
      [`${MOD} K`, 'Search'],
      ['g i', 'Go to all conversations'],
      ['g m', 'Go to mine'],
    ],
  ],
  [
    'In a conversation',
    [
      ['R', 'Reply'],
      ['N', 'Internal note'],
      ['A', 'Assign'],
      ['S', 'Snooze'],
      ['T', 'Tags'],
      ['Shift T', 'Transfer to an agent or team'],
      ['P', 'Priority'],
      [`${MOD} Enter`, 'Send'],
      ['/', 'Insert a saved reply (in the composer)'],
      [`${MOD} 1 … 4`, 'Open · Pending · Resolve · Archive'],
      [`${ALT} 1 … 4`, 'Open · Pending · Snooze · Resolve'],
      ['D', 'Download the conversation (text)'],
    ],
  ],
  [
    'Selecting',
    [
      ['X', 'Select the conversation under the cursor'],
      ['Shift + click', 'Select a range'],
      [`${MOD} A`, 'Select all in view (in the list)'],
    ],
  ],
  ['Help', [[`${MOD} /`, 'Show this list']]],
];

export function ShortcutsDialog() {
  if (!showShortcuts.value) return null;
  return (
    <Modal title="Keyboard shortcuts" onClose={() => (showShortcuts.value = false)} wide>
      <div class="shortcut-groups">
        {GROUPS.map(([title, rows]) => (
          <section key={title}>
            <h3>{title}</h3>
            <dl class="shortcuts">
              {rows.map(([keys, what]) => (
                <div key={keys}>
                  <dt>
                    {keys.split('  or  ').map((k, i) => (
                      <span key={k}>
                        {i ? <span class="muted"> or </span> : null}
                        <kbd>{k}</kbd>
                      </span>
                    ))}
                  </dt>
                  <dd>{what}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </Modal>
  );
}
