import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { loadConfig } from '../../config/load';
import { fhirclientTransport } from '../../fhir/transport';
import { completeLaunch, type Session } from '../../smart/session';
import { IntegrationLink } from '../integration/IntegrationLink';
import { useIntegrationView } from '../integration/useHashView';
import { ErrorBoundary } from '../../ui/ErrorBoundary';
import { useClock } from '../session/clock';
import { SessionContext } from '../session/SessionContext';
import { ChartScreen } from './ChartScreen';
import { LaunchFailure } from './LaunchFailure';

// Loaded on use: a clinician's chart (the common path, kept in the first
// bundle) never needs the peer worklist or the integration page.
const WorklistScreen = lazy(() =>
  import('../worklist/WorklistScreen').then((m) => ({ default: m.WorklistScreen })),
);
const IntegrationCheck = lazy(() =>
  import('../integration/IntegrationCheck').then((m) => ({ default: m.IntegrationCheck })),
);

type LaunchState =
  | { status: 'pending' }
  | { status: 'ready'; session: Session; timeoutMs?: number }
  | { status: 'failed'; error: unknown };

/** The request timeout the deployment sets (smart-config.json), read beside the launch. */
async function configuredTimeoutMs(): Promise<number | undefined> {
  try {
    const loaded = await loadConfig();
    const s = loaded.ok ? loaded.config.requestTimeoutSeconds : undefined;
    return s === undefined ? undefined : s * 1000;
  } catch {
    return undefined; // the default stands
  }
}

export function App({ queryClient }: { queryClient: QueryClient }) {
  const [state, setState] = useState<LaunchState>({ status: 'pending' });
  const clock = useClock();
  useEffect(() => {
    Promise.all([completeLaunch(), configuredTimeoutMs()]).then(
      ([session, timeoutMs]) =>
        setState({ status: 'ready', session, ...(timeoutMs ? { timeoutMs } : {}) }),
      (error: unknown) => setState({ status: 'failed', error }),
    );
  }, []);
  const value = useMemo(
    () =>
      state.status === 'ready'
        ? {
            session: state.session,
            send: fhirclientTransport(state.session.client, {
              ...(state.timeoutMs ? { timeoutMs: state.timeoutMs } : {}),
              now: () => clock.now(),
            }),
          }
        : null,
    [state, clock],
  );
  const integrationView = useIntegrationView();

  if (state.status === 'pending') return <p aria-busy="true">Connecting to the EHR…</p>;
  if (state.status === 'failed') return <LaunchFailure error={state.error} />;
  const { session } = state;
  return (
    <QueryClientProvider client={queryClient}>
      <SessionContext.Provider value={value}>
        <Suspense fallback={<p aria-busy="true">Loading…</p>}>
          {/* One boundary per screen: a failure costs the screen, never the whole frame. */}
          {integrationView ? (
            <ErrorBoundary key="integration" what="The integration check" screen>
              <IntegrationCheck />
            </ErrorBoundary>
          ) : session.profile === 'chart' && session.patientId ? (
            <ErrorBoundary key="chart" what="The patient’s chart view" screen>
              <ChartScreen patientId={session.patientId} />
            </ErrorBoundary>
          ) : (
            <ErrorBoundary key="worklist" what="The peer worklist" screen>
              <WorklistScreen />
            </ErrorBoundary>
          )}
        </Suspense>
        {!integrationView && <IntegrationLink />}
      </SessionContext.Provider>
    </QueryClientProvider>
  );
}
