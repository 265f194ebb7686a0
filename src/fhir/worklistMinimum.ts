/**
 * Minimum necessary for the peer worklist: the peer's browser receives only
 * what the worklist shows. Tasks that are neither the peer's nor unowned are
 * dropped (a server may ignore `owner:missing` and send every Task), and the
 * people the remaining Tasks are for are read with only the elements shown
 * (`_elements`), then stripped to them in case the server sent more.
 */
import type { Patient, Reference, Task } from 'fhir/r4';
import type { Unreadable } from '../domain/core';
import { actorsFor, normalizeReference } from '../domain/tasks';
import { FhirError } from './errors';
import { searchAll } from './search';
import type { Transport } from './transport';
import { isFhirId } from './url';

/** What the worklist shows of a person: name, how to reach them, their language. */
export const WORKLIST_PATIENT_ELEMENTS = ['name', 'telecom', 'communication'] as const;
/** Characters of ids per Patient search: keeps the URL well under common 8 KB limits. */
export const PATIENT_IDS_CHARS_PER_SEARCH = 3000;
/** And at most this many people per search (its `_count`). */
export const PATIENT_IDS_PER_SEARCH = 200;

/** Ids in groups whose joined length fits one URL. */
export function chunkIds(ids: readonly string[]): string[][] {
  const out: string[][] = [];
  let chunk: string[] = [];
  let chars = 0;
  for (const id of ids) {
    if (
      chunk.length &&
      (chars + id.length + 1 > PATIENT_IDS_CHARS_PER_SEARCH ||
        chunk.length >= PATIENT_IDS_PER_SEARCH)
    ) {
      out.push(chunk);
      chunk = [];
      chars = 0;
    }
    chunk.push(id);
    chars += id.length + 1;
  }
  if (chunk.length) out.push(chunk);
  return out;
}

/** The Tasks the peer may see: owned by them (person or role) or by no one. */
export function onlyMineOrUnowned<T extends { task: Task }>(
  items: readonly T[],
  me: readonly Reference[],
): { kept: T[]; dropped: number } {
  const kept = items.filter((i) => {
    const actors = actorsFor(i.task, me);
    return actors.has('owner') || actors.has('claimant');
  });
  return { kept, dropped: items.length - kept.length };
}

/** The Patient with only the elements the worklist shows (and its id). */
export function keepShownElements(p: Patient): Patient {
  const out: Patient = { resourceType: 'Patient' };
  if (p.id !== undefined) out.id = p.id;
  for (const k of WORKLIST_PATIENT_ELEMENTS) {
    if (p[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = p[k];
  }
  return out;
}

export interface WorklistPatients {
  patients: Patient[];
  unreadable: Unreadable[];
  requests: number;
  /** Set when the people could not be read: the worklist still shows, without names. */
  failed?: FhirError;
}

/** The people the Tasks are for, with only the shown elements, in parallel searches by id. */
export async function loadWorklistPatients(
  send: Transport,
  tasks: readonly Task[],
): Promise<WorklistPatients> {
  const ids = [
    ...new Set(
      tasks
        .map((t) => normalizeReference(t.for?.reference))
        .filter((r): r is string => r?.startsWith('Patient/') === true)
        .map((r) => r.slice('Patient/'.length))
        .filter(isFhirId),
    ),
  ].sort();
  const out: WorklistPatients = { patients: [], unreadable: [], requests: 0 };
  if (ids.length === 0) return out;
  const chunks = chunkIds(ids);
  const wanted = new Set(ids);
  const results = await Promise.allSettled(
    chunks.map((chunk) =>
      searchAll<Patient>(send, 'Patient', {
        _id: chunk.join(','),
        _elements: WORKLIST_PATIENT_ELEMENTS.join(','),
        _count: String(chunk.length),
      }),
    ),
  );
  for (const r of results) {
    if (r.status === 'rejected') {
      out.failed ??=
        r.reason instanceof FhirError
          ? r.reason
          : new FhirError('network', 'The people could not be read.');
      continue;
    }
    out.requests += r.value.requests;
    out.unreadable.push(...r.value.unreadable);
    // Only the people asked for, only what is shown.
    for (const p of r.value.resources)
      if (p.id && wanted.has(p.id)) out.patients.push(keepShownElements(p));
  }
  return out;
}
