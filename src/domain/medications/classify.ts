/**
 * Medication classification (clinical reference §1): what each MedicationRequest
 * is — MOUD (and which product), buprenorphine for pain, opioid analgesic,
 * benzodiazepine, rescue naloxone, other, or unrecognised.
 *
 * Order of evidence: RxNorm code (on the request, or on the referenced /
 * contained Medication) → ingredient (Medication.ingredient or the CDC drug
 * table) → RxNorm-style display text. Inputs are parsed FHIR, but this module
 * still reads them defensively: a malformed request becomes an `unreadable`
 * entry with a reason; it never throws.
 */
import type { MedicationRequest } from 'fhir/r4';
import {
  BENZODIAZEPINE_NAMES,
  DRUGS,
  KEY_INGREDIENTS,
  OPIOID_INGREDIENTS,
  OUD_ICD10_PREFIXES,
  OUD_SNOMED,
  RXNORM_GROUPS,
  SYSTEM,
} from '../../../fhir-profiles/generated/codes';
import { toDay, type DayNumber } from '../core/dates';
import { items, num, obj, str, type Obj } from '../core/guards';
import type { Evidence, Unreadable } from '../core/evidence';
import type { PatientRecord } from '../core/record';
import type {
  ClassificationResult,
  ClassifiedOrder,
  Ingredient,
  MedicationCategory,
  MoudProduct,
} from './types';

// ---------------------------------------------------------------- status / intent

/** HEDIS POD conventions (reference §3). */
const COUNTED_STATUSES: ReadonlySet<string> = new Set([
  'active',
  'completed',
  'stopped',
  'on-hold',
]);
const COUNTED_INTENTS: ReadonlySet<string> = new Set([
  'order',
  'original-order',
  'filler-order',
  'instance-order',
  'reflex-order',
]);

// ---------------------------------------------------------------- display text

interface ParsedName {
  ingredients: Ingredient[];
  doseForm?: string;
}

const SALT_WORDS =
  /\b(hydrochloride|hcl|bitartrate|sulfate|citrate|tartrate|phosphate|bromide|dipotassium|sodium|maleate|mesylate|besylate|napsylate|polistirex|acetate|anhydrous)\b/g;

/** Ingredient names the classifier knows, longest first so "dihydrocodeine" wins over "codeine". */
const KNOWN_NAMES: readonly (readonly [string, string | undefined])[] = (() => {
  const m = new Map<string, string | undefined>();
  for (const [code, name] of OPIOID_INGREDIENTS) m.set(name, code);
  for (const [name, code] of Object.entries(KEY_INGREDIENTS)) m.set(name, code);
  for (const name of BENZODIAZEPINE_NAMES) if (!m.has(name)) m.set(name, undefined);
  return [...m].sort((a, b) => b[0].length - a[0].length);
})();

/** One word-bounded matcher per known name, compiled once at module load. */
const KNOWN_MATCHERS: readonly (readonly [RegExp, string, string | undefined])[] = KNOWN_NAMES.map(
  ([known, code]) => [new RegExp(`(^|[^a-z])${known}([^a-z]|$)`), known, code] as const,
);

// The same few medication names recur across hundreds of orders: match each text once.
const knownCache = new Map<string, { rxcui?: string; name: string } | undefined>();

function knownIngredient(name: string): { rxcui?: string; name: string } | undefined {
  const n = name.toLowerCase();
  let hit = knownCache.get(n);
  if (hit === undefined && !knownCache.has(n)) {
    hit = undefined;
    for (const [re, known, code] of KNOWN_MATCHERS) {
      if (re.test(n)) {
        hit = code ? { rxcui: code, name: known } : { name: known };
        break;
      }
    }
    if (knownCache.size > 10_000) knownCache.clear();
    knownCache.set(n, hit);
  }
  // A fresh object each time: callers may keep or spread it.
  return hit ? { ...hit } : undefined;
}

