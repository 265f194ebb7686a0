/**
 * Pure view-model helpers for the patient summary: what each section reads
 * from the PatientSummary (and the loaded record, for evidence lines). No
 * React here, so each can be tested alone.
 */
import { conceptText, text } from '../../ui/safeFields';
import type {
  CodeableConcept,
  Encounter,
  FhirResource,
  MedicationDispense,
  Observation,
  Task,
} from 'fhir/r4';
import type { CoverageSummary } from '../../domain/coverage';
import type { DayNumber } from '../../domain/core';
import type { Level, OverallStatus } from '../../domain/engagement';
import type { Evidence } from '../../domain/core';
import { orderMme } from '../../domain/medications';
import { acuteCareWords } from '../../domain/visits';
import { isPartOf, type DerivationModule, type PatientSummary } from '../../domain/summary';
import type { TaperState } from '../../domain/taper';
import { isContactOutcome, outputsOfType } from '../../domain/tasks';
import { OPEN_TASK_STATUSES } from '../../domain/tasks';
import type { PatientRecord } from '../../domain/core';
import type { RecordPart } from '../../fhir/patientRecord';
import type {
  TimelineMarker,
  TimelineRow,
  TimelineSegment,
} from '../../ui/charts/CoverageTimeline';
import type { MmeOrderBar, MmePoint } from '../../ui/charts/MmeChart';
import { formatDay } from '../../ui/charts/scale';
import type { ResourceLine } from '../../ui/EvidenceDisclosure';
import type { Tone } from '../../ui/StatusBadge';

export type SectionId = 'headline' | 'coverage' | 'mme' | 'tests' | 'visits' | 'peer';

/** Which searches each section stands on: when one failed, the section says so. */
export const SECTION_PARTS: Record<SectionId, RecordPart[]> = {
  headline: [
    'medicationRequests',
    'medicationDispenses',
    'encounters',
    'observations',
    'tasks',
    'carePlans',
  ],
  coverage: ['medicationRequests', 'medicationDispenses'],
  mme: ['medicationRequests'],
  tests: ['observations'],
  visits: ['encounters'],
  peer: ['tasks', 'carePlans'],
};

/** Which deriveAll modules each section shows (summary.failures names them). */
export const SECTION_MODULES: Record<SectionId, DerivationModule[]> = {
  headline: ['engagement', 'taper', 'safety', 'record'],
  coverage: ['coverage', 'medications', 'record'],
  mme: ['mme', 'taper', 'medications', 'record'],
  tests: ['drugTests', 'record'],
  visits: ['visits', 'record'],
  peer: ['engagement.peer', 'record'],
};

export const PART_WORDS: Record<RecordPart, string> = {
  patient: 'patient details',
  medicationRequests: 'medication orders',
  medicationDispenses: 'pharmacy dispenses',
  medicationAdministrations: 'medications given in clinic',
  conditions: 'conditions',
  encounters: 'visits',
  observations: 'lab results (urine drug tests)',
  tasks: 'peer tasks',
  carePlans: 'care plans',
};

export function moduleFailures(summary: PatientSummary, section: SectionId) {
  const mods = SECTION_MODULES[section];
  return summary.failures.filter((f) => mods.some((m) => isPartOf(f.module, m)));
}

// ------------------------------------------------------------------ words

export const LEVEL_WORDS: Record<Level, { label: string; tone: Tone }> = {
  good: { label: 'On track', tone: 'ok' },
  concern: { label: 'Early warning', tone: 'warning' },
  serious: { label: 'Needs attention', tone: 'danger' },
  'no-data': { label: 'No data', tone: 'neutral' },
  'not-applicable': { label: 'Not applicable', tone: 'neutral' },
};

export const OVERALL_TONE: Record<OverallStatus, Tone> = {
  Engaged: 'ok',
  'At risk': 'warning',
  Disengaged: 'danger',
  'Not in MOUD treatment': 'neutral',
  'Insufficient data': 'neutral',
};

