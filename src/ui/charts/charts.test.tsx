import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { toDay } from '../../domain/core';
import { CoverageTimeline } from './CoverageTimeline';
import { MmeChart } from './MmeChart';

const d = (s: string) => toDay(s) as number;

describe('MmeChart', () => {
  const orders = [
    {
      reference: 'MedicationRequest/a',
      label: 'Oxycodone ER 10 mg',
      start: d('2026-01-01'),
      end: d('2026-01-30'),
      arithmetic: 'oxycodone 10 mg × 2/day = 20 mg/day × 1.5 = 30 MME/day',
    },
  ];

  it('shows an order’s arithmetic when it receives keyboard focus', async () => {
    render(
      <MmeChart
        title="Opioid dose (MME/day)"
        from={d('2026-01-01')}
        to={d('2026-03-01')}
        points={[{ day: d('2026-01-01'), mme: 30 }]}
        orders={orders}
      />,
    );
    await userEvent.tab();
    expect(document.activeElement).toBe(screen.getByRole('img', { name: /Oxycodone ER 10 mg/ }));
    expect(
      screen.getByText(
        'Oxycodone ER 10 mg: oxycodone 10 mg × 2/day = 20 mg/day × 1.5 = 30 MME/day',
      ),
    ).toBeTruthy();
  });

  it('summarises the latest value in words and counts unknown days instead of drawing them as zero', () => {
    const { container } = render(
      <MmeChart
        title="Opioid dose (MME/day)"
        from={d('2026-01-01')}
        to={d('2026-01-04')}
        points={[
          { day: d('2026-01-01'), mme: 30 },
          { day: d('2026-01-02'), mme: null },
          { day: d('2026-01-03'), mme: 60 },
        ]}
        orders={[]}
      />,
    );
    const group = screen.getByRole('group', { name: /^Opioid dose/ });
    expect(group.getAttribute('aria-label')).toContain('Latest: 60 MME/day on 3 Jan 2026');
    expect(group.getAttribute('aria-label')).toContain('MME unknown on 1 day');
    // two separate runs: the line lifts over the unknown day
    const path = container.querySelector('.chart__line')?.getAttribute('d') ?? '';
    expect(path.match(/M/g)?.length).toBe(2);
  });
});

describe('CoverageTimeline', () => {
  it('gives the same facts as a table', () => {
    render(
      <CoverageTimeline
        title="MOUD coverage, last 12 months"
        from={d('2026-01-01')}
        to={d('2026-04-01')}
        rows={[
          {
            label: 'Buprenorphine/naloxone film',
            segments: [
              {
                start: d('2026-01-01'),
                end: d('2026-01-28'),
                kind: 'covered',
                description: '28 days supplied',
              },
              {
                start: d('2026-01-29'),
                end: d('2026-02-09'),
                kind: 'gap',
                description: '12 days without medication',
              },
            ],
          },
        ]}
        markers={[{ day: d('2026-03-10'), label: 'Projected run-out' }]}
      />,
    );
    expect(screen.getByRole('img').getAttribute('aria-label')).toContain(
      '1 covered period and 1 gap',
    );
    const table = screen.getByRole('table');
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[2] as HTMLElement).getByText('Gap')).toBeTruthy();
    expect(screen.getByText('Projected run-out: 10 Mar 2026')).toBeTruthy();
  });
});
