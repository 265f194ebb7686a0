/**
 * MOUD coverage and continuity, following the HEDIS "Pharmacotherapy for OUD"
 * (POD) conventions (clinical-reference §3).
 *
 * How a restart is reported: after a gap of ≥8 uncovered days the treatment
 * clock restarts (days in treatment, retention milestones and "continuous
 * treatment" count from the restart). HEDIS only opens a NEW episode when the
 * restart follows ≥31 MOUD-free days, so each segment carries `kind`:
 * "first-start", "new-episode" (≥31 free days before it) or
 * "resumed-after-gap" (8–30 free days before it: the earlier HEDIS episode
 * is broken but no new one opens). `hedisEpisodeStart` keeps the HEDIS view.
 */
import type { MedicationDispense } from 'fhir/r4';
import { fromDay, type DayNumber } from '../core/dates';
import { ref, type Evidence, type Unreadable } from '../core/evidence';
import { PARAMETERS } from '../core/parameters';
import { dayOfText } from '../core/guards';
import type { ClassifiedOrder, MoudProduct } from '../medications/types';

const P = PARAMETERS.coverage;

export type SupplyOf = (order: ClassifiedOrder) => { days: number; rule: string } | undefined;

/** One supply of one medication, before stacking. */
interface SupplyEvent {
  /** Stacking key: the same medication stacks, different ones do not. */
  medication: string;
  product?: MoudProduct;
  display: string;
  /** Day the supply became available (dispense handover or order start). */
  day: DayNumber;
  days: number;
  sources: string[];
  evidence: Evidence;
}

type CoverageForm = 'daily-dose' | 'injection' | 'implant';

/** One stretch of covered days of one medication, for the timeline. */
interface CoveredInterval {
  start: DayNumber;
  /** Last covered day (inclusive). */
  end: DayNumber;
  medication: string;
  product?: MoudProduct;
  display: string;
  form: CoverageForm;
  sources: string[];
  evidence: Evidence[];
}

interface CoverageGap {
  /** First uncovered day. */
  start: DayNumber;
  /** Last uncovered day (inclusive); for an open gap, asOf. */
  end: DayNumber;
  days: number;
  /** Still going on as of the summary day. */
  open: boolean;
  breaksEpisode: boolean;
  /** ≥30 days: counted as a discontinuation in the literature view. */
  literatureDiscontinuation: boolean;
  evidence: Evidence;
}

export type SegmentKind = 'first-start' | 'new-episode' | 'resumed-after-gap';

/** A run of coverage with no gap of 8+ days inside it. */
interface TreatmentSegment {
  start: DayNumber;
  /** Last covered day (may be after asOf: projected). */
  lastCovered: DayNumber;
  kind: SegmentKind;
  /** MOUD-free days before it (undefined for the first). */
  gapBefore?: number;
  evidence: Evidence;
}

type MilestoneStatus = 'reached' | 'in-progress' | 'not-reached';
interface RetentionMilestone {
  days: number;
  status: MilestoneStatus;
  /** Day the milestone is/was/would be reached for the current segment. */
  day: DayNumber;
  evidence: Evidence;
}

type CoverageStatus =
  | 'covered' // asOf is covered
  | 'short-gap' // ran out 1–7 days ago: still within the allowed gap
  | 'lapsed' // ran out ≥8 days ago
  | 'not-started' // only future supply
  | 'no-moud'; // no MOUD supply on record

