/**
 * The clinician's summary, end to end against the strict sandbox: every
 * switch of test/sandbox/behaviour.ts on (typed references only, Observation
 * searches need a category, active-only MedicationRequests without status,
 * opaque tokens, app framed from another site with third-party storage
 * blocked, so the app continues in a window of its own).
 */
import type { Frame } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOf, type PatientRecord } from '../../src/domain/core';
import { deriveAll } from '../../src/domain/derive';
import { STRICT } from '../sandbox/behaviour';
import {
  inOwnWindow,
  launchFromSimulator,
  seriousViolations,
  startStack,
  type Stack,
} from './stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ strict: STRICT });
});
afterAll(async () => {
  await stack?.close();
});

/** What the engine says for a cohort patient, from the same resources the sandbox serves. */
function derived(key: string) {
  const p = stack.sandbox.cohort.patients.find((x) => x.key === key);
  if (!p) throw new Error(`no cohort patient ${key}`);
  const all = [...stack.sandbox.cohort.shared, ...p.resources];
  const of = <T>(type: string) => all.filter((r) => r.resourceType === type) as T[];
  const record: PatientRecord = {
    patient: of<NonNullable<PatientRecord['patient']>>('Patient')[0],
    medicationRequests: of('MedicationRequest'),
    medications: of('Medication'),
    medicationDispenses: of('MedicationDispense'),
    medicationAdministrations: of('MedicationAdministration'),
    conditions: of('Condition'),
    encounters: of('Encounter'),
    observations: of('Observation'),
    tasks: of('Task'),
    carePlans: of('CarePlan'),
  };
  return deriveAll(record, dayOf(new Date()));
}

async function open(key: string): Promise<Frame> {
  const user = stack.sandbox.cohort.users.find((u) => u.role === 'clinician')!;
  const { page } = await stack.newPage();
  const frame = await launchFromSimulator(stack, page, { patientKey: key, userId: user.id });
  await frame.locator('section.summary[data-ready="true"]').waitFor({ timeout: 30_000 });
  return frame;
}

const text = (frame: Frame, name: string) =>
  frame.getByRole('region', { name, exact: true }).innerText();

describe('clinician summary in the sandbox EHR', () => {
  it('stable-buprenorphine: engaged, covered, tests consistent with the prescription; no serious axe violations', async () => {
    const s = derived('stable-buprenorphine');
    const frame = await open('stable-buprenorphine');
    // strict: framed cross-site with storage blocked, the app continued in its own window
    expect(inOwnWindow(frame)).toBe(true);
    // and every search the summary sent was one the strict server accepts
    expect(stack.sandbox.requestLog.filter((r) => r.status >= 400)).toEqual([]);
    const head = await text(frame, 'Engagement at a glance');
    expect(head).toContain(`Overall engagement:`);
    expect(head).toContain(s.engagement.overall);
    expect(s.engagement.overall).toBe('Engaged');
    for (const d of ['medication', 'visits', 'tests', 'peer'] as const)
      expect(head).toContain(s.engagement.dimensions[d].reasons[0]);
    const cov = await text(frame, 'MOUD coverage');
    expect(cov).toContain('Covered today');
    expect(cov).toContain('100% (90 of 90 days)');
    expect(cov).toContain('Projected run-out');
    expect(await text(frame, 'Urine drug tests')).toContain('consistent with the prescription');
    expect(await seriousViolations(frame)).toEqual([]);
    await frame.page().context().close();
  });

  it('lapsed-supply: supply ran out 10 days ago, missed visit, unclaimed peer task', async () => {
    const frame = await open('lapsed-supply');
    expect(await text(frame, 'Engagement at a glance')).toContain(
      'Buprenorphine supply ran out 10 days ago.',
    );
    const cov = await text(frame, 'MOUD coverage');
    expect(cov).toContain('Supply has lapsed');
    expect(cov).toContain('still open today');
    expect(await text(frame, 'Visits')).toContain('9 days ago');
    expect(await text(frame, 'Peer recovery support')).toContain('Not yet claimed');
    expect(await seriousViolations(frame)).toEqual([]);
    await frame.page().context().close();
  });

  it('fentanyl-detected: the risk flag and the detected result, in neutral words', async () => {
    const s = derived('fentanyl-detected');
    const signal = s.drugTests.signals.find((x) => x.kind === 'overdose-risk');
    const frame = await open('fentanyl-detected');
    const head = await text(frame, 'Engagement at a glance');
    expect(head).toContain('Fentanyl detected');
    expect(head).toContain(signal!.text);
    const tests = await text(frame, 'Urine drug tests');
    expect(tests).toMatch(/Fentanyl\s+Detected/);
    expect(await seriousViolations(frame)).toEqual([]);
    await frame.page().context().close();
  });

  it('taper-rapid: taper state, pace, baseline and today’s MME; arithmetic on focus', async () => {
    const s = derived('taper-rapid');
    const frame = await open('taper-rapid');
    const mme = await text(frame, 'Opioid dose and taper');
    expect(mme).toContain(s.taper.text);
    expect(mme).toContain(`−${s.taper.pacePctPer30Days}% of baseline per month`);
    expect(mme).toMatch(/Baseline\s+120 MME\/day/);
    expect(mme).toMatch(/Today\s+60 MME\/day/);
    const region = frame.getByRole('region', { name: 'Opioid dose and taper', exact: true });
    const bar = region.getByRole('img', { name: /oxycodone/i }).last();
    await bar.focus();
    expect(await region.locator('.chart__readout').innerText()).toMatch(/= 60 MME\/day/);
    expect(await seriousViolations(frame)).toEqual([]);
    await frame.page().context().close();
  });

  it('awkward-data: still a full summary at 800×600, evidence opens by keyboard', async () => {
    const s = derived('awkward-data');
    const frame = await open('awkward-data');
    await frame.page().setViewportSize({ width: 800, height: 600 });
    expect(await text(frame, 'MOUD coverage')).toContain('Covered today');
    expect(await text(frame, 'Urine drug tests')).not.toContain('overdose risk');
    const unreadable = new Set(s.unreadable.map((u) => u.reference)).size;
    const notice = frame.getByText(/could not be interpreted/);
    if (unreadable === 0) expect(await notice.count()).toBe(0);
    const evidence = frame.getByRole('button', { name: 'Evidence: Medication' });
    await evidence.focus();
    await frame.page().keyboard.press('Enter');
    expect(await evidence.getAttribute('aria-expanded')).toBe('true');
    // no horizontal scrolling inside the app frame
    const overflow = await frame.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(1);
    expect(await seriousViolations(frame)).toEqual([]);
    await frame.page().context().close();
  });
});
