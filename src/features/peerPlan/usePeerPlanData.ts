import { useQuery } from '@tanstack/react-query';
import { readCapabilities } from '../../fhir/capabilities';
import { loadPeerChoices } from '../../fhir/peerChoices';
import { useSession } from '../session/SessionContext';

/** Peers to choose from (src/fhir/peerChoices.ts): the patient's care team first. */
export function usePeerChoices(patientId: string, enabled: boolean) {
  const { send } = useSession();
  return useQuery({
    queryKey: ['peer-choices', patientId],
    enabled,
    queryFn: () => loadPeerChoices(send, patientId),
  });
}

/** Whether the server takes transactions (else the write goes as batches). */
export function useCapabilities(enabled: boolean) {
  const { send } = useSession();
  return useQuery({
    queryKey: ['capabilities'],
    enabled,
    staleTime: Infinity,
    queryFn: () => readCapabilities(send),
  });
}