export interface CoverageSummary {
  asOf: DayNumber;
  status: CoverageStatus;
  /** Display of the medication(s) covering the latest supply, e.g. "buprenorphine / naloxone 8 mg/2 mg SL film". */
  medications: string[];
  currentSegment?: TreatmentSegment;
  /** Start of the HEDIS episode the current segment belongs to. */
  hedisEpisodeStart?: DayNumber;
  /** Covered days from the current segment's start up to asOf. */
  daysInTreatment: number;
  /**
   * The day the supply runs out: its LAST covered day (projected if in the
   * future). "Ran out 10 days ago" = the last covered day was asOf − 10.
   */
  runOutDay?: DayNumber;
  /** asOf − runOutDay once the supply has run out (≥1); undefined while covered. */
  daysSinceRunOut?: number;
  /** Whether the current segment has lasted ≥180 days with no 8-day gap. */
  continuousTreatment: boolean;
  /**
   * Proportion of days covered over the trailing 90/180 days. The denominator
   * starts at the window start or the first MOUD supply on record, whichever
   * is later (PQA convention: no one is "non-adherent" before the first
   * prescription), so a new start covered every day reads 100%, not 19/90.
   */
  pdc: {
    windowDays: number;
    /** First day counted: max(asOf − windowDays + 1, first MOUD supply day). */
    fromDay: DayNumber;
    /** Days counted (the denominator): fromDay..asOf; 0 when no supply has started. */
    days: number;
    coveredDays: number;
    /** coveredDays ÷ days (0 when days is 0). */
    value: number;
    evidence: Evidence;
  }[];
  gaps: CoverageGap[];
  segments: TreatmentSegment[];
  milestones: RetentionMilestone[];
  /** The same data read with a 30-day gap rule, as some studies do. Labelled as such. */
  literatureView: {
    label: string;
    gapDays: number;
    currentStart?: DayNumber;
    daysSinceStart: number;
    discontinuations: CoverageGap[];
  };
  /** Per-medication covered stretches for the timeline (stacked, not unioned). */
  timeline: CoveredInterval[];
  /** Supply events after stacking input (for evidence / debugging). */
  supplies: SupplyEvent[];
  unreadable: Unreadable[];
  evidence: Evidence[];
}

export function isMoud(order: ClassifiedOrder): boolean {
  return (
    order.category === 'moud-buprenorphine' ||
    order.category === 'moud-methadone' ||
    order.category === 'moud-naltrexone'
  );
}

function formOf(product: MoudProduct | undefined): CoverageForm {
  switch (product) {
    case 'buprenorphine-er-monthly':
    case 'buprenorphine-er-weekly':
    case 'naltrexone-xr':
      return 'injection';
    case 'buprenorphine-implant':
      return 'implant';
    default:
      return 'daily-dose';
  }
}

function medicationKey(order: ClassifiedOrder): string {
  return order.moudProduct ?? order.category;
}

/** The request id a dispense was filled against, from its authorizingPrescription. */
function prescriptionIds(d: MedicationDispense): string[] {
  const out: string[] = [];
  const refs = Array.isArray(d.authorizingPrescription) ? d.authorizingPrescription : [];
  for (const r of refs) {
    const s = typeof r?.reference === 'string' ? r.reference : '';
    const m = /(?:^|\/)MedicationRequest\/([^/]+?)(?:\/_history\/.*)?$/.exec(s);
    if (m?.[1]) out.push(m[1]);
  }
  return out;
}

function dispenseDays(d: MedicationDispense): number | undefined {
  const q = d.daysSupply;
  if (!q || typeof q.value !== 'number' || !Number.isFinite(q.value) || q.value <= 0)
    return undefined;
  const unit = (q.code ?? q.unit ?? 'd').toLowerCase();
  if (unit === 'd' || unit.startsWith('day')) return Math.round(q.value);
  if (unit === 'wk' || unit.startsWith('week')) return Math.round(q.value * 7);
  if (unit === 'mo' || unit.startsWith('month')) return Math.round(q.value * 30);
  return undefined;
}

/** Dispense statuses that mean medication was handed over. */
const COUNTED_DISPENSE = new Set(['completed', 'in-progress']);

/**
 * Turn MOUD orders (and their dispenses) into supply events. A readable
 * dispense replaces its request: its daysSupply anchored at whenHandedOver.
 */
