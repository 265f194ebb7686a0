/**
 * The sandbox also answers at the addresses of the SMART App Launcher (the
 * software behind the public SMART sandbox), so integration teams can try
 * every launch style here as they would there:
 *
 *   /fhir                        the sandbox's own FHIR base
 *   /v/r4/fhir                   the launcher's plain address: EHR launches
 *                                (launch options in `launch`); a standalone
 *                                launch here is refused with invalid_request,
 *                                as the launcher does
 *   /v/r4/sim/<options>/fhir     a standalone launch's address: the launch
 *                                options (base64url JSON, as the launcher
 *                                encodes them) pick the user and patient
 *
 * All three serve the same data; only the addresses differ.
 */

/** The launcher's launch types, in the order its encoding numbers them. */
export const LAUNCH_TYPES = [
  'provider-ehr',
  'patient-portal',
  'provider-standalone',
  'patient-standalone',
  'backend-service',
] as const;
export type LaunchType = (typeof LAUNCH_TYPES)[number];

export interface LauncherOptions {
  launchType: LaunchType;
  /** Comma-separated patient ids (the launcher allows several; one is used here). */
  patient: string;
  /** Comma-separated provider ids: here, sandbox user ids. */
  provider: string;
}

/** Encodes options as the launcher v2 does: base64url of a JSON array. */
export function encodeLauncherOptions(o: Partial<LauncherOptions>): string {
  const type = LAUNCH_TYPES.indexOf(o.launchType ?? 'provider-standalone');
  // [launch_type, patient, provider, encounter, skip_login, skip_auth, sim_ehr, ...]
  return Buffer.from(
    JSON.stringify([type, o.patient ?? '', o.provider ?? '', 'AUTO', 0, 0, 0]),
  ).toString('base64url');
}

/** Decodes launcher options (array form, and the legacy object form); undefined if it cannot. */
export function decodeLauncherOptions(encoded: string): LauncherOptions | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (Array.isArray(value)) {
    const launchType = LAUNCH_TYPES[Number(value[0])];
    if (!launchType) return undefined;
    return { launchType, patient: String(value[1] ?? ''), provider: String(value[2] ?? '') };
  }
  if (value && typeof value === 'object') {
    // Legacy: {"h":"1"} provider standalone, {"a":"1"} provider EHR, {"k":"1"} patient standalone
    const o = value as Record<string, unknown>;
    const launchType: LaunchType =
      o.h === '1'
        ? 'provider-standalone'
        : o.k === '1'
          ? o.a === '1'
            ? 'patient-portal'
            : 'patient-standalone'
          : 'provider-ehr';
    return { launchType, patient: String(o.b ?? ''), provider: String(o.e ?? '') };
  }
  return undefined;
}

export type Mount =
  | { kind: 'sandbox'; base: string; rest: string }
  | { kind: 'launcher'; base: string; rest: string }
  | { kind: 'launcher-sim'; base: string; rest: string; options: string };

/** Which FHIR base a request path is under, and the path below it; undefined if none. */
export function fhirMount(origin: string, pathname: string): Mount | undefined {
  const under = (prefix: string) =>
    pathname === prefix || pathname.startsWith(`${prefix}/`)
      ? pathname.slice(prefix.length)
      : undefined;
  let rest = under('/fhir');
  if (rest !== undefined) return { kind: 'sandbox', base: `${origin}/fhir`, rest };
  rest = under('/v/r4/fhir');
  if (rest !== undefined) return { kind: 'launcher', base: `${origin}/v/r4/fhir`, rest };
  const sim = /^\/v\/r4\/sim\/([A-Za-z0-9_-]{1,2048})\/fhir(\/.*)?$/.exec(pathname);
  if (sim) {
    const options = sim[1] as string;
    return {
      kind: 'launcher-sim',
      base: `${origin}/v/r4/sim/${options}/fhir`,
      rest: sim[2] ?? '',
      options,
    };
  }
  return undefined;
}

/** The mount a FHIR base URL (e.g. an `aud`) names, if it is one of this sandbox's. */
export function baseMount(origin: string, url: string | null | undefined): Mount | undefined {
  if (!url) return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.origin !== origin || u.search || u.hash) return undefined;
  const mount = fhirMount(origin, u.pathname.replace(/\/+$/, ''));
  return mount && mount.rest === '' ? mount : undefined;
}

/** The same URL on the other loopback name (localhost ↔ 127.0.0.1): another site. */
export function crossSiteVariant(url: string): string {
  const u = new URL(url);
  if (u.hostname === 'localhost') u.hostname = '127.0.0.1';
  else if (u.hostname === '127.0.0.1') u.hostname = 'localhost';
  return u.toString();
}