export const DIMENSION_WORDS = {
  medication: 'Medication',
  visits: 'Visits',
  tests: 'Urine drug tests',
  peer: 'Peer contact',
} as const;

export const day = (d: DayNumber | undefined): string => (d === undefined ? '—' : formatDay(d));
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
export function relative(d: DayNumber, asOf: DayNumber): string {
  const n = asOf - d;
  if (n === 0) return 'today';
  if (n > 0) return `${plural(n, 'day')} ago`;
  return n === -1 ? 'tomorrow' : `in ${plural(-n, 'day')}`;
}

// ------------------------------------------------------------------ risk flags

interface RiskFlag {
  id: string;
  label: string;
  text: string;
  tone: Tone;
  evidence: Evidence[];
}

const FLAG_LABEL: Record<string, string> = {
  'mme-50': 'High opioid dose (50 MME/day or more)',
  'mme-90': 'Very high opioid dose (90 MME/day or more)',
  'oud-signs-during-taper': 'Signs of opioid use disorder during the taper',
  benzodiazepine: 'Benzodiazepine with an opioid',
  'no-naloxone': 'No rescue naloxone on record',
  'rapid-taper': 'Rapid taper (over 30% a month)',
  'abrupt-discontinuation': 'Opioids stopped abruptly',
};

/**
 * Risk flags: dose and taper flags, the cross-cutting safety flags (benzodiazepine
 * with any opioid, no naloxone, rapid/abrupt taper), overdose-risk test signals,
 * recent emergency or inpatient care.
 */
export function riskFlags(s: PatientSummary): RiskFlag[] {
  const out: RiskFlag[] = [];
  for (const f of [...s.taper.flags, ...(s.safety?.flags ?? [])])
    out.push({
      id: f.kind,
      label: FLAG_LABEL[f.kind] ?? f.kind,
      text: f.text,
      tone: f.kind === 'mme-50' ? 'warning' : 'danger',
      evidence: f.evidence,
    });
  for (const sig of s.drugTests.signals.filter((x) => x.kind === 'overdose-risk'))
    out.push({
      id: `overdose-risk-${sig.analytes.join('-')}`,
      label: sig.analytes.includes('heroin') ? '6-MAM (heroin) detected' : 'Fentanyl detected',
      text: sig.text,
      tone: 'danger',
      evidence: sig.evidence,
    });
  if (s.visits.acuteCareFlag) {
    const last = s.visits.recentAcuteCare[s.visits.recentAcuteCare.length - 1];
    if (last)
      out.push({
        id: 'acute-care',
        label: 'Recent emergency or hospital care',
        text: `${acuteCareWords(last.classCode)} on ${day(last.day)} (${relative(last.day, s.asOf)}).`,
        tone: 'danger',
        evidence: s.visits.recentAcuteCare.map((v) => v.evidence),
      });
  }
  return out;
}

// ------------------------------------------------------------------ coverage

export const COVERAGE_STATUS_WORDS: Record<CoverageSummary['status'], string> = {
  covered: 'Covered today',
  'short-gap': 'Ran out recently (within the 7-day allowance)',
  lapsed: 'Supply has lapsed',
  'not-started': 'Prescribed, not started yet',
  'no-moud': 'No MOUD on record',
};

export function coverageWindow(c: CoverageSummary, asOf: DayNumber) {
  const from = asOf - 364;
  // Show a projected run-out up to four months ahead, so the marker is on the chart.
  const ahead =
    c.runOutDay !== undefined && c.runOutDay > asOf ? Math.min(c.runOutDay + 7, asOf + 120) : asOf;
  return { from, to: ahead };
}

const FORM_KIND = { 'daily-dose': 'covered', injection: 'injection', implant: 'implant' } as const;

