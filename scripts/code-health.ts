/**
 * Prints the code-health figures (no test asserts on them, except that the
 * literal count and the import loops are zero: see test/code/codeHealth.test.ts):
 *  - code literals typed into src/ outside the generated code module;
 *  - import loops in src/;
 *  - the longest functions in src/ (goal: none over 150 lines);
 *  - exports of src/ that no other file imports.
 *
 * Run: npx tsx scripts/code-health.ts [--top N]   (npm run health)
 */
import {
  codeLiteralsInSrc,
  exportsUsedOnlyInOwnFile,
  functionLengths,
  importCycles,
  importGraph,
  sourceFiles,
} from '../test/code/inspect';

const topArg = process.argv.indexOf('--top');
const top = topArg > 0 ? Number(process.argv[topArg + 1]) || 5 : 5;

const src = sourceFiles('src');
const production = src.filter((f) => !/\.test\.tsx?$/.test(f));

const literals = codeLiteralsInSrc();
console.log(`code literals in src/ outside the generated module: ${literals.length}`);
for (const l of literals) console.log(`  ${l.file}:${l.line}  ${l.kind}: ${l.text}`);

const cycles = importCycles(importGraph([...src, 'fhir-profiles/generated/codes.ts']));
console.log(`import loops in src/: ${cycles.length}`);
for (const c of cycles) console.log(`  ${c.join(' → ')}`);

const lengths = functionLengths(production);
console.log(`longest functions in src/ (production code, ${lengths.length} functions):`);
for (const f of lengths.slice(0, top))
  console.log(`  ${String(f.lines).padStart(4)} lines  ${f.name}  (${f.file}:${f.line})`);
console.log(`functions over 150 lines: ${lengths.filter((f) => f.lines > 150).length}`);

const importers = [
  ...src,
  ...sourceFiles('test'),
  ...sourceFiles('scripts'),
  ...sourceFiles('fhir-profiles').filter((f) => !f.includes('fsh-generated')),
];
const unused = exportsUsedOnlyInOwnFile(importers);
console.log(`exports of src/ no other file imports: ${unused.length}`);
for (const u of unused) console.log(`  ${u.file}: ${u.name}`);
