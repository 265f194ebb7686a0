/**
 * Business keys for the peer-support write: one active peer-support plan per
 * patient, one open follow-up per reason per patient. The draft's own ids
 * make a retry idempotent; they cannot stop a second clinician (or a
 * composer opened before someone else wrote) from starting a second plan.
 *
 * Two layers, and the Integration check says which one a server gets:
 *  - always, a re-read inside the write: the patient's active peer-support
 *    plans and open peer follow-ups are searched just before writing; a plan
 *    found is added to instead of starting another, and follow-ups whose
 *    reason is already open are left out (and said);
 *  - where the server advertises conditional create for CarePlan and Task,
 *    the creates carry the business key as their If-None-Exist, which closes
 *    the moment between the re-read and the write (the server decides).
 */
import type { CarePlan, Practitioner, PractitionerRole, Reference, Task } from 'fhir/r4';
import { isPeerTask } from '../domain/engagement';
import { FOLLOW_UP_REASON_SYSTEM, followUpReasonCoding } from '../domain/followUps';
import {
  findActivePeerPlan,
  IDENTIFIER_SYSTEM,
  isPeerSupportPlan,
  type BuildContext,
  type PeerPlanDraft,
  type PlannedWrite,
} from '../domain/peerPlan';
import { codingsOf } from '../domain/core';
import { OPEN_TASK_STATUSES, normalizeReference } from '../domain/tasks';
import type { ServerCapabilities } from './capabilities';
import { etagOf, readResource } from './read';
import { patientParam } from './references';
import { searchAll } from './search';
import type { Transport } from './transport';

export type BusinessKeyMode = 'conditional-create' | 're-read';

/** Conditional create on the business key where the server advertises it for CarePlan and Task. */
export function businessKeyMode(caps: ServerCapabilities | undefined): BusinessKeyMode {
  return caps?.conditionalCreate.includes('CarePlan') && caps.conditionalCreate.includes('Task')
    ? 'conditional-create'
    : 're-read';
}

/** Words for the Integration check: how this server is kept to one plan and one follow-up per reason. */
export function describeBusinessKeyMode(mode: BusinessKeyMode): string {
  return mode === 'conditional-create'
    ? 'One active peer-support plan per patient and one open follow-up per reason are enforced by the server: each create carries the business key as a conditional create (If-None-Exist), after a re-read just before writing.'
    : 'This server does not advertise conditional create for CarePlan and Task, so the app re-reads the patient’s plans and open follow-ups just before each write. Two writes within the same moment could still both pass.';
}

/** What the patient has now, read just before writing. */
export interface PeerWorkNow {
  plans: (CarePlan & { id: string })[];
  openTasks: Task[];
}

const OPEN = [...OPEN_TASK_STATUSES].sort().join(',');

export async function rereadPeerWork(send: Transport, patientId: string): Promise<PeerWorkNow> {
  const [plans, tasks] = await Promise.all([
    // Typed (`Patient/<id>`): a server that matches nothing for a bare id would hide the other plan.
    searchAll<CarePlan>(send, 'CarePlan', { ...patientParam(patientId), status: 'active' }),
    searchAll<Task>(send, 'Task', { ...patientParam(patientId), status: OPEN }),
  ]);
  return {
    plans: plans.resources.filter(
      (p): p is CarePlan & { id: string } => typeof p.id === 'string' && isPeerSupportPlan(p),
    ),
    openTasks: tasks.resources.filter(
      (t) => OPEN_TASK_STATUSES.has(t.status) && isPeerTask(t, plans.resources),
    ),
  };
}

export function reasonOf(t: Task): string | undefined {
  const code = codingsOf(t.reasonCode).find((c) => c.system === FOLLOW_UP_REASON_SYSTEM)?.code;
  return typeof code === 'string' ? code : undefined;
}

const hasIdentifier = (
  r: { identifier?: { system?: string; value?: string }[] },
  system: string,
  value: string,
) =>
  Array.isArray(r.identifier) &&
  r.identifier.some((i) => i?.system === system && i.value === value);

