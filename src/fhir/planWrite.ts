import type { Bundle, CarePlan } from 'fhir/r4';
import {
  batchBundle,
  batchSteps,
  planWrite,
  responseReference,
  transactionBundle,
  type BuildContext,
  type PlannedWrite,
} from '../domain/peerPlan';
import { FhirError } from './errors';
import {
  guardWrite,
  matchedCreates,
  reportMatches,
  withBusinessKeys,
  type BusinessKeyMode,
  type GuardReport,
} from './planWriteGuard';
import { readResource } from './read';
import type { Transport } from './transport';
import { firstBatchFailure, postBundle } from './write';
import { logEvent } from '../log';

export interface WriteResult {
  write: PlannedWrite;
  /** fullUrl (urn:uuid or CarePlan/<id>) → the server's Type/id. */
  written: Map<string, string>;
  /** The plan was changed by someone else and was re-read and merged. */
  merged: boolean;
  /** What the business keys found (another clinician's plan, follow-ups already open). */
  guard: GuardReport;
  /** Nothing was left to write: everything in the draft was already there. */
  nothingWritten?: boolean;
  /** Follow-ups the server created (not matched to open ones at write time). */
  addedTasks: number;
}

/** How many times a 412 on the existing plan is answered by reload + merge before giving up. */
const MAX_MERGES = 2;

/**
 * Writes the draft: one transaction, or dependency-ordered batches when the
 * server has no transaction. A 412 on the existing plan (someone changed it
 * since it was read) re-reads the plan, merges the draft into the fresh copy
 * and sends again; the Tasks keep their identifiers, so nothing is lost or
 * doubled. Other failures are thrown for the person to retry.
 */
export async function writePeerPlan(
  send: Transport,
  ctx: BuildContext,
  useTransaction: boolean,
  keyMode: BusinessKeyMode = 're-read',
): Promise<WriteResult> {
  // One active plan, one open follow-up per reason: re-read just before writing (planWriteGuard.ts).
  const guarded = await guardWrite(send, ctx, keyMode);
  let current = guarded.ctx;
  let merged = false;
  for (let attempt = 0; ; attempt++) {
    const planned = planWrite(current);
    if (!planned.entries.some((e) => e.resource.resourceType !== 'Provenance')) {
      return {
        write: planned,
        written: new Map(),
        merged,
        guard: guarded.report,
        nothingWritten: true,
        addedTasks: 0,
      };
    }
    const write =
      keyMode === 'conditional-create' ? withBusinessKeys(planned, ctx.draft.patientId) : planned;
    try {
      const matched: string[] = [];
      const written = useTransaction
        ? await sendTransaction(send, write, matched)
        : await sendBatches(send, write, matched);
      logEvent('peer-plan.written', {
        entries: write.entries.length,
        transaction: useTransaction ? 1 : 0,
        merged: merged ? 1 : 0,
      });
      return {
        write,
        written,
        merged,
        guard: reportMatches(guarded.report, write, matched, written),
        addedTasks: write.entries.filter(
          (e) => e.resource.resourceType === 'Task' && !matched.includes(e.fullUrl),
        ).length,
      };
    } catch (e) {
      const existing = current.existing;
      if (e instanceof FhirError && e.kind === 'conflict' && existing && attempt < MAX_MERGES) {
        logEvent('peer-plan.conflict-reload', { attempt });
        const fresh = await readResource<CarePlan & { id: string }>(
          send,
          'CarePlan',
          existing.plan.id,
        );
        current = { ...current, existing: { plan: fresh.resource, etag: fresh.etag } };
        merged = true;
        continue;
      }
      throw e;
    }
  }
}

async function sendTransaction(
  send: Transport,
  write: PlannedWrite,
  matched: string[],
): Promise<Map<string, string>> {
  const response = await postBundle(send, transactionBundle(write));
  // A transaction is all or nothing, but check what came back rather than assume.
  const failure = firstBatchFailure(response);
  if (failure) throw failure;
  matched.push(...matchedCreates(write.entries, response));
  return collect(
    write.entries.map((e) => e.fullUrl),
    response,
  );
}

async function sendBatches(
  send: Transport,
  write: PlannedWrite,
  matched: string[],
): Promise<Map<string, string>> {
  const written = new Map<string, string>();
  for (const step of batchSteps(write)) {
    const response = await postBundle(send, batchBundle(step, written));
    const failure = firstBatchFailure(response);
    if (failure) throw failure;
    matched.push(...matchedCreates(step, response));
    for (const [k, v] of collect(
      step.map((e) => e.fullUrl),
      response,
    ))
      written.set(k, v);
  }
  return written;
}

function collect(fullUrls: string[], response: Bundle): Map<string, string> {
  const out = new Map<string, string>();
  fullUrls.forEach((fullUrl, i) => {
    const ref = responseReference(response.entry?.[i]);
    if (!ref)
      throw new FhirError('invalid-data', 'The server did not say where it wrote an entry.');
    out.set(fullUrl, ref);
  });
  return out;
}
