import { INTEGRATION_HASH } from './useHashView';
import { useServerCapabilities, useSmartConfiguration } from './useServerCapabilities';

/**
 * The footer link to the Integration check. Mounted for the whole session, it
 * also reads the server's CapabilityStatement and SMART configuration at
 * launch, once (cached for the session), for the features that adapt to them.
 */
export function IntegrationLink() {
  useServerCapabilities();
  useSmartConfiguration();
  return (
    <footer className="app-footer">
      <a href={INTEGRATION_HASH}>Integration check</a>
    </footer>
  );
}
