import { useId } from 'react';
import type { DayNumber } from '../../domain/core';
import { dayScale, formatDay, monthTicks } from './scale';

type SegmentKind = 'covered' | 'injection' | 'implant' | 'gap';

export interface TimelineSegment {
  start: DayNumber;
  /** Inclusive last day. */
  end: DayNumber;
  kind: SegmentKind;
  /** What a person reads on focus and in the table. */
  description: string;
}

export interface TimelineRow {
  label: string;
  segments: TimelineSegment[];
}

export interface TimelineMarker {
  day: DayNumber;
  label: string;
}

const KIND_LABEL: Record<SegmentKind, string> = {
  covered: 'Covered',
  injection: 'Covered by injection',
  implant: 'Covered by implant',
  gap: 'Gap',
};

const WIDTH = 720;
const ROW = 26;
const LEFT = 150;
const RIGHT = 12;

/**
 * MOUD coverage over a window: one row per medication, gaps marked, with
 * markers such as the projected run-out. The SVG is a picture; the table
 * beneath it says the same thing in words, for screen readers and printing.
 */
export function CoverageTimeline({
  title,
  from,
  to,
  rows,
  markers = [],
}: {
  title: string;
  from: DayNumber;
  to: DayNumber;
  rows: TimelineRow[];
  markers?: TimelineMarker[];
}) {
  const id = useId();
  const x = dayScale(from, to, LEFT, WIDTH - RIGHT);
  const labels = placeMarkerLabels(markers, x);
  const top = 12 * labels.lanes;
  const height = top + Math.max(1, rows.length) * ROW + 34;
  const covered = rows.flatMap((r) => r.segments).filter((s) => s.kind !== 'gap');
  const gaps = rows.flatMap((r) => r.segments).filter((s) => s.kind === 'gap');
  const summary = `${title}: ${covered.length} covered period${covered.length === 1 ? '' : 's'} and ${gaps.length} gap${gaps.length === 1 ? '' : 's'} between ${formatDay(from)} and ${formatDay(to)}.`;

  return (
    <figure className="chart" aria-labelledby={`${id}-cap`}>
      <figcaption id={`${id}-cap`}>{title}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="img"
        aria-label={summary}
        className="chart__svg"
      >
        {monthTicks(from, to).map((t) => (
          <g key={t.day}>
            <line x1={x(t.day)} x2={x(t.day)} y1={top} y2={height - 20} className="chart__grid" />
            <text x={x(t.day) + 2} y={height - 6} className="chart__tick">
              {t.label}
            </text>
          </g>
        ))}
        {rows.map((row, i) => (
          <g key={row.label} transform={`translate(0 ${top + i * ROW + 4})`}>
            <text x={4} y={ROW / 2 + 4} className="chart__label">
              {row.label}
            </text>
            {row.segments.map((s) => (
              <rect
                key={`${s.kind}-${s.start}`}
                x={x(s.start)}
                width={Math.max(2, x(s.end + 1) - x(s.start))}
                y={4}
                height={ROW - 10}
                className={`chart__seg chart__seg--${s.kind}`}
              >
                <title>{s.description}</title>
              </rect>
            ))}
          </g>
        ))}
        {labels.placed.map(({ marker: m, lane, anchor }) => (
          <g key={m.label}>
            <line
              x1={x(m.day)}
              x2={x(m.day)}
              y1={lane * 12 + 2}
              y2={height - 20}
              className="chart__marker"
            />
            <text
              x={x(m.day) + (anchor === 'start' ? 3 : -3)}
              y={lane * 12 + 10}
              textAnchor={anchor}
              className="chart__marker-label"
            >
              {m.label}
            </text>
          </g>
        ))}
      </svg>
      <details className="chart__details">
        <summary>Coverage as a table</summary>
        <table>
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Medication</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Kind</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {rows.flatMap((row) =>
              row.segments.map((s) => (
                <tr key={`${row.label}-${s.kind}-${s.start}`}>
                  <td>{row.label}</td>
                  <td>{formatDay(s.start)}</td>
                  <td>{formatDay(s.end)}</td>
                  <td>{KIND_LABEL[s.kind]}</td>
                  <td>{s.description}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
        {markers.length > 0 && (
          <ul>
            {markers.map((m) => (
              <li key={m.label}>
                {m.label}: {formatDay(m.day)}
              </li>
            ))}
          </ul>
        )}
      </details>
    </figure>
  );
}

/**
 * Marker labels sit above the rows, each in the first lane where it does not
 * overlap an earlier one ("Today" and "Run-out" are often days apart), and
 * point left when they would run off the right edge.
 */
function placeMarkerLabels(markers: TimelineMarker[], x: (day: DayNumber) => number) {
  const CHAR_W = 6;
  const lanesEnd: number[] = [];
  const placed = [...markers]
    .sort((a, b) => a.day - b.day)
    .map((marker) => {
      const width = marker.label.length * CHAR_W + 6;
      const anchor: 'start' | 'end' = x(marker.day) + width > WIDTH - RIGHT ? 'end' : 'start';
      const left = anchor === 'start' ? x(marker.day) : x(marker.day) - width;
      let lane = lanesEnd.findIndex((end) => end < left);
      if (lane === -1) lane = lanesEnd.length;
      lanesEnd[lane] = left + width;
      return { marker, lane, anchor };
    });
  return { placed, lanes: Math.max(1, lanesEnd.length) };
}
