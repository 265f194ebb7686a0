/**
 * What every concern of the domain shares: whole-day dates, evidence, guards
 * for reading resources that may not have their R4 shape, the clinical
 * parameters, request priority, the patient record and the codes (read from
 * the generated code module).
 */
export { dayOf, fromDay, toDay, type DayNumber } from './dates';
export { type Evidence, type Unreadable } from './evidence';
export { objects } from './guards';
export { PARAMETERS } from './parameters';
export { PRIORITIES, priorityWords } from './priority';
export { emptyPatientRecord, type LoadStatus, type PatientRecord, type RecordPart } from './record';
