import { describe, expect, it } from 'vitest';
import { emptyPatientRecord, type LoadStatus, type RecordPart } from '../../domain/core';
import { FhirError } from '../../fhir/errors';
import type { LoadedRecord } from '../../fhir/patientRecord';
import { overallCannotTell, sectionMissing, truncationWords } from './missing';

function loaded(status: Partial<Record<RecordPart, LoadStatus>>): LoadedRecord {
  const record = { ...emptyPatientRecord(), loadStatus: status };
  const failures = Object.entries(status)
    .filter(([, s]) => s.state === 'failed')
    .map(([part, s]) => ({
      part: part as RecordPart,
      error: new FhirError('server', s.state === 'failed' ? s.reason : ''),
    }));
  return { record, failures, unreadable: [], requests: 7, rounds: 1 };
}

describe('what each section is missing', () => {
  it('a cut-short search says how many, of how many, back to when, and why it stopped', () => {
    expect(
      truncationWords('observations', {
        state: 'truncated',
        reason: '',
        loaded: 50,
        total: 62,
        newestFirst: true,
        oldestLoaded: '2025-01-27',
        stoppedBy: 'page-limit',
      }),
    ).toBe(
      'Only the newest 50 lab results (urine drug tests) were loaded (of 62), back to 27 Jan 2025; older ones are left out.',
    );
    expect(
      truncationWords('encounters', {
        state: 'truncated',
        reason: '',
        loaded: 10,
        stoppedBy: 'off-server',
      }),
    ).toMatch(
      /^Only 10 visits were loaded, in the EHR’s own order, so which ones are left out is not known\. The EHR’s link to the next page pointed outside it/,
    );
  });

  it('conditions that could not be loaded are said where they change what a section says', () => {
    const l = loaded({ conditions: { state: 'failed', reason: 'The FHIR server answered 500.' } });
    for (const s of ['headline', 'coverage', 'mme'] as const)
      expect(sectionMissing(s, l).notes).toEqual([
        expect.stringMatching(
          /^Conditions could not be loaded, so medicines .* may not be recognised\. The FHIR server answered 500\.$/,
        ),
      ]);
    expect(sectionMissing('visits', l).notes).toEqual([]);
  });

  it('the headline cannot judge treatment without the medication records', () => {
    expect(overallCannotTell(loaded({}))).toBe(undefined);
    expect(
      overallCannotTell(loaded({ medicationRequests: { state: 'failed', reason: 'x' } })),
    ).toBe(
      'The medication orders could not be loaded, so treatment engagement cannot be judged. What could be loaded is shown below.',
    );
    // newest first: the current orders are in; the engine may judge
    expect(
      overallCannotTell(
        loaded({ medicationRequests: { state: 'truncated', reason: 'x', newestFirst: true } }),
      ),
    ).toBe(undefined);
    expect(
      overallCannotTell(loaded({ medicationDispenses: { state: 'truncated', reason: 'x' } })),
    ).toMatch(/pharmacy dispenses were only partly loaded/);
  });
});