const UNIT_PER: Record<string, string> = { ML: 'mL', HR: 'h', ACTUAT: 'actuation' };

/**
 * Reads an RxNorm-style name: "buprenorphine 8 MG / naloxone 2 MG Sublingual Film",
 * "72 HR fentanyl 0.025 MG/HR Transdermal System", "0.5 ML buprenorphine 200 MG/ML
 * Prefilled Syringe [Sublocade]". Tolerates lower case and missing spaces ("8mg").
 */
export function parseRxnormName(text: string): ParsedName {
  let cached = parsedCache.get(text);
  if (!cached) {
    cached = parseRxnormNameUncached(text);
    if (parsedCache.size > 10_000) parsedCache.clear();
    parsedCache.set(text, cached);
  }
  // Copies: the ingredients become part of an order, which callers own.
  const ingredients = cached.ingredients.map((i) =>
    i.strength ? { ...i, strength: { ...i.strength } } : { ...i },
  );
  return cached.doseForm !== undefined
    ? { ingredients, doseForm: cached.doseForm }
    : { ingredients };
}

const parsedCache = new Map<string, ParsedName>();

function parseRxnormNameUncached(text: string): ParsedName {
  const t = text
    .replace(/\s*\[[^\]]*\]\s*$/, '')
    .replace(/^\s*\d+(?:\.\d+)?\s*(?:ML|HR|ACTUAT)\s+/i, '')
    .trim();
  const parts = t.split(/\s+\/\s+/);
  const ingredients: Ingredient[] = [];
  let doseForm: string | undefined;
  const re = /^(.*?)\s*(\d+(?:\.\d+)?)\s*(MG|MCG|UG|G)(?:\/(ML|HR|ACTUAT))?\b\s*(.*)$/i;
  parts.forEach((part, i) => {
    const m = re.exec(part);
    if (!m) return;
    const rawName = (m[1] ?? '').toLowerCase().replace(SALT_WORDS, '').replace(/\s+/g, ' ').trim();
    const unitRaw = (m[3] ?? '').toUpperCase();
    const unit = unitRaw === 'MCG' || unitRaw === 'UG' ? 'mcg' : unitRaw === 'G' ? 'g' : 'mg';
    const per = m[4] ? UNIT_PER[m[4].toUpperCase()] : undefined;
    const known = knownIngredient(rawName);
    const ing: Ingredient = {
      name: known?.name ?? rawName,
      strength: { value: Number(m[2]), unit, ...(per ? { per } : {}) },
    };
    if (known?.rxcui) ing.rxcui = known.rxcui;
    if (ing.name) ingredients.push(ing);
    if (i === parts.length - 1 && str(m[5])) doseForm = (m[5] ?? '').trim();
  });
  return doseForm ? { ingredients, doseForm } : { ingredients };
}

// ---------------------------------------------------------------- conditions

/** Whether a CodeableConcept names opioid use disorder (ICD-10-CM F11.*, or the SNOMED codes of our ValueSet). */
export function isOudConcept(cc: unknown): boolean {
  return items(obj(cc)?.['coding']).some((c) => {
    const o = obj(c);
    const system = str(o?.['system']) ?? '';
    const code = (str(o?.['code']) ?? '').toUpperCase();
    if (!code) return false;
    // Also accept the WHO ICD-10 system URI: F11 means the same there.
    if (system === SYSTEM.ICD10CM || system === SYSTEM.ICD10) {
      return OUD_ICD10_PREFIXES.some((p) => code.startsWith(p));
    }
    return system === SYSTEM.SCT && OUD_SNOMED.has(code);
  });
}

function conditionUsable(c: Obj): boolean {
  const verification = items(obj(c['verificationStatus'])?.['coding']).map((x) =>
    str(obj(x)?.['code']),
  );
  return !verification.includes('refuted') && !verification.includes('entered-in-error');
}