export interface GuardReport {
  mode: BusinessKeyMode;
  /** Someone else's active plan, written since the composer opened: the draft was added to it. */
  otherPlan?: { id: string; created?: string; author?: Reference };
  /** Reasons left out: an open follow-up with that reason already exists (someone else's). */
  covered: string[];
  /** What an earlier attempt of this same draft had already written (its answer was lost). */
  alreadyWritten: boolean;
  /** That earlier attempt wrote the plan itself (a non-atomic write kept it): this write completes it. */
  ownPlan?: true;
  /** The server matched the plan's conditional create: another plan appeared after the re-read. */
  matchedAtWrite?: boolean;
}

/** Pure: the draft as it should be written given what the patient has now. */
export function guardDraft(
  ctx: BuildContext,
  now: PeerWorkNow,
  mode: BusinessKeyMode,
): { ctx: BuildContext; report: GuardReport } {
  const { draft } = ctx;
  const report: GuardReport = { mode, covered: [], alreadyWritten: false };
  let next: BuildContext = ctx;
  const active = findActivePeerPlan(now.plans) as (CarePlan & { id: string }) | undefined;
  if (active && active.id !== ctx.existing?.plan.id) {
    next = { ...next, existing: { plan: active, etag: etagOf(active) } };
    if (hasIdentifier(active, IDENTIFIER_SYSTEM.carePlan, draft.ids.carePlan)) {
      report.alreadyWritten = true;
      report.ownPlan = true;
    } else
      report.otherPlan = {
        id: active.id,
        ...(active.created
          ? { created: active.created }
          : active.meta?.lastUpdated
            ? { created: active.meta.lastUpdated }
            : {}),
        ...(active.author ? { author: active.author } : {}),
      };
  }
  const open = new Map<string, Task>();
  for (const t of now.openTasks) {
    const r = reasonOf(t);
    if (r && !open.has(r)) open.set(r, t);
  }
  const keep: PeerPlanDraft['tasks'] = [];
  const seen = new Set<string>();
  for (const t of draft.tasks) {
    const there = open.get(t.reason);
    if (there) {
      if (hasIdentifier(there, IDENTIFIER_SYSTEM.task, t.id)) report.alreadyWritten = true;
      else if (!report.covered.includes(t.reason)) report.covered.push(t.reason);
      continue;
    }
    if (seen.has(t.reason)) continue; // one open follow-up per reason, in the draft too
    seen.add(t.reason);
    keep.push(t);
  }
  next = { ...next, draft: { ...draft, tasks: keep } };
  return { ctx: next, report };
}

/** Whether a guarded draft still has anything to write (follow-ups, or a plan to start). */
export function hasWork(ctx: BuildContext): boolean {
  return ctx.draft.tasks.length > 0 || !ctx.existing;
}

/**
 * The write with the business key as If-None-Exist on each create: the plan
 * (active peer-support plan of this patient) and each follow-up (an open one
 * with its reason, which it carries as a tag so a server can search it).
 */
export function withBusinessKeys(write: PlannedWrite, patientId: string): PlannedWrite {
  const patient = `patient=${encodeURIComponent(patientParam(patientId).patient)}`;
  return {
    ...write,
    entries: write.entries.map((e) => {
      if (e.request.method !== 'POST') return e;
      const r = e.resource;
      if (r.resourceType === 'CarePlan') {
        const cat = (Array.isArray(r.category) ? r.category : [])
          .flatMap((cc) => codingsOf(cc))
          .map((c) => ({ system: String(c.system ?? ''), code: String(c.code ?? '') }))
          .find((c) => isPeerSupportPlan({ ...r, category: [{ coding: [c] }] }));
        if (!cat?.system) return e;
        return {
          ...e,
          request: {
            ...e.request,
            ifNoneExist: `${patient}&status=active&category=${encodeURIComponent(cat.system)}|${encodeURIComponent(cat.code)}`,
          },
        };
      }
      if (r.resourceType === 'Task') {
        const reason = reasonOf(r);
        if (!reason) return e;
        const tag = { system: FOLLOW_UP_REASON_SYSTEM, code: reason };
        return {
          ...e,
          resource: { ...r, meta: { ...r.meta, tag: [...(r.meta?.tag ?? []), tag] } },
          request: {
            ...e.request,
            ifNoneExist: `${patient}&status=${OPEN}&_tag=${encodeURIComponent(FOLLOW_UP_REASON_SYSTEM)}|${encodeURIComponent(reason)}`,
          },
        };
      }
      return e;
    }),
  };
}

