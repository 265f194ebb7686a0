/** Entry of index.html, the redirect URI: completes the launch and renders the app. */
import { QueryClient } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { FhirError } from './fhir/errors';
import { App } from './features/shell/App';
import './ui/app.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // src/fhir retries transient failures itself; react-query must not multiply them.
      retry: false,
      refetchOnWindowFocus: false,
      staleTime: 60_000,
      throwOnError: (error) => !(error instanceof FhirError),
    },
  },
});

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App queryClient={queryClient} />
  </StrictMode>,
);
