import { describe, expect, it } from 'vitest';
import { computeCoverage } from '../coverage/coverage';
import {
  ENGAGEMENT_RULES,
  assessEngagement,
  medicationDimension,
  peerDimension,
  type Dimension,
  type DimensionStatus,
  type Level,
} from './engagement';
import { D, order, peerTask, testSupply } from '../../../test/domain/builders';
import { FOLLOW_UP_REASONS } from '../followUps/reasons';

const asOf = D('2024-06-30');
const dims = (m: Level, v: Level, t: Level, p: Level): Record<Dimension, DimensionStatus> => ({
  medication: { dimension: 'medication', level: m, reasons: [`medication ${m}`], evidence: [] },
  visits: { dimension: 'visits', level: v, reasons: [`visits ${v}`], evidence: [] },
  tests: { dimension: 'tests', level: t, reasons: [`tests ${t}`], evidence: [] },
  peer: { dimension: 'peer', level: p, reasons: [`peer ${p}`], evidence: [] },
});

describe('engagement table', () => {
  it.each([
    [['not-applicable', 'good', 'good', 'good'], 'Not in MOUD treatment'],
    [['no-data', 'good', 'good', 'good'], 'Insufficient data'],
    [['serious', 'serious', 'good', 'good'], 'Disengaged'],
    [['serious', 'no-data', 'no-data', 'no-data'], 'Disengaged'],
    [['good', 'serious', 'serious', 'serious'], 'Disengaged'],
    [['serious', 'good', 'good', 'good'], 'At risk'],
    [['good', 'good', 'serious', 'good'], 'At risk'],
    [['concern', 'good', 'good', 'good'], 'At risk'],
    [['good', 'concern', 'concern', 'good'], 'At risk'],
    [['good', 'concern', 'no-data', 'no-data'], 'Engaged'],
    [['good', 'good', 'good', 'good'], 'Engaged'],
  ] as [[Level, Level, Level, Level], string][])('%j → %s', (levels, overall) => {
    expect(assessEngagement(dims(...levels)).overall).toBe(overall);
  });

  it('ends with a catch-all row, so every combination has an answer', () => {
    expect(ENGAGEMENT_RULES.at(-1)).toMatchObject({ id: 'fallback' });
    expect(assessEngagement(dims('good', 'good', 'good', 'good')).reasons[0]).toMatch(/continuous/);
  });

  it('reasons are person-first and non-stigmatising', () => {
    const banned = /\b(addict|abuser|abuse|clean|dirty|non-?compliant|junkie)\b/i;
    for (const r of ENGAGEMENT_RULES) expect(r.because).not.toMatch(banned);
    for (const c of FOLLOW_UP_REASONS) expect(`${c.display} ${c.definition}`).not.toMatch(banned);
  });
});

describe('dimensions', () => {
  it('medication: ran out 10 days ago → serious', () => {
    const c = computeCoverage([order({ start: asOf - 39, days: 30 })], [], testSupply, asOf); // last covered asOf−10
    const m = medicationDimension(c, asOf, 0);
    expect(m.level).toBe('serious');
    expect(m.reasons).toEqual(['Buprenorphine supply ran out 10 days ago.']);
  });

  it('peer: last completed contact 10 days ago → good; a later unreachable attempt → concern', () => {
    expect(peerDimension([peerTask('a', asOf - 10, 'completed')], [], asOf).level).toBe('good');
    const p = peerDimension(
      [peerTask('a', asOf - 10, 'completed'), peerTask('b', asOf - 2, 'failed')],
      [],
      asOf,
    );
    expect(p.level).toBe('concern');
    expect(p.reasons[1]).toBe('Peer tried to reach out 2 days ago and could not connect.');
    // a long lapse in peer contact is an early warning, never serious on its own
    expect(peerDimension([peerTask('a', asOf - 70, 'completed')], [], asOf).level).toBe('concern');
    expect(peerDimension([peerTask('a', asOf - 400, 'completed')], [], asOf).level).toBe('concern');
    expect(peerDimension([], [], asOf).level).toBe('no-data');
  });
});
