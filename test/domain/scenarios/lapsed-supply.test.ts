/**
 * lapsed-supply (Sam Chen): buprenorphine/naloxone 12/3 mg film, 28-day orders
 * every 28 days from d233 to d37 (d = days before asOf), contiguous d233..d10.
 * Last attended visit d35, visit d9 cancelled, no future visit; buprenorphine
 * detected d65 and d37; one open (requested) peer Task authored d1.
 */
import { describe, expect, it } from 'vitest';
import { buildCohort } from '../../fixtures/cohort';
import { dayOf } from '../../../src/domain/core';
import { deriveAll } from '../../../src/domain/derive';
import { recordOf } from './record';

const asOfDate = new Date('2025-03-15T12:00:00Z');
const asOf = dayOf(asOfDate, 'UTC');
const cohort = buildCohort(asOfDate);
const p = cohort.patients.find((x) => x.key === 'lapsed-supply');
const s = deriveAll(recordOf(p?.resources ?? [], cohort.shared), asOf);

describe('lapsed-supply', () => {
  it('medication: ran out 10 days ago (last covered day d10), lapsed (10 uncovered days ≥ 8)', () => {
    // Last order d37 + 28 days → covers d37..d10 (37 − 28 + 1 = 10).
    expect(s.coverage.status).toBe('lapsed');
    expect(s.coverage.runOutDay).toBe(asOf - 10);
    expect(s.coverage.daysSinceRunOut).toBe(10);
    expect(s.engagement.dimensions.medication.reasons).toEqual([
      'Buprenorphine supply ran out 10 days ago.',
    ]);
    // PDC 90: days d89..d10 covered = 80 of 90.
    expect(s.coverage.pdc[0]).toMatchObject({ windowDays: 90, coveredDays: 80 });
    // The first segment lasted d233..d10 = 224 days without a gap: 30/90/180 reached.
    expect(s.coverage.milestones.map((m) => m.status)).toEqual(['reached', 'reached', 'reached']);
  });

  it('visits: last attended 35 days ago, one missed visit 9 days ago', () => {
    expect(s.visits.daysSinceLastAttended).toBe(35);
    expect(s.visits.recentMissed.map((v) => asOf - v.day)).toEqual([9]);
    expect(s.visits.nextPlanned).toBeUndefined();
  });

  it('engagement: medication serious + visits concern → At risk (row "any-serious")', () => {
    // Visits: 35 days < 90 (not serious), but a missed visit → concern; so not "Disengaged".
    expect(s.engagement.dimensions.medication.level).toBe('serious');
    expect(s.engagement.dimensions.visits.level).toBe('concern');
    expect(s.engagement.overall).toBe('At risk');
    expect(s.engagement.rule.id).toBe('any-serious');
  });

  it('follow-up: supply ran out → urgent, due in 2 days', () => {
    const f = s.followUps.find((x) => x.code === 'moud-supply-lapsed');
    expect(f).toMatchObject({
      priority: 'urgent',
      dueDay: asOf + 2,
      text: 'Buprenorphine supply ran out 10 days ago.',
    });
  });

  it('safety: MOUD on record, bup/nal only (not rescue naloxone) → no-naloxone flag and routine offer', () => {
    expect(s.safety.flags.map((f) => [f.kind, f.text])).toEqual([
      [
        'no-naloxone',
        'No rescue naloxone on record; recommended for everyone receiving OUD treatment.',
      ],
    ]);
    expect(s.followUps.find((x) => x.code === 'naloxone-needed')).toMatchObject({
      priority: 'routine',
      dueDay: asOf + 7,
    });
  });

  it('nothing unreadable, no module failure', () => {
    expect(s.failures).toEqual([]);
    expect(s.unreadable).toEqual([]);
  });
});