function supplyEvents(
  orders: ClassifiedOrder[],
  dispenses: MedicationDispense[],
  supplyOf: SupplyOf,
): { events: SupplyEvent[]; unreadable: Unreadable[] } {
  const events: SupplyEvent[] = [];
  const unreadable: Unreadable[] = [];
  const moud = orders.filter((o) => o && isMoud(o) && o.counted);
  const byId = new Map<string, ClassifiedOrder>();
  for (const o of moud) if (o.request?.id) byId.set(o.request.id, o);

  const dispensesByOrder = new Map<string, MedicationDispense[]>();
  for (const d of Array.isArray(dispenses) ? dispenses : []) {
    if (!d || typeof d !== 'object') continue;
    const ids = prescriptionIds(d).filter((id) => byId.has(id));
    if (ids.length === 0) continue; // not a MOUD dispense we know of (other drugs are not coverage)
    const id = ids[0] as string;
    const list = dispensesByOrder.get(id) ?? [];
    list.push(d);
    dispensesByOrder.set(id, list);
  }

  for (const order of moud) {
    const key = medicationKey(order);
    const supply = safeSupply(supplyOf, order);
    const ds = order.request?.id ? (dispensesByOrder.get(order.request.id) ?? []) : [];
    let usedDispense = false;
    for (const d of ds) {
      const r = ref({ resourceType: 'MedicationDispense', id: d.id });
      if (!COUNTED_DISPENSE.has(String(d.status))) {
        continue; // cancelled / declined / entered-in-error / preparation: nothing handed over
      }
      const day = dayOfText(d.whenHandedOver) ?? dayOfText(d.whenPrepared);
      const days = dispenseDays(d) ?? supply?.days;
      if (day === undefined || days === undefined) {
        unreadable.push({
          reference: r,
          reason: 'dispense without a handover date or days supply',
        });
        continue;
      }
      usedDispense = true;
      events.push({
        medication: key,
        product: order.moudProduct,
        display: order.display,
        day,
        days,
        sources: [r, order.reference],
        evidence: {
          rule:
            dispenseDays(d) !== undefined
              ? 'coverage.dispense-days-supply'
              : 'coverage.dispense-order-supply',
          resources: [r, order.reference],
          detail: `${days} days handed over on ${fromDay(day)}`,
        },
      });
    }
    if (usedDispense) continue;
    if (order.start === undefined) {
      unreadable.push({
        reference: order.reference,
        reason: 'MOUD order without a start date (boundsPeriod, authoredOn, validityPeriod)',
      });
      continue;
    }
    if (!supply) {
      unreadable.push({
        reference: order.reference,
        reason: 'MOUD order whose days supply cannot be worked out',
      });
      continue;
    }
    events.push({
      medication: key,
      product: order.moudProduct,
      display: order.display,
      day: order.start,
      days: supply.days,
      sources: [order.reference],
      evidence: {
        rule: `coverage.order-supply.${supply.rule}`,
        resources: [order.reference],
        detail: `${supply.days} days from ${fromDay(order.start)}`,
      },
    });
  }
  return { events, unreadable };
}

function safeSupply(
  supplyOf: SupplyOf,
  order: ClassifiedOrder,
): { days: number; rule: string } | undefined {
  try {
    const s = supplyOf(order);
    if (!s || !Number.isFinite(s.days) || s.days <= 0) return undefined;
    // A supply longer than ~5 years is a data error; cap so one bad order cannot cover a decade.
    return { days: Math.min(Math.round(s.days), 1830), rule: s.rule };
  } catch {
    return undefined;
  }
}

/**
 * HEDIS stacking: supplies of the SAME medication are laid end to end (a refill
 * before run-out starts the day after the previous supply ends); different
 * medications are kept separate. Returns per-medication merged intervals.
 */
function stack(events: SupplyEvent[]): CoveredInterval[] {
  const byMed = new Map<string, SupplyEvent[]>();
  for (const e of events) {
    const list = byMed.get(e.medication) ?? [];
    list.push(e);
    byMed.set(e.medication, list);
  }
  const out: CoveredInterval[] = [];
  for (const list of byMed.values()) {
    list.sort((a, b) => a.day - b.day || b.days - a.days);
    let cur: CoveredInterval | undefined;
    for (const e of list) {
      if (cur && e.day <= cur.end + 1) {
        // Same medication overlapping or adjacent: stack end to end.
        cur.end += e.days;
        cur.sources.push(...e.sources);
        cur.evidence.push({
          ...e.evidence,
          detail: `${e.evidence.detail ?? ''}; stacked after the previous supply, covered through ${fromDay(cur.end)}`,
        });
      } else {
        if (cur) out.push(cur);
        cur = {
          start: e.day,
          end: e.day + e.days - 1,
          medication: e.medication,
          product: e.product,
          display: e.display,
          form: formOf(e.product),
          sources: [...e.sources],
          evidence: [e.evidence],
        };
      }
    }
    if (cur) out.push(cur);
  }
  out.sort((a, b) => a.start - b.start || a.end - b.end);
  for (const i of out) i.sources = [...new Set(i.sources)];
  return out;
}

