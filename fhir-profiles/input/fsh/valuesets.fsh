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
