/**
 * Guards for reading resource fields that may not have their R4 shape: the one
 * set the domain uses. Parsed FHIR is still read defensively, because a
 * server's data (or a hostile test) can put anything anywhere.
 */
import { toDay, type DayNumber } from './dates';

/** A plain JSON object. */
export type Obj = Record<string, unknown>;

/** A plain JSON object, or undefined. */
export const obj = (v: unknown): Obj | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;

/** A non-blank string, or undefined. */
export const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v : undefined;

/** A finite number, or undefined. */
export const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/**
 * Every entry of an array, whatever it is (a bad entry stays, to be reported
 * as unreadable); anything that is not an array reads as empty.
 */
export const items = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The entries of an array that are there (null and undefined dropped); anything else reads as empty. */
export const present = <T>(v: readonly (T | null | undefined)[] | T | null | undefined): T[] =>
  Array.isArray(v) ? v.filter((x): x is T => x !== null && x !== undefined) : [];

/** The entries of an array that are objects, as T; anything else reads as empty. */
export const objects = <T>(v: unknown): T[] =>
  Array.isArray(v) ? (v.filter((x) => x !== null && typeof x === 'object') as T[]) : [];

/** The codings of a CodeableConcept that are objects (system, code and display still unchecked). */
export const codingsOf = (cc: unknown): { system?: unknown; code?: unknown; display?: unknown }[] =>
  objects<{ system?: unknown; code?: unknown; display?: unknown }>(obj(cc)?.['coding']);

/** toDay of a field that may not be a string at all. */
export function dayOfText(value: unknown): DayNumber | undefined {
  return typeof value === 'string' ? toDay(value) : undefined;
}