/** The name of a plan's author, for "written … by …": its display, else the Practitioner's name. */
export async function authorName(
  send: Transport,
  author: Reference | undefined,
): Promise<string | undefined> {
  if (typeof author?.display === 'string' && author.display.trim()) return author.display;
  let ref = normalizeReference(author?.reference);
  try {
    if (ref?.startsWith('PractitionerRole/')) {
      const role = await readResource<PractitionerRole>(send, 'PractitionerRole', ref.slice(17));
      if (role.resource.practitioner?.display) return role.resource.practitioner.display;
      ref = normalizeReference(role.resource.practitioner?.reference);
    }
    if (ref?.startsWith('Practitioner/')) {
      const p = await readResource<Practitioner>(send, 'Practitioner', ref.slice(13));
      const n = Array.isArray(p.resource.name) ? p.resource.name[0] : undefined;
      const text =
        n?.text ?? [...(n?.prefix ?? []), ...(n?.given ?? []), n?.family].filter(Boolean).join(' ');
      return text || undefined;
    }
  } catch {
    // the name is a courtesy: "a colleague" will do
  }
  return undefined;
}

/**
 * Re-reads, then shapes the draft to the business keys (guardDraft). A
 * failed re-read stops the write: writing blind could start a second plan.
 */
export async function guardWrite(
  send: Transport,
  ctx: BuildContext,
  mode: BusinessKeyMode,
): Promise<{ ctx: BuildContext; report: GuardReport }> {
  return guardDraft(ctx, await rereadPeerWork(send, ctx.draft.patientId), mode);
}

/** fullUrls of the creates the server answered 200: they matched what was already there. */
export function matchedCreates(
  entries: readonly { fullUrl: string; request: { method: string } }[],
  response: { entry?: { response?: { status?: string } }[] },
): string[] {
  return entries
    .filter(
      (e, i) =>
        e.request.method === 'POST' && /^200\b/.test(response.entry?.[i]?.response?.status ?? ''),
    )
    .map((e) => e.fullUrl);
}

/** What the server's matches at write time mean for the report (a plan or follow-ups that appeared after the re-read). */
export function reportMatches(
  report: GuardReport,
  write: PlannedWrite,
  matched: readonly string[],
  written: ReadonlyMap<string, string>,
): GuardReport {
  const out: GuardReport = { ...report, covered: [...report.covered] };
  for (const e of write.entries) {
    if (!matched.includes(e.fullUrl)) continue;
    if (e.resource.resourceType === 'CarePlan') {
      const ref = written.get(e.fullUrl);
      out.matchedAtWrite = true;
      if (ref && !out.otherPlan) out.otherPlan = { id: ref.replace(/^CarePlan\//, '') };
    }
    if (e.resource.resourceType === 'Task') {
      const reason = reasonOf(e.resource);
      if (reason && !out.covered.includes(reason)) out.covered.push(reason);
    }
  }
  return out;
}

/** When and by whom the other plan was written, read where the report lacks it. */
export async function otherPlanFacts(
  send: Transport,
  report: GuardReport,
): Promise<{ created?: string; who?: string }> {
  const other = report.otherPlan;
  if (!other) return {};
  let { created, author } = other;
  if (!created || !author) {
    try {
      const plan = (await readResource<CarePlan>(send, 'CarePlan', other.id)).resource;
      created ??= plan.created ?? plan.meta?.lastUpdated;
      author ??= plan.author;
    } catch {
      // said without when or who
    }
  }
  const who = await authorName(send, author);
  return { ...(created ? { created } : {}), ...(who ? { who } : {}) };
}

/** Draft problems for the form: two follow-ups with the same reason (one open follow-up per reason). */
export function duplicateReasons(draft: PeerPlanDraft): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const t of draft.tasks) (seen.has(t.reason) ? twice : seen).add(t.reason);
  return [...twice].map(
    (r) =>
      `Two follow-ups have the same reason (${followUpReasonCoding(r).display ?? r}): keep one, since only one can be open per reason.`,
  );
}