/** Active OUD diagnoses on the problem list (clinicalStatus active/recurrence/relapse, or not stated). */
function activeOudConditions(conditions: unknown[]): Obj[] {
  return conditions.flatMap((c) => {
    const o = obj(c);
    if (!o || !conditionUsable(o) || !isOudConcept(o['code'])) return [];
    const clinical = items(obj(o['clinicalStatus'])?.['coding']).map((x) => str(obj(x)?.['code']));
    const active =
      clinical.length === 0 ||
      clinical.some((s) => s === 'active' || s === 'recurrence' || s === 'relapse');
    return active ? [o] : [];
  });
}

const refOf = (o: Obj, type: string): string => `${type}/${str(o['id']) ?? '(no id)'}`;

/**
 * The first resource with each id among a record's list, indexed on first use
 * (one pass per classification rather than one scan per order). If the list
 * cannot be read whole (hostile getters), lookups scan it as before, so a bad
 * entry affects only the orders that reach it.
 */
class ById {
  private index: Map<string, Obj> | null | undefined;
  constructor(
    private readonly list: unknown[],
    private readonly accept: (o: Obj) => boolean,
  ) {}
  get(id: string): Obj | undefined {
    if (this.index === undefined) {
      try {
        const m = new Map<string, Obj>();
        for (const x of this.list) {
          const o = obj(x);
          if (!o || !this.accept(o)) continue;
          const k = str(o['id']);
          if (k !== undefined && !m.has(k)) m.set(k, o);
        }
        this.index = m;
      } catch {
        this.index = null;
      }
    }
    if (this.index) return this.index.get(id);
    return this.list.map(obj).find((o) => o && this.accept(o) && str(o['id']) === id);
  }
}

const anyResource = (): boolean => true;
const isMedication = (o: Obj): boolean => o['resourceType'] === 'Medication';

/** The order's own reason, when it is OUD: evidence refs, or undefined. */
function oudReason(req: Obj, conditions: ById): string[] | undefined {
  const refs: string[] = [];
  if (items(req['reasonCode']).some(isOudConcept)) refs.push('reasonCode');
  for (const r of items(req['reasonReference'])) {
    const reference = str(obj(r)?.['reference']);
    const id = reference ? /(?:^|\/)Condition\/([^/]+)/.exec(reference)?.[1] : undefined;
    const c = id ? conditions.get(id) : undefined;
    if (c && conditionUsable(c) && isOudConcept(c['code'])) refs.push(refOf(c, 'Condition'));
  }
  return refs.length ? refs : undefined;
}

// ---------------------------------------------------------------- medication identity

interface Identity {
  rxnorm: string[];
  texts: string[];
  ingredients: Ingredient[];
  doseForm?: string;
  medicationRef?: string;
  unresolved?: string;
}

const RXNORM_SYSTEMS: ReadonlySet<string> = new Set([SYSTEM.RxNorm, SYSTEM.RxNormOid]);

function readConcept(cc: unknown, into: Identity): void {
  const o = obj(cc);
  if (!o) return;
  for (const c of items(o['coding'])) {
    const co = obj(c);
    const code = str(co?.['code'])?.trim();
    if (code && RXNORM_SYSTEMS.has(str(co?.['system']) ?? '') && !into.rxnorm.includes(code))
      into.rxnorm.push(code);
    const display = str(co?.['display']);
    if (display) into.texts.push(display);
  }
  const text = str(o['text']);
  if (text) into.texts.push(text);
}

