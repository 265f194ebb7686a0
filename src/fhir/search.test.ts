import type { Bundle, BundleEntry } from 'fhir/r4';
import { describe, expect, it } from 'vitest';
import { FhirError } from './errors';
import { searchAll, withRetry } from './search';
import type { FhirRequest, Transport } from './transport';

const noWait = { attempts: 3, delayMs: () => 0, sleep: async () => undefined };

function pages(bundles: Record<string, Bundle>): Transport & { calls: string[] } {
  const calls: string[] = [];
  const send = (async (req: FhirRequest) => {
    calls.push(req.url);
    const body = bundles[req.url];
    if (!body) throw new FhirError('not-found', 'no page', 404);
    return { status: 200, body };
  }) as Transport & { calls: string[] };
  send.calls = calls;
  return send;
}

describe('searchAll', () => {
  it('follows next links, keeps valid entries, reports malformed ones and separates includes', async () => {
    const send = pages({
      'Task?owner=PractitionerRole%2Fp1&_include=Task%3Apatient': {
        resourceType: 'Bundle',
        type: 'searchset',
        link: [{ relation: 'next', url: 'http://x/fhir/Task?page=2' }],
        entry: [
          {
            resource: { resourceType: 'Task', id: 't1', status: 'requested', intent: 'order' },
            search: { mode: 'match' },
          },
          {
            resource: { resourceType: 'Task', id: 't2', intent: 'order' } as never,
            search: { mode: 'match' },
          },
          { resource: { resourceType: 'Patient', id: 'p1' }, search: { mode: 'include' } },
        ],
      },
      'http://x/fhir/Task?page=2': {
        resourceType: 'Bundle',
        type: 'searchset',
        entry: [
          { resource: { resourceType: 'Task', id: 't3', status: 'accepted', intent: 'order' } },
          {
            resource: { resourceType: 'OperationOutcome', issue: [] } as never,
            search: { mode: 'outcome' },
          },
        ],
      },
    });
    const result = await searchAll(send, 'Task', {
      owner: 'PractitionerRole/p1',
      _include: 'Task:patient',
    });
    expect(result.resources.map((r) => r.id)).toEqual(['t1', 't3']);
    expect(result.included.map((r) => r.id)).toEqual(['p1']);
    expect(result.unreadable).toEqual([
      { reference: 'Task/t2', reason: expect.stringContaining('status') },
    ]);
    expect(result.requests).toBe(2);
    expect(result.truncated).toBe(false);
  });

  it('stops on a next link that loops, and says so', async () => {
    const loop: Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      link: [{ relation: 'next', url: 'Task?' }],
    };
    const result = await searchAll(pages({ 'Task?': loop }), 'Task', {});
    expect(result.requests).toBe(1);
    expect(result.truncated).toBe(true);
    expect(result.truncatedBy).toBe('loop');
  });

  it('keeps an entry repeated across pages once, in its newest version, and counts the repeat', async () => {
    const order = (id: string, version: string, value: number): BundleEntry => ({
      resource: {
        resourceType: 'MedicationRequest',
        id,
        meta: { versionId: version },
        status: 'active',
        intent: 'order',
        subject: { reference: 'Patient/p1' },
        dosageInstruction: [{ text: `${value} mg` }],
      },
    });
    const send = pages({
      'MedicationRequest?': {
        resourceType: 'Bundle',
        type: 'searchset',
        link: [{ relation: 'next', url: 'p2' }],
        entry: [order('a', '1', 10), order('b', '1', 20)],
      },
      p2: {
        resourceType: 'Bundle',
        type: 'searchset',
        // the server's data changed while paging: 'a' comes again, newer; 'b' again, same
        entry: [order('a', '2', 15), order('b', '1', 20), order('c', '1', 30)],
      },
    });
    const result = await searchAll(send, 'MedicationRequest', {});
    expect(result.resources.map((r) => [r.id, r.meta?.versionId])).toEqual([
      ['a', '2'],
      ['b', '1'],
      ['c', '1'],
    ]);
    expect(result.duplicates).toBe(2);
  });

  it('stops at the page limit and says that is why', async () => {
    const page = (n: number): Bundle => ({
      resourceType: 'Bundle',
      type: 'searchset',
      total: 10,
      link: [{ relation: 'next', url: `p${n + 1}` }],
      entry: [
        { resource: { resourceType: 'Task', id: `t${n}`, status: 'requested', intent: 'order' } },
      ],
    });
    const send = pages({ 'Task?': page(1), p2: page(2), p3: page(3) });
    const result = await searchAll(send, 'Task', {}, { maxPages: 2 });
    expect(result).toMatchObject({
      truncated: true,
      truncatedBy: 'page-limit',
      total: 10,
      requests: 2,
    });
    expect(result.resources).toHaveLength(2);
  });

  it('refuses an answer that is not a Bundle', async () => {
    const send: Transport = async () => ({
      status: 200,
      body: { resourceType: 'Patient', id: 'x' },
    });
    await expect(searchAll(send, 'Task', {})).rejects.toMatchObject({ kind: 'invalid-data' });
  });
});

