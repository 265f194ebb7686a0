/**
 * Multidimensional engagement (care-model.md): medication, visits, tests and
 * peer contact, each with a level and plain, person-first reasons; the
 * overall status comes from a small rule TABLE (data, first match wins),
 * documented in docs/engagement-rules.md. Never a single opaque score.
 */
import type { CarePlan, Coding, Task } from 'fhir/r4';
import type { CoverageSummary } from '../coverage/coverage';
import { fromDay, type DayNumber } from '../core/dates';
import type { DrugTestSummary } from '../drugTests/drugTests';
import { ref, type Evidence } from '../core/evidence';
import { PARAMETERS } from '../core/parameters';
import type { VisitSummary } from '../visits/visits';
import type { CodeOf } from '../../../fhir-profiles/generated/codes';
import { codingOf, inValueSet } from '../core/codes';
import { FOLLOW_UP_REASON_SYSTEM } from '../followUps/reasons';
import { codingsOf, dayOfText, present } from '../core/guards';
import { OPEN_TASK_STATUSES } from '../tasks/workflow';

const P = PARAMETERS.engagement;

export type Dimension = 'medication' | 'visits' | 'tests' | 'peer';
export type Level = 'good' | 'concern' | 'serious' | 'no-data' | 'not-applicable';
/** Every overall status (a test checks each against the engagement-status CodeSystem). */
export const OVERALL_STATUSES = [
  'Engaged',
  'At risk',
  'Disengaged',
  'Not in MOUD treatment',
  'Insufficient data',
] as const;
export type OverallStatus = (typeof OVERALL_STATUSES)[number];

/** The engagement-status code of each overall status (the statuses are display words). */
const ENGAGEMENT_STATUS_CODE: Readonly<Record<OverallStatus, CodeOf<'engagement-status'>>> = {
  Engaged: 'engaged',
  'At risk': 'at-risk',
  Disengaged: 'disengaged',
  'Not in MOUD treatment': 'not-in-treatment',
  'Insufficient data': 'insufficient-data',
};

/** The engagement-status Coding of an overall status. */
export function engagementStatusCoding(status: OverallStatus): Coding {
  return codingOf('engagement-status', ENGAGEMENT_STATUS_CODE[status]);
}

export interface DimensionStatus {
  dimension: Dimension;
  level: Level;
  reasons: string[];
  evidence: Evidence[];
  /** Peer dimension only: days since the last completed peer contact. */
  daysSinceContact?: number;
}

interface EngagementRule {
  id: string;
  overall: OverallStatus;
  /** Every listed dimension must be at one of the listed levels. */
  when?: Partial<Record<Dimension, Level[]>>;
  /** At least this many dimensions at "serious". */
  minSerious?: number;
  /** At least this many dimensions at "concern" or "serious". */
  minConcern?: number;
  /** Why the rule exists, in plain words (shown with the status). */
  because: string;
}

/** THE TABLE. Read top to bottom; the first row that matches decides. */
export const ENGAGEMENT_RULES: readonly EngagementRule[] = [
  {
    id: 'not-in-moud',
    overall: 'Not in MOUD treatment',
    when: { medication: ['not-applicable'] },
    because: 'No MOUD supply on record in the last 180 days.',
  },
  {
    id: 'no-medication-data',
    overall: 'Insufficient data',
    when: { medication: ['no-data'] },
    because: 'MOUD is on record but its supply cannot be worked out.',
  },
  {
    id: 'lapsed-and-no-visits',
    overall: 'Disengaged',
    when: { medication: ['serious'], visits: ['serious', 'no-data'] },
    because: 'Medication has lapsed and there is no recent visit.',
  },
  {
    id: 'three-serious',
    overall: 'Disengaged',
    minSerious: 3,
    because: 'Three or more areas need attention.',
  },
  {
    id: 'any-serious',
    overall: 'At risk',
    minSerious: 1,
    because: 'At least one area needs attention soon.',
  },
  {
    id: 'medication-concern',
    overall: 'At risk',
    when: { medication: ['concern'] },
    because: 'Medication continuity is slipping.',
  },
  {
    id: 'two-concerns',
    overall: 'At risk',
    minConcern: 2,
    because: 'Two or more areas show early warning signs.',
  },
  {
    id: 'engaged',
    overall: 'Engaged',
    when: { medication: ['good'] },
    because: 'Medication is continuous and no more than one minor concern.',
  },
  {
    id: 'fallback',
    overall: 'Insufficient data',
    because: 'Not enough information to judge engagement.',
  },
];

