// Side panels of the routing page: the waiting queue (polled), the agents' presence and load, the
// default rule with workspace holidays and presence timings, and each team's assignment settings.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, errorText } from '../../lib/api';
import { contactName, relativeTime } from '../../lib/format';
import type { Team } from '../../lib/types';
import { knownItem } from '../../state/inbox';
import { teams, teamsById } from '../../state/session';
import { toast } from '../../state/toast';
import { Avatar } from '../../ui/Avatar';
import { agentPresence, agents, loadAgents, PRESENCE_LABEL } from '../../views/AgentPicker';
import { ErrorLine, FormActions, runBusyText } from '../../ui/form';
import { ActionsEditor, ListInput, ModeOptions } from './editors';
import { priorityOfRank, STEP_LABEL, type AssignmentMode, type FallbackStep, type RuleActions } from './logic';

interface QueueItem {
  conversationId: string;
  teamId: string | null;
  priorityRank: number;
  waitingSince: number;
  reason: string;
}

/** Conversations waiting for an agent, most urgent then longest waiting first; refreshed every 5 s while visible. */
export function QueuePanel() {
  const items = useSignal<QueueItem[] | null>(null);
  const error = useSignal('');
  useEffect(() => {
    let stop = false;
    const tick = async () => {
      if (document.visibilityState !== 'visible') return;
      try {
        const res = await api<{ items: QueueItem[] }>('/routing/queue');
        if (!stop) {
          items.value = res.items;
          error.value = '';
        }
      } catch (err) {
        if (!stop) error.value = errorText(err);
      }
    };
    void tick();
    const t = setInterval(tick, 5000);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, []);
  const list = items.value;
  return (
    <section class="card rt-panel" aria-labelledby="rt-queue">
      <h2 id="rt-queue">
        Waiting queue {list ? <span class="pill">{list.length}</span> : null}
      </h2>
      {error.value ? <p class="form-error">{error.value}</p> : null}
      {list === null ? <p class="muted">Loading…</p> : list.length === 0 ? <p class="muted">Nobody is waiting: every routed conversation has an agent.</p> : null}
      {list?.length ? (
        <ol class="rt-queue">
          {list.slice(0, 50).map((q) => {
            const p = priorityOfRank(q.priorityRank);
            const known = knownItem(q.conversationId);
            return (
              <li key={q.conversationId}>
                <span class={`prio-dot prio-${p}`} aria-hidden="true" />
                <a href={`/inbox/conversations/${q.conversationId}`}>{known ? contactName(known.contact) : `Conversation ${q.conversationId.slice(-6)}`}</a>
                <span class="muted">
                  {p} · {q.teamId ? (teamsById.value.get(q.teamId)?.name ?? 'a team') : 'workspace'} · waiting since {relativeTime(q.waitingSince)}
                </span>
                {q.reason ? <small class="muted rt-queue-reason">{q.reason}</small> : null}
              </li>
            );
          })}
        </ol>
      ) : null}
    </section>
  );
}

export function AgentsPanel() {
  useEffect(() => {
    void loadAgents(true);
    const t = setInterval(() => void loadAgents(true), 10_000);
    return () => clearInterval(t);
  }, []);
  return (
    <section class="card rt-panel" aria-labelledby="rt-agents">
      <h2 id="rt-agents">Agents</h2>
      <ul class="rt-agents">
        {agents.value.map((a) => {
          const p = agentPresence(a);
          const pct = a.capacity > 0 ? Math.min(100, Math.round((a.load / a.capacity) * 100)) : 100;
          return (
            <li key={a.userId}>
              <Avatar name={a.name} seed={a.userId} size={24} presence={p} />
              <span class="rt-agent-name">
                {a.name} <small class={`presence-text-${p}`}>{PRESENCE_LABEL[p]}</small>
              </span>
              <span class={`agent-load${a.load >= a.capacity ? ' full' : ''}`}>
                <span class="load-bar" aria-hidden="true">
                  <span style={{ width: `${pct}%` }} />
                </span>
                <span class="load-text">
                  {a.load}/{a.capacity}
                  <span class="sr-only"> open conversations</span>
                </span>
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export interface RoutingSettings {
  defaultRule: RuleActions | null;
  awayAfterMinutes: number;
  offlineGraceSeconds: number;
}

/** The default rule (what happens when no rule matches) and presence timings; holidays live in Settings → Business hours. */
export function DefaultPanel({ settings, onSaved, onTry }: { settings: RoutingSettings; onSaved: (s: RoutingSettings) => void; onTry: (a: RuleActions | null) => void }) {
  const on = useSignal(settings.defaultRule !== null);
  const actions = useSignal<RuleActions>(settings.defaultRule ?? { assign: true, teamId: null });
  const away = useSignal(String(settings.awayAfterMinutes));
  const grace = useSignal(String(settings.offlineGraceSeconds));
  const busy = useSignal(false);
  const error = useSignal('');
  const draft = () => (on.value ? actions.value : null);

  async function save(e: Event) {
    e.preventDefault();
    await runBusyText(busy, error, async () => {
      const res = await api<RoutingSettings>('/routing/settings', {
        method: 'PUT',
        json: { defaultRule: draft(), awayAfterMinutes: Number(away.value), offlineGraceSeconds: Math.round(Number(grace.value)) },
      });
      onSaved(res);
      toast('Routing settings saved', 'success');
    });
  }

  return (
    <form class="card form rt-panel" onSubmit={save} aria-labelledby="rt-default">
      <h2 id="rt-default">Default rule and presence</h2>
      <label class="check-field">
        <input
          type="checkbox"
          checked={on.value}
          onChange={(e) => {
            on.value = e.currentTarget.checked;
            onTry(draft());
          }}
        />
        Route conversations that no rule matches (otherwise they stay unassigned)
      </label>
      {on.value ? (
        <ActionsEditor
          a={actions.value}
          name="default"
          onChange={(a) => {
            actions.value = a;
            onTry(draft());
          }}
        />
      ) : null}
      <div class="rt-row">
        <label class="field">
          <span>Away after idle (minutes)</span>
          <input type="number" min={1} max={1440} value={away.value} onInput={(e) => (away.value = e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Offline after the last tab closes (seconds)</span>
          <input type="number" min={0} max={3600} value={grace.value} onInput={(e) => (grace.value = e.currentTarget.value)} />
        </label>
      </div>
      <p class="muted small">
        Opening hours and holidays (for business-hours conditions): <a class="inline-link" href="/settings/business-hours">Settings → Business hours</a>.
      </p>
      <ErrorLine text={error.value} />
      <FormActions submitClass="btn btn-primary btn-sm" disabled={busy.value}>
        Save default and presence
      </FormActions>
    </form>
  );
}

interface TeamRouting {
  teamId: string;
  mode: AssignmentMode;
  requiredSkills: string[];
  optionalSkills: string[];
  fallback: FallbackStep[];
  offlineRerouteSeconds: number | null;
  /** Edited in Settings → Business hours; sent back as it came. */
  calendar: Record<string, unknown> | null;
}

export function TeamsPanel() {
  return (
    <section class="rt-teams" aria-labelledby="rt-teams">
      <h2 id="rt-teams">Team assignment</h2>
      <p class="muted">How each team picks the agent, the skills it needs, what happens when nobody fits, and its business hours.</p>
      {teams.value.length === 0 ? <p class="muted">No teams yet: create them in Settings → Teams.</p> : null}
      <div class="rt-team-cards">
        {teams.value.map((t) => (
          <TeamRoutingCard key={t.id} team={t} />
        ))}
      </div>
    </section>
  );
}

const ALL_STEPS: FallbackStep[] = ['relax_optional', 'team', 'workspace'];

function TeamRoutingCard({ team }: { team: Team }) {
  const cfg = useSignal<TeamRouting | null>(null);
  const busy = useSignal(false);
  const error = useSignal('');
  useEffect(() => {
    api<TeamRouting>(`/teams/${team.id}/routing`)
      .then((r) => {
        cfg.value = r;
      })
      .catch((err) => (error.value = errorText(err)));
  }, [team.id]);
  const c = cfg.value;
  if (!c)
    return (
      <div class="card rt-team">
        <h3>{team.name}</h3>
        {error.value ? <p class="form-error">{error.value}</p> : <p class="muted">Loading…</p>}
      </div>
    );
  const set = (patch: Partial<TeamRouting>) => (cfg.value = { ...c, ...patch });
  const id = `team-${team.id}`;

  async function save(e: Event) {
    e.preventDefault();
    error.value = '';
    const { teamId: _t, ...body } = c!;
    await runBusyText(busy, error, async () => {
      cfg.value = await api<TeamRouting>(`/teams/${team.id}/routing`, { method: 'PUT', json: body });
      toast(`${team.name}: assignment settings saved`, 'success');
    });
  }

  const order = [...c.fallback, ...ALL_STEPS.filter((s) => !c.fallback.includes(s))];
  return (
    <form class="card form compact rt-team" onSubmit={save} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{team.name}</h3>
      <label class="field">
        <span>Assignment mode</span>
        <select value={c.mode} onChange={(e) => set({ mode: e.currentTarget.value as AssignmentMode })}>
          <ModeOptions />
        </select>
      </label>
      <ListInput label="Required skills" values={c.requiredSkills} onChange={(v) => set({ requiredSkills: v.map((s) => s.toLowerCase()) })} placeholder="es, billing" />
      <ListInput label="Optional skills" values={c.optionalSkills} onChange={(v) => set({ optionalSkills: v.map((s) => s.toLowerCase()) })} placeholder="vip" />
      <fieldset class="fieldset">
        <legend>Skill fallback chain (tried in order, then the queue)</legend>
        <ol class="rt-steps">
          {order.map((s, i) => {
            const included = c.fallback.includes(s);
            const at = c.fallback.indexOf(s);
            const move = (d: number) => {
              const f = [...c.fallback];
              f.splice(at, 1);
              f.splice(at + d, 0, s);
              set({ fallback: f });
            };
            return (
              <li key={s}>
                <label class="check-field">
                  <input type="checkbox" checked={included} onChange={(e) => set({ fallback: e.currentTarget.checked ? [...c.fallback, s] : c.fallback.filter((x) => x !== s) })} />
                  {STEP_LABEL[s]}
                </label>
                {included ? (
                  <span class="rt-move">
                    <button type="button" class="btn-icon tiny" aria-label={`Move “${STEP_LABEL[s]}” earlier`} disabled={at === 0} onClick={() => move(-1)}>
                      ↑
                    </button>
                    <button type="button" class="btn-icon tiny" aria-label={`Move “${STEP_LABEL[s]}” later`} disabled={at === c.fallback.length - 1} onClick={() => move(1)}>
                      ↓
                    </button>
                  </span>
                ) : null}
                <span class="sr-only">{included ? `step ${i + 1}` : 'not used'}</span>
              </li>
            );
          })}
        </ol>
      </fieldset>
      <div class="rt-row">
        <label class="field">
          <span>When an assignee goes offline</span>
          <select value={c.offlineRerouteSeconds === null ? 'keep' : 'reroute'} onChange={(e) => set({ offlineRerouteSeconds: e.currentTarget.value === 'keep' ? null : 300 })}>
            <option value="keep">Keep their conversations</option>
            <option value="reroute">Re-route them after a delay</option>
          </select>
        </label>
        {c.offlineRerouteSeconds !== null ? (
          <label class="field">
            <span>Delay (seconds)</span>
            <input type="number" min={0} max={604800} value={c.offlineRerouteSeconds} onInput={(e) => set({ offlineRerouteSeconds: Math.max(0, Math.round(Number(e.currentTarget.value) || 0)) })} />
          </label>
        ) : null}
      </div>
      <p class="muted small">
        Business hours: {c.calendar ? 'its own' : 'the workspace’s'} (<a class="inline-link" href="/settings/business-hours">change in Settings → Business hours</a>).
      </p>
      <ErrorLine text={error.value} />
      <FormActions submitClass="btn btn-sm btn-primary" disabled={busy.value}>
        Save {team.name}
      </FormActions>
    </form>
  );
}