describe('withRetry', () => {
  it('retries transient failures up to the limit', async () => {
    let n = 0;
    const value = await withRetry(async () => {
      n++;
      if (n < 3) throw new FhirError('server', 'boom', 503);
      return 'ok';
    }, noWait);
    expect(value).toBe('ok');
    expect(n).toBe(3);
  });

  it('does not retry what repeating cannot fix', async () => {
    for (const kind of ['auth', 'forbidden', 'conflict', 'not-found', 'invalid-data'] as const) {
      let n = 0;
      await expect(
        withRetry(async () => {
          n++;
          throw new FhirError(kind, kind);
        }, noWait),
      ).rejects.toMatchObject({ kind });
      expect(n).toBe(1);
    }
  });

  it('gives up after the last attempt', async () => {
    let n = 0;
    await expect(
      withRetry(async () => {
        n++;
        throw new FhirError('network', 'offline');
      }, noWait),
    ).rejects.toMatchObject({ kind: 'network' });
    expect(n).toBe(3);
  });
});

describe('isOnServer', () => {
  it('accepts relative URLs and absolute ones under the FHIR base only', async () => {
    const { isOnServer } = await import('./transport');
    const base = 'https://ehr.example.org/fhir/r4';
    expect(isOnServer('Task?page=2', base)).toBe(true);
    expect(isOnServer('https://ehr.example.org/fhir/r4/Task?page=2', base)).toBe(true);
    expect(isOnServer('https://ehr.example.org/fhir/r4', base)).toBe(true);
    for (const url of [
      'https://evil.example/fhir/r4/Task',
      'http://ehr.example.org/fhir/r4/Task', // downgrade to plain http
      'https://ehr.example.org/other/Task',
      'https://ehr.example.org/fhir/r4x/Task',
      '//evil.example/Task',
      'javascript:alert(1)',
    ]) {
      expect(isOnServer(url, base), url).toBe(false);
    }
  });
});

describe('updateResource', () => {
  it('sends nothing without a known version: an update without If-Match could overwrite a change', async () => {
    const { updateResource } = await import('./write');
    let sent = 0;
    const send: Transport = async () => {
      sent++;
      return { status: 200, body: {} };
    };
    const task = { resourceType: 'Task', id: 't1', status: 'accepted', intent: 'order' } as const;
    await expect(updateResource(send, task, undefined)).rejects.toMatchObject({
      kind: 'invalid-data',
    });
    expect(sent).toBe(0);
  });

  it('sends If-Match with the version it was given', async () => {
    const { updateResource } = await import('./write');
    const seen: FhirRequest[] = [];
    const send: Transport = async (req) => {
      seen.push(req);
      return { status: 200, etag: 'W/"2"', body: req.body };
    };
    const task = { resourceType: 'Task', id: 't1', status: 'accepted', intent: 'order' } as const;
    const saved = await updateResource(send, task, 'W/"1"');
    expect(seen[0]).toMatchObject({
      method: 'PUT',
      url: 'Task/t1',
      headers: { 'If-Match': 'W/"1"' },
    });
    expect(saved.etag).toBe('W/"2"');
  });
});
