// Business hours and holidays: the workspace calendar and each team's own (or the workspace's). One
// editor for both: time zone, several open intervals per weekday, holidays with a name and a yearly
// repeat. Routing conditions, SLA clocks, automation and the web chat widget's "we'll reply" read them.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, ApiError, errorText } from '../lib/api';
import { toast } from '../state/toast';
import { ErrorLine, Loading } from '../ui/form';
import { Icon } from '../ui/Icon';

type Interval = [string, string];
interface Holiday {
  date: string;
  name: string;
  yearly: boolean;
}
interface Calendar {
  timezone: string;
  hours: Record<string, Interval[]> | null;
  holidays: Holiday[];
}
interface TeamCalendar {
  teamId: string;
  name: string;
  calendar: Calendar | null;
}
interface Overview {
  workspace: Calendar;
  now: { open: boolean; nextOpenAt: number | null };
  teams: TeamCalendar[];
}

/** Monday first, as most calendars show a week; the API numbers days 0 (Sunday) … 6. */
const WEEK = ['1', '2', '3', '4', '5', '6', '0'];
const dayName = (d: string) => new Intl.DateTimeFormat(undefined, { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2023, 0, 1 + Number(d))));
const DEFAULT_WEEK: Record<string, Interval[]> = Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, [['09:00', '17:00']] as Interval[]]));

function timeZones(): string[] {
  const list = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return list.length ? list : ['UTC'];
}

/** A time input cannot show 24:00: midnight at the end of a day is 00:00 (an end before its start runs past midnight). */
function forInputs(cal: Calendar): Calendar {
  if (!cal.hours) return cal;
  return { ...cal, hours: Object.fromEntries(Object.entries(cal.hours).map(([d, xs]) => [d, xs.map(([a, b]) => [a, b === '24:00' ? '00:00' : b] as Interval)])) };
}

/** What a field the server named means to a person ("hours.1.0" → "Monday, the first hours"). */
function fieldWords(field: string | undefined): string {
  const m = field ? /(?:^|\.)hours\.(\d)(?:\.(\d+))?/.exec(field) : null;
  if (m) return `${dayName(m[1])}${m[2] !== undefined ? `, hours ${Number(m[2]) + 1}` : ''}`;
  const h = field ? /holidays\.(\d+)/.exec(field) : null;
  if (h) return `Holiday ${Number(h[1]) + 1}`;
  if (field?.endsWith('timezone')) return 'Time zone';
  return '';
}

export function BusinessHours() {
  const data = useSignal<Overview | null>(null);
  const error = useSignal('');
  async function load() {
    try {
      data.value = await api<Overview>('/business-hours');
    } catch (err) {
      error.value = errorText(err);
    }
  }
  useEffect(() => void load(), []);
  const d = data.value;
  return (
    <section class="settings-section">
      <header class="settings-head">
        <div>
          <h2>Business hours</h2>
          <p class="muted">When your team answers. Routing rules, SLA clocks, automations and the web chat’s “we’ll reply” message follow these hours.</p>
        </div>
      </header>
      <ErrorLine text={error.value} />
      {!d ? (
        <Loading />
      ) : (
        <>
          <p class={`bh-now ${d.now.open ? 'is-open' : 'is-closed'}`} role="status" data-testid="bh-now">
            <span class="dot" aria-hidden="true" />
            {d.now.open
              ? 'Open now.'
              : d.now.nextOpenAt
                ? `Closed now. Opens ${new Date(d.now.nextOpenAt).toLocaleString(undefined, { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone: d.workspace.timezone })} (${d.workspace.timezone.replace(/_/g, ' ')}).`
                : 'Closed, with no opening hours set.'}
          </p>
          <CalendarEditor
            key="workspace"
            title="Workspace"
            idPrefix="ws"
            initial={d.workspace}
            onSave={async (cal) => {
              await api('/business-hours', { method: 'PUT', json: cal });
              await load();
            }}
          />
          <h3 class="bh-teams-title">Teams</h3>
          {d.teams.length === 0 ? <p class="muted">No teams yet. Teams follow the workspace’s hours unless you give them their own.</p> : null}
          {d.teams.map((t) => (
            <TeamHours key={t.teamId} team={t} workspace={d.workspace} reload={load} />
          ))}
        </>
      )}
    </section>
  );
}