export interface EngagementSummary {
  overall: OverallStatus;
  /** The overall status as an engagement-status Coding (what the app writes). */
  code: Coding;
  rule: EngagementRule;
  dimensions: Record<Dimension, DimensionStatus>;
  /** Plain sentences: the rule, then the reasons of the dimensions that drove it. */
  reasons: string[];
  evidence: Evidence[];
}

function matches(rule: EngagementRule, dims: Record<Dimension, DimensionStatus>): boolean {
  const levels = Object.values(dims).map((d) => d.level);
  if (rule.when) {
    for (const [dim, allowed] of Object.entries(rule.when) as [Dimension, Level[]][])
      if (!allowed.includes(dims[dim].level)) return false;
  }
  if (
    rule.minSerious !== undefined &&
    levels.filter((l) => l === 'serious').length < rule.minSerious
  )
    return false;
  if (
    rule.minConcern !== undefined &&
    levels.filter((l) => l === 'concern' || l === 'serious').length < rule.minConcern
  )
    return false;
  return true;
}

const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
const ago = (n: number) => (n === 0 ? 'today' : `${days(n)} ago`);

/** The first medication display word, e.g. "Buprenorphine", for sentences. */
export function medicationWord(c: Pick<CoverageSummary, 'medications' | 'timeline'>): string {
  const text = c.medications[0] ?? c.timeline[c.timeline.length - 1]?.display ?? 'MOUD';
  const m = /buprenorphine|methadone|naltrexone|sublocade|brixadi|vivitrol|suboxone|zubsolv/i.exec(
    text,
  );
  const w = (m?.[0] ?? 'MOUD').toLowerCase();
  const generic: Record<string, string> = {
    sublocade: 'buprenorphine',
    brixadi: 'buprenorphine',
    suboxone: 'buprenorphine',
    zubsolv: 'buprenorphine',
    vivitrol: 'naltrexone',
  };
  const g = generic[w] ?? w;
  return g === 'moud' ? 'MOUD' : g.charAt(0).toUpperCase() + g.slice(1);
}

export function medicationDimension(
  c: CoverageSummary,
  asOf: DayNumber,
  unreadableMoud: number,
): DimensionStatus {
  const ev = c.evidence;
  const word = medicationWord(c);
  const pdc90 = c.pdc.find((p) => p.windowDays === 90);
  const last = c.timeline.reduce<number | undefined>(
    (m, t) => (m === undefined || t.end > m ? t.end : m),
    undefined,
  );
  if (c.status === 'no-moud') {
    return unreadableMoud > 0
      ? {
          dimension: 'medication',
          level: 'no-data',
          reasons: ['MOUD is on record but its days supply cannot be worked out.'],
          evidence: ev,
        }
      : {
          dimension: 'medication',
          level: 'not-applicable',
          reasons: ['No MOUD on record.'],
          evidence: ev,
        };
  }
  if (c.status === 'lapsed' && last !== undefined && asOf - last > 180)
    return {
      dimension: 'medication',
      level: 'not-applicable',
      reasons: [`No MOUD supply since ${fromDay(last)}.`],
      evidence: ev,
    };
  if (c.status === 'not-started')
    return {
      dimension: 'medication',
      level: 'good',
      reasons: [`${word} is prescribed and starts on ${fromDay(c.timeline[0]?.start ?? asOf)}.`],
      evidence: ev,
    };
  if (c.status === 'lapsed' || c.status === 'short-gap') {
    const n = c.daysSinceRunOut ?? 0;
    return {
      dimension: 'medication',
      level: c.status === 'lapsed' ? 'serious' : 'concern',
      reasons: [`${word} supply ran out ${ago(n)}.`],
      evidence: ev,
    };
  }
  const reasons = [
    `${word} supply covers today${c.runOutDay !== undefined ? ` and lasts through ${fromDay(c.runOutDay)}` : ''}.`,
  ];
  if (c.daysInTreatment > 0)
    reasons.push(
      `${days(c.daysInTreatment)} in treatment since ${c.currentSegment ? fromDay(c.currentSegment.start) : 'the start'}.`,
    );
  if (pdc90 && pdc90.value < P.pdcConcernBelow) {
    reasons.push(
      `Covered on ${pdc90.coveredDays} of the last ${pdc90.days} days (${Math.round(pdc90.value * 100)}%).`,
    );
    return {
      dimension: 'medication',
      level: 'concern',
      reasons,
      evidence: [...ev, pdc90.evidence],
    };
  }
  return {
    dimension: 'medication',
    level: 'good',
    reasons,
    evidence: pdc90 ? [...ev, pdc90.evidence] : ev,
  };
}

