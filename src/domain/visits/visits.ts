/**
 * Visits from Encounters (clinical-reference §4): attended, missed, next
 * planned, recent emergency/inpatient care, and the CDC 2022 follow-up
 * interval check.
 */
import type { Encounter } from 'fhir/r4';
import { valueSetCodes, valueSetCodings } from '../core/codes';
import { fromDay, type DayNumber } from '../core/dates';
import { ref, type Evidence, type Unreadable } from '../core/evidence';
import { PARAMETERS } from '../core/parameters';
import { dayOfText } from '../core/guards';

const P = PARAMETERS.visits;

const ATTENDED = new Set(['finished', 'in-progress', 'arrived', 'triaged', 'onleave']);
/** Emergency and inpatient encounter classes (ValueSet acute-care-encounter-class). */
const ACUTE = valueSetCodes('acute-care-encounter-class');

type VisitKind = 'attended' | 'missed' | 'planned';

export interface Visit {
  reference: string;
  day: DayNumber;
  kind: VisitKind;
  status: string;
  classCode?: string;
  acuteCare: boolean;
  evidence: Evidence;
}

export type FollowUpRule =
  'methadone-start' | 'after-start' | 'taper' | 'long-term-opioid' | 'moud-maintenance';

interface FollowUpCheck {
  rule: FollowUpRule;
  intervalDays: number;
  /** The day the interval is counted from (start day or last attended visit). */
  fromDay: DayNumber;
  dueDay: DayNumber;
  /** An attended visit satisfied the interval (on or after fromDay, by dueDay). */
  met: boolean;
  overdue: boolean;
  daysOverdue: number;
  evidence: Evidence;
}

export interface VisitContext {
  /** Start (or restart) of MOUD or opioid therapy that needs an early visit. */
  startDay?: DayNumber;
  methadoneStart?: boolean;
  longTermOpioid?: boolean;
  tapering?: boolean;
  inMoud?: boolean;
}

export interface VisitSummary {
  asOf: DayNumber;
  attended: Visit[];
  missed: Visit[];
  /** Planned visits today or later, earliest first. */
  upcoming: Visit[];
  nextPlanned?: Visit;
  lastAttended?: Visit;
  daysSinceLastAttended?: number;
  recentMissed: Visit[];
  /** Emergency or inpatient encounters in the last 30 days. */
  recentAcuteCare: Visit[];
  acuteCareFlag: boolean;
  followUp?: FollowUpCheck;
  unreadable: Unreadable[];
}

/** What an acute-care visit was, in words ("Emergency department visit", "Hospital stay"). */
export function acuteCareWords(classCode: string | undefined): string {
  const coding = valueSetCodings('acute-care-encounter-class').find((c) => c.code === classCode);
  return coding?.display ?? 'Hospital stay';
}

function encounterDay(e: Encounter): DayNumber | undefined {
  return dayOfText(e.period?.start) ?? dayOfText(e.period?.end);
}

function classCodes(e: Encounter): string[] {
  // R4 `class` is a single Coding; R5-shaped data has CodeableConcept[]: read both.
  const c = e.class as unknown;
  const out: string[] = [];
  const visit = (v: unknown) => {
    if (v && typeof v === 'object') {
      const o = v as { code?: unknown; coding?: unknown };
      if (typeof o.code === 'string') out.push(o.code);
      if (Array.isArray(o.coding)) o.coding.forEach(visit);
    }
  };
  if (Array.isArray(c)) c.forEach(visit);
  else visit(c);
  return out;
}

