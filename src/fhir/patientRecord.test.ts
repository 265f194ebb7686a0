import type { Bundle, FhirResource } from 'fhir/r4';
import { describe, expect, it } from 'vitest';
import { FhirError } from './errors';
import { loadPatientRecord, missingMedicationIds } from './patientRecord';
import type { FhirRequest, Transport } from './transport';

function bundle(resources: FhirResource[], include: FhirResource[] = []): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    entry: [
      ...resources.map((resource) => ({ resource, search: { mode: 'match' as const } })),
      ...include.map((resource) => ({ resource, search: { mode: 'include' as const } })),
    ],
  };
}

/** Answers by resource type; records every request with the round it was sent in. */
function fakeServer(
  answers: Partial<Record<string, (url: URL) => Bundle | FhirResource | FhirError>>,
) {
  const calls: string[] = [];
  const send: Transport = async (req: FhirRequest) => {
    calls.push(req.url);
    const url = new URL(req.url, 'http://ehr/fhir/');
    // Requests are relative to the FHIR base: "Patient/p1", "Observation?…".
    const type = req.url.split(/[/?]/)[0];
    const answer = answers[type ?? ''];
    const body = answer ? answer(url) : bundle([]);
    if (body instanceof FhirError) throw body;
    return { status: 200, body };
  };
  return { send, calls };
}

const patient = { resourceType: 'Patient', id: 'p1' } as const;
const order = (id: string, medicationReference?: string): FhirResource => ({
  resourceType: 'MedicationRequest',
  id,
  status: 'active',
  intent: 'order',
  subject: { reference: 'Patient/p1' },
  ...(medicationReference
    ? { medicationReference: { reference: medicationReference } }
    : { medicationCodeableConcept: { text: 'x' } }),
});

const NOW = new Date('2026-11-22T12:00:00Z');

