/**
 * Dose arithmetic for one classified order (clinical reference §2 and §3):
 * doses per day, dose amount, ingredient amount per day, sequential and
 * concurrent instructions, and days supply. Unknown stays unknown, with the
 * reason: nothing here guesses 0, and nothing throws on malformed input.
 */
import { OPIOID_INGREDIENTS } from '../../../fhir-profiles/generated/codes';
import { toDay } from '../core/dates';
import type { Evidence } from '../core/evidence';
import { items, num, obj, str, type Obj } from '../core/guards';
import { normaliseMassUnit } from './classify';
import type { ClassifiedOrder, Ingredient, MoudProduct } from './types';

/**
 * Default days supply when an order states neither duration nor quantity
 * (reference §3, HEDIS POD conventions). Products without an entry get none.
 */
const DEFAULT_SUPPLY_DAYS: Readonly<Partial<Record<MoudProduct, number>>> = {
  'buprenorphine-sublingual': 7,
  'buprenorphine-er-monthly': 31,
  'buprenorphine-er-weekly': 7,
  'buprenorphine-implant': 180,
  'naltrexone-xr': 31,
};

export const PRN_FLAG = 'PRN, max dose assumed';

const round = (x: number, places = 6): number => Math.round(x * 10 ** places) / 10 ** places;
const fmt = (x: number): string => String(round(x, 4));

// ---------------------------------------------------------------- timing

const UNIT_DAYS: Record<string, number> = {
  s: 1 / 86_400,
  min: 1 / 1_440,
  h: 1 / 24,
  d: 1,
  wk: 7,
  mo: 30,
  a: 365,
};

/**
 * HL7 timing abbreviations (v3 GTSAbbreviation) an EHR may send in `timing.code`
 * instead of `repeat`. Not in the reference: read only when `repeat` says nothing.
 */
const TIMING_CODES: Record<string, number> = {
  QD: 1,
  AM: 1,
  PM: 1,
  BID: 2,
  TID: 3,
  QID: 4,
  Q4H: 6,
  Q6H: 4,
  Q8H: 3,
  Q12H: 2,
  QOD: 0.5,
  WK: 1 / 7,
  MO: 1 / 30,
};

interface Frequency {
  perDay: number;
  prn: boolean;
  detail: string;
}

/** Doses per day of one Dosage, or a reason why it cannot be known. */
export function dosesPerDay(dosage: unknown): Frequency | { unknown: string } {
  const d = obj(dosage);
  const timing = obj(d?.['timing']);
  const repeat = obj(timing?.['repeat']);
  const prn = d?.['asNeededBoolean'] === true || obj(d?.['asNeededCodeableConcept']) !== undefined;
  const freqMax = num(repeat?.['frequencyMax']);
  const freq = freqMax ?? num(repeat?.['frequency']);
  if (freq !== undefined && freq > 0) {
    const period = num(repeat?.['period']) ?? 1;
    const unit = str(repeat?.['periodUnit']) ?? 'd';
    const days = UNIT_DAYS[unit];
    if (days === undefined || period <= 0)
      return { unknown: `timing period unit "${unit}" not understood` };
    const perDay = freq / (period * days);
    return {
      perDay,
      prn,
      detail: `${freq}${freqMax !== undefined ? ' (frequencyMax)' : ''} per ${period} ${unit} = ${fmt(perDay)}/day`,
    };
  }
  const times = items(repeat?.['timeOfDay']).filter((t) => typeof t === 'string');
  if (times.length) return { perDay: times.length, prn, detail: `${times.length} times of day` };
  const code = items(obj(timing?.['code'])?.['coding'])
    .map((c) => str(obj(c)?.['code'])?.toUpperCase())
    .find((c) => c !== undefined && TIMING_CODES[c] !== undefined);
  if (code) return { perDay: TIMING_CODES[code] ?? 0, prn, detail: `timing code ${code}` };
  return { unknown: timing ? 'no frequency in the timing' : 'no timing' };
}

// ---------------------------------------------------------------- dose

