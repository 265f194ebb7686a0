import type { Dimension } from '../../domain/engagement';
import type { PatientSummary } from '../../domain/summary';
import type { LoadedRecord } from '../../fhir/patientRecord';
import { EvidenceDisclosure } from '../../ui/EvidenceDisclosure';
import { StatusBadge } from '../../ui/StatusBadge';
import { judgedWithout, overallCannotTell } from './missing';
import { Section } from './Section';
import { DIMENSION_WORDS, LEVEL_WORDS, OVERALL_TONE, PART_WORDS, riskFlags } from './view';
import type { RecordPart } from '../../fhir/patientRecord';

const DIMENSION_PARTS: Record<Dimension, RecordPart[]> = {
  medication: ['medicationRequests', 'medicationDispenses'],
  visits: ['encounters'],
  tests: ['observations'],
  peer: ['tasks', 'carePlans'],
};
const ORDER: Dimension[] = ['medication', 'visits', 'tests', 'peer'];

/** Overall engagement, the four dimensions with their reasons, and risk flags. */
export function HeadlineSection({
  loaded,
  summary,
}: {
  loaded?: LoadedRecord;
  summary?: PatientSummary;
}) {
  return (
    <Section section="headline" title="Engagement at a glance" loaded={loaded} summary={summary}>
      {loaded && summary && <Headline loaded={loaded} summary={summary} />}
    </Section>
  );
}

function Headline({ loaded, summary }: { loaded: LoadedRecord; summary: PatientSummary }) {
  const e = summary.engagement;
  const flags = riskFlags(summary);
  const failedParts = new Set(loaded.failures.map((f) => f.part));
  const cannotTell = overallCannotTell(loaded);
  const without = judgedWithout(loaded);
  return (
    <>
      <div className="headline__overall">
        <p className="headline__status">
          Overall engagement:{' '}
          {cannotTell ? (
            <StatusBadge tone="neutral" label="Cannot tell" className="status-badge--large" />
          ) : (
            <StatusBadge
              tone={OVERALL_TONE[e.overall]}
              label={e.overall}
              className="status-badge--large"
            />
          )}
        </p>
        <p>{cannotTell ?? e.rule.because}</p>
        {!cannotTell && without.length > 0 && (
          <p role="note" className="summary-section__partial">
            Judged without: {without.join('; ')}.
          </p>
        )}
        {!cannotTell && <EvidenceDisclosure evidence={e.evidence} about="overall engagement" />}
      </div>
      <ul className="headline__dimensions">
        {ORDER.map((d) => {
          const dim = e.dimensions[d];
          const missing = DIMENSION_PARTS[d].filter((p) => failedParts.has(p));
          const words = LEVEL_WORDS[dim.level];
          return (
            <li key={d} className="headline__dimension">
              <h4>{DIMENSION_WORDS[d]}</h4>
              {missing.length > 0 ? (
                <>
                  <StatusBadge tone="neutral" label="Could not be loaded" />
                  <p>
                    The {missing.map((p) => PART_WORDS[p]).join(' and ')} could not be loaded, so
                    this cannot be judged.
                  </p>
                </>
              ) : (
                <>
                  <StatusBadge tone={words.tone} label={words.label} />
                  <p>{dim.reasons.join(' ')}</p>
                  <EvidenceDisclosure evidence={dim.evidence} about={DIMENSION_WORDS[d]} />
                </>
              )}
            </li>
          );
        })}
      </ul>
      <h4>Risk flags</h4>
      {flags.length === 0 ? (
        <p>
          No risk flags: no high opioid dose, benzodiazepine with an opioid, missing naloxone where
          it is recommended, rapid or abrupt taper, fentanyl or 6-MAM detected, or recent emergency
          or hospital care in the records loaded.
        </p>
      ) : (
        <ul className="headline__flags">
          {flags.map((f) => (
            <li key={f.id} className={`flag flag--${f.tone}`}>
              <StatusBadge tone={f.tone} label={f.label} />
              <p>{f.text}</p>
              <EvidenceDisclosure evidence={f.evidence} about={f.label} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
