/**
 * Every clinical threshold the derivation engine uses, in one place, so a
 * clinician can review and correct them without reading the algorithms.
 *
 * Each entry says where it comes from. `UNCONFIRMED` marks numbers that the
 * clinical reference (shared/clinical-reference.md) flags as unconfirmed, or
 * that are product decisions made here without a published source: change
 * them here, and only here.
 */

interface ParameterSource {
  source: string;
  unconfirmed?: boolean;
}

export const PARAMETERS = {
  coverage: {
    /** HEDIS POD: a gap of this many consecutive uncovered days (or more) breaks an episode. */
    gapBreaksEpisodeDays: 8,
    /** HEDIS POD: a new episode needs this many MOUD-free days before it. */
    newEpisodeWashoutDays: 31,
    /** HEDIS POD: an episode this long without a breaking gap is "continuous treatment". */
    continuousTreatmentDays: 180,
    /** Literature view: some studies call a gap of this many days a discontinuation. */
    literatureGapDays: 30,
    /** Windows for the proportion of days covered. */
    pdcWindowsDays: [90, 180] as const,
    /** Retention milestones shown on the summary. */
    retentionMilestonesDays: [30, 90, 180] as const,
  },
  visits: {
    acuteCareLookbackDays: 30,
    /** CDC 2022: evaluate within 1–4 weeks of a start or dose change. */
    afterStartDays: 28,
    /** CDC 2022: 3 days after starting methadone. */
    afterMethadoneStartDays: 3,
    /** CDC 2022: everyone on long-term opioids at least every 3 months. */
    longTermOpioidDays: 90,
    /** CDC 2022: at least monthly during a taper. */
    taperDays: 30,
    /** UNCONFIRMED product decision: routine MOUD maintenance visit interval. */
    moudMaintenanceDays: 90,
    /** How far back a cancelled visit counts as a recent missed visit. */
    recentMissedVisitDays: 30,
  },
  drugTests: {
    /** Fentanyl / 6-MAM detected within this many days raises the overdose-risk signal. */
    overdoseRiskSignalDays: 30,
    /** The latest buprenorphine test within this many days is compared with the prescription. */
    consistencySignalDays: 90,
    /**
     * UNCONFIRMED: immunoassay screening cutoffs (ng/mL) used only when a numeric
     * result carries no referenceRange. Typical SAMHSA/lab values; labs differ.
     */
    cutoffNgPerMl: {
      buprenorphine: 5,
      'fentanyl-type': 1,
      heroin: 10,
      'general-opiate': 2000,
      'opiate-specific': 300,
      methadone: 300,
      oxycodone: 100,
      benzodiazepine: 200,
      cocaine: 150,
      amphetamine: 500,
      cannabinoid: 50,
    } as Record<string, number>,
  },
  taper: {
    /** CDC IG long-term opioid therapy: opioid days per 30-day month… */
    longTermMinDaysPerMonth: 21,
    /** …in each of this many consecutive 30-day months. */
    longTermMonths: 3,
    /** Days of MME history the engine derives. */
    lookbackDays: 365,
    /** Change smaller than this share of baseline counts as "flat" (stable / paused). UNCONFIRMED. */
    flatTolerancePct: 5,
    /** CDC 2022 / cohort study: ≤10% of baseline per month is a gradual taper. */
    gradualMaxPctPer30Days: 10,
    /** Cohort study: >30% per month was associated with 5.3× overdose hazard. */
    rapidMinPctPer30Days: 30,
    /** Decision: a taper is paused after this many flat days below baseline. */
    pauseMinDays: 30,
    /** Decision: abrupt discontinuation = to zero or a fall larger than this, within `abruptWindowDays`. */
    abruptFallPct: 50,
    abruptWindowDays: 7,
    /** UNCONFIRMED decision: a fall smaller than this share of baseline is never "abrupt" (the last step of a gradual taper). */
    abruptMinFallOfBaselinePct: 30,
    /** UNCONFIRMED product decision: how long an abrupt discontinuation stays the state shown. */
    abruptStateDays: 90,
    /** CDC 2022: offer naloxone, reassess before increasing. */
    highMme: 50,
    veryHighMme: 90,
    /** UNCONFIRMED: how recent a naloxone order must be to count as "on record". */
    naloxoneLookbackDays: 730,
    /** UNCONFIRMED: a refill this many days (or more) before the previous supply ends is "early". */
    earlyRefillDays: 7,
    /** How far back early refills are looked for. */
    earlyRefillLookbackDays: 90,
  },
  engagement: {
    /** Peer contact (completed Task) within this many days is current. */
    peerContactCurrentDays: 30,
    /** PDC below this over 90 days is a medication concern (common 80% adherence convention). */
    pdcConcernBelow: 0.8,
    /** No attended visit for this many days makes the visit dimension serious. */
    visitsSeriousDays: 90,
    /** Tests older than this do not inform the tests dimension. */
    testsRecentDays: 90,
  },
  followUps: {
    supplyRanOutContactDays: 2,
    overdoseRiskContactDays: 1,
    acuteCareContactDays: 2,
    abruptDiscontinuationContactDays: 1,
    rapidTaperReviewDays: 3,
    oudSignsDuringTaperDays: 7,
    naloxoneOfferDays: 7,
    /** No naloxone with a benzodiazepine and an opioid: urgent, not routine. */
    naloxoneUrgentOfferDays: 2,
    visitOverdueOutreachDays: 7,
    /** Early check-in after a new start or a return to treatment. */
    newStartCheckInDays: 7,
    /** A start or restart this recent gets an early check-in. */
    newStartLookbackDays: 14,
    notDetectedConversationDays: 7,
    missedVisitContactDays: 3,
    peerContactGapDays: 14,
    /** Propose a peer check-in when the last completed peer contact is older than this. UNCONFIRMED. */
    peerCheckInAfterDays: 60,
    /** Supply projected to run out within this many days, with nothing after it. */
    supplyEndingSoonDays: 3,
  },
} as const;

