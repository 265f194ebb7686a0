import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { FhirResource } from 'fhir/r4';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildCohort } from '../../../test/fixtures/cohort/index';
import { TEST_NOW } from '../../../test/fixtures/clock';
import { startTestFhir, testClient, type TestFhir } from '../../../test/msw/fhirServer';
import { dayOf } from '../../domain/core';
import { deriveAll } from '../../domain/derive';
import type { PatientSummary } from '../../domain/summary';
import { loadPatientRecord, type LoadedRecord } from '../../fhir/patientRecord';
import { fhirclientTransport } from '../../fhir/transport';
import type { Session } from '../../smart/session';
import { ClockContext, fixedClock } from '../session/clock';
import { SessionContext } from '../session/SessionContext';
import { PatientSummaryPanel } from './PatientSummaryPanel';
import { IO_TEST_TIMEOUT_MS, UI_WAIT_MS } from '../../../test/fixtures/timeouts';

// I/O-heavy: a hang guard sized for a shared 2-core machine (test/fixtures/timeouts.ts).
vi.setConfig({ testTimeout: IO_TEST_TIMEOUT_MS, hookTimeout: IO_TEST_TIMEOUT_MS });

const KEYS = [
  'stable-buprenorphine',
  'lapsed-supply',
  'fentanyl-detected',
  'taper-rapid',
  'awkward-data',
] as const;
type Key = (typeof KEYS)[number];

const cohort = buildCohort(TEST_NOW);
let fhir: TestFhir;
beforeAll(async () => {
  const resources: FhirResource[] = [
    ...cohort.shared,
    ...cohort.patients
      .filter((p) => (KEYS as readonly string[]).includes(p.key))
      .flatMap((p) => p.resources),
    // startTestFhir serves only the types it is given; the app also searches dispenses.
    {
      resourceType: 'MedicationDispense',
      id: 'someone-else',
      status: 'completed',
      subject: { reference: 'Patient/someone-else' },
      medicationCodeableConcept: { text: 'unrelated' },
    },
  ];
  fhir = await startTestFhir(resources);
});
afterAll(() => fhir.close());
afterEach(() => fhir.clearFailures());

function session(patientId: string) {
  const client = testClient({ patient: patientId });
  const s: Session = {
    client,
    serverUrl: 'http://ehr.test/fhir',
    patientId,
    grantedScopes: 'launch patient/*.rs',
    needPatientBanner: false,
    profile: 'chart',
  };
  return { session: s, send: fhirclientTransport(client) };
}

/** What the domain says for this patient, read the same way the app reads it. */
async function expected(key: Key): Promise<{ loaded: LoadedRecord; summary: PatientSummary }> {
  const loaded = await loadPatientRecord(session(key).send, key, TEST_NOW);
  return { loaded, summary: deriveAll(loaded.record, dayOf(TEST_NOW)) };
}

async function renderPanel(key: string) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={queryClient}>
      <ClockContext.Provider value={fixedClock(TEST_NOW)}>
        <SessionContext.Provider value={session(key)}>
          <PatientSummaryPanel patientId={key} />
        </SessionContext.Provider>
      </ClockContext.Provider>
    </QueryClientProvider>,
  );
  const panel = screen.getByRole('region', { name: 'Treatment engagement and opioid safety' });
  await waitFor(() => expect(panel.getAttribute('data-ready')).toBe('true'), {
    timeout: UI_WAIT_MS,
  });
  return panel;
}

const section = (name: string) => screen.getByRole('region', { name });
const dimension = (name: string) =>
  within(section('Engagement at a glance'))
    .getByRole('heading', { level: 4, name })
    .closest('li') as HTMLElement;

