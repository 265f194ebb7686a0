/**
 * Fault-injection: the clinician's chart (banner + summary) in jsdom against
 * the in-memory FHIR server, with msw breaking one answer at a time. Each
 * case: what the person sees, what reached the server, and whether anything
 * was misread, hidden, blank or left loading.
 */
import { screen, waitFor, within } from '@testing-library/react';
import type { Bundle, BundleEntry, Observation } from 'fhir/r4';
import { afterAll, afterEach, beforeAll, describe, vi } from 'vitest';
import { TEST_NOW } from '../fixtures/clock';
import { Ctx, UDS, uds } from '../fixtures/cohort/builders';
import { buildCohort } from '../fixtures/cohort/index';
import { startTestFhir, TEST_FHIR_BASE, type Injected, type TestFhir } from '../msw/fhirServer';
import { isBlank, manualTimer, regionText, renderChart, stillLoading } from './harness';
import { faultCase } from './recorder';
import { IO_TEST_TIMEOUT_MS } from '../fixtures/timeouts';

// I/O-heavy: a hang guard sized for a shared 2-core machine (test/fixtures/timeouts.ts).
vi.setConfig({ testTimeout: IO_TEST_TIMEOUT_MS, hookTimeout: IO_TEST_TIMEOUT_MS });

const KEYS = [
  'oxycodone-stable-120',
  'stable-buprenorphine',
  'fentanyl-detected',
  'taper-gradual',
] as const;
const asOf = TEST_NOW;
const cohort = buildCohort(asOf);
/** 60 older drug tests for taper-gradual; the oldest (page 60 of a 1-per-page server) shows fentanyl. */
const OLD_TESTS: Observation[] = Array.from({ length: 60 }, (_, i) =>
  uds(new Ctx(asOf, 'taper-gradual'), {
    suffix: `fault-old-uds-${i}`,
    daysAgo: 200 + i * 10,
    test: UDS.fentanyl,
    detected: i === 59,
  }),
);

let fhir: TestFhir;
beforeAll(async () => {
  fhir = await startTestFhir([
    ...cohort.shared,
    ...cohort.patients
      .filter((p) => (KEYS as readonly string[]).includes(p.key))
      .flatMap((p) => p.resources),
    ...OLD_TESTS,
    // The server serves only the types it is given; the app also searches dispenses.
    {
      resourceType: 'MedicationDispense',
      id: 'someone-else',
      status: 'completed',
      subject: { reference: 'Patient/someone-else' },
      medicationCodeableConcept: { text: 'unrelated' },
    },
  ]);
}, IO_TEST_TIMEOUT_MS);
afterAll(() => fhir.close());
afterEach(() => {
  fhir.clearFailures();
  fhir.requests.length = 0;
});

const WAIT = { timeout: 20_000 };
const panel = () => screen.getByRole('region', { name: 'Treatment engagement and opioid safety' });
const ready = () =>
  waitFor(() => {
    if (panel().getAttribute('data-ready') !== 'true') throw new Error('not ready');
  }, WAIT);
const isSearch = (method: string, url: URL, type: string) =>
  method === 'GET' && url.pathname === `/fhir/${type}`;
const reached = (type: string) => fhir.requests.filter((r) => r.startsWith(`GET /${type}`));
/** Every search of one type answers `injected` instead of the server. */
const answerSearch = (type: string, injected: Injected | ((n: number) => Injected | undefined)) => {
  let n = 0;
  fhir.failWhen((m, url) =>
    isSearch(m, url, type)
      ? typeof injected === 'function'
        ? injected(n++)
        : injected
      : undefined,
  );
};
/** The chart for a patient, rendered and loaded. */
async function loadedChart(key = 'stable-buprenorphine') {
  const view = renderChart(key, manualTimer().timer);
  await ready();
  return view;
}
const SECTIONS = [
  'Engagement at a glance',
  'MOUD coverage',
  'Opioid dose and taper',
  'Urine drug tests',
  'Visits',
  'Peer recovery support',
];

/** The six sections' words for a patient with nothing broken. */
async function baseline(key: string): Promise<string[]> {
  const t = manualTimer();
  const view = renderChart(key, t.timer);
  await ready();
  const texts = SECTIONS.map(regionText);
  view.unmount();
  fhir.requests.length = 0;
  return texts;
}

