/**
 * The Integration check against a sandbox with transactions and `_include`
 * switched off: the page shows both as missing with how the app adapts, and
 * the chart still loads (medications in a second request).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRICT } from '../sandbox/behaviour';
import { launchFromSimulator, startStack, type Stack } from './stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ disabled: { transaction: true, include: true } });
});
afterAll(async () => {
  await stack?.close();
});

describe('Integration check on a server without transaction and _include', () => {
  it('shows them as not advertised, says how the app adapts, and the chart still works', async () => {
    const clinician = stack.sandbox.cohort.users.find((u) => u.role === 'clinician');
    const patient = stack.sandbox.cohort.patients.find((p) => p.key === 'awkward-data');
    if (!clinician || !patient) throw new Error('cohort changed');
    const { page, context } = await stack.newPage();
    const frame = await launchFromSimulator(stack, page, {
      patientKey: patient.key,
      userId: clinician.id,
    });
    await frame.getByRole('heading', { name: /Treatment engagement/ }).waitFor();

    // Degrades: _include ignored, so the referenced Medication is read one by one in a second round.
    await expect
      .poll(() => stack.sandbox.requestLog.some((e) => e.resourceType === 'Medication'), {
        timeout: 30_000,
      })
      .toBe(true);

    await frame.getByRole('link', { name: 'Integration check' }).click();
    await frame.getByRole('heading', { name: 'Integration check', level: 1 }).waitFor();
    expect(new URL(frame.url()).hash).toBe('#integration');

    const row = (label: string) =>
      frame.locator('tr', { has: frame.getByRole('rowheader', { name: label, exact: true }) });
    await expect
      .poll(() => row('Patient — read').getAttribute('data-verdict'), { timeout: 30_000 })
      .toBe('works');
    expect(await row('Transaction (POST to the base)').textContent()).toContain('Not advertised');
    const include = row('MedicationRequest — _include=MedicationRequest:medication');
    expect(await include.getAttribute('data-verdict')).toBe('missing');
    // The worklist no longer asks for _include=Task:patient (whole records); it searches people with _elements.
    expect(await row('Task — _include=Task:patient').count()).toBe(0);
    expect(await row('Patient — search').count()).toBe(1);
    // One plan per patient: this server advertises conditional create, so the business key is the If-None-Exist.
    expect(await frame.locator('[data-business-keys]').getAttribute('data-business-keys')).toBe(
      'conditional-create',
    );
    for (const label of [
      'Observation — search',
      'MedicationRequest — search',
      'Encounter — search',
    ])
      expect(await row(label).getAttribute('data-verdict'), label).toBe('works');

    const adapts = frame
      .getByRole('heading', { name: 'How the app adapts to this server' })
      .locator('xpath=following-sibling::*[1]');
    const words = (await adapts.textContent()) ?? '';
    expect(words).toContain('Transaction (POST to the base) is not advertised');
    expect(words).toContain('batches of conditional creates');
    expect(words).toContain('read one by one in a second round');

    // The check wrote nothing, and shows no patient data.
    expect(
      stack.sandbox.requestLog.filter((e) => e.method !== 'GET' && e.method !== 'OPTIONS'),
    ).toEqual([]);
    const text = (await frame.locator('body').textContent()) ?? '';
    expect(text).not.toContain(patient.name);
    expect(text).not.toContain(patient.key);
    expect(frame.url()).not.toContain(patient.key);

    // Back to the chart.
    await frame.getByRole('link', { name: 'Back to the app' }).click();
    await frame.getByRole('heading', { name: /Treatment engagement/ }).waitFor();
    expect(stack.foreignRequests).toEqual([]);
    await context.close();
  });
});

describe('Integration check from the peer worklist, on the strict sandbox', () => {
  let strict: Stack;
  beforeAll(async () => {
    strict = await startStack({ strict: STRICT });
  });
  afterAll(async () => {
    await strict?.close();
  });

  it('shows at once what the server does with the worklist’s searches, and only the worklist’s adaptations', async () => {
    const { page, context } = await strict.newPage();
    const frame = await launchFromSimulator(strict, page, { userId: 'peer-morales' });
    await frame.getByRole('heading', { name: 'Peer follow-up worklist' }).waitFor();
    await frame.getByRole('link', { name: 'Integration check' }).click();
    await frame.getByRole('heading', { name: 'Integration check', level: 1 }).waitFor();
    const probe = (id: string) => frame.locator(`tr[data-probe="${id}"]`);
    const settled = async (id: string) => {
      await expect
        .poll(() => probe(id).getAttribute('data-verdict'), { timeout: 30_000 })
        .not.toBe('pending');
      return (await probe(id).textContent()) ?? '';
    };
    expect(await settled('worklist:roles')).toMatch(/1 role found/);
    expect(await settled('references:practitioner')).toMatch(
      /a bare id found none\. This server needs typed references/,
    );
    expect(await settled('worklist:owned')).toMatch(/owned by the user or 1 role/);
    expect(await settled('worklist:unowned')).toMatch(/ignored owner:missing/);
    expect(await probe('worklist:unowned').getAttribute('data-verdict')).toBe('failed');
    const adapts =
      (await frame
        .getByRole('heading', { name: 'How the app adapts to this server' })
        .locator('xpath=following-sibling::*[1]')
        .textContent()) ?? '';
    expect(adapts).toContain('owner:missing is ignored');
    expect(adapts).not.toContain('MedicationRequest');
    // read-only; no ids of the user on the page
    expect(strict.sandbox.requestLog.filter((e) => e.method !== 'GET')).toEqual([]);
    expect((await frame.locator('body').textContent()) ?? '').not.toContain('peer-morales');
    await context.close();
  });
});
