import { useSyncExternalStore } from 'react';

/**
 * Which view the URL hash names ("#integration"). The hash carries the view
 * only — never patient data — and survives a reload of index.html.
 */
export const INTEGRATION_HASH = '#integration';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useIntegrationView(): boolean {
  return useSyncExternalStore(subscribe, () => window.location.hash === INTEGRATION_HASH);
}