/** Medication.ingredient[] → Ingredient[] (strength as a Ratio: numerator per denominator). */
function readMedication(med: Obj, into: Identity): void {
  readConcept(med['code'], into);
  const form = obj(med['form']);
  const formText =
    str(form?.['text']) ??
    items(form?.['coding'])
      .map((c) => str(obj(c)?.['display']))
      .find(Boolean);
  if (formText) into.doseForm = formText;
  for (const i of items(med['ingredient'])) {
    const io = obj(i);
    if (!io) continue;
    const item: Identity = { rxnorm: [], texts: [], ingredients: [] };
    readConcept(io['itemCodeableConcept'], item);
    const name = item.texts[0] ?? str(obj(io['itemReference'])?.['display']);
    const known = (item.rxnorm[0] && OPIOID_INGREDIENTS.get(item.rxnorm[0])) || undefined;
    const byName = name ? knownIngredient(name) : undefined;
    const ing: Ingredient = {
      name: (known ?? byName?.name ?? name ?? 'unnamed ingredient').toLowerCase(),
    };
    const rxcui = item.rxnorm[0] ?? byName?.rxcui;
    if (rxcui) ing.rxcui = rxcui;
    const strength = obj(io['strength']);
    const n = obj(strength?.['numerator']);
    const d = obj(strength?.['denominator']);
    const value = num(n?.['value']);
    const unit = str(n?.['code']) ?? str(n?.['unit']);
    if (value !== undefined && unit) {
      const perUnit = str(d?.['code']) ?? str(d?.['unit']);
      const perValue = num(d?.['value']) ?? 1;
      const s: Ingredient['strength'] = {
        value: perValue > 0 ? value / perValue : value,
        unit: normaliseMassUnit(unit),
      };
      if (perUnit) s.per = normalisePer(perUnit);
      ing.strength = s;
    }
    into.ingredients.push(ing);
  }
}

export function normaliseMassUnit(u: string): string {
  const x = u.toLowerCase().trim();
  if (x === 'ug' || x === 'mcg' || x === 'µg' || x === 'microgram' || x === 'micrograms')
    return 'mcg';
  if (x === 'mg' || x === 'milligram' || x === 'milligrams') return 'mg';
  if (x === 'g' || x === 'gram' || x === 'grams') return 'g';
  return x;
}

/** A strength denominator: "mL", "h", "actuation", or a count unit ("tablet"). */
function normalisePer(u: string): string {
  const x = u.toLowerCase().replace(/[{}]/g, '').trim();
  if (x === 'ml' || x === 'milliliter' || x === 'millilitre') return 'mL';
  if (x === 'h' || x === 'hr' || x === 'hour') return 'h';
  if (x.startsWith('actuat') || x === 'spray' || x === 'puff') return 'actuation';
  return x;
}

function identify(req: Obj, medications: ById): Identity | { error: string } {
  const id: Identity = { rxnorm: [], texts: [], ingredients: [] };
  const cc = obj(req['medicationCodeableConcept']);
  const mr = obj(req['medicationReference']);
  if (cc) readConcept(cc, id);
  else if (mr) {
    const reference = str(mr['reference']);
    const display = str(mr['display']);
    let med: Obj | undefined;
    if (reference?.startsWith('#')) {
      med = items(req['contained'])
        .map(obj)
        .find(
          (c) => c && c['resourceType'] === 'Medication' && str(c['id']) === reference.slice(1),
        );
      id.medicationRef = `${reference} (contained)`;
    } else if (reference) {
      const m = /(?:^|\/)Medication\/([^/]+?)(?:\/_history\/.*)?$/.exec(reference);
      med = m?.[1] !== undefined ? medications.get(m[1]) : undefined;
      id.medicationRef = m ? `Medication/${m[1]}` : reference;
    }
    if (med) readMedication(med, id);
    else id.unresolved = `medication reference ${reference ?? '(none)'} not found`;
    if (display) id.texts.push(display);
    if (!med && !display) return id; // reported as unrecognised, with the reason
  } else {
    return { error: 'no medicationCodeableConcept or medicationReference' };
  }
  return id;
}

// ---------------------------------------------------------------- classification rules

interface Verdict {
  category: MedicationCategory;
  moudProduct?: MoudProduct;
  rule: string;
  detail: string;
  extraRefs?: string[];
}

interface Context {
  oudReasonRefs?: string[];
  oudDiagnosisRefs: string[];
}

