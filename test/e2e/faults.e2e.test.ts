/**
 * Fault-injection where the screen matters: the production build in
 * Chromium beside the sandbox EHR, with Playwright standing in front of the
 * sandbox (route) to change one answer at a time. Recorded with the other
 * fault cases (test/faults/recorder.ts) for `npm run faults`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CarePlan, Task } from 'fhir/r4';
import { parseSearchRequest } from '@medplum/core';
import type { BrowserContext, Frame, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { faultCase } from '../faults/recorder';
import { STRICT } from '../sandbox/behaviour';
import { launchFromSimulator, startStack, type Stack } from './stack';

let stack: Stack;
beforeAll(async () => {
  // As the other browser tests: every strict switch of real EHRs and browsers on
  // (bare-id references match nothing, the app framed cross-site, …).
  stack = await startStack({ strict: STRICT });
});
afterAll(async () => {
  await stack?.close();
});

const READY = { timeout: 60_000 };
const ready = (frame: Frame) => frame.locator('section.summary[data-ready="true"]').waitFor(READY);

/** Requests the browser sent to hosts other than the app's and the sandbox's. */
async function watchElsewhere(context: BrowserContext): Promise<string[]> {
  const seen: string[] = [];
  await context.route(/^https?:\/\/(?!localhost|127\.0\.0\.1)/, (route) => {
    seen.push(
      `${route.request().method()} ${route.request().url()} auth=${route.request().headers().authorization ? 'yes' : 'no'}`,
    );
    return route.fulfill({ status: 404, body: '' });
  });
  return seen;
}

/** Changes the JSON of matching sandbox answers. */
async function rewrite(
  context: BrowserContext,
  match: (url: URL, method: string) => boolean,
  change: (body: Record<string, unknown>) => unknown,
) {
  await context.route(`${stack.sandbox.fhirBase}/**`, async (route: Route) => {
    const req = route.request();
    const url = new URL(req.url());
    if (req.method() === 'OPTIONS' || !match(url, req.method())) return route.fallback();
    const response = await route.fetch();
    const body = (await response.json()) as Record<string, unknown>;
    return route.fulfill({ response, json: change(body) });
  });
}

async function chart(key: string, context?: BrowserContext) {
  const { page, context: ctx } = context
    ? { page: await context.newPage(), context }
    : await stack.newPage();
  const frame = await launchFromSimulator(stack, page, { patientKey: key, userId: 'dr-okafor' });
  return { frame, context: ctx };
}

const blank = async (frame: Frame) =>
  (await frame.locator('h1, h2, h3').count()) === 0 ||
  (await frame.locator('body').innerText()).trim().length < 20;

