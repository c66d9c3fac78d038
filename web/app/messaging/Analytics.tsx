// /inbox/messaging/analytics: the reports dashboard over /api/analytics. The range, the filters and the
// business-hours switch live in the URL (shareable, and Back undoes a change); every request carries
// the browser's time zone, so "today" and the day buckets are the agent's own. The API scopes the
// figures: managers see the workspace, staff their own and their teams' work.
//   ?range=today|7d|30d|90d|custom&from=YYYY-MM-DD&to=YYYY-MM-DD&channel&inboxId&teamId&agentId&hours=business
import type { ComponentChildren } from 'preact';
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { channelLabel } from '../lib/format';
import { navigate, query, withParams } from '../lib/router';
import { activeUsers, channels, inboxes, isManager, teams, usersById } from '../state/session';
import { Icon } from '../ui/Icon';
import { ChartFrame, Heatmap, LineChart, StackedBars, type TableData } from './analytics/charts';
import {
  baseQuery,
  browserTz,
  bucketLabel,
  count,
  delta,
  duration,
  filtersOf,
  intervalOf,
  localDate,
  PRESETS,
  previousOf,
  queryString,
  rangeOf,
  share,
  WEEKDAYS,
  type Delta,
  type Filters,
  type Range,
} from './analytics/model';
import { PageFrame } from './sla/parts';

// ---- the API's shapes (worker/analytics/queries.ts, routes.ts) ----

interface TimeFigures {
  count: number;
  median: number | null;
  p90: number | null;
  avg: number | null;
  businessHours: { median: number | null; p90: number | null; avg: number | null };
}
interface Overview {
  conversations: { created: number; resolved: number; reopened: number; open: number };
  firstResponse: TimeFigures;
  responseTime: TimeFigures;
  resolution: TimeFigures;
  resolutionRate: number | null;
  slaCompliance: { firstResponse: number | null; resolution: number | null };
  csat: { responses: number; score: number | null; distribution: Record<string, number> };
  messages: { in: number; out: number };
}
interface Series {
  buckets: number[];
  interval: 'hour' | 'day' | 'week';
  series: { group: string | null; points: { start: number; count: number; median?: number | null }[] }[];
}
interface Distribution {
  rows: { weekday: number; hour: number; count: number }[];
}
interface Stats {
  count: number;
  median: number | null;
  p90: number | null;
}
interface AgentRow {
  agentId: string | null;
  name: string | null;
  conversations: number;
  open: number;
  resolved: number;
  firstResponse: Stats;
  responseTime: Stats;
  resolution: Stats;
  slaCompliance: { firstResponse: number | null; resolution: number | null };
  csat: { responses: number; score: number | null };
}
interface CountsAnswer {
  list: { open: number; pending: number; snoozed: number; closed: number } | null;
}

/** One request's state: null data while loading. `reload` retries after an error. */
interface Load<T> {
  data: T | null;
  error: string;
  reload: () => void;
}

/** Runs `fetcher` whenever `key` changes; an answer to an older key is dropped (a quick range change). */
function useLoad<T>(key: string, fetcher: () => Promise<T>): Load<T> {
  const data = useSignal<T | null>(null);
  const error = useSignal('');
  const tick = useSignal(0);
  useEffect(() => {
    let live = true;
    data.value = null;
    error.value = '';
    fetcher()
      .then((d) => live && (data.value = d))
      .catch((err) => live && (error.value = errorText(err)));
    return () => {
      live = false;
    };
  }, [key, tick.value]);
  return { data: data.value, error: error.value, reload: () => tick.value++ };
}

const set = (changes: Record<string, string | null>) => navigate(withParams(changes), { replace: false });