function methadone(ctx: Context, otp: boolean, how: string): Verdict {
  // Outside an OTP, US law lets methadone be prescribed only for pain, so a
  // diagnosis alone does not make it MOUD: the order's own reason must say so.
  if (otp)
    return {
      category: 'moud-methadone',
      moudProduct: 'methadone-otp',
      rule: 'medications.methadone-otp-form',
      detail: `${how}: OTP form of methadone`,
    };
  if (ctx.oudReasonRefs)
    return {
      category: 'moud-methadone',
      moudProduct: 'methadone-oud',
      rule: 'medications.methadone-oud-reason',
      detail: `${how}: methadone ordered for opioid use disorder`,
      extraRefs: ctx.oudReasonRefs.filter((r) => r.includes('/')),
    };
  return {
    category: 'opioid-analgesic',
    rule: 'medications.methadone-analgesic',
    detail: `${how}: methadone without an OUD reason or OTP form is counted as an analgesic`,
  };
}

function naltrexoneOral(ctx: Context, how: string): Verdict {
  const refs =
    ctx.oudReasonRefs ?? (ctx.oudDiagnosisRefs.length ? ctx.oudDiagnosisRefs : undefined);
  if (refs)
    return {
      category: 'moud-naltrexone',
      moudProduct: 'naltrexone-oral-oud',
      rule: 'medications.naltrexone-oral-oud',
      detail: `${how}: oral naltrexone with an OUD reason or diagnosis`,
      extraRefs: refs.filter((r) => r.includes('/')),
    };
  return {
    category: 'other',
    rule: 'medications.naltrexone-oral-no-oud',
    detail: `${how}: oral naltrexone without an OUD reason or diagnosis (may be for alcohol use) is not counted as MOUD`,
  };
}

function byCode(codes: string[], ings: Ingredient[], ctx: Context): Verdict | undefined {
  const has = (g: keyof typeof RXNORM_GROUPS) => codes.find((c) => RXNORM_GROUPS[g].has(c));
  const product = (p: MoudProduct, g: keyof typeof RXNORM_GROUPS): Verdict | undefined => {
    const c = has(g);
    return c
      ? {
          category: 'moud-buprenorphine',
          moudProduct: p,
          rule: 'medications.by-code',
          detail: `RxNorm ${c} is in ValueSet ${g}`,
        }
      : undefined;
  };
  const v =
    product('buprenorphine-er-monthly', 'moud-buprenorphine-er-monthly') ??
    product('buprenorphine-er-weekly', 'moud-buprenorphine-er-weekly') ??
    product('buprenorphine-implant', 'moud-buprenorphine-implant') ??
    product('buprenorphine-sublingual', 'moud-buprenorphine-sublingual');
  if (v) return v;
  let c = has('buprenorphine-pain');
  if (c)
    return {
      category: 'buprenorphine-pain',
      rule: 'medications.by-code',
      detail: `RxNorm ${c} is in ValueSet buprenorphine-pain`,
    };
  c = has('naltrexone-xr');
  if (c)
    return {
      category: 'moud-naltrexone',
      moudProduct: 'naltrexone-xr',
      rule: 'medications.by-code',
      detail: `RxNorm ${c} is in ValueSet naltrexone-xr`,
    };
  c = has('naltrexone-oral');
  if (c) return naltrexoneOral(ctx, `RxNorm ${c} is in ValueSet naltrexone-oral`);
  c = has('methadone-otp');
  if (c) return methadone(ctx, true, `RxNorm ${c} is in ValueSet methadone-otp`);
  c = has('opioid-analgesics');
  const contains = (code: string, name: string) =>
    ings.some((i) => i.rxcui === code || i.name === name);
  if (c && contains(KEY_INGREDIENTS.methadone, 'methadone'))
    return methadone(ctx, false, `RxNorm ${c} is methadone in the CDC opioid-analgesics set`);
  // Buprenorphine products outside our product groups fall through to the ingredient/form rules.
  if (c && !contains(KEY_INGREDIENTS.buprenorphine, 'buprenorphine'))
    return {
      category: 'opioid-analgesic',
      rule: 'medications.by-code',
      detail: `RxNorm ${c} is in the CDC opioid-analgesics set`,
    };
  c = has('naloxone-rescue');
  if (c)
    return {
      category: 'naloxone-rescue',
      rule: 'medications.by-code',
      detail: `RxNorm ${c} is in the CDC naloxone set (combination products excluded)`,
    };
  c = has('benzodiazepines');
  if (c)
    return {
      category: 'benzodiazepine',
      rule: 'medications.by-code',
      detail: `RxNorm ${c} is in the CDC benzodiazepine set`,
    };
  return undefined;
}