interface Span {
  start: DayNumber;
  end: DayNumber;
  sources: string[];
}

/** Union of intervals (any medication); adjacent days join. Input sorted by start. */
export function union(
  intervals: { start: DayNumber; end: DayNumber; sources: string[] }[],
): Span[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end + 1) {
      if (i.end > last.end) last.end = i.end;
      last.sources.push(...i.sources);
    } else out.push({ start: i.start, end: i.end, sources: [...i.sources] });
  }
  return out;
}

/** Covered days of a union within [from, to] (inclusive). */
export function coveredDaysIn(spans: Span[], from: DayNumber, to: DayNumber): number {
  let n = 0;
  for (const s of spans) {
    if (s.end < from) continue;
    if (s.start > to) break;
    n += Math.min(s.end, to) - Math.max(s.start, from) + 1;
  }
  return n;
}

function gapBetween(
  prevEnd: DayNumber,
  nextStart: DayNumber,
  asOf: DayNumber,
  open: boolean,
  sources: string[],
): CoverageGap {
  const start = prevEnd + 1;
  const end = nextStart - 1;
  const days = end - start + 1;
  return {
    start,
    end,
    days,
    open,
    breaksEpisode: days >= P.gapBreaksEpisodeDays,
    literatureDiscontinuation: days >= P.literatureGapDays,
    evidence: {
      rule: days >= P.gapBreaksEpisodeDays ? 'coverage.gap-8-days' : 'coverage.gap-allowed',
      resources: sources,
      detail: `${days} uncovered day${days === 1 ? '' : 's'} from ${fromDay(start)} to ${fromDay(end)}${open ? ` (still open on ${fromDay(asOf)})` : ''}; ${P.gapBreaksEpisodeDays}+ days breaks an episode`,
    },
  };
}

/** Segments of coverage separated by gaps of at least `breakDays`. */
function segmentsOf(
  spans: Span[],
  breakDays: number,
): { start: DayNumber; lastCovered: DayNumber; gapBefore?: number; sources: string[] }[] {
  const out: { start: DayNumber; lastCovered: DayNumber; gapBefore?: number; sources: string[] }[] =
    [];
  for (const s of spans) {
    const last = out[out.length - 1];
    const gap = last ? s.start - last.lastCovered - 1 : undefined;
    if (last && gap !== undefined && gap < breakDays) {
      last.lastCovered = Math.max(last.lastCovered, s.end);
      last.sources.push(...s.sources);
    } else
      out.push({ start: s.start, lastCovered: s.end, gapBefore: gap, sources: [...s.sources] });
  }
  return out;
}

/** Gaps between spans (only those starting on or before asOf), plus an open trailing gap. */
function coverageGaps(spans: Span[], pastSpans: Span[], asOf: DayNumber): CoverageGap[] {
  const gaps: CoverageGap[] = [];
  for (let i = 1; i < spans.length; i++) {
    const prev = spans[i - 1] as Span;
    const next = spans[i] as Span;
    if (prev.end + 1 > asOf) break;
    if (next.start > asOf) {
      gaps.push(gapBetween(prev.end, asOf + 1, asOf, true, prev.sources));
      break;
    }
    gaps.push(gapBetween(prev.end, next.start, asOf, false, [...prev.sources, ...next.sources]));
  }
  const lastPast = pastSpans[pastSpans.length - 1];
  const hasFutureAfterLast = spans.length > pastSpans.length;
  if (lastPast && lastPast.end < asOf && !hasFutureAfterLast) {
    gaps.push(gapBetween(lastPast.end, asOf + 1, asOf, true, lastPast.sources));
  }
  return gaps;
}

