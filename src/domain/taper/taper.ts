/**
 * Opioid taper assessment (clinical-reference §6): long-term opioid therapy
 * detection, baseline/current MME, pace, taper state and risk flags.
 *
 * Reading of the decisions (documented in docs/engagement-rules.md):
 * - Baseline = the highest 30-day mean MME/day on any day the person met the
 *   long-term definition within the lookback (the "original dose").
 * - Current = today's MME/day from the series.
 * - Pace = % of baseline reduced per 30 days: the fall since the taper began
 *   divided by the 30-day months started since then (rounded up, so a monthly
 *   step taper reads as its step size); a fall of more than 30% of baseline in
 *   the last 30 days always wins, so a recent rapid step is not averaged away.
 * - Abrupt discontinuation = within 7 days, to zero or a fall of >50%, from
 *   long-term use, still below half the pre-fall dose today. The last step of
 *   a gradual taper (a small dose to zero) is not abrupt: the fall must also
 *   be at least `abruptMinFallOfBaselinePct` of baseline (unconfirmed parameter).
 */
import { fromDay, type DayNumber } from '../core/dates';
import type { DrugTestSummary } from '../drugTests/drugTests';
import type { Evidence } from '../core/evidence';
import { PARAMETERS } from '../core/parameters';

import type { ClassifiedOrder, MmeDay } from '../medications/types';
import type { Coding } from 'fhir/r4';
import type { CodeOf } from '../../../fhir-profiles/generated/codes';
import { codingOf } from '../core/codes';
import type { SupplyOf } from '../coverage/coverage';
import type { VisitSummary } from '../visits/visits';

const P = PARAMETERS.taper;

/** Every taper state, in display order (a test checks each against the taper-status CodeSystem). */
export const TAPER_STATES = [
  'not-long-term',
  'stable',
  'increasing',
  'tapering-gradual',
  'tapering-moderate',
  'tapering-rapid',
  'paused',
  'abrupt-discontinuation',
  'completed',
  'unknown',
] as const;
export type TaperState = (typeof TAPER_STATES)[number];

/** The taper-status code of each state ('unknown', could not be assessed, is not a status to record). */
const TAPER_STATUS_CODE: Readonly<Record<Exclude<TaperState, 'unknown'>, CodeOf<'taper-status'>>> =
  {
    'not-long-term': 'not-on-long-term-opioids',
    stable: 'stable',
    increasing: 'increasing',
    'tapering-gradual': 'tapering-gradual',
    'tapering-moderate': 'tapering-moderate',
    'tapering-rapid': 'tapering-rapid',
    paused: 'paused',
    'abrupt-discontinuation': 'abrupt-discontinuation',
    completed: 'completed',
  };

/** The taper-status Coding of a state; undefined for 'unknown'. */
export function taperStatusCoding(state: TaperState): Coding | undefined {
  return state === 'unknown' ? undefined : codingOf('taper-status', TAPER_STATUS_CODE[state]);
}

export const TAPERING_STATES: ReadonlySet<TaperState> = new Set([
  'tapering-gradual',
  'tapering-moderate',
  'tapering-rapid',
  'paused',
  'abrupt-discontinuation',
]);

/**
 * Dose and taper-specific flags. The cross-cutting overdose-risk flags
 * (benzodiazepine with any opioid, no rescue naloxone, rapid/abrupt) live in safety.ts.
 */
type TaperFlagKind = 'mme-50' | 'mme-90' | 'oud-signs-during-taper';

interface TaperFlag {
  kind: TaperFlagKind;
  text: string;
  evidence: Evidence[];
}

export interface TaperSummary {
  asOf: DayNumber;
  state: TaperState;
  /**
   * The state as a taper-status Coding (what the app writes). Absent only for
   * 'unknown': the CodeSystem has no concept for "could not be assessed".
   */
  code?: Coding;
  /** Plain sentence for the state. */
  text: string;
  longTermNow: boolean;
  longTermInLookback: boolean;
  baselineMme?: number;
  baselineDay?: DayNumber;
  currentMme: number | null;
  /** % of baseline per 30 days (positive = reduction). */
  pacePctPer30Days?: number;
  taperStartDay?: DayNumber;
  abruptDay?: DayNumber;
  /** Orders active on the baseline day and today. */
  baselineOrders: string[];
  currentOrders: string[];
  flags: TaperFlag[];
  evidence: Evidence[];
}

