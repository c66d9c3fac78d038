// The dashboard's charts in plain SVG (a chart library would cost more of the lazy chunk than these few
// shapes): a line chart, stacked bars and the weekday × hour grid. Each is drawn at the pixel width of
// its box (a ResizeObserver), so text stays legible on a phone, takes its colours from CSS variables
// (dark mode), and sits in a ChartFrame: a title, a description for screen readers, a legend in text,
// and a "Show as table" toggle with the same figures as a data table.
import type { ComponentChildren } from 'preact';
import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';

export interface TableData {
  columns: string[];
  rows: (string | number)[][];
}

export interface LegendItem {
  label: string;
  /** 1-based colour slot: --chart-N. */
  slot: number;
}

export function ChartFrame({ id, title, desc, legend, table, children, empty }: { id: string; title: string; desc: string; legend?: LegendItem[]; table: TableData; children: (width: number) => ComponentChildren; empty?: string | null }) {
  const asTable = useSignal(false);
  const box = useRef<HTMLDivElement>(null);
  const width = useSignal(0);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => (width.value = Math.floor(el.clientWidth));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [asTable.value]);
  return (
    <figure class="an-chart card" aria-labelledby={`${id}-title`} data-chart={id}>
      <div class="an-chart-head">
        <h3 id={`${id}-title`}>{title}</h3>
        <button type="button" class="btn btn-sm btn-ghost" aria-pressed={asTable.value} aria-controls={`${id}-body`} onClick={() => (asTable.value = !asTable.value)}>
          Show as table
        </button>
      </div>
      <p class="sr-only" id={`${id}-desc`}>
        {desc}
      </p>
      <div id={`${id}-body`}>
        {empty ? (
          <p class="an-empty muted">{empty}</p>
        ) : asTable.value ? (
          // Focusable so a keyboard can scroll a long table; named as a region for screen readers.
          <div class="mx-table-wrap an-table-wrap" tabIndex={0} role="region" aria-label={`${title}: table`}>
            <table class="mx-table">
              <caption class="sr-only">{title}</caption>
              <thead>
                <tr>
                  {table.columns.map((c) => (
                    <th scope="col" key={c}>
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {table.rows.map((r, i) => (
                  <tr key={i}>
                    {r.map((cell, j) =>
                      j === 0 ? (
                        <th scope="row" key={j}>
                          {cell}
                        </th>
                      ) : (
                        <td key={j} class="num">
                          {cell}
                        </td>
                      ),
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <>
            <div class="an-plot" ref={box}>
              {width.value > 0 ? (
                <svg width={width.value} height={HEIGHT} viewBox={`0 0 ${width.value} ${HEIGHT}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} class="an-svg">
                  {children(width.value)}
                </svg>
              ) : null}
            </div>
            {legend && legend.length ? (
              <ul class="an-legend" aria-label="Legend">
                {legend.map((l) => (
                  <li key={l.label}>
                    <span class={`an-swatch c${l.slot}`} aria-hidden="true" />
                    {l.label}
                  </li>
                ))}
              </ul>
            ) : null}
          </>
        )}
      </div>
    </figure>
  );
}

const HEIGHT = 220;
const PAD = { top: 12, right: 12, bottom: 26, left: 44 };

/** Seconds in the unit `max` reads best in, with enough decimals that the five ticks stay distinct (0.05 s, 0.1 s…). */
const UNITS: [number, string][] = [
  [86_400, 'd'],
  [3600, 'h'],
  [60, 'min'],
  [1, 's'],
];
export function axisFormat(max: number, time: boolean): (n: number) => string {
  // Counts: whole numbers unless the axis is shorter than 4.
  if (!time) return (n) => (max < 4 ? String(Math.round(n * 100) / 100) : Math.round(n).toLocaleString());
  const [size, unit] = UNITS.find(([u]) => max >= u) ?? UNITS[3];
  const step = max / size / 4;
  const decimals = step >= 1 ? 0 : step >= 0.1 ? 1 : 2;
  return (n) => (n === 0 ? '0' : `${Number((n / size).toFixed(decimals))} ${unit}`);
}

/** A round maximum in the unit a duration reads in (2 h, 25 min), not in raw seconds. */
function niceTimeMax(max: number): number {
  const [size] = UNITS.find(([u]) => max >= u) ?? UNITS[3];
  return niceMax(max / size) * size;
}

/** A round axis maximum at or above `max` (1, 2, 2.5, 5 × 10^k). */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

function Axes({ width, max, labels, time }: { width: number; max: number; labels: string[]; time: boolean }) {
  const tick = axisFormat(max, time);
  const h = HEIGHT - PAD.top - PAD.bottom;
  const w = width - PAD.left - PAD.right;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  // At most one x label per ~70 px.
  const every = Math.max(1, Math.ceil(labels.length / Math.max(1, Math.floor(w / 70))));
  const step = w / Math.max(1, labels.length);
  return (
    <g class="an-axes" aria-hidden="true">
      {ticks.map((t) => {
        const y = PAD.top + h - t * h;
        return (
          <g key={t}>
            <line x1={PAD.left} x2={width - PAD.right} y1={y} y2={y} class="an-grid" />
            <text x={PAD.left - 6} y={y + 4} text-anchor="end">
              {tick(max * t)}
            </text>
          </g>
        );
      })}
      {labels.map((l, i) =>
        i % every === 0 ? (
          <text key={i} x={PAD.left + step * i + step / 2} y={HEIGHT - 8} text-anchor="middle">
            {l}
          </text>
        ) : null,
      )}
    </g>
  );
}

/** Lines of one or more series over the same buckets (a point per bucket; null leaves a gap). */
export function LineChart({ width, labels, series, format, time = false }: { width: number; labels: string[]; series: { label: string; slot: number; values: (number | null)[] }[]; format: (n: number) => string; time?: boolean }) {
  const raw = Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const max = time ? niceTimeMax(raw) : niceMax(raw);
  const h = HEIGHT - PAD.top - PAD.bottom;
  const w = width - PAD.left - PAD.right;
  const step = w / Math.max(1, labels.length);
  const x = (i: number) => PAD.left + step * i + step / 2;
  const y = (v: number) => PAD.top + h - (v / max) * h;
  return (
    <>
      <Axes width={width} max={max} labels={labels} time={time} />
      {series.map((s) => {
        // Split at nulls so a gap is a gap, not a line through zero.
        const runs: string[][] = [[]];
        s.values.forEach((v, i) => (v === null ? runs.push([]) : runs[runs.length - 1].push(`${x(i)},${y(v)}`)));
        return (
          <g key={s.label} class={`an-series c${s.slot}`}>
            {runs.filter((r) => r.length > 1).map((r, i) => (
              <polyline key={i} points={r.join(' ')} class="an-line" />
            ))}
            {labels.length <= 45
              ? s.values.map((v, i) =>
                  v === null ? null : (
                    <circle key={i} cx={x(i)} cy={y(v)} r={3} class="an-dot">
                      <title>{`${s.label}, ${labels[i]}: ${format(v)}`}</title>
                    </circle>
                  ),
                )
              : null}
          </g>
        );
      })}
    </>
  );
}

/** Bars per bucket, one segment per series stacked in order. */
export function StackedBars({ width, labels, series, format }: { width: number; labels: string[]; series: { label: string; slot: number; values: number[] }[]; format: (n: number) => string }) {
  const totals = labels.map((_, i) => series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const h = HEIGHT - PAD.top - PAD.bottom;
  const w = width - PAD.left - PAD.right;
  const step = w / Math.max(1, labels.length);
  const bar = Math.max(2, Math.min(36, step * 0.7));
  return (
    <>
      <Axes width={width} max={max} labels={labels} time={false} />
      {labels.map((l, i) => {
        let base = 0;
        return (
          <g key={i}>
            {series.map((s) => {
              const v = s.values[i] ?? 0;
              if (!v) return null;
              const y0 = PAD.top + h - ((base + v) / max) * h;
              const hh = (v / max) * h;
              base += v;
              return (
                <rect key={s.label} class={`an-bar c${s.slot}`} x={PAD.left + step * i + (step - bar) / 2} y={y0} width={bar} height={Math.max(0, hh - 1)}>
                  <title>{`${l}, ${s.label}: ${format(v)}`}</title>
                </rect>
              );
            })}
          </g>
        );
      })}
    </>
  );
}

/** A rows × columns grid of counts, darker where there are more (the figure is also in each cell's title and the table). */
export function Heatmap({ width, rows, columns, values, format }: { width: number; rows: string[]; columns: string[]; values: number[][]; format: (n: number) => string }) {
  const left = 40;
  const top = 4;
  const bottom = 22;
  const cw = (width - left - 4) / columns.length;
  const ch = (HEIGHT - top - bottom) / rows.length;
  const max = Math.max(1, ...values.flat());
  const every = cw < 18 ? 6 : cw < 28 ? 3 : 1;
  return (
    <>
      <g class="an-axes" aria-hidden="true">
        {rows.map((r, i) => (
          <text key={r} x={left - 6} y={top + ch * i + ch / 2 + 4} text-anchor="end">
            {r.slice(0, 3)}
          </text>
        ))}
        {columns.map((c, j) =>
          j % every === 0 ? (
            <text key={c} x={left + cw * j + cw / 2} y={HEIGHT - 6} text-anchor="middle">
              {c}
            </text>
          ) : null,
        )}
      </g>
      {values.map((row, i) =>
        row.map((v, j) => (
          <rect key={`${i}-${j}`} class={v ? 'an-cell c1' : 'an-cell an-cell-zero'} x={left + cw * j + 1} y={top + ch * i + 1} width={Math.max(1, cw - 2)} height={Math.max(1, ch - 2)} rx={2} fill-opacity={v ? 0.3 + 0.7 * (v / max) : 1}>
            <title>{`${rows[i]} ${columns[j]}:00, ${format(v)}`}</title>
          </rect>
        )),
      )}
    </>
  );
}