/** Treatment segments by the HEDIS 8-day rule, each a first start, a new episode or a resumption. */
function treatmentSegments(pastSpans: Span[]): TreatmentSegment[] {
  return segmentsOf(pastSpans, P.gapBreaksEpisodeDays).map((s, i) => {
    const kind: SegmentKind =
      i === 0
        ? 'first-start'
        : (s.gapBefore ?? 0) >= P.newEpisodeWashoutDays
          ? 'new-episode'
          : 'resumed-after-gap';
    return {
      start: s.start,
      lastCovered: s.lastCovered,
      kind,
      gapBefore: s.gapBefore,
      evidence: {
        rule: `coverage.segment.${kind}`,
        resources: [...new Set(s.sources)],
        detail:
          kind === 'first-start'
            ? `first MOUD supply on record on ${fromDay(s.start)}`
            : kind === 'new-episode'
              ? `restarted on ${fromDay(s.start)} after ${s.gapBefore} MOUD-free days (≥${P.newEpisodeWashoutDays}: new HEDIS episode)`
              : `resumed on ${fromDay(s.start)} after ${s.gapBefore} uncovered days (${P.gapBreaksEpisodeDays}–${P.newEpisodeWashoutDays - 1}: episode broken, not a new HEDIS episode)`,
      },
    };
  });
}

/** Proportion of days covered over each window, counted from the first supply when later. */
function pdcWindows(spans: Span[], asOf: DayNumber): CoverageSummary['pdc'] {
  const firstSupply = spans[0]?.start;
  return P.pdcWindowsDays.map((windowDays) => {
    const windowStart = asOf - windowDays + 1;
    const from = firstSupply !== undefined ? Math.max(windowStart, firstSupply) : windowStart;
    const counted = firstSupply !== undefined && firstSupply <= asOf ? asOf - from + 1 : 0;
    const coveredDays = counted > 0 ? coveredDaysIn(spans, from, asOf) : 0;
    const value = counted > 0 ? Math.max(0, Math.min(1, coveredDays / counted)) : 0;
    return {
      windowDays,
      fromDay: from,
      days: counted,
      coveredDays,
      value,
      evidence: {
        rule: 'coverage.pdc',
        resources: [
          ...new Set(
            spans.filter((s) => s.end >= from && s.start <= asOf).flatMap((s) => s.sources),
          ),
        ],
        detail:
          counted === 0
            ? `no MOUD supply started by ${fromDay(asOf)}`
            : `${coveredDays} of ${counted} days covered (${fromDay(from)} to ${fromDay(asOf)}${from > windowStart ? `: the ${windowDays}-day window counted from the first MOUD supply` : ''})`,
      },
    };
  });
}

/** Retention milestones (30/90/180 days) of the current segment. */
function retentionMilestones(
  current: TreatmentSegment | undefined,
  segmentSpan: number,
  segmentIsCurrent: boolean,
  asOf: DayNumber,
): RetentionMilestone[] {
  return P.retentionMilestonesDays.map((days) => {
    const day = (current?.start ?? asOf) + days - 1;
    const status: MilestoneStatus = !current
      ? 'not-reached'
      : segmentSpan >= days
        ? 'reached'
        : segmentIsCurrent
          ? 'in-progress'
          : 'not-reached';
    return {
      days,
      status,
      day,
      evidence: {
        rule: `coverage.retention-${days}`,
        resources: current?.evidence.resources ?? [],
        detail: current
          ? `${segmentSpan} day${segmentSpan === 1 ? '' : 's'} without an ${P.gapBreaksEpisodeDays}-day gap since ${fromDay(current.start)}`
          : 'no MOUD treatment on record',
      },
    };
  });
}

