/**
 * npm run bench — median time of deriveAll on the heavy synthetic patient at
 * 1×, 4× and 16× its size, and how time grows with size. Prints; asserts nothing.
 * Goal: ≤20 ms at 1×, roughly linear growth.
 */
import { performance } from 'node:perf_hooks';
import { buildHeavyPatient } from '../test/fixtures/heavy-patient';
import { deriveAll } from '../src/domain/derive';
import { dayOf } from '../src/domain/dates';
import { recordOf } from '../src/domain/scenarios/record';

const asOfDate = new Date('2025-06-30T12:00:00Z');
const asOf = dayOf(asOfDate, 'UTC');
const RUNS = 21;
const WARMUP = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

const results: { scale: number; resources: number; ms: number }[] = [];
for (const scale of [1, 4, 16]) {
  const p = buildHeavyPatient(asOfDate, scale);
  const record = recordOf(p.resources);
  for (let i = 0; i < WARMUP; i++) deriveAll(record, asOf);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    deriveAll(record, asOf);
    times.push(performance.now() - t0);
  }
  results.push({ scale, resources: p.resources.length, ms: median(times) });
}

console.log(
  'deriveAll on the heavy patient (median of %d runs after %d warm-up runs)',
  RUNS,
  WARMUP,
);
for (const r of results)
  console.log(
    `  ${String(r.scale).padStart(2)}×  ${String(r.resources).padStart(6)} resources  ${r.ms.toFixed(2).padStart(8)} ms`,
  );
const [one, four, sixteen] = results as [
  (typeof results)[0],
  (typeof results)[0],
  (typeof results)[0],
];
console.log(
  `growth: 4×/1× = ${(four.ms / one.ms).toFixed(2)} (linear ≈ 4), 16×/4× = ${(sixteen.ms / four.ms).toFixed(2)} (linear ≈ 4), 16×/1× = ${(sixteen.ms / one.ms).toFixed(2)} (linear ≈ 16)`,
);
console.log(`goal ≤20 ms at 1×: ${one.ms <= 20 ? 'met' : 'NOT met'}`);
