/**
 * The code's shape, checked: codes live only in the generated module, no
 * import loops, "today" only from the clock. Each check is shown to bite on a
 * sample first, so none can pass by looking at nothing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  codeLiterals,
  codeLiteralsInSrc,
  importCycles,
  importGraph,
  isTestFile,
  REPO_ROOT,
  sourceFiles,
} from './inspect';
import { IO_TEST_TIMEOUT_MS } from '../fixtures/timeouts';

// I/O-heavy: a hang guard sized for a shared 2-core machine (test/fixtures/timeouts.ts).
vi.setConfig({ testTimeout: IO_TEST_TIMEOUT_MS, hookTimeout: IO_TEST_TIMEOUT_MS });

describe('codes are never typed into src/ (only fhir-profiles/generated/codes.ts holds them)', () => {
  it('the scan finds every kind of code literal in a sample', () => {
    const sample = [
      "const a = 'http://snomed.info/sct';",
      "const b = { system: 'http://loinc.org', code: '58359-1' };",
      "const c = 'http://www.nlm.nih.gov/research/umls/rxnorm';",
      "const d = ['175T00000X'];",
      "const e = new Set(['260373001', 'LA11882-0']);",
      "const f = `${'1819'}`;",
      "const g = 'H0038';",
      "const h = ['F11.20', 'F11'];",
      "const i = 'http://hl7.org/fhir/sid/icd-10';",
      "const j = 'urn:oid:2.16.840.1.113883.6.88';",
      "const k = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';",
      "const l = 'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets';",
      "const m = 'http://hl7.org/fhir/us/core/CodeSystem/careplan-category';",
      "const n = 'http://unitsofmeasure.org';",
      'x(); // trailing comment names http://loinc.org',
      "// a comment line may name 'http://loinc.org' and 1819",
    ].join('\n');
    const found = codeLiterals('sample.ts', sample);
    const lines = new Set(found.map((f) => f.line));
    for (let line = 1; line <= 15; line++) expect(lines.has(line), `line ${line}`).toBe(true);
    expect(lines.has(16)).toBe(false);
    expect(found.filter((f) => f.line === 2).map((f) => f.kind)).toEqual(
      expect.arrayContaining(['terminology system URL', 'LOINC code']),
    );
    expect(found.filter((f) => f.line === 5).map((f) => f.kind)).toEqual(
      expect.arrayContaining(['SNOMED CT or RxNorm code (6–18 digits)', 'LOINC answer code']),
    );
  });

  it('ordinary strings are not codes', () => {
    const sample = [
      "const a = 'https://peer-recovery.example.org/fhir/CodeSystem/followup-reason';",
      "const b = '2025-03-15';",
      'const c = \'<div xmlns="http://www.w3.org/1999/xhtml">\';',
      "const d = ['routine', 'peer-follow-up', 'MG/ML', 'Q12H', 'A1', 'B12 vitamin'];",
      'const e = String(500);',
    ].join('\n');
    expect(codeLiterals('sample.ts', sample)).toEqual([]);
  });

  it('src/ has none outside the generated module', () => {
    expect(codeLiteralsInSrc()).toEqual([]);
  });
});

describe('imports', () => {
  it('the cycle finder finds a loop and leaves what only leads into it', () => {
    expect(
      importCycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
          ['d', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c']]);
  });

  it('src/ and the generated module import in no loop (type-only imports count)', () => {
    const files = [...sourceFiles('src'), 'fhir-profiles/generated/codes.ts'];
    expect(importCycles(importGraph(files))).toEqual([]);
  });

  it('nothing reads the shared reference folder outside the repository', () => {
    // Built, not written, so this file does not name the path it looks for.
    const up = '.'.repeat(2);
    const reads = new RegExp(
      `${up.replace(/\./g, '\\.')}/shared|'${up.replace(/\./g, '\\.')}', *'shared'`,
    );
    expect(reads.test(`readFileSync('${up}/shared/data/x.csv')`)).toBe(true);
    expect(reads.test(`path.join('${up}', 'shared')`)).toBe(true);
    const files = [...sourceFiles('src'), ...sourceFiles('scripts'), ...sourceFiles('test')];
    const outside = files.filter((f) => reads.test(readFileSync(path.join(REPO_ROOT, f), 'utf8')));
    expect(outside).toEqual([]);
  });
});

describe('time', () => {
  it('screens and the domain never read the wall clock: only features/session/clock.ts does', () => {
    const readers = sourceFiles('src')
      .filter((f) => !isTestFile(f) && f !== 'src/features/session/clock.ts')
      .filter((f) =>
        /new Date\(\)|Date\.now\(\)/.test(readFileSync(path.join(REPO_ROOT, f), 'utf8')),
      );
    expect(readers).toEqual([]);
  });
});
