import type Client from 'fhirclient/lib/Client';
import { describe, expect, it, vi } from 'vitest';
import { FhirError } from './errors';
import { fhirclientTransport, refreshFailure } from './transport';

/** What fhirclient throws for an HTTP error: an Error with status and its words appended. */
function httpError(status: number, message: string): Error {
  return Object.assign(new Error(message), { status });
}

describe('refreshFailure', () => {
  it('a refused refresh ends the session, with the RFC 6749 code when there is one', () => {
    for (const status of [400, 401, 403]) {
      const e = refreshFailure(
        httpError(status, `${status} Bad\nURL: https://ehr/token\ninvalid_grant: expired`),
      );
      expect(e.kind).toBe('auth');
      expect(e.oauthError).toBe('invalid_grant');
      expect(e.status).toBe(status);
    }
    expect(
      refreshFailure(httpError(400, '400 Bad\nURL: x\nmade_up: x')).oauthError,
    ).toBeUndefined();
  });

  it('fhirclient finding it cannot refresh also ends the session; an unreachable server is a network problem', () => {
    expect(refreshFailure(new Error('Unable to refresh. No refresh_token found.')).kind).toBe(
      'auth',
    );
    expect(refreshFailure(new TypeError('Failed to fetch')).kind).toBe('network');
  });
});

describe('fhirclientTransport', () => {
  it('a refused refresh is reported as the session ending, and the request is never sent', async () => {
    const request = vi.fn();
    const client = {
      state: { serverUrl: 'https://ehr.example.org/fhir' },
      refreshIfNeeded: () =>
        Promise.reject(httpError(403, '403 Forbidden\nURL: https://ehr/token\ninvalid_grant')),
      request,
    } as unknown as Client;
    const send = fhirclientTransport(client);
    const error = await send({ url: 'Task?patient=Patient/p1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FhirError);
    expect((error as FhirError).kind).toBe('auth');
    expect((error as FhirError).oauthError).toBe('invalid_grant');
    expect(request).not.toHaveBeenCalled();
  });
});
