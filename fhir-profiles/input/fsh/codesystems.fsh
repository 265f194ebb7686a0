// The app's own code systems. No SNOMED CT peer-support codes were found
// (clinical-reference §7), so the app defines them. Codes are kebab-case and
// stable: src/domain matches on them, so changing one is a breaking change.

CodeSystem: CarePlanCategory
Id: careplan-category
Title: "Peer recovery care plan category"
Description: "The app's CarePlan category, used beside US Core's assess-plan category."
* ^status = #active
* ^experimental = false
* ^caseSensitive = true
* #peer-recovery-support "Peer recovery support" "A plan of peer recovery support for a person with, or at risk of, opioid use disorder: engagement and retention in treatment, harm reduction, recovery and wellness planning."

CodeSystem: PeerActivity
Id: peer-activity
Title: "Peer recovery support activity"
Description: "What a peer recovery specialist does with the person, as CarePlan.activity.detail.code."
* ^status = #active
* ^experimental = false
* ^caseSensitive = true
* #regular-peer-contact "Regular peer contact" "Scheduled, gentle and persistent contact with a peer recovery specialist: encouragement, coping skills, recovery modelling."
* #harm-reduction-naloxone "Harm reduction and naloxone" "Overdose education, rescue naloxone in hand, safer-use information."
* #recovery-wellness-planning "Recovery and wellness planning" "A recovery and wellness plan the person writes with the peer."
* #community-resources "Links to community resources" "Connection to community resources: mutual-help groups, housing, food, employment, legal aid."
* #practical-support "Help with practical barriers" "Help with transport, phone, housing and insurance so that care stays within reach."
* #family-involvement "Family involvement" "Involving family members the person wants involved."
* #telehealth-or-in-person "Telehealth or in-person contact" "How contact happens: telehealth, in person or both, as the person prefers."

CodeSystem: PeerTaskCode
Id: peer-task-code
Title: "Peer task type"
Description: "The kind of work a Task asks of a peer recovery specialist (Task.code)."
* ^status = #active
* ^experimental = false
* ^caseSensitive = true
* #peer-follow-up "Peer recovery follow-up" "Reach out to the person and offer peer recovery support, for the reason in Task.reasonCode."

CodeSystem: TaskOutputType
Id: task-output-type
Title: "Peer task output type"
Description: "What a peer follow-up Task's output holds (Task.output.type)."
* ^status = #active
* ^experimental = false
* ^caseSensitive = true
* #contact-outcome "Contact outcome" "What happened when the peer followed up (a code from the contact-outcome code system)."
* #contact-attempt-note "Contact attempt note" "A note on one attempt to reach the person: when, how, what happened."

CodeSystem: ContactOutcome
Id: contact-outcome
Title: "Peer contact outcome"
Description: "The outcome of a peer follow-up, recorded by the peer in Task.output."
* ^status = #active
* ^experimental = false
* ^caseSensitive = true
* #reached "Reached" "The peer spoke with the person."
* #not-reached "Not reached" "The peer tried and could not reach the person."
* #declined-services "Declined services" "The person was reached and chose not to take up peer support now."
* #connected-to-resource "Connected to a resource" "The person was reached and connected to a service or community resource."
* #other "Other" "Another outcome, described in a note."

CodeSystem: EngagementStatus
Id: engagement-status
Title: "Engagement in OUD treatment"
Description: "The app's summary of a person's engagement in treatment. Always shown with the evidence behind it (medication continuity, visits, tests, peer contact), never as a single opaque score."
* ^status = #active
* ^experimental = false
* ^caseSensitive = true
* #engaged "Engaged" "Medication, visits and contact are continuing."
* #at-risk "At risk of disengaging" "One or more signs of falling out of care (a supply gap, a missed visit, no recent contact)."
* #disengaged "Disengaged" "Out of contact with care beyond the app's thresholds."
* #not-in-treatment "Not in treatment" "No current MOUD or OUD care on record."
* #insufficient-data "Insufficient data" "Too little on record to judge; not the same as disengaged."

CodeSystem: TaperStatus
Id: taper-status
Title: "Opioid taper status"
Description: "The app's reading of a person's long-term opioid therapy dose trend (clinical-reference §6)."
* ^status = #active
* ^experimental = false
* ^caseSensitive = true
* #not-on-long-term-opioids "Not on long-term opioid therapy" "Does not meet the long-term opioid therapy definition."
* #stable "Stable" "Long-term opioid therapy at a steady dose."
* #increasing "Increasing" "The dose is rising."
* #tapering-gradual "Tapering gradually" "Dose falling at or below 10% of baseline per month."
* #tapering-moderate "Tapering moderately" "Dose falling faster than gradual and at or below 30% of baseline per month."
* #tapering-rapid "Tapering rapidly" "Dose falling more than 30% of baseline per month."
* #paused "Taper paused" "A taper that has held at a steady, reduced dose."
* #abrupt-discontinuation "Abrupt discontinuation" "Opioids stopped or more than halved within a week after long-term use."
* #completed "Taper completed" "Tapered off long-term opioid therapy."

CodeSystem: MmeFactorSet
Id: mme-factor-set
Title: "MME conversion factor set"
Description: "Which morphine milligram equivalent conversion factors the app used. Recorded as a meta.tag on resources whose content depends on MME."
* ^status = #active
* ^experimental = false
* ^caseSensitive = true
* #cdc-2022 "CDC 2022 MME conversion factors" "Conversion factors of the CDC Clinical Practice Guideline for Prescribing Opioids for Pain (2022)."
