// A status shown as a small coloured chip: one shape everywhere (workflow runs, webhook deliveries,
// templates, broadcasts and their recipients); the colour says what kind of state it is, not which
// feature it belongs to: ok (done well), wait (held up), bad (failed), live (in progress), info
// (planned), muted (nothing happening).
import type { ComponentChildren } from 'preact';

export type Tone = 'ok' | 'wait' | 'bad' | 'live' | 'info' | 'muted';

export function StateChip({ tone, class: cls, children }: { tone: Tone; class?: string; children: ComponentChildren }) {
  return <span class={`state-chip tone-${tone}${cls ? ` ${cls}` : ''}`}>{children}</span>;
}
