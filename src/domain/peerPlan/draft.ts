/**
 * The peer-support plan draft: what the clinician composes (and what a
 * half-filled form keeps in sessionStorage), its schema, the problems that
 * block writing it, and the draft the engine's follow-up proposals pre-fill.
 */
import type { CarePlan } from 'fhir/r4';
import { z } from 'zod';
import { conceptsOf, isCodeOf } from '../core/codes';
import { PRIORITIES } from '../core/priority';
import type { FollowUp } from '../followUps/followUps';
import { isFollowUpReason } from '../followUps/reasons';
import { planActivityCodes } from './plans';

/**
 * Medplum (the sandbox's engine, and Medplum servers) refuses a transaction
 * with conditional creates of more than 8 entries. A new plan takes CarePlan,
 * CareTeam and Provenance, which leaves 5 Tasks per write.
 */
export const MAX_TASKS_PER_WRITE = 5;

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

const draftTaskSchema = draftTaskShape.extend({
  reason: z
    .string()
    .refine((c): boolean => isFollowUpReason(c), 'a code of the followup-reason CodeSystem'),
  context: z.string().trim().min(1, 'a sentence of context'),
  due: isoDate,
});

const draftActivitySchema = z.object({
  code: z
    .string()
    .refine((c): boolean => isCodeOf('peer-activity', c), 'a code of the peer-activity CodeSystem'),
  selected: z.boolean(),
  description: z.string(),
});

const draftPeerSchema = z.object({
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
type NewId = () => string;

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

/** A new plan, or follow-ups (and activities) added to the active one. */
export type PlanMode = 'new-plan' | 'add-to-plan';

/** Activities the composer offers, in the CodeSystem's order. */
export const PEER_ACTIVITIES = conceptsOf('peer-activity');
