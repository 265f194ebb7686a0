import { useState } from 'react';
import type { UdsAnalyteGroup } from '../../../fhir-profiles/generated/codes';
import type { DrugTestResult, TestResult } from '../../domain/drugTests';
import type { PatientSummary } from '../../domain/summary';
import type { LoadedRecord } from '../../fhir/patientRecord';
import { EvidenceDisclosure } from '../../ui/EvidenceDisclosure';
import { StatusBadge, type Tone } from '../../ui/StatusBadge';
import { Section } from './Section';
import { day, relative } from './view';

const ANALYTE_WORDS: Record<UdsAnalyteGroup, string> = {
  amphetamine: 'Amphetamines',
  barbiturate: 'Barbiturates',
  benzodiazepine: 'Benzodiazepines',
  buprenorphine: 'Buprenorphine',
  cannabinoid: 'Cannabinoids',
  cocaine: 'Cocaine',
  'fentanyl-type': 'Fentanyl',
  'general-opiate': 'Opiates',
  heroin: '6-MAM (heroin)',
  methadone: 'Methadone',
  'opiate-specific': 'Opiates (specific)',
  oxycodone: 'Oxycodone',
  phencyclidine: 'Phencyclidine',
  'synthetic-opioid': 'Synthetic opioid',
  xylazine: 'Xylazine',
};
const RESULT_WORDS: Record<TestResult, string> = {
  detected: 'Detected',
  'not-detected': 'Not detected',
  indeterminate: 'Indeterminate',
};
const SIGNAL_TONE: Record<string, Tone> = {
  'overdose-risk': 'danger',
  'buprenorphine-not-detected': 'warning',
  'buprenorphine-consistent': 'ok',
};
const SIGNAL_LABEL: Record<string, string> = {
  'overdose-risk': 'Overdose risk',
  'buprenorphine-not-detected': 'A conversation to have',
  'buprenorphine-consistent': 'As prescribed',
};
const FIRST = 20;

/** Urine drug tests, latest first, one normalised result per analyte group, and their signals. */
export function DrugTestsSection({
  loaded,
  summary,
}: {
  loaded?: LoadedRecord;
  summary?: PatientSummary;
}) {
  return (
    <Section section="tests" title="Urine drug tests" loaded={loaded} summary={summary}>
      {summary && <Tests s={summary} />}
    </Section>
  );
}

function Tests({ s }: { s: PatientSummary }) {
  const [all, setAll] = useState(false);
  const t = s.drugTests;
  const results: DrugTestResult[] = t.results.filter((r) => r.day <= s.asOf).reverse();
  if (results.length === 0)
    return <p>No urine drug test results in the records loaded (last 3 years).</p>;
  const shown = all ? results : results.slice(0, FIRST);
  return (
    <>
      {t.signals.length > 0 && (
        <ul className="signals">
          {t.signals.map((sig) => (
            <li key={`${sig.kind}-${sig.analytes.join()}`}>
              <StatusBadge
                tone={SIGNAL_TONE[sig.kind] ?? 'neutral'}
                label={SIGNAL_LABEL[sig.kind] ?? sig.kind}
              />{' '}
              {sig.text}
              <EvidenceDisclosure evidence={sig.evidence} about={sig.text} />
            </li>
          ))}
        </ul>
      )}
      <p>
        Last test {day(t.lastTestDay)}
        {t.lastTestDay !== undefined && ` (${relative(t.lastTestDay, s.asOf)})`}.
      </p>
      <table className="results">
        <caption>Results, latest first</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Substance</th>
            <th scope="col">Result</th>
            <th scope="col">Evidence</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r, i) => {
            const what = r.analytes.map((a) => ANALYTE_WORDS[a] ?? a).join(', ');
            return (
              <tr key={`${r.reference}-${i}`}>
                <td>{day(r.day)}</td>
                <td>{what}</td>
                <td className={`result result--${r.result}`}>{RESULT_WORDS[r.result]}</td>
                <td>
                  <EvidenceDisclosure evidence={[r.evidence]} about={`${what} on ${day(r.day)}`} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {results.length > FIRST && (
        <button type="button" onClick={() => setAll((a) => !a)} aria-expanded={all}>
          {all ? `Show the latest ${FIRST} only` : `Show all ${results.length} results`}
        </button>
      )}
    </>
  );
}
