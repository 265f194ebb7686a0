/**
 * Generates the app's code artefacts from the sources in fhir-profiles/ (all
 * inside the repository):
 *  - fhir-profiles/valuesets/<name>.json: one FHIR R4 ValueSet per CDC set the
 *    app uses (tagged "generated"), with compose + expansion, from the CDC code
 *    lists in fhir-profiles/sources/ (see its README);
 *  - fhir-profiles/generated/codes.ts: THE code module. src/ takes every code,
 *    system URL, ValueSet membership and CodeSystem concept from it, and from
 *    nowhere else (test/code/literals.test.ts fails on a code typed into src/).
 * Its other inputs: the hand-authored ValueSets in fhir-profiles/valuesets/ (no
 * "generated" tag: drug product groups, key ingredients, OUD conditions), the
 * FSH project (aliases.fsh for external system URLs, sushi-config.yaml for the
 * canonical base) and its compiled output in fsh-generated/resources (the
 * app's CodeSystems, the small ValueSets of external codes, the profiles), the
 * follow-up reason CodeSystem in fhir-profiles/codesystems/, and the MME
 * conversion factors in fhir-profiles/sources/mme-conversion-factors.json.
 * Run `npm run profiles` first when the FSH changed.
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
const PROFILES_DIR = path.join(REPO_ROOT, 'fhir-profiles');

/**
 * Where the generator reads: one folder per kind of input, so a test can point
 * it at copies.
 */
export interface Inputs {
  sourcesDir: string;
  valuesetsDir: string;
  /** FSH sources (aliases.fsh) and sushi-config.yaml's parent. */
  profilesDir: string;
  /** SUSHI's compiled output. */
  compiledDir: string;
  /** Hand-authored CodeSystem JSON. */
  codesystemsDir: string;
}

export const DEFAULT_INPUTS: Inputs = {
  sourcesDir: SOURCES_DIR,
  valuesetsDir: VALUESETS_DIR,
  profilesDir: PROFILES_DIR,
  compiledDir: path.join(PROFILES_DIR, 'fsh-generated/resources'),
  codesystemsDir: path.join(PROFILES_DIR, 'codesystems'),
};

/** `Alias: $Name = url` lines of the FSH project: the external systems, by alias name. */
export function readAliases(profilesDir = PROFILES_DIR): Map<string, string> {
  const text = readFileSync(path.join(profilesDir, 'input/fsh/aliases.fsh'), 'utf8');
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^Alias:\s*\$(\w+)\s*=\s*(\S+)\s*$/gm))
    out.set(m[1] ?? '', m[2] ?? '');
  return out;
}

/** `canonical:` of sushi-config.yaml: the base of every URL the app defines. */
export function readCanonical(profilesDir = PROFILES_DIR): string {
  const text = readFileSync(path.join(profilesDir, 'sushi-config.yaml'), 'utf8');
  const m = /^canonical:\s*(\S+)\s*$/m.exec(text);
  if (!m?.[1]) throw new Error('sushi-config.yaml has no canonical');
  return m[1];
}

const CANONICAL = readCanonical();
const OUR_BASE = `${CANONICAL}/ValueSet/`;
const CDC_BASE = 'http://fhir.org/guides/cdc/opioid-cds/ValueSet/';
const ALIASES = readAliases();
const system = (alias: string): string => {
  const url = ALIASES.get(alias);
  if (!url) throw new Error(`aliases.fsh has no $${alias}`);
  return url;
};
const RXNORM = system('RxNorm');
const LOINC = system('LOINC');
const SNOMED = system('SCT');
const ICD10CM = system('ICD10CM');
/** The CSV README dates the CDC expansions 2025-02; used as the fixed expansion timestamp. */
const CDC_EXPANSION_TIMESTAMP = '2025-02-01T00:00:00Z';
export const GENERATED_TAG = {
  system: `${CANONICAL}/CodeSystem/provenance`,
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

// ---------------------------------------------------------------- FSH output and other inputs

interface AppConcept {
  code: string;
  display: string;
  definition?: string;
}

interface AppCodeSystem {
  id: string;
  url: string;
  concepts: AppConcept[];
}

interface ListedValueSet {
  id: string;
  url: string;
  concepts: { system: string; code: string; display?: string }[];
}

interface FhirJson {
  resourceType?: string;
  id?: string;
  url?: string;
  concept?: { code?: string; display?: string; definition?: string; concept?: unknown[] }[];
  compose?: {
    include?: {
      system?: string;
      concept?: { code?: string; display?: string }[];
      filter?: unknown[];
      valueSet?: unknown[];
    }[];
    exclude?: unknown[];
  };
}

function readJsonDir(dir: string, prefix = ''): FhirJson[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as FhirJson);
}

