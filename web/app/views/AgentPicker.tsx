// The agent picker (assign menu, transfer dialog): GET /api/agents with presence, open load against
// capacity, skills and teams; a search box drives a listbox (↑ ↓ to move, Enter to pick).
import { signal, useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { api } from '../lib/api';
import { presence, presenceKnown, teamsById, type Presence } from '../state/session';
import { Avatar } from '../ui/Avatar';

/** One agent as GET /api/agents returns it (WorkspaceDO's roster). */
export interface AgentInfo {
  userId: string;
  name: string;
  role: string;
  status: Presence;
  statusSince: number;
  load: number;
  capacity: number;
  skills: string[];
  languages: string[];
  teamIds: string[];
}

export const agents = signal<AgentInfo[]>([]);
let loadedAt = 0;

/** Refresh the roster (at most every few seconds: opening the picker twice does not ask twice). */
export async function loadAgents(force = false): Promise<void> {
  if (!force && Date.now() - loadedAt < 3000) return;
  loadedAt = Date.now();
  try {
    agents.value = (await api<{ items: AgentInfo[] }>('/agents')).items;
  } catch {
    // The picker falls back to the directory list it already has.
  }
}

export const PRESENCE_LABEL: Record<Presence, string> = { online: 'Online', away: 'Away', offline: 'Offline' };

/** Live presence from the socket wins over the roster snapshot. */
export function agentPresence(a: AgentInfo): Presence {
  return presence.value[a.userId] ?? (presenceKnown.value ? 'offline' : a.status);
}

const RANK: Record<Presence, number> = { online: 0, away: 1, offline: 2 };

export function AgentPicker({ id, selected, onPick, label = 'Agents' }: { id: string; selected?: string | null; onPick: (a: AgentInfo) => void; label?: string }) {
  const query = useSignal('');
  const active = useSignal(0);
  const listRef = useRef<HTMLUListElement>(null);
  useEffect(() => {
    void loadAgents();
  }, []);
  const q = query.value.trim().toLowerCase();
  const list = agents.value
    .filter((a) => !q || a.name.toLowerCase().includes(q) || a.skills.some((s) => s.includes(q)) || a.teamIds.some((t) => teamsById.value.get(t)?.name.toLowerCase().includes(q)))
    .sort((a, b) => RANK[agentPresence(a)] - RANK[agentPresence(b)] || a.load / Math.max(1, a.capacity) - b.load / Math.max(1, b.capacity) || a.name.localeCompare(b.name));
  const at = Math.min(active.value, Math.max(0, list.length - 1));
  useEffect(() => {
    listRef.current?.querySelector(`#${id}-opt-${at}`)?.scrollIntoView({ block: 'nearest' });
  }, [at]);

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      // Ours, not the surrounding menu's.
      e.preventDefault();
      e.stopPropagation();
      if (list.length) active.value = (at + (e.key === 'ArrowDown' ? 1 : list.length - 1)) % list.length;
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (list[at]) onPick(list[at]);
    }
  }

  return (
    <div class="agent-picker">
      <label class="sr-only" for={`${id}-search`}>
        Find an agent by name, skill or team
      </label>
      <input
        id={`${id}-search`}
        class="picker-search"
        placeholder="Find an agent, skill or team…"
        value={query.value}
        autoComplete="off"
        role="combobox"
        aria-expanded="true"
        aria-controls={`${id}-list`}
        aria-activedescendant={list[at] ? `${id}-opt-${at}` : undefined}
        onInput={(e) => {
          query.value = e.currentTarget.value;
          active.value = 0;
        }}
        onKeyDown={onKeyDown}
      />
      <ul id={`${id}-list`} ref={listRef} class="agent-list" role="listbox" aria-label={label}>
        {list.map((a, i) => {
          const p = agentPresence(a);
          const full = a.capacity > 0 && a.load >= a.capacity;
          const pct = a.capacity > 0 ? Math.min(100, Math.round((a.load / a.capacity) * 100)) : 100;
          return (
            <li
              key={a.userId}
              id={`${id}-opt-${i}`}
              role="option"
              aria-selected={i === at}
              class={`agent-option${i === at ? ' active' : ''}${selected === a.userId ? ' current' : ''}`}
              data-agent={a.userId}
              onMouseDown={(e) => e.preventDefault()}
              onMouseMove={() => (active.value = i)}
              onClick={() => onPick(a)}
            >
              <Avatar name={a.name} seed={a.userId} size={28} presence={p} />
              <span class="agent-main">
                <span class="agent-name">
                  {a.name}
                  {selected === a.userId ? <span class="sr-only"> (current)</span> : null}
                </span>
                <span class="agent-meta">
                  <span class={`agent-presence presence-text-${p}`}>{PRESENCE_LABEL[p]}</span>
                  {a.teamIds.length ? <span class="agent-teams"> · {a.teamIds.map((t) => teamsById.value.get(t)?.name ?? t).join(', ')}</span> : null}
                </span>
                {a.skills.length || a.languages.length ? (
                  <span class="agent-skills">
                    {[...a.skills, ...a.languages.map((l) => `lang:${l}`)].slice(0, 6).map((s) => (
                      <span key={s} class="chip">
                        {s}
                      </span>
                    ))}
                  </span>
                ) : null}
              </span>
              <span class={`agent-load${full ? ' full' : ''}`} title={`${a.load} open of ${a.capacity} capacity`}>
                <span class="load-bar" aria-hidden="true">
                  <span style={{ width: `${pct}%` }} />
                </span>
                <span class="load-text">
                  {a.load}/{a.capacity}
                  <span class="sr-only"> conversations{full ? ', at capacity' : ''}</span>
                </span>
              </span>
            </li>
          );
        })}
      </ul>
      {list.length === 0 ? <div class="menu-note">{agents.value.length ? 'No agent matches.' : 'Loading agents…'}</div> : null}
    </div>
  );
}
