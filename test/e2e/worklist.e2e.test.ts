/**
 * The peer's loop, end to end against the strict sandbox (bare-id reference
 * searches match nothing, `:missing` ignored, the app framed cross-site, …):
 * a peer launches from the simulator with no patient (worklist profile),
 * sees the follow-ups assigned to their PractitionerRole, accepts and
 * completes one with an outcome; the clinician then opens that patient and
 * the summary shows the completed Task. Two browser contexts updating the
 * same Task: the second gets the 412 path and neither change is lost.
 * Minimum necessary, on a server that honours `owner:missing`: a peer's
 * browser never receives another peer's Task or that person's record.
 */
import type { Patient, Task } from 'fhir/r4';
import type { Frame } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateAgainstProfiles } from '../../fhir-profiles/validate';
import { STRICT } from '../sandbox/behaviour';
import { launchFromSimulator, seriousViolations, startStack, type Stack } from './stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ strict: STRICT });
});
afterAll(async () => {
  await stack?.close();
});

function cohortPatient(key: string): Patient {
  return stack.sandbox.cohort.patients
    .find((x) => x.key === key)
    ?.resources.find((r) => r.resourceType === 'Patient') as Patient;
}

function patientName(key: string): string {
  const p = cohortPatient(key);
  const n = p.name?.[0];
  return n?.text ?? `${n?.given?.join(' ')} ${n?.family}`;
}

async function serverTask(id: string): Promise<Task> {
  return (await stack.sandbox.repository.readResource('Task', id)) as unknown as Task;
}

async function openTask(frame: Frame, key: string) {
  await frame.getByRole('table').waitFor();
  await frame.getByRole('button', { name: patientName(key) }).click();
  const detail = frame.getByRole('region', { name: `Follow-up with ${patientName(key)}` });
  await detail.waitFor();
  return detail;
}

