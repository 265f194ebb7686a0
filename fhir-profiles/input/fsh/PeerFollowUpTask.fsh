Invariant: pft-1
Description: "statusReason is required when the Task is rejected, cancelled, on hold or failed (SDOH Clinical Care pattern)."
Expression: "(status = 'rejected' or status = 'cancelled' or status = 'on-hold' or status = 'failed') implies statusReason.exists()"
Severity: #error

Invariant: pft-2
Description: "A completed follow-up records its contact outcome in output."
Expression: "status = 'completed' implies output.where(type.coding.where(system = 'https://peer-recovery.example.org/fhir/CodeSystem/task-output-type' and code = 'contact-outcome').exists()).exists()"
Severity: #error

Profile: PeerFollowUpTask
Parent: Task
Id: peer-followup-task
Title: "Peer follow-up Task"
Description: """
A follow-up asked of a peer recovery specialist, part of a peer support CarePlan, following the HL7 SDOH Clinical Care Task pattern: intent order; the requester sets draft, requested or entered-in-error; the assignee sets accepted, rejected, in-progress, on-hold, failed or completed; either may cancel. owner may be empty (a claimable Task). The due date is restriction.period.end; an overdue Task can still be completed. The outcome and notes on contact attempts go in output.
"""
* ^status = #active
* ^experimental = false
* obeys pft-1 and pft-2
* identifier 1..* MS
* identifier ^short = "App-generated identifier (system https://peer-recovery.example.org/fhir/sid/task), used for conditional create"
* identifier.system 1..1 MS
* identifier.value 1..1 MS
* basedOn 1..1 MS
* basedOn only Reference(CarePlan)
* basedOn ^short = "The peer support CarePlan this follow-up belongs to"
* status MS
* status from PeerFollowUpTaskStatusVS (required)
* statusReason MS
* intent = #order (exactly)
* intent MS
* priority MS
* code 1..1 MS
* code.coding 1..* MS
* code.coding ^slicing.discriminator.type = #pattern
* code.coding ^slicing.discriminator.path = "$this"
* code.coding ^slicing.rules = #open
* code.coding contains
    PeerFollowUp 1..1 MS and
    HCPCS 0..1 MS
* code.coding[PeerFollowUp] = PeerTaskCode#peer-follow-up
* code.coding[HCPCS] = $HCPCS#H0038
* code.coding[HCPCS] ^short = "HCPCS H0038 Self-help/peer services, per 15 minutes, where the peer service is billable"
* description 1..1 MS
* for 1..1 MS
* for only Reference(Patient)
* authoredOn 1..1 MS
* lastModified MS
* requester 1..1 MS
* requester only Reference(Practitioner or PractitionerRole or Organization)
* owner MS
* owner only Reference(PractitionerRole or Practitioner)
* owner ^short = "The peer who works the Task; empty while the Task waits to be claimed"
* reasonCode 1..1 MS
* reasonCode from FollowUpReasonVS (required)
* reasonReference MS
* reasonReference ^short = "The record behind the reason (e.g. the MedicationRequest whose supply ran out)"
* note MS
* restriction 1..1 MS
* restriction.period 1..1 MS
* restriction.period.end 1..1 MS
* restriction.period.end ^short = "Due date"
* output MS
* output ^slicing.discriminator.type = #pattern
* output ^slicing.discriminator.path = "type"
* output ^slicing.rules = #open
* output contains
    contactOutcome 0..1 MS and
    contactAttempt 0..* MS
* output[contactOutcome].type = TaskOutputType#contact-outcome
* output[contactOutcome].value[x] only CodeableConcept
* output[contactOutcome].valueCodeableConcept from ContactOutcomeVS (required)
* output[contactAttempt].type = TaskOutputType#contact-attempt-note
* output[contactAttempt].value[x] only Annotation
