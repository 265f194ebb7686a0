import type { Patient, Task } from 'fhir/r4';
import { describe, expect, it } from 'vitest';
import { chunkIds, keepShownElements, onlyMineOrUnowned } from './worklistMinimum';

const task = (id: string, owner?: string): { task: Task } => ({
  task: {
    resourceType: 'Task',
    id,
    status: 'requested',
    intent: 'order',
    ...(owner ? { owner: { reference: owner } } : {}),
  },
});

describe('worklist minimum necessary', () => {
  it('keeps the peer’s own (as person or role) and unowned Tasks, drops everyone else’s', () => {
    const me = [{ reference: 'Practitioner/p1' }, { reference: 'PractitionerRole/r1' }];
    const { kept, dropped } = onlyMineOrUnowned(
      [
        task('mine', 'PractitionerRole/r1'),
        task('free'),
        task('theirs', 'Practitioner/p2'),
        task('abs', 'http://ehr/fhir/Practitioner/p1'),
      ],
      me,
    );
    expect(kept.map((k) => k.task.id)).toEqual(['mine', 'free', 'abs']);
    expect(dropped).toBe(1);
  });

  it('keeps only the elements the worklist shows', () => {
    const whole: Patient = {
      resourceType: 'Patient',
      id: 'x',
      meta: { versionId: '1' },
      identifier: [{ value: 'MRN1' }],
      birthDate: '1980-01-01',
      name: [{ text: 'Sam Lee' }],
      telecom: [{ system: 'phone', value: '555' }],
      communication: [{ language: { text: 'Spanish' } }],
      generalPractitioner: [{ reference: 'Practitioner/gp' }],
      address: [{ city: 'X' }],
    };
    expect(keepShownElements(whole)).toEqual({
      resourceType: 'Patient',
      id: 'x',
      name: [{ text: 'Sam Lee' }],
      telecom: [{ system: 'phone', value: '555' }],
      communication: [{ language: { text: 'Spanish' } }],
    });
  });
});

describe('chunkIds', () => {
  it('groups ids so each search URL stays short, and keeps every id once', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `patient-${String(i).padStart(28, '0')}`);
    const chunks = chunkIds(ids);
    expect(chunks.flat()).toEqual(ids);
    for (const c of chunks) expect(c.join(',').length).toBeLessThanOrEqual(3000);
    expect(chunks.length).toBe(Math.ceil(500 / Math.floor(3000 / 37)));
    expect(chunkIds(Array.from({ length: 450 }, (_, i) => `p${i}`)).map((c) => c.length)).toEqual([
      200, 200, 50,
    ]);
  });
});
