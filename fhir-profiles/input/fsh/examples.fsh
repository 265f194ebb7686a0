// Example instances (synthetic people, no real data). The tests validate each
// against base R4 and its profile.

Instance: peer-specialist-role-example
InstanceOf: PractitionerRole
Usage: #example
Title: "A peer recovery specialist's role"
Description: "A PractitionerRole with the NUCC Peer Specialist code, as the app searches for it (PractitionerRole?role=http://nucc.org/provider-taxonomy|175T00000X)."
* active = true
* practitioner = Reference(Practitioner/peer-example) "Jordan Rivera"
* code = $NUCC#175T00000X "Peer Specialist"

Instance: peer-support-careplan-example
InstanceOf: PeerSupportCarePlan
Usage: #example
Title: "Peer support plan"
Description: "A peer support plan for a person on buprenorphine whose supply recently ran out."
* meta.tag = MmeFactorSet#cdc-2022
* identifier.system = "https://peer-recovery.example.org/fhir/sid/careplan"
* identifier.value = "3f0c2a4e-6b1d-4f43-9d2a-8a51b2f1c001"
* text.status = #generated
* text.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Peer recovery support plan: weekly peer contact by phone or in person, naloxone and harm reduction, a recovery and wellness plan, and links to community resources.</p></div>"
* status = #active
* intent = #plan
* category[AssessPlan] = $USCoreCarePlanCategory#assess-plan
* category[PeerRecoverySupport] = CarePlanCategory#peer-recovery-support "Peer recovery support"
* title = "Peer recovery support"
* subject = Reference(Patient/example-patient)
* period.start = "2025-03-03"
* created = "2025-03-03T10:15:00-05:00"
* author = Reference(Practitioner/pcp-example) "Dr. Amara Okafor"
* careTeam = Reference(CareTeam/example-careteam)
* addresses = Reference(Condition/example-oud) "Opioid use disorder"
* activity[0].detail.kind = #ServiceRequest
* activity[0].detail.code = PeerActivity#regular-peer-contact "Regular peer contact"
* activity[0].detail.status = #in-progress
* activity[0].detail.description = "Weekly check-in with the peer recovery specialist."
* activity[0].detail.performer = Reference(PractitionerRole/peer-specialist-role-example) "Jordan Rivera, peer recovery specialist"
* activity[1].detail.kind = #ServiceRequest
* activity[1].detail.code = PeerActivity#harm-reduction-naloxone "Harm reduction and naloxone"
* activity[1].detail.status = #scheduled
* activity[1].detail.description = "Confirm rescue naloxone is at home; overdose education."
* activity[2].detail.kind = #ServiceRequest
* activity[2].detail.code = PeerActivity#telehealth-or-in-person "Telehealth or in-person contact"
* activity[2].detail.status = #in-progress
* activity[2].detail.description = "Phone contact, with in-person visits on clinic days."

Instance: peer-followup-task-requested-example
InstanceOf: PeerFollowUpTask
Usage: #example
Title: "Peer follow-up: supply ran out (requested, unclaimed)"
Description: "A follow-up waiting for a peer to claim it: no owner yet."
* identifier.system = "https://peer-recovery.example.org/fhir/sid/task"
* identifier.value = "3f0c2a4e-6b1d-4f43-9d2a-8a51b2f1c101"
* basedOn = Reference(CarePlan/peer-support-careplan-example)
* status = #requested
* intent = #order
* priority = #urgent
* code.coding[PeerFollowUp] = PeerTaskCode#peer-follow-up "Peer recovery follow-up"
* code.coding[HCPCS] = $HCPCS#H0038 "Self-help/peer services, per 15 minutes"
* description = "Buprenorphine supply ran out 9 days ago with no new prescription on record. Reach out and offer support."
* for = Reference(Patient/example-patient)
* authoredOn = "2025-03-12T09:00:00-05:00"
* requester = Reference(Practitioner/pcp-example) "Dr. Amara Okafor"
* reasonCode = $FollowUpReason#moud-supply-lapsed "MOUD supply ran out"
* reasonReference = Reference(MedicationRequest/example-bup)
* restriction.period.end = "2025-03-14T17:00:00-05:00"

Instance: peer-followup-task-completed-example
InstanceOf: PeerFollowUpTask
Usage: #example
Title: "Peer follow-up: completed, reached"
Description: "A follow-up the peer completed after one unanswered call and one conversation."
* identifier.system = "https://peer-recovery.example.org/fhir/sid/task"
* identifier.value = "3f0c2a4e-6b1d-4f43-9d2a-8a51b2f1c102"
* basedOn = Reference(CarePlan/peer-support-careplan-example)
* status = #completed
* intent = #order
* priority = #routine
* code.coding[PeerFollowUp] = PeerTaskCode#peer-follow-up "Peer recovery follow-up"
* description = "No visit within the follow-up interval. Check in and help book a visit."
* for = Reference(Patient/example-patient)
* authoredOn = "2025-03-01T09:00:00-05:00"
* lastModified = "2025-03-05T15:30:00-05:00"
* requester = Reference(Practitioner/pcp-example) "Dr. Amara Okafor"
* owner = Reference(PractitionerRole/peer-specialist-role-example) "Jordan Rivera, peer recovery specialist"
* reasonCode = $FollowUpReason#visit-overdue "No visit within the follow-up interval"
* restriction.period.end = "2025-03-04T17:00:00-05:00"
* output[contactOutcome].type = TaskOutputType#contact-outcome
* output[contactOutcome].valueCodeableConcept = ContactOutcome#reached "Reached"
* output[contactAttempt][0].type = TaskOutputType#contact-attempt-note
* output[contactAttempt][0].valueAnnotation.time = "2025-03-03T11:00:00-05:00"
* output[contactAttempt][0].valueAnnotation.text = "Phone call, no answer; left a voicemail."
* output[contactAttempt][1].type = TaskOutputType#contact-attempt-note
* output[contactAttempt][1].valueAnnotation.time = "2025-03-05T15:00:00-05:00"
* output[contactAttempt][1].valueAnnotation.text = "Spoke by phone; visit booked for next Tuesday; offered a ride."

Instance: peer-followup-task-on-hold-example
InstanceOf: PeerFollowUpTask
Usage: #example
Title: "Peer follow-up: on hold, with a reason"
Description: "A follow-up the peer put on hold, with the statusReason the profile requires."
* identifier.system = "https://peer-recovery.example.org/fhir/sid/task"
* identifier.value = "3f0c2a4e-6b1d-4f43-9d2a-8a51b2f1c103"
* basedOn = Reference(CarePlan/peer-support-careplan-example)
* status = #on-hold
* statusReason.text = "The person is in hospital this week; resume on discharge."
* intent = #order
* code.coding[PeerFollowUp] = PeerTaskCode#peer-follow-up "Peer recovery follow-up"
* description = "Emergency department visit last week. Check in after discharge."
* for = Reference(Patient/example-patient)
* authoredOn = "2025-03-10T09:00:00-05:00"
* requester = Reference(PractitionerRole/pcp-role-example)
* owner = Reference(PractitionerRole/peer-specialist-role-example)
* reasonCode = $FollowUpReason#acute-care-visit "Emergency or inpatient visit"
* restriction.period.end = "2025-03-17T17:00:00-05:00"
