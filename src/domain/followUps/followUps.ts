/**
 * Proposed peer follow-ups, derived from coverage, visits, tests and taper.
 * Each has a reason code from the app's CodeSystem, a plain sentence, a FHIR
 * request priority and a due day. Proposals already handled (a later
 * completed peer Task with the same reason) are dropped; ones with an open
 * Task carry its reference so the worklist does not duplicate work.
 */
import type { CarePlan, Coding, Task } from 'fhir/r4';
import type { CoverageSummary } from '../coverage/coverage';
import { fromDay, type DayNumber } from '../core/dates';
import type { DrugTestSummary } from '../drugTests/drugTests';
import { medicationWord, isPeerTask, type DimensionStatus } from '../engagement/engagement';
import { acuteCareWords } from '../visits/visits';
import { ref, type Evidence } from '../core/evidence';
import { followUpReasonCoding } from './reasons';
import { PARAMETERS } from '../core/parameters';
import { priorityWords, type RequestPriority } from '../core/priority';
import { codingsOf, dayOfText, present } from '../core/guards';
import type { SafetySummary } from '../taper/safety';
import type { TaperSummary } from '../taper/taper';
import type { VisitSummary } from '../visits/visits';

const P = PARAMETERS.followUps;

/**
 * The reason codes this module proposes: each must be a concept of the
 * followup-reason CodeSystem (followUps.test.ts checks), and `add` accepts no other.
 */
export const PROPOSED_REASONS = [
  'moud-supply-lapsed',
  'moud-supply-ending',
  'moud-start',
  'overdose-risk-test',
  'buprenorphine-not-detected',
  'acute-care-visit',
  'visit-overdue',
  'missed-visit',
  'rapid-taper',
  'abrupt-discontinuation',
  'oud-signs-during-taper',
  'naloxone-needed',
  'peer-contact-gap',
] as const;
/** Proposals whose action already includes offering naloxone. */
const NALOXONE_BEARING: ReadonlySet<string> = new Set([
  'abrupt-discontinuation',
  'overdose-risk-test',
  'acute-care-visit',
]);

type ProposedReason = (typeof PROPOSED_REASONS)[number];

export interface FollowUp {
  code: string;
  reason: Coding;
  /** One plain sentence: why. */
  text: string;
  /** What the peer is asked to do. */
  action: string;
  priority: RequestPriority;
  dueDay: DayNumber;
  /** ISO date of dueDay: exactly what the Task carries in `restriction.period.end`. */
  due: string;
  /** The day the triggering event happened (for de-duplication against Tasks). */
  triggerDay: DayNumber;
  /** An open peer Task already covering this reason. */
  openTask?: string;
  evidence: Evidence[];
}

interface FollowUpInput {
  asOf: DayNumber;
  coverage?: CoverageSummary;
  visits?: VisitSummary;
  drugTests?: DrugTestSummary;
  taper?: TaperSummary;
  safety?: Pick<SafetySummary, 'flags'>;
  medication?: DimensionStatus;
  peer?: DimensionStatus;
  tasks?: Task[];
  carePlans?: CarePlan[];
}

const ago = (n: number) => (n <= 0 ? 'today' : `${n} day${n === 1 ? '' : 's'} ago`);
const inDays = (n: number) => (n <= 0 ? 'today' : n === 1 ? 'tomorrow' : `in ${n} days`);

const CLOSED_NOT_DONE = new Set(['cancelled', 'entered-in-error', 'rejected']);
const DONE = new Set(['completed', 'failed']);

/** One proposal, before its reason Coding and due date are filled in. */
type Proposal = Omit<FollowUp, 'code' | 'reason' | 'due'>;
type Add = (code: ProposedReason, p: Proposal) => void;

export function proposeFollowUps(input: FollowUpInput): FollowUp[] {
  const { asOf } = input;
  const out: FollowUp[] = [];
  const add: Add = (code, p) =>
    out.push({
      code,
      reason: followUpReasonCoding(code),
      ...p,
      dueDay: Math.max(p.dueDay, asOf),
      due: fromDay(Math.max(p.dueDay, asOf)),
    });
  const inMoudCare = input.medication
    ? input.medication.level !== 'not-applicable' && input.medication.level !== 'no-data'
    : false;
  supplyFollowUps(input, add, inMoudCare);
  testFollowUps(input, add);
  visitFollowUps(input, add, inMoudCare);
  taperFollowUps(input, add);
  naloxoneFollowUp(input, add, out);
  peerFollowUp(input, add, out, inMoudCare);
  return dedupeAgainstTasks(out, input.tasks ?? [], input.carePlans ?? []).sort(
    (a, b) =>
      priorityWords(a.priority).rank - priorityWords(b.priority).rank ||
      a.dueDay - b.dueDay ||
      a.code.localeCompare(b.code),
  );
}

