/**
 * Reading the source as a maintainer would: code literals typed into src/,
 * the import graph (and its cycles), the longest functions, and exports used
 * only inside their own file. Used by the code-health tests
 * (test/code/*.test.ts) and by scripts/code-health.ts, which prints figures.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every .ts/.tsx file under a folder of the repository (relative paths, sorted). */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(REPO_ROOT, rel), { withFileTypes: true })) {
      const p = path.posix.join(rel, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') walk(p);
      } else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

export const isTestFile = (file: string): boolean => /\.test\.tsx?$/.test(file);
/** The generated code module's folder: the one place codes may be written. */
export const isGenerated = (file: string): boolean => file.split('/').includes('generated');

// ---------------------------------------------------------------- code literals

/**
 * What a code typed into TypeScript looks like. The first three are the
 * review hook's patterns, applied like the hook does (to each line that is
 * not a comment line); the rest are applied to string literals only.
 */
const HOOK_PATTERNS: readonly [string, RegExp][] = [
  [
    'terminology system URL',
    /https?:\/\/(snomed\.info|loinc\.org|www\.nlm\.nih\.gov|nucc\.org|hl7\.org\/fhir\/sid|terminology\.hl7\.org)/,
  ],
  ['NUCC taxonomy code', /['"][0-9]{3}[A-Z][0-9A-Z]{5}X['"]/],
  ['SNOMED CT or RxNorm code (6–18 digits)', /['"][0-9]{6,18}['"]/],
];

const LITERAL_PATTERNS: readonly [string, RegExp][] = [
  ...HOOK_PATTERNS.map(
    ([name, re]) => [name, new RegExp(re.source.replace(/\['"\]/g, ''))] as [string, RegExp],
  ),
  [
    'terminology system URL',
    /https?:\/\/(www\.cms\.gov|unitsofmeasure\.org|hl7\.org\/fhir\/us\/core\/CodeSystem|hl7\.org\/fhir\/[a-z-]+$)|^urn:oid:2\.16\.840\.1\.113883\.6\./,
  ],
  ['RxNorm or SNOMED CT code', /^[0-9]{4,18}$/],
  ['LOINC code', /^[0-9]{1,5}-[0-9]$/],
  ['LOINC answer code', /^LA[0-9]{2,6}-[0-9]$/],
  ['NUCC taxonomy code', /^[0-9]{3}[A-Z][0-9A-Z]{5}X$/],
  ['HCPCS code', /^[A-V][0-9]{4}$/],
  ['ICD-10 code', /^[A-TV-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$/],
];

export interface CodeLiteral {
  file: string;
  line: number;
  kind: string;
  text: string;
}

const isCommentLine = (line: string): boolean => /^\s*(\/\/|\*|\/\*)/.test(line);

/** Code-looking literals in one file's text (comments are prose, not code). */
export function codeLiterals(file: string, text: string): CodeLiteral[] {
  const out: CodeLiteral[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (isCommentLine(line)) return;
    for (const [kind, re] of HOOK_PATTERNS) {
      const m = re.exec(line);
      if (m) out.push({ file, line: i + 1, kind, text: m[0] });
    }
  });
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
      const value = node.text;
      for (const [kind, re] of LITERAL_PATTERNS) {
        if (re.test(value)) {
          const line = sf.getLineAndCharacterOfPosition(node.getStart()).line + 1;
          if (!out.some((o) => o.line === line && o.kind === kind))
            out.push({ file, line, kind, text: value });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out.sort((a, b) => a.line - b.line);
}

/** Every code literal in src/ outside the generated module and test files. */
export function codeLiteralsInSrc(): CodeLiteral[] {
  return sourceFiles('src')
    .filter((f) => !isTestFile(f) && !isGenerated(f))
    .flatMap((f) => codeLiterals(f, readFileSync(path.join(REPO_ROOT, f), 'utf8')));
}

// ---------------------------------------------------------------- imports

function resolveModule(from: string, spec: string, known: ReadonlySet<string>): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  for (const c of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`])
    if (known.has(c)) return c;
  return undefined;
}

/** Module specifiers a file imports or re-exports (type-only ones too). */
function specifiers(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    )
      out.push(node.moduleSpecifier.text);
    else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    )
      out.push(node.arguments[0].text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** file → the repository files it imports (relative imports only). */
export function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const sf = ts.createSourceFile(
      f,
      readFileSync(path.join(REPO_ROOT, f), 'utf8'),
      ts.ScriptTarget.Latest,
    );
    graph.set(
      f,
      specifiers(sf)
        .map((s) => resolveModule(f, s, known))
        .filter((x): x is string => x !== undefined),
    );
  }
  return graph;
}

/** Groups of files that import each other, directly or round about (Tarjan's SCC). */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v) ?? 0, idx.get(w) ?? 0));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) strong(v);
  return out;
}

// ---------------------------------------------------------------- functions

export interface FunctionLength {
  file: string;
  name: string;
  line: number;
  lines: number;
}

/** Every function, method, arrow function and function expression, with its length in lines. */
export function functionLengths(files: readonly string[]): FunctionLength[] {
  const out: FunctionLength[] = [];
  for (const file of files) {
    const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      if (
        ts.isFunctionDeclaration(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isArrowFunction(node) ||
        ts.isFunctionExpression(node)
      ) {
        const start = sf.getLineAndCharacterOfPosition(node.getStart()).line;
        const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
        out.push({ file, name: functionName(node), line: start + 1, lines: end - start + 1 });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out.sort((a, b) => b.lines - a.lines);
}

function functionName(node: ts.Node): string {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name)
    return node.name.getText();
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText();
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText();
  if (parent && ts.isCallExpression(parent))
    return `(callback of ${parent.expression.getText().slice(0, 40)})`;
  return '(anonymous)';
}

// ---------------------------------------------------------------- exports

/**
 * Exports of src/ files that no other file (of `files`: pass the tests and
 * scripts too) imports, by name, through any re-export: candidates to stop
 * exporting, or to delete when unused.
 */
export function exportsUsedOnlyInOwnFile(
  files: readonly string[],
): { file: string; name: string }[] {
  const known = new Set(files);
  const exported = new Map<string, Set<string>>();
  const imported = new Map<string, Set<string>>();
  const reexports: { from: string; to: string; names: string[] | '*' }[] = [];
  const add = (m: Map<string, Set<string>>, f: string, n: string) =>
    m.set(f, (m.get(f) ?? new Set()).add(n));
  for (const f of files) {
    const sf = ts.createSourceFile(
      f,
      readFileSync(path.join(REPO_ROOT, f), 'utf8'),
      ts.ScriptTarget.Latest,
    );
    // import('./x') (lazy screens): everything of x counts as used.
    const lazy = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments[0] &&
        ts.isStringLiteral(node.arguments[0])
      ) {
        const target = resolveModule(f, node.arguments[0].text, known);
        if (target) add(imported, target, '*');
      }
      ts.forEachChild(node, lazy);
    };
    lazy(sf);
    for (const st of sf.statements) {
      const mods = ts.canHaveModifiers(st) ? ts.getModifiers(st) : undefined;
      const isExport = mods?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      if (isExport) {
        if (ts.isVariableStatement(st))
          for (const d of st.declarationList.declarations) add(exported, f, d.name.getText(sf));
        else if (
          (ts.isFunctionDeclaration(st) ||
            ts.isClassDeclaration(st) ||
            ts.isInterfaceDeclaration(st) ||
            ts.isTypeAliasDeclaration(st) ||
            ts.isEnumDeclaration(st)) &&
          st.name
        )
          add(exported, f, st.name.text);
      }
      if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
        const target = resolveModule(f, st.moduleSpecifier.text, known);
        const b = st.importClause?.namedBindings;
        if (target && b && ts.isNamedImports(b))
          for (const e of b.elements) add(imported, target, (e.propertyName ?? e.name).text);
        if (target && b && ts.isNamespaceImport(b)) add(imported, target, '*');
        if (target && st.importClause?.name) add(imported, target, 'default');
      }
      if (
        ts.isExportDeclaration(st) &&
        st.moduleSpecifier &&
        ts.isStringLiteral(st.moduleSpecifier)
      ) {
        const target = resolveModule(f, st.moduleSpecifier.text, known);
        if (!target) continue;
        const clause = st.exportClause;
        if (clause && ts.isNamedExports(clause)) {
          const names = clause.elements.map((e) => (e.propertyName ?? e.name).text);
          reexports.push({ from: f, to: target, names });
          for (const e of clause.elements) add(exported, f, e.name.text);
        } else reexports.push({ from: f, to: target, names: '*' });
      }
    }
  }
  // A name imported from a re-exporting file counts as imported from its source.
  for (let changed = true; changed;) {
    changed = false;
    for (const r of reexports) {
      const used = imported.get(r.from);
      if (!used) continue;
      const names =
        r.names === '*' ? [...used] : r.names.filter((n) => used.has(n) || used.has('*'));
      for (const n of names) {
        if (!imported.get(r.to)?.has(n)) {
          add(imported, r.to, n);
          changed = true;
        }
      }
    }
  }
  const out: { file: string; name: string }[] = [];
  for (const [f, names] of exported) {
    if (!f.startsWith('src/') || isGenerated(f)) continue;
    const used = imported.get(f) ?? new Set();
    for (const n of names) if (!used.has(n) && !used.has('*')) out.push({ file: f, name: n });
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.name.localeCompare(b.name));
}