function TeamHours({ team, workspace, reload }: { team: TeamCalendar; workspace: Calendar; reload: () => Promise<void> }) {
  const save = async (calendar: Calendar | null) => {
    await api(`/business-hours/teams/${team.teamId}`, { method: 'PUT', json: { calendar } });
    await reload();
  };
  return (
    <div class="card bh-team">
      <div class="bh-team-head">
        <h4>{team.name}</h4>
        <label class="check-field">
          <input
            type="checkbox"
            checked={team.calendar !== null}
            onChange={async (e) => {
              try {
                await save(e.currentTarget.checked ? { ...workspace } : null);
                toast(e.currentTarget.checked ? `${team.name} has its own hours` : `${team.name} follows the workspace’s hours`, 'success');
              } catch (err) {
                toast(errorText(err), 'error');
              }
            }}
          />{' '}
          Own hours
        </label>
      </div>
      {team.calendar ? (
        <CalendarEditor key={team.teamId} title={`${team.name} hours`} idPrefix={`t-${team.teamId}`} initial={team.calendar} onSave={save} bare />
      ) : (
        <p class="muted small">Follows the workspace’s hours and holidays.</p>
      )}
    </div>
  );
}

function CalendarEditor({ title, idPrefix, initial, onSave, bare }: { title: string; idPrefix: string; initial: Calendar; onSave: (cal: Calendar) => Promise<void>; bare?: boolean }) {
  const cal = useSignal<Calendar>(forInputs(initial));
  const busy = useSignal(false);
  const problem = useSignal<{ text: string; field?: string }>({ text: '' });
  const dirty = useSignal(false);
  const set = (patch: Partial<Calendar>) => {
    cal.value = { ...cal.value, ...patch };
    dirty.value = true;
  };
  const hours = cal.value.hours;
  const setDay = (day: string, list: Interval[]) => set({ hours: { ...(hours ?? {}), [day]: list } });

  async function save(e: Event) {
    e.preventDefault();
    busy.value = true;
    problem.value = { text: '' };
    try {
      const clean = cal.value.hours ? Object.fromEntries(Object.entries(cal.value.hours).filter(([, xs]) => xs.length)) : null;
      await onSave({ ...cal.value, hours: clean, holidays: cal.value.holidays.filter((h) => h.date) });
      dirty.value = false;
      toast(`${title}: saved`, 'success');
    } catch (err) {
      const field = err instanceof ApiError ? err.errors[0]?.field : undefined;
      const where = fieldWords(field);
      const message = err instanceof ApiError && err.errors[0] ? err.errors[0].message : errorText(err);
      problem.value = { text: where ? `${where}: ${message}` : message, field };
    } finally {
      busy.value = false;
    }
  }

  const bad = (field: string) => problem.value.field === field || problem.value.field?.endsWith(`.${field}`) || undefined;
  const zones = timeZones();
  return (
    <form class={`${bare ? '' : 'card '}form bh-editor`} onSubmit={save} noValidate aria-label={title}>
      {bare ? null : <h3>{title}</h3>}
      <div class="form-row">
        <label class="field grow">
          <span>Time zone</span>
          <select value={cal.value.timezone} onChange={(e) => set({ timezone: e.currentTarget.value })} aria-invalid={bad('timezone')}>
            {(zones.includes(cal.value.timezone) ? zones : [cal.value.timezone, ...zones]).map((z) => (
              <option key={z} value={z}>
                {z.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        <label class="check-field bh-always">
          <input type="checkbox" checked={hours === null} onChange={(e) => set({ hours: e.currentTarget.checked ? null : DEFAULT_WEEK })} /> Open around the clock
        </label>
      </div>
      {hours ? (
        <table class="bh-week">
          <caption class="sr-only">Opening hours by weekday</caption>
          <tbody>
            {WEEK.map((day) => {
              const list = hours[day] ?? [];
              const name = dayName(day);
              return (
                <tr key={day}>
                  <th scope="row">{name}</th>
                  <td>
                    {list.length === 0 ? <span class="muted bh-closed">Closed</span> : null}
                    {list.map(([open, close], i) => (
                      <span key={i} class="bh-interval">
                        <input
                          type="time"
                          aria-label={`${name}, hours ${i + 1}, opens`}
                          value={open}
                          aria-invalid={bad(`hours.${day}.${i}`)}
                          onChange={(e) => setDay(day, list.map((x, j) => (j === i ? [e.currentTarget.value, x[1]] : x)))}
                        />
                        <span aria-hidden="true">–</span>
                        <input
                          type="time"
                          aria-label={`${name}, hours ${i + 1}, closes`}
                          value={close}
                          aria-invalid={bad(`hours.${day}.${i}`)}
                          onChange={(e) => setDay(day, list.map((x, j) => (j === i ? [x[0], e.currentTarget.value] : x)))}
                        />
                        <button type="button" class="btn-icon" aria-label={`Remove ${name} hours ${i + 1}`} onClick={() => setDay(day, list.filter((_, j) => j !== i))}>
                          <Icon name="x" size={14} />
                        </button>
                      </span>
                    ))}
                    <button type="button" class="btn btn-sm bh-add" onClick={() => setDay(day, [...list, list.length ? [list[list.length - 1][1], '23:00'] : ['09:00', '17:00']])} aria-label={`Add hours on ${name}`}>
                      <Icon name="plus" size={14} /> Hours
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <p class="muted">Always open: SLA clocks run around the clock and the widget never says you are away.</p>
      )}
      <fieldset class="fieldset bh-holidays">
        <legend>Holidays (closed all day)</legend>
        {cal.value.holidays.length === 0 ? <p class="muted small">No holidays.</p> : null}
        {cal.value.holidays.map((h, i) => (
          <div key={i} class="bh-holiday">
            <input type="date" aria-label={`Holiday ${i + 1}, date`} value={h.date} aria-invalid={bad(`holidays.${i}`)} onChange={(e) => set({ holidays: cal.value.holidays.map((x, j) => (j === i ? { ...x, date: e.currentTarget.value } : x)) })} />
            <input aria-label={`Holiday ${i + 1}, name`} maxLength={80} value={h.name} placeholder="Name, e.g. New Year’s Day" onInput={(e) => set({ holidays: cal.value.holidays.map((x, j) => (j === i ? { ...x, name: e.currentTarget.value } : x)) })} />
            <label class="check-field">
              <input type="checkbox" checked={h.yearly} onChange={(e) => set({ holidays: cal.value.holidays.map((x, j) => (j === i ? { ...x, yearly: e.currentTarget.checked } : x)) })} /> Every year
            </label>
            <button type="button" class="btn-icon" aria-label={`Remove holiday ${i + 1}`} onClick={() => set({ holidays: cal.value.holidays.filter((_, j) => j !== i) })}>
              <Icon name="trash" size={14} />
            </button>
          </div>
        ))}
        <button type="button" class="btn btn-sm" onClick={() => set({ holidays: [...cal.value.holidays, { date: '', name: '', yearly: false }] })}>
          <Icon name="plus" size={14} /> Add a holiday
        </button>
      </fieldset>
      <ErrorLine text={problem.value.text} />
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy.value || !dirty.value}>
          {busy.value ? 'Saving…' : `Save ${bare ? 'team hours' : 'hours'}`}
        </button>
      </div>
    </form>
  );
}