export function timelineRows(
  c: CoverageSummary,
  from: DayNumber,
  to: DayNumber,
): { rows: TimelineRow[]; markers: TimelineMarker[] } {
  const inWindow = (s: { start: number; end: number }) => s.end >= from && s.start <= to;
  const byLabel = new Map<string, TimelineSegment[]>();
  for (const i of c.timeline.filter(inWindow)) {
    const list = byLabel.get(i.display) ?? [];
    const kind = FORM_KIND[i.form];
    const how =
      i.form === 'injection'
        ? 'by injection'
        : i.form === 'implant'
          ? 'by implant'
          : 'by daily medication';
    list.push({
      start: Math.max(i.start, from),
      end: Math.min(i.end, to),
      kind,
      description: `${i.display}: covered ${how} from ${day(i.start)} to ${day(i.end)}${i.end > c.asOf ? ' (projected)' : ''}`,
    });
    byLabel.set(i.display, list);
  }
  const rows: TimelineRow[] = [...byLabel].map(([label, segments]) => ({ label, segments }));
  const gaps = c.gaps.filter(inWindow);
  if (gaps.length)
    rows.push({
      label: 'No MOUD supply',
      segments: gaps.map((g) => ({
        start: Math.max(g.start, from),
        end: Math.min(g.end, to),
        kind: 'gap',
        description: `Gap of ${plural(g.days, 'day')} from ${day(g.start)} to ${day(g.end)}${g.open ? ' (still open today)' : ''}`,
      })),
    });
  const markers: TimelineMarker[] = [{ day: c.asOf, label: 'Today' }];
  if (c.runOutDay !== undefined && c.runOutDay >= from)
    markers.push({
      day: c.runOutDay,
      label: c.runOutDay >= c.asOf ? 'Projected run-out' : 'Ran out',
    });
  return { rows, markers };
}

// ------------------------------------------------------------------ MME and taper

export const TAPER_STATE_WORDS: Record<TaperState, string> = {
  'not-long-term': 'Not on long-term opioid therapy',
  stable: 'Stable dose',
  increasing: 'Dose increasing',
  'tapering-gradual': 'Tapering, gradual',
  'tapering-moderate': 'Tapering, faster than 10% a month',
  'tapering-rapid': 'Tapering, rapid',
  paused: 'Taper paused',
  'abrupt-discontinuation': 'Stopped abruptly',
  completed: 'Taper completed',
  unknown: 'Unknown',
};

/** "−8% per month, gradual". */
export function paceWords(s: PatientSummary['taper']): string | undefined {
  if (s.pacePctPer30Days === undefined) return undefined;
  const pace = s.pacePctPer30Days;
  const speed =
    s.state === 'tapering-rapid'
      ? 'rapid'
      : s.state === 'tapering-moderate'
        ? 'faster than gradual'
        : s.state === 'paused'
          ? 'now paused'
          : 'gradual';
  const n = Math.round(pace * 10) / 10;
  return `${n > 0 ? '−' : '+'}${Math.abs(n)}% of baseline per month, ${speed}`;
}

interface MmeView {
  from: DayNumber;
  to: DayNumber;
  points: MmePoint[];
  orders: MmeOrderBar[];
  /** Days with unknown MME and their reasons (deduplicated). */
  unknownDays: number;
  unknownReasons: string[];
  todayUnknownReasons: string[];
  hasOpioids: boolean;
}

