import { useId, useState } from 'react';
import type { DayNumber } from '../../domain/core';
import { dayScale, formatDay, monthTicks } from './scale';

export interface MmePoint {
  day: DayNumber;
  /** null = unknown for that day (never drawn as zero). */
  mme: number | null;
}

export interface MmeOrderBar {
  reference: string;
  label: string;
  start: DayNumber;
  end: DayNumber;
  /** e.g. "oxycodone 10 mg × 2/day = 20 mg/day × 1.5 = 30 MME/day" */
  arithmetic: string;
}

const WIDTH = 720;
const PLOT_H = 160;
const LEFT = 44;
const RIGHT = 12;
const BAR_H = 12;

/**
 * Daily MME over a window as a step line, with the 50 and 90 MME/day lines,
 * and each order beneath as a focusable bar whose arithmetic is shown on hover
 * or keyboard focus. A table gives the same figures in words.
 */
export function MmeChart({
  title,
  from,
  to,
  points,
  orders,
  thresholds = [50, 90],
}: {
  title: string;
  from: DayNumber;
  to: DayNumber;
  points: MmePoint[];
  orders: MmeOrderBar[];
  thresholds?: number[];
}) {
  const id = useId();
  const [active, setActive] = useState<MmeOrderBar | null>(null);
  const x = dayScale(from, to, LEFT, WIDTH - RIGHT);
  const known = points.filter((p): p is { day: number; mme: number } => p.mme !== null);
  const maxValue = Math.max(100, ...known.map((p) => p.mme), ...thresholds) * 1.1;
  const y = (v: number) => 8 + PLOT_H - (v / maxValue) * PLOT_H;
  const height = 8 + PLOT_H + 22 + orders.length * (BAR_H + 4) + 4;
  const path = stepPath(points, x, y);
  const latest = [...points].reverse().find((p) => p.day <= to);
  const unknownDays = points.filter((p) => p.mme === null).length;
  const summary =
    `${title}. ` +
    (latest
      ? `Latest: ${latest.mme === null ? 'unknown' : `${round(latest.mme)} MME/day`} on ${formatDay(latest.day)}. `
      : '') +
    `Highest: ${known.length ? round(Math.max(...known.map((p) => p.mme))) : 0} MME/day.` +
    (unknownDays ? ` MME unknown on ${unknownDays} day${unknownDays === 1 ? '' : 's'}.` : '');

  return (
    <figure className="chart" aria-labelledby={`${id}-cap`}>
      <figcaption id={`${id}-cap`}>{title}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        className="chart__svg"
        role="group"
        aria-label={summary}
      >
        {monthTicks(from, to).map((t) => (
          <g key={t.day} aria-hidden="true">
            <line x1={x(t.day)} x2={x(t.day)} y1={8} y2={8 + PLOT_H} className="chart__grid" />
            <text x={x(t.day) + 2} y={8 + PLOT_H + 14} className="chart__tick">
              {t.label}
            </text>
          </g>
        ))}
        {thresholds.map((t) => (
          <g key={t} aria-hidden="true">
            <line x1={LEFT} x2={WIDTH - RIGHT} y1={y(t)} y2={y(t)} className="chart__threshold" />
            <text x={4} y={y(t) + 4} className="chart__tick">
              {t}
            </text>
          </g>
        ))}
        <path d={path} className="chart__line" aria-hidden="true" />
        {orders.map((o, i) => (
          <rect
            key={o.reference}
            x={x(o.start)}
            width={Math.max(3, x(o.end + 1) - x(o.start))}
            y={8 + PLOT_H + 22 + i * (BAR_H + 4)}
            height={BAR_H}
            className={`chart__order${active?.reference === o.reference ? ' chart__order--active' : ''}`}
            tabIndex={0}
            role="img"
            aria-label={`${o.label}, ${formatDay(o.start)} to ${formatDay(o.end)}: ${o.arithmetic}`}
            onFocus={() => setActive(o)}
            onBlur={() => setActive(null)}
            onMouseEnter={() => setActive(o)}
            onMouseLeave={() => setActive(null)}
          />
        ))}
      </svg>
      <p className="chart__readout" aria-live="polite">
        {active
          ? `${active.label}: ${active.arithmetic}`
          : orders.length
            ? 'Hover or focus an order to see its arithmetic.'
            : ''}
      </p>
      <details className="chart__details">
        <summary>Orders and MME as a table</summary>
        <table>
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Arithmetic</th>
            </tr>
          </thead>
          <tbody>
            {orders.map((o) => (
              <tr key={o.reference}>
                <td>{o.label}</td>
                <td>{formatDay(o.start)}</td>
                <td>{formatDay(o.end)}</td>
                <td>{o.arithmetic}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

/** A step line that breaks (moves without drawing) over unknown days. */
function stepPath(points: MmePoint[], x: (d: number) => number, y: (v: number) => number): string {
  let d = '';
  let drawing = false;
  for (const p of points) {
    if (p.mme === null) {
      drawing = false;
      continue;
    }
    const px = x(p.day).toFixed(1);
    const py = y(p.mme).toFixed(1);
    d += drawing ? ` H${px} V${py}` : ` M${px} ${py}`;
    drawing = true;
  }
  return d.trim();
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