describe('loadPatientRecord', () => {
  it('reads every part in one round and asks for the statuses and category the engine needs', async () => {
    const { send, calls } = fakeServer({
      Patient: () => patient,
      MedicationRequest: () =>
        bundle([order('mr1', 'Medication/m1')], [{ resourceType: 'Medication', id: 'm1' }]),
    });
    const loaded = await loadPatientRecord(send, 'p1', NOW);
    expect(loaded.rounds).toBe(1);
    // 7 searches; the Patient is the banner's own read (the summary no longer waits for it)
    expect(loaded.requests).toBe(7);
    expect(calls.some((c) => c.startsWith('Patient'))).toBe(false);
    expect(loaded.failures).toEqual([]);
    expect(Object.values(loaded.record.loadStatus ?? {}).every((s) => s.state === 'complete')).toBe(
      true,
    );
    expect(loaded.record.medications.map((m) => m.id)).toEqual(['m1']);
    const mr = calls.find((c) => c.startsWith('MedicationRequest?'));
    expect(mr).toContain('status=active%2Ccompleted%2Cstopped%2Con-hold');
    expect(mr).toContain('_include=MedicationRequest%3Amedication');
    const obs = calls.find((c) => c.startsWith('Observation?'));
    expect(obs).toContain('category=laboratory');
    expect(obs).toContain('date=ge2023-11-22');
    // newest first, so a page limit drops the oldest
    expect(obs).toContain('_sort=-date');
    expect(calls.find((c) => c.startsWith('Encounter?'))).toContain('_sort=-date');
    expect(mr).toContain('_sort=-authoredon');
  });

  it('a search stopped by the page limit is "truncated", with how many and back to when (newest first)', async () => {
    const obs = (id: string, day: string): FhirResource => ({
      resourceType: 'Observation',
      id,
      status: 'final',
      code: { text: 'UDS' },
      effectiveDateTime: day,
    });
    let page = 0;
    const { send } = fakeServer({
      Observation: () => {
        page++;
        return {
          ...bundle([obs(`o${page}`, new Date(Date.UTC(2026, 0, 100 - page)).toISOString())]),
          total: 120,
          link: [{ relation: 'next', url: `Observation?page=${page + 1}` }],
        };
      },
    });
    const loaded = await loadPatientRecord(send, 'p1', NOW);
    expect(loaded.record.loadStatus?.observations).toEqual({
      state: 'truncated',
      reason: 'Only 50 loaded of 120: the app stops after a set number of pages.',
      loaded: 50,
      total: 120,
      newestFirst: true,
      stoppedBy: 'page-limit',
      oldestLoaded: '2026-02-19', // page 50: day 100 − 50 of 2026,
    });
    expect(loaded.record.loadStatus?.encounters).toEqual({ state: 'complete' });
  });

  it('a server that refuses _sort (400) is asked again without it; what it sends is then not called "newest"', async () => {
    const { send, calls } = fakeServer({
      Encounter: (url) =>
        url.searchParams.has('_sort')
          ? new FhirError('invalid-data', 'The FHIR server answered 400.', 400)
          : bundle([
              {
                resourceType: 'Encounter',
                id: 'old',
                status: 'finished',
                class: { code: 'AMB' },
                period: { start: '2025-01-01' },
              },
              {
                resourceType: 'Encounter',
                id: 'new',
                status: 'finished',
                class: { code: 'AMB' },
                period: { start: '2026-01-01' },
              },
            ]),
    });
    const loaded = await loadPatientRecord(send, 'p1', NOW);
    expect(loaded.failures).toEqual([]);
    expect(loaded.record.encounters.map((e) => e.id)).toEqual(['old', 'new']);
    expect(calls.filter((c) => c.startsWith('Encounter?'))).toHaveLength(2);
  });

  it('a failed Condition search, or one answered with an OperationOutcome, is a failed part (never an empty list)', async () => {
    const { send } = fakeServer({
      Condition: () =>
        ({
          resourceType: 'OperationOutcome',
          issue: [
            { severity: 'error', code: 'processing', diagnostics: 'Condition search disabled' },
          ],
        }) as FhirResource,
    });
    const loaded = await loadPatientRecord(send, 'p1', NOW);
    expect(loaded.failures.map((f) => [f.part, f.error.fault])).toEqual([
      ['conditions', 'outcome'],
    ]);
    expect(loaded.record.loadStatus?.conditions).toEqual({
      state: 'failed',
      reason: 'The EHR answered with a message instead of data: “Condition search disabled”.',
    });
  });

  it('keeps the parts that loaded when one search fails', async () => {
    const { send } = fakeServer({
      Patient: () => patient,
      Observation: () => new FhirError('forbidden', 'no', 403),
      Encounter: () =>
        bundle([
          { resourceType: 'Encounter', id: 'e1', status: 'finished', class: { code: 'AMB' } },
        ]),
    });
    const loaded = await loadPatientRecord(send, 'p1', NOW);
    expect(loaded.failures.map((f) => [f.part, f.error.kind])).toEqual([
      ['observations', 'forbidden'],
    ]);
    expect(loaded.record.encounters.map((e) => e.id)).toEqual(['e1']);
  });

  it('reports malformed entries and keeps the rest', async () => {
    const { send } = fakeServer({
      Patient: () => patient,
      Encounter: () =>
        bundle([
          { resourceType: 'Encounter', id: 'ok', status: 'finished', class: { code: 'AMB' } },
          {
            resourceType: 'Encounter',
            id: 'bad',
            class: { code: 'AMB' },
          } as unknown as FhirResource,
        ]),
    });
    const loaded = await loadPatientRecord(send, 'p1', NOW);
    expect(loaded.record.encounters.map((e) => e.id)).toEqual(['ok']);
    expect(loaded.unreadable).toEqual([
      { reference: 'Encounter/bad', reason: expect.stringContaining('status') },
    ]);
  });

  it('fetches referenced Medications in a second round only when the server did not include them', async () => {
    const { send, calls } = fakeServer({
      Patient: () => patient,
      MedicationRequest: () =>
        bundle([order('mr1', 'Medication/m1'), order('mr2', 'Medication/m2'), order('mr3')]),
      Medication: (url) =>
        ({ resourceType: 'Medication', id: url.pathname.split('/').at(-1) }) as FhirResource,
    });
    const loaded = await loadPatientRecord(send, 'p1', NOW);
    expect(loaded.rounds).toBe(2);
    // read by id (the chart scopes grant Medication read, not search), in parallel
    expect(calls.filter((c) => c.startsWith('Medication/'))).toEqual([
      'Medication/m1',
      'Medication/m2',
    ]);
    expect(loaded.record.medications.map((m) => m.id)).toEqual(['m1', 'm2']);
  });
});

describe('missingMedicationIds', () => {
  it('ignores contained and already-included medications', () => {
    const requests = [
      order('a', '#contained'),
      order('b', 'Medication/m1'),
      order('c', 'https://ehr/fhir/Medication/m2'),
    ];
    expect(
      missingMedicationIds(requests as never, [{ resourceType: 'Medication', id: 'm1' }]),
    ).toEqual(['m2']);
  });
});
