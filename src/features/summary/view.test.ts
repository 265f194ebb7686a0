import type { Task } from 'fhir/r4';
import { describe, expect, it } from 'vitest';
import type { PatientSummary } from '../../domain/summary';
import { moduleFailures, paceWords, readPeerTask, riskFlags } from './view';
import { assessSafety } from '../../domain/taper';
import { contactOutcomeCoding, outputType } from '../../domain/tasks';
import { D, order, testSupply } from '../../../test/domain/builders';

describe('paceWords', () => {
  const taper = (state: PatientSummary['taper']['state'], pace?: number) =>
    ({ state, pacePctPer30Days: pace }) as PatientSummary['taper'];
  it('says the pace as a reduction per month with its speed', () => {
    expect(paceWords(taper('tapering-gradual', 8))).toBe('−8% of baseline per month, gradual');
    expect(paceWords(taper('tapering-rapid', 41.7))).toBe('−41.7% of baseline per month, rapid');
    expect(paceWords(taper('stable'))).toBeUndefined();
  });
});

describe('readPeerTask', () => {
  it('reads outcome and the latest attempt from output and note, whichever is newer', () => {
    const t: Task = {
      resourceType: 'Task',
      id: 't1',
      status: 'failed',
      intent: 'order',
      reasonCode: { text: 'Supply ran out' },
      output: [
        {
          type: outputType('contact-outcome'),
          valueCodeableConcept: { coding: [contactOutcomeCoding('not-reached')] },
        },
        {
          type: outputType('contact-attempt-note'),
          valueAnnotation: { time: '2026-01-02T10:00:00Z', text: 'Voicemail left' },
        },
      ],
      note: [{ time: '2026-01-05T10:00:00Z', text: 'Second call, no answer' }],
    };
    const v = readPeerTask(t);
    expect(v.outcome).toBe('Not reached');
    expect(v.lastAttempt?.text).toBe('Second call, no answer');
    expect(v.open).toBe(false);
    expect(v.reason).toBe('Supply ran out');
  });

  it('does not crash on a Task with odd shapes', () => {
    const odd = {
      resourceType: 'Task',
      status: 'requested',
      output: [null, {}],
    } as unknown as Task;
    const v = readPeerTask(odd);
    expect(v.open).toBe(true);
    expect(v.outcome).toBeUndefined();
    expect(v.lastAttempt).toBeUndefined();
  });
});

describe('moduleFailures', () => {
  it('gives each section the derivation failures of the modules it shows', () => {
    const s = {
      failures: [
        { module: 'drugTests', message: 'x' },
        { module: 'engagement.peer', message: 'y' },
      ],
    } as PatientSummary;
    expect(moduleFailures(s, 'tests').map((f) => f.module)).toEqual(['drugTests']);
    expect(moduleFailures(s, 'peer').map((f) => f.module)).toEqual(['engagement.peer']);
    expect(moduleFailures(s, 'headline').map((f) => f.module)).toEqual(['engagement.peer']);
    expect(moduleFailures(s, 'coverage')).toEqual([]);
  });
});

describe('riskFlags', () => {
  it('headline risk flags carry the no-naloxone flag, so "no missing naloxone" is never shown with it', () => {
    const asOf = D('2024-12-31');
    const safety = assessSafety({
      asOf,
      orders: [order({ id: 'bup', start: asOf - 10, category: 'moud-buprenorphine', days: 28 })],
      supplyOf: testSupply,
      taper: { state: 'not-long-term', text: '', currentMme: 0, currentOrders: [], evidence: [] },
    });
    const summary = {
      asOf,
      taper: { flags: [] },
      safety,
      drugTests: { signals: [] },
      visits: { acuteCareFlag: false, recentAcuteCare: [] },
    } as unknown as PatientSummary;
    const flags = riskFlags(summary);
    expect(flags.map((x) => [x.id, x.label])).toEqual([
      ['no-naloxone', 'No rescue naloxone on record'],
    ]);
    expect(flags[0]!.evidence.length).toBeGreaterThan(0);
  });

  it('rapid taper and abrupt discontinuation reach the headline', () => {
    const flag = (kind: string) => ({
      kind,
      text: kind,
      evidence: [{ rule: kind, resources: [] }],
    });
    const summary = {
      taper: { flags: [] },
      safety: {
        flags: [flag('rapid-taper'), flag('abrupt-discontinuation')],
        naloxoneOnRecord: [],
      },
      drugTests: { signals: [] },
      visits: { acuteCareFlag: false, recentAcuteCare: [] },
    } as unknown as PatientSummary;
    expect(riskFlags(summary).map((f) => [f.label, f.tone])).toEqual([
      ['Rapid taper (over 30% a month)', 'danger'],
      ['Opioids stopped abruptly', 'danger'],
    ]);
  });
});