/** Rules on ingredients and dose form, shared by the ingredient and display-text steps. */
function byIngredients(
  ings: Ingredient[],
  formText: string,
  ctx: Context,
  how: string,
): Verdict | undefined {
  const form = formText.toLowerCase();
  const has = (code: string, name: string) => ings.some((i) => i.rxcui === code || i.name === name);
  const bup = has(KEY_INGREDIENTS.buprenorphine, 'buprenorphine');
  const naloxone = has(KEY_INGREDIENTS.naloxone, 'naloxone');
  if (bup) {
    const mk = (p: MoudProduct, what: string): Verdict => ({
      category: 'moud-buprenorphine',
      moudProduct: p,
      rule: how,
      detail: `buprenorphine ${what}`,
    });
    if (/implant/.test(form)) return mk('buprenorphine-implant', 'implant');
    if (/sublingual|\bsl\b/.test(form) || (/buccal/.test(form) && naloxone))
      return mk('buprenorphine-sublingual', `in ${formText}`);
    if (
      /transdermal|patch|buccal/.test(form) ||
      (/inject|cartridge/.test(form) && !/prefilled|extended|\ber\b/.test(form))
    )
      return {
        category: 'buprenorphine-pain',
        rule: how,
        detail: `buprenorphine ${formText}: a pain product, not MOUD`,
      };
    if (/prefilled|extended|\ber\b|inject/.test(form)) {
      // Brixadi weekly is 50 mg/mL; Sublocade (200) and Brixadi monthly (356) are monthly.
      const perMl = ings.find((i) => i.name === 'buprenorphine')?.strength;
      const weekly = perMl?.per === 'mL' && perMl.value <= 50;
      return mk(
        weekly ? 'buprenorphine-er-weekly' : 'buprenorphine-er-monthly',
        `extended-release injection (${formText})`,
      );
    }
    if (naloxone) return mk('buprenorphine-sublingual', 'with naloxone (form not stated)');
    // Form unknown: buprenorphine in primary care is almost always MOUD; the product stays open.
    return {
      category: 'moud-buprenorphine',
      rule: how,
      detail: 'buprenorphine, form not stated: assumed MOUD, product unknown',
    };
  }
  if (has(KEY_INGREDIENTS.methadone, 'methadone')) {
    const s = ings.find((i) => i.name === 'methadone')?.strength;
    const otp =
      /oral suspension|dispersible|diskets|concentrate/.test(form) ||
      (s?.per === 'mL' &&
        (s.value === 10 || s.value === 20) &&
        /oral|solution|concentrate/.test(form));
    return methadone(ctx, otp, `${how} (${formText || 'form not stated'})`);
  }
  if (has(KEY_INGREDIENTS.naltrexone, 'naltrexone')) {
    if (/inject|suspension|extended|\ber\b|xr/.test(form))
      return {
        category: 'moud-naltrexone',
        moudProduct: 'naltrexone-xr',
        rule: how,
        detail: 'naltrexone extended-release injection',
      };
    return naltrexoneOral(ctx, how);
  }
  const opioid = ings.find(
    (i) =>
      (i.rxcui && OPIOID_INGREDIENTS.has(i.rxcui)) ||
      [...OPIOID_INGREDIENTS.values()].includes(i.name),
  );
  if (opioid) return { category: 'opioid-analgesic', rule: how, detail: `contains ${opioid.name}` };
  if (naloxone && ings.every((i) => i.name === 'naloxone' || i.rxcui === KEY_INGREDIENTS.naloxone))
    return { category: 'naloxone-rescue', rule: how, detail: 'naloxone only' };
  const benzo = ings.find((i) => BENZODIAZEPINE_NAMES.includes(i.name));
  if (benzo) return { category: 'benzodiazepine', rule: how, detail: `contains ${benzo.name}` };
  return undefined;
}