interface Quantity {
  value: number;
  unit: string;
}

function readQuantity(q: unknown): Quantity | undefined {
  const o = obj(q);
  const value = num(o?.['value']);
  if (value === undefined || value < 0) return undefined;
  return { value, unit: (str(o?.['code']) ?? str(o?.['unit']) ?? '').trim() };
}

/** The dose of one Dosage: doseQuantity, or the high end of doseRange; prefers the "ordered" / untyped entry. */
export function doseOf(dosage: unknown): (Quantity & { detail: string }) | { unknown: string } {
  const entries = items(obj(dosage)?.['doseAndRate'])
    .map(obj)
    .filter((e): e is Obj => !!e);
  if (!entries.length) return { unknown: 'no dose' };
  const typeCodes = (e: Obj) => items(obj(e['type'])?.['coding']).map((c) => str(obj(c)?.['code']));
  const chosen =
    entries.find((e) => obj(e['type']) === undefined) ??
    entries.find((e) => typeCodes(e).includes('ordered')) ??
    entries[0];
  const q = readQuantity(chosen?.['doseQuantity']);
  if (q) return { ...q, detail: 'doseQuantity' };
  const high = readQuantity(obj(chosen?.['doseRange'])?.['high']);
  if (high) return { ...high, detail: 'high end of doseRange' };
  return { unknown: 'dose has neither doseQuantity nor doseRange.high' };
}

type UnitKind = 'mass' | 'volume' | 'count';

function unitKind(unit: string): UnitKind {
  const u = unit.toLowerCase().replace(/[{}]/g, '').trim();
  if (
    ['mg', 'mcg', 'ug', 'µg', 'g', 'milligram', 'milligrams', 'microgram', 'micrograms'].includes(u)
  )
    return 'mass';
  if (['ml', 'milliliter', 'millilitre', 'milliliters', 'l', 'cc'].includes(u)) return 'volume';
  return 'count';
}

const mlOf = (q: Quantity): number => (q.unit.toLowerCase() === 'l' ? q.value * 1000 : q.value);
const toUnit = (value: number, from: string, to: 'mg' | 'mcg'): number => {
  const f = normaliseMassUnit(from);
  const mg = f === 'mcg' ? value / 1000 : f === 'g' ? value * 1000 : value;
  return to === 'mcg' ? mg * 1000 : mg;
};

// ---------------------------------------------------------------- per-ingredient daily dose

export interface IngredientDose {
  rxcui?: string;
  name: string;
  /** Amount per day of the ingredient. */
  perDay: number;
  unit: 'mg' | 'mcg';
  /** For transdermal systems: µg/h delivered by the patches worn at once. */
  mcgPerHour?: number;
  /** "oxycodone 10 mg × 2/day = 20 mg/day" */
  arithmetic: string;
}

export interface DoseStep {
  /** dosageInstruction.sequence shared by the instructions of this step. */
  sequence?: number;
  /** How long this step lasts, when the instructions say (boundsDuration / boundsPeriod). */
  durationDays?: number;
  /** Product units (tablets, mL, patches…) used per day, when the dose is in product units. */
  unitsPerDay?: number;
  /** The unit of `unitsPerDay` ("tablet", "mL"…). */
  unitsName?: string;
  ingredients: IngredientDose[];
  flags: string[];
  /** Set when the daily dose of this step cannot be known. */
  unknownReason?: string;
}

interface DosePlan {
  reference: string;
  steps: DoseStep[];
  /** true when there are several steps taken one after another. */
  sequential: boolean;
  flags: string[];
  /** Set when no step's dose can be known. */
  unknownReason?: string;
  evidence: Evidence[];
}