export function computeCoverage(
  orders: ClassifiedOrder[],
  dispenses: MedicationDispense[],
  supplyOf: SupplyOf,
  asOf: DayNumber,
): CoverageSummary {
  const { events, unreadable } = supplyEvents(orders, dispenses, supplyOf);
  const timeline = stack(events);
  const spans = union(timeline);
  const evidence: Evidence[] = [];

  const pastSpans = spans.filter((s) => s.start <= asOf);
  const lastPast = pastSpans[pastSpans.length - 1];
  const gaps = coverageGaps(spans, pastSpans, asOf);

  // Segments (8-day rule) up to asOf; a future-only segment is "not started".
  const segments = treatmentSegments(pastSpans);
  let hedisEpisodeStart: DayNumber | undefined;
  for (const s of segments) if (s.kind !== 'resumed-after-gap') hedisEpisodeStart = s.start;

  const current = segments[segments.length - 1];
  let status: CoverageStatus;
  let runOutDay: DayNumber | undefined;
  let daysSinceRunOut: number | undefined;
  const covering = pastSpans.find((s) => s.start <= asOf && s.end >= asOf);
  if (spans.length === 0) status = 'no-moud';
  else if (!lastPast) {
    status = 'not-started';
    runOutDay = (spans[0] as Span).end;
  } else if (covering) {
    status = 'covered';
    runOutDay = covering.end;
  } else {
    runOutDay = lastPast.end;
    daysSinceRunOut = asOf - runOutDay; // = uncovered days up to and including asOf
    status = daysSinceRunOut >= P.gapBreaksEpisodeDays ? 'lapsed' : 'short-gap';
  }
  // The current segment only counts as "current" while its gap has not broken it.
  const segmentIsCurrent =
    current !== undefined && (status === 'covered' || status === 'short-gap');
  const daysInTreatment =
    segmentIsCurrent && current ? coveredDaysIn(pastSpans, current.start, asOf) : 0;
  const segmentSpan = current ? Math.min(current.lastCovered, asOf) - current.start + 1 : 0;
  const continuousTreatment = segmentIsCurrent && segmentSpan >= P.continuousTreatmentDays;

  if (runOutDay !== undefined) {
    evidence.push({
      rule: status === 'covered' ? 'coverage.projected-run-out' : 'coverage.ran-out',
      resources: covering?.sources ?? lastPast?.sources ?? (spans[0] as Span).sources,
      detail:
        status === 'covered'
          ? `covered through ${fromDay(runOutDay)}: supply projected to run out after that day`
          : status === 'not-started'
            ? `first supply starts after ${fromDay(asOf)}`
            : `last covered day ${fromDay(runOutDay)}; ran out ${daysSinceRunOut} day${daysSinceRunOut === 1 ? '' : 's'} before ${fromDay(asOf)}`,
    });
  }

  const pdc = pdcWindows(spans, asOf);

  const milestones = retentionMilestones(current, segmentSpan, segmentIsCurrent, asOf);

  // Literature view: the same union read with a 30-day gap rule.
  const litSegments = segmentsOf(pastSpans, P.literatureGapDays);
  const litCurrent = litSegments[litSegments.length - 1];
  const litOpen = lastPast !== undefined && asOf - lastPast.end >= P.literatureGapDays;
  const literatureView = {
    label: `Literature view: a gap of ${P.literatureGapDays} days or more counted as stopping treatment (not the HEDIS 8-day rule)`,
    gapDays: P.literatureGapDays,
    currentStart: litCurrent && !litOpen ? litCurrent.start : undefined,
    daysSinceStart: litCurrent && !litOpen ? asOf - litCurrent.start + 1 : 0,
    discontinuations: gaps.filter((g) => g.literatureDiscontinuation),
  };

  const medications = [
    ...new Set(
      timeline
        .filter((t) =>
          covering ? t.start <= asOf && t.end >= asOf : lastPast ? t.end === lastPast.end : true,
        )
        .map((t) => t.display),
    ),
  ];

  return {
    asOf,
    status,
    medications,
    currentSegment: current,
    hedisEpisodeStart,
    daysInTreatment,
    runOutDay,
    daysSinceRunOut,
    continuousTreatment,
    pdc,
    gaps,
    segments,
    milestones,
    literatureView,
    timeline,
    supplies: events,
    unreadable,
    evidence,
  };
}

/** Days covered by any MOUD of a given category on a day (for "while prescribed" checks). */
export function coveringOn(
  timeline: CoveredInterval[],
  day: DayNumber,
  predicate: (i: CoveredInterval) => boolean,
): CoveredInterval[] {
  return timeline.filter((i) => i.start <= day && i.end >= day && predicate(i));
}