// ---------------------------------------------------------------- start day

function startDay(req: Obj): { day: DayNumber; from: string } | undefined {
  const bounds = items(req['dosageInstruction'])
    .map((d) =>
      toDay(str(obj(obj(obj(obj(d)?.['timing'])?.['repeat'])?.['boundsPeriod'])?.['start'])),
    )
    .filter((d): d is DayNumber => d !== undefined);
  if (bounds.length)
    return { day: Math.min(...bounds), from: 'dosageInstruction.timing.repeat.boundsPeriod.start' };
  const authored = toDay(str(req['authoredOn']));
  if (authored !== undefined) return { day: authored, from: 'authoredOn' };
  const validity = toDay(str(obj(obj(req['dispenseRequest'])?.['validityPeriod'])?.['start']));
  if (validity !== undefined)
    return { day: validity, from: 'dispenseRequest.validityPeriod.start' };
  return undefined;
}

// ---------------------------------------------------------------- main

function classifyOne(
  raw: unknown,
  medications: ById,
  conditions: ById,
  ctxBase: Context,
): ClassifiedOrder | Unreadable {
  const req = obj(raw);
  if (!req) return { reference: 'MedicationRequest/(unreadable)', reason: 'not an object' };
  const reference = refOf(req, 'MedicationRequest');
  if (req['resourceType'] !== 'MedicationRequest')
    return { reference, reason: 'not a MedicationRequest' };
  const identity = identify(req, medications);
  if ('error' in identity) return { reference, reason: identity.error };

  const ctx: Context = { ...ctxBase };
  const reasonRefs = oudReason(req, conditions);
  if (reasonRefs) ctx.oudReasonRefs = reasonRefs;
  const resources = [
    reference,
    ...(identity.medicationRef && !identity.medicationRef.startsWith('#')
      ? [identity.medicationRef]
      : []),
  ];
  const evidence: Evidence[] = [];

  // Ingredients: the Medication's own, else the CDC drug table, else the display text.
  let ingredients = identity.ingredients;
  let doseForm = identity.doseForm;
  const drug = identity.rxnorm.map((c) => DRUGS.get(c)).find(Boolean);
  const parsed = identity.texts.map(parseRxnormName).find((p) => p.ingredients.length > 0);
  const withStrength = ingredients.some((i) => i.strength);
  if (!withStrength && drug) {
    ingredients = drug.ingredients.map((i) => ({
      rxcui: i.rxcui,
      name: i.name,
      strength: {
        value: i.strengthValue,
        unit: normaliseMassUnit(i.strengthUnit.split('/')[0] ?? ''),
        ...(i.strengthUnit.includes('/')
          ? { per: normalisePer(i.strengthUnit.split('/')[1] ?? '') }
          : {}),
      },
    }));
  } else if (!withStrength && parsed) {
    ingredients = parsed.ingredients;
  }
  doseForm ??= drug?.doseForm ?? parsed?.doseForm;
  const display =
    identity.texts[0] ??
    drug?.name ??
    (identity.rxnorm[0] ? `RxNorm ${identity.rxnorm[0]}` : 'medication not named');

  let verdict = byCode(identity.rxnorm, ingredients, ctx);
  if (!verdict && identity.ingredients.length)
    verdict = byIngredients(identity.ingredients, doseForm ?? '', ctx, 'medications.by-ingredient');
  if (!verdict && drug)
    verdict = byIngredients(ingredients, drug.doseForm, ctx, 'medications.by-ingredient');
  if (!verdict && parsed)
    verdict = byIngredients(
      parsed.ingredients,
      parsed.doseForm ?? '',
      ctx,
      'medications.by-display-text',
    );
  if (!verdict && identity.ingredients.length === 0 && !drug && !parsed) {
    // Free text without strengths ("Suboxone film"): match ingredient names only.
    const names = identity.texts
      .map(knownIngredient)
      .filter((x): x is { name: string; rxcui?: string } => !!x);
    if (names.length)
      verdict = byIngredients(
        names.map((n) => ({ ...n })),
        identity.texts.join(' '),
        ctx,
        'medications.by-display-text',
      );
  }
  if (!verdict) {
    verdict = {
      category: 'unrecognised',
      rule: 'medications.unrecognised',
      detail:
        identity.unresolved ??
        `no rule recognised ${display}${identity.rxnorm.length ? ` (RxNorm ${identity.rxnorm.join(', ')})` : ''}`,
    };
  }
  evidence.push({
    rule: verdict.rule,
    resources: [...resources, ...(verdict.extraRefs ?? [])],
    detail: verdict.detail,
  });

  const status = str(req['status']) ?? '';
  const intent = str(req['intent']) ?? '';
  const counted = COUNTED_STATUSES.has(status) && COUNTED_INTENTS.has(intent);
  evidence.push({
    rule: 'medications.counted',
    resources: [reference],
    detail: `status ${status || '(none)'}, intent ${intent || '(none)'}: ${counted ? 'counted' : 'not counted'}`,
  });
  const start = startDay(req);
  if (start)
    evidence.push({
      rule: 'medications.start',
      resources: [reference],
      detail: `start from ${start.from}`,
    });

  const order: ClassifiedOrder = {
    reference,
    request: req as unknown as MedicationRequest,
    category: verdict.category,
    display,
    rxnorm: identity.rxnorm,
    ingredients,
    counted,
    evidence,
  };
  if (verdict.moudProduct) order.moudProduct = verdict.moudProduct;
  if (start) order.start = start.day;
  if (doseForm) order.doseForm = doseForm;
  return order;
}