export function visitsDimension(v: VisitSummary): DimensionStatus {
  const evidence: Evidence[] = [];
  const reasons: string[] = [];
  let level: Level = 'good';
  const worse = (l: Level) => {
    const order: Level[] = ['good', 'concern', 'serious'];
    if (order.indexOf(l) > order.indexOf(level)) level = l;
  };
  if (!v.lastAttended && !v.nextPlanned && v.missed.length === 0) {
    return { dimension: 'visits', level: 'no-data', reasons: ['No visits on record.'], evidence };
  }
  if (v.lastAttended) {
    evidence.push(v.lastAttended.evidence);
    const n = v.daysSinceLastAttended ?? 0;
    reasons.push(`Last visit ${ago(n)}.`);
    if (n > P.visitsSeriousDays) worse('serious');
  } else {
    reasons.push('No attended visit on record.');
    worse('serious');
  }
  if (v.followUp?.overdue) {
    evidence.push(v.followUp.evidence);
    reasons.push(`A follow-up visit was due ${ago(v.followUp.daysOverdue)}.`);
    worse(v.followUp.daysOverdue > 30 ? 'serious' : 'concern');
  }
  if (v.recentMissed.length) {
    evidence.push(...v.recentMissed.map((m) => m.evidence));
    reasons.push(
      `${v.recentMissed.length} visit${v.recentMissed.length === 1 ? ' was' : 's were'} cancelled or missed in the last 30 days.`,
    );
    worse('concern');
  }
  if (v.acuteCareFlag) {
    evidence.push(...v.recentAcuteCare.map((m) => m.evidence));
    const last = v.recentAcuteCare[v.recentAcuteCare.length - 1];
    reasons.push(`Emergency or hospital care ${last ? ago(v.asOf - last.day) : 'recently'}.`);
    worse('concern');
  }
  if (v.nextPlanned) {
    evidence.push(v.nextPlanned.evidence);
    reasons.push(`Next visit planned on ${fromDay(v.nextPlanned.day)}.`);
  }
  return { dimension: 'visits', level, reasons, evidence };
}

export function testsDimension(t: DrugTestSummary): DimensionStatus {
  const risk = t.signals.filter((s) => s.kind === 'overdose-risk');
  if (risk.length)
    return {
      dimension: 'tests',
      level: 'serious',
      reasons: risk.map((s) => s.text),
      evidence: risk.flatMap((s) => s.evidence),
    };
  const nd = t.signals.filter((s) => s.kind === 'buprenorphine-not-detected');
  if (nd.length)
    return {
      dimension: 'tests',
      level: 'concern',
      reasons: nd.map((s) => s.text),
      evidence: nd.flatMap((s) => s.evidence),
    };
  if (t.lastTestDay === undefined || t.asOf - t.lastTestDay > P.testsRecentDays)
    return {
      dimension: 'tests',
      level: 'no-data',
      reasons: [`No urine drug test in the last ${P.testsRecentDays} days.`],
      evidence: [],
    };
  const ok = t.signals.filter((s) => s.kind === 'buprenorphine-consistent');
  const lastDay = t.lastTestDay;
  const latest = t.results.filter((r) => r.day === lastDay);
  return {
    dimension: 'tests',
    level: 'good',
    reasons: ok.length ? ok.map((s) => s.text) : [`Last urine drug test ${ago(t.asOf - lastDay)}.`],
    evidence: ok.length ? ok.flatMap((s) => s.evidence) : latest.map((r) => r.evidence),
  };
}

/**
 * A Task is peer work when its reason comes from the app's follow-up-reason
 * CodeSystem, or its code is HCPCS H0038 (peer services, ValueSet
 * peer-services-hcpcs), or it belongs to a CarePlan whose category mentions
 * peer support.
 */
export function isPeerTask(t: Task, carePlans: CarePlan[]): boolean {
  if (codingsOf(t.reasonCode).some((c) => c.system === FOLLOW_UP_REASON_SYSTEM)) return true;
  if (inValueSet(t.code, 'peer-services-hcpcs')) return true;
  const based = present(t.basedOn)
    .map((b) => (typeof b?.reference === 'string' ? b.reference : ''))
    .filter(Boolean);
  if (based.length === 0) return false;
  const plans = present(carePlans)
    .filter(
      (cp) =>
        typeof cp?.id === 'string' &&
        present(cp.category).some(
          (cat) =>
            codingsOf(cat).some((c) =>
              /peer/i.test(`${String(c.code ?? '')} ${String(c.display ?? '')}`),
            ) || /peer/i.test(String(cat?.text ?? '')),
        ),
    )
    .map((cp) => `CarePlan/${cp.id}`);
  return based.some((r) => plans.some((p) => r.endsWith(p)));
}

