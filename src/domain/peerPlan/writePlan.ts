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
  CarePlanActivity,
  CareTeam,
  CodeableConcept,
  Coding,
  Condition,
  Device,
  FhirResource,
  Practitioner,
  PractitionerRole,
  Provenance,
  Reference,
  Task,
} from 'fhir/r4';
import { z } from 'zod';
import {
  CANONICAL_BASE,
  MME_FACTOR_SET,
  PROFILE as PROFILE_URL,
} from '../../../fhir-profiles/generated/codes';
import {
  codingOf,
  conceptsOf,
  displayOf,
  hasCode,
  inValueSet,
  isCodeOf,
  systemOf,
  tokenOf,
  valueSetCodings,
} from '../core/codes';
import { followUpReasonCoding, isFollowUpReason } from '../followUps/reasons';
import type { FollowUp, RequestPriority } from '../followUps/followUps';
import { isOudConcept } from '../medications/classify';
import { arr, codingsOf } from '../core/guards';

export const APP_BASE = CANONICAL_BASE;
export const IDENTIFIER_SYSTEM = {
  carePlan: `${APP_BASE}/sid/careplan`,
  careTeam: `${APP_BASE}/sid/careteam`,
  task: `${APP_BASE}/sid/task`,
} as const;
/** Provenance has no identifier in R4: the write id travels as a tag. */
export const WRITE_TAG_SYSTEM = `${APP_BASE}/sid/write`;
export const PROFILE = {
  carePlan: PROFILE_URL['peer-support-careplan'],
  task: PROFILE_URL['peer-followup-task'],
} as const;

/** The NUCC Peer Specialist role (ValueSet peer-specialist-role): how the app finds peers. */
const PEER_SPECIALIST_ROLE = valueSetCodings('peer-specialist-role')[0] as Coding;
/** The PractitionerRole search value for peers (`role=system|code`). */
export const PEER_SPECIALIST_ROLE_TOKEN = tokenOf(PEER_SPECIALIST_ROLE);

/** Activities the composer offers, in the CodeSystem's order. */
export const PEER_ACTIVITIES = conceptsOf('peer-activity');
const activityCoding = (code: string): Coding => ({
  system: systemOf('peer-activity'),
  code,
  display: displayOf('peer-activity', code) ?? code,
});

/**
 * Medplum (the sandbox's engine, and Medplum servers) refuses a transaction
 * with conditional creates of more than 8 entries. A new plan takes CarePlan,
 * CareTeam and Provenance, which leaves 5 Tasks per write.
 */
export const MAX_TASKS_PER_WRITE = 5;

export const PRIORITIES = [
  'routine',
  'urgent',
  'asap',
  'stat',
] as const satisfies readonly RequestPriority[];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

const draftTaskShape = z.object({
  /** Identifier value (and urn:uuid) of the Task, fixed when the task was added. */
  id: uuid,
  reason: z.string(),
  context: z.string(),
  priority: z.enum(PRIORITIES),
  due: z.string(),
});

export const draftTaskSchema = draftTaskShape.extend({
  reason: z
    .string()
    .refine((c): boolean => isFollowUpReason(c), 'a code of the followup-reason CodeSystem'),
  context: z.string().trim().min(1, 'a sentence of context'),
  due: isoDate,
});

export const draftActivitySchema = z.object({
  code: z
    .string()
    .refine((c): boolean => isCodeOf('peer-activity', c), 'a code of the peer-activity CodeSystem'),
  selected: z.boolean(),
  description: z.string(),
});

export const draftPeerSchema = z.object({
  /** PractitionerRole/… (preferred) or Practitioner/…. */
  reference: z.string().regex(/^(PractitionerRole|Practitioner)\/[A-Za-z0-9\-.]{1,64}$/),
  display: z.string(),
  /** The patient's CareTeam the peer was chosen from, if any. */
  careTeam: z
    .string()
    .regex(/^CareTeam\/[A-Za-z0-9\-.]{1,64}$/)
    .optional(),
});

/** The draft's shape: what a half-filled form saved in sessionStorage must have. */
export const peerPlanDraftShape = z.object({
  version: z.literal(1),
  patientId: z.string().min(1),
  createdAt: z.string(),
  /** Identifier values generated with the draft (crypto.randomUUID). */
  ids: z.object({ carePlan: uuid, careTeam: uuid, write: uuid }),
  goals: z.array(z.object({ id: uuid, text: z.string() })),
  activities: z.array(draftActivitySchema),
  peer: draftPeerSchema.optional(),
  tasks: z.array(draftTaskShape),
});

