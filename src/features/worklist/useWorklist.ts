import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CarePlan, Task } from 'fhir/r4';
import { useRef, useState } from 'react';
import { dayOf } from '../../domain/core';
import {
  applyTaskAction,
  buildWorklist,
  describeChanges,
  type TaskActionInput,
  type TaskRefusal,
  type WorklistRow,
} from '../../domain/tasks';
import { FhirError } from '../../fhir/errors';
import type { ReadResult } from '../../fhir/read';
import {
  loadWorklist,
  readCarePlan,
  readTask,
  type WorklistData,
  type WorklistUser,
} from '../../fhir/worklist';
import { ChangedByOthers, saveTaskOnce } from '../../fhir/taskWriteGuard';
import { logEvent } from '../../log';
import { useClock } from '../session/clock';
import { useSession } from '../session/SessionContext';

/** Performance marks: data arrived → list committed (see scripts/bench-worklist.ts). */
export const MARK_DATA = 'worklist:data';
export const MARK_RENDERED = 'worklist:rendered';
export const MEASURE_RENDER = 'worklist:render-after-data';

export const worklistKey = (fhirUser: string | undefined) => ['worklist', fhirUser ?? ''] as const;

export function useWorklistData() {
  const { session, send } = useSession();
  return useQuery({
    queryKey: worklistKey(session.fhirUser),
    queryFn: async () => {
      const data = await loadWorklist(send, session.fhirUser);
      performance.mark(MARK_DATA);
      logEvent('worklist.loaded', {
        tasks: data.tasks.length,
        requests: data.requests,
        unreadable: data.unreadable.length,
        dropped: data.dropped,
      });
      return data;
    },
    staleTime: 30_000,
  });
}

/** Rows for the user: own and claimable Tasks in due order. */
export function worklistRows(data: WorklistData, now: Date): WorklistRow[] {
  return buildWorklist(data.tasks, data.patients, data.user.me, dayOf(now));
}

export function useCarePlan(reference: string | undefined) {
  const { send } = useSession();
  return useQuery<ReadResult<CarePlan>>({
    queryKey: ['CarePlan', reference ?? ''],
    queryFn: () => readCarePlan(send, reference as string),
    enabled: Boolean(reference),
    staleTime: 5 * 60_000,
  });
}

export class RefusedError extends Error {
  constructor(readonly refusal: TaskRefusal) {
    super(refusal.message);
  }
}

/** What changed between the version the peer saw and the server's current one. */
export interface Conflict {
  current: Task;
  changes: string[];
}

/**
 * Applies one action to one row: the domain decides (a refusal never reaches
 * the server), the write carries If-Match, and a 412 reloads the Task and
 * reports what changed, so the peer can look and apply again.
 */
export function useTaskAction(row: WorklistRow, user: WorklistUser) {
  const { session, send } = useSession();
  const queryClient = useQueryClient();
  const [conflict, setConflict] = useState<Conflict | undefined>();
  const clock = useClock();
  const key = worklistKey(session.fhirUser);
  // One client-generated id per set of words, kept until they are saved: a retry
  // after a lost answer carries the same id, so it is recognised, never stored twice.
  const writeIds = useRef(new Map<string, string>());
  const writeIdFor = (input: TaskActionInput) => {
    const k = JSON.stringify(input);
    let id = writeIds.current.get(k);
    if (!id) writeIds.current.set(k, (id = crypto.randomUUID()));
    return id;
  };

  const replaceInCache = (task: Task, etag: string | undefined) =>
    queryClient.setQueryData<WorklistData>(key, (old) =>
      old
        ? {
            ...old,
            tasks: old.tasks.map((t) => (t.task.id === task.id ? { task, etag } : t)),
          }
        : old,
    );

  const mutation = useMutation({
    mutationFn: async (input: TaskActionInput) => {
      let { task, etag } = row;
      if (!etag) {
        // No version to send back: read the current one and act on it.
        const fresh = await readTask(send, task.id as string);
        task = fresh.resource;
        etag = fresh.etag;
      }
      const result = applyTaskAction(task, input, {
        me: user.me,
        claimAs: user.claimAs,
        now: clock.now(),
      });
      if (!result.ok) throw new RefusedError(result.refusal);
      try {
        const { saved, recovered } = await saveTaskOnce(
          send,
          { ...task, id: task.id as string },
          result.task,
          etag,
          writeIdFor(input),
        );
        writeIds.current.delete(JSON.stringify(input));
        if (recovered) logEvent('worklist.task.recognised-own-write');
        return { ...saved, recovered };
      } catch (e) {
        if (e instanceof ChangedByOthers) {
          logEvent('worklist.task.conflict');
          setConflict({
            current: e.current.resource,
            changes: describeChanges(task, e.current.resource),
          });
          replaceInCache(e.current.resource, e.current.etag);
        } else if (e instanceof FhirError && e.kind === 'conflict') {
          logEvent('worklist.task.conflict');
          const current = await readTask(send, task.id as string);
          setConflict({
            current: current.resource,
            changes: describeChanges(task, current.resource),
          });
          replaceInCache(current.resource, current.etag);
        }
        throw e;
      }
    },
    onMutate: () => setConflict(undefined),
    onSuccess: (saved, input) => {
      logEvent(`worklist.task.${input.kind}`);
      replaceInCache(saved.resource, saved.etag);
    },
  });
  return { mutation, conflict };
}
