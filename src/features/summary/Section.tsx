import { createContext, useContext, useId, type ReactNode } from 'react';
import { describeFhirError } from '../../fhir/errors';
import type { LoadedRecord } from '../../fhir/patientRecord';
import type { PatientSummary } from '../../domain/summary';
import { ErrorBoundary } from '../../ui/ErrorBoundary';
import type { RecordPart } from '../../domain/core';
import { SECTION_QUALIFIERS, sectionMissing } from './missing';
import { moduleFailures, PART_WORDS, SECTION_PARTS, type SectionId } from './view';

/** Reloads the summary (every section's data); the panel provides it. */
export const SummaryRetryContext = createContext<(() => void) | undefined>(undefined);
/** Parts of the record still loading; the panel provides it. */
export const SummaryPendingContext = createContext<readonly RecordPart[]>([]);

/**
 * One section of the summary with its own heading and its own partial-data
 * and error messages: a failed search blanks only the sections that need it.
 */
export function Section({
  section,
  title,
  loaded,
  summary,
  children,
}: {
  section: SectionId;
  title: string;
  loaded?: LoadedRecord;
  summary?: PatientSummary;
  children?: ReactNode;
}) {
  const id = useId();
  const retry = useContext(SummaryRetryContext);
  const pending = useContext(SummaryPendingContext);
  const waiting = SECTION_PARTS[section].some((p) => pending.includes(p));
  const qualifiersWaiting = SECTION_QUALIFIERS[section].filter((p) => pending.includes(p));
  const { failed, notes } = loaded ? sectionMissing(section, loaded) : { failed: [], notes: [] };
  const broken = summary ? moduleFailures(summary, section) : [];
  // The headline still shows what it can; a detail section without its data shows only the failure.
  const blocked = section !== 'headline' && failed.length > 0;
  return (
    <section className={`summary-section summary-section--${section}`} aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {!loaded || waiting ? (
        <p role="status" className="summary-section__loading">
          Loading…
        </p>
      ) : (
        <>
          {failed.length > 0 && (
            <div role="alert" className="summary-section__failure">
              <p>
                {failed.length === 1 ? 'Part of the record' : 'Parts of the record'} could not be
                loaded: {failed.map((f) => PART_WORDS[f.part]).join(', ')}.{' '}
                {section === 'headline'
                  ? 'The statements below that depend on it are incomplete.'
                  : 'This section cannot be shown; the rest of the summary is unaffected.'}
              </p>
              <ul>
                {failed.map((f) => (
                  <li key={f.part}>
                    {PART_WORDS[f.part]}: {describeFhirError(f.error)}
                  </li>
                ))}
              </ul>
              {retry ? (
                <button type="button" onClick={retry}>
                  Try again
                </button>
              ) : (
                <p>Reload the app to try again.</p>
              )}
            </div>
          )}
          {qualifiersWaiting.length > 0 && (
            <p role="note" className="summary-section__partial">
              The {qualifiersWaiting.map((p) => PART_WORDS[p]).join(' and ')} are still loading;
              this section may change when they arrive.
            </p>
          )}
          {notes.map((n) => (
            <p key={n} role="note" className="summary-section__partial">
              Partial: {n}
            </p>
          ))}
          {broken.length > 0 && (
            <p role="note" className="summary-section__partial">
              Partial: part of this section could not be worked out (
              {broken.map((b) => b.module).join(', ')}). What is shown is what could be derived.
            </p>
          )}
          {!blocked && (
            <ErrorBoundary what={`The “${title}” section`} onRetry={retry}>
              {children}
            </ErrorBoundary>
          )}
        </>
      )}
    </section>
  );
}
