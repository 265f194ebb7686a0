import { afterEach, describe, expect, it } from 'vitest';
import { draftFromFollowUps } from '../../domain/peerPlan';
import { DRAFT_MAX_AGE_HOURS, loadDraft, saveDraft } from './draftStore';

let n = 0;
const draft = (patientId: string, createdAt: Date) =>
  draftFromFollowUps({
    patientId,
    followUps: [],
    now: createdAt,
    newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  });

const okafor = { serverUrl: 'https://ehr.example.org/fhir', fhirUser: 'Practitioner/dr-okafor' };
const now = new Date('2026-11-22T12:00:00Z');

afterEach(() => sessionStorage.clear());

describe('the draft store', () => {
  it('gives a draft back to the same user, on the same server, for the same patient', () => {
    saveDraft(okafor, draft('p1', now));
    expect(loadDraft(okafor, 'p1', now)?.patientId).toBe('p1');
    expect(loadDraft(okafor, 'p2', now)).toBeUndefined();
  });

  it('does not give it to another user or another server in the same tab', () => {
    saveDraft(okafor, draft('p1', now));
    expect(
      loadDraft({ ...okafor, fhirUser: 'Practitioner/dr-lindqvist' }, 'p1', now),
    ).toBeUndefined();
    expect(
      loadDraft({ ...okafor, serverUrl: 'https://other.example.org/fhir' }, 'p1', now),
    ).toBeUndefined();
  });

  it('lets an old draft expire: its suggestions were made from the chart as it was then', () => {
    saveDraft(okafor, draft('p1', now));
    const later = new Date(now.getTime() + (DRAFT_MAX_AGE_HOURS + 1) * 3_600_000);
    expect(loadDraft(okafor, 'p1', later)).toBeUndefined();
    // and it is gone, not just hidden
    expect(loadDraft(okafor, 'p1', now)).toBeUndefined();
  });

  it('keeps no patient name in the storage key', () => {
    saveDraft(okafor, draft('p1', now));
    expect(Object.keys(sessionStorage).every((k) => /^peer-plan-draft:[0-9a-f]{8}$/.test(k))).toBe(
      true,
    );
  });
});