/** The app's CodeSystems: compiled from FSH, and the hand-authored JSON ones. */
function readAppCodeSystems(inputs: Inputs): AppCodeSystem[] {
  const all = [
    ...readJsonDir(inputs.compiledDir, 'CodeSystem-'),
    ...readJsonDir(inputs.codesystemsDir),
  ].filter((r) => r.resourceType === 'CodeSystem');
  return all
    .map((cs) => {
      if (!cs.id || !cs.url) throw new Error('CodeSystem without id or url');
      if (cs.concept?.some((c) => c.concept?.length))
        throw new Error(`${cs.id}: nested concepts are not supported`);
      return {
        id: cs.id,
        url: cs.url,
        concepts: (cs.concept ?? []).map((c) => ({
          code: c.code ?? '',
          display: c.display ?? c.code ?? '',
          ...(c.definition ? { definition: c.definition } : {}),
        })),
      };
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * ValueSets of the FSH project that list their codes (no filters, no whole
 * CodeSystems, no imports): the small lists of external codes the app names.
 */
function readListedValueSets(inputs: Inputs): ListedValueSet[] {
  const out: ListedValueSet[] = [];
  for (const vs of readJsonDir(inputs.compiledDir, 'ValueSet-')) {
    const includes = vs.compose?.include ?? [];
    const listed =
      includes.length > 0 &&
      !vs.compose?.exclude?.length &&
      includes.every((i) => i.system && i.concept?.length && !i.filter?.length && !i.valueSet);
    if (!listed || !vs.id || !vs.url) continue;
    out.push({
      id: vs.id,
      url: vs.url,
      concepts: includes.flatMap((i) =>
        (i.concept ?? []).map((c) => ({
          system: i.system ?? '',
          code: c.code ?? '',
          ...(c.display ? { display: c.display } : {}),
        })),
      ),
    });
  }
  return out;
}

/** The app's profiles, by id, from the compiled StructureDefinitions. */
function readProfiles(inputs: Inputs): [string, string][] {
  return readJsonDir(inputs.compiledDir, 'StructureDefinition-').map((sd) => {
    if (!sd.id || !sd.url) throw new Error('StructureDefinition without id or url');
    return [sd.id, sd.url];
  });
}

const MME_BASES = ['mg/day', 'mcg/h', 'mcg/day'] as const;

interface MmeSource {
  factorSet: string;
  factors: {
    ingredient: string;
    factor: number;
    basis: (typeof MME_BASES)[number];
    source: string;
    research: boolean;
    forms?: string;
    note?: string;
  }[];
  excluded: { ingredient: string; reason: string }[];
}

function readMmeFactors(sourcesDir: string): MmeSource {
  return JSON.parse(
    readFileSync(path.join(sourcesDir, 'mme-conversion-factors.json'), 'utf8'),
  ) as MmeSource;
}

// ---------------------------------------------------------------- codes.ts

interface ModuleInputs {
  rxSets: Map<string, Concept[]>;
  udsSets: Map<string, Concept[]>;
  hand: HandValueSet[];
  drugs: DrugRow[];
  codeSystems: AppCodeSystem[];
  listed: ListedValueSet[];
  profiles: [string, string][];
  mme: MmeSource;
}

/** `{ key: value, … }` with each key quoted, one per line. */
const record = (entries: [string, string][], indent = '  '): string =>
  `{\n${entries.map(([k, v]) => `${indent}${q(k)}: ${v},`).join('\n')}\n${indent.slice(2)}}`;

function systemsSection(): string[] {
  const external = [...ALIASES].filter(([, url]) => !url.startsWith(CANONICAL));
  return [
    '/** External code systems, by their alias in fhir-profiles/input/fsh/aliases.fsh. */',
    `export const SYSTEM = ${record(external.map(([name, url]) => [name, q(url)]))} as const;`,
    '',
    '/** The base of every URL the app defines (sushi-config.yaml canonical). */',
    `export const CANONICAL_BASE = ${q(CANONICAL)};`,
    "/** The app's profiles, by id (compiled StructureDefinitions). */",
    `export const PROFILE = ${record(ms.profiles.map(([id, url]) => [id, q(url)]))} as const;`,
    '',
  ];
}

let ms: ModuleInputs;

function codeSystemsSection(): string[] {
  const entries: [string, string][] = ms.codeSystems.map((cs) => [
    cs.id,
    `{\n    url: ${q(cs.url)},\n    concepts: [\n${cs.concepts
      .map((c) => `      ${JSON.stringify(c)},`)
      .join('\n')}\n    ],\n  }`,
  ]);
  return [
    '/**',
    " * The app's CodeSystems (fsh-generated/resources and fhir-profiles/codesystems),",
    " * by id: canonical URL and concepts in the CodeSystem's order.",
    ' */',
    `export const CODE_SYSTEM = ${record(entries)} as const;`,
    'export type CodeSystemId = keyof typeof CODE_SYSTEM;',
    "/** The codes of one of the app's CodeSystems, as a union type. */",
    'export type CodeOf<K extends CodeSystemId> = (typeof CODE_SYSTEM)[K]["concepts"][number]["code"];',
    'export interface Concept {',
    '  readonly code: string;',
    '  readonly display: string;',
    '  readonly definition?: string;',
    '}',
    '',
  ];
}

function listedValueSetsSection(): string[] {
  const entries: [string, string][] = ms.listed.map((vs) => [
    vs.id,
    `{\n    url: ${q(vs.url)},\n    concepts: [\n${vs.concepts
      .map((c) => `      ${JSON.stringify(c)},`)
      .join('\n')}\n    ],\n    codes: set(${q(vs.concepts.map((c) => c.code).join(' '))}),\n  }`,
  ]);
  return [
    '/**',
    ' * The FSH ValueSets that list their codes (roles, test answers, encounter',
    ' * classes, categories and Provenance codes the app writes), by id: the',
    ' * codings in order, and the codes as a set (whatever their system).',
    ' */',
    `export const VALUE_SET = ${record(entries)} as const;`,
    'export type ValueSetId = keyof typeof VALUE_SET;',
    '',
  ];
}

function rxnormSection(): string[] {
  const L: string[] = [];
  // RxNorm groups: CDC sets + derived naloxone-rescue + hand-authored RxNorm sets.
  const groups = new Map<string, { codes: string[]; source: string }>();
  for (const [cdcName, short] of Object.entries(CDC_RXNORM_SETS)) {
    const concepts = ms.rxSets.get(cdcName);
    if (!concepts) throw new Error(`CDC set ${cdcName} missing from the CSV`);
    groups.set(short, { codes: concepts.map((c) => c.code), source: `CDC ${cdcName}` });
  }
  // Rescue naloxone: the CDC naloxone set minus combination products (buprenorphine/naloxone,
  // pentazocine/naloxone), recognised as members that also sit in the opioid sets.
  const opioidish = new Set([
    ...(groups.get('opioid-analgesics')?.codes ?? []),
    ...(groups.get('buprenorphine')?.codes ?? []),
  ]);
  const naloxoneConcepts = ms.rxSets.get('naloxone-medications') ?? [];
  groups.set('naloxone-rescue', {
    codes: naloxoneConcepts
      .filter((c) => !opioidish.has(c.code) && !c.display.includes(' / '))
      .map((c) => c.code),
    source: 'CDC naloxone-medications minus opioid combinations',
  });
  for (const h of ms.hand) {
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
  const ingredientSet = ms.hand.find((h) => h.id === 'key-ingredients');
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
  return L;
}

function conditionsSection(): string[] {
  const oud = ms.hand.find((h) => h.id === 'opioid-use-disorder-conditions');
  if (!oud)
    throw new Error('fhir-profiles/valuesets/opioid-use-disorder-conditions.json is missing');
  return [
    '/** OUD Condition codes (opioid-use-disorder-conditions ValueSet): ICD-10-CM is-a prefixes and SNOMED codes. */',
    `export const OUD_ICD10_PREFIXES: readonly string[] = ${JSON.stringify((oud.isA.get(ICD10CM) ?? []).sort())};`,
    `export const OUD_SNOMED: ReadonlySet<string> = set(${q(
      (oud.codes.get(SNOMED) ?? [])
        .map((c) => c.code)
        .sort(byCode)
        .join(' '),
    )});`,
    '',
  ];
}

/** Opioid ingredients of the CDC MME drug table, rxcui → lower-case name, by rxcui. */
function opioidIngredients(): [string, string][] {
  const m = new Map<string, string>();
  for (const d of ms.drugs) for (const i of d.ingredients) m.set(i.rxcui, i.name);
  return [...m].sort((a, b) => byCode(a[0], b[0]));
}

function ingredientNamesSection(): string[] {
  return [
    '/** Opioid ingredients of the CDC MME drug table (rxcui → lower-case name). */',
    `export const OPIOID_INGREDIENTS: ReadonlyMap<string, string> = new Map(${JSON.stringify(opioidIngredients())});`,
    '/** Benzodiazepine ingredient names, from single-ingredient members of the CDC benzodiazepine set. */',
    `export const BENZODIAZEPINE_NAMES: readonly string[] = ${JSON.stringify(monoIngredientNames(ms.rxSets.get('benzodiazepine-medications') ?? []))};`,
    '',
  ];
}

function mmeSection(): string[] {
  const { mme, codeSystems } = ms;
  const factorSets = codeSystems.find((cs) => cs.id === 'mme-factor-set');
  if (!factorSets?.concepts.some((c) => c.code === mme.factorSet))
    throw new Error(`MME factor set ${mme.factorSet} is not a code of CodeSystem mme-factor-set`);
  const byName = new Map(opioidIngredients().map(([code, name]) => [name, code]));
  const keyIngredients = ms.hand.find((h) => h.id === 'key-ingredients')?.codes.get(RXNORM) ?? [];
  for (const c of keyIngredients) byName.set(c.display.toLowerCase(), c.code);
  const rxcuiOf = (ingredient: string): string => {
    const code = byName.get(ingredient);
    if (!code) throw new Error(`MME source: ${ingredient} is not an ingredient of the drug table`);
    return code;
  };
  const factors = new Map<string, string[]>();
  for (const f of mme.factors) {
    if (!MME_BASES.includes(f.basis)) throw new Error(`MME source: unknown basis ${f.basis}`);
    const rxcui = rxcuiOf(f.ingredient);
    const row = JSON.stringify({ rxcui, ...f });
    factors.set(rxcui, [...(factors.get(rxcui) ?? []), row]);
  }
  const sources = [...new Set(mme.factors.map((f) => f.source))].sort();
  return [
    '/** The MME conversion factor set the app uses (a code of CodeSystem mme-factor-set). */',
    `export const MME_FACTOR_SET = ${q(mme.factorSet)};`,
    `export type MmeBasis = ${MME_BASES.map(q).join(' | ')};`,
    'export interface MmeFactor {',
    '  /** RxNorm ingredient (IN) code, from the CDC drug table. */',
    '  rxcui: string;',
    '  ingredient: string;',
    '  factor: number;',
    '  /** What the factor multiplies: mg/day, µg/h (patch), or µg/day (transmucosal fentanyl). */',
    '  basis: MmeBasis;',
    `  source: ${sources.map(q).join(' | ')};`,
    '  /** A factor the 2022 guideline omits, from the CDC research file. */',
    '  research: boolean;',
    '  /** Dose forms the row applies to (lower-case regex source); none = any form no more specific row covers. */',
    '  forms?: string;',
    '  note?: string;',
    '}',
    '/** MME conversion factors (fhir-profiles/sources/mme-conversion-factors.json), by RxNorm ingredient code, in source order. */',
    'export const MME_FACTORS: ReadonlyMap<string, readonly MmeFactor[]> = new Map<string, readonly MmeFactor[]>([',
    ...[...factors].map(([rxcui, rows]) => `  [${q(rxcui)}, [${rows.join(', ')}]],`),
    ']);',
    '/** Ingredients deliberately without a factor (RxNorm ingredient code → why MME is not computed). */',
    `export const MME_EXCLUDED: ReadonlyMap<string, string> = new Map(${JSON.stringify(
      mme.excluded.map((e) => [rxcuiOf(e.ingredient), e.reason]),
    )});`,
    '',
  ];
}

function udsSection(): string[] {
  const L: string[] = [];
  const uds = [...ms.udsSets.keys()].filter((n) => n.endsWith(UDS_SUFFIX)).sort();
  const udsNames = uds.map((n) => n.slice(0, -UDS_SUFFIX.length));
  L.push(
    '/** Urine drug test analyte groups, named after the CDC *-urine-drug-screening-tests value sets. */',
  );
  L.push(`export type UdsAnalyteGroup = ${udsNames.map(q).join(' | ')};`);
  L.push(
    'export const UDS_ANALYTE_GROUPS: Readonly<Record<UdsAnalyteGroup, ReadonlySet<string>>> = {',
  );
  uds.forEach((n, i) => {
    const codes = (ms.udsSets.get(n) ?? []).map((c) => c.code);
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
  return L;
}

function drugTableSection(): string[] {
  const L: string[] = [];
  const { drugs } = ms;
  // Indexed dose forms / ingredients / units keep it small.
  const forms = [...new Map(drugs.map((d) => [d.doseFormCode, d.doseForm]))].sort((a, b) =>
    byCode(a[0], b[0]),
  );
  const formIdx = new Map(forms.map(([c], i) => [c, i]));
  const ingIdx = new Map(opioidIngredients().map(([c], i) => [c, i]));
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
  return L;
}

function codesModule(inputs: ModuleInputs): string {
  ms = inputs;
  return [
    '/* generated — do not edit. */',
    '// Produced by scripts/generate-valuesets.ts from fhir-profiles/: sources/ (CDC lists, MME',
    '// factors), valuesets/, codesystems/, input/fsh/aliases.fsh and fsh-generated/resources.',
    '// Regenerate: npm run codes (after npm run profiles when the FSH changed).',
    '/* eslint-disable */',
    '',
    'const set = (codes: string): ReadonlySet<string> => new Set(codes.split(" "));',
    '',
    ...systemsSection(),
    ...codeSystemsSection(),
    ...listedValueSetsSection(),
    ...rxnormSection(),
    ...conditionsSection(),
    ...ingredientNamesSection(),
    ...mmeSection(),
    ...udsSection(),
    ...drugTableSection(),
  ].join('\n');
}

// ---------------------------------------------------------------- main

export interface Outputs {
  /** file name → content, for fhir-profiles/valuesets/ (generated files only) */
  valuesets: Map<string, string>;
  /** file name → content, for fhir-profiles/generated/ */
  generated: Map<string, string>;
}

export function buildOutputs(inputs: Inputs = DEFAULT_INPUTS): Outputs {
  const data = (f: string) => parseCsv(readFileSync(path.join(inputs.sourcesDir, f), 'utf8'));
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
  const hand = readHandAuthored(inputs.valuesetsDir, new Set(valuesets.keys()));
  const module = codesModule({
    rxSets,
    udsSets,
    hand,
    drugs,
    codeSystems: readAppCodeSystems(inputs),
    listed: readListedValueSets(inputs),
    profiles: readProfiles(inputs),
    mme: readMmeFactors(inputs.sourcesDir),
  });
  return { valuesets, generated: new Map([['codes.ts', module + '\n']]) };
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
