/**
 * Urine drug tests (clinical-reference §5): every result shape normalised to
 * detected / not detected / indeterminate per analyte group, and the signals
 * a care team acts on. Wording is deliberately neutral: a result is
 * "detected" or "not detected", never "positive for…" about a person.
 */
import type {
  CodeableConcept,
  Observation,
  ObservationComponent,
  ObservationReferenceRange,
  Quantity,
} from 'fhir/r4';
import {
  SYSTEM,
  UDS_GROUPS_OF_LOINC,
  type UdsAnalyteGroup,
} from '../../../fhir-profiles/generated/codes';
import { valueSetCodes } from '../core/codes';
import { fromDay, type DayNumber } from '../core/dates';
import { ref, type Evidence, type Unreadable } from '../core/evidence';
import { PARAMETERS } from '../core/parameters';
import { dayOfText } from '../core/guards';

const P = PARAMETERS.drugTests;

export type TestResult = 'detected' | 'not-detected' | 'indeterminate';

export interface DrugTestResult {
  reference: string;
  day: DayNumber;
  loinc: string;
  analytes: UdsAnalyteGroup[];
  result: TestResult;
  /** Which shape the result was read from, e.g. "valueString", "interpretation". */
  readFrom: string;
  evidence: Evidence;
}

type DrugTestSignalKind =
  'buprenorphine-consistent' | 'buprenorphine-not-detected' | 'overdose-risk';

interface DrugTestSignal {
  kind: DrugTestSignalKind;
  day: DayNumber;
  /** Plain, neutral sentence for the UI. */
  text: string;
  analytes: UdsAnalyteGroup[];
  evidence: Evidence[];
}

export interface DrugTestSummary {
  asOf: DayNumber;
  results: DrugTestResult[];
  /** Most recent result per analyte group. */
  latestByAnalyte: Partial<Record<UdsAnalyteGroup, DrugTestResult>>;
  lastTestDay?: DayNumber;
  signals: DrugTestSignal[];
  unreadable: Unreadable[];
}

/** Who prescribed buprenorphine on a day: references, empty when none. */
type PrescribedOn = (day: DayNumber) => string[];

const IGNORED_STATUS = new Set(['entered-in-error', 'cancelled', 'unknown']);

// Coded answers (SNOMED CT, LOINC answer list) and interpretation codes, from
// the drug-test-* ValueSets. Matched by code alone: labs often leave out the system.
const ANSWER_SYSTEMS = [SYSTEM.SCT, SYSTEM.LOINC];
const INTERPRETATION_SYSTEMS = [SYSTEM.ObservationInterpretation];
const DETECTED_CODES = valueSetCodes('drug-test-detected', ANSWER_SYSTEMS);
const NOT_DETECTED_CODES = valueSetCodes('drug-test-not-detected', ANSWER_SYSTEMS);
const INDETERMINATE_CODES = valueSetCodes('drug-test-indeterminate', ANSWER_SYSTEMS);
const INTERP_DETECTED = valueSetCodes('drug-test-detected', INTERPRETATION_SYSTEMS);
const INTERP_NOT_DETECTED = valueSetCodes('drug-test-not-detected', INTERPRETATION_SYSTEMS);
const INTERP_INDETERMINATE = valueSetCodes('drug-test-indeterminate', INTERPRETATION_SYSTEMS);

function codesOf(cc: CodeableConcept | CodeableConcept[] | undefined): string[] {
  const list = Array.isArray(cc) ? cc : cc ? [cc] : [];
  const out: string[] = [];
  for (const c of list) {
    if (!c || typeof c !== 'object') continue;
    for (const coding of Array.isArray(c.coding) ? c.coding : [])
      if (coding && typeof coding.code === 'string') out.push(coding.code.trim());
  }
  return out;
}

function fromCodes(codes: string[]): TestResult | undefined {
  // One pass; precedence detected > not detected > indeterminate.
  let notDetected = false;
  let indeterminate = false;
  for (const c of codes) {
    if (DETECTED_CODES.has(c)) return 'detected';
    if (NOT_DETECTED_CODES.has(c)) notDetected = true;
    else if (INDETERMINATE_CODES.has(c)) indeterminate = true;
  }
  return notDetected ? 'not-detected' : indeterminate ? 'indeterminate' : undefined;
}

