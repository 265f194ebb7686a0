/**
 * Pure: the lines of the Integration check. What the app needs comes from the
 * app's own client CapabilityStatement (fhir-profiles), so the page and the
 * published requirements cannot drift apart. Each line says whether the
 * server advertises it and, for reads, which request tries it live.
 * The check never writes.
 */
import type { CapabilityStatement } from 'fhir/r4';
import clientStatement from '../../../fhir-profiles/fsh-generated/resources/CapabilityStatement-peer-recovery-app-client.json';
import { PEER_SPECIALIST_ROLE_TOKEN } from '../../domain/peerPlan';
import { PEER_TASK_CODE_TOKEN } from '../../domain/tasks';
import { WORKLIST_STATUSES } from '../../domain/tasks';
import type { ServerCapabilities } from '../../fhir/capabilities';
import { HISTORY_YEARS, MEDICATION_REQUEST_STATUSES } from '../../fhir/patientRecord';
import { parseFhirUser } from '../../fhir/worklist';
import { WORKLIST_PATIENT_ELEMENTS } from '../../fhir/worklistMinimum';
import { isGranted, scopesFor, type LaunchProfile } from '../../smart/scopes';

const NEEDS = clientStatement as unknown as CapabilityStatement;

export interface CheckContext {
  patientId?: string;
  fhirUser?: string;
  grantedScopes: string;
  profile: 'chart' | 'worklist';
  today: Date;
}

export interface CheckLine {
  id: string;
  /** e.g. "Observation — search". */
  label: string;
  /** The request as shown: ids replaced by {patient} / {user}, never real ids. */
  shown?: string;
  advertised: 'yes' | 'no' | 'unknown';
  /** Search parameters the app uses that the server does not list. */
  unlistedParams: string[];
  /** The live request (relative to the FHIR base); absent when not tried. */
  probe?: string;
  /** Why the line is not tried live. */
  notTried?: string;
  /** For `_include` lines: the resource type that should come back included. */
  includeTarget?: string;
  /** What the app does on a server without it. */
  ifMissing: string;
  /** The screens (launch profiles) that use it: its adaptation is shown only on those. */
  usedBy: LaunchProfile[];
}

const PROFILES: LaunchProfile[] = ['chart', 'worklist'];
const PERMISSION: Record<string, 'r' | 's' | 'c' | 'u'> = {
  read: 'r',
  'search-type': 's',
  create: 'c',
  update: 'u',
};
/** System interactions and `_include`s, by the screens that send them. */
const USED_BY: Record<string, LaunchProfile[]> = {
  // Plans are written from the chart's composer; the worklist only updates Tasks.
  'system:transaction': ['chart'],
  'system:batch': ['chart'],
  'include:MedicationRequest:medication': ['chart'],
};

/**
 * Which screens use an interaction on a type: those whose least-privilege
 * scopes (src/smart/scopes.ts, the source of truth) allow it.
 */
function usedByScopes(type: string, interaction: string): LaunchProfile[] {
  const permission = PERMISSION[interaction];
  if (!permission) return [];
  return PROFILES.filter((p) => isGranted(scopesFor(p, true, 'v2'), type, permission));
}

/** How the app adapts when a server lacks something (checked against the code). */
const ADAPTATION: Record<string, string> = {
  batch: 'Peer support plans can be written only where the server takes transactions.',
  transaction:
    'Peer support plans are written as dependency-ordered batches of conditional creates instead: not all-or-nothing, but Retry completes a partial write without duplicates.',
  'include:MedicationRequest:medication':
    'Medications the orders reference are read one by one in a second round (Medication/{id}, in parallel).',
  'search-type:Patient':
    'The worklist cannot show whose follow-up each Task is: it shows “Name not available” and says for how many.',
  'search-type:Observation': 'Drug tests cannot be shown; the rest of the summary still shows.',
  'search-type:MedicationRequest':
    'Orders, coverage and MME cannot be shown; the rest of the summary still shows.',
  read: 'The part of the screen that needs it shows an error with what to do; the rest still works.',
  'search-type':
    'That section shows an error with what to do; the rest of the summary still shows.',
  create:
    'Writing back (peer support plans, follow-ups) is not possible; the app offers copyable text instead.',
  update:
    'Task status changes and outcomes cannot be saved; the app says so and keeps what was typed.',
};

