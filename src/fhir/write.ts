import type { Bundle, FhirResource } from 'fhir/r4';
import { FhirError, kindForStatus } from './errors';
import type { ReadResult } from './read';
import { parseResource } from './schemas';
import type { Transport } from './transport';

/**
 * Writes are never retried automatically: only the person can decide to try
 * again, and the resources they write carry identifiers with conditional
 * creates, so a retry cannot duplicate them.
 */

/**
 * Updates a resource only if nobody changed it since `etag` was read (412 →
 * 'conflict'). Without a known version it does not send anything: an update
 * without If-Match could silently overwrite someone else's change.
 */
export async function updateResource<T extends FhirResource & { id: string }>(
  send: Transport,
  resource: T,
  etag: string | undefined,
): Promise<ReadResult<T>> {
  if (!etag) {
    throw new FhirError(
      'invalid-data',
      'The EHR gave no version for this record, so it cannot be updated safely.',
    );
  }
  const response = await send({
    url: `${resource.resourceType}/${encodeURIComponent(resource.id)}`,
    method: 'PUT',
    headers: { 'If-Match': etag },
    body: resource,
  });
  const parsed = parseResource<T>(response.body, resource.resourceType as never);
  // Servers may answer 200 with no body (Prefer: return=minimal); keep what we sent.
  return { resource: parsed.ok ? parsed.resource : resource, etag: response.etag };
}

/** Posts a transaction or batch Bundle and returns the response Bundle. */
export async function postBundle(send: Transport, bundle: Bundle): Promise<Bundle> {
  const response = await send({ url: '', method: 'POST', body: bundle });
  const body = response.body as Bundle | undefined;
  if (!body || body.resourceType !== 'Bundle') {
    throw new FhirError('invalid-data', 'The server did not answer the Bundle with a Bundle.');
  }
  return body;
}

/**
 * A batch answers each entry on its own: turn the first failed entry into an
 * error, so a partly written batch is never taken for success.
 */
export function firstBatchFailure(response: Bundle): FhirError | undefined {
  for (const entry of response.entry ?? []) {
    const status = Number.parseInt(entry.response?.status ?? '', 10);
    if (Number.isFinite(status) && status >= 400) {
      return new FhirError(
        kindForStatus(status),
        `An entry of the batch failed with ${status}.`,
        status,
      );
    }
  }
  return undefined;
}