describe('peer worklist, end to end', () => {
  it('a peer sees the follow-ups assigned to their role, accepts and completes one; the clinician sees the loop closed', async () => {
    const peer = await stack.newPage();
    const frame = await launchFromSimulator(stack, peer.page, { userId: 'peer-morales' });
    // the worklist, not the chart; the launch asked for the worklist (user-level) scopes
    await frame.getByRole('heading', { name: 'Peer follow-up worklist' }).waitFor();
    await frame.getByRole('table').waitFor();
    // ed-visit's Task is assigned to peer-morales's PractitionerRole: found by the typed role search
    expect(
      (await serverTask('ed-visit-peer-task-1')).owner?.reference?.startsWith('PractitionerRole/'),
    ).toBe(true);
    await frame.getByRole('button', { name: patientName('ed-visit') }).waitFor();
    // this server ignores owner:missing, so peer-baker's Task may reach the browser; it is not shown
    expect(
      await frame.getByRole('button', { name: patientName('fentanyl-detected') }).count(),
    ).toBe(0);
    const detail = await openTask(frame, 'ed-visit');
    await detail.getByRole('button', { name: 'Accept', exact: true }).click();
    await detail.getByText('Saved: accepted.').waitFor();
    await detail.getByText('Complete…', { exact: true }).click();
    expect(await seriousViolations(frame)).toEqual([]);
    const complete = detail.getByRole('form', { name: 'Complete' });
    await complete.getByRole('radio', { name: 'Reached', exact: true }).check();
    await complete.getByLabel(/^Note/).fill('Spoke by phone; wound check booked for Monday.');
    await complete.getByRole('button', { name: 'Complete follow-up' }).click();
    await detail.getByText('Saved: completed — Reached.').waitFor();
    expect(new URL(frame.url()).search).not.toMatch(/ed-visit/);

    const task = await serverTask('ed-visit-peer-task-1');
    expect(task.status).toBe('completed');
    expect(validateAgainstProfiles(task)).toEqual([]);
    await peer.context.close();

    const clinician = await stack.newPage();
    const chart = await launchFromSimulator(stack, clinician.page, {
      patientKey: 'ed-visit',
      userId: 'dr-okafor',
    });
    const section = chart.getByRole('region', { name: 'Peer recovery support' });
    await section.waitFor({ timeout: 30_000 });
    const closed = section.locator('li', { hasText: 'Emergency or inpatient visit' });
    await closed.getByText('Reached').first().waitFor();
    expect(await closed.textContent()).toMatch(/wound check booked for Monday/);
    await clinician.context.close();
  });

  it('two browser contexts update the same Task: the second gets the 412 path and neither change is lost', async () => {
    // fentanyl-detected's Task is accepted and owned by peer-baker; made 'asap' here
    const before = await serverTask('fentanyl-detected-peer-task-1');
    await stack.sandbox.repository.updateResource({
      ...before,
      priority: 'asap',
    } as unknown as Parameters<typeof stack.sandbox.repository.updateResource>[0]);
    const a = await stack.newPage();
    const b = await stack.newPage();
    const frameA = await launchFromSimulator(stack, a.page, { userId: 'peer-baker' });
    const frameB = await launchFromSimulator(stack, b.page, { userId: 'peer-baker' });
    // the most urgent first, its priority in words
    await frameA.getByRole('table').waitFor();
    const firstRow = frameA.getByRole('row').nth(1);
    expect(await firstRow.getByRole('rowheader').textContent()).toBe(
      patientName('fentanyl-detected'),
    );
    expect(await firstRow.textContent()).toMatch(/As soon as possible/);
    const detailA = await openTask(frameA, 'fentanyl-detected');
    const detailB = await openTask(frameB, 'fentanyl-detected');

    const record = async (
      detail: ReturnType<Frame['getByRole']>,
      outcome: string,
      note: string,
    ) => {
      if (!(await detail.getByRole('form', { name: 'Record a contact attempt' }).isVisible()))
        await detail.getByText('Record a contact attempt…').click();
      const form = detail.getByRole('form', { name: 'Record a contact attempt' });
      await form.getByRole('radio', { name: outcome, exact: true }).check();
      await form.getByLabel(/What happened/).fill(note);
      await form.getByRole('button', { name: 'Save attempt' }).click();
      return form;
    };
    await record(detailA, 'Not reached', 'Called at 9, no answer (A).');
    await detailA.getByText('Saved: in progress.').waitFor();

    const formB = await record(detailB, 'Reached', 'Met at the clinic; naloxone kit given (B).');
    const alert = detailB.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Someone else changed this follow-up/);
    expect(await alert.textContent()).toMatch(/status: accepted → in-progress/);
    expect(await formB.getByLabel(/What happened/).inputValue()).toBe(
      'Met at the clinic; naloxone kit given (B).',
    );
    await formB.getByRole('button', { name: 'Save attempt' }).click();
    await detailB.getByText('Saved: in progress.').waitFor();

    const notes = ((await serverTask('fentanyl-detected-peer-task-1')).output ?? []).map(
      (o) => o.valueAnnotation?.text,
    );
    expect(notes).toEqual([
      'Not reached: Called at 9, no answer (A).',
      'Reached: Met at the clinic; naloxone kit given (B).',
    ]);
    await a.context.close();
    await b.context.close();
  });

  it('a claim records the peer’s PractitionerRole as owner, as a clinician assigns', async () => {
    const peer = await stack.newPage();
    const frame = await launchFromSimulator(stack, peer.page, { userId: 'peer-morales' });
    const detail = await openTask(frame, 'lapsed-supply');
    await detail.getByRole('button', { name: 'Claim this follow-up' }).click();
    await detail.getByText('Saved: accepted.').waitFor();
    const claimed = await serverTask('lapsed-supply-peer-task-1');
    expect(claimed.owner?.reference).toBe(
      `PractitionerRole/${stack.sandbox.cohort.users.find((u) => u.id === 'peer-morales')?.practitionerRoleId}`,
    );
    await peer.context.close();
  });
});

describe('minimum necessary, on a server that honours owner:missing', () => {
  let honest: Stack;
  beforeAll(async () => {
    honest = await startStack({ strict: { ...STRICT, missingModifierIgnored: false } });
  });
  afterAll(async () => {
    await honest?.close();
  });

  it('a peer’s browser never receives another peer’s Task or that person’s record', async () => {
    const peer = await honest.newPage();
    // Every FHIR answer the browser receives (in any window), to check what reached it.
    const bodies: Promise<string>[] = [];
    peer.context.on('response', (r) => {
      if (/\/fhir\/(Task|Patient|PractitionerRole)/.test(r.url()))
        bodies.push(r.text().catch(() => ''));
    });
    const frame = await launchFromSimulator(honest, peer.page, { userId: 'peer-morales' });
    await frame.getByRole('table').waitFor();
    // fentanyl-detected's Task belongs to peer-baker: neither it nor that person reached this peer
    const received = (await Promise.all(bodies)).join('\n');
    expect(received).toContain('ed-visit-peer-task-1');
    expect(received).not.toContain('fentanyl-detected-peer-task-1');
    const other = honest.sandbox.cohort.patients
      .find((x) => x.key === 'fentanyl-detected')
      ?.resources.find((r) => r.resourceType === 'Patient') as Patient;
    expect(other.id).toBeTruthy();
    expect(received).not.toContain(`"Patient/${other.id}"`);
    expect(received).not.toContain(`"id":"${other.id}"`);
    for (const phone of (other.telecom ?? []).filter((t) => t.system === 'phone')) {
      expect(phone.value).toBeTruthy();
      expect(received).not.toContain(phone.value as string);
    }
    await peer.context.close();
  });
});
