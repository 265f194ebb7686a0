import type { PatientSummary } from '../../domain/summary';
import type { TaperState } from '../../domain/taper';
import type { LoadedRecord } from '../../fhir/patientRecord';
import { MmeChart } from '../../ui/charts/MmeChart';
import { EvidenceDisclosure } from '../../ui/EvidenceDisclosure';
import { StatusBadge, type Tone } from '../../ui/StatusBadge';
import { Section } from './Section';
import { day, mmeView, paceWords, plural, TAPER_STATE_WORDS } from './view';

const TAPER_TONE: Record<TaperState, Tone> = {
  'not-long-term': 'neutral',
  stable: 'ok',
  increasing: 'warning',
  'tapering-gradual': 'ok',
  'tapering-moderate': 'warning',
  'tapering-rapid': 'danger',
  paused: 'neutral',
  'abrupt-discontinuation': 'danger',
  completed: 'ok',
  unknown: 'neutral',
};

/** Opioid dose (MME/day) over 12 months and the taper state, pace, baseline and current dose. */
export function MmeSection({
  loaded,
  summary,
}: {
  loaded?: LoadedRecord;
  summary?: PatientSummary;
}) {
  return (
    <Section section="mme" title="Opioid dose and taper" loaded={loaded} summary={summary}>
      {summary && <Mme s={summary} />}
    </Section>
  );
}

function Mme({ s }: { s: PatientSummary }) {
  const v = mmeView(s);
  const t = s.taper;
  if (!v.hasOpioids && t.baselineMme === undefined)
    return <p>No opioid pain medication in the last 12 months.</p>;
  const pace = paceWords(t);
  return (
    <>
      <dl className="facts">
        <div>
          <dt>Taper</dt>
          <dd>
            <StatusBadge tone={TAPER_TONE[t.state]} label={TAPER_STATE_WORDS[t.state]} /> {t.text}
            <EvidenceDisclosure evidence={t.evidence} about="taper" />
          </dd>
        </div>
        {pace && (
          <div>
            <dt>Pace</dt>
            <dd>{pace}</dd>
          </div>
        )}
        <div>
          <dt>Baseline</dt>
          <dd>
            {t.baselineMme !== undefined
              ? `${t.baselineMme} MME/day (highest 30-day average, to ${day(t.baselineDay)})`
              : 'No long-term baseline'}
          </dd>
        </div>
        <div>
          <dt>Today</dt>
          <dd>
            {t.currentMme === null ? (
              <>
                Unknown
                {v.todayUnknownReasons.length > 0 && (
                  <ul>
                    {v.todayUnknownReasons.map((r) => (
                      <li key={r}>{r}</li>
                    ))}
                  </ul>
                )}
              </>
            ) : (
              `${t.currentMme} MME/day`
            )}
          </dd>
        </div>
      </dl>
      <MmeChart
        title="Opioid dose (MME/day), last 12 months"
        from={v.from}
        to={v.to}
        points={v.points}
        orders={v.orders}
      />
      {v.unknownDays > 0 && (
        <div className="mme__unknown">
          <p>
            MME could not be worked out on {plural(v.unknownDays, 'day')}: those days are shown as
            unknown, not as zero.
          </p>
          <ul>
            {v.unknownReasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </div>
      )}
      {s.mme.factorSet && <p className="muted">Conversion factors: {s.mme.factorSet}.</p>}
    </>
  );
}