/** The order's ingredients, keeping only well-formed ones (orders may be built by hand). */
function safeIngredients(order: ClassifiedOrder): Ingredient[] {
  return items(order?.ingredients).flatMap((x) => {
    const o = obj(x);
    const name = str(o?.['name']);
    if (!o || !name) return [];
    const ing: Ingredient = { name };
    const rxcui = str(o['rxcui']);
    if (rxcui) ing.rxcui = rxcui;
    const s = obj(o['strength']);
    const value = num(s?.['value']);
    const unit = str(s?.['unit']);
    if (value !== undefined && value > 0 && unit) {
      const per = str(s?.['per']);
      ing.strength = per ? { value, unit, per } : { value, unit };
    }
    return [ing];
  });
}

/** The ingredient a mass dose ("8 mg") refers to: the opioid one, else the first. */
function primaryIngredient(ings: Ingredient[]): Ingredient | undefined {
  return (
    ings.find(
      (i) =>
        (i.rxcui && OPIOID_INGREDIENTS.has(i.rxcui)) ||
        [...OPIOID_INGREDIENTS.values()].includes(i.name),
    ) ?? ings[0]
  );
}

interface InstructionDose {
  perDay?: Frequency;
  dose?: Quantity;
  ingredients: IngredientDose[];
  unitsPerDay?: number;
  unitsName?: string;
  flags: string[];
  unknownReason?: string;
}

/** Ingredient amounts per day for a dose × frequency, given the product strengths. */
function ingredientDoses(
  order: ClassifiedOrder,
  dose: Quantity,
  perDay: number,
  freqText: string,
): { ings: IngredientDose[]; unitsPerDay?: number; unitsName?: string; unknown?: string } {
  const ings = safeIngredients(order);
  const kind = unitKind(dose.unit);
  if (kind === 'mass') {
    const p = primaryIngredient(ings);
    const name = p?.name ?? order.display;
    const unit = normaliseMassUnit(dose.unit) === 'mcg' ? 'mcg' : 'mg';
    const amount = toUnit(dose.value, dose.unit, unit);
    const daily = round(amount * perDay);
    const ing: IngredientDose = {
      name,
      perDay: daily,
      unit,
      arithmetic: `${name} ${fmt(amount)} ${unit} × ${freqText} = ${fmt(daily)} ${unit}/day`,
    };
    if (p?.rxcui) ing.rxcui = p.rxcui;
    // Product units per day (for days supply from a quantity in tablets or mL).
    const s = p?.strength;
    const perUnit =
      s && (!s.per || s.per === 'mL') && s.value > 0 ? toUnit(s.value, s.unit, unit) : undefined;
    return perUnit
      ? {
          ings: [ing],
          unitsPerDay: round(daily / perUnit),
          unitsName: s?.per === 'mL' ? 'mL' : 'unit',
        }
      : { ings: [ing] };
  }
  if (!ings.length)
    return {
      ings: [],
      unknown: `dose in ${dose.unit || 'units'} but the product strength is unknown`,
    };
  const units = kind === 'volume' ? mlOf(dose) : dose.value;
  const out: IngredientDose[] = [];
  for (const ing of ings) {
    const s = ing.strength;
    if (!s) continue;
    const perVolume = s.per === 'mL';
    if ((kind === 'volume') !== perVolume) continue; // a per-mL strength cannot price a tablet, and vice versa
    const unit: 'mg' | 'mcg' =
      s.per === 'h' ? 'mcg' : normaliseMassUnit(s.unit) === 'mcg' ? 'mcg' : 'mg';
    const strength = toUnit(s.value, s.unit, unit);
    const du = kind === 'volume' ? 'mL' : dose.unit || 'unit';
    if (s.per === 'h') {
      // Transdermal system: the rate worn at once matters, whatever the change interval.
      const rate = round(units * strength);
      out.push({
        ...(ing.rxcui ? { rxcui: ing.rxcui } : {}),
        name: ing.name,
        perDay: round(rate * 24),
        unit: 'mcg',
        mcgPerHour: rate,
        arithmetic: `${ing.name} ${fmt(units)} ${du} × ${fmt(strength)} mcg/h = ${fmt(rate)} mcg/h`,
      });
      continue;
    }
    const perDose = round(units * strength);
    const daily = round(perDose * perDay);
    out.push({
      ...(ing.rxcui ? { rxcui: ing.rxcui } : {}),
      name: ing.name,
      perDay: daily,
      unit,
      arithmetic: `${ing.name} ${fmt(units)} ${du} × ${fmt(strength)} ${unit}${perVolume ? '/mL' : ''} = ${fmt(perDose)} ${unit} × ${freqText} = ${fmt(daily)} ${unit}/day`,
    });
  }
  if (!out.length)
    return {
      ings: [],
      unknown: `dose in ${dose.unit || 'units (unit not stated)'} does not match the product strength (${ings
        .map((i) =>
          i.strength
            ? `${i.strength.value} ${i.strength.unit}${i.strength.per ? '/' + i.strength.per : ''}`
            : 'unknown',
        )
        .join(', ')})`,
    };
  return {
    ings: out,
    unitsPerDay: round(units * perDay),
    unitsName: kind === 'volume' ? 'mL' : dose.unit || 'unit',
  };
}

