/**
 * The FHIR resources a plan write creates or updates: the CarePlan (new, or
 * the active one with the draft merged in), the CareTeam, one Task per
 * follow-up and the Provenance. Each carries the identifier fixed when the
 * draft was created (see writePlan.ts for why).
 */
import type {
  CarePlan,
  CarePlanActivity,
  CareTeam,
  CodeableConcept,
  Coding,
  Device,
  Provenance,
  Reference,
  Task,
} from 'fhir/r4';
import {
  CANONICAL_BASE,
  MME_FACTOR_SET,
  PROFILE as PROFILE_URL,
} from '../../../fhir-profiles/generated/codes';
import { codingOf, isCodeOf, systemOf, valueSetCodings } from '../core/codes';
import { present } from '../core/guards';
import { followUpReasonCoding } from '../followUps/reasons';
import type { DraftTask, PeerPlanDraft } from './draft';
import { activityDisplay, narrative, selectedActivities } from './narrative';
import { PEER_SPECIALIST_ROLE } from './peers';
import { planActivityCodes } from './plans';

const APP_BASE = CANONICAL_BASE;
export const IDENTIFIER_SYSTEM = {
  carePlan: `${APP_BASE}/sid/careplan`,
  careTeam: `${APP_BASE}/sid/careteam`,
  task: `${APP_BASE}/sid/task`,
} as const;
/** Provenance has no identifier in R4: the write id travels as a tag. */
export const WRITE_TAG_SYSTEM = `${APP_BASE}/sid/write`;
const PROFILE = {
  carePlan: PROFILE_URL['peer-support-careplan'],
  task: PROFILE_URL['peer-followup-task'],
} as const;

interface AppInfo {
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

const activityCoding = (code: string): Coding => ({
  system: systemOf('peer-activity'),
  code,
  display: activityDisplay(code),
});

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
export function newCarePlan(ctx: BuildContext, careTeamRef: Reference | undefined): CarePlan {
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
  const notes = new Set(present(plan.note).map((n) => n.text));
  const addGoals = draft.goals
    .map((g) => g.text.trim())
    .filter(Boolean)
    .map((t) => `Goal: ${t}`)
    .filter((t) => !notes.has(t));
  if (addActs.length === 0 && addGoals.length === 0) return { plan, changed: false };
  const tags = present(plan.meta?.tag);
  const hasFactor = tags.some((t) => t.system === systemOf('mme-factor-set'));
  return {
    changed: true,
    plan: {
      ...plan,
      meta: {
        ...plan.meta,
        tag: hasFactor ? tags : [...tags, factorSetTag(ctx.mmeFactorSet)],
      },
      activity: [...present(plan.activity), ...addActs.map((a) => activityOf(a, peer))],
      note: [...present(plan.note), ...addGoals.map((text) => ({ text }))],
    },
  };
}

export function peerRef(draft: PeerPlanDraft): Reference | undefined {
  return draft.peer ? { reference: draft.peer.reference, display: draft.peer.display } : undefined;
}

export function newCareTeam(ctx: BuildContext, peer: Reference): CareTeam {
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

export function newTask(ctx: BuildContext, t: DraftTask, carePlanRef: string): Task {
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

const APP_DEVICE_ID = 'app';

/** A coding of the provenance-agent-type ValueSet (author: the clinician; assembler: the app). */
function provenanceAgentType(code: 'author' | 'assembler'): Coding {
  const coding = valueSetCodings('provenance-agent-type').find((c) => c.code === code);
  if (!coding) throw new Error(`ValueSet provenance-agent-type has no ${code}`);
  return coding;
}

export function provenance(ctx: BuildContext, targets: string[]): Provenance {
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
