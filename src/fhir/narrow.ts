/**
 * Searches that narrow themselves so the page limit is rarely reached, and
 * say exactly what is missing when it is: newest first (`_sort`), so a limit
 * drops the oldest, checked against the data (a server may ignore `_sort`),
 * with a fallback for servers that refuse `_sort` outright.
 */
import type {
  Encounter,
  FhirResource,
  MedicationDispense,
  MedicationRequest,
  Observation,
} from 'fhir/r4';
import type { LoadStatus } from '../domain/core';
import { FhirError } from './errors';
import { searchAll, type SearchOptions, type SearchResult } from './search';
import type { SchemaType } from './schemas';
import type { Transport } from './transport';

/** How to put one search newest first, and the date that order is by. */
export interface NewestFirst<T extends FhirResource> {
  sort: string;
  dateOf: (r: T) => string | undefined;
}

export const NEWEST_FIRST = {
  MedicationRequest: {
    sort: '-authoredon',
    dateOf: (r: MedicationRequest) => r.authoredOn,
  },
  MedicationDispense: {
    sort: '-whenhandedover',
    dateOf: (r: MedicationDispense) => r.whenHandedOver ?? r.whenPrepared,
  },
  Encounter: { sort: '-date', dateOf: (r: Encounter) => r.period?.start },
  Observation: {
    sort: '-date',
    dateOf: (r: Observation) =>
      r.effectiveDateTime ?? r.effectivePeriod?.start ?? r.effectiveInstant ?? r.issued,
  },
} as const;

export interface NarrowedResult<T extends FhirResource> extends SearchResult<T> {
  /** The resources came newest first (checked on the data, not assumed from `_sort`). */
  newestFirst: boolean;
  /** The oldest date among what was loaded, when the order is newest first. */
  oldestLoaded?: string;
}

/**
 * One search, newest first. A server that answers 400 to `_sort` is asked
 * again without it (the data is then in the server's own order, and a
 * truncation says so).
 */
export async function searchNewestFirst<T extends FhirResource>(
  send: Transport,
  type: SchemaType,
  params: Record<string, string>,
  order: NewestFirst<T>,
  options: SearchOptions = {},
): Promise<NarrowedResult<T>> {
  let result: SearchResult<T>;
  try {
    result = await searchAll<T>(send, type, { ...params, _sort: order.sort }, options);
  } catch (e) {
    if (!(e instanceof FhirError && e.status === 400)) throw e;
    result = await searchAll<T>(send, type, params, options);
  }
  const dates = result.resources.map(order.dateOf).filter((d): d is string => Boolean(d));
  const newestFirst = dates.every(
    (d, i) => i === 0 || compareDates(dates[i - 1] as string, d) >= 0,
  );
  return {
    ...result,
    newestFirst,
    ...(newestFirst && dates.length ? { oldestLoaded: dates[dates.length - 1] as string } : {}),
  };
}

/** ISO dates and date-times compared by instant where both parse, else as text. */
function compareDates(a: string, b: string): number {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isFinite(ta) && Number.isFinite(tb)) return ta - tb;
  return a.localeCompare(b);
}

/** The load status a search's result gives its part of the record. */
export function loadStatusOf(
  result: SearchResult<FhirResource> & { newestFirst?: boolean; oldestLoaded?: string },
): LoadStatus {
  if (!result.truncated) return { state: 'complete' };
  const why =
    result.truncatedBy === 'off-server'
      ? 'the EHR’s link to the next page pointed outside it and was not followed'
      : result.truncatedBy === 'loop'
        ? 'the EHR’s next-page link went in a circle'
        : 'the app stops after a set number of pages';
  const loaded = result.resources.length;
  return {
    state: 'truncated',
    reason: `Only ${loaded} loaded${result.total !== undefined ? ` of ${result.total}` : ''}: ${why}.`,
    loaded,
    ...(result.total !== undefined ? { total: result.total } : {}),
    newestFirst: result.newestFirst === true,
    ...(result.truncatedBy ? { stoppedBy: result.truncatedBy } : {}),
    ...(result.oldestLoaded ? { oldestLoaded: result.oldestLoaded.slice(0, 10) } : {}),
  };
}
