// Prints the suite's closing line in the plain form CI reads: "tests: N passed, N failed".
// A test file that fails to load has no test results of its own; it counts as one failure.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
let results;
try {
  results = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.log('tests: 0 passed, 1 failed');
  console.error(`No test results at ${file}: the test runner did not finish.`);
  process.exit(1);
}
const passed = results.numPassedTests ?? 0;
const brokenFiles = (results.testResults ?? []).filter(
  (r) => r.status === 'failed' && (r.assertionResults ?? []).length === 0,
).length;
const failed = (results.numFailedTests ?? 0) + brokenFiles;
const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
