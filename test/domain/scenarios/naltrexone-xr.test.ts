/**
 * naltrexone-xr (Chris Walker): XR naltrexone 380 mg (637213) with
 * expectedSupplyDuration 28 days on d198, d170, d141, d113, d85, d57, d29, d1
 * (reason OUD). Visit every injection day, next asOf+27. Tests d85, d1: opiates
 * and fentanyl not detected (LOINC-answer shape). No peer Task.
 */
import { describe, expect, it } from 'vitest';
import { scenario } from './scenario';

const { s, asOf, d, isoD } = scenario('naltrexone-xr');

describe('naltrexone-xr', () => {
  it('classification: XR naltrexone is MOUD (31-day default not needed: 28 days given)', () => {
    expect(s.orders).toHaveLength(8);
    for (const o of s.orders) expect(o.moudProduct).toBe('naltrexone-xr');
    expect(s.coverage.timeline.every((t) => t.form === 'injection')).toBe(true);
  });

  it('coverage: one 1-day gap (d142), continuous d198 .. asOf+26', () => {
    // d198..d171 + d170..d143 (stacked) | d142 uncovered | d141..d114 + d113..d86 + d85..d58
    // + d57..d30 + d29..d2 + d1..d−26.
    expect(s.coverage.gaps.map((g) => [g.start, g.end, g.breaksEpisode])).toEqual([
      [d(142), d(142), false],
    ]);
    expect(s.coverage.currentSegment?.start).toBe(d(198));
    expect(s.coverage.runOutDay).toBe(asOf + 26);
    // d198..d0 = 199 days − 1 = 198.
    expect(s.coverage.daysInTreatment).toBe(198);
    // 90: d89..d0 all covered; 180: d179..d0 minus d142 = 179.
    expect(s.coverage.pdc.map((p) => [p.days, p.coveredDays])).toEqual([
      [90, 90],
      [180, 179],
    ]);
    // 199 calendar days ≥ 180 without an 8-day gap: continuous; 180 reached on d198 + 179 = d19.
    expect(s.coverage.continuousTreatment).toBe(true);
    expect(s.coverage.milestones.map((m) => [m.status, m.day])).toEqual([
      ['reached', d(169)],
      ['reached', d(109)],
      ['reached', d(19)],
    ]);
  });

  it('visits and tests', () => {
    expect(s.visits.attended).toHaveLength(8);
    expect(s.visits.daysSinceLastAttended).toBe(1);
    expect(s.visits.nextPlanned?.day).toBe(asOf + 27);
    expect(s.drugTests.results).toHaveLength(4);
    expect(s.drugTests.results.every((r) => r.result === 'not-detected')).toBe(true);
    // No buprenorphine prescribed and nothing detected: no signal.
    expect(s.drugTests.signals).toEqual([]);
  });

  it('engagement: Engaged; follow-up: routine peer introduction', () => {
    expect(s.engagement.dimensions.medication.reasons).toEqual([
      `Naltrexone supply covers today and lasts through ${isoD(-26)}.`,
      `198 days in treatment since ${isoD(198)}.`,
    ]);
    expect(s.engagement.dimensions.tests.reasons).toEqual(['Last urine drug test 1 day ago.']);
    expect(s.engagement.overall).toBe('Engaged');
    expect(s.taper.state).toBe('not-long-term');
    // OUD treatment with no rescue naloxone on record: naloxone is still recommended
    // (tolerance is low on naltrexone) → no-naloxone flag and a routine offer.
    expect(s.safety.flags.map((f) => [f.kind, f.text])).toEqual([
      [
        'no-naloxone',
        'No rescue naloxone on record; recommended for everyone receiving OUD treatment.',
      ],
    ]);
    expect(s.followUps.map((f) => [f.code, f.priority, f.dueDay])).toEqual([
      ['naloxone-needed', 'routine', asOf + 7],
      ['peer-contact-gap', 'routine', asOf + 14],
    ]);
    expect(s.failures).toEqual([]);
    expect(s.unreadable).toEqual([]);
  });
});
