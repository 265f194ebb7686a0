/**
 * Worklist writes that recognise their own committed change. A Task update
 * can commit and still answer 500, time out, or lose its answer; saving again
 * then meets 412 (the version moved: by this very write). So every write
 * carries a client-generated id, on the Task and on each output it adds
 * (contact attempt, outcome, note), kept across retries of the same words.
 * After a lost answer or a 412 the Task is read back: if it carries the id,
 * the change is in — "saved", and it is never sent twice.
 */
import type { Extension, Task } from 'fhir/r4';
import { FhirError } from './errors';
import type { ReadResult } from './read';
import type { Transport } from './transport';
import { readTask, saveTask } from './worklist';

/** Client-generated id of the write that last changed the Task, or that added an output. */
export const WRITE_ID_EXTENSION =
  'https://peer-recovery.example.org/fhir/StructureDefinition/client-write-id';

const idExtension = (writeId: string): Extension => ({
  url: WRITE_ID_EXTENSION,
  valueString: writeId,
});
const withoutId = (ext: Extension[] | undefined) =>
  (Array.isArray(ext) ? ext : []).filter((e) => e?.url !== WRITE_ID_EXTENSION);

/** `after` stamped with the write id: on the Task, and on each output `after` adds to `before`. */
export function stampWrite(before: Task, after: Task, writeId: string): Task {
  const old = new Set(Array.isArray(before.output) ? before.output : []);
  return {
    ...after,
    extension: [...withoutId(after.extension), idExtension(writeId)],
    ...(after.output
      ? {
          output: after.output.map((o) =>
            old.has(o) ? o : { ...o, extension: [...withoutId(o.extension), idExtension(writeId)] },
          ),
        }
      : {}),
  };
}

/** Whether the Task carries this write: as its last write, or on an output it added. */
export function carriesWrite(task: Task, writeId: string): boolean {
  const has = (ext: unknown) =>
    Array.isArray(ext) &&
    ext.some((e: Extension | null) => e?.url === WRITE_ID_EXTENSION && e.valueString === writeId);
  return (
    has(task.extension) ||
    (Array.isArray(task.output) && task.output.some((o) => has(o?.extension)))
  );
}

/** A failure after which the write may still have been committed. */
export function outcomeUnknown(e: FhirError): boolean {
  return (
    e.kind === 'server' ||
    e.kind === 'network' ||
    e.fault === 'not-fhir' ||
    e.fault === 'cut-short' ||
    e.fault === 'timeout'
  );
}

/** A 412 whose current version does not carry this write: someone else's change. */
export class ChangedByOthers extends FhirError {
  constructor(
    readonly current: ReadResult<Task>,
    cause: FhirError,
  ) {
    super('conflict', cause.message, cause.status, cause.outcome);
  }
}

export interface SavedOnce {
  saved: ReadResult<Task>;
  /** The answer was lost (or a retry met 412), and reading back found this write committed. */
  recovered: boolean;
}

/**
 * Saves `next` (the result of an action on `base`) once. After a lost answer
 * or a 412, reads the Task back: carrying `writeId`, it was saved (say so,
 * send nothing more); otherwise a 412 is someone else's change
 * (ChangedByOthers, with the current version), and other failures are thrown
 * for the person to retry — with the same id, so a retry cannot store twice.
 */
export async function saveTaskOnce(
  send: Transport,
  base: Task & { id: string },
  next: Task,
  etag: string | undefined,
  writeId: string,
): Promise<SavedOnce> {
  const stamped = { ...stampWrite(base, next, writeId), id: base.id };
  try {
    return { saved: await saveTask(send, stamped, etag), recovered: false };
  } catch (e) {
    if (!(e instanceof FhirError) || !(e.kind === 'conflict' || outcomeUnknown(e))) throw e;
    let current: ReadResult<Task>;
    try {
      current = await readTask(send, base.id);
    } catch {
      throw e; // cannot tell: the person retries, with the same id
    }
    if (carriesWrite(current.resource, writeId)) return { saved: current, recovered: true };
    if (e.kind === 'conflict') throw new ChangedByOthers(current, e);
    throw e;
  }
}
