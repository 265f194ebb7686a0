/**
 * Per-field reading of what the screens show from a resource: names,
 * identifiers, telecom, languages, short texts. Resources pass their schema
 * with only the fields the engine needs checked, so a field the UI reads may
 * still be any JSON (an object where an array belongs, an object where text
 * belongs). Here each field is checked on its own and a malformed one falls
 * back to words for that field alone, never a blank screen.
 */

export const UNREADABLE_NAME = 'Name could not be read';
export const NO_NAME = 'Name not recorded';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A non-empty string, else undefined (numbers, objects, arrays are not text). */
export function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** The text of a CodeableConcept: its text, else its first coding's display. */
export function conceptText(v: unknown): string | undefined {
  if (!isObject(v)) return undefined;
  const t = text(v.text);
  if (t) return t;
  const codings = Array.isArray(v.coding) ? v.coding : [];
  for (const c of codings) if (isObject(c) && text(c.display)) return text(c.display);
  return undefined;
}

/**
 * A person's name from HumanName[]: official, else any not marked old, else
 * the first. Absent → "Name not recorded"; present but not readable → "Name
 * could not be read" (said, so nobody mistakes it for a missing name).
 */
export function personName(names: unknown): string {
  if (names === undefined || names === null) return NO_NAME;
  if (!Array.isArray(names)) return UNREADABLE_NAME;
  const valid = names.filter(isObject);
  if (valid.length === 0) return names.length ? UNREADABLE_NAME : NO_NAME;
  const name =
    valid.find((n) => n.use === 'official') ?? valid.find((n) => n.use !== 'old') ?? valid[0];
  if (!name) return NO_NAME;
  if (name.text !== undefined) return text(name.text) ?? UNREADABLE_NAME;
  const given = name.given === undefined ? [] : name.given;
  if (!Array.isArray(given)) return UNREADABLE_NAME;
  if (name.family !== undefined && typeof name.family !== 'string') return UNREADABLE_NAME;
  const parts = [...given, name.family].filter(
    (p): p is string => typeof p === 'string' && p !== '',
  );
  return parts.join(' ') || NO_NAME;
}

/** The medical record number (identifier typed MR, HL7 v2-0203), when readable. */
export function mrn(identifiers: unknown): string | undefined {
  if (!Array.isArray(identifiers)) return undefined;
  for (const i of identifiers) {
    if (!isObject(i) || !isObject(i.type)) continue;
    const codings = Array.isArray(i.type.coding) ? i.type.coding : [];
    if (codings.some((c) => isObject(c) && c.code === 'MR')) return text(i.value);
  }
  return undefined;
}

export interface Contact {
  system: 'phone' | 'sms' | 'email' | 'other';
  value: string;
  use?: string;
  rank: number;
}

/** Current contact points, best rank first; malformed entries are left out. */
export function contacts(telecom: unknown): Contact[] {
  if (!Array.isArray(telecom)) return [];
  const out: Contact[] = [];
  for (const t of telecom) {
    if (!isObject(t)) continue;
    const value = text(t.value);
    if (!value) continue;
    if (isObject(t.period) && t.period.end !== undefined) continue;
    const system =
      t.system === 'phone' || t.system === 'sms' || t.system === 'email' ? t.system : 'other';
    const rank = typeof t.rank === 'number' && Number.isFinite(t.rank) ? t.rank : 99;
    out.push({ system, value, rank, ...(text(t.use) ? { use: t.use as string } : {}) });
  }
  return out.sort((a, b) => a.rank - b.rank);
}

/** The preferred (else first) language in Patient.communication, as text. */
export function preferredLanguage(communication: unknown): string | undefined {
  if (!Array.isArray(communication)) return undefined;
  const valid = communication.filter(isObject);
  const c = valid.find((x) => x.preferred === true) ?? valid[0];
  return c ? conceptText(c.language) : undefined;
}

/** A FHIR date or dateTime, as its YYYY-MM-DD part, when it looks like one. */
export function dateText(v: unknown): string | undefined {
  const t = text(v);
  return t && /^\d{4}(-\d{2}(-\d{2})?)?/.test(t) ? t.slice(0, 10) : undefined;
}