describe('in Chromium: leaks, blank screens, layout, hangs', () => {
  faultCase(
    'browser-link-tab-in-scheme',
    'the Observation search links its next page to "http\\t://other.example/…"',
    async (o) => {
      const { context } = await stack.newPage();
      const elsewhere = await watchElsewhere(context);
      await rewrite(
        context,
        (u, m) => m === 'GET' && u.pathname.endsWith('/fhir/Observation'),
        (b) => ({
          ...b,
          link: [{ relation: 'next', url: 'http\t://other.example/fhir/Observation?page=2' }],
        }),
      );
      const { frame } = await chart('fentanyl-detected', context);
      await ready(frame);
      const tests = await frame
        .getByRole('region', { name: 'Urine drug tests', exact: true })
        .innerText();
      o.sees = tests.match(/Partial:[^\n]*/)?.[0] ?? tests.slice(0, 200);
      o.reached = elsewhere;
      o.leaked =
        elsewhere.length > 0 || stack.foreignRequests.some((h) => h.includes('other.example'));
      o.misread = !/pointed outside it and was not followed/.test(tests);
      o.blank = await blank(frame);
      await context.close();
    },
    120_000,
  );

  faultCase(
    'browser-patient-name-object',
    'Patient.name is an object (was: the whole app went blank)',
    async (o) => {
      const { context } = await stack.newPage();
      await rewrite(
        context,
        (u, m) => m === 'GET' && /\/fhir\/Patient\/[^/]+$/.test(u.pathname),
        (b) => ({ ...b, name: { text: { value: 'not text' } } }),
      );
      const { frame } = await chart('stable-buprenorphine', context);
      await ready(frame);
      const banner = await frame.getByRole('region', { name: 'Patient' }).innerText();
      o.sees = banner;
      o.blank = await blank(frame);
      o.misread = !/Name could not be read/.test(banner);
      await context.close();
    },
    120_000,
  );

  faultCase(
    'browser-unbroken-4000-character-strings',
    'names, test names, visit types and follow-up text of 4,000 characters without a space',
    async (o) => {
      const long = (c: string) => c.repeat(4000);
      const deep = (v: unknown): unknown =>
        Array.isArray(v)
          ? v.map(deep)
          : v && typeof v === 'object'
            ? Object.fromEntries(
                Object.entries(v).map(([k, x]) => [
                  k,
                  ['text', 'display', 'description'].includes(k) && typeof x === 'string'
                    ? long('W')
                    : deep(x),
                ]),
              )
            : v;
      const { context } = await stack.newPage();
      await rewrite(
        context,
        (_u, m) => m === 'GET',
        (b) => {
          const out = deep(b) as Record<string, unknown>;
          if (b.resourceType === 'Patient') out.name = [{ text: long('N') }];
          return out;
        },
      );
      const { frame } = await chart('fentanyl-detected', context);
      await ready(frame);
      const overflow = await frame.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        width: document.documentElement.clientWidth,
      }));
      o.sees = `page ${overflow.scroll} px wide in a ${overflow.width} px frame`;
      o.misread = overflow.scroll > overflow.width + 1;
      o.blank = await blank(frame);
      await context.close();
    },
    120_000,
  );

  faultCase(
    'browser-patient-read-hangs',
    'the Patient read never answers (the clock is fast-forwarded past the deadline)',
    async (o) => {
      const { context } = await stack.newPage();
      await context.clock.install();
      const held: Route[] = [];
      await context.route(`${stack.sandbox.fhirBase}/Patient/**`, (route) => {
        if (route.request().method() !== 'GET') return route.fallback();
        held.push(route); // never answered
        return undefined;
      });
      const { frame } = await chart('stable-buprenorphine', context);
      // Everything else is ready while the banner's read hangs.
      let summaryWhileHung = true;
      await ready(frame).catch(() => {
        summaryWhileHung = false;
      });
      const waiting = await frame.getByText('Loading patient…').isVisible();
      await context.clock.fastForward('00:25');
      const alert = frame.getByText(/The patient's details could not be loaded/);
      await alert.waitFor(READY).catch(() => undefined);
      o.sees = (await alert.isVisible()) ? await alert.innerText() : '';
      o.hung = !summaryWhileHung || !waiting || !/did not answer within 20 seconds/.test(o.sees);
      o.blank = await blank(frame);
      await context.close();
    },
    120_000,
  );

  faultCase(
    'browser-plan-written-by-colleague-meanwhile',
    'a colleague writes a peer-support plan while the composer is open; then Write',
    async (o) => {
      const patient = 'oxycodone-stable-120';
      const { frame, context } = await chart(patient);
      await frame.getByRole('button', { name: 'Start peer support' }).click({ timeout: 60_000 });
      await frame.getByLabel('Peer', { exact: true }).selectOption({ label: 'Jordan Morales' });
      if ((await frame.getByRole('group', { name: /^Follow-up \d/ }).count()) === 0) {
        await frame.getByRole('button', { name: 'Add a follow-up' }).click();
        await frame.getByLabel('Context for the peer').fill('Check in this week.');
      }
      await frame.getByRole('button', { name: 'Preview' }).click();
      await frame.getByRole('heading', { name: 'Preview' }).waitFor();
      // Meanwhile, Dr. Lindqvist's plan is written.
      await stack.sandbox.repository.createResource({
        resourceType: 'CarePlan',
        status: 'active',
        intent: 'plan',
        subject: { reference: `Patient/${patient}` },
        created: new Date().toISOString(),
        author: { reference: 'Practitioner/dr-lindqvist' },
        category: [
          {
            coding: [
              {
                system: 'https://peer-recovery.example.org/fhir/CodeSystem/careplan-category',
                code: 'peer-recovery-support',
              },
            ],
          },
        ],
      } as never);
      await frame.getByRole('button', { name: 'Write to the EHR' }).click();
      const done = frame.getByText(/A peer-support plan was written/);
      await done.waitFor(READY).catch(() => undefined);
      o.sees = (await done.isVisible())
        ? await done.innerText()
        : await frame.locator('body').innerText();
      const plans = (
        (await stack.sandbox.repository.searchResources(
          parseSearchRequest(`CarePlan?subject=Patient/${patient}&status=active`),
        )) as CarePlan[]
      ).filter((p) =>
        p.category?.some((c) => c.coding?.some((x) => x.code === 'peer-recovery-support')),
      );
      const tasks = (await stack.sandbox.repository.searchResources(
        parseSearchRequest(`Task?subject=Patient/${patient}`),
      )) as Task[];
      const linked = tasks.filter((t) => t.basedOn?.[0]?.reference === `CarePlan/${plans[0]?.id}`);
      o.written = `${plans.length} active peer-support plan(s), ${linked.length} follow-up(s) on it`;
      o.doubled = plans.length !== 1;
      o.lost = linked.length === 0;
      o.misread = !/by Erik Lindqvist[^,]*, DO, so a second one was not started/.test(o.sees);
      await context.close();
    },
    120_000,
  );
});

describe('the production build', () => {
  faultCase(
    'build-source-maps',
    'source maps shipped with, or referenced by, the build',
    async (o) => {
      const dist = inject('distDir');
      const files = readdirSync(dist, { recursive: true, encoding: 'utf8' });
      const maps = files.filter((f) => f.endsWith('.map'));
      const referencing = files.filter(
        (f) =>
          /\.(js|css)$/.test(f) && /sourceMappingURL/.test(readFileSync(join(dist, f), 'utf8')),
      );
      const js = files.find((f) => f.endsWith('.js')) ?? '';
      const served = await fetch(`${stack.app.url}/${js}.map`);
      o.sees = `${maps.length} .map files, ${referencing.length} files pointing to one, GET ${js}.map → ${served.status}`;
      o.leaked =
        maps.length > 0 || referencing.length > 0 || served.ok || !existsSync(join(dist, js));
    },
  );
});