describe('misread data', () => {
  faultCase(
    'entries-repeated-across-pages',
    'orders, drug tests and visits come again on a second page',
    async (o) => {
      const before = await baseline('oxycodone-stable-120');
      const firstPages = new Map<string, BundleEntry[]>();
      fhir.afterWhen((method, url, answer) => {
        const type = url.pathname.split('/').pop() ?? '';
        if (method !== 'GET' || !['MedicationRequest', 'Observation', 'Encounter'].includes(type))
          return undefined;
        if (url.searchParams.has('again')) return undefined;
        const bundle = answer.body as Bundle;
        firstPages.set(type, bundle.entry ?? []);
        return {
          status: 200,
          body: {
            ...bundle,
            link: [{ relation: 'next', url: `${TEST_FHIR_BASE}/${type}?again=1` }],
          },
        };
      });
      fhir.failWhen((method, url) =>
        url.searchParams.has('again')
          ? {
              status: 200,
              body: {
                resourceType: 'Bundle',
                type: 'searchset',
                entry: firstPages.get(url.pathname.split('/').pop() ?? ''),
              },
            }
          : undefined,
      );
      await loadedChart('oxycodone-stable-120');
      const after = SECTIONS.map(regionText);
      o.reached = fhir.requests.filter((r) => r.includes('again'));
      o.sees = regionText('Opioid dose and taper').slice(0, 200);
      // Counted once: every section says exactly what it says without the repeat (120, not 240 MME/day).
      o.misread = SECTIONS.some((_, i) => after[i] !== before[i]) || o.reached.length !== 3;
    },
    IO_TEST_TIMEOUT_MS,
  );

  faultCase(
    'page-limit-reached',
    'a server that pages 1 entry at a time; a fentanyl-positive test is on page 60',
    async (o) => {
      let pages: BundleEntry[] = [];
      const page = (n: number) => ({
        status: 200,
        body: {
          resourceType: 'Bundle',
          type: 'searchset',
          total: pages.length,
          entry: [pages[n - 1]],
          ...(n < pages.length
            ? {
                link: [
                  { relation: 'next', url: `${TEST_FHIR_BASE}/Observation?fault-page=${n + 1}` },
                ],
              }
            : {}),
        },
      });
      fhir.afterWhen((method, url, answer) => {
        if (!isSearch(method, url, 'Observation') || url.searchParams.has('fault-page'))
          return undefined;
        pages = (answer.body as Bundle).entry ?? [];
        return page(1);
      });
      fhir.failWhen((method, url) => {
        const n = Number(url.searchParams.get('fault-page'));
        return n ? page(n) : undefined;
      });
      await loadedChart('taper-gradual');
      const tests = regionText('Urine drug tests');
      const head = regionText('Engagement at a glance');
      o.reached = [`GET /Observation… ×${reached('Observation').length}`];
      o.sees = tests.match(/Partial: Only[^.]*\./)?.[0] ?? tests.slice(0, 200);
      o.misread =
        !/Only the newest 50 lab results \(urine drug tests\) were loaded \(of \d+\), back to/.test(
          tests,
        ) ||
        !/Judged without: .*lab results \(urine drug tests\) \(only partly loaded\)/.test(head) ||
        pages.length <= 50;
    },
    IO_TEST_TIMEOUT_MS,
  );

  faultCase('condition-search-fails', 'the Condition search answers 500', async (o) => {
    answerSearch('Condition', { status: 500 });
    await loadedChart('stable-buprenorphine');
    const said = ['Engagement at a glance', 'MOUD coverage', 'Opioid dose and taper'].map((s) =>
      /Conditions could not be loaded/.test(regionText(s)),
    );
    o.reached = reached('Condition');
    o.sees = regionText('MOUD coverage').match(/Partial: Conditions[^]*?answered 500\./)?.[0] ?? '';
    o.misread = said.includes(false);
  });

  faultCase(
    'operation-outcome-with-200',
    'the Condition search answers 200 with an OperationOutcome',
    async (o) => {
      answerSearch('Condition', {
        status: 200,
        body: {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'too-costly', diagnostics: 'Search not allowed' }],
        },
      });
      await loadedChart('stable-buprenorphine');
      o.sees = regionText('MOUD coverage').match(/Partial: Conditions[^]*?”\./)?.[0] ?? '';
      o.misread = !o.sees.includes('“Search not allowed”');
    },
  );

  faultCase(
    'html-labelled-json',
    'the Encounter search answers an HTML page labelled JSON',
    async (o) => {
      answerSearch('Encounter', {
        status: 200,
        raw: '<!DOCTYPE html><html><body>Please sign in</body></html>',
      });
      await loadedChart('stable-buprenorphine');
      const visits = regionText('Visits');
      o.sees = visits;
      o.reached = reached('Encounter');
      o.misread = !/not FHIR data/.test(visits) || reached('Encounter').length !== 1;
    },
  );

  faultCase('json-cut-short', 'the Observation answer ends half-way', async (o) => {
    answerSearch('Observation', {
      status: 200,
      raw: '{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"reso',
    });
    await loadedChart('stable-buprenorphine');
    const tests = regionText('Urine drug tests');
    o.sees = tests;
    o.reached = reached('Observation');
    o.misread =
      !/cut short before it was complete/.test(tests) || /could not be reached/.test(tests);
  });

  for (const [id, status] of [
    ['medication-search-fails', 500],
    ['medication-search-unauthorised', 403],
  ] as const) {
    faultCase(id, `the MedicationRequest search answers ${status}`, async (o) => {
      answerSearch('MedicationRequest', { status });
      await loadedChart('stable-buprenorphine');
      const head = regionText('Engagement at a glance');
      o.sees = head.slice(0, 250);
      o.reached = reached('MedicationRequest');
      o.misread =
        /Not in MOUD treatment|Engaged|Disengaged|At risk/.test(
          head.split('Medication')[0] ?? '',
        ) ||
        !/Cannot tell/.test(head) ||
        !/medication orders could not be loaded, so treatment engagement cannot be judged/.test(
          head,
        );
    });
  }
});

