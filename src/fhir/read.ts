import type { FhirResource } from 'fhir/r4';
import { unexpectedBody } from './answers';
import { FhirError } from './errors';
import { parseResource, type SchemaType } from './schemas';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './search';
import type { Transport } from './transport';
import { isFhirId } from './url';

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
  signal?: AbortSignal,
): Promise<ReadResult<T>> {
  // An id from data ("..", "a/b") must not become another path on the server.
  if (!isFhirId(id)) throw new FhirError('invalid-data', `The ${type} id is not a valid FHIR id.`);
  const response = await withRetry(
    () => send({ url: `${type}/${encodeURIComponent(id)}`, ...(signal ? { signal } : {}) }),
    retry,
  );
  const type0 =
    response.body && typeof response.body === 'object'
      ? (response.body as { resourceType?: unknown }).resourceType
      : undefined;
  if (type0 !== type) throw unexpectedBody(response.body, response.status, `a ${type}`);
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