function taskDay(t: Task): DayNumber | undefined {
  return dayOfText(t.executionPeriod?.end) ?? dayOfText(t.lastModified) ?? dayOfText(t.authoredOn);
}

/**
 * Peer contact rule: the last completed peer Task is the last contact; a
 * failed Task is a contact attempt (not reached). Open peer Tasks past their
 * due date are a concern.
 */
export function peerDimension(
  tasks: Task[],
  carePlans: CarePlan[],
  asOf: DayNumber,
): DimensionStatus {
  const peer = present(tasks).filter((t) => typeof t === 'object' && isPeerTask(t, carePlans));
  if (peer.length === 0)
    return {
      dimension: 'peer',
      level: 'no-data',
      reasons: ['No peer recovery support on record.'],
      evidence: [],
    };
  const dated = peer
    .map((t) => ({ t, day: taskDay(t) }))
    .filter((x): x is { t: Task; day: number } => x.day !== undefined && x.day <= asOf);
  const lastOf = (status: string) =>
    dated.filter((x) => x.t.status === status).sort((a, b) => b.day - a.day)[0];
  const completed = lastOf('completed');
  const attempt = lastOf('failed');
  const overdue = peer.filter(
    (t) =>
      OPEN_TASK_STATUSES.has(String(t.status)) &&
      (dayOfText(t.restriction?.period?.end) ?? Infinity) < asOf,
  );
  const evidence: Evidence[] = [];
  const reasons: string[] = [];
  let level: Level;
  if (completed) {
    const n = asOf - completed.day;
    evidence.push({
      rule: 'engagement.peer.last-contact',
      resources: [ref(completed.t)],
      detail: `completed on ${fromDay(completed.day)}`,
    });
    reasons.push(`Last peer contact ${ago(n)}.`);
    // Decision: peer support helps people stay in treatment, but a lapse in
    // peer contact alone is an early warning, never "serious": it must not make
    // someone "At risk" while medication, visits and tests are on track.
    level = n <= P.peerContactCurrentDays ? 'good' : 'concern';
  } else {
    reasons.push('No completed peer contact yet.');
    level = 'concern';
  }
  if (attempt && (!completed || attempt.day > completed.day)) {
    evidence.push({
      rule: 'engagement.peer.attempt',
      resources: [ref(attempt.t)],
      detail: `not reached on ${fromDay(attempt.day)}`,
    });
    reasons.push(`Peer tried to reach out ${ago(asOf - attempt.day)} and could not connect.`);
    if (level === 'good') level = 'concern';
  }
  if (overdue.length) {
    evidence.push({
      rule: 'engagement.peer.overdue',
      resources: overdue.map((t) => ref(t)),
      detail: `${overdue.length} open peer task(s) past due`,
    });
    reasons.push(
      `${overdue.length} peer follow-up${overdue.length === 1 ? ' is' : 's are'} past due.`,
    );
    if (level === 'good') level = 'concern';
  }
  return {
    dimension: 'peer',
    level,
    reasons,
    evidence,
    ...(completed ? { daysSinceContact: asOf - completed.day } : {}),
  };
}

export function assessEngagement(dims: Record<Dimension, DimensionStatus>): EngagementSummary {
  const rule =
    ENGAGEMENT_RULES.find((r) => matches(r, dims)) ??
    (ENGAGEMENT_RULES[ENGAGEMENT_RULES.length - 1] as EngagementRule);
  const order: Dimension[] = ['medication', 'visits', 'tests', 'peer'];
  const driving = order.filter((d) => dims[d].level === 'serious' || dims[d].level === 'concern');
  const shown =
    rule.overall === 'Engaged' || driving.length === 0
      ? order.filter((d) => dims[d].level !== 'no-data')
      : driving;
  return {
    overall: rule.overall,
    code: engagementStatusCoding(rule.overall),
    rule,
    dimensions: dims,
    reasons: [rule.because, ...shown.flatMap((d) => dims[d].reasons)],
    evidence: [
      {
        rule: `engagement.${rule.id}`,
        resources: [...new Set(order.flatMap((d) => dims[d].evidence.flatMap((e) => e.resources)))],
        detail: order.map((d) => `${d}: ${dims[d].level}`).join(', '),
      },
    ],
  };
}