type Group = keyof typeof PARAMETERS;
/** "group.name" of a parameter, or "group.*" for every parameter of a group. */
export type ParameterKey = {
  [G in Group]: `${G}.${Extract<keyof (typeof PARAMETERS)[G], string>}` | `${G}.*`;
}[Group];

/**
 * Where each parameter above comes from, and which are unconfirmed:
 * documentation kept beside the numbers. Keys are typed, so they cannot drift
 * from PARAMETERS; parameters.test.ts checks the UNCONFIRMED marks agree.
 */
export const PARAMETER_SOURCES: Partial<Record<ParameterKey, ParameterSource>> = {
  'coverage.gapBreaksEpisodeDays': {
    source: 'HEDIS POD / NQF 3175 (NQF wording unconfirmed)',
    unconfirmed: true,
  },
  'coverage.newEpisodeWashoutDays': { source: 'HEDIS POD negative medication history' },
  'coverage.continuousTreatmentDays': { source: 'HEDIS POD / NQF 3175' },
  'coverage.literatureGapDays': {
    source: 'literature (30-day gap = discontinuation in some studies)',
  },
  'visits.afterStartDays': { source: 'CDC 2022' },
  'visits.afterMethadoneStartDays': { source: 'CDC 2022' },
  'visits.longTermOpioidDays': { source: 'CDC 2022' },
  'visits.taperDays': { source: 'CDC 2022' },
  'visits.moudMaintenanceDays': { source: 'product decision', unconfirmed: true },
  'drugTests.cutoffNgPerMl': {
    source: 'typical immunoassay cutoffs; laboratory-specific',
    unconfirmed: true,
  },
  'taper.longTermMinDaysPerMonth': { source: 'CDC opioid CDS IG' },
  'taper.gradualMaxPctPer30Days': { source: 'CDC 2022; three-health-system cohort' },
  'taper.rapidMinPctPer30Days': { source: 'three-health-system cohort (5.3× overdose hazard)' },
  'taper.flatTolerancePct': { source: 'product decision', unconfirmed: true },
  'taper.abruptMinFallOfBaselinePct': { source: 'product decision', unconfirmed: true },
  'taper.abruptStateDays': { source: 'product decision', unconfirmed: true },
  'taper.naloxoneLookbackDays': { source: 'product decision', unconfirmed: true },
  'taper.earlyRefillDays': { source: 'product decision', unconfirmed: true },
  'engagement.*': { source: 'product decision (see docs/engagement-rules.md)', unconfirmed: true },
  'followUps.*': {
    source: 'product decision from care-model.md; contact windows unconfirmed',
    unconfirmed: true,
  },
};
