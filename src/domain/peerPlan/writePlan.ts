/**
 * The peer-support plan write-back, as pure functions: a draft (what the
 * clinician composes) → the FHIR resources and the Bundle(s) that write them.
 *
 * Idempotency: every resource carries an identifier generated when the draft
 * was created, and is written with a conditional create
 * (`ifNoneExist: identifier=<system>|<value>`), so sending the same draft
 * twice (double click, retry after a lost response, reload then retry) finds
 * what the first attempt wrote instead of writing it again. Provenance has no
 * `identifier` element in R4, so it carries the draft's write id as a meta.tag
 * and its conditional create searches `_tag`.
 */
import type {
  Bundle,
  BundleEntry,
  CarePlan,
  CareTeam,
  FhirResource,
  Provenance,
  Reference,
  Task,
} from 'fhir/r4';
import type { PlanMode } from './draft';
import {
  IDENTIFIER_SYSTEM,
  WRITE_TAG_SYSTEM,
  mergeIntoPlan,
  newCarePlan,
  newCareTeam,
  newTask,
  peerRef,
  provenance,
  type BuildContext,
} from './resources';

interface PlannedEntry {
  /** urn:uuid:… for creates; the resource's URL for an update. */
  fullUrl: string;
  resource: CarePlan | CareTeam | Task | Provenance;
  request:
    | { method: 'POST'; url: string; ifNoneExist: string }
    | { method: 'PUT'; url: string; ifMatch?: string };
}

export interface PlannedWrite {
  entries: PlannedEntry[];
  /** The plan's reference as Tasks carry it (urn:uuid:… or CarePlan/<id>). */
  carePlanRef: string;
  mode: PlanMode;
  /** Whether an existing plan is updated (activities or goals added). */
  planUpdated: boolean;
  /** Set when the plan had changes to add but no known version to update it safely. */
  planNotUpdated?: 'no-version';
}

const urn = (id: string) => `urn:uuid:${id}`;
const ifNoneExist = (system: string, value: string) =>
  `identifier=${encodeURIComponent(system)}|${encodeURIComponent(value)}`;

/** Everything one write sends, in dependency order (team, plan, tasks, provenance). */
export function planWrite(ctx: BuildContext): PlannedWrite {
  const { draft } = ctx;
  const entries: PlannedEntry[] = [];
  const peer = peerRef(draft);
  let carePlanRef: string;
  let planUpdated = false;
  let planNotUpdated: 'no-version' | undefined;
  if (ctx.existing) {
    carePlanRef = `CarePlan/${ctx.existing.plan.id}`;
    const merged = mergeIntoPlan(ctx.existing.plan, draft, ctx);
    // An update without If-Match could overwrite someone else's change to the
    // plan: without a version, the Tasks are still added but the plan is left as it is.
    if (merged.changed && !ctx.existing.etag) planNotUpdated = 'no-version';
    else if (merged.changed) {
      planUpdated = true;
      entries.push({
        fullUrl: carePlanRef,
        resource: merged.plan,
        request: {
          method: 'PUT',
          url: carePlanRef,
          ifMatch: ctx.existing.etag as string,
        },
      });
    }
  } else {
    let careTeamRef: Reference | undefined;
    if (draft.peer?.careTeam) {
      careTeamRef = { reference: draft.peer.careTeam };
    } else if (peer) {
      const fullUrl = urn(draft.ids.careTeam);
      careTeamRef = { reference: fullUrl, display: 'Peer recovery support' };
      entries.push({
        fullUrl,
        resource: newCareTeam(ctx, peer),
        request: {
          method: 'POST',
          url: 'CareTeam',
          ifNoneExist: ifNoneExist(IDENTIFIER_SYSTEM.careTeam, draft.ids.careTeam),
        },
      });
    }
    carePlanRef = urn(draft.ids.carePlan);
    entries.push({
      fullUrl: carePlanRef,
      resource: newCarePlan(ctx, careTeamRef),
      request: {
        method: 'POST',
        url: 'CarePlan',
        ifNoneExist: ifNoneExist(IDENTIFIER_SYSTEM.carePlan, draft.ids.carePlan),
      },
    });
  }
  for (const t of draft.tasks) {
    entries.push({
      fullUrl: urn(t.id),
      resource: newTask(ctx, t, carePlanRef),
      request: {
        method: 'POST',
        url: 'Task',
        ifNoneExist: ifNoneExist(IDENTIFIER_SYSTEM.task, t.id),
      },
    });
  }
  entries.push({
    fullUrl: urn(draft.ids.write),
    // The Patient is a target too: FHIR's Patient compartment places a Provenance
    // by `target` (resolve() is Patient), and a patient/Provenance.c token may
    // only write inside the compartment.
    resource: provenance(ctx, [...entries.map((e) => e.fullUrl), `Patient/${draft.patientId}`]),
    request: {
      method: 'POST',
      url: 'Provenance',
      ifNoneExist: `_tag=${encodeURIComponent(WRITE_TAG_SYSTEM)}|${encodeURIComponent(draft.ids.write)}`,
    },
  });
  return {
    entries,
    carePlanRef,
    mode: ctx.existing ? 'add-to-plan' : 'new-plan',
    planUpdated,
    ...(planNotUpdated ? { planNotUpdated } : {}),
  };
}