/** Supply ran out, is about to, or a (re)start needs an early check-in. */
function supplyFollowUps(input: FollowUpInput, add: Add, inMoudCare: boolean): void {
  const { asOf } = input;
  const c = input.coverage;
  if (c) {
    const word = medicationWord(c);
    if (
      (c.status === 'lapsed' || c.status === 'short-gap') &&
      c.runOutDay !== undefined &&
      inMoudCare
    ) {
      const n = c.daysSinceRunOut ?? 0;
      add('moud-supply-lapsed', {
        text: `${word} supply ran out ${ago(n)}.`,
        action: `Contact within ${P.supplyRanOutContactDays} days; help with a new prescription or any barrier to pick-up.`,
        priority: 'urgent',
        dueDay: asOf + P.supplyRanOutContactDays,
        triggerDay: c.runOutDay,
        evidence: c.evidence,
      });
    }
    if (
      c.status === 'covered' &&
      c.runOutDay !== undefined &&
      c.runOutDay - asOf < P.supplyEndingSoonDays
    ) {
      const n = c.runOutDay - asOf + 1; // first day without medication
      add('moud-supply-ending', {
        text: `${word} supply runs out ${inDays(n)} and no further supply is on record.`,
        action: 'Check in about the next prescription or injection before it runs out.',
        priority: 'routine',
        dueDay: c.runOutDay,
        triggerDay: asOf,
        evidence: c.evidence,
      });
    }
    const seg = c.currentSegment;
    if (
      seg &&
      (c.status === 'covered' || c.status === 'short-gap') &&
      asOf - seg.start <= P.newStartLookbackDays
    ) {
      const restart = seg.kind !== 'first-start';
      add('moud-start', {
        text: restart
          ? `Returned to ${word.toLowerCase()} ${ago(asOf - seg.start)}.`
          : `Started ${word.toLowerCase()} ${ago(asOf - seg.start)}.`,
        action: 'Early check-in: how the first days are going, side effects, practical barriers.',
        priority: 'routine',
        dueDay: seg.start + P.newStartCheckInDays,
        triggerDay: seg.start,
        evidence: [seg.evidence],
      });
    }
  }
}

/** Fentanyl or 6-MAM detected; buprenorphine not detected while prescribed. */
function testFollowUps(input: FollowUpInput, add: Add): void {
  const { asOf } = input;
  for (const s of input.drugTests?.signals ?? []) {
    if (s.kind === 'overdose-risk')
      add('overdose-risk-test', {
        text: s.text,
        action: `Make sure naloxone is at hand and reach out within ${P.overdoseRiskContactDays} day.`,
        priority: 'asap',
        dueDay: asOf + P.overdoseRiskContactDays,
        triggerDay: s.day,
        evidence: s.evidence,
      });
    if (s.kind === 'buprenorphine-not-detected')
      add('buprenorphine-not-detected', {
        text: s.text,
        action: 'Open a supportive conversation about how the medication is going.',
        priority: 'routine',
        dueDay: asOf + P.notDetectedConversationDays,
        triggerDay: s.day,
        evidence: s.evidence,
      });
  }
}

/** Emergency or inpatient care, an overdue visit, a missed one. */
function visitFollowUps(input: FollowUpInput, add: Add, inMoudCare: boolean): void {
  const { asOf } = input;
  const v = input.visits;
  if (v?.acuteCareFlag) {
    const last = v.recentAcuteCare[v.recentAcuteCare.length - 1];
    if (last)
      add('acute-care-visit', {
        text: `${acuteCareWords(last.classCode)} ${ago(asOf - last.day)}.`,
        action: `Contact within ${P.acuteCareContactDays} days of the visit; offer naloxone and support.`,
        priority: 'urgent',
        dueDay: last.day + P.acuteCareContactDays,
        triggerDay: last.day,
        evidence: v.recentAcuteCare.map((x) => x.evidence),
      });
  }
  if (v?.followUp?.overdue && (inMoudCare || input.taper?.longTermNow)) {
    const f = v.followUp;
    add('visit-overdue', {
      text: v.lastAttended
        ? `No visit in ${v.daysSinceLastAttended} days; one was due ${ago(f.daysOverdue)}.`
        : `No visit since the start; one was due ${ago(f.daysOverdue)}.`,
      action: 'Outreach to help book a visit (transport, phone, telehealth).',
      priority: 'routine',
      dueDay: asOf + P.visitOverdueOutreachDays,
      triggerDay: f.dueDay,
      evidence: [f.evidence],
    });
  }
  if (v) {
    const missed = v.recentMissed[v.recentMissed.length - 1];
    if (missed && !(v.lastAttended && v.lastAttended.day > missed.day))
      add('missed-visit', {
        text: `A visit ${ago(asOf - missed.day)} was cancelled or missed.`,
        action: 'Reach out to reschedule and ask about barriers.',
        priority: 'routine',
        dueDay: asOf + P.missedVisitContactDays,
        triggerDay: missed.day,
        evidence: [missed.evidence],
      });
  }
}

