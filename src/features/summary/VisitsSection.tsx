import type { FollowUpRule, Visit } from '../../domain/visits';
import type { PatientSummary } from '../../domain/summary';
import type { LoadedRecord } from '../../fhir/patientRecord';
import { EvidenceDisclosure } from '../../ui/EvidenceDisclosure';
import { Section } from './Section';
import { day, plural, relative } from './view';

const CLASS_WORDS: Record<string, string> = {
  AMB: 'in person',
  VR: 'telehealth',
  EMER: 'emergency department',
  IMP: 'inpatient',
  ACUTE: 'inpatient',
};
const FOLLOW_UP_WORDS: Record<FollowUpRule, string> = {
  'methadone-start': 'after a methadone start',
  'after-start': 'after a start',
  taper: 'during a taper (monthly)',
  'long-term-opioid': 'on long-term opioids (every 3 months)',
  'moud-maintenance': 'MOUD maintenance (every 3 months)',
};
const how = (v: Visit) => (v.classCode ? (CLASS_WORDS[v.classCode] ?? v.classCode) : 'visit');

/** Visits: last attended, days since, next planned, missed, follow-up interval. */
export function VisitsSection({
  loaded,
  summary,
}: {
  loaded?: LoadedRecord;
  summary?: PatientSummary;
}) {
  return (
    <Section section="visits" title="Visits" loaded={loaded} summary={summary}>
      {summary && <Visits s={summary} />}
    </Section>
  );
}

function Visits({ s }: { s: PatientSummary }) {
  const v = s.visits;
  if (v.attended.length === 0 && v.missed.length === 0 && v.upcoming.length === 0)
    return <p>No visits on record in the last 3 years.</p>;
  const yearAgo = s.asOf - 365;
  const missed = v.missed.filter((m) => m.day >= yearAgo && m.day <= s.asOf).reverse();
  const recent = v.attended.slice(-5).reverse();
  const f = v.followUp;
  return (
    <>
      <dl className="facts">
        <div>
          <dt>Last visit</dt>
          <dd>
            {v.lastAttended ? (
              <>
                {day(v.lastAttended.day)}, {how(v.lastAttended)} (
                {relative(v.lastAttended.day, s.asOf)};{' '}
                {plural(v.daysSinceLastAttended ?? 0, 'day')} since the last visit)
                <EvidenceDisclosure evidence={[v.lastAttended.evidence]} about="last visit" />
              </>
            ) : (
              'No attended visit on record'
            )}
          </dd>
        </div>
        <div>
          <dt>Next planned</dt>
          <dd>
            {v.nextPlanned ? (
              <>
                {day(v.nextPlanned.day)}, {how(v.nextPlanned)} (
                {relative(v.nextPlanned.day, s.asOf)})
                <EvidenceDisclosure
                  evidence={[v.nextPlanned.evidence]}
                  about="next planned visit"
                />
              </>
            ) : (
              'No visit booked'
            )}
          </dd>
        </div>
        {f && (
          <div>
            <dt>Follow-up interval</dt>
            <dd>
              Visit due by {day(f.dueDay)} {FOLLOW_UP_WORDS[f.rule]}:{' '}
              {f.overdue
                ? `overdue by ${plural(f.daysOverdue, 'day')}`
                : f.met
                  ? 'met'
                  : 'not due yet'}
              <EvidenceDisclosure evidence={[f.evidence]} about="follow-up interval" />
            </dd>
          </div>
        )}
        <div>
          <dt>Missed or cancelled, last 12 months</dt>
          <dd>
            {missed.length === 0
              ? 'None'
              : missed.map((m) => `${day(m.day)} (${relative(m.day, s.asOf)})`).join('; ')}
            {missed.length > 0 && (
              <EvidenceDisclosure evidence={missed.map((m) => m.evidence)} about="missed visits" />
            )}
          </dd>
        </div>
      </dl>
      {recent.length > 0 && (
        <>
          <h4>Recent attended visits</h4>
          <ul>
            {recent.map((r) => (
              <li key={r.reference}>
                {day(r.day)}: {how(r)}
                {r.acuteCare ? ' (emergency or hospital care)' : ''}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