describe('waiting: Retry-After, and requests that never answer', () => {
  faultCase(
    'retry-after-honoured',
    '503 with Retry-After: 0 on the Observation search, once',
    async (o) => {
      answerSearch('Observation', (n) =>
        n === 0 ? { status: 503, headers: { 'Retry-After': '0' } } : undefined,
      );
      await loadedChart('stable-buprenorphine');
      const tests = regionText('Urine drug tests');
      o.sees = tests.slice(0, 150);
      o.reached = reached('Observation');
      o.misread = reached('Observation').length !== 2 || /could not be loaded/.test(tests);
    },
  );

  faultCase(
    'retry-after-too-long',
    '429 with Retry-After: 3600 on the Observation search',
    async (o) => {
      answerSearch('Observation', { status: 429, headers: { 'Retry-After': '3600' } });
      await loadedChart('stable-buprenorphine');
      const tests = regionText('Urine drug tests');
      o.sees = tests;
      o.reached = reached('Observation');
      o.misread =
        !/asked the app to wait 3600 seconds/.test(tests) || reached('Observation').length !== 1;
    },
  );

  faultCase(
    'observation-search-hangs',
    'the Observation search never answers',
    async (o) => {
      const t = manualTimer();
      answerSearch('Observation', { status: 200, hang: true });
      const view = renderChart('stable-buprenorphine', t.timer);
      // While it hangs, what is ready shows: the banner and every section that does not need it.
      try {
        await waitFor(() => {
          if (!screen.queryByRole('region', { name: 'Patient' })) throw new Error('no banner');
          for (const s of [
            'MOUD coverage',
            'Opioid dose and taper',
            'Visits',
            'Peer recovery support',
          ])
            if (/Loading…/.test(regionText(s))) throw new Error(`${s} held back`);
        }, WAIT);
      } catch {
        o.hung = true;
      }
      const heldBack = /Loading…/.test(regionText('Urine drug tests'));
      // The app's deadline fires (the test fires it: no waiting on the clock).
      t.fire();
      await ready().catch(() => undefined);
      const tests = regionText('Urine drug tests');
      o.sees = tests;
      o.reached = reached('Observation');
      o.hung ||= stillLoading() > 0 || !heldBack;
      o.blank = isBlank(view.container);
      o.misread = !/did not answer within 20 seconds/.test(tests);
    },
    IO_TEST_TIMEOUT_MS,
  );

  faultCase(
    'patient-read-hangs',
    'the Patient read (banner) never answers',
    async (o) => {
      const t = manualTimer();
      fhir.failWhen((m, url) =>
        m === 'GET' && url.pathname === '/fhir/Patient/stable-buprenorphine'
          ? { status: 200, hang: true }
          : undefined,
      );
      const view = renderChart('stable-buprenorphine', t.timer);
      // The summary does not wait for the banner.
      await ready().catch(() => {
        o.hung = true;
      });
      t.fire();
      const alert = await screen
        .findByText(/The patient's details could not be loaded/, undefined, WAIT)
        .catch(() => undefined);
      o.sees = alert?.textContent ?? '';
      o.hung ||= !alert || stillLoading() > 0;
      o.blank = isBlank(view.container);
      o.misread = !/did not answer within 20 seconds/.test(o.sees);
    },
    IO_TEST_TIMEOUT_MS,
  );
});

describe('malformed fields cost the field, not the screen', () => {
  const patientAnswer = (patch: Record<string, unknown>) =>
    fhir.afterWhen((m, url, answer) =>
      m === 'GET' && url.pathname === '/fhir/Patient/stable-buprenorphine'
        ? { status: 200, body: { ...(answer.body as object), ...patch } }
        : undefined,
    );

  for (const [id, fault, patch, expected] of [
    [
      'patient-name-object',
      'Patient.name is an object, not an array',
      { name: { family: 'Lee', given: ['Sam'] } },
      /Name could not be read/,
    ],
    [
      'patient-name-text-object',
      'Patient.name[0].text is an object',
      { name: [{ text: { value: 'Sam Lee' } }] },
      /Name could not be read/,
    ],
    [
      'patient-identifier-object',
      'Patient.identifier is an object, not an array',
      { identifier: { value: '123', type: { coding: [{ code: 'MR' }] } } },
      /MRN\s*Could not be read/,
    ],
    [
      'patient-birthdate-object',
      'Patient.birthDate is an object',
      { birthDate: { year: 1980 } },
      /Date of birth\s*Could not be read/,
    ],
  ] as const) {
    faultCase(id, fault, async (o) => {
      patientAnswer(patch);
      const view = await loadedChart('stable-buprenorphine');
      const banner = await screen
        .findByRole('region', { name: 'Patient' }, WAIT)
        .catch(() => undefined);
      o.sees = banner?.textContent ?? '';
      o.blank = isBlank(view.container) || !banner;
      o.misread = !expected.test(o.sees);
    });
  }

  faultCase(
    'hostile-shapes',
    'every text, display and description in the chart is an object',
    async (o) => {
      const objectify = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(objectify);
        if (v && typeof v === 'object')
          return Object.fromEntries(
            Object.entries(v).map(([k, x]) => [
              k,
              ['text', 'display', 'description'].includes(k) && typeof x === 'string'
                ? { value: x }
                : objectify(x),
            ]),
          );
        return v;
      };
      fhir.afterWhen((m, url, answer) =>
        m === 'GET' && answer.status === 200
          ? { status: 200, body: objectify(answer.body) }
          : undefined,
      );
      const view = renderChart('fentanyl-detected', manualTimer().timer);
      await ready().catch(() => undefined);
      const shown = SECTIONS.filter((s) => screen.queryByRole('region', { name: s }));
      const failedToDraw = screen.queryAllByText(/could not be shown\./);
      o.sees = `${shown.length} of 6 sections; said “could not be shown” with Retry: ${failedToDraw.map((el) => (el.textContent ?? '').split(' could not')[0]).join('; ') || 'none'}`;
      o.blank = isBlank(view.container) || shown.length < 6;
      o.hung = stillLoading() > 0;
      // Each part that could not be drawn says so, with Retry.
      o.misread = failedToDraw.some(
        (el) =>
          !within(el.closest('[role="alert"]') as HTMLElement).queryByRole('button', {
            name: 'Retry',
          }),
      );
    },
    IO_TEST_TIMEOUT_MS,
  );
});
