/**
 * npm run bench — how long deriveAll takes on the heavy synthetic patient at
 * 1×, 4× and 16× its size, and how time grows with size. Prints; asserts nothing.
 * Goal (issue 4): median ≤20 ms at 1×, roughly linear growth (×4 per 4× step).
 *
 * The machine is shared, so besides wall time it prints the process CPU time
 * per run (less sensitive to other work, though it includes V8's GC helper
 * threads) and the load average before and after. Compare medians taken
 * under similar load. Options: --runs N (default 21, at least 15),
 * --warmup N (default 5; warm-up also lasts at least 1.5 s), --scales 1,4,16.
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { buildHeavyPatient } from '../test/fixtures/heavy-patient';
import { deriveAll } from '../src/domain/derive';
import { dayOf } from '../src/domain/core';
import { recordOf } from '../test/domain/scenarios/record';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const RUNS = Math.max(15, Number(option('runs', '21')) || 21);
const WARMUP = Math.max(1, Number(option('warmup', '5')) || 5);
/** Warm-up also lasts at least this long, so the JIT has settled at the small scale too. */
const WARMUP_MS = 1500;
const SCALES = option('scales', '1,4,16')
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);

const asOfDate = new Date('2025-06-30T12:00:00Z');
const asOf = dayOf(asOfDate, 'UTC');

/** Nearest-rank percentile of a sample (p in 0..100). */
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1] as number;
}
const median = (xs: number[]) => percentile(xs, 50);
const fmt = (ms: number, width = 8) => ms.toFixed(2).padStart(width);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

interface Row {
  scale: number;
  resources: number;
  warm: number;
  wall: number[];
  cpu: number[];
}

const cpuList = cpus();
console.log(
  `Node ${process.version} (V8 ${process.versions.v8}), ${process.platform}/${process.arch}, ` +
    `${cpuList.length} × ${cpuList[0]?.model.trim() ?? 'unknown CPU'}`,
);
console.log(`load average (1/5/15 min) before: ${load()}`);
console.log(
  `deriveAll on the heavy patient: warm-up (≥${WARMUP} runs and ≥${WARMUP_MS / 1000} s), then ${RUNS} timed runs per scale`,
);

const rows: Row[] = [];
for (const scale of SCALES) {
  const p = buildHeavyPatient(asOfDate, scale);
  const record = recordOf(p.resources);
  const w0 = performance.now();
  let warm = 0;
  for (; warm < WARMUP || performance.now() - w0 < WARMUP_MS; warm++) deriveAll(record, asOf);
  const row: Row = { scale, resources: p.resources.length, warm, wall: [], cpu: [] };
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    deriveAll(record, asOf);
    row.wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    row.cpu.push((c.user + c.system) / 1000);
  }
  rows.push(row);
}

console.log('');
console.log(' scale  resources  warm-up   median ms      p90 ms  min ms   CPU median ms');
for (const r of rows)
  console.log(
    `${String(r.scale).padStart(5)}×  ${String(r.resources).padStart(9)}  ${String(r.warm).padStart(7)}  ${fmt(median(r.wall), 10)}  ${fmt(percentile(r.wall, 90), 10)}  ${fmt(Math.min(...r.wall), 6)}  ${fmt(median(r.cpu), 14)}`,
  );

console.log('');
for (let i = 1; i < rows.length; i++) {
  const a = rows[i - 1] as Row;
  const b = rows[i] as Row;
  const size = b.scale / a.scale;
  console.log(
    `growth ${b.scale}×/${a.scale}×: median ${(median(b.wall) / median(a.wall)).toFixed(2)}, ` +
      `CPU ${(median(b.cpu) / median(a.cpu)).toFixed(2)} (linear ≈ ${size})`,
  );
}
const one = rows.find((r) => r.scale === 1);
if (one)
  console.log(
    `goal ≤20 ms median at 1×: ${median(one.wall) <= 20 ? 'met' : 'NOT met'} (${median(one.wall).toFixed(2)} ms)`,
  );
console.log(`load average (1/5/15 min) after: ${load()}`);
