/**
 * deriveAll: the one entry point from a PatientRecord to everything the app
 * shows. Pure, and it never throws: each step runs guarded, and a failing
 * step yields an empty result plus a `failures` entry, so one bad module (or
 * one hostile resource) cannot blank the whole summary.
 */
import {
  fromDay,
  objects,
  PARAMETERS,
  type DayNumber,
  type PatientRecord,
  type Unreadable,
} from './core';
import { computeCoverage, coveringOn, type CoverageSummary, type SupplyOf } from './coverage';
import { summariseDrugTests, type DrugTestSummary } from './drugTests';
import {
  assessEngagement,
  engagementStatusCoding,
  medicationDimension,
  peerDimension,
  testsDimension,
  visitsDimension,
  type Dimension,
  type DimensionStatus,
  type EngagementSummary,
} from './engagement';
import { proposeFollowUps } from './followUps';
import {
  classifyOrders,
  daysSupply,
  mmeSeriesReport,
  oudDiagnoses,
  type ClassificationResult,
  type ClassifiedOrder,
} from './medications';
import type { DerivationModule, MmeSummary, PatientSummary } from './summary';
import {
  assessSafety,
  assessTaper,
  TAPERING_STATES,
  type SafetySummary,
  type TaperSummary,
} from './taper';
import { summariseVisits, type VisitContext, type VisitSummary } from './visits';

/** A record with every list present (partial input is normal: a search may have failed). */
function normalise(record: unknown): PatientRecord {
  const r = (record && typeof record === 'object' ? record : {}) as Partial<
    Record<keyof PatientRecord, unknown>
  >;
  return {
    patient:
      r.patient && typeof r.patient === 'object'
        ? (r.patient as PatientRecord['patient'])
        : undefined,
    medicationRequests: objects(r.medicationRequests),
    medications: objects(r.medications),
    medicationDispenses: objects(r.medicationDispenses),
    medicationAdministrations: objects(r.medicationAdministrations),
    conditions: objects(r.conditions),
    encounters: objects(r.encounters),
    observations: objects(r.observations),
    tasks: objects(r.tasks),
    carePlans: objects(r.carePlans),
    loadStatus:
      r.loadStatus && typeof r.loadStatus === 'object'
        ? (r.loadStatus as PatientRecord['loadStatus'])
        : undefined,
  };
}

const safeSupply: SupplyOf = (o) => {
  try {
    return daysSupply(o);
  } catch {
    return undefined;
  }
};

function emptyCoverage(asOf: DayNumber): CoverageSummary {
  return {
    asOf,
    status: 'no-moud',
    medications: [],
    daysInTreatment: 0,
    continuousTreatment: false,
    pdc: PARAMETERS.coverage.pdcWindowsDays.map((w) => ({
      windowDays: w,
      fromDay: asOf - w + 1,
      days: 0,
      coveredDays: 0,
      value: 0,
      evidence: { rule: 'coverage.pdc', resources: [] },
    })),
    gaps: [],
    segments: [],
    milestones: [],
    literatureView: {
      label: 'Literature view unavailable',
      gapDays: PARAMETERS.coverage.literatureGapDays,
      daysSinceStart: 0,
      discontinuations: [],
    },
    timeline: [],
    supplies: [],
    unreadable: [],
    evidence: [],
  };
}

/** Who prescribed buprenorphine (MOUD or for pain) covering a day: the drug-test consistency check. */
function buprenorphinePrescribedOn(
  coverage: CoverageSummary,
  orders: readonly ClassifiedOrder[],
): (day: DayNumber) => string[] {
  const bupTimeline = coverage.timeline.filter(
    (i) => i.medication.startsWith('buprenorphine') || i.medication === 'moud-buprenorphine',
  );
  const bupPain = orders.filter((o) => o.category === 'buprenorphine-pain' && o.counted);
  return (day) => [
    ...coveringOn(bupTimeline, day, () => true).flatMap((i) => i.sources),
    ...bupPain
      .filter(
        (o) =>
          o.start !== undefined && o.start <= day && (safeSupply(o)?.days ?? 0) + o.start > day,
      )
      .map((o) => o.reference),
  ];
}

/** What the visit rules need to know: a recent (re)start, methadone, long-term opioids, a taper. */
function visitContext(coverage: CoverageSummary, taper: TaperSummary): VisitContext {
  const inMoud = coverage.status === 'covered' || coverage.status === 'short-gap';
  const seg = coverage.currentSegment;
  return {
    startDay: inMoud && seg ? seg.start : undefined,
    methadoneStart:
      inMoud &&
      coverage.timeline.some(
        (i) => i.medication.startsWith('methadone') && seg !== undefined && i.start === seg.start,
      ),
    inMoud,
    longTermOpioid: taper.longTermNow,
    tapering: TAPERING_STATES.has(taper.state),
  };
}

function mmeSummary(
  report: ReturnType<typeof mmeSeriesReport> | undefined,
  from: DayNumber,
  asOf: DayNumber,
): MmeSummary {
  return {
    fromDay: from,
    toDay: asOf,
    days: report?.days ?? [],
    factorSet: report ? String(report.factorSet) : undefined,
  };
}