function fromString(s: string | undefined): TestResult | undefined {
  if (typeof s !== 'string') return undefined;
  const t = s.trim().toLowerCase();
  if (!t) return undefined;
  // The CDC logic reads only "pos…"/"neg…"; the wordings below are common lab text.
  if (
    t.startsWith('neg') ||
    t.startsWith('not detected') ||
    t.startsWith('none detected') ||
    t.startsWith('non-detected')
  )
    return 'not-detected';
  if (t.startsWith('pos') || t.startsWith('detected') || t.startsWith('presumptive pos'))
    return 'detected';
  return 'indeterminate';
}

function fromInterpretation(codes: string[]): TestResult | undefined {
  // One pass; precedence detected > not detected > indeterminate.
  let notDetected = false;
  let indeterminate = false;
  for (const c of codes) {
    const up = c.toUpperCase();
    if (INTERP_DETECTED.has(up)) return 'detected';
    if (INTERP_NOT_DETECTED.has(up)) notDetected = true;
    else if (INTERP_INDETERMINATE.has(up)) indeterminate = true;
  }
  return notDetected ? 'not-detected' : indeterminate ? 'indeterminate' : undefined;
}

function isNgPerMl(q: Quantity | undefined): boolean {
  // Damaged input may carry a non-string code or unit: read it as text, never throw.
  const u = String(q?.code ?? q?.unit ?? '')
    .toLowerCase()
    .replace(/\s/g, '');
  return u === 'ng/ml' || u === 'ug/l';
}

function fromNumber(
  q: Quantity | undefined,
  ranges: ObservationReferenceRange[] | undefined,
  analytes: UdsAnalyteGroup[],
): { result: TestResult; detail: string } | undefined {
  const v = q?.value;
  if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  const range = (Array.isArray(ranges) ? ranges : []).find(
    (r) => typeof r?.high?.value === 'number',
  );
  if (range?.high?.value !== undefined) {
    const high = range.high.value;
    return {
      result: v > high ? 'detected' : 'not-detected',
      detail: `${v} against reference range high ${high}`,
    };
  }
  if (!isNgPerMl(q))
    return {
      result: 'indeterminate',
      detail: `${v} ${q?.unit ?? ''} with no reference range and no known cutoff for this unit`,
    };
  const cutoffs = analytes
    .map((a) => P.cutoffNgPerMl[a])
    .filter((c): c is number => typeof c === 'number');
  if (cutoffs.length === 0)
    return {
      result: 'indeterminate',
      detail: `${v} ng/mL with no reference range and no configured cutoff`,
    };
  const cutoff = Math.min(...cutoffs);
  return {
    result: v >= cutoff ? 'detected' : 'not-detected',
    detail: `${v} ng/mL against configured cutoff ${cutoff} ng/mL (unconfirmed parameter)`,
  };
}

interface ResultSource {
  code?: CodeableConcept;
  valueString?: string;
  valueCodeableConcept?: CodeableConcept;
  valueQuantity?: Quantity;
  interpretation?: CodeableConcept[];
  referenceRange?: ObservationReferenceRange[];
}