describe('PatientSummaryPanel against the in-memory FHIR server', () => {
  it('shows loading states per section before the record arrives', async () => {
    const queryClient = new QueryClient();
    render(
      <QueryClientProvider client={queryClient}>
        <ClockContext.Provider value={fixedClock(TEST_NOW)}>
          <SessionContext.Provider value={session('stable-buprenorphine')}>
            <PatientSummaryPanel patientId="stable-buprenorphine" />
          </SessionContext.Provider>
        </ClockContext.Provider>
      </QueryClientProvider>,
    );
    expect(within(section('Urine drug tests')).getByRole('status').textContent).toBe('Loading…');
    expect(screen.getAllByRole('status')).toHaveLength(6);
    await waitFor(() => expect(screen.queryAllByRole('status')).toHaveLength(0), {
      timeout: UI_WAIT_MS,
    });
  });

  it('stable-buprenorphine: engaged, covered with a projected run-out, tests consistent with the prescription', async () => {
    const { summary } = await expected('stable-buprenorphine');
    const panel = await renderPanel('stable-buprenorphine');
    // The screen's "today" is the clock's, not the machine's.
    expect(panel.textContent).toContain('As of 2025-06-15.');
    const head = section('Engagement at a glance');
    expect(within(head).getByText('Overall engagement:').textContent).toContain('Engaged');
    for (const [d, name] of [
      ['medication', 'Medication'],
      ['visits', 'Visits'],
      ['tests', 'Urine drug tests'],
      ['peer', 'Peer contact'],
    ] as const)
      expect(dimension(name).textContent).toContain(
        summary.engagement.dimensions[d].reasons.join(' '),
      );
    expect(dimension('Medication').textContent).toContain('On track');
    expect(within(head).getByText(/^No risk flags/)).toBeTruthy();

    const cov = section('MOUD coverage');
    expect(cov.textContent).toContain('Covered today');
    expect(cov.textContent).toContain('Projected run-out');
    expect(cov.textContent).toContain('100% (90 of 90 days)');
    expect(cov.textContent).toContain('100% (180 of 180 days)');
    expect(cov.textContent).toContain('No gaps in MOUD supply.');
    expect(within(cov).getByText(/Literature view: a gap of 30 days/)).toBeTruthy();
    expect(
      within(cov).getByRole('img', { name: /MOUD coverage, last 12 months: \d+ covered period/ }),
    ).toBeTruthy();

    const tests = section('Urine drug tests');
    expect(tests.textContent).toContain('consistent with the prescription');
    expect(tests.textContent).not.toContain('as prescribed');
    const rows = within(tests).getAllByRole('row').slice(1);
    // latest first: the first row is the newest test (d20)
    expect(rows[0]?.textContent).toContain(
      new Date(TEST_NOW.getTime() - 20 * 86_400_000).getFullYear().toString(),
    );
    expect(within(tests).getAllByRole('cell', { name: 'Not detected' }).length).toBeGreaterThan(0);

    const visits = section('Visits');
    expect(within(visits).getByText('Next planned').nextElementSibling?.textContent).toMatch(
      /in 8 days/,
    );

    const peer = section('Peer recovery support');
    expect(peer.textContent).toContain('No open peer tasks.');
    expect(within(peer).getByRole('heading', { name: 'Recently closed peer tasks' })).toBeTruthy();
    // the closed loop: status, outcome and the last contact attempt of the peer Task
    const closed = within(peer).getByRole('heading', { name: 'Recently closed peer tasks' })
      .nextElementSibling as HTMLElement;
    expect(closed.textContent).toContain('Routine recovery support check-in');
    expect(within(closed).getByText('Status').nextElementSibling?.textContent).toBe('Completed');
    expect(within(closed).getByText('Outcome').nextElementSibling?.textContent).toBe(
      'Connected to a resource',
    );
    expect(
      within(closed).getByText('Last contact attempt').nextElementSibling?.textContent,
    ).toMatch(
      /: Reached by phone; recovery goals reviewed; connected to a weekly mutual-aid meeting\.$/,
    );
    expect(within(closed).getByText('Peer').nextElementSibling?.textContent).not.toBe(
      'Not yet claimed',
    );
  });

  it('lapsed-supply: medication needs attention, supply ran out 10 days ago, open gap, unclaimed peer task', async () => {
    const { summary } = await expected('lapsed-supply');
    await renderPanel('lapsed-supply');
    expect(dimension('Medication').textContent).toContain('Needs attention');
    expect(dimension('Medication').textContent).toContain(
      'Buprenorphine supply ran out 10 days ago.',
    );
    expect(
      within(section('Engagement at a glance')).getByText('Overall engagement:').textContent,
    ).toContain(summary.engagement.overall);
    const cov = section('MOUD coverage');
    expect(cov.textContent).toContain('Supply has lapsed');
    expect(cov.textContent).toContain('(10 days ago)');
    expect(cov.textContent).toMatch(/10 days without supply, .* \(still open today\)/);
    expect(cov.textContent).toContain('Not in treatment today');
    const visits = section('Visits');
    expect(
      within(visits).getByText('Missed or cancelled, last 12 months').nextElementSibling
        ?.textContent,
    ).toContain('9 days ago');
    expect(within(visits).getByText('No visit booked')).toBeTruthy();
    const peer = section('Peer recovery support');
    const open = within(peer).getByRole('heading', { name: 'Open peer tasks' })
      .nextElementSibling as HTMLElement;
    expect(open.textContent).toContain('Requested, not yet claimed');
    expect(open.textContent).toContain('Not yet claimed');
    expect(open.textContent).toContain('None recorded');
    // MOUD on record, only buprenorphine/naloxone (not rescue naloxone): the flag is raised and
    // the headline never claims "no … missing naloxone".
    const head = section('Engagement at a glance');
    const flags = within(head).getByRole('heading', { name: 'Risk flags' })
      .nextElementSibling as HTMLElement;
    expect(flags.textContent).toContain('No rescue naloxone on record');
    expect(flags.textContent).toContain('recommended for everyone receiving OUD treatment');
    expect(head.textContent).not.toContain('No risk flags');
    expect(head.textContent).not.toMatch(/no .*missing naloxone/i);
  });

  it('fentanyl-detected: a risk flag in plain words, and the result in the table', async () => {
    const { summary } = await expected('fentanyl-detected');
    const signal = summary.drugTests.signals.find((s) => s.kind === 'overdose-risk');
    expect(signal).toBeDefined();
    await renderPanel('fentanyl-detected');
    const head = section('Engagement at a glance');
    const flags = within(head).getByRole('heading', { name: 'Risk flags' })
      .nextElementSibling as HTMLElement;
    expect(flags.textContent).toContain('Fentanyl detected');
    expect(flags.textContent).toContain(signal!.text);
    expect(dimension('Urine drug tests').textContent).toContain('Needs attention');
    const tests = section('Urine drug tests');
    const fentanylRows = within(tests)
      .getAllByRole('row')
      .filter((r) => within(r).queryByRole('cell', { name: 'Fentanyl' }));
    expect(fentanylRows[0]?.textContent).toContain('Detected');
    expect(fentanylRows[0]?.textContent).not.toContain('Not detected');
  });

  it('taper-rapid: taper state and pace as derived, baseline 120 and today 60 MME/day, and the high-dose flag', async () => {
    const { summary } = await expected('taper-rapid');
    // The fixture calls this taper rapid; the engine's pace rule decides (see the report).
    expect(summary.taper.state).toMatch(/^tapering-/);
    await renderPanel('taper-rapid');
    const mme = section('Opioid dose and taper');
    expect(mme.textContent).toContain(summary.taper.text);
    const pace = within(mme).getByText('Pace').nextElementSibling?.textContent ?? '';
    expect(pace).toMatch(
      new RegExp(`^−${summary.taper.pacePctPer30Days}% of baseline per month, `),
    );
    expect(pace).toMatch(
      summary.taper.state === 'tapering-rapid' ? /rapid$/ : /faster than gradual|gradual$/,
    );
    expect(within(mme).getByText('Baseline').nextElementSibling?.textContent).toMatch(
      /^120 MME\/day/,
    );
    expect(within(mme).getByText('Today').nextElementSibling?.textContent).toBe('60 MME/day');
    expect(
      within(mme).getByRole('group', { name: /Opioid dose \(MME\/day\), last 12 months/ }),
    ).toBeTruthy();
    // each order's arithmetic is reachable by keyboard focus
    const bars = within(mme).getAllByRole('img', { name: /oxycodone/i });
    expect(bars.length).toBeGreaterThan(10);
    const last = bars[bars.length - 1] as HTMLElement;
    expect(last.getAttribute('aria-label')).toMatch(/= 60 MME\/day/);
    act(() => last.focus());
    expect(
      within(mme).getByText(/^.*oxycodone.*: .*= 60 MME\/day/i, { selector: '.chart__readout' }),
    ).toBeTruthy();
    const flags = within(section('Engagement at a glance')).getByRole('heading', {
      name: 'Risk flags',
    }).nextElementSibling as HTMLElement;
    expect(flags.textContent).toContain('High opioid dose (50 MME/day or more)');
    expect(flags.textContent).not.toContain('Very high opioid dose');
    expect(flags.textContent).not.toContain('No rescue naloxone');
  });

  it('awkward-data: awkward shapes read as the engine reads them; unreadable records counted', async () => {
    const { loaded, summary } = await expected('awkward-data');
    const refs = new Set([...loaded.unreadable, ...summary.unreadable].map((u) => u.reference));
    await renderPanel('awkward-data');
    const cov = section('MOUD coverage');
    expect(cov.textContent).toContain('Covered today');
    expect(cov.textContent).toContain('(tomorrow)');
    const tests = section('Urine drug tests');
    // the entered-in-error "Positive" fentanyl result is not shown and raises no signal
    expect(tests.textContent).not.toContain('overdose risk');
    const fentanyl = within(tests)
      .getAllByRole('row')
      .filter((r) => within(r).queryByRole('cell', { name: 'Fentanyl' }));
    expect(fentanyl.map((r) => within(r).getAllByRole('cell')[2]?.textContent)).toEqual(
      summary.drugTests.results
        .filter((r) => r.analytes.includes('fentanyl-type'))
        .reverse()
        .map((r) =>
          r.result === 'detected'
            ? 'Detected'
            : r.result === 'not-detected'
              ? 'Not detected'
              : 'Indeterminate',
        ),
    );
    expect(
      within(section('Visits')).getByText('Next planned').nextElementSibling?.textContent,
    ).toMatch(/in 2 days/);
    if (refs.size === 0) expect(screen.queryByText(/could not be interpreted/)).toBeNull();
    else
      expect(
        screen.getByText(new RegExp(`^${refs.size} records? could not be interpreted`)),
      ).toBeTruthy();
  });

  it('opens the evidence behind a statement by keyboard, with a readable line per resource', async () => {
    await renderPanel('stable-buprenorphine');
    const button = within(dimension('Medication')).getByRole('button', {
      name: 'Evidence: Medication',
    });
    expect(button.getAttribute('aria-expanded')).toBe('false');
    button.focus();
    await userEvent.keyboard('{Enter}');
    expect(button.getAttribute('aria-expanded')).toBe('true');
    const body = document.getElementById(button.getAttribute('aria-controls') ?? '') as HTMLElement;
    expect(body.textContent).toContain('Rule coverage.');
    expect(within(body).getAllByText('Medication order').length).toBeGreaterThan(0);
    expect(body.textContent).toMatch(/buprenorphine/i);
    await userEvent.keyboard(' ');
    expect(button.getAttribute('aria-expanded')).toBe('false');
  });

  it('partial failure: the Observation search fails, the tests section says so and the rest still shows', async () => {
    fhir.failWhen((method, url) =>
      url.pathname.endsWith('/Observation') ? { status: 503 } : undefined,
    );
    await renderPanel('fentanyl-detected');
    const tests = section('Urine drug tests');
    const alert = within(tests).getByRole('alert');
    expect(alert.textContent).toContain('lab results (urine drug tests)');
    expect(alert.textContent).toContain('The EHR had a problem answering');
    expect(within(tests).queryByRole('table')).toBeNull();
    expect(dimension('Urine drug tests').textContent).toContain('Could not be loaded');
    // other sections are unaffected
    expect(within(section('MOUD coverage')).queryByRole('alert')).toBeNull();
    expect(section('MOUD coverage').textContent).toContain('Covered today');
    expect(section('Visits').textContent).toContain('Last visit');
    expect(dimension('Medication').textContent).toContain('On track');
  });

  it('malformed entries are reported, not a crash', async () => {
    fhir.failWhen((method, url) =>
      url.pathname.endsWith('/Encounter')
        ? {
            status: 200,
            body: {
              resourceType: 'Bundle',
              type: 'searchset',
              entry: [
                { resource: { resourceType: 'Encounter', id: 'broken', class: 'AMB', period: 7 } },
                { resource: { resourceType: 'Encounter', id: 'no-date', status: 'finished' } },
                { resource: 'not even an object' },
              ],
            },
          }
        : undefined,
    );
    await renderPanel('stable-buprenorphine');
    const note = screen.getByText(/records? could not be interpreted/);
    await userEvent.click(within(note).getByRole('button', { name: 'Show details' }));
    const details = note.parentElement?.textContent ?? '';
    expect(details).toMatch(/^3 records could not be interpreted/);
    expect(details).toContain('Encounter/broken: status: Invalid input');
    expect(details).toContain('Visit · encounter (finished): encounter without a readable period');
    expect(details).toContain('not a FHIR resource');
    expect(section('Visits').textContent).toContain('No visits on record');
    expect(section('MOUD coverage').textContent).toContain('Covered today');
  });
});
