/**
 * How strictly the sandbox behaves. Real EHRs differ in ways the app must
 * survive; each way is one switch, so a test (or an integration team on the
 * simulator page) can turn on exactly the behaviour it wants to see. Off, the
 * sandbox is friendly: what `npm start` runs by default.
 */
export interface Behaviour {
  /** `practitioner=123` (no type) matches nothing, as on Medplum. Off: read as `Practitioner/123`. */
  bareIdReferencesMatchNothing: boolean;
  /** The `:missing` modifier is ignored (the parameter dropped), so `owner:missing=true` filters nothing. */
  missingModifierIgnored: boolean;
  /** A transaction that fails part-way keeps what it wrote before the failure (Medplum's default). */
  nonAtomicTransactions: boolean;
  /** Observation searches without `category` or `code` are refused with 400 (Epic). */
  observationNeedsCategoryOrCode: boolean;
  /** MedicationRequest searches without `status` return only active orders (Epic). */
  medicationRequestActiveByDefault: boolean;
  /** The token endpoint refuses every refresh with 400 `invalid_grant` (the EHR session ended). */
  refreshRefused: boolean;
  /** Public clients get no refresh token, even with `online_access`/`offline_access`. */
  noRefreshTokenForPublicClients: boolean;
  /** Access tokens are opaque strings. Off: signed JWTs (readable, with `exp`). */
  opaqueAccessTokens: boolean;
  /**
   * The simulator frames the app from another site than its own (`localhost`
   * ↔ `127.0.0.1`), as real EHRs embed apps cross-site: browsers that block
   * third-party storage then refuse the app's sessionStorage inside the frame.
   */
  crossSiteApp: boolean;
}

export type BehaviourName = keyof Behaviour;

/** Words for the simulator page and the CLI. */
export const BEHAVIOUR_WORDS: Record<BehaviourName, string> = {
  bareIdReferencesMatchNothing: 'Bare-id reference searches match nothing (Medplum)',
  missingModifierIgnored: 'The :missing search modifier is ignored',
  nonAtomicTransactions: 'Transactions are not atomic (Medplum’s default)',
  observationNeedsCategoryOrCode: 'Observation searches need category or code (Epic)',
  medicationRequestActiveByDefault:
    'MedicationRequest searches return only active orders unless status is given (Epic)',
  refreshRefused: 'Refresh refused with invalid_grant',
  noRefreshTokenForPublicClients: 'No refresh token for public clients',
  opaqueAccessTokens: 'Opaque (non-JWT) access tokens',
  crossSiteApp: 'App and EHR on different sites (the app is framed cross-site)',
};

export const BEHAVIOUR_NAMES = Object.keys(BEHAVIOUR_WORDS) as BehaviourName[];

/** The friendly default: every switch off. */
export const FRIENDLY: Readonly<Behaviour> = Object.freeze(
  Object.fromEntries(BEHAVIOUR_NAMES.map((n) => [n, false])) as unknown as Behaviour,
);

/** Like the strictest real servers and browsers: every switch on. */
export const STRICT: Readonly<Behaviour> = Object.freeze(
  Object.fromEntries(BEHAVIOUR_NAMES.map((n) => [n, true])) as unknown as Behaviour,
);

/** A full Behaviour from a partial one (missing switches off). */
export function behaviour(partial: Partial<Behaviour> = {}): Behaviour {
  return { ...FRIENDLY, ...partial };
}

/**
 * Switches from the command line: `--strict` (all on) and/or
 * `--behaviour name,name` (those on). Unknown names are refused with the list.
 */
export function behaviourFromArgs(
  strict: boolean | undefined,
  names: string | undefined,
): Behaviour {
  const picked = (names ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const unknown = picked.filter((n) => !BEHAVIOUR_NAMES.includes(n as BehaviourName));
  if (unknown.length) {
    throw new Error(
      `Unknown behaviour ${unknown.join(', ')}. Known: ${BEHAVIOUR_NAMES.join(', ')}`,
    );
  }
  return {
    ...(strict ? STRICT : FRIENDLY),
    ...Object.fromEntries(picked.map((n) => [n, true])),
  };
}