function adaptation(key: string, interaction: string): string {
  return (
    ADAPTATION[key] ??
    ADAPTATION[interaction] ??
    'The app cannot use this; it says so where it matters.'
  );
}

/** Pure: each interaction and `_include` the app needs, with its live probe where one is safe. */
export function planChecks(caps: ServerCapabilities, ctx: CheckContext): CheckLine[] {
  const rest = NEEDS.rest?.[0];
  const lines: CheckLine[] = [];
  const advertisedIf = (v: boolean): CheckLine['advertised'] =>
    caps.known ? (v ? 'yes' : 'no') : 'unknown';

  for (const i of rest?.interaction ?? []) {
    lines.push({
      id: `system:${i.code}`,
      label: `${i.code === 'transaction' ? 'Transaction' : 'Batch'} (POST to the base)`,
      advertised: advertisedIf(i.code === 'transaction' ? caps.transaction : caps.batch),
      unlistedParams: [],
      notTried: 'Writes are never tried by this check.',
      ifMissing: adaptation(i.code, i.code),
      usedBy: USED_BY[`system:${i.code}`] ?? [],
    });
  }

  for (const res of rest?.resource ?? []) {
    const type = res.type;
    const serverInteractions = caps.interactions[type] ?? [];
    const neededParams = (res.searchParam ?? []).map((p) => p.name);
    for (const i of res.interaction ?? []) {
      const line: CheckLine = {
        id: `${type}:${i.code}`,
        label: `${type} — ${i.code === 'search-type' ? 'search' : i.code}`,
        advertised: advertisedIf(serverInteractions.includes(i.code)),
        unlistedParams:
          i.code === 'search-type' && caps.known
            ? neededParams.filter(
                (p) => !p.startsWith('_') && !(caps.searchParams[type] ?? []).includes(p),
              )
            : [],
        ifMissing: adaptation(`${i.code}:${type}`, i.code),
        usedBy: usedByScopes(type, i.code),
      };
      Object.assign(line, probeFor(type, i.code, ctx));
      lines.push(line);
    }
    for (const include of res.searchInclude ?? []) {
      const target = include.split(':')[1] === 'patient' ? 'Patient' : 'Medication';
      const line: CheckLine = {
        id: `include:${include}`,
        label: `${type} — _include=${include}`,
        advertised: advertisedIf((caps.includes[type] ?? []).includes(include)),
        unlistedParams: [],
        includeTarget: target,
        ifMissing: adaptation(`include:${include}`, 'search-type'),
        usedBy: USED_BY[`include:${include}`] ?? [],
      };
      const base = probeFor(type, 'search-type', ctx, 10);
      if (base.probe) {
        line.probe = `${base.probe}&_include=${encodeURIComponent(include)}`;
        line.shown = `${base.shown}&_include=${include}`;
      } else {
        line.notTried = base.notTried;
      }
      lines.push(line);
    }
  }
  return lines;
}

type Probe = Pick<CheckLine, 'probe' | 'shown' | 'notTried'>;

