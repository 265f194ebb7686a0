import type { CoverageSummary, SegmentKind } from '../../domain/coverage';
import type { PatientSummary } from '../../domain/summary';
import type { LoadedRecord } from '../../fhir/patientRecord';
import { CoverageTimeline } from '../../ui/charts/CoverageTimeline';
import { EvidenceDisclosure } from '../../ui/EvidenceDisclosure';
import { Section } from './Section';
import { COVERAGE_STATUS_WORDS, coverageWindow, day, plural, relative, timelineRows } from './view';

const SEGMENT_WORDS: Record<SegmentKind, (gap?: number) => string> = {
  'first-start': () => 'first start on record',
  'new-episode': (g) => `new episode after ${plural(g ?? 0, 'MOUD-free day')}`,
  'resumed-after-gap': (g) => `resumed after a ${plural(g ?? 0, 'day')} gap`,
};
const MILESTONE_WORDS = {
  reached: 'reached',
  'in-progress': 'in progress',
  'not-reached': 'not reached',
} as const;

/** MOUD coverage: timeline over 12 months, days in treatment, PDC, milestones, literature view. */
export function CoverageSection({
  loaded,
  summary,
}: {
  loaded?: LoadedRecord;
  summary?: PatientSummary;
}) {
  return (
    <Section section="coverage" title="MOUD coverage" loaded={loaded} summary={summary}>
      {summary && <Coverage c={summary.coverage} />}
    </Section>
  );
}

function Coverage({ c }: { c: CoverageSummary }) {
  if (c.status === 'no-moud' && c.timeline.length === 0)
    return (
      <p>
        No MOUD (buprenorphine, methadone or naltrexone) on record.
        {c.unreadable.length > 0 &&
          ` ${plural(c.unreadable.length, 'MOUD record')} could not be read: see the notice above.`}
      </p>
    );
  const { from, to } = coverageWindow(c, c.asOf);
  const { rows, markers } = timelineRows(c, from, to);
  const seg = c.currentSegment;
  const inSegment = c.status === 'covered' || c.status === 'short-gap';
  const gaps = c.gaps.filter((g) => g.end >= from);
  const lit = c.literatureView;
  return (
    <>
      <dl className="facts">
        <div>
          <dt>Status</dt>
          <dd>
            {COVERAGE_STATUS_WORDS[c.status]}
            {c.medications.length > 0 && ` (${c.medications.join('; ')})`}
            {c.runOutDay !== undefined &&
              (c.status === 'covered' || c.status === 'not-started'
                ? `. Projected run-out: last covered day ${day(c.runOutDay)} (${relative(c.runOutDay, c.asOf)}).`
                : `. Ran out: last covered day ${day(c.runOutDay)} (${relative(c.runOutDay, c.asOf)}).`)}
            <EvidenceDisclosure evidence={c.evidence} about="coverage status" />
          </dd>
        </div>
        <div>
          <dt>Days in treatment</dt>
          <dd>
            {inSegment && seg
              ? `${plural(c.daysInTreatment, 'day')} since ${day(seg.start)} (${SEGMENT_WORDS[seg.kind](seg.gapBefore)})`
              : 'Not in treatment today'}
            {c.continuousTreatment &&
              '; continuous treatment (180 days or more without an 8-day gap)'}
            {seg && <EvidenceDisclosure evidence={[seg.evidence]} about="days in treatment" />}
          </dd>
        </div>
        {c.pdc.map((p) => (
          <div key={p.windowDays}>
            <dt>Days covered, last {p.windowDays} days</dt>
            <dd>
              {Math.round(p.value * 100)}% ({p.coveredDays} of {p.windowDays} days)
              <EvidenceDisclosure
                evidence={[p.evidence]}
                about={`days covered, last ${p.windowDays} days`}
              />
            </dd>
          </div>
        ))}
      </dl>
      <CoverageTimeline
        title="MOUD coverage, last 12 months"
        from={from}
        to={to}
        rows={rows}
        markers={markers}
      />
      <h4>Retention milestones</h4>
      <ul className="milestones">
        {c.milestones.map((m) => (
          <li key={m.days}>
            {m.days} days: {MILESTONE_WORDS[m.status]}
            {m.status === 'reached'
              ? ` on ${day(m.day)}`
              : m.status === 'in-progress'
                ? ` (on ${day(m.day)} if treatment continues)`
                : ''}
            <EvidenceDisclosure evidence={[m.evidence]} about={`${m.days}-day milestone`} />
          </li>
        ))}
      </ul>
      <h4>Gaps in the last 12 months</h4>
      {gaps.length === 0 ? (
        <p>No gaps in MOUD supply.</p>
      ) : (
        <ul>
          {gaps.map((g) => (
            <li key={g.start}>
              {plural(g.days, 'day')} without supply, {day(g.start)} to {day(g.end)}
              {g.open ? ' (still open today)' : ''}
              {g.breaksEpisode ? '; 8 days or more breaks the treatment episode' : ''}
              <EvidenceDisclosure evidence={[g.evidence]} about={`gap from ${day(g.start)}`} />
            </li>
          ))}
        </ul>
      )}
      <h4>Literature view (30-day gap rule)</h4>
      <p className="literature">
        {lit.label}.{' '}
        {lit.currentStart !== undefined
          ? `Under this rule: ${plural(lit.daysSinceStart, 'day')} since ${day(lit.currentStart)}`
          : 'Under this rule: not in treatment today'}
        {`; ${plural(lit.discontinuations.length, 'discontinuation')} on record.`}
      </p>
    </>
  );
}