/** A draft ready to write. */
export const peerPlanDraftSchema = peerPlanDraftShape.extend({
  tasks: z.array(draftTaskSchema).max(MAX_TASKS_PER_WRITE),
});

export type PeerPlanDraft = z.infer<typeof peerPlanDraftSchema>;
export type DraftTask = z.infer<typeof draftTaskSchema>;
export type DraftPeer = z.infer<typeof draftPeerSchema>;

/** Problems that block writing, in words for the form (empty = ready). */
export function draftProblems(
  draft: PeerPlanDraft,
  opts: { addingToPlan?: boolean } = {},
): string[] {
  const out: string[] = [];
  const parsed = peerPlanDraftSchema.safeParse(draft);
  if (!parsed.success) {
    for (const issue of parsed.error.issues.slice(0, 5)) {
      out.push(`${describePath(issue.path)}: ${issue.message}`);
    }
  }
  if (!draft.peer) out.push('Choose the peer recovery specialist.');
  // A plan needs activities; adding follow-ups to one that has them does not.
  if (!opts.addingToPlan && !draft.activities.some((a) => a.selected))
    out.push('Choose at least one activity.');
  if (draft.tasks.length === 0) out.push('Add at least one follow-up.');
  return out;
}

function describePath(path: PropertyKey[]): string {
  const [head, index, field] = path;
  if (head === 'tasks' && typeof index === 'number')
    return `Follow-up ${index + 1}${field ? ` ${String(field)}` : ''}`;
  if (head === 'tasks') return 'Follow-ups';
  return path.map(String).join(' ') || 'Draft';
}

/** Randomness is injected so the domain stays pure; the app passes crypto.randomUUID. */
export type NewId = () => string;

const DEFAULT_ACTIVITIES = new Set([
  'regular-peer-contact',
  'harm-reduction-naloxone',
  'recovery-wellness-planning',
  'community-resources',
  'telehealth-or-in-person',
]);

/** A draft pre-filled from the engine's follow-up proposals. */
export function draftFromFollowUps(input: {
  patientId: string;
  followUps: readonly FollowUp[];
  now: Date;
  newId: NewId;
  /** When adding to an existing plan, activities already in it start unselected. */
  existingPlan?: CarePlan;
}): PeerPlanDraft {
  const { followUps, newId } = input;
  const inPlan = new Set(input.existingPlan ? planActivityCodes(input.existingPlan) : []);
  const wantsNaloxone = followUps.some((f) =>
    [
      'overdose-risk-test',
      'abrupt-discontinuation',
      'naloxone-needed',
      'acute-care-visit',
    ].includes(f.code),
  );
  const goals = input.existingPlan
    ? []
    : [
        'Stay connected with treatment and with a peer recovery specialist.',
        ...(wantsNaloxone ? ['Have rescue naloxone at home and know how to use it.'] : []),
      ];
  return {
    version: 1,
    patientId: input.patientId,
    createdAt: input.now.toISOString(),
    ids: { carePlan: newId(), careTeam: newId(), write: newId() },
    goals: goals.map((text) => ({ id: newId(), text })),
    activities: PEER_ACTIVITIES.map((c) => ({
      code: c.code,
      selected: !inPlan.has(c.code) && !input.existingPlan && DEFAULT_ACTIVITIES.has(c.code),
      description: c.definition ?? '',
    })),
    tasks: followUps
      .filter((f) => !f.openTask && isFollowUpReason(f.code))
      .slice(0, MAX_TASKS_PER_WRITE)
      .map((f) => ({
        id: newId(),
        reason: f.code,
        context: `${f.text} ${f.action}`.trim(),
        priority: f.priority,
        due: f.due,
      })),
  };
}

export function newDraftTask(newId: NewId, due: string): DraftTask {
  return { id: newId(), reason: 'peer-contact-gap', context: '', priority: 'routine', due };
}

export function isPeerSupportPlan(plan: CarePlan): boolean {
  return arr(plan.category).some((cat) =>
    hasCode(cat, 'careplan-category', 'peer-recovery-support'),
  );
}

/** The patient's active peer-support plan (newest first), if any. */
export function findActivePeerPlan(plans: readonly CarePlan[]): CarePlan | undefined {
  return plans
    .filter((p) => p.status === 'active' && typeof p.id === 'string' && isPeerSupportPlan(p))
    .sort((a, b) => (b.created ?? '').localeCompare(a.created ?? ''))[0];
}

function planActivityCodes(plan: CarePlan): string[] {
  return arr(plan.activity).flatMap((a) =>
    codingsOf(a.detail?.code)
      .filter((c) => c.system === systemOf('peer-activity') && typeof c.code === 'string')
      .map((c) => String(c.code)),
  );
}

