/**
 * The app's screens in jsdom against the in-memory FHIR server (msw), with a
 * request deadline the test fires itself: no test waits on the wall clock.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import type { Timer } from '../../src/fhir/timeout';
import { fhirclientTransport } from '../../src/fhir/transport';
import { ChartScreen } from '../../src/features/shell/ChartScreen';
import { ClockContext, fixedClock } from '../../src/features/session/clock';
import { SessionContext } from '../../src/features/session/SessionContext';
import { WorklistScreen } from '../../src/features/worklist/WorklistScreen';
import { scopesFor } from '../../src/smart/scopes';
import { sessionFromClient, type Session } from '../../src/smart/session';
import { ErrorBoundary } from '../../src/ui/ErrorBoundary';
import { TEST_NOW } from '../fixtures/clock';
import { testClient } from '../msw/fhirServer';

/** A request deadline that fires only when the test says so. */
export function manualTimer(): { timer: Timer; fire: () => number; scheduled: () => number } {
  let pending = new Set<() => void>();
  return {
    timer: (fn) => {
      pending.add(fn);
      return () => pending.delete(fn);
    },
    fire: () => {
      const now = [...pending];
      pending = new Set();
      now.forEach((f) => f());
      return now.length;
    },
    scheduled: () => pending.size,
  };
}

function app(session: Session, timer: Timer, children: ReactNode) {
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
  const send = fhirclientTransport(session.client, { timer, now: () => TEST_NOW });
  // The screens read "today" from a fixed clock, as the component tests do (test/fixtures/clock.ts).
  return (
    <QueryClientProvider client={queryClient}>
      <ClockContext.Provider value={fixedClock(TEST_NOW)}>
        <SessionContext.Provider value={{ session, send }}>{children}</SessionContext.Provider>
      </ClockContext.Provider>
    </QueryClientProvider>
  );
}

/** The clinician's chart for one patient, with the banner, as App renders it. */
export function renderChart(patientId: string, timer: Timer) {
  const client = testClient({ patient: patientId, scope: scopesFor('chart', true, 'v2') });
  const session: Session = { ...sessionFromClient(client), needPatientBanner: true };
  return render(
    app(
      session,
      timer,
      <ErrorBoundary what="The patient’s chart view" screen>
        <ChartScreen patientId={patientId} />
      </ErrorBoundary>,
    ),
  );
}

/** The peer's worklist, as App renders it. */
export function renderWorklist(fhirUser: string, timer: Timer) {
  const client = testClient({ fhirUser, scope: scopesFor('worklist', true, 'v2') });
  return render(
    app(
      sessionFromClient(client),
      timer,
      <ErrorBoundary what="The peer worklist" screen>
        <WorklistScreen />
      </ErrorBoundary>,
    ),
  );
}

/** Nothing a person could use: no heading and (almost) no text. */
export function isBlank(container: HTMLElement): boolean {
  return (
    container.querySelectorAll('h1, h2, h3').length === 0 ||
    (container.textContent ?? '').trim().length < 20
  );
}

/** "Loading…" or busy indicators still on screen. */
export function stillLoading(): number {
  return (
    screen.queryAllByText(/^Loading/).length +
    document.querySelectorAll('[aria-busy="true"]').length
  );
}

export const regionText = (name: string) =>
  screen.queryByRole('region', { name })?.textContent ?? '';
