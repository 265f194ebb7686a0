// What the app needs from a FHIR R4 server (client mode). Integration teams
// compare this with the EHR's own CapabilityStatement before installing.

RuleSet: Interaction(code, doc)
* interaction[+].code = #{code}
* interaction[=].documentation = "{doc}"

RuleSet: SearchParam(name, definition, type, doc)
* searchParam[+].name = "{name}"
* searchParam[=].definition = "http://hl7.org/fhir/SearchParameter/{definition}"
* searchParam[=].type = #{type}
* searchParam[=].documentation = "{doc}"

Instance: peer-recovery-app-client
InstanceOf: CapabilityStatement
Usage: #definition
Title: "Peer recovery SMART app: server requirements"
Description: "The interactions and search parameters the peer recovery SMART app uses against a FHIR R4 server, with the SMART App Launch scopes that cover them."
* url = "https://peer-recovery.example.org/fhir/CapabilityStatement/peer-recovery-app-client"
* version = "0.1.0"
* name = "PeerRecoveryAppClient"
* title = "Peer recovery SMART app: server requirements"
* status = #active
* experimental = false
* date = "2025-03-01"
* publisher = "Peer recovery SMART app"
* description = "What the peer recovery SMART app needs from a FHIR R4 server. Reads: the few searches the patient summary needs, read in one parallel round with all pages followed. Writes: one transaction Bundle with conditional create (identifier) for the peer support CarePlan and its follow-up Tasks, If-Match on update, and a Provenance for each write."
* kind = #requirements
* fhirVersion = #4.0.1
* format[0] = #json
* rest.mode = #client
* rest.documentation = "SMART App Launch 2.x (EHR launch), PKCE S256; scopes patient/*.rs for reads, patient/CarePlan.cu, patient/Task.cu and patient/Provenance.c for write-back (v1 .read/.write accepted)."
* rest.security.cors = true
* rest.security.service = http://terminology.hl7.org/CodeSystem/restful-security-service#SMART-on-FHIR
* rest.security.description = "SMART App Launch with PKCE S256; the app never decodes the access token."
* rest.interaction[0].code = #transaction
* rest.interaction[0].documentation = "Write-back: CarePlan, Tasks and Provenance in one transaction Bundle."
* rest.interaction[1].code = #batch
* rest.interaction[1].documentation = "Fallback when the server has no transaction: dependency-ordered batches of the same conditional creates (CareTeam, CarePlan, Tasks, Provenance)."

