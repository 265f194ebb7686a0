import { fromDay, type DayNumber } from '../../domain/core';

/** Maps calendar days onto an SVG x range. */
export function dayScale(from: DayNumber, to: DayNumber, x0: number, x1: number) {
  const span = Math.max(1, to - from);
  return (day: DayNumber) => x0 + ((Math.min(Math.max(day, from), to) - from) / span) * (x1 - x0);
}

/** First day of each month in the window, for axis ticks. */
export function monthTicks(from: DayNumber, to: DayNumber): { day: DayNumber; label: string }[] {
  const ticks: { day: DayNumber; label: string }[] = [];
  const start = new Date(`${fromDay(from)}T00:00:00Z`);
  const d = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  while (d.getTime() / 86_400_000 <= to) {
    ticks.push({
      day: Math.round(d.getTime() / 86_400_000),
      label: d.toLocaleDateString('en-US', { month: 'short', timeZone: 'UTC' }),
    });
    d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return ticks;
}

/** "3 Mar 2026": unambiguous for clinicians in any locale. */
export function formatDay(day: DayNumber): string {
  return new Date(day * 86_400_000).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}