/** The live request for one read-only interaction, or why it is not tried. */
function probeFor(type: string, interaction: string, ctx: CheckContext, count = 1): Probe {
  if (interaction !== 'read' && interaction !== 'search-type') {
    return { notTried: 'Writes are never tried by this check.' };
  }
  const perm = interaction === 'read' ? 'r' : 's';
  if (!isGranted(ctx.grantedScopes, type, perm)) {
    return {
      notTried: `Not tried: no granted scope allows ${type} ${interaction === 'read' ? 'read' : 'search'}.`,
    };
  }
  const p = ctx.patientId ? encodeURIComponent(ctx.patientId) : undefined;
  // Searches name the patient by typed reference, exactly as the app's own searches do.
  const pref = ctx.patientId ? encodeURIComponent(`Patient/${ctx.patientId}`) : undefined;
  const user = parseFhirUser(ctx.fhirUser);
  const noPatient = {
    notTried: 'Not tried: no patient in context (launch from a chart to check it).',
  };

  if (interaction === 'read') {
    if (type === 'Patient') {
      return p ? { probe: `Patient/${p}`, shown: 'GET Patient/{patient}' } : noPatient;
    }
    if (user && type === user.type) {
      return {
        probe: `${user.type}/${encodeURIComponent(user.id)}`,
        shown: `GET ${user.type}/{user}`,
      };
    }
    return { notTried: 'Not tried: needs the id of a record; the searches cover the same data.' };
  }

  const search = (query: string, shownQuery: string): Probe => ({
    probe: `${type}?${query}&_count=${count}`,
    shown: `GET ${type}?${shownQuery}&_count=${count}`,
  });
  const since = new Date(ctx.today);
  since.setFullYear(since.getFullYear() - HISTORY_YEARS);
  const ge = `ge${since.toISOString().slice(0, 10)}`;

  switch (type) {
    case 'Patient':
      // The worklist's search for its people, with only the elements it shows.
      return p
        ? search(
            `_id=${p}&_elements=${WORKLIST_PATIENT_ELEMENTS.join(',')}`,
            `_id={patient}&_elements=${WORKLIST_PATIENT_ELEMENTS.join(',')}`,
          )
        : { notTried: 'Not tried: the worklist searches people only by the ids its Tasks name.' };
    case 'PractitionerRole':
      return search(
        `role=${encodeURIComponent(PEER_SPECIALIST_ROLE_TOKEN)}`,
        `role=${PEER_SPECIALIST_ROLE_TOKEN}`,
      );
    case 'Medication':
      return {
        notTried: 'Not tried: the app searches Medication only by the ids orders reference.',
      };
    case 'Task':
      if (ctx.profile === 'worklist' || !p) {
        const code = PEER_TASK_CODE_TOKEN;
        const status = WORKLIST_STATUSES.join(',');
        return search(
          `code=${encodeURIComponent(code)}&status=${status}`,
          `code=${code}&status=${status}`,
        );
      }
      return search(`patient=${pref}`, 'patient=Patient/{patient}');
  }
  if (!p) return noPatient;
  switch (type) {
    case 'Observation':
      return search(
        `patient=${pref}&category=laboratory&date=${ge}`,
        `patient=Patient/{patient}&category=laboratory&date=${ge}`,
      );
    case 'Encounter':
      return search(`patient=${pref}&date=${ge}`, `patient=Patient/{patient}&date=${ge}`);
    case 'MedicationRequest':
      return search(
        `patient=${pref}&status=${MEDICATION_REQUEST_STATUSES}`,
        `patient=Patient/{patient}&status=${MEDICATION_REQUEST_STATUSES}`,
      );
    case 'CarePlan':
      return search(`patient=${pref}&status=active`, 'patient=Patient/{patient}&status=active');
    default:
      return search(`patient=${pref}`, 'patient=Patient/{patient}');
  }
}

/** Each requested scope: granted as asked, or not. Plus granted ones nobody asked for. */
export function compareScopes(
  requested: string,
  granted: string,
): { scope: string; granted: boolean }[] {
  const have = new Set(granted.split(/\s+/).filter(Boolean));
  const asked = requested.split(/\s+/).filter(Boolean);
  return asked.map((scope) => ({ scope, granted: have.has(scope) || coveredBy(scope, granted) }));
}

/** A resource scope counts as granted when the granted set allows each permission it asks for. */
function coveredBy(scope: string, granted: string): boolean {
  const m = /^(patient|user|system)\/([A-Za-z*]+)\.(read|write|[cruds]+)$/.exec(scope);
  if (!m) return false;
  const [, , type = '', perms = ''] = m;
  const letters = perms === 'read' ? ['r', 's'] : perms === 'write' ? ['c', 'u', 'd'] : [...perms];
  return letters.every((l) => isGranted(granted, type, l as 'c' | 'r' | 'u' | 'd' | 's'));
}
