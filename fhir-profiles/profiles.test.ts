/**
 * The app's conformance artefacts: every compiled resource is valid FHIR R4,
 * every example is valid against its profile, broken examples fail (so the
 * validator is known to bite), the codes the domain matches on live in the
 * ValueSets, and the committed SUSHI output matches the FSH sources.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type {
  CarePlan,
  CodeSystem,
  FhirResource,
  StructureDefinition,
  Task,
  ValueSet,
} from 'fhir/r4';
import { describe, expect, it, vi } from 'vitest';
import {
  KEY_INGREDIENTS,
  OUD_ICD10_PREFIXES,
  OUD_SNOMED,
  RXNORM_GROUPS,
  UDS_ANALYTE_GROUPS,
} from './generated/codes';
import {
  COMPILED_DIR,
  PROFILES_DIR as HERE,
  PROFILE_URLS,
  validateAgainstProfiles,
} from './validate';
import { TAPERING_STATES } from '../src/domain/taper';
import { compiledForCurrentSources, readCompiled } from '../scripts/build-profiles';
import { IO_TEST_TIMEOUT_MS } from '../test/fixtures/timeouts';

// I/O-heavy: a hang guard sized for a shared 2-core machine (test/fixtures/timeouts.ts).
vi.setConfig({ testTimeout: IO_TEST_TIMEOUT_MS, hookTimeout: IO_TEST_TIMEOUT_MS });

const compiled = readdirSync(COMPILED_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map(
    (f) =>
      [f, JSON.parse(readFileSync(path.join(COMPILED_DIR, f), 'utf8')) as FhirResource] as const,
  );
const byName = new Map(compiled);
const load = <T extends FhirResource>(file: string): T => {
  const r = byName.get(file);
  if (!r) throw new Error(`missing compiled ${file}`);
  return structuredClone(r) as T;
};
const readVs = (file: string): ValueSet =>
  JSON.parse(readFileSync(path.join(HERE, 'valuesets', file), 'utf8')) as ValueSet;
const codesOf = (vs: ValueSet, system?: string): Set<string> =>
  new Set(
    (vs.compose?.include ?? [])
      .filter((i) => !system || i.system === system)
      .flatMap((i) => (i.concept ?? []).map((c) => c.code)),
  );

const PROFILE_SYSTEM = 'https://peer-recovery.example.org/fhir/CodeSystem/';
const TASK_EXAMPLE = 'Task-peer-followup-task-requested-example.json';
const CAREPLAN_EXAMPLE = 'CarePlan-peer-support-careplan-example.json';

describe('compiled artefacts', () => {
  it('has the two profiles, a CapabilityStatement and examples of each profile', () => {
    const sds = compiled
      .filter(([, r]) => r.resourceType === 'StructureDefinition')
      .map(([, r]) => (r as StructureDefinition).url);
    expect(sds.sort()).toEqual(Object.values(PROFILE_URLS).sort());
    expect(byName.has('CapabilityStatement-peer-recovery-app-client.json')).toBe(true);
    for (const url of Object.values(PROFILE_URLS)) {
      expect(
        compiled.some(([, r]) => r.meta?.profile?.includes(url)),
        url,
      ).toBe(true);
    }
  });

  it.each(compiled.map(([f]) => f))(
    '%s is valid FHIR R4 (and valid against the profiles it claims)',
    (file) => {
      const resource = load(file);
      // Only what a resource claims in meta.profile: a CarePlan/Task example
      // without a claim would still default to the app's profile.
      expect(validateAgainstProfiles(resource)).toEqual([]);
      expect(validateAgainstProfiles(resource, { profiles: resource.meta?.profile ?? [] })).toEqual(
        [],
      );
    },
  );

  it('PeerSupportCarePlan requires what US Core CarePlan requires', () => {
    const sd = load<StructureDefinition>('StructureDefinition-peer-support-careplan.json');
    const el = (id: string) => sd.snapshot?.element.find((e) => e.id === id);
    expect(el('CarePlan.category:AssessPlan')?.min).toBe(1);
    expect(el('CarePlan.category:AssessPlan')?.patternCodeableConcept?.coding?.[0]).toMatchObject({
      system: 'http://hl7.org/fhir/us/core/CodeSystem/careplan-category',
      code: 'assess-plan',
    });
    for (const id of ['CarePlan.status', 'CarePlan.intent', 'CarePlan.subject', 'CarePlan.text']) {
      expect(el(id)?.min, id).toBe(1);
    }
    expect(sd.description).toMatch(/US Core CarePlan-compatible/);
  });
});

type Mutation<T> = [name: string, mutate: (r: T) => void, expected: RegExp];

describe('invalid instances fail', () => {
  const taskCases: Mutation<Task>[] = [
    ['Task without for', (t) => delete t.for, /Task\.for.*Missing required/],
    ['Task without basedOn', (t) => delete t.basedOn, /Task\.basedOn.*Missing required/],
    ['Task with intent plan', (t) => (t.intent = 'plan'), /Task\.intent/],
    [
      'Task with status ready (not in the SDOH pattern)',
      (t) => (t.status = 'ready'),
      /peer-followup-task-status/,
    ],
    ['rejected Task without statusReason', (t) => (t.status = 'rejected'), /pft-1/],
    ['cancelled Task without statusReason', (t) => (t.status = 'cancelled'), /pft-1/],
    ['completed Task without an outcome', (t) => (t.status = 'completed'), /pft-2/],
    [
      'Task with an unknown follow-up reason',
      (t) =>
        (t.reasonCode = {
          coding: [{ system: `${PROFILE_SYSTEM}followup-reason`, code: 'no-such-reason' }],
        }),
      /followup-reason/,
    ],
    [
      'Task without a due date',
      (t) => (t.restriction = { period: { start: '2025-03-01' } }),
      /restriction\.period\.end.*Missing/,
    ],
    ['Task without description', (t) => delete t.description, /Task\.description/],
    ['Task without identifier', (t) => delete t.identifier, /Task\.identifier/],
    [
      'Task code without the peer follow-up coding',
      (t) => (t.code = { text: 'call' }),
      /Task\.code\.coding/,
    ],
    [
      'Task owned by a Patient',
      (t) => (t.owner = { reference: 'Patient/example-patient' }),
      /Task\.owner.*Invalid reference/,
    ],
    [
      'Task with an unknown contact outcome',
      (t) => {
        t.status = 'completed';
        t.output = [
          {
            type: {
              coding: [{ system: `${PROFILE_SYSTEM}task-output-type`, code: 'contact-outcome' }],
            },
            valueCodeableConcept: {
              coding: [{ system: `${PROFILE_SYSTEM}contact-outcome`, code: 'maybe' }],
            },
          },
        ];
      },
      /contact-outcome/,
    ],
  ];
  it.each(taskCases)('%s', (_name, mutate, expected) => {
    const task = load<Task>(TASK_EXAMPLE);
    mutate(task);
    const issues = validateAgainstProfiles(task);
    expect(issues.join('\n')).toMatch(expected);
  });

  const carePlanCases: Mutation<CarePlan>[] = [
    [
      'CarePlan without the assess-plan category',
      (c) => (c.category = c.category?.slice(1)),
      /AssessPlan/,
    ],
    [
      'CarePlan without the peer recovery category',
      (c) => (c.category = c.category?.slice(0, 1)),
      /PeerRecoverySupport/,
    ],
    ['CarePlan without text', (c) => delete c.text, /CarePlan\.text/],
    ['CarePlan with intent order', (c) => (c.intent = 'order'), /CarePlan\.intent/],
    ['CarePlan without author', (c) => delete c.author, /CarePlan\.author/],
    ['CarePlan without the MME factor-set tag', (c) => delete c.meta, /psc-1/],
    [
      'CarePlan for a Group',
      (c) => (c.subject = { reference: 'Group/g' }),
      /CarePlan\.subject.*Invalid reference/,
    ],
    [
      'activity without detail',
      (c) => (c.activity = [{ reference: { reference: 'ServiceRequest/s' } }]),
      /activity\[0\]\.detail.*Missing/,
    ],
    [
      'activity with a code outside the peer activities',
      (c) => {
        const detail = c.activity?.[0]?.detail;
        if (detail)
          detail.code = { coding: [{ system: 'http://snomed.info/sct', code: '410606002' }] };
      },
      /peer-activity/,
    ],
  ];
  it.each(carePlanCases)('%s', (_name, mutate, expected) => {
    const carePlan = load<CarePlan>(CAREPLAN_EXAMPLE);
    mutate(carePlan);
    expect(validateAgainstProfiles(carePlan).join('\n')).toMatch(expected);
  });

  it('base R4 still applies (unknown element, bad base code)', () => {
    const task = load<Task>(TASK_EXAMPLE);
    Object.assign(task, { colour: 'blue' });
    expect(validateAgainstProfiles(task, { profiles: [] }).join('\n')).toMatch(/colour/);
    expect(
      validateAgainstProfiles(
        { ...load<Task>(TASK_EXAMPLE), status: 'done' as Task['status'] },
        { profiles: [] },
      ).join('\n'),
    ).toMatch(/task-status/);
  });

  it('validates each entry of a transaction Bundle with its profile', () => {
    const task = load<Task>(TASK_EXAMPLE);
    delete task.for;
    const issues = validateAgainstProfiles({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ resource: task, request: { method: 'POST', url: 'Task' } }],
    });
    expect(issues.join('\n')).toMatch(/Bundle\.entry\[0\]\.resource\/Task\.for/);
  });
});

describe('codes the domain matches on live in the ValueSets and CodeSystems', () => {
  const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
  const valueSets = readdirSync(path.join(HERE, 'valuesets')).map((f) => [f, readVs(f)] as const);

  it.each(Object.entries(RXNORM_GROUPS))(
    'RxNorm group %s is inside a ValueSet (the same-named one exactly)',
    (group, codes) => {
      const same = valueSets.find(([f]) => f === `${group}.json`);
      if (same) expect(codesOf(same[1], RXNORM)).toEqual(new Set(codes));
      expect(
        valueSets.some(([, vs]) => [...codes].every((c) => codesOf(vs, RXNORM).has(c))),
        group,
      ).toBe(true);
    },
  );

  it.each(Object.entries(UDS_ANALYTE_GROUPS))(
    'urine test group %s equals its CDC ValueSet',
    (group, codes) => {
      expect(codesOf(readVs(`${group}-urine-drug-screening-tests.json`))).toEqual(new Set(codes));
    },
  );

  it('OUD conditions and key ingredients', () => {
    const oud = readVs('opioid-use-disorder-conditions.json');
    expect(codesOf(oud, 'http://snomed.info/sct')).toEqual(new Set(OUD_SNOMED));
    const prefixes = (oud.compose?.include ?? []).flatMap((i) =>
      (i.filter ?? []).map((f) => f.value),
    );
    expect(prefixes.sort()).toEqual([...OUD_ICD10_PREFIXES].sort());
    const ingredients = codesOf(readVs('key-ingredients.json'), RXNORM);
    for (const code of Object.values(KEY_INGREDIENTS))
      expect(ingredients.has(code), code).toBe(true);
  });

  it('taper states the domain flags are codes of the taper-status CodeSystem', () => {
    const cs = load<CodeSystem>('CodeSystem-taper-status.json');
    const codes = new Set(cs.concept?.map((c) => c.code));
    for (const state of TAPERING_STATES) expect(codes.has(state), state).toBe(true);
  });

  it("every system an app ValueSet includes is a CodeSystem here (the follow-up reasons are the colleague's JSON)", () => {
    const systems = new Set(
      [
        ...compiled.map(([, r]) => r),
        ...readdirSync(path.join(HERE, 'codesystems')).map(
          (f) =>
            JSON.parse(readFileSync(path.join(HERE, 'codesystems', f), 'utf8')) as FhirResource,
        ),
      ]
        .filter((r): r is CodeSystem => r.resourceType === 'CodeSystem')
        .map((cs) => cs.url),
    );
    for (const [file, r] of compiled) {
      if (r.resourceType !== 'ValueSet') continue;
      for (const inc of (r as ValueSet).compose?.include ?? []) {
        if (inc.system?.startsWith(PROFILE_SYSTEM))
          expect(systems.has(inc.system), `${file}: ${inc.system}`).toBe(true);
      }
    }
  });
});

// SUSHI compiles the whole project offline in about 10 s alone (much longer on
// a busy machine), needs no network and writes only to the git-ignored .cache/:
// compiled once per set of FSH inputs (scripts/build-profiles.ts), so the
// freshness check recompiles only when the FSH changed.
const sushiInstalled = existsSync(path.resolve(HERE, '../node_modules/fsh-sushi/dist/app.js'));
describe.skipIf(!sushiInstalled)('SUSHI output is fresh', () => {
  it('recompiling the FSH gives exactly the committed fsh-generated/resources (else run: npm run profiles)', async () => {
    const fresh = await compiledForCurrentSources();
    const committed = readCompiled();
    expect([...committed.keys()]).toEqual([...fresh.keys()]);
    for (const [name, resource] of fresh) expect(committed.get(name), name).toEqual(resource);
  }, 180_000);
});
