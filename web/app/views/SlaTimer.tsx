// The live SLA countdown on conversation rows and in the thread header: "12m", "2h 5m",
// "overdue 3m", green / amber / red, paused while the conversation waits. Every timer reads ONE
// shared clock signal that ticks only while some timer is mounted, and each timer re-renders only
// when its own text changes (the list may hold 10k rows; only the visible ones are mounted).
import { computed, signal } from '@preact/signals';
import { useEffect, useMemo } from 'preact/hooks';
import type { ListItem, SlaState } from '../lib/types';
import { rowSlaView, stateSlaView, type SlaView } from '../messaging/sla/countdown';
import { Icon } from '../ui/Icon';

/** The shared clock for every countdown (ms epoch), ticking each second while a timer is on screen. */
export const slaNow = signal(Date.now());
let mounted = 0;
let ticker: ReturnType<typeof setInterval> | undefined;

function retain(): () => void {
  if (mounted++ === 0) {
    slaNow.value = Date.now();
    ticker = setInterval(() => (slaNow.value = Date.now()), 1000);
  }
  return () => {
    if (--mounted === 0) {
      clearInterval(ticker);
      ticker = undefined;
    }
  };
}

function SlaBadge({ view, compact }: { view: SlaView; compact?: boolean }) {
  return (
    <span class={`sla-timer sla-${view.tone}${compact ? ' sla-compact' : ''}`} title={view.label} data-tone={view.tone}>
      <span aria-hidden="true" class="sla-face">
        {view.tone === 'paused' ? (
          <svg class="icon" width={12} height={12} viewBox="0 0 24 24" focusable="false">
            <path d="M8 5v14M16 5v14" />
          </svg>
        ) : (
          <Icon name={view.tone === 'breached' ? 'alert' : view.tone === 'met' ? 'check' : 'clock'} size={12} />
        )}
        {view.text}
      </span>
      <span class="sr-only">{view.label}</span>
    </span>
  );
}

/** A conversation row's countdown: from the projected status and earliest deadline. */
export function RowSlaTimer({ item }: { item: Pick<ListItem, 'slaStatus' | 'slaDueAt' | 'status'> }) {
  useEffect(retain, []);
  const { slaStatus, slaDueAt, status } = item;
  // A string key, so the row's timer re-renders only when what it shows changes.
  const key = useMemo(() => computed(() => JSON.stringify(rowSlaView({ slaStatus, slaDueAt, status }, slaNow.value))), [slaStatus, slaDueAt, status]);
  const view = JSON.parse(key.value) as SlaView | null;
  return view ? <SlaBadge view={view} compact /> : null;
}

/** The thread header's countdown: from the conversation's full SLA state (targets, warning times, paused clocks). */
export function ThreadSlaTimer({ sla }: { sla: SlaState | null | undefined }) {
  useEffect(retain, []);
  const key = useMemo(() => computed(() => JSON.stringify(stateSlaView(sla, slaNow.value))), [sla]);
  const view = JSON.parse(key.value) as SlaView | null;
  if (!view) return null;
  return (
    <span class="sla-head">
      <SlaBadge view={view} />
      {sla?.policyName ? <span class="sla-policy muted">{sla.policyName}</span> : null}
    </span>
  );
}