export function mmeView(s: PatientSummary): MmeView {
  const from = s.asOf - 364;
  const to = s.asOf;
  const days = s.mme.days.filter((d) => d.day >= from && d.day <= to);
  const span = new Map<string, { start: number; end: number }>();
  for (const d of days)
    for (const r of d.orders) {
      const x = span.get(r);
      if (!x) span.set(r, { start: d.day, end: d.day });
      else x.end = d.day;
    }
  const byRef = new Map(s.orders.map((o) => [o.reference, o]));
  const orders: MmeOrderBar[] = [];
  for (const [reference, { start, end }] of span) {
    const o = byRef.get(reference);
    if (!o) continue;
    const m = orderMme(o);
    orders.push({
      reference,
      label: o.display,
      start,
      end,
      arithmetic:
        m.mmePerDay === null
          ? `MME unknown: ${m.unknownReason ?? 'the dose could not be read'}`
          : m.arithmetic,
    });
  }
  orders.sort((a, b) => a.start - b.start);
  const unknown = days.filter((d) => d.mme === null);
  const reasons = new Set<string>();
  for (const d of unknown) for (const r of d.unknownReasons ?? []) reasons.add(r);
  const today = days.find((d) => d.day === s.asOf);
  return {
    from,
    to,
    points: days.map((d) => ({ day: d.day, mme: d.mme })),
    orders,
    unknownDays: unknown.length,
    unknownReasons: [...reasons],
    todayUnknownReasons: today?.mme === null ? (today.unknownReasons ?? []) : [],
    hasOpioids: span.size > 0,
  };
}

// ------------------------------------------------------------------ peer tasks

export interface PeerTaskView {
  reference: string;
  reason: string;
  description?: string;
  status: string;
  open: boolean;
  authored?: DayNumber;
  due?: DayNumber;
  owner?: string;
  outcome?: string;
  lastAttempt?: { day?: DayNumber; text: string };
  statusReason?: string;
}

export const TASK_STATUS_WORDS: Record<string, string> = {
  draft: 'Draft',
  requested: 'Requested, not yet claimed',
  received: 'Received',
  accepted: 'Accepted',
  rejected: 'Declined by the peer team',
  ready: 'Ready',
  cancelled: 'Cancelled',
  'in-progress': 'In progress',
  'on-hold': 'On hold',
  failed: 'Closed: could not connect',
  completed: 'Completed',
  'entered-in-error': 'Entered in error',
};

/** A concept's words, each field checked (safeFields.ts): a malformed one is skipped, never drawn. */
const textOf = (cc: CodeableConcept | undefined): string | undefined =>
  conceptText(cc) ??
  (Array.isArray(cc?.coding)
    ? text(cc.coding.find((c) => typeof c?.code === 'string')?.code)
    : undefined);

function dayText(v: string | undefined): DayNumber | undefined {
  if (!v || !/^\d{4}-\d{2}-\d{2}/.test(v)) return undefined;
  const t = Date.parse(`${v.slice(0, 10)}T00:00:00Z`);
  return Number.isFinite(t) ? Math.round(t / 86_400_000) : undefined;
}

/**
 * Read one peer Task the way the peer-followup-task profile writes it:
 * Task.output typed by the task-output-type CodeSystem (contact-outcome,
 * contact-attempt-note) plus any Task.note.
 */
export function readPeerTask(t: Task): PeerTaskView {
  const outcomeCc = outputsOfType(t, 'contact-outcome')[0]?.valueCodeableConcept;
  const outcome =
    text(
      (Array.isArray(outcomeCc?.coding) ? outcomeCc.coding : []).find((c) =>
        isContactOutcome(c?.code),
      )?.display,
    ) ?? textOf(outcomeCc);
  const attempts = [
    ...outputsOfType(t, 'contact-attempt-note').map((o) => o.valueAnnotation),
    ...(Array.isArray(t.note) ? t.note : []),
  ]
    .filter((a): a is NonNullable<typeof a> => !!a && typeof a.text === 'string')
    .map((a) => ({ day: dayText(a.time), text: a.text }))
    .sort((a, b) => (b.day ?? -Infinity) - (a.day ?? -Infinity));
  const status = String(t.status ?? 'unknown');
  return {
    reference: `Task/${t.id ?? '(no id)'}`,
    reason:
      (Array.isArray(t.reasonCode) ? undefined : textOf(t.reasonCode)) ??
      text(t.description) ??
      'Peer follow-up',
    description: text(t.description),
    status,
    open: OPEN_TASK_STATUSES.has(status),
    authored: dayText(t.authoredOn),
    due: dayText(t.restriction?.period?.end),
    owner: text(t.owner?.display) ?? (t.owner ? 'Assigned' : undefined),
    outcome,
    lastAttempt: attempts[0],
    statusReason: textOf(t.statusReason),
  };
}

