import { describe, expect, it } from 'vitest';
import { computeCoverage } from '../coverage/coverage';
import { fromDay } from '../core/dates';
import { medicationDimension } from '../engagement/engagement';
import { FOLLOW_UP_REASON_SYSTEM, FOLLOW_UP_REASONS, isFollowUpReason } from './reasons';
import { PROPOSED_REASONS, proposeFollowUps } from './followUps';
import { peerDimension } from '../engagement/engagement';
import { toDay } from '../core/dates';
import type { Task } from 'fhir/r4';
import { summariseDrugTests } from '../drugTests/drugTests';
import { summariseVisits } from '../visits/visits';
import { D, encounter, order, peerTask, testSupply, udsObs } from '../../../test/domain/builders';

const asOf = D('2024-06-30');

describe('follow-ups', () => {
  const coverage = computeCoverage([order({ start: asOf - 38, days: 30 })], [], testSupply, asOf); // last covered day asOf−9: ran out 9 days ago
  const medication = medicationDimension(coverage, asOf, 0);

  it('supply ran out → urgent, due in 2 days, reason from the app CodeSystem', () => {
    const f = proposeFollowUps({ asOf, coverage, medication });
    expect(f[0]).toMatchObject({
      code: 'moud-supply-lapsed',
      text: 'Buprenorphine supply ran out 9 days ago.',
      priority: 'urgent',
      due: fromDay(asOf + 2),
      reason: {
        system: FOLLOW_UP_REASON_SYSTEM,
        code: 'moud-supply-lapsed',
        display: 'MOUD supply ran out',
      },
    });
  });

  it('fentanyl detected → asap within 1 day; ED visit → urgent within 2 days of the visit', () => {
    const drugTests = summariseDrugTests(
      [udsObs('f', asOf - 1, '59673-4', { valueString: 'POS' })],
      asOf,
      () => [],
    );
    const visits = summariseVisits([encounter('e', asOf - 1, 'finished', 'EMER')], asOf);
    const f = proposeFollowUps({ asOf, drugTests, visits });
    expect(f.map((x) => [x.code, x.priority, x.dueDay - asOf])).toEqual([
      ['overdose-risk-test', 'asap', 1],
      ['acute-care-visit', 'urgent', 1],
    ]);
  });

  it('a completed peer Task after the trigger drops the proposal; an open one is linked', () => {
    expect(
      proposeFollowUps({
        asOf,
        coverage,
        medication,
        tasks: [peerTask('t', asOf - 1, 'completed', 'moud-supply-lapsed')],
      }),
    ).toEqual([]);
    const f = proposeFollowUps({
      asOf,
      coverage,
      medication,
      tasks: [peerTask('t', asOf - 1, 'in-progress', 'moud-supply-lapsed')],
    });
    expect(f[0]?.openTask).toBe('Task/t');
  });

  it('new start → early check-in 7 days after the start', () => {
    const c = computeCoverage([order({ start: asOf - 3, days: 7 })], [], testSupply, asOf);
    const f = proposeFollowUps({ asOf, coverage: c, medication: medicationDimension(c, asOf, 0) });
    expect(f.find((x) => x.code === 'moud-start')).toMatchObject({
      priority: 'routine',
      dueDay: asOf + 4,
      text: 'Started buprenorphine 3 days ago.',
    });
  });

  it('every code used exists in the CodeSystem JSON', () => {
    const used = [
      'moud-supply-lapsed',
      'moud-supply-ending',
      'moud-start',
      'overdose-risk-test',
      'buprenorphine-not-detected',
      'acute-care-visit',
      'visit-overdue',
      'missed-visit',
      'rapid-taper',
      'abrupt-discontinuation',
      'oud-signs-during-taper',
      'naloxone-needed',
      'peer-contact-gap',
    ];
    for (const u of used) expect(FOLLOW_UP_REASONS.map((c) => c.code)).toContain(u);
  });

  it('every reason the engine proposes (and the test builders use) is a followup-reason concept', () => {
    for (const code of PROPOSED_REASONS) expect(isFollowUpReason(code), code).toBe(true);
    const builderReason = peerTask('t', asOf, 'completed').reasonCode?.coding?.[0];
    expect(builderReason?.system).toBe(FOLLOW_UP_REASON_SYSTEM);
    expect(isFollowUpReason(builderReason?.code ?? '')).toBe(true);
    expect(isFollowUpReason('supply-ran-out')).toBe(false);
  });

  it('due is the ISO date the Task carries in restriction.period.end, read back as the same day', () => {
    const f = proposeFollowUps({ asOf, coverage, medication })[0]!;
    expect(f.due).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(toDay(f.due)).toBe(f.dueDay);
    // A Task written with that due date is past due the day after, not before.
    const task = (status: Task['status']): Task => ({
      ...peerTask('t', asOf, status, f.code),
      executionPeriod: undefined,
      lastModified: undefined,
      restriction: { period: { end: f.due } },
    });
    const onDue = peerDimension([task('requested')], [], f.dueDay);
    const after = peerDimension([task('requested')], [], f.dueDay + 1);
    expect(onDue.reasons.join(' ')).not.toContain('past due');
    expect(after.reasons.join(' ')).toContain('1 peer follow-up is past due.');
  });
});
