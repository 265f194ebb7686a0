/**
 * Least-privilege scope sets. Two launch profiles, registered as two launch
 * URLs, so a peer's worklist never asks for the clinical chart and a chart
 * launch never asks for every patient's demographics:
 *  - chart: a clinician in one patient's chart (patient-level scopes);
 *  - worklist: a peer's own Tasks across patients (user-level scopes).
 * Written in SMART v2 syntax; converted to v1 for servers without permission-v2.
 */
export type LaunchProfile = 'chart' | 'worklist';
export type ScopeSyntax = 'v1' | 'v2';

const CHART_RESOURCES = [
  'patient/Patient.r',
  // The summary only searches these; it never reads one by id.
  'patient/Condition.s',
  'patient/MedicationRequest.s',
  'patient/MedicationDispense.s',
  'patient/Encounter.s',
  'patient/Observation.s',
  'patient/Medication.r',
  // The plan: created, found, re-read and updated (If-Match) when adding to it.
  'patient/CarePlan.crus',
  // Care team and follow-ups: created and found, never changed by the chart.
  'patient/CareTeam.cs',
  'patient/Task.cs',
  'patient/Provenance.c',
  'user/Practitioner.r',
  'user/PractitionerRole.rs',
];

const WORKLIST_RESOURCES = [
  'user/Task.rus',
  // Searched by the Tasks' ids with `_elements` (name, telecom, language), never whole records.
  'user/Patient.rs',
  'user/CarePlan.r',
  'user/Practitioner.r',
  'user/PractitionerRole.rs',
];

/** `online_access`: a refresh token for the life of the EHR session, not beyond it. */
const IDENTITY = ['openid', 'fhirUser', 'online_access'];

export function scopesFor(profile: LaunchProfile, ehrLaunch: boolean, syntax: ScopeSyntax): string {
  const context = ehrLaunch ? ['launch'] : profile === 'chart' ? ['launch/patient'] : [];
  const resources = profile === 'chart' ? CHART_RESOURCES : WORKLIST_RESOURCES;
  const converted = syntax === 'v2' ? resources : resources.flatMap(toV1);
  return [...context, ...IDENTITY, ...dedupe(converted)].join(' ');
}

/** v2 `patient/Task.crus` → v1 `patient/Task.read patient/Task.write`. */
export function toV1(scope: string): string[] {
  const m = /^(patient|user|system)\/([A-Za-z*]+)\.([cruds]+)$/.exec(scope);
  if (!m) return [scope];
  const [, level, type, perms = ''] = m;
  const out: string[] = [];
  if (/[rs]/.test(perms)) out.push(`${level}/${type}.read`);
  if (/[cud]/.test(perms)) out.push(`${level}/${type}.write`);
  return out;
}

/** Whether a granted scope string allows an interaction on a resource type. */
export function isGranted(
  granted: string,
  resourceType: string,
  permission: 'c' | 'r' | 'u' | 'd' | 's',
): boolean {
  return granted.split(/\s+/).some((scope) => {
    const m = /^(patient|user|system)\/([A-Za-z*]+)\.(read|write|\*|[cruds]+)$/.exec(scope);
    if (!m) return false;
    const [, , type, perms = ''] = m;
    if (type !== '*' && type !== resourceType) return false;
    if (perms === '*') return true;
    if (perms === 'read') return permission === 'r' || permission === 's';
    if (perms === 'write') return permission === 'c' || permission === 'u' || permission === 'd';
    return perms.includes(permission);
  });
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}
