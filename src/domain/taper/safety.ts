/**
 * Cross-cutting overdose-risk flags (clinical-reference §5–§6), for everyone,
 * not only people on opioid analgesics: a benzodiazepine with any opioid
 * (analgesic or MOUD), no rescue naloxone on record where it is recommended,
 * and the taper paces that are safety flags (rapid, abrupt discontinuation).
 *
 * Decisions (clinical review):
 * - Rescue naloxone is recommended for anyone in OUD care (MOUD on record or an
 *   active OUD diagnosis), with fentanyl or 6-MAM recently detected, at ≥50
 *   MME/day, on a benzodiazepine with any opioid, or tapering / after an
 *   abrupt discontinuation. Buprenorphine/naloxone is not rescue naloxone
 *   (medications.ts never classifies it as 'naloxone-rescue').
 * - A benzodiazepine with MOUD is flagged, but the words never suggest stopping
 *   MOUD (FDA 2017: do not withhold MOUD; coordinate care, offer naloxone).
 */
import { isMoud } from '../coverage/coverage';
import type { SupplyOf } from '../coverage/coverage';
import { fromDay, type DayNumber } from '../core/dates';
import type { DrugTestSummary } from '../drugTests/drugTests';
import type { Evidence } from '../core/evidence';
import { PARAMETERS } from '../core/parameters';

import { activeOn, rescueNaloxoneOrders, type TaperSummary } from './taper';
import type { ClassifiedOrder } from '../medications/types';

const P = PARAMETERS.taper;

type SafetyFlagKind = 'benzodiazepine' | 'no-naloxone' | 'rapid-taper' | 'abrupt-discontinuation';

interface SafetyFlag {
  kind: SafetyFlagKind;
  text: string;
  evidence: Evidence[];
}

export interface SafetySummary {
  flags: SafetyFlag[];
  /** Rescue naloxone orders counted as "on record" (within the lookback). */
  naloxoneOnRecord: string[];
}

export interface SafetyInput {
  asOf: DayNumber;
  orders: ClassifiedOrder[];
  supplyOf: SupplyOf;
  taper: Pick<
    TaperSummary,
    'state' | 'text' | 'currentMme' | 'currentOrders' | 'evidence' | 'pacePctPer30Days'
  >;
  drugTests?: Pick<DrugTestSummary, 'signals'>;
  /** Active OUD diagnoses (Condition references). */
  oudConditions?: string[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

const andList = (xs: string[]) =>
  xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;

const MOUD_WORDS: Record<string, string> = {
  'moud-buprenorphine': 'buprenorphine for OUD',
  'moud-methadone': 'methadone for OUD',
};

export function assessSafety(input: SafetyInput): SafetySummary {
  const { asOf, supplyOf, taper } = input;
  const orders = Array.isArray(input.orders) ? input.orders.filter((o) => o && o.counted) : [];
  const flags: SafetyFlag[] = [];
  const naloxone = rescueNaloxoneOrders(orders, asOf);
  const cur = taper.currentMme ?? 0;

  // Any opioid today: an analgesic in the MME series, or an opioid-agonist MOUD / pain buprenorphine
  // covering today. Naltrexone is an antagonist: not an opioid for the benzodiazepine flag.
  const analgesic = cur > 0 || taper.currentOrders.length > 0;
  const agonists = orders.filter(
    (o) =>
      (o.category === 'moud-buprenorphine' ||
        o.category === 'moud-methadone' ||
        o.category === 'buprenorphine-pain') &&
      activeOn(o, asOf, supplyOf),
  );
  const benzos = orders.filter(
    (o) => o.category === 'benzodiazepine' && activeOn(o, asOf, supplyOf),
  );
  const benzo = benzos.length > 0 && (analgesic || agonists.length > 0);
  if (benzo) {
    const moudNow = agonists.filter((o) => o.category !== 'buprenorphine-pain');
    const what = [
      ...(analgesic ? ['an opioid analgesic'] : []),
      ...[...new Set(moudNow.map((o) => MOUD_WORDS[o.category] ?? o.display))],
      ...(agonists.some((o) => o.category === 'buprenorphine-pain')
        ? ['buprenorphine for pain']
        : []),
    ];
    const advice =
      moudNow.length > 0
        ? 'Keep MOUD going (FDA 2017: do not withhold it); coordinate care between prescribers and make sure rescue naloxone is at hand.'
        : 'Coordinate care between prescribers and make sure rescue naloxone is at hand.';
    flags.push({
      kind: 'benzodiazepine',
      text: `A benzodiazepine is prescribed alongside ${andList(what)}: higher overdose risk. ${advice}`,
      evidence: [
        {
          rule: 'safety.benzodiazepine-with-opioid',
          resources: [
            ...benzos.map((b) => b.reference),
            ...taper.currentOrders,
            ...agonists.map((o) => o.reference),
          ],
          detail: `${benzos.map((b) => b.display).join('; ')} active on ${fromDay(asOf)} with ${andList(what)}`,
        },
      ],
    });
  }

  if (naloxone.length === 0) {
    const why: string[] = [];
    const refs: string[] = [];
    const moud = orders.filter((o) => isMoud(o) && o.start !== undefined && o.start <= asOf);
    const oud = input.oudConditions ?? [];
    if (moud.length > 0) {
      why.push('everyone receiving OUD treatment');
      refs.push(...moud.map((o) => o.reference));
    } else if (oud.length > 0) {
      why.push('everyone with opioid use disorder');
      refs.push(...oud);
    }
    const risky = (input.drugTests?.signals ?? []).filter((s) => s.kind === 'overdose-risk');
    if (risky.length > 0) {
      why.push(
        `anyone with ${andList(risky.map((s) => (s.analytes.includes('heroin') ? '6-MAM (heroin)' : 'fentanyl')))} detected in a recent urine test`,
      );
      refs.push(...risky.flatMap((s) => s.evidence.flatMap((e) => e.resources)));
    }
    if (cur >= P.highMme) {
      why.push(`doses of ${P.highMme} MME/day or more (now ${round1(cur)})`);
      refs.push(...taper.currentOrders);
    }
    if (benzo) {
      why.push('anyone taking a benzodiazepine with an opioid');
      refs.push(...benzos.map((b) => b.reference));
    }
    if (taper.state === 'abrupt-discontinuation') {
      why.push('anyone whose opioids stopped abruptly (tolerance is lost within about a week)');
    } else if (
      taper.state === 'tapering-gradual' ||
      taper.state === 'tapering-moderate' ||
      taper.state === 'tapering-rapid' ||
      taper.state === 'paused'
    ) {
      why.push('anyone tapering opioids');
      refs.push(...taper.currentOrders);
    }
    if (why.length > 0)
      flags.push({
        kind: 'no-naloxone',
        text: `No rescue naloxone on record; recommended for ${andList(why)}.`,
        evidence: [
          {
            rule: 'safety.no-naloxone',
            resources: [...new Set(refs)],
            detail: `no rescue naloxone order in the last ${P.naloxoneLookbackDays} days (buprenorphine/naloxone is not rescue naloxone)`,
          },
        ],
      });
  }

  // §6: rapid reduction and abrupt discontinuation are safety flags, not only taper states.
  if (taper.state === 'tapering-rapid')
    flags.push({ kind: 'rapid-taper', text: taper.text, evidence: taper.evidence });
  if (taper.state === 'abrupt-discontinuation')
    flags.push({ kind: 'abrupt-discontinuation', text: taper.text, evidence: taper.evidence });

  return { flags, naloxoneOnRecord: naloxone.map((o) => o.reference) };
}
