/**
 * npm run bench:worklist — a peer with 500 open follow-up Tasks (500 patients).
 * Prints the number of FHIR requests the worklist makes and the render time
 * after data: the WorklistScreen's own performance measure from "data arrived"
 * (end of the query) to "list committed" (layout effect), rendered by
 * production React in jsdom (not a browser; Chromium is usually faster than jsdom).
 * Goals: ≤100 ms; requests: the issue asked ≤2, but fetching only the peer's
 * own and unowned Tasks (minimum necessary) takes 3 in 2 rounds, and their
 * people, read with only the elements shown, a third round of one search per
 * ~3,000 characters of ids — privacy wins.
 * Prints; asserts nothing.
 */
import type { FhirResource } from 'fhir/r4';
// @ts-expect-error jsdom ships no type declarations, and @types/jsdom is not installed
import { JSDOM } from 'jsdom';
import { register } from 'node:module';

// Vite imports CSS; in Node an empty module stands in for it.
register(
  `data:text/javascript,${encodeURIComponent(
    "export async function load(url, context, next) { return url.endsWith('.css') ? { format: 'module', source: '', shortCircuit: true } : next(url, context); }",
  )}`,
);

const TASKS = 500;
const RUNS = 5;

// A browser-like global environment before React is loaded.
const dom = new JSDOM('<!doctype html><html><body><div id="root"></div></body></html>', {
  url: 'http://localhost/index.html',
});
const g = globalThis as Record<string, unknown>;
for (const key of Object.getOwnPropertyNames(dom.window)) {
  if (!(key in g)) g[key] = (dom.window as unknown as Record<string, unknown>)[key];
}
g.window = dom.window;
g.document = dom.window.document;
// Production React, as the app ships (act() exists only in development builds,
// so the script waits for the component's own measure instead).
process.env.NODE_ENV = 'production';

const React = await import('react');
const { createElement } = React;
const settle = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
// tsx compiles the app's JSX with the classic runtime (the root tsconfig has no "jsx").
g.React = React;
const { createRoot } = await import('react-dom/client');
const { QueryClient, QueryClientProvider } = await import('@tanstack/react-query');
const { buildCohort } = await import('../test/fixtures/cohort/index');
const { Ctx, peerTask, peerCarePlan } = await import('../test/fixtures/cohort/builders');
const { startTestFhir, testClient } = await import('../test/msw/fhirServer');
const { fhirclientTransport } = await import('../src/fhir/transport');
const { scopesFor } = await import('../src/smart/scopes');
const { sessionFromClient } = await import('../src/smart/session');
const { SessionContext } = await import('../src/features/session/SessionContext');
const { WorklistScreen } = await import('../src/features/worklist/WorklistScreen');
const { MEASURE_RENDER } = await import('../src/features/worklist/useWorklist');

const asOf = new Date();
const cohort = buildCohort(asOf);
const resources: FhirResource[] = [...cohort.shared];
const MORALES_ROLE = { reference: 'PractitionerRole/peer-morales-role', display: 'Jordan Morales' };
const DR = { reference: 'PractitionerRole/dr-okafor-role', display: 'Dr. Adaeze Okafor' };
const statuses = ['requested', 'accepted', 'in-progress', 'on-hold'] as const;
for (let i = 0; i < TASKS; i++) {
  const key = `bench-${String(i).padStart(3, '0')}`;
  const ctx = new Ctx(asOf, key);
  resources.push({
    resourceType: 'Patient',
    id: key,
    name: [{ use: 'official', family: `Person${i}`, given: ['Bench'] }],
    telecom: [
      {
        system: 'phone',
        value: `555-01${String(i % 100).padStart(2, '0')}`,
        use: 'mobile',
        rank: 1,
      },
    ],
  });
  resources.push(peerCarePlan(ctx, { createdDaysAgo: 30, author: DR, peer: MORALES_ROLE }));
  const status = statuses[i % statuses.length] as (typeof statuses)[number];
  resources.push(
    peerTask(ctx, {
      suffix: 'peer-task-1',
      status,
      authoredDaysAgo: 10,
      lastModifiedDaysAgo: 5,
      dueDaysAgo: (i % 21) - 10,
      description: 'Buprenorphine supply ran out: reach out and offer help rebooking.',
      requester: DR,
      // a fifth unowned (claimable), the rest the peer's own
      ...(i % 5 === 0 && status === 'requested' ? {} : { owner: MORALES_ROLE }),
      carePlan: { reference: `CarePlan/${ctx.id('peer-careplan')}` },
      reasonCode: 'moud-supply-lapsed',
      reasonDisplay: 'MOUD supply ran out',
      ...(status === 'on-hold' ? { statusReason: 'In hospital this week.' } : {}),
    }),
  );
}

const fhir = await startTestFhir(resources);
const results: { requests: number; ms: number; rows: number }[] = [];
for (let run = 0; run < RUNS; run++) {
  fhir.requests.length = 0;
  performance.clearMeasures(MEASURE_RENDER);
  const client = testClient({
    fhirUser: 'Practitioner/peer-morales',
    scope: scopesFor('worklist', true, 'v2'),
  });
  const session = sessionFromClient(client);
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  root.render(
    createElement(
      QueryClientProvider,
      { client: queryClient },
      createElement(
        SessionContext.Provider,
        { value: { session, send: fhirclientTransport(client) } },
        createElement(WorklistScreen),
      ),
    ),
  );
  const deadline = Date.now() + 60_000;
  while (performance.getEntriesByName(MEASURE_RENDER).length === 0 && Date.now() < deadline) {
    await settle(5);
  }
  const measure = performance.getEntriesByName(MEASURE_RENDER)[0];
  results.push({
    requests: fhir.requests.length,
    ms: measure?.duration ?? NaN,
    rows: container.querySelectorAll('tbody tr').length,
  });
  root.unmount();
  await settle(0);
  container.remove();
}
fhir.close();

const first = results[0];
const later = results
  .slice(1)
  .map((r) => r.ms)
  .sort((a, b) => a - b);
console.log(`Peer worklist with ${TASKS} open Tasks (production React in jsdom, not a browser)`);
console.log(`  rows rendered:         ${first?.rows}`);
console.log(
  `  FHIR requests:         ${first?.requests} (issue goal ≤2; by design: roles + unowned, then own Tasks, then their people with only the shown elements, one search per ~3,000 characters of ids)`,
);
console.log(
  `  render after data:     first run ${first?.ms.toFixed(1)} ms; median of next ${later.length}: ${(later[Math.floor(later.length / 2)] ?? NaN).toFixed(1)} ms (goal ≤100 ms)`,
);
console.log(`  requests per run:      ${results.map((r) => r.requests).join(', ')}`);
