/**
 * What each summary section is missing, in words: parts of the record that
 * failed (the section cannot stand), that were cut short ("only the newest N
 * loaded"), or that qualify it without blocking it (conditions decide whether
 * some medicines count as treatment for opioid use disorder). Pure.
 */
import { toDay, type LoadStatus, type RecordPart } from '../../domain/core';
import type { LoadedRecord } from '../../fhir/patientRecord';
import { formatDay } from '../../ui/charts/scale';
import { PART_WORDS, SECTION_PARTS, type SectionId } from './view';

/** Parts that change what a section says without being what it shows. */
export const SECTION_QUALIFIERS: Record<SectionId, RecordPart[]> = {
  headline: ['conditions'],
  coverage: ['conditions'],
  mme: ['conditions'],
  tests: [],
  visits: [],
  peer: [],
};

/** Why conditions matter where they are a qualifier. */
const QUALIFIER_EFFECT: Partial<Record<RecordPart, string>> = {
  conditions:
    'medicines that count as treatment for opioid use disorder only with that diagnosis on record (methadone outside an opioid treatment program, oral naltrexone) may not be recognised',
};

const status = (loaded: LoadedRecord, part: RecordPart): LoadStatus =>
  loaded.record.loadStatus?.[part] ?? { state: 'complete' };

/** "Only the newest 50 lab results (urine drug tests) were loaded (of 120), back to 19 Feb 2026; older ones are left out." */
const STOPPED_WORDS = {
  'page-limit': '',
  loop: ' The EHR’s link to the next page went in a circle.',
  'off-server':
    ' The EHR’s link to the next page pointed outside it and was not followed (the session’s access stays with the EHR).',
} as const;

export function truncationWords(
  part: RecordPart,
  s: Extract<LoadStatus, { state: 'truncated' }>,
): string {
  return truncationCore(part, s) + (s.stoppedBy ? STOPPED_WORDS[s.stoppedBy] : '');
}

function truncationCore(part: RecordPart, s: Extract<LoadStatus, { state: 'truncated' }>): string {
  const what = PART_WORDS[part];
  const of = s.total !== undefined ? ` (of ${s.total})` : '';
  const n = s.loaded !== undefined ? `${s.loaded} ` : '';
  if (s.newestFirst) {
    const day = toDay(s.oldestLoaded);
    const back = day !== undefined ? `, back to ${formatDay(day)}` : '';
    return `Only the newest ${n}${what} were loaded${of}${back}; older ones are left out.`;
  }
  return `Only ${n}${what} were loaded${of}, in the EHR’s own order, so which ones are left out is not known.`;
}

export interface SectionMissing {
  /** Parts the section stands on that failed (with their errors, from `loaded.failures`). */
  failed: LoadedRecord['failures'];
  /** Sentences for parts cut short and for qualifying parts that failed or were cut short. */
  notes: string[];
}

export function sectionMissing(section: SectionId, loaded: LoadedRecord): SectionMissing {
  const failed = loaded.failures.filter((f) => SECTION_PARTS[section].includes(f.part));
  const notes: string[] = [];
  for (const part of SECTION_PARTS[section]) {
    const s = status(loaded, part);
    if (s.state === 'truncated') notes.push(truncationWords(part, s));
  }
  for (const part of SECTION_QUALIFIERS[section]) {
    const s = status(loaded, part);
    const effect = QUALIFIER_EFFECT[part] ?? 'statements that depend on them may be incomplete';
    const words = PART_WORDS[part];
    if (s.state === 'failed')
      notes.push(`${capital(words)} could not be loaded, so ${effect}. ${s.reason}`);
    else if (s.state === 'truncated') notes.push(`${truncationWords(part, s)} So ${effect}.`);
  }
  return { failed, notes };
}

const MEDICATION_PARTS: RecordPart[] = ['medicationRequests', 'medicationDispenses'];

/**
 * A guard for the overall headline until the engine answers "cannot tell"
 * itself (clinical-safety issue): with the medication records missing, "Not
 * in MOUD treatment" (or any judgement of treatment) would be read as a fact.
 */
export function overallCannotTell(loaded: LoadedRecord): string | undefined {
  const missing = MEDICATION_PARTS.filter((p) => {
    const s = status(loaded, p);
    return s.state === 'failed' || (s.state === 'truncated' && !s.newestFirst);
  });
  if (missing.length === 0) return undefined;
  const words = missing.map((p) => PART_WORDS[p]).join(' and ');
  const how = missing.some((p) => status(loaded, p).state === 'failed')
    ? 'could not be loaded'
    : 'were only partly loaded';
  return `The ${words} ${how}, so treatment engagement cannot be judged. What could be loaded is shown below.`;
}

/** Parts the headline was judged without: failed or cut short, in words. */
export function judgedWithout(loaded: LoadedRecord): string[] {
  return SECTION_PARTS.headline
    .filter((p) => status(loaded, p).state !== 'complete')
    .map(
      (p) =>
        `${PART_WORDS[p]} (${status(loaded, p).state === 'failed' ? 'could not be loaded' : 'only partly loaded'})`,
    );
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
