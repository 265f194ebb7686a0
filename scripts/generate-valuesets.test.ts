import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  CODE_SYSTEM,
  DRUGS,
  KEY_INGREDIENTS,
  MME_EXCLUDED,
  MME_FACTORS,
  PROFILE,
  RXNORM_GROUPS,
  SYSTEM,
  UDS_ANALYTE_GROUPS,
  UDS_GROUPS_OF_LOINC,
  VALUE_SET,
} from '../fhir-profiles/generated/codes';
import {
  DEFAULT_INPUTS,
  GENERATED_DIR,
  GENERATED_TAG,
  VALUESETS_DIR,
  buildOutputs,
  parseCsv,
  readAliases,
  writeOutputs,
} from './generate-valuesets';
import { IO_TEST_TIMEOUT_MS } from '../test/fixtures/timeouts';

// I/O-heavy: a hang guard sized for a shared 2-core machine (test/fixtures/timeouts.ts).
vi.setConfig({ testTimeout: IO_TEST_TIMEOUT_MS, hookTimeout: IO_TEST_TIMEOUT_MS });

const tmp = mkdtempSync(path.join(tmpdir(), 'valuesets-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('generate-valuesets', () => {
  it('regenerates exactly the committed files (no drift)', () => {
    const vsDir = path.join(tmp, 'valuesets');
    const genDir = path.join(tmp, 'generated');
    writeOutputs(buildOutputs(), vsDir, genDir);
    for (const f of readdirSync(vsDir)) {
      expect(readFileSync(path.join(vsDir, f), 'utf8'), f).toBe(
        readFileSync(path.join(VALUESETS_DIR, f), 'utf8'),
      );
    }
    expect(readdirSync(genDir).sort()).toEqual(
      readdirSync(GENERATED_DIR)
        .filter((f) => !f.endsWith('.test.ts'))
        .sort(),
    );
    for (const f of readdirSync(genDir)) {
      expect(readFileSync(path.join(genDir, f), 'utf8'), f).toBe(
        readFileSync(path.join(GENERATED_DIR, f), 'utf8'),
      );
    }
    // No stale generated ValueSet left behind in the committed folder.
    const committedGenerated = readdirSync(VALUESETS_DIR).filter((f) => {
      const json = JSON.parse(readFileSync(path.join(VALUESETS_DIR, f), 'utf8')) as {
        meta?: { tag?: { code?: string }[] };
      };
      return json.meta?.tag?.some((t) => t.code === GENERATED_TAG.code);
    });
    expect(committedGenerated.sort()).toEqual(readdirSync(vsDir).sort());
  });

  it('is deterministic', () => {
    const a = buildOutputs();
    const b = buildOutputs();
    expect([...a.valuesets]).toEqual([...b.valuesets]);
    expect([...a.generated]).toEqual([...b.generated]);
  });

  it('every ValueSet is R4-shaped with our canonical URL and an expansion or compose', () => {
    for (const f of readdirSync(VALUESETS_DIR)) {
      const vs = JSON.parse(readFileSync(path.join(VALUESETS_DIR, f), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(vs['resourceType']).toBe('ValueSet');
      expect(vs['url']).toBe(`https://peer-recovery.example.org/fhir/ValueSet/${String(vs['id'])}`);
      expect(f).toBe(`${String(vs['id'])}.json`);
      expect(vs['status']).toBe('active');
    }
    const opioid = JSON.parse(
      readFileSync(
        path.join(VALUESETS_DIR, 'opioid-analgesics-with-ambulatory-misuse-potential.json'),
        'utf8',
      ),
    ) as {
      description: string;
      expansion: { total: number; contains: { code: string; display: string }[] };
    };
    expect(opioid.description).toContain(
      'http://fhir.org/guides/cdc/opioid-cds/ValueSet/opioid-analgesics-with-ambulatory-misuse-potential',
    );
    expect(opioid.expansion.total).toBe(557);
    expect(opioid.expansion.contains.find((c) => c.code === '1010600')?.display).toBe(
      'buprenorphine 2 MG / naloxone 0.5 MG Sublingual Film',
    );
  });

  it('keeps the known facts of the source data', () => {
    // The CDC opioid-analgesic set includes buprenorphine-for-OUD and methadone products.
    expect(RXNORM_GROUPS['opioid-analgesics'].has('1010600')).toBe(true);
    expect(RXNORM_GROUPS['opioid-analgesics'].has('991147')).toBe(true);
    expect(RXNORM_GROUPS['opioid-analgesics'].size).toBe(557);
    expect(RXNORM_GROUPS['benzodiazepines'].size).toBe(207);
    // The CDC naloxone set includes bup/nal and pentazocine/nal; the rescue subset does not.
    expect(RXNORM_GROUPS['naloxone'].has('351267')).toBe(true);
    expect(RXNORM_GROUPS['naloxone'].has('312289')).toBe(true);
    expect(RXNORM_GROUPS['naloxone-rescue'].has('351267')).toBe(false);
    expect(RXNORM_GROUPS['naloxone-rescue'].has('312289')).toBe(false);
    expect(RXNORM_GROUPS['naloxone-rescue'].has('1725059')).toBe(true);
    // Hand-authored product groups.
    for (const c of [
      '351264',
      '351265',
      '351266',
      '351267',
      '1010600',
      '1307056',
      '1010604',
      '1307061',
    ]) {
      expect(RXNORM_GROUPS['moud-buprenorphine-sublingual'].has(c), c).toBe(true);
    }
    expect(RXNORM_GROUPS['moud-buprenorphine-er-monthly'].has('1996184')).toBe(true);
    expect(RXNORM_GROUPS['moud-buprenorphine-er-weekly'].has('2639021')).toBe(true);
    expect(RXNORM_GROUPS['moud-buprenorphine-implant'].has('1797650')).toBe(true);
    expect(RXNORM_GROUPS['methadone-otp'].has('864984')).toBe(true);
    expect(RXNORM_GROUPS['naltrexone-xr'].has('637213')).toBe(true);
    expect(KEY_INGREDIENTS.buprenorphine).toBe('1819');
    // No code sits in two product groups.
    const groups = [
      'moud-buprenorphine-sublingual',
      'moud-buprenorphine-er-monthly',
      'moud-buprenorphine-er-weekly',
      'moud-buprenorphine-implant',
      'buprenorphine-pain',
    ] as const;
    const seen = new Map<string, string>();
    for (const g of groups)
      for (const c of RXNORM_GROUPS[g]) {
        expect(seen.get(c), `${c} in ${g}`).toBeUndefined();
        seen.set(c, g);
      }
    // LOINC analyte groups.
    expect(UDS_ANALYTE_GROUPS['buprenorphine'].has('58359-1')).toBe(true);
    expect(UDS_ANALYTE_GROUPS['fentanyl-type'].has('59673-4')).toBe(true);
    expect(UDS_ANALYTE_GROUPS['general-opiate'].has('19295-5')).toBe(true);
    expect(UDS_ANALYTE_GROUPS['heroin'].has('19321-9')).toBe(true);
    expect(UDS_ANALYTE_GROUPS['methadone'].has('93495-0')).toBe(true);
    expect(UDS_ANALYTE_GROUPS['benzodiazepine'].has('14316-4')).toBe(true);
    expect(UDS_GROUPS_OF_LOINC.get('58359-1')).toEqual(['buprenorphine']);
    // Drug table.
    expect(DRUGS.get('351267')?.ingredients).toEqual([
      { rxcui: '1819', name: 'buprenorphine', strengthValue: 8, strengthUnit: 'MG' },
    ]);
    expect(DRUGS.get('197696')?.doseForm).toBe('Transdermal System');
    expect(DRUGS.get('197696')?.ingredients[0]?.strengthUnit).toBe('MG/HR');
  });

  it('takes every external system from aliases.fsh, and only those', () => {
    const aliases = readAliases();
    const external = [...aliases].filter(([, url]) => !url.startsWith('https://peer-recovery'));
    expect(Object.entries(SYSTEM)).toEqual(external);
    expect(SYSTEM.NUCC).toBe('http://nucc.org/provider-taxonomy');
    expect(SYSTEM.RxNormOid).toBe('urn:oid:2.16.840.1.113883.6.88');
  });

  it("emits the app's CodeSystems, the listed ValueSets and the profiles from the FSH output", () => {
    const compiled = (f: string) =>
      JSON.parse(readFileSync(path.join(DEFAULT_INPUTS.compiledDir, f), 'utf8')) as {
        url: string;
        concept?: { code: string }[];
      };
    const peerActivity = compiled('CodeSystem-peer-activity.json');
    expect(CODE_SYSTEM['peer-activity'].url).toBe(peerActivity.url);
    expect(CODE_SYSTEM['peer-activity'].concepts.map((c) => c.code)).toEqual(
      peerActivity.concept?.map((c) => c.code),
    );
    // The hand-authored JSON CodeSystem too.
    expect(CODE_SYSTEM['followup-reason'].concepts.some((c) => c.code === 'peer-contact-gap')).toBe(
      true,
    );
    expect(VALUE_SET['peer-specialist-role'].concepts).toEqual([
      { system: SYSTEM.NUCC, code: '175T00000X', display: 'Peer Specialist' },
    ]);
    expect(VALUE_SET['drug-test-detected'].codes.has('LA11882-0')).toBe(true);
    // ValueSets that include a whole CodeSystem are not listed again.
    expect(Object.keys(VALUE_SET)).not.toContain('peer-activity');
    expect(PROFILE['peer-followup-task']).toBe(
      'https://peer-recovery.example.org/fhir/StructureDefinition/peer-followup-task',
    );
  });

  it('keys the MME factors by the ingredient code of the CDC drug table', () => {
    expect(MME_FACTORS.get('7804')?.[0]).toMatchObject({ ingredient: 'oxycodone', factor: 1.5 });
    expect(MME_FACTORS.get('4337')?.map((f) => f.basis)).toEqual([
      'mcg/h',
      'mcg/day',
      'mcg/day',
      'mcg/day',
    ]);
    expect(MME_EXCLUDED.get(KEY_INGREDIENTS.buprenorphine)).toMatch(/buprenorphine is excluded/);
  });

  it('refuses an MME factor for an ingredient the drug table does not know', () => {
    const sources = path.join(tmp, 'sources-bad-mme');
    cpSync(DEFAULT_INPUTS.sourcesDir, sources, { recursive: true });
    const file = path.join(sources, 'mme-conversion-factors.json');
    const mme = JSON.parse(readFileSync(file, 'utf8')) as { factors: { ingredient: string }[] };
    mme.factors[0] = { ...mme.factors[0], ingredient: 'not-an-opioid' };
    writeFileSync(file, JSON.stringify(mme));
    expect(() => buildOutputs({ ...DEFAULT_INPUTS, sourcesDir: sources })).toThrow(
      /not-an-opioid is not an ingredient/,
    );
  });

  it('parses quoted CSV fields', () => {
    expect(parseCsv('a,b\n1,"x, ""y"""\n')).toEqual([{ a: '1', b: 'x, "y"' }]);
  });
});
