/**
 * The peer plan composer's reads: whom it may offer as the peer. The
 * patient's CareTeams and every PractitionerRole with the NUCC Peer
 * Specialist code (with its Practitioner), in parallel; either may fail
 * alone, and the list then says it may be incomplete.
 */
import type { CareTeam, Practitioner, PractitionerRole } from 'fhir/r4';
import { PEER_SPECIALIST_ROLE_TOKEN, peerChoices, type PeerChoice } from '../domain/peerPlan';
import { patientParam } from './references';
import { searchAll } from './search';
import type { Transport } from './transport';

export interface PeerChoices {
  choices: PeerChoice[];
  /** One of the two searches failed: the list may be incomplete. */
  partial: boolean;
}

/** Peers to choose from: the patient's care team first, then every peer specialist role. */
export async function loadPeerChoices(send: Transport, patientId: string): Promise<PeerChoices> {
  const [roles, teams] = await Promise.allSettled([
    searchAll<PractitionerRole>(send, 'PractitionerRole', {
      role: PEER_SPECIALIST_ROLE_TOKEN,
      _include: 'PractitionerRole:practitioner',
    }),
    searchAll<CareTeam>(send, 'CareTeam', patientParam(patientId)),
  ]);
  if (roles.status === 'rejected' && teams.status === 'rejected') throw roles.reason;
  const ok = <T>(r: PromiseSettledResult<T>) => (r.status === 'fulfilled' ? r.value : undefined);
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
}