/** Normalise one result shape. Order: coded value, string, interpretation, number. */
function normaliseResult(
  src: ResultSource,
  analytes: UdsAnalyteGroup[],
): { result: TestResult; readFrom: string; detail: string } {
  const valueCodes = codesOf(src.valueCodeableConcept);
  const coded = fromCodes(valueCodes);
  if (coded)
    return {
      result: coded,
      readFrom: 'valueCodeableConcept',
      detail: `coded answer ${valueCodes.join(', ')}`,
    };
  const text = src.valueCodeableConcept?.text;
  const str = fromString(src.valueString) ?? (text ? fromString(text) : undefined);
  if (str && str !== 'indeterminate')
    return { result: str, readFrom: 'valueString', detail: `text "${src.valueString ?? text}"` };
  const interpCodes = codesOf(src.interpretation);
  const interp = fromInterpretation(interpCodes);
  if (interp)
    return {
      result: interp,
      readFrom: 'interpretation',
      detail: `interpretation ${interpCodes.join(', ')}`,
    };
  const num = fromNumber(src.valueQuantity, src.referenceRange, analytes);
  if (num) return { result: num.result, readFrom: 'valueQuantity', detail: num.detail };
  if (str)
    return {
      result: str,
      readFrom: 'valueString',
      detail: `unrecognised text "${src.valueString ?? text}"`,
    };
  return { result: 'indeterminate', readFrom: 'none', detail: 'no readable result' };
}

type Analytes = { loinc: string; analytes: UdsAnalyteGroup[] };

// One entry per drug-test LOINC, built on first use: results share it (read-only).
const ANALYTES_OF_LOINC = new Map<string, Analytes>();

/** The first LOINC coding (system LOINC or unstated) that names a drug-test analyte group. */
function analytesOf(cc: CodeableConcept | undefined): Analytes | undefined {
  const coding = cc?.coding;
  if (!Array.isArray(coding)) return undefined;
  for (const c of coding) {
    if (!c || typeof c.code !== 'string' || (c.system !== SYSTEM.LOINC && c.system !== undefined))
      continue;
    const code = c.code.trim();
    let a = ANALYTES_OF_LOINC.get(code);
    if (!a) {
      const groups = UDS_GROUPS_OF_LOINC.get(code);
      if (!groups || !groups.length) continue;
      a = { loinc: code, analytes: groups as UdsAnalyteGroup[] };
      ANALYTES_OF_LOINC.set(code, a);
    }
    return a;
  }
  return undefined;
}

function obsDay(o: Observation): DayNumber | undefined {
  return (
    dayOfText(o.effectiveDateTime) ??
    dayOfText(o.effectivePeriod?.start) ??
    dayOfText(o.effectiveInstant) ??
    dayOfText(o.issued)
  );
}

const RESULT_WORDS: Record<TestResult, string> = {
  detected: 'detected',
  'not-detected': 'not detected',
  indeterminate: 'indeterminate',
};

// "LOINC x (groups)" per LOINC: the same few labels recur on thousands of results.
const labelCache = new Map<string, string>();
function labelOf(a: Analytes): string {
  let l = labelCache.get(a.loinc);
  if (l === undefined) {
    l = `LOINC ${a.loinc} (${a.analytes.join(', ')})`;
    labelCache.set(a.loinc, l);
  }
  return l;
}

function pushResult(
  results: DrugTestResult[],
  r: string,
  day: DayNumber,
  src: ResultSource,
  a: Analytes,
  where: string,
): void {
  const n = normaliseResult(src, a.analytes);
  const label = where ? `LOINC ${a.loinc}${where} (${a.analytes.join(', ')})` : labelOf(a);
  results.push({
    reference: r,
    day,
    loinc: a.loinc,
    analytes: a.analytes,
    result: n.result,
    readFrom: n.readFrom,
    evidence: {
      rule: `drug-tests.${n.readFrom}`,
      resources: [r],
      detail: `${label} on ${fromDay(day)}: ${RESULT_WORDS[n.result]} from ${n.detail}`,
    },
  });
}

