/**
 * npm run bench:summary — the clinician summary for the heavy patient, in
 * headless Chromium against the sandbox with 150 ms added to every FHIR
 * request. Prints, per run and as medians: time from index.html navigation
 * start to performance.mark('summary-rendered'), and the number of sequential
 * rounds of FHIR requests. Asserts nothing. Goal: ≤2 rounds, ≤1.5 s.
 *
 * Rounds, from the sandbox request log: a request joins the current round
 * when it arrived before any of that round's responses had been sent (so it
 * cannot depend on one); otherwise it opens a new round.
 */
import { rmSync } from 'node:fs';
import { buildApp, serveAppWithSandbox } from '../test/e2e/appUnderTest';
import { launchBrowser } from '../test/e2e/browser';
import { buildCohort } from '../test/fixtures/cohort/index';
import { buildHeavyPatient, HEAVY_PATIENT_KEY } from '../test/fixtures/heavy-patient';
import type { RequestLogEntry } from '../test/sandbox/index';

const RUNS = 7;
const LATENCY_MS = 150;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

type Timed = Pick<RequestLogEntry, 'at' | 'durationMs' | 'resourceType'>;

export function rounds<T extends Timed>(log: T[]): T[][] {
  const sorted = [...log].sort((a, b) => a.at - b.at);
  const out: T[][] = [];
  let firstEnd = Infinity;
  for (const r of sorted) {
    const current = out[out.length - 1];
    if (current && r.at < firstEnd) {
      current.push(r);
      firstEnd = Math.min(firstEnd, r.at + r.durationMs);
    } else {
      out.push([r]);
      firstEnd = r.at + r.durationMs;
    }
  }
  return out;
}

async function main() {
  const distDir = buildApp('peer-recovery-bench-', 'error');
  const asOf = new Date();
  const cohort = buildCohort(asOf);
  const heavy = buildHeavyPatient(asOf);
  cohort.patients.push(heavy);

  const { app, sandbox } = await serveAppWithSandbox(distDir, { latencyMs: LATENCY_MS, cohort });
  const browser = await launchBrowser();
  const user = cohort.users.find((u) => u.role === 'clinician');
  if (!user) throw new Error('no clinician in the cohort');

  console.log(
    'Clinician summary, heavy patient (%d resources), %d ms added per FHIR request, %d runs after 1 warm-up',
    heavy.resources.length,
    LATENCY_MS,
    RUNS,
  );
  const times: number[] = [];
  const roundCounts: number[] = [];
  const serverTimes: number[] = [];
  const sandboxRoundCounts: number[] = [];
  const renderTimes: number[] = [];
  try {
    for (let run = 0; run <= RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
      const page = await context.newPage();
      // The browser's view of the FHIR requests: when each was sent and when its answer came.
      // (The sandbox's own log stamps a request when its busy event loop gets to it.)
      const sent = new Map<object, Timed>();
      page.on('request', (req) => {
        if (req.url().startsWith(sandbox.fhirBase)) {
          const type = new URL(req.url()).pathname.slice(new URL(sandbox.fhirBase).pathname.length);
          sent.set(req, {
            at: Date.now(),
            durationMs: Infinity,
            resourceType: type.split('/')[1] ?? '',
          });
        }
      });
      const done = (req: object) => {
        const t = sent.get(req);
        if (t) t.durationMs = Date.now() - t.at;
      };
      page.on('requestfinished', done);
      page.on('requestfailed', done);
      const launch = sandbox.createLaunch({ user: user.id, patient: HEAVY_PATIENT_KEY });
      await page.goto(sandbox.launchUrl(launch));
      await page.waitForURL(/\/index\.html/, { timeout: 60_000 });
      // The app's fetches start after index.html loads: clear what launch.html did.
      const origin = await page.evaluate(() => performance.timeOrigin);
      await page
        .locator('section.summary[data-ready="true"]')
        .waitFor({ timeout: 300_000 })
        .catch(async (e: unknown) => {
          console.error(`run ${run}: the summary did not render; the page says:`);
          console.error((await page.locator('body').innerText()).slice(0, 200));
          console.error(
            sandbox.requestLog
              .map((r) => `${r.resourceType} ${r.status} ${r.durationMs}ms`)
              .join('\n'),
          );
          throw e;
        });
      const [ms, dataMs] = await page.evaluate(() => [
        performance.getEntriesByName('summary-rendered')[0]?.startTime ?? NaN,
        performance.getEntriesByName('summary-data')[0]?.startTime ?? NaN,
      ]);
      const log = sandbox.requestLog.filter((r) => r.at >= origin);
      const rs = rounds([...sent.values()].filter((r) => r.at >= origin));
      const serverRounds = rounds(log);
      await context.close();
      sandbox.clearRequestLog();
      if (run === 0) continue; // warm-up: the sandbox's first searches are slower
      times.push(ms);
      roundCounts.push(rs.length);
      sandboxRoundCounts.push(serverRounds.length);
      // Time the sandbox spent answering on the critical path (slowest request of each round).
      const serverMs = serverRounds.reduce(
        (sum, r) => sum + Math.max(...r.map((x) => x.durationMs)),
        0,
      );
      serverTimes.push(serverMs);
      renderTimes.push(ms - dataMs);
      const shape = rs
        .map(
          (r) => `[${[...new Set(r.map((x) => x.resourceType || 'base'))].join(' ')}]×${r.length}`,
        )
        .join(' → ');
      console.log(
        `run ${run}: ${Math.round(ms)} ms (server critical path ${Math.round(serverMs)} ms, render after data ${Math.round(ms - dataMs)} ms), ${log.length} FHIR requests, ${rs.length} rounds as the browser sent them (${serverRounds.length} by the sandbox log): ${shape}`,
      );
    }
  } finally {
    await browser.close();
    await Promise.allSettled([sandbox.close(), app.close()]);
    rmSync(distDir, { recursive: true, force: true });
  }
  console.log(
    `median: server critical path ${Math.round(median(serverTimes))} ms; render after data ${Math.round(median(renderTimes))} ms`,
  );
  console.log(
    `median: ${Math.round(median(times))} ms to summary rendered (goal ≤1500), ${median(roundCounts)} rounds of FHIR requests as sent by the browser, ${median(sandboxRoundCounts)} by the sandbox log (goal ≤2)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
