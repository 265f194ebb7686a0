import { describe, expect, it } from 'vitest';
import { conceptsOf, systemOf } from './codes';
import { engagementStatusCoding, OVERALL_STATUSES } from '../engagement/engagement';
import { TAPER_STATES, taperStatusCoding } from '../taper/taper';

describe('domain states ↔ fhir-profiles CodeSystems', () => {
  it('every taper state except "unknown" has a taper-status code, and every code a state', () => {
    const codes = TAPER_STATES.map((s) => [s, taperStatusCoding(s)?.code] as const);
    for (const [state, code] of codes) if (state !== 'unknown') expect(code, state).toBeDefined();
    // "unknown" (could not be assessed) is deliberately not a status to record.
    expect(taperStatusCoding('unknown')).toBeUndefined();
    expect(taperStatusCoding('not-long-term')).toEqual({
      system: systemOf('taper-status'),
      code: 'not-on-long-term-opioids',
      display: 'Not on long-term opioid therapy',
    });
    const mapped = new Set(codes.map(([, c]) => c).filter(Boolean));
    const all = conceptsOf('taper-status').map((c) => c.code);
    expect(all.filter((c) => !mapped.has(c))).toEqual([]);
    expect(mapped.size).toBe(all.length); // one state per code
  });

  it('every overall engagement status has an engagement-status code, and every code a status', () => {
    const concepts = new Map(conceptsOf('engagement-status').map((c) => [c.code, c]));
    const mapped = OVERALL_STATUSES.map((s) => engagementStatusCoding(s));
    for (const c of mapped) {
      expect(c.system).toBe(systemOf('engagement-status'));
      expect(concepts.has(c.code ?? ''), c.code).toBe(true);
      expect(c.display).toBe(concepts.get(c.code ?? '')?.display);
    }
    expect(engagementStatusCoding('Not in MOUD treatment').code).toBe('not-in-treatment');
    expect(engagementStatusCoding('At risk').code).toBe('at-risk');
    const codes = new Set(mapped.map((c) => c.code));
    expect(codes.size).toBe(concepts.size);
    expect([...concepts.keys()].filter((c) => !codes.has(c))).toEqual([]);
  });
});