function readInstruction(order: ClassifiedOrder, dosage: unknown): InstructionDose {
  const flags: string[] = [];
  const f = dosesPerDay(dosage);
  const d = doseOf(dosage);
  if ('unknown' in d) return { ingredients: [], flags, unknownReason: d.unknown };
  if ('unknown' in f) return { dose: d, ingredients: [], flags, unknownReason: f.unknown };
  if (f.prn) flags.push(PRN_FLAG);
  if (!d.unit) flags.push('dose unit not stated: read as units of the product');
  const r = ingredientDoses(order, d, f.perDay, `${fmt(f.perDay)}/day`);
  if (
    !r.unknown &&
    !r.ings.every((i) => Number.isFinite(i.perDay) && Number.isFinite(i.mcgPerHour ?? 0))
  )
    return { ingredients: [], flags, unknownReason: 'dose arithmetic out of range' };
  const out: InstructionDose = { perDay: f, dose: d, ingredients: r.ings, flags };
  if (r.unitsPerDay !== undefined) out.unitsPerDay = r.unitsPerDay;
  if (r.unitsName !== undefined) out.unitsName = r.unitsName;
  if (r.unknown) out.unknownReason = r.unknown;
  return out;
}

function stepDuration(dosages: unknown[]): number | undefined {
  for (const d of dosages) {
    const repeat = obj(obj(obj(d)?.['timing'])?.['repeat']);
    const bd = readQuantity(repeat?.['boundsDuration']);
    if (bd && bd.value > 0) {
      const days =
        UNIT_DAYS[bd.unit] ??
        (bd.unit.startsWith('day') ? 1 : bd.unit.startsWith('w') ? 7 : undefined);
      if (days) return Math.max(1, Math.round(bd.value * days));
    }
    const bp = obj(repeat?.['boundsPeriod']);
    const s = toDay(str(bp?.['start']));
    const e = toDay(str(bp?.['end']));
    if (s !== undefined && e !== undefined && e >= s) return e - s + 1;
  }
  return undefined;
}

function sumStep(
  order: ClassifiedOrder,
  dosages: unknown[],
  sequence: number | undefined,
): DoseStep {
  const parts = dosages.map((d) => readInstruction(order, d));
  const step: DoseStep = { ingredients: [], flags: [...new Set(parts.flatMap((p) => p.flags))] };
  if (sequence !== undefined) step.sequence = sequence;
  const duration = stepDuration(dosages);
  if (duration !== undefined) step.durationDays = duration;
  const unknown = parts.find((p) => p.unknownReason);
  if (unknown?.unknownReason) {
    step.unknownReason = unknown.unknownReason;
    return step;
  }
  // Concurrent instructions are summed per ingredient.
  const byName = new Map<string, IngredientDose>();
  for (const p of parts)
    for (const i of p.ingredients) {
      const key = `${i.rxcui ?? i.name}|${i.unit}|${i.mcgPerHour !== undefined ? 'h' : 'd'}`;
      const prev = byName.get(key);
      if (!prev) byName.set(key, { ...i });
      else {
        prev.perDay = round(prev.perDay + i.perDay);
        if (prev.mcgPerHour !== undefined && i.mcgPerHour !== undefined)
          prev.mcgPerHour = round(prev.mcgPerHour + i.mcgPerHour);
        prev.arithmetic = `${prev.arithmetic}; + ${i.arithmetic}`;
      }
    }
  step.ingredients = [...byName.values()];
  const names = new Set(parts.map((p) => p.unitsName));
  if (parts.every((p) => p.unitsPerDay !== undefined) && names.size === 1) {
    step.unitsPerDay = round(parts.reduce((a, p) => a + (p.unitsPerDay ?? 0), 0));
    const n = parts[0]?.unitsName;
    if (n) step.unitsName = n;
  }
  return step;
}

