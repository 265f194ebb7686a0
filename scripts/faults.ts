/**
 * npm run faults — the fault-injection suite (test/faults/*, and
 * test/e2e/faults.e2e.test.ts in Chromium) and its totals: faults tried,
 * handled, and how the others failed — blank, hung, doubled, lost, leaked
 * (and misread: a gap hidden or a statement the data does not support).
 * Each case measures and records what it saw (test/faults/recorder.ts); this
 * script runs them, then adds up the records. `--no-browser` skips Chromium.
 * Exit code 1 unless every fault was handled.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BAD, type FaultRecord } from '../test/faults/recorder';

const ROOT = resolve(import.meta.dirname, '..');
const DIR = join(ROOT, '.cache/faults-run');
const browser = !process.argv.includes('--no-browser');

rmSync(DIR, { recursive: true, force: true });
mkdirSync(DIR, { recursive: true });
const files = ['test/faults/', ...(browser ? ['test/e2e/faults.e2e.test.ts'] : [])];
const projects = [
  '--project',
  'unit',
  '--project',
  'dom',
  ...(browser ? ['--project', 'e2e'] : []),
];
const run = spawnSync('npx', ['vitest', 'run', ...projects, ...files], {
  cwd: ROOT,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, FAULTS_DIR: DIR },
});

const records: FaultRecord[] = existsSync(DIR)
  ? readdirSync(DIR)
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => readFileSync(join(DIR, f), 'utf8').split('\n').filter(Boolean))
      .map((line) => JSON.parse(line) as FaultRecord)
  : [];
records.sort((a, b) => a.id.localeCompare(b.id));

console.log('\nFault-injection cases (what the person sees, in short):');
for (const r of records) {
  const bad = BAD.filter((k) => r[k]);
  const mark = r.handled ? 'handled' : `NOT HANDLED${bad.length ? ` (${bad.join(', ')})` : ''}`;
  console.log(`  ${r.id.padEnd(44)} ${mark}`);
  if (r.sees) console.log(`      sees: ${r.sees.slice(0, 160)}`);
  if (r.written) console.log(`      written: ${r.written}`);
  if (r.error) console.log(`      error: ${r.error.slice(0, 160)}`);
}
const count = (k: (typeof BAD)[number]) => records.filter((r) => r[k]).length;
const handled = records.filter((r) => r.handled).length;
console.log('\nTotals');
console.log(`  faults tried: ${records.length}`);
console.log(`  handled:      ${handled}`);
for (const k of BAD) console.log(`  ${`${k}:`.padEnd(13)} ${count(k)}`);
if (!browser) console.log('  (browser cases skipped: --no-browser)');

const ok = run.status === 0 && records.length > 0 && handled === records.length;
process.exit(ok ? 0 : 1);
