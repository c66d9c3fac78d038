// The activity line of a `conversation.routed` event: who got it and why, with the rule, mode,
// fallback step, candidates considered and a transfer's note behind a disclosure.
import type { RoutingDecision } from '../../../worker/routing/model';
import type { ConversationEvent } from '../lib/types';
import { MODE_LABEL, routedText } from '../messaging/routing/logic';
import { sentenceCase } from '../lib/wording';

export function routedLine(e: ConversationEvent): string {
  const who = e.actor?.type === 'system' || !e.actor?.name ? 'Parley' : e.actor.name;
  return routedText(e.data as Partial<RoutingDecision>, who);
}

export function RoutedDetails({ e }: { e: ConversationEvent }) {
  const d = e.data as Partial<RoutingDecision>;
  const c = d.candidates;
  const mode = d.mode ? (d.mode === 'direct' ? 'direct' : MODE_LABEL[d.mode]) : null;
  const excluded = Object.entries(c?.excluded ?? {});
  return (
    <>
      {d.note ? <q class="routed-note">{d.note}</q> : null}
      <details class="routed-detail">
        <summary>
          Why{c ? ` · ${c.considered} ${c.considered === 1 ? 'candidate' : 'candidates'} considered` : ''}
        </summary>
        <dl>
          {d.reason ? (
            <>
              <dt>Reason</dt>
              <dd>{d.reason}</dd>
            </>
          ) : null}
          {d.rule ? (
            <>
              <dt>Rule</dt>
              <dd>{d.rule.isDefault ? 'Default rule' : d.rule.name}</dd>
            </>
          ) : null}
          {mode ? (
            <>
              <dt>Mode</dt>
              <dd>
                {mode}
                {d.step ? ` · step: ${d.step.replace(/_/g, ' ')}` : ''}
              </dd>
            </>
          ) : null}
          {c ? (
            <>
              <dt>Candidates</dt>
              <dd>
                {c.considered} considered, {c.eligible} eligible
                {excluded.length ? `; excluded: ${excluded.map(([why, n]) => `${n} ${sentenceCase(why).toLowerCase()}`).join(', ')}` : ''}
              </dd>
            </>
          ) : null}
        </dl>
        {c?.top.length ? (
          <ul class="routed-candidates">
            {c.top.map((x) => (
              <li key={x.userId} class={x.eligible ? 'eligible' : ''}>
                <strong>{x.name}</strong> — {x.reason}
              </li>
            ))}
          </ul>
        ) : null}
      </details>
    </>
  );
}