function expectedSupplyDays(req: Obj): number | undefined {
  const q = readQuantity(obj(req['dispenseRequest'])?.['expectedSupplyDuration']);
  if (!q || q.value <= 0) return undefined;
  const u = q.unit.toLowerCase();
  const days =
    UNIT_DAYS[q.unit] ??
    (u.startsWith('day') ? 1 : u.startsWith('week') ? 7 : u.startsWith('month') ? 30 : undefined);
  return days === undefined ? undefined : q.value * days;
}

function dispenseQuantity(req: Obj): Quantity | undefined {
  const q = readQuantity(obj(req['dispenseRequest'])?.['quantity']);
  return q && q.value > 0 ? q : undefined;
}

function repeatsOf(req: Obj): number {
  const n = num(obj(req['dispenseRequest'])?.['numberOfRepeatsAllowed']);
  return n !== undefined && n > 0 ? Math.floor(n) : 0;
}

/**
 * Our fix for missing timing (reference §2, CDC research formula): strength ×
 * quantity ÷ expected days supply gives the amount per day.
 */
function quantityFallback(order: ClassifiedOrder, req: Obj, why: string): DoseStep | undefined {
  const days = expectedSupplyDays(req);
  const q = dispenseQuantity(req);
  if (!days || !q) return undefined;
  const r = ingredientDoses(order, q, 1 / days, `1/${fmt(days)} days`);
  if (r.unknown || !r.ings.length || !r.ings.every((i) => Number.isFinite(i.perDay)))
    return undefined;
  const ings = r.ings.map((i) => ({
    ...i,
    arithmetic: `${i.arithmetic} (quantity ${fmt(q.value)} ${q.unit || 'units'} ÷ ${fmt(days)} days supply)`,
  }));
  return { ingredients: ings, flags: [`${why}: daily dose from quantity ÷ days supply`] };
}

/** Reads every dosageInstruction of an order into daily ingredient doses, step by step. */
export function dosePlan(order: ClassifiedOrder): DosePlan {
  const reference =
    typeof order?.reference === 'string' ? order.reference : 'MedicationRequest/(unknown)';
  const req = obj(order?.request) ?? {};
  const dosages = items(req['dosageInstruction']).filter((d) => obj(d) !== undefined);
  const evidence: Evidence[] = [];
  const plan: DosePlan = { reference, steps: [], sequential: false, flags: [], evidence };

  // Sequence numbers order steps; instructions sharing one (or all without) are concurrent.
  const groups = new Map<number | undefined, unknown[]>();
  for (const d of dosages) {
    const s = num(obj(d)?.['sequence']);
    groups.set(s, [...(groups.get(s) ?? []), d]);
  }
  const keys = [...groups.keys()].sort((a, b) => (a ?? -Infinity) - (b ?? -Infinity));
  plan.steps = keys.map((k) => sumStep(order, groups.get(k) ?? [], k));
  plan.sequential = plan.steps.length > 1;

  if (plan.steps.length === 0 || (plan.steps.length === 1 && plan.steps[0]?.unknownReason)) {
    const why = plan.steps[0]?.unknownReason ?? 'no dosage instruction';
    const fb = quantityFallback(order, req, why);
    if (fb) {
      plan.steps = [fb];
      evidence.push({
        rule: 'dosage.quantity-over-supply',
        resources: [reference],
        detail: fb.ingredients.map((i) => i.arithmetic).join('; '),
      });
    } else if (plan.steps.length === 0) {
      plan.unknownReason = `${why}, and no quantity with an expected supply duration to fall back on`;
    }
  }
  plan.flags = [...new Set(plan.steps.flatMap((s) => s.flags))];
  const known = plan.steps.filter((s) => !s.unknownReason);
  if (!plan.unknownReason && known.length === 0) {
    plan.unknownReason = `${plan.steps.map((s) => s.unknownReason).find(Boolean) ?? 'dose unknown'}, and no quantity with an expected supply duration to fall back on`;
  }
  for (const s of known)
    evidence.push({
      rule: plan.sequential ? 'dosage.sequential-step' : 'dosage.daily-dose',
      resources: [reference],
      detail:
        s.ingredients.map((i) => i.arithmetic).join('; ') +
        (s.flags.length ? ` [${s.flags.join('; ')}]` : ''),
    });
  return plan;
}