/** A rapid taper, an abrupt stop, signs of OUD during a taper. */
function taperFollowUps(input: FollowUpInput, add: Add): void {
  const { asOf } = input;
  const t = input.taper;
  if (t) {
    if (t.state === 'tapering-rapid')
      add('rapid-taper', {
        text: t.text,
        action:
          'Ask the prescriber to review the pace; peer check-in about withdrawal, pain and mood.',
        priority: 'urgent',
        dueDay: asOf + P.rapidTaperReviewDays,
        triggerDay: t.taperStartDay ?? asOf,
        evidence: t.evidence,
      });
    if (t.state === 'abrupt-discontinuation')
      add('abrupt-discontinuation', {
        text: t.text,
        action: `Contact within ${P.abruptDiscontinuationContactDays} day: naloxone, withdrawal support, prescriber review.`,
        priority: 'asap',
        dueDay: asOf + P.abruptDiscontinuationContactDays,
        triggerDay: t.abruptDay ?? asOf,
        evidence: t.evidence,
      });
    for (const f of t.flags) {
      if (f.kind === 'oud-signs-during-taper')
        add('oud-signs-during-taper', {
          text: f.text,
          action: 'Offer an evaluation for MOUD and peer recovery support.',
          priority: 'urgent',
          dueDay: asOf + P.oudSignsDuringTaperDays,
          triggerDay: t.taperStartDay ?? asOf,
          evidence: f.evidence,
        });
    }
  }
}

/**
 * Naloxone: a separate offer only when no other proposal (still open after
 * the Task check) already carries it; urgent when a benzodiazepine is taken
 * with an opioid.
 */
function naloxoneFollowUp(input: FollowUpInput, add: Add, proposed: readonly FollowUp[]): void {
  const { asOf } = input;
  const safety = input.safety?.flags ?? [];
  const noNaloxone = safety.find((f) => f.kind === 'no-naloxone');
  if (noNaloxone) {
    const bearing = dedupeAgainstTasks(
      proposed.filter((f) => NALOXONE_BEARING.has(f.code)),
      input.tasks ?? [],
      input.carePlans ?? [],
    );
    const benzo = safety.some((f) => f.kind === 'benzodiazepine');
    if (bearing.length === 0)
      add('naloxone-needed', {
        text: noNaloxone.text,
        action: 'Offer rescue naloxone and show how to use it.',
        priority: benzo ? 'urgent' : 'routine',
        dueDay: asOf + (benzo ? P.naloxoneUrgentOfferDays : P.naloxoneOfferDays),
        triggerDay: asOf,
        evidence: noNaloxone.evidence,
      });
  }
}

/** A routine peer check-in when contact is overdue and nothing more pressing is proposed. */
function peerFollowUp(
  input: FollowUpInput,
  add: Add,
  proposed: readonly FollowUp[],
  inMoudCare: boolean,
): void {
  const { asOf } = input;
  const peer = input.peer;
  if (
    peer &&
    (peer.level === 'no-data' || (peer.daysSinceContact ?? 0) > P.peerCheckInAfterDays) &&
    inMoudCare &&
    !proposed.some((f) => f.priority !== 'routine')
  )
    add('peer-contact-gap', {
      text: peer.reasons[0] ?? 'No recent peer contact.',
      action: 'Routine peer check-in.',
      priority: 'routine',
      dueDay: asOf + P.peerContactGapDays,
      triggerDay: asOf,
      evidence: peer.evidence,
    });
}

function dedupeAgainstTasks(
  proposals: FollowUp[],
  tasks: Task[],
  carePlans: CarePlan[],
): FollowUp[] {
  const peer = present(tasks).filter((t) => typeof t === 'object' && isPeerTask(t, carePlans));
  const codesOf = (t: Task) =>
    new Set(
      [...codingsOf(t.reasonCode), ...codingsOf(t.code)]
        .map((c) => c.code)
        .filter((c): c is string => typeof c === 'string'),
    );
  const out: FollowUp[] = [];
  for (const p of proposals) {
    const same = peer.filter(
      (t) => codesOf(t).has(p.code) && !CLOSED_NOT_DONE.has(String(t.status)),
    );
    const day = (t: Task) => dayOfText(t.authoredOn) ?? dayOfText(t.lastModified);
    const handled = same.some(
      (t) => t.status === 'completed' && (day(t) ?? -Infinity) >= p.triggerDay,
    );
    if (handled) continue;
    const open = same.find((t) => !DONE.has(String(t.status)));
    out.push(open ? { ...p, openTask: ref(open) } : p);
  }
  return out;
}
