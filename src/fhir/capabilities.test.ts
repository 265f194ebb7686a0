import { describe, expect, it } from 'vitest';
import { capabilitiesFrom, readCapabilities } from './capabilities';
import { FhirError } from './errors';

describe('capabilitiesFrom', () => {
  it('reads system interactions, includes, interactions and search parameters', () => {
    const caps = capabilitiesFrom({
      resourceType: 'CapabilityStatement',
      status: 'active',
      date: '2026-01-01',
      kind: 'instance',
      fhirVersion: '4.0.1',
      format: ['json'],
      rest: [
        {
          mode: 'server',
          interaction: [{ code: 'batch' }],
          resource: [
            {
              type: 'Task',
              interaction: [{ code: 'read' }, { code: 'update' }],
              searchInclude: ['Task:patient'],
              searchParam: [{ name: 'owner', type: 'reference' }],
            },
          ],
        },
      ],
    });
    expect(caps).toMatchObject({ known: true, transaction: false, batch: true });
    expect(caps.includes.Task).toEqual(['Task:patient']);
    expect(caps.interactions.Task).toEqual(['read', 'update']);
    expect(caps.searchParams.Task).toEqual(['owner']);
  });

  it('assumes only the basics when the server says nothing', async () => {
    const caps = await readCapabilities(async () => {
      throw new FhirError('not-found', 'no metadata', 404);
    });
    expect(caps).toMatchObject({ known: false, transaction: false, batch: false });
  });
});