/** The OUD Condition the plan addresses (the engine's OUD ValueSet test), if on record. */
export function findOudCondition(conditions: readonly Condition[]): Condition | undefined {
  return conditions.find(
    (c) =>
      typeof c.id === 'string' &&
      !codingsOf(c.verificationStatus).some(
        (v) => v.code === 'entered-in-error' || v.code === 'refuted',
      ) &&
      isOudConcept(c.code),
  );
}

// ---------------------------------------------------------------------------
// Building the resources

export interface AppInfo {
  name: string;
  version: string;
}

export interface BuildContext {
  draft: PeerPlanDraft;
  /** The launching user, e.g. "Practitioner/dr-okafor". */
  user: Reference;
  now: Date;
  /** The active peer-support plan to add to, as read (with its ETag). */
  existing?: { plan: CarePlan & { id: string }; etag?: string };
  oudCondition?: Reference;
  /** MME factor-set version the app used (summary.mme.factorSet); defaults to cdc-2022. */
  mmeFactorSet?: string;
  app: AppInfo;
}

export interface PlannedEntry {
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
  mode: 'new-plan' | 'add-to-plan';
  /** Whether an existing plan is updated (activities or goals added). */
  planUpdated: boolean;
  /** Set when the plan had changes to add but no known version to update it safely. */
  planNotUpdated?: 'no-version';
}

const urn = (id: string) => `urn:uuid:${id}`;
const ifNoneExist = (system: string, value: string) =>
  `identifier=${encodeURIComponent(system)}|${encodeURIComponent(value)}`;

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const PRIORITY_WORD: Record<RequestPriority, string> = {
  routine: 'routine',
  urgent: 'urgent',
  asap: 'as soon as possible',
  stat: 'immediately',
};

function narrative(draft: PeerPlanDraft, peer: string | undefined): string {
  const li = (items: string[]) => items.map((i) => `<li>${escapeXml(i)}</li>`).join('');
  const goals = draft.goals.map((g) => g.text.trim()).filter(Boolean);
  const acts = selectedActivities(draft).map(
    (a) => `${activityCoding(a.code).display}${a.description ? `: ${a.description}` : ''}`,
  );
  const tasks = draft.tasks.map(
    (t) =>
      `${followUpReasonCoding(t.reason).display} (${PRIORITY_WORD[t.priority]}, due ${t.due}): ${t.context}`,
  );
  return [
    '<div xmlns="http://www.w3.org/1999/xhtml">',
    '<p>Peer recovery support plan.</p>',
    peer ? `<p>Peer recovery specialist: ${escapeXml(peer)}</p>` : '',
    goals.length ? `<p>Goals:</p><ul>${li(goals)}</ul>` : '',
    acts.length ? `<p>Activities:</p><ul>${li(acts)}</ul>` : '',
    tasks.length ? `<p>Follow-ups:</p><ul>${li(tasks)}</ul>` : '',
    '</div>',
  ].join('');
}

const selectedActivities = (draft: PeerPlanDraft) => draft.activities.filter((a) => a.selected);

function activityOf(
  a: { code: string; description: string },
  peer: Reference | undefined,
): CarePlanActivity {
  return {
    detail: {
      kind: 'ServiceRequest',
      code: { coding: [activityCoding(a.code)] },
      status: 'scheduled',
      ...(a.description.trim() ? { description: a.description.trim() } : {}),
      ...(peer ? { performer: [peer] } : {}),
    },
  };
}

function factorSetTag(version: string | undefined): Coding {
  return codingOf('mme-factor-set', isCodeOf('mme-factor-set', version) ? version : MME_FACTOR_SET);
}

/** US Core's assess-plan and the app's peer recovery support (the profile's two category slices). */
const CAREPLAN_CATEGORIES: CodeableConcept[] = valueSetCodings(
  'peer-support-careplan-category',
).map((coding) => ({ coding: [coding] }));

/** The new CarePlan a draft describes. */
function newCarePlan(ctx: BuildContext, careTeamRef: Reference | undefined): CarePlan {
  const { draft } = ctx;
  const peer = peerRef(draft);
  const goals = draft.goals.map((g) => g.text.trim()).filter(Boolean);
  return {
    resourceType: 'CarePlan',
    meta: { profile: [PROFILE.carePlan], tag: [factorSetTag(ctx.mmeFactorSet)] },
    identifier: [{ system: IDENTIFIER_SYSTEM.carePlan, value: draft.ids.carePlan }],
    text: { status: 'generated', div: narrative(draft, peer?.display) },
    status: 'active',
    intent: 'plan',
    category: CAREPLAN_CATEGORIES,
    title: 'Peer recovery support',
    description: 'Peer recovery support with follow-up by a peer recovery specialist.',
    subject: { reference: `Patient/${draft.patientId}` },
    period: { start: ctx.now.toISOString().slice(0, 10) },
    created: ctx.now.toISOString(),
    author: ctx.user,
    ...(careTeamRef ? { careTeam: [careTeamRef] } : {}),
    ...(ctx.oudCondition ? { addresses: [ctx.oudCondition] } : {}),
    activity: selectedActivities(draft).map((a) => activityOf(a, peer)),
    ...(goals.length ? { note: goals.map((text) => ({ text: `Goal: ${text}` })) } : {}),
  };
}