* rest.resource[+].type = #Patient
* rest.resource[=].documentation = "The patient in launch context; the people of a peer's worklist, with only the elements it shows."
* rest.resource[=] insert Interaction(read, [[Read the patient in context (banner).]])
* rest.resource[=] insert Interaction(search-type, [[Patient?_id=a,b,c&_elements=name,telecom,communication (peer worklist: minimum necessary).]])
* rest.resource[=] insert SearchParam(_id, Resource-id, token, [[The people the worklist's Tasks are for.]])

* rest.resource[+].type = #MedicationRequest
* rest.resource[=].documentation = "Opioid, MOUD, benzodiazepine and naloxone orders."
* rest.resource[=] insert Interaction(search-type, [[MedicationRequest?patient=&status=&_include=MedicationRequest:medication]])
* rest.resource[=].searchInclude[0] = "MedicationRequest:medication"
* rest.resource[=] insert SearchParam(patient, clinical-patient, reference, [[The patient in context.]])
* rest.resource[=] insert SearchParam(status, medications-status, token, [[Order status.]])

* rest.resource[+].type = #Medication
* rest.resource[=].documentation = "Medications an order references and the server did not include."
* rest.resource[=] insert Interaction(read, [[Read one referenced Medication.]])
* rest.resource[=] insert Interaction(search-type, [[Medication?_id=a,b,c for the rest in one call.]])
* rest.resource[=] insert SearchParam(_id, Resource-id, token, [[Several referenced Medications at once.]])

* rest.resource[+].type = #MedicationDispense
* rest.resource[=].documentation = "Dispenses, for supply and coverage."
* rest.resource[=] insert Interaction(search-type, [[MedicationDispense?patient=]])
* rest.resource[=] insert SearchParam(patient, clinical-patient, reference, [[The patient in context.]])

* rest.resource[+].type = #Condition
* rest.resource[=].documentation = "Problem list and diagnoses (opioid use disorder, pain)."
* rest.resource[=] insert Interaction(search-type, [[Condition?patient=]])
* rest.resource[=] insert SearchParam(patient, clinical-patient, reference, [[The patient in context.]])

* rest.resource[+].type = #Encounter
* rest.resource[=].documentation = "Visits: attended, missed, planned; emergency and inpatient stays."
* rest.resource[=] insert Interaction(search-type, [[Encounter?patient=&date=ge...]])
* rest.resource[=] insert SearchParam(patient, clinical-patient, reference, [[The patient in context.]])
* rest.resource[=] insert SearchParam(date, clinical-date, date, [[The lookback window.]])

* rest.resource[+].type = #Observation
* rest.resource[=].documentation = "Urine drug tests (category laboratory)."
* rest.resource[=] insert Interaction(search-type, [[Observation?patient=&category=laboratory&date=ge...]])
* rest.resource[=] insert SearchParam(patient, clinical-patient, reference, [[The patient in context.]])
* rest.resource[=] insert SearchParam(category, Observation-category, token, [[laboratory]])
* rest.resource[=] insert SearchParam(date, clinical-date, date, [[The lookback window.]])

* rest.resource[+].type = #Task
* rest.resource[=].documentation = "Peer follow-up Tasks: the patient's, and a peer's worklist."
* rest.resource[=].supportedProfile[0] = "https://peer-recovery.example.org/fhir/StructureDefinition/peer-followup-task"
* rest.resource[=].conditionalCreate = true
* rest.resource[=].versioning = #versioned-update
* rest.resource[=] insert Interaction(read, [[Re-read a Task before an update.]])
* rest.resource[=] insert Interaction(search-type, [[Task?patient= (chart, and just before a write: open follow-ups) and Task?code=peer-task-code&status=... (peer worklist).]])
* rest.resource[=] insert Interaction(create, [[Conditional create inside the transaction. Where the server advertises conditional create, If-None-Exist is the business key (patient=&status=open statuses&_tag=followup-reason|code: one open follow-up per reason); otherwise identifier=system|value.]])
* rest.resource[=] insert Interaction(update, [[Status changes and outcomes, with If-Match; each carries a client-generated write id (extension) so a retry after a lost answer is recognised.]])
* rest.resource[=] insert SearchParam(patient, Task-patient, reference, [[The patient in context.]])
* rest.resource[=] insert SearchParam(owner, Task-owner, reference, [[A peer's own Tasks.]])
* rest.resource[=] insert SearchParam(code, Task-code, token, [[Peer follow-up Tasks (peer-task-code) for the worklist.]])
* rest.resource[=] insert SearchParam(status, Task-status, token, [[Open statuses for the worklist.]])
* rest.resource[=] insert SearchParam(identifier, Task-identifier, token, [[Conditional create.]])
* rest.resource[=] insert SearchParam(_tag, Resource-tag, token, [[The follow-up reason, for the business-key conditional create.]])

* rest.resource[+].type = #CarePlan
* rest.resource[=].documentation = "The peer support CarePlan."
* rest.resource[=].supportedProfile[0] = "https://peer-recovery.example.org/fhir/StructureDefinition/peer-support-careplan"
* rest.resource[=].conditionalCreate = true
* rest.resource[=].versioning = #versioned-update
* rest.resource[=] insert Interaction(read, [[Re-read the plan before an update.]])
* rest.resource[=] insert Interaction(search-type, [[CarePlan?patient=&status=active (also just before a write)]])
* rest.resource[=] insert Interaction(create, [[Conditional create inside the transaction. Where the server advertises conditional create, If-None-Exist is the business key (patient=&status=active&category=peer-recovery-support: one active peer-support plan per patient); otherwise identifier=system|value.]])
* rest.resource[=] insert Interaction(update, [[Plan changes, with If-Match.]])
* rest.resource[=] insert SearchParam(patient, clinical-patient, reference, [[The patient in context.]])
* rest.resource[=] insert SearchParam(status, CarePlan-status, token, [[active]])
* rest.resource[=] insert SearchParam(identifier, clinical-identifier, token, [[Conditional create.]])
* rest.resource[=] insert SearchParam(category, CarePlan-category, token, [[The business key of the conditional create.]])

* rest.resource[+].type = #CareTeam
* rest.resource[=].documentation = "The care team the plan names."
* rest.resource[=] insert Interaction(read, [[The CareTeam a plan references.]])
* rest.resource[=].conditionalCreate = true
* rest.resource[=] insert Interaction(search-type, [[CareTeam?patient=]])
* rest.resource[=] insert Interaction(create, [[A care team for the peer, when the patient has none: conditional create (identifier), inside the write-back.]])
* rest.resource[=] insert SearchParam(patient, clinical-patient, reference, [[The patient in context.]])
* rest.resource[=] insert SearchParam(identifier, clinical-identifier, token, [[Conditional create.]])

* rest.resource[+].type = #PractitionerRole
* rest.resource[=].documentation = "Peer recovery specialists to assign Tasks to (NUCC 175T00000X)."
* rest.resource[=] insert Interaction(read, [[A Task owner.]])
* rest.resource[=] insert Interaction(search-type, [[PractitionerRole?role=http://nucc.org/provider-taxonomy|175T00000X; PractitionerRole?practitioner= (the signed-in peer's roles).]])
* rest.resource[=] insert SearchParam(role, PractitionerRole-role, token, [[The peer specialist code.]])
* rest.resource[=] insert SearchParam(practitioner, PractitionerRole-practitioner, reference, [[The signed-in user's roles (worklist).]])

* rest.resource[+].type = #Practitioner
* rest.resource[=].documentation = "The signed-in user (fhirUser) and named clinicians."
* rest.resource[=] insert Interaction(read, [[fhirUser and referenced clinicians.]])

* rest.resource[+].type = #Provenance
* rest.resource[=].documentation = "Who wrote what, for each write-back."
* rest.resource[=].conditionalCreate = true
* rest.resource[=] insert Interaction(create, [[Inside the write-back: conditional create on the write's _tag, so a retried batch does not duplicate it.]])