/**
 * Classifies every MedicationRequest of a record. Never throws: a request that
 * cannot be read is reported in `unreadable` with the reason.
 */
export function classifyOrders(
  record: Pick<PatientRecord, 'medicationRequests' | 'medications' | 'conditions'>,
): ClassificationResult {
  const r = obj(record);
  const requests = items(r?.['medicationRequests']);
  const medications = items(r?.['medications']);
  const conditions = items(r?.['conditions']);
  const result: ClassificationResult = { orders: [], unreadable: [] };
  let ctxBase: Context;
  try {
    ctxBase = {
      oudDiagnosisRefs: activeOudConditions(conditions).map((c) => refOf(c, 'Condition')),
    };
  } catch {
    ctxBase = { oudDiagnosisRefs: [] };
  }
  const medicationsById = new ById(medications, isMedication);
  const conditionsById = new ById(conditions, anyResource);
  requests.forEach((raw, i) => {
    try {
      const out = classifyOne(raw, medicationsById, conditionsById, ctxBase);
      if ('reason' in out) result.unreadable.push(out);
      else result.orders.push(out);
    } catch (e) {
      // Last line of defence against hostile shapes (getters, cycles): report, never throw.
      result.unreadable.push({
        reference: `medicationRequests[${i}]`,
        reason: `could not be read: ${e instanceof Error ? e.message : 'unknown error'}`,
      });
    }
  });
  return result;
}

/** The patient's active OUD diagnoses, as Condition references (for the other modules). */
export function oudDiagnoses(conditions: unknown): string[] {
  try {
    return activeOudConditions(items(conditions)).map((c) => refOf(c, 'Condition'));
  } catch {
    return [];
  }
}
