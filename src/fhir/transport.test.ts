/**
 * The transport through real fhirclient and fetch, with msw as the network:
 * which URL is really requested, deadlines, Retry-After, and answers that
 * are cut short, not FHIR, or an OperationOutcome sent with 200.
 */
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type Client from 'fhirclient/lib/Client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TEST_FHIR_BASE, testClient } from '../../test/msw/fhirServer';
import { describeFhirError, FhirError } from './errors';
import { readResource } from './read';
import { searchAll, type RetryPolicy } from './search';
import type { Timer } from './timeout';
import { fhirclientTransport, refreshFailure } from './transport';

type Handler = (request: Request) => Response | Promise<Response>;
let ehr: Handler = () => HttpResponse.json({}, { status: 404 });
const seen: { url: string; auth: string | null }[] = [];
const elsewhere: string[] = [];

const server = setupServer(
  http.all(`${TEST_FHIR_BASE}/*`, ({ request }) => {
    seen.push({ url: request.url, auth: request.headers.get('authorization') });
    return ehr(request);
  }),
  http.all('*', ({ request }) => {
    elsewhere.push(request.url);
    return HttpResponse.json({ resourceType: 'Bundle', type: 'searchset' });
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  seen.length = 0;
  elsewhere.length = 0;
});
afterAll(() => server.close());

const noWait = (sleeps: number[] = []): RetryPolicy => ({
  attempts: 3,
  delayMs: () => 0,
  sleep: async (ms) => {
    sleeps.push(ms);
  },
});
const fhirJson = (body: string, status = 200) =>
  new HttpResponse(body, { status, headers: { 'Content-Type': 'application/fhir+json' } });
const task = (id: string) => ({
  resource: { resourceType: 'Task', id, status: 'requested', intent: 'order' },
});

describe('every URL the transport follows is checked as the browser parses it', () => {
  it('a next link with a tab in its scheme is not followed: no request, no token, elsewhere; what was read is kept and said as partial', async () => {
    ehr = () =>
      HttpResponse.json({
        resourceType: 'Bundle',
        type: 'searchset',
        link: [{ relation: 'next', url: 'http\t://other.example/fhir/Task?page=2' }],
        entry: [task('t1')],
      });
    const send = fhirclientTransport(testClient());
    const result = await searchAll(send, 'Task', {}, { retry: noWait() });
    expect(result.resources.map((t) => t.id)).toEqual(['t1']);
    expect(result).toMatchObject({ truncated: true, truncatedBy: 'off-server', requests: 1 });
    expect(elsewhere).toEqual([]);
    expect(seen.every((s) => s.url.startsWith(`${TEST_FHIR_BASE}/`))).toBe(true);
  });

  it('a relative next link is resolved against the base, and only the resolved URL is requested', async () => {
    ehr = (req) =>
      new URL(req.url).searchParams.get('page') === '2'
        ? HttpResponse.json({ resourceType: 'Bundle', type: 'searchset', entry: [task('t2')] })
        : HttpResponse.json({
            resourceType: 'Bundle',
            type: 'searchset',
            link: [{ relation: 'next', url: ' Task?page=2 ' }],
            entry: [task('t1')],
          });
    const result = await searchAll(fhirclientTransport(testClient()), 'Task', {});
    expect(result.resources.map((t) => t.id)).toEqual(['t1', 't2']);
    expect(seen.map((s) => s.url)).toEqual([
      `${TEST_FHIR_BASE}/Task?`,
      `${TEST_FHIR_BASE}/Task?page=2`,
    ]);
    expect(seen.every((s) => s.auth === 'Bearer test-token')).toBe(true);
  });

  it('a redirect to another origin is not followed; one below the base is', async () => {
    ehr = (req) =>
      new URL(req.url).pathname.endsWith('/Patient/p1')
        ? new HttpResponse(null, {
            status: 302,
            headers: { Location: 'https://other.example/fhir/Patient/p1' },
          })
        : new URL(req.url).pathname.endsWith('/Patient/p2')
          ? new HttpResponse(null, { status: 307, headers: { Location: 'p3' } })
          : HttpResponse.json({ resourceType: 'Patient', id: 'p3' });
    const send = fhirclientTransport(testClient());
    await expect(readResource(send, 'Patient', 'p1', noWait())).rejects.toMatchObject({
      fault: 'off-server',
    });
    expect(elsewhere).toEqual([]);
    const followed = await readResource(send, 'Patient', 'p2', noWait());
    expect(followed.resource.id).toBe('p3');
    expect(seen.map((s) => new URL(s.url).pathname)).toEqual([
      '/fhir/Patient/p1',
      '/fhir/Patient/p2',
      '/fhir/Patient/p3',
    ]);
  });

  it('an id that would climb out of the path is refused before anything is sent', async () => {
    await expect(
      readResource(fhirclientTransport(testClient()), 'Patient', '..', noWait()),
    ).rejects.toMatchObject({ kind: 'invalid-data' });
    expect(seen).toEqual([]);
  });
});

describe('a request that hangs times out with its own words', () => {
  it('the deadline aborts the request and says how long the app waited; no retry of a timeout', async () => {
    let release: () => void = () => undefined;
    const hung = new Promise<void>((r) => (release = r));
    let arrived: () => void = () => undefined;
    const reached = new Promise<void>((r) => (arrived = r));
    ehr = async () => {
      arrived();
      await hung;
      return HttpResponse.json({ resourceType: 'Bundle', type: 'searchset' });
    };
    const fire: (() => void)[] = [];
    const timer: Timer = (fn, ms) => {
      expect(ms).toBe(30_000);
      fire.push(fn);
      return () => undefined;
    };
    const send = fhirclientTransport(testClient(), { timeoutMs: 30_000, timer });
    const search = searchAll(send, 'Observation', {}, { retry: noWait() });
    await reached;
    fire.forEach((f) => f());
    const error = (await search.then(
      () => undefined,
      (e: unknown) => e,
    )) as FhirError;
    release();
    expect(error).toBeInstanceOf(FhirError);
    expect(error).toMatchObject({ kind: 'network', fault: 'timeout' });
    expect(describeFhirError(error)).toBe(
      'The EHR did not answer within 30 seconds, so the app stopped waiting. Try again in a moment.',
    );
    expect(seen).toHaveLength(1);
  });
});

describe('Retry-After', () => {
  it('a 503 with Retry-After is retried after the wait the server asked for', async () => {
    let n = 0;
    ehr = () =>
      ++n === 1
        ? HttpResponse.json({}, { status: 503, headers: { 'Retry-After': '3' } })
        : HttpResponse.json({ resourceType: 'Bundle', type: 'searchset', entry: [task('t1')] });
    const sleeps: number[] = [];
    const result = await searchAll(
      fhirclientTransport(testClient()),
      'Task',
      {},
      {
        retry: noWait(sleeps),
      },
    );
    expect(result.resources).toHaveLength(1);
    expect(sleeps).toEqual([3000]);
  });

  it('a 429 asking for longer than the app waits fails at once and says how long', async () => {
    ehr = () => HttpResponse.json({}, { status: 429, headers: { 'Retry-After': '120' } });
    const sleeps: number[] = [];
    const error = (await searchAll(
      fhirclientTransport(testClient()),
      'Task',
      {},
      {
        retry: noWait(sleeps),
      },
    ).catch((e: unknown) => e)) as FhirError;
    expect(error).toMatchObject({ kind: 'rate-limited', fault: 'busy', retryAfterMs: 120_000 });
    expect(describeFhirError(error)).toBe(
      'The EHR is busy and asked the app to wait 120 seconds. Try again after that.',
    );
    expect(seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('a write answered 429 says how long the server asked to wait (writes are never retried by the app)', () => {
    const e = new FhirError('rate-limited', 'The FHIR server answered 429.', 429, undefined, {
      retryAfterMs: 30_000,
    });
    expect(describeFhirError(e)).toBe(
      'The EHR is busy and asked the app to wait 30 seconds. Try again after that.',
    );
  });

  it('an HTTP-date Retry-After counts from now', async () => {
    const { retryAfterOf } = await import('./answers');
    const now = Date.parse('2025-01-01T00:00:00Z');
    const e = {
      status: 503,
      response: { headers: new Headers({ 'Retry-After': 'Wed, 01 Jan 2025 00:00:05 GMT' }) },
    };
    expect(retryAfterOf(e, now)).toBe(5000);
    expect(retryAfterOf({ ...e, status: 500 }, now)).toBe(undefined);
    // No clock to count from: the date cannot be read as a wait (delay-seconds still can).
    expect(retryAfterOf(e, undefined)).toBe(undefined);
  });
});

describe('answers that are cut short, not FHIR, or an OperationOutcome with 200', () => {
  it('JSON that ends early is "cut short", not "could not be reached"', async () => {
    ehr = () => fhirJson('{"resourceType":"Bundle","type":"searchset","entry":[{"resou');
    const error = (await searchAll(
      fhirclientTransport(testClient()),
      'Task',
      {},
      {
        retry: noWait(),
      },
    ).catch((e: unknown) => e)) as FhirError;
    expect(error).toMatchObject({ kind: 'network', fault: 'cut-short' });
    expect(describeFhirError(error)).toMatch(/cut short before it was complete/);
    expect(seen).toHaveLength(3); // a read: retried, as for any broken connection
  });

  it('an HTML page labelled JSON, or sent as HTML, is "not FHIR data", and not retried', async () => {
    for (const answer of [
      () => fhirJson('<!DOCTYPE html><html><body>Sign in</body></html>'),
      () =>
        new HttpResponse('<html><body>Sign in</body></html>', {
          headers: { 'Content-Type': 'text/html' },
        }),
    ]) {
      seen.length = 0;
      ehr = answer;
      const error = (await searchAll(
        fhirclientTransport(testClient()),
        'Task',
        {},
        {
          retry: noWait(),
        },
      ).catch((e: unknown) => e)) as FhirError;
      expect(error).toMatchObject({ kind: 'invalid-data', fault: 'not-fhir' });
      expect(describeFhirError(error)).toMatch(/not FHIR data/);
      expect(seen).toHaveLength(1);
    }
  });

  it('an OperationOutcome answered with 200 is a failure that quotes the server', async () => {
    ehr = () =>
      HttpResponse.json({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'too-costly', diagnostics: 'Search too broad' }],
      });
    const send = fhirclientTransport(testClient());
    const error = (await searchAll(send, 'Condition', {}).catch((e: unknown) => e)) as FhirError;
    expect(error).toMatchObject({
      kind: 'invalid-data',
      fault: 'outcome',
      outcome: 'Search too broad',
    });
    expect(describeFhirError(error)).toBe(
      'The EHR answered with a message instead of data: “Search too broad”.',
    );
    await expect(readResource(send, 'Patient', 'p1', noWait())).rejects.toMatchObject({
      fault: 'outcome',
    });
  });
});

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

describe('fhirclientTransport and the session', () => {
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

  it('a refresh that hangs is stopped by the request deadline and said as a timeout, not as the session ending', async () => {
    const request = vi.fn();
    const client = {
      state: { serverUrl: 'https://ehr.example.org/fhir' },
      refreshIfNeeded: ({ signal }: { signal: AbortSignal }) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason as Error)),
        ),
      request,
    } as unknown as Client;
    const fire: (() => void)[] = [];
    const timer: Timer = (fn) => {
      fire.push(fn);
      return () => undefined;
    };
    const pending = fhirclientTransport(client, { timeoutMs: 20_000, timer })({
      url: 'Task?patient=Patient/p1',
    }).catch((e: unknown) => e);
    fire.forEach((f) => f());
    const error = (await pending) as FhirError;
    expect(error).toBeInstanceOf(FhirError);
    expect(error).toMatchObject({ kind: 'network', fault: 'timeout' });
    expect(request).not.toHaveBeenCalled();
  });
});
