/**
 * Test-only builders for engine inputs, so unit tests can construct
 * ClassifiedOrder / MmeDay values directly without the classifier.
 */
import type { Encounter, MedicationDispense, Observation, Task } from 'fhir/r4';
import { fromDay, toDay, type DayNumber } from '../../src/domain/core';
import { FOLLOW_UP_REASON_SYSTEM } from '../../src/domain/followUps';
import type {
  ClassifiedOrder,
  MedicationCategory,
  MoudProduct,
} from '../../src/domain/medications';

export const D = (iso: string): DayNumber => toDay(iso) as DayNumber;

let seq = 0;
export function order(p: {
  id?: string;
  start: DayNumber | undefined;
  category?: MedicationCategory;
  product?: MoudProduct;
  display?: string;
  days?: number;
  status?: 'active' | 'completed' | 'stopped';
  rxnorm?: string[];
}): ClassifiedOrder & { testDays?: number } {
  const id = p.id ?? `o${++seq}`;
  return {
    reference: `MedicationRequest/${id}`,
    request: {
      resourceType: 'MedicationRequest',
      id,
      status: p.status ?? 'active',
      intent: 'order',
      subject: { reference: 'Patient/p' },
      authoredOn: p.start !== undefined ? fromDay(p.start) : undefined,
    },
    category: p.category ?? 'moud-buprenorphine',
    moudProduct:
      p.category && !p.category.startsWith('moud')
        ? undefined
        : (p.product ?? 'buprenorphine-sublingual'),
    display: p.display ?? 'buprenorphine 8 MG / naloxone 2 MG Sublingual Film',
    rxnorm: p.rxnorm ?? [],
    ingredients: [],
    counted: true,
    start: p.start,
    evidence: [],
    testDays: p.days,
  };
}

/** daysSupply stand-in for tests: reads the days put on the order by `order()`. */
export const testSupply = (o: ClassifiedOrder) => {
  const days = (o as ClassifiedOrder & { testDays?: number }).testDays;
  return days === undefined ? undefined : { days, rule: 'test' };
};

export function dispense(
  id: string,
  orderId: string,
  day: DayNumber,
  days: number,
  status: MedicationDispense['status'] = 'completed',
): MedicationDispense {
  return {
    resourceType: 'MedicationDispense',
    id,
    status,
    authorizingPrescription: [{ reference: `MedicationRequest/${orderId}` }],
    whenHandedOver: `${fromDay(day)}T10:00:00-05:00`,
    daysSupply: { value: days, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' },
  };
}

export function encounter(
  id: string,
  day: DayNumber,
  status: Encounter['status'],
  cls = 'AMB',
): Encounter {
  return {
    resourceType: 'Encounter',
    id,
    status,
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: cls },
    period: { start: `${fromDay(day)}T09:00:00-05:00` },
  };
}

export function udsObs(
  id: string,
  day: DayNumber,
  loinc: string,
  value: Partial<Observation>,
  status: Observation['status'] = 'final',
): Observation {
  return {
    resourceType: 'Observation',
    id,
    status,
    code: { coding: [{ system: 'http://loinc.org', code: loinc }] },
    effectiveDateTime: `${fromDay(day)}T08:00:00-05:00`,
    ...value,
  };
}

export function peerTask(
  id: string,
  day: DayNumber,
  status: Task['status'],
  reason = 'moud-supply-lapsed',
): Task {
  return {
    resourceType: 'Task',
    id,
    status,
    intent: 'order',
    reasonCode: {
      coding: [
        {
          system: FOLLOW_UP_REASON_SYSTEM,
          code: reason,
        },
      ],
    },
    authoredOn: fromDay(day - 2),
    executionPeriod: { end: `${fromDay(day)}T12:00:00-05:00` },
    lastModified: `${fromDay(day)}T12:00:00-05:00`,
  };
}