function noVisits(asOf: DayNumber): VisitSummary {
  return {
    asOf,
    attended: [],
    missed: [],
    upcoming: [],
    recentMissed: [],
    recentAcuteCare: [],
    acuteCareFlag: false,
    unreadable: [],
  };
}

function unassessedTaper(asOf: DayNumber): TaperSummary {
  return {
    asOf,
    state: 'unknown',
    text: 'Taper could not be assessed.',
    longTermNow: false,
    longTermInLookback: false,
    currentMme: null,
    baselineOrders: [],
    currentOrders: [],
    flags: [],
    evidence: [],
  };
}

function unassessedEngagement(dimensions: EngagementSummary['dimensions']): EngagementSummary {
  return {
    overall: 'Insufficient data',
    code: engagementStatusCoding('Insufficient data'),
    rule: {
      id: 'error',
      overall: 'Insufficient data',
      because: 'Engagement could not be assessed.',
    },
    dimensions,
    reasons: [],
    evidence: [],
  };
}

export function deriveAll(record: PatientRecord, asOfInput: DayNumber): PatientSummary {
  const asOf = Number.isFinite(asOfInput) ? Math.trunc(asOfInput) : 0;
  const failures: PatientSummary['failures'] = [];
  const guard = <T>(module: DerivationModule, fn: () => T, fallback: () => T): T => {
    try {
      return fn();
    } catch (e) {
      failures.push({ module, message: e instanceof Error ? e.message : String(e) });
      return fallback();
    }
  };
  const rec = guard(
    'record',
    () => normalise(record),
    () => normalise(undefined),
  );

  const classification: ClassificationResult = guard(
    'medications',
    () => classifyOrders(rec),
    () => ({ orders: [], unreadable: [] }),
  );
  const orders = classification.orders;

  const coverage = guard(
    'coverage',
    () => computeCoverage(orders, rec.medicationDispenses, safeSupply, asOf),
    () => emptyCoverage(asOf),
  );

  const from = asOf - PARAMETERS.taper.lookbackDays + 1;
  const mmeReport = guard(
    'mme',
    () => mmeSeriesReport(orders, from, asOf, { windowOnly: true }),
    () => undefined,
  );
  const mme = mmeSummary(mmeReport, from, asOf);

  const drugTests: DrugTestSummary = guard(
    'drugTests',
    () => summariseDrugTests(rec.observations, asOf, buprenorphinePrescribedOn(coverage, orders)),
    () => ({ asOf, results: [], latestByAnalyte: {}, signals: [], unreadable: [] }),
  );

  // Taper first without the visit context (visits need to know whether a taper is on).
  const taperCore: TaperSummary = guard(
    'taper',
    () => assessTaper({ series: mme.days, orders, supplyOf: safeSupply, asOf, drugTests }),
    () => unassessedTaper(asOf),
  );

  const visits: VisitSummary = guard(
    'visits',
    () => summariseVisits(rec.encounters, asOf, visitContext(coverage, taperCore)),
    () => noVisits(asOf),
  );

  // Re-assess with visits so "ED visit during a taper" can count as an OUD sign.
  const taper = visits.acuteCareFlag
    ? guard(
        'taper',
        () =>
          assessTaper({ series: mme.days, orders, supplyOf: safeSupply, asOf, drugTests, visits }),
        () => taperCore,
      )
    : taperCore;

  const safety: SafetySummary = guard(
    'safety',
    () =>
      assessSafety({
        asOf,
        orders,
        supplyOf: safeSupply,
        taper,
        drugTests,
        oudConditions: oudDiagnoses(rec.conditions),
      }),
    () => ({ flags: [], naloxoneOnRecord: [] }),
  );

  const moudUnreadable = coverage.unreadable.length;
  const dim = (dimension: Dimension, fn: () => DimensionStatus): DimensionStatus =>
    guard(`engagement.${dimension}`, fn, () => ({
      dimension,
      level: 'no-data',
      reasons: ['Could not be assessed.'],
      evidence: [],
    }));
  const dimensions = {
    medication: dim('medication', () => medicationDimension(coverage, asOf, moudUnreadable)),
    visits: dim('visits', () => visitsDimension(visits)),
    tests: dim('tests', () => testsDimension(drugTests)),
    peer: dim('peer', () => peerDimension(rec.tasks, rec.carePlans, asOf)),
  };
  const engagement = guard(
    'engagement',
    () => assessEngagement(dimensions),
    () => unassessedEngagement(dimensions),
  );

  const followUps = guard(
    'followUps',
    () =>
      proposeFollowUps({
        asOf,
        coverage,
        visits,
        drugTests,
        taper,
        safety,
        medication: dimensions.medication,
        peer: dimensions.peer,
        tasks: rec.tasks,
        carePlans: rec.carePlans,
      }),
    () => [],
  );

  const unreadable: Unreadable[] = [
    ...classification.unreadable,
    ...coverage.unreadable,
    ...(mmeReport?.excluded ?? []),
    ...visits.unreadable,
    ...drugTests.unreadable,
  ];

  return {
    asOf,
    asOfDate: guard(
      'dates',
      () => fromDay(asOf),
      () => '',
    ),
    orders,
    coverage,
    mme,
    visits,
    drugTests,
    taper,
    safety,
    engagement,
    followUps,
    unreadable,
    failures,
  };
}