/** Read every drug-test Observation (and drug-test components of panels). Non-UDS observations are skipped. */
export function readDrugTests(observations: Observation[]): {
  results: DrugTestResult[];
  unreadable: Unreadable[];
} {
  const results: DrugTestResult[] = [];
  const unreadable: Unreadable[] = [];
  if (!Array.isArray(observations)) return { results, unreadable };
  for (const o of observations) {
    if (!o || typeof o !== 'object') continue;
    const main = analytesOf(o.code);
    const components = o.component;
    // Components that are drug tests, in order (most observations have none).
    let parts: { c: ObservationComponent; i: number; a: Analytes }[] | undefined;
    if (Array.isArray(components))
      components.forEach((c, i) => {
        const a = c && typeof c === 'object' ? analytesOf(c.code) : undefined;
        if (a) (parts ??= []).push({ c, i, a });
      });
    if (!main && !parts) continue;
    if (IGNORED_STATUS.has(String(o.status))) continue;
    const r = ref({ resourceType: 'Observation', id: o.id });
    const day = obsDay(o);
    if (day === undefined) {
      unreadable.push({ reference: r, reason: 'drug test without an effective date' });
      continue;
    }
    if (main) pushResult(results, r, day, o, main, '');
    if (parts)
      for (const p of parts) pushResult(results, r, day, p.c, p.a, ` component ${p.i + 1}`);
  }
  results.sort((x, y) => x.day - y.day);
  return { results, unreadable };
}

const OVERDOSE_RISK: UdsAnalyteGroup[] = ['fentanyl-type', 'heroin'];

const ANALYTE_WORDS: Partial<Record<UdsAnalyteGroup, string>> = {
  'fentanyl-type': 'Fentanyl',
  heroin: '6-MAM (heroin)',
  buprenorphine: 'Buprenorphine',
  'synthetic-opioid': 'A synthetic opioid',
};

export function summariseDrugTests(
  observations: Observation[],
  asOf: DayNumber,
  buprenorphinePrescribedOn: PrescribedOn,
): DrugTestSummary {
  const { results, unreadable } = readDrugTests(observations);
  const past = results.filter((r) => r.day <= asOf);
  const latestByAnalyte: Partial<Record<UdsAnalyteGroup, DrugTestResult>> = {};
  for (const r of past) for (const a of r.analytes) latestByAnalyte[a] = r; // ascending: last write wins
  const signals: DrugTestSignal[] = [];

  // Overdose risk: fentanyl or 6-MAM detected recently (one signal per analyte, latest detection).
  for (const a of OVERDOSE_RISK) {
    const hits = past.filter(
      (r) =>
        r.analytes.includes(a) &&
        r.result === 'detected' &&
        r.day >= asOf - P.overdoseRiskSignalDays,
    );
    const last = hits[hits.length - 1];
    if (!last) continue;
    const ago = asOf - last.day;
    signals.push({
      kind: 'overdose-risk',
      day: last.day,
      text: `${ANALYTE_WORDS[a]} detected in a urine test ${ago === 0 ? 'today' : `${ago} day${ago === 1 ? '' : 's'} ago`}: high overdose risk. Offer naloxone and reach out.`,
      analytes: [a],
      evidence: hits.map((h) => h.evidence),
    });
  }

  // Buprenorphine consistency: the latest buprenorphine result, if recent and prescribed that day.
  const bup = latestByAnalyte.buprenorphine;
  if (bup && bup.day >= asOf - P.consistencySignalDays && bup.result !== 'indeterminate') {
    const prescribed = buprenorphinePrescribedOn(bup.day);
    if (prescribed.length > 0) {
      const ago = asOf - bup.day;
      const when = ago === 0 ? 'today' : `${ago} day${ago === 1 ? '' : 's'} ago`;
      const rx: Evidence = {
        rule: 'drug-tests.buprenorphine-prescribed',
        resources: prescribed,
        detail: `buprenorphine prescribed and covering ${fromDay(bup.day)}`,
      };
      signals.push(
        bup.result === 'detected'
          ? {
              kind: 'buprenorphine-consistent',
              day: bup.day,
              text: `Buprenorphine detected ${when}, consistent with the prescription.`,
              analytes: ['buprenorphine'],
              evidence: [bup.evidence, rx],
            }
          : {
              kind: 'buprenorphine-not-detected',
              day: bup.day,
              text: `Buprenorphine not detected ${when} while prescribed: a conversation to have about how the medication is going.`,
              analytes: ['buprenorphine'],
              evidence: [bup.evidence, rx],
            },
      );
    }
  }

  return {
    asOf,
    results,
    latestByAnalyte,
    lastTestDay: past[past.length - 1]?.day,
    signals,
    unreadable,
  };
}
