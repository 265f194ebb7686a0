import { useQuery } from '@tanstack/react-query';
import type { CareTeam, Practitioner, PractitionerRole } from 'fhir/r4';
import { PEER_SPECIALIST_ROLE_TOKEN, peerChoices } from '../../domain/peerPlan';
import { readCapabilities } from '../../fhir/capabilities';
import { searchAll } from '../../fhir/search';
import { useSession } from '../session/SessionContext';

/** Peers to choose from: the patient's CareTeams, then PractitionerRoles with the NUCC Peer Specialist code. */
export function usePeerChoices(patientId: string, enabled: boolean) {
  const { send } = useSession();
  return useQuery({
    queryKey: ['peer-choices', patientId],
    enabled,
    queryFn: async () => {
      const [roles, teams] = await Promise.allSettled([
        searchAll<PractitionerRole>(send, 'PractitionerRole', {
          role: PEER_SPECIALIST_ROLE_TOKEN,
          _include: 'PractitionerRole:practitioner',
        }),
        searchAll<CareTeam>(send, 'CareTeam', { patient: patientId }),
      ]);
      if (roles.status === 'rejected' && teams.status === 'rejected') throw roles.reason;
      const ok = <T>(r: PromiseSettledResult<T>) =>
        r.status === 'fulfilled' ? r.value : undefined;
      const roleResult = ok(roles);
      return {
        choices: peerChoices({
          roles: roleResult?.resources ?? [],
          practitioners: (roleResult?.included ?? []).filter(
            (r): r is Practitioner => r.resourceType === 'Practitioner',
          ),
          careTeams: ok(teams)?.resources ?? [],
        }),
        partial: roles.status === 'rejected' || teams.status === 'rejected',
      };
    },
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
