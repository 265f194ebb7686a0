/**
 * The peer worklist's reads and writes. Minimum necessary: the app asks only
 * for Tasks the user owns (as their Practitioner or any of their
 * PractitionerRoles) and claimable peer Tasks with no owner, drops any other
 * Task a server sends anyway, and reads the people of the Tasks it keeps with
 * only the elements the worklist shows (`Patient?_id=…&_elements=…`, not
 * `_include=Task:patient`, which would bring whole records: MRN, birth date,
 * GP). Practitioner user: round 1 = the user's PractitionerRoles + the
 * unowned Tasks, in parallel; round 2 = the Tasks owned by the user or their
 * roles (one request, comma-separated owners); round 3 = their people (one
 * request per 50). 4 requests, 3 rounds. Any other fhirUser type has no
 * roles: 3 requests in 2 rounds. Paging only adds requests past `_count`
 * Tasks. (`PractitionerRole?_revinclude=Task:owner`
 * would save a round but returns the role's Tasks of every status and code,
 * without patients: more data, not less.)
 */
import type { CarePlan, Patient, PractitionerRole, Reference, Task } from 'fhir/r4';
import type { Unreadable } from '../domain/core';
import { isPeerSpecialistRole } from '../domain/peerPlan';
import { PEER_TASK_CODE_TOKEN, WORKLIST_STATUSES } from '../domain/tasks';
import { FhirError } from './errors';
import { etagOf, readResource, type ReadResult } from './read';
import { parseReference, referenceList, typedReference } from './references';
import { searchAll, type SearchResult } from './search';
import type { Transport } from './transport';
import { loadWorklistPatients, onlyMineOrUnowned } from './worklistMinimum';
import { updateResource } from './write';

export const WORKLIST_PAGE_SIZE = 500;

export interface WorklistUser {
  /** The user's Practitioner (or whatever fhirUser names) and their PractitionerRoles. */
  me: Reference[];
  /**
   * Who becomes the owner when the user claims: their peer role (NUCC
   * 175T00000X), else their first role, else themselves — the same kind of
   * owner a clinician assigns in the plan composer, which offers peers by
   * PractitionerRole. So a claimed and an assigned follow-up look alike.
   */
  claimAs: Reference;
}

export interface WorklistData {
  user: WorklistUser;
  tasks: { task: Task; etag?: string }[];
  patients: Patient[];
  unreadable: Unreadable[];
  requests: number;
  truncated: boolean;
  /** Tasks the server sent that are neither the user's nor unowned: dropped, never shown. */
  dropped: number;
  /** The people's names and contacts could not be read (the Tasks still show). */
  patientsFailed?: FhirError;
}

/** "Practitioner/x" from a fhirUser that may be relative or an absolute URL. */
export function parseFhirUser(
  fhirUser: string | undefined,
): { type: string; id: string } | undefined {
  const ref = parseReference(fhirUser);
  return ref ? { type: ref.type, id: ref.id } : undefined;
}

const TASK_PARAMS = {
  code: PEER_TASK_CODE_TOKEN,
  status: WORKLIST_STATUSES.join(','),
  _count: String(WORKLIST_PAGE_SIZE),
};

/**
 * The worklist's searches, built in one place so the Integration check tries
 * exactly what the worklist sends. Every reference is typed (`Type/id`).
 */
export const WORKLIST_SEARCHES = {
  /** The user's PractitionerRoles. */
  roles: (practitionerId: string) => ({
    practitioner: typedReference('Practitioner', practitionerId),
  }),
  /** Peer Tasks owned by any of these references (comma = OR). */
  owned: (owners: readonly string[]) => ({ ...TASK_PARAMS, owner: referenceList(owners) }),
  /** Claimable peer Tasks: no owner. */
  unowned: () => ({ ...TASK_PARAMS, 'owner:missing': 'true' }),
};

