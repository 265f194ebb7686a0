import type { FhirResource } from 'fhir/r4';
import { FhirError } from './errors';
import { parseResource, type SchemaType } from './schemas';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './search';
import type { Transport } from './transport';

export interface ReadResult<T> {
  resource: T;
  /** The version to send back in If-Match when updating. */
  etag?: string;
}

/** Reads one resource by id, checked against its schema. */
export async function readResource<T extends FhirResource>(
  send: Transport,
  type: SchemaType,
  id: string,
  retry: RetryPolicy = DEFAULT_RETRY,
): Promise<ReadResult<T>> {
  const response = await withRetry(() => send({ url: `${type}/${encodeURIComponent(id)}` }), retry);
  const parsed = parseResource<T>(response.body, type);
  if (!parsed.ok)
    throw new FhirError('invalid-data', `The ${type} could not be read: ${parsed.reason}`);
  return { resource: parsed.resource, etag: response.etag };
}

/** Weak ETag from a resource's meta.versionId (search entries carry no ETag header). */
export function etagOf(resource: { meta?: { versionId?: string } }): string | undefined {
  const v = resource.meta?.versionId;
  return v ? `W/"${v}"` : undefined;
}