interface TaperInput {
  series: MmeDay[];
  orders: ClassifiedOrder[];
  supplyOf: SupplyOf;
  asOf: DayNumber;
  drugTests?: Pick<DrugTestSummary, 'results'>;
  visits?: Pick<VisitSummary, 'recentAcuteCare'>;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Is an order active on a day: within its supply, or (no supply known) active status and started. */
export function activeOn(o: ClassifiedOrder, day: DayNumber, supplyOf: SupplyOf): boolean {
  if (!o.counted || o.start === undefined || o.start > day) return false;
  let s: { days: number } | undefined;
  try {
    s = supplyOf(o);
  } catch {
    s = undefined;
  }
  if (s && Number.isFinite(s.days) && s.days > 0) return day < o.start + s.days;
  return o.request?.status === 'active' && day - o.start <= 90;
}

/**
 * The MME series over the lookback, by index from `from`: value, whether it
 * is known, whether an opioid was on, the orders each day; prefix sums make
 * every window query O(1), so the whole assessment is O(lookback).
 */
function readSeries(series: unknown, from: DayNumber) {
  const L = P.lookbackDays;
  const val = new Float64Array(L).fill(0);
  const known = new Uint8Array(L).fill(1);
  const on = new Uint8Array(L);
  const refsAt = new Map<number, string[]>();
  for (const d of Array.isArray(series) ? (series as MmeDay[]) : []) {
    if (!d || typeof d.day !== 'number') continue;
    const i = d.day - from;
    if (i < 0 || i >= L) continue;
    const orders = Array.isArray(d.orders) ? d.orders : [];
    if (d.mme === null || d.mme === undefined || !Number.isFinite(d.mme)) {
      known[i] = orders.length > 0 ? 0 : 1;
      val[i] = 0;
    } else val[i] = Math.max(0, d.mme);
    on[i] = orders.length > 0 || val[i]! > 0 ? 1 : 0;
    if (orders.length) refsAt.set(i, orders);
  }
  const onSum = new Int32Array(L + 1);
  const vSum = new Float64Array(L + 1);
  const kSum = new Int32Array(L + 1);
  for (let i = 0; i < L; i++) {
    onSum[i + 1] = onSum[i]! + on[i]!;
    vSum[i + 1] = vSum[i]! + (known[i] ? val[i]! : 0);
    kSum[i + 1] = kSum[i]! + known[i]!;
  }
  const last = L - 1;
  /** Opioid days in [a, b]. */
  const sumOn = (a: number, b: number) => onSum[Math.min(b, L - 1) + 1]! - onSum[Math.max(a, 0)]!;
  return {
    L,
    last,
    val,
    known,
    refsAt,
    sumOn,
    /** Mean of the known values in [a, b] (NaN when none is known). */
    mean: (a: number, b: number) => {
      const lo = Math.max(a, 0);
      const hi = Math.min(b, L - 1);
      const k = kSum[hi + 1]! - kSum[lo]!;
      return k === 0 ? NaN : (vSum[hi + 1]! - vSum[lo]!) / k;
    },
    /** Long-term opioid therapy on day i: enough opioid days in each of the last months. */
    ltotAt: (i: number) => {
      if (i - 30 * P.longTermMonths + 1 < 0) return false;
      for (let k = 0; k < P.longTermMonths; k++)
        if (sumOn(i - 30 * k - 29, i - 30 * k) < P.longTermMinDaysPerMonth) return false;
      return true;
    },
    /** Every order on some day of [a, b]. */
    allRefs: (a: number, b: number) => {
      const out = new Set<string>();
      for (let i = Math.max(a, 0); i <= Math.min(b, last); i++)
        for (const r of refsAt.get(i) ?? []) out.add(r);
      return [...out];
    },
  };
}
type Series = ReturnType<typeof readSeries>;

/** The latest qualifying fall in the last `abruptStateDays` that is still in effect today. */
function abruptDiscontinuation(
  w: Series,
  from: DayNumber,
  baseline: number,
  evidence: Evidence[],
): DayNumber | undefined {
  const { L, val, known } = w;
  let abruptDay: DayNumber | undefined;
  const suffixMax = new Float64Array(L + 1);
  for (let i = L - 1; i >= 0; i--) suffixMax[i] = Math.max(suffixMax[i + 1]!, val[i]!);
  for (let i = Math.max(1, L - P.abruptStateDays); i < L; i++) {
    if (!(val[i]! < val[i - 1]!) || !known[i]) continue;
    if (!w.ltotAt(i - 1)) continue;
    let prevMax = 0;
    for (let j = Math.max(0, i - P.abruptWindowDays); j < i; j++)
      prevMax = Math.max(prevMax, val[j]!);
    const fall = prevMax - val[i]!;
    const big = val[i] === 0 || fall > (prevMax * P.abruptFallPct) / 100;
    if (
      big &&
      fall >= (baseline * P.abruptMinFallOfBaselinePct) / 100 &&
      suffixMax[i]! <= prevMax * (1 - P.abruptFallPct / 100)
    ) {
      abruptDay = from + i;
      evidence.push({
        rule: 'taper.abrupt-discontinuation',
        resources: w.allRefs(i - P.abruptWindowDays, i),
        detail: `MME/day fell from ${round1(prevMax)} to ${round1(val[i]!)} within ${P.abruptWindowDays} days on ${fromDay(from + i)}, after long-term use`,
      });
    }
  }
  return abruptDay;
}

export function assessTaper(input: TaperInput): TaperSummary {
  const { asOf } = input;
  const from = asOf - P.lookbackDays + 1;
  const w = readSeries(input.series, from);
  const { L, val, known, refsAt, sumOn, mean, ltotAt, allRefs } = w;
  const last = L - 1;
  const longTermNow = ltotAt(last);
  let baseline = -1;
  let baselineIdx = -1;
  let longTermInLookback = false;
  for (let i = 0; i < L; i++) {
    if (!ltotAt(i)) continue;
    longTermInLookback = true;
    const m = mean(i - 29, i);
    if (Number.isFinite(m) && m >= baseline) {
      baseline = m;
      baselineIdx = i;
    }
  }
  const currentKnown = known[last] === 1;
  const current = currentKnown ? val[last]! : null;
  const currentOrders = refsAt.get(last) ?? [];
  const baselineOrders =
    baselineIdx >= 0 ? (refsAt.get(baselineIdx) ?? refsAt.get(baselineIdx - 1) ?? []) : [];
  const evidence: Evidence[] = [];

  evidence.push({
    rule: 'taper.long-term-opioid',
    resources: allRefs(last - 89, last),
    detail: `opioid days in the last three 30-day months: ${[2, 1, 0].map((k) => sumOn(last - 30 * k - 29, last - 30 * k)).join(', ')} (long-term needs ≥${P.longTermMinDaysPerMonth} in each)`,
  });

  const base = {
    asOf,
    longTermNow,
    longTermInLookback,
    currentMme: current,
    baselineOrders,
    currentOrders,
    evidence,
  };
  let state: TaperState;
  let text: string;
  let pace: number | undefined;
  let taperStartDay: DayNumber | undefined;
  let abruptDay: DayNumber | undefined;

  if (!longTermInLookback || baseline < 0) {
    state = 'not-long-term';
    text = 'Not on long-term opioid therapy.';
  } else {
    evidence.push({
      rule: 'taper.baseline',
      resources: baselineOrders,
      detail: `baseline ${round1(baseline)} MME/day: highest 30-day mean while on long-term opioids (30 days to ${fromDay(from + baselineIdx)})`,
    });
    abruptDay = abruptDiscontinuation(w, from, baseline, evidence);
    const tol = (baseline * P.flatTolerancePct) / 100;
    if (current === null) {
      state = 'unknown';
      text = "Today's MME/day cannot be worked out; see the reasons on the medication list.";
    } else if (abruptDay !== undefined) {
      state = 'abrupt-discontinuation';
      text = `Opioid dose stopped or more than halved within a week on ${fromDay(abruptDay)}, after long-term use. Tolerance is lost within about a week: offer naloxone.`;
    } else if (current === 0) {
      state = 'completed';
      text = `Taper completed: no opioid analgesic today (baseline ${round1(baseline)} MME/day).`;
    } else {
      const i30 = last - 30;
      const v30 = i30 >= 0 && known[i30] ? val[i30]! : current;
      let startIdx = last;
      while (startIdx > 0 && val[startIdx]! < baseline - tol) startIdx--;
      // First day below baseline; reported only when a taper is the state (not for stable/increasing).
      const belowSince = from + startIdx + 1;
      const below = baseline - current;
      if (current - v30 > tol) {
        state = 'increasing';
        text = `Opioid dose increasing: ${round1(v30)} → ${round1(current)} MME/day over 30 days.`;
      } else if (below <= tol) {
        state = 'stable';
        text = `Stable at about ${round1(current)} MME/day.`;
      } else {
        taperStartDay = belowSince;
        let flat = 0;
        for (let i = last; i >= 0 && known[i] && Math.abs(val[i]! - current) <= tol; i--) flat++;
        // Fastest fall over any 30-day span ending in the last 30 days: comparing only
        // day −30 with today misses a cut made 30–31 days ago (120 → 90 on d30, → 60 on
        // d16 read as 25%/month instead of 50%).
        let recent = ((v30 - current) / baseline) * 100;
        for (let i = Math.max(30, last - 29); i <= last; i++)
          if (known[i] && known[i - 30])
            recent = Math.max(recent, ((val[i - 30]! - val[i]!) / baseline) * 100);
        // Started months, rounded up: a monthly step taper reads as its step size whatever
        // the day of the month, and a fall within the first month counts as that month's pace.
        const months = Math.max(1, Math.ceil((asOf - taperStartDay + 1) / 30));
        const overall = ((below / baseline) * 100) / months;
        // Safety: a recent fall faster than the rapid threshold is never averaged away.
        pace = round1(recent > P.rapidMinPctPer30Days ? Math.max(recent, overall) : overall);
        evidence.push({
          rule: 'taper.pace',
          resources: allRefs(last - 30, last),
          detail: `${round1(baseline)} → ${round1(current)} MME/day; fastest 30-day fall ending in the last 30 days ${round1(recent)}%, since ${fromDay(taperStartDay)} ${round1(overall)}% of baseline per 30 days`,
        });
        if (flat >= P.pauseMinDays) {
          state = 'paused';
          text = `Taper paused: ${flat} days at ${round1(current)} MME/day, ${Math.round((below / baseline) * 100)}% below baseline.`;
        } else if (pace <= P.gradualMaxPctPer30Days) {
          state = 'tapering-gradual';
          text = `Gradual taper: about ${pace}% of baseline per month.`;
        } else if (pace <= P.rapidMinPctPer30Days) {
          state = 'tapering-moderate';
          text = `Taper at ${pace}% of baseline per month (faster than the 10% per month CDC suggests after long-term use).`;
        } else {
          state = 'tapering-rapid';
          text = `Rapid taper: ${pace}% of baseline per month. Reductions over 30% per month are linked with higher overdose risk.`;
        }
      }
    }
  }

  const summary: TaperSummary = {
    ...base,
    state,
    code: taperStatusCoding(state),
    text,
    baselineMme: baseline >= 0 ? round1(baseline) : undefined,
    baselineDay: baselineIdx >= 0 ? from + baselineIdx : undefined,
    pacePctPer30Days: pace,
    taperStartDay,
    abruptDay,
    flags: [],
  };
  summary.flags = taperFlags(summary, input);
  return summary;
}

function taperFlags(s: TaperSummary, input: TaperInput): TaperFlag[] {
  const { asOf, supplyOf } = input;
  const orders = Array.isArray(input.orders) ? input.orders.filter((o) => o && o.counted) : [];
  const flags: TaperFlag[] = [];
  const cur = s.currentMme ?? 0;
  const curEv: Evidence = {
    rule: 'taper.current-mme',
    resources: s.currentOrders,
    detail: `${round1(cur)} MME/day on ${fromDay(asOf)}`,
  };
  // CDC 2022: offer naloxone at ≥50 — said only when none is on record.
  const naloxone = rescueNaloxoneOrders(orders, asOf);
  if (cur >= P.highMme)
    flags.push({
      kind: 'mme-50',
      text: `${round1(cur)} MME/day (≥${P.highMme}): reassess before any increase; ${naloxone.length ? 'rescue naloxone is on record' : 'offer naloxone (none on record)'}.`,
      evidence: [curEv],
    });
  // CDC 2022: at ≥90 reassess benefits and risks and avoid increasing.
  if (cur >= P.veryHighMme)
    flags.push({
      kind: 'mme-90',
      text: `${round1(cur)} MME/day (≥${P.veryHighMme}): reassess benefits and risks; avoid increasing the dose.`,
      evidence: [curEv],
    });

  const tapering = TAPERING_STATES.has(s.state);
  if (tapering || s.state === 'completed') {
    const since = Math.min(s.taperStartDay ?? s.abruptDay ?? asOf - 90, asOf - 90);
    const signs: Evidence[] = [];
    for (const r of input.drugTests?.results ?? []) {
      if (
        r.day >= since &&
        r.day <= asOf &&
        r.result === 'detected' &&
        r.analytes.some((a) => a === 'fentanyl-type' || a === 'heroin')
      )
        signs.push({ ...r.evidence, rule: 'taper.oud-sign.drug-test' });
    }
    for (const v of input.visits?.recentAcuteCare ?? [])
      signs.push({ ...v.evidence, rule: 'taper.oud-sign.acute-care' });
    signs.push(...earlyRefills(orders, supplyOf, asOf));
    if (signs.length)
      flags.push({
        kind: 'oud-signs-during-taper',
        text: 'Signs that may point to opioid use disorder during the taper: offer an evaluation for MOUD (buprenorphine is an option) and a peer referral.',
        evidence: signs,
      });
  }
  return flags;
}

/** Rescue naloxone ordered within the lookback (bup/nal is never 'naloxone-rescue'). */
export function rescueNaloxoneOrders(
  orders: ClassifiedOrder[],
  asOf: DayNumber,
): ClassifiedOrder[] {
  return orders.filter(
    (o) =>
      o &&
      o.counted &&
      o.category === 'naloxone-rescue' &&
      o.start !== undefined &&
      o.start <= asOf &&
      o.start >= asOf - P.naloxoneLookbackDays,
  );
}

/** Same-medication opioid refills started ≥`earlyRefillDays` before the previous supply ran out. */
export function earlyRefills(
  orders: ClassifiedOrder[],
  supplyOf: SupplyOf,
  asOf: DayNumber,
): Evidence[] {
  const byKey = new Map<string, { o: ClassifiedOrder; start: number; days: number }[]>();
  for (const o of orders) {
    if (o.category !== 'opioid-analgesic' || o.start === undefined) continue;
    let s: { days: number } | undefined;
    try {
      s = supplyOf(o);
    } catch {
      s = undefined;
    }
    if (!s || !(s.days > 0)) continue;
    const key = o.rxnorm[0] ?? o.display;
    const list = byKey.get(key) ?? [];
    list.push({ o, start: o.start, days: s.days });
    byKey.set(key, list);
  }
  const out: Evidence[] = [];
  for (const list of byKey.values()) {
    list.sort((a, b) => a.start - b.start);
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]!;
      const next = list[i]!;
      const early = prev.start + prev.days - next.start;
      if (
        early >= P.earlyRefillDays &&
        next.start >= asOf - P.earlyRefillLookbackDays &&
        next.start <= asOf
      )
        out.push({
          rule: 'taper.oud-sign.early-refill',
          resources: [prev.o.reference, next.o.reference],
          detail: `${next.o.display} refilled on ${fromDay(next.start)}, ${early} days before the previous supply ran out`,
        });
    }
  }
  return out;
}