export function AnalyticsPage() {
  const params = query.value;
  const range = rangeOf(params);
  const prev = previousOf(range);
  const filters = filtersOf(params);
  const business = params.get('hours') === 'business';
  const tz = browserTz();
  const q = baseQuery(range, filters, tz);
  const key = queryString(q);
  const interval = intervalOf(range);
  const get = <T,>(path: string, extra: Record<string, string> = {}) => api<T>(`/analytics/${path}`, { query: { ...q, ...extra } });

  const overview = useLoad(key, () => get<Overview>('overview'));
  const before = useLoad(`${key}|prev`, () => get<Overview>('overview', { from: prev.from, to: prev.to }));
  const created = useLoad(`${key}|${interval}`, () => get<Series>('timeseries', { metric: 'created', interval }));
  const resolved = useLoad(`${key}|${interval}`, () => get<Series>('timeseries', { metric: 'resolved', interval }));
  const firstResponse = useLoad(`${key}|${interval}|${business}`, () => get<Series>('timeseries', { metric: 'firstResponse', interval, hours: business ? 'business' : 'wall' }));
  const byChannel = useLoad(`${key}|${interval}`, () => get<Series>('timeseries', { metric: 'created', interval, groupBy: 'channel' }));
  const peaks = useLoad(key, () => get<Distribution>('distribution', { metric: 'created', by: 'weekdayHour' }));
  const agents = useLoad(key, () => get<{ items: AgentRow[] }>('agents'));

  return (
    <PageFrame id="an" title="Analytics" intro={isManager.value ? 'How the workspace is doing: response and resolution times, volume by channel and hour, customer satisfaction and each agent’s work.' : 'Your figures and your teams’: response and resolution times, volume by channel and hour, customer satisfaction.'}>
      <InboxCards filters={filters} tz={tz} />
      <Controls range={range} filters={filters} business={business} />
      <p class="muted small an-period" aria-live="polite">
        {rangeWords(range)} compared with {rangeWords(prev)} · times in {tz}
      </p>

      <Section id="an-response" title="Response">
        <Figures load={overview} prev={before}>
          {(o, p) => {
            const pick = (t: TimeFigures, which: 'median' | 'p90') => (business ? t.businessHours[which] : t[which]);
            return (
              <>
                <Figure label="First response, median" value={duration(pick(o.firstResponse, 'median'))} d={timeDelta(pick(o.firstResponse, 'median'), p && pick(p.firstResponse, 'median'))} note={`${count(o.firstResponse.count)} first responses`} />
                <Figure label="First response, p90" value={duration(pick(o.firstResponse, 'p90'))} d={timeDelta(pick(o.firstResponse, 'p90'), p && pick(p.firstResponse, 'p90'))} note="9 in 10 answered within this" />
                <Figure label="Response time, median" value={duration(pick(o.responseTime, 'median'))} d={timeDelta(pick(o.responseTime, 'median'), p && pick(p.responseTime, 'median'))} note={`${count(o.responseTime.count)} replies to a waiting customer`} />
                <Figure label="Response time, p90" value={duration(pick(o.responseTime, 'p90'))} d={timeDelta(pick(o.responseTime, 'p90'), p && pick(p.responseTime, 'p90'))} note={business ? 'Business hours only' : 'Wall-clock time'} />
              </>
            );
          }}
        </Figures>
        <SeriesChart
          id="an-frt-chart"
          title={`First response median per ${interval}${business ? ' (business hours)' : ''}`}
          load={firstResponse}
          interval={interval}
          kind="time"
          single={{ label: 'First response median', pick: (pt) => pt.median ?? null }}
        />
      </Section>

      <Section id="an-resolution" title="Resolution">
        <Figures load={overview} prev={before}>
          {(o, p) => {
            const pick = (t: TimeFigures, which: 'median' | 'p90') => (business ? t.businessHours[which] : t[which]);
            return (
              <>
                <Figure label="Resolution time, median" value={duration(pick(o.resolution, 'median'))} d={timeDelta(pick(o.resolution, 'median'), p && pick(p.resolution, 'median'))} note={`${count(o.resolution.count)} resolved`} />
                <Figure label="Resolution time, p90" value={duration(pick(o.resolution, 'p90'))} d={timeDelta(pick(o.resolution, 'p90'), p && pick(p.resolution, 'p90'))} note="9 in 10 resolved within this" />
                <Figure label="Resolution rate" value={share(o.resolutionRate)} d={shareDelta(o.resolutionRate, p?.resolutionRate)} note="Of conversations created in the period" />
                <Figure label="SLA compliance, first response" value={share(o.slaCompliance.firstResponse)} d={shareDelta(o.slaCompliance.firstResponse, p?.slaCompliance.firstResponse)} note="Targets met of those decided" />
                <Figure label="SLA compliance, resolution" value={share(o.slaCompliance.resolution)} d={shareDelta(o.slaCompliance.resolution, p?.slaCompliance.resolution)} note="Targets met of those decided" />
              </>
            );
          }}
        </Figures>
      </Section>

      <Section id="an-volume" title="Volume and channels">
        <Figures load={overview} prev={before}>
          {(o, p) => (
            <>
              <Figure label="Conversations created" value={count(o.conversations.created)} d={countDelta(o.conversations.created, p?.conversations.created, null)} note={`${count(o.messages.in)} messages in`} />
              <Figure label="Conversations resolved" value={count(o.conversations.resolved)} d={countDelta(o.conversations.resolved, p?.conversations.resolved, true)} note={`${count(o.conversations.reopened)} reopened`} />
              <Figure label="Replies sent" value={count(o.messages.out)} d={countDelta(o.messages.out, p?.messages.out, null)} note="Messages out, not notes" />
            </>
          )}
        </Figures>
        <div class="an-charts">
          <VolumeChart created={created} resolved={resolved} interval={interval} />
          <ChannelMix load={byChannel} interval={interval} />
          <PeakHours load={peaks} />
        </div>
      </Section>

      <Section id="an-csat" title="Customer satisfaction">
        <Csat load={overview} prev={before} />
      </Section>

      <AgentsTable load={agents} />
      <Downloads q={q} interval={interval} />
    </PageFrame>
  );
}