function toEntry(e: PlannedEntry): BundleEntry {
  return { fullUrl: e.fullUrl, resource: e.resource, request: e.request };
}

/** One atomic transaction: all of it is written, or none. */
export function transactionBundle(write: PlannedWrite): Bundle {
  return { resourceType: 'Bundle', type: 'transaction', entry: write.entries.map(toEntry) };
}

/**
 * For servers without transactions: batches in dependency order (CareTeam,
 * then CarePlan, then Tasks, then Provenance), because a batch's entries must
 * not depend on each other. References to earlier steps are replaced with the
 * server's ids (`resolveReferences`) before each step is sent. Each entry is
 * still a conditional create, so Retry after a partial write completes what
 * is missing without duplicating what was written.
 */
export function batchSteps(write: PlannedWrite): PlannedEntry[][] {
  const order: PlannedEntry['resource']['resourceType'][] = [
    'CareTeam',
    'CarePlan',
    'Task',
    'Provenance',
  ];
  return order
    .map((type) => write.entries.filter((e) => e.resource.resourceType === type))
    .filter((step) => step.length > 0);
}

export function batchBundle(
  step: readonly PlannedEntry[],
  resolved: ReadonlyMap<string, string>,
): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'batch',
    entry: step.map((e) => ({
      request: e.request,
      resource: resolveReferences(e.resource, resolved),
    })),
  };
}

/** Replaces `urn:uuid:…` references with the server's `Type/id`, deeply. */
export function resolveReferences<T extends FhirResource>(
  resource: T,
  resolved: ReadonlyMap<string, string>,
): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [
          k,
          k === 'reference' && typeof x === 'string' ? (resolved.get(x) ?? x) : walk(x),
        ]),
      );
    }
    return v;
  };
  return walk(resource) as T;
}

/** `Type/id` of a response entry (from location, or the resource it returned). */
export function responseReference(entry: BundleEntry | undefined): string | undefined {
  const loc = entry?.response?.location;
  const m = loc
    ? /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(loc)
    : null;
  if (m) return `${m[1]}/${m[2]}`;
  const r = entry?.resource;
  return r?.id ? `${r.resourceType}/${r.id}` : undefined;
}

// ---------------------------------------------------------------------------
// Scopes

export interface ScopeNeed {
  resourceType: 'CarePlan' | 'CareTeam' | 'Task' | 'Provenance';
  permission: 'c' | 'u';
}

/** The create/update permissions a write needs. */
export function scopesNeeded(write: PlannedWrite): ScopeNeed[] {
  const out: ScopeNeed[] = [];
  for (const e of write.entries) {
    const need: ScopeNeed = {
      resourceType: e.resource.resourceType,
      permission: e.request.method === 'PUT' ? 'u' : 'c',
    };
    if (!out.some((n) => n.resourceType === need.resourceType && n.permission === need.permission))
      out.push(need);
  }
  return out;
}
