/**
 * Morphine milligram equivalents (clinical reference §2), per order and per
 * patient-day. MME is a number ≥ 0 or `null` with the reason: never a silent 0
 * for something we could not compute.
 *
 * Patient series decisions (the reference is silent on these):
 * - Only counted (status + intent) opioid-analgesic orders count; MOUD
 *   (buprenorphine, methadone for OUD) and buprenorphine for pain never do.
 * - An order is active from its start day for its days supply (dosage.ts),
 *   which already includes repeats (1 + numberOfRepeatsAllowed): refills are
 *   assumed taken back to back from the start.
 * - Status stopped/completed does not shorten the supply: R4 gives no stop
 *   date, and medication already in hand is still exposure (the cautious
 *   reading for overdose risk). A boundsPeriod.end, when stated, does end it.
 * - An order with a start but no days supply makes its start day unknown
 *   (null, with the reason) rather than vanish; one without a start cannot be
 *   placed and is listed in `excluded`.
 * - Sequential steps follow one another from the start; the last step (or
 *   the first without a duration) runs to the end of the supply.
 */
// Aliased: the series functions take `fromDay` and `toDay` parameters.
import { addDays, fromDay as isoDate, toDay as dayOf, type DayNumber } from '../core/dates';
import { dosePlan, daysSupply, type DoseStep, type IngredientDose } from './dosage';
import type { Evidence, Unreadable } from '../core/evidence';
import { items, obj, str } from '../core/guards';
import { KEY_INGREDIENTS } from '../../../fhir-profiles/generated/codes';
import {
  MME_EXCLUDED,
  MME_FACTOR_SET,
  factorDependsOnForm,
  factorFor,
  type FactorBasis,
  type MmeFactorSet,
} from './mmeFactors';
import type { ClassifiedOrder, MmeDay } from './types';

const round = (x: number, places = 2): number => Math.round(x * 10 ** places) / 10 ** places;
const fmt = (x: number): string => String(round(x, 4));

interface IngredientMme {
  name: string;
  rxcui?: string;
  /** The daily dose the factor applies to, in `basis` units. */
  dose: number;
  basis: FactorBasis;
  factor: number;
  research: boolean;
  mme: number;
}

interface StepMme {
  /** Day offset from the order's start when this step begins. */
  offsetDays: number;
  /** Days it lasts; undefined = to the end of the supply. */
  durationDays?: number;
  mme: number | null;
  ingredients: IngredientMme[];
  arithmetic: string;
  unknownReason?: string;
}

interface OrderMme {
  reference: string;
  factorSet: MmeFactorSet;
  /** MME/day of the first step (the only step for most orders); null = unknown. */
  mmePerDay: number | null;
  steps: StepMme[];
  /** "oxycodone 10 mg × 2/day = 20 mg/day × 1.5 = 30 MME/day" */
  arithmetic: string;
  flags: string[];
  unknownReason?: string;
  evidence: Evidence[];
}

function stepMme(step: DoseStep, doseForm: string | undefined): Omit<StepMme, 'offsetDays'> {
  const base = step.durationDays !== undefined ? { durationDays: step.durationDays } : {};
  if (step.unknownReason)
    return {
      ...base,
      mme: null,
      ingredients: [],
      arithmetic: '',
      unknownReason: step.unknownReason,
    };
  const ings: IngredientMme[] = [];
  const texts: string[] = [];
  for (const i of step.ingredients) {
    const excluded = i.rxcui ? MME_EXCLUDED.get(i.rxcui) : undefined;
    if (excluded)
      return { ...base, mme: null, ingredients: [], arithmetic: '', unknownReason: excluded };
    const f = factorFor(i, doseForm);
    if (!f) {
      const reason = factorDependsOnForm(i)
        ? `no MME factor for ${i.name} in this form (${doseForm ?? 'form unknown'})`
        : `no MME factor for ${i.name}`;
      return { ...base, mme: null, ingredients: [], arithmetic: '', unknownReason: reason };
    }
    const dose = doseInBasis(i, f.basis);
    if (dose === undefined)
      return {
        ...base,
        mme: null,
        ingredients: [],
        arithmetic: '',
        unknownReason: `${i.name}: the dose (${i.unit}) does not fit the factor basis (${f.basis})`,
      };
    const mme = dose * f.factor;
    if (!Number.isFinite(mme) || mme < 0)
      return {
        ...base,
        mme: null,
        ingredients: [],
        arithmetic: '',
        unknownReason: `${i.name}: dose arithmetic out of range`,
      };
    ings.push({
      name: i.name,
      ...(i.rxcui ? { rxcui: i.rxcui } : {}),
      dose: round(dose, 6),
      basis: f.basis,
      factor: f.factor,
      research: f.research,
      mme: round(mme),
    });
    texts.push(
      `${i.arithmetic} × ${f.factor}${f.research ? ' (research factor)' : ''} = ${fmt(round(mme))} MME/day`,
    );
  }
  if (!ings.length)
    return {
      ...base,
      mme: null,
      ingredients: [],
      arithmetic: '',
      unknownReason: 'no opioid ingredient with a known dose',
    };
  const total = round(ings.reduce((a, i) => a + i.mme, 0));
  return { ...base, mme: total, ingredients: ings, arithmetic: texts.join('; ') };
}

