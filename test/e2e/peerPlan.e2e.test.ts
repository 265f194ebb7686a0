/**
 * The peer-support plan write-back end to end: simulator launch as a
 * clinician, composer, preview, write to the sandbox EHR; then the sandbox's
 * repository is checked for exactly one plan and one set of Tasks. Against
 * the strict sandbox: typed references only, non-atomic transactions (a
 * failure part-way keeps what was written), the app framed cross-site.
 */
import { parseSearchRequest } from '@medplum/core';
import type { CarePlan, Task } from 'fhir/r4';
import type { Frame } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRICT } from '../sandbox/behaviour';
import { launchFromSimulator, startStack, type Stack } from './stack';

const CAREPLAN_SID = 'https://peer-recovery.example.org/fhir/sid/careplan';
const TASK_SID = 'https://peer-recovery.example.org/fhir/sid/task';
const UUID = /^[0-9a-f-]{36}$/;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ strict: STRICT });
});
afterAll(async () => {
  await stack?.close();
});

async function search<T>(query: string): Promise<T[]> {
  return (await stack.sandbox.repository.searchResources(parseSearchRequest(query))) as T[];
}
/** Plans and Tasks the app wrote (identifiers it generated are UUIDs; the cohort's are not). */
const appPlans = async (patient: string) =>
  (await search<CarePlan>(`CarePlan?subject=Patient/${patient}`)).filter((p) =>
    p.identifier?.some((i) => i.system === CAREPLAN_SID && UUID.test(i.value ?? '')),
  );
const appTasks = async (patient: string) =>
  (await search<Task>(`Task?subject=Patient/${patient}`)).filter((t) =>
    t.identifier?.some((i) => i.system === TASK_SID && UUID.test(i.value ?? '')),
  );
const bundlePosts = () =>
  stack.sandbox.requestLog.filter((r) => r.method === 'POST' && /^\/fhir\/?$/.test(r.path));

async function open(patientKey: string) {
  const { page, context } = await stack.newPage();
  const frame = await launchFromSimulator(stack, page, { patientKey, userId: 'dr-okafor' });
  return { page, context, frame };
}

/** Opens the composer, chooses the peer, makes sure there is a follow-up, previews; returns the Task count. */
async function compose(frame: Frame, button: 'Start peer support' | 'Add follow-up') {
  await frame.getByRole('button', { name: button }).click({ timeout: 30_000 });
  await frame.getByLabel('Peer', { exact: true }).selectOption({ label: 'Jordan Morales' });
  const tasks = frame.getByRole('group', { name: /^Follow-up \d/ });
  if ((await tasks.count()) === 0) {
    await frame.getByRole('button', { name: 'Add a follow-up' }).click();
    await frame.getByLabel('Context for the peer').fill('Check in this week and offer support.');
  }
  const n = await tasks.count();
  await frame.getByRole('button', { name: 'Preview' }).click();
  await frame.getByRole('heading', { name: 'Preview' }).waitFor();
  return n;
}