export async function loadWorklist(
  send: Transport,
  fhirUser: string | undefined,
): Promise<WorklistData> {
  const who = parseFhirUser(fhirUser);
  if (!who) {
    throw new FhirError(
      'invalid-data',
      'The EHR did not say who is signed in (no fhirUser), so the app cannot find your Tasks.',
    );
  }
  const selfRef: Reference = { reference: `${who.type}/${who.id}` };
  const ownedBy = (owners: readonly Reference[]) =>
    searchAll<Task>(
      send,
      'Task',
      WORKLIST_SEARCHES.owned(owners.map((r) => r.reference as string)),
    );
  const unownedSearch = searchAll<Task>(send, 'Task', WORKLIST_SEARCHES.unowned());
  if (who.type !== 'Practitioner') {
    // No PractitionerRoles to look up: one round.
    const [unowned, owned] = await Promise.all([unownedSearch, ownedBy([selfRef])]);
    return withPatients(send, assemble({ me: [selfRef], claimAs: selfRef }, owned, unowned, 0));
  }
  const [unowned, roles] = await Promise.all([
    unownedSearch,
    searchAll<PractitionerRole>(send, 'PractitionerRole', WORKLIST_SEARCHES.roles(who.id)),
  ]);
  // The display is what the clinician's summary shows as the owner.
  const roleRef = (r: PractitionerRole & { id: string }): Reference => ({
    reference: `PractitionerRole/${r.id}`,
    ...(r.practitioner?.display ? { display: r.practitioner.display } : {}),
  });
  // A role without a usable id cannot own a Task (nor be searched by).
  const usable = roles.resources.filter(
    (r): r is PractitionerRole & { id: string } =>
      parseReference(`PractitionerRole/${r.id ?? ''}`)?.id === r.id,
  );
  const roleRefs = usable.map(roleRef);
  const peerRole = usable.find(isPeerSpecialistRole);
  const claimAs: Reference = peerRole ? roleRef(peerRole) : (roleRefs[0] ?? selfRef);
  const me = [selfRef, ...roleRefs];
  // Round 2: the user's own Tasks, whoever of them (person or role) owns them.
  const owned = await ownedBy(me);
  const data = assemble({ me, claimAs }, owned, unowned, roles.requests);
  data.unreadable.push(...roles.unreadable);
  return withPatients(send, data);
}

/**
 * Round 3: the people the kept Tasks are for, with only the elements the
 * worklist shows (worklistMinimum.ts). A Task the user may not see never
 * gets that far.
 */
async function withPatients(send: Transport, data: WorklistData): Promise<WorklistData> {
  const people = await loadWorklistPatients(
    send,
    data.tasks.map((t) => t.task),
  );
  return {
    ...data,
    patients: people.patients,
    unreadable: [...data.unreadable, ...people.unreadable],
    requests: data.requests + people.requests,
    ...(people.failed ? { patientsFailed: people.failed } : {}),
  };
}

function assemble(
  user: WorklistUser,
  owned: SearchResult<Task>,
  unowned: SearchResult<Task>,
  otherRequests: number,
): WorklistData {
  // A Task in both answers (claimed between the two requests) is kept once: the owned version.
  const ownedIds = new Set(owned.resources.map((t) => t.id));
  const tasks = [...owned.resources, ...unowned.resources.filter((t) => !ownedIds.has(t.id))];
  // Minimum necessary: a server that ignores owner:missing sends other peers' Tasks too.
  const { kept, dropped } = onlyMineOrUnowned(
    tasks.map((task) => ({ task, etag: etagOf(task) })),
    user.me,
  );
  return {
    user,
    tasks: kept,
    patients: [],
    unreadable: [...owned.unreadable, ...unowned.unreadable],
    requests: owned.requests + unowned.requests + otherRequests,
    truncated: owned.truncated || unowned.truncated,
    dropped,
  };
}

/** Writes a Task only if it is still the version the peer saw (412 → FhirError 'conflict'). */
export async function saveTask(
  send: Transport,
  task: Task & { id: string },
  etag: string | undefined,
): Promise<ReadResult<Task>> {
  const saved = await updateResource(send, task, etag ?? etagOf(task));
  return { resource: saved.resource, etag: saved.etag ?? etagOf(saved.resource) };
}

export function readTask(send: Transport, id: string): Promise<ReadResult<Task>> {
  return readResource<Task>(send, 'Task', id);
}

export function readCarePlan(send: Transport, reference: string): Promise<ReadResult<CarePlan>> {
  const ref = parseReference(reference);
  if (ref?.type !== 'CarePlan') {
    return Promise.reject(new FhirError('invalid-data', 'The Task names no readable CarePlan.'));
  }
  return readResource<CarePlan>(send, 'CarePlan', ref.id);
}
