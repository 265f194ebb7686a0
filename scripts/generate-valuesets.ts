/**
 * Generates the app's code artefacts from the CDC code lists in
 * fhir-profiles/sources/ (copies kept in the repository; see its README):
 *  - fhir-profiles/valuesets/<name>.json: one FHIR R4 ValueSet per CDC set the
 *    app uses (tagged "generated"), with compose + expansion;
 *  - fhir-profiles/generated/codes.ts: the compact lookup module src/domain imports.
 * Hand-authored ValueSets in fhir-profiles/valuesets/ (no "generated" tag) are
 * inputs: their codes also land in codes.ts, so every code the domain matches on
 * lives once, in a ValueSet.
 *
 * Deterministic: sorted output, fixed expansion timestamps, no clock reads.
 * Run: npx tsx scripts/generate-valuesets.ts
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SOURCES_DIR = path.join(REPO_ROOT, 'fhir-profiles/sources');
export const VALUESETS_DIR = path.join(REPO_ROOT, 'fhir-profiles/valuesets');
export const GENERATED_DIR = path.join(REPO_ROOT, 'fhir-profiles/generated');

const OUR_BASE = 'https://peer-recovery.example.org/fhir/ValueSet/';
const CDC_BASE = 'http://fhir.org/guides/cdc/opioid-cds/ValueSet/';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';
const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';
/** The CSV README dates the CDC expansions 2025-02; used as the fixed expansion timestamp. */
const CDC_EXPANSION_TIMESTAMP = '2025-02-01T00:00:00Z';
export const GENERATED_TAG = {
  system: 'https://peer-recovery.example.org/fhir/CodeSystem/provenance',
  code: 'generated',
};

/** CDC RxNorm sets the app uses, and the short group name the domain knows them by. */
const CDC_RXNORM_SETS: Record<string, string> = {
  'opioid-analgesics-with-ambulatory-misuse-potential': 'opioid-analgesics',
  'benzodiazepine-medications': 'benzodiazepines',
  'naloxone-medications': 'naloxone',
  // Used only to derive naloxone-rescue (naloxone minus buprenorphine/naloxone).
  'buprenorphine-medications': 'buprenorphine',
};
const UDS_SUFFIX = '-urine-drug-screening-tests';

// ---------------------------------------------------------------- CSV

/** RFC 4180-ish: quoted fields with "" escapes; enough for these files. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  const [header, ...body] = rows;
  if (!header) return [];
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

// ---------------------------------------------------------------- helpers

const byCode = (a: string, b: string): number => {
  // Numeric codes sort numerically (RxNorm), others by plain code-unit order
  // (locale-independent, so output is identical on every machine).
  const na = /^\d+$/.test(a) ? Number(a) : NaN;
  const nb = /^\d+$/.test(b) ? Number(b) : NaN;
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
};

const pascal = (kebab: string): string =>
  kebab
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

const sentence = (kebab: string): string => {
  const s = kebab.replace(/-/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
};

interface Concept {
  code: string;
  display: string;
}

function groupRows(rows: Record<string, string>[], codeColumn: string): Map<string, Concept[]> {
  const out = new Map<string, Map<string, string>>();
  for (const r of rows) {
    const url = r['valueset_url'] ?? '';
    const code = (r[codeColumn] ?? '').trim();
    if (!url.startsWith(CDC_BASE) || !code) continue;
    const name = url.slice(CDC_BASE.length);
    const m = out.get(name) ?? new Map<string, string>();
    if (!m.has(code)) m.set(code, (r['display'] ?? '').trim());
    out.set(name, m);
  }
  return new Map(
    [...out].map(([name, m]) => [
      name,
      [...m].map(([code, display]) => ({ code, display })).sort((a, b) => byCode(a.code, b.code)),
    ]),
  );
}

function cdcValueSet(name: string, system: string, concepts: Concept[], source: string): object {
  const cdcUrl = CDC_BASE + name;
  return {
    resourceType: 'ValueSet',
    id: name,
    meta: { tag: [GENERATED_TAG] },
    url: OUR_BASE + name,
    version: 'cdc-2025-02',
    name: pascal(name),
    title: `${sentence(name)} (from the CDC opioid-cds value set)`,
    status: 'active',
    experimental: false,
    publisher: 'Peer recovery SMART app',
    description:
      `Generated by scripts/generate-valuesets.ts from ${source} — do not edit. ` +
      `Source: the expansion (dated 2025-02) of the CDC value set ${cdcUrl}.`,
    useContext: [
      {
        code: {
          system: 'http://terminology.hl7.org/CodeSystem/usage-context-type',
          code: 'program',
        },
        valueCodeableConcept: { text: `source: ${cdcUrl}` },
      },
    ],
    compose: {
      include: [{ system, concept: concepts.map((c) => ({ code: c.code, display: c.display })) }],
    },
    expansion: {
      timestamp: CDC_EXPANSION_TIMESTAMP,
      total: concepts.length,
      contains: concepts.map((c) => ({ system, code: c.code, display: c.display })),
    },
  };
}

// ---------------------------------------------------------------- hand-authored input

interface HandValueSet {
  id: string;
  file: string;
  /** codes per system, from compose.include[].concept */
  codes: Map<string, Concept[]>;
  /** is-a filter values per system (used for ICD-10-CM F11) */
  isA: Map<string, string[]>;
}