function rangeWords(r: Range): string {
  const f = (d: string) => new Date(`${d}T12:00:00`).toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: 'numeric' });
  return r.from === r.to ? f(r.from) : `${f(r.from)} – ${f(r.to)}`;
}

// ---- the inbox cards: today and now ----

/** New and resolved today (the overview of today), open and the backlog now (the live counts). */
function InboxCards({ filters, tz }: { filters: Filters; tz: string }) {
  const today = localDate(Date.now());
  const key = queryString({ ...filters, today });
  const todays = useLoad(key, () => api<Overview>('/analytics/overview', { query: { ...baseQuery({ preset: 'today', from: today, to: today, days: 1 }, filters, tz) } }));
  const now = useLoad(key, () =>
    api<CountsAnswer>('/conversations/counts', { query: { list: 'true', channel: filters.channel, inboxId: filters.inboxId, teamId: filters.teamId, assignee: filters.agentId || undefined } }),
  );
  const cards: [string, string, string][] = [
    ['New today', todays.data ? count(todays.data.conversations.created) : '', 'Conversations created since midnight'],
    ['Resolved today', todays.data ? count(todays.data.conversations.resolved) : '', 'Closed since midnight'],
    ['Active now', now.data?.list ? count(now.data.list.open) : '', 'Open conversations'],
    ['Backlog', now.data?.list ? count(now.data.list.open + now.data.list.pending) : '', 'Open and pending, not snoozed'],
  ];
  const error = todays.error || now.error;
  return (
    <section aria-labelledby="an-inbox-title" class="mx-section">
      <h2 id="an-inbox-title" class="sr-only">
        Inbox today
      </h2>
      {error ? (
        <Failed text={`Could not load today’s figures: ${error}`} retry={() => (todays.reload(), now.reload())} />
      ) : (
        <dl class="an-cards">
          {cards.map(([label, value, note]) => (
            <div class="card an-card" key={label}>
              <dt>{label}</dt>
              <dd class="an-value" aria-busy={value === '' ? 'true' : undefined}>
                {value === '' ? <span class="sk an-sk-value" /> : value}
              </dd>
              <dd class="muted small">{note}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

// ---- controls ----

function Controls({ range, filters, business }: { range: Range; filters: Filters; business: boolean }) {
  const custom = range.preset === 'custom';
  const agentsList = activeUsers.value;
  return (
    <form class="an-controls card" aria-label="Report period and filters" onSubmit={(e) => e.preventDefault()}>
      <fieldset class="an-presets">
        <legend>Period</legend>
        <div class="an-seg">
          {PRESETS.map(([k, label]) => (
            <button
              type="button"
              key={k}
              class={`btn btn-sm${range.preset === k ? ' is-active' : ' btn-ghost'}`}
              aria-pressed={range.preset === k}
              onClick={() => set(k === 'custom' ? { range: 'custom', from: range.from, to: range.to } : { range: k === '7d' ? null : k, from: null, to: null })}
            >
              {label}
            </button>
          ))}
        </div>
        {custom ? (
          <div class="an-dates">
            <label class="field">
              <span>From</span>
              <input type="date" value={range.from} max={range.to} onChange={(e) => e.currentTarget.value && set({ from: e.currentTarget.value })} />
            </label>
            <label class="field">
              <span>To</span>
              <input type="date" value={range.to} min={range.from} max={localDate(Date.now())} onChange={(e) => e.currentTarget.value && set({ to: e.currentTarget.value })} />
            </label>
          </div>
        ) : null}
      </fieldset>
      <div class="an-filters">
        <Select label="Channel" name="channel" value={filters.channel} options={channels.value.map((c) => [c, channelLabel(c)])} all="All channels" />
        <Select label="Inbox" name="inboxId" value={filters.inboxId} options={inboxes.value.map((i) => [i.id, i.name])} all="All inboxes" />
        <Select label="Team" name="teamId" value={filters.teamId} options={teams.value.map((t) => [t.id, t.name])} all="All teams" />
        <Select label="Agent" name="agentId" value={filters.agentId} options={[['me', 'Me'], ...agentsList.map((u) => [u.id, u.name] as [string, string])]} all="All agents" />
        <label class="an-switch">
          <input type="checkbox" role="switch" checked={business} onChange={(e) => set({ hours: e.currentTarget.checked ? 'business' : null })} />
          <span>Business hours only</span>
        </label>
      </div>
    </form>
  );
}

function Select({ label, name, value, options, all }: { label: string; name: string; value: string; options: [string, string][]; all: string }) {
  return (
    <label class="field an-select">
      <span>{label}</span>
      <select name={name} value={value} onChange={(e) => set({ [name]: e.currentTarget.value || null })}>
        <option value="">{all}</option>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
}

// ---- figures ----

function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="mx-section an-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

function Failed({ text, retry }: { text: string; retry: () => void }) {
  return (
    <div class="an-error" role="alert">
      <Icon name="alert" />
      <span>{text}</span>
      <button type="button" class="btn btn-sm" onClick={retry}>
        Retry
      </button>
    </div>
  );
}

/** The cards of one dimension: skeletons while the overview loads, the error with Retry if it fails. */
function Figures({ load, prev, children }: { load: Load<Overview>; prev: Load<Overview>; children: (o: Overview, p: Overview | null) => ComponentChildren }) {
  if (load.error) return <Failed text={`Could not load the figures: ${load.error}`} retry={load.reload} />;
  if (!load.data)
    return (
      <div class="an-cards" role="status" aria-busy="true">
        <span class="sr-only">Loading figures</span>
        {[0, 1, 2, 3].map((i) => (
          <div class="card an-card" key={i}>
            <span class="sk an-sk-label" />
            <span class="sk an-sk-value" />
          </div>
        ))}
      </div>
    );
  return <dl class="an-cards">{children(load.data, prev.data)}</dl>;
}

const timeDelta = (a: number | null, b: number | null | undefined) => delta(a, b ?? null, { higherIsBetter: false, kind: 'time', format: duration });
const shareDelta = (a: number | null, b: number | null | undefined) => delta(a, b ?? null, { higherIsBetter: true, kind: 'share', format: share });
/** `better`: true when more is better, null when neither (volume): then the delta has no colour. */
const countDelta = (a: number, b: number | undefined, better: boolean | null) => {
  const d = delta(a, b ?? null, { higherIsBetter: better ?? true, kind: 'count', format: count });
  return better === null ? { ...d, good: null, said: d.said.replace(/, (better|worse)$/, '') } : d;
};

function Figure({ label, value, d, note }: { label: string; value: string; d: Delta; note?: string }) {
  return (
    <div class="card an-card">
      <dt>{label}</dt>
      <dd class="an-value">{value}</dd>
      <dd class={`an-delta${d.good === true ? ' good' : d.good === false ? ' bad' : ''}`}>
        <span aria-hidden="true">
          {d.dir === 'up' ? '▲ ' : d.dir === 'down' ? '▼ ' : ''}
          {d.text}
        </span>
        <span class="sr-only">{d.said}</span>
      </dd>
      {note ? <dd class="muted small">{note}</dd> : null}
    </div>
  );
}

// ---- charts ----

function ChartState({ load, title, children }: { load: Load<unknown>; title: string; children: () => ComponentChildren }) {
  if (load.error) return <Failed text={`Could not load “${title}”: ${load.error}`} retry={load.reload} />;
  if (!load.data)
    return (
      <div class="card an-chart an-chart-loading" role="status" aria-busy="true">
        <span class="sr-only">Loading {title}</span>
        <span class="sk an-sk-label" />
        <span class="sk an-sk-plot" />
      </div>
    );
  return <>{children()}</>;
}

function SeriesChart({ id, title, load, interval, kind, single }: { id: string; title: string; load: Load<Series>; interval: 'hour' | 'day' | 'week'; kind: 'time' | 'count'; single: { label: string; pick: (p: Series['series'][number]['points'][number]) => number | null } }) {
  return (
    <ChartState load={load} title={title}>
      {() => {
        const s = load.data!;
        const labels = s.buckets.map((b) => bucketLabel(b, interval));
        const values = s.series[0]?.points.map(single.pick) ?? [];
        const fmt = kind === 'time' ? duration : count;
        const some = values.filter((v) => v !== null) as number[];
        const table: TableData = { columns: [interval === 'hour' ? 'Hour' : interval === 'week' ? 'Week' : 'Day', single.label, 'Responses'], rows: labels.map((l, i) => [l, values[i] === null ? '—' : fmt(values[i]!), s.series[0]?.points[i]?.count ?? 0]) };
        return (
          <ChartFrame
            id={id}
            title={title}
            desc={some.length ? `Line chart over ${labels.length} ${interval}s; lowest ${fmt(Math.min(...some))}, highest ${fmt(Math.max(...some))}.` : 'No responses in this period.'}
            table={table}
            empty={some.length ? null : 'No responses in this period.'}
          >
            {(w) => <LineChart width={w} labels={labels} format={fmt} time={kind === 'time'} series={[{ label: single.label, slot: 1, values }]} />}
          </ChartFrame>
        );
      }}
    </ChartState>
  );
}

function VolumeChart({ created, resolved, interval }: { created: Load<Series>; resolved: Load<Series>; interval: 'hour' | 'day' | 'week' }) {
  const title = `Created and resolved per ${interval}`;
  const both: Load<[Series, Series]> = { data: created.data && resolved.data ? [created.data, resolved.data] : null, error: created.error || resolved.error, reload: () => (created.reload(), resolved.reload()) };
  return (
    <ChartState load={both} title={title}>
      {() => {
        const [c, r] = both.data!;
        const labels = c.buckets.map((b) => bucketLabel(b, interval));
        const cv = c.series[0]?.points.map((p) => p.count) ?? [];
        const rv = r.series[0]?.points.map((p) => p.count) ?? [];
        const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
        return (
          <ChartFrame
            id="an-volume-chart"
            title={title}
            desc={`Line chart: ${sum(cv)} conversations created and ${sum(rv)} resolved over ${labels.length} ${interval}s.`}
            legend={[
              { label: 'Created', slot: 1 },
              { label: 'Resolved', slot: 2 },
            ]}
            table={{ columns: [interval === 'hour' ? 'Hour' : interval === 'week' ? 'Week' : 'Day', 'Created', 'Resolved'], rows: labels.map((l, i) => [l, cv[i] ?? 0, rv[i] ?? 0]) }}
          >
            {(w) => (
              <LineChart
                width={w}
                labels={labels}
                format={(n) => count(Math.round(n * 10) / 10)}
                series={[
                  { label: 'Created', slot: 1, values: cv },
                  { label: 'Resolved', slot: 2, values: rv },
                ]}
              />
            )}
          </ChartFrame>
        );
      }}
    </ChartState>
  );
}

function ChannelMix({ load, interval }: { load: Load<Series>; interval: 'hour' | 'day' | 'week' }) {
  const title = `Channel mix per ${interval}`;
  return (
    <ChartState load={load} title={title}>
      {() => {
        const s = load.data!;
        const labels = s.buckets.map((b) => bucketLabel(b, interval));
        // The five busiest channels in colour, the rest together as "Other" (six colours stay distinguishable).
        const all = s.series
          .filter((x) => x.group !== null)
          .map((x) => ({ label: channelLabel(x.group!), values: x.points.map((p) => p.count) }))
          .map((x) => ({ ...x, total: x.values.reduce((a, b) => a + b, 0) }))
          .sort((a, b) => b.total - a.total);
        const top = all.slice(0, all.length > 6 ? 5 : 6);
        const rest = all.slice(top.length);
        const series = [...top, ...(rest.length ? [{ label: `Other (${rest.length} channels)`, values: labels.map((_, i) => rest.reduce((n, r) => n + (r.values[i] ?? 0), 0)), total: 0 }] : [])].map((x, i) => ({ label: x.label, slot: i + 1, values: x.values }));
        const totals = all.map((x) => `${x.label} ${x.total}`);
        return (
          <ChartFrame
            id="an-channel-chart"
            title={title}
            desc={series.length ? `Stacked bars of conversations created per ${interval} by channel. Totals: ${totals.join(', ')}.` : 'No conversations in this period.'}
            legend={series.map((x) => ({ label: x.label, slot: x.slot }))}
            table={{ columns: [interval === 'hour' ? 'Hour' : interval === 'week' ? 'Week' : 'Day', ...all.map((x) => x.label)], rows: labels.map((l, i) => [l, ...all.map((x) => x.values[i] ?? 0)]) }}
            empty={series.length ? null : 'No conversations in this period.'}
          >
            {(w) => <StackedBars width={w} labels={labels} series={series} format={(n) => count(Math.round(n * 10) / 10)} />}
          </ChartFrame>
        );
      }}
    </ChartState>
  );
}

function PeakHours({ load }: { load: Load<Distribution> }) {
  const title = 'Peak hours (conversations created)';
  return (
    <ChartState load={load} title={title}>
      {() => {
        const grid = WEEKDAYS.map((_, d) => Array.from({ length: 24 }, (_, h) => load.data!.rows.find((r) => r.weekday === d && r.hour === h)?.count ?? 0));
        // Monday first, as a working week reads.
        const order = [1, 2, 3, 4, 5, 6, 0];
        const rows = order.map((d) => WEEKDAYS[d]);
        const values = order.map((d) => grid[d]);
        const total = values.flat().reduce((a, b) => a + b, 0);
        let peak = { day: '', hour: 0, n: 0 };
        values.forEach((r, i) => r.forEach((n, h) => n > peak.n && (peak = { day: rows[i], hour: h, n })));
        const hours = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
        return (
          <ChartFrame
            id="an-peaks-chart"
            title={title}
            desc={total ? `Grid of weekdays by hour of day; darker cells had more conversations. Busiest: ${peak.day} at ${peak.hour}:00 with ${peak.n}.` : 'No conversations in this period.'}
            table={{ columns: ['Weekday', ...hours.map((h) => `${h}:00`)], rows: rows.map((r, i) => [r, ...values[i]]) }}
            empty={total ? null : 'No conversations in this period.'}
          >
            {(w) => <Heatmap width={w} rows={rows} columns={hours} values={values} format={(n) => `${n} conversation${n === 1 ? '' : 's'}`} />}
          </ChartFrame>
        );
      }}
    </ChartState>
  );
}

// ---- CSAT ----

function Csat({ load, prev }: { load: Load<Overview>; prev: Load<Overview> }) {
  if (load.error || !load.data) return <Figures load={load} prev={prev}>{() => null}</Figures>;
  const c = load.data.csat;
  if (c.responses === 0)
    return (
      <div class="card mx-empty an-csat-empty">
        <Icon name="chat" size={24} />
        <p>No CSAT responses yet</p>
        <p class="muted small">Scores appear here once customers answer the satisfaction survey sent when a conversation is resolved.</p>
      </div>
    );
  const p = prev.data?.csat;
  const dist = Object.entries(c.distribution).sort((a, b) => Number(a[0]) - Number(b[0]));
  const most = Math.max(1, ...dist.map(([, n]) => n));
  return (
    <div class="an-csat">
      <dl class="an-cards">
        <Figure label="CSAT score" value={c.score === null ? '—' : String(Math.round(c.score * 100) / 100)} d={delta(c.score, p?.score ?? null, { higherIsBetter: true, kind: 'count', format: (x) => String(Math.round(x * 100) / 100) })} note="Mean of the ratings" />
        <Figure label="Responses" value={count(c.responses)} d={countDelta(c.responses, p?.responses, null)} />
      </dl>
      <div class="card">
        <h3 class="an-h3">Ratings</h3>
        <ul class="an-dist" aria-label="Ratings distribution">
          {dist.map(([score, n]) => (
            <li key={score}>
              <span class="an-dist-label">{score}</span>
              <span class="an-dist-bar" aria-hidden="true">
                <span style={{ width: `${(n / most) * 100}%` }} />
              </span>
              <span class="an-dist-n">
                {n} <span class="sr-only">responses rated {score}</span>
              </span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

// ---- agents ----

type SortKey = 'name' | 'conversations' | 'open' | 'resolved' | 'frt' | 'rt' | 'res' | 'sla' | 'csat';
const COLUMNS: [SortKey, string, (a: AgentRow) => number | string | null][] = [
  ['name', 'Agent', (a) => agentName(a)],
  ['conversations', 'Conversations', (a) => a.conversations],
  ['open', 'Open', (a) => a.open],
  ['resolved', 'Resolved', (a) => a.resolved],
  ['frt', 'First response', (a) => a.firstResponse.median],
  ['rt', 'Response time', (a) => a.responseTime.median],
  ['res', 'Resolution', (a) => a.resolution.median],
  ['sla', 'SLA met (first response)', (a) => a.slaCompliance.firstResponse],
  ['csat', 'CSAT', (a) => a.csat.score],
];

function agentName(a: AgentRow): string {
  return a.agentId === null ? 'Unassigned' : (a.name ?? usersById.value.get(a.agentId)?.name ?? a.agentId);
}

function cell(key: SortKey, a: AgentRow): string {
  switch (key) {
    case 'frt':
      return duration(a.firstResponse.median);
    case 'rt':
      return duration(a.responseTime.median);
    case 'res':
      return duration(a.resolution.median);
    case 'sla':
      return share(a.slaCompliance.firstResponse);
    case 'csat':
      return a.csat.score === null ? '—' : `${Math.round(a.csat.score * 100) / 100} (${a.csat.responses})`;
    case 'name':
      return agentName(a);
    default:
      return count(a[key]);
  }
}

function AgentsTable({ load }: { load: Load<{ items: AgentRow[] }> }) {
  const sort = useSignal<SortKey>('conversations');
  const desc = useSignal(true);
  let body: ComponentChildren;
  if (load.error) body = <Failed text={`Could not load the agents: ${load.error}`} retry={load.reload} />;
  else if (!load.data)
    body = (
      <div class="card an-chart-loading" role="status" aria-busy="true">
        <span class="sr-only">Loading the agents</span>
        <span class="sk an-sk-label" />
        <span class="sk an-sk-plot" />
      </div>
    );
  else if (load.data.items.length === 0) body = <p class="card mx-empty">No conversations in this period.</p>;
  else {
    const get = COLUMNS.find((c) => c[0] === sort.value)![2];
    // Missing figures sort last whichever the direction.
    const rows = [...load.data.items].sort((a, b) => {
      const x = get(a);
      const y = get(b);
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
      const c = typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number);
      return desc.value ? -c : c;
    });
    body = (
      <div class="mx-table-wrap">
        <table class="mx-table an-agents">
          <caption class="sr-only">Per agent; times are medians. Sortable by each column.</caption>
          <thead>
            <tr>
              {COLUMNS.map(([k, label]) => (
                <th scope="col" key={k} aria-sort={sort.value === k ? (desc.value ? 'descending' : 'ascending') : undefined}>
                  <button
                    type="button"
                    class="an-sort"
                    onClick={() => {
                      if (sort.value === k) desc.value = !desc.value;
                      else {
                        sort.value = k;
                        desc.value = k !== 'name' && k !== 'frt' && k !== 'rt' && k !== 'res' ? true : false;
                      }
                    }}
                  >
                    {label}
                    <span aria-hidden="true" class="an-sort-mark">
                      {sort.value === k ? (desc.value ? '\u00a0▼' : '\u00a0▲') : ''}
                    </span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.agentId ?? ''} data-agent={a.agentId ?? ''}>
                {COLUMNS.map(([k]) =>
                  k === 'name' ? (
                    <th scope="row" key={k}>
                      {cell(k, a)}
                    </th>
                  ) : (
                    <td key={k} class="num">
                      {cell(k, a)}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  return (
    <section class="mx-section an-section" aria-labelledby="an-agents-title">
      <h2 id="an-agents-title">Agents</h2>
      <p class="muted small">Conversations by their handling agent; times are medians. Choose a column heading to sort.</p>
      {body}
    </section>
  );
}

// ---- downloads ----

function Downloads({ q, interval }: { q: Record<string, string>; interval: string }) {
  const href = (extra: Record<string, string>) => `/api/analytics/export.csv?${queryString({ ...q, ...extra })}`;
  const links: [string, Record<string, string>][] = [
    ['Conversations', { report: 'conversations' }],
    ['Agents', { report: 'agents' }],
    ['Overview', { report: 'overview' }],
    ['Created per channel', { report: 'timeseries', metric: 'created', interval, groupBy: 'channel' }],
  ];
  return (
    <section class="mx-section an-section" aria-labelledby="an-export-title">
      <h2 id="an-export-title">Download</h2>
      <p class="muted small">CSV files with the period and filters above.</p>
      <ul class="an-downloads">
        {links.map(([label, extra]) => (
          <li key={label}>
            <a class="btn btn-sm" href={href(extra)} download data-report={extra.report}>
              <Icon name="download" />
              {label} (CSV)
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
