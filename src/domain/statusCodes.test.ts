import { describe, expect, it } from 'vitest';
import { OVERALL_STATUSES } from './engagement';
import {
  ENGAGEMENT_STATUS_CONCEPTS,
  ENGAGEMENT_STATUS_SYSTEM,
  TAPER_STATUS_CONCEPTS,
  TAPER_STATUS_SYSTEM,
  engagementStatusCoding,
  taperStatusCoding,
} from './statusCodes';
import { TAPER_STATES } from './taper';

describe('domain states ↔ fhir-profiles CodeSystems', () => {
  it('every taper state except "unknown" has a taper-status code, and every code a state', () => {
    const codes = TAPER_STATES.map((s) => [s, taperStatusCoding(s)?.code] as const);
    for (const [state, code] of codes) if (state !== 'unknown') expect(code, state).toBeDefined();
    // "unknown" (could not be assessed) is deliberately not a status to record.
    expect(taperStatusCoding('unknown')).toBeUndefined();
    expect(taperStatusCoding('not-long-term')).toEqual({
      system: TAPER_STATUS_SYSTEM,
      code: 'not-on-long-term-opioids',
      display: 'Not on long-term opioid therapy',
    });
    const mapped = new Set(codes.map(([, c]) => c).filter(Boolean));
    expect([...TAPER_STATUS_CONCEPTS.keys()].filter((c) => !mapped.has(c))).toEqual([]);
    expect(mapped.size).toBe(TAPER_STATUS_CONCEPTS.size); // one state per code
  });

  it('every overall engagement status has an engagement-status code, and every code a status', () => {
    const mapped = OVERALL_STATUSES.map((s) => engagementStatusCoding(s));
    for (const c of mapped) {
      expect(c.system).toBe(ENGAGEMENT_STATUS_SYSTEM);
      expect(ENGAGEMENT_STATUS_CONCEPTS.has(c.code ?? ''), c.code).toBe(true);
      expect(c.display).toBe(ENGAGEMENT_STATUS_CONCEPTS.get(c.code ?? '')?.display);
    }
    expect(engagementStatusCoding('Not in MOUD treatment').code).toBe('not-in-treatment');
    expect(engagementStatusCoding('At risk').code).toBe('at-risk');
    const codes = new Set(mapped.map((c) => c.code));
    expect(codes.size).toBe(ENGAGEMENT_STATUS_CONCEPTS.size);
    expect([...ENGAGEMENT_STATUS_CONCEPTS.keys()].filter((c) => !codes.has(c))).toEqual([]);
  });
});