interface ValueSetJson {
  id?: unknown;
  meta?: { tag?: { code?: unknown }[] };
  compose?: {
    include?: {
      system?: unknown;
      concept?: { code?: unknown; display?: unknown }[];
      filter?: { op?: unknown; value?: unknown }[];
    }[];
  };
}

function readHandAuthored(dir: string, generatedFiles: Set<string>): HandValueSet[] {
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  const out: HandValueSet[] = [];
  for (const file of files.sort()) {
    if (generatedFiles.has(file)) continue;
    const json = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as ValueSetJson;
    if (json.meta?.tag?.some((t) => t.code === GENERATED_TAG.code)) continue; // a stale generated file
    if (typeof json.id !== 'string') throw new Error(`${file}: ValueSet without id`);
    const codes = new Map<string, Concept[]>();
    const isA = new Map<string, string[]>();
    for (const inc of json.compose?.include ?? []) {
      if (typeof inc.system !== 'string') continue;
      for (const c of inc.concept ?? []) {
        if (typeof c.code !== 'string') continue;
        const list = codes.get(inc.system) ?? [];
        list.push({ code: c.code, display: typeof c.display === 'string' ? c.display : '' });
        codes.set(inc.system, list);
      }
      for (const f of inc.filter ?? []) {
        if (f.op === 'is-a' && typeof f.value === 'string')
          isA.set(inc.system, [...(isA.get(inc.system) ?? []), f.value]);
      }
    }
    out.push({ id: json.id, file, codes, isA });
  }
  return out;
}

// ---------------------------------------------------------------- drug table

interface DrugRow {
  rxcui: string;
  name: string;
  doseFormCode: string;
  doseForm: string;
  ingredients: { rxcui: string; name: string; value: number; unit: string }[];
}

function readDrugs(rows: Record<string, string>[]): DrugRow[] {
  const drugs = new Map<string, DrugRow>();
  for (const r of rows) {
    const rxcui = (r['drugCode'] ?? '').trim();
    if (!rxcui) continue;
    const d = drugs.get(rxcui) ?? {
      rxcui,
      name: (r['drugName'] ?? '').trim(),
      doseFormCode: (r['doseFormCode'] ?? '').trim(),
      doseForm: (r['doseFormName'] ?? '').trim(),
      ingredients: [],
    };
    const ing = (r['ingredientCode'] ?? '').trim();
    const value = Number(r['strengthValue']);
    if (ing && !d.ingredients.some((i) => i.rxcui === ing)) {
      d.ingredients.push({
        rxcui: ing,
        name: (r['ingredientName'] ?? '').trim().toLowerCase(),
        value,
        unit: (r['strengthUnit'] ?? '').trim(),
      });
    }
    drugs.set(rxcui, d);
  }
  for (const d of drugs.values()) d.ingredients.sort((a, b) => byCode(a.rxcui, b.rxcui));
  return [...drugs.values()].sort((a, b) => byCode(a.rxcui, b.rxcui));
}

// ---------------------------------------------------------------- codes.ts

const q = (s: string): string => JSON.stringify(s);

/** Ingredient names of single-ingredient products in a set ("alprazolam 0.25 MG Oral Tablet" → "alprazolam"). */
function monoIngredientNames(concepts: Concept[]): string[] {
  const names = new Set<string>();
  for (const c of concepts) {
    const d = c.display.replace(/\s*\[[^\]]*\]$/, '').replace(/^\{.*$/, ''); // packs ("{...}") skipped
    if (!d || d.includes(' / ')) continue;
    const m = /^(?:[\d.]+ (?:ML|HR) )?([a-z][a-z -]*?) [\d.]+ (?:MG|MCG)/.exec(d);
    if (!m?.[1]) continue;
    // Drop salt words so "flurazepam hydrochloride" matches "flurazepam".
    const base = m[1]
      .replace(/ (hydrochloride|dipotassium|sodium|maleate|mesylate|besylate|hcl)$/i, '')
      .trim();
    if (base) names.add(base);
  }
  return [...names].sort();
}

