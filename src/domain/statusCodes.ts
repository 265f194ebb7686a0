/**
 * Taper states and engagement statuses as Codings of the app's CodeSystems
 * (fhir-profiles/fsh-generated/resources), read from the compiled JSON: the
 * codes live there once. Domain names equal the codes except where the
 * domain's short name predates the CodeSystem (ALIASES below).
 */
import type { Coding } from 'fhir/r4';
import engagementStatusCs from '../../fhir-profiles/fsh-generated/resources/CodeSystem-engagement-status.json';
import taperStatusCs from '../../fhir-profiles/fsh-generated/resources/CodeSystem-taper-status.json';
import type { OverallStatus } from './engagement';
import type { TaperState } from './taper';

interface Concept {
  code: string;
  display: string;
  definition?: string;
}

const conceptsOf = (cs: { concept: Concept[] }): ReadonlyMap<string, Concept> =>
  new Map(cs.concept.map((c) => [c.code, c]));

export const TAPER_STATUS_SYSTEM: string = taperStatusCs.url;
export const ENGAGEMENT_STATUS_SYSTEM: string = engagementStatusCs.url;
export const TAPER_STATUS_CONCEPTS = conceptsOf(taperStatusCs);
export const ENGAGEMENT_STATUS_CONCEPTS = conceptsOf(engagementStatusCs);

/** Domain taper states whose code differs from their name. 'unknown' has no concept. */
const TAPER_ALIASES: Partial<Record<TaperState, string>> = {
  'not-long-term': 'not-on-long-term-opioids',
};
/** Overall statuses are display words; the code is the slug unless aliased. */
const ENGAGEMENT_ALIASES: Partial<Record<OverallStatus, string>> = {
  'Not in MOUD treatment': 'not-in-treatment',
};

const coding = (system: string, c: Concept): Coding => ({
  system,
  code: c.code,
  display: c.display,
});

/** The taper-status Coding of a state; undefined for 'unknown' (not a state to record). */
export function taperStatusCoding(state: TaperState): Coding | undefined {
  const c = TAPER_STATUS_CONCEPTS.get(TAPER_ALIASES[state] ?? state);
  return c ? coding(TAPER_STATUS_SYSTEM, c) : undefined;
}

export function engagementStatusCode(status: OverallStatus): string {
  return ENGAGEMENT_ALIASES[status] ?? status.toLowerCase().replace(/\s+/g, '-');
}

/** The engagement-status Coding of an overall status. */
export function engagementStatusCoding(status: OverallStatus): Coding {
  const code = engagementStatusCode(status);
  const c = ENGAGEMENT_STATUS_CONCEPTS.get(code);
  // Unreachable while the test keeps the two lists in step; never invent a display.
  return c ? coding(ENGAGEMENT_STATUS_SYSTEM, c) : { system: ENGAGEMENT_STATUS_SYSTEM, code };
}
