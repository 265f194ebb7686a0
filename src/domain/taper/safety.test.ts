import { describe, expect, it } from 'vitest';
import { assessSafety, type SafetyInput } from './safety';
import { D, order, testSupply, udsObs } from '../../../test/domain/builders';
import { summariseDrugTests } from '../drugTests/drugTests';
import { proposeFollowUps } from '../followUps/followUps';

const asOf = D('2024-12-31');
const noTaper: SafetyInput['taper'] = {
  state: 'not-long-term',
  text: 'Not on long-term opioid therapy.',
  currentMme: 0,
  currentOrders: [],
  evidence: [],
};
const bup = () => order({ id: 'bup', start: asOf - 10, category: 'moud-buprenorphine', days: 28 });
const clonazepam = () =>
  order({
    id: 'clz',
    start: asOf - 5,
    category: 'benzodiazepine',
    display: 'clonazepam 1 MG',
    days: 30,
  });
const naloxone = () =>
  order({
    id: 'nlx',
    start: asOf - 60,
    category: 'naloxone-rescue',
    display: 'naloxone nasal spray',
  });
const run = (orders: ReturnType<typeof order>[], extra: Partial<SafetyInput> = {}) =>
  assessSafety({ asOf, orders, supplyOf: testSupply, taper: noTaper, ...extra });

describe('safety flags', () => {
  it('MOUD + clonazepam → benzodiazepine flag that keeps MOUD going, with evidence', () => {
    const s = run([bup(), clonazepam(), naloxone()]);
    expect(s.flags.map((f) => f.kind)).toEqual(['benzodiazepine']);
    const f = s.flags[0]!;
    expect(f.text).toContain('buprenorphine for OUD');
    expect(f.text).toContain('do not withhold');
    expect(f.text).not.toMatch(
      /stop(ping)? (the )?(MOUD|buprenorphine)|taper (the )?buprenorphine/i,
    );
    expect(f.evidence[0]!.resources).toEqual(['MedicationRequest/clz', 'MedicationRequest/bup']);
  });

  it('methadone for OUD + benzodiazepine is flagged too; naltrexone + benzodiazepine is not', () => {
    const methadone = order({
      id: 'm',
      start: asOf - 3,
      category: 'moud-methadone',
      product: 'methadone-otp',
      days: 7,
    });
    expect(run([methadone, clonazepam(), naloxone()]).flags.map((f) => f.kind)).toEqual([
      'benzodiazepine',
    ]);
    const ntx = order({
      id: 'n',
      start: asOf - 3,
      category: 'moud-naltrexone',
      product: 'naltrexone-xr',
      days: 31,
    });
    expect(run([ntx, clonazepam(), naloxone()]).flags).toEqual([]);
  });

  it('MOUD without rescue naloxone → no-naloxone flag saying why; bup/nal does not count', () => {
    const s = run([bup()]);
    expect(s.flags.map((f) => [f.kind, f.text])).toEqual([
      [
        'no-naloxone',
        'No rescue naloxone on record; recommended for everyone receiving OUD treatment.',
      ],
    ]);
    expect(s.flags[0]!.evidence[0]!.resources).toEqual(['MedicationRequest/bup']);
    expect(run([bup(), naloxone()]).flags).toEqual([]);
  });

  it('OUD diagnosis alone, or fentanyl detected, is enough; nobody else is flagged', () => {
    expect(run([], { oudConditions: ['Condition/oud'] }).flags[0]?.text).toBe(
      'No rescue naloxone on record; recommended for everyone with opioid use disorder.',
    );
    const tests = summariseDrugTests(
      [udsObs('f', asOf - 3, '59673-4', { valueString: 'POS' })],
      asOf,
      () => [],
    );
    expect(run([], { drugTests: tests }).flags[0]?.text).toBe(
      'No rescue naloxone on record; recommended for anyone with fentanyl detected in a recent urine test.',
    );
    expect(run([]).flags).toEqual([]);
  });

  it('rapid taper and abrupt discontinuation are safety flags', () => {
    const rapid = run([naloxone()], {
      taper: {
        ...noTaper,
        state: 'tapering-rapid',
        text: 'Rapid taper: 40% of baseline per month.',
      },
    });
    expect(rapid.flags.map((f) => f.kind)).toEqual(['rapid-taper']);
    const abrupt = run([], {
      taper: { ...noTaper, state: 'abrupt-discontinuation', text: 'Stopped.' },
    });
    expect(abrupt.flags.map((f) => f.kind)).toEqual(['no-naloxone', 'abrupt-discontinuation']);
  });

  it('benzodiazepine + MOUD + no naloxone → one urgent naloxone follow-up in 2 days', () => {
    const safety = run([bup(), clonazepam()]);
    const f = proposeFollowUps({ asOf, safety }).filter((x) => x.code === 'naloxone-needed');
    expect(f.map((x) => [x.priority, x.dueDay])).toEqual([['urgent', asOf + 2]]);
  });
});