function classifyVisits(encounters: Encounter[], asOf: DayNumber): Omit<VisitSummary, 'followUp'> {
  const attended: Visit[] = [];
  const missed: Visit[] = [];
  const upcoming: Visit[] = [];
  const unreadable: Unreadable[] = [];
  for (const e of Array.isArray(encounters) ? encounters : []) {
    if (!e || typeof e !== 'object') continue;
    const r = ref({ resourceType: 'Encounter', id: e.id });
    const status = String(e.status ?? '');
    if (status === 'entered-in-error') continue;
    const day = encounterDay(e);
    if (day === undefined) {
      unreadable.push({ reference: r, reason: 'encounter without a readable period' });
      continue;
    }
    const codes = classCodes(e);
    const classCode = codes[0];
    const acuteCare = codes.some((c) => ACUTE.has(c));
    let kind: VisitKind | undefined;
    if (ATTENDED.has(status) && day <= asOf) kind = 'attended';
    else if (status === 'cancelled') kind = 'missed';
    else if (status === 'planned' && day >= asOf) kind = 'planned';
    if (!kind) continue; // past "planned", future "finished", "unknown": not evidence of attendance
    const v: Visit = {
      reference: r,
      day,
      kind,
      status,
      classCode,
      acuteCare,
      evidence: {
        rule: `visits.${kind}`,
        resources: [r],
        detail: `${status} ${classCode ?? ''} encounter on ${fromDay(day)}`.replace(/\s+/g, ' '),
      },
    };
    if (kind === 'attended') attended.push(v);
    else if (kind === 'missed') missed.push(v);
    else upcoming.push(v);
  }
  attended.sort((a, b) => a.day - b.day);
  missed.sort((a, b) => a.day - b.day);
  upcoming.sort((a, b) => a.day - b.day);
  const lastAttended = attended[attended.length - 1];
  const recentAcuteCare = attended.filter(
    (v) => v.acuteCare && v.day >= asOf - P.acuteCareLookbackDays,
  );
  return {
    asOf,
    attended,
    missed,
    upcoming,
    nextPlanned: upcoming[0],
    lastAttended,
    daysSinceLastAttended: lastAttended ? asOf - lastAttended.day : undefined,
    recentMissed: missed.filter((v) => v.day <= asOf && v.day >= asOf - P.recentMissedVisitDays),
    recentAcuteCare,
    acuteCareFlag: recentAcuteCare.length > 0,
    unreadable,
  };
}

/**
 * CDC 2022 follow-up intervals: the strictest that applies. After a start the
 * clock runs from the start day; otherwise from the last attended visit.
 */
function followUpCheck(
  visits: Pick<VisitSummary, 'attended' | 'lastAttended'>,
  ctx: VisitContext,
  asOf: DayNumber,
): FollowUpCheck | undefined {
  const candidates: { rule: FollowUpRule; interval: number; from: DayNumber }[] = [];
  // An emergency or inpatient stay is not the prescriber's follow-up evaluation
  // (CDC 2022 intervals): the clock runs from the last non-acute attended visit.
  const routine = visits.attended.filter((v) => !v.acuteCare);
  const lastVisit = routine[routine.length - 1];
  const last = lastVisit?.day;
  if (ctx.startDay !== undefined) {
    const interval = ctx.methadoneStart ? P.afterMethadoneStartDays : P.afterStartDays;
    // Only while the start is recent enough for the early-visit rule to matter.
    if (asOf - ctx.startDay <= interval + P.afterStartDays)
      candidates.push({
        rule: ctx.methadoneStart ? 'methadone-start' : 'after-start',
        interval,
        from: ctx.startDay,
      });
  }
  const from = last ?? ctx.startDay;
  if (from !== undefined) {
    if (ctx.tapering) candidates.push({ rule: 'taper', interval: P.taperDays, from });
    if (ctx.longTermOpioid)
      candidates.push({ rule: 'long-term-opioid', interval: P.longTermOpioidDays, from });
    if (ctx.inMoud)
      candidates.push({ rule: 'moud-maintenance', interval: P.moudMaintenanceDays, from });
  }
  if (candidates.length === 0) return undefined;
  const checks = candidates.map((c) => {
    const dueDay = c.from + c.interval;
    const met =
      c.rule === 'after-start' || c.rule === 'methadone-start'
        ? routine.some((v) => v.day >= c.from && v.day <= dueDay)
        : dueDay >= asOf;
    const overdue = !met && asOf > dueDay;
    return { ...c, dueDay, met, overdue, daysOverdue: overdue ? asOf - dueDay : 0 };
  });
  // Report the most pressing: an overdue one first, else the earliest due.
  checks.sort(
    (a, b) =>
      Number(b.overdue) - Number(a.overdue) || b.daysOverdue - a.daysOverdue || a.dueDay - b.dueDay,
  );
  const c = checks[0] as (typeof checks)[number];
  const resources = lastVisit ? [lastVisit.reference] : [];
  return {
    rule: c.rule,
    intervalDays: c.interval,
    fromDay: c.from,
    dueDay: c.dueDay,
    met: c.met,
    overdue: c.overdue,
    daysOverdue: c.daysOverdue,
    evidence: {
      rule: `visits.follow-up.${c.rule}`,
      resources,
      detail: `visit due within ${c.interval} days of ${fromDay(c.from)} (by ${fromDay(c.dueDay)})${c.overdue ? `: ${c.daysOverdue} days overdue` : c.met ? ': met' : ''}`,
    },
  };
}

export function summariseVisits(
  encounters: Encounter[],
  asOf: DayNumber,
  ctx: VisitContext = {},
): VisitSummary {
  const base = classifyVisits(encounters, asOf);
  return { ...base, followUp: followUpCheck(base, ctx, asOf) };
}
