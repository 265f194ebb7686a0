import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { fhirclientTransport } from '../../fhir/transport';
import { completeLaunch, type Session } from '../../smart/session';
import { IntegrationLink } from '../integration/IntegrationLink';
import { useIntegrationView } from '../integration/useHashView';
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
  | { status: 'ready'; session: Session }
  | { status: 'failed'; error: unknown };

export function App({ queryClient }: { queryClient: QueryClient }) {
  const [state, setState] = useState<LaunchState>({ status: 'pending' });
  useEffect(() => {
    completeLaunch().then(
      (session) => setState({ status: 'ready', session }),
      (error: unknown) => setState({ status: 'failed', error }),
    );
  }, []);
  const value = useMemo(
    () =>
      state.status === 'ready'
        ? { session: state.session, send: fhirclientTransport(state.session.client) }
        : null,
    [state],
  );
  const integrationView = useIntegrationView();

  if (state.status === 'pending') return <p aria-busy="true">Connecting to the EHR…</p>;
  if (state.status === 'failed') return <LaunchFailure error={state.error} />;
  const { session } = state;
  return (
    <QueryClientProvider client={queryClient}>
      <SessionContext.Provider value={value}>
        <Suspense fallback={<p aria-busy="true">Loading…</p>}>
          {integrationView ? (
            <IntegrationCheck />
          ) : session.profile === 'chart' && session.patientId ? (
            <ChartScreen patientId={session.patientId} />
          ) : (
            <WorklistScreen />
          )}
        </Suspense>
        {!integrationView && <IntegrationLink />}
      </SessionContext.Provider>
    </QueryClientProvider>
  );
}