describe('peer-support plan write-back in the sandbox EHR', () => {
  it('a new plan, double-clicked: one request, one CarePlan, one set of Tasks, shown as open follow-ups', async () => {
    const { context, frame } = await open('taper-rapid');
    const n = await compose(frame, 'Start peer support');
    stack.sandbox.clearRequestLog();
    await frame.getByRole('button', { name: 'Write to the EHR' }).dblclick();
    await frame.getByText(/Peer support plan written/).waitFor({ timeout: 30_000 });
    expect(bundlePosts()).toHaveLength(1);
    const plans = await appPlans('taper-rapid');
    expect(plans).toHaveLength(1);
    const tasks = await appTasks('taper-rapid');
    expect(tasks).toHaveLength(n);
    expect(tasks.every((t) => t.basedOn?.[0]?.reference === `CarePlan/${plans[0]?.id}`)).toBe(true);
    expect(await search(`Provenance?patient=Patient/taper-rapid`)).toHaveLength(1);
    // the summary was read again: the new Tasks are listed as open
    const list = frame.getByRole('list', { name: 'Open peer follow-ups' });
    await expect.poll(() => list.getByRole('listitem').count(), { timeout: 30_000 }).toBe(n);
    await frame.getByRole('button', { name: 'Add follow-up' }).waitFor();
    await context.close();
  });

  it('adding to an existing plan, the first transaction answered 500: Retry writes the Tasks once', async () => {
    const { context, frame } = await open('lapsed-supply');
    const plansBefore = await search<CarePlan>('CarePlan?subject=Patient/lapsed-supply');
    const n = await compose(frame, 'Add follow-up');
    stack.sandbox.failNext({ method: 'POST', path: /^\/?$/, count: 1, status: 500 });
    await frame.getByRole('button', { name: 'Write to the EHR' }).click();
    const alert = frame.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/draft is kept/);
    expect(await appTasks('lapsed-supply')).toHaveLength(0);
    await frame.getByRole('button', { name: 'Retry' }).click();
    await frame.getByText(/Follow-ups added/).waitFor({ timeout: 30_000 });
    const tasks = await appTasks('lapsed-supply');
    expect(tasks).toHaveLength(n);
    expect(await search<CarePlan>('CarePlan?subject=Patient/lapsed-supply')).toHaveLength(
      plansBefore.length,
    );
    const planId = plansBefore.find((p) => p.status === 'active')?.id;
    expect(tasks.every((t) => t.basedOn?.[0]?.reference === `CarePlan/${planId}`)).toBe(true);
    await context.close();
  });

  it('a transaction failing part-way on a non-atomic server keeps what it wrote: Retry completes it, still one of each', async () => {
    const { context, frame } = await open('methadone-otp');
    const n = await compose(frame, 'Start peer support');
    // the server writes the CareTeam and the CarePlan, then fails on the first Task
    stack.sandbox.repository.failNextCreate('Task');
    await frame.getByRole('button', { name: 'Write to the EHR' }).click();
    const alert = frame.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/draft is kept/);
    expect(await appPlans('methadone-otp')).toHaveLength(1); // partly written: the plan is there
    expect(await appTasks('methadone-otp')).toHaveLength(0);
    await frame.getByRole('button', { name: 'Retry' }).click();
    await frame.getByText(/Peer support plan written/).waitFor({ timeout: 30_000 });
    const plans = await appPlans('methadone-otp');
    expect(plans).toHaveLength(1);
    const tasks = await appTasks('methadone-otp');
    expect(tasks).toHaveLength(n);
    expect(tasks.every((t) => t.basedOn?.[0]?.reference === `CarePlan/${plans[0]?.id}`)).toBe(true);
    expect(await search(`Provenance?patient=Patient/methadone-otp`)).toHaveLength(1);
    await context.close();
  });

  it('reload then retry after a failed write: the draft is restored and one plan is written', async () => {
    const { context, frame } = await open('abrupt-discontinuation');
    const n = await compose(frame, 'Start peer support');
    stack.sandbox.failNext({ method: 'POST', path: /^\/?$/, count: 1, status: 503 });
    await frame.getByRole('button', { name: 'Write to the EHR' }).click();
    await frame.getByRole('alert').waitFor();
    await frame.goto(frame.url()); // reload the app inside the EHR frame
    await frame
      .getByText(/draft that was not written yet was restored/)
      .waitFor({ timeout: 30_000 });
    await frame.getByRole('button', { name: 'Preview' }).click();
    await frame.getByRole('button', { name: 'Write to the EHR' }).click();
    await frame.getByText(/Peer support plan written/).waitFor({ timeout: 30_000 });
    expect(await appPlans('abrupt-discontinuation')).toHaveLength(1);
    expect(await appTasks('abrupt-discontinuation')).toHaveLength(n);
    await context.close();
  });
});

describe('the EHR refuses to renew the session', () => {
  const TTL_SECONDS = 15;
  let ending: Stack;
  beforeAll(async () => {
    // Same site (the draft is kept in the tab), refresh allowed until the test refuses it.
    ending = await startStack({
      strict: {
        ...STRICT,
        crossSiteApp: false,
        refreshRefused: false,
        noRefreshTokenForPublicClients: false,
      },
      accessTokenTtlSeconds: TTL_SECONDS,
    });
  });
  afterAll(async () => {
    await ending?.close();
  });

  it('says the session ended, with invalid_grant, on the first try; nothing is written; the draft is back when the app is opened again', async () => {
    const { page, context } = await ending.newPage();
    let frame = await launchFromSimulator(ending, page, {
      patientKey: 'taper-gradual',
      userId: 'dr-okafor',
    });
    await compose(frame, 'Start peer support');
    // The EHR session ends: the token endpoint now refuses refresh (400 invalid_grant).
    ending.sandbox.setBehaviour({ refreshRefused: true });
    // fhirclient renews a token in its last 10 seconds: wait until this one is there.
    await new Promise((r) => setTimeout(r, (TTL_SECONDS - 10 + 1) * 1000));
    ending.sandbox.clearRequestLog();
    await frame.getByRole('button', { name: 'Write to the EHR' }).click();
    const alert = frame.getByRole('alert');
    await alert.waitFor();
    const words = (await alert.textContent()) ?? '';
    expect(words).toContain(
      'Your session with the EHR has ended — open the app again from the chart.',
    );
    expect(words).toContain('invalid_grant');
    expect(words).not.toMatch(/permissions/);
    expect(words).toMatch(/draft is kept/);
    expect(ending.sandbox.requestLog.filter((r) => r.method === 'POST')).toEqual([]);

    // Opened again from the chart: a new launch, and the unsent draft is there.
    ending.sandbox.setBehaviour({ refreshRefused: false });
    frame = await launchFromSimulator(ending, page, {
      patientKey: 'taper-gradual',
      userId: 'dr-okafor',
    });
    await frame
      .getByText(/draft that was not written yet was restored/)
      .waitFor({ timeout: 30_000 });
    await context.close();
  });
});