/**
 * The existing plan with what the draft adds (activities not yet in it, goals
 * as notes). `changed` is false when there is nothing to add: no update is sent.
 */
export function mergeIntoPlan(
  plan: CarePlan,
  draft: PeerPlanDraft,
  ctx: { mmeFactorSet?: string },
): { plan: CarePlan; changed: boolean } {
  const have = new Set(planActivityCodes(plan));
  const peer = peerRef(draft);
  const addActs = selectedActivities(draft).filter((a) => !have.has(a.code));
  const notes = new Set(arr(plan.note).map((n) => n.text));
  const addGoals = draft.goals
    .map((g) => g.text.trim())
    .filter(Boolean)
    .map((t) => `Goal: ${t}`)
    .filter((t) => !notes.has(t));
  if (addActs.length === 0 && addGoals.length === 0) return { plan, changed: false };
  const tags = arr(plan.meta?.tag);
  const hasFactor = tags.some((t) => t.system === systemOf('mme-factor-set'));
  return {
    changed: true,
    plan: {
      ...plan,
      meta: {
        ...plan.meta,
        tag: hasFactor ? tags : [...tags, factorSetTag(ctx.mmeFactorSet)],
      },
      activity: [...arr(plan.activity), ...addActs.map((a) => activityOf(a, peer))],
      note: [...arr(plan.note), ...addGoals.map((text) => ({ text }))],
    },
  };
}

function peerRef(draft: PeerPlanDraft): Reference | undefined {
  return draft.peer ? { reference: draft.peer.reference, display: draft.peer.display } : undefined;
}

function newCareTeam(ctx: BuildContext, peer: Reference): CareTeam {
  return {
    resourceType: 'CareTeam',
    identifier: [{ system: IDENTIFIER_SYSTEM.careTeam, value: ctx.draft.ids.careTeam }],
    status: 'active',
    name: 'Peer recovery support',
    subject: { reference: `Patient/${ctx.draft.patientId}` },
    period: { start: ctx.now.toISOString().slice(0, 10) },
    participant: [
      {
        role: [
          {
            coding: [PEER_SPECIALIST_ROLE],
          },
        ],
        member: peer,
      },
      { member: ctx.user },
    ],
  };
}

function newTask(ctx: BuildContext, t: DraftTask, carePlanRef: string): Task {
  const peer = peerRef(ctx.draft);
  return {
    resourceType: 'Task',
    meta: { profile: [PROFILE.task] },
    identifier: [{ system: IDENTIFIER_SYSTEM.task, value: t.id }],
    basedOn: [{ reference: carePlanRef }],
    status: 'requested',
    intent: 'order',
    priority: t.priority,
    code: { coding: [codingOf('peer-task-code', 'peer-follow-up')] },
    description: t.context.trim(),
    for: { reference: `Patient/${ctx.draft.patientId}` },
    authoredOn: ctx.now.toISOString(),
    requester: ctx.user,
    ...(peer ? { owner: peer } : {}),
    reasonCode: { coding: [followUpReasonCoding(t.reason)] },
    restriction: { period: { end: t.due } },
  };
}

export const APP_DEVICE_ID = 'app';

/** A coding of the provenance-agent-type ValueSet (author: the clinician; assembler: the app). */
function provenanceAgentType(code: 'author' | 'assembler'): Coding {
  const coding = valueSetCodings('provenance-agent-type').find((c) => c.code === code);
  if (!coding) throw new Error(`ValueSet provenance-agent-type has no ${code}`);
  return coding;
}