function doseInBasis(i: IngredientDose, basis: FactorBasis): number | undefined {
  if (basis === 'mcg/h') return i.mcgPerHour;
  if (i.mcgPerHour !== undefined) return undefined; // a patch priced per mg/day would be wrong
  if (basis === 'mcg/day') return i.unit === 'mcg' ? i.perDay : i.perDay * 1000;
  return i.unit === 'mg' ? i.perDay : i.perDay / 1000;
}

/** MME/day of one order, with the arithmetic and the evidence. */
export function orderMme(order: ClassifiedOrder): OrderMme {
  const reference =
    typeof order?.reference === 'string' ? order.reference : 'MedicationRequest/(unknown)';
  const out: OrderMme = {
    reference,
    factorSet: MME_FACTOR_SET,
    mmePerDay: null,
    steps: [],
    arithmetic: '',
    flags: [],
    evidence: [],
  };
  try {
    if (order?.category !== 'opioid-analgesic') {
      out.unknownReason =
        order?.category === 'buprenorphine-pain'
          ? (MME_EXCLUDED.get(KEY_INGREDIENTS.buprenorphine) ?? 'buprenorphine excluded')
          : `not an opioid analgesic (${String(order?.category)}): not counted in MME`;
      out.evidence.push({
        rule: `mme.${MME_FACTOR_SET}.not-counted`,
        resources: [reference],
        detail: out.unknownReason,
      });
      return out;
    }
    const plan = dosePlan(order);
    out.flags = plan.flags;
    out.evidence.push(...plan.evidence);
    let offset = 0;
    let open = false;
    for (const s of plan.steps) {
      const m = stepMme(s, order.doseForm);
      out.steps.push({ offsetDays: offset, ...m });
      if (s.durationDays === undefined) open = true;
      if (!open) offset += s.durationDays ?? 0;
    }
    const first = out.steps[0];
    if (!first) {
      out.unknownReason = plan.unknownReason ?? 'no dose could be read';
    } else {
      out.mmePerDay = first.mme;
      if (first.unknownReason) out.unknownReason = first.unknownReason;
      out.arithmetic = out.steps
        .map(
          (s, i) =>
            (out.steps.length > 1 ? `step ${i + 1}: ` : '') +
            (s.arithmetic || `unknown (${s.unknownReason ?? ''})`),
        )
        .join(' | ');
    }
    out.evidence.push({
      rule: `mme.${MME_FACTOR_SET}`,
      resources: [reference],
      detail: out.mmePerDay === null ? `MME unknown: ${out.unknownReason ?? ''}` : out.arithmetic,
    });
  } catch (e) {
    out.mmePerDay = null;
    out.unknownReason = `could not be read: ${e instanceof Error ? e.message : 'unknown error'}`;
  }
  return out;
}

// ---------------------------------------------------------------- patient series

interface MmeSeriesReport {
  factorSet: MmeFactorSet;
  days: MmeDay[];
  /** Per-order MME of the orders that count. */
  orders: OrderMme[];
  /** Counted opioid-analgesic orders that could not be placed on the calendar. */
  excluded: Unreadable[];
  evidence: Evidence[];
}

interface MmeSeriesOptions {
  /**
   * Leave out of `orders` and `evidence` the orders active only outside the
   * window (deriveAll reads `days` and `excluded` only, and ten years of old
   * prescriptions would otherwise each be priced). `days` and `excluded` are
   * the same either way.
   */
  windowOnly?: boolean;
}

