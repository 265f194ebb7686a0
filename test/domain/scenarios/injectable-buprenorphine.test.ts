/**
 * injectable-buprenorphine (Jamie Brooks): induction film 7-day orders d344,
 * d337; then ER buprenorphine injections with expectedSupplyDuration 28 days on
 * d330, d300 (300 mg), d272, d241, d211, d183, d152, d124, d94, d65, d35, d6
 * (100 mg). Injection visit each injection day, next asOf+23. Tests d94, d35:
 * buprenorphine detected (interpretation only). No peer Task.
 */
import { describe, expect, it } from 'vitest';
import { scenario } from './scenario';

const { s, asOf, d, isoD } = scenario('injectable-buprenorphine');

describe('injectable-buprenorphine', () => {
  it('coverage: film d344..d331, then 28-day injections with 1–3-day gaps that never break', () => {
    // Film: d344..d338 + d337..d331. Injections (28 days each; same product stacks when adjacent):
    // d330..d303 | gap d302..d301 (2) | d300..d273 + d272..d245 | gap d244..d242 (3) |
    // d241..d214 | gap d213..d212 (2) | d211..d184 + d183..d156 | gap d155..d153 (3) |
    // d152..d125 + d124..d97 | gap d96..d95 (2) | d94..d67 | gap d66 (1) | d65..d38 |
    // gap d37..d36 (2) | d35..d8 | gap d7 (1) | d6..d−21 (asOf+21).
    expect(s.coverage.gaps.map((g) => [g.start, g.days, g.breaksEpisode])).toEqual([
      [d(302), 2, false],
      [d(244), 3, false],
      [d(213), 2, false],
      [d(155), 3, false],
      [d(96), 2, false],
      [d(66), 1, false],
      [d(37), 2, false],
      [d(7), 1, false],
    ]);
    expect(s.coverage.status).toBe('covered');
    expect(s.coverage.segments).toHaveLength(1);
    expect(s.coverage.currentSegment).toMatchObject({ start: d(344), kind: 'first-start' });
    expect(s.coverage.runOutDay).toBe(asOf + 21);
    // d344..d0 = 345 days − (2+3+2+3+2+1+2+1 = 16) uncovered = 329.
    expect(s.coverage.daysInTreatment).toBe(329);
    // 90-day window d89..d0: gaps d66, d37..d36, d7 = 4 → 86/90.
    // 180-day window d179..d0: + d155..d153 (3) + d96..d95 (2) = 9 → 171/180.
    expect(s.coverage.pdc.map((p) => [p.days, p.coveredDays])).toEqual([
      [90, 86],
      [180, 171],
    ]);
    expect(s.coverage.continuousTreatment).toBe(true);
    expect(s.coverage.milestones.map((m) => m.status)).toEqual(['reached', 'reached', 'reached']);
    // Film and injection are different products: separate timeline rows.
    expect(s.coverage.timeline[0]).toMatchObject({
      medication: 'buprenorphine-sublingual',
      start: d(344),
      end: d(331),
    });
    expect(s.coverage.timeline.at(-1)).toMatchObject({
      medication: 'buprenorphine-er-monthly',
      form: 'injection',
      start: d(6),
      end: asOf + 21,
    });
  });

  it('MME / taper: none', () => {
    expect(s.mme.days.at(-1)?.mme).toBe(0);
    expect(s.taper.state).toBe('not-long-term');
  });

  it('visits: 12 injection visits, last d6, next asOf+23', () => {
    expect(s.visits.attended).toHaveLength(12);
    expect(s.visits.daysSinceLastAttended).toBe(6);
    expect(s.visits.nextPlanned?.day).toBe(asOf + 23);
    expect(s.visits.acuteCareFlag).toBe(false);
    expect(s.visits.followUp).toMatchObject({ rule: 'moud-maintenance', overdue: false });
  });

  it('drug tests: interpretation-only results read as detected; consistent d35', () => {
    expect(s.drugTests.results.map((r) => [r.day, r.result, r.readFrom])).toEqual([
      [d(94), 'detected', 'interpretation'],
      [d(35), 'detected', 'interpretation'],
    ]);
    // d35 is an injection day (covered d35..d8): prescribed.
    expect(s.drugTests.signals.map((x) => [x.kind, x.day])).toEqual([
      ['buprenorphine-consistent', d(35)],
    ]);
  });

  it('engagement: Engaged; peer no-data', () => {
    expect(s.engagement.dimensions.medication.reasons).toEqual([
      `Buprenorphine supply covers today and lasts through ${isoD(-21)}.`,
      `329 days in treatment since ${isoD(344)}.`,
    ]);
    expect(s.engagement.dimensions.peer.level).toBe('no-data');
    expect(s.engagement.overall).toBe('Engaged');
  });

  it('follow-ups: naloxone offer (none on record) and a routine peer introduction, due in 14 days', () => {
    expect(s.followUps.map((f) => [f.code, f.priority, f.dueDay])).toEqual([
      // MOUD on record, no rescue naloxone (bup/nal is not rescue) → routine naloxone offer in 7 days.
      ['naloxone-needed', 'routine', asOf + 7],
      ['peer-contact-gap', 'routine', asOf + 14],
    ]);
    expect(s.failures).toEqual([]);
    expect(s.unreadable).toEqual([]);
  });
});