function codesModule(
  rxSets: Map<string, Concept[]>,
  udsSets: Map<string, Concept[]>,
  hand: HandValueSet[],
  drugs: DrugRow[],
): string {
  const L: string[] = [];
  L.push('/* generated — do not edit. */');
  L.push('// Produced by scripts/generate-valuesets.ts from fhir-profiles/sources/*.csv and the');
  L.push(
    '// hand-authored ValueSets in fhir-profiles/valuesets/. Regenerate: npx tsx scripts/generate-valuesets.ts',
  );
  L.push('/* eslint-disable */');
  L.push('');
  L.push(`export const RXNORM_SYSTEM = ${q(RXNORM)};`);
  L.push(`export const LOINC_SYSTEM = ${q(LOINC)};`);
  L.push(`export const SNOMED_SYSTEM = ${q(SNOMED)};`);
  L.push(`export const ICD10CM_SYSTEM = ${q(ICD10CM)};`);
  L.push(`export const VALUESET_BASE = ${q(OUR_BASE)};`);
  L.push('');
  L.push('const set = (codes: string): ReadonlySet<string> => new Set(codes.split(" "));');
  L.push('');

  // RxNorm groups: CDC sets + derived naloxone-rescue + hand-authored RxNorm sets.
  const groups = new Map<string, { codes: string[]; source: string }>();
  for (const [cdcName, short] of Object.entries(CDC_RXNORM_SETS)) {
    const concepts = rxSets.get(cdcName);
    if (!concepts) throw new Error(`CDC set ${cdcName} missing from the CSV`);
    groups.set(short, { codes: concepts.map((c) => c.code), source: `CDC ${cdcName}` });
  }
  // Rescue naloxone: the CDC naloxone set minus combination products (buprenorphine/naloxone,
  // pentazocine/naloxone), recognised as members that also sit in the opioid sets.
  const opioidish = new Set([
    ...(groups.get('opioid-analgesics')?.codes ?? []),
    ...(groups.get('buprenorphine')?.codes ?? []),
  ]);
  const naloxoneConcepts = rxSets.get('naloxone-medications') ?? [];
  groups.set('naloxone-rescue', {
    codes: naloxoneConcepts
      .filter((c) => !opioidish.has(c.code) && !c.display.includes(' / '))
      .map((c) => c.code),
    source: 'CDC naloxone-medications minus opioid combinations',
  });
  for (const h of hand) {
    const rx = h.codes.get(RXNORM);
    if (rx)
      groups.set(h.id, {
        codes: [...new Set(rx.map((c) => c.code))].sort(byCode),
        source: `fhir-profiles/valuesets/${h.file}`,
      });
  }
  const groupNames = [...groups.keys()].sort();
  L.push(
    '/** RxNorm code sets, keyed by group (CDC set short name or hand-authored ValueSet id). */',
  );
  L.push(`export type RxnormGroup = ${groupNames.map(q).join(' | ')};`);
  L.push('export const RXNORM_GROUPS: Readonly<Record<RxnormGroup, ReadonlySet<string>>> = {');
  for (const g of groupNames) {
    const v = groups.get(g);
    if (!v) continue;
    L.push(`  // ${v.source} (${v.codes.length})`);
    L.push(`  ${q(g)}: set(${q(v.codes.join(' '))}),`);
  }
  L.push('};');
  L.push('');

  // Named single codes from hand-authored sets (ingredients the rules name).
  const ingredientSet = hand.find((h) => h.id === 'key-ingredients');
  if (!ingredientSet) throw new Error('fhir-profiles/valuesets/key-ingredients.json is missing');
  const ings = (ingredientSet.codes.get(RXNORM) ?? []).map((c) => ({
    code: c.code,
    name: c.display.toLowerCase(),
  }));
  ings.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  L.push(
    '/** RxNorm ingredient (IN) codes the classification rules name (key-ingredients ValueSet). */',
  );
  L.push('export const KEY_INGREDIENTS = {');
  for (const i of ings) L.push(`  ${i.name.replace(/[^a-z]/g, '')}: ${q(i.code)},`);
  L.push('} as const;');
  L.push('');

  // Conditions (OUD).
  const oud = hand.find((h) => h.id === 'opioid-use-disorder-conditions');
  if (!oud)
    throw new Error('fhir-profiles/valuesets/opioid-use-disorder-conditions.json is missing');
  L.push(
    '/** OUD Condition codes (opioid-use-disorder-conditions ValueSet): ICD-10-CM is-a prefixes and SNOMED codes. */',
  );
  L.push(
    `export const OUD_ICD10_PREFIXES: readonly string[] = ${JSON.stringify((oud.isA.get(ICD10CM) ?? []).sort())};`,
  );
  L.push(
    `export const OUD_SNOMED: ReadonlySet<string> = set(${q(
      (oud.codes.get(SNOMED) ?? [])
        .map((c) => c.code)
        .sort(byCode)
        .join(' '),
    )});`,
  );
  L.push('');

  // Ingredient names for display-text matching.
  const opioidIngredients = new Map<string, string>();
  for (const d of drugs) for (const i of d.ingredients) opioidIngredients.set(i.rxcui, i.name);
  const oi = [...opioidIngredients].sort((a, b) => byCode(a[0], b[0]));
  L.push('/** Opioid ingredients of the CDC MME drug table (rxcui → lower-case name). */');
  L.push(
    `export const OPIOID_INGREDIENTS: ReadonlyMap<string, string> = new Map(${JSON.stringify(oi)});`,
  );
  L.push(
    '/** Benzodiazepine ingredient names, from single-ingredient members of the CDC benzodiazepine set. */',
  );
  L.push(
    `export const BENZODIAZEPINE_NAMES: readonly string[] = ${JSON.stringify(monoIngredientNames(rxSets.get('benzodiazepine-medications') ?? []))};`,
  );
  L.push('');

  // UDS analyte groups.
  const uds = [...udsSets.keys()].filter((n) => n.endsWith(UDS_SUFFIX)).sort();
  const udsNames = uds.map((n) => n.slice(0, -UDS_SUFFIX.length));
  L.push(
    '/** Urine drug test analyte groups, named after the CDC *-urine-drug-screening-tests value sets. */',
  );
  L.push(`export type UdsAnalyteGroup = ${udsNames.map(q).join(' | ')};`);
  L.push(
    'export const UDS_ANALYTE_GROUPS: Readonly<Record<UdsAnalyteGroup, ReadonlySet<string>>> = {',
  );
  uds.forEach((n, i) => {
    const codes = (udsSets.get(n) ?? []).map((c) => c.code);
    L.push(`  ${q(udsNames[i] ?? '')}: set(${q(codes.join(' '))}),`);
  });
  L.push('};');
  L.push('/** LOINC code → the analyte groups it belongs to (a code may sit in several). */');
  L.push(
    'export const UDS_GROUPS_OF_LOINC: ReadonlyMap<string, readonly UdsAnalyteGroup[]> = (() => {',
  );
  L.push('  const m = new Map<string, UdsAnalyteGroup[]>();');
  L.push(
    '  for (const [g, codes] of Object.entries(UDS_ANALYTE_GROUPS) as [UdsAnalyteGroup, ReadonlySet<string>][])',
  );
  L.push('    for (const c of codes) m.set(c, [...(m.get(c) ?? []), g]);');
  L.push('  return m;');
  L.push('})();');
  L.push('');

  // Drug table: indexed dose forms / ingredients / units keep it small.
  const forms = [...new Map(drugs.map((d) => [d.doseFormCode, d.doseForm]))].sort((a, b) =>
    byCode(a[0], b[0]),
  );
  const formIdx = new Map(forms.map(([c], i) => [c, i]));
  const ingIdx = new Map(oi.map(([c], i) => [c, i]));
  const units = [...new Set(drugs.flatMap((d) => d.ingredients.map((i) => i.unit)))].sort();
  const unitIdx = new Map(units.map((u, i) => [u, i]));
  L.push('export interface DrugIngredient {');
  L.push('  rxcui: string;');
  L.push('  name: string;');
  L.push('  strengthValue: number;');
  L.push('  /** As in RxNorm: MG, MG/ML, MG/HR, MG/ACTUAT. */');
  L.push('  strengthUnit: string;');
  L.push('}');
  L.push('export interface Drug {');
  L.push('  name: string;');
  L.push('  doseFormCode: string;');
  L.push('  doseForm: string;');
  L.push('  ingredients: readonly DrugIngredient[];');
  L.push('}');
  L.push(`const DOSE_FORMS: readonly (readonly [string, string])[] = ${JSON.stringify(forms)};`);
  L.push(`const UNITS: readonly string[] = ${JSON.stringify(units)};`);
  L.push(
    'const OPIOID_INGREDIENT_LIST: readonly (readonly [string, string])[] = [...OPIOID_INGREDIENTS];',
  );
  L.push('// [rxcui, name, dose form index, [ingredient index, strength, unit index]...]');
  L.push('type Row = readonly [string, string, number, ...(readonly [number, number, number])[]];');
  L.push('const ROWS: readonly Row[] = [');
  for (const d of drugs) {
    const parts = d.ingredients.map(
      (i) => `[${ingIdx.get(i.rxcui) ?? -1},${i.value},${unitIdx.get(i.unit) ?? -1}]`,
    );
    L.push(
      `  [${q(d.rxcui)},${q(d.name)},${formIdx.get(d.doseFormCode) ?? -1}${parts.map((p) => ',' + p).join('')}],`,
    );
  }
  L.push('];');
  L.push(
    '/** The CDC MME calculator drug table (OMTK, RxNav snapshot 2020-10-20): rxcui → dose form and ingredient strengths. */',
  );
  L.push('export const DRUGS: ReadonlyMap<string, Drug> = new Map(');
  L.push('  ROWS.map(([rxcui, name, form, ...ings]) => {');
  L.push('    const f = DOSE_FORMS[form] ?? ["", ""];');
  L.push('    const ingredients = ings.map(([i, strengthValue, u]) => {');
  L.push('      const ing = OPIOID_INGREDIENT_LIST[i] ?? ["", ""];');
  L.push(
    '      return { rxcui: ing[0], name: ing[1], strengthValue, strengthUnit: UNITS[u] ?? "" };',
  );
  L.push('    });');
  L.push('    return [rxcui, { name, doseFormCode: f[0], doseForm: f[1], ingredients }] as const;');
  L.push('  }),');
  L.push(');');
  return L.join('\n');
}