function boundsEnd(order: ClassifiedOrder): DayNumber | undefined {
  const ends = items(obj(order.request)?.['dosageInstruction'])
    .map((d) =>
      dayOf(str(obj(obj(obj(obj(d)?.['timing'])?.['repeat'])?.['boundsPeriod'])?.['end'])),
    )
    .filter((d): d is DayNumber => d !== undefined);
  return ends.length ? Math.max(...ends) : undefined;
}

/** Patient MME/day for each day from `fromDay` to `toDay` inclusive (empty when toDay < fromDay). */
export function mmeSeriesReport(
  orders: ClassifiedOrder[],
  fromDay: DayNumber,
  toDay: DayNumber,
  options: MmeSeriesOptions = {},
): MmeSeriesReport {
  const report: MmeSeriesReport = {
    factorSet: MME_FACTOR_SET,
    days: [],
    orders: [],
    excluded: [],
    evidence: [],
  };
  const from = Math.trunc(Number(fromDay));
  const to = Math.trunc(Number(toDay));
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) return report;
  const length = to - from + 1;
  const total: number[] = new Array<number>(length).fill(0);
  const active: string[][] = Array.from({ length }, () => []);
  const unknown: string[][] = Array.from({ length }, () => []);

  for (const order of Array.isArray(orders) ? orders : []) {
    try {
      if (!order || order.category !== 'opioid-analgesic' || order.counted !== true) continue;
      const reference =
        typeof order.reference === 'string' ? order.reference : 'MedicationRequest/(unknown)';
      let priced: OrderMme | undefined;
      const price = (): OrderMme => {
        if (!priced) {
          priced = orderMme(order);
          report.orders.push(priced);
        }
        return priced;
      };
      if (!options.windowOnly) price();
      const start =
        typeof order.start === 'number' && Number.isFinite(order.start) ? order.start : undefined;
      if (start === undefined) {
        report.excluded.push({
          reference,
          reason: 'no start date: cannot be placed on the calendar',
        });
        continue;
      }
      const supply = daysSupply(order);
      if (!supply) {
        const i = start - from;
        if (i >= 0 && i < length) {
          price();
          active[i]?.push(reference);
          unknown[i]?.push(`${reference}: days supply unknown`);
        }
        report.excluded.push({
          reference,
          reason: 'days supply unknown: counted as unknown on its start day only',
        });
        continue;
      }
      let last = addDays(start, supply.days - 1);
      const be = boundsEnd(order);
      if (be !== undefined && be >= start) last = Math.min(last, be);
      if (options.windowOnly && (last < from || start > to)) continue;
      const m = price();
      report.evidence.push({
        rule: `mme.${MME_FACTOR_SET}.active-period`,
        resources: [m.reference],
        detail: `active ${isoDate(start)} to ${isoDate(last)} (${supply.rule})`,
      });
      for (let d = Math.max(start, from); d <= Math.min(last, to); d++) {
        const i = d - from;
        const offset = d - start;
        // The last step begun by this day (no copy per day: this runs per order × day).
        let step: StepMme | undefined;
        for (let k = m.steps.length - 1; k >= 0 && !step; k--)
          if ((m.steps[k] as StepMme).offsetDays <= offset) step = m.steps[k];
        step ??= m.steps[0];
        active[i]?.push(m.reference);
        if (!step || step.mme === null)
          unknown[i]?.push(
            `${m.reference}: ${step?.unknownReason ?? m.unknownReason ?? 'MME unknown'}`,
          );
        else total[i] = (total[i] ?? 0) + step.mme;
      }
    } catch (e) {
      report.excluded.push({
        reference: typeof order?.reference === 'string' ? order.reference : '(unknown order)',
        reason: `could not be read: ${e instanceof Error ? e.message : 'unknown error'}`,
      });
    }
  }
  for (let i = 0; i < length; i++) {
    const reasons = unknown[i] ?? [];
    const day: MmeDay = {
      day: from + i,
      mme: reasons.length ? null : round(total[i] ?? 0),
      orders: active[i] ?? [],
    };
    if (reasons.length) day.unknownReasons = reasons;
    report.days.push(day);
  }
  return report;
}

/** Patient MME/day per day of the window (inclusive); see the module notes for the rules. */
export function mmeSeries(
  orders: ClassifiedOrder[],
  fromDay: DayNumber,
  toDay: DayNumber,
): MmeDay[] {
  return mmeSeriesReport(orders, fromDay, toDay).days;
}