function provenance(ctx: BuildContext, targets: string[]): Provenance {
  const device: Device = {
    resourceType: 'Device',
    id: APP_DEVICE_ID,
    deviceName: [{ name: ctx.app.name, type: 'user-friendly-name' }],
    version: [{ value: ctx.app.version }],
  };
  return {
    resourceType: 'Provenance',
    meta: { tag: [{ system: WRITE_TAG_SYSTEM, code: ctx.draft.ids.write }] },
    contained: [device],
    target: targets.map((reference) => ({ reference })),
    recorded: ctx.now.toISOString(),
    activity: { coding: valueSetCodings('provenance-activity') },
    agent: [
      {
        type: { coding: [provenanceAgentType('author')] },
        who: ctx.user,
      },
      {
        type: { coding: [provenanceAgentType('assembler')] },
        who: { reference: `#${APP_DEVICE_ID}`, display: ctx.app.name },
        onBehalfOf: ctx.user,
      },
    ],
  };
}

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
// Scopes and the plain-text fallback

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

/** The plan as plain text, to paste into a note when the app may not write it. */
export function planAsText(draft: PeerPlanDraft, mode: PlannedWrite['mode']): string {
  const lines: string[] = [
    mode === 'add-to-plan'
      ? 'Peer recovery support: follow-ups to add'
      : 'Peer recovery support plan',
  ];
  if (draft.peer) lines.push(`Peer recovery specialist: ${draft.peer.display}`);
  const goals = draft.goals.map((g) => g.text.trim()).filter(Boolean);
  if (goals.length) lines.push('', 'Goals:', ...goals.map((g) => `- ${g}`));
  const acts = selectedActivities(draft);
  if (acts.length)
    lines.push(
      '',
      'Activities:',
      ...acts.map(
        (a) => `- ${activityCoding(a.code).display}${a.description ? `: ${a.description}` : ''}`,
      ),
    );
  if (draft.tasks.length)
    lines.push(
      '',
      'Follow-ups:',
      ...draft.tasks.map(
        (t) =>
          `- ${followUpReasonCoding(t.reason).display} — ${PRIORITY_WORD[t.priority]}, due ${t.due}. ${t.context.trim()}`,
      ),
    );
  return lines.join('\n');
}

export const activityDisplay = (code: string) => activityCoding(code).display ?? code;
export const PRIORITY_LABEL = PRIORITY_WORD;

// ---------------------------------------------------------------------------
// Choosing the peer

export interface PeerChoice {
  reference: string;
  display: string;
  /** Set when the peer is on one of the patient's CareTeams. */
  careTeam?: string;
}

function humanName(p: Practitioner | undefined): string | undefined {
  const n = p?.name?.[0];
  if (!n) return undefined;
  return (n.text ?? [...(n.given ?? []), n.family].filter(Boolean).join(' ')) || undefined;
}

/** Whether a PractitionerRole carries the NUCC Peer Specialist code (system and code). */
export const isPeerSpecialistRole = (role: PractitionerRole): boolean =>
  arr(role.code).some((cc) => inValueSet(cc, 'peer-specialist-role'));

/**
 * Peers to offer: those on the patient's active CareTeams first (a peer the
 * person already knows), then every PractitionerRole with the NUCC Peer
 * Specialist code.
 */
export function peerChoices(input: {
  roles: readonly PractitionerRole[];
  practitioners: readonly Practitioner[];
  careTeams: readonly CareTeam[];
}): PeerChoice[] {
  const byId = new Map(input.practitioners.map((p) => [`Practitioner/${p.id ?? ''}`, p]));
  const roles = input.roles.filter((r) => r.id && r.active !== false && isPeerSpecialistRole(r));
  const nameOfRole = (r: PractitionerRole) =>
    humanName(byId.get(r.practitioner?.reference ?? '')) ??
    r.practitioner?.display ??
    `Peer recovery specialist (${r.id ?? ''})`;
  const out: PeerChoice[] = [];
  const seen = new Set<string>();
  for (const team of input.careTeams) {
    if (!team.id || (team.status && team.status !== 'active')) continue;
    for (const p of arr(team.participant)) {
      const ref = p.member?.reference ?? '';
      const role = roles.find((r) => `PractitionerRole/${r.id ?? ''}` === ref);
      const taggedPeer = arr(p.role).some((cc) => inValueSet(cc, 'peer-specialist-role'));
      if (!role && !taggedPeer) continue;
      if (!/^(PractitionerRole|Practitioner)\/[A-Za-z0-9\-.]{1,64}$/.test(ref) || seen.has(ref))
        continue;
      seen.add(ref);
      out.push({
        reference: ref,
        display: role ? nameOfRole(role) : (p.member?.display ?? ref),
        careTeam: `CareTeam/${team.id}`,
      });
    }
  }
  for (const r of roles) {
    const ref = `PractitionerRole/${r.id ?? ''}`;
    if (seen.has(ref)) continue;
    seen.add(ref);
    out.push({ reference: ref, display: nameOfRole(r) });
  }
  return out;
}