// ---------------------------------------------------------------- days supply

/**
 * Days supply of an order (reference §3): expectedSupplyDuration × (1 + repeats);
 * else quantity ÷ daily use × (1 + repeats); else the stated dosage bounds; else
 * the product default. Whole days, rounded down (a partial last day is not a
 * covered day), at least 1. Undefined when nothing says.
 */
export function daysSupply(order: ClassifiedOrder): { days: number; rule: string } | undefined {
  try {
    const req = obj(order?.request);
    if (!req) return undefined;
    const fills = 1 + repeatsOf(req);
    const expected = expectedSupplyDays(req);
    if (expected && Number.isFinite(expected * fills)) {
      return {
        days: Math.max(1, Math.floor(expected * fills)),
        rule: `supply.expected-duration: ${fmt(expected)} days × (1 + ${fills - 1} repeats)`,
      };
    }
    const q = dispenseQuantity(req);
    if (q) {
      const days = daysFromQuantity(order, q);
      if (days !== undefined && Number.isFinite(days * fills))
        return {
          days: Math.max(1, Math.floor(days * fills)),
          rule: `supply.quantity-over-daily-use: ${fmt(q.value)} ${q.unit || 'units'} ÷ daily use = ${fmt(days)} days × (1 + ${fills - 1} repeats)`,
        };
    }
    const bounds = stepDuration(items(req['dosageInstruction']));
    if (bounds !== undefined)
      return {
        days: bounds,
        rule: 'supply.dosage-bounds: boundsDuration/boundsPeriod of the instructions',
      };
    const product = order.moudProduct;
    const def = product ? DEFAULT_SUPPLY_DAYS[product] : undefined;
    if (def)
      return { days: def, rule: `supply.default: ${product} ${def} days (HEDIS POD convention)` };
    return undefined;
  } catch {
    return undefined;
  }
}

/** Days one fill of `quantity` lasts, walking through sequential steps. */
function daysFromQuantity(order: ClassifiedOrder, q: Quantity): number | undefined {
  const plan = dosePlan(order);
  const qKind = unitKind(q.unit);
  let remaining = qKind === 'volume' ? mlOf(q) : q.value;
  let days = 0;
  for (const [i, step] of plan.steps.entries()) {
    if (step.unknownReason || step.unitsPerDay === undefined || step.unitsPerDay <= 0)
      return undefined;
    // Quantity and dose must count the same thing (mL with mL, tablets with tablets).
    const stepKind = step.unitsName === 'mL' ? 'volume' : 'count';
    if (qKind === 'mass' || qKind !== stepKind) return undefined;
    const last = i === plan.steps.length - 1;
    const stepDays = step.durationDays;
    if (last || stepDays === undefined) return days + remaining / step.unitsPerDay;
    const use = step.unitsPerDay * stepDays;
    if (use >= remaining) return days + remaining / step.unitsPerDay;
    remaining -= use;
    days += stepDays;
  }
  return undefined;
}
