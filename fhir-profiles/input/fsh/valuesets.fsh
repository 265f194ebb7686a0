// ValueSets that bind the app's code systems (one per code system, all codes),
// plus the peer role and the Task statuses of the SDOH Clinical Care pattern.

ValueSet: CarePlanCategoryVS
Id: careplan-category
Title: "Peer recovery care plan categories"
Description: "All codes of the app's CarePlan category code system."
* ^status = #active
* ^experimental = false
* include codes from system CarePlanCategory

ValueSet: PeerActivityVS
Id: peer-activity
Title: "Peer recovery support activities"
Description: "All peer recovery support activities (CarePlan.activity.detail.code)."
* ^status = #active
* ^experimental = false
* include codes from system PeerActivity

ValueSet: PeerTaskCodeVS
Id: peer-task-code
Title: "Peer task types"
Description: "All peer task types (Task.code)."
* ^status = #active
* ^experimental = false
* include codes from system PeerTaskCode

ValueSet: TaskOutputTypeVS
Id: task-output-type
Title: "Peer task output types"
Description: "All peer task output types (Task.output.type)."
* ^status = #active
* ^experimental = false
* include codes from system TaskOutputType

ValueSet: ContactOutcomeVS
Id: contact-outcome
Title: "Peer contact outcomes"
Description: "All peer contact outcomes (Task.output value for type contact-outcome)."
* ^status = #active
* ^experimental = false
* include codes from system ContactOutcome

ValueSet: EngagementStatusVS
Id: engagement-status
Title: "Engagement statuses"
Description: "All engagement statuses."
* ^status = #active
* ^experimental = false
* include codes from system EngagementStatus

ValueSet: TaperStatusVS
Id: taper-status
Title: "Opioid taper statuses"
Description: "All opioid taper statuses."
* ^status = #active
* ^experimental = false
* include codes from system TaperStatus

ValueSet: MmeFactorSetVS
Id: mme-factor-set
Title: "MME conversion factor sets"
Description: "All MME conversion factor sets."
* ^status = #active
* ^experimental = false
* include codes from system MmeFactorSet

ValueSet: FollowUpReasonVS
Id: followup-reason
Title: "Peer follow-up reasons"
Description: "All codes of the follow-up reason code system (fhir-profiles/codesystems/followup-reason.json), for Task.reasonCode."
* ^status = #active
* ^experimental = false
* include codes from system $FollowUpReason

ValueSet: PeerSpecialistRoleVS
Id: peer-specialist-role
Title: "Peer specialist role"
Description: "The NUCC provider taxonomy code for a peer specialist, for PractitionerRole.code (search PractitionerRole?role=http://nucc.org/provider-taxonomy|175T00000X)."
* ^status = #active
* ^experimental = false
* $NUCC#175T00000X "Peer Specialist"

ValueSet: PeerFollowUpTaskStatusVS
Id: peer-followup-task-status
Title: "Peer follow-up Task statuses"
Description: "Task statuses of the HL7 SDOH Clinical Care Task pattern. Set by the requester: draft, requested, entered-in-error; by the assignee: accepted, rejected, in-progress, on-hold, failed, completed; by either: cancelled. (received and ready are not used.)"
* ^status = #active
* ^experimental = false
* $TaskStatus#draft
* $TaskStatus#requested
* $TaskStatus#accepted
* $TaskStatus#rejected
* $TaskStatus#in-progress
* $TaskStatus#on-hold
* $TaskStatus#failed
* $TaskStatus#completed
* $TaskStatus#cancelled
* $TaskStatus#entered-in-error

// Small code lists from outside the app that the app matches on or writes.
// TypeScript reads them from fhir-profiles/generated/codes.ts (VALUE_SET).

ValueSet: DrugTestDetectedVS
Id: drug-test-detected
Title: "Urine drug test: detected"
Description: "Codes that mean a urine drug test detected the substance: coded answers (SNOMED CT, LOINC answer list) in Observation.value, and interpretation codes in Observation.interpretation (clinical-reference §5)."
* ^status = #active
* ^experimental = false
* $SCT#260373001 "Detected"
* $SCT#10828004 "Positive"
* $LOINC#LA11882-0 "Detected"
* $LOINC#LA6576-8 "Positive"
* $ObservationInterpretation#POS "Positive"
* $ObservationInterpretation#DET "Detected"
* $ObservationInterpretation#A "Abnormal"
* $ObservationInterpretation#AA "Critical abnormal"

ValueSet: DrugTestNotDetectedVS
Id: drug-test-not-detected
Title: "Urine drug test: not detected"
Description: "Codes that mean a urine drug test did not detect the substance: coded answers (SNOMED CT, LOINC answer list) and interpretation codes (clinical-reference §5)."
* ^status = #active
* ^experimental = false
* $SCT#260415000 "Not detected"
* $SCT#260385009 "Negative"
* $LOINC#LA11883-8 "Not detected"
* $LOINC#LA6577-6 "Negative"
* $ObservationInterpretation#NEG "Negative"
* $ObservationInterpretation#ND "Not detected"
* $ObservationInterpretation#N "Normal"

ValueSet: DrugTestIndeterminateVS
Id: drug-test-indeterminate
Title: "Urine drug test: indeterminate"
Description: "Codes that mean a urine drug test result could not be read either way: coded answers (SNOMED CT, LOINC answer list) and interpretation codes (clinical-reference §5)."
* ^status = #active
* ^experimental = false
* $SCT#82334004 "Indeterminate"
* $SCT#419984006 "Inconclusive"
* $LOINC#LA11884-6 "Indeterminate"
* $ObservationInterpretation#IND "Indeterminate"
* $ObservationInterpretation#E "Equivocal"

ValueSet: AcuteCareEncounterClassVS
Id: acute-care-encounter-class
Title: "Acute care encounter classes"
Description: "Encounter classes the app counts as emergency or inpatient care, a recognised moment of overdose risk (clinical-reference §4). The displays are the words the summary uses."
* ^status = #active
* ^experimental = false
* $ActCode#EMER "Emergency department visit"
* $ActCode#IMP "Hospital stay"
* $ActCode#ACUTE "Hospital stay"

ValueSet: PeerSupportCarePlanCategoryVS
Id: peer-support-careplan-category
Title: "Peer support CarePlan categories"
Description: "The categories the app writes on every peer-support CarePlan: US Core's assess-plan (which US Core CarePlan requires) and the app's own peer recovery support category (the two category slices of the PeerSupportCarePlan profile)."
* ^status = #active
* ^experimental = false
* $USCoreCarePlanCategory#assess-plan "Assessment and Plan of Treatment"
* CarePlanCategory#peer-recovery-support "Peer recovery support"

ValueSet: ProvenanceActivityVS
Id: provenance-activity
Title: "Provenance activity of the app's writes"
Description: "The activity the app records on the Provenance of a peer support plan write."
* ^status = #active
* ^experimental = false
* $DataOperation#CREATE

ValueSet: ProvenanceAgentTypeVS
Id: provenance-agent-type
Title: "Provenance agent types of the app's writes"
Description: "The agent roles on the Provenance of a peer support plan write: the clinician is the author, the app the assembler."
* ^status = #active
* ^experimental = false
* $ProvenanceParticipantType#author "Author"
* $ProvenanceParticipantType#assembler "Assembler"

ValueSet: PeerServicesHcpcsVS
Id: peer-services-hcpcs
Title: "Peer services (HCPCS)"
Description: "The HCPCS Level II code for peer services: a Task with this code is peer work, whoever wrote it."
* ^status = #active
* ^experimental = false
* $HCPCS#H0038 "Self-help/peer services, per 15 minutes"
