/**
 * Choosing the peer: who is a peer recovery specialist (the NUCC Peer
 * Specialist role), and whom to offer, the patient's own care team first.
 */
import type { CareTeam, Coding, Practitioner, PractitionerRole } from 'fhir/r4';
import { inValueSet, tokenOf, valueSetCodings } from '../core/codes';
import { present } from '../core/guards';

/** The NUCC Peer Specialist role (ValueSet peer-specialist-role): how the app finds peers. */
export const PEER_SPECIALIST_ROLE = valueSetCodings('peer-specialist-role')[0] as Coding;
/** The PractitionerRole search value for peers (`role=system|code`). */
export const PEER_SPECIALIST_ROLE_TOKEN = tokenOf(PEER_SPECIALIST_ROLE);

export interface PeerChoice {
  reference: string;
  display: string;
  /** Set when the peer is on one of the patient's CareTeams. */
  careTeam?: string;
}

function humanName(p: Practitioner | undefined): string | undefined {
  const n = p?.name?.[0];
  if (!n) return undefined;
  return (n.text ?? [...(n.given ?? []), n.family].filter(Boolean).join(' ')) || undefined;
}

/** Whether a PractitionerRole carries the NUCC Peer Specialist code (system and code). */
export const isPeerSpecialistRole = (role: PractitionerRole): boolean =>
  present(role.code).some((cc) => inValueSet(cc, 'peer-specialist-role'));

/**
 * Peers to offer: those on the patient's active CareTeams first (a peer the
 * person already knows), then every PractitionerRole with the NUCC Peer
 * Specialist code.
 */
export function peerChoices(input: {
  roles: readonly PractitionerRole[];
  practitioners: readonly Practitioner[];
  careTeams: readonly CareTeam[];
}): PeerChoice[] {
  const byId = new Map(input.practitioners.map((p) => [`Practitioner/${p.id ?? ''}`, p]));
  const roles = input.roles.filter((r) => r.id && r.active !== false && isPeerSpecialistRole(r));
  const nameOfRole = (r: PractitionerRole) =>
    humanName(byId.get(r.practitioner?.reference ?? '')) ??
    r.practitioner?.display ??
    `Peer recovery specialist (${r.id ?? ''})`;
  const out: PeerChoice[] = [];
  const seen = new Set<string>();
  for (const team of input.careTeams) {
    if (!team.id || (team.status && team.status !== 'active')) continue;
    for (const p of present(team.participant)) {
      const ref = p.member?.reference ?? '';
      const role = roles.find((r) => `PractitionerRole/${r.id ?? ''}` === ref);
      const taggedPeer = present(p.role).some((cc) => inValueSet(cc, 'peer-specialist-role'));
      if (!role && !taggedPeer) continue;
      if (!/^(PractitionerRole|Practitioner)\/[A-Za-z0-9\-.]{1,64}$/.test(ref) || seen.has(ref))
        continue;
      seen.add(ref);
      out.push({
        reference: ref,
        display: role ? nameOfRole(role) : (p.member?.display ?? ref),
        careTeam: `CareTeam/${team.id}`,
      });
    }
  }
  for (const r of roles) {
    const ref = `PractitionerRole/${r.id ?? ''}`;
    if (seen.has(ref)) continue;
    seen.add(ref);
    out.push({ reference: ref, display: nameOfRole(r) });
  }
  return out;
}
