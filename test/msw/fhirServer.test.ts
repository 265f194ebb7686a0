import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fhirclientTransport } from '../../src/fhir/transport';
import { searchAll } from '../../src/fhir/search';
import { startTestFhir, testClient, type TestFhir } from './fhirServer';
import { IO_TEST_TIMEOUT_MS } from '../fixtures/timeouts';

// I/O-heavy: a hang guard sized for a shared 2-core machine (test/fixtures/timeouts.ts).
vi.setConfig({ testTimeout: IO_TEST_TIMEOUT_MS, hookTimeout: IO_TEST_TIMEOUT_MS });

let fhir: TestFhir;
beforeAll(async () => {
  fhir = await startTestFhir([
    { resourceType: 'Patient', id: 'p1' },
    ...Array.from({ length: 5 }, (_, i) => ({
      resourceType: 'Task' as const,
      id: `t${i}`,
      status: 'requested' as const,
      intent: 'order' as const,
      for: { reference: 'Patient/p1' },
    })),
  ]);
});
afterAll(() => fhir.close());

describe('msw in front of the in-memory engine', () => {
  it('serves real searches with paging through fhirclient', async () => {
    const send = fhirclientTransport(testClient({ patient: 'p1' }));
    const result = await searchAll(send, 'Task', { patient: 'p1', _count: '2' });
    expect(result.resources.map((t) => t.id).sort()).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(result.requests).toBe(3);
  });

  it('injects failures when asked', async () => {
    fhir.failWhen((method, url) =>
      url.pathname.endsWith('/Patient/p1') ? { status: 503 } : undefined,
    );
    const send = fhirclientTransport(testClient({ patient: 'p1' }));
    await expect(send({ url: 'Patient/p1' })).rejects.toMatchObject({
      kind: 'server',
      status: 503,
    });
    fhir.clearFailures();
    expect((await send({ url: 'Patient/p1' })).status).toBe(200);
  });

  it('never sends the token to a link outside the FHIR server', async () => {
    const send = fhirclientTransport(testClient({ patient: 'p1' }));
    const before = fhir.requests.length;
    await expect(send({ url: 'http://evil.test/fhir/Task?page=2' })).rejects.toMatchObject({
      kind: 'invalid-data',
    });
    expect(fhir.requests.length).toBe(before);
  });
});