// ------------------------------------------------------------------ evidence lines

const ENCOUNTER_CLASS_WORDS: Record<string, string> = {
  AMB: 'Office visit',
  VR: 'Telehealth visit',
  EMER: 'Emergency department visit',
  IMP: 'Inpatient stay',
  ACUTE: 'Inpatient stay',
  HH: 'Home visit',
};

function observationValue(o: Observation): string {
  if (o.valueCodeableConcept) return textOf(o.valueCodeableConcept) ?? 'coded result';
  if (typeof o.valueString === 'string') return o.valueString;
  if (o.valueQuantity) return `${o.valueQuantity.value ?? ''} ${o.valueQuantity.unit ?? ''}`.trim();
  const interp = textOf(o.interpretation?.[0]);
  return interp ? `interpretation ${interp}` : 'no value';
}

/** One readable line per resource of the record, keyed "Type/id", for evidence. */
export function resourceLines(
  record: PatientRecord,
  orders: PatientSummary['orders'],
): Map<string, ResourceLine> {
  const out = new Map<string, ResourceLine>();
  const put = (r: FhirResource, line: ResourceLine) => {
    if (r.id) out.set(`${r.resourceType}/${r.id}`, line);
  };
  const date = (v: string | undefined) => (dayText(v) !== undefined ? day(dayText(v)) : undefined);
  const orderByRef = new Map(orders.map((o) => [o.reference, o]));
  for (const r of record.medicationRequests) {
    const o = orderByRef.get(`MedicationRequest/${r.id ?? ''}`);
    put(r, {
      type: 'Medication order',
      date: o?.start !== undefined ? day(o.start) : date(r.authoredOn),
      display: `${o?.display ?? textOf(r.medicationCodeableConcept) ?? 'medication'} (${r.status})`,
    });
  }
  for (const d of record.medicationDispenses as MedicationDispense[])
    put(d, {
      type: 'Pharmacy dispense',
      date: date(d.whenHandedOver ?? d.whenPrepared),
      display: `${textOf(d.medicationCodeableConcept) ?? 'medication'}${d.daysSupply?.value ? `, ${d.daysSupply.value} days supply` : ''} (${d.status})`,
    });
  for (const e of record.encounters as Encounter[]) {
    const cls = (e.class as { code?: string } | undefined)?.code ?? '';
    put(e, {
      type: ENCOUNTER_CLASS_WORDS[cls] ?? 'Visit',
      date: date(e.period?.start ?? e.period?.end),
      display: `${textOf(e.type?.[0]) ?? 'encounter'} (${e.status})`,
    });
  }
  for (const o of record.observations)
    put(o, {
      type: 'Lab result',
      date: date(o.effectiveDateTime ?? o.effectivePeriod?.start ?? o.issued),
      display: `${textOf(o.code) ?? 'test'}: ${observationValue(o)} (${o.status})`,
    });
  for (const t of record.tasks)
    put(t, {
      type: 'Peer task',
      date: date(t.authoredOn),
      display: `${t.description ?? textOf(t.code) ?? 'task'} (${TASK_STATUS_WORDS[t.status] ?? t.status})`,
    });
  for (const c of record.carePlans)
    put(c, {
      type: 'Care plan',
      date: date(c.period?.start ?? c.created),
      display: `${c.title ?? 'care plan'} (${c.status})`,
    });
  for (const c of record.conditions)
    put(c, {
      type: 'Condition',
      date: date(c.onsetDateTime ?? c.recordedDate),
      display: textOf(c.code) ?? 'condition',
    });
  return out;
}
