export { dayOf, fromDay, toDay, type DayNumber } from './dates';
export { type Evidence, type Unreadable } from './evidence';
export { codingsOf, objects } from './guards';
export { PARAMETERS } from './parameters';
export { PRIORITIES, priorityWords } from './priority';
export { emptyPatientRecord, type LoadStatus, type PatientRecord, type RecordPart } from './record';
