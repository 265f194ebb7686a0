/**
 * returned-after-gap (Dana Kim): bup/nal 8/2 mg film, 28-day orders. Before:
 * 9 orders d392 … d168 → d392..d141. Gap d140..d120 (21 days). After: 5 orders
 * d119, d91, d63, d35, d7 → d119..asOf+20. Visits on order days, d150
 * cancelled, next asOf+21. Tests: d119 bup + fentanyl not detected (return
 * day, before the dose), d91 and d35 bup detected. Peer Task completed d126.
 */
import { describe, expect, it } from 'vitest';
import { scenario } from './scenario';

const { s, asOf, d, isoD } = scenario('returned-after-gap');

describe('returned-after-gap', () => {
  it('coverage: 21-day gap breaks the 8-day rule but opens no new HEDIS episode (< 31 days)', () => {
    // 9 × 28 = 252 days from d392 → d392..d141; 5 × 28 = 140 from d119 → d119..d−20.
    // Gap d140..d120 = 140 − 120 + 1 = 21 days.
    expect(s.coverage.gaps.map((g) => [g.start, g.end, g.days, g.breaksEpisode])).toEqual([
      [d(140), d(120), 21, true],
    ]);
    expect(s.coverage.segments.map((x) => [x.start, x.lastCovered, x.kind])).toEqual([
      [d(392), d(141), 'first-start'],
      [d(119), asOf + 20, 'resumed-after-gap'],
    ]);
    expect(s.coverage.currentSegment?.gapBefore).toBe(21);
    // HEDIS view: 21 < 31 MOUD-free days → still the episode that began d392.
    expect(s.coverage.hedisEpisodeStart).toBe(d(392));
    expect(s.coverage.status).toBe('covered');
    expect(s.coverage.runOutDay).toBe(asOf + 20);
    // Treatment clock restarts at d119: d119..d0 = 120 days.
    expect(s.coverage.daysInTreatment).toBe(120);
    // 90: d89..d0 all covered; 180: d179..d0 minus the 21 gap days = 159.
    expect(s.coverage.pdc.map((p) => [p.days, p.coveredDays])).toEqual([
      [90, 90],
      [180, 159],
    ]);
    // 120 days: 30 reached d119 − 29 = d90, 90 reached d30, 180 due d119 − 179 = asOf+60.
    expect(s.coverage.milestones.map((m) => [m.days, m.status, m.day])).toEqual([
      [30, 'reached', d(90)],
      [90, 'reached', d(30)],
      [180, 'in-progress', asOf + 60],
    ]);
    expect(s.coverage.continuousTreatment).toBe(false);
    // Literature (30-day rule): 21 < 30 is not a discontinuation → one run since d392 (393 days).
    expect(s.coverage.literatureView).toMatchObject({
      currentStart: d(392),
      daysSinceStart: 393,
      discontinuations: [],
    });
  });

  it('visits: missed d150 is older than 30 days; last attended d7; next asOf+21', () => {
    expect(s.visits.missed.map((v) => v.day)).toEqual([d(150)]);
    expect(s.visits.recentMissed).toEqual([]);
    expect(s.visits.daysSinceLastAttended).toBe(7);
    expect(s.visits.nextPlanned?.day).toBe(asOf + 21);
  });

  it('drug tests: the return-day "not detected" is superseded by later detections', () => {
    expect(s.drugTests.latestByAnalyte.buprenorphine).toMatchObject({
      day: d(35),
      result: 'detected',
    });
    expect(s.drugTests.signals.map((x) => [x.kind, x.day])).toEqual([
      ['buprenorphine-consistent', d(35)],
    ]);
  });

  it('engagement: medication, visits and tests good; last peer contact 126 days ago is an early warning only → Engaged', () => {
    expect(s.engagement.dimensions.medication.reasons).toEqual([
      `Buprenorphine supply covers today and lasts through ${isoD(-20)}.`,
      `120 days in treatment since ${isoD(119)}.`,
    ]);
    expect(s.engagement.dimensions.visits.level).toBe('good');
    expect(s.engagement.dimensions.tests.level).toBe('good');
    expect(s.engagement.dimensions.peer).toMatchObject({
      level: 'concern',
      reasons: ['Last peer contact 126 days ago.'],
    });
    // one concern (peer) with medication good: the "engaged" row
    expect(s.engagement.overall).toBe('Engaged');
    expect(s.engagement.rule.id).toBe('engaged');
    expect(s.engagement.code.code).toBe('engaged');
  });

  it('follow-ups: routine peer check-in in 14 days; no "return to MOUD" (restart was 119 days ago)', () => {
    expect(s.followUps.map((f) => [f.code, f.priority, f.dueDay, f.text])).toEqual([
      [
        'naloxone-needed',
        'routine',
        asOf + 7,
        'No rescue naloxone on record; recommended for everyone receiving OUD treatment.',
      ],
      ['peer-contact-gap', 'routine', asOf + 14, 'Last peer contact 126 days ago.'],
    ]);
    expect(s.failures).toEqual([]);
    expect(s.unreadable).toEqual([]);
  });
});