// ---------------------------------------------------------------- main

export interface Outputs {
  /** file name → content, for fhir-profiles/valuesets/ (generated files only) */
  valuesets: Map<string, string>;
  /** file name → content, for fhir-profiles/generated/ */
  generated: Map<string, string>;
}

export function buildOutputs(sourcesDir = SOURCES_DIR, valuesetsDir = VALUESETS_DIR): Outputs {
  const data = (f: string) => parseCsv(readFileSync(path.join(sourcesDir, f), 'utf8'));
  const rxSets = groupRows(data('rxnorm-valuesets-opioid-cds-r4.csv'), 'rxnorm');
  const udsSets = groupRows(data('uds-loinc-opioid-cds-r4.csv'), 'loinc');
  const drugs = readDrugs(data('omtkdata-2020-10-20.csv'));

  const valuesets = new Map<string, string>();
  const json = (o: object) => JSON.stringify(o, null, 2) + '\n';
  for (const name of Object.keys(CDC_RXNORM_SETS).sort()) {
    valuesets.set(
      `${name}.json`,
      json(cdcValueSet(name, RXNORM, rxSets.get(name) ?? [], 'rxnorm-valuesets-opioid-cds-r4.csv')),
    );
  }
  for (const name of [...udsSets.keys()].sort()) {
    valuesets.set(
      `${name}.json`,
      json(cdcValueSet(name, LOINC, udsSets.get(name) ?? [], 'uds-loinc-opioid-cds-r4.csv')),
    );
  }
  const hand = readHandAuthored(valuesetsDir, new Set(valuesets.keys()));
  const generated = new Map([['codes.ts', codesModule(rxSets, udsSets, hand, drugs) + '\n']]);
  return { valuesets, generated };
}

export function writeOutputs(
  out: Outputs,
  valuesetsDir = VALUESETS_DIR,
  generatedDir = GENERATED_DIR,
): void {
  mkdirSync(valuesetsDir, { recursive: true });
  mkdirSync(generatedDir, { recursive: true });
  for (const [f, c] of out.valuesets) writeFileSync(path.join(valuesetsDir, f), c);
  for (const [f, c] of out.generated) writeFileSync(path.join(generatedDir, f), c);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = buildOutputs();
  writeOutputs(out);
  console.log(`wrote ${out.valuesets.size} ValueSets and ${[...out.generated.keys()].join(', ')}`);
}
