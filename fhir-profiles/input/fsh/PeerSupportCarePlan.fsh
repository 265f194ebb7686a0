Invariant: psc-1
Description: "The plan records which MME conversion factor set the app used (meta.tag from the mme-factor-set code system)."
Expression: "meta.tag.where(system = 'https://peer-recovery.example.org/fhir/CodeSystem/mme-factor-set').exists()"
Severity: #error

Profile: PeerSupportCarePlan
Parent: CarePlan
Id: peer-support-careplan
Title: "Peer support CarePlan"
Description: """
A peer recovery support plan for a person with, or at risk of, opioid use disorder, written by the app so that the prescriber sees peer work and its follow-up Tasks in the chart.

US Core CarePlan-compatible (US Core 6.1.0/7.0.0): this profile constrains base FHIR R4 CarePlan the same way US Core CarePlan does (status, intent, a required category slice for http://hl7.org/fhir/us/core/CodeSystem/careplan-category#assess-plan, subject, text) without depending on the US Core package, which is not reachable from the app's offline build. An instance valid here also carries what US Core CarePlan requires.
"""
* ^status = #active
* ^experimental = false
* obeys psc-1
* meta.tag MS
* meta.tag ^short = "Includes the MME conversion factor set the app used (mme-factor-set#cdc-2022)"
* identifier 1..* MS
* identifier ^short = "App-generated identifier (system https://peer-recovery.example.org/fhir/sid/careplan), used for conditional create"
* identifier.system 1..1 MS
* identifier.value 1..1 MS
* text 1..1 MS
* text.status MS
* text.div MS
* status MS
* intent = #plan (exactly)
* intent MS
* category 1..* MS
* category ^slicing.discriminator.type = #pattern
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category ^slicing.description = "US Core's assess-plan category plus the app's peer recovery support category"
* category contains
    AssessPlan 1..1 MS and
    PeerRecoverySupport 1..1 MS
* category[AssessPlan] = $USCoreCarePlanCategory#assess-plan
* category[PeerRecoverySupport] = CarePlanCategory#peer-recovery-support
* title MS
* description MS
* subject only Reference(Patient)
* subject MS
* period MS
* created MS
* author 1..1 MS
* author only Reference(Practitioner or PractitionerRole)
* careTeam MS
* addresses MS
* addresses only Reference(Condition)
* addresses ^short = "The person's opioid use disorder Condition, when one is on record (opioid-use-disorder-conditions ValueSet)"
* goal MS
* activity MS
* activity.detail 1..1 MS
* activity.detail.kind 1..1 MS
* activity.detail.code 1..1 MS
* activity.detail.code from PeerActivityVS (required)
* activity.detail.status MS
* activity.detail.description MS
* activity.detail.performer MS
* activity.detail.performer ^short = "The peer recovery specialist (PractitionerRole with the NUCC Peer Specialist code)"
