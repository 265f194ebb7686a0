import { useQuery } from '@tanstack/react-query';
import { readCapabilities, readSmartConfiguration } from '../../fhir/capabilities';
import { useSession } from '../session/SessionContext';

/**
 * The server's CapabilityStatement, read once per session (the key is the one
 * the peer plan composer uses, so both share one request).
 */
export const CAPABILITIES_KEY = ['capabilities'] as const;
export const SMART_CONFIGURATION_KEY = ['smart-configuration'] as const;

export function useServerCapabilities() {
  const { send } = useSession();
  return useQuery({
    queryKey: CAPABILITIES_KEY,
    staleTime: Infinity,
    queryFn: () => readCapabilities(send),
  });
}

export function useSmartConfiguration() {
  const { send } = useSession();
  return useQuery({
    queryKey: SMART_CONFIGURATION_KEY,
    staleTime: Infinity,
    queryFn: () => readSmartConfiguration(send),
  });
}
