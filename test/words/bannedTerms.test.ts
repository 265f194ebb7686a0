import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it, vi } from 'vitest';
import { BANNED_TERMS, bannedTermsIn } from './bannedTerms';
import { IO_TEST_TIMEOUT_MS } from '../fixtures/timeouts';

// I/O-heavy: a hang guard sized for a shared 2-core machine (test/fixtures/timeouts.ts).
vi.setConfig({ testTimeout: IO_TEST_TIMEOUT_MS, hookTimeout: IO_TEST_TIMEOUT_MS });

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');

/** Source files that ship: tests are left out (test helpers live under test/). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    if (!/\.tsx?$/.test(e.name) || /\.test\.tsx?$/.test(e.name)) return [];
    return [p];
  });
}

/** Every string a person could read: string and template literals, and JSX text. */
function stringsIn(fileName: string, text: string): { text: string; line: number }[] {
  const sf = ts.createSourceFile(
    fileName,
    text,
    ts.ScriptTarget.Latest,
    true,
    fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const out: { text: string; line: number }[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node) ||
      ts.isJsxText(node)
    )
      out.push({
        text: node.text,
        line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1,
      });
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function scan(fileName: string, text: string): string[] {
  return stringsIn(fileName, text).flatMap((s) =>
    bannedTermsIn(s.text).map((t) => `${fileName}:${s.line} "${t}" in ${JSON.stringify(s.text)}`),
  );
}

describe('banned terms in UI strings', () => {
  it('finds none in any source file under src/', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(20);
    const hits = files.flatMap((f) => scan(relative(ROOT, f), readFileSync(f, 'utf8')));
    expect(hits).toEqual([]);
  });

  it('catches a banned term in JSX text, attributes and template literals, whatever the case', () => {
    const src = [
      'const a = <p title="Known Drug-Seeking">x</p>;',
      'const b = <p>Urine test was Dirty</p>;',
      'const c = `patient is an ${"x"} ADDICT now`;',
      "const d = 'history of substance abuse';",
    ].join('\n');
    const hits = scan('probe.tsx', src);
    expect(hits.map((h) => h.split('"')[1])).toEqual([
      'drug-seeking',
      'dirty',
      'addict',
      'substance abuse',
    ]);
  });

  it('matches whole words only', () => {
    expect(bannedTermsIn('addiction medicine, cleanup(), a user-friendly name')).toEqual([]);
    expect(bannedTermsIn('results were clean.')).toEqual(['clean']);
    expect(bannedTermsIn('Non-compliant with plan')).toEqual(['non-compliant']);
  });

  it('says what to use instead of every term', () => {
    for (const t of BANNED_TERMS) expect(t.instead.length).toBeGreaterThan(3);
  });
});
